//! The `ogp-publish` binary: parse, run, exit.

mod cli;

// The build allocates many small strings per record on every core; mimalloc's per-thread heaps
// cost about a quarter less CPU when loading than the system allocator (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lang = cli::lang_of(&args);
    let code = match cli::parse(args, lang) {
        Ok(parsed) => cli::run(parsed),
        Err(code) => code,
    };
    std::process::ExitCode::from(code)
}
