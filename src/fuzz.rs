//! Entry points for the fuzzers in `fuzz/` and for the replay of their corpus in
//! `tests/fuzz_regressions.rs`: each takes arbitrary bytes and must never panic.

use std::path::Path;

/// Decodes bytes as a catalogue file and reads them as CSV and as a JSON array, as the loader
/// does.
pub fn source_bytes(data: &[u8]) {
    let Ok(text) = crate::load::source::decode_utf8(data) else {
        return;
    };
    for record in crate::load::source::CsvReader::new(text) {
        if record.is_err() {
            break;
        }
    }
    if serde_json::from_str::<serde_json::Value>(text).is_ok() {
        for (start, keys) in crate::load::source::json_array_positions(text) {
            let _ = crate::diagnostic::pos_at(text, start);
            for (_, at) in keys {
                let _ = crate::diagnostic::pos_at(text, at);
            }
        }
    }
    let _ = crate::diagnostic::pos_at(text, data.len() / 2);
}

/// Decodes bytes as a CKAN answer; the first byte picks the HTTP status.
pub fn ckan_answer(data: &[u8]) {
    const STATUSES: [u16; 8] = [200, 400, 403, 404, 409, 429, 500, 502];
    let Some((first, body)) = data.split_first() else {
        return;
    };
    let status = STATUSES[usize::from(*first) % STATUSES.len()];
    if let Err(e) = crate::ckan::api::decode("package_show", status, body) {
        let _ = e.to_string();
    }
}

/// Checks a small valid catalogue whose milestones file is `data` (CSV, or JSON when the first
/// byte is odd), and builds it into `dir` when it is valid.
pub fn catalogue_with_milestones(dir: &Path, data: &[u8]) {
    let Some((first, body)) = data.split_first() else {
        return;
    };
    let plan = dir.join("catalog/plans/fuzz-plan");
    if std::fs::create_dir_all(&plan).is_err() {
        return;
    }
    let files: [(&Path, &[u8]); 3] = [
        (
            &dir.join("catalog/publisher.toml"),
            b"profile = \"ckan\"\n[organization]\nname = \"org\"\n",
        ),
        (&plan.join("plan.toml"), b"title = \"P\"\n"),
        (
            &plan.join("commitments.csv"),
            b"id,title,start,end\nC1,Un,2024-01,2024-12\nC2,Deux,,\n",
        ),
    ];
    for (path, bytes) in files {
        if std::fs::write(path, bytes).is_err() {
            return;
        }
    }
    let (name, other) = if first % 2 == 1 {
        ("milestones.json", "milestones.csv")
    } else {
        ("milestones.csv", "milestones.json")
    };
    let _ = std::fs::remove_file(plan.join(other));
    if std::fs::write(plan.join(name), body).is_err() {
        return;
    }
    let checked = crate::load_checked(&dir.join("catalog"));
    for d in &checked.diagnostics {
        let _ = d.to_string();
    }
    if !checked.has_errors() {
        let _ = crate::write_dist(&checked.catalog, &dir.join("dist"), &checked.diagnostics);
    }
}
