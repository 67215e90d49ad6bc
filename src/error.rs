//! The errors the library returns. Catalogue problems are [`Diagnostic`]s, gathered in
//! [`Error::Invalid`]; the other variants are about the machine: files, folders, settings.

use crate::diagnostic::Diagnostic;
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
