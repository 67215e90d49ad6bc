#!/usr/bin/env bash
# The push benchmark (bench/run.sh runs it after the build benchmark; alone: bash bench/push.sh)
#
# Against the project's real local CKAN (harness/ckan.sh, the Données Québec configuration on
# :5001): generates and builds a catalogue of BENCH_PUSH_DATASETS plans (default 200; 10
# commitments x 10 milestones each, so 7 files of ~15-60 KB per dataset), then, side by side:
#   ours   ogp-publish push --format json   (requests, writes and bytes uploaded from its output)
#   peer   bench/peer_push.py with ckanapi  (requests counted by wrapping its requests session)
# in three phases: first push, no-op re-push, push after changing the title of 5 % of the
# milestones (chosen with a fixed seed) and building again. The portal has the DataStore, so
# both also load each dataset's two data tables into it (the peer replaces them on every run,
# as it re-uploads every file). Each tool publishes under its own
# dataset names (a run-unique suffix; the peer adds "-p"), so neither sees the other's datasets.
# The datasets are purged at the end (BENCH_KEEP=1 keeps them). Prints a Markdown table.
#
# ckanapi comes from PyPI into .tools/bench-venv (created on first run).
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
N=${BENCH_PUSH_DATASETS:-200}
WORK=${BENCH_DIR:-$ROOT/target/bench}/push
VENV=$ROOT/.tools/bench-venv
RUN=$(date +%s)
RUN=${RUN: -6}

log() { printf '[push-bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [[ ! -x $VENV/bin/python ]] || ! "$VENV/bin/python" -c 'import ckanapi' 2>/dev/null; then
  log "installing ckanapi into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q ckanapi
fi
# The status is read whole first: `grep -q` stopping early would fail the pipe (pipefail).
status=$(bash harness/ckan.sh status 2>/dev/null || true)
if ! grep -qE '^ckan-dq +up' <<< "$status"; then
  log "starting the project's CKAN (harness/ckan.sh up)"
  bash harness/ckan.sh up >&2
fi
eval "$(bash harness/ckan.sh env dq)"
log "portal $CKAN_URL"

cargo build --release --quiet --bin ogp-publish --example generate_catalog
# Where cargo put them: CARGO_TARGET_DIR when set (relative to the project, as cargo reads it).
TARGET=${CARGO_TARGET_DIR:-target}
[[ $TARGET == /* ]] || TARGET=$ROOT/$TARGET
OURS=$TARGET/release/ogp-publish

rm -rf "$WORK"
mkdir -p "$WORK"
cat=$WORK/catalog dist=$WORK/dist
"$TARGET/release/examples/generate_catalog" --plans "$N" --commitments-per-plan 10 \
  --milestones-per-commitment 10 --seed 1 --out "$cat" 2>/dev/null
# Run-unique dataset names: this run never meets datasets of an earlier run or of the tests.
sed -i "s/^name = \"\(.*\)\"$/name = \"\1-b$RUN\"/" "$cat"/plans/*/plan.toml
"$OURS" build "$cat" --out "$dist" 2>/dev/null

RESULTS=$WORK/results.tsv
printf 'phase\ttool\texit\twall_s\trequests\twrites\tbytes_uploaded\tchanged_files\n' > "$RESULTS"
changed=-

ours() {
  local phase=$1 t0 t1 rc=0
  t0=$(date +%s%N)
  "$OURS" push --portal "$CKAN_URL" --token-file "$CKAN_API_TOKEN_FILE" --dist "$dist" \
    --format json --report "$WORK/ours-$phase.jsonl" > "$WORK/ours-$phase.json" 2> "$WORK/ours-$phase.err" || rc=$?
  t1=$(date +%s%N)
  python3 - "$phase" "$rc" "$t0" "$t1" "$changed" "$WORK/ours-$phase.json" >> "$RESULTS" <<'EOF'
import json, sys
phase, rc, t0, t1, changed, path = sys.argv[1:]
try:
    d = json.load(open(path))
except ValueError:
    d = {}
print("\t".join([phase, "ours", rc, f"{(int(t1) - int(t0)) / 1e9:.2f}", str(d.get("requests", "")),
                 str(d.get("writes", "")), str(d.get("bytes_uploaded", "")), changed]))
EOF
  log "  ours: $(tail -1 "$RESULTS")"
}

peer() {
  local phase=$1 t0 t1 rc=0
  t0=$(date +%s%N)
  "$VENV/bin/python" bench/peer_push.py --portal "$CKAN_URL" --token-file "$CKAN_API_TOKEN_FILE" \
    --dist "$dist" --suffix=-p --datastore > "$WORK/peer-$phase.json" 2> "$WORK/peer-$phase.err" || rc=$?
  t1=$(date +%s%N)
  python3 - "$phase" "$rc" "$t0" "$t1" "$changed" "$WORK/peer-$phase.json" >> "$RESULTS" <<'EOF'
import json, sys
phase, rc, t0, t1, changed, path = sys.argv[1:]
try:
    d = json.loads(open(path).read().strip().splitlines()[-1])
except (ValueError, IndexError):
    d = {}
print("\t".join([phase, "peer", rc, f"{(int(t1) - int(t0)) / 1e9:.2f}", str(d.get("requests", "")),
                 str(d.get("writes", "")), str(d.get("bytes_uploaded", "")), changed]))
EOF
  log "  peer: $(tail -1 "$RESULTS")"
}

cleanup() {
  [[ -n ${BENCH_KEEP:-} ]] && return 0
  log "purging this run's datasets"
  "$VENV/bin/python" - "$CKAN_URL" "$CKAN_API_TOKEN_FILE" "$dist" <<'EOF' || true
import os, sys, ckanapi
url, token_file, dist = sys.argv[1:]
ckan = ckanapi.RemoteCKAN(url, apikey=open(token_file).read().strip())
for name in os.listdir(os.path.join(dist, "datasets")):
    for n in (name, name + "-p"):
        try:
            ckan.action.dataset_purge(id=n)
        except ckanapi.NotFound:
            pass
EOF
}
trap cleanup EXIT

log "phase 1: first push of $N datasets"
changed=$(find "$dist/datasets" -type f ! -name package.json ! -name datastore.json | wc -l)
ours first
peer first
log "phase 2: no-op re-push"
changed=0
ours noop
peer noop
log "phase 3: 5 % of milestones changed, build again"
cp "$dist/manifest.json" "$WORK/manifest-before.json"
python3 - "$cat" <<'EOF'
import csv, glob, os, random, sys
files = sorted(glob.glob(os.path.join(sys.argv[1], "plans", "*", "milestones.csv")))
rows = {}
for f in files:
    with open(f, encoding="utf-8-sig", newline="") as fh:
        rows[f] = list(csv.reader(fh))
ids = [(f, i) for f in files for i in range(1, len(rows[f]))]
rng = random.Random(5)
for f, i in rng.sample(ids, len(ids) * 5 // 100):
    rows[f][i][2] += " (révisé)"
for f in files:
    with open(f, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(rows[f])
EOF
"$OURS" build "$cat" --out "$dist" 2>/dev/null
changed=$(python3 - "$WORK/manifest-before.json" "$dist/manifest.json" <<'EOF'
import json, sys
a, b = (json.load(open(p))["files"] for p in sys.argv[1:])
# Files of the datasets that push uploads (package.json is metadata, not a resource).
print(sum(1 for k in b if k.startswith("datasets/") and not k.endswith("/package.json")
          and a.get(k, {}).get("sha256") != b[k]["sha256"]))
EOF
)
ours change
peer change

python3 - "$RESULTS" "$N" "$WORK" <<'EOF' | tee "$WORK/report.md"
import collections, csv, json, os, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
n = int(sys.argv[2])
by = {(r["phase"], r["tool"]): r for r in rows}
print(f"### Push of {n} datasets to the local CKAN (Données Québec schema)\n")
print("| phase | tool | exit | wall s | requests | requests/dataset | writes | MB uploaded | files that changed | peer ÷ ours (wall) |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for phase in ["first", "noop", "change"]:
    for tool in ["ours", "peer"]:
        r = by.get((phase, tool))
        if not r:
            continue
        req = int(r["requests"] or 0)
        ratio = ""
        if tool == "peer" and (phase, "ours") in by:
            ratio = f"{float(r['wall_s']) / float(by[(phase, 'ours')]['wall_s']):.1f}×"
        mb = int(r["bytes_uploaded"] or 0) / 1e6
        print(f"| {phase} | {tool} | {r['exit']} | {r['wall_s']} | {req} | {req / n:.2f} | "
              f"{r['writes']} | {mb:.1f} | {r['changed_files']} | {ratio} |")
# Our requests by action, from the report (every attempt), plus the two preflight checks,
# which come before the report starts.
print("\n| phase | our requests by action |\n|---|---|")
for phase in ["first", "noop", "change"]:
    path = os.path.join(sys.argv[3], f"ours-{phase}.jsonl")
    if not os.path.exists(path):
        continue
    count = collections.Counter({"status_show": 1, "organization_list_for_user": 1})
    for line in open(path):
        rec = json.loads(line)
        if rec["action"] not in ("extra", "sync"):
            count[rec["action"]] += max(rec.get("attempts", 1), 1)
    print(f"| {phase} | " + ", ".join(f"{a} {c}" for a, c in sorted(count.items())) + " |")
EOF
