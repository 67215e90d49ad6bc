//! From a valid catalogue to `dist/`: per plan a dataset folder (package dict, tables, nested
//! plan, data dictionary, Data Package), then the DCAT catalogue and the manifest.
//!
//! Files are streamed to a temporary sibling of the output folder, hashed while written, and the
//! folder is swapped in only when everything succeeded, so a failed build leaves the previous
//! `dist/` as it was.

pub(crate) mod datastore;
pub(crate) mod dcat;
pub(crate) mod resources;

use crate::check::dataset_name;
use crate::error::{Error, IoContext};
use crate::fields::{
    commitment_cell, commitment_fields, milestone_cell, milestone_fields, CommitmentCol, Field,
    MilestoneCol, Value, DICTIONARY_FIELDS, PLAN_FIELDS,
};
use crate::model::{DatastoreMode, Publisher, DATASTORE_FILE};
use crate::profile::{self, FileFacts, Lang, PackageInput, Profile, ResourceRole};
use resources::TableInfo;
use serde_json::{json, Map};
use std::collections::{BTreeMap, HashMap};

pub use crate::dataset::BuiltDataset;
use crate::dataset::{names, Names, PlanView};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What a streaming [`build()`](crate::build()) wrote: each dataset's name and plan, and every
/// file's size and hash. The datasets' package dicts and file facts are in the output folder
/// (`package.json`, `datapackage.json`) and are not held in memory, which would grow with the
/// number of plans.
#[derive(Debug, Clone)]
pub struct BuildSummary {
    /// The output folder.
    pub out: PathBuf,
    /// The datasets, sorted by name.
    pub datasets: Vec<DatasetSummary>,
    /// Every file written (relative path → bytes, sha256), the manifest excepted.
    pub files: BTreeMap<String, (u64, String)>,
}

/// One dataset of a [`BuildSummary`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetSummary {
    /// CKAN dataset name; also its folder under `datasets/`.
    pub name: String,
    /// The plan it publishes.
    pub plan_id: String,
}

/// Checks that `out` may be replaced and returns the empty temporary folder to write instead.
pub(crate) fn prepare_out(out: &Path) -> Result<PathBuf, Error> {
    if out.exists() && !(out.is_dir() && out.join("manifest.json").is_file()) {
        let empty = out.is_dir() && std::fs::read_dir(out).at(out)?.next().is_none();
        if !empty {
            return Err(Error::ForeignOutput(out.to_path_buf()));
        }
    }
    let tmp = sibling(out, "tmp")?;
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).at(&tmp)?;
    }
    std::fs::create_dir_all(&tmp).at(&tmp)?;
    Ok(tmp)
}

/// Swaps the temporary folder in when everything was written, or removes it.
pub(crate) fn finish_out<T>(written: Result<T, Error>, tmp: &Path, out: &Path) -> Result<T, Error> {
    let written = match written {
        Ok(w) => w,
        Err(e) => {
            let _ = std::fs::remove_dir_all(tmp);
            return Err(e);
        }
    };
    swap_in(tmp, out)?;
    Ok(written)
}

/// Removes a temporary output folder that will not be used.
pub(crate) fn discard_out(tmp: &Path) {
    let _ = std::fs::remove_dir_all(tmp);
}

/// `<parent>/.<name>.<what>-<pid>`.
fn sibling(out: &Path, what: &str) -> Result<PathBuf, Error> {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "dist".into());
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty());
    let dir = parent.map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    Ok(dir.join(format!(".{name}.{what}-{}", std::process::id())))
}

fn swap_in(tmp: &Path, out: &Path) -> Result<(), Error> {
    if !out.exists() {
        return std::fs::rename(tmp, out).at(out);
    }
    let old = sibling(out, "old")?;
    if old.exists() {
        std::fs::remove_dir_all(&old).at(&old)?;
    }
    std::fs::rename(out, &old).at(out)?;
    if let Err(e) = std::fs::rename(tmp, out) {
        // Put the previous output back rather than leave nothing.
        let _ = std::fs::rename(&old, out);
        let _ = std::fs::remove_dir_all(tmp);
        return Err(Error::Io {
            path: out.to_path_buf(),
            source: e,
        });
    }
    std::fs::remove_dir_all(&old).at(&old)
}

/// What one plan leaves for the catalogue-wide files once its own files are written.
pub(crate) struct PlanOutput {
    summary: DatasetSummary,
    /// Each file of the dataset folder, `package.json` included: name, bytes, SHA-256.
    files: Vec<(String, u64, String)>,
    /// Where the dataset's DCAT description, pretty-printed as an element of the catalogue's
    /// list, was set aside in the writer's [`Spool`].
    dcat: std::ops::Range<u64>,
}

/// What the catalogue-wide files were written from.
pub(crate) struct Finished {
    /// The datasets, sorted by name.
    pub(crate) summaries: Vec<DatasetSummary>,
    /// Every file written (relative path → bytes, sha256), the manifest excepted.
    pub(crate) files: BTreeMap<String, (u64, String)>,
}

/// Writes a folder being built: each plan's dataset folder (from any thread, in any order),
/// then the catalogue-wide files.
pub(crate) struct DistWriter<'a> {
    publisher: &'a Publisher,
    profile: &'a dyn Profile,
    root: &'a Path,
    /// The datasets' DCAT entries, until `catalog.jsonld` is written.
    spool: Spool,
}

/// Texts set aside in a file of the folder being built as plans are written (from any thread),
/// and read back once at the end in the order the catalogue-wide files need: at 10,000 plans,
/// holding the DCAT entries in memory instead took about 130 MB. The file is removed once read.
struct Spool {
    path: PathBuf,
    file: std::sync::Mutex<(std::fs::File, u64)>,
}

impl Spool {
    fn create(path: PathBuf) -> std::io::Result<Self> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)?;
        Ok(Spool {
            path,
            file: std::sync::Mutex::new((file, 0)),
        })
    }

    /// The file and where its texts end.
    fn lock(&self) -> std::io::Result<std::sync::MutexGuard<'_, (std::fs::File, u64)>> {
        self.file
            .lock()
            .map_err(|_| std::io::Error::other("a worker failed while writing the spool"))
    }

    /// Appends `bytes`; returns where they are.
    fn put(&self, bytes: &[u8]) -> std::io::Result<std::ops::Range<u64>> {
        use std::io::{Seek, SeekFrom};
        let mut guard = self.lock()?;
        let (file, end) = &mut *guard;
        // After a `get` the file's position is wherever that read ended.
        file.seek(SeekFrom::Start(*end))?;
        file.write_all(bytes)?;
        let start = *end;
        *end += bytes.len() as u64;
        Ok(start..*end)
    }

    /// Reads back what [`Spool::put`] wrote at `at`.
    fn get(&self, at: &std::ops::Range<u64>) -> std::io::Result<Vec<u8>> {
        use std::io::{Read, Seek, SeekFrom};
        let mut guard = self.lock()?;
        let (file, _) = &mut *guard;
        file.seek(SeekFrom::Start(at.start))?;
        let len = usize::try_from(at.end - at.start).map_err(std::io::Error::other)?;
        let mut buf = vec![0; len];
        file.read_exact(&mut buf)?;
        Ok(buf)
    }
}

impl<'a> DistWriter<'a> {
    /// A writer into the empty folder `root`.
    pub(crate) fn new(
        publisher: &'a Publisher,
        profile: &'a dyn Profile,
        root: &'a Path,
    ) -> Result<Self, Error> {
        let spool_path = root.join(".dcat-entries");
        let spool = Spool::create(spool_path.clone()).at(&spool_path)?;
        Ok(DistWriter {
            publisher,
            profile,
            root,
            spool,
        })
    }

    /// Writes the dataset folder of one valid plan (`view`), its `package.json` included;
    /// returns what the catalogue-wide files need of it, and the dataset as written.
    pub(crate) fn plan(&self, view: &PlanView) -> Result<(PlanOutput, BuiltDataset), Error> {
        let plan = view.plan;
        let dataset = write_dataset(self.publisher, view, self.profile, self.root)?;
        let path = self
            .root
            .join("datasets")
            .join(&dataset.name)
            .join("package.json");
        let bytes = resources::pretty_json(&dataset.package);
        std::fs::write(&path, &bytes).at(&path)?;
        let package_file = (bytes.len() as u64, resources::sha256_hex(&bytes));
        let datastore_file = match &dataset.datastore {
            Some(spec) => {
                let path = path.with_file_name(DATASTORE_FILE);
                let bytes = resources::pretty_json(spec);
                std::fs::write(&path, &bytes).at(&path)?;
                Some((bytes.len() as u64, resources::sha256_hex(&bytes)))
            }
            None => None,
        };
        let dcat = dcat_element(&dcat::dataset(self.publisher, self.profile, plan, &dataset));
        let dcat = self.spool.put(&dcat).at(&self.spool.path)?;
        let mut files: Vec<(String, u64, String)> = dataset
            .files
            .iter()
            .map(|f| (f.file.clone(), f.bytes, f.sha256.clone()))
            .collect();
        files.push(("package.json".to_string(), package_file.0, package_file.1));
        if let Some((bytes, sha256)) = datastore_file {
            files.push((DATASTORE_FILE.to_string(), bytes, sha256));
        }
        let summary = DatasetSummary {
            name: dataset.name.clone(),
            plan_id: dataset.plan_id.clone(),
        };
        Ok((
            PlanOutput {
                summary,
                files,
                dcat,
            },
            dataset,
        ))
    }

    /// Writes `catalog.jsonld` and `manifest.json` once every plan is written.
    pub(crate) fn finish(self, mut outputs: Vec<PlanOutput>) -> Result<Finished, Error> {
        outputs.sort_by(|a, b| a.summary.name.cmp(&b.summary.name));
        let root = self.root;
        let mut files = BTreeMap::new();
        let mut entries = Vec::with_capacity(outputs.len());
        let mut summaries = Vec::with_capacity(outputs.len());
        for o in outputs {
            for (file, bytes, sha256) in o.files {
                files.insert(
                    format!("datasets/{}/{file}", o.summary.name),
                    (bytes, sha256),
                );
            }
            entries.push(o.dcat);
            summaries.push(o.summary);
        }
        let dcat_file = "catalog.jsonld";
        let path = root.join(dcat_file);
        let spool = &self.spool;
        let spooled = entries.iter().map(|at| spool.get(at));
        let f = write_dcat_catalog(&path, self.publisher, self.profile, spooled).at(&path)?;
        files.insert(dcat_file.to_string(), f);
        std::fs::remove_file(&spool.path).at(&spool.path)?;
        write_manifest(root, &summaries, &files)?;
        Ok(Finished { summaries, files })
    }
}

/// A DCAT dataset as it waits in the spool: compact JSON.
fn dcat_element(value: &serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

/// The DCAT catalogue with its datasets read from the spool one at a time while it is
/// written, so the whole document is never held as one value.
struct DcatCatalog<I> {
    /// The catalogue with an empty dataset list.
    empty: serde_json::Value,
    elements: std::cell::RefCell<Option<I>>,
}

impl<I: Iterator<Item = std::io::Result<Vec<u8>>>> serde::Serialize for DcatCatalog<I> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeMap, SerializeSeq};
        struct Datasets<'c, I>(&'c std::cell::RefCell<Option<I>>);
        impl<I: Iterator<Item = std::io::Result<Vec<u8>>>> serde::Serialize for Datasets<'_, I> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut seq = s.serialize_seq(None)?;
                for element in self.0.borrow_mut().take().into_iter().flatten() {
                    let bytes = element.map_err(S::Error::custom)?;
                    let value: serde_json::Value =
                        serde_json::from_slice(&bytes).map_err(S::Error::custom)?;
                    seq.serialize_element(&value)?;
                }
                seq.end()
            }
        }
        let Some(members) = self.empty.as_object() else {
            return Err(S::Error::custom("the DCAT catalogue is not an object"));
        };
        let mut map = s.serialize_map(Some(members.len()))?;
        for (k, v) in members {
            if k == "dcat:dataset" {
                map.serialize_entry(k, &Datasets(&self.elements))?;
            } else {
                map.serialize_entry(k, v)?;
            }
        }
        map.end()
    }
}

/// Writes `catalog.jsonld` with the datasets' elements, in the order given.
fn write_dcat_catalog(
    path: &Path,
    publisher: &Publisher,
    profile: &dyn Profile,
    elements: impl Iterator<Item = std::io::Result<Vec<u8>>>,
) -> std::io::Result<(u64, String)> {
    let catalog = DcatCatalog {
        empty: dcat::catalog_of(publisher, profile, Vec::new()),
        elements: std::cell::RefCell::new(Some(elements)),
    };
    resources::write_pretty(path, &catalog)
}

fn write_manifest(
    root: &Path,
    datasets: &[DatasetSummary],
    files: &BTreeMap<String, (u64, String)>,
) -> Result<(), Error> {
    let path = root.join("manifest.json");
    std::fs::write(&path, manifest_bytes(datasets, files)).at(&path)
}

/// The hash of dataset `name` in the manifest: the SHA-256 of its files' hashes and names, one
/// `<sha256>  <file>` line each (`package.json` included), so that equal hashes mean nothing of
/// the dataset changed.
fn dataset_hash(name: &str, files: &BTreeMap<String, (u64, String)>) -> String {
    let prefix = format!("datasets/{name}/");
    let listing: String = files
        .range(prefix.clone()..)
        .take_while(|(k, _)| k.starts_with(&prefix))
        .map(|(k, (_, h))| format!("{h}  {}\n", &k[prefix.len()..]))
        .collect();
    resources::sha256_hex(listing.as_bytes())
}

/// `manifest.json`: each dataset's plan and hash, each file's size and hash, the generator.
/// `datasets` are sorted by name.
fn manifest_bytes(datasets: &[DatasetSummary], files: &BTreeMap<String, (u64, String)>) -> Vec<u8> {
    #[derive(serde::Serialize)]
    struct Manifest<'a> {
        datasets: BTreeMap<&'a str, DatasetEntry<'a>>,
        files: BTreeMap<&'a str, FileEntry<'a>>,
        generator: &'static str,
    }
    #[derive(serde::Serialize)]
    struct DatasetEntry<'a> {
        plan: &'a str,
        sha256: String,
    }
    #[derive(serde::Serialize)]
    struct FileEntry<'a> {
        bytes: u64,
        sha256: &'a str,
    }
    let manifest = Manifest {
        datasets: datasets
            .iter()
            .map(|ds| {
                let entry = DatasetEntry {
                    plan: &ds.plan_id,
                    sha256: dataset_hash(&ds.name, files),
                };
                (ds.name.as_str(), entry)
            })
            .collect(),
        files: files
            .iter()
            .map(|(k, (bytes, sha256))| {
                let entry = FileEntry {
                    bytes: *bytes,
                    sha256,
                };
                (k.as_str(), entry)
            })
            .collect(),
        generator: concat!("ogp-publish ", env!("CARGO_PKG_VERSION")),
    };
    resources::pretty_json(&manifest)
}

fn info(file: &str, title: &str, description: &str, role: ResourceRole) -> TableInfo {
    TableInfo {
        file: file.to_string(),
        title: title.to_string(),
        description: description.to_string(),
        role,
    }
}

fn write_dataset<'a>(
    publisher: &Publisher,
    view: &PlanView<'a>,
    profile: &dyn Profile,
    root: &Path,
) -> Result<BuiltDataset, Error> {
    let plan = view.plan;
    let lang = profile.lang();
    let n = names(lang);
    let meta = plan.dataset.merged_over(&publisher.dataset);
    let name = dataset_name(plan, &meta).value;
    let dir = root.join("datasets").join(&name);
    std::fs::create_dir_all(&dir).at(&dir)?;
    let io = |e: std::io::Error| Error::Io {
        path: dir.clone(),
        source: e,
    };

    let cfields = commitment_fields(plan);
    let mfields = milestone_fields(plan);
    let c_cols: Vec<CommitmentCol> = cfields
        .iter()
        .map(|f| CommitmentCol::of(plan, &f.key))
        .collect();
    let m_cols: Vec<MilestoneCol> = mfields
        .iter()
        .map(|f| MilestoneCol::of(plan, &f.key))
        .collect();
    let mut commitments = view.commitments.iter();
    let c_rows = |row: &mut Vec<Value<'a>>| {
        commitments.next().is_some_and(|c| {
            let p = view.progress_of(c);
            row.extend(c_cols.iter().map(|col| commitment_cell(plan, c, p, *col)));
            true
        })
    };
    let mut milestones = view.milestones.iter();
    let m_rows = |row: &mut Vec<Value<'a>>| {
        milestones.next().is_some_and(|m| {
            row.extend(m_cols.iter().map(|col| milestone_cell(plan, m, *col)));
            true
        })
    };
    let bom = profile.csv_bom();
    let t = |fr: &str, en: &str| lang.pick(fr, en).to_string();
    let c_desc = t(
        "Un enregistrement par engagement du plan, avec le nombre de jalons et la progression calculés à partir des jalons.",
        "One record per commitment of the plan, with the number of milestones and the progress computed from the milestones.",
    );
    let m_desc = t(
        "Un enregistrement par jalon, avec son engagement, ses dates et son statut.",
        "One record per milestone, with its commitment, dates and status.",
    );
    let file = |stem: &str, ext: &str| format!("{stem}.{ext}");
    let mut files = Vec::new();
    let c_csv = file(n.commitments, "csv");
    let m_csv = file(n.milestones, "csv");
    let d_csv = file(n.dictionary, "csv");
    let (csv, json) = resources::write_table(
        &dir,
        (
            info(
                &c_csv,
                &t("Engagements (CSV)", "Commitments (CSV)"),
                &c_desc,
                ResourceRole::Data,
            ),
            info(
                &file(n.commitments, "json"),
                &t("Engagements (JSON)", "Commitments (JSON)"),
                &c_desc,
                ResourceRole::Data,
            ),
        ),
        &cfields,
        lang,
        bom,
        c_rows,
    )
    .map_err(io)?;
    files.extend([csv, json]);
    let (csv, json) = resources::write_table(
        &dir,
        (
            info(
                &m_csv,
                &t("Jalons (CSV)", "Milestones (CSV)"),
                &m_desc,
                ResourceRole::Data,
            ),
            info(
                &file(n.milestones, "json"),
                &t("Jalons (JSON)", "Milestones (JSON)"),
                &m_desc,
                ResourceRole::Data,
            ),
        ),
        &mfields,
        lang,
        bom,
        m_rows,
    )
    .map_err(io)?;
    files.extend([csv, json]);
    files.push(write_plan_json(view, &cfields, &mfields, lang, &n, &dir).map_err(io)?);
    let tables: [(&str, &[Field]); 3] = [
        (n.commitments, &cfields),
        (n.milestones, &mfields),
        ("plan", PLAN_FIELDS),
    ];
    files.push(
        resources::write_csv(
            &dir,
            info(
                &d_csv,
                &t("Dictionnaire de données", "Data dictionary"),
                &t(
                    "Chaque colonne des fichiers CSV et JSON, et chaque membre propre au plan dans plan.json : nom, type, libellés et définitions en français et en anglais, exemple.",
                    "Every column of the CSV and JSON files, and every member of plan.json that is the plan's own: name, type, labels and definitions in French and English, example.",
                ),
                ResourceRole::Documentation,
            ),
            DICTIONARY_FIELDS,
            lang,
            bom,
            resources::dictionary_rows(&tables, lang),
        )
        .map_err(io)?,
    );
    let title = meta
        .title
        .as_ref()
        .map_or_else(|| plan.title.value.clone(), |t| t.value.clone());
    let notes = meta
        .notes
        .as_ref()
        .map(|n| n.value.clone())
        .or_else(|| plan.description.clone())
        .unwrap_or_default();
    let datapackage = datapackage(&name, &meta, &files, &n, &cfields, &mfields, lang, bom);
    files.push(
        resources::write_json_value(
            &dir,
            info(
                "datapackage.json",
                &t("Métadonnées Frictionless (Data Package)", "Frictionless metadata (Data Package)"),
                &t(
                    "Description normalisée des fichiers CSV (schémas de table, clés, empreintes) pour les outils Frictionless.",
                    "Standard description of the CSV files (table schemas, keys, hashes) for Frictionless tools.",
                ),
                ResourceRole::Documentation,
            ),
            &datapackage,
        )
        .map_err(io)?,
    );
    let temporal = match (&plan.start, &plan.end) {
        (Some(s), Some(e)) => Some(format!("{}/{}", s.value.first_day(), e.value.last_day())),
        _ => None,
    };
    let package = profile.package(&PackageInput {
        publisher,
        plan,
        meta: &meta,
        name: &name,
        title: &title,
        notes: &notes,
        temporal,
        files: &files,
    });
    let datastore =
        (plan.datastore.unwrap_or(publisher.datastore) == DatastoreMode::Auto).then(|| {
            let spec = datastore::Spec {
                dictionary: d_csv.clone(),
                tables: vec![
                    datastore::table(c_csv.clone(), &cfields, lang),
                    datastore::table(m_csv.clone(), &mfields, lang),
                ],
            };
            serde_json::to_value(spec).expect("a DataStore spec is plain JSON")
        });
    Ok(BuiltDataset {
        name,
        plan_id: plan.id.clone(),
        package,
        files,
        datastore,
    })
}

#[allow(clippy::too_many_arguments)]
fn datapackage(
    name: &str,
    meta: &crate::model::DatasetMeta,
    files: &[FileFacts],
    n: &Names,
    cfields: &[Field],
    mfields: &[Field],
    lang: Lang,
    bom: bool,
) -> serde_json::Value {
    let find = |stem: &str| files.iter().find(|f| f.file == format!("{stem}.csv"));
    let mut resources_json = Vec::new();
    let m_commitment = mfields
        .iter()
        .find(|f| f.key == "commitment_id")
        .map(|f| f.name(lang).to_string())
        .unwrap_or_default();
    type Entry<'a> = (&'a str, &'a [Field], Option<(&'a str, &'a str)>);
    let entries: [Entry; 3] = [
        (n.commitments, cfields, None),
        (
            n.milestones,
            mfields,
            Some((m_commitment.as_str(), n.commitments)),
        ),
        (n.dictionary, DICTIONARY_FIELDS, None),
    ];
    for (stem, fields, fk) in entries {
        if let Some(f) = find(stem) {
            let schema = resources::table_schema(fields, lang, fk);
            resources_json.push(resources::package_resource(stem, f, bom, schema));
        }
    }
    // Only what describes the files: titles, descriptions and tags live in the package dict, so
    // editing them is a metadata change on the portal and never re-uploads a file.
    let mut pkg = json!({
        "profile": "tabular-data-package",
        "name": name,
        "resources": resources_json,
    });
    if let Some(l) = meta.license_id.as_ref() {
        let (spdx, url, ltitle) = crate::dataset::license(&l.value);
        pkg["licenses"] = json!([{ "name": spdx, "path": url, "title": ltitle }]);
    }
    pkg
}

/// True for the columns of a record that `plan.json` shows: the plan and the commitment are
/// where the record sits.
fn shown_in_plan_json(f: &Field) -> bool {
    f.key != "plan" && f.key != "commitment_id"
}

/// `cols` in the byte order of their names, as serde_json prints a map's members; of columns
/// of the same name, the later one.
fn by_name<C>(cols: Vec<(&str, C)>) -> Vec<(&str, C)> {
    let mut last: BTreeMap<&str, C> = BTreeMap::new();
    for (name, c) in cols {
        last.insert(name, c);
    }
    last.into_iter().collect()
}

/// `plan.json`: the plan's own members and then its commitments, each with its milestones. It is
/// serialised as it is walked, one commitment at a time, so the nested file never exists whole
/// in memory; the cells it shows are observed into `facts` on the way (Données Québec's
/// `relidi_*` answers).
struct PlanDoc<'v, 'a> {
    view: &'v PlanView<'a>,
    head: Map<String, serde_json::Value>,
    commitments_key: &'static str,
    /// A commitment's members in the order printed: each shown column (its field and
    /// column), and `None` for the milestones array, which wins over a column of its name.
    c_cols: Vec<(&'v str, Option<(&'v Field, CommitmentCol)>)>,
    /// A milestone's shown columns in the order printed.
    m_cols: Vec<(&'v str, (&'v Field, MilestoneCol))>,
    /// Each commitment's milestones, as indexes into `view.milestones`, in table order.
    by_commitment: Vec<Vec<usize>>,
    facts: std::cell::RefCell<profile::CellFacts>,
}

/// One member of a commitment's object in `plan.json`.
enum Member<'v, 'a> {
    Cell(Value<'a>),
    Milestones(&'v [usize]),
}

impl serde::Serialize for PlanDoc<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        // The plan's own members in byte order, then its commitments, last.
        let mut map = s.serialize_map(None)?;
        for (k, v) in &self.head {
            map.serialize_entry(k, v)?;
        }
        map.serialize_entry(self.commitments_key, &Commitments(self))?;
        map.end()
    }
}

struct Commitments<'d, 'v, 'a>(&'d PlanDoc<'v, 'a>);

impl serde::Serialize for Commitments<'_, '_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let doc = self.0;
        let plan = doc.view.plan;
        s.collect_seq(doc.view.commitments.iter().enumerate().map(|(ci, c)| {
            let progress = doc.view.progress_of(c);
            let mut facts = doc.facts.borrow_mut();
            let members = doc.c_cols.iter().map(|(name, col)| match col {
                Some((f, col)) => {
                    let v = commitment_cell(plan, c, progress, *col);
                    facts.observe(f.kind, &v);
                    (*name, Member::Cell(v))
                }
                None => (*name, Member::Milestones(&doc.by_commitment[ci])),
            });
            Object(members.collect(), doc)
        }))
    }
}

/// A commitment's or a milestone's object.
struct Object<'d, 'v, 'a>(Vec<(&'v str, Member<'v, 'a>)>, &'d PlanDoc<'v, 'a>);

impl serde::Serialize for Object<'_, '_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let doc = self.1;
        s.collect_map(
            self.0
                .iter()
                .map(|(k, member)| (*k, MemberValue(member, doc))),
        )
    }
}

struct MemberValue<'m, 'd, 'v, 'a>(&'m Member<'v, 'a>, &'d PlanDoc<'v, 'a>);

impl serde::Serialize for MemberValue<'_, '_, '_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let doc = self.1;
        match self.0 {
            Member::Cell(v) => v.serialize(s),
            Member::Milestones(rows) => s.collect_seq(rows.iter().map(|&row| {
                let m = doc.view.milestones[row];
                let mut facts = doc.facts.borrow_mut();
                let cells = doc.m_cols.iter().map(|(name, (f, col))| {
                    let v = milestone_cell(doc.view.plan, m, *col);
                    facts.observe(f.kind, &v);
                    (*name, Member::Cell(v))
                });
                Object(cells.collect(), doc)
            })),
        }
    }
}

/// Writes `plan.json`.
fn write_plan_json(
    view: &PlanView,
    cfields: &[Field],
    mfields: &[Field],
    lang: Lang,
    n: &Names,
    dir: &Path,
) -> std::io::Result<FileFacts> {
    let plan = view.plan;
    let t = |fr: &'static str, en: &'static str| lang.pick(fr, en).to_string();
    let opt = |v: &Option<String>| v.clone().map_or(serde_json::Value::Null, Into::into);
    let date = |v: Option<crate::model::PartialDate>| {
        v.map_or(serde_json::Value::Null, |d| d.to_string().into())
    };
    let mut head = Map::new();
    head.insert("id".into(), plan.id.clone().into());
    head.insert(t("titre", "title"), plan.title.value.clone().into());
    head.insert(t("titre_en", "title_en"), opt(&plan.title_en));
    head.insert(t("sous_titre", "subtitle"), opt(&plan.subtitle));
    head.insert(t("membre", "member"), opt(&plan.member));
    head.insert(
        t("debut", "start"),
        date(plan.start.as_ref().map(|s| s.value)),
    );
    head.insert(t("fin", "end"), date(plan.end.as_ref().map(|s| s.value)));
    head.insert(
        t("date_soumission", "submitted_on"),
        date(plan.submitted_on),
    );
    head.insert("url".into(), opt(&plan.url));
    head.insert("description".into(), opt(&plan.description));
    head.insert(
        t("defis", "challenges"),
        plan.challenges
            .iter()
            .map(|c| json!({ "id": c.id, t("titre", "title"): c.title }))
            .collect::<Vec<_>>()
            .into(),
    );
    let all: Vec<Field> = cfields.iter().chain(mfields).cloned().collect();
    let mut facts = profile::CellFacts::for_fields(&all);
    // The plan's own dates are cells of this file too: its `relidi_condon_datheu` answer must
    // hold for them as well.
    let plan_start = plan.start.as_ref().map(|s| s.value);
    let plan_end = plan.end.as_ref().map(|s| s.value);
    for d in [plan_start, plan_end, plan.submitted_on]
        .into_iter()
        .flatten()
    {
        facts.observe(crate::fields::Kind::Date, &Value::Date(d));
    }
    let row_of: HashMap<&str, usize> = view
        .commitments
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let mut by_commitment = vec![Vec::new(); view.commitments.len()];
    for (row, m) in view.milestones.iter().enumerate() {
        if let Some(&ci) = row_of.get(m.commitment_id.as_str()) {
            by_commitment[ci].push(row);
        }
    }
    let doc = PlanDoc {
        view,
        head,
        commitments_key: n.plan_key_commitments,
        c_cols: by_name(
            cfields
                .iter()
                .filter(|f| shown_in_plan_json(f))
                .map(|f| (f.name(lang), Some((f, CommitmentCol::of(plan, &f.key)))))
                .chain([(n.plan_key_milestones, None)])
                .collect(),
        ),
        m_cols: by_name(
            mfields
                .iter()
                .filter(|f| shown_in_plan_json(f))
                .map(|f| (f.name(lang), (f, MilestoneCol::of(plan, &f.key))))
                .collect(),
        ),
        by_commitment,
        facts: std::cell::RefCell::new(facts),
    };
    let (bytes, sha256) = resources::write_pretty(&dir.join("plan.json"), &doc)?;
    Ok(FileFacts {
        file: "plan.json".into(),
        title: t("Plan complet (JSON)", "Whole plan (JSON)"),
        description: t(
            "Le plan, ses défis, ses engagements et leurs jalons, imbriqués.",
            "The plan, its challenges, its commitments and their milestones, nested.",
        ),
        format: "JSON",
        mimetype: "application/json",
        role: ResourceRole::Data,
        bytes,
        sha256,
        cells: Some(doc.facts.into_inner()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{Ckan, DonneesQuebec};
    use serde_json::json;

    #[test]
    fn spooled_dcat_catalogue_equals_the_whole_value_printed() {
        let publisher = Publisher {
            organization: crate::model::Sp::new("org \"x\"\nname".to_string()),
            ..Publisher::default()
        };
        let entry = |i: u32| {
            json!({
                "@id": format!("datasets/d{i}/"),
                "dct:title": { "@value": "Titre « a »\n\"b\" \\ c", "@language": "fr" },
                "dcat:distribution": [{ "dcat:byteSize": i, "list": [], "obj": {} }],
                "dcat:dataset": [],
            })
        };
        for profile in [&Ckan as &dyn Profile, &DonneesQuebec] {
            for n in [0, 1, 3] {
                let values: Vec<serde_json::Value> = (0..n).map(entry).collect();
                let elements: Vec<Vec<u8>> = values.iter().map(dcat_element).collect();
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("catalog.jsonld");
                let (bytes, sha256) =
                    write_dcat_catalog(&path, &publisher, profile, elements.into_iter().map(Ok))
                        .unwrap();
                // serde_json's own print of the whole value, with the file's final newline.
                let mut expected =
                    serde_json::to_vec_pretty(&dcat::catalog_of(&publisher, profile, values))
                        .unwrap();
                expected.push(b'\n');
                let written = std::fs::read(&path).unwrap();
                assert_eq!(
                    String::from_utf8_lossy(&written),
                    String::from_utf8_lossy(&expected)
                );
                assert_eq!(bytes, expected.len() as u64);
                assert_eq!(sha256, resources::sha256_hex(&expected));
            }
        }
    }

    #[test]
    fn spooled_texts_come_back_as_put_from_any_thread_in_any_order() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::create(dir.path().join("spool")).unwrap();
        let text = |t: usize, i: usize| format!("{t}:{i}:{}", "é".repeat(i % 7)).into_bytes();
        let placed: Vec<Vec<(Vec<u8>, std::ops::Range<u64>)>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..3)
                .map(|t| {
                    let spool = &spool;
                    scope.spawn(move || {
                        (0..50)
                            .map(|i| (text(t, i), spool.put(&text(t, i)).unwrap()))
                            .collect()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut all: Vec<_> = placed.into_iter().flatten().collect();
        // Read back in another order than written, with writes between the reads.
        all.sort_by(|a, b| b.0.cmp(&a.0));
        for (i, (bytes, at)) in all.iter().enumerate() {
            assert_eq!(&spool.get(at).unwrap(), bytes);
            if i % 10 == 0 {
                let late = format!("late {i}").into_bytes();
                let late_at = spool.put(&late).unwrap();
                assert_eq!(spool.get(&late_at).unwrap(), late);
            }
        }
        // Nothing overlaps: the ranges of the first puts tile the start of the file.
        let mut ranges: Vec<_> = all.iter().map(|(_, at)| at.clone()).collect();
        ranges.sort_by_key(|r| r.start);
        assert_eq!(ranges[0].start, 0);
        assert!(ranges.windows(2).all(|w| w[0].end == w[1].start));
    }
}
