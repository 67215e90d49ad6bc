#!/usr/bin/env python3
"""The peer of `ogp-publish build` for the benchmarks: the straightforward script a data team
would write for the same transformation, with only the standard library (csv, json, hashlib,
tomllib).

    python3 bench/peer_build.py CATALOG OUT

It reads catalog/publisher.toml and every plans/<id>/{plan.toml,commitments.csv,milestones.csv},
validates them (see BENCHMARKS.md for the exact list of rules), and, when no error was found,
writes per plan, in OUT/datasets/<dataset-name>/: engagements.csv, jalons.csv,
dictionnaire-donnees.csv (UTF-8 with BOM, the columns of ogp-publish's `donneesquebec` output),
engagements.json, jalons.json (one record per line, keys sorted), plan.json (nested, indented),
datapackage.json (Table Schemas, bytes, sha256) and package.json (a CKAN package dict); then
OUT/manifest.json with every file's size and SHA-256. The output is written to a temporary
folder and renamed at the end, so an invalid catalogue writes nothing (exit 1, every error
listed). Plans are processed one at a time: only one plan's rows are in memory.

Not byte-identical to ogp-publish (no DCAT catalogue, no HTML preview, no Données Québec
`relidi_*` answers, simpler package dicts, errors without column numbers or hints).
"""

import csv
import datetime
import hashlib
import json
import os
import re
import shutil
import sys
import tomllib
import urllib.parse

# ------------------------------------------------------------------ what the files hold

COMMITMENT_INPUT = ["id", "number", "title", "title_en", "challenge", "description", "problem",
                    "lead_institution", "other_institutions", "ogp_values", "start", "end",
                    "completion", "url"]
MILESTONE_INPUT = ["id", "commitment_id", "title", "deliverable", "start", "end", "status",
                   "completed_on", "evidence_url"]
STATUSES = ["not_started", "in_progress", "completed", "on_hold", "cancelled"]
COMPLETIONS = ["no_evidence", "not_started", "limited", "substantial", "complete"]
OGP_VALUES = ["access_to_information", "civic_participation", "public_accountability",
              "technology_and_innovation"]
UPDATE_FREQUENCIES = ["irregular", "continuous", "hourly", "daily", "weekly", "monthly",
                      "quarterly", "semiannual", "annual", "biennial", "triennial", "notPlanned",
                      "asNeeded", "quinquennial"]
LANGUAGES = ["FR", "EN", "FR_EN", "SP"]
LICENSES = ["cc-by", "cc-by-sa", "cc-by-nc", "OGL-Canada-2.0"]

# The data dictionary, copied from ogp-publish's output (tests/golden/bundled/):
# (ressource, champ, type, libelle_fr, libelle_en, description_fr, description_en, exemple)
DICTIONARY = [
    ('engagements', 'id', 'texte', 'Identifiant', 'Identifier', "Identifiant stable de l'engagement (identifiant du PGO lorsqu'il existe).", "Stable commitment identifier (OGP's id where there is one).", 'CAQUE0001'),
    ('engagements', 'plan', 'texte', "Plan d'action", 'Action plan', "Identifiant du plan d'action auquel la ligne appartient.", 'Identifier of the action plan the row belongs to.', 'quebec-2021-2023'),
    ('engagements', 'numero', 'entier', 'Numéro', 'Number', "Numéro de l'engagement dans le plan.", 'Number of the commitment within the plan.', '1'),
    ('engagements', 'titre', 'texte', 'Titre', 'Title', "Titre de l'engagement dans la langue du plan.", "Commitment title in the plan's language.", 'Démocratiser les données ouvertes'),
    ('engagements', 'titre_en', 'texte', 'Titre en anglais', 'English title', "Titre de l'engagement en anglais.", 'Commitment title in English.', 'Democratize open data'),
    ('engagements', 'defi', 'texte', 'Défi', 'Challenge', "Identifiant du défi du plan auquel l'engagement répond.", 'Identifier of the plan challenge the commitment answers.', '1'),
    ('engagements', 'description', 'texte', 'Description', 'Description', "Ce que l'engagement prévoit faire (Markdown).", 'What the commitment will do (Markdown).', ''),
    ('engagements', 'probleme', 'texte', 'Problème', 'Problem', "Problème public que l'engagement vise à régler.", 'Public problem the commitment addresses.', ''),
    ('engagements', 'institution_responsable', 'liste', 'Institution responsable', 'Lead institution', 'Institution(s) responsable(s), séparées par « ; ».', 'Lead institution(s), separated by ";".', 'Secrétariat du Conseil du trésor'),
    ('engagements', 'autres_institutions', 'liste', 'Autres institutions', 'Other institutions', 'Autres institutions participantes, séparées par « ; ».', 'Other institutions taking part, separated by ";".', 'Bibliothèque et Archives nationales du Québec'),
    ('engagements', 'valeurs_pgo', 'liste', 'Valeurs du PGO', 'OGP values', 'Valeurs du Partenariat pour un gouvernement ouvert visées, séparées par « ; ». Valeurs permises : access_to_information, civic_participation, public_accountability, technology_and_innovation.', 'Open Government Partnership values the commitment is relevant to, separated by ";". Allowed values: access_to_information, civic_participation, public_accountability, technology_and_innovation.', 'access_to_information'),
    ('engagements', 'debut', 'date', 'Début', 'Start', "Début de l'engagement (AAAA-MM-JJ ou AAAA-MM).", 'Commitment start (YYYY-MM-DD or YYYY-MM).', '2022-04'),
    ('engagements', 'fin', 'date', 'Fin', 'End', "Fin prévue de l'engagement (AAAA-MM-JJ ou AAAA-MM).", 'Planned end of the commitment (YYYY-MM-DD or YYYY-MM).', '2023-03'),
    ('engagements', 'achevement', 'code', 'Achèvement', 'Completion', "Niveau d'achèvement selon l'échelle du Mécanisme d'évaluation indépendant (MEI). Valeurs permises : no_evidence, not_started, limited, substantial, complete.", 'Completion level on the Independent Reporting Mechanism (IRM) scale. Allowed values: no_evidence, not_started, limited, substantial, complete.', 'complete'),
    ('engagements', 'url', 'url', 'Page web', 'Web page', "Page décrivant l'engagement.", 'Page describing the commitment.', 'https://www.quebec.ca/gouvernement/gouvernement-ouvert'),
    ('engagements', 'jalons_total', 'entier', 'Nombre de jalons', 'Number of milestones', "Nombre de jalons connus de l'engagement (calculé).", 'Number of known milestones of the commitment (computed).', '3'),
    ('engagements', 'jalons_realises', 'entier', 'Jalons réalisés', 'Milestones completed', 'Nombre de jalons au statut « completed » (calculé).', 'Number of milestones whose status is "completed" (computed).', '2'),
    ('engagements', 'progression', 'décimal', 'Progression (%)', 'Progress (%)', "Pourcentage des jalons réalisés, une décimale; vide quand aucun jalon n'est connu (calculé).", 'Percentage of milestones completed, one decimal; empty when no milestone is known (computed).', '66.7'),
    ('jalons', 'id', 'texte', 'Identifiant', 'Identifier', 'Identifiant stable du jalon.', 'Stable milestone identifier.', 'CAQUE0002-01'),
    ('jalons', 'plan', 'texte', "Plan d'action", 'Action plan', "Identifiant du plan d'action auquel la ligne appartient.", 'Identifier of the action plan the row belongs to.', 'quebec-2021-2023'),
    ('jalons', 'engagement_id', 'texte', 'Engagement', 'Commitment', "Identifiant de l'engagement auquel le jalon appartient.", 'Identifier of the commitment the milestone belongs to.', 'CAQUE0002'),
    ('jalons', 'titre', 'texte', 'Titre', 'Title', 'Titre du jalon.', 'Milestone title.', "Mise en ligne d'une page de soutien"),
    ('jalons', 'livrable', 'texte', 'Livrable', 'Deliverable', 'Livrable vérifiable attendu.', 'Verifiable deliverable expected.', ''),
    ('jalons', 'debut', 'date', 'Début', 'Start', 'Début du jalon (AAAA-MM-JJ ou AAAA-MM).', 'Milestone start (YYYY-MM-DD or YYYY-MM).', '2022-02'),
    ('jalons', 'fin', 'date', 'Échéance', 'Due', 'Échéance du jalon (AAAA-MM-JJ ou AAAA-MM).', 'Milestone due date (YYYY-MM-DD or YYYY-MM).', '2023-03'),
    ('jalons', 'statut', 'code', 'Statut', 'Status', "État d'avancement du jalon. Valeurs permises : not_started, in_progress, completed, on_hold, cancelled.", 'Progress status of the milestone. Allowed values: not_started, in_progress, completed, on_hold, cancelled.', 'completed'),
    ('jalons', 'date_realisation', 'date', 'Date de réalisation', 'Completed on', 'Date à laquelle le jalon a été réalisé (AAAA-MM-JJ ou AAAA-MM).', 'Date the milestone was completed (YYYY-MM-DD or YYYY-MM).', '2022-06-30'),
    ('jalons', 'url_preuve', 'url', 'Preuve', 'Evidence', 'Lien vers une preuve de réalisation.', 'Link to evidence of completion.', ''),
    ('plan', 'id', 'texte', 'Identifiant', 'Identifier', "Identifiant du plan d'action (nom de son dossier dans le catalogue).", 'Identifier of the action plan (its folder name in the catalogue).', 'quebec-2021-2023'),
    ('plan', 'titre', 'texte', 'Titre', 'Title', "Titre du plan d'action dans sa langue.", 'Title of the action plan in its language.', "Plan d'action favorisant un gouvernement ouvert 2021-2023"),
    ('plan', 'titre_en', 'texte', 'Titre en anglais', 'English title', "Titre du plan d'action en anglais.", 'Title of the action plan in English.', ''),
    ('plan', 'sous_titre', 'texte', 'Sous-titre', 'Subtitle', "Sous-titre du plan d'action.", 'Subtitle of the action plan.', 'Pour un Québec transparent'),
    ('plan', 'membre', 'texte', 'Membre', 'Member', 'Membre du Partenariat pour un gouvernement ouvert qui porte le plan.', 'Open Government Partnership member that carries the plan.', 'Québec, Canada'),
    ('plan', 'debut', 'date', 'Début', 'Start', 'Date de début du plan (AAAA-MM-JJ ou AAAA-MM).', 'Start date of the plan (YYYY-MM-DD or YYYY-MM).', '2021-12-16'),
    ('plan', 'fin', 'date', 'Fin', 'End', 'Date de fin du plan (AAAA-MM-JJ ou AAAA-MM).', 'End date of the plan (YYYY-MM-DD or YYYY-MM).', '2023-03'),
    ('plan', 'date_soumission', 'date', 'Date de soumission', 'Submitted on', 'Date à laquelle le plan a été soumis au Partenariat (AAAA-MM-JJ ou AAAA-MM).', 'Date the plan was submitted to the Partnership (YYYY-MM-DD or YYYY-MM).', '2021-09-22'),
    ('plan', 'url', 'url', 'Page web', 'Web page', "Page web du plan d'action.", 'Web page of the action plan.', ''),
    ('plan', 'description', 'texte', 'Description', 'Description', "Présentation du plan d'action (Markdown).", 'Presentation of the action plan (Markdown).', ''),
    ('plan', 'defis', 'liste', 'Défis', 'Challenges', "Défis du plan : liste d'objets, chacun avec son identifiant et son titre.", 'Challenges of the plan: list of objects, each with its identifier and title.', ''),
    ('plan', 'engagements', 'liste', 'Engagements', 'Commitments', "Engagements du plan : liste d'objets, chacun avec les colonnes de la ressource des engagements (sauf le plan) et ses jalons.", 'Commitments of the plan: list of objects, each with the columns of the commitments resource (except the plan) and its milestones.', ''),
    ('plan', 'jalons', 'liste', 'Jalons', 'Milestones', "Jalons d'un engagement : liste d'objets, chacun avec les colonnes de la ressource des jalons (sauf le plan et l'engagement).", 'Milestones of a commitment: list of objects, each with the columns of the milestones resource (except the plan and the commitment).', ''),
]

DATASET_DICTIONARY = [
    ("ressource", "Ressource"), ("champ", "Champ"), ("type", "Type"),
    ("libelle_fr", "Libellé (français)"), ("libelle_en", "Libellé (anglais)"),
    ("description_fr", "Description (français)"), ("description_en", "Description (anglais)"),
    ("exemple", "Exemple"),
]


def columns(resource):
    return [row[1] for row in DICTIONARY if row[0] == resource]


ENGAGEMENTS = columns("engagements")
JALONS = columns("jalons")
SCHEMA_TYPES = {"texte": "string", "liste": "string", "code": "string", "date": "string",
                "url": "string", "entier": "integer", "décimal": "number"}
DATE_RE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
NAME_RE = re.compile(r"^[a-z0-9_-]{2,100}$")
TAG_RE = re.compile(r"^[\w .-]{2,100}$")


# ------------------------------------------------------------------ validation helpers

def parse_date(text):
    """(first day, last day) of `YYYY-MM-DD` or `YYYY-MM`, or None."""
    m = DATE_RE.match(text)
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    try:
        if m.group(3):
            d = datetime.date(year, month, int(m.group(3)))
            return d, d
        first = datetime.date(year, month, 1)
    except ValueError:
        return None
    nxt = datetime.date(year + 1, 1, 1) if month == 12 else datetime.date(year, month + 1, 1)
    return first, nxt - datetime.timedelta(days=1)


def is_url(text):
    u = urllib.parse.urlparse(text)
    return u.scheme in ("http", "https") and bool(u.netloc)


def split_list(text):
    return [x.strip() for x in text.split(";") if x.strip()]


class Errors(list):
    warnings = 0

    def add(self, path, line, message):
        self.append(f"{path}:{line}: {message}")

    def lint(self, level, path, line, message):
        """A lint at the level plan.toml's [lints] sets: an error, a warning printed at once
        (what a plain script does), or nothing."""
        if level == "allow":
            return
        if level == "warn":
            self.warnings += 1
            print(f"{path}:{line}: warning: {message}", file=sys.stderr)
            return
        self.add(path, line, message)


def read_csv(path, known, required, errors):
    """The rows of a catalogue CSV as dicts (empty cells as ''), with their line numbers."""
    rows = []
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            errors.add(path, 1, "the file is empty")
            return None
        bad = False
        for name in header:
            if name not in known:
                errors.add(path, 1, f"unknown column `{name}`")
                bad = True
        if len(set(header)) != len(header):
            errors.add(path, 1, "a column appears twice in the header")
            bad = True
        for name in required:
            if name not in header:
                errors.add(path, 1, f"required column `{name}` is missing")
                bad = True
        line = reader.line_num + 1
        try:
            for values in reader:
                if values:
                    if len(values) != len(header):
                        errors.add(path, line, f"{len(values)} fields, the header has {len(header)}")
                        bad = True
                    else:
                        row = {k: v.replace("\r\n", "\n").replace("\r", "\n")
                               for k, v in zip(header, values)}
                        row["_line"] = line
                        rows.append(row)
                line = reader.line_num + 1
        except csv.Error as e:
            errors.add(path, reader.line_num, f"CSV syntax: {e}")
            return None
    return None if bad else rows


def check_dates(row, path, errors, *keys):
    parsed = {}
    for k in keys:
        v = row.get(k, "")
        if v:
            d = parse_date(v)
            if d is None:
                errors.add(path, row["_line"], f"`{k}` {v!r} is not a date")
            parsed[k] = d
    s, e = parsed.get("start"), parsed.get("end")
    if s and e and e[1] < s[0]:
        errors.add(path, row["_line"], f"`end` {row['end']} is before `start` {row['start']}")
    return parsed


def check_plan(plan_dir, meta, errors):
    """Reads and validates one plan; returns (plan, commitments, milestones) or None."""
    plan_path = os.path.join(plan_dir, "plan.toml")
    try:
        with open(plan_path, "rb") as f:
            plan = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        errors.add(plan_path, 1, f"cannot read plan.toml: {e}")
        return None
    if not str(plan.get("title", "")).strip():
        errors.add(plan_path, 1, "`title` is required")
    for k in ("start", "end", "submitted_on"):
        if k in plan and parse_date(plan[k]) is None:
            errors.add(plan_path, 1, f"`{k}` {plan[k]!r} is not a date")
    if "url" in plan and not is_url(plan["url"]):
        errors.add(plan_path, 1, "`url` is not an http(s) address")
    challenges = {str(c["id"]) for c in plan.get("challenges", [])}
    lints = plan.get("lints", {})

    c_path = os.path.join(plan_dir, "commitments.csv")
    m_path = os.path.join(plan_dir, "milestones.csv")
    commitments = read_csv(c_path, COMMITMENT_INPUT, ["id", "title"], errors)
    milestones = read_csv(m_path, MILESTONE_INPUT, ["id", "commitment_id", "title"], errors)
    if commitments is None or milestones is None:
        return None

    ids = {}
    for c in commitments:
        line = c["_line"]
        for k in ("id", "title"):
            if not c.get(k, "").strip():
                errors.add(c_path, line, f"`{k}` is required")
        if c["id"] in ids:
            errors.add(c_path, line, f"commitment id `{c['id']}` is already used on line {ids[c['id']]}")
        ids[c["id"]] = line
        if c.get("number") and not c["number"].strip().isdigit():
            errors.add(c_path, line, "`number` is not a whole number")
        check_dates(c, c_path, errors, "start", "end")
        if c.get("challenge") and c["challenge"] not in challenges:
            errors.add(c_path, line, f"challenge `{c['challenge']}` is not declared in plan.toml")
        for v in split_list(c.get("ogp_values", "")):
            if v not in OGP_VALUES:
                errors.add(c_path, line, f"{v!r} is not an OGP value")
        if c.get("completion") and c["completion"] not in COMPLETIONS:
            errors.add(c_path, line, "unknown `completion`")
        if c.get("url") and not is_url(c["url"]):
            errors.add(c_path, line, "`url` is not an http(s) address")

    seen = {}
    for m in milestones:
        line = m["_line"]
        for k in ("id", "commitment_id", "title"):
            if not m.get(k, "").strip():
                errors.add(m_path, line, f"`{k}` is required")
        if m["id"] in seen:
            errors.add(m_path, line, f"milestone id `{m['id']}` is already used on line {seen[m['id']]}")
        seen[m["id"]] = line
        if m["commitment_id"] and m["commitment_id"] not in ids:
            errors.add(m_path, line, f"commitment `{m['commitment_id']}` does not exist in this plan")
        check_dates(m, m_path, errors, "start", "end", "completed_on")
        status = m.get("status", "")
        if status and status not in STATUSES:
            errors.add(m_path, line, f"`status` {status!r} is not a known value")
        if status == "completed" and not m.get("completed_on"):
            errors.lint(lints.get("completed-without-date", "deny"), m_path, line,
                        "completed but has no `completed_on`")
        if status and status != "completed" and m.get("completed_on"):
            errors.lint(lints.get("date-without-completion", "deny"), m_path, line,
                        "has a `completed_on` but is not completed")
        if m.get("evidence_url") and not is_url(m["evidence_url"]):
            errors.add(m_path, line, "`evidence_url` is not an http(s) address")

    # Dataset metadata and the portal profile (Données Québec).
    name = meta.get("name", os.path.basename(plan_dir))
    if not NAME_RE.match(name) or name in ("new", "edit", "search"):
        errors.add(plan_path, 1, f"dataset name `{name}` would be rejected by CKAN")
    for tag in meta.get("tags", []):
        if not TAG_RE.match(tag):
            errors.add(plan_path, 1, f"tag {tag!r} would be rejected by CKAN")
    if not meta.get("tags"):
        errors.add(plan_path, 1, "Données Québec requires at least one tag")
    for key, choices in (("update_frequency", UPDATE_FREQUENCIES), ("spatial", None),
                         ("main_organization", None), ("language", LANGUAGES),
                         ("license_id", LICENSES)):
        v = meta.get(key)
        if not v:
            errors.add(plan_path, 1, f"Données Québec requires `{key}`")
        elif choices and v not in choices:
            errors.add(plan_path, 1, f"`{v}` is not a Données Québec `{key}`")
    if not meta.get("notes") and not plan.get("description"):
        errors.add(plan_path, 1, "Données Québec requires `notes` (or a plan description)")
    return plan, commitments, milestones


# ------------------------------------------------------------------ writing

def progress(total, completed):
    if total == 0:
        return None
    return (completed * 2000 + total) // (total * 2) / 10  # one decimal, half up


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def cell(v):
    if v is None:
        return ""
    if isinstance(v, list):
        return ";".join(v)
    return str(v)


def write_json_table(path, records):
    with open(path, "w", encoding="utf-8") as f:
        f.write("[")
        first = True
        for r in records:
            f.write("\n" if first else ",\n")
            first = False
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
        f.write("\n]\n")


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def table_schema(resource, foreign_key=None):
    fields = []
    for row in DICTIONARY:
        if row[0] != resource:
            continue
        field = {"name": row[1], "type": SCHEMA_TYPES[row[2]], "title": row[3],
                 "description": row[5]}
        if row[1] == "id":
            field["constraints"] = {"required": True, "unique": True}
        fields.append(field)
    schema = {"fields": fields, "missingValues": [""], "primaryKey": ["id"]}
    if foreign_key:
        schema["foreignKeys"] = [{"fields": [foreign_key[0]],
                                  "reference": {"resource": foreign_key[1], "fields": ["id"]}}]
    return schema


def build_plan(plan_id, plan, commitments, milestones, meta, publisher, out_dir, hashes):
    os.makedirs(out_dir)
    opt = lambda v: v if v else None  # noqa: E731
    totals = {}
    for m in milestones:
        t = totals.setdefault(m["commitment_id"], [0, 0])
        t[0] += 1
        t[1] += m.get("status") == "completed"
    commitments.sort(key=lambda c: c["id"])
    milestones.sort(key=lambda m: m["id"])

    c_records = []
    for c in commitments:
        total, done = totals.get(c["id"], (0, 0))
        c_records.append({
            "id": c["id"], "plan": plan_id,
            "numero": int(c["number"]) if c.get("number") else None,
            "titre": c["title"], "titre_en": opt(c.get("title_en")),
            "defi": opt(c.get("challenge")), "description": opt(c.get("description")),
            "probleme": opt(c.get("problem")),
            "institution_responsable": split_list(c.get("lead_institution", "")) or None,
            "autres_institutions": split_list(c.get("other_institutions", "")) or None,
            "valeurs_pgo": split_list(c.get("ogp_values", "")) or None,
            "debut": opt(c.get("start")), "fin": opt(c.get("end")),
            "achevement": opt(c.get("completion")), "url": opt(c.get("url")),
            "jalons_total": total, "jalons_realises": done, "progression": progress(total, done),
        })
    m_records = [{
        "id": m["id"], "plan": plan_id, "engagement_id": m["commitment_id"],
        "titre": m["title"], "livrable": opt(m.get("deliverable")),
        "debut": opt(m.get("start")), "fin": opt(m.get("end")), "statut": opt(m.get("status")),
        "date_realisation": opt(m.get("completed_on")), "url_preuve": opt(m.get("evidence_url")),
    } for m in milestones]

    p = lambda name: os.path.join(out_dir, name)  # noqa: E731
    write_csv(p("engagements.csv"), ENGAGEMENTS,
              ([cell(r[k]) for k in ENGAGEMENTS] for r in c_records))
    write_json_table(p("engagements.json"), c_records)
    write_csv(p("jalons.csv"), JALONS, ([cell(r[k]) for k in JALONS] for r in m_records))
    write_json_table(p("jalons.json"), m_records)
    write_csv(p("dictionnaire-donnees.csv"), [k for k, _ in DATASET_DICTIONARY], DICTIONARY)

    by_commitment = {}
    for r in m_records:
        by_commitment.setdefault(r["engagement_id"], []).append(
            {k: v for k, v in r.items() if k not in ("plan", "engagement_id")})
    nested = {
        "id": plan_id, "titre": plan.get("title"), "titre_en": plan.get("title_en"),
        "sous_titre": plan.get("subtitle"), "membre": plan.get("member"),
        "debut": plan.get("start"), "fin": plan.get("end"),
        "date_soumission": plan.get("submitted_on"), "url": plan.get("url"),
        "description": plan.get("description"),
        "defis": [{"id": str(c["id"]), "titre": c["title"]} for c in plan.get("challenges", [])],
        "engagements": [
            dict({k: v for k, v in r.items() if k != "plan"}, jalons=by_commitment.get(r["id"], []))
            for r in c_records
        ],
    }
    with open(p("plan.json"), "w", encoding="utf-8") as f:
        json.dump(nested, f, ensure_ascii=False, indent=2)
        f.write("\n")

    files = ["engagements.csv", "engagements.json", "jalons.csv", "jalons.json", "plan.json",
             "dictionnaire-donnees.csv"]
    for name in files:
        hashes[p(name)] = (os.path.getsize(p(name)), sha256_file(p(name)))

    def resource(name, fk=None):
        size, sha = hashes[p(name + ".csv")]
        return {"name": name, "path": name + ".csv", "profile": "tabular-data-resource",
                "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig",
                "bytes": size, "hash": "sha256:" + sha, "schema": table_schema(name, fk)}

    datapackage = {"profile": "tabular-data-package", "name": meta["name"], "resources": [
        resource("engagements"), resource("jalons", ("engagement_id", "engagements")),
        resource("dictionnaire-donnees")]}
    datapackage["resources"][2]["schema"] = {
        "fields": [{"name": k, "type": "string", "title": t} for k, t in DATASET_DICTIONARY]}
    with open(p("datapackage.json"), "w", encoding="utf-8") as f:
        json.dump(datapackage, f, ensure_ascii=False, indent=2, sort_keys=True)
        f.write("\n")
    files.append("datapackage.json")
    hashes[p("datapackage.json")] = (os.path.getsize(p("datapackage.json")),
                                     sha256_file(p("datapackage.json")))

    package = {
        "name": meta["name"], "title": meta.get("title", plan.get("title")),
        "notes": meta.get("notes", plan.get("description", "")),
        "owner_org": publisher["organization"]["name"], "license_id": meta.get("license_id"),
        "language": meta.get("language"), "update_frequency": meta.get("update_frequency"),
        "ext_spatial": meta.get("spatial"),
        "extras_organisation_principale": meta.get("main_organization"),
        "methodologie": meta.get("methodology"),
        "tags": [{"name": t} for t in meta.get("tags", [])],
        "resources": [{"name": name, "url": name, "format": name.rsplit(".", 1)[1].upper(),
                       "hash": hashes[p(name)][1], "size": hashes[p(name)][0]} for name in files],
    }
    with open(p("package.json"), "w", encoding="utf-8") as f:
        json.dump(package, f, ensure_ascii=False, indent=2, sort_keys=True)
        f.write("\n")
    hashes[p("package.json")] = (os.path.getsize(p("package.json")), sha256_file(p("package.json")))


# ------------------------------------------------------------------ main

def main(argv):
    if len(argv) != 3:
        print("usage: peer_build.py CATALOG OUT", file=sys.stderr)
        return 2
    catalog, out = argv[1], argv[2].rstrip("/")
    errors = Errors()
    with open(os.path.join(catalog, "publisher.toml"), "rb") as f:
        publisher = tomllib.load(f)
    if publisher.get("profile") != "donneesquebec":
        print("this script handles the donneesquebec profile only", file=sys.stderr)
        return 2
    defaults = publisher.get("dataset", {})

    tmp = f"{out}.tmp-{os.getpid()}"
    if os.path.exists(tmp):
        shutil.rmtree(tmp)
    os.makedirs(os.path.join(tmp, "datasets"))
    hashes = {}
    names = {}
    plans_dir = os.path.join(catalog, "plans")
    plan_ids = sorted(d for d in os.listdir(plans_dir) if os.path.isdir(os.path.join(plans_dir, d)))
    if not plan_ids:
        errors.add(plans_dir, 1, "no plan to publish")
    for plan_id in plan_ids:
        plan_dir = os.path.join(plans_dir, plan_id)
        # Read plan.toml's [dataset] first for the merged metadata.
        try:
            with open(os.path.join(plan_dir, "plan.toml"), "rb") as f:
                own = tomllib.load(f).get("dataset", {})
        except (OSError, tomllib.TOMLDecodeError):
            own = {}
        meta = dict(defaults, **own)
        meta["tags"] = sorted(set(defaults.get("tags", [])) | set(own.get("tags", [])))
        meta.setdefault("name", plan_id)
        if meta["name"] in names:
            errors.add(os.path.join(plan_dir, "plan.toml"), 1,
                       f"plans `{names[meta['name']]}` and `{plan_id}` would publish the same dataset")
        names[meta["name"]] = plan_id
        checked = check_plan(plan_dir, meta, errors)
        # Keep validating after an error (report everything) but stop writing.
        if checked is None or errors:
            continue
        plan, commitments, milestones = checked
        build_plan(plan_id, plan, commitments, milestones, meta, publisher,
                   os.path.join(tmp, "datasets", meta["name"]), hashes)

    if errors:
        shutil.rmtree(tmp)
        for e in errors:
            print(e)
        print(f"{len(errors)} error(s); nothing written", file=sys.stderr)
        return 1
    manifest = {"generator": "peer_build.py", "files": {
        os.path.relpath(path, tmp): {"bytes": size, "sha256": sha}
        for path, (size, sha) in sorted(hashes.items())}}
    with open(os.path.join(tmp, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=2, sort_keys=True)
        f.write("\n")
    if os.path.exists(out):
        shutil.rmtree(out)
    os.rename(tmp, out)
    total = sum(size for size, _ in hashes.values())
    if errors.warnings:
        print(f"{errors.warnings} warning(s)", file=sys.stderr)
    print(f"wrote `{out}`: {len(plan_ids)} dataset(s), {len(hashes) + 1} files, {total} bytes",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
