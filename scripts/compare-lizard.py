#!/usr/bin/env python3
"""Compare debtgate's functions and cyclomatic complexity with lizard's on the same files.

Not part of the test suite: a measuring tool. It installs the lizard version it compares against.

    scripts/compare-lizard.py [--debtgate target/release/debtgate] [--show N] [--lang L] PATH...

For each language it prints how many functions both tools found, how many only one found, and
the share of common functions (same file, same start line) whose cyclomatic complexity is
exactly equal. A function only one tool found at a start line, and only the other at another,
with the same end line or, failing that, the same name in the same order, is counted as "start differs" (a decorator or annotation line, usually),
not as two misses; set-match% counts it as a miss. Files lizard fails to parse are left out and
counted. `--show N` lists up to N disagreements per language (file:line, name, lizard, debtgate).
"""
import argparse
import collections
import csv
import difflib
import io
import json
import os
import re
import subprocess
import sys

LIZARD_VERSION = "1.24.3"
EXT = {
    ".rs": "rust", ".py": "python", ".js": "javascript", ".jsx": "javascript", ".mjs": "javascript",
    ".ts": "typescript", ".tsx": "tsx", ".go": "go", ".java": "java", ".c": "c", ".h": "c",
    ".cc": "cpp", ".cpp": "cpp", ".cxx": "cpp", ".hpp": "cpp", ".hh": "cpp", ".cs": "csharp", ".rb": "ruby", ".php": "php",
    ".vue": "vue", ".svelte": "svelte", ".kt": "kotlin", ".kts": "kotlin", ".swift": "swift",
}


def ensure_lizard():
    try:
        out = subprocess.run([sys.executable, "-m", "lizard", "--version"], capture_output=True, text=True)
        if out.returncode == 0 and out.stdout.strip() == LIZARD_VERSION:
            return
    except OSError:
        pass
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", f"lizard=={LIZARD_VERSION}"], check=True)


def _lizard_file(path):
    """One file through lizard in-process; lizard crashes on some files (IndexError in its
    TypeScript/JSX readers), so a failure is reported, not fatal."""
    import lizard
    try:
        if path.endswith((".vue", ".svelte")):
            # lizard's Vue reader loses lines in templates (a tag holding `=>` or spanning lines
            # shifts every later function), and it has no Svelte reader: give it the component's
            # `<script>` blocks as a script of their language, everything else blanked, lines kept.
            with open(path, encoding="utf-8", errors="replace") as fh:
                code, ext = component_scripts(fh.read())
            info = lizard.FileAnalyzer(lizard.get_extensions([])).analyze_source_code(path + ext, code)
        else:
            info = lizard.analyze_file(path)
    except Exception as e:  # noqa: BLE001 - lizard's own parser faults
        return path, None, repr(e)
    rows = [dict(name=f.name, long_name=f.long_name, ccn=f.cyclomatic_complexity, start=f.start_line,
                 end=f.end_line, params=f.parameter_count) for f in info.function_list
            # lizard's C# reader reports the code outside any function as `*global*`: no function.
            if f.name != "*global*"]
    return path, rows, None


SCRIPT_BLOCK = re.compile(r"<script\b([^>]*)>(.*?)</script", re.I | re.S)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)


def component_scripts(text):
    """A component's `<script>` blocks with everything around them blanked (newlines kept), and
    the extension lizard should read them by (`.ts` when a block says `lang="ts"`)."""
    kept = [" " if c != "\n" else c for c in text]
    ext = ".js"
    hidden = [(m.start(), m.end()) for m in HTML_COMMENT.finditer(text)]
    for m in SCRIPT_BLOCK.finditer(text):
        if any(a <= m.start() < b for a, b in hidden):
            continue
        attrs = m.group(1)
        if re.search(r"""type\s*=\s*["']?application/(ld\+)?json""", attrs, re.I):
            continue
        lang = re.search(r"""lang\s*=\s*["']?(\w+)""", attrs, re.I)
        if lang and lang.group(1).lower() in ("ts", "typescript", "tsx"):
            ext = ".ts" if lang.group(1).lower() != "tsx" else ".tsx"
        kept[m.start(2):m.end(2)] = text[m.start(2):m.end(2)]
    return "".join(kept), ext


# How far apart two start lines may be for one function: a few decorator / annotation lines when
# the end lines agree, lizard's line drift inside JSX when only the names do.
MAX_START_SHIFT = 5
MAX_DRIFT = 30


def short_name(name):
    """The last component of a function name, as both tools write it."""
    return name.replace("::", ".").rsplit(".", 1)[-1].strip()


def source_files(paths):
    import lizard
    for p in paths:
        if os.path.isfile(p):
            yield os.path.normpath(p)
            continue
        for dirpath, dirnames, filenames in os.walk(p):
            # Hidden folders and files are skipped, as debtgate's walk skips them.
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "node_modules")
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                path = os.path.normpath(os.path.join(dirpath, name))
                if os.path.splitext(path)[1] in EXT and (path.endswith(".svelte") or lizard.get_reader_for(path)):
                    yield path


def lizard_functions(paths):
    """Functions per file by lizard, and the files lizard failed to parse."""
    import multiprocessing
    funcs = collections.defaultdict(dict)
    failed = {}
    files = list(source_files(paths))
    with multiprocessing.Pool(2) as pool:
        for path, rows, err in pool.imap_unordered(_lizard_file, files, chunksize=8):
            if rows is None:
                failed[path] = err
                continue
            funcs[path] = {}
            for r in rows:
                funcs[path][r["start"]] = r
    return funcs, failed


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


def pair_moved(l, o):
    """Functions both tools found at different start lines: lizard line -> debtgate line."""
    # A function both found but at different start lines (a decorator or annotation line, say)
    # pairs up by its end line when that is unambiguous.
    only_l = {k: v for k, v in l.items() if k not in o}
    only_o = {k: v for k, v in o.items() if k not in l}
    by_end_l = collections.Counter(v["end"] for v in only_l.values())
    by_end_o = collections.Counter(v["end"] for v in only_o.values())
    moved = {}
    for k, a in only_l.items():
        if by_end_l[a["end"]] == 1 and by_end_o[a["end"]] == 1:
            kb = next(kb for kb, b in only_o.items() if b["end"] == a["end"])
            # A decorator or annotation line apart, not an inner function ending with an outer.
            if abs(k - kb) <= MAX_START_SHIFT:
                moved[k] = kb
    # Then, in order, the remaining functions of the same name (lizard's line numbers drift
    # inside JSX, so its start lines can be off by several lines).
    rest_l = sorted(k for k in only_l if k not in moved)
    rest_o = sorted(k for k in only_o if k not in moved.values())
    names_l = [short_name(l[k]["name"]) for k in rest_l]
    names_o = [short_name(o[k]["name"]) for k in rest_o]
    sm = difflib.SequenceMatcher(None, names_l, names_o, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2)):
                if abs(rest_l[i] - rest_o[j]) <= MAX_DRIFT:
                    moved[rest_l[i]] = rest_o[j]
    return moved


def compare_file(path, l, o, s, diffs):
    """Counts one file's agreement into `s` and its disagreements into `diffs`."""
    moved = pair_moved(l, o)
    moved_o = set(moved.values())
    for line in sorted(set(l) | set(o)):
        a, b = l.get(line), o.get(line)
        if a and b:
            s["common"] += 1
            if a["ccn"] == b["ccn"]:
                s["equal"] += 1
            else:
                diffs.append(f"  {path}:{line} {b['long_name']}: lizard {a['ccn']}, debtgate {b['ccn']}")
        elif a and line in moved:
            b = o[moved[line]]
            s["start_differs"] += 1
            s["start_differs_equal"] += a["ccn"] == b["ccn"]
            diffs.append(f"  {path}:{line} start differs: lizard {line} {a['long_name']} (ccn {a['ccn']}), debtgate {moved[line]} {b['long_name']} (ccn {b['ccn']}), both to line {a['end']}")
        elif a:
            s["lizard_only"] += 1
            if path.endswith((".kt", ".kts")) and a["name"] == "(anonymous)":
                # lizard's Kotlin reader lists a lambda that names its parameters (`{ x -> … }`)
                # as a function; debtgate folds every lambda inside a function into it.
                s["lizard_only_lambda"] += 1
            elif not_a_function(a["long_name"]):
                s["lizard_only_no_function"] += 1
            elif is_declaration(path, a):
                s["lizard_only_declaration"] += 1
            diffs.append(f"  {path}:{line} only lizard: {a['long_name']} (ccn {a['ccn']}, to line {a['end']})")
        elif line not in moved_o:
            s["debtgate_only"] += 1
            diffs.append(f"  {path}:{line} only debtgate: {b['long_name']} (ccn {b['ccn']}, to line {b['end']})")


# Words lizard's token reader sometimes takes for a function's name (C#: `.Condition(true)` after a
# lambda reads as a function named `true`).
KEYWORDS = {"true", "false", "null", "return", "new", "this", "base", "default", "throw", "await"}


def not_a_function(name):
    """Whether a name lizard reports is a statement or a call it took for a function: a name
    holding parentheses (`if( x == null)`, `ForMember( d => d . Id , …)`) or a keyword."""
    return "(" in name or short_name(name) in KEYWORDS


def is_declaration(path, f):
    """Whether a function lizard lists is a declaration without a body (a PHP interface or
    abstract method, `public function m(): int;`): it has no code to measure, and debtgate lists
    only functions with a body. Its lines then hold no `{`."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.readlines()[f["start"] - 1:f["end"]]
    except OSError:
        return False
    text = "".join(lines)
    return "{" not in text and text.rstrip().endswith(";")


def compare(liz, lizard_failed, ours, only_lang):
    stats = collections.defaultdict(collections.Counter)
    diffs = collections.defaultdict(list)
    for path in sorted(set(liz) | set(ours)):
        lang = EXT.get(os.path.splitext(path)[1])
        if lang is None or (only_lang and lang != only_lang):
            continue
        if path in lizard_failed:
            stats[lang]["lizard_failed_files"] += 1
            continue
        compare_file(path, liz.get(path, {}), ours.get(path, {}), stats[lang], diffs[lang])
    return stats, diffs


def print_table(stats):
    print(f"{'language':<11} {'common':>7} {'equal':>7} {'equal%':>7} {'lizard-only':>12} {'debtgate-only':>14} {'start-differs':>14} {'set-match%':>10}")

    def row(name, s):
        union = s["common"] + s["lizard_only"] + s["debtgate_only"] + s["start_differs"]
        print(f"{name:<11} {s['common']:>7} {s['equal']:>7} {100*s['equal']/max(1,s['common']):>6.1f}% {s['lizard_only']:>12} {s['debtgate_only']:>14} {s['start_differs']:>14} {100*s['common']/max(1,union):>9.1f}%")

    total = collections.Counter()
    for lang in sorted(stats):
        total.update(stats[lang])
        row(lang, stats[lang])
    row("all", total)
    for lang in sorted(stats):
        s = stats[lang]
        if s["start_differs"]:
            print(f"{lang}: of {s['start_differs']} functions whose start lines differ, {s['start_differs_equal']} have equal ccn")
        if s["lizard_only_no_function"] or s["lizard_only_declaration"] or s["lizard_only_lambda"]:
            lizards = s["common"] + s["start_differs"] + s["lizard_only"]
            real = (lizards - s["lizard_only_no_function"] - s["lizard_only_declaration"]
                    - s["lizard_only_lambda"])
            if s["lizard_only_lambda"]:
                print(f"{lang}: {s['lizard_only_lambda']} of the functions only lizard lists are lambdas, which debtgate folds")
            found = s["common"] + s["start_differs"]
            print(f"{lang}: of {s['lizard_only']} functions only lizard lists, {s['lizard_only_no_function']} are "
                  f"statements, calls or keywords it names as functions and {s['lizard_only_declaration']} are "
                  f"declarations without a body; debtgate finds {100*found/max(1,real):.1f}% "
                  f"of lizard's other {real} functions ({100*found/max(1,lizards):.1f}% of all it lists)")
        if s["lizard_failed_files"]:
            print(f"{lang}: {s['lizard_failed_files']} file(s) left out, lizard failed to parse them")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--debtgate", default="target/release/debtgate")
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--lang")
    ap.add_argument("--json", help="write per-language numbers to this file")
    ap.add_argument("paths", nargs="+")
    args = ap.parse_args()
    ensure_lizard()
    liz, lizard_failed = lizard_functions(args.paths)
    ours = debtgate_functions(args.debtgate, args.paths)
    stats, diffs = compare(liz, lizard_failed, ours, args.lang)
    print_table(stats)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({k: dict(v) for k, v in stats.items()}, fh, indent=2)
    for lang in sorted(diffs) if args.show else []:
        print(f"\n{lang}: first {args.show} of {len(diffs[lang])} disagreements")
        for d in diffs[lang][: args.show]:
            print(d)

if __name__ == "__main__":
    main()
