#!/usr/bin/env bash
# Gate latency for a 10-file staged change on a large generated repository, in ONE hyperfine run:
#   no-daemon   check in-process (DEBTGATE_DAEMON=off), store on, no daemon working
#   idle        check through a daemon whose background pass has finished
#   busy        check through a daemon analysing the whole repository in the background
# Every timed run judges a fresh change (hyperfine --prepare rewrites and stages 10 files with a new
# function), so the new sides are never cached; the old sides are HEAD's, which the daemon warmed
# (idle), is still warming (busy), or the store holds after the first run (no-daemon).
# The busy daemon starts with its background queue held until its first gate request, so it does
# not load the machine while the other two are measured; its status before and after shows that
# background work was queued throughout its runs.
#
# Usage: scripts/bench-daemon.sh [FILES]   (default 20000; DEBTGATE_BIN, RUNS, KEEP=1)
set -euo pipefail
cd "$(dirname "$0")/.."
files="${1:-20000}"
runs="${RUNS:-20}"
bin="$(realpath "${DEBTGATE_BIN:-${CARGO_TARGET_DIR:-target}/release/debtgate}")"
work="$(mktemp -d)"
if [ "${KEEP:-0}" != 1 ]; then
  trap '(cd "$work/idle" && "$bin" daemon stop >/dev/null 2>&1); (cd "$work/busy" && "$bin" daemon stop >/dev/null 2>&1); rm -rf "$work"' EXIT
fi
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@b GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@b
unset DEBTGATE_STORE DEBTGATE_DAEMON

generate() { # DIR: the same repository every time
  mkdir -p "$1"
  python3 - "$1" "$files" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
def rust(i):
    out = []
    for k in range(6):
        arms = "\n".join(f"        {j} => a + {j * k}," for j in range(k + 2))
        out.append(f"pub fn f{i}_{k}(a: u64, b: u64) -> u64 {{\n    let mut n = 0;\n"
                   f"    for x in 0..a {{\n        if x % 3 == {k % 3} && b > {k} {{\n            n += x;\n"
                   f"        }} else if x > b {{\n            n -= 1;\n        }}\n    }}\n"
                   f"    match n {{\n{arms}\n        _ => n,\n    }}\n}}\n")
    return "\n".join(out)
def python(i):
    out = []
    for k in range(6):
        out.append(f"def f{i}_{k}(a, b):\n    n = 0\n    for x in range(a):\n"
                   f"        if x % 3 == {k % 3} and b > {k}:\n            n += x\n"
                   f"        elif x > b:\n            n -= 1\n    return [y for y in range(n) if y % {k + 2}]\n")
    return "\n".join(out)
def go(i):
    out = [f"package p{i % 50}\n"]
    for k in range(6):
        out.append(f"func F{i}_{k}(a int, b int) int {{\n\tn := 0\n\tfor x := 0; x < a; x++ {{\n"
                   f"\t\tif x%3 == {k % 3} && b > {k} {{\n\t\t\tn += x\n\t\t}} else if x > b {{\n"
                   f"\t\t\tn--\n\t\t}}\n\t}}\n\treturn n\n}}\n")
    return "\n".join(out)
def js(i):
    out = []
    for k in range(6):
        out.append(f"export function f{i}_{k}(a, b = {k}) {{\n  let n = 0;\n  for (let x = 0; x < a; x++) {{\n"
                   f"    if (x % 3 === {k % 3} && b > {k}) {{ n += x; }} else if (x > b) {{ n--; }}\n  }}\n"
                   f"  return n > 0 ? n : -n;\n}}\n")
    return "\n".join(out)
kinds = [("rs", rust), ("py", python), ("go", go), ("js", js)]
for i in range(n):
    ext, make = kinds[i % len(kinds)]
    d = os.path.join(root, "src", f"d{i // 200}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i}.{ext}"), "w") as f:
        f.write(make(i))
PY
  git -C "$1" init -q -b main
  git -C "$1" add -A
  git -C "$1" commit -q -m generated
}

echo "generating two repositories of $files files in $work ..." >&2
generate "$work/idle"
cp -r "$work/idle" "$work/busy"

# The change: files 0..9 as at HEAD plus one new function named after a counter, staged.
cat >"$work/change.sh" <<'SH'
#!/usr/bin/env bash
set -e
cd "$1"
n=$(( $(cat .bench-counter 2>/dev/null || echo 0) + 1 )); echo "$n" > .bench-counter
for i in 0 1 2 3 4 5 6 7 8 9; do
  p=$(git ls-files "src/d0/f$i.*")
  git show "HEAD:$p" > "$p"
  case "$p" in
    *.rs) printf 'pub fn extra_%s(a: u64) -> u64 {\n    if a > %s { a } else { 0 }\n}\n' "$n" "$n" >> "$p" ;;
    *.py) printf 'def extra_%s(a):\n    return a if a > %s else 0\n' "$n" "$n" >> "$p" ;;
    *.go) printf 'func Extra%s(a int) int {\n\tif a > %s {\n\t\treturn a\n\t}\n\treturn 0\n}\n' "$n" "$n" >> "$p" ;;
    *.js) printf 'export function extra%s(a) {\n  return a > %s ? a : 0;\n}\n' "$n" "$n" >> "$p" ;;
  esac
done
git add src/d0
SH
chmod +x "$work/change.sh"
echo .bench-counter >> "$work/idle/.git/info/exclude"
echo .bench-counter >> "$work/busy/.git/info/exclude"

status() { (cd "$1" && "$bin" daemon status --format json); }
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

(cd "$work/idle" && "$bin" daemon start --idle-timeout 1h >&2)
echo "waiting for the idle daemon's background pass ..." >&2
started=$(date +%s.%N)
until status "$work/idle" | field 'd["queue"]["low"] == 0 and d["active"]["low"] == 0 and d["background"]["passes"] > 0 and d["background"]["done"] == d["background"]["files"]' | grep -q True; do
  sleep 0.2
done
warm_secs=$(python3 -c "print(round($(date +%s.%N) - $started, 1))")
echo "idle daemon warmed $(status "$work/idle" | field 'd["background"]["files"]') files in ${warm_secs} s" >&2

(cd "$work/busy" && "$bin" daemon start --idle-timeout 1h --hold-background >&2)
until status "$work/busy" | field 'd["background"]["files"] > 0 and d["queue"]["low"] == d["background"]["files"]' | grep -q True; do
  sleep 0.2
done
echo "busy daemon holds $(status "$work/busy" | field 'd["queue"]["low"]') background jobs until its first gate request" >&2

hyperfine --warmup 2 --runs "$runs" -i \
  --export-json "$work/hyperfine.json" \
  -n no-daemon -p "$work/change.sh $work/idle" "cd $work/idle && DEBTGATE_DAEMON=off $bin check --format json >/dev/null" \
  -n idle -p "$work/change.sh $work/idle" "cd $work/idle && $bin check --format json >/dev/null" \
  -n busy -p "$work/change.sh $work/busy" "cd $work/busy && $bin check --format json >/dev/null"

echo
echo "busy daemon after its runs (background must still have been queued at the end):"
status "$work/busy" | field '"  background queue %s, done %s of %s; preemptions %s; last gate: %s" % (d["queue"]["low"], d["jobs_done"]["low"], d["background"]["files"], d["preemptions"], d["last_gate"])'
python3 - "$work/hyperfine.json" <<'PY'
import json, sys
# In the order of the hyperfine command line: no-daemon, idle, busy.
none, idle, busy = (x["median"] * 1000 for x in json.load(open(sys.argv[1]))["results"])
print(f"median gate latency: no daemon {none:.1f} ms, idle daemon {idle:.1f} ms, busy daemon {busy:.1f} ms")
print(f"busy / idle = {busy / idle:.2f}x (goal <= 1.25x); no daemon / idle = {none / idle:.2f}x")
PY
