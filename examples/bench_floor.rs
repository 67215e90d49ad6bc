//! The I/O floor for the build benchmark: reads every file of a catalogue and writes a given
//! number of bytes, doing nothing else. `ogp-publish build` can never beat it on the same
//! machine, so the ratio between the two says how much of the build is work beyond I/O.
//!
//! ```sh
//! cargo run --release --example bench_floor -- CATALOG OUT BYTES [--files N] [--hash]
//! cargo run --release --example bench_floor -- CATALOG OUT --like LISTING [--hash]
//! ```
//!
//! - every regular file under `CATALOG` is read to the end in 256 KiB blocks (nothing parsed);
//! - `BYTES` bytes are written under `OUT` (created; replaced only when this program wrote it),
//!   split over `N` files (default 1) so that the number of files created can match the build's,
//!   in 256 KiB `write` calls, without fsync (the build does not fsync either). The blocks hold
//!   the catalogue's first bytes, not zeros;
//! - with `--like LISTING` instead of `BYTES`/`--files`, the files named in `LISTING` (lines
//!   `SIZE<TAB>RELATIVE/PATH`, as `find OUT -type f -printf '%s\t%P\n'` prints them for a
//!   build's output) are written with those sizes: the same tree of folders and files the build
//!   creates, so creating folders is in the floor too;
//! - with `--hash`, every byte written also goes through SHA-256 (what the build must do for its
//!   manifest), giving a second reference: "I/O + hashing".
//!
//! It prints one line: bytes read, files read, bytes written, files written.

use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const BLOCK: usize = 256 * 1024;
const MARKER: &str = ".bench-floor";

struct Args {
    catalog: PathBuf,
    out: PathBuf,
    /// What to write: relative path and size of each file, in order.
    plan: Vec<(PathBuf, u64)>,
    hash: bool,
}

fn parse_args() -> Result<Args, String> {
    let usage = "usage: bench_floor CATALOG OUT (BYTES [--files N] | --like LISTING) [--hash]";
    let mut positional = Vec::new();
    let (mut files, mut hash, mut like) = (1u64, false, None::<PathBuf>);
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--files" => {
                files = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|n| *n > 0)
                    .ok_or(usage)?;
            }
            "--hash" => hash = true,
            "--like" => like = Some(it.next().ok_or(usage)?.into()),
            "-h" | "--help" => return Err(usage.into()),
            _ => positional.push(a),
        }
    }
    let plan = match (like, positional.len()) {
        (Some(listing), 2) => {
            let text =
                fs::read_to_string(&listing).map_err(|e| format!("{}: {e}", listing.display()))?;
            text.lines()
                .enumerate()
                .map(|(i, line)| {
                    let bad = || format!("{}:{}: expected SIZE<TAB>PATH", listing.display(), i + 1);
                    let (size, rel) = line.split_once('\t').ok_or_else(bad)?;
                    let rel = PathBuf::from(rel);
                    // Only plain relative paths: the floor writes under OUT and nowhere else.
                    if rel
                        .components()
                        .any(|c| !matches!(c, std::path::Component::Normal(_)))
                    {
                        return Err(bad());
                    }
                    Ok((rel, size.parse().map_err(|_| bad())?))
                })
                .collect::<Result<Vec<_>, String>>()?
        }
        (None, 3) => {
            let bytes: u64 = positional[2].parse().map_err(|_| usage)?;
            let per_file = bytes / files;
            (0..files)
                .map(|i| {
                    let size = if i + 1 == files {
                        bytes - per_file * (files - 1)
                    } else {
                        per_file
                    };
                    (PathBuf::from(format!("{i:06}.out")), size)
                })
                .collect()
        }
        _ => return Err(usage.into()),
    };
    Ok(Args {
        catalog: positional[0].clone().into(),
        out: positional[1].clone().into(),
        plan,
        hash,
    })
}

/// Every regular file under `dir`, sorted.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let t = e.file_type()?;
        if t.is_dir() {
            walk(&e.path(), out)?;
        } else if t.is_file() {
            out.push(e.path());
        }
    }
    Ok(())
}

fn run(args: &Args) -> Result<String, String> {
    let at = |p: &Path| {
        let p = p.display().to_string();
        move |e: io::Error| format!("{p}: {e}")
    };
    // Read.
    let mut inputs = Vec::new();
    walk(&args.catalog, &mut inputs).map_err(at(&args.catalog))?;
    let mut block = vec![0u8; BLOCK];
    let mut content = Vec::with_capacity(BLOCK);
    let mut read = 0u64;
    for path in &inputs {
        let mut f = File::open(path).map_err(at(path))?;
        loop {
            let n = f.read(&mut block).map_err(at(path))?;
            if n == 0 {
                break;
            }
            read += n as u64;
            if content.len() < BLOCK {
                let take = (BLOCK - content.len()).min(n);
                content.extend_from_slice(&block[..take]);
            }
        }
    }
    if content.is_empty() {
        content.push(b'\n');
    }
    while content.len() < BLOCK {
        let more = content[..(BLOCK - content.len()).min(content.len())].to_vec();
        content.extend_from_slice(&more);
    }

    // Write.
    if args.out.exists() {
        if !args.out.join(MARKER).is_file() {
            return Err(format!(
                "{} exists and was not written by bench_floor",
                args.out.display()
            ));
        }
        fs::remove_dir_all(&args.out).map_err(at(&args.out))?;
    }
    fs::create_dir_all(&args.out).map_err(at(&args.out))?;
    fs::write(args.out.join(MARKER), b"").map_err(at(&args.out))?;
    let mut hasher = Sha256::new();
    let mut written = 0u64;
    for (rel, size) in &args.plan {
        let size = *size;
        let path = args.out.join(rel);
        if let Some(parent) = path.parent().filter(|p| !p.is_dir()) {
            fs::create_dir_all(parent).map_err(at(parent))?;
        }
        let mut f = File::create(&path).map_err(at(&path))?;
        let mut left = size;
        while left > 0 {
            let n = left.min(BLOCK as u64) as usize;
            f.write_all(&content[..n]).map_err(at(&path))?;
            if args.hash {
                hasher.update(&content[..n]);
            }
            left -= n as u64;
        }
        written += size;
    }
    let digest = if args.hash {
        let hex: String = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        format!(", sha256 of the stream {hex}")
    } else {
        String::new()
    };
    Ok(format!(
        "read {read} bytes in {} files; wrote {written} bytes in {} files{digest}",
        inputs.len(),
        args.plan.len()
    ))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(summary) => {
            eprintln!("{summary}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
