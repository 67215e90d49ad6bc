//! The pictures as they were written before [`super`] wrote them into one buffer, one
//! `format!` per piece: the reference the tests compare the pictures with.

#![allow(clippy::all)]

use crate::model::{Milestone, Plan, Status};
use crate::preview::escape;
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
pub(super) fn overall(completed: usize, total: usize, lang: Lang) -> String {
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
pub(super) fn commitments(view: &crate::build::PlanView, lang: Lang) -> String {
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
const TIMELINE_DETAIL_MAX: usize = 60;

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
pub(super) fn timeline(plan: &Plan, lang: Lang) -> (String, String) {
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
pub(super) fn statuses(plan: &Plan, lang: Lang) -> String {
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
