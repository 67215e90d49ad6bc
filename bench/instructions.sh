#!/usr/bin/env bash
# Counts the instructions `build` executes, which, unlike seconds, do not depend on what else the
# machine is doing: the same binary and input give the same count. Used to judge one change at a
# time; the seconds are measured by bench/run.sh.
#
#   bash bench/instructions.sh [BIN ...]     default: target/release/ogp-publish (built here)
#
# For each binary: `BIN build` of a generated 50-plan catalogue (seed 1, 50,000 milestones) with
# --jobs 1 under valgrind's callgrind; prints all instructions, those of SHA-256 and the rest.
# Under valgrind the SHA-256 code runs its portable version (valgrind has no SHA-NI), which costs
# several times what the processor's instructions cost, so the "rest" column is the one that
# tells how much the build's own work changed. With two or more binaries, their output trees
# must be byte-identical, or the script says so and exits 1.
# Knobs: BENCH_DIR (default target/bench), BENCH_INSTR_PLANS (default 50).
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
WORK=${BENCH_DIR:-$ROOT/target/bench}/instructions
PLANS=${BENCH_INSTR_PLANS:-50}
log() { printf '[instructions %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if ! command -v valgrind >/dev/null; then
  log "installing valgrind"
  apt-get install -y -qq valgrind >/dev/null
fi
bins=("$@")
if (( ${#bins[@]} == 0 )); then
  cargo build --release --quiet --bin ogp-publish
  bins=("$ROOT/target/release/ogp-publish")
fi
cargo build --release --quiet --example generate_catalog
mkdir -p "$WORK"
cat=$WORK/catalog-$PLANS
if [[ ! -d $cat ]]; then
  "$ROOT/target/release/examples/generate_catalog" --plans "$PLANS" --seed 1 --out "$cat" >/dev/null
fi

printf '| binary | all instructions | SHA-256 (portable, under valgrind) | the rest |\n|---|---:|---:|---:|\n'
first_out=
status=0
for i in "${!bins[@]}"; do
  bin=${bins[$i]}
  out=$WORK/out-$i
  rm -rf "$out"
  valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.$i" \
    "$bin" build "$cat" --out "$out" --jobs 1 >/dev/null 2>"$WORK/valgrind.$i.log" \
    || { log "$bin failed; see $WORK/valgrind.$i.log"; exit 1; }
  total=$(callgrind_annotate "$WORK/callgrind.$i" 2>/dev/null \
    | awk '/PROGRAM TOTALS/ && !n++ {gsub(",", "", $1); print $1}')
  sha=$(callgrind_annotate --inclusive=yes "$WORK/callgrind.$i" 2>/dev/null \
    | awk '/sha2::sha256::compress256 \[/ && !n++ {gsub(",", "", $1); print $1}')
  sha=${sha:-0}
  printf '| %s | %s | %s | %s |\n' "$bin" "$total" "$sha" "$(( total - sha ))"
  if [[ -z $first_out ]]; then
    first_out=$out
  elif ! diff -r -q "$first_out" "$out" >/dev/null; then
    log "the output of $bin differs from that of ${bins[0]}"
    status=1
  fi
done
log "profiles: $WORK/callgrind.N (callgrind_annotate --inclusive=yes FILE)"
exit $status
