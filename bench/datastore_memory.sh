#!/usr/bin/env bash
# Memory of loading and syncing one long DataStore table:   bash bench/datastore_memory.sh
#
# Against the project's local CKAN (harness/ckan.sh, the Données Québec configuration on
# :5001): generates one plan of three commitments and BENCH_DS_ROWS milestones in all (default
# 24,000: its plan.json stays under the portal's 10 MB upload limit), builds it and pushes it
# (the milestones table is created and loaded), then edits one milestone's title and removes
# another, builds again and pushes (the table is read back and synced). Each push runs under
# GNU time; the table gives its wall time and peak RSS.
#
# BENCH_BASELINE=REV also measures the binary of commit REV (built from a temporary worktree),
# on a dataset of its own, in the same run: the ratio is the figure to read, not the absolute
# size. The datasets are purged at the end.
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ROWS=${BENCH_DS_ROWS:-24000}
WORK=${BENCH_DIR:-$ROOT/target/bench}/datastore-memory
RUN=$(date +%s)
RUN=${RUN: -6}

log() { printf '[ds-memory %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

[[ -x /usr/bin/time ]] || { log "GNU time (/usr/bin/time) is needed: apt-get install time"; exit 2; }
# The status is read whole first: `grep -q` stopping early would fail the pipe (pipefail).
status=$(bash harness/ckan.sh status 2>/dev/null || true)
if ! grep -qE '^ckan-dq +up' <<< "$status"; then
  log "starting the project's CKAN (harness/ckan.sh up)"
  bash harness/ckan.sh up >&2
fi
eval "$(bash harness/ckan.sh env dq)"

cargo build --release --quiet --bin ogp-publish --example generate_catalog
TARGET=${CARGO_TARGET_DIR:-target}
[[ $TARGET == /* ]] || TARGET=$ROOT/$TARGET
rm -rf "$WORK"
mkdir -p "$WORK"
tools=("ours=$TARGET/release/ogp-publish")
if [[ -n ${BENCH_BASELINE:-} ]]; then
  base_rev=$(git rev-parse --short "$BENCH_BASELINE")
  # Kept between runs (one per commit): a release build takes minutes.
  base_target=$WORK/../baseline-target-$base_rev
  if [[ ! -x $base_target/release/ogp-publish ]]; then
    log "building the baseline $base_rev"
    git worktree prune
    git worktree add --detach "$WORK/baseline-src" "$base_rev" >/dev/null
    CARGO_TARGET_DIR=$base_target cargo build --release --quiet --bin ogp-publish \
      --manifest-path "$WORK/baseline-src/Cargo.toml"
    git worktree remove --force "$WORK/baseline-src"
  fi
  tools+=("baseline-$base_rev=$base_target/release/ogp-publish")
fi

names=()
cleanup() {
  for name in "${names[@]}"; do
    curl -s -o /dev/null -H "Authorization: $(cat "$CKAN_API_TOKEN_FILE")" \
      -H 'Content-Type: application/json' -d "{\"id\": \"$name\"}" \
      "$CKAN_URL/api/3/action/dataset_purge" || true
  done
}
trap cleanup EXIT

# One push of `dist` by `bin`, as a row of the results: tool, phase, exit, wall s, peak RSS MB.
push() {
  local tool=$1 bin=$2 dist=$3 phase=$4 rc=0
  /usr/bin/time -f '%e %M' -o "$WORK/time" "$bin" push --portal "$CKAN_URL" \
    --token-file "$CKAN_API_TOKEN_FILE" --dist "$dist" --format json \
    > "$WORK/$tool-$phase.json" 2> "$WORK/$tool-$phase.err" || rc=$?
  read -r wall kb < <(tail -1 "$WORK/time")
  printf '| %s | %s | %s | %s | %.1f |\n' "$tool" "$phase" "$rc" "$wall" "$(echo "$kb / 1024" | bc -l)"
}

rows=()
for entry in "${tools[@]}"; do
  tool=${entry%%=*} bin=${entry#*=}
  cat=$WORK/$tool/catalog dist=$WORK/$tool/dist
  "$TARGET/release/examples/generate_catalog" --plans 1 --commitments-per-plan 3 \
    --milestones-per-commitment $(( ROWS / 3 )) --seed 1 --out "$cat" 2>/dev/null
  sed -i "s/^name = \"\(.*\)\"$/name = \"\1-m$RUN-$tool\"/" "$cat"/plans/*/plan.toml
  "$bin" build "$cat" --out "$dist" >/dev/null 2>&1
  names+=("$(ls "$dist/datasets")")
  log "$tool: first push (load)"
  rows+=("$(push "$tool" "$bin" "$dist" load)")
  python3 - "$cat"/plans/*/milestones.csv <<'EOF'
import csv, sys
path = sys.argv[1]
with open(path, encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f))
rows[len(rows) // 2][2] += " (révisé)"
del rows[3]
with open(path, "w", encoding="utf-8", newline="") as f:
    csv.writer(f, lineterminator="\n").writerows(rows)
EOF
  "$bin" build "$cat" --out "$dist" >/dev/null 2>&1
  log "$tool: second push (sync)"
  rows+=("$(push "$tool" "$bin" "$dist" sync)")
done

echo
echo "One table of $ROWS milestones, DataStore load then sync of one edit and one removal:"
echo
echo "| tool | push | exit | wall s | peak RSS MB |"
echo "|---|---|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
