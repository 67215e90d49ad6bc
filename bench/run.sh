#!/usr/bin/env bash
# Every benchmark, in one command:   bash bench/run.sh
#
# First the build benchmark (below), then the push benchmark (bench/push.sh, against the
# project's local CKAN; BENCH_PUSH=0 skips it) and the memory of one long DataStore table
# (bench/datastore_memory.sh; BENCH_DS_MEMORY=0 skips it; with BENCH_BASELINE it measures that
# commit too). Every table ends up in BENCH_DIR/report.md.
#
# Builds the release binaries, generates catalogues of 10, 100 and 1,000 plans (50 commitments
# per plan, 20 milestones per commitment: 1,000 plans = 1,000,000 milestones), and for each step
# runs, interleaved and BENCH_REPEAT times each:
#   check   ogp-publish check CATALOG
#   build   ogp-publish build CATALOG --out OUT           (fresh OUT each time; one worker per core)
#   build-1 the same with --jobs 1                         (what the second core brings)
#   floor   examples/bench_floor: read every input file, then write the tree build wrote: the
#           same folders and files, each of the same size (listed after each build run)
#   floor+sha256   the same, hashing every byte written
#   floor+sha256-par   the same on one thread per core, files dealt out by dataset as the
#                  build's workers deal out plans: the least any build could take on this
#                  machine (I/O and hashing, nothing computed)
#   floor-flat     read the same, write the same bytes and number of files, all in one folder
#                  (the floor before the tree version; one folder is cheaper to fill than the
#                  build's thousand, so this floor is lower)
#   peer    python3 bench/peer_build.py CATALOG OUT      (bench/peer_build.py, standard library)
# measuring wall time, user+sys CPU time and peak RSS with /usr/bin/time -v, and output bytes;
# then prints a Markdown table with ratios (bench/report.py). Everything lands in BENCH_DIR.
#
# Knobs (environment):
#   BENCH_STEPS="10 100 1000"   plans per step     BENCH_REPEAT=5     runs per tool and step
#   BENCH_SEED=1                generator seed     BENCH_DIR=target/bench
#   BENCH_PEER_TIMEOUT=900      seconds before the Python peer is stopped (reported as timeout)
#   BENCH_KEEP=1                keep catalogues and outputs (default: delete as soon as measured)
#   BENCH_PUSH=0                skip the push benchmark (BENCH_PUSH_DATASETS=200 sets its size)
#                               and the DataStore memory one (BENCH_DS_MEMORY=0 skips that alone)
#   BENCH_DROP_CACHES=0         keep the page cache between runs (shows what deleting the previous
#                               output costs the next run's file creation)
#   BENCH_FRESH_FS=0            write outputs into BENCH_DIR itself instead of a fresh file system
#                               per measurement (see settle below)
#   BENCH_ONE_PLAN=0            skip the one-plan memory measurement (below)
#   BENCH_MANY_PLANS=0          skip the many-small-plans measurement (below: 1,000 and 10,000
#                               plans of 50 milestones, what each plan costs the whole build)
#   BENCH_MANY_WARNINGS=0       skip the many-warnings measurement (below: 200 plans of 5,000
#                               milestones, 70 % of them warned about; ours against the peer)
#   BENCH_BASELINE=REV          also measure `build` of an earlier commit (tool "baseline"), built
#                               from a temporary worktree of REV: the same machine and run show
#                               what the commits since REV changed
# Inputs are read warm; outputs go to fresh folders. Before each measurement `sync` runs, the
# page cache is dropped when run as root (see settle below) and the catalogue is read again.
# As root, each measurement writes into a file system of its own, made just before it (ext4 in
# a sparse image file under BENCH_DIR, loop-mounted), so no run meets the files an earlier run
# deleted.
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
STEPS=${BENCH_STEPS:-"10 100 1000"}
REPEAT=${BENCH_REPEAT:-5}
SEED=${BENCH_SEED:-1}
WORK=${BENCH_DIR:-$ROOT/target/bench}
PEER_TIMEOUT=${BENCH_PEER_TIMEOUT:-900}
PYTHON=${BENCH_PYTHON:-python3}
C_PER_PLAN=50
M_PER_C=20

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ------------------------------------------------------------------ tools and disk
if [[ ! -x /usr/bin/time ]]; then
  log "installing GNU time (/usr/bin/time)"
  if [[ $(id -u) == 0 ]]; then apt-get install -y -qq time >/dev/null; else sudo apt-get install -y -qq time >/dev/null; fi
fi
"$PYTHON" -c 'import tomllib' 2>/dev/null || { log "$PYTHON lacks tomllib: Python 3.11+ is needed"; exit 2; }

mkdir -p "$WORK"
max_plans=0
for s in $STEPS; do (( s > max_plans )) && max_plans=$s; done
# About 0.25 MB of catalogue and 1.5 MB of output per plan at the default shape; outputs are
# deleted as soon as measured, but two may exist at once (build's temporary folder and swap).
need_kb=$(( max_plans * 5000 + 1000000 ))
# The many-small-plans part (below) writes 1.9 GB for 10,000 plans of 50 milestones.
[[ ${BENCH_MANY_PLANS:-1} != 0 ]] && need_kb=$(( need_kb + 2500000 ))
avail_kb=$(df -Pk "$WORK" | awk 'NR==2 {print $4}')
log "disk: $(df -h "$WORK" | awk 'NR==2 {print $4 " free on " $6 " (" $1 ")"}'); need about $(( need_kb / 1024 )) MB"
if (( avail_kb < need_kb )); then
  log "not enough disk space in $WORK (BENCH_DIR)"; exit 2
fi

log "building release binaries"
cargo build --release --quiet --bin ogp-publish --example generate_catalog --example bench_floor
OURS=$ROOT/target/release/ogp-publish
BASE=
if [[ -n ${BENCH_BASELINE:-} ]]; then
  base_rev=$(git rev-parse --short "$BENCH_BASELINE")
  log "building the baseline $base_rev (BENCH_BASELINE)"
  rm -rf "$WORK/baseline-src"
  git worktree prune
  git worktree add --detach "$WORK/baseline-src" "$base_rev" >/dev/null
  CARGO_TARGET_DIR=$WORK/baseline-target cargo build --release --quiet --bin ogp-publish \
    --manifest-path "$WORK/baseline-src/Cargo.toml"
  BASE=$WORK/baseline-target/release/ogp-publish
  git worktree remove --force "$WORK/baseline-src"
fi
GEN=$ROOT/target/release/examples/generate_catalog
FLOOR=$ROOT/target/release/examples/bench_floor

log "checking that the peer validates and writes what we do (bench/check_peer.py)"
"$PYTHON" bench/check_peer.py "$OURS" "$GEN" > "$WORK/check_peer.txt" \
  || { cat "$WORK/check_peer.txt"; log "the peer disagrees with ogp-publish"; exit 1; }

# ------------------------------------------------------------------ measuring
DROP_CACHES=0
[[ ${BENCH_DROP_CACHES:-1} != 0 && -w /proc/sys/vm/drop_caches ]] && DROP_CACHES=1
# Dropping the cache is not enough: ext4 keeps avoiding the inodes of recently deleted files, and
# creating the 9,004 files of a 1,000-plan output after the previous run deleted as many took
# anywhere from 0.5 s to 4.4 s for the floor, even 35 s later. A nightly job replaces
# yesterday's output once a day and never meets that, so when we may (root, mkfs.ext4, a loop
# device), every measurement gets a new, empty file system for its output (OUT below).
FRESH_FS=0
OUT=$WORK
if [[ ${BENCH_FRESH_FS:-1} != 0 && -z ${BENCH_KEEP:-} && $(id -u) == 0 ]] && command -v mkfs.ext4 >/dev/null; then
  FRESH_FS=1
  OUT=$WORK/outfs
  OUT_IMAGE=$WORK/outfs.img
  # Sparse: only what is written takes disk space. Room for the largest step's output and the
  # build's temporary folder beside it.
  OUT_IMAGE_GB=$(( max_plans * 4 / 1000 + 2 ))
  if [[ ${BENCH_MANY_PLANS:-1} != 0 ]] && (( OUT_IMAGE_GB < 6 )); then OUT_IMAGE_GB=6; fi
  mkdir -p "$OUT"
  umount "$OUT" 2>/dev/null || true
  trap 'umount "$OUT" 2>/dev/null || true; rm -f "$OUT_IMAGE"' EXIT
fi
fresh_fs() {
  umount "$OUT" 2>/dev/null || true
  rm -f "$OUT_IMAGE"
  truncate -s "${OUT_IMAGE_GB}G" "$OUT_IMAGE"
  mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$OUT_IMAGE"
  mount -o loop "$OUT_IMAGE" "$OUT"
}
RESULTS=$WORK/results.tsv
{
  printf '# machine\tnproc=%s\tmem=%s\tcpu=%s\tkernel=%s\n' "$(nproc)" \
    "$(free -h | awk '/^Mem:/ {print $2}')" \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')" "$(uname -r)"
  printf '# method\tdrop_caches=%s\tfresh_fs=%s\n' "$DROP_CACHES" "$FRESH_FS"
  [[ -n $BASE ]] && printf '# baseline\tcommit=%s\n' "$base_rev"
  printf '# software\t%s\t%s\tcommit=%s%s\n' "$(rustc --version)" "$("$PYTHON" --version 2>&1)" \
    "$(git rev-parse --short HEAD 2>/dev/null || echo '?')" \
    "$(git diff --quiet HEAD -- src Cargo.toml Cargo.lock 2>/dev/null || echo ' (src modified)')"
  printf 'plans\tcommitments\tmilestones\ttool\trun\texit\twall_s\tuser_s\tsys_s\tmaxrss_kb\tin_bytes\tout_bytes\tout_files\n'
} > "$RESULTS"

bytes_of() { find "$1" -type f -printf '%s\n' 2>/dev/null | awk '{s += $1} END {print s + 0}'; }
files_of() { find "$1" -type f 2>/dev/null | wc -l; }

# Same starting point for every run: dirty pages written back; then, when we may (root), the
# page cache dropped (ext4 scans cached inode tables for recently deleted inodes on every file
# creation, which made creating files right after a deletion several times slower and the
# figures erratic); then the catalogue read once, so every tool reads it warm from the cache.
# With FRESH_FS (above), the output's file system is made anew first.
settle() {
  if (( FRESH_FS )); then fresh_fs; fi
  sync
  if (( DROP_CACHES )); then echo 3 > /proc/sys/vm/drop_caches; fi
  if [[ -d $cat ]]; then find "$cat" -type f -exec cat {} + > /dev/null; fi
}

# measure TOOL RUN OUTDIR -- command...   (OUTDIR "-" when the command writes nothing)
measure() {
  local tool=$1 run=$2 out=$3; shift 4
  local tlog=$WORK/logs/$plans-$tool-$run.time
  [[ $out != - ]] && rm -rf "$out"
  settle
  local t0 t1 rc=0
  t0=$(date +%s%N)
  /usr/bin/time -v -o "$tlog" "$@" > "$WORK/logs/$plans-$tool-$run.out" 2> "$WORK/logs/$plans-$tool-$run.err" || rc=$?
  t1=$(date +%s%N)
  local user sys rss
  user=$(awk -F': ' '/User time/ {print $2}' "$tlog")
  sys=$(awk -F': ' '/System time/ {print $2}' "$tlog")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tlog")
  local ob=0 of=0
  if [[ $out != - && $rc == 0 ]]; then ob=$(bytes_of "$out"); of=$(files_of "$out"); fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$plans" "$commitments" "$milestones" \
    "$tool" "$run" "$rc" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1e9}')" \
    "$user" "$sys" "$rss" "$in_bytes" "$ob" "$of" >> "$RESULTS"
  log "  $tool #$run: exit $rc, $(tail -1 "$RESULTS" | cut -f7) s, $(( rss / 1024 )) MB peak"
  return 0
}

mkdir -p "$WORK/logs"
started=$(date +%s)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for plans in $STEPS; do
  commitments=$(( plans * C_PER_PLAN ))
  milestones=$(( commitments * M_PER_C ))
  cat=$WORK/catalog-$plans
  log "step $plans plans: $commitments commitments, $milestones milestones"
  in_bytes=0
  measure generate 1 "$cat" -- "$GEN" --plans "$plans" --commitments-per-plan $C_PER_PLAN \
    --milestones-per-commitment $M_PER_C --seed "$SEED" --out "$cat"
  in_bytes=$(bytes_of "$cat")
  ours=$OUT/out-ours-$plans ours1=$OUT/out-ours1-$plans floor=$OUT/out-floor-$plans
  peer=$OUT/out-peer-$plans
  for run in $(seq 1 "$REPEAT"); do
    measure check "$run" - -- "$OURS" check "$cat"
    measure build "$run" "$ours" -- "$OURS" build "$cat" --out "$ours"
    # What build wrote: the manifest's files, the manifest itself and the preview folder.
    out_bytes=$("$PYTHON" -c '
import json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
total = sum(f["bytes"] for f in m["files"].values()) + os.path.getsize(os.path.join(d, "manifest.json"))
for base, _, names in os.walk(os.path.join(d, "preview")):
    total += sum(os.path.getsize(os.path.join(base, n)) for n in names)
print(total)' "$ours")
    out_files=$(files_of "$ours")
    tree=$WORK/tree-$plans.tsv
    find "$ours" -type f -printf '%s\t%P\n' | LC_ALL=C sort -t$'\t' -k2 > "$tree"
    [[ -n ${BENCH_KEEP:-} && $run == "$REPEAT" ]] || rm -rf "$ours"
    measure build-1 "$run" "$ours1" -- "$OURS" build "$cat" --out "$ours1" --jobs 1
    rm -rf "$ours1"
    if [[ -n $BASE ]]; then
      measure baseline "$run" "$ours1" -- "$BASE" build "$cat" --out "$ours1"
      rm -rf "$ours1" "$OUT/.out-ours1-$plans".*
    fi
    measure floor "$run" "$floor" -- "$FLOOR" "$cat" "$floor" --like "$tree"
    rm -rf "$floor"
    measure floor+sha256 "$run" "$floor" -- "$FLOOR" "$cat" "$floor" --like "$tree" --hash
    rm -rf "$floor"
    measure floor+sha256-par "$run" "$floor" -- "$FLOOR" "$cat" "$floor" --like "$tree" --hash \
      --threads "$(nproc)"
    rm -rf "$floor"
    measure floor-flat "$run" "$floor" -- "$FLOOR" "$cat" "$floor" "$out_bytes" --files "$out_files"
    rm -rf "$floor"
    measure peer "$run" "$peer" -- timeout "$PEER_TIMEOUT" "$PYTHON" bench/peer_build.py "$cat" "$peer"
    [[ -n ${BENCH_KEEP:-} && $run == "$REPEAT" ]] || rm -rf "$peer"
    rm -rf "$peer.tmp-"* "$OUT/.out-ours-$plans".* "$OUT/.out-ours1-$plans".*
  done
  [[ -n ${BENCH_KEEP:-} ]] || rm -rf "$cat"
done
printf '# load\tload average before: %s\tafter: %s\t(other processes on the machine skew the figures)\n' \
  "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)" >> "$RESULTS"
log "done in $(( $(date +%s) - started )) s; results in $RESULTS"

"$PYTHON" bench/report.py "$RESULTS" | tee "$WORK/report.md"

# time_ours TOOL CATALOG OUTDIR: `ogp-publish TOOL CATALOG` (with --out OUTDIR for build) from
# the same starting point as every measurement; sets secs, user, sys and kb (peak RSS).
time_ours() {
  local tool=$1 catalog=$2 outdir=$3
  settle
  rm -rf "$outdir"
  local args=("$tool" "$catalog")
  [[ $tool == build ]] && args+=(--out "$outdir")
  /usr/bin/time -f '%e %U %S %M' -o "$WORK/ours.time" "$OURS" "${args[@]}" > /dev/null 2>&1
  read -r secs user sys kb < "$WORK/ours.time"
}

# table_head TITLE HEADER ALIGNMENT: starts a Markdown table in the report.
table_head() {
  { echo; echo "### $1"; echo; echo "$2"; echo "$3"; } >> "$WORK/report.md"
}

# ------------------------------------------------------------------ one large plan
# Workers hold whole plans, so the peak also depends on the largest plan: check and build one
# plan of 999 commitments with 20, then 200 milestones each, and report peak memory.
if [[ ${BENCH_ONE_PLAN:-1} != 0 ]]; then
  table_head "One large plan (peak memory of a plan in flight)" \
    "| milestones in the plan | check s | check peak RSS | build s | build peak RSS |" \
    "|---:|---:|---:|---:|---:|"
  for per in 20 200; do
    cat=$WORK/one-plan-$per
    "$GEN" --plans 1 --commitments-per-plan 999 --milestones-per-commitment "$per" --seed "$SEED" \
      --out "$cat" 2>/dev/null
    row="| $(( 999 * per ))"
    for tool in check build; do
      time_ours "$tool" "$cat" "$WORK/one-plan-out"
      row="$row | $secs | $(( kb / 1024 )) MB"
    done
    echo "$row |" >> "$WORK/report.md"
    log "one plan of $(( 999 * per )) milestones: $row"
    rm -rf "$cat" "$WORK/one-plan-out"
  done
fi

# Many small plans: what the build keeps of each plan until the catalogue-wide files are
# written (names, file hashes, index rows), and its fixed cost per plan, at a scale a
# national or OGP-wide portal could reach.
if [[ ${BENCH_MANY_PLANS:-1} != 0 ]]; then
  table_head "Many small plans (10 commitments of 5 milestones each)" \
    "| plans | milestones | check s | check peak RSS | build s | build CPU s | build peak RSS | build ms per plan |" \
    "|---:|---:|---:|---:|---:|---:|---:|---:|"
  for plans in 1000 10000; do
    cat=$WORK/many-plans-$plans
    "$GEN" --plans "$plans" --commitments-per-plan 10 --milestones-per-commitment 5 \
      --seed "$SEED" --out "$cat" 2>/dev/null
    row="| $plans | $(( plans * 50 ))"
    for tool in check build; do
      time_ours "$tool" "$cat" "$OUT/many-plans-out"
      if [[ $tool == check ]]; then
        row="$row | $secs | $(( kb / 1024 )) MB"
      else
        row="$row | $secs | $(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}') | $(( kb / 1024 )) MB | $(awk -v t="$secs" -v n="$plans" 'BEGIN {printf "%.2f", t * 1000 / n}')"
      fi
    done
    echo "$row |" >> "$WORK/report.md"
    log "many small plans, $plans: $row"
    rm -rf "$cat" "$OUT/many-plans-out"
  done
fi

# Many warnings: most rows draw one (completed milestones without a date, that lint at
# "warn"). ogp-publish keeps the first 20 of each code and counts the rest, so memory and
# output stay bounded; the peer prints every warning as it meets it, as a plain script does.
# 200 plans of 5 commitments and 5,000 milestones; BENCH_WARN_PLANS sets the number of plans.
if [[ ${BENCH_MANY_WARNINGS:-1} != 0 ]]; then
  wplans=${BENCH_WARN_PLANS:-200}
  table_head "Many warnings ($wplans plans of 5,000 milestones, 70 % of them warned about)" \
    "| tool | warnings | best s | median s | peak RSS | lines printed | time vs ours |" \
    "|---|---:|---:|---:|---:|---:|---:|"
  cat=$WORK/many-warnings
  "$GEN" --plans "$wplans" --commitments-per-plan 5 --milestones-per-commitment 1000 \
    --undated-completions --seed "$SEED" --out "$cat" 2>/dev/null
  : > "$WORK/warn.times"
  for run in $(seq "$REPEAT"); do
    for tool in ours peer; do
      rm -rf "$OUT/warn-out"
      settle
      if [[ $tool == ours ]]; then
        cmd=("$OURS" --lang en build "$cat" --out "$OUT/warn-out")
      else
        cmd=(timeout "$PEER_TIMEOUT" "$PYTHON" bench/peer_build.py "$cat" "$OUT/warn-out")
      fi
      /usr/bin/time -f '%e %M' -o "$WORK/warn.time" "${cmd[@]}" > "$WORK/warn-$tool.out" \
        2> "$WORK/warn-$tool.err" || { log "$tool failed on the many-warnings catalogue"; tail -5 "$WORK/warn-$tool.err"; exit 1; }
      read -r secs kb < "$WORK/warn.time"
      lines=$(cat "$WORK/warn-$tool.out" "$WORK/warn-$tool.err" | wc -l)
      echo "$tool $secs $kb $lines" >> "$WORK/warn.times"
      log "  many warnings, $tool #$run: $secs s, $(( kb / 1024 )) MB peak, $lines lines"
    done
  done
  # Our build's warning count, from its totals line; the peer's from its own.
  ours_warnings=$(grep -E '^[0-9,]+ errors?, [0-9,]+ warnings?$' "$WORK/warn-ours.err" \
    | sed -E 's/.*, ([0-9,]+) warning.*/\1/' | tr -dc 0-9)
  peer_warnings=$(grep -o '^[0-9]* warning(s)' "$WORK/warn-peer.err" | tr -dc 0-9)
  if [[ $ours_warnings != "$peer_warnings" ]]; then
    log "ogp-publish counted $ours_warnings warnings, the peer $peer_warnings"; exit 1
  fi
  python3 - "$WORK/warn.times" "$ours_warnings" >> "$WORK/report.md" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
stats = {}
for tool in ("ours", "peer"):
    mine = [r for r in rows if r[0] == tool]
    secs = sorted(float(r[1]) for r in mine)
    stats[tool] = (secs[0], statistics.median(secs), max(int(r[2]) for r in mine) // 1024,
                   max(int(r[3]) for r in mine))
for tool, name in (("ours", "ogp-publish build"), ("peer", "peer_build.py")):
    best, median, mb, lines = stats[tool]
    ratio = median / stats["ours"][1]
    print(f"| {name} | {int(sys.argv[2]):,} | {best:.2f} | {median:.2f} | {mb} MB | {lines:,} | {ratio:.1f}× |")
PY
  log "many warnings: $(tail -2 "$WORK/report.md" | tr '\n' ' ')"
  rm -rf "$cat" "$OUT/warn-out"
fi

if [[ ${BENCH_PUSH:-1} != 0 ]]; then
  log "push benchmark (bench/push.sh)"
  BENCH_DIR=$WORK bash bench/push.sh
  { echo; cat "$WORK/push/report.md"; } >> "$WORK/report.md"
  if [[ ${BENCH_DS_MEMORY:-1} != 0 ]]; then
    log "DataStore memory (bench/datastore_memory.sh)"
    BENCH_DIR=$WORK bash bench/datastore_memory.sh > "$WORK/datastore-memory.md"
    { echo; cat "$WORK/datastore-memory.md"; } >> "$WORK/report.md"
  fi
fi
log "report: $WORK/report.md"
