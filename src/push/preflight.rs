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
    if let Some(org) = org_not_allowed(client, local, "create_dataset").await? {
        return Err(Error::CannotWrite(org));
    }
    Ok(status)
}

/// For `diff` with a token: the token must be one the portal knows, with at least read rights
/// in every organisation of the datasets. CKAN reads a token it does not know as no token at
/// all, so without this check a wrong token gives the anonymous plan, where a private dataset
/// looks missing.
pub async fn check_read_token(client: &CkanClient, local: &[LocalDataset]) -> Result<(), Error> {
    match org_not_allowed(client, local, "read").await? {
        Some(org) => Err(Error::CannotRead(org)),
        None => Ok(()),
    }
}

/// The first organisation of the datasets in which the token lacks `permission`
/// (`organization_list_for_user`), if any.
async fn org_not_allowed(
    client: &CkanClient,
    local: &[LocalDataset],
    permission: &str,
) -> Result<Option<String>, Error> {
    let orgs: BTreeSet<&str> = local
        .iter()
        .filter_map(|d| d.package.get("owner_org").and_then(Value::as_str))
        .collect();
    let allowed = client
        .action(
            "organization_list_for_user",
            ActionBody::Json(json!({ "permission": permission })),
            Replay::Safe,
        )
        .await;
    let allowed = match allowed {
        Ok(v) => v,
        Err(e) if e.is_auth() => {
            return Ok(Some(
                orgs.iter().next().copied().unwrap_or_default().to_string(),
            ))
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
    Ok(orgs
        .iter()
        .find(|o| !names.contains(*o))
        .map(|o| o.to_string()))
}
