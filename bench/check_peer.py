#!/usr/bin/env python3
"""Checks that the Python peer (bench/peer_build.py) validates what `ogp-publish check` does, so
the build benchmark compares comparable work: on a small generated catalogue, applies one
mistake at a time and runs both; each must refuse the catalogue (exit 1). Also checks that on the
valid catalogue both succeed and write the same rows (the CSV and JSON tables are compared byte
for byte, plan.json as parsed JSON).

    python3 bench/check_peer.py [OGP_PUBLISH] [GENERATE_CATALOG]

Defaults: target/release/ogp-publish and target/release/examples/generate_catalog (build them
with `cargo build --release --bin ogp-publish --example generate_catalog`). Exit 0 when every
case agrees.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OURS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/release/ogp-publish")
GEN = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
    ROOT, "target/release/examples/generate_catalog")
PEER = os.path.join(ROOT, "bench", "peer_build.py")


def edit(path, fn):
    with open(path, encoding="utf-8-sig", newline="") as f:
        text = f.read()
    new = fn(text)
    assert new != text, f"mutation did not apply to {path}"
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(new)


def cell_edit(path, row, column, value):
    """Sets one cell of a catalogue CSV (row 1 = first data row)."""
    import csv
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    rows[row][rows[0].index(column)] = value
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)


def main():
    work = tempfile.mkdtemp(prefix="check-peer-")
    base = os.path.join(work, "base")
    subprocess.run([GEN, "--plans", "2", "--commitments-per-plan", "4",
                    "--milestones-per-commitment", "3", "--seed", "3", "--out", base],
                   check=True, capture_output=True)
    plans = sorted(os.listdir(os.path.join(base, "plans")))
    p1 = lambda name: os.path.join("plans", plans[0], name)  # noqa: E731
    p2 = lambda name: os.path.join("plans", plans[1], name)  # noqa: E731
    M, C, T = p1("milestones.csv"), p1("commitments.csv"), p1("plan.toml")

    cases = [
        ("bad-date", lambda d: cell_edit(os.path.join(d, M), 1, "start", "2023-13-01")),
        ("bad-date (Feb 30)", lambda d: cell_edit(os.path.join(d, M), 1, "completed_on", "2023-02-30")),
        ("end-before-start", lambda d: (cell_edit(os.path.join(d, M), 1, "start", "2023-05-01"),
                                        cell_edit(os.path.join(d, M), 1, "end", "2023-04"))),
        ("unknown-status", lambda d: cell_edit(os.path.join(d, M), 1, "status", "finished")),
        ("completed-without-date", lambda d: (
            cell_edit(os.path.join(d, M), 1, "status", "completed"),
            cell_edit(os.path.join(d, M), 1, "completed_on", ""))),
        ("date-without-completion", lambda d: (
            cell_edit(os.path.join(d, M), 1, "status", "in_progress"),
            cell_edit(os.path.join(d, M), 1, "completed_on", "2023-01-01"))),
        ("duplicate-id (milestone)", lambda d: cell_edit(
            os.path.join(d, M), 2, "id", open(os.path.join(d, M), encoding="utf-8-sig")
            .read().split("\n")[1].split(",")[0])),
        ("duplicate-id (commitment)", lambda d: cell_edit(
            os.path.join(d, C), 4, "id", open(os.path.join(d, C), encoding="utf-8-sig")
            .read().split("\n")[1].split(",")[0])),
        ("unknown-commitment", lambda d: cell_edit(os.path.join(d, M), 1, "commitment_id", "NOPE")),
        ("missing-field", lambda d: cell_edit(os.path.join(d, M), 1, "title", "  ")),
        ("bad-url", lambda d: cell_edit(os.path.join(d, M), 1, "evidence_url", "ftp://x")),
        ("unknown-ogp-value", lambda d: cell_edit(os.path.join(d, C), 1, "ogp_values", "transparency")),
        ("unknown-challenge", lambda d: cell_edit(os.path.join(d, C), 1, "challenge", "99")),
        ("bad-number", lambda d: cell_edit(os.path.join(d, C), 1, "number", "trois")),
        ("unknown-completion", lambda d: cell_edit(os.path.join(d, C), 1, "completion", "done")),
        ("unknown-column", lambda d: edit(os.path.join(d, M), lambda t: t.replace("deliverable", "delivrable", 1))),
        ("missing-column", lambda d: edit(os.path.join(d, C), lambda t: t.replace("id,number", "ident,number", 1))),
        ("csv-field-count", lambda d: edit(os.path.join(d, M), lambda t: t.replace("\r\n", ",extra\r\n", 2).replace(",extra\r\n", "\r\n", 1))),
        ("csv-unbalanced-quote", lambda d: edit(os.path.join(d, M), lambda t: t + '"X-99,Y,"unclosed\r\n')),
        ("bad-dataset-name", lambda d: edit(os.path.join(d, T), lambda t: t.replace('name = "plan-action', 'name = "Plan Action', 1))),
        ("duplicate-dataset-name", lambda d: edit(os.path.join(d, p2("plan.toml")), lambda t: t.replace(
            t.split('name = "')[1].split('"')[0],
            open(os.path.join(d, T), encoding="utf-8").read().split('name = "')[1].split('"')[0]))),
        ("bad-tag", lambda d: edit(os.path.join(d, T), lambda t: t.replace("tags = [", 'tags = ["x", ', 1))),
        ("profile-bad-value", lambda d: edit(os.path.join(d, T), lambda t: t.replace("[dataset]\n", '[dataset]\nlanguage = "DE"\n', 1))),
        ("bad-date (plan.toml)", lambda d: edit(os.path.join(d, T), lambda t: t.replace("\nstart = \"", "\nstart = \"1999-00", 1))),
    ]

    failures = 0
    ok_dir = os.path.join(work, "ok")
    shutil.copytree(base, ok_dir)
    r1 = subprocess.run([OURS, "build", ok_dir, "--out", os.path.join(work, "ours-out")],
                        capture_output=True)
    r2 = subprocess.run([sys.executable, PEER, ok_dir, os.path.join(work, "peer-out")],
                        capture_output=True)
    print(f"{'valid catalogue':32} ours exit {r1.returncode}  peer exit {r2.returncode}")
    failures += (r1.returncode, r2.returncode) != (0, 0)
    if (r1.returncode, r2.returncode) == (0, 0):
        for ds in sorted(os.listdir(os.path.join(work, "ours-out", "datasets"))):
            for name in ["engagements.csv", "jalons.csv", "engagements.json", "jalons.json",
                         "dictionnaire-donnees.csv", "plan.json"]:
                a = os.path.join(work, "ours-out", "datasets", ds, name)
                b = os.path.join(work, "peer-out", "datasets", ds, name)
                with open(a, "rb") as fa, open(b, "rb") as fb:
                    ba, bb = fa.read(), fb.read()
                same = ba == bb if name != "plan.json" else json.loads(ba) == json.loads(bb)
                if not same:
                    print(f"  {ds}/{name}: ours and peer differ")
                    failures += 1
        print("  tables: same bytes (CSV, JSON), same parsed plan.json" if not failures else "")
    for label, mutate in cases:
        d = os.path.join(work, label.replace(" ", "_").replace("(", "").replace(")", ""))
        shutil.copytree(base, d)
        mutate(d)
        ours = subprocess.run([OURS, "check", d, "--format", "json"], capture_output=True, text=True)
        peer = subprocess.run([sys.executable, PEER, d, os.path.join(work, "peer-invalid")],
                              capture_output=True, text=True)
        # One diagnostic per line, then the totals line (which has no code).
        lines = [json.loads(line) for line in ours.stdout.splitlines() if line.strip()]
        codes = sorted({x["code"] for x in lines if "code" in x})
        agree = ours.returncode == 1 and peer.returncode == 1
        failures += not agree
        print(f"{label:32} ours exit {ours.returncode} {','.join(codes):28} peer exit "
              f"{peer.returncode} {peer.stdout.strip().splitlines()[0][-60:] if peer.stdout.strip() else ''}")
    shutil.rmtree(work)
    print("all cases agree" if not failures else f"{failures} disagreement(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
