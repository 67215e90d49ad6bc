//! The catalogue folder as a sandbox: every file is read through a [`Sandbox`], which refuses a
//! path that resolves (through symbolic links or `..`) outside the catalogue.

use super::source::{self, DecodeError};
use crate::diagnostic::{Code, Diagnostic, Pos};
use std::path::{Component, Path, PathBuf};

/// Where reading may go: the catalogue folder, resolved, and a folder already known to resolve
/// inside it. Passed by value to every reader; it holds no state of its own.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Sandbox<'a> {
    /// The catalogue folder, resolved; `None` when it could not be resolved (it does not
    /// exist), and then no path is judged outside.
    root: Option<&'a Path>,
    /// A folder known to resolve inside the catalogue: an entry of it that is not a symbolic
    /// link is inside too, without resolving it again (one `canonicalize` less per file).
    inside: Option<&'a Path>,
}

impl<'a> Sandbox<'a> {
    /// The sandbox of the catalogue whose folder resolves to `root`.
    pub(crate) fn new(root: Option<&'a Path>) -> Self {
        Sandbox { root, inside: None }
    }

    /// The same sandbox, knowing that `dir` (when given) resolves inside it.
    pub(crate) fn knowing(self, dir: Option<&'a Path>) -> Self {
        Sandbox {
            inside: dir,
            ..self
        }
    }

    /// True when `path` is an entry, not a symbolic link, of the folder known to be inside.
    fn plain_entry_inside(&self, path: &Path) -> bool {
        self.inside.is_some_and(|d| path.parent() == Some(d))
            && std::fs::symlink_metadata(path).is_ok_and(|m| !m.file_type().is_symlink())
    }

    /// An error when `path` resolves outside the catalogue.
    pub(crate) fn outside(&self, path: &Path) -> Option<Diagnostic> {
        let root = self.root?;
        if self.plain_entry_inside(path) {
            return None;
        }
        let resolved = std::fs::canonicalize(path)
            .ok()
            .or_else(|| dangling_target(path))?;
        (!resolved.starts_with(root)).then(|| {
            Diagnostic::error(
                Code::PathOutsideCatalog,
                path,
                Pos::START,
                crate::t!("load-outside", target = resolved.display()),
            )
            .hint(crate::t!("load-outside-hint"))
        })
    }

    /// Reads a file of the catalogue as bytes (a workbook); reports a file outside the
    /// catalogue and a missing or unreadable file.
    pub(crate) fn read_bytes(&self, path: &Path, diags: &mut Vec<Diagnostic>) -> Option<Vec<u8>> {
        if let Some(d) = self.outside(path) {
            diags.push(d);
            return None;
        }
        std::fs::read(path)
            .map_err(|e| diags.push(unreadable(path, &e)))
            .ok()
    }

    /// Reads a file of the catalogue as UTF-8 text; reports a file outside the catalogue, a
    /// missing or unreadable file, and one that is not UTF-8.
    pub(crate) fn read_text(&self, path: &Path, diags: &mut Vec<Diagnostic>) -> Option<String> {
        if let Some(d) = self.outside(path) {
            diags.push(d);
            return None;
        }
        let decoded = match source::read_utf8_file(path) {
            Ok(d) => d,
            Err(e) => {
                diags.push(unreadable(path, &e));
                return None;
            }
        };
        match decoded {
            Ok(text) => Some(text),
            Err(DecodeError::Utf16) => {
                diags.push(
                    Diagnostic::error(Code::InvalidUtf8, path, Pos::START, crate::t!("load-utf16"))
                        .hint(crate::t!("load-utf16-hint")),
                );
                None
            }
            Err(DecodeError::InvalidUtf8(pos)) => {
                // « CSV UTF-8 » is a spreadsheet's choice: a TOML or JSON file is saved as UTF-8
                // text.
                let kind = if path.extension().is_some_and(|e| e == "csv") {
                    "csv"
                } else {
                    "text"
                };
                diags.push(
                    Diagnostic::error(Code::InvalidUtf8, path, pos, crate::t!("load-not-utf8"))
                        .hint(crate::t!("load-not-utf8-hint", kind = kind)),
                );
                None
            }
        }
    }
}

/// Where a symbolic link whose target does not exist points, resolved as far as it can be.
fn dangling_target(path: &Path) -> Option<PathBuf> {
    let target = std::fs::read_link(path).ok()?;
    let parent = std::fs::canonicalize(path.parent()?).ok()?;
    let mut out = PathBuf::new();
    for c in parent.join(target).components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    Some(out)
}

/// The error for a catalogue file that is missing or cannot be read.
fn unreadable(path: &Path, e: &std::io::Error) -> Diagnostic {
    // ELOOP: the system's message for a link that leads back to itself.
    const LINK_LOOP: i32 = 40;
    let message = match e.kind() {
        std::io::ErrorKind::NotFound => crate::t!("load-file-missing"),
        std::io::ErrorKind::IsADirectory => crate::t!("load-file-is-folder"),
        std::io::ErrorKind::PermissionDenied => crate::t!("load-file-denied"),
        _ if e.raw_os_error() == Some(LINK_LOOP) => crate::t!("load-file-link-loop"),
        _ => crate::t!("load-file-unreadable", cause = e.to_string()),
    };
    let hint = if path.ends_with("publisher.toml") {
        crate::t!("load-file-missing-publisher-hint")
    } else {
        crate::t!("load-file-missing-plan-hint")
    };
    Diagnostic::error(Code::MissingFile, path, Pos::START, message).hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Entries of a folder known to be inside are judged as the full resolution judges them:
    /// plain files, missing ones, links inside, outside, dangling or looping.
    #[cfg(unix)]
    #[test]
    fn entries_of_a_folder_inside_are_judged_as_resolved() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path();
        let (root, out) = (base.join("catalog"), base.join("elsewhere"));
        let plan = root.join("plans/p1");
        std::fs::create_dir_all(&plan).unwrap();
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(plan.join("plan.toml"), "").unwrap();
        std::fs::write(root.join("publisher.toml"), "").unwrap();
        std::fs::write(out.join("x.csv"), "").unwrap();
        symlink(root.join("publisher.toml"), plan.join("inside.csv")).unwrap();
        symlink(out.join("x.csv"), plan.join("outside.csv")).unwrap();
        symlink("../../../elsewhere/none.csv", plan.join("dangling.csv")).unwrap();
        symlink("loop.csv", plan.join("loop.csv")).unwrap();
        symlink(&out, plan.join("sub")).unwrap();
        let resolved = std::fs::canonicalize(&root).ok();
        for name in [
            "plan.toml",
            "missing.csv",
            "inside.csv",
            "outside.csv",
            "dangling.csv",
            "loop.csv",
            "sub",
        ] {
            let path = plan.join(name);
            let message = |d: Option<Diagnostic>| d.map(|d| d.message);
            let sandbox = Sandbox::new(resolved.as_deref());
            let full = message(sandbox.outside(&path));
            let fast = message(sandbox.knowing(Some(&plan)).outside(&path));
            assert_eq!(fast, full, "{name}");
            assert_eq!(
                full.is_some(),
                ["outside.csv", "dangling.csv", "sub"].contains(&name),
                "{name}"
            );
        }
    }
}
