//! Wire types of the CKAN Action API: the `{success, result, error}` envelope, errors, and the
//! few typed results we read. Packages stay JSON maps: their keys depend on the portal's schema.

use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The envelope every action answers with (except some 400s, whose body is a bare string).
#[derive(Debug, Deserialize)]
pub struct Envelope {
    /// True when the action succeeded.
    pub success: bool,
    /// The result on success.
    #[serde(default)]
    pub result: Option<Value>,
    /// The error on failure.
    #[serde(default)]
    pub error: Option<Value>,
}

pub use crate::error::{CkanError, ErrorKind};

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Decodes an answer body into the result or a [`CkanError`].
///
/// Handles the envelope, error objects with field errors beside `__type`, and bare-string 400
/// bodies. Anything else becomes [`ErrorKind::Unexpected`] with the start of the body.
pub fn decode(action: &str, status: u16, body: &[u8]) -> Result<Value, CkanError> {
    let err = |kind, message: String| CkanError {
        action: action.to_string(),
        status: Some(status),
        kind,
        message,
        attempts: 1,
    };
    let parsed: Result<Value, _> = serde_json::from_slice(body);
    let value = match parsed {
        Ok(v) => v,
        Err(_) => {
            let snippet: String = String::from_utf8_lossy(body).chars().take(200).collect();
            return Err(err(
                ErrorKind::Unexpected,
                format!("the answer is not CKAN JSON: {:?}", snippet.trim()),
            ));
        }
    };
    if let Value::String(s) = &value {
        return Err(err(ErrorKind::Other("Bad request".into()), s.clone()));
    }
    let envelope: Envelope = match serde_json::from_value(value) {
        Ok(e) => e,
        Err(e) => {
            return Err(err(
                ErrorKind::Unexpected,
                format!("the answer is JSON but not a CKAN envelope: {e}"),
            ))
        }
    };
    if envelope.success && (200..300).contains(&status) {
        return Ok(envelope.result.unwrap_or(Value::Null));
    }
    let error = envelope.error.unwrap_or(Value::Null);
    let obj: Map<String, Value> = match error {
        Value::Object(o) => o,
        other => return Err(err(ErrorKind::Other("Error".into()), text_of(&other))),
    };
    let kind_name = obj.get("__type").map(text_of).unwrap_or_default();
    let message = obj.get("message").map(text_of).unwrap_or_default();
    let kind = match (kind_name.as_str(), status) {
        ("Validation Error", _) | (_, 409) => {
            // Field errors sit beside `__type`, or (CKAN 2.9's `package_revise`) inside
            // `message` as a list of objects: `{"message": [{"match": [...]}]}`.
            let nested = match obj.get("message") {
                Some(Value::Array(items)) => items.iter().filter_map(Value::as_object).collect(),
                Some(Value::Object(o)) => vec![o],
                _ => Vec::new(),
            };
            let mut fields = BTreeMap::new();
            for (k, v) in nested.into_iter().flatten().chain(&obj) {
                if k == "__type" || k == "message" {
                    continue;
                }
                let msgs = match v {
                    Value::Array(a) => a.iter().map(text_of).collect(),
                    other => vec![text_of(other)],
                };
                fields.insert(k.clone(), msgs);
            }
            ErrorKind::Validation(fields)
        }
        ("Authorization Error", _) | (_, 401) | (_, 403) => ErrorKind::Authorization,
        ("Not Found Error", _) | (_, 404) => ErrorKind::NotFound,
        (other, _) => ErrorKind::Other(other.to_string()),
    };
    Err(err(kind, message))
}

/// The part of `status_show` we read.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Status {
    /// e.g. `2.11.6`.
    pub ckan_version: String,
    /// The portal's public address.
    #[serde(default)]
    pub site_url: String,
    /// Loaded plugins.
    #[serde(default)]
    pub extensions: Vec<String>,
}

impl Status {
    /// True when the portal has `package_revise` (CKAN 2.9 and later). A version that does not
    /// read as `MAJOR.MINOR…` counts as recent: should the action be missing after all, the
    /// portal says so and the client falls back.
    pub fn has_package_revise(&self) -> bool {
        let mut parts = self.ckan_version.split('.').map(|p| {
            let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<u32>().ok()
        });
        match (parts.next().flatten(), parts.next().flatten()) {
            (Some(major), Some(minor)) => (major, minor) >= (2, 9),
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_revise_match_is_recognised_in_the_shape_of_every_version() {
        // CKAN 2.10-2.12 put the field beside `__type`; 2.9 wraps it in `message` (both seen
        // on the harness's servers).
        for body in [
            r#"{"success": false, "error": {"__type": "Validation Error", "match": ["metadata_modified"]}}"#,
            r#"{"success": false, "error": {"__type": "Validation Error", "message": [{"match": ["metadata_modified"]}]}}"#,
        ] {
            let e = decode("package_revise", 409, body.as_bytes()).unwrap_err();
            assert!(e.is_refused_match(), "{body}: {e:?}");
        }
    }

    #[test]
    fn decodes_success() {
        let v = decode(
            "status_show",
            200,
            br#"{"help":"h","success":true,"result":{"a":1}}"#,
        );
        assert_eq!(v, Ok(serde_json::json!({"a": 1})));
    }

    #[test]
    fn decodes_validation_fields() {
        let e = decode(
            "package_create",
            409,
            br#"{"success":false,"error":{"__type":"Validation Error","name":["That URL is already in use."]}}"#,
        )
        .unwrap_err();
        assert!(e.has_field_error("name", "already in use"));
        assert_eq!(
            e.to_string(),
            "`package_create` (HTTP 409): the portal rejected `name`: That URL is already in use."
        );
    }

    #[test]
    fn decodes_bare_string_400() {
        let e = decode(
            "nope",
            400,
            br#""Bad request - Action name not known: nope""#,
        )
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Other("Bad request".into()));
        assert!(e.message.contains("not known"));
        assert!(e.is_unknown_action() && !e.is_refused_match());
    }

    #[test]
    fn decodes_authorization_and_not_found() {
        let a = decode("x", 403, br#"{"success":false,"error":{"__type":"Authorization Error","message":"Access denied"}}"#);
        assert!(a.unwrap_err().is_auth());
        let n = decode(
            "x",
            404,
            br#"{"success":false,"error":{"__type":"Not Found Error","message":"Not found"}}"#,
        );
        assert_eq!(n.unwrap_err().kind, ErrorKind::NotFound);
    }

    #[test]
    fn a_refused_match_is_told_from_other_validation_errors() {
        let stale = decode(
            "package_revise",
            409,
            br#"{"success":false,"error":{"__type":"Validation Error","match":["metadata_modified"]}}"#,
        )
        .unwrap_err();
        assert!(stale.is_refused_match() && !stale.is_unknown_action());
        let other = decode(
            "package_revise",
            409,
            br#"{"success":false,"error":{"__type":"Validation Error","upload":["File upload too large"]}}"#,
        )
        .unwrap_err();
        assert!(!other.is_refused_match() && !other.is_unknown_action());
    }

    #[test]
    fn package_revise_exists_from_ckan_2_9() {
        let has = |v: &str| {
            Status {
                ckan_version: v.into(),
                site_url: String::new(),
                extensions: Vec::new(),
            }
            .has_package_revise()
        };
        assert!(!has("2.8.12"));
        assert!(!has("1.9"));
        assert!(has("2.9.0"));
        assert!(has("2.11.6"));
        assert!(has("2.12.0a0"));
        assert!(has("3.0"));
        assert!(has("unknown"));
    }

    #[test]
    fn html_and_truncated_bodies_are_unexpected() {
        let h = decode("x", 502, b"<html><body>Bad Gateway</body></html>").unwrap_err();
        assert_eq!(h.kind, ErrorKind::Unexpected);
        let t = decode("x", 200, br#"{"success":true,"result":{"na"#).unwrap_err();
        assert_eq!(t.kind, ErrorKind::Unexpected);
    }
}
