//! Hostile inputs too large to keep in the repository, written at test time into temporary
//! folders (the corpus of small ones is `tests/fixtures/invalid/`):
//!
//! - a 100,000-character description in commitments.csv: valid, built, and published unchanged
//!   in `engagements.csv` (and `engagements.json`);
//! - 50 MB lines in milestones.csv: a quoted field that is never closed (one exact diagnostic,
//!   exit 1, a previous `dist/` untouched), a valid 50 MB field (no diagnostic, exit 0), and a
//!   bad date after a 50 MB field (its exact column);
//! - 1,000 seeded random mutations of the bundled catalogue's milestones.csv checked through the
//!   library: no panic, and every diagnostic names an existing file and a line inside it.
//!
//! The time and peak memory of the big runs are printed, not asserted (`cargo test --test
//! hostile_inputs -- --nocapture`); peak memory comes from `/usr/bin/time -v` when it exists.

mod common;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// GNU time, for the peak resident memory of a run.
const GNU_TIME: &str = "/usr/bin/time";

/// Size of the huge milestones.csv lines: 50 MiB.
const FIFTY_MB: usize = 50 * 1024 * 1024;

/// Seed of the mutation test; a failure names the mutant's index under this seed. A longer
/// exploration: `OGP_HOSTILE_SEED=<n> OGP_HOSTILE_MUTANTS=<n> cargo test --test hostile_inputs`.
const MUTATION_SEED: u64 = 0x6f67_705f_0006_0001;

/// Mutants of milestones.csv checked by the mutation test.
const MUTANTS: usize = 1_000;

/// `name` from the environment as a number, or `default`.
fn env_number<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn write(path: &Path, bytes: &[u8]) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
    }
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// One run of the tool, with its wall time and, under GNU time, its peak resident memory.
struct Measured {
    out: Output,
    /// The tool's exit code (GNU time's report gives it even when time wraps the run).
    code: Option<i32>,
    wall: Duration,
    peak_kb: Option<u64>,
}

impl Measured {
    fn report(&self, label: &str) {
        let peak = self.peak_kb.map_or_else(
            || "peak memory not measured (no /usr/bin/time)".to_string(),
            |kb| format!("peak RSS {:.1} MiB", kb as f64 / 1024.0),
        );
        eprintln!(
            "measured: {label}: exit {:?}, {:.2} s, {peak}",
            self.code,
            self.wall.as_secs_f64()
        );
    }
}

/// Runs the tool with `args`, under `/usr/bin/time -v` when it exists.
fn run_measured(args: &[&OsStr]) -> Measured {
    let bin = env!("CARGO_BIN_EXE_ogp-publish");
    let report = tempfile::NamedTempFile::new().expect("a temporary file for time's report");
    let timed = Path::new(GNU_TIME).exists();
    let mut cmd = if timed {
        let mut c = Command::new(GNU_TIME);
        c.arg("-v").arg("-o").arg(report.path()).arg(bin);
        c
    } else {
        Command::new(bin)
    };
    let start = Instant::now();
    let out = cmd
        .args(args)
        .output()
        .expect("the ogp-publish binary runs");
    let wall = start.elapsed();
    let text = if timed {
        std::fs::read_to_string(report.path()).unwrap_or_default()
    } else {
        String::new()
    };
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .and_then(|v| v.trim().parse::<i64>().ok())
    };
    assert!(
        !text.contains("terminated by signal"),
        "the tool was killed by a signal:\n{text}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let code = if timed {
        field("Exit status:").map(|c| c as i32)
    } else {
        out.status.code()
    };
    Measured {
        code,
        wall,
        peak_kb: field("Maximum resident set size (kbytes):").map(|kb| kb as u64),
        out,
    }
}

/// A diagnostic of `check --format json`: severity, code, path relative to the catalogue, line,
/// column.
type Diag = (String, String, String, u64, u64);

fn diagnostics(out: &Output, catalog: &Path) -> Vec<Diag> {
    let report = common::try_json_report(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "check --format json: {e}; stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    report["diagnostics"]
        .as_array()
        .expect("a `diagnostics` array")
        .iter()
        .map(|d| {
            let file = Path::new(d["file"].as_str().expect("a file"))
                .strip_prefix(catalog)
                .expect("a file inside the catalogue")
                .components()
                .filter_map(|c| match c {
                    Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join("/");
            (
                d["severity"].as_str().expect("a severity").to_string(),
                d["code"].as_str().expect("a code").to_string(),
                file,
                d["line"].as_u64().expect("a line"),
                d["col"].as_u64().expect("a column"),
            )
        })
        .collect()
}

fn diag(severity: &str, code: &str, file: &str, line: u64, col: u64) -> Diag {
    (severity.into(), code.into(), file.into(), line, col)
}

/// `check --format json` on `catalog`, measured.
fn check(catalog: &Path) -> Measured {
    run_measured(&[
        "check".as_ref(),
        catalog.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ])
}

fn build(catalog: &Path, out: &Path) -> Measured {
    run_measured(&[
        "build".as_ref(),
        catalog.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ])
}

/// Strips a UTF-8 byte-order mark.
fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

// --- (a) a 100,000-character description -----------------------------------------------------

/// Exactly `n` characters of French text with everything a CSV writer must get right: commas,
/// quotes, semicolons, line breaks, accents and characters outside the BMP.
fn long_text(n: usize) -> String {
    const UNIT: &str = "Données ouvertes, « accès » \"cité\" ; à l'État\nsuite — 𝄞 ✓ ";
    let text: String = UNIT.chars().cycle().take(n).collect();
    assert_eq!(text.chars().count(), n);
    text
}

#[test]
fn hundred_thousand_character_description_is_published_unchanged() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let (catalog, plan_dir) = common::bundled_copy(tmp.path());
    let path = plan_dir.join("commitments.csv");
    let bytes = std::fs::read(&path).expect("the bundled commitments.csv");
    let mut reader = csv::Reader::from_reader(without_bom(&bytes));
    let headers = reader.headers().expect("a header").clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no `{name}` column in {headers:?}"))
    };
    let (id_col, desc_col) = (col("id"), col("description"));
    let mut records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a row")).collect();
    let description = long_text(100_000);
    let id = records[0][id_col].to_string();
    let mut row: Vec<String> = records[0].iter().map(str::to_string).collect();
    row[desc_col] = description.clone();
    records[0] = csv::StringRecord::from(row);
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(&headers).expect("write the header");
    for r in &records {
        w.write_record(r).expect("write a row");
    }
    write(&path, &w.into_inner().expect("the CSV bytes"));

    let checked = check(&catalog);
    checked.report("check, 100,000-character description");
    assert_eq!(
        checked.code,
        Some(0),
        "check should accept the long description"
    );
    let errors: Vec<Diag> = diagnostics(&checked.out, &catalog)
        .into_iter()
        .filter(|d| d.0 == "error")
        .collect();
    assert!(errors.is_empty(), "unexpected errors: {errors:?}");

    let dist = tmp.path().join("dist");
    let built = build(&catalog, &dist);
    built.report("build, 100,000-character description");
    assert_eq!(
        built.code,
        Some(0),
        "build should succeed; stderr:\n{}",
        String::from_utf8_lossy(&built.out.stderr)
    );
    let dataset = std::fs::read_dir(dist.join("datasets"))
        .expect("dist/datasets")
        .flatten()
        .map(|e| e.path())
        .next()
        .expect("one dataset");

    let published = std::fs::read(dataset.join("engagements.csv")).expect("engagements.csv");
    let mut reader = csv::Reader::from_reader(without_bom(&published));
    let headers = reader.headers().expect("a header").clone();
    let pos = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let (id_out, desc_out) = (pos("id"), pos("description"));
    let row = reader
        .records()
        .map(|r| r.expect("a published row"))
        .find(|r| r[id_out] == id)
        .unwrap_or_else(|| panic!("commitment {id} is not in engagements.csv"));
    let got = &row[desc_out];
    assert!(
        got == description,
        "the description changed in engagements.csv: {} characters published for {}; first \
         difference at character {:?}",
        got.chars().count(),
        description.chars().count(),
        got.chars()
            .zip(description.chars())
            .position(|(a, b)| a != b)
    );

    let json = std::fs::read(dataset.join("engagements.json")).expect("engagements.json");
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&json).expect("a JSON array");
    let row = rows
        .iter()
        .find(|r| r["id"] == id.as_str())
        .expect("the commitment in engagements.json");
    assert!(
        row["description"] == description.as_str(),
        "the description changed in engagements.json"
    );
}

// --- (b) 50 MB lines ---------------------------------------------------------------------------

const PUBLISHER: &str = "profile = \"ckan\"\n\n[organization]\nname = \"test-org\"\n";
const PLAN: &str = "title = \"Test plan\"\nstart = \"2022-01\"\nend = \"2023-12\"\n\n\
                    [[challenges]]\nid = \"1\"\ntitle = \"Open data\"\n";
const COMMITMENTS: &str = "id,number,title,challenge,ogp_values,start,end,completion,url\n\
    C1,1,Open data,1,access_to_information,2022-01,2022-12,complete,https://example.org/c1\n\
    C2,2,Open budgets,1,civic_participation,2022-06,2023-06,limited,https://example.org/c2\n";
const MS_HEAD: &str = "id,commitment_id,title,start,end,status,completed_on,evidence_url\n\
    M1,C1,Publish catalogue,2022-01-15,2022-06-30,completed,2022-06-20,https://example.org/m1\n";
const MS_TAIL: &str = "M3,C2,Publish budget,2022-06,2023-06,not_started,,\n";

/// A small valid catalogue whose milestones.csv is `milestones`.
fn small_catalog(dir: &Path, milestones: &[u8]) -> PathBuf {
    let catalog = dir.join("catalog");
    write(&catalog.join("publisher.toml"), PUBLISHER.as_bytes());
    write(&catalog.join("plans/p1/plan.toml"), PLAN.as_bytes());
    write(
        &catalog.join("plans/p1/commitments.csv"),
        COMMITMENTS.as_bytes(),
    );
    write(&catalog.join("plans/p1/milestones.csv"), milestones);
    catalog
}

/// At least 50 MiB of the inside of a quoted CSV field, on one line: commas, semicolons, doubled
/// quotes and accents, never a lone quote. Returns the raw text as written between the quotes.
fn fifty_mb_quoted_body() -> String {
    fifty_mb_of("Données, ouvertes; « x » \"\" ")
}

/// `unit` repeated to at least 50 MiB.
fn fifty_mb_of(unit: &str) -> String {
    unit.repeat(FIFTY_MB / unit.len() + 1)
}

/// milestones.csv with M2's title replaced by `"<body>` and the rest of M2's line.
fn milestones_with_huge_title(body: &str, rest_of_line: &str) -> Vec<u8> {
    let mut m = String::with_capacity(body.len() + 512);
    m.push_str(MS_HEAD);
    m.push_str("M2,C1,\"");
    m.push_str(body);
    m.push_str(rest_of_line);
    m.push('\n');
    m.push_str(MS_TAIL);
    m.into_bytes()
}

#[test]
fn fifty_megabyte_lines() {
    let body = fifty_mb_quoted_body();
    assert!(body.len() >= FIFTY_MB);

    // 1. A quoted field opened on line 3 and never closed: one error at its opening quote.
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let catalog = small_catalog(tmp.path(), &milestones_with_huge_title(&body, ""));
    let run = check(&catalog);
    run.report("check, 50 MB unterminated quoted field");
    assert_eq!(run.code, Some(1), "check of the unterminated field");
    assert_eq!(
        diagnostics(&run.out, &catalog),
        vec![diag(
            "error",
            "csv-unbalanced-quote",
            "plans/p1/milestones.csv",
            3,
            7
        )]
    );
    assert!(
        run.out.stdout.len() < 64 * 1024,
        "the report should not echo the 50 MB value ({} bytes)",
        run.out.stdout.len()
    );
    // `build` over a previous output: exit 1, the output and its folder untouched.
    let dist = tmp.path().join("dist");
    write(&dist.join("manifest.json"), b"{\"previous\": \"build\"}\n");
    write(&dist.join("marker.txt"), b"left by an earlier build\n");
    let before = common::snapshot(tmp.path());
    let built = build(&catalog, &dist);
    built.report("build, 50 MB unterminated quoted field");
    assert_eq!(built.code, Some(1), "build of the unterminated field");
    assert!(
        common::snapshot(tmp.path()) == before,
        "build changed files although the catalogue is invalid"
    );
    drop(tmp);

    // 2. The same 50 MB closed, on a valid line: no diagnostic at all.
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let catalog = small_catalog(
        tmp.path(),
        &milestones_with_huge_title(&body, "\",2022-02-01,2022-12,in_progress,,"),
    );
    let run = check(&catalog);
    run.report("check, 50 MB valid field");
    assert_eq!(
        run.code,
        Some(0),
        "check of the valid 50 MB field; stdout:\n{}",
        String::from_utf8_lossy(&run.out.stdout)
    );
    assert_eq!(diagnostics(&run.out, &catalog), vec![]);
    drop(tmp);

    // 3. A bad date after the 50 MB field: its column counts every character of the line.
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let catalog = small_catalog(
        tmp.path(),
        &milestones_with_huge_title(&body, "\",2022-13-01,2022-12,in_progress,,"),
    );
    let run = check(&catalog);
    run.report("check, bad date after a 50 MB field");
    assert_eq!(run.code, Some(1), "check of the bad date");
    // `M2,C1,` is 6 characters, then the opening quote, the body, the closing quote, a comma.
    let col = 6 + 1 + body.chars().count() as u64 + 1 + 1 + 1;
    assert_eq!(
        diagnostics(&run.out, &catalog),
        vec![diag("error", "bad-date", "plans/p1/milestones.csv", 3, col)]
    );
    drop(tmp);

    // 4. The 50 MB text in a date column: one bad-date whose message quotes only its start.
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let plain = fifty_mb_of("2022-01-15 ");
    let mut m = String::from(MS_HEAD);
    m.push_str("M2,C1,Huge date,2022-01,");
    m.push_str(&plain);
    m.push_str(",in_progress,,\n");
    m.push_str(MS_TAIL);
    let catalog = small_catalog(tmp.path(), m.as_bytes());
    let run = check(&catalog);
    run.report("check, 50 MB value in a date column");
    assert_eq!(run.code, Some(1), "check of the huge date");
    assert_eq!(
        diagnostics(&run.out, &catalog),
        vec![diag("error", "bad-date", "plans/p1/milestones.csv", 3, 25)]
    );
    let report = common::json_report(&run.out.stdout);
    let message = report["diagnostics"][0]["message"]
        .as_str()
        .expect("a message");
    // English groups digits by three with commas: 52,428,805.
    let digits = plain.chars().count().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let count = format!("({grouped} characters)");
    assert!(
        message.len() < 200 && message.contains(&count),
        "the message should quote the start and give the length: {}",
        &message[..message.len().min(300)]
    );
}

/// Building a catalogue with a 50 MB field: success, and the field published unchanged. With
/// commas but no quote in the field, writing it to the published CSV is quadratic in csv_core's
/// writer (it searches the rest of the field for a quote again for every buffer it fills): about
/// (It once took minutes: the CSV writer rescanned long fields; ours writes each field once.)
#[test]
fn fifty_megabyte_valid_field_is_built_and_published_unchanged() {
    let body = fifty_mb_of("Données, ouvertes; « x » ");
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let catalog = small_catalog(
        tmp.path(),
        &milestones_with_huge_title(&body, "\",2022-02-01,2022-12,in_progress,,"),
    );
    let dist = tmp.path().join("dist");
    let built = build(&catalog, &dist);
    built.report("build, 50 MB valid field");
    assert_eq!(built.code, Some(0), "build of the valid 50 MB field");
    let published = std::fs::read(dist.join("datasets/p1/milestones.csv")).expect("milestones");
    let mut reader = csv::Reader::from_reader(without_bom(&published));
    let headers = reader.headers().expect("a header").clone();
    let pos = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let (id, title) = (pos("id"), pos("title"));
    let row = reader
        .records()
        .map(|r| r.expect("a row"))
        .find(|r| &r[id] == "M2")
        .expect("M2 in the published milestones.csv");
    assert!(row[title] == body, "M2's title changed");
}

// --- (c) random mutations ---------------------------------------------------------------------

/// Characters worth inserting: separators, quotes, line ends, BOM, NUL, formula starts,
/// multi-byte and astral characters, a line separator.
const SPICY: &[char] = &[
    ',', '"', '\n', '\r', ';', '\u{feff}', '\0', '=', '-', '@', 'é', '€', '𝄞', '\u{2028}', ' ',
];

/// Byte sequences that are not UTF-8 (or start a UTF-16 file).
const INVALID: &[&[u8]] = &[
    b"\xFF",
    b"\x80",
    b"\xC0\xAF",
    b"\xED\xA0\x80",
    b"\xE2\x82",
    b"\xF8\x88\x80\x80\x80",
    b"\xF4\x90\x80\x80",
    b"\xFE\xFF",
    b"\xFF\xFE",
];

/// Applies 1 to 4 random edits to `bytes`.
fn mutate(rng: &mut fastrand::Rng, bytes: &[u8]) -> Vec<u8> {
    let mut b = bytes.to_vec();
    for _ in 0..rng.usize(1..=4) {
        let at = rng.usize(0..=b.len());
        match rng.u8(0..8) {
            // Flip one bit.
            0 if !b.is_empty() => {
                let i = rng.usize(0..b.len());
                b[i] ^= 1 << rng.u8(0..8);
            }
            // Delete a run of bytes.
            1 => {
                let end = (at + rng.usize(1..=16)).min(b.len());
                b.drain(at..end);
            }
            // Insert double quotes.
            2 => {
                for _ in 0..rng.usize(1..=3) {
                    b.insert(at, b'"');
                }
            }
            // Insert a character that matters to CSV, or any Unicode scalar.
            3 => {
                let c = if rng.bool() {
                    SPICY[rng.usize(0..SPICY.len())]
                } else {
                    rng.char(..)
                };
                let mut buf = [0u8; 4];
                b.splice(at..at, c.encode_utf8(&mut buf).bytes());
            }
            // Insert bytes that are not UTF-8 (at the start, they may look like UTF-16).
            4 => {
                let at = if rng.u8(0..4) == 0 { 0 } else { at };
                b.splice(at..at, INVALID[rng.usize(0..INVALID.len())].iter().copied());
            }
            // Cut the file.
            5 => b.truncate(at),
            // Repeat a slice (a line pasted twice, a half-copied row).
            6 if !b.is_empty() => {
                let start = rng.usize(0..b.len());
                let end = (start + rng.usize(1..=120)).min(b.len());
                let slice = b[start..end].to_vec();
                b.splice(at..at, slice);
            }
            // Replace a random byte by a random byte.
            _ if !b.is_empty() => {
                let i = rng.usize(0..b.len());
                b[i] = rng.u8(..);
            }
            _ => b.push(rng.u8(..)),
        }
    }
    b
}

/// Lines of a file as `wc -l` counts them, plus a last line without a line end.
fn line_count(bytes: &[u8]) -> u64 {
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count();
    (newlines + usize::from(!bytes.is_empty() && !bytes.ends_with(b"\n"))) as u64
}

/// Why `d` does not point inside an existing file, if it does not.
fn misplaced(d: &ogp_publish::Diagnostic) -> Option<String> {
    let (line, col) = (u64::from(d.pos.line), u64::from(d.pos.col));
    let meta = match std::fs::metadata(&d.file) {
        Ok(m) => m,
        Err(e) => {
            return Some(format!(
                "names `{}`, which cannot be read: {e}",
                d.file.display()
            ))
        }
    };
    if meta.is_dir() {
        return ((line, col) != (1, 1)).then(|| {
            format!(
                "names the folder `{}` at {line}:{col}, not 1:1",
                d.file.display()
            )
        });
    }
    let bytes = std::fs::read(&d.file).unwrap_or_default();
    let lines = line_count(&bytes);
    (line < 1 || line > lines + 1 || col < 1).then(|| {
        format!(
            "points at {line}:{col} in `{}`, which has {lines} line(s)",
            d.file.display()
        )
    })
}

#[test]
fn random_mutations_of_milestones_never_panic_and_point_inside_the_file() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let (catalog, plan_dir) = common::bundled_copy(tmp.path());
    let milestones = plan_dir.join("milestones.csv");
    let original = std::fs::read(&milestones).expect("the bundled milestones.csv");
    let clean = ogp_publish::load_checked(&catalog);
    assert!(
        !clean.has_errors(),
        "the bundled catalogue should be valid: {:?}",
        clean.diagnostics
    );

    let seed = env_number("OGP_HOSTILE_SEED", MUTATION_SEED);
    let mutants = env_number("OGP_HOSTILE_MUTANTS", MUTANTS);
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut failures = Vec::new();
    let mut codes: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut with_errors = 0;
    let start = Instant::now();
    for i in 0..mutants {
        let mutant = mutate(&mut rng, &original);
        write(&milestones, &mutant);
        let shown = || mutant.escape_ascii().to_string();
        match catch_unwind(AssertUnwindSafe(|| ogp_publish::load_checked(&catalog))) {
            Err(panic) => {
                let why = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                failures.push(format!(
                    "mutant {i} panicked: {why}\n    bytes: b\"{}\"",
                    shown()
                ));
            }
            Ok(checked) => {
                with_errors += usize::from(checked.has_errors());
                for d in &checked.diagnostics {
                    *codes.entry(d.code.as_str()).or_default() += 1;
                    if let Some(why) = misplaced(d) {
                        failures.push(format!(
                            "mutant {i}: {} {why}\n    bytes: b\"{}\"",
                            d.code,
                            shown()
                        ));
                    }
                }
            }
        }
    }
    eprintln!(
        "measured: {mutants} mutants of milestones.csv (seed {seed:#x}) checked in \
         {:.2} s; {with_errors} with errors; diagnostics by code: {codes:?}",
        start.elapsed().as_secs_f64()
    );
    // The mutations must reach both sides of the checker, or the run proves little: some
    // mutants rejected, some still valid (852 of 1,000 rejected with the default seed).
    if mutants >= 100 {
        assert!(
            with_errors > mutants / 10 && with_errors < mutants,
            "{with_errors} of {mutants} mutants rejected"
        );
    }
    assert!(
        failures.is_empty(),
        "{} problem(s) with mutants of milestones.csv (seed {seed:#x}):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
