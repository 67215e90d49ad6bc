//! Inline SVG pictures: commitment progress bars, a milestone timeline and a count per status.
//! They read in black and white and for colour-blind readers: every value is also written as
//! text, and statuses differ by shape as well as by colour.

use super::escape;
use crate::model::{Plan, Status};
use crate::profile::Lang;

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

fn status_label(s: Option<Status>, lang: Lang) -> &'static str {
    match s {
        Some(s) => s.label(lang),
        None => lang.pick("Statut inconnu", "Unknown status"),
    }
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
    format!(
        r##"<rect x="{x:.1}" y="{y:.1}" width="{width:.1}" height="14" fill="{TRACK}" stroke="#000" stroke-width="0.5"/><rect x="{x:.1}" y="{y:.1}" width="{filled:.1}" height="14" fill="{DARK}"/>"##
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
pub fn commitments(plan: &Plan, lang: Lang) -> String {
    let progress = crate::build::progress_by_commitment(plan);
    let mut rows: Vec<(String, usize, usize)> = plan
        .commitments
        .iter()
        .map(|c| {
            let p = progress.get(c.id.as_str()).copied().unwrap_or_default();
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
            r##"<text x="0" y="{:.1}">{}</text>"##,
            y + 12.0,
            escape(&short)
        ));
        s.push_str(&bar(0.0, y + 18.0, 480.0, *done, *total));
        s.push_str(&format!(
            r##"<text x="490" y="{:.1}">{}</text>"##,
            y + 30.0,
            escape(&percent_text(*done, *total, lang))
        ));
    }
    s.push_str("</svg>");
    s
}

/// Milestones placed on a time axis by date (due date, else completion date, else start), with
/// their status as shape; returns the picture and a caption that counts undated milestones.
pub fn timeline(plan: &Plan, lang: Lang) -> (String, String) {
    let mut dated: Vec<(chrono::NaiveDate, &str, &str, Option<Status>)> = plan
        .milestones
        .iter()
        .filter_map(|m| {
            let d = m.end.or(m.completed_on).or(m.start)?;
            Some((d.last_day(), m.id.as_str(), m.title.as_str(), m.status))
        })
        .collect();
    dated.sort();
    let undated = plan.milestones.len() - dated.len();
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

/// Milestone count per status, each with its marker and label.
pub fn statuses(plan: &Plan, lang: Lang) -> String {
    let all: Vec<Option<Status>> = Status::ALL
        .iter()
        .copied()
        .map(Some)
        .chain([None])
        .collect();
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
