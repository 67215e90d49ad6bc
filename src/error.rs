//! The library's one error type. Catalogue problems are [`Diagnostic`](crate::Diagnostic)s,
//! counted in [`Error::Invalid`]; the other variants are about the machine and the portal:
//! files, folders, `dist/`, settings, the network, what the portal answers or would refuse.

use crate::diagnostic::Diagnostics;
use crate::i18n::{Lang, Text};
use crate::t;
use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::PathBuf;

/// Everything that can stop a command.
#[derive(Debug)]
pub enum Error {
    /// The catalogue has errors; nothing was written.
    Invalid(Diagnostics),
    /// A file or folder could not be read or written.
    Io {
        /// The path concerned.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The output folder exists and does not look like one we wrote.
    ForeignOutput(PathBuf),
    /// The output folder would overwrite or contain the catalogue.
    OutputOverlapsCatalog {
        /// The output folder.
        out: PathBuf,
        /// The catalogue folder.
        catalog: PathBuf,
    },
    /// The publisher names a profile we do not have.
    UnknownProfile(String),

    /// A file of `dist/` is missing or unreadable.
    DistMissing {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// A file of `dist/` differs from what its manifest records.
    DistTampered(PathBuf),
    /// A JSON file of `dist/` is not what the build writes.
    DistMalformed(PathBuf, Text),
    /// Another push of the same `dist/` holds its lock.
    Locked {
        /// The output folder.
        dist: PathBuf,
        /// The process that holds the lock, as it wrote it.
        pid: String,
    },

    /// The token file cannot be read.
    TokenFile {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The token file is empty.
    EmptyTokenFile(PathBuf),
    /// The portal address is not an http(s) address.
    BadPortalUrl(String),
    /// Plain HTTP to a host other than this machine, without `--allow-http`.
    PlainHttp(String),
    /// The HTTP stack could not start.
    Http(String),
    /// The portal does not answer (`status_show` failed).
    Unreachable(CkanError),
    /// `push` needs a token and none was given.
    NoToken,
    /// The token cannot create datasets in this organisation.
    CannotWrite(String),
    /// `diff` was given a token the portal does not know, or one without read rights in
    /// this organisation.
    CannotRead(String),
    /// A request to the portal failed before any write (a permission check, the schema, the
    /// snapshot of the datasets).
    Portal(CkanError),
    /// The portal would refuse or lose values of `dist/`.
    PortalMismatch(Vec<Mismatch>),
}

impl Error {
    /// What went wrong, to be written in the reader's language.
    pub fn text(&self) -> Text {
        let path = |p: &PathBuf| p.display().to_string();
        match self {
            Error::Invalid(d) => t!("error-invalid", count = d.errors()),
            Error::Io { path: p, source } => {
                t!("error-io", path = path(p), cause = source.to_string())
            }
            Error::ForeignOutput(p) => t!("error-foreign-output", path = path(p)),
            Error::OutputOverlapsCatalog { out, catalog } => t!(
                "error-output-overlaps",
                out = path(out),
                catalog = path(catalog)
            ),
            Error::UnknownProfile(name) => t!("error-unknown-profile", name = name),
            Error::DistMissing { path: p, source } => {
                t!(
                    "error-dist-missing",
                    path = path(p),
                    cause = source.to_string()
                )
            }
            Error::DistTampered(p) => t!("error-dist-tampered", path = path(p)),
            Error::DistMalformed(p, why) => {
                t!("error-dist-malformed", path = path(p), cause = why.clone())
            }
            Error::Locked { dist, pid } => t!("error-locked", dist = path(dist), pid = pid),
            Error::TokenFile { path: p, source } => {
                t!(
                    "error-token-file",
                    path = path(p),
                    cause = source.to_string()
                )
            }
            Error::EmptyTokenFile(p) => t!("error-empty-token-file", path = path(p)),
            Error::BadPortalUrl(url) => t!("error-bad-portal-url", url = url),
            Error::PlainHttp(host) => t!("error-plain-http", host = host),
            Error::Http(why) => t!("error-http", cause = why),
            Error::Unreachable(e) => t!("error-unreachable", cause = e.text()),
            Error::NoToken => t!("error-no-token"),
            Error::CannotWrite(org) => t!("error-cannot-write", org = org),
            Error::CannotRead(org) => t!("error-cannot-read", org = org),
            Error::Portal(e) => t!("error-portal", cause = e.text()),
            Error::PortalMismatch(list) => {
                let mut all = t!("error-portal-mismatch");
                for m in list {
                    all = t!("error-list-item", list = all, item = m.text());
                }
                all
            }
        }
    }

    /// True for an invalid catalogue (exit code 1); every other error is trouble with files,
    /// settings, the network or the portal (exit code 2).
    pub fn is_invalid_catalog(&self) -> bool {
        matches!(self, Error::Invalid(_))
    }
}

impl fmt::Display for Error {
    /// [`Error::text`] in English.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text().render(Lang::En))
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. }
            | Error::DistMissing { source, .. }
            | Error::TokenFile { source, .. } => Some(source),
            Error::Unreachable(e) | Error::Portal(e) => Some(e),
            _ => None,
        }
    }
}

/// Adds the path to an I/O error.
pub(crate) trait IoContext<T> {
    fn at(self, path: &std::path::Path) -> Result<T, Error>;
}

impl<T> IoContext<T> for io::Result<T> {
    fn at(self, path: &std::path::Path) -> Result<T, Error> {
        self.map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
    }
}

/// What kind of failure CKAN reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// 409 `Validation Error`: field → messages.
    Validation(BTreeMap<String, Vec<String>>),
    /// 403 `Authorization Error` (or 401).
    Authorization,
    /// 404 `Not Found Error`.
    NotFound,
    /// Another `__type` sent by CKAN, e.g. `Search Index Error`.
    Other(String),
    /// The connection failed or timed out before an answer arrived.
    Transport,
    /// An answer that is not the CKAN envelope (a proxy's HTML page, truncated JSON…).
    Unexpected,
}

/// A failed action, with everything needed to explain it — never the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CkanError {
    /// The action, e.g. `package_create`.
    pub action: String,
    /// HTTP status, when an answer arrived.
    pub status: Option<u16>,
    /// What kind of failure.
    pub kind: ErrorKind,
    /// CKAN's message, or a description of the transport problem.
    pub message: String,
    /// How many times the request was sent.
    pub attempts: u32,
}

impl CkanError {
    /// True for 409 validation errors whose fields include `field`.
    pub fn has_field_error(&self, field: &str, needle: &str) -> bool {
        matches!(&self.kind, ErrorKind::Validation(f) if f.get(field).is_some_and(|m| m.iter().any(|s| s.contains(needle))))
    }

    /// True for 401/403.
    pub fn is_auth(&self) -> bool {
        self.kind == ErrorKind::Authorization
    }

    /// True when the portal does not know the action (CKAN answers 400 with the bare string
    /// `"Bad request - Action name not known: …"`), e.g. `package_revise` before CKAN 2.9.
    pub fn is_unknown_action(&self) -> bool {
        matches!(&self.kind, ErrorKind::Other(t) if t == "Bad request")
            && self.message.contains("Action name not known")
    }

    /// True when `package_revise` refused its `match`: the dataset differs from the values it
    /// was told to expect (409 `{"match": ["metadata_modified"]}`), so it changed since read.
    pub fn is_refused_match(&self) -> bool {
        matches!(&self.kind, ErrorKind::Validation(f) if f.contains_key("match"))
    }
}

impl CkanError {
    /// What failed, to be written in the reader's language. CKAN's own messages stay as the
    /// portal wrote them.
    pub fn text(&self) -> Text {
        let what = match &self.kind {
            ErrorKind::Validation(fields) => {
                let parts: Vec<String> = fields
                    .iter()
                    .map(|(k, v)| format!("`{k}`: {}", v.join("; ")))
                    .collect();
                t!("ckan-rejected", fields = parts.join(", "))
            }
            ErrorKind::Authorization => t!("ckan-not-authorised", message = &self.message),
            ErrorKind::NotFound => t!("ckan-not-found"),
            ErrorKind::Other(kind) => t!("ckan-other", kind = kind, message = &self.message),
            ErrorKind::Transport | ErrorKind::Unexpected => {
                t!("ckan-transport", message = &self.message)
            }
        };
        t!(
            "ckan-error",
            action = &self.action,
            status = self.status.map_or("none".to_string(), |s| s.to_string()),
            what = what,
            attempts = self.attempts
        )
    }
}

impl fmt::Display for CkanError {
    /// [`CkanError::text`] in English.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text().render(Lang::En))
    }
}

impl std::error::Error for CkanError {}

/// What is wrong with one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The portal requires the field and the dict has no value.
    Missing,
    /// The value is not among the portal's choices.
    NotAChoice(Vec<String>),
    /// The value is not an e-mail address the portal accepts.
    NotAnEmail,
    /// The value is not a natural number.
    NotANaturalNumber,
    /// The portal's schema has no such field: it would drop the value, and every later push
    /// would find it changed.
    UnknownField,
    /// The organisation does not exist on the portal.
    NoSuchOrganization,
    /// The group does not exist on the portal.
    NoSuchGroup,
}

/// A value the portal would refuse or lose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// Dataset name.
    pub dataset: String,
    /// Resource key (file name), for a resource field.
    pub resource: Option<String>,
    /// The field.
    pub field: String,
    /// The value sent, as text (`None` when missing).
    pub value: Option<String>,
    /// What is wrong.
    pub problem: Problem,
}

impl Mismatch {
    /// What the portal would refuse or lose, to be written in the reader's language.
    pub fn text(&self) -> Text {
        let value = self.value.as_deref().unwrap_or_default();
        let field = self.field.as_str();
        let problem = match &self.problem {
            Problem::Missing => t!("mismatch-missing", field = field),
            Problem::NotAChoice(allowed) => t!(
                "mismatch-not-a-choice",
                field = field,
                value = value,
                allowed = allowed.join(", ")
            ),
            Problem::NotAnEmail => t!("mismatch-not-an-email", field = field, value = value),
            Problem::NotANaturalNumber => {
                t!(
                    "mismatch-not-a-natural-number",
                    field = field,
                    value = value
                )
            }
            Problem::UnknownField => t!("mismatch-unknown-field", field = field, value = value),
            Problem::NoSuchOrganization => t!("mismatch-no-such-organization", value = value),
            Problem::NoSuchGroup => t!("mismatch-no-such-group", value = value),
        };
        match &self.resource {
            Some(r) => t!(
                "mismatch-resource",
                dataset = &self.dataset,
                resource = r,
                problem = problem
            ),
            None => t!(
                "mismatch-dataset",
                dataset = &self.dataset,
                problem = problem
            ),
        }
    }
}

impl fmt::Display for Mismatch {
    /// [`Mismatch::text`] in English.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text().render(Lang::En))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ckan(status: Option<u16>, kind: ErrorKind, attempts: u32) -> CkanError {
        CkanError {
            action: "package_revise".into(),
            status,
            kind,
            message: "Access denied".into(),
            attempts,
        }
    }

    #[test]
    fn portal_errors_read_the_same_in_english_and_have_a_french_form() {
        let fields = BTreeMap::from([("name".to_string(), vec!["taken".to_string()])]);
        let e = ckan(Some(409), ErrorKind::Validation(fields), 1);
        assert_eq!(
            e.to_string(),
            "`package_revise` (HTTP 409): the portal rejected `name`: taken"
        );
        let e = ckan(None, ErrorKind::Transport, 3);
        assert_eq!(
            e.to_string(),
            "`package_revise`: Access denied (after 3 attempts)"
        );
        assert_eq!(
            e.text().render(Lang::Fr),
            "`package_revise`\u{a0}: Access denied (après 3 tentatives)"
        );
        let m = |dataset: &str| Mismatch {
            dataset: dataset.into(),
            resource: None,
            field: "license_id".into(),
            value: Some("x".into()),
            problem: Problem::NotAnEmail,
        };
        let e = Error::PortalMismatch(vec![m("a"), m("b")]);
        assert_eq!(
            e.to_string(),
            "the portal would refuse or lose what `dist/` holds; nothing was written:\n  - dataset `a`: `license_id` = `x` is not an e-mail address the portal accepts\n  - dataset `b`: `license_id` = `x` is not an e-mail address the portal accepts"
        );
        let fr = e.text().render(Lang::Fr);
        assert!(
            fr.contains("\n  - jeu de données `b`\u{a0}: `license_id`"),
            "{fr}"
        );
        assert_eq!(
            Error::Invalid(Diagnostics::new()).text().render(Lang::En),
            "the catalogue has 0 errors; nothing was written"
        );
    }
}
