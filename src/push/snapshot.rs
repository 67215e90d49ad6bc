//! The portal side: each local dataset's copy on the portal, from its search index (one
//! `package_search` per [`SEARCH_CHUNK`] datasets), read again with `package_show` before a write.

use super::{ActionRecord, LocalDataset};
use crate::ckan::client::{ActionBody, CkanClient, Replay};
use crate::ckan::{CkanError, ErrorKind};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

/// The portal's copy of a local dataset, and where it was read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RemoteDataset {
    /// The package dict; `None` when the portal does not have the dataset (or its search index
    /// does not list it).
    pub package: Option<Map<String, Value>>,
    /// True when `package_show` answered. Otherwise the copy comes from the search index, which
    /// can lag behind the portal: `push` reads the dataset again before its first write.
    pub confirmed: bool,
}

/// The portal's copy of each local dataset, by name.
pub type RemoteState = BTreeMap<String, RemoteDataset>;

/// Asks `package_search` for the full dicts of our datasets (one request per [`SEARCH_CHUNK`]
/// datasets), so neither an unchanged dataset nor one that does not exist yet costs a read.
/// When the search fails, reads each dataset with `package_show` instead, `concurrency` at a
/// time. Also returns one report line per request (with its attempts).
pub async fn snapshot_recorded(
    client: &CkanClient,
    local: &[LocalDataset],
    concurrency: usize,
) -> (Result<RemoteState, CkanError>, Vec<ActionRecord>) {
    let names: Vec<&str> = local.iter().map(|d| d.name.as_str()).collect();
    let (found, mut records) = search(client, &names).await;
    if let Some(mut found) = found {
        // Not in the portal's search index: created without a read. Should the index lag, the
        // create is refused (names are unique) and the push reads the dataset then.
        let state = local
            .iter()
            .map(|ds| {
                let package = found.remove(&ds.name);
                let remote = RemoteDataset {
                    package,
                    confirmed: false,
                };
                (ds.name.clone(), remote)
            })
            .collect();
        return (Ok(state), records);
    }
    let mut state = RemoteState::new();
    let sem = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for ds in local {
        let (client, sem, name) = (client.clone(), sem.clone(), ds.name.clone());
        tasks.spawn(async move {
            let _permit = sem.acquire_owned().await;
            let (r, record) = show(&client, &name, "ok").await;
            (name, r, record)
        });
    }
    let mut failure = None;
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((name, r, record)) => {
                records.push(record);
                match r {
                    Ok(package) => {
                        let remote = RemoteDataset {
                            package,
                            confirmed: true,
                        };
                        state.insert(name, remote);
                    }
                    Err(e) => failure = Some(e),
                }
            }
            Err(e) => {
                failure = Some(CkanError {
                    action: "package_show".into(),
                    status: None,
                    kind: ErrorKind::Unexpected,
                    message: e.to_string(),
                    attempts: 1,
                })
            }
        }
    }
    records.sort_by(|a, b| a.dataset.cmp(&b.dataset));
    (failure.map_or(Ok(state), Err), records)
}

/// `package_show` of one dataset, and its report line (`outcome` when it answers).
pub(super) async fn show(
    client: &CkanClient,
    name: &str,
    outcome: &str,
) -> (Result<Option<Map<String, Value>>, CkanError>, ActionRecord) {
    let start = Instant::now();
    let (r, attempts) = client.package_show_attempts(name).await;
    let record = ActionRecord {
        dataset: name.into(),
        action: "package_show".into(),
        outcome: if r.is_ok() { outcome } else { "failed" }.into(),
        status: match &r {
            Ok(Some(_)) => Some(200),
            Ok(None) => Some(404),
            Err(e) => e.status,
        },
        attempts,
        duration_ms: start.elapsed().as_millis() as u64,
        error: r.as_ref().err().map(|e| e.to_string()),
        cause: r.as_ref().err().map(CkanError::text),
        ..ActionRecord::default()
    };
    (r, record)
}

/// Dataset names asked about per `package_search` request. Each answer holds the whole dicts
/// of at most this many datasets, within CKAN's default `ckan.search.rows_max` (1,000).
pub const SEARCH_CHUNK: usize = 500;

/// The dicts the portal's search index holds for `names` (private and draft datasets
/// included), by name. CKAN answers each result with the `package_show` output it indexed
/// at the dataset's last write. `None` when the search fails: then every dataset is read.
async fn search(
    client: &CkanClient,
    names: &[&str],
) -> (
    Option<BTreeMap<String, Map<String, Value>>>,
    Vec<ActionRecord>,
) {
    let mut found = BTreeMap::new();
    let mut records = Vec::new();
    for chunk in names.chunks(SEARCH_CHUNK) {
        // Dataset names are CKAN names (letters, digits, `-`, `_`): quoting them is enough.
        let terms: Vec<String> = chunk.iter().map(|n| format!("\"{n}\"")).collect();
        let fq = format!("name:({})", terms.join(" OR "));
        let mut start = 0;
        loop {
            let body = json!({
                "q": "*:*",
                "fq": fq,
                "rows": chunk.len(),
                "start": start,
                "include_private": true,
                "include_drafts": true,
            });
            let began = Instant::now();
            let (r, attempts) = client
                .action_attempts("package_search", ActionBody::Json(body), Replay::Safe)
                .await;
            let results = r.as_ref().ok().and_then(|v| v.get("results")?.as_array());
            let cause = match &r {
                Ok(_) if results.is_none() => Some(crate::t!("push-no-results")),
                Ok(_) => None,
                Err(e) => Some(e.text()),
            };
            records.push(ActionRecord {
                action: "package_search".into(),
                outcome: if results.is_some() { "ok" } else { "failed" }.into(),
                status: match &r {
                    Ok(_) => Some(200),
                    Err(e) => e.status,
                },
                attempts,
                duration_ms: began.elapsed().as_millis() as u64,
                error: cause.as_ref().map(|c| c.render(crate::model::Lang::En)),
                cause,
                ..ActionRecord::default()
            });
            let Some(results) = results else {
                return (None, records);
            };
            for d in results {
                if let Some(name) = d.get("name").and_then(Value::as_str) {
                    if let (true, Value::Object(package)) = (chunk.contains(&name), d) {
                        found.insert(name.to_string(), package.clone());
                    }
                }
            }
            start += results.len();
            // More matches than one page (never more than the names asked, unless the index
            // holds a dataset twice): ask for the next page.
            let count = r
                .as_ref()
                .ok()
                .and_then(|v| v.get("count")?.as_u64())
                .unwrap_or(0);
            if results.is_empty() || start as u64 >= count {
                break;
            }
        }
    }
    (Some(found), records)
}
