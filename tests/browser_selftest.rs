//! Self-test of the headless-Chromium helper (`common::browser`) on small static pages in
//! `tests/fixtures/browser/`: loading `file://` and `http://127.0.0.1` pages, counting
//! elements, console errors, requested URLs, screenshots, dialogs, and cleanup of the
//! browser's processes. Screenshots go to `target/test-artifacts/browser-selftest/`.

mod common;

use common::browser::{file_url, png_size, Browser, PNG_SIGNATURE};
use common::root;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn fixture(name: &str) -> String {
    file_url(&root().join("tests/fixtures/browser").join(name))
}

fn artifacts() -> PathBuf {
    let dir = root().join("target/test-artifacts/browser-selftest");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
    dir
}

/// Collects `what` from the browser until `done` holds or 10 s pass (page scripts and their
/// requests may finish after the load event).
fn poll<T>(mut what: impl FnMut() -> Vec<T>, done: impl Fn(&[T]) -> bool) -> Vec<T> {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut all = Vec::new();
    loop {
        all.extend(what());
        if done(&all) || Instant::now() > deadline {
            return all;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn static_page_loads_offline_with_screenshots() {
    let dir = artifacts();
    let url = fixture("table.html");

    let b = Browser::start();
    b.goto(&url);
    assert_eq!(b.title(), "Browser self-test: table");
    assert_eq!(b.count("tbody tr"), 3);
    assert_eq!(b.count("svg"), 1);
    assert_eq!(
        b.text("tbody tr:nth-child(2) td:nth-child(2)"),
        "Public consultations online"
    );
    assert_eq!(b.eval("return 6 * 7"), serde_json::json!(42));
    assert!(!b.alert_open());
    let errors = b.console_errors();
    assert!(errors.is_empty(), "console errors: {errors:?}");
    let urls = b.requested_urls();
    assert!(urls.contains(&url), "the page itself is not among {urls:?}");
    for u in &urls {
        assert!(
            u.starts_with("file://") || u.starts_with("data:"),
            "request outside file:// and data: {u} (all: {urls:?})"
        );
    }
    let desktop = dir.join("table-desktop.png");
    b.screenshot(&desktop);
    let png = std::fs::read(&desktop).expect("read the desktop screenshot");
    assert!(png.starts_with(PNG_SIGNATURE));
    let (w, _) = png_size(&png);
    assert!(w >= 1000, "desktop screenshot is only {w} px wide");
    let full = dir.join("table-desktop-full.png");
    b.full_page_screenshot(&full);
    let png = std::fs::read(&full).expect("read the full-page screenshot");
    let page_height = b.eval("return document.documentElement.scrollHeight");
    assert_eq!(
        png_size(&png).1 as u64,
        page_height.as_u64().expect("a height")
    );
    assert!(png_size(&png).1 > 1500, "full page is {:?}", png_size(&png));
    drop(b);

    let m = Browser::start_mobile(320, 640);
    m.goto(&url);
    assert_eq!(m.title(), "Browser self-test: table");
    assert_eq!(m.eval("return window.innerWidth"), serde_json::json!(320));
    let mobile = dir.join("table-mobile-320.png");
    m.screenshot(&mobile);
    let png = std::fs::read(&mobile).expect("read the mobile screenshot");
    assert!(png.starts_with(PNG_SIGNATURE));
    assert_eq!(png_size(&png).0, 320, "mobile screenshot width");
    let full = dir.join("table-mobile-320-full.png");
    m.full_page_screenshot(&full);
    let png = std::fs::read(&full).expect("read the mobile full-page screenshot");
    let (w, h) = png_size(&png);
    assert_eq!(w, 320, "mobile full-page screenshot width");
    assert!(h > 1500, "mobile full page is only {h} px high");
    // The capture leaves the viewport as it was.
    assert_eq!(m.eval("return window.innerWidth"), serde_json::json!(320));
    assert_eq!(m.eval("return window.innerHeight"), serde_json::json!(640));
    let errors = m.console_errors();
    assert!(errors.is_empty(), "console errors: {errors:?}");
}

#[test]
fn console_errors_and_requests_are_seen() {
    let b = Browser::start();
    b.goto(&fixture("errors.html"));
    let errors = poll(
        || b.console_errors(),
        |e| e.iter().any(|m| m.contains("boom")),
    );
    assert!(
        errors.iter().any(|m| m.contains("boom")),
        "console.error(\"boom\") not seen in {errors:?}"
    );
    let target = "http://127.0.0.1:9/x";
    let urls = poll(|| b.requested_urls(), |u| u.iter().any(|x| x == target));
    assert!(
        urls.iter().any(|u| u == target),
        "{target} not among {urls:?}"
    );
}

#[test]
fn alert_is_detected_and_dismissed() {
    let b = Browser::start();
    b.goto(&fixture("alert.html"));
    let deadline = Instant::now() + Duration::from_secs(10);
    while !b.alert_open() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(b.alert_open(), "alert(1) did not open a dialog");
    assert_eq!(b.alert_text().as_deref(), Some("1"));
    b.dismiss_alert();
    assert!(!b.alert_open());
    // The page finishes loading once the dialog is gone.
    b.goto(&fixture("table.html"));
    assert!(!b.alert_open());
    assert_eq!(b.title(), "Browser self-test: table");
}

/// Serves `page` at `/` (404 elsewhere) on a free loopback port, a thread per connection
/// (Chromium may open connections it never uses). Returns the base URL.
fn serve(page: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the test HTTP server");
    let addr = listener.local_addr().expect("test server address");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    match stream.read(&mut byte) {
                        Ok(1) => head.push(byte[0]),
                        _ => return,
                    }
                }
                let head = String::from_utf8_lossy(&head);
                let path = head.split(' ').nth(1).unwrap_or("");
                let (status, body) = if path == "/" {
                    ("200 OK", page)
                } else {
                    ("404 Not Found", "not found")
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    format!("http://{addr}/")
}

#[test]
fn http_page_loads_and_processes_end_with_the_session() {
    let url = serve(
        "<!doctype html><html><head><meta charset=utf-8><link rel=icon href=data:,>\
         <title>Served over HTTP</title></head><body><p id=p>hello</p></body></html>",
    );
    let b = Browser::start();
    b.goto(&url);
    assert_eq!(b.title(), "Served over HTTP");
    assert_eq!(b.text("#p"), "hello");
    assert_eq!(b.url(), url);
    let urls = b.requested_urls();
    assert!(urls.contains(&url), "{url} not among {urls:?}");
    for u in &urls {
        assert!(
            u.starts_with(&url) || u.starts_with("data:"),
            "request outside the test server: {u} (all: {urls:?})"
        );
    }
    assert!(b.console_errors().is_empty());

    let pids = b.process_ids();
    assert!(
        pids.len() > 2,
        "ChromeDriver and Chromium processes: {pids:?}"
    );
    let profile = b.profile_dir().to_path_buf();
    drop(b);
    let left: Vec<u32> = pids
        .iter()
        .copied()
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
                !s.rsplit(')')
                    .next()
                    .unwrap_or("")
                    .trim_start()
                    .starts_with('Z')
            })
        })
        .collect();
    assert!(left.is_empty(), "processes left after drop: {left:?}");
    assert!(
        !profile.exists(),
        "profile folder left: {}",
        profile.display()
    );
}
