//! The command line: flags parsed by clap, resolved into the library's options, one library call
//! per command, and the exit code. Only this module and `main.rs` print.

use clap::{Args, Parser, Subcommand, ValueEnum};
use ogp_publish::model::Lang;
use ogp_publish::ops::{ActionRecord, DatasetAction, DatasetPlan, ResourceAction, Secret};
use ogp_publish::{ops, BuildOpts, Diagnostic, Error};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: the catalogue has errors.
pub const EXIT_INVALID: u8 = 1;
/// Exit code: configuration, file system or network trouble.
pub const EXIT_TROUBLE: u8 = 2;
/// Exit code: `push` ran but some actions failed.
pub const EXIT_PARTIAL: u8 = 3;

/// Publish an open-government action plan as open data.
///
/// Keep the plan in a catalogue folder (publisher.toml, plans/<id>/plan.toml, commitments.csv,
/// milestones.csv), run `check` while you edit it, and `build` to write the files the portal will
/// serve.
#[derive(Debug, Parser)]
#[command(name = "ogp-publish", version, about, long_about)]
pub struct Cli {
    /// Print debug lines (each request to the portal, retries) on standard error.
    #[arg(short, long, global = true)]
    verbose: bool,
    /// The language of messages: fr or en (default: the locale, LC_ALL, LC_MESSAGES or LANG).
    #[arg(long, global = true, value_parser = ["fr", "en"])]
    lang: Option<String>,
    #[command(subcommand)]
    command: Command,
}

/// How to print diagnostics and results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// For people: `file:line:col: error[code]: message`, then the field and a hint.
    Human,
    /// For programs: one JSON document on standard output.
    Json,
}

/// Defaults of the portal options, shared by the commands and by `preview --portal`.
const DEFAULT_CONCURRENCY: u16 = 4;
const DEFAULT_TIMEOUT: u64 = 60;
const DEFAULT_MAX_ATTEMPTS: u32 = 5;
const DEFAULT_RETRY_DELAY_MS: u64 = 500;

/// Where the portal is and how to talk to it (`diff` and `push`).
#[derive(Debug, Args)]
struct PortalArgs {
    /// The portal's base address; may carry a path, e.g. https://pab.donneesquebec.ca/recherche.
    #[arg(long, env = "CKAN_URL")]
    portal: String,
    /// A file holding the API token. Without it, the token is read from CKAN_API_TOKEN.
    #[arg(long)]
    token_file: Option<PathBuf>,
    /// Allow plain http:// to a host other than this machine (the token would travel unencrypted).
    #[arg(long)]
    allow_http: bool,
    /// The built output to publish (written by `build`).
    #[arg(long, default_value = "dist")]
    dist: PathBuf,
    /// Datasets read or written in parallel.
    #[arg(long, default_value_t = DEFAULT_CONCURRENCY, value_parser = clap::value_parser!(u16).range(1..=32))]
    concurrency: u16,
    /// Seconds before a request is abandoned.
    #[arg(long, default_value_t = DEFAULT_TIMEOUT)]
    timeout: u64,
    /// Times a request is sent before giving up (1 = no retry). Only connection errors, 408,
    /// 429 and 5xx are retried.
    #[arg(long, default_value_t = DEFAULT_MAX_ATTEMPTS, value_parser = clap::value_parser!(u32).range(1..=20))]
    max_attempts: u32,
    /// First retry delay in milliseconds (doubles each retry, with jitter).
    #[arg(long, default_value_t = DEFAULT_RETRY_DELAY_MS, hide = true)]
    retry_delay_ms: u64,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read the catalogue and report every problem at once (exit 0 clean, 1 with errors).
    ///
    /// Each problem names the file, line, column and field, with a stable code and a hint on how
    /// to fix it. Nothing is written.
    Check {
        /// The catalogue folder.
        #[arg(default_value = "catalog")]
        catalog: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Plans checked at once (0: one per core, at most 8).
        #[arg(long, default_value_t = 0)]
        jobs: usize,
    },
    /// Check the catalogue, then write the open-data files (exit 0 written, 1 catalogue errors,
    /// 2 could not write).
    ///
    /// Writes per plan the CKAN package, the commitments and milestones as CSV and JSON, the whole
    /// plan as nested JSON, a data dictionary and a Frictionless Data Package; then a DCAT
    /// catalogue and a manifest with every file's size and SHA-256. The same catalogue always
    /// gives byte-identical files. The output folder is replaced whole, and only when everything
    /// was written; with catalogue errors nothing is written.
    Build {
        /// The catalogue folder.
        #[arg(default_value = "catalog")]
        catalog: PathBuf,
        /// The output folder (replaced whole).
        #[arg(long, default_value = "dist")]
        out: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Plans checked and written at once (0: one per core, at most 8).
        #[arg(long, default_value_t = 0)]
        jobs: usize,
    },
    /// Build, then show the preview of what reusers will see (exit 0 / 1 / 2 as for build).
    ///
    /// Writes the output like `build`, including dist/preview/: an index of the datasets and a
    /// page per dataset laid out like the portal's, with charts and table previews. Open
    /// dist/preview/index.html in a browser; it needs no network. With --serve, serves it on
    /// 127.0.0.1 and rebuilds whenever the catalogue changes (errors show in the page). With
    /// --portal, each page also shows what `push` would change there.
    Preview {
        /// The catalogue folder.
        #[arg(default_value = "catalog")]
        catalog: PathBuf,
        /// The output folder (replaced whole).
        #[arg(long, default_value = "dist")]
        out: PathBuf,
        /// Serve the preview on 127.0.0.1 and rebuild on change, until stopped (Ctrl-C).
        #[arg(long)]
        serve: bool,
        /// Port for --serve (0 picks a free one).
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// Compare with this portal and show what push would change.
        #[arg(long)]
        portal: Option<String>,
        /// A file holding the API token (for private datasets); otherwise CKAN_API_TOKEN.
        #[arg(long)]
        token_file: Option<PathBuf>,
        /// Allow plain http:// to a host other than this machine.
        #[arg(long)]
        allow_http: bool,
    },
    /// Show what `push` would change on the portal (exit 0 nothing, 1 changes, 2 trouble).
    ///
    /// Asks the portal's search index for the datasets of dist/ (one package_search per 500
    /// datasets) and compares the fields we publish and each file's SHA-256 with the portal's
    /// copy. Nothing is downloaded and nothing is written. (An index can lag a write by a
    /// moment; push reads a dataset itself before writing to it.)
    Diff {
        #[command(flatten)]
        portal: PortalArgs,
    },
    /// Publish dist/ to the portal: create what is missing, update only what changed (exit 0
    /// done, 2 nothing written: portal, token or dist/ trouble, 3 some datasets failed).
    ///
    /// Checks first that the portal answers and the token may create datasets in the
    /// organisation. A night without change costs those two checks, one package_search per
    /// 500 datasets and no write; the new files of a dataset go up together in one
    /// package_revise. Safe to run again after a crash: it converges without duplicating
    /// resources. Run it after `build`: `ogp-publish build && ogp-publish push --portal URL`.
    Push {
        #[command(flatten)]
        portal: PortalArgs,
        /// Show the plan and stop, like `diff`.
        #[arg(long)]
        dry_run: bool,
        /// Delete portal resources of our datasets that dist/ no longer has (default: report them).
        #[arg(long)]
        prune: bool,
        /// Write one JSON line per action to this file.
        #[arg(long)]
        report: Option<PathBuf>,
    },
}

fn read_token(args: &PortalArgs) -> Result<Option<Secret>, Error> {
    read_token_from(args.token_file.as_deref())
}

/// The token in `token_file` (warning when other users can read the file), or else in
/// `CKAN_API_TOKEN`.
fn read_token_from(token_file: Option<&std::path::Path>) -> Result<Option<Secret>, Error> {
    if let Some(path) = token_file {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            if let Ok(meta) = std::fs::metadata(path) {
                let mode = meta.permissions().mode() & 0o777;
                if mode & 0o077 != 0 {
                    eprintln!(
                        "warning: the token file `{}` can be read by other users (mode {mode:o}); run `chmod 600 {}`",
                        path.display(),
                        path.display()
                    );
                }
            }
        }
        let text = std::fs::read_to_string(path).map_err(|source| Error::TokenFile {
            path: path.to_path_buf(),
            source,
        })?;
        if text.trim().is_empty() {
            return Err(Error::EmptyTokenFile(path.to_path_buf()));
        }
        return Ok(Some(Secret::new(&text)));
    }
    Ok(std::env::var("CKAN_API_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty())
        .map(|t| Secret::new(&t)))
}

/// The portal options of `args`, with the token and the `-v` trace.
fn portal_opts(args: &PortalArgs, token: Option<Secret>, verbose: bool) -> ops::PortalOpts {
    let mut opts = ops::PortalOpts::new(args.portal.clone());
    opts.token = token;
    opts.allow_http = args.allow_http;
    opts.concurrency = args.concurrency.into();
    opts.timeout = Duration::from_secs(args.timeout.max(1));
    opts.max_attempts = args.max_attempts;
    opts.retry_delay = Duration::from_millis(args.retry_delay_ms);
    if verbose {
        opts.trace = Some(Arc::new(|line: &str| eprintln!("debug: {line}")));
    }
    opts
}

/// Options of `preview` that reach the portal.
struct PreviewPortal {
    url: String,
    token_file: Option<PathBuf>,
    allow_http: bool,
}

/// Runs `ops::preview`. Returns the warnings, the diagnostics of a catalogue that could not be
/// built, or the trouble met.
fn build_preview(
    catalog: &std::path::Path,
    out: &std::path::Path,
    portal: Option<&PreviewPortal>,
) -> Result<Vec<Diagnostic>, Result<Vec<Diagnostic>, String>> {
    let portal = match portal {
        Some(p) => {
            let token = read_token_from(p.token_file.as_deref()).map_err(|e| Err(e.to_string()))?;
            let mut opts = ops::PortalOpts::new(p.url.clone());
            opts.token = token;
            opts.allow_http = p.allow_http;
            Some(opts)
        }
        None => None,
    };
    let opts = ops::PreviewOpts {
        catalog: catalog.to_path_buf(),
        out: out.to_path_buf(),
        portal,
    };
    match ops::preview(&opts) {
        Ok(warnings) => Ok(warnings),
        Err(Error::Invalid(d)) => Err(Ok(d)),
        Err(e) => Err(Err(e.to_string())),
    }
}

fn run_preview(
    catalog: PathBuf,
    out: PathBuf,
    serve: bool,
    port: u16,
    portal: Option<PreviewPortal>,
    lang: Lang,
) -> u8 {
    let index = out.join("preview").join("index.html");
    if !serve {
        return match build_preview(&catalog, &out, portal.as_ref()) {
            Ok(warnings) => {
                print_diagnostics(&mut std::io::stderr(), &warnings, lang);
                println!("{}", index.display());
                EXIT_OK
            }
            Err(Ok(diags)) => {
                print_diagnostics(&mut std::io::stderr(), &diags, lang);
                eprintln!("error: the catalogue has errors; nothing was written");
                EXIT_INVALID
            }
            Err(Err(e)) => {
                eprintln!("error: {e}");
                EXIT_TROUBLE
            }
        };
    }
    let listener = match std::net::TcpListener::bind(("127.0.0.1", port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {e} (choose another --port)");
            return EXIT_TROUBLE;
        }
    };
    let addr = listener.local_addr().map(|a| a.port()).unwrap_or(port);
    let errors: ogp_publish::serve::ErrorPage = Arc::new(Mutex::new(None));
    let page_lang = ogp_publish::load_catalog(&catalog)
        .catalog
        .publisher
        .profile
        .value
        .clone();
    let page_lang = ogp_publish::profile::lookup(&page_lang)
        .map_or(ogp_publish::profile::Lang::Fr, |p| p.lang());
    let rebuild = {
        let (catalog, out, errors) = (catalog.clone(), out.clone(), errors.clone());
        move || {
            let page = match build_preview(&catalog, &out, portal.as_ref()) {
                Ok(_) => {
                    eprintln!("rebuilt `{}`", out.display());
                    None
                }
                Err(Ok(diags)) => {
                    print_diagnostics(&mut std::io::stderr(), &diags, lang);
                    Some(ogp_publish::ops::render_errors(&diags, page_lang))
                }
                Err(Err(e)) => {
                    eprintln!("error: {e}");
                    let d = Diagnostic::error(
                        ogp_publish::Code::MissingFile,
                        &out,
                        ogp_publish::Pos::START,
                        e,
                    );
                    Some(ogp_publish::ops::render_errors(&[d], page_lang))
                }
            };
            if let Ok(mut slot) = errors.lock() {
                *slot = page;
            }
        }
    };
    rebuild();
    ogp_publish::serve::watch(catalog, Duration::from_millis(500), rebuild);
    println!("serving http://127.0.0.1:{addr}/preview/index.html (Ctrl-C to stop)");
    let _ = std::io::stdout().flush();
    ogp_publish::serve::serve(listener, out, errors);
    EXIT_OK
}

fn print_plan(plans: &[DatasetPlan]) {
    for p in plans {
        let action = match p.action {
            DatasetAction::Create => "create",
            DatasetAction::Update => "update",
            DatasetAction::Unchanged => "unchanged",
        };
        println!("{}: {action}", p.name);
        for k in &p.changed {
            println!("  ~ {k}");
        }
        for r in &p.resources {
            match r.action {
                ResourceAction::Create => println!("  + {}", r.key),
                ResourceAction::Upload => println!("  ~ {}: new content (upload)", r.key),
                ResourceAction::Update => println!("  ~ {}: {}", r.key, r.changed.join(", ")),
                ResourceAction::Extra => {
                    println!(
                        "  ! {}: extra on the portal (kept; --prune deletes it)",
                        r.key
                    )
                }
                ResourceAction::Duplicate => {
                    println!("  - {}: second copy of our file (removed)", r.key)
                }
                ResourceAction::Unchanged => {}
            }
        }
    }
    let count = |a| plans.iter().filter(|p| p.action == a).count();
    println!(
        "{} to create, {} to update, {} unchanged",
        count(DatasetAction::Create),
        count(DatasetAction::Update),
        count(DatasetAction::Unchanged)
    );
}

fn run_diff(args: PortalArgs, verbose: bool) -> Result<u8, Error> {
    let token = read_token(&args)?;
    let plans = ops::diff(&ops::DiffOpts {
        portal: portal_opts(&args, token, verbose),
        dist: args.dist.clone(),
    })?;
    match args.format {
        Format::Human => print_plan(&plans),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "datasets": plans }))
                .unwrap_or_default()
        ),
    }
    Ok(if plans.iter().any(DatasetPlan::has_changes) {
        1
    } else {
        0
    })
}

/// What `push` shows while it works: a progress bar on a terminal (failures printed above
/// it), otherwise one line per action on standard error; nothing under `--format json`.
struct PushProgress {
    bar: Option<indicatif::ProgressBar>,
    quiet: bool,
}

impl ops::Reporter for PushProgress {
    fn planned(&self, changes: u64) {
        if let Some(b) = &self.bar {
            b.set_length(changes);
        }
    }

    fn action(&self, rec: &ActionRecord) {
        let line = format!(
            "{} {}{} {}{}",
            rec.outcome,
            rec.dataset,
            rec.resource
                .as_deref()
                .map(|r| format!("/{r}"))
                .unwrap_or_default(),
            rec.action,
            rec.error
                .as_deref()
                .map(|e| format!(": {e}"))
                .unwrap_or_default()
        );
        match &self.bar {
            Some(b) => {
                // The bar counts planned changes: a package_revise carries several files.
                if rec.is_write() {
                    b.inc(rec.resources.len().max(1) as u64);
                }
                if rec.outcome == "failed" {
                    b.println(line);
                }
            }
            None if !self.quiet => eprintln!("{line}"),
            None => {}
        }
    }
}

fn run_push(
    args: PortalArgs,
    dry_run: bool,
    prune: bool,
    report: Option<PathBuf>,
    verbose: bool,
) -> Result<u8, Error> {
    let token = read_token(&args)?;
    let opts = ops::PushOpts {
        portal: portal_opts(&args, token, verbose),
        dist: args.dist.clone(),
        dry_run,
        prune,
        report,
    };
    let bar = (std::io::stderr().is_terminal() && args.format == Format::Human).then(|| {
        let b = indicatif::ProgressBar::new(0);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} changes {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let progress = Arc::new(PushProgress {
        bar: bar.clone(),
        quiet: args.format == Format::Json,
    });
    let outcome = ops::push(&opts, progress)?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let Some(summary) = &outcome.summary else {
        print_plan(&outcome.plans);
        return Ok(EXIT_OK);
    };
    let code = if summary.stopped_on_auth {
        EXIT_TROUBLE
    } else if summary.failed_datasets.is_empty() {
        EXIT_OK
    } else {
        EXIT_PARTIAL
    };
    match args.format {
        Format::Human => {
            eprintln!(
                "push: {} created, {} updated, {} unchanged, {} failed; {} requests, {} writes, {} bytes uploaded",
                outcome.count(DatasetAction::Create),
                outcome.count(DatasetAction::Update),
                outcome.count(DatasetAction::Unchanged),
                summary.failed_datasets.len(),
                outcome.requests,
                outcome.writes,
                outcome.bytes_uploaded,
            );
            for name in &summary.failed_datasets {
                eprintln!("error: dataset `{name}` was not fully published (see the lines above)");
            }
            if summary.stopped_on_auth {
                eprintln!(
                    "error: the portal refused the token; the run stopped (check CKAN_API_TOKEN)"
                );
            }
        }
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "datasets": outcome.plans,
                "failed": summary.failed_datasets,
                "stopped_on_auth": summary.stopped_on_auth,
                "requests": outcome.requests,
                "writes": outcome.writes,
                "bytes_uploaded": outcome.bytes_uploaded,
                "actions": summary.actions,
            }))
            .unwrap_or_default()
        ),
    }
    Ok(code)
}

fn print_diagnostics(out: &mut dyn Write, diags: &[Diagnostic], lang: Lang) {
    for d in diags {
        let _ = writeln!(out, "{}", d.render(lang));
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if !diags.is_empty() {
        let _ = writeln!(out, "{errors} error(s), {warnings} warning(s)");
    }
}

fn json_report(diags: &[Diagnostic], extra: serde_json::Value, lang: Lang) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let diagnostics: Vec<_> = diags.iter().map(|d| d.json(lang)).collect();
    let mut v = serde_json::json!({
        "errors": errors,
        "warnings": diags.len() - errors,
        "diagnostics": diagnostics,
    });
    if let (Some(obj), serde_json::Value::Object(more)) = (v.as_object_mut(), extra) {
        obj.extend(more);
    }
    serde_json::to_string_pretty(&v).unwrap_or_default()
}

/// Runs the parsed command; returns the exit code.
pub fn run(cli: Cli) -> u8 {
    let verbose = cli.verbose;
    let lang = ogp_publish::i18n::lang_from_env(cli.lang.as_deref());
    match cli.command {
        Command::Check {
            catalog,
            format,
            jobs,
        } => {
            let checked = ogp_publish::check(&ogp_publish::CheckOpts {
                catalog: catalog.clone(),
                jobs,
            });
            match format {
                Format::Human => {
                    print_diagnostics(&mut std::io::stdout(), &checked.diagnostics, lang);
                    if !checked.has_errors() {
                        let plans = checked.plans;
                        eprintln!("`{}`: {plans} plan(s), no errors", catalog.display());
                    }
                }
                Format::Json => {
                    println!(
                        "{}",
                        json_report(&checked.diagnostics, serde_json::json!({}), lang)
                    )
                }
            }
            if checked.has_errors() {
                EXIT_INVALID
            } else {
                EXIT_OK
            }
        }
        Command::Build {
            catalog,
            out,
            format,
            jobs,
        } => match ogp_publish::build(&BuildOpts {
            catalog,
            out: out.clone(),
            jobs,
        }) {
            Ok((built, warnings)) => {
                let bytes: u64 = built.files.values().map(|(b, _)| b).sum();
                match format {
                    Format::Human => {
                        print_diagnostics(&mut std::io::stderr(), &warnings, lang);
                        eprintln!(
                            "wrote `{}`: {} dataset(s), {} files, {bytes} bytes",
                            out.display(),
                            built.datasets.len(),
                            built.files.len() + 1,
                        );
                    }
                    Format::Json => {
                        let datasets: Vec<&str> =
                            built.datasets.iter().map(|d| d.name.as_str()).collect();
                        let extra = serde_json::json!({
                            "out": out,
                            "datasets": datasets,
                            "files": built.files.len() + 1,
                            "bytes": bytes,
                        });
                        println!("{}", json_report(&warnings, extra, lang));
                    }
                }
                EXIT_OK
            }
            Err(Error::Invalid(diags)) => {
                match format {
                    Format::Human => {
                        print_diagnostics(&mut std::io::stderr(), &diags, lang);
                        eprintln!("error: the catalogue has errors; nothing was written");
                    }
                    Format::Json => {
                        println!("{}", json_report(&diags, serde_json::json!({}), lang))
                    }
                }
                EXIT_INVALID
            }
            Err(e) => {
                eprintln!("error: {e}");
                EXIT_TROUBLE
            }
        },
        Command::Preview {
            catalog,
            out,
            serve,
            port,
            portal,
            token_file,
            allow_http,
        } => run_preview(
            catalog,
            out,
            serve,
            port,
            portal.map(|url| PreviewPortal {
                url,
                token_file,
                allow_http,
            }),
            lang,
        ),
        Command::Diff { portal } => run_diff(portal, verbose).unwrap_or_else(|e| {
            eprintln!("error: {e}");
            EXIT_TROUBLE
        }),
        Command::Push {
            portal,
            dry_run,
            prune,
            report,
        } => run_push(portal, dry_run, prune, report, verbose).unwrap_or_else(|e| {
            eprintln!("error: {e}");
            EXIT_TROUBLE
        }),
    }
}
