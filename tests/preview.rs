//! The steward preview in a real headless Chromium: from disk and from `preview --serve`,
//! hostile record text, accessibility basics, JSON-LD, and the portal diff on the pages.
//! Screenshots are kept in target/test-artifacts/preview/.

mod common;

use common::browser::{file_url, png_size, Browser};
use common::portal::{build, portal, run_portal, unique_catalog};
use common::{root, ChildGuard};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Browsers are heavy on two cores: one test at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn artefacts() -> PathBuf {
    let dir = root().join("target/test-artifacts/preview");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const BUNDLED: &str = "plan-action-gouvernement-ouvert-2021-2023";

fn built(catalog: &Path) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dist = build(catalog, tmp.path());
    (tmp, dist)
}

/// Every request stayed on disk, in the page, or on this machine.
fn assert_local_requests(b: &Browser) {
    for url in b.requested_urls() {
        assert!(
            url.starts_with("file://")
                || url.starts_with("data:")
                || url.starts_with("http://127.0.0.1:"),
            "the page requested {url}"
        );
    }
}

/// Headings start at h1 and never skip a level; every table has header cells; every chart has
/// a title and a description.
fn assert_accessible_basics(b: &Browser) {
    let report = b.eval(
        r#"
        const hs = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1]);
        let jumps = 0; for (let i = 1; i < hs.length; i++) if (hs[i] > hs[i-1] + 1) jumps++;
        const tables = [...document.querySelectorAll('table')];
        const svgs = [...document.querySelectorAll('svg')];
        return {
          first: hs[0], h1: hs.filter(h => h === 1).length, jumps,
          tablesWithoutHeaders: tables.filter(t => t.querySelectorAll('th').length === 0).length,
          svgsWithoutText: svgs.filter(s => s.getAttribute('role') !== 'img' || !s.querySelector('title') || !s.querySelector('desc')).length,
          lang: document.documentElement.lang,
        };"#,
    );
    assert_eq!(report["first"], 1, "{report}");
    assert_eq!(report["h1"], 1, "{report}");
    assert_eq!(report["jumps"], 0, "{report}");
    assert_eq!(report["tablesWithoutHeaders"], 0, "{report}");
    assert_eq!(report["svgsWithoutText"], 0, "{report}");
}

#[test]
fn preview_from_disk_looks_like_the_portal_page() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (_tmp, dist) = built(&root().join("catalog"));
    let b = Browser::start();
    b.goto(&file_url(&dist.join("preview/index.html")));
    assert!(
        b.title()
            .starts_with("Plans d’action pour un gouvernement ouvert"),
        "{}",
        b.title()
    );
    assert_eq!(b.count("main table tbody tr"), 1);
    assert_eq!(b.eval("return document.documentElement.lang"), "fr");
    assert_accessible_basics(&b);
    b.full_page_screenshot(&artefacts().join("index-desktop.png"));

    b.goto(&file_url(
        &dist.join(format!("preview/datasets/{BUNDLED}.html")),
    ));
    assert_eq!(
        b.text("h1"),
        "Plan d'action favorisant un gouvernement ouvert 2021-2023"
    );
    // One row per commitment in the table preview, labelled from the data dictionary.
    assert_eq!(b.count("#table-engagements tbody tr"), 5);
    assert_eq!(b.count("#table-jalons tbody tr"), 10);
    assert!(b
        .text("#table-engagements thead")
        .contains("Institution responsable"));
    // The portal's French labels in the metadata table.
    let meta = b.text("table.meta");
    for label in [
        "Fréquence de mise à jour",
        "Couverture géographique",
        "Licence",
        "Couverture temporelle",
    ] {
        assert!(meta.contains(label), "{label} missing from {meta}");
    }
    assert!(
        meta.contains("Irrégulière") && meta.contains("Creative Commons Attribution 4.0"),
        "{meta}"
    );
    // Charts: progress per commitment, timeline, statuses.
    assert_eq!(b.count("figure svg"), 3);
    assert!(b.text("figure").contains("3/3"), "progress written as text");
    assert_eq!(b.count("ul.resources li"), 7);
    assert_accessible_basics(&b);
    // The JSON-LD names the dataset and its files, and the files are there.
    let ld = b.eval(r#"return JSON.parse(document.querySelector('script[type="application/ld+json"]').textContent)"#);
    assert_eq!(ld["@type"], "Dataset");
    assert_eq!(
        ld["name"],
        "Plan d'action favorisant un gouvernement ouvert 2021-2023"
    );
    let dists = ld["distribution"].as_array().unwrap();
    assert_eq!(dists.len(), 7);
    let page_dir = dist.join("preview/datasets");
    for d in dists {
        let url = d["contentUrl"].as_str().unwrap();
        assert!(page_dir.join(url).is_file(), "{url} does not resolve");
    }
    // The resource links open the local files.
    let href = b.eval("return document.querySelector('ul.resources a').href");
    assert!(
        href.as_str()
            .unwrap()
            .ends_with(&format!("datasets/{BUNDLED}/engagements.csv")),
        "{href}"
    );
    assert!(b.console_errors().is_empty(), "console errors");
    assert_local_requests(&b);
    b.full_page_screenshot(&artefacts().join("dataset-desktop.png"));

    // Usable at 320 px: nothing wider than the screen but the scrollable tables.
    let m = Browser::start_mobile(320, 640);
    for (page, shot) in [
        ("preview/index.html", "index-320.png"),
        (
            &format!("preview/datasets/{BUNDLED}.html")[..],
            "dataset-320.png",
        ),
    ] {
        m.goto(&file_url(&dist.join(page)));
        let width = m.eval("return document.documentElement.scrollWidth");
        assert!(
            width.as_u64().unwrap() <= 320,
            "{page} is {width} px wide at 320"
        );
        let path = artefacts().join(shot);
        m.screenshot(&path);
        assert_eq!(png_size(&std::fs::read(&path).unwrap()).0, 320);
    }
    assert!(m.console_errors().is_empty());
}

#[test]
fn hostile_record_text_is_shown_and_never_run() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (_tmp, dist) = built(&root().join("tests/fixtures/valid/ckan-two-plans/catalog"));
    let b = Browser::start();
    b.goto(&file_url(
        &dist.join("preview/datasets/alpha-plan-2024.html"),
    ));
    assert!(!b.alert_open(), "a script from the records ran");
    // Only our JSON-LD block is a script; the record's <script> is text.
    assert_eq!(b.count("script"), 1);
    assert_eq!(b.count("script[type=\"application/ld+json\"]"), 1);
    assert!(b
        .text("#table-commitments")
        .contains("<script>alert(1)</script> Emoji 🎉 and <b>tags</b>"));
    assert!(b.text(".notes").contains("<script>alert(1)</script>"));
    // The javascript: link keeps its words but is no link.
    assert!(b.text(".notes").contains("link that must not run"));
    assert_eq!(b.eval("return [...document.querySelectorAll('a')].filter(a => !/^(https?|file):/.test(a.href)).length"), 0);
    assert_eq!(b.eval("return document.documentElement.lang"), "en");
    assert!(b.console_errors().is_empty());
    assert_local_requests(&b);
    b.full_page_screenshot(&artefacts().join("hostile-text.png"));
}

/// A running `preview --serve`; dropping it stops the server (only it, by its pid).
struct Server {
    /// Held for its `Drop`.
    _child: ChildGuard,
    url: String,
}

fn serve(catalog: &Path, out: &Path) -> Server {
    // Guarded from the start: a server that prints no address is stopped by the panic.
    let mut child = ChildGuard::spawn(
        Command::new(env!("CARGO_BIN_EXE_ogp-publish"))
            .arg("preview")
            .arg(catalog)
            .arg("--out")
            .arg(out)
            .args(["--serve", "--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
    );
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    Server { _child: child, url }
}

/// Reloads until `cond` holds, for at most 20 s.
fn eventually(b: &Browser, url: &str, what: &str, cond: impl Fn(&Browser) -> bool) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        b.goto(url);
        if cond(b) {
            return;
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    panic!("after 20 s: {what}");
}

#[test]
fn served_preview_rebuilds_on_change_and_shows_errors_in_the_page() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let catalog = tmp.path().join("catalog");
    common::copy_tree(&root().join("catalog"), &catalog);
    let server = serve(&catalog, &tmp.path().join("dist"));
    let b = Browser::start();
    let page = server
        .url
        .replace("index.html", &format!("datasets/{BUNDLED}.html"));
    b.goto(&page);
    assert_eq!(
        b.text("h1"),
        "Plan d'action favorisant un gouvernement ouvert 2021-2023"
    );
    assert_eq!(b.count("#table-engagements tbody tr"), 5);

    let plan = catalog.join("plans/quebec-2021-2023/plan.toml");
    let text = std::fs::read_to_string(&plan).unwrap();
    std::fs::write(
        &plan,
        text.replace("[dataset]\n", "[dataset]\ntitle = \"Titre en révision\"\n"),
    )
    .unwrap();
    eventually(&b, &page, "the new title shows", |b| {
        b.text("h1") == "Titre en révision"
    });

    let milestones = catalog.join("plans/quebec-2021-2023/milestones.csv");
    let good = std::fs::read_to_string(&milestones).unwrap();
    std::fs::write(
        &milestones,
        good.replacen(",,,completed,,", ",,2022-13-01,completed,,", 1),
    )
    .unwrap();
    eventually(&b, &page, "the error shows in the page", |b| {
        b.text("main").contains("bad-date")
    });
    assert!(
        b.text("main").contains("milestones.csv:2:"),
        "{}",
        b.text("main")
    );
    b.full_page_screenshot(&artefacts().join("serve-error.png"));

    std::fs::write(&milestones, good).unwrap();
    eventually(&b, &page, "the preview comes back", |b| {
        b.count("#table-jalons tbody tr") == 10
    });
    b.clear_logs();
    b.goto(&page);
    let errors = b.console_errors();
    assert!(errors.is_empty(), "{errors:?}");
    assert_local_requests(&b);
}

#[test]
fn preview_with_a_portal_shows_what_push_would_change() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let portal = portal("plain");
    let tmp = tempfile::tempdir().unwrap();
    let (catalog, _) = unique_catalog(
        &root().join("tests/fixtures/valid/ckan-two-plans/catalog"),
        tmp.path(),
        "preview",
    );
    let out = tmp.path().join("dist");
    let preview = |extra: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_ogp-publish"))
            .arg("preview")
            .arg(&catalog)
            .arg("--out")
            .arg(&out)
            .args(["--portal", &portal.url, "--token-file"])
            .arg(&portal.token_file)
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    preview(&[]);
    let name = std::fs::read_dir(out.join("datasets"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("alpha"))
        .unwrap();
    let b = Browser::start();
    let page = file_url(&out.join(format!("preview/datasets/{name}.html")));
    b.goto(&page);
    let diff = b.text(".diff");
    assert!(diff.contains("New dataset: it would be created"), "{diff}");
    // The portal has the DataStore: each data table would be created and loaded there.
    for table in ["commitments.csv", "milestones.csv"] {
        assert!(
            diff.contains(&format!("{table}: DataStore table to create and load")),
            "{diff}"
        );
    }

    let dist = build(&catalog, tmp.path());
    let o = run_portal("push", &portal.url, &portal.token_file, &dist, &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let plan = std::fs::read_dir(catalog.join("plans"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("alpha"))
        .unwrap();
    let toml = std::fs::read_to_string(plan.join("plan.toml")).unwrap();
    std::fs::write(
        plan.join("plan.toml"),
        toml.replace("[dataset]\n", "[dataset]\ntitle = \"Alpha, renamed\"\n"),
    )
    .unwrap();
    let csv = std::fs::read_to_string(plan.join("milestones.csv")).unwrap();
    std::fs::write(
        plan.join("milestones.csv"),
        csv.replace("Second step", "Second step (renamed)"),
    )
    .unwrap();
    preview(&[]);
    b.goto(&page);
    let diff = b.text(".diff");
    assert!(diff.contains("Changed metadata: title"), "{diff}");
    assert!(
        diff.contains("File to upload (changed content): milestones.csv"),
        "{diff}"
    );
    assert!(
        diff.contains("milestones.csv: DataStore table to bring up to date"),
        "{diff}"
    );
    assert!(!diff.contains("commitments.csv"), "{diff}");
    b.full_page_screenshot(&artefacts().join("portal-diff.png"));
    assert!(!String::from_utf8_lossy(
        &std::fs::read(out.join(format!("preview/datasets/{name}.html"))).unwrap()
    )
    .contains(&portal.token));
}
