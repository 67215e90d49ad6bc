//! The library's one error type. Catalogue problems are [`Diagnostic`]s, gathered in
//! [`Error::Invalid`]; the other variants are about the machine and the portal: files, folders,
//! `dist/`, settings, the network, what the portal answers or would refuse.

use crate::diagnostic::Diagnostic;
use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::PathBuf;

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The catalogue has errors; nothing was written.
    #[error("the catalogue has {} error(s); nothing was written", .0.iter().filter(|d| d.is_error()).count())]
    Invalid(Vec<Diagnostic>),
    /// A file or folder could not be read or written.
    #[error("`{}`: {source}", path.display())]
    Io {
        /// The path concerned.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The output folder exists and does not look like one we wrote.
    #[error("`{}` exists and was not written by ogp-publish (it has no manifest.json); refusing to replace it (choose another --out or remove it)", .0.display())]
    ForeignOutput(PathBuf),
    /// The output folder would overwrite or contain the catalogue.
    #[error("the output folder `{}` overlaps the catalogue `{}`; choose another --out", out.display(), catalog.display())]
    OutputOverlapsCatalog {
        /// The output folder.
        out: PathBuf,
        /// The catalogue folder.
        catalog: PathBuf,
    },
    /// The publisher names a profile we do not have.
    #[error("unknown portal profile `{0}`")]
    UnknownProfile(String),

    /// A file of `dist/` is missing or unreadable.
    #[error("`{}`: {source} (run `ogp-publish build` first)", path.display())]
    DistMissing {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// A file of `dist/` differs from what its manifest records.
    #[error("`{}` changed since the build (size or SHA-256 differs from manifest.json); run `ogp-publish build` again", .0.display())]
    DistTampered(PathBuf),
    /// A JSON file of `dist/` is not what the build writes.
    #[error("`{}` is not a file written by `ogp-publish build`: {}", .0.display(), .1)]
    DistMalformed(PathBuf, String),
    /// Another push of the same `dist/` holds its lock.
    #[error("another push of `{}` is running (pid {pid}); wait for it to finish: pushes of the same output never run at once", dist.display())]
    Locked {
        /// The output folder.
        dist: PathBuf,
        /// The process that holds the lock, as it wrote it.
        pid: String,
    },

    /// The token file cannot be read.
    #[error("cannot read the token file `{}`: {source}", path.display())]
    TokenFile {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The token file is empty.
    #[error("the token file `{}` is empty", .0.display())]
    EmptyTokenFile(PathBuf),
    /// The portal address is not an http(s) address.
    #[error("`{0}` is not an http(s) portal address")]
    BadPortalUrl(String),
    /// Plain HTTP to a host other than this machine, without `--allow-http`.
    #[error("refusing plain http:// to `{0}`: the token would travel unencrypted (use https://, or --allow-http if you accept that)")]
    PlainHttp(String),
    /// The HTTP stack could not start.
    #[error("cannot set up HTTP: {0}")]
    Http(String),
    /// The portal does not answer (`status_show` failed).
    #[error("the portal does not answer: {0}")]
    Unreachable(#[source] CkanError),
    /// `push` needs a token and none was given.
    #[error("no API token: set CKAN_API_TOKEN or pass --token-file")]
    NoToken,
    /// The token cannot create datasets in this organisation.
    #[error("the API token cannot create datasets in organisation `{0}`: check that the token is current and that its user is an editor or admin of `{0}` on the portal")]
    CannotWrite(String),
    /// A request to the portal failed before any write (a permission check, the schema, the
    /// snapshot of the datasets).
    #[error("cannot read the portal: {0}")]
    Portal(#[source] CkanError),
    /// The portal would refuse or lose values of `dist/`.
    #[error("the portal would refuse or lose what `dist/` holds; nothing was written:\n{}", .0.iter().map(|m| format!("  - {m}")).collect::<Vec<_>>().join("\n"))]
    PortalMismatch(Vec<Mismatch>),
}

impl Error {
    /// True for an invalid catalogue (exit code 1); every other error is trouble with files,
    /// settings, the network or the portal (exit code 2).
    pub fn is_invalid_catalog(&self) -> bool {
        matches!(self, Error::Invalid(_))
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

impl fmt::Display for CkanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`", self.action)?;
        if let Some(s) = self.status {
            write!(f, " (HTTP {s})")?;
        }
        match &self.kind {
            ErrorKind::Validation(fields) => {
                f.write_str(": the portal rejected ")?;
                let parts: Vec<String> = fields
                    .iter()
                    .map(|(k, v)| format!("`{k}`: {}", v.join("; ")))
                    .collect();
                f.write_str(&parts.join(", "))
            }
            ErrorKind::Authorization => write!(f, ": not authorised: {}", self.message),
            ErrorKind::NotFound => write!(f, ": not found"),
            ErrorKind::Other(t) => write!(f, ": {t}: {}", self.message),
            ErrorKind::Transport | ErrorKind::Unexpected => write!(f, ": {}", self.message),
        }?;
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        Ok(())
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

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "dataset `{}`", self.dataset)?;
        if let Some(r) = &self.resource {
            write!(f, ", resource `{r}`")?;
        }
        let value = self.value.as_deref().unwrap_or_default();
        match &self.problem {
            Problem::Missing => write!(
                f,
                ": the portal requires `{}` and it is missing (set it under `[dataset]` in publisher.toml or plan.toml)",
                self.field
            ),
            Problem::NotAChoice(allowed) => write!(
                f,
                ": `{}` = `{value}` is not accepted by the portal; allowed: {}",
                self.field,
                allowed.join(", ")
            ),
            Problem::NotAnEmail => write!(
                f,
                ": `{}` = `{value}` is not an e-mail address the portal accepts",
                self.field
            ),
            Problem::NotANaturalNumber => write!(
                f,
                ": `{}` = `{value}` is not a whole number of zero or more",
                self.field
            ),
            Problem::UnknownField => write!(
                f,
                ": the portal's schema has no field `{}`: it would drop `{value}`, and every push would find it changed (choose the profile of this portal, or ask the portal team to add the field)",
                self.field
            ),
            Problem::NoSuchOrganization => write!(
                f,
                ": the organisation `{value}` does not exist on the portal (check `[organization] name` in publisher.toml against the portal's organisation address)"
            ),
            Problem::NoSuchGroup => write!(
                f,
                ": the group `{value}` does not exist on the portal (check `groups` against the portal's group list)"
            ),
        }
    }
}
