#!/usr/bin/env python3
"""Compare debtgate's functions and cyclomatic complexity with lizard's on the same files.

Not part of the test suite: a measuring tool. It installs the lizard version it compares against.

    scripts/compare-lizard.py [--debtgate target/release/debtgate] [--show N] [--lang L] PATH...

For each language it prints how many functions both tools found, how many only one found, and
the share of common functions whose cyclomatic complexity is exactly equal; `--show N` lists up
to N disagreements per language (file:line, name, lizard, debtgate) to study.
"""
import argparse
import collections
import csv
import io
import json
import os
import subprocess
import sys

LIZARD_VERSION = "1.24.3"
EXT = {
    ".rs": "rust", ".py": "python", ".js": "javascript", ".jsx": "javascript", ".mjs": "javascript",
    ".ts": "typescript", ".tsx": "tsx", ".go": "go", ".java": "java", ".c": "c", ".h": "c",
    ".cc": "cpp", ".cpp": "cpp", ".cxx": "cpp", ".hpp": "cpp", ".hh": "cpp",
}


def ensure_lizard():
    try:
        out = subprocess.run([sys.executable, "-m", "lizard", "--version"], capture_output=True, text=True)
        if out.returncode == 0 and out.stdout.strip() == LIZARD_VERSION:
            return
    except OSError:
        pass
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", f"lizard=={LIZARD_VERSION}"], check=True)


def lizard_functions(paths):
    cmd = [sys.executable, "-m", "lizard", "--csv", "-t", "2"] + paths
    out = subprocess.run(cmd, capture_output=True, text=True, errors="replace").stdout
    funcs = collections.defaultdict(dict)
    for row in csv.reader(io.StringIO(out)):
        if len(row) < 11:
            continue
        nloc, ccn, _tok, param, length, _loc, path, name, long_name, start, end = row[:11]
        path = os.path.normpath(path)
        funcs[path][int(start)] = dict(name=name, long_name=long_name, ccn=int(ccn), start=int(start), end=int(end), params=int(param))
    return funcs


def debtgate_functions(binary, paths):
    out = subprocess.run([binary, "analyze", "--format", "json"] + paths, capture_output=True, text=True, errors="replace")
    if out.returncode != 0:
        sys.exit(f"debtgate failed: {out.stderr}")
    report = json.loads(out.stdout)
    funcs = collections.defaultdict(dict)
    for f in report["files"]:
        path = os.path.normpath(f["path"])
        for fn in f["functions"]:
            funcs[path][fn["start_line"]] = dict(name=fn["name"], long_name=fn["qualified_name"], ccn=fn["cyclomatic"], start=fn["start_line"], end=fn["end_line"], params=fn["params"], cognitive=fn["cognitive"])
    return funcs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--debtgate", default="target/release/debtgate")
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--lang")
    ap.add_argument("--json", help="write per-language numbers to this file")
    ap.add_argument("paths", nargs="+")
    args = ap.parse_args()
    ensure_lizard()
    liz = lizard_functions(args.paths)
    ours = debtgate_functions(args.debtgate, args.paths)
    stats = collections.defaultdict(lambda: collections.Counter())
    diffs = collections.defaultdict(list)
    for path in sorted(set(liz) | set(ours)):
        lang = EXT.get(os.path.splitext(path)[1])
        if lang is None or (args.lang and lang != args.lang):
            continue
        l, o = liz.get(path, {}), ours.get(path, {})
        for line in sorted(set(l) | set(o)):
            a, b = l.get(line), o.get(line)
            s = stats[lang]
            if a and b:
                s["common"] += 1
                if a["ccn"] == b["ccn"]:
                    s["equal"] += 1
                else:
                    diffs[lang].append(f"  {path}:{line} {b['long_name']}: lizard {a['ccn']}, debtgate {b['ccn']}")
            elif a:
                s["lizard_only"] += 1
                diffs[lang].append(f"  {path}:{line} only lizard: {a['long_name']} (ccn {a['ccn']}, to line {a['end']})")
            else:
                s["debtgate_only"] += 1
                diffs[lang].append(f"  {path}:{line} only debtgate: {b['long_name']} (ccn {b['ccn']}, to line {b['end']})")
    total = collections.Counter()
    print(f"{'language':<11} {'common':>7} {'equal':>7} {'equal%':>7} {'lizard-only':>12} {'debtgate-only':>14} {'set-match%':>10}")
    for lang in sorted(stats):
        s = stats[lang]
        total.update(s)
        union = s["common"] + s["lizard_only"] + s["debtgate_only"]
        print(f"{lang:<11} {s['common']:>7} {s['equal']:>7} {100*s['equal']/max(1,s['common']):>6.1f}% {s['lizard_only']:>12} {s['debtgate_only']:>14} {100*s['common']/max(1,union):>9.1f}%")
    union = total["common"] + total["lizard_only"] + total["debtgate_only"]
    print(f"{'all':<11} {total['common']:>7} {total['equal']:>7} {100*total['equal']/max(1,total['common']):>6.1f}% {total['lizard_only']:>12} {total['debtgate_only']:>14} {100*total['common']/max(1,union):>9.1f}%")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({k: dict(v) for k, v in stats.items()}, fh, indent=2)
    if args.show:
        for lang in sorted(diffs):
            print(f"\n{lang}: first {args.show} of {len(diffs[lang])} disagreements")
            for d in diffs[lang][: args.show]:
                print(d)


if __name__ == "__main__":
    main()
