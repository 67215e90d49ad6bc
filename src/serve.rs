//! `preview --serve`: serves the output folder on 127.0.0.1 and rebuilds it when the catalogue
//! changes. While the catalogue has errors, every page shows them instead of the preview, so a
//! steward can keep the browser open while editing.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// What the server shows when the last build failed (an HTML page), or `None`.
pub type ErrorPage = Arc<Mutex<Option<String>>>;

/// A fingerprint of every file under `dir`: path, size and modification time.
pub fn fingerprint(dir: &Path) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, u64, Option<SystemTime>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            match e.metadata() {
                Ok(m) if m.is_dir() => walk(&p, out),
                Ok(m) => out.push((p, m.len(), m.modified().ok())),
                Err(_) => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.sort();
    out
}

/// Calls `rebuild` whenever the fingerprint of `dir` changes, checking every `every`. Runs
/// until the process ends.
pub fn watch(dir: PathBuf, every: Duration, mut rebuild: impl FnMut() + Send + 'static) {
    std::thread::spawn(move || {
        let mut last = fingerprint(&dir);
        loop {
            std::thread::sleep(every);
            let now = fingerprint(&dir);
            if now != last {
                last = now;
                rebuild();
            }
        }
    });
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("jsonld") => "application/ld+json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

fn respond(stream: &mut TcpStream, status: &str, ctype: &str, body: &[u8]) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(body)
}

/// The file under `root` that a request path names; `None` for anything that would leave it.
fn resolve(root: &Path, request_path: &str) -> Option<PathBuf> {
    let path = request_path.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8_lossy()
        .into_owned();
    let rel = Path::new(decoded.trim_start_matches('/'));
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let full = root.join(rel);
    if full.is_dir() {
        Some(full.join("index.html"))
    } else {
        Some(full)
    }
}

fn handle(mut stream: TcpStream, root: &Path, errors: &ErrorPage) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut line = String::new();
    BufReader::new(&stream).read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain",
            b"GET only\n",
        );
    }
    if path == "/" {
        write!(
            stream,
            "HTTP/1.1 302 Found\r\nLocation: /preview/index.html\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )?;
        return Ok(());
    }
    let error_page = errors.lock().map(|e| e.clone()).unwrap_or_default();
    let is_page = path
        .split('?')
        .next()
        .is_some_and(|p| p.ends_with(".html") || p.ends_with('/'));
    if let (Some(page), true) = (error_page, path.starts_with("/preview") && is_page) {
        return respond(
            &mut stream,
            "200 OK",
            "text/html; charset=utf-8",
            page.as_bytes(),
        );
    }
    match resolve(root, path).map(|p| (std::fs::read(&p), p)) {
        Some((Ok(body), p)) => respond(&mut stream, "200 OK", content_type(&p), &body),
        Some((Err(_), _)) => respond(&mut stream, "404 Not Found", "text/plain", b"not found\n"),
        None => respond(
            &mut stream,
            "403 Forbidden",
            "text/plain",
            b"outside the output folder\n",
        ),
    }
}

/// Serves `root` on `listener` until the process ends, one thread per connection.
pub fn serve(listener: TcpListener, root: PathBuf, errors: ErrorPage) {
    for stream in listener.incoming().flatten() {
        let (root, errors) = (root.clone(), errors.clone());
        std::thread::spawn(move || {
            let _ = handle(stream, &root, &errors);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_serves_outside_the_root() {
        let root = Path::new("/srv/dist");
        assert_eq!(
            resolve(root, "/preview/index.html?x=1"),
            Some(root.join("preview/index.html"))
        );
        assert_eq!(resolve(root, "/../etc/passwd"), None);
        assert_eq!(resolve(root, "/preview/%2e%2e/%2e%2e/etc/passwd"), None);
        assert_eq!(
            resolve(root, "/datasets/a%20b.csv"),
            Some(root.join("datasets/a b.csv"))
        );
    }
}
