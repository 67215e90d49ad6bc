//! The command line: flags parsed by clap, resolved into the library's options, one library call
//! per command, and the exit code. Only this module and `main.rs` print.

use clap::{Parser, Subcommand, ValueEnum};
use ogp_publish::{BuildOpts, Diagnostic, Error};
use std::io::Write;
use std::path::PathBuf;

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: the catalogue has errors.
pub const EXIT_INVALID: u8 = 1;
/// Exit code: configuration, file system or network trouble.
pub const EXIT_TROUBLE: u8 = 2;

/// Publish an open-government action plan as open data.
///
/// Keep the plan in a catalogue folder (publisher.toml, plans/<id>/plan.toml, commitments.csv,
/// milestones.csv), run `check` while you edit it, and `build` to write the files the portal will
/// serve.
#[derive(Debug, Parser)]
#[command(name = "ogp-publish", version, about, long_about)]
pub struct Cli {
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
    },
}

fn print_diagnostics(out: &mut dyn Write, diags: &[Diagnostic]) {
    for d in diags {
        let _ = writeln!(out, "{d}");
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if !diags.is_empty() {
        let _ = writeln!(out, "{errors} error(s), {warnings} warning(s)");
    }
}

fn json_report(diags: &[Diagnostic], extra: serde_json::Value) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let mut v = serde_json::json!({
        "errors": errors,
        "warnings": diags.len() - errors,
        "diagnostics": diags,
    });
    if let (Some(obj), serde_json::Value::Object(more)) = (v.as_object_mut(), extra) {
        obj.extend(more);
    }
    serde_json::to_string_pretty(&v).unwrap_or_default()
}

/// Runs the parsed command; returns the exit code.
pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Check { catalog, format } => {
            let checked = ogp_publish::check(&catalog);
            match format {
                Format::Human => {
                    print_diagnostics(&mut std::io::stdout(), &checked.diagnostics);
                    if !checked.has_errors() {
                        let plans = checked.catalog.plans.len();
                        eprintln!("`{}`: {plans} plan(s), no errors", catalog.display());
                    }
                }
                Format::Json => {
                    println!(
                        "{}",
                        json_report(&checked.diagnostics, serde_json::json!({}))
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
        } => match ogp_publish::build(&BuildOpts {
            catalog,
            out: out.clone(),
        }) {
            Ok((built, warnings)) => {
                let bytes: u64 = built.files.values().map(|(b, _)| b).sum();
                match format {
                    Format::Human => {
                        print_diagnostics(&mut std::io::stderr(), &warnings);
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
                        println!("{}", json_report(&warnings, extra));
                    }
                }
                EXIT_OK
            }
            Err(Error::Invalid(diags)) => {
                match format {
                    Format::Human => {
                        print_diagnostics(&mut std::io::stderr(), &diags);
                        eprintln!("error: the catalogue has errors; nothing was written");
                    }
                    Format::Json => println!("{}", json_report(&diags, serde_json::json!({}))),
                }
                EXIT_INVALID
            }
            Err(e) => {
                eprintln!("error: {e}");
                EXIT_TROUBLE
            }
        },
    }
}
