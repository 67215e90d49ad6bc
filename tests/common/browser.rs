//! A real headless Chromium for the integration tests, driven through ChromeDriver's W3C
//! WebDriver protocol on 127.0.0.1.
//!
//! Debian's `chromium` and `chromium-driver` packages must be installed (`/usr/bin/chromium`,
//! `/usr/bin/chromedriver`); `.ci/run` installs them. The API is synchronous: every call is one
//! or a few HTTP/1.1 requests to ChromeDriver over a plain [`TcpStream`], so it works from any
//! test, inside or outside a tokio runtime. Every failure panics with a message naming the step
//! that failed and ChromeDriver's own error.
//!
//! Chromium runs as root here, so it is started with `--no-sandbox`, and with the flags that
//! stop its background traffic (the closed network refuses it): no request leaves loopback
//! unless a page asks for one, which [`Browser::requested_urls`] shows.
//!
//! ```ignore
//! let b = Browser::start();
//! b.goto(&file_url(&root().join("dist/index.html")));
//! assert_eq!(b.count("tbody tr"), 3);
//! assert!(b.console_errors().is_empty());
//! ```
#![allow(dead_code)]

use super::ChildGuard;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const MISSING: &str =
    "Chromium is missing: run `bash scripts/test` or `apt-get install chromium chromium-driver`";

/// How long ChromeDriver may take to answer `/status` with `ready: true`.
const DRIVER_READY: Duration = Duration::from_secs(20);
/// Page-load and script timeouts given to the session (ChromeDriver enforces them).
const PAGE_LOAD: Duration = Duration::from_secs(30);
/// How long [`Browser::goto`] waits for `document.readyState == "complete"` after navigating.
const READY_STATE: Duration = Duration::from_secs(30);
/// Socket timeout of one WebDriver request: longer than any timeout ChromeDriver enforces.
const REQUEST: Duration = Duration::from_secs(90);
/// How long chromium's processes get to exit after the session is deleted.
const BROWSER_EXIT: Duration = Duration::from_secs(10);

/// Flags Chromium needs here: headless as root, no GPU, and none of its background traffic.
const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    // No name resolves but loopback's: nothing but the local DNS server would see the
    // lookups Chromium makes for its own services, and a page's outside requests fail at once
    // (they still show in `requested_urls`).
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
];

/// A WebDriver error answer: HTTP status, W3C error code and ChromeDriver's message.
#[derive(Debug)]
pub struct WdError {
    /// HTTP status of the answer (0 when the request itself failed).
    pub status: u16,
    /// W3C error code, e.g. `no such alert`.
    pub error: String,
    /// ChromeDriver's message.
    pub message: String,
}

impl std::fmt::Display for WdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {} {}: {}", self.status, self.error, self.message)
    }
}

/// One headless Chromium session with its own ChromeDriver and its own empty profile.
/// Dropping it deletes the session, stops ChromeDriver and makes sure none of the session's
/// processes is left.
pub struct Browser {
    driver: ChildGuard,
    addr: SocketAddr,
    session: String,
    /// Chromium's `--user-data-dir`, removed after the browser is gone.
    profile: tempfile::TempDir,
    /// Holds ChromeDriver's log (`chromedriver.log`), shown when a step fails.
    logs: tempfile::TempDir,
}

impl Browser {
    /// Starts ChromeDriver on a free 127.0.0.1 port and a headless Chromium session in a
    /// 1280×800 window (the page's viewport is 1280 px wide, about 650 px high), with browser
    /// and performance logging, on `about:blank` with empty logs.
    pub fn start() -> Browser {
        Browser::launch(None)
    }

    /// Like [`Browser::start`], with mobile emulation: the page lays out in a `width`×`height`
    /// CSS-pixel viewport at device pixel ratio 1, so screenshots are `width` pixels wide.
    pub fn start_mobile(width: u32, height: u32) -> Browser {
        Browser::launch(Some((width, height)))
    }

    fn launch(mobile: Option<(u32, u32)>) -> Browser {
        for exe in [CHROMEDRIVER, CHROMIUM] {
            if !Path::new(exe).exists() {
                panic!("{MISSING} ({exe} not found)");
            }
        }
        let logs = tempfile::Builder::new()
            .prefix("chromedriver-")
            .tempdir()
            .expect("browser: create a temporary folder for ChromeDriver's log");
        let log = logs.path().join("chromedriver.log");
        // A free port is found by binding port 0 and letting it go; another process may take
        // it before ChromeDriver does, so a ChromeDriver that exits at once is started again.
        let mut attempt = 0;
        let (driver, addr) = loop {
            attempt += 1;
            let addr = free_port();
            // Guarded at once: a panic before the `Browser` exists stops it too.
            let mut driver = ChildGuard::new(
                Command::new(CHROMEDRIVER)
                    .arg(format!("--port={}", addr.port()))
                    .arg(format!("--log-path={}", log.display()))
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap_or_else(|e| panic!("browser: start {CHROMEDRIVER}: {e}")),
            );
            match wait_ready(&mut driver, addr) {
                Ok(()) => break (driver, addr),
                Err(why) => {
                    // Killed and reaped.
                    drop(driver);
                    if attempt >= 3 {
                        panic!(
                            "browser: ChromeDriver never became ready on {addr} ({why}) after \
                             {attempt} attempts\n{}",
                            tail(&log)
                        );
                    }
                }
            }
        };
        let mut browser = Browser {
            driver,
            addr,
            session: String::new(),
            profile: tempfile::Builder::new()
                .prefix("chromium-profile-")
                .tempdir()
                .expect("browser: create a temporary --user-data-dir"),
            logs,
        };
        let caps = browser.capabilities(mobile);
        let answer = browser
            .request("POST", "/session", Some(&json!({ "capabilities": caps })))
            .unwrap_or_else(|e| browser.fail("create the session (start Chromium)", e));
        browser.session = answer["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("browser: new session answer has no sessionId: {answer}"))
            .to_string();
        // ChromeDriver opens Chromium on its new-tab page, whose chrome:// requests would fill
        // the logs: start from a blank page with empty logs instead.
        browser.goto("about:blank");
        browser.clear_logs();
        browser
    }

    fn capabilities(&self, mobile: Option<(u32, u32)>) -> Value {
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", self.profile.path().display()));
        if mobile.is_none() {
            args.push("--window-size=1280,800".into());
        }
        let mut options = json!({ "binary": CHROMIUM, "args": args });
        if let Some((width, height)) = mobile {
            options["mobileEmulation"] = json!({
                "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1 }
            });
        }
        let ms = PAGE_LOAD.as_millis() as u64;
        json!({
            "alwaysMatch": {
                "browserName": "chrome",
                "pageLoadStrategy": "normal",
                // Leave dialogs open so that `alert_open` can see them; the default would
                // dismiss them at the next command.
                "unhandledPromptBehavior": "ignore",
                "timeouts": { "pageLoad": ms, "script": ms, "implicit": 0 },
                "goog:chromeOptions": options,
                "goog:loggingPrefs": { "browser": "ALL", "performance": "ALL" },
            }
        })
    }

    /// Opens `url` (`http://127.0.0.1:…` or `file://…`, see [`file_url`]) and waits, at most
    /// 30 s, until `document.readyState` is `"complete"`. It returns early, with the page not
    /// loaded, when a JavaScript dialog is open (check with [`Browser::alert_open`]).
    pub fn goto(&self, url: &str) {
        let step = format!("goto {url}");
        if let Err(e) = self.cmd("POST", "url", Some(&json!({ "url": url }))) {
            if e.error == "unexpected alert open" || self.alert_open() {
                return;
            }
            self.fail(&step, e);
        }
        let deadline = Instant::now() + READY_STATE;
        loop {
            match self.cmd(
                "POST",
                "execute/sync",
                Some(&json!({ "script": "return document.readyState", "args": [] })),
            ) {
                Ok(v) if v == "complete" => return,
                Ok(_) => {}
                Err(e) if e.error == "unexpected alert open" => return,
                Err(e) => self.fail(&format!("{step}: read document.readyState"), e),
            }
            if Instant::now() > deadline {
                panic!(
                    "browser: {step}: document.readyState not \"complete\" after {READY_STATE:?}"
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Runs `js` as the body of a function in the page (WebDriver "execute script": use
    /// `return` to give a value back) and returns its value as JSON.
    pub fn eval(&self, js: &str) -> Value {
        self.eval_with(js, &[])
    }

    /// Like [`Browser::eval`], with `args` available to the script as `arguments[0]`, ….
    pub fn eval_with(&self, js: &str, args: &[Value]) -> Value {
        self.cmd(
            "POST",
            "execute/sync",
            Some(&json!({ "script": js, "args": args })),
        )
        .unwrap_or_else(|e| self.fail(&format!("eval `{}`", short(js)), e))
    }

    /// The page's title.
    pub fn title(&self) -> String {
        let v = self
            .cmd("GET", "title", None)
            .unwrap_or_else(|e| self.fail("title", e));
        v.as_str()
            .unwrap_or_else(|| panic!("browser: title is not a string: {v}"))
            .to_string()
    }

    /// The page's current URL.
    pub fn url(&self) -> String {
        let v = self
            .cmd("GET", "url", None)
            .unwrap_or_else(|e| self.fail("url", e));
        v.as_str()
            .unwrap_or_else(|| panic!("browser: url is not a string: {v}"))
            .to_string()
    }

    /// How many elements match the CSS selector.
    pub fn count(&self, css: &str) -> usize {
        let v = self.eval_with(
            "return document.querySelectorAll(arguments[0]).length",
            &[json!(css)],
        );
        v.as_u64()
            .unwrap_or_else(|| panic!("browser: count({css:?}) gave {v}")) as usize
    }

    /// The `innerText` of the first element matching the CSS selector; panics when none does.
    pub fn text(&self, css: &str) -> String {
        let v = self.eval_with(
            "const e = document.querySelector(arguments[0]); return e ? e.innerText : null",
            &[json!(css)],
        );
        match v {
            Value::String(s) => s,
            Value::Null => panic!("browser: text({css:?}): no element matches"),
            other => panic!("browser: text({css:?}) gave {other}"),
        }
    }

    /// The SEVERE entries of the browser log (console errors, uncaught exceptions, failed
    /// loads), as ChromeDriver words them. Each call drains the log: a second call only shows
    /// what happened since the first.
    pub fn console_errors(&self) -> Vec<String> {
        self.log("browser")
            .into_iter()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// Every URL the browser requested (`Network.requestWillBeSent`, and WebSocket openings)
    /// since the session started or the previous call, in order, including the page itself,
    /// `data:` URLs and ChromeDriver's first `data:,` page. Each call drains the performance
    /// log.
    pub fn requested_urls(&self) -> Vec<String> {
        let mut urls = Vec::new();
        for entry in self.log("performance") {
            let Some(text) = entry["message"].as_str() else {
                continue;
            };
            let Ok(msg) = serde_json::from_str::<Value>(text) else {
                continue;
            };
            let msg = &msg["message"];
            let url = match msg["method"].as_str() {
                Some("Network.requestWillBeSent") => &msg["params"]["request"]["url"],
                Some("Network.webSocketCreated") => &msg["params"]["url"],
                _ => continue,
            };
            if let Some(url) = url.as_str() {
                urls.push(url.to_string());
            }
        }
        urls
    }

    /// Empties the browser and performance logs.
    pub fn clear_logs(&self) {
        self.log("browser");
        self.log("performance");
    }

    fn log(&self, kind: &str) -> Vec<Value> {
        let v = self
            .cmd("POST", "se/log", Some(&json!({ "type": kind })))
            .unwrap_or_else(|e| self.fail(&format!("read the {kind} log"), e));
        match v {
            Value::Array(entries) => entries,
            other => panic!("browser: {kind} log is not a list: {other}"),
        }
    }

    /// Saves the visible viewport as a PNG at `path` (its folder must exist).
    pub fn screenshot(&self, path: &Path) {
        let v = self
            .cmd("GET", "screenshot", None)
            .unwrap_or_else(|e| self.fail("screenshot", e));
        save_png(&v, path);
    }

    /// Saves the whole page, beyond the viewport, as a PNG at `path` (Chrome DevTools
    /// `Page.captureScreenshot` with `captureBeyondViewport`).
    pub fn full_page_screenshot(&self, path: &Path) {
        let size = self.eval(
            "const d = document.documentElement; \
             return [Math.max(d.scrollWidth, d.clientWidth), Math.max(d.scrollHeight, d.clientHeight)]",
        );
        let (w, h) = (size[0].as_f64(), size[1].as_f64());
        let (Some(w), Some(h)) = (w, h) else {
            panic!("browser: full_page_screenshot: page size is {size}");
        };
        let params = json!({
            "format": "png",
            "captureBeyondViewport": true,
            "clip": { "x": 0, "y": 0, "width": w, "height": h, "scale": 1 },
        });
        let v = self
            .cmd(
                "POST",
                "goog/cdp/execute",
                Some(&json!({ "cmd": "Page.captureScreenshot", "params": params })),
            )
            .unwrap_or_else(|e| self.fail("full_page_screenshot", e));
        save_png(&v["data"], path);
    }

    /// Whether a JavaScript dialog (`alert`, `confirm`, `prompt`) is open.
    pub fn alert_open(&self) -> bool {
        match self.cmd("GET", "alert/text", None) {
            Ok(_) => true,
            Err(e) if e.error == "no such alert" => false,
            Err(e) => self.fail("alert_open (GET alert/text)", e),
        }
    }

    /// The open dialog's text, or `None` when no dialog is open.
    pub fn alert_text(&self) -> Option<String> {
        match self.cmd("GET", "alert/text", None) {
            Ok(v) => Some(v.as_str().unwrap_or_default().to_string()),
            Err(e) if e.error == "no such alert" => None,
            Err(e) => self.fail("alert_text", e),
        }
    }

    /// Dismisses the open dialog; panics when none is open.
    pub fn dismiss_alert(&self) {
        self.cmd("POST", "alert/dismiss", Some(&json!({})))
            .unwrap_or_else(|e| self.fail("dismiss_alert", e));
    }

    /// ChromeDriver's process id.
    pub fn driver_pid(&self) -> u32 {
        self.driver.id()
    }

    /// Chromium's profile folder (`--user-data-dir`), private to this session.
    pub fn profile_dir(&self) -> &Path {
        self.profile.path()
    }

    /// The ids of this session's processes: ChromeDriver, its descendants (Chromium and its
    /// helpers) and any process whose command line names this session's profile folder.
    pub fn process_ids(&self) -> Vec<u32> {
        session_processes(self.driver.id(), self.profile.path())
            .into_iter()
            .map(|p| p.pid)
            .collect()
    }

    /// One WebDriver command on this session: `/session/{id}/{path}`.
    pub fn cmd(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, WdError> {
        let full = format!("/session/{}/{path}", self.session);
        self.request(method, &full, body)
    }

    fn request(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, WdError> {
        let transport = |message: String| WdError {
            status: 0,
            error: "transport".into(),
            message,
        };
        let (status, bytes) = http(self.addr, method, path, body, REQUEST)
            .map_err(|e| transport(format!("{method} {path}: {e}")))?;
        let answer: Value = serde_json::from_slice(&bytes).map_err(|e| {
            transport(format!(
                "{method} {path}: HTTP {status}, not JSON ({e}): {}",
                String::from_utf8_lossy(&bytes)
            ))
        })?;
        let value = answer.get("value").cloned().unwrap_or(Value::Null);
        if status == 200 {
            return Ok(value);
        }
        Err(WdError {
            status,
            error: value["error"]
                .as_str()
                .unwrap_or("unknown error")
                .to_string(),
            message: value["message"].as_str().unwrap_or_default().to_string(),
        })
    }

    fn fail(&self, step: &str, e: WdError) -> ! {
        panic!(
            "browser: {step} failed: {e}\n{}",
            tail(&self.logs.path().join("chromedriver.log"))
        )
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Everything of this session before it goes: chromium's helpers may be reparented
        // when their parent exits, so they are found now.
        let procs = session_processes(self.driver.id(), self.profile.path());
        if !self.session.is_empty() {
            let path = format!("/session/{}", self.session);
            if let Err(e) = http(self.addr, "DELETE", &path, None, Duration::from_secs(30)) {
                eprintln!("browser: delete the session: {e}");
            }
        }
        let chromium: Vec<&Proc> = procs.iter().filter(|p| p.pid != self.driver.id()).collect();
        let deadline = Instant::now() + BROWSER_EXIT;
        while chromium.iter().any(|p| p.alive()) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        for p in chromium.iter().filter(|p| p.alive()) {
            eprintln!(
                "browser: process {} ({}) outlived its session: killing it",
                p.pid, p.name
            );
            let _ = Command::new("kill")
                .args(["-KILL", &p.pid.to_string()])
                .status();
        }
        // Anything that started after the snapshot and names this profile.
        for p in session_processes(0, self.profile.path()) {
            eprintln!(
                "browser: process {} ({}) still uses the profile: killing it",
                p.pid, p.name
            );
            let _ = Command::new("kill")
                .args(["-KILL", &p.pid.to_string()])
                .status();
        }
    }
}

/// A `file://` URL for an absolute path (percent-encoding what a URL path can't hold).
pub fn file_url(path: &Path) -> String {
    let path = path
        .canonicalize()
        .unwrap_or_else(|e| panic!("file_url: {}: {e}", path.display()));
    let mut url = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

/// Width and height of a PNG, from its IHDR chunk; panics when `png` is not a PNG.
pub fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(
        png.len() >= 24 && png.starts_with(PNG_SIGNATURE) && &png[12..16] == b"IHDR",
        "not a PNG ({} bytes)",
        png.len()
    );
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&png[16..20]), be(&png[20..24]))
}

/// The 8 bytes every PNG file starts with.
pub const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

fn save_png(b64: &Value, path: &Path) {
    let text = b64
        .as_str()
        .unwrap_or_else(|| panic!("browser: screenshot answer is not base64 text"));
    let png = base64_decode(text).unwrap_or_else(|e| panic!("browser: screenshot: {e}"));
    assert!(
        png.starts_with(PNG_SIGNATURE),
        "browser: screenshot is not a PNG"
    );
    std::fs::write(path, &png)
        .unwrap_or_else(|e| panic!("browser: save screenshot {}: {e}", path.display()));
}

/// Decodes standard base64 (RFC 4648, `=` padding optional, whitespace ignored).
pub fn base64_decode(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for (i, c) in text.bytes().enumerate() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return Err(format!("bad base64 byte {c:#04x} at {i}")),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

fn free_port() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").expect("browser: bind 127.0.0.1:0 to find a port");
    l.local_addr()
        .expect("browser: local address of the port probe")
}

/// Polls ChromeDriver's `/status` until `ready`, for at most [`DRIVER_READY`].
fn wait_ready(driver: &mut Child, addr: SocketAddr) -> Result<(), String> {
    let deadline = Instant::now() + DRIVER_READY;
    loop {
        if let Ok(Some(status)) = driver.try_wait() {
            return Err(format!("ChromeDriver exited: {status}"));
        }
        let last = match http(addr, "GET", "/status", None, Duration::from_secs(5)) {
            Ok((200, body)) => match serde_json::from_slice::<Value>(&body) {
                Ok(v) if v["value"]["ready"] == true => return Ok(()),
                Ok(v) => format!("not ready: {v}"),
                Err(e) => format!("bad /status answer: {e}"),
            },
            Ok((status, _)) => format!("/status answered HTTP {status}"),
            Err(e) => e,
        };
        if Instant::now() > deadline {
            return Err(format!("{last} after {DRIVER_READY:?}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// One HTTP/1.1 request to 127.0.0.1 on a fresh connection; returns status and body.
fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&Value>,
    timeout: Duration,
) -> Result<(u16, Vec<u8>), String> {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))
        .map_err(|e| format!("connect {addr}: {e}"))?;
    stream
        .set_read_timeout(Some(timeout))
        .and_then(|()| stream.set_write_timeout(Some(timeout)))
        .map_err(|e| format!("socket timeouts: {e}"))?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\n\
         Content-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        body.len()
    );
    stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body.as_bytes()))
        .map_err(|e| format!("send {method} {path}: {e}"))?;

    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let mut read = |stream: &mut TcpStream, buf: &mut Vec<u8>| -> Result<bool, String> {
        let n = stream
            .read(&mut chunk)
            .map_err(|e| format!("read the answer to {method} {path}: {e}"))?;
        buf.extend_from_slice(&chunk[..n]);
        Ok(n > 0)
    };
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i + 4;
        }
        if !read(&mut stream, &mut buf)? {
            return Err(format!(
                "{method} {path}: connection closed before the headers"
            ));
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("{method} {path}: bad status line in {head:?}"))?;
    let header = |name: &str| {
        head.split("\r\n").skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    };
    let chunked = header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
    let length: Option<usize> = header("content-length").and_then(|v| v.parse().ok());
    if chunked {
        loop {
            if let Some(body) = dechunk(&buf[head_end..]) {
                return Ok((status, body));
            }
            if !read(&mut stream, &mut buf)? {
                return Err(format!("{method} {path}: chunked answer cut short"));
            }
        }
    }
    match length {
        Some(n) => {
            while buf.len() < head_end + n {
                if !read(&mut stream, &mut buf)? {
                    return Err(format!("{method} {path}: answer shorter than its length"));
                }
            }
            Ok((status, buf[head_end..head_end + n].to_vec()))
        }
        None => {
            while read(&mut stream, &mut buf)? {}
            Ok((status, buf[head_end..].to_vec()))
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The body of a complete chunked transfer, or `None` when more bytes are needed.
fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = find(data, b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        if data.len() < size + 2 {
            return None;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

/// A process seen in `/proc`: its id, start time (to tell a reused id apart) and name.
#[derive(Debug)]
struct Proc {
    pid: u32,
    start: u64,
    name: String,
}

impl Proc {
    /// Still running (not gone, not a zombie, id not reused).
    fn alive(&self) -> bool {
        matches!(stat(self.pid), Some((_, start, state, _)) if start == self.start && state != 'Z')
    }
}

/// `(ppid, start time, state, name)` of a process, from `/proc/{pid}/stat`.
fn stat(pid: u32) -> Option<(u32, u64, char, String)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let name = text[open + 1..close].to_string();
    let fields: Vec<&str> = text[close + 1..].split_whitespace().collect();
    // After the name: state(3) ppid(4) … starttime(22); fields[0] is field 3.
    let state = fields.first()?.chars().next()?;
    let ppid = fields.get(1)?.parse().ok()?;
    let start = fields.get(19)?.parse().ok()?;
    Some((ppid, start, state, name))
}

/// Live processes that descend from `root` (itself included, unless 0) or whose command line
/// names `profile`.
fn session_processes(root: u32, profile: &Path) -> Vec<Proc> {
    let needle = profile.to_string_lossy().into_owned();
    let mut all = Vec::new();
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for entry in dir.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<u32>().ok())
            else {
                continue;
            };
            if let Some((ppid, start, state, name)) = stat(pid) {
                if state != 'Z' {
                    all.push((Proc { pid, start, name }, ppid));
                }
            }
        }
    }
    let mut keep: Vec<u32> = if root == 0 { vec![] } else { vec![root] };
    loop {
        let before = keep.len();
        for (p, ppid) in &all {
            if keep.contains(ppid) && !keep.contains(&p.pid) {
                keep.push(p.pid);
            }
        }
        if keep.len() == before {
            break;
        }
    }
    all.into_iter()
        .filter(|(p, _)| {
            keep.contains(&p.pid)
                || std::fs::read(format!("/proc/{}/cmdline", p.pid))
                    .is_ok_and(|c| String::from_utf8_lossy(&c).contains(&needle))
        })
        .map(|(p, _)| p)
        .filter(|p| p.pid != std::process::id())
        .collect()
}

fn short(js: &str) -> String {
    short_line(&js.split_whitespace().collect::<Vec<_>>().join(" "), 80)
}

fn short_line(line: &str, max: usize) -> String {
    match line.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line.to_string(),
    }
}

/// The last lines of ChromeDriver's log, for failure messages.
fn tail(log: &PathBuf) -> String {
    match std::fs::read_to_string(log) {
        Ok(text) => {
            // Only ChromeDriver's own timestamped lines, not the JSON answers between them.
            let lines: Vec<String> = text
                .lines()
                .filter(|l| l.starts_with('['))
                .map(|l| short_line(l, 400))
                .collect();
            let from = lines.len().saturating_sub(25);
            format!(
                "last lines of {}:\n{}",
                log.display(),
                lines[from..].join("\n")
            )
        }
        Err(e) => format!("(no ChromeDriver log at {}: {e})", log.display()),
    }
}
