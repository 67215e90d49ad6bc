//! The CKAN client: every action goes through one private function that sends it, applies the
//! retry policy and unwraps the envelope. Timeouts are always on; the token travels only in the
//! `Authorization` header and never appears in errors, logs or `Debug` output.

use super::api::{self, CkanError, ErrorKind, Status};
use crate::error::Error;
use crate::i18n::Text;
use reqwest::multipart::{Form, Part};
use serde_json::{json, Map, Value};
use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// An API token. Its `Debug` never shows it, and it has no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a token, trimming the newline token files end with.
    pub fn new(token: &str) -> Self {
        Secret(token.trim().to_string())
    }

    /// The token itself, for the header and for tests that prove it never leaks.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// When and how often to retry.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Sends at most this many times (1 = no retry).
    pub max_attempts: u32,
    /// First backoff delay; doubles each retry, with jitter.
    pub base_delay: Duration,
    /// Longest backoff delay.
    pub max_delay: Duration,
    /// Longest `Retry-After` honoured; longer asks fail instead of stalling the night.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

/// How to reach a portal.
#[derive(Clone)]
pub struct ClientOpts {
    /// The portal's base address; may carry a path (`https://host/recherche`).
    pub base: Url,
    /// The API token, when writing.
    pub token: Option<Secret>,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Connection timeout.
    pub connect_timeout: Duration,
    /// Retry policy.
    pub retry: RetryPolicy,
    /// Allow `http://` to a host that is not loopback.
    pub allow_http: bool,
    /// Receives one line per request and retry, for `-v` (never the token).
    pub trace: Option<Trace>,
}

/// A sink for debug lines.
pub type Trace = Arc<dyn Fn(Text) + Send + Sync>;

impl fmt::Debug for ClientOpts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientOpts")
            .field("base", &self.base.as_str())
            .field("token", &self.token)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("allow_http", &self.allow_http)
            .finish()
    }
}

impl ClientOpts {
    /// Defaults for `base`: 60 s requests, 10 s to connect, the default retry policy.
    pub fn new(base: Url) -> Self {
        ClientOpts {
            base,
            token: None,
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            allow_http: false,
            trace: None,
        }
    }
}

/// A request body.
#[derive(Debug, Clone)]
pub enum ActionBody {
    /// A JSON object.
    Json(Value),
    /// Form fields and files, each file streamed from disk as its own part.
    Upload {
        /// Form fields (`package_id`, `name`, …).
        fields: Vec<(String, String)>,
        /// The files, in the order they are sent.
        files: Vec<UploadFile>,
    },
}

/// A file sent as one part of a multipart request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadFile {
    /// The form field that carries it: `upload` for `resource_create` and `resource_patch`,
    /// `update__resources__-K__upload` for the K-th last resource of a `package_revise`.
    pub field: String,
    /// Where it is on disk.
    pub path: PathBuf,
    /// The file name the portal stores (the last segment of the resource URL).
    pub file_name: String,
    /// Its media type.
    pub mime: String,
}

/// Whether a failed request may simply be sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replay {
    /// Reads and idempotent writes (`*_show`, `*_patch`, `resource_delete`): retry any
    /// transient failure.
    Safe,
    /// Writes that would duplicate if applied twice (`resource_create`, `package_revise` adding
    /// resources): retry only when the request certainly did not reach the portal (refused
    /// connection, 429); other failures go back to the caller, who reads the portal before
    /// deciding.
    Once,
}

/// Request counts of one client, for reports and benchmarks.
#[derive(Debug, Default)]
pub struct Counters {
    /// HTTP requests sent, retries included.
    pub requests: AtomicU64,
    /// Requests to write actions.
    pub writes: AtomicU64,
    /// Bytes of files uploaded.
    pub uploaded: AtomicU64,
}

/// A CKAN Action API client.
#[derive(Clone)]
pub struct CkanClient {
    http: reqwest::Client,
    api: Url,
    token: Option<Secret>,
    retry: RetryPolicy,
    counters: Arc<Counters>,
    trace: Option<Trace>,
}

impl fmt::Debug for CkanClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CkanClient")
            .field("api", &self.api.as_str())
            .field("token", &self.token)
            .finish()
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

const READ_ACTIONS: &[&str] = &[
    "status_show",
    "package_show",
    "package_search",
    "organization_show",
    "organization_list_for_user",
    "group_show",
    "scheming_dataset_schema_show",
    "datastore_search",
];

/// True for the actions that only read (they count as requests, not as writes).
pub fn is_read(action: &str) -> bool {
    READ_ACTIONS.contains(&action)
}

impl CkanClient {
    /// A client for `opts.base`. Refuses `http://` to a non-loopback host unless allowed.
    pub fn new(opts: ClientOpts) -> Result<Self, Error> {
        let base = opts.base;
        match base.scheme() {
            "https" => {}
            "http" if opts.allow_http || is_loopback(&base) => {}
            "http" => return Err(Error::PlainHttp(base.host_str().unwrap_or("").into())),
            _ => return Err(Error::BadPortalUrl(base.to_string())),
        }
        let mut root = base.clone();
        if !root.path().ends_with('/') {
            let p = format!("{}/", root.path());
            root.set_path(&p);
        }
        let api = root
            .join("api/3/action/")
            .map_err(|_| Error::BadPortalUrl(base.to_string()))?;
        let http = reqwest::Client::builder()
            .timeout(opts.timeout)
            .connect_timeout(opts.connect_timeout)
            .user_agent(concat!("ogp-publish/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Http(e.to_string()))?;
        Ok(CkanClient {
            http,
            api,
            token: opts.token,
            retry: opts.retry,
            counters: Arc::new(Counters::default()),
            trace: opts.trace,
        })
    }

    /// True when the client sends a token.
    pub fn has_token(&self) -> bool {
        self.token.is_some()
    }

    /// Request counters shared by every clone of this client.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Sends `action` with the retry policy; returns its `result`.
    pub async fn action(
        &self,
        action: &str,
        body: ActionBody,
        replay: Replay,
    ) -> Result<Value, CkanError> {
        self.action_attempts(action, body, replay).await.0
    }

    /// Like [`CkanClient::action`], also returning how many times the request was sent.
    pub async fn action_attempts(
        &self,
        action: &str,
        body: ActionBody,
        replay: Replay,
    ) -> (Result<Value, CkanError>, u32) {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let started = std::time::Instant::now();
            let outcome = self.send_once(action, &body).await;
            if let Some(trace) = &self.trace {
                let result = match &outcome {
                    Ok(_) => Text::new("trace-ok"),
                    Err((e, _, _)) => e.text(),
                };
                let ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
                trace(
                    Text::new("trace-attempt")
                        .arg("action", action)
                        .arg("attempt", i64::from(attempt))
                        .arg("result", result)
                        .arg("ms", ms),
                );
            }
            let (retry, wait) = match &outcome {
                Ok(_) => (false, None),
                Err((e, retry_after, sent)) => {
                    let transient = match e.kind {
                        ErrorKind::Transport => true,
                        // A cut-off or foreign answer to a request that succeeded is as
                        // transient as a 5xx.
                        ErrorKind::Unexpected => e.status.is_some_and(|s| {
                            (200..300).contains(&s) || s == 408 || s == 429 || s >= 500
                        }),
                        ErrorKind::Other(_) => {
                            e.status.is_some_and(|s| s == 408 || s == 429 || s >= 500)
                        }
                        _ => matches!(e.status, Some(408 | 429)),
                    };
                    let certainly_unsent = !sent || e.status == Some(429);
                    let allowed = match replay {
                        Replay::Safe => transient,
                        Replay::Once => transient && certainly_unsent,
                    };
                    (allowed && attempt < self.retry.max_attempts, *retry_after)
                }
            };
            match outcome {
                Ok(v) => return (Ok(v), attempt),
                Err((mut e, _, _)) if !retry => {
                    e.attempts = attempt;
                    return (Err(e), attempt);
                }
                Err(_) => {
                    let delay = self.delay(attempt, wait);
                    if let Some(trace) = &self.trace {
                        let ms = i64::try_from(delay.as_millis()).unwrap_or(i64::MAX);
                        trace(Text::new("trace-retry").arg("action", action).arg("ms", ms));
                    }
                    tokio::time::sleep(delay).await
                }
            }
        }
    }

    fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(after) = retry_after {
            return after.min(self.retry.max_retry_after);
        }
        let exp = self
            .retry
            .base_delay
            .saturating_mul(1u32 << (attempt - 1).min(16))
            .min(self.retry.max_delay);
        // Full jitter between half and all of the delay, so parallel clients spread out.
        exp.mul_f64(0.5 + fastrand::f64() / 2.0)
    }

    /// One HTTP request. The error carries the `Retry-After` delay and whether the request
    /// may have reached the server.
    async fn send_once(
        &self,
        action: &str,
        body: &ActionBody,
    ) -> Result<Value, (CkanError, Option<Duration>, bool)> {
        let url = self.api.join(action).map_err(|e| {
            (
                transport(action, format!("bad action address: {e}")),
                None,
                false,
            )
        })?;
        let mut req = self.http.post(url);
        if let Some(t) = &self.token {
            let mut value = reqwest::header::HeaderValue::from_str(t.expose()).map_err(|_| {
                (
                    transport(
                        action,
                        "the API token holds characters a header cannot carry".into(),
                    ),
                    None,
                    false,
                )
            })?;
            value.set_sensitive(true);
            req = req.header(reqwest::header::AUTHORIZATION, value);
        }
        req = match body {
            ActionBody::Json(v) => req.json(v),
            ActionBody::Upload { fields, files } => {
                let mut form = Form::new();
                for (k, v) in fields {
                    form = form.text(k.clone(), v.clone());
                }
                for f in files {
                    let (part, bytes) = file_part(f)
                        .await
                        .map_err(|message| (transport(action, message), None, false))?;
                    self.counters.uploaded.fetch_add(bytes, Ordering::Relaxed);
                    form = form.part(f.field.clone(), part);
                }
                req.multipart(form)
            }
        };
        self.counters.requests.fetch_add(1, Ordering::Relaxed);
        if !is_read(action) {
            self.counters.writes.fetch_add(1, Ordering::Relaxed);
        }
        let resp = match req.send().await {
            Ok(r) => r,
            Err(e) => {
                let sent = !e.is_connect();
                return Err((transport(action, describe(&e)), None, sent));
            }
        };
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let bytes = resp.bytes().await.map_err(|e| {
            let mut err = transport(action, format!("the answer was cut off: {}", describe(&e)));
            err.status = Some(status);
            (err, None, true)
        })?;
        api::decode(action, status, &bytes).map_err(|e| (e, retry_after, true))
    }

    /// `status_show`: version and plugins.
    pub async fn status_show(&self) -> Result<Status, CkanError> {
        let v = self
            .action("status_show", ActionBody::Json(json!({})), Replay::Safe)
            .await?;
        serde_json::from_value(v).map_err(|e| CkanError {
            action: "status_show".into(),
            status: Some(200),
            kind: ErrorKind::Unexpected,
            message: format!("unexpected result: {e}"),
            attempts: 1,
        })
    }

    /// `package_show`, with how many times it was sent; `None` when the dataset does not
    /// exist.
    pub async fn package_show_attempts(
        &self,
        id: &str,
    ) -> (Result<Option<Map<String, Value>>, CkanError>, u32) {
        let body = ActionBody::Json(json!({ "id": id }));
        let (r, attempts) = self
            .action_attempts("package_show", body, Replay::Safe)
            .await;
        let r = match r {
            Ok(Value::Object(m)) => Ok(Some(m)),
            Ok(other) => Err(CkanError {
                action: "package_show".into(),
                status: Some(200),
                kind: ErrorKind::Unexpected,
                message: format!("expected a package, got {}", short(&other)),
                attempts,
            }),
            Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        };
        (r, attempts)
    }
}

/// A part that streams `f` from disk, never holding the whole file in memory, with its
/// length given so the request carries a `Content-Length`; and that length.
async fn file_part(f: &UploadFile) -> Result<(Part, u64), String> {
    let cannot = |e: std::io::Error| format!("cannot read `{}`: {e}", f.path.display());
    let file = tokio::fs::File::open(&f.path).await.map_err(cannot)?;
    let bytes = file.metadata().await.map_err(cannot)?.len();
    let part = Part::stream_with_length(file, bytes)
        .file_name(f.file_name.clone())
        .mime_str(&f.mime)
        .map_err(|e| e.to_string())?;
    Ok((part, bytes))
}

fn short(v: &Value) -> String {
    v.to_string().chars().take(80).collect()
}

fn transport(action: &str, message: String) -> CkanError {
    CkanError {
        action: action.to_string(),
        status: None,
        kind: ErrorKind::Transport,
        message,
        attempts: 1,
    }
}

/// A transport error in words, without the URL's query (which never holds the token anyway).
fn describe(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "the answer was cut off"
    } else {
        "the request failed"
    };
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
    let mut detail = String::new();
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() {
        what.to_string()
    } else {
        format!("{what}: {detail}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_debug_hides_the_token() {
        let s = Secret::new("eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.secret\n");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(s.expose(), "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.secret");
    }

    #[test]
    fn refuses_plain_http_to_remote_hosts_only() {
        let mk = |u: &str, allow| {
            let mut o = ClientOpts::new(Url::parse(u).unwrap());
            o.allow_http = allow;
            CkanClient::new(o).map(|_| ())
        };
        assert!(matches!(
            mk("http://portal.example/", false),
            Err(Error::PlainHttp(_))
        ));
        assert!(mk("http://portal.example/", true).is_ok());
        assert!(mk("http://127.0.0.1:5000", false).is_ok());
        assert!(mk("http://localhost:5000", false).is_ok());
        assert!(mk("https://portal.example/recherche", false).is_ok());
        assert!(matches!(mk("ftp://x/", false), Err(Error::BadPortalUrl(_))));
    }

    #[test]
    fn keeps_the_base_path() {
        let c = CkanClient::new(ClientOpts::new(
            Url::parse("https://pab.example/recherche").unwrap(),
        ))
        .unwrap();
        assert_eq!(
            c.api.as_str(),
            "https://pab.example/recherche/api/3/action/"
        );
    }
}
