//! A fault-injecting HTTP proxy between `ogp-publish` and a real CKAN, on 127.0.0.1.
//!
//! It forwards each request on a fresh upstream connection and, when a rule matches the
//! request's action, injects a fault instead: a delay, a dropped connection, an error status,
//! an applied write whose answer is lost, or a truncated answer. It also counts the requests
//! the server really received, per action.
//!
//! It also serves as an HTTP forward proxy (a client's `http_proxy`): a request whose target
//! names a server (`POST http://portal.example.test/api/3/action/status_show HTTP/1.1`) is
//! recorded with that server's name and forwarded to the upstream CKAN like any other.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What to do to a matching request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Wait, then forward.
    Delay(Duration),
    /// Hold the request at `gate` until the test opens it, then forward (an event, where a
    /// delay would only guess how long the test needs).
    Hold(Gate),
    /// Close the connection without forwarding (the server never sees it).
    Drop,
    /// Answer with this status and body without forwarding; `retry_after` adds the header.
    Status {
        /// HTTP status.
        code: u16,
        /// Response body.
        body: String,
        /// `Retry-After` seconds.
        retry_after: Option<u64>,
    },
    /// Forward (the server applies it), then close without answering.
    LoseResponse,
    /// Forward, then answer with only the first half of the body (a complete, shorter answer:
    /// truncated JSON).
    Truncate,
    /// Read half of the request, then close: the server never sees it.
    ResetRequest,
    /// Forward, send the headers and half of the body, then close: the answer is cut off.
    ResetResponse,
}

/// A point where the proxy holds requests until the test opens it: the test waits for a
/// request to reach it ([`Gate::wait_reached`]), does what must happen meanwhile, then opens it.
/// Every wait is bounded: the test's fails loudly, and a request held longer than the gate's
/// limit is answered 504 instead of being forwarded and counted in [`Gate::timed_out`].
#[derive(Clone)]
pub struct Gate(Arc<GateInner>);

struct GateInner {
    state: Mutex<GateState>,
    /// Wakes the test when a request reaches the gate.
    reached: std::sync::Condvar,
    /// Wakes the held requests when the gate opens.
    open: tokio::sync::watch::Sender<bool>,
    limit: Duration,
}

#[derive(Default)]
struct GateState {
    reached: u32,
    waiting: u32,
    timed_out: u32,
}

impl std::fmt::Debug for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Gate({:p})", Arc::as_ptr(&self.0))
    }
}

impl PartialEq for Gate {
    fn eq(&self, other: &Gate) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Gate {}

impl Gate {
    /// A closed gate; a request held longer than `limit` gives up (see [`Gate::timed_out`]).
    pub fn new(limit: Duration) -> Gate {
        Gate(Arc::new(GateInner {
            state: Mutex::new(GateState::default()),
            reached: std::sync::Condvar::new(),
            open: tokio::sync::watch::channel(false).0,
            limit,
        }))
    }

    /// Waits until `n` requests in all have reached the gate; panics when `limit` passes first.
    pub fn wait_reached(&self, n: u32, limit: Duration) {
        let st = self.0.state.lock().unwrap();
        let (st, waited) = self
            .0
            .reached
            .wait_timeout_while(st, limit, |st| st.reached < n)
            .unwrap();
        assert!(
            !waited.timed_out(),
            "only {} of {n} requests reached the gate in {limit:?}",
            st.reached
        );
    }

    /// Requests held at the gate now.
    pub fn waiting(&self) -> u32 {
        self.0.state.lock().unwrap().waiting
    }

    /// Requests that gave up waiting (the gate was not opened within its limit).
    pub fn timed_out(&self) -> u32 {
        self.0.state.lock().unwrap().timed_out
    }

    /// Opens the gate: every held request goes on, and later ones pass at once.
    pub fn open(&self) {
        self.0.open.send_replace(true);
    }

    /// A guard that opens the gate when dropped: a test that fails while requests are held
    /// lets them go at once rather than after the gate's limit.
    pub fn opener(&self) -> GateOpener {
        GateOpener(self.clone())
    }

    /// Holds the calling request until the gate opens; false when its limit passed first.
    async fn pass(&self) -> bool {
        let mut open = self.0.open.subscribe();
        {
            let mut st = self.0.state.lock().unwrap();
            st.reached += 1;
            st.waiting += 1;
        }
        self.0.reached.notify_all();
        let passed = matches!(
            tokio::time::timeout(self.0.limit, open.wait_for(|o| *o)).await,
            Ok(Ok(_))
        );
        let mut st = self.0.state.lock().unwrap();
        st.waiting -= 1;
        if !passed {
            st.timed_out += 1;
        }
        passed
    }
}

/// Opens its gate when dropped (see [`Gate::opener`]).
pub struct GateOpener(Gate);

impl Drop for GateOpener {
    fn drop(&mut self) {
        self.0.open();
    }
}

/// A file sent in a form body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePart {
    /// The form field that carries it (`upload`, `update__resources__-1__upload`…).
    pub field: String,
    /// Its file name.
    pub name: String,
    /// Its size in bytes.
    pub size: usize,
}

/// One request as the proxy read it, in the order read.
#[derive(Debug, Clone)]
pub struct Logged {
    /// Its action (`package_revise`…).
    pub action: String,
    /// The text fields of a form body (`multipart/form-data`), by name, in order.
    pub fields: Vec<(String, String)>,
    /// The file parts of a form body, in order.
    pub files: Vec<FilePart>,
    /// The fault injected into it, if any (set once decided).
    pub fault: Option<Fault>,
    /// Whether the server's answer to it has arrived, before any hold of answers (for a
    /// request forwarded as it came: without a fault, or once let go by a gate).
    pub answered: bool,
}

/// A rule: the `nth` (1-based) request whose action is `action` gets `fault`; with `nth` 0,
/// every such request does.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Action name, e.g. `resource_create`.
    pub action: String,
    /// Which occurrence (0: all).
    pub nth: u32,
    /// The fault.
    pub fault: Fault,
}

impl Rule {
    fn hits(&self, action: &str, n: u32) -> bool {
        self.action == action && (self.nth == n || self.nth == 0)
    }
}

/// Shared state of a running proxy.
#[derive(Debug, Default)]
pub struct State {
    rules: Vec<Rule>,
    delay_all: Option<Duration>,
    /// Wait after the server's answer arrives, before passing it on.
    delay_answers: Option<Duration>,
    seen: BTreeMap<String, u32>,
    /// Requests read whole from clients, all actions (counted before any delay).
    requests_read: u32,
    /// Answers received from the server for forwarded requests (counted before any delay).
    answers_received: u32,
    /// Client addresses of every connection accepted.
    accepted: std::collections::HashSet<std::net::SocketAddr>,
    /// Requests forwarded to the server, per action.
    pub forwarded: BTreeMap<String, u32>,
    /// Faults injected, as `(action, fault)`.
    pub injected: Vec<(String, Fault)>,
    /// Connections being served.
    in_flight: usize,
    /// A path prefix the proxy serves the portal under (as Données Québec serves its API
    /// under `/recherche`): stripped before forwarding; a request outside it gets a 404.
    prefix: Option<String>,
    /// Requests that came outside the prefix.
    pub outside_prefix: u32,
    /// The server (`host:port`) named by each request sent in a forward proxy's absolute form,
    /// in the order read.
    absolute_targets: Vec<String>,
    /// Every request read, in order.
    log: Vec<Logged>,
    /// Where write requests wait, when set (see [`Proxy::hold_writes`]).
    hold_writes: Option<Gate>,
}

/// A running proxy. Dropping it stops it: it stops listening and its open connections are
/// closed (a test that fails early leaves nothing running).
pub struct Proxy {
    /// Its address, `http://127.0.0.1:PORT`.
    pub url: String,
    state: Arc<Mutex<State>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            // The runtime ends with the thread, cancelling every connection's task.
            let _ = thread.join();
        }
    }
}

impl Proxy {
    /// Starts a proxy to `upstream` (`host:port`) on a free loopback port.
    pub fn start(upstream: &str) -> Proxy {
        let upstream = upstream.to_string();
        let state = Arc::new(Mutex::new(State::default()));
        let (tx, rx) = std::sync::mpsc::channel();
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        let st = state.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("proxy runtime");
            rt.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
                tx.send(listener.local_addr().expect("addr"))
                    .expect("send addr");
                loop {
                    let accepted = tokio::select! {
                        a = listener.accept() => a,
                        _ = &mut stopped => break,
                    };
                    let Ok((sock, peer)) = accepted else {
                        continue;
                    };
                    // Counted as soon as accepted, so that `settle` never misses it.
                    {
                        let mut st = st.lock().unwrap();
                        st.in_flight += 1;
                        st.accepted.insert(peer);
                    }
                    let (st, up) = (st.clone(), upstream.clone());
                    tokio::spawn(async move {
                        let _ = serve(sock, &up, st.clone()).await;
                        st.lock().unwrap().in_flight -= 1;
                    });
                }
            });
        });
        let addr = rx.recv().expect("proxy started");
        Proxy {
            url: format!("http://{addr}"),
            state,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// Starts a proxy that serves `upstream` under the path `prefix` (e.g. `/recherche`).
    pub fn start_under(upstream: &str, prefix: &str) -> Proxy {
        let proxy = Proxy::start(upstream);
        proxy.state.lock().unwrap().prefix = Some(prefix.to_string());
        proxy
    }

    /// Requests that did not carry the prefix of [`Proxy::start_under`].
    pub fn outside_prefix(&self) -> u32 {
        self.state.lock().unwrap().outside_prefix
    }

    /// Adds a rule.
    pub fn add(&self, action: &str, nth: u32, fault: Fault) {
        self.state.lock().unwrap().rules.push(Rule {
            action: action.into(),
            nth,
            fault,
        });
    }

    /// Gives every request for `action` the fault (a portal without that action, say).
    pub fn add_every(&self, action: &str, fault: Fault) {
        self.add(action, 0, fault);
    }

    /// Injected faults of `action` so far.
    pub fn injected_into(&self, action: &str) -> usize {
        let st = self.state.lock().unwrap();
        st.injected.iter().filter(|(a, _)| a == action).count()
    }

    /// Delays every request by `d` (a slow portal), on top of the rules.
    pub fn delay_all(&self, d: Duration) {
        self.state.lock().unwrap().delay_all = Some(d);
    }

    /// Holds every answer of the server for `d` before passing it on (the moment a write
    /// has been applied but its client does not know yet).
    pub fn delay_answers(&self, d: Duration) {
        self.state.lock().unwrap().delay_answers = Some(d);
    }

    /// Requests read whole from clients so far, all actions, counted the moment they are
    /// read (before any delay or forwarding).
    pub fn requests_read(&self) -> u32 {
        self.state.lock().unwrap().requests_read
    }

    /// Answers received from the server so far, counted the moment they arrive (before any
    /// delay and before the client has them).
    pub fn answers_received(&self) -> u32 {
        self.state.lock().unwrap().answers_received
    }

    /// Forgets rules, counts and the log; for an idle proxy (a request in flight across it
    /// would mark its answer on a later entry of the log).
    pub fn reset(&self) {
        let mut st = self.state.lock().unwrap();
        let in_flight = st.in_flight;
        *st = State {
            in_flight,
            ..State::default()
        };
    }

    /// Opens a connection of our own and waits until the proxy has accepted it: connections
    /// are accepted in order, so every earlier one has been too. False when `limit` passes.
    fn accepted_all(&self, limit: Duration) -> bool {
        let start = std::time::Instant::now();
        let addr = self.url.trim_start_matches("http://");
        let sentinel = std::net::TcpStream::connect(addr).expect("connect to the proxy");
        let me = sentinel.local_addr().expect("local address");
        while !self.state.lock().unwrap().accepted.contains(&me) {
            if start.elapsed() >= limit {
                return false;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        true
    }

    /// Waits until every connection made to the proxy so far has been served to the end,
    /// including one still waiting in the listen queue (of a client killed just after it
    /// connected): a connection of our own is opened and, once the proxy has accepted it
    /// (connections are accepted in order), closed; then the proxy must have nothing in
    /// flight. False when `limit` passes first.
    pub fn settle(&self, limit: Duration) -> bool {
        let start = std::time::Instant::now();
        if !self.accepted_all(limit) {
            return false;
        }
        self.wait_idle(limit.saturating_sub(start.elapsed()))
    }

    /// Waits until no connection is being served (requests of a killed client have reached the
    /// server and come back); false when `limit` passes first.
    pub fn wait_idle(&self, limit: Duration) -> bool {
        let start = std::time::Instant::now();
        while start.elapsed() < limit {
            if self.state.lock().unwrap().in_flight == 0 {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// Connections accepted so far (the proxy's own, of [`Proxy::settle`], included).
    pub fn connections(&self) -> usize {
        self.state.lock().unwrap().accepted.len()
    }

    /// The server (`host:port`) each request sent to the proxy as to a forward proxy named,
    /// in the order read.
    pub fn absolute_targets(&self) -> Vec<String> {
        self.state.lock().unwrap().absolute_targets.clone()
    }

    /// Requests the server received for `action`.
    pub fn forwarded(&self, action: &str) -> u32 {
        self.state
            .lock()
            .unwrap()
            .forwarded
            .get(action)
            .copied()
            .unwrap_or(0)
    }

    /// Requests the server received, all actions.
    pub fn forwarded_total(&self) -> u32 {
        self.state.lock().unwrap().forwarded.values().sum()
    }

    /// Requests the server received for actions other than reads.
    pub fn forwarded_writes(&self) -> u32 {
        self.state
            .lock()
            .unwrap()
            .forwarded
            .iter()
            .filter(|(a, _)| !is_read(a))
            .map(|(_, n)| n)
            .sum()
    }

    /// Every request read so far, in the order read.
    pub fn log(&self) -> Vec<Logged> {
        self.state.lock().unwrap().log.clone()
    }

    /// Holds every write request (any action but a read) read from now on at `gate` before
    /// forwarding it, while the gate is closed; `None` stops holding. A write read before
    /// keeps the gate it was read under.
    pub fn hold_writes(&self, gate: Option<Gate>) {
        self.state.lock().unwrap().hold_writes = gate;
    }

    /// Waits until every connection made to the proxy so far has been served to the end, as
    /// [`Proxy::settle`], but for the requests held at `gate`: each other request has been
    /// answered. False when `limit` passes first.
    pub fn settle_but_held(&self, gate: &Gate, limit: Duration) -> bool {
        let start = std::time::Instant::now();
        if !self.accepted_all(limit) {
            return false;
        }
        while start.elapsed() < limit {
            // A held request counts in both: equal, every other connection has been served.
            let st = self.state.lock().unwrap();
            if st.in_flight as u32 == gate.waiting() {
                return true;
            }
            drop(st);
            std::thread::sleep(Duration::from_millis(5));
        }
        false
    }

    /// Faults injected so far.
    pub fn injected(&self) -> Vec<(String, Fault)> {
        self.state.lock().unwrap().injected.clone()
    }
}

/// The action a request line calls: the last segment of its path, without the query.
fn action_of(request_line: &str) -> String {
    let path = request_line.split(' ').nth(1).unwrap_or_default();
    let path = path.split('?').next().unwrap_or_default();
    path.rsplit('/').next().unwrap_or_default().to_string()
}

/// Actions that only read.
pub fn is_read(action: &str) -> bool {
    [
        "status_show",
        "package_show",
        "package_search",
        "organization_show",
        "organization_list_for_user",
        "group_show",
        "scheming_dataset_schema_show",
        "datastore_search",
    ]
    .contains(&action)
}

/// The text fields and the file parts of a `multipart/form-data` body; nothing for any other
/// body.
fn form_parts(headers: &[(String, String)], body: &[u8]) -> (Vec<(String, String)>, Vec<FilePart>) {
    let (mut fields, mut files) = (Vec::new(), Vec::new());
    let boundary = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .filter(|(_, v)| v.starts_with("multipart/form-data"))
        .and_then(|(_, v)| v.split("boundary=").nth(1))
        .map(|b| format!("--{}", b.trim_matches('"')));
    let Some(boundary) = boundary else {
        return (fields, files);
    };
    let delimiter = format!("\r\n{boundary}");
    // The first delimiter has no line break before it.
    let mut rest = match body
        .windows(boundary.len())
        .position(|w| w == boundary.as_bytes())
    {
        Some(i) => &body[i + boundary.len()..],
        None => return (fields, files),
    };
    while rest.starts_with(b"\r\n") {
        let part = &rest[2..];
        let Some(head_end) = part.windows(4).position(|w| w == b"\r\n\r\n") else {
            break;
        };
        let head = String::from_utf8_lossy(&part[..head_end]).into_owned();
        let content = &part[head_end + 4..];
        let Some(end) = content
            .windows(delimiter.len())
            .position(|w| w == delimiter.as_bytes())
        else {
            break;
        };
        let param = |key: &str| {
            head.split(';')
                .map(str::trim)
                .find_map(|p| p.strip_prefix(&format!("{key}=\"")))
                .and_then(|v| v.split('"').next())
                .map(str::to_string)
        };
        let name = param("name").unwrap_or_default();
        match param("filename") {
            Some(file) => files.push(FilePart {
                field: name,
                name: file,
                size: end,
            }),
            None => fields.push((name, String::from_utf8_lossy(&content[..end]).into_owned())),
        }
        rest = &content[end + delimiter.len()..];
    }
    (fields, files)
}

async fn read_request(
    sock: &mut TcpStream,
) -> std::io::Result<Option<(String, Vec<(String, String)>, Vec<u8>)>> {
    let mut buf = Vec::new();
    let mut tmp = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = sock.read(&mut tmp).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&tmp[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let mut body = buf[head_end + 4..].to_vec();
    if let Some(len) = header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        while body.len() < len {
            let n = sock.read(&mut tmp).await?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&tmp[..n]);
        }
    } else if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        // Read until the final zero-length chunk, then decode.
        while !body.windows(5).any(|w| w == b"0\r\n\r\n") {
            let n = sock.read(&mut tmp).await?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&tmp[..n]);
        }
        let mut out = Vec::new();
        let mut rest = &body[..];
        while let Some(i) = rest.windows(2).position(|w| w == b"\r\n") {
            let size =
                usize::from_str_radix(String::from_utf8_lossy(&rest[..i]).trim(), 16).unwrap_or(0);
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[i + 2..i + 2 + size]);
            rest = &rest[i + 2 + size + 2..];
        }
        body = out;
    }
    Ok(Some((request_line, headers, body)))
}

async fn forward(
    upstream: &str,
    request_line: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> std::io::Result<Vec<u8>> {
    let mut up = TcpStream::connect(upstream).await?;
    let mut head = format!("{request_line}\r\n");
    for (k, v) in headers {
        let lower = k.to_ascii_lowercase();
        if [
            "host",
            "connection",
            "content-length",
            "transfer-encoding",
            "keep-alive",
        ]
        .contains(&lower.as_str())
        {
            continue;
        }
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!(
        "Host: {upstream}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    ));
    up.write_all(head.as_bytes()).await?;
    up.write_all(body).await?;
    let mut resp = Vec::new();
    up.read_to_end(&mut resp).await?;
    Ok(resp)
}

/// The server and the origin-form request line of a request line in absolute form
/// (`POST http://host:port/path HTTP/1.1` gives `host:port` and `POST /path HTTP/1.1`).
fn absolute_form(request_line: &str) -> Option<(String, String)> {
    let mut parts = request_line.splitn(3, ' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    let rest = target.strip_prefix("http://")?;
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, "/"),
    };
    Some((authority.to_string(), format!("{method} {path} {version}")))
}

fn status_response(code: u16, body: &str, retry_after: Option<u64>) -> Vec<u8> {
    let ra = retry_after
        .map(|s| format!("Retry-After: {s}\r\n"))
        .unwrap_or_default();
    let ctype = if body.trim_start().starts_with('<') {
        "text/html"
    } else {
        "application/json"
    };
    format!(
        "HTTP/1.1 {code} Fault\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n{ra}Connection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn truncate(resp: &[u8]) -> Vec<u8> {
    let Some(i) = resp.windows(4).position(|w| w == b"\r\n\r\n") else {
        return resp.to_vec();
    };
    let head = String::from_utf8_lossy(&resp[..i]).into_owned();
    let body = &resp[i + 4..];
    let half = &body[..body.len() / 2];
    let head: Vec<String> = head
        .split("\r\n")
        .filter(|l| {
            !l.to_ascii_lowercase().starts_with("content-length")
                && !l.to_ascii_lowercase().starts_with("transfer-encoding")
        })
        .map(str::to_string)
        .collect();
    let mut out = format!(
        "{}\r\nContent-Length: {}\r\n\r\n",
        head.join("\r\n"),
        half.len()
    )
    .into_bytes();
    out.extend_from_slice(half);
    out
}

async fn serve(
    mut sock: TcpStream,
    upstream: &str,
    state: Arc<Mutex<State>>,
) -> std::io::Result<()> {
    // A reset in the middle of the request is decided before reading it whole.
    let reset_request = {
        let mut peek = [0u8; 512];
        let n = sock.peek(&mut peek).await?;
        let head = String::from_utf8_lossy(&peek[..n]).into_owned();
        let action = head
            .split(' ')
            .nth(1)
            .and_then(|p| p.split('?').next())
            .and_then(|p| p.rsplit('/').next())
            .unwrap_or_default()
            .to_string();
        let mut st = state.lock().unwrap();
        let next = st.seen.get(&action).copied().unwrap_or(0) + 1;
        let hit = st
            .rules
            .iter()
            .any(|r| r.hits(&action, next) && r.fault == Fault::ResetRequest);
        if hit {
            st.seen.insert(action.clone(), next);
            st.injected.push((action, Fault::ResetRequest));
        }
        hit
    };
    if reset_request {
        let mut half = [0u8; 256];
        let _ = sock.read(&mut half).await?;
        return Ok(());
    }
    let Some((mut request_line, headers, body)) = read_request(&mut sock).await? else {
        return Ok(());
    };
    let (logged, hold) = {
        let action = action_of(&request_line);
        let (fields, files) = form_parts(&headers, &body);
        let mut st = state.lock().unwrap();
        st.requests_read += 1;
        // A write waits at the gate set when it was read, whatever is set by the time it goes.
        let hold = st.hold_writes.clone().filter(|_| !is_read(&action));
        st.log.push(Logged {
            action,
            fields,
            files,
            fault: None,
            answered: false,
        });
        (st.log.len() - 1, hold)
    };
    // A forward proxy's request: the target names the server; pass on its origin form.
    if let Some((authority, origin)) = absolute_form(&request_line) {
        state.lock().unwrap().absolute_targets.push(authority);
        request_line = origin;
    }
    let prefix = state.lock().unwrap().prefix.clone();
    if let Some(prefix) = prefix {
        let mut parts = request_line.splitn(3, ' ');
        let (method, target, version) = (
            parts.next().unwrap_or_default().to_string(),
            parts.next().unwrap_or_default().to_string(),
            parts.next().unwrap_or_default().to_string(),
        );
        match target.strip_prefix(&prefix).filter(|t| t.starts_with('/')) {
            Some(rest) => request_line = format!("{method} {rest} {version}"),
            None => {
                state.lock().unwrap().outside_prefix += 1;
                sock.write_all(&status_response(404, "<html>Not Found</html>", None))
                    .await?;
                return sock.shutdown().await;
            }
        }
    }
    let action = action_of(&request_line);
    let slow = state.lock().unwrap().delay_all;
    if let Some(d) = slow {
        tokio::time::sleep(d).await;
    }
    let fault = {
        let mut st = state.lock().unwrap();
        let n = {
            let c = st.seen.entry(action.clone()).or_default();
            *c += 1;
            *c
        };
        let f = st
            .rules
            .iter()
            .find(|r| r.hits(&action, n))
            .map(|r| r.fault.clone());
        if let Some(f) = &f {
            st.injected.push((action.clone(), f.clone()));
            if let Some(l) = st.log.get_mut(logged) {
                l.fault = Some(f.clone());
            }
        }
        f
    };
    // Where the request waits before it is forwarded, if anywhere.
    let gate = match &fault {
        Some(Fault::Hold(gate)) => Some(gate.clone()),
        None => hold,
        _ => None,
    };
    let count = |st: &Arc<Mutex<State>>| {
        *st.lock()
            .unwrap()
            .forwarded
            .entry(action.clone())
            .or_default() += 1;
    };
    match fault {
        Some(Fault::Drop) => return Ok(()),
        Some(Fault::Status {
            code,
            body: b,
            retry_after,
        }) => {
            sock.write_all(&status_response(code, &b, retry_after))
                .await?;
        }
        Some(Fault::Delay(d)) => {
            tokio::time::sleep(d).await;
            count(&state);
            let resp = forward(upstream, &request_line, &headers, &body).await?;
            sock.write_all(&resp).await?;
        }
        Some(Fault::LoseResponse) => {
            count(&state);
            let _ = forward(upstream, &request_line, &headers, &body).await?;
            return Ok(());
        }
        Some(Fault::Truncate) => {
            count(&state);
            let resp = forward(upstream, &request_line, &headers, &body).await?;
            sock.write_all(&truncate(&resp)).await?;
        }
        Some(Fault::ResetResponse) => {
            count(&state);
            let resp = forward(upstream, &request_line, &headers, &body).await?;
            let head_end = resp
                .windows(4)
                .position(|w| w == b"\r\n\r\n")
                .map_or(0, |i| i + 4);
            let cut = head_end + (resp.len() - head_end) / 2;
            sock.write_all(&resp[..cut]).await?;
            return Ok(());
        }
        Some(Fault::ResetRequest) => return Ok(()),
        Some(Fault::Hold(_)) | None => {
            if let Some(gate) = gate {
                if !gate.pass().await {
                    let why = "{\"success\": false, \"error\": {\"message\": \"held at a gate nobody opened\"}}";
                    sock.write_all(&status_response(504, why, None)).await?;
                    return sock.shutdown().await;
                }
            }
            count(&state);
            let resp = forward(upstream, &request_line, &headers, &body).await?;
            let hold = {
                let mut st = state.lock().unwrap();
                st.answers_received += 1;
                if let Some(l) = st.log.get_mut(logged) {
                    l.answered = true;
                }
                st.delay_answers
            };
            if let Some(d) = hold {
                tokio::time::sleep(d).await;
            }
            sock.write_all(&resp).await?;
        }
    }
    sock.shutdown().await
}
