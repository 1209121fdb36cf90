#!/usr/bin/env bash
# The store's effect, side by side in one hyperfine run per repository:
#   --all   cold (DEBTGATE_STORE=off) against warm (a filled store), for one or two binaries;
#   staged  the warm and cold staged check against `git diff --cached --stat` on the same change.
#
# usage: scripts/bench-warm.sh all|staged DEBTGATE [BEFORE] -- REPO...
#   DEBTGATE  the debtgate binary to measure (e.g. target/release/debtgate)
#   BEFORE    optionally another binary (e.g. an older build) measured in the same run
#   REPO      git repositories; they are only read: the stores live in a temporary directory
# Environment: RUNS (default 20 warm / 5 cold-including runs), WARMUP (default 2).
set -euo pipefail
mode=$1; shift
bins=()
while [ "$1" != "--" ]; do bins+=("$(realpath "$1")"); shift; done
shift
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
stores=$(mktemp -d)
trap 'rm -rf "$stores"' EXIT
for repo in "$@"; do
  cd "$repo"
  cmds=()
  [ "$mode" = staged ] && cmds+=("git diff --cached --stat")
  for i in "${!bins[@]}"; do
    bin=${bins[$i]}
    store="$stores/$(basename "$repo")-$i.redb"
    args="check --format json"
    [ "$mode" = all ] && args="check --all --format json"
    # Fill the store (the verdict's exit code does not matter here).
    DEBTGATE_STORE="$store" "$bin" $args >/dev/null 2>&1 || true
    cmds+=("env DEBTGATE_STORE=off $bin $args" "env DEBTGATE_STORE=$store $bin $args")
  done
  runs=${RUNS:-$([ "$mode" = all ] && echo 5 || echo 20)}
  echo "== $(basename "$repo") ($mode, load $(cut -d' ' -f1-3 /proc/loadavg))"
  hyperfine -N -i -w "${WARMUP:-2}" -r "$runs" --export-markdown "$stores/out.md" "${cmds[@]}" |
    grep -E "^Benchmark|Time \(mean"
  cat "$stores/out.md"
  cd - >/dev/null
done
