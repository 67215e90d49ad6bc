//! The command line: flags parsed by clap, resolved into the library's options, one library call
//! per command, and the exit code. Only this module and `main.rs` print.

use clap::{Args, Parser, Subcommand, ValueEnum};
use ogp_publish::i18n::Text;
use ogp_publish::model::Lang;
use ogp_publish::ops::{
    ActionRecord, DatasetAction, DatasetPlan, ResourceAction, Secret, TableAction,
};
use ogp_publish::{ops, BuildOpts, Diagnostic, Diagnostics, Error};
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

/// The command line. Help texts come from the message files (`cli-*` messages), in the
/// language of `--lang` or the locale: see [`command`].
#[derive(Debug, Parser)]
#[command(name = "ogp-publish", version)]
pub struct Cli {
    #[arg(short, long, global = true)]
    verbose: bool,
    #[arg(short, long, global = true)]
    quiet: bool,
    #[arg(long, global = true, value_parser = ["fr", "en"])]
    lang: Option<String>,
    #[command(subcommand)]
    command: Command,
}

/// How to print diagnostics and results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
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
    #[arg(long, env = "CKAN_URL")]
    portal: String,
    #[arg(long)]
    token_file: Option<PathBuf>,
    #[arg(long)]
    allow_http: bool,
    #[arg(long, default_value = "dist")]
    dist: PathBuf,
    #[arg(long, default_value_t = DEFAULT_CONCURRENCY, value_parser = clap::value_parser!(u16).range(1..=32))]
    concurrency: u16,
    #[arg(long, default_value_t = DEFAULT_TIMEOUT)]
    timeout: u64,
    #[arg(long, default_value_t = DEFAULT_MAX_ATTEMPTS, value_parser = clap::value_parser!(u32).range(1..=20))]
    max_attempts: u32,
    #[arg(long, default_value_t = DEFAULT_RETRY_DELAY_MS, hide = true)]
    retry_delay_ms: u64,
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

#[derive(Debug, Subcommand)]
enum Command {
    Check {
        #[arg(default_value = "catalog")]
        catalog: PathBuf,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        #[arg(long, default_value_t = 0)]
        jobs: usize,
        #[arg(long)]
        all: bool,
    },
    Build {
        #[arg(default_value = "catalog")]
        catalog: PathBuf,
        #[arg(long, default_value = "dist")]
        out: PathBuf,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        #[arg(long, default_value_t = 0)]
        jobs: usize,
        #[arg(long)]
        all: bool,
    },
    Preview {
        #[arg(default_value = "catalog")]
        catalog: PathBuf,
        #[arg(long, default_value = "dist")]
        out: PathBuf,
        #[arg(long)]
        serve: bool,
        #[arg(long, default_value_t = 8000)]
        port: u16,
        #[arg(long)]
        portal: Option<String>,
        #[arg(long)]
        token_file: Option<PathBuf>,
        #[arg(long)]
        allow_http: bool,
    },
    Diff {
        #[command(flatten)]
        portal: PortalArgs,
    },
    Push {
        #[command(flatten)]
        portal: PortalArgs,
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        prune: bool,
        #[arg(long)]
        report: Option<PathBuf>,
    },
}

/// The command line with its help in `lang`: every about, argument help and value name comes
/// from a `cli-*` message; clap's own headings, defaults, environment variables and choices are
/// hidden and written again from messages, so no English is left in the French help.
pub fn command(lang: Lang) -> clap::Command {
    use clap::CommandFactory;
    let root = Cli::command()
        .about(say(lang, Text::new("cli-about")))
        .long_about(say(lang, Text::new("cli-long-about")))
        .disable_help_subcommand(true)
        .disable_version_flag(true)
        .arg(
            clap::Arg::new("version")
                .short('V')
                .long("version")
                .action(clap::ArgAction::Version)
                .help(say(lang, Text::new("cli-version-flag")))
                .help_heading(say(lang, Text::new("cli-options-heading"))),
        )
        .subcommand_value_name(say(lang, Text::new("cli-command-value")))
        .subcommand_help_heading(say(lang, Text::new("cli-commands-heading")));
    localize(root, None, lang)
}

/// Sets the texts of `cmd` (a subcommand when `sub` names it) and of its arguments, then of
/// its subcommands.
fn localize(cmd: clap::Command, sub: Option<&str>, lang: Lang) -> clap::Command {
    let has = |id: &str| ogp_publish::i18n::has(id);
    let text = |id: String| say(lang, Text::dynamic(id));
    let mut cmd = cmd
        .disable_help_flag(true)
        .arg(
            clap::Arg::new("help")
                .short('h')
                .long("help")
                .action(clap::ArgAction::Help)
                .help(say(lang, Text::new("cli-help-flag")))
                .help_heading(say(lang, Text::new("cli-options-heading"))),
        )
        .help_template(format!(
            "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
            say(lang, Text::new("cli-usage-heading"))
        ));
    if let Some(name) = sub {
        cmd = cmd
            .about(text(format!("cli-{name}-about")))
            .long_about(text(format!("cli-{name}-long")));
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .filter(|id| id != "help" && id != "version")
        .collect();
    for id in ids {
        let key = id.replace('_', "-");
        let own = sub.map(|name| format!("cli-{name}-arg-{key}"));
        let help_id = own
            .filter(|i| has(i))
            .unwrap_or_else(|| format!("cli-arg-{key}"));
        let value_id = format!("cli-value-{key}");
        cmd = cmd.mut_arg(id.as_str(), |arg| {
            let mut help = text(help_id);
            let defaults: Vec<String> = arg
                .get_default_values()
                .iter()
                .map(|v| v.to_string_lossy().into_owned())
                .filter(|v| !v.is_empty() && arg.get_action().takes_values())
                .collect();
            if !defaults.is_empty() {
                help.push(' ');
                help.push_str(&say(
                    lang,
                    crate_t("cli-default", "value", defaults.join(", ")),
                ));
            }
            if let Some(env) = arg.get_env() {
                help.push(' ');
                help.push_str(&say(
                    lang,
                    crate_t("cli-env", "name", env.to_string_lossy().into_owned()),
                ));
            }
            let choices: Vec<String> = arg
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_string())
                .collect();
            if !choices.is_empty() && arg.get_action().takes_values() {
                help.push(' ');
                help.push_str(&say(
                    lang,
                    crate_t("cli-values", "values", choices.join(", ")),
                ));
            }
            let heading = if arg.is_positional() {
                "cli-arguments-heading"
            } else {
                "cli-options-heading"
            };
            let takes_values = arg.get_action().takes_values();
            let mut arg = arg
                .help(help)
                .help_heading(say(lang, Text::new(heading)))
                .hide_env(true);
            // clap allows hiding these only on arguments that take a value.
            if takes_values {
                arg = arg.hide_default_value(true).hide_possible_values(true);
            }
            if has(&value_id) {
                arg = arg.value_name(text(value_id));
            }
            arg
        });
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(name.as_str(), |c| localize(c, Some(&name), lang));
    }
    cmd
}

/// A message with one argument, for the help texts built above.
fn crate_t(id: &'static str, name: &'static str, value: String) -> Text {
    Text::new(id).arg(name, value)
}

/// `text` in `lang`.
fn say(lang: Lang, text: Text) -> String {
    text.render(lang)
}

/// `error: …` on standard error, in `lang`.
fn print_error(lang: Lang, message: Text) {
    eprintln!(
        "{}",
        say(lang, Text::new("cli-error").arg("message", message))
    );
}

/// The language asked for before the command line is parsed (for its help and its errors):
/// `--lang fr`, `--lang=fr`, else the locale.
pub fn lang_of(args: &[std::ffi::OsString]) -> Lang {
    let mut flag = None;
    let mut it = args.iter().map(|a| a.to_string_lossy());
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        if a == "--lang" {
            flag = it.next().map(|v| v.into_owned());
        } else if let Some(v) = a.strip_prefix("--lang=") {
            flag = Some(v.to_string());
        }
    }
    ogp_publish::i18n::lang_from_env(flag.as_deref())
}

/// Parses the command line with the help in `lang`; usage errors are written in `lang` too,
/// and exit with code 2.
pub fn parse(args: Vec<std::ffi::OsString>, lang: Lang) -> Result<Cli, u8> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    use clap::FromArgMatches;
    let matches = match command(lang).try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            let _ = e.print();
            return Err(EXIT_OK);
        }
        Err(e) => {
            let ctx = |k: ContextKind| match e.get(k) {
                Some(ContextValue::String(s)) => s.clone(),
                Some(ContextValue::Strings(v)) => v.join(", "),
                Some(other) => other.to_string(),
                None => String::new(),
            };
            let arg = ctx(ContextKind::InvalidArg);
            let value = ctx(ContextKind::InvalidValue);
            let text = match e.kind() {
                ErrorKind::UnknownArgument => {
                    Text::new("cli-error-unknown-argument").arg("arg", arg)
                }
                ErrorKind::InvalidSubcommand => Text::new("cli-error-unknown-command")
                    .arg("name", ctx(ContextKind::InvalidSubcommand)),
                ErrorKind::InvalidValue => Text::new("cli-error-bad-value")
                    .arg("arg", arg)
                    .arg("value", value)
                    .arg("values", ctx(ContextKind::ValidValue)),
                ErrorKind::ValueValidation => {
                    let cause = std::error::Error::source(&e)
                        .map(|c| c.to_string())
                        .unwrap_or_default();
                    Text::new("cli-error-invalid-value")
                        .arg("arg", arg)
                        .arg("value", value)
                        .arg("cause", cause)
                }
                ErrorKind::MissingRequiredArgument => {
                    Text::new("cli-error-missing-argument").arg("arg", arg)
                }
                ErrorKind::MissingSubcommand
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    Text::new("cli-error-missing-command")
                }
                _ => Text::plain(e.to_string().trim()),
            };
            eprintln!("{}", say(lang, Text::new("cli-error").arg("message", text)));
            eprintln!("{}", say(lang, Text::new("cli-error-more")));
            return Err(EXIT_TROUBLE);
        }
    };
    Cli::from_arg_matches(&matches).map_err(|e| {
        eprintln!("{e}");
        EXIT_TROUBLE
    })
}

fn read_token(args: &PortalArgs, lang: Lang) -> Result<Option<Secret>, Error> {
    read_token_from(args.token_file.as_deref(), lang)
}

/// The token in `token_file` (warning when other users can read the file), or else in
/// `CKAN_API_TOKEN`.
fn read_token_from(
    token_file: Option<&std::path::Path>,
    lang: Lang,
) -> Result<Option<Secret>, Error> {
    if let Some(path) = token_file {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            if let Ok(meta) = std::fs::metadata(path) {
                let mode = meta.permissions().mode() & 0o777;
                if mode & 0o077 != 0 {
                    let text = Text::new("cli-token-file-readable")
                        .arg("path", path.display().to_string())
                        .arg("mode", format!("{mode:o}"));
                    eprintln!("{}", say(lang, text));
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
fn portal_opts(
    args: &PortalArgs,
    token: Option<Secret>,
    verbose: bool,
    lang: Lang,
) -> ops::PortalOpts {
    let mut opts = ops::PortalOpts::new(args.portal.clone());
    opts.token = token;
    opts.allow_http = args.allow_http;
    opts.concurrency = args.concurrency.into();
    opts.timeout = Duration::from_secs(args.timeout.max(1));
    opts.max_attempts = args.max_attempts;
    opts.retry_delay = Duration::from_millis(args.retry_delay_ms);
    opts.trace = verbose.then(|| trace(lang));
    opts
}

/// The `-v` trace: one line per request and retry on standard error.
fn trace(lang: Lang) -> ops::Trace {
    Arc::new(move |line: Text| eprintln!("{}", say(lang, Text::new("cli-debug").arg("line", line))))
}

/// Options of `preview` that reach the portal.
struct PreviewPortal {
    url: String,
    token_file: Option<PathBuf>,
    allow_http: bool,
    verbose: bool,
}

/// Runs `ops::preview`. Returns the warnings, the diagnostics of a catalogue that could not be
/// built, or the trouble met.
fn build_preview(
    catalog: &std::path::Path,
    out: &std::path::Path,
    portal: Option<&PreviewPortal>,
    lang: Lang,
    page_lang: Option<Lang>,
) -> Result<Diagnostics, Result<Diagnostics, String>> {
    let portal = match portal {
        Some(p) => {
            let token = read_token_from(p.token_file.as_deref(), lang)
                .map_err(|e| Err(say(lang, e.text())))?;
            let mut opts = ops::PortalOpts::new(p.url.clone());
            opts.token = token;
            opts.allow_http = p.allow_http;
            opts.trace = p.verbose.then(|| trace(lang));
            Some(opts)
        }
        None => None,
    };
    let opts = ops::PreviewOpts {
        catalog: catalog.to_path_buf(),
        out: out.to_path_buf(),
        portal,
        page_lang,
    };
    match ops::preview(&opts) {
        Ok(warnings) => Ok(warnings),
        Err(Error::Invalid(d)) => Err(Ok(d)),
        Err(e) => Err(Err(say(lang, e.text()))),
    }
}

fn run_preview(
    catalog: PathBuf,
    out: PathBuf,
    serve: bool,
    port: u16,
    portal: Option<PreviewPortal>,
    lang: Lang,
    page_lang: Option<Lang>,
) -> u8 {
    let index = out.join("preview").join("index.html");
    if !serve {
        return match build_preview(&catalog, &out, portal.as_ref(), lang, page_lang) {
            Ok(warnings) => {
                print_diagnostics(&mut std::io::stderr(), &warnings, lang);
                println!("{}", index.display());
                EXIT_OK
            }
            Err(Ok(diags)) => {
                print_diagnostics(&mut std::io::stderr(), &diags, lang);
                eprintln!("{}", say(lang, Text::new("cli-nothing-written")));
                EXIT_INVALID
            }
            Err(Err(e)) => {
                print_error(lang, Text::plain(e));
                EXIT_TROUBLE
            }
        };
    }
    let listener = match std::net::TcpListener::bind(("127.0.0.1", port)) {
        Ok(l) => l,
        Err(e) => {
            let text = Text::new("cli-cannot-listen")
                .arg("port", port.to_string())
                .arg("cause", e.to_string());
            print_error(lang, text);
            return EXIT_TROUBLE;
        }
    };
    let addr = listener.local_addr().map(|a| a.port()).unwrap_or(port);
    let errors: ogp_publish::serve::ErrorPage = Arc::new(Mutex::new(None));
    let profile = ogp_publish::load_catalog(&catalog)
        .catalog
        .publisher
        .profile
        .value
        .clone();
    let error_page_lang = page_lang
        .unwrap_or_else(|| ogp_publish::profile::lookup(&profile).map_or(Lang::Fr, |p| p.lang()));
    let rebuild = {
        let (catalog, out, errors) = (catalog.clone(), out.clone(), errors.clone());
        move || {
            let page = match build_preview(&catalog, &out, portal.as_ref(), lang, page_lang) {
                Ok(_) => {
                    let text = Text::new("cli-rebuilt").arg("path", out.display().to_string());
                    eprintln!("{}", say(lang, text));
                    None
                }
                Err(Ok(diags)) => {
                    print_diagnostics(&mut std::io::stderr(), &diags, lang);
                    Some(ogp_publish::ops::render_errors(&diags, error_page_lang))
                }
                Err(Err(e)) => {
                    print_error(lang, Text::plain(e.clone()));
                    let d = Diagnostic::error(
                        ogp_publish::Code::MissingFile,
                        &out,
                        ogp_publish::Pos::START,
                        Text::plain(e),
                    );
                    Some(ogp_publish::ops::render_errors(
                        &Diagnostics::from(vec![d]),
                        error_page_lang,
                    ))
                }
            };
            if let Ok(mut slot) = errors.lock() {
                *slot = page;
            }
        }
    };
    rebuild();
    ogp_publish::serve::watch(catalog, Duration::from_millis(500), rebuild);
    let url = format!("http://127.0.0.1:{addr}/preview/index.html");
    println!("{}", say(lang, Text::new("cli-serving").arg("url", url)));
    let _ = std::io::stdout().flush();
    ogp_publish::serve::serve(listener, out, errors);
    EXIT_OK
}

fn print_plan(plans: &[DatasetPlan], lang: Lang) {
    let line = |text: Text| println!("{}", say(lang, text));
    for p in plans {
        let action = match p.action {
            DatasetAction::Create => "create",
            DatasetAction::Update => "update",
            DatasetAction::Unchanged => "unchanged",
        };
        line(
            Text::new("plan-dataset")
                .arg("name", p.name.as_str())
                .arg("action", action),
        );
        for k in &p.changed {
            println!("  ~ {k}");
        }
        for r in &p.resources {
            let key = r.key.as_str();
            match r.action {
                ResourceAction::Create => println!("  + {key}"),
                ResourceAction::Upload => {
                    println!("  {}", say(lang, Text::new("plan-upload").arg("key", key)))
                }
                ResourceAction::Update => println!("  ~ {key}: {}", r.changed.join(", ")),
                ResourceAction::Extra => {
                    println!("  {}", say(lang, Text::new("plan-extra").arg("key", key)))
                }
                ResourceAction::Duplicate => println!(
                    "  {}",
                    say(lang, Text::new("plan-duplicate").arg("key", key))
                ),
                ResourceAction::Unchanged => {}
            }
            let datastore = match r.datastore {
                Some(TableAction::Load) => Some("plan-datastore-load"),
                Some(TableAction::Sync) => Some("plan-datastore-sync"),
                _ => None,
            };
            if let Some(id) = datastore {
                println!("  {}", say(lang, Text::new(id).arg("key", key)));
            }
        }
    }
    let count = |a| plans.iter().filter(|p| p.action == a).count();
    line(
        Text::new("plan-totals")
            .arg("create", count(DatasetAction::Create))
            .arg("update", count(DatasetAction::Update))
            .arg("unchanged", count(DatasetAction::Unchanged)),
    );
}

fn run_diff(args: PortalArgs, verbose: bool, lang: Lang) -> Result<u8, Error> {
    let token = read_token(&args, lang)?;
    let plans = ops::diff(&ops::DiffOpts {
        portal: portal_opts(&args, token, verbose, lang),
        dist: args.dist.clone(),
    })?;
    match args.format {
        Format::Human => print_plan(&plans, lang),
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
    lang: Lang,
}

impl ops::Reporter for PushProgress {
    fn planned(&self, changes: u64) {
        if let Some(b) = &self.bar {
            b.set_length(changes);
        }
    }

    fn action(&self, rec: &ActionRecord) {
        let resource = rec.resource.as_deref().map(|r| format!("/{r}"));
        let mut text = Text::new("push-action")
            .arg("outcome", rec.outcome.as_str())
            .arg(
                "dataset",
                format!("{}{}", rec.dataset, resource.unwrap_or_default()),
            )
            .arg("action", rec.action.as_str());
        if let Some(cause) = &rec.cause {
            text = Text::new("push-action-failed")
                .arg("action", text)
                .arg("cause", cause.clone());
        }
        let line = say(self.lang, text);
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
    quiet: bool,
    lang: Lang,
) -> Result<u8, Error> {
    let token = read_token(&args, lang)?;
    let opts = ops::PushOpts {
        portal: portal_opts(&args, token, verbose, lang),
        dist: args.dist.clone(),
        dry_run,
        prune,
        report,
    };
    let bar = (!quiet && std::io::stderr().is_terminal() && args.format == Format::Human)
        .then(|| progress_bar(lang, "push-bar-unit", " {msg}"));
    let progress = Arc::new(PushProgress {
        bar: bar.clone(),
        quiet: quiet || args.format == Format::Json,
        lang,
    });
    let outcome = ops::push(&opts, progress)?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let Some(summary) = &outcome.summary else {
        print_plan(&outcome.plans, lang);
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
            let text = Text::new("push-summary")
                .arg("created", outcome.count(DatasetAction::Create))
                .arg("updated", outcome.count(DatasetAction::Update))
                .arg("unchanged", outcome.count(DatasetAction::Unchanged))
                .arg("failed", summary.failed_datasets.len())
                .arg("requests", outcome.requests)
                .arg("writes", outcome.writes)
                .arg("bytes", outcome.bytes_uploaded);
            eprintln!("{}", say(lang, text));
            for name in &summary.failed_datasets {
                print_error(lang, Text::new("push-dataset-failed").arg("name", name));
            }
            if summary.stopped_on_auth {
                print_error(lang, Text::new("push-token-refused"));
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

/// Prints the diagnostics kept (the first of each code), one line per code for the others,
/// and the totals.
fn print_diagnostics(out: &mut dyn Write, diags: &Diagnostics, lang: Lang) {
    for d in diags.shown() {
        let _ = writeln!(out, "{}", d.render(lang));
    }
    for more in diags.omitted() {
        let _ = writeln!(out, "{}", more.text().render(lang));
    }
    print_totals(out, diags, lang);
}

/// « 0 erreur, 7 avertissements »; nothing when there is no diagnostic.
fn print_totals(out: &mut dyn Write, diags: &Diagnostics, lang: Lang) {
    if !diags.is_empty() {
        let text = Text::new("diagnostic-totals")
            .arg("errors", diags.errors())
            .arg("warnings", diags.warnings());
        let _ = writeln!(out, "{}", say(lang, text));
    }
}

/// The last line of `--format json`, after one line per diagnostic: the totals, the count of
/// each code, and what the command adds (`extra`).
fn json_totals(diags: &Diagnostics, extra: serde_json::Value) -> String {
    let codes: serde_json::Map<String, serde_json::Value> = diags
        .by_code()
        .into_iter()
        .map(|(code, n)| (code.as_str().to_string(), n.into()))
        .collect();
    let mut v = serde_json::json!({
        "errors": diags.errors(),
        "warnings": diags.warnings(),
        "codes": codes,
    });
    if let (Some(obj), serde_json::Value::Object(more)) = (v.as_object_mut(), extra) {
        obj.extend(more);
    }
    serde_json::to_string(&v).unwrap_or_default()
}

/// A progress bar on standard error counting in the message `unit`, then `tail` (indicatif's
/// template, e.g. ` {msg}`).
fn progress_bar(lang: Lang, unit: &'static str, tail: &str) -> indicatif::ProgressBar {
    let b = indicatif::ProgressBar::new(0);
    b.set_style(
        indicatif::ProgressStyle::with_template(&format!(
            "{{bar:30}} {{pos}}/{{len}} {}{tail}",
            say(lang, Text::new(unit))
        ))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    b
}

/// How `check` and `build` show diagnostics as they are found: under `--all`, every one for
/// people; under `--format json`, every one as a line of JSON; otherwise none (the first of
/// each code are printed at the end). A progress bar over the plans, when asked for.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    stream: Stream,
    /// Human lines go to standard output (`check`) or standard error (`build`).
    to_stdout: bool,
    lang: Lang,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stream {
    Nothing,
    Human,
    Json,
}

impl Progress {
    /// What `format`, `--all` and `--quiet` ask for; the bar only on a terminal.
    fn new(format: Format, all: bool, bar: bool, to_stdout: bool, lang: Lang) -> Self {
        let stream = match (format, all) {
            (Format::Json, _) => Stream::Json,
            (Format::Human, true) => Stream::Human,
            (Format::Human, false) => Stream::Nothing,
        };
        let bar = (bar && format == Format::Human && std::io::stderr().is_terminal())
            .then(|| progress_bar(lang, "build-bar-unit", ""));
        Progress {
            bar,
            stream,
            to_stdout,
            lang,
        }
    }

    /// The diagnostics at the end: under `--all` only the totals are left to print.
    fn print_end(&self, diags: &Diagnostics) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
        let mut out: Box<dyn Write> = if self.to_stdout {
            Box::new(std::io::stdout())
        } else {
            Box::new(std::io::stderr())
        };
        match self.stream {
            Stream::Nothing => print_diagnostics(&mut out, diags, self.lang),
            Stream::Human => print_totals(&mut out, diags, self.lang),
            Stream::Json => {}
        }
    }
}

impl ops::Reporter for Progress {
    fn plans(&self, total: u64) {
        if let Some(b) = &self.bar {
            b.set_length(total);
        }
    }

    fn plan_done(&self) {
        if let Some(b) = &self.bar {
            b.inc(1);
        }
    }

    fn wants_diagnostics(&self) -> bool {
        self.stream != Stream::Nothing
    }

    fn diagnostics(&self, diags: &[Diagnostic]) {
        let mut text = String::new();
        for d in diags {
            match self.stream {
                Stream::Json => {
                    text.push_str(&serde_json::to_string(&d.json(self.lang)).unwrap_or_default())
                }
                _ => text.push_str(&d.render(self.lang)),
            }
            text.push('\n');
        }
        let write = || {
            // A closed pipe (`| head`) ends the printing, not the command.
            let _ = if self.to_stdout || self.stream == Stream::Json {
                std::io::stdout().lock().write_all(text.as_bytes())
            } else {
                std::io::stderr().lock().write_all(text.as_bytes())
            };
        };
        match &self.bar {
            Some(b) => b.suspend(write),
            None => write(),
        }
    }
}

/// Runs the parsed command; returns the exit code.
pub fn run(cli: Cli) -> u8 {
    let verbose = cli.verbose;
    let cli_quiet = cli.quiet;
    let lang = ogp_publish::i18n::lang_from_env(cli.lang.as_deref());
    // Only the flag changes the pages: the same catalogue gives the same files on every
    // machine, whatever its locale.
    let page_lang = cli
        .lang
        .as_deref()
        .map(|l| ogp_publish::i18n::lang_from_env(Some(l)));
    match cli.command {
        Command::Check {
            catalog,
            format,
            jobs,
            all,
        } => {
            let progress = Progress::new(format, all, false, true, lang);
            let checked = ogp_publish::ops::check_reporting(
                &ogp_publish::CheckOpts {
                    catalog: catalog.clone(),
                    jobs,
                },
                &progress,
            );
            progress.print_end(&checked.diagnostics);
            match format {
                Format::Human => {
                    if !checked.has_errors() {
                        let plans = checked.plans;
                        let text = Text::new("cli-check-clean")
                            .arg("path", catalog.display().to_string())
                            .arg("plans", plans);
                        eprintln!("{}", say(lang, text));
                    }
                }
                Format::Json => {
                    let extra = serde_json::json!({ "plans": checked.plans });
                    println!("{}", json_totals(&checked.diagnostics, extra))
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
            all,
        } => {
            let progress = Progress::new(format, all, !cli_quiet, false, lang);
            let built = ops::build_reporting(
                &BuildOpts {
                    catalog,
                    out: out.clone(),
                    jobs,
                    page_lang,
                },
                &progress,
            );
            match built {
                Ok((built, warnings)) => {
                    progress.print_end(&warnings);
                    let bytes: u64 = built.files.values().map(|(b, _)| b).sum();
                    match format {
                        Format::Human => {
                            let text = Text::new("cli-wrote")
                                .arg("path", out.display().to_string())
                                .arg("datasets", built.datasets.len())
                                .arg("files", built.files.len() + 1)
                                .arg("bytes", bytes);
                            eprintln!("{}", say(lang, text));
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
                            println!("{}", json_totals(&warnings, extra));
                        }
                    }
                    EXIT_OK
                }
                Err(Error::Invalid(diags)) => {
                    progress.print_end(&diags);
                    match format {
                        Format::Human => {
                            eprintln!("{}", say(lang, Text::new("cli-nothing-written")))
                        }
                        Format::Json => println!("{}", json_totals(&diags, serde_json::json!({}))),
                    }
                    EXIT_INVALID
                }
                Err(e) => {
                    progress.print_end(&Diagnostics::new());
                    print_error(lang, e.text());
                    EXIT_TROUBLE
                }
            }
        }
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
                verbose: cli.verbose,
            }),
            lang,
            page_lang,
        ),
        Command::Diff { portal } => run_diff(portal, verbose, lang).unwrap_or_else(|e| {
            print_error(lang, e.text());
            EXIT_TROUBLE
        }),
        Command::Push {
            portal,
            dry_run,
            prune,
            report,
        } => {
            run_push(portal, dry_run, prune, report, verbose, cli_quiet, lang).unwrap_or_else(|e| {
                print_error(lang, e.text());
                EXIT_TROUBLE
            })
        }
    }
}
