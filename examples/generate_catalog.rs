//! Writes a synthetic, valid catalogue of any size, for benchmarks.
//!
//! ```sh
//! cargo run --release --example generate_catalog -- --plans 1000 --out target/bench/catalog-1000
//! ```
//!
//! Defaults: 50 commitments per plan and 20 milestones per commitment, so `--plans 1000` gives
//! 1,000 plans, 50,000 commitments and 1,000,000 milestones. The catalogue uses the
//! `donneesquebec` profile (the shape of `catalog/publisher.toml`), French text with accents,
//! commas, double quotes and line breaks inside cells, valid dates (`YYYY-MM-DD` or `YYYY-MM`,
//! never an end before its start), every status, a `completed_on` exactly when a milestone is
//! completed, and a unique dataset name per plan. CSV files are written like a spreadsheet's
//! « CSV UTF-8 »: byte-order mark and CRLF line ends. `--undated-completions` gives instead a
//! catalogue where most milestones draw a warning (completed, no `completed_on`, the lint at
//! `warn`).
//!
//! The same arguments always give byte-identical files: each plan draws from its own random
//! stream derived from `--seed` and the plan's number, and nothing depends on the clock or on
//! the machine. Rows are streamed to disk through buffered writers; no plan is held in memory.
//!
//! `--out` must be absent, empty, or a catalogue this program wrote (it is then replaced).

use chrono::{Datelike, NaiveDate};
use clap::Parser;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The file that marks a folder as written by this program (the loader ignores it).
const MARKER: &str = "GENERATED-BY-generate_catalog.txt";

#[derive(Parser, Debug)]
#[command(about = "Write a synthetic, valid ogp-publish catalogue (deterministic for a seed)")]
struct Args {
    /// Number of plans (one dataset each).
    #[arg(long, default_value_t = 1000)]
    plans: u32,
    /// Commitments in each plan.
    #[arg(long, default_value_t = 50)]
    commitments_per_plan: u32,
    /// Milestones of each commitment.
    #[arg(long, default_value_t = 20)]
    milestones_per_commitment: u32,
    /// Random seed: the same seed gives the same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// A catalogue where most rows draw a warning: 70 % of milestones completed, none with a
    /// `completed_on`, and each plan's `[lints]` setting `completed-without-date = "warn"`.
    #[arg(long)]
    undated_completions: bool,
    /// Output folder (created; replaced only when this program wrote it).
    #[arg(long)]
    out: PathBuf,
}

/// SplitMix64: tiny, fast and fully specified here, so outputs never change with a crate update.
struct Rng(u64);

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// An independent stream for `(seed, stream)`.
    fn new(seed: u64, stream: u64) -> Self {
        Rng(mix(seed.wrapping_add(0x9E37_79B9_7F4A_7C15))
            ^ mix(stream.wrapping_add(0x5851_F42D_4C95_7F2D)))
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

// ------------------------------------------------------------------------------------ vocabulary

/// Members (governments), with the code used in commitment ids.
const MEMBERS: &[(&str, &str)] = &[
    ("Québec, Canada", "CAQUE"),
    ("Montréal, Canada", "CAMTL"),
    ("Sherbrooke, Canada", "CASHE"),
    ("Gatineau, Canada", "CAGAT"),
    ("Trois-Rivières, Canada", "CATRR"),
    ("Lévis, Canada", "CALEV"),
    ("Nouveau-Brunswick, Canada", "CANBR"),
    ("Île-de-France, France", "FRIDF"),
    ("Grenoble, France", "FRGRE"),
    ("Côte d'Ivoire", "CIV"),
    ("Sénégal", "SEN"),
    ("Bénin", "BEN"),
    ("Maroc", "MAR"),
    ("Tunisie", "TUN"),
    ("Burkina Faso", "BFA"),
    ("Genève, Suisse", "CHGEN"),
    ("Wallonie, Belgique", "BEWAL"),
];

/// Verbs, French and English.
const VERBS: &[(&str, &str)] = &[
    ("Publier", "Publish"),
    ("Améliorer", "Improve"),
    ("Créer", "Create"),
    ("Mettre en ligne", "Put online"),
    ("Élaborer", "Draw up"),
    ("Renforcer", "Strengthen"),
    ("Évaluer", "Assess"),
    ("Déployer", "Roll out"),
    ("Réviser", "Revise"),
    ("Diffuser", "Disseminate"),
    ("Simplifier", "Simplify"),
    ("Documenter", "Document"),
    ("Ouvrir", "Open"),
    ("Recenser", "Inventory"),
    ("Harmoniser", "Harmonise"),
    ("Faire connaître", "Promote"),
];

/// Objects, French and English.
const OBJECTS: &[(&str, &str)] = &[
    (
        "les données sur les contrats publics",
        "public contract data",
    ),
    (
        "un répertoire des consultations publiques",
        "a register of public consultations",
    ),
    (
        "la plateforme « Consultation Québec »",
        "the \"Consultation Québec\" platform",
    ),
    (
        "un guide d'accès à l'information",
        "an access-to-information guide",
    ),
    (
        "les budgets détaillés des ministères et organismes",
        "detailed budgets of ministries and agencies",
    ),
    (
        "un tableau de bord des engagements",
        "a commitments dashboard",
    ),
    ("le registre des lobbyistes", "the lobbyists registry"),
    (
        "une communauté de pratique en participation publique",
        "a community of practice in public participation",
    ),
    ("les jeux de données géospatiales", "geospatial datasets"),
    (
        "le processus de microacquisition",
        "the micro-procurement process",
    ),
    (
        "les déclarations d'intérêts des élus",
        "elected officials' declarations of interest",
    ),
    (
        "un cadre éthique pour l'intelligence artificielle",
        "an ethical framework for artificial intelligence",
    ),
    (
        "les rapports du Mécanisme d'évaluation indépendant",
        "the Independent Reporting Mechanism reports",
    ),
    ("la politique de libre accès", "the open access policy"),
    (
        "les subventions accordées aux organismes communautaires",
        "grants to community organisations",
    ),
    (
        "les procès-verbaux des conseils municipaux",
        "minutes of municipal councils",
    ),
    (
        "un inventaire des algorithmes publics",
        "an inventory of public algorithms",
    ),
    (
        "les réponses aux demandes d'accès",
        "answers to access requests",
    ),
    ("les données de qualité de l'eau", "water quality data"),
    (
        "le code source des logiciels de l'État",
        "the source code of government software",
    ),
];

/// Endings of titles: some with commas, quotes or parentheses.
const QUALIFIERS: &[&str] = &[
    "",
    "",
    "",
    " en format ouvert",
    " pour les citoyennes et citoyens",
    " avec la société civile",
    " dans toutes les régions",
    " d'ici la fin du plan",
    " en français et en anglais",
    " pour les employés de l'État",
    ", en collaboration avec les universités",
    ", selon le principe \"ouvert par défaut\"",
    " (phase 1, 2 et 3)",
    " : bilan, leçons apprises et suites",
    ", y compris les « données de référence »",
    " à l'échelle municipale; volet « jeunesse »",
];

const INSTITUTIONS: &[&str] = &[
    "Secrétariat du Conseil du trésor",
    "Ministère de la Cybersécurité et du Numérique",
    "Bibliothèque et Archives nationales du Québec",
    "Commission d'accès à l'information",
    "Ministère des Affaires municipales et de l'Habitation",
    "Institut de la statistique du Québec",
    "Fonds de recherche du Québec – Société et culture",
    "Ministère de l'Économie, de l'Innovation et de l'Énergie",
    "Infrastructures technologiques Québec",
    "Ville de Montréal",
    "Ville de Québec",
    "Ministère du Conseil exécutif – Secrétariat à la communication gouvernementale",
    "Centre de recherche en technologies de l'information et affaires",
    "Régie de l'assurance maladie du Québec",
    "Élections Québec",
    "Centre de services scolaire de la Capitale",
];

const DELIVERABLES: &[&str] = &[
    "Rapport public",
    "Jeu de données publié sur Données Québec",
    "Guide d'utilisation, version 1.0",
    "Page web de soutien et FAQ",
    "Tableau de bord \"en temps réel\"",
    "Politique modifiée (embargo retiré)",
    "Formation en ligne; 3 séances",
    "Bilan de la consultation, avec recommandations",
    "Plan de mise en œuvre\nCalendrier détaillé",
    "Code source publié sous licence libre",
    "Rapport d'évaluation\n- constats\n- recommandations",
    "Procès-verbal adopté",
];

const SENTENCES: &[&str] = &[
    "Les personnes consultées ont demandé des données « plus faciles à réutiliser ».",
    "Le comité a qualifié ce chantier de \"prioritaire\", notamment pour les régions éloignées.",
    "Les travaux s'appuient sur les normes internationales, dont la Charte des données ouvertes.",
    "Un bilan d'étape sera présenté au Forum en gouvernement ouvert, puis publié.",
    "Les organismes partenaires fourniront les données, les métadonnées et la documentation.",
    "La démarche tient compte de la Loi sur l'accès aux documents des organismes publics.",
    "Les résultats seront diffusés en français; une synthèse en anglais suivra.",
    "Le projet prévoit trois étapes : diagnostic, expérimentation et déploiement.",
    "Les coûts, estimés à 90 000 $, sont assumés à même les budgets existants.",
    "Des ateliers auront lieu à Québec, à Montréal et à Rimouski.",
];

const PROBLEMS: &[&str] = &[
    "L'information publique est dispersée entre plusieurs sites, ce qui nuit à sa réutilisation.",
    "Les citoyennes et citoyens connaissent mal les occasions de participer aux décisions publiques.",
    "Les données sont publiées dans des formats fermés (PDF, images), difficiles à analyser.",
    "Les délais de réponse aux demandes d'accès dépassent souvent 20 jours.",
    "Les employés de l'État manquent d'outils pour consulter la population « en ligne ».",
    "Les décisions d'attribution des subventions sont peu documentées.",
];

const CHALLENGES: &[&str] = &[
    "Renforcer la libre circulation des informations d'intérêt public",
    "Outiller les employés de l'État dans l'amélioration de leurs modes d'intervention publique",
    "Accroître la participation citoyenne, en particulier celle des jeunes",
    "Améliorer la reddition de comptes sur les dépenses publiques",
    "Favoriser l'innovation ouverte et l'usage des logiciels libres",
    "Lutter contre la corruption et renforcer l'intégrité",
];

const TAGS: &[&str] = &[
    "transparence",
    "participation citoyenne",
    "données ouvertes",
    "reddition de comptes",
    "innovation",
    "intégrité",
    "numérique",
    "municipalités",
    "éthique",
    "collaboration",
];

const OGP_VALUES: &[&str] = &[
    "access_to_information",
    "civic_participation",
    "public_accountability",
    "technology_and_innovation",
];

const COMPLETIONS: &[&str] = &[
    "",
    "no_evidence",
    "not_started",
    "limited",
    "substantial",
    "complete",
];

// ------------------------------------------------------------------------------------ helpers

/// `YYYY-MM-DD` most of the time, `YYYY-MM` when "only the month is known".
fn date_text(rng: &mut Rng, d: NaiveDate) -> String {
    if rng.chance(80) {
        format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
    } else {
        format!("{:04}-{:02}", d.year(), d.month())
    }
}

fn add_days(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_add_days(chrono::Days::new(n)).unwrap_or(d)
}

/// A CKAN-safe slug: accents folded, lowercase ASCII words joined by `-`.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let folded = match c {
            'à' | 'â' | 'ä' | 'À' | 'Â' => "a",
            'ç' | 'Ç' => "c",
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' => "e",
            'î' | 'ï' | 'Î' => "i",
            'ô' | 'ö' | 'Ô' => "o",
            'ù' | 'û' | 'ü' => "u",
            'œ' => "oe",
            _ => "",
        };
        if !folded.is_empty() {
            out.push_str(folded);
        } else if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// A TOML basic string.
fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn title(rng: &mut Rng) -> (String, String) {
    let (vf, ve) = rng.pick(VERBS);
    let (of, oe) = rng.pick(OBJECTS);
    let q = rng.pick(QUALIFIERS);
    (format!("{vf} {of}{q}"), format!("{ve} {oe}"))
}

/// A few Markdown paragraphs, sometimes with a list; line breaks inside the cell.
fn description(rng: &mut Rng, out: &mut String) {
    out.clear();
    let paragraphs = rng.range(1, 3);
    for p in 0..paragraphs {
        if p > 0 {
            out.push_str("\n\n");
        }
        // Distinct sentences within a paragraph: a random start and a random stride.
        let n = SENTENCES.len() as u64;
        let (mut at, stride) = (rng.below(n), [1, 3, 7, 9][rng.below(4) as usize]);
        for s in 0..rng.range(2, 3) {
            if s > 0 {
                out.push(' ');
            }
            out.push_str(SENTENCES[at as usize]);
            at = (at + stride) % n;
        }
    }
    if rng.chance(30) {
        out.push_str("\n\nÉtapes prévues :\n");
        for i in 0..rng.range(2, 4) {
            let (vf, _) = rng.pick(VERBS);
            let (of, _) = rng.pick(OBJECTS);
            out.push_str(&format!("- étape {}, {} {of}\n", i + 1, vf.to_lowercase()));
        }
        out.pop();
    }
}

fn institutions(rng: &mut Rng, max: u64) -> String {
    let n = rng.range(1, max);
    let mut v: Vec<&str> = Vec::new();
    for _ in 0..n {
        let i = rng.pick(INSTITUTIONS);
        if !v.contains(&i) {
            v.push(i);
        }
    }
    v.join(";")
}

// ------------------------------------------------------------------------------------ writers

fn csv_writer(path: &Path) -> io::Result<csv::Writer<BufWriter<File>>> {
    let mut file = BufWriter::with_capacity(1 << 16, File::create(path)?);
    // « CSV UTF-8 » as a spreadsheet saves it: byte-order mark, CRLF line ends.
    file.write_all(b"\xEF\xBB\xBF")?;
    Ok(csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(file))
}

fn write_publisher(out: &Path) -> io::Result<()> {
    fs::write(
        out.join("publisher.toml"),
        r#"# Synthetic catalogue written by examples/generate_catalog.rs (for benchmarks).
# Same shape as the bundled catalog/publisher.toml.

# Portal profile: "donneesquebec" (Données Québec's schema) or "ckan" (core CKAN).
profile = "donneesquebec"

[organization]
name = "secretariat-du-conseil-du-tresor"
title = "Secrétariat du Conseil du trésor"

[dataset]
license_id = "cc-by"
language = "FR"
update_frequency = "irregular"
spatial = "quebec"
main_organization = "gouvernement-du-quebec"
author = "Secrétariat du Conseil du trésor"
author_email = "gouvernement.ouvert@mcn.gouv.qc.ca"
url = "https://www.quebec.ca/gouvernement/gouvernement-ouvert"
tags = ["gouvernement ouvert"]
"#,
    )
}

/// Writes one plan folder; returns its numbers of commitments and milestones.
fn write_plan(args: &Args, index: u32, plans_dir: &Path) -> io::Result<(u64, u64)> {
    let mut rng = Rng::new(args.seed, u64::from(index));
    let (member, code) = rng.pick(MEMBERS);
    let start_year = rng.range(2012, 2024) as i32;
    let plan_start = NaiveDate::from_ymd_opt(start_year, rng.range(1, 12) as u32, 1)
        .map(|d| add_days(d, rng.below(28)))
        .unwrap_or_default();
    let plan_end = add_days(plan_start, rng.range(600, 1100));
    let years = format!("{}-{}", plan_start.year(), plan_end.year());
    let member_slug = slug(member);
    let id = format!("plan-{index:05}-{member_slug}");
    let dir = plans_dir.join(&id);
    fs::create_dir_all(&dir)?;

    // plan.toml
    let n_challenges = rng.range(2, 5) as usize;
    let first_challenge = rng.below(CHALLENGES.len() as u64) as usize;
    let mut toml = String::new();
    toml.push_str(&format!(
        "# Synthetic plan {index} written by examples/generate_catalog.rs (seed {}).\n\n",
        args.seed
    ));
    let kv =
        |toml: &mut String, k: &str, v: &str| toml.push_str(&format!("{k} = {}\n", toml_str(v)));
    kv(
        &mut toml,
        "title",
        &format!("Plan d'action pour un gouvernement ouvert {years} — {member} (n° {index})"),
    );
    kv(
        &mut toml,
        "title_en",
        &format!("Open government action plan {years} – {member} (no. {index})"),
    );
    kv(
        &mut toml,
        "subtitle",
        "Pour une administration « ouverte par défaut »",
    );
    kv(&mut toml, "member", member);
    kv(&mut toml, "start", &date_text(&mut rng, plan_start));
    kv(&mut toml, "end", &date_text(&mut rng, plan_end));
    let submitted = plan_start
        .checked_sub_days(chrono::Days::new(rng.range(20, 120)))
        .unwrap_or(plan_start);
    kv(&mut toml, "submitted_on", &date_text(&mut rng, submitted));
    kv(
        &mut toml,
        "url",
        &format!("https://www.opengovpartnership.org/fr/members/{member_slug}/plan-{index:05}/"),
    );
    let mut text = String::new();
    description(&mut rng, &mut text);
    kv(&mut toml, "description", &text);
    for c in 0..n_challenges {
        toml.push_str(&format!(
            "\n[[challenges]]\nid = \"{}\"\ntitle = {}\n",
            c + 1,
            toml_str(CHALLENGES[(first_challenge + c) % CHALLENGES.len()])
        ));
    }
    let name = format!("plan-action-gouvernement-ouvert-{member_slug}-{years}-{index:05}");
    toml.push_str(&format!("\n[dataset]\nname = {}\n", toml_str(&name)));
    let t1 = rng.below(TAGS.len() as u64) as usize;
    let t2 = (t1 + 1 + rng.below(TAGS.len() as u64 - 1) as usize) % TAGS.len();
    toml.push_str(&format!(
        "tags = [{}, {}]\n",
        toml_str(TAGS[t1]),
        toml_str(TAGS[t2])
    ));
    kv(
        &mut toml,
        "methodology",
        "Données synthétiques générées pour les bancs d'essai : aucune valeur n'est réelle.\n\n- Textes, dates et statuts tirés au hasard, avec une graine fixe.",
    );
    if args.undated_completions {
        toml.push_str("\n[lints]\ncompleted-without-date = \"warn\"\n");
    }
    fs::write(dir.join("plan.toml"), toml)?;

    // commitments.csv and milestones.csv, streamed side by side.
    let mut cw = csv_writer(&dir.join("commitments.csv"))?;
    let mut mw = csv_writer(&dir.join("milestones.csv"))?;
    cw.write_record([
        "id",
        "number",
        "title",
        "title_en",
        "challenge",
        "description",
        "problem",
        "lead_institution",
        "other_institutions",
        "ogp_values",
        "start",
        "end",
        "completion",
        "url",
    ])?;
    mw.write_record([
        "id",
        "commitment_id",
        "title",
        "deliverable",
        "start",
        "end",
        "status",
        "completed_on",
        "evidence_url",
    ])?;
    let span = (plan_end - plan_start).num_days().max(1) as u64;
    let mwidth = args.milestones_per_commitment.to_string().len().max(2);
    let (mut commitments, mut milestones) = (0u64, 0u64);
    for j in 1..=args.commitments_per_plan {
        let cid = format!("{code}{index:05}{j:03}");
        let c_start = add_days(plan_start, rng.below(span / 3 + 1));
        let c_end = add_days(c_start, rng.range(90, span));
        let (t_fr, t_en) = title(&mut rng);
        let title_en = if rng.chance(50) { t_en } else { String::new() };
        let challenge = if rng.chance(80) {
            (rng.below(n_challenges as u64) + 1).to_string()
        } else {
            String::new()
        };
        if rng.chance(90) {
            description(&mut rng, &mut text);
        } else {
            text.clear();
        }
        let problem = if rng.chance(60) {
            rng.pick(PROBLEMS).to_string()
        } else {
            String::new()
        };
        let lead = institutions(&mut rng, 2);
        let others = if rng.chance(70) {
            institutions(&mut rng, 3)
        } else {
            String::new()
        };
        let mut values: Vec<&str> = OGP_VALUES
            .iter()
            .copied()
            .filter(|_| rng.chance(40))
            .collect();
        if values.is_empty() && rng.chance(80) {
            values.push(rng.pick(OGP_VALUES));
        }
        let (cs, ce) = if rng.chance(90) {
            (date_text(&mut rng, c_start), date_text(&mut rng, c_end))
        } else {
            (String::new(), String::new())
        };
        let completion = rng.pick(COMPLETIONS);
        let url = if rng.chance(50) {
            format!(
                "https://www.opengovpartnership.org/fr/members/{member_slug}/commitments/{cid}/"
            )
        } else {
            String::new()
        };
        cw.write_record([
            cid.as_str(),
            &j.to_string(),
            &t_fr,
            &title_en,
            &challenge,
            &text,
            &problem,
            &lead,
            &others,
            &values.join(";"),
            &cs,
            &ce,
            completion,
            &url,
        ])?;
        commitments += 1;

        let c_span = (c_end - c_start).num_days().max(1) as u64;
        for k in 1..=args.milestones_per_commitment {
            let mid = format!("{cid}-{k:0mwidth$}");
            let m_start = add_days(c_start, rng.below(c_span));
            let m_end = add_days(m_start, rng.range(0, 365));
            let (t_fr, _) = title(&mut rng);
            let deliverable = if rng.chance(75) {
                rng.pick(DELIVERABLES)
            } else {
                ""
            };
            let dated = rng.chance(85);
            let (ms, me) = if dated {
                (date_text(&mut rng, m_start), date_text(&mut rng, m_end))
            } else {
                (String::new(), String::new())
            };
            let completed_below = if args.undated_completions { 70 } else { 40 };
            let status = match rng.below(100) {
                n if n < completed_below => "completed",
                n if n < 65.max(completed_below + 5) => "in_progress",
                65..=79 => "not_started",
                80..=87 => "on_hold",
                88..=94 => "cancelled",
                _ => "",
            };
            let (done, evidence) = if status == "completed" {
                let d = add_days(m_start, rng.range(0, 400));
                let evidence = if rng.chance(60) {
                    format!("https://www.donneesquebec.ca/recherche/dataset/{member_slug}-{index:05}?jalon={mid}")
                } else {
                    String::new()
                };
                let done = date_text(&mut rng, d);
                (
                    if args.undated_completions {
                        String::new()
                    } else {
                        done
                    },
                    evidence,
                )
            } else {
                (String::new(), String::new())
            };
            mw.write_record([
                mid.as_str(),
                &cid,
                &t_fr,
                deliverable,
                &ms,
                &me,
                status,
                &done,
                &evidence,
            ])?;
            milestones += 1;
        }
    }
    cw.flush()?;
    mw.flush()?;
    Ok((commitments, milestones))
}

/// Makes `out` ready: absent, empty, or a catalogue we wrote (removed first).
fn prepare(out: &Path) -> Result<(), String> {
    if out.exists() {
        let ours = out.join(MARKER).is_file();
        let empty = fs::read_dir(out)
            .map(|mut d| d.next().is_none())
            .map_err(|e| format!("{}: {e}", out.display()))?;
        if ours {
            fs::remove_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
        } else if !empty {
            return Err(format!(
                "{} exists and was not written by generate_catalog; choose another --out",
                out.display()
            ));
        }
    }
    fs::create_dir_all(out.join("plans")).map_err(|e| format!("{}: {e}", out.display()))
}

fn run(args: &Args) -> Result<(u64, u64), String> {
    if args.plans == 0 || args.plans > 99_999 {
        return Err("--plans must be 1 to 99999".into());
    }
    if args.commitments_per_plan > 999 || args.milestones_per_commitment > 9_999 {
        return Err("at most 999 commitments per plan and 9999 milestones per commitment".into());
    }
    prepare(&args.out)?;
    let io = |e: io::Error| format!("{}: {e}", args.out.display());
    write_publisher(&args.out).map_err(io)?;
    let plans_dir = args.out.join("plans");
    let (mut c, mut m) = (0, 0);
    for i in 1..=args.plans {
        let (pc, pm) = write_plan(args, i, &plans_dir).map_err(io)?;
        c += pc;
        m += pm;
    }
    fs::write(
        args.out.join(MARKER),
        format!(
            "examples/generate_catalog.rs --plans {} --commitments-per-plan {} --milestones-per-commitment {} --seed {}\n",
            args.plans, args.commitments_per_plan, args.milestones_per_commitment, args.seed
        ),
    )
    .map_err(io)?;
    Ok((c, m))
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok((c, m)) => {
            eprintln!(
                "wrote `{}`: {} plans, {c} commitments, {m} milestones (seed {})",
                args.out.display(),
                args.plans,
                args.seed
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
