//! Before any write: the portal answers and the token may create datasets in each
//! organisation.

use super::LocalDataset;
use crate::ckan::client::{ActionBody, CkanClient, Replay};
use crate::error::Error;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Checks, before any write, that the portal answers and that the token may create datasets
/// in every organisation the datasets belong to.
pub async fn preflight(
    client: &CkanClient,
    local: &[LocalDataset],
    has_token: bool,
) -> Result<crate::ckan::api::Status, Error> {
    let status = client.status_show().await.map_err(Error::Unreachable)?;
    if !has_token {
        return Err(Error::NoToken);
    }
    let orgs: BTreeSet<&str> = local
        .iter()
        .filter_map(|d| d.package.get("owner_org").and_then(Value::as_str))
        .collect();
    let allowed = client
        .action(
            "organization_list_for_user",
            ActionBody::Json(json!({ "permission": "create_dataset" })),
            Replay::Safe,
        )
        .await;
    let allowed = match allowed {
        Ok(v) => v,
        Err(e) if e.is_auth() => {
            let first = orgs.iter().next().copied().unwrap_or_default();
            return Err(Error::CannotWrite(first.to_string()));
        }
        Err(e) => return Err(Error::Portal(e)),
    };
    let names: BTreeSet<&str> = allowed
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|o| [o.get("name"), o.get("id")])
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if let Some(org) = orgs.iter().find(|o| !names.contains(*o)) {
        return Err(Error::CannotWrite(org.to_string()));
    }
    Ok(status)
}
