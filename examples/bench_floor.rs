//! The I/O floor for the build benchmark: reads every file of a catalogue and writes a given
//! number of bytes, doing nothing else. `ogp-publish build` can never beat it on the same
//! machine, so the ratio between the two says how much of the build is work beyond I/O.
//!
//! ```sh
//! cargo run --release --example bench_floor -- CATALOG OUT BYTES [--files N] [--hash] [--threads T]
//! cargo run --release --example bench_floor -- CATALOG OUT --like LISTING [--hash] [--threads T]
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
//!   manifest), giving a second reference: "I/O + hashing";
//! - with `--threads T` (default 1), `T` threads share the work as the build's workers share
//!   plans: input files are dealt out in turn, and output files by dataset (all the files of
//!   `datasets/NAME/` and the page `preview/datasets/NAME.html` go to the same thread). With
//!   `--hash` it is the least any build on `T` cores could take: reading, writing and hashing
//!   the same bytes, with nothing computed.
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
    threads: usize,
}

fn parse_args() -> Result<Args, String> {
    let usage = "usage: bench_floor CATALOG OUT (BYTES [--files N] | --like LISTING) [--hash] \
                 [--threads T]";
    let mut positional = Vec::new();
    let (mut files, mut hash, mut like) = (1u64, false, None::<PathBuf>);
    let mut threads = 1usize;
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
            "--threads" => {
                threads = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|n| *n > 0)
                    .ok_or(usage)?;
            }
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
        threads,
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

fn at(p: &Path) -> impl Fn(io::Error) -> String {
    let p = p.display().to_string();
    move |e| format!("{p}: {e}")
}

/// One thread's part: the input files it reads and the output files it writes.
type Share<'a> = (Vec<&'a PathBuf>, Vec<&'a (PathBuf, u64)>);

/// What one thread read, wrote and hashed.
#[derive(Default)]
struct Done {
    read: u64,
    written: u64,
    digest: Option<[u8; 32]>,
}

/// Reads `inputs` to the end, keeping their first bytes as the content to write.
fn read_all(inputs: &[&PathBuf], content: &mut Vec<u8>) -> Result<u64, String> {
    let mut block = vec![0u8; BLOCK];
    let mut read = 0u64;
    for path in inputs {
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
    Ok(read)
}

/// Writes the files of `plan` under `out` with bytes of `content`, hashing them when asked;
/// gives the bytes written and their digest.
fn write_all(
    out: &Path,
    plan: &[&(PathBuf, u64)],
    content: &[u8],
    hash: bool,
) -> Result<(u64, Option<[u8; 32]>), String> {
    let mut hasher = Sha256::new();
    let mut written = 0u64;
    for (rel, size) in plan {
        let path = out.join(rel);
        if let Some(parent) = path.parent().filter(|p| !p.is_dir()) {
            fs::create_dir_all(parent).map_err(at(parent))?;
        }
        let mut f = File::create(&path).map_err(at(&path))?;
        let mut left = *size;
        while left > 0 {
            let n = left.min(BLOCK as u64) as usize;
            f.write_all(&content[..n]).map_err(at(&path))?;
            if hash {
                hasher.update(&content[..n]);
            }
            left -= n as u64;
        }
        written += size;
    }
    Ok((written, hash.then(|| hasher.finalize().into())))
}

/// The dataset an output file belongs to, which decides its thread; other files are their own.
fn unit_of(rel: &Path) -> String {
    let parts: Vec<&str> = rel.iter().filter_map(|c| c.to_str()).collect();
    match parts.as_slice() {
        ["datasets", name, ..] => (*name).to_string(),
        ["preview", "datasets", page] => page.trim_end_matches(".html").to_string(),
        _ => rel.display().to_string(),
    }
}

fn run(args: &Args) -> Result<String, String> {
    let mut inputs = Vec::new();
    walk(&args.catalog, &mut inputs).map_err(at(&args.catalog))?;
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

    // Deal the work out: inputs in turn, outputs by dataset in order of first appearance.
    let t = args.threads;
    let mut units = std::collections::HashMap::new();
    let mut shares: Vec<Share> = vec![Default::default(); t];
    for (i, path) in inputs.iter().enumerate() {
        shares[i % t].0.push(path);
    }
    for entry in &args.plan {
        let next = units.len();
        let k = *units.entry(unit_of(&entry.0)).or_insert(next);
        shares[k % t].1.push(entry);
    }
    let results: Vec<Result<Done, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = shares
            .iter()
            .map(|(ins, outs)| {
                scope.spawn(move || {
                    let mut content = Vec::with_capacity(BLOCK);
                    let read = read_all(ins, &mut content)?;
                    if content.is_empty() {
                        content.push(b'\n');
                    }
                    while content.len() < BLOCK {
                        let more = content[..(BLOCK - content.len()).min(content.len())].to_vec();
                        content.extend_from_slice(&more);
                    }
                    let (written, digest) = write_all(&args.out, outs, &content, args.hash)?;
                    Ok(Done {
                        read,
                        written,
                        digest,
                    })
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err("a thread panicked".into())))
            .collect()
    });
    let mut total = Done::default();
    let mut digests = Vec::new();
    for r in results {
        let d = r?;
        total.read += d.read;
        total.written += d.written;
        digests.extend(d.digest);
    }
    let digest = if digests.is_empty() {
        String::new()
    } else {
        let hex: Vec<String> = digests
            .iter()
            .map(|d| d.iter().map(|b| format!("{b:02x}")).collect())
            .collect();
        format!(", sha256 of each thread's stream {}", hex.join(" "))
    };
    Ok(format!(
        "read {} bytes in {} files; wrote {} bytes in {} files with {t} thread(s){digest}",
        total.read,
        inputs.len(),
        total.written,
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
