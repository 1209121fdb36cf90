#!/usr/bin/env python3
"""Checks `debtgate trend` against `debtgate check --all` on a real repository: for N commits
sampled from a trend document (the first and the last always in), checks out each commit in
WORKTREE, runs `check --all --format json` there and compares the figures overall and per
top-level directory, computed from the report's files and findings as tests/trend.rs does
(figures_of_check / figures_of_trend). Exits 1 when any differ.

    debtgate trend --commits 1000 --format json > trend.json      # in the repository
    git worktree add --detach /tmp/wt HEAD
    scripts/trend-equals-check.py trend.json /tmp/wt "$(command -v debtgate)" /tmp/check.redb 20

STORE is the store `check` uses (give it its own, so that the checks measure afresh). Commits
whose policy file is invalid are not handled here (tests/trend.rs covers them)."""
import json, math, os, random, subprocess, sys, time


def rnd(x):
    """Rounds half away from zero, as Rust's f64::round (Python's round() rounds half to even)."""
    return math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)

def top(p): return p.split('/', 1)[0] if '/' in p else '.'
RULES = ["cyclomatic", "cognitive", "max_nesting", "length", "params"]

def figures(files, findings):
    fns = [g for f in files for g in f["functions"]]
    s = lambda k: sum(g[k] for g in fns)
    mean = lambda t, n: 0.0 if n == 0 else rnd(t / n * 100.0) / 100.0
    grades = {}
    for f in files: grades[f["grade"]] = grades.get(f["grade"], 0) + 1
    active = [f for f in findings if f["suppressed"] is False]
    over, worst = {}, {}
    for f in active:
        if f["rule"] not in RULES: continue
        e = over.setdefault(f["rule"], [0, 0])
        e[1 if f["level"] == "fail" else 0] += 1
        k = (f.get("path") or "", f.get("line") or 0, f.get("function") or "")
        w = worst.setdefault(k, f["level"])
        if f["level"] == "fail": worst[k] = "fail"
    return {
        "files": len(files), "functions": len(fns),
        "code_lines": sum(f["code_lines"] for f in files),
        "satd": sum(len(f["satd"]) for f in files),
        "cyclomatic": mean(s("cyclomatic"), len(fns)),
        "cyclomatic_total": s("cyclomatic"), "cognitive_total": s("cognitive"),
        "tdg_tenths": sum(rnd(f["score"] * 10) for f in files),
        "grades": grades, "over": over,
        "functions_fail": sum(1 for v in worst.values() if v == "fail"),
        "functions_warn": sum(1 for v in worst.values() if v == "warn"),
        "failures": sum(1 for f in active if f["level"] == "fail"),
        "warnings": sum(1 for f in active if f["level"] == "warn"),
        "suppressed": len(findings) - len(active),
    }

def of_check(rep):
    files, findings = rep["files"], rep["findings"]
    out = {}
    for d in ["*"] + sorted({top(f["path"]) for f in files}):
        mine = lambda p: d == "*" or top(p or "") == d
        out[d] = figures([f for f in files if mine(f["path"])],
                         [f for f in findings if mine(f.get("path"))])
    return out

def of_trend(e):
    return {
        "files": e["files"], "functions": e["functions"], "code_lines": e["code_lines"],
        "satd": e["satd"], "cyclomatic": e["cyclomatic"]["mean"],
        "cyclomatic_total": e["cyclomatic"]["total"], "cognitive_total": e["cognitive"]["total"],
        "tdg_tenths": rnd(e["tdg"]["total"] * 10),
        "grades": {g: n for g, n in e["tdg"]["grades"].items() if n},
        "over": {m: [l["warn"], l["fail"]] for m, l in e["over_threshold"].items() if l["warn"] or l["fail"]},
        "functions_fail": e["functions_over"]["fail"], "functions_warn": e["functions_over"]["warn"],
        "failures": e["findings"]["failures"], "warnings": e["findings"]["warnings"],
        "suppressed": e["findings"]["suppressed"],
    }

doc = json.load(open(sys.argv[1]))
wt, binary, store, n = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
commits = doc["commits"]
rng = random.Random(15)
picked = sorted(set([0, len(commits) - 1] + rng.sample(range(1, len(commits) - 1), n - 2)))
bad = 0
for i in picked:
    c = commits[i]
    subprocess.run(["git", "-C", wt, "checkout", "-q", "--detach", c["id"]], check=True)
    t = time.time()
    r = subprocess.run([binary, "check", "--all", "--format", "json"], cwd=wt,
                       capture_output=True, env=dict(os.environ, DEBTGATE_STORE=store, DEBTGATE_DAEMON="off"))
    if r.returncode not in (0, 1):
        print("check failed", c["id"], r.stderr.decode()[-500:]); bad += 1; continue
    exp = of_check(json.loads(r.stdout))
    got = {"*": of_trend(c["figures"])}
    for d, f in c["directories"].items(): got[d] = of_trend(f)
    same = exp == got
    bad += not same
    print(f"{i:4d} {c['id'][:10]} {c['date']} files={got['*']['files']:4d} functions={got['*']['functions']:6d} "
          f"fail={got['*']['functions_fail']:4d} dirs={len(got)} {'equal' if same else 'DIFFERENT'} ({time.time()-t:.1f}s)", flush=True)
    if not same:
        for d in sorted(set(exp) | set(got)):
            if exp.get(d) != got.get(d):
                e, g = exp.get(d) or {}, got.get(d) or {}
                print("   ", d, {k: (e.get(k), g.get(k)) for k in set(e) | set(g) if e.get(k) != g.get(k)})
print(f"{len(picked)} commits compared, {bad} different")
sys.exit(1 if bad else 0)
