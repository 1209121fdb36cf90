#!/usr/bin/env python3
"""Replay the gate over a repository's recent history, one commit at a time.

    scripts/replay-history.py CLONE [COUNT] [--debtgate BIN] [--config YAML | --init]
                              [--plant new|grow [--sample N] [--seed S]]
                              [--tolerances LIST] [--jobs N] [--json OUT] [--timeout SECONDS]

For each of the last COUNT (default 300) first-parent commits C of CLONE's HEAD, merges
included, it runs (from inside CLONE)

    debtgate check --base C^ --head C --format json

and prints one summary: exit codes (only 0 and 1 are allowed; anything else, a timeout or a
signal is listed with the commit and stderr), verdicts, findings per rule and level, wall and CPU
time per commit (median, p95, max), and what looks wrong:

- the report is not JSON, or its verdict disagrees with the exit code;
- debtgate's file list differs from `git diff --name-status -M C^ C` (missing or extra paths,
  a rename git sees and debtgate does not, or the reverse);
- a function finding (mode `new`) whose function touches no changed line of
  `git diff -U0 -M C^ C`: a function misidentified as changed.

The root commit (no parent) is skipped.

`--init` adopts debtgate the way a team would, at the start of the window: it runs `debtgate
init` in a temporary worktree at the parent of the oldest replayed commit, prints what init chose
and replays the window under that file (`--config`). The fail rate is then the share of the
window's commits that the gate fails under the configuration init proposed before any of them
was written.

`--plant new|grow` replays only `--sample N` (default 30) commits drawn with `--seed` from the
window, each with one planted regression (scripts/replay_plant.py says which and where), and
counts how many the gate catches: a `fail` finding on the planted function's cyclomatic.

`--tolerances 0,10,20,10%` (with a ratchet configuration whose `ratchet.length_tolerance` is 0)
also prints the fail rate each `length_tolerance` would give, from the same findings: a length
finding on a function that was already above its level survives a tolerance only when it grew by
more than it.

The clone's HEAD, refs and index are only read: git runs with GIT_OPTIONAL_LOCKS=0, and the
script checks that they are the same afterwards. (`--init` adds and removes a linked worktree;
`--plant` writes the planted commits as objects without a ref.) BIN defaults to
target/release/debtgate next to this script; copy it elsewhere first if other builds may replace
it during a long replay.
"""

import argparse
import collections
import hashlib
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import replay_plant  # noqa: E402  (next to this script)

ENV = dict(os.environ, GIT_OPTIONAL_LOCKS="0", LC_ALL="C")
ENV.pop("DEBTGATE_SKIP", None)


def git(clone, *args):
    return subprocess.run(
        ["git", "-C", clone, *args], env=ENV, check=True, capture_output=True
    ).stdout


def unquote(path):
    """A path as git prints it (C-quoted when it has unusual bytes)."""
    if not path.startswith('"'):
        return path
    raw = path[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
    return raw.encode("latin-1").decode("utf-8", "replace")


def name_status(clone, base, head):
    """{new path: (status letter, old path or None)} from git's own rename detection."""
    out = git(clone, "diff", "--no-ext-diff", "--name-status", "-M", base, head)
    files = {}
    for line in out.decode("utf-8", "replace").splitlines():
        parts = line.split("\t")
        letter = parts[0][0]
        if letter in "RC":
            files[unquote(parts[2])] = (letter, unquote(parts[1]))
        else:
            files[unquote(parts[1])] = (letter, None)
    return files


HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def changed_rows(clone, base, head, path, old_path):
    """New-side line numbers the diff adds or replaces in one file (pure deletions mark the
    line after them, where the removed code was)."""
    paths = [old_path, path] if old_path else [path]
    out = git(clone, "diff", "--no-ext-diff", "-U0", "-M", base, head, "--", *paths)
    rows = set()
    for line in out.decode("utf-8", "replace").splitlines():
        m = HUNK.match(line)
        if m:
            start, count = int(m.group(1)), int(m.group(2) or 1)
            if count == 0:
                rows.update((start, start + 1))
            else:
                rows.update(range(start, start + count))
    return rows


def state(clone):
    """What a read-only run must leave as it was."""
    gitdir = git(clone, "rev-parse", "--absolute-git-dir").decode().strip()
    index = os.path.join(gitdir, "index")
    digest = None
    if os.path.exists(index):
        with open(index, "rb") as f:
            digest = hashlib.sha1(f.read()).hexdigest()
    return (git(clone, "rev-parse", "HEAD"), git(clone, "for-each-ref"), digest)


def pct(values, p):
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def run_one(args, clone, commit, base=None):
    base = base or commit + "^"
    cmd = [args.debtgate, "check", "--base", base, "--head", commit, "--format", "json"]
    if args.jobs:
        cmd += ["--jobs", str(args.jobs)]
    if args.config:
        cmd += ["--config", args.config]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    try:
        p = subprocess.run(cmd, cwd=clone, env=ENV, capture_output=True, timeout=args.timeout)
        rc, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        rc, out, err = "timeout", e.stdout or b"", e.stderr or b""
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return rc, out, err.decode("utf-8", "replace"), wall, cpu


def inspect(clone, commit, parent, report, problems):
    """Cross-checks one report against git's view of the same change."""
    ours = {}
    for f in report.get("files", []):
        ours[f["path"]] = f.get("old_path")
    for n in report.get("not_analysed", []):
        ours.setdefault(n["path"], None)
    theirs = name_status(clone, parent, commit)
    for path in sorted(set(theirs) - set(ours)):
        problems["path git lists, debtgate does not"].append(f"{commit[:10]} {path}")
    for path in sorted(set(ours) - set(theirs)):
        problems["path debtgate lists, git does not"].append(f"{commit[:10]} {path}")
    for f in report.get("files", []):
        letter, git_old = theirs.get(f["path"], (None, None))
        if letter == "R" and f.get("old_path") != git_old:
            problems["rename git sees, debtgate does not"].append(
                f"{commit[:10]} {git_old} -> {f['path']} (debtgate: {f.get('status')})"
            )
        elif f.get("old_path") and letter != "R":
            problems["rename debtgate sees, git does not"].append(
                f"{commit[:10]} {f['old_path']} -> {f['path']} (git: {letter})"
            )

    if report.get("mode") != "range":
        return
    by_file = {f["path"]: f for f in report.get("files", [])}
    rows_cache = {}
    for finding in report.get("findings", []):
        name = finding.get("function")
        if not name or finding.get("rule") == "suppression":
            continue
        f = by_file.get(finding["path"])
        if f is None:
            continue
        fn = next(
            (
                x
                for x in f.get("functions", [])
                if x["qualified_name"] == name and x["start_line"] == finding["line"]
            ),
            None,
        )
        if fn is None:
            problems["finding names a function the report does not list"].append(
                f"{commit[:10]} {finding['path']}:{finding['line']} {name}"
            )
            continue
        if f.get("status") == "added":
            continue
        if finding["path"] not in rows_cache:
            rows_cache[finding["path"]] = changed_rows(
                clone, parent, commit, finding["path"], f.get("old_path")
            )
        rows = rows_cache[finding["path"]]
        if not any(fn["start_line"] <= r <= fn["end_line"] for r in rows):
            problems["function judged as changed, but no changed line in it"].append(
                f"{commit[:10]} {finding['path']}:{fn['start_line']}-{fn['end_line']} "
                f"{name} ({finding['rule']})"
            )


FINDING_KEYS = (
    "rule", "level", "path", "function", "value", "base_value", "threshold", "reason",
    "suppressed", "baseline",
)


class Tally:
    """Everything the replay learns, commit by commit."""

    def __init__(self):
        self.codes = collections.Counter()
        self.verdicts = collections.Counter()
        self.rules = collections.Counter()
        self.reasons = collections.Counter()
        self.with_diagnostics = set()
        self.problems = collections.defaultdict(list)
        self.errors = []
        self.walls, self.cpus, self.rows = [], [], []
        self.merges = self.roots = self.files = self.functions = self.not_analysed = 0

    def add(self, clone, c, parents, outcome):
        """Records one replayed commit: its exit code, report and cross-checks against git."""
        rc, out, err, wall, cpu = outcome
        self.codes[rc] += 1
        self.walls.append(wall)
        self.cpus.append(cpu)
        row = {"commit": c, "exit": rc, "wall": wall, "cpu": cpu, "merge": len(parents) > 1}
        self.rows.append(row)
        if rc not in (0, 1):
            self.errors.append((c, rc, err.strip()))
            row["stderr"] = err
            return None
        try:
            report = json.loads(out)
        except ValueError as e:
            self.problems["stdout is not JSON"].append(f"{c[:10]} {e}")
            return None
        verdict = report.get("verdict")
        self.verdicts[verdict] += 1
        if (verdict == "pass") != (rc == 0):
            self.problems["verdict disagrees with exit code"].append(f"{c[:10]} {verdict} {rc}")
        s = report.get("summary", {})
        self.files += s.get("files", 0)
        self.functions += s.get("functions", 0)
        self.not_analysed += s.get("not_analysed", 0)
        self.count_report(report)
        for line in err.strip().splitlines():
            self.problems["stderr on a 0/1 exit"].append(f"{c[:10]} {line[:200]}")
        inspect(clone, c, parents[0], report, self.problems)
        row.update(
            verdict=verdict,
            files=s.get("files", 0),
            findings=[
                {k: f.get(k) for k in FINDING_KEYS} for f in report.get("findings", [])
            ],
        )
        return report

    def count_report(self, report):
        for n in report.get("not_analysed", []):
            self.reasons[n.get("reason", "?").split(":")[0]] += 1
        for f in report.get("files", []):
            if f.get("diagnostics"):
                self.with_diagnostics.add(f["path"])
        for f in report.get("findings", []):
            tag = "suppressed" if f.get("suppressed") else f.get("level")
            self.rules[(f.get("rule"), tag)] += 1

    def print_summary(self, name):
        ran = sum(self.codes.values())
        print(f"== {name}: {ran} commits replayed ({self.merges} merges, {self.roots} root commits skipped)")
        print("exit codes: " + ", ".join(f"{k}: {v}" for k, v in sorted(self.codes.items(), key=str)))
        print("verdicts:   " + ", ".join(f"{k}: {v}" for k, v in sorted(self.verdicts.items())))
        print(f"analysed:   {self.files} files, {self.functions} functions; {self.not_analysed} not analysed")
        if self.reasons:
            print("not analysed: " + ", ".join(f"{k} {v}" for k, v in self.reasons.most_common()))
        if self.with_diagnostics:
            print(f"paths with parser diagnostics (syntax errors): {len(self.with_diagnostics)}")
        self.print_rules()
        self.print_timings()
        for c, rc, err in self.errors:
            print(f"ERROR exit {rc} at {c}:\n    " + "\n    ".join(err.splitlines()[-20:]))
        for what, items in self.problems.items():
            print(f"{what}: {len(items)}")
            for item in items[:15]:
                print(f"    {item}")
            if len(items) > 15:
                print(f"    … {len(items) - 15} more")

    def print_rules(self):
        if not self.rules:
            print("findings:   none")
            return
        print("findings by rule (fail / warn / suppressed):")
        for rule in sorted({r for r, _ in self.rules}):
            f, w, s = (self.rules[(rule, t)] for t in ("fail", "warn", "suppressed"))
            print(f"  {rule:12} {f:5} / {w:5} / {s:5}")

    def print_timings(self):
        if not self.walls:
            return
        slowest = max(self.rows, key=lambda r: r["wall"])
        print(
            "wall ms:    median {:.0f}, p95 {:.0f}, max {:.0f} ({}, {} files)".format(
                1000 * statistics.median(self.walls),
                1000 * pct(self.walls, 95),
                1000 * max(self.walls),
                slowest["commit"][:10],
                slowest.get("files", "?"),
            )
        )
        print(
            "cpu ms:     median {:.0f}, p95 {:.0f}, max {:.0f}".format(
                1000 * statistics.median(self.cpus), 1000 * pct(self.cpus, 95), 1000 * max(self.cpus)
            )
        )


def allowed_growth(tolerance, base):
    """How many lines a function already above its length level may grow under `tolerance`
    (`10` lines or `10%` of its base length, rounded down), as the policy computes it."""
    if tolerance.endswith("%"):
        return int(float(tolerance[:-1]) * base // 100)
    return int(tolerance)


def fails_under(row, tolerance):
    """Whether the commit of `row` fails under `length_tolerance: tolerance`, from the findings
    of a run with tolerance 0."""
    for f in row.get("findings", []):
        if f["level"] != "fail" or f.get("suppressed") or f.get("baseline"):
            continue
        if f["rule"] == "length" and f.get("reason") == "worse" and f.get("base_value"):
            if f["value"] - f["base_value"] <= allowed_growth(tolerance, f["base_value"]):
                continue
        return True
    return False


def print_tolerances(tally, tolerances):
    judged = [r for r in tally.rows if r["exit"] in (0, 1)]
    print("length_tolerance → commits failed:")
    for t in tolerances:
        n = sum(fails_under(r, t) for r in judged)
        print(f"  {t:>6}  {n:4} of {len(judged)}  ({100 * n / max(1, len(judged)):.1f} %)")


def init_config(args, clone, start, out):
    """Runs `debtgate init` in a temporary worktree at `start`; returns the file it wrote,
    copied to `out`."""
    work = out + ".worktree"
    git(clone, "worktree", "add", "--detach", "--force", work, start)
    try:
        p = subprocess.run(
            [args.debtgate, "init", "--force"], cwd=work, env=ENV, capture_output=True
        )
        if p.returncode != 0:
            sys.exit(f"debtgate init failed at {start}:\n{p.stderr.decode()}")
        with open(os.path.join(work, ".debtgate.yaml")) as f:
            text = f.read()
    finally:
        git(clone, "worktree", "remove", "--force", work)
    with open(out, "w") as f:
        f.write(text)
    # mode, the ratchet tolerances, each metric's levels and min_grade, one line
    chosen = [
        l.strip()
        for l in text.splitlines()
        if re.match(r"^(mode|  \w+_tolerance:|  \w+:\s*\{|min_grade)", l)
    ]
    print(f"init at {start[:10]}: " + "; ".join(chosen))
    return out


def replay(args, clone, commits, tally):
    for i, c in enumerate(commits, 1):
        parents = git(clone, "rev-list", "--parents", "-n", "1", c).decode().split()[1:]
        if not parents:
            tally.roots += 1
            continue
        tally.merges += len(parents) > 1
        tally.add(clone, c, parents, run_one(args, clone, c))
        if i % 50 == 0:
            print(f"  … {i}/{len(commits)}", file=sys.stderr)


def cyclomatic_fail(args, clone):
    """The top-level cyclomatic fail level of the configuration the replay runs under."""
    cmd = [args.debtgate, "config", "show"] + (["--config", args.config] if args.config else [])
    shown = subprocess.run(cmd, cwd=clone, env=ENV, check=True, capture_output=True).stdout.decode()
    m = re.search(r"^  cyclomatic:\n(?:    warn: \d+\n)?    fail: (\d+)", shown, re.M)
    if not m:
        sys.exit("the configuration has no cyclomatic fail level: nothing to plant against")
    return int(m.group(1))


def plant(args, clone, commits, tally):
    """Replays `args.sample` commits of the window, each with one planted regression."""
    planter = replay_plant.Planter(clone, args.debtgate, ENV, args.seed, cyclomatic_fail(args, clone))
    with_parent = []
    for c in commits:
        parents = git(clone, "rev-list", "--parents", "-n", "1", c).decode().split()[1:]
        if parents:
            with_parent.append((c, parents))
    sample = planter.rng.sample(with_parent, min(args.sample, len(with_parent)))
    caught, missed, failed, in_change, above = 0, [], [], 0, 0
    for c, parents in sample:
        changed = [p for p, (letter, _) in name_status(clone, parents[0], c).items() if letter != "D"]
        planted = planter.plant(args.plant, c, parents[0], changed)
        if "failed" in planted:
            failed.append(f"{c[:10]} {planted['failed']}")
            continue
        in_change += planted["in_change"]
        above += (planted.get("base") or 0) > planter.grow_from + replay_plant.GROWN_BY - 1
        report = tally.add(clone, planted["commit"], parents,
                           run_one(args, clone, planted["commit"], base=parents[0]))
        tally.rows[-1].update(original=c, planted=planted)
        if report is not None and replay_plant.caught(report, planted):
            caught += 1
        else:
            missed.append(f"{c[:10]} {planted['path']} {planted['function']} "
                          f"(cyclomatic {planted['expected']})")
    n = caught + len(missed)
    grown = (f", {above} into a function already above the fail level "
             f"{planter.grow_from + replay_plant.GROWN_BY - 1}" if args.plant == "grow" else "")
    print(f"planted ({args.plant}): {n} commits, {in_change} into a file the commit changes{grown}; "
          f"caught {caught} of {n} ({100 * caught / max(1, n):.1f} %)")
    for m in missed:
        print(f"    MISSED {m}")
    for f in failed:
        print(f"    plant failed (not counted): {f}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("clone")
    ap.add_argument("count", nargs="?", type=int, default=300)
    ap.add_argument(
        "--debtgate", default=os.path.join(here, "..", "target", "release", "debtgate")
    )
    ap.add_argument("--jobs", type=int, help="passed to debtgate check -j")
    ap.add_argument("--config", help="passed to debtgate check --config (e.g. a ratchet policy)")
    ap.add_argument("--init", metavar="OUT",
                    help="write debtgate init's file at the window's start to OUT and use it")
    ap.add_argument("--plant", choices=("new", "grow"), help="plant a regression (see above)")
    ap.add_argument("--sample", type=int, default=30, help="commits to plant into")
    ap.add_argument("--seed", type=int, default=16, help="seed of the sample and the choices")
    ap.add_argument("--tolerances", help="comma-separated length_tolerance values to compare")
    ap.add_argument("--timeout", type=float, default=300.0)
    ap.add_argument("--json", help="also write every commit's outcome to this file")
    args = ap.parse_args()
    args.debtgate = os.path.abspath(args.debtgate)
    clone = os.path.abspath(args.clone)

    start_state = state(clone)
    commits = git(clone, "rev-list", "--first-parent", "-n", str(args.count), "HEAD")
    commits = commits.decode().split()
    if args.init:
        oldest = git(clone, "rev-list", "--parents", "-n", "1", commits[-1]).decode().split()
        args.config = init_config(args, clone, oldest[1] if len(oldest) > 1 else oldest[0],
                                  os.path.abspath(args.init))
    if args.config:
        args.config = os.path.abspath(args.config)
    tally = Tally()
    if args.plant:
        plant(args, clone, commits, tally)
    else:
        replay(args, clone, commits, tally)
    if state(clone) != start_state:
        tally.problems["the clone changed (HEAD, refs or index)"].append(clone)
    tally.print_summary(os.path.basename(clone.rstrip("/")))
    if args.tolerances:
        print_tolerances(tally, args.tolerances.split(","))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(tally.rows, f, indent=1)
    return 1 if tally.errors or tally.problems.get("the clone changed (HEAD, refs or index)") else 0


if __name__ == "__main__":
    sys.exit(main())
