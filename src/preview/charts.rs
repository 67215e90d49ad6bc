//! Inline SVG pictures: commitment progress bars, a milestone timeline (counted per status and
//! quarter when a plan has many dated milestones) and a count per status.
//! They read in black and white and for colour-blind readers: every value is also written as
//! text, and statuses differ by shape as well as by colour.
//!
//! Each picture is written into one `String` with `write!`, record text through [`escape`];
//! coordinates are whole picture units.

use super::escape;
use crate::model::{Milestone, Plan, Status};
use crate::profile::Lang;
use crate::t;
use chrono::{Datelike, NaiveDate};
use std::fmt::Write as _;

const DARK: &str = "#0b4f8a";
const TRACK: &str = "#e4e8ee";

fn status_style(s: Option<Status>) -> (&'static str, &'static str) {
    // (fill, shape) — Okabe-Ito colours, distinct shapes.
    match s {
        Some(Status::Completed) => ("#0072b2", "circle"),
        Some(Status::InProgress) => ("#e69f00", "diamond"),
        Some(Status::NotStarted) => ("#ffffff", "ring"),
        Some(Status::OnHold) => ("#cc79a7", "square"),
        Some(Status::Cancelled) => ("#555555", "cross"),
        None => ("#bbbbbb", "triangle"),
    }
}

fn status_label(s: Option<Status>, lang: Lang) -> String {
    match s {
        Some(s) => s.label(lang).to_string(),
        None => t!("preview-status-unknown").render(lang),
    }
}

/// Every status in the vocabulary's order, then the unknown status: the order of the charts.
fn every_status() -> impl Iterator<Item = Option<Status>> {
    Status::ALL.iter().copied().map(Some).chain([None])
}

/// `part / whole` of `length`, rounded half up to a whole picture unit; 0 when `whole` is 0.
/// Every argument is zero or more.
fn share(length: i64, part: i64, whole: i64) -> i64 {
    if whole == 0 {
        return 0;
    }
    (2 * length * part + whole) / (2 * whole)
}

/// Writes a marker centred on (x, y).
fn marker(s: &mut String, st: Option<Status>, x: i64, y: i64) {
    let (fill, shape) = status_style(st);
    let _ = match shape {
        "circle" => write!(
            s,
            r##"<circle cx="{x}" cy="{y}" r="6" fill="{fill}" stroke="#000"/>"##
        ),
        "ring" => write!(
            s,
            r##"<circle cx="{x}" cy="{y}" r="6" fill="{fill}" stroke="#000" stroke-width="2"/>"##
        ),
        "diamond" => write!(
            s,
            r##"<path d="M{x} {} L{} {y} L{x} {} L{} {y} Z" fill="{fill}" stroke="#000"/>"##,
            y - 7,
            x + 7,
            y + 7,
            x - 7,
        ),
        "square" => write!(
            s,
            r##"<rect x="{}" y="{}" width="12" height="12" fill="{fill}" stroke="#000"/>"##,
            x - 6,
            y - 6,
        ),
        "cross" => write!(
            s,
            r#"<path d="M{} {} L{} {} M{} {} L{} {}" stroke="{fill}" stroke-width="3"/>"#,
            x - 6,
            y - 6,
            x + 6,
            y + 6,
            x - 6,
            y + 6,
            x + 6,
            y - 6,
        ),
        _ => write!(
            s,
            r##"<path d="M{x} {} L{} {} L{} {} Z" fill="{fill}" stroke="#000"/>"##,
            y - 7,
            x + 7,
            y + 6,
            x - 7,
            y + 6,
        ),
    };
}

/// Starts a picture: the `<svg>` element, its title and the opening of its description, which
/// the caller writes (escaped) and closes with `</desc>`.
fn svg_start(id: &str, width: i64, height: i64, title: &str) -> String {
    let mut s = String::with_capacity(4096);
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{id}-t {id}-d" font-family="DejaVu Sans, Arial, sans-serif" font-size="13"><title id="{id}-t">{}</title><desc id="{id}-d">"#,
        escape(title)
    );
    s
}

/// The share of completed milestones as the picture writes it, e.g. `3/7 — 42,9 %`.
fn percent_text(completed: usize, total: usize, lang: Lang) -> String {
    // The same rounding as the published `progression` column.
    let progress = crate::fields::Progress {
        total: total as u64,
        completed: completed as u64,
    };
    match progress.percent() {
        None => t!("preview-percent-unknown"),
        // Counts as text: the picture writes them without digit grouping.
        Some(p) => t!(
            "preview-percent",
            completed = completed.to_string(),
            total = total.to_string(),
            percent = p.replace('.', &t!("preview-decimal-separator").render(lang))
        ),
    }
    .render(lang)
}

/// Writes a progress bar: the track, and over it the completed part.
fn bar(s: &mut String, x: i64, y: i64, width: i64, completed: usize, total: usize) {
    let filled = share(width, completed as i64, total as i64);
    let _ = write!(
        s,
        r##"<rect x="{x}" y="{y}" width="{width}" height="14" fill="{TRACK}" stroke="#000" stroke-width="0.5"/><rect x="{x}" y="{y}" width="{filled}" height="14" fill="{DARK}"/>"##
    );
}

/// A small bar for the whole plan, for the index.
pub fn overall(completed: usize, total: usize, lang: Lang) -> String {
    let text = escape(&percent_text(completed, total, lang));
    let id = format!("overall-{completed}-{total}");
    let mut s = svg_start(
        &id,
        260,
        20,
        &t!("preview-milestones-completed").render(lang),
    );
    let _ = write!(s, "{text}</desc>");
    bar(&mut s, 1, 3, 110, completed, total);
    let _ = write!(s, r#"<text x="118" y="15">{text}</text></svg>"#);
    s
}

/// One progress bar per commitment.
pub(crate) fn commitments(view: &crate::dataset::PlanView, lang: Lang) -> String {
    /// A commitment's row: the key it is sorted by (`id|label`), its counts and their text.
    struct Row {
        key: String,
        done: usize,
        total: usize,
        percent: String,
    }
    impl Row {
        /// The label: the key after its first `|`.
        fn label(&self) -> &str {
            self.key.split_once('|').map_or(self.key.as_str(), |x| x.1)
        }
    }
    let mut rows: Vec<Row> = view
        .plan
        .commitments
        .iter()
        .map(|c| {
            let p = view.progress_of(c);
            let (done, total) = (p.completed as usize, p.total as usize);
            let key = match c.number {
                Some(n) => format!("{}|{n}. {}", c.id, c.title),
                None => format!("{}|{}", c.id, c.title),
            };
            Row {
                key,
                done,
                total,
                percent: percent_text(done, total, lang),
            }
        })
        .collect();
    rows.sort_by(|a, b| (&a.key, a.done, a.total).cmp(&(&b.key, b.done, b.total)));
    let row_h = 44;
    let height = rows.len() as i64 * row_h + 10;
    let mut s = svg_start(
        "progress",
        720,
        height.max(30),
        &t!("preview-progress-title").render(lang),
    );
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            s.push_str("; ");
        }
        let _ = write!(s, "{} : {}", escape(row.label()), escape(&row.percent));
    }
    s.push_str("</desc>");
    for (i, row) in rows.iter().enumerate() {
        let y = 8 + i as i64 * row_h;
        let label = row.label();
        // The first 95 characters, and an ellipsis when there are more.
        let (label, more) = match label.char_indices().nth(95) {
            Some((end, _)) => (&label[..end], "…"),
            None => (label, ""),
        };
        let _ = write!(
            s,
            r#"<text x="0" y="{}">{}{more}</text>"#,
            y + 12,
            escape(label)
        );
        bar(&mut s, 0, y + 18, 480, row.done, row.total);
        let _ = write!(
            s,
            r#"<text x="490" y="{}">{}</text>"#,
            y + 30,
            escape(&row.percent)
        );
    }
    s.push_str("</svg>");
    s
}

/// The most dated milestones [`timeline`] draws one by one; above it, they are counted per
/// status and per time bucket instead, so that the picture stays small and readable.
pub const TIMELINE_DETAIL_MAX: usize = 60;

/// The most time buckets (columns) the grouped timeline draws.
const TIMELINE_MAX_BUCKETS: i32 = 24;

/// The date a milestone is placed at: its due date, else its completion date, else its start,
/// each taken at the last day it can mean.
fn milestone_day(m: &Milestone) -> Option<NaiveDate> {
    Some(m.end.or(m.completed_on).or(m.start)?.last_day())
}

/// Milestones placed on a time axis by date (due date, else completion date, else start), with
/// their status as shape; returns the picture and a caption that counts undated milestones.
///
/// Up to [`TIMELINE_DETAIL_MAX`] dated milestones, each gets its own row. Above that, the
/// picture has one row per status that occurs and one column per calendar quarter (or per run
/// of quarters, so that there are at most 24 columns), with the count written in each cell.
pub fn timeline(plan: &Plan, lang: Lang) -> (String, String) {
    let dated: Vec<(NaiveDate, &Milestone)> = plan
        .milestones
        .iter()
        .filter_map(|m| Some((milestone_day(m)?, m)))
        .collect();
    let undated = plan.milestones.len() - dated.len();
    if dated.len() > TIMELINE_DETAIL_MAX {
        return timeline_grouped(&dated, undated, lang);
    }
    timeline_detailed(&dated, undated, lang)
}

/// One row per dated milestone: its id and title, a dashed line and its marker at its date.
fn timeline_detailed(
    dated: &[(NaiveDate, &Milestone)],
    undated: usize,
    lang: Lang,
) -> (String, String) {
    let mut dated: Vec<(NaiveDate, &str, &str, Option<Status>)> = dated
        .iter()
        .map(|(d, m)| (*d, m.id.as_str(), m.title.as_str(), m.status))
        .collect();
    dated.sort();
    let caption = t!(
        "preview-timeline-caption",
        dated = dated.len(),
        undated = undated
    )
    .render(lang);
    let row_h = 26;
    let height = dated.len() as i64 * row_h + 60;
    let title = t!("preview-timeline-title").render(lang);
    let mut s = svg_start("timeline", 720, height, &title);
    if dated.is_empty() {
        let none = t!("preview-timeline-empty").render(lang);
        let _ = write!(
            s,
            r#"{}</desc><text x="10" y="30">{}</text></svg>"#,
            escape(&caption),
            escape(&none)
        );
        return (s, caption);
    }
    for (i, (d, id, _, st)) in dated.iter().enumerate() {
        if i > 0 {
            s.push_str("; ");
        }
        // A date's text has no character to escape.
        let _ = write!(s, "{} {d} {}", escape(id), escape(&status_label(*st, lang)));
    }
    s.push_str("</desc>");
    let (first, last) = (dated[0].0, dated[dated.len() - 1].0);
    let span = (last - first).num_days().max(1);
    let (x0, x1) = (250, 700);
    let axis_y = height - 30;
    axis(&mut s, x0, x1, axis_y, first, last);
    for (i, (d, id, title, st)) in dated.iter().enumerate() {
        let y = 14 + i as i64 * row_h;
        let x = x0 + share(x1 - x0, (*d - first).num_days(), span);
        // The first 34 characters of the id and title.
        let mut label = format!("{id} {title}");
        if let Some((end, _)) = label.char_indices().nth(34) {
            label.truncate(end);
        }
        let _ = write!(s, r#"<text x="0" y="{}">{}</text>"#, y + 4, escape(&label));
        dashed_line(&mut s, x0, x1, y);
        marker(&mut s, *st, x, y);
    }
    s.push_str("</svg>");
    (s, caption)
}

/// Writes the time axis from `x0` to `x1` at `y`, with its first and last dates below it.
fn axis(s: &mut String, x0: i64, x1: i64, y: i64, first: NaiveDate, last: NaiveDate) {
    // Dates' text has no character to escape.
    let _ = write!(
        s,
        r##"<line x1="{x0}" y1="{y}" x2="{x1}" y2="{y}" stroke="#000"/><text x="{x0}" y="{ty}">{first}</text><text x="{x1}" y="{ty}" text-anchor="end">{last}</text>"##,
        ty = y + 18,
    );
}

/// Writes a row's light dashed line from `x0` to `x1` at `y`.
fn dashed_line(s: &mut String, x0: i64, x1: i64, y: i64) {
    let _ = write!(
        s,
        r##"<line x1="{x0}" y1="{y}" x2="{x1}" y2="{y}" stroke="#ccc" stroke-dasharray="2 3"/>"##
    );
}

/// A calendar quarter counted from year 0: `year * 4 + quarter - 1`.
fn quarter_of(d: NaiveDate) -> i32 {
    d.year() * 4 + (d.month0() / 3) as i32
}

/// The first day of a quarter from [`quarter_of`].
fn quarter_start(q: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(q.div_euclid(4), q.rem_euclid(4) as u32 * 3 + 1, 1).unwrap_or_default()
}

/// Writes a quarter's name, `2022-T1` in French (trimestre) or `2022-Q1` in English.
fn quarter_name(s: &mut String, q: i32, lang: Lang) {
    // Years as text: `2022`, never `2,022`.
    let name = t!(
        "preview-quarter",
        year = q.div_euclid(4).to_string(),
        quarter = (q.rem_euclid(4) + 1).to_string()
    );
    s.push_str(&name.render(lang));
}

/// How quarters `first..=last` are grouped into buckets: `(quarters per bucket, buckets)`, with
/// the fewest quarters per bucket that keeps the buckets at [`TIMELINE_MAX_BUCKETS`] or fewer.
fn quarter_buckets(first: i32, last: i32) -> (i32, i32) {
    let quarters = (last - first + 1).max(1);
    let width = (quarters + TIMELINE_MAX_BUCKETS - 1) / TIMELINE_MAX_BUCKETS;
    (width, (quarters + width - 1) / width)
}

/// One row per status that occurs, one column per time bucket, and in each non-empty cell the
/// status marker and the number of milestones; the description lists the same counts as text.
fn timeline_grouped(
    dated: &[(NaiveDate, &Milestone)],
    undated: usize,
    lang: Lang,
) -> (String, String) {
    let statuses: Vec<Option<Status>> = every_status().collect();
    let row_of = |s: Option<Status>| statuses.iter().position(|x| *x == s).unwrap_or(0);
    let quarters: Vec<(i32, Option<Status>)> = dated
        .iter()
        .map(|(d, m)| (quarter_of(*d), m.status))
        .collect();
    let first_q = quarters.iter().map(|q| q.0).min().unwrap_or(0);
    let last_q = quarters.iter().map(|q| q.0).max().unwrap_or(0);
    let (width, buckets) = quarter_buckets(first_q, last_q);
    // counts[row][bucket]
    let mut counts = vec![vec![0usize; buckets as usize]; statuses.len()];
    for (q, s) in &quarters {
        let bucket = ((q - first_q) / width) as usize;
        counts[row_of(*s)][bucket] += 1;
    }
    let rows: Vec<(Option<Status>, &Vec<usize>)> = statuses
        .iter()
        .zip(&counts)
        .filter(|(_, c)| c.iter().any(|n| *n > 0))
        .map(|(s, c)| (*s, c))
        .collect();

    // A bucket's name: its quarter, or its first and last quarters.
    let bucket_name = |s: &mut String, b: usize| {
        let q = first_q + b as i32 * width;
        quarter_name(s, q, lang);
        if width != 1 {
            s.push('–');
            quarter_name(s, q + width - 1, lang);
        }
    };
    let dated = dated.len();
    let caption = t!(
        "preview-timeline-grouped-caption",
        dated = dated,
        undated = undated,
        quarters = width
    )
    .render(lang);

    let (x0, x1) = (250, 700);
    let row_h = 44;
    let top = 30;
    let axis_y = top + rows.len().saturating_sub(1) as i64 * row_h + 30;
    let height = axis_y + 30;
    let mut s = svg_start(
        "timeline",
        720,
        height,
        &t!("preview-timeline-title").render(lang),
    );
    // The counts as text: numbers and bucket names have no character to escape.
    for (i, (st, c)) in rows.iter().enumerate() {
        if i > 0 {
            s.push_str("; ");
        }
        let _ = write!(s, "{} : ", escape(&status_label(*st, lang)));
        let cells = c.iter().enumerate().filter(|(_, n)| **n > 0);
        for (j, (b, n)) in cells.enumerate() {
            if j > 0 {
                s.push_str(", ");
            }
            let mut period = String::new();
            bucket_name(&mut period, b);
            // Counts as text, as the picture draws them.
            let cell = t!("preview-count-in", count = n.to_string(), period = period);
            s.push_str(&cell.render(lang));
        }
    }
    s.push_str("</desc>");
    // Bucket `b` spans from `boundary(2 * b)` to `boundary(2 * b + 2)`, its middle at
    // `boundary(2 * b + 1)`.
    let buckets_i = i64::from(buckets);
    let boundary = |half_cells: i64| x0 + share(x1 - x0, half_cells, 2 * buckets_i);
    // Each status's marker is drawn once, then placed in its cells: at most 144 cells, each
    // a short reference rather than a whole shape.
    s.push_str("<defs>");
    for (st, _) in &rows {
        let _ = write!(s, r#"<g id="timeline-m{}">"#, row_of(*st));
        marker(&mut s, *st, 0, 0);
        s.push_str("</g>");
    }
    s.push_str("</defs>");
    // Bucket boundaries, lightly, as one path.
    s.push_str(r#"<path d=""#);
    for b in 0..=buckets {
        let _ = write!(s, "M{} {}V{axis_y}", boundary(2 * i64::from(b)), top - 22);
    }
    s.push_str(r##"" stroke="#e4e4e4"/>"##);
    let start = quarter_start(first_q);
    let end = quarter_start(first_q + buckets * width)
        .pred_opt()
        .unwrap_or_default();
    axis(&mut s, x0, x1, axis_y, start, end);
    // Wide cells (48 units or more) take the count beside the marker; narrow ones above it and
    // below it in turn, so that neighbouring counts never overlap.
    let beside = x1 - x0 >= 48 * buckets_i;
    for (i, (st, c)) in rows.iter().enumerate() {
        let y = top + i as i64 * row_h;
        let m = row_of(*st);
        let _ = write!(
            s,
            r#"<text x="0" y="{}">{}</text>"#,
            y + 4,
            escape(&status_label(*st, lang))
        );
        dashed_line(&mut s, x0, x1, y);
        let cells = || c.iter().enumerate().filter(|(_, n)| **n > 0);
        for (b, _) in cells() {
            let x = boundary(2 * b as i64 + 1);
            let _ = write!(s, r##"<use href="#timeline-m{m}" x="{x}" y="{y}"/>"##);
        }
        // The row's counts share their text attributes.
        s.push_str(if beside {
            r#"<g font-size="11">"#
        } else {
            r#"<g font-size="11" text-anchor="middle">"#
        });
        for (b, n) in cells() {
            let x = boundary(2 * b as i64 + 1);
            let (tx, ty) = match (beside, b % 2) {
                (true, _) => (x + 10, y + 4),
                (false, 0) => (x, y - 10),
                (false, _) => (x, y + 19),
            };
            let _ = write!(s, r#"<text x="{tx}" y="{ty}">{n}</text>"#);
        }
        s.push_str("</g>");
    }
    s.push_str("</svg>");
    (s, caption)
}

/// Milestone count per status, each with its marker and label.
pub fn statuses(plan: &Plan, lang: Lang) -> String {
    let all: Vec<Option<Status>> = every_status().collect();
    let mut per_status = vec![0usize; all.len()];
    for m in &plan.milestones {
        if let Some(i) = all.iter().position(|s| *s == m.status) {
            per_status[i] += 1;
        }
    }
    let counts: Vec<(Option<Status>, usize)> = all
        .into_iter()
        .zip(per_status)
        .filter(|(s, n)| *n > 0 || s.is_some())
        .collect();
    let max = counts.iter().map(|c| c.1).max().unwrap_or(0).max(1);
    let row_h = 24;
    let height = counts.len() as i64 * row_h + 8;
    let mut s = svg_start(
        "statuses",
        720,
        height,
        &t!("preview-statuses-title").render(lang),
    );
    for (i, (st, n)) in counts.iter().enumerate() {
        if i > 0 {
            s.push_str("; ");
        }
        let _ = write!(s, "{} : {n}", escape(&status_label(*st, lang)));
    }
    s.push_str("</desc>");
    for (i, (st, n)) in counts.iter().enumerate() {
        let y = 6 + i as i64 * row_h;
        marker(&mut s, *st, 10, y + 8);
        let w = share(360, *n as i64, max as i64);
        let _ = write!(
            s,
            r##"<text x="24" y="{ty}">{}</text><rect x="200" y="{y}" width="{w}" height="16" fill="{DARK}" stroke="#000" stroke-width="0.5"/><text x="{}" y="{ty}">{n}</text>"##,
            escape(&status_label(*st, lang)),
            206 + w,
            ty = y + 13,
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Commitment, PartialDate};

    /// Random plans: any number of milestones (so both timelines), partial, missing and odd
    /// dates, every status, titles with markup, quotes, long and non-ASCII text, ids with `|`.
    fn random_plans() -> Vec<Plan> {
        let mut rng = fastrand::Rng::with_seed(3);
        let words = [
            "Jalon",
            "<b>gras</b>",
            "l'été",
            "\"cité\"",
            "a&b",
            "é—…",
            "x|y",
            "/",
            "\u{1F600}",
            "données ouvertes",
            "",
        ];
        let text = |rng: &mut fastrand::Rng, n: usize| -> String {
            (0..rng.usize(0..n))
                .map(|_| words[rng.usize(..words.len())])
                .collect::<Vec<_>>()
                .join(" ")
        };
        let statuses: Vec<Option<Status>> = every_status().collect();
        (0..300)
            .map(|p| {
                let n = match p % 4 {
                    0 => rng.usize(0..=TIMELINE_DETAIL_MAX + 1),
                    1 => rng.usize(55..70),
                    _ => rng.usize(0..600),
                };
                let commitments: Vec<Commitment> = (0..rng.usize(0..30))
                    .map(|i| Commitment {
                        id: format!("C{}{}", i % 13, if i % 5 == 0 { "|x" } else { "" }),
                        number: rng.bool().then(|| rng.u32(0..200)),
                        title: text(&mut rng, 40),
                        ..Default::default()
                    })
                    .collect();
                let date = |rng: &mut fastrand::Rng| {
                    rng.bool().then(|| PartialDate {
                        year: if rng.u8(..) == 0 {
                            rng.i32(-50..12000)
                        } else {
                            rng.i32(2000..2040)
                        },
                        month: rng.u32(1..=12),
                        day: rng.bool().then(|| rng.u32(1..=28)),
                    })
                };
                let milestones = (0..n)
                    .map(|i| Milestone {
                        id: format!("M{i}{}", text(&mut rng, 2)),
                        commitment_id: format!("C{}", rng.usize(0..15)),
                        title: text(&mut rng, 12),
                        start: date(&mut rng),
                        end: if rng.u8(..10) < 7 {
                            date(&mut rng)
                        } else {
                            None
                        },
                        completed_on: date(&mut rng),
                        status: statuses[rng.usize(..statuses.len())],
                        ..Default::default()
                    })
                    .collect();
                Plan {
                    commitments,
                    milestones,
                    ..Default::default()
                }
            })
            .collect()
    }

    #[test]
    fn random_plans_give_well_formed_pictures_the_same_each_time() {
        // Hostile titles and ids, odd dates and both timeline layouts: every picture parses,
        // holds no raw markup from the records, and comes out the same twice.
        for (i, p) in random_plans().iter().enumerate() {
            let view = crate::dataset::PlanView::new(p);
            for lang in [Lang::Fr, Lang::En] {
                let (done, total) = (i % 7, i % 11);
                let pictures = [
                    timeline(p, lang).0,
                    statuses(p, lang),
                    commitments(&view, lang),
                    overall(done, total, lang),
                ];
                for svg in &pictures {
                    well_formed(svg).unwrap_or_else(|e| panic!("plan {i}: {e}\n{svg}"));
                }
                assert_eq!(timeline(p, lang).0, pictures[0], "plan {i}");
                assert_eq!(commitments(&view, lang), pictures[2], "plan {i}");
            }
        }
    }

    /// A milestone due on the given day.
    fn milestone(i: usize, year: i32, month: u32, day: u32, status: Option<Status>) -> Milestone {
        Milestone {
            id: format!("M{i:04}"),
            commitment_id: format!("C{}", i % 7),
            title: format!("Jalon {i} du plan d'action"),
            end: Some(PartialDate {
                year,
                month,
                day: Some(day),
            }),
            status,
            ..Default::default()
        }
    }

    /// `n` dated milestones spread month by month over `years` years from 2020, every status
    /// and the unknown one taking turns (each month sees them all once `n` is large), plus `undated` milestones without any date.
    fn plan(n: usize, years: usize, undated: usize) -> Plan {
        let statuses: Vec<Option<Status>> = every_status().collect();
        let mut milestones: Vec<Milestone> = (0..n)
            .map(|i| {
                let month = i % (12 * years);
                milestone(
                    i,
                    2020 + (month / 12) as i32,
                    (month % 12) as u32 + 1,
                    (i % 28) as u32 + 1,
                    statuses[(i / 3 + i / (12 * years)) % statuses.len()],
                )
            })
            .collect();
        milestones.extend((0..undated).map(|i| Milestone {
            id: format!("U{i}"),
            title: "Sans date".into(),
            status: Some(Status::NotStarted),
            ..Default::default()
        }));
        Plan {
            milestones,
            ..Default::default()
        }
    }

    /// Checks that `xml` is well formed as far as these pictures go: every element closed in
    /// order, quoted attributes, no stray `<`, `>` or `&` in text, only known entities.
    fn well_formed(xml: &str) -> Result<(), String> {
        fn entities_ok(text: &str) -> Result<(), String> {
            if text.contains('<') || text.contains('>') {
                return Err(format!("raw angle bracket in {text:?}"));
            }
            let mut rest = text;
            while let Some(i) = rest.find('&') {
                rest = &rest[i..];
                let ok = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                    .iter()
                    .any(|e| rest.starts_with(e));
                if !ok {
                    return Err(format!("bad entity at {:?}", &rest[..rest.len().min(10)]));
                }
                rest = &rest[1..];
            }
            Ok(())
        }
        let mut open: Vec<&str> = Vec::new();
        let mut rest = xml;
        let mut roots = 0;
        while !rest.is_empty() {
            let Some(lt) = rest.find('<') else {
                if !open.is_empty() || !rest.trim().is_empty() {
                    return Err(format!("text outside the root or unclosed {open:?}"));
                }
                break;
            };
            let text = &rest[..lt];
            if open.is_empty() && !text.trim().is_empty() {
                return Err(format!("text outside the root: {text:?}"));
            }
            entities_ok(text)?;
            rest = &rest[lt + 1..];
            // The tag runs to the first `>` outside quotes.
            let mut in_quote = false;
            let end = rest
                .char_indices()
                .find(|&(_, c)| {
                    if c == '"' {
                        in_quote = !in_quote;
                    }
                    c == '>' && !in_quote
                })
                .map(|(i, _)| i)
                .ok_or("unterminated tag")?;
            let tag = &rest[..end];
            rest = &rest[end + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                match open.pop() {
                    Some(o) if o == name.trim() => {}
                    o => return Err(format!("</{name}> closes {o:?}")),
                }
                continue;
            }
            let self_closing = tag.ends_with('/');
            let body = tag.strip_suffix('/').unwrap_or(tag);
            let name = body.split_whitespace().next().ok_or("empty tag")?;
            if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                return Err(format!("bad tag name {name:?}"));
            }
            // Attributes: name="value", values free of `<` and with known entities.
            let mut attrs = body[name.len()..].trim();
            while !attrs.is_empty() {
                let (key, after) = attrs
                    .split_once("=\"")
                    .ok_or(format!("attribute in {tag:?}"))?;
                if key.trim().is_empty() || key.trim().contains(char::is_whitespace) {
                    return Err(format!("attribute name {key:?}"));
                }
                let (value, after) = after.split_once('"').ok_or("unclosed attribute")?;
                entities_ok(value)?;
                attrs = after.trim_start();
            }
            if open.is_empty() {
                roots += 1;
            }
            if !self_closing {
                open.push(name);
            }
        }
        match (open.is_empty(), roots) {
            (true, 1) => Ok(()),
            _ => Err(format!("{roots} root(s), unclosed {open:?}")),
        }
    }

    /// The numbers written before ` en ` / ` in ` in the grouped description.
    fn desc_counts(svg: &str) -> Vec<usize> {
        let start = svg.find("<desc").unwrap();
        let desc = &svg[start..svg[start..].find("</desc>").unwrap() + start];
        let desc = &desc[desc.find('>').unwrap() + 1..];
        desc.split(['\u{3b}', ','])
            .filter_map(|cell| {
                let cell = cell.rsplit(" : ").next().unwrap().trim();
                let (n, _) = cell.split_once(' ')?;
                n.parse().ok()
            })
            .collect()
    }

    /// The numbers drawn as count labels: the texts in the grouped view's `<g font-size>`s.
    fn drawn_counts(svg: &str) -> Vec<usize> {
        svg.split("<g font-size")
            .skip(1)
            .flat_map(|g| {
                let g = &g[..g.find("</g>").unwrap()];
                g.split("<text ").skip(1).map(|t| {
                    let t = &t[t.find('>').unwrap() + 1..];
                    t[..t.find('<').unwrap()].parse().unwrap()
                })
            })
            .collect()
    }

    #[test]
    fn checker_rejects_broken_markup() {
        assert!(well_formed(r#"<svg a="1"><g><text>x</text></g></svg>"#).is_ok());
        assert!(well_formed("<svg><g></svg>").is_err());
        assert!(well_formed("<svg><g/></svg><svg/>").is_err());
        assert!(well_formed("<svg><text>a & b</text></svg>").is_err());
        assert!(well_formed("<svg><text><script></text></svg>").is_err());
        assert!(well_formed(r#"<svg a="<"/>"#).is_err());
        assert!(well_formed("<svg>").is_err());
    }

    #[test]
    fn sixty_milestones_get_a_row_each() {
        let p = plan(TIMELINE_DETAIL_MAX, 3, 2);
        for lang in [Lang::Fr, Lang::En] {
            let (svg, caption) = timeline(&p, lang);
            assert_eq!(svg.matches("stroke-dasharray").count(), TIMELINE_DETAIL_MAX);
            assert_eq!(svg.matches("<text x=\"0\"").count(), TIMELINE_DETAIL_MAX);
            assert!(svg.contains("M0059 "), "one label per milestone");
            assert!(caption.starts_with("60 "), "{caption}");
            assert!(caption.contains("2 "), "{caption}");
            assert!(!caption.contains("regroup") && !caption.contains("grouped"));
            well_formed(&svg).unwrap();
        }
    }

    #[test]
    fn a_thousand_milestones_are_counted_per_status_and_quarter() {
        let p = plan(1000, 4, 7);
        for lang in [Lang::Fr, Lang::En] {
            let (svg, caption) = timeline(&p, lang);
            well_formed(&svg).unwrap();
            assert!(svg.len() < 20_000, "{} bytes", svg.len());
            let desc = desc_counts(&svg);
            assert_eq!(desc.iter().sum::<usize>(), 1000, "{svg}");
            assert!(desc.iter().all(|n| *n > 0));
            let drawn = drawn_counts(&svg);
            assert_eq!(drawn, desc, "the picture writes the same counts");
            // Six statuses occur (five and the unknown one): one row label each, in order.
            let labels: Vec<&str> = svg
                .split("<text x=\"0\" y=\"")
                .skip(1)
                .map(|t| {
                    let t = &t[t.find('>').unwrap() + 1..];
                    &t[..t.find('<').unwrap()]
                })
                .collect();
            let expected: Vec<String> = Status::ALL
                .iter()
                .map(|s| s.label(lang).to_string())
                .chain([status_label(None, lang)])
                .collect();
            assert_eq!(labels, expected);
            assert_eq!(svg.matches("stroke-dasharray").count(), 6);
            // Four years of quarters, named in the page's language.
            let q = lang.pick("T", "Q");
            assert!(svg.contains(&format!("2020-{q}1")) && svg.contains(&format!("2023-{q}4")));
            assert!(!svg.contains(&format!("2024-{q}1")));
            assert!(svg.contains(">2020-01-01</text>") && svg.contains(">2023-12-31</text>"));
            assert!(
                caption.starts_with(lang.pick("1\u{a0}000 jalons ", "1,000 milestones ")),
                "{caption}"
            );
            assert!(caption.contains("; 7 "), "{caption}");
            assert!(
                caption.contains(lang.pick("par statut et par trimestre", "by status and quarter"))
            );
        }
    }

    #[test]
    fn only_statuses_that_occur_get_a_row() {
        let p = Plan {
            milestones: (0..96)
                .map(|i| milestone(i, 2022, 1 + (i % 12) as u32, 1, Some(Status::Completed)))
                .collect(),
            ..Default::default()
        };
        let (svg, _) = timeline(&p, Lang::Fr);
        well_formed(&svg).unwrap();
        assert_eq!(svg.matches("<text x=\"0\"").count(), 1);
        assert!(svg.contains(">Réalisé</text>"));
        assert_eq!(desc_counts(&svg), vec![24, 24, 24, 24]);
    }

    #[test]
    fn long_spans_get_at_most_24_buckets() {
        // 31 years, a milestone in every month: 124 quarters.
        let p = plan(372, 31, 0);
        for lang in [Lang::Fr, Lang::En] {
            let (svg, caption) = timeline(&p, lang);
            well_formed(&svg).unwrap();
            assert_eq!(desc_counts(&svg).iter().sum::<usize>(), 372);
            // Each status row names its buckets; the bucket names across rows are few.
            let q = lang.pick("T", "Q");
            let mut names: Vec<&str> = svg
                .split(&format!(" {} ", lang.pick("en", "in")))
                .skip(1)
                .map(|t| t.split([',', '\u{3b}', '<']).next().unwrap())
                .collect();
            names.sort();
            names.dedup();
            assert!(names.len() <= 24 && names.len() > 12, "{names:?}");
            assert!(names.iter().all(|n| n.matches(q).count() == 2), "{names:?}");
            // The boundaries drawn: one more than the buckets.
            let grid = svg
                .split("<path d=\"")
                .find(|p| p.contains("stroke=\"#e4e4e4\""))
                .unwrap();
            let columns = grid.matches('M').count() - 1;
            assert!(columns <= 24, "{columns}");
            assert_eq!(columns, names.len());
            assert!(
                caption.contains(lang.pick("de 6 trimestres", "by 6 quarters")),
                "{caption}"
            );
            assert!(svg.contains(">2020-01-01</text>"));
        }
    }

    #[test]
    fn the_grouped_picture_stays_small_at_its_fullest() {
        // Every status in each of 24 quarters, with four-digit counts, and the same in 24
        // buckets of several quarters (longer bucket names).
        for (years, per_month) in [(6, 340), (48, 42)] {
            let p = plan(12 * years * 6 * per_month, years, 0);
            let (svg, _) = timeline(&p, Lang::Fr);
            well_formed(&svg).unwrap();
            assert_eq!(drawn_counts(&svg).len(), 6 * 24, "{years} years");
            assert!(svg.len() < 20_000, "{years} years: {} bytes", svg.len());
        }
    }

    #[test]
    fn bucket_widths_are_the_smallest_that_fit() {
        for quarters in 1..=400 {
            let (width, buckets) = quarter_buckets(8000, 8000 + quarters - 1);
            assert!(buckets <= TIMELINE_MAX_BUCKETS, "{quarters}");
            assert!(width * buckets >= quarters && width * (buckets - 1) < quarters);
            let narrower = width - 1;
            assert!(narrower == 0 || (quarters + narrower - 1) / narrower > TIMELINE_MAX_BUCKETS);
        }
        assert_eq!(quarter_buckets(0, 23), (1, 24));
        assert_eq!(quarter_buckets(0, 24), (2, 13));
    }

    #[test]
    fn titles_stay_escaped() {
        let hostile = "<script>alert(\"x\")</script> & 'y'";
        for n in [3, 200] {
            let mut p = plan(n, 2, 0);
            for m in &mut p.milestones {
                m.title = hostile.into();
                m.id = format!("<b>{}</b>", m.id);
            }
            for lang in [Lang::Fr, Lang::En] {
                let (svg, _) = timeline(&p, lang);
                assert!(!svg.contains("<script") && !svg.contains("<b>"), "{svg}");
                well_formed(&svg).unwrap();
            }
            let (svg, _) = timeline(&p, Lang::Fr);
            if n == 3 {
                assert!(svg.contains("&lt;script&gt;"));
            }
        }
    }

    #[test]
    fn output_is_deterministic() {
        let p = plan(1000, 7, 3);
        let mut shuffled = p.clone();
        shuffled.milestones.reverse();
        assert_eq!(timeline(&p, Lang::Fr), timeline(&p, Lang::Fr));
        assert_eq!(timeline(&p, Lang::Fr), timeline(&shuffled, Lang::Fr));
    }

    #[test]
    fn no_dated_milestone_says_so() {
        let (svg, caption) = timeline(&plan(0, 1, 4), Lang::En);
        well_formed(&svg).unwrap();
        assert!(svg.contains("No dated milestone"));
        assert!(
            caption.contains("4 milestones without a date are"),
            "{caption}"
        );
    }

    #[test]
    fn the_other_charts_are_well_formed() {
        let p = plan(70, 2, 1);
        well_formed(&statuses(&p, Lang::Fr)).unwrap();
        well_formed(&commitments(&crate::dataset::PlanView::new(&p), Lang::En)).unwrap();
        well_formed(&overall(3, 7, Lang::Fr)).unwrap();
    }
}
