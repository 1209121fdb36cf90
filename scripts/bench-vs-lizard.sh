#!/usr/bin/env bash
# Side-by-side analysis throughput: debtgate vs lizard on the same files, both on two cores.
#
#   scripts/bench-vs-lizard.sh [--no-generated] [DIR...]
#
# Measures the generated benchmark corpus (benches/corpus: 14 languages x 50,000 lines), per
# language and whole, then each DIR given. Only files both tools read are measured: they are
# copied (layout kept, hidden paths skipped) into a scratch tree, so neither tool sees a file the
# other does not. Per tree it prints lines, mean wall-clock and CPU seconds (user + system) and
# the lines per second of each, for
#
#   debtgate analyze --format json -j $JOBS TREE > /dev/null
#   python3 -m lizard -t $JOBS TREE > /dev/null
#
# and the ratios (lizard time / debtgate time). On a machine shared with other work, wall time is
# noisy and the CPU ratio is the steadier figure. Timing uses hyperfine when installed (apt-get
# install hyperfine), else the mean of repeated runs under bash's `time`.
#
# Environment: JOBS (default 2), RUNS (default 5), WARMUP (default 1), LIZARD_VERSION (default
# 1.24.3, pip-installed if missing). Not part of the test suite. Needs cargo, python3 and pip.
set -euo pipefail
cd "$(dirname "$0")/.."

JOBS=${JOBS:-2}
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
LIZARD_VERSION=${LIZARD_VERSION:-1.24.3}
GENERATED=1
if [ "${1:-}" = "--no-generated" ]; then
  GENERATED=0
  shift
fi

# Extensions both tools read (lizard's C-like, Java, JavaScript, TSX, Python, Go, Rust,
# TypeScript, C#, Ruby, PHP, Kotlin, Swift and Scala readers; debtgate's languages).
EXTS="c h cc cpp cxx hh hpp java js cjs mjs jsx py go rs ts tsx cs rb php kt kts swift scala"

# The interpreter itself, not a version-manager shim: a shim's start-up is not lizard's time.
PYTHON=$(python3 -c 'import sys; print(sys.executable)')
if [ "$("$PYTHON" -m lizard --version 2>/dev/null)" != "$LIZARD_VERSION" ]; then
  "$PYTHON" -m pip install -q "lizard==$LIZARD_VERSION" >&2
fi
cargo build --release --quiet --bin debtgate --example gen-corpus >&2
DEBTGATE=$PWD/target/release/debtgate

SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT

# Copies the files of DIR that both tools read into $SCRATCH/NAME.
common_files() {
  local dir=$1 name=$2 expr=() ext
  for ext in $EXTS; do
    expr+=(-o -name "*.$ext")
  done
  mkdir -p "$SCRATCH/$name"
  (cd "$dir" && find . -path '*/.*' -prune -o -type f \( "${expr[@]:1}" \) -print0 |
    tar --null -T - -cf -) | tar -xf - -C "$SCRATCH/$name"
}

lines_of() {
  find "$1" -type f -print0 | xargs -0 cat | wc -l
}

# "WALL CPU": mean wall-clock seconds and mean CPU seconds (user + system, children included) of
# a command, its stdout discarded.
seconds() {
  if command -v hyperfine >/dev/null 2>&1; then
    local json="$SCRATCH/hyperfine.json"
    hyperfine --style none --shell none --ignore-failure --warmup "$WARMUP" --runs "$RUNS" \
      --export-json "$json" -- "$*" >/dev/null 2>"$SCRATCH/hyperfine.err" ||
      { cat "$SCRATCH/hyperfine.err" >&2; return 1; }
    python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("%.3f %.3f" % (r["mean"], r["user"] + r["system"]))' "$json"
  else
    local i TIMEFORMAT='%R %U %S'
    for ((i = 0; i < WARMUP; i++)); do "$@" >/dev/null 2>&1 || true; done
    for ((i = 0; i < RUNS; i++)); do
      { time "$@" >/dev/null 2>&1; } 2>&1 || true
    done | awk '{ w += $1; c += $2 + $3 } END { printf "%.3f %.3f\n", w / NR, c / NR }'
  fi
}

row() {
  printf '%-20s %8s | %7s %9s %7s %9s | %7s %9s %7s %9s | %6s %6s\n' "$@"
}

per() {
  awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'
}

# Measures one tree and prints its row.
measure() {
  local name=$1 tree=$2 lines dw dc lw lc
  lines=$(lines_of "$tree")
  read -r dw dc < <(seconds "$DEBTGATE" analyze --format json -j "$JOBS" "$tree")
  read -r lw lc < <(seconds "$PYTHON" -m lizard -t "$JOBS" "$tree")
  row "$name" "$lines" "$dw" "$(per "$lines" "$dw")" "$dc" "$(per "$lines" "$dc")" \
    "$lw" "$(per "$lines" "$lw")" "$lc" "$(per "$lines" "$lc")" \
    "$(awk -v a="$dw" -v b="$lw" 'BEGIN { printf "%.1fx", b / a }')" \
    "$(awk -v a="$dc" -v b="$lc" 'BEGIN { printf "%.1fx", b / a }')"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "debtgate $("$DEBTGATE" --version | cut -d' ' -f2) -j $JOBS, lizard $LIZARD_VERSION -t $JOBS," \
  "$(command -v hyperfine >/dev/null && echo "hyperfine, " || echo "")mean of $RUNS runs after $WARMUP warm-up"
echo
row "" "" "debtgate" "" "" "" "lizard" "" "" "" "ratio" ""
row "tree" "lines" "wall s" "lines/s" "cpu s" "lines/s" "wall s" "lines/s" "cpu s" "lines/s" "wall" "cpu"

if [ "$GENERATED" = 1 ]; then
  target/release/examples/gen-corpus "$SCRATCH/generated" 2>/dev/null
  for lang in rust python javascript typescript go java c cpp; do
    measure "generated/$lang" "$SCRATCH/generated/$lang"
  done
  measure "generated (all)" "$SCRATCH/generated"
fi

for dir in "$@"; do
  name=$(basename "$dir")
  common_files "$dir" "$name"
  measure "$name" "$SCRATCH/$name"
done
