//! Inline SVG pictures: commitment progress bars, a milestone timeline (counted per status and
//! quarter when a plan has many dated milestones) and a count per status.
//! They read in black and white and for colour-blind readers: every value is also written as
//! text, and statuses differ by shape as well as by colour.

use super::escape;
use crate::model::{Milestone, Plan, Status};
use crate::profile::Lang;
use chrono::{Datelike, NaiveDate};

const DARK: &str = "#0b4f8a";

/// A coordinate written with one decimal, exactly as `{:.1}` writes it, without the general
/// float formatter on the common path (a large plan's preview writes hundreds of thousands).
#[derive(Clone, Copy)]
struct D1(f64);

impl std::fmt::Display for D1 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tenths = self.0 * 10.0;
        // Away from a tie, rounding the product gives the digit `{:.1}` gives: the product's own
        // rounding error is far below the margin. Ties, negatives and huge values take the
        // standard path.
        if self.0 > 0.0 && tenths < 1e15 && (tenths - tenths.floor() - 0.5).abs() > 1e-6 {
            let n = tenths.round() as u64;
            write!(f, "{}.{}", n / 10, n % 10)
        } else {
            write!(f, "{:.1}", self.0)
        }
    }
}
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

fn status_label(s: Option<Status>, lang: Lang) -> &'static str {
    match s {
        Some(s) => s.label(lang),
        None => lang.pick("Statut inconnu", "Unknown status"),
    }
}

/// Every status in the vocabulary's order, then the unknown status: the order of the charts.
fn every_status() -> impl Iterator<Item = Option<Status>> {
    Status::ALL.iter().copied().map(Some).chain([None])
}

/// A marker centred on (x, y).
fn marker(s: Option<Status>, x: f64, y: f64) -> String {
    let (fill, shape) = status_style(s);
    match shape {
        "circle" => {
            format!(r##"<circle cx="{x:.1}" cy="{y:.1}" r="6" fill="{fill}" stroke="#000"/>"##)
        }
        "ring" => format!(
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="6" fill="{fill}" stroke="#000" stroke-width="2"/>"##
        ),
        "diamond" => format!(
            r##"<path d="M{x:.1} {:.1} L{:.1} {y:.1} L{x:.1} {:.1} L{:.1} {y:.1} Z" fill="{fill}" stroke="#000"/>"##,
            y - 7.0,
            x + 7.0,
            y + 7.0,
            x - 7.0
        ),
        "square" => format!(
            r##"<rect x="{:.1}" y="{:.1}" width="12" height="12" fill="{fill}" stroke="#000"/>"##,
            x - 6.0,
            y - 6.0
        ),
        "cross" => format!(
            r##"<path d="M{:.1} {:.1} L{:.1} {:.1} M{:.1} {:.1} L{:.1} {:.1}" stroke="{fill}" stroke-width="3"/>"##,
            x - 6.0,
            y - 6.0,
            x + 6.0,
            y + 6.0,
            x - 6.0,
            y + 6.0,
            x + 6.0,
            y - 6.0
        ),
        _ => format!(
            r##"<path d="M{x:.1} {:.1} L{:.1} {:.1} L{:.1} {:.1} Z" fill="{fill}" stroke="#000"/>"##,
            y - 7.0,
            x + 7.0,
            y + 6.0,
            x - 7.0,
            y + 6.0
        ),
    }
}

fn svg_open(id: &str, width: u32, height: u32, title: &str, desc: &str) -> String {
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{id}-t {id}-d" font-family="DejaVu Sans, Arial, sans-serif" font-size="13"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"##,
        escape(title),
        escape(desc)
    )
}

fn percent_text(completed: usize, total: usize, lang: Lang) -> String {
    // The same rounding as the published `progression` column.
    let progress = crate::fields::Progress {
        total: total as u64,
        completed: completed as u64,
    };
    match (progress.percent(), lang) {
        (None, _) => lang.pick("inconnue", "unknown").to_string(),
        (Some(p), Lang::Fr) => format!("{completed}/{total} — {} %", p.replace('.', ",")),
        (Some(p), Lang::En) => format!("{completed}/{total} — {p}%"),
    }
}

fn bar(x: f64, y: f64, width: f64, completed: usize, total: usize) -> String {
    let filled = if total == 0 {
        0.0
    } else {
        width * completed as f64 / total as f64
    };
    let (x, y, width, filled) = (D1(x), D1(y), D1(width), D1(filled));
    format!(
        r##"<rect x="{x}" y="{y}" width="{width}" height="14" fill="{TRACK}" stroke="#000" stroke-width="0.5"/><rect x="{x}" y="{y}" width="{filled}" height="14" fill="{DARK}"/>"##
    )
}

/// A small bar for the whole plan, for the index.
pub fn overall(completed: usize, total: usize, lang: Lang) -> String {
    let text = percent_text(completed, total, lang);
    let mut s = svg_open(
        &format!("overall-{completed}-{total}"),
        260,
        20,
        lang.pick("Jalons réalisés", "Milestones completed"),
        &text,
    );
    s.push_str(&bar(1.0, 3.0, 110.0, completed, total));
    s.push_str(&format!(
        r##"<text x="118" y="15">{}</text></svg>"##,
        escape(&text)
    ));
    s
}

/// One progress bar per commitment.
pub(crate) fn commitments(view: &crate::build::PlanView, lang: Lang) -> String {
    let mut rows: Vec<(String, usize, usize)> = view
        .plan
        .commitments
        .iter()
        .map(|c| {
            let p = view.progress_of(c);
            let (done, total) = (p.completed as usize, p.total as usize);
            let label = match c.number {
                Some(n) => format!("{n}. {}", c.title),
                None => c.title.clone(),
            };
            (format!("{}|{}", c.id, label), done, total)
        })
        .collect();
    rows.sort();
    let row_h = 44.0;
    let height = (rows.len() as f64 * row_h + 10.0) as u32;
    let desc: Vec<String> = rows
        .iter()
        .map(|(k, d, t)| {
            format!(
                "{} : {}",
                k.split_once('|').map_or(k.as_str(), |x| x.1),
                percent_text(*d, *t, lang)
            )
        })
        .collect();
    let mut s = svg_open(
        "progress",
        720,
        height.max(30),
        lang.pick("Progression des engagements", "Commitment progress"),
        &desc.join("; "),
    );
    for (i, (key, done, total)) in rows.iter().enumerate() {
        let y = 8.0 + i as f64 * row_h;
        let label = key.split_once('|').map_or(key.as_str(), |x| x.1);
        let short: String = label.chars().take(95).collect();
        let short = if short.len() < label.len() {
            format!("{short}…")
        } else {
            short
        };
        s.push_str(&format!(
            r##"<text x="0" y="{}">{}</text>"##,
            D1(y + 12.0),
            escape(&short)
        ));
        s.push_str(&bar(0.0, y + 18.0, 480.0, *done, *total));
        s.push_str(&format!(
            r##"<text x="490" y="{}">{}</text>"##,
            D1(y + 30.0),
            escape(&percent_text(*done, *total, lang))
        ));
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
    let dated_count = plan
        .milestones
        .iter()
        .filter(|m| milestone_day(m).is_some())
        .count();
    let undated = plan.milestones.len() - dated_count;
    if dated_count > TIMELINE_DETAIL_MAX {
        return timeline_grouped(plan, dated_count, undated, lang);
    }
    timeline_detailed(plan, undated, lang)
}

/// One row per dated milestone: its id and title, a dashed line and its marker at its date.
fn timeline_detailed(plan: &Plan, undated: usize, lang: Lang) -> (String, String) {
    let mut dated: Vec<(NaiveDate, &str, &str, Option<Status>)> = plan
        .milestones
        .iter()
        .filter_map(|m| Some((milestone_day(m)?, m.id.as_str(), m.title.as_str(), m.status)))
        .collect();
    dated.sort();
    let caption = match lang {
        Lang::Fr => format!(
            "{} jalon(s) placés par échéance (ou date de réalisation); {undated} jalon(s) sans date ne figurent pas sur l'axe.",
            dated.len()
        ),
        Lang::En => format!(
            "{} milestone(s) placed by due date (or completion date); {undated} milestone(s) without a date are not on the axis.",
            dated.len()
        ),
    };
    let row_h = 26.0;
    let height = (dated.len() as f64 * row_h + 60.0) as u32;
    let desc: Vec<String> = dated
        .iter()
        .map(|(d, id, _, s)| format!("{id} {d} {}", status_label(*s, lang)))
        .collect();
    let title = lang.pick("Jalons dans le temps", "Milestones over time");
    let mut s = svg_open(
        "timeline",
        720,
        height.max(60),
        title,
        &if desc.is_empty() {
            caption.clone()
        } else {
            desc.join("; ")
        },
    );
    if dated.is_empty() {
        s.push_str(&format!(
            r##"<text x="10" y="30">{}</text></svg>"##,
            escape(lang.pick(
                "Aucun jalon daté dans les sources.",
                "No dated milestone in the sources."
            ))
        ));
        return (s, caption);
    }
    let (first, last) = (dated[0].0, dated[dated.len() - 1].0);
    let span = (last - first).num_days().max(1) as f64;
    let (x0, x1) = (250.0, 700.0);
    let axis_y = height as f64 - 30.0;
    s.push_str(&format!(
        r##"<line x1="{x0}" y1="{axis_y}" x2="{x1}" y2="{axis_y}" stroke="#000"/>"##
    ));
    s.push_str(&format!(
        r##"<text x="{x0}" y="{:.1}">{first}</text>"##,
        axis_y + 18.0
    ));
    s.push_str(&format!(
        r##"<text x="{x1}" y="{:.1}" text-anchor="end">{last}</text>"##,
        axis_y + 18.0
    ));
    for (i, (d, id, title, st)) in dated.iter().enumerate() {
        let y = 14.0 + i as f64 * row_h;
        let x = x0 + (x1 - x0) * (*d - first).num_days() as f64 / span;
        let label: String = format!("{id} {title}").chars().take(34).collect();
        s.push_str(&format!(
            r##"<text x="0" y="{:.1}">{}</text>"##,
            y + 4.0,
            escape(&label)
        ));
        s.push_str(&format!(r##"<line x1="{x0}" y1="{y:.1}" x2="{x1}" y2="{y:.1}" stroke="#ccc" stroke-dasharray="2 3"/>"##));
        s.push_str(&marker(*st, x, y));
    }
    s.push_str("</svg>");
    (s, caption)
}

/// A calendar quarter counted from year 0: `year * 4 + quarter - 1`.
fn quarter_of(d: NaiveDate) -> i32 {
    d.year() * 4 + (d.month0() / 3) as i32
}

/// The first day of a quarter from [`quarter_of`].
fn quarter_start(q: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(q.div_euclid(4), q.rem_euclid(4) as u32 * 3 + 1, 1).unwrap_or_default()
}

/// A quarter's name, `2022-T1` in French (trimestre) or `2022-Q1` in English.
fn quarter_name(q: i32, lang: Lang) -> String {
    format!(
        "{}-{}{}",
        q.div_euclid(4),
        lang.pick("T", "Q"),
        q.rem_euclid(4) + 1
    )
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
fn timeline_grouped(plan: &Plan, dated: usize, undated: usize, lang: Lang) -> (String, String) {
    let statuses: Vec<Option<Status>> = every_status().collect();
    let row_of = |s: Option<Status>| statuses.iter().position(|x| *x == s).unwrap_or(0);
    let days: Vec<(NaiveDate, Option<Status>)> = plan
        .milestones
        .iter()
        .filter_map(|m| Some((milestone_day(m)?, m.status)))
        .collect();
    let first_q = days.iter().map(|d| quarter_of(d.0)).min().unwrap_or(0);
    let last_q = days.iter().map(|d| quarter_of(d.0)).max().unwrap_or(0);
    let (width, buckets) = quarter_buckets(first_q, last_q);
    // counts[row][bucket]
    let mut counts = vec![vec![0usize; buckets as usize]; statuses.len()];
    for (d, s) in &days {
        let bucket = ((quarter_of(*d) - first_q) / width) as usize;
        counts[row_of(*s)][bucket] += 1;
    }
    let rows: Vec<(Option<Status>, &Vec<usize>)> = statuses
        .iter()
        .zip(&counts)
        .filter(|(_, c)| c.iter().any(|n| *n > 0))
        .map(|(s, c)| (*s, c))
        .collect();

    let bucket_name = |b: usize| {
        let q = first_q + b as i32 * width;
        if width == 1 {
            quarter_name(q, lang)
        } else {
            format!(
                "{}–{}",
                quarter_name(q, lang),
                quarter_name(q + width - 1, lang)
            )
        }
    };
    let caption = match (lang, width) {
        (Lang::Fr, 1) => format!(
            "{dated} jalon(s) placés par échéance (ou date de réalisation), regroupés par statut et par trimestre; {undated} jalon(s) sans date ne figurent pas sur l'axe."
        ),
        (Lang::Fr, w) => format!(
            "{dated} jalon(s) placés par échéance (ou date de réalisation), regroupés par statut et par périodes de {w} trimestres; {undated} jalon(s) sans date ne figurent pas sur l'axe."
        ),
        (Lang::En, 1) => format!(
            "{dated} milestone(s) placed by due date (or completion date), grouped by status and quarter; {undated} milestone(s) without a date are not on the axis."
        ),
        (Lang::En, w) => format!(
            "{dated} milestone(s) placed by due date (or completion date), grouped by status and by {w} quarters; {undated} milestone(s) without a date are not on the axis."
        ),
    };
    let desc: Vec<String> = rows
        .iter()
        .map(|(s, c)| {
            let cells: Vec<String> = c
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(b, n)| format!("{n} {} {}", lang.pick("en", "in"), bucket_name(b)))
                .collect();
            format!("{} : {}", status_label(*s, lang), cells.join(", "))
        })
        .collect();

    let (x0, x1) = (250.0, 700.0);
    let row_h = 44.0;
    let top = 30.0;
    let axis_y = top + rows.len().saturating_sub(1) as f64 * row_h + 30.0;
    let height = (axis_y + 30.0) as u32;
    let mut s = svg_open(
        "timeline",
        720,
        height,
        lang.pick("Jalons dans le temps", "Milestones over time"),
        &desc.join("; "),
    );
    let cell_w = (x1 - x0) / buckets as f64;
    // Each status's marker is drawn once, then placed in its cells: at most 144 cells, each
    // a short reference rather than a whole shape.
    s.push_str("<defs>");
    for (st, _) in &rows {
        s.push_str(&format!(
            r##"<g id="timeline-m{}">{}</g>"##,
            row_of(*st),
            marker(*st, 0.0, 0.0)
        ));
    }
    s.push_str("</defs>");
    // Bucket boundaries, lightly, as one path.
    let mut grid = String::new();
    for b in 0..=buckets {
        let x = x0 + cell_w * b as f64;
        grid.push_str(&format!("M{x:.1} {:.1}V{axis_y:.1}", top - 22.0));
    }
    s.push_str(&format!(r##"<path d="{grid}" stroke="#e4e4e4"/>"##));
    s.push_str(&format!(
        r##"<line x1="{x0}" y1="{axis_y}" x2="{x1}" y2="{axis_y}" stroke="#000"/>"##
    ));
    let start = quarter_start(first_q);
    let end = quarter_start(first_q + buckets * width)
        .pred_opt()
        .unwrap_or_default();
    s.push_str(&format!(
        r##"<text x="{x0}" y="{:.1}">{}</text>"##,
        axis_y + 18.0,
        escape(&start.to_string())
    ));
    s.push_str(&format!(
        r##"<text x="{x1}" y="{:.1}" text-anchor="end">{}</text>"##,
        axis_y + 18.0,
        escape(&end.to_string())
    ));
    // Wide cells take the count beside the marker; narrow ones above it and below it in turn,
    // so that neighbouring counts never overlap.
    let beside = cell_w >= 48.0;
    for (i, (st, c)) in rows.iter().enumerate() {
        let y = top + i as f64 * row_h;
        s.push_str(&format!(
            r##"<text x="0" y="{:.1}">{}</text>"##,
            y + 4.0,
            escape(status_label(*st, lang))
        ));
        s.push_str(&format!(r##"<line x1="{x0}" y1="{y:.1}" x2="{x1}" y2="{y:.1}" stroke="#ccc" stroke-dasharray="2 3"/>"##));
        let cells = || c.iter().enumerate().filter(|(_, n)| **n > 0);
        for (b, _) in cells() {
            s.push_str(&format!(
                r##"<use href="#timeline-m{}" x="{}" y="{}"/>"##,
                row_of(*st),
                D1(x0 + cell_w * (b as f64 + 0.5)),
                D1(y)
            ));
        }
        // The row's counts share their text attributes.
        s.push_str(if beside {
            r##"<g font-size="11">"##
        } else {
            r##"<g font-size="11" text-anchor="middle">"##
        });
        for (b, n) in cells() {
            let x = x0 + cell_w * (b as f64 + 0.5);
            let (tx, ty) = match (beside, b % 2) {
                (true, _) => (x + 10.0, y + 4.0),
                (false, 0) => (x, y - 10.0),
                (false, _) => (x, y + 19.0),
            };
            s.push_str(&format!(
                r##"<text x="{}" y="{}">{}</text>"##,
                D1(tx),
                D1(ty),
                escape(&n.to_string())
            ));
        }
        s.push_str("</g>");
    }
    s.push_str("</svg>");
    (s, caption)
}

/// Milestone count per status, each with its marker and label.
pub fn statuses(plan: &Plan, lang: Lang) -> String {
    let all: Vec<Option<Status>> = every_status().collect();
    let counts: Vec<(Option<Status>, usize)> = all
        .into_iter()
        .map(|s| (s, plan.milestones.iter().filter(|m| m.status == s).count()))
        .filter(|(s, n)| *n > 0 || s.is_some())
        .collect();
    let max = counts.iter().map(|c| c.1).max().unwrap_or(0).max(1);
    let row_h = 24.0;
    let height = (counts.len() as f64 * row_h + 8.0) as u32;
    let desc: Vec<String> = counts
        .iter()
        .map(|(s, n)| format!("{} : {n}", status_label(*s, lang)))
        .collect();
    let mut s = svg_open(
        "statuses",
        720,
        height,
        lang.pick("Jalons par statut", "Milestones per status"),
        &desc.join("; "),
    );
    for (i, (st, n)) in counts.iter().enumerate() {
        let y = 6.0 + i as f64 * row_h;
        s.push_str(&marker(*st, 10.0, y + 8.0));
        s.push_str(&format!(
            r##"<text x="24" y="{:.1}">{}</text>"##,
            y + 13.0,
            escape(status_label(*st, lang))
        ));
        let w = 360.0 * *n as f64 / max as f64;
        s.push_str(&format!(
            r##"<rect x="200" y="{y:.1}" width="{w:.1}" height="16" fill="{DARK}" stroke="#000" stroke-width="0.5"/><text x="{:.1}" y="{:.1}">{n}</text>"##,
            206.0 + w,
            y + 13.0
        ));
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PartialDate;

    #[test]
    fn one_decimal_coordinates_are_written_as_the_standard_formatter_writes_them() {
        // Ties (0.25, 0.35 in binary), chart-like sums, negatives, zero and huge values.
        let mut cases = vec![
            0.0, -0.0, 0.05, 0.25, 0.35, 2.45, -3.25, 1e16, 123456.75, 0.04999,
        ];
        for i in 0..20_000u32 {
            let f = f64::from(i);
            cases.extend([
                f / 7.0,
                80.0 + 640.0 * f / 13.0 * 0.5,
                f * 0.1,
                f * 0.05,
                -f / 3.0,
            ]);
        }
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..200_000 {
            cases.push(rng.f64() * 1e9 - 1e6);
            cases.push(f64::from_bits(rng.u64(..)));
        }
        for x in cases {
            assert_eq!(D1(x).to_string(), format!("{x:.1}"), "{x:e}");
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
            let expected: Vec<&str> = Status::ALL
                .iter()
                .map(|s| s.label(lang))
                .chain([status_label(None, lang)])
                .collect();
            assert_eq!(labels, expected);
            assert_eq!(svg.matches("stroke-dasharray").count(), 6);
            // Four years of quarters, named in the page's language.
            let q = lang.pick("T", "Q");
            assert!(svg.contains(&format!("2020-{q}1")) && svg.contains(&format!("2023-{q}4")));
            assert!(!svg.contains(&format!("2024-{q}1")));
            assert!(svg.contains(">2020-01-01</text>") && svg.contains(">2023-12-31</text>"));
            assert!(caption.starts_with("1000 "), "{caption}");
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
        assert!(caption.contains("4 milestone(s) without a date"));
    }

    #[test]
    fn the_other_charts_are_well_formed() {
        let p = plan(70, 2, 1);
        well_formed(&statuses(&p, Lang::Fr)).unwrap();
        well_formed(&commitments(&crate::build::PlanView::new(&p), Lang::En)).unwrap();
        well_formed(&overall(3, 7, Lang::Fr)).unwrap();
    }
}
