//! The steward preview: static HTML pages in `dist/preview/` that show each dataset the way the
//! portal will, before anything is published. They work from `file://` with no network and no
//! JavaScript: styles are inline, charts are inline SVG, data files are linked relatively.
//!
//! Every piece of record text goes through the template engine's HTML escaping or [`escape`];
//! Markdown is rendered with raw HTML shown as text and only `http`, `https`, `mailto` and
//! relative links kept.

mod charts;
mod markdown;

use crate::dataset::{BuiltDataset, PlanView};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, LintLevel};
use crate::fields::csv_cell;
use crate::fields::{
    commitment_fields, commitment_value, milestone_fields, milestone_value, Field,
};
use crate::i18n::Text;
use crate::model::{Plan, Publisher, Status};
use crate::profile::{Lang, Profile, ResourceRole};
use crate::push::{DatasetAction, DatasetPlan, ResourceAction, TableAction};
use crate::t;
use minijinja::value::Value as Tpl;
use minijinja::Environment;
use serde_json::{json, Value};
use std::path::Path;

pub use markdown::render as render_markdown;

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Rows shown in each table preview.
const PREVIEW_ROWS: usize = 20;

/// The words of the preview pages, in `lang` (the `preview-*` messages).
fn texts(lang: Lang) -> Value {
    const KEYS: [&str; 30] = [
        "site",
        "footer",
        "index_title",
        "profile",
        "datasets",
        "datasets_title",
        "datasets_caption",
        "dataset",
        "plan",
        "commitments",
        "milestones",
        "progress",
        "warnings",
        "push",
        "warnings_title",
        "errors_title",
        "errors_intro",
        "breadcrumb",
        "description",
        "tags",
        "resources",
        "progress_title",
        "progress_caption",
        "timeline_title",
        "status_caption",
        "preview_of",
        "additional_info",
        "field",
        "value",
        "diff_title",
    ];
    let words: serde_json::Map<String, Value> = KEYS
        .iter()
        .map(|key| {
            let id = format!("preview-{}", key.replace('_', "-"));
            (key.to_string(), Value::from(Text::dynamic(id).render(lang)))
        })
        .collect();
    Value::Object(words)
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    // The names end in .html, so the engine escapes every interpolated value.
    for (name, src) in [
        ("base.html", include_str!("templates/base.html")),
        ("index.html", include_str!("templates/index.html")),
        ("dataset.html", include_str!("templates/dataset.html")),
        ("warnings.html", include_str!("templates/warnings.html")),
    ] {
        env.add_template(name, src)
            .unwrap_or_else(|e| panic!("template {name} is invalid: {e}"));
    }
    env
}

/// The counts and the link of a dataset page's warnings, in the page's language.
struct WarningList {
    /// One line per code: `completed-without-date : 5 000`.
    counts: Vec<String>,
    /// The link's words.
    all: String,
    /// The page with every warning, beside the dataset's page.
    href: String,
}

/// One line per code with more diagnostics than are shown: « … et 4 980 autres … ».
fn more_lines(counted: &Diagnostics, lang: Lang) -> Vec<String> {
    counted
        .omitted()
        .iter()
        .map(|o| o.text().render(lang))
        .collect()
}

/// A diagnostic for a page, without its hint; its path is relative to the catalogue, so the page does not depend on
/// where the catalogue sits on disk.
fn diag_json(d: &Diagnostic, root: &Path, lang: Lang) -> Value {
    let file = d.file.strip_prefix(root).unwrap_or(&d.file);
    json!({
        "where": d.place(file),
        "code": d.code.as_str(),
        "message": d.message.render(lang),
    })
}

fn human_size(bytes: u64, lang: Lang) -> String {
    let one_decimal = |div: f64| {
        format!("{:.1}", bytes as f64 / div)
            .replace('.', &t!("preview-decimal-separator").render(lang))
    };
    match bytes {
        b if b >= 1 << 20 => t!("preview-size-mb", size = one_decimal(1_048_576.0)),
        b if b >= 1 << 10 => t!("preview-size-kb", size = one_decimal(1024.0)),
        b => t!("preview-size-bytes", bytes = b),
    }
    .render(lang)
}

fn package_str<'a>(pkg: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a str> {
    pkg.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn extra<'a>(pkg: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a str> {
    pkg.get("extras")?
        .as_array()?
        .iter()
        .find(|e| e.get("key").and_then(Value::as_str) == Some(key))?
        .get("value")?
        .as_str()
}

fn frequency_label(code: &str, lang: Lang) -> String {
    t!("preview-frequency", code = code).render(lang)
}

/// The metadata table, with the portal's labels.
fn metadata(ds: &BuiltDataset, org: &str, gaps: &[&str], lang: Lang) -> Vec<Tpl> {
    let pkg = &ds.package;
    let fr = lang == Lang::Fr;
    let get = |k: &str| package_str(pkg, k).or_else(|| extra(pkg, k));
    let mut rows: Vec<Tpl> = Vec::new();
    let mut add = |label: Text, value: Option<String>| {
        if let Some(v) = value {
            rows.push(minijinja::context! { label => label.render(lang), value => v });
        }
    };
    add(t!("preview-organization"), Some(org.to_string()));
    add(
        t!("preview-main-organization"),
        get("extras_organisation_principale")
            .or_else(|| get("main_organization"))
            .map(str::to_string)
            .filter(|_| fr),
    );
    add(
        t!("preview-update-frequency"),
        get("update_frequency").map(|c| frequency_label(c, lang)),
    );
    add(
        t!("preview-spatial-coverage"),
        get("ext_spatial")
            .or_else(|| get("spatial_coverage"))
            .map(str::to_string),
    );
    add(
        t!("preview-temporal-coverage"),
        get("temporal")
            .or_else(|| get("temporal_coverage"))
            .map(|t| t.replace('/', " — ")),
    );
    add(
        t!("preview-language"),
        get("language").map(|l| t!("preview-language-value", code = l).render(lang)),
    );
    add(
        t!("preview-license"),
        get("license_id").map(|l| {
            let (spdx, _, title) = crate::dataset::license(l);
            format!("{title} ({spdx})")
        }),
    );
    for (label, key) in [
        (t!("preview-author"), "author"),
        (t!("preview-author-email"), "author_email"),
        (t!("preview-maintainer"), "maintainer"),
        (t!("preview-maintainer-email"), "maintainer_email"),
        (t!("preview-website"), "url"),
    ] {
        add(label, get(key).map(str::to_string));
    }
    add(t!("preview-name-url"), Some(ds.name.clone()));
    // Rules the steward set to `allow`: silent in every run, so shown here.
    add(
        t!("preview-accepted-gaps"),
        (!gaps.is_empty()).then(|| gaps.join(", ")),
    );
    add(
        t!("preview-visibility"),
        Some(
            if pkg.get("private") == Some(&Value::Bool(true)) {
                t!("preview-private")
            } else {
                t!("preview-public")
            }
            .render(lang),
        ),
    );
    if let Some(m) = get("methodologie").or_else(|| get("methodology")) {
        rows.push(minijinja::context! {
            label => t!("preview-methodology").render(lang),
            html => Tpl::from_safe_string(render_markdown(m)),
        });
    }
    rows
}

/// The table previews of a dataset as the page shows them: commitments, then milestones, as in
/// their CSV files (the first rows, from the records in the file's order), with the column
/// labels of the data dictionary.
fn table_previews(ds: &BuiltDataset, view: &PlanView, data_lang: Lang, lang: Lang) -> Vec<Value> {
    let (plan, commitments, milestones) = (view.plan, &view.commitments, &view.milestones);
    // The files and their columns are named in the dataset's language, whatever the page's.
    let names = crate::dataset::names(data_lang);
    let label_index = usize::from(lang == Lang::En);
    let table = |file: &str, fields: &[Field], rows: Vec<Vec<String>>, total: usize| {
        let columns: Vec<Value> = fields
            .iter()
            .map(|f| json!({ "name": f.name(data_lang), "label": f.label[label_index] }))
            .collect();
        let summary = t!("preview-table-summary", shown = rows.len(), total = total).render(lang);
        json!({
            "file": file,
            "stem": file.trim_end_matches(".csv"),
            "columns": columns,
            "rows": rows,
            "summary": summary,
        })
    };
    let mut tables = Vec::new();
    for f in ds
        .files
        .iter()
        .filter(|f| f.format == "CSV" && f.role == ResourceRole::Data)
    {
        let stem = f.file.trim_end_matches(".csv");
        if stem == names.commitments {
            let fields = commitment_fields(plan);
            let rows = commitments.iter().take(PREVIEW_ROWS).map(|c| {
                let p = view.progress_of(c);
                let cell = |k: &Field| csv_cell(&commitment_value(plan, c, p, &k.key)).into_owned();
                fields.iter().map(cell).collect()
            });
            tables.push(table(&f.file, &fields, rows.collect(), commitments.len()));
        } else if stem == names.milestones {
            let fields = milestone_fields(plan);
            let rows = milestones.iter().take(PREVIEW_ROWS).map(|m| {
                let cell = |k: &Field| csv_cell(&milestone_value(plan, m, &k.key)).into_owned();
                fields.iter().map(cell).collect()
            });
            tables.push(table(&f.file, &fields, rows.collect(), milestones.len()));
        }
    }
    tables
}

fn diff_view(plan: &DatasetPlan, lang: Lang) -> Value {
    let summary = match plan.action {
        DatasetAction::Create => t!("preview-diff-create"),
        DatasetAction::Update => t!("preview-diff-update"),
        DatasetAction::Unchanged => t!("preview-diff-unchanged"),
    }
    .render(lang);
    let mut items: Vec<String> = Vec::new();
    if !plan.changed.is_empty() {
        items.push(t!("preview-diff-metadata", fields = plan.changed.join(", ")).render(lang));
    }
    for r in &plan.resources {
        let line = match r.action {
            ResourceAction::Create if plan.action != DatasetAction::Create => {
                Some(t!("preview-diff-file-new", key = &r.key))
            }
            ResourceAction::Upload => Some(t!("preview-diff-file-changed", key = &r.key)),
            ResourceAction::Update => Some(t!(
                "preview-diff-resource-changed",
                key = &r.key,
                fields = r.changed.join(", ")
            )),
            ResourceAction::Duplicate => Some(t!("preview-diff-duplicate", key = &r.key)),
            ResourceAction::Extra => Some(t!("preview-diff-extra", key = &r.key)),
            _ => None,
        };
        items.extend(line.map(|l| l.render(lang)));
        let datastore = match r.datastore {
            Some(TableAction::Load) => Some(t!("plan-datastore-load", key = &r.key)),
            Some(TableAction::Sync) => Some(t!("plan-datastore-sync", key = &r.key)),
            _ => None,
        };
        items.extend(datastore.map(|l| l.render(lang)));
    }
    json!({ "summary": summary, "items": items })
}

fn diff_summary(plan: &DatasetPlan, lang: Lang) -> String {
    match plan.action {
        DatasetAction::Create => t!("preview-diff-summary-create"),
        DatasetAction::Unchanged => t!("preview-diff-summary-unchanged"),
        DatasetAction::Update => {
            let files = plan
                .resources
                .iter()
                .filter(|r| !matches!(r.action, ResourceAction::Unchanged | ResourceAction::Extra))
                .count();
            t!(
                "preview-diff-summary-update",
                fields = plan.changed.len(),
                files = files
            )
        }
    }
    .render(lang)
}

/// JSON for a `<script>` element: `</` cannot close the element early.
fn script_json(v: &Value) -> String {
    v.to_string()
        .replace("</", "<\\/")
        .replace("<!--", "<\\!--")
}

fn schema_org(ds: &BuiltDataset, plan: &Plan, org: &str, lang: Lang) -> Value {
    let pkg = &ds.package;
    let distribution: Vec<Value> = ds
        .files
        .iter()
        .map(|f| {
            json!({
                "@type": "DataDownload",
                "name": f.title,
                "encodingFormat": f.mimetype,
                "contentUrl": format!("../../datasets/{}/{}", ds.name, f.file),
                "contentSize": f.bytes.to_string(),
                "sha256": f.sha256,
            })
        })
        .collect();
    let mut v = json!({
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": package_str(pkg, "title").unwrap_or(&ds.name),
        "description": package_str(pkg, "notes").unwrap_or_default(),
        "identifier": ds.name,
        "inLanguage": lang.code(),
        "keywords": pkg.get("tags").and_then(Value::as_array).map(|t| t.iter().filter_map(|x| x.get("name").cloned()).collect::<Vec<_>>()),
        "creator": { "@type": "Organization", "name": org },
        "isAccessibleForFree": true,
        "distribution": distribution,
    });
    if let Some(l) = package_str(pkg, "license_id") {
        let (_, url, _) = crate::dataset::license(l);
        if !url.is_empty() {
            v["license"] = url.into();
        }
    }
    if let (Some(s), Some(e)) = (&plan.start, &plan.end) {
        v["temporalCoverage"] = format!("{}/{}", s.value.first_day(), e.value.last_day()).into();
    }
    if let Some(u) = &plan.url {
        v["url"] = u.clone().into();
    }
    v
}

/// One line of the index page, kept while the other pages are written.
#[derive(Debug, Clone)]
pub struct IndexRow {
    name: String,
    title: String,
    plan: String,
    commitments: usize,
    milestones: usize,
    progress_svg: String,
    warnings: usize,
    diff_summary: Option<String>,
}

/// The preview's pages, written one dataset at a time (from any thread) and then the index.
pub struct Pages<'a> {
    env: Environment<'static>,
    /// The page texts in the profile's language, as the templates read them.
    t: Tpl,
    lang: Lang,
    org: String,
    root: std::path::PathBuf,
    profile: &'a dyn Profile,
    /// The publisher's lint levels, under each plan's own.
    lints: std::collections::BTreeMap<Code, LintLevel>,
}

impl<'a> Pages<'a> {
    /// The pages of a publisher's catalogue in a profile's language.
    pub fn new(publisher: &Publisher, profile: &'a dyn Profile, lang: Option<Lang>) -> Self {
        let lang = lang.unwrap_or_else(|| profile.lang());
        let t = texts(lang);
        Pages {
            env: environment(),
            t: Tpl::from_serialize(&t),
            lang,
            org: publisher
                .organization_title
                .clone()
                .unwrap_or_else(|| publisher.organization.value.clone()),
            root: publisher
                .file
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
            profile,
            lints: publisher.lints.clone(),
        }
    }

    /// Creates the `preview` folder `out` with its stylesheet.
    pub fn start(&self, out: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(out.join("datasets"))?;
        // One stylesheet beside the pages (relative links work from file://).
        std::fs::write(out.join("style.css"), include_str!("templates/style.css"))
    }

    /// Writes the page of one dataset; `warnings` may hold other plans' warnings, which are left
    /// out. Returns its line of the index.
    pub(crate) fn dataset(
        &self,
        out: &Path,
        view: &PlanView,
        ds: &BuiltDataset,
        warnings: &[Diagnostic],
        diff: Option<&DatasetPlan>,
    ) -> std::io::Result<IndexRow> {
        let (lang, org, plan) = (self.lang, &self.org, view.plan);
        let plan_dir = plan.file.parent().unwrap_or(Path::new(""));
        let mine = || {
            warnings
                .iter()
                .filter(|d| d.file.starts_with(plan_dir) && !plan_dir.as_os_str().is_empty())
        };
        let mut counted = Diagnostics::new();
        counted.add_sorted(mine());
        let shown: Vec<Value> = counted
            .shown()
            .iter()
            .map(|d| diag_json(d, &self.root, lang))
            .collect();
        let more = more_lines(&counted, lang);
        let total = counted.warnings() + counted.errors();
        let list = WarningList {
            counts: counted
                .by_code()
                .into_iter()
                .map(|(code, count)| {
                    t!(
                        "preview-warnings-of-code",
                        code = code.as_str(),
                        count = count
                    )
                    .render(lang)
                })
                .collect(),
            all: t!("preview-warnings-all", count = total).render(lang),
            href: format!("{}.warnings.html", ds.name),
        };
        if !more.is_empty() {
            // Every warning on a page of its own, so the dataset page stays small.
            self.warning_list(out, ds, &list, mine())?;
        }
        let completed = plan
            .milestones
            .iter()
            .filter(|m| m.status == Some(Status::Completed))
            .count();
        let progress = charts::overall(completed, plan.milestones.len(), lang);
        let tables = table_previews(ds, view, self.profile.lang(), lang);
        let resources: Vec<Value> = ds
            .files
            .iter()
            .map(|f| {
                json!({
                    "name": f.title,
                    "description": f.description,
                    "format": f.format,
                    "size": human_size(f.bytes, lang),
                    "href": format!("../../datasets/{}/{}", ds.name, f.file),
                    "kind": match f.role {
                        ResourceRole::Data => t!("preview-kind-data"),
                        ResourceRole::Documentation => t!("preview-kind-documentation"),
                    }
                    .render(lang),
                })
            })
            .collect();
        let title = package_str(&ds.package, "title")
            .unwrap_or(&ds.name)
            .to_string();
        let notes = package_str(&ds.package, "notes").unwrap_or_default();
        let (timeline, timeline_caption) = charts::timeline(plan, lang);
        let tags: Vec<Value> = ds
            .package
            .get("tags")
            .and_then(Value::as_array)
            .map(|t| t.iter().filter_map(|x| x.get("name").cloned()).collect())
            .unwrap_or_default();
        // Built from engine values, not JSON, so the pre-rendered HTML stays marked safe.
        let page = minijinja::context! {
            title => title,
            notes_html => Tpl::from_safe_string(render_markdown(notes)),
            tags => Tpl::from_serialize(&tags),
            resources => Tpl::from_serialize(&resources),
            tables => Tpl::from_serialize(&tables),
            metadata => Tpl::from(metadata(ds, org, &self.allowed(plan), lang)),
            warnings => Tpl::from_serialize(&shown),
            warnings_more => Tpl::from_serialize(&more),
            warnings_counts => Tpl::from_serialize(&list.counts),
            warnings_all => list.all,
            warnings_all_href => list.href,
            progress_chart => Tpl::from_safe_string(charts::commitments(view, lang)),
            timeline_chart => Tpl::from_safe_string(timeline),
            timeline_caption => timeline_caption,
            status_chart => Tpl::from_safe_string(charts::statuses(plan, lang)),
        };
        let ctx = minijinja::context! {
            lang => lang.code(),
            t => self.t.clone(),
            css => Tpl::from(()),
            css_href => "../style.css",
            publisher => org,
            d => page,
            jsonld => Tpl::from_safe_string(script_json(&schema_org(ds, plan, org, lang))),
            diff => diff.map(|p| Tpl::from_serialize(diff_view(p, lang))),
        };
        let html = self
            .env
            .get_template("dataset.html")
            .and_then(|tpl| tpl.render(ctx))
            .map_err(std::io::Error::other)?;
        std::fs::write(out.join("datasets").join(format!("{}.html", ds.name)), html)?;
        Ok(IndexRow {
            name: ds.name.clone(),
            title,
            plan: plan.id.clone(),
            commitments: plan.commitments.len(),
            milestones: plan.milestones.len(),
            progress_svg: progress,
            warnings: total as usize,
            diff_summary: diff.map(|p| diff_summary(p, lang)),
        })
    }

    /// The lints `plan` sets to `allow`, in its `[lints]` or else in the publisher's.
    fn allowed(&self, plan: &Plan) -> Vec<&'static str> {
        Code::LINTS
            .into_iter()
            .filter(|code| {
                let level = plan.lints.get(code).or_else(|| self.lints.get(code));
                level == Some(&LintLevel::Allow)
            })
            .map(Code::as_str)
            .collect()
    }

    /// Writes `datasets/<name>.warnings.html`: every warning of one plan. The rows are
    /// written one at a time between the template's head and tail, not rendered into one
    /// string: through the template engine, a plan of 199,800 milestones with 140,000 warnings
    /// took 1.8 s and 280 MB more to build; streamed, 0.2 s and nothing held.
    fn warning_list<'d>(
        &self,
        out: &Path,
        ds: &BuiltDataset,
        list: &WarningList,
        warnings: impl Iterator<Item = &'d Diagnostic>,
    ) -> std::io::Result<()> {
        use std::io::Write;
        const ROWS: &str = "\u{0}rows\u{0}";
        let lang = self.lang;
        let title = package_str(&ds.package, "title").unwrap_or(&ds.name);
        let ctx = minijinja::context! {
            lang => lang.code(),
            t => self.t.clone(),
            css => Tpl::from(()),
            css_href => "../style.css",
            publisher => &self.org,
            rows => Tpl::from_safe_string(ROWS.to_string()),
            d => minijinja::context! {
                title => title,
                page_href => format!("{}.html", ds.name),
                warnings_counts => Tpl::from_serialize(&list.counts),
                warnings_all => &list.all,
            },
        };
        let html = self
            .env
            .get_template("warnings.html")
            .and_then(|tpl| tpl.render(ctx))
            .map_err(std::io::Error::other)?;
        let (head, tail) = html
            .split_once(ROWS)
            .ok_or_else(|| std::io::Error::other("warnings.html has no place for its rows"))?;
        let path = out.join("datasets").join(&list.href);
        let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
        f.write_all(head.as_bytes())?;
        for d in warnings {
            let at = d.place(d.file.strip_prefix(&self.root).unwrap_or(&d.file));
            write!(
                f,
                "<li><code>{}</code> <strong>{}</strong> — {}</li>",
                escape(&at),
                d.code.as_str(),
                escape(&d.message.render(lang))
            )?;
        }
        f.write_all(tail.as_bytes())?;
        f.flush()
    }

    /// Writes `index.html`: one line per dataset, sorted by name, then the first warnings of
    /// each code and how many more there are.
    pub fn index(
        &self,
        out: &Path,
        mut rows: Vec<IndexRow>,
        warnings: &Diagnostics,
        has_diff: bool,
    ) -> std::io::Result<()> {
        rows.sort_by(|a, b| a.name.cmp(&b.name));
        let rows: Vec<Tpl> = rows
            .into_iter()
            .map(|r| {
                minijinja::context! {
                    name => r.name,
                    title => r.title,
                    plan => r.plan,
                    commitments => r.commitments,
                    milestones => r.milestones,
                    progress_svg => Tpl::from_safe_string(r.progress_svg),
                    warnings => r.warnings,
                    diff_summary => r.diff_summary,
                }
            })
            .collect();
        let all_warnings: Vec<Value> = warnings
            .shown()
            .iter()
            .map(|d| diag_json(d, &self.root, self.lang))
            .collect();
        let more = more_lines(warnings, self.lang);
        let ctx = minijinja::context! {
            lang => self.lang.code(),
            t => self.t.clone(),
            css => Tpl::from(()),
            css_href => "style.css",
            publisher => self.org,
            profile => self.profile.name(),
            datasets => Tpl::from(rows),
            warnings => Tpl::from_serialize(&all_warnings),
            warnings_more => Tpl::from_serialize(&more),
            errors => Tpl::from_serialize(Vec::<Value>::new()),
            has_diff => has_diff,
        };
        let html = self
            .env
            .get_template("index.html")
            .and_then(|tpl| tpl.render(ctx))
            .map_err(std::io::Error::other)?;
        std::fs::write(out.join("index.html"), html)
    }
}

/// A page that lists catalogue errors, served by `preview --serve` instead of the preview while
/// the catalogue is invalid.
pub fn render_errors(diagnostics: &Diagnostics, lang: Lang) -> String {
    let t = texts(lang);
    let env = environment();
    let errors: Vec<Value> = diagnostics
        .shown()
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let mut v = diag_json(d, Path::new(""), lang);
            v["hint"] = json!(d.hint.as_ref().map(|h| h.render(lang)));
            v
        })
        .collect();
    let ctx = minijinja::context! {
        lang => lang.code(),
        t => Tpl::from_serialize(&t),
        css => Tpl::from_safe_string(include_str!("templates/style.css").to_string()),
        publisher => "",
        profile => "",
        datasets => Tpl::from_serialize(Vec::<Value>::new()),
        warnings => Tpl::from_serialize(Vec::<Value>::new()),
        errors => Tpl::from_serialize(&errors),
        errors_more => Tpl::from_serialize(more_lines(diagnostics, lang)),
        has_diff => false,
    };
    env.get_template("index.html")
        .and_then(|tpl| tpl.render(ctx))
        .unwrap_or_else(|e| format!("<!DOCTYPE html><p>{}</p>", escape(&e.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<script>alert(\"x\")</script> & 'y'"),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
    }

    #[test]
    fn script_json_cannot_close_the_element() {
        let v = json!({ "name": "</script><script>alert(1)</script>" });
        assert!(!script_json(&v).contains("</script>"));
        let back: Value = serde_json::from_str(&script_json(&v)).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn sizes_read_like_the_portal() {
        assert_eq!(human_size(512, Lang::Fr), "512 octets");
        assert_eq!(human_size(1536, Lang::Fr), "1,5 ko");
        assert_eq!(human_size(3 << 20, Lang::En), "3.0 MB");
    }
}
