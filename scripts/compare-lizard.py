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
For Scala, a differing function that holds a construct lizard's token reader misreads (a body on
the lines after `=`, which lizard ends at its first line; `???`; …: `scala_misread`) is counted
apart, by cause, and an abstract `def` lizard lists is a declaration.
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
    ".scala": "scala", ".sc": "scala",
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
    scala = path.endswith(".scala")
    if scala:
        # lizard's Scala reader takes an abstract `def` for a function and gives it the body of
        # the next definition: a declaration, out of the pairing.
        for line in [k for k, a in l.items() if k not in o and is_scala_declaration(path, a)]:
            del l[line]
            s["lizard_only"] += 1
            s["lizard_only_declaration"] += 1
    moved = pair_moved(l, o)
    moved_o = set(moved.values())
    for line in sorted(set(l) | set(o)):
        a, b = l.get(line), o.get(line)
        if a and b:
            s["common"] += 1
            if a["ccn"] == b["ccn"]:
                s["equal"] += 1
            else:
                why = scala_misread(path, b, o) if scala else None
                if why:
                    s["misread"] += 1
                    s["misread: " + why] += 1
                diffs.append(f"  {path}:{line} {b['long_name']}: lizard {a['ccn']}, debtgate {b['ccn']}"
                             + (f" (lizard {why})" if why else ""))
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


def source_lines(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.readlines()
    except OSError:
        return []


SCALA_DEF_START = re.compile(r"^\s*(def|val|var|lazy|override|final|private|protected|implicit|type|case|@|//|/\*|\*|\}|$)")


def scala_header(lines, start):
    """How a Scala `def` at `start` (1-based) goes on after its name: `("=", row, rest)` at the
    `=` that starts its body (`rest` the rest of that line), `("{", row, "")` at a procedure
    body, `("decl", row, "")` where a line starts with the next definition first."""
    depth, first = 0, True
    for row in range(start - 1, min(len(lines), start + 30)):
        line = lines[row].split("//", 1)[0]
        if not first and depth == 0 and SCALA_DEF_START.match(line):
            return "decl", row, ""
        if first:
            at = line.find("def ")
            line, first = (line[at + 4:] if at >= 0 else line), False
        for k, c in enumerate(line):
            if c in "([":
                depth += 1
            elif c in ")]":
                depth -= 1
            elif depth == 0 and c == "{":
                return "{", row, ""
            elif (depth == 0 and c == "=" and line[k + 1:k + 2] not in ("=", ">")
                  and line[k - 1:k] not in ("=", "!", "<", ">", ":")):
                return "=", row, line[k + 1:].strip()
    return "decl", start - 1, ""


def is_scala_declaration(path, f):
    """Whether a function lizard lists in a Scala file is an abstract `def` (no `=`, no body)."""
    return scala_header(source_lines(path), f["start"])[0] == "decl"


def scala_cut(lines, f):
    """Whether lizard ends this `def` at the first line of its body: after `=`, lizard's function
    ends at the next line break unless a `{` comes before it."""
    how, row, rest = scala_header(lines, f["start"])
    return how == "=" and (rest == "" or ("{" not in rest and f["end"] > row + 1))


SCALA_DECISION = re.compile(r"\s*(if|for|while|case|catch|do)\b|\s*(&&|\|\||\?)")


def scala_takes_next(lines, f):
    """Whether lizard counts to this `def` the first token of the line after it: after `=` it
    ends the function at the first token on a new line, but counts that token first."""
    if scala_header(lines, f["start"])[0] != "=":
        return False
    for line in lines[f["end"]:f["end"] + 20]:
        code = line.split("//", 1)[0]
        if code.strip():
            return bool(SCALA_DECISION.match(code))
    return False


SCALA_DEF_NAME = re.compile(r"\bdef\s+(`[^`]*`|[A-Za-z_$][\w$]*(?:_[^\s\w(\[:=]+)?|[^\s\w(\[:=`]+)\s*(\S?)")


def scala_unlisted(lines, f):
    """Whether this `def` has no parameter list (`def size = …`): lizard lists no function for
    it, but takes it for a function that never ends, which gets every decision after it up to
    the end of the function around it."""
    m = SCALA_DEF_NAME.search(lines[f["start"] - 1]) if f["start"] <= len(lines) else None
    return bool(m) and m.group(2) not in ("(", "[")


SCALA_MISREADS = [
    # lizard counts every `?` as a conditional: `???`, wildcard types `F[?]`, operators `?<`.
    ("counts ?", re.compile(r"\?")),
    # the `do` of `do … while`, and of Scala 3's `while … do` / `for … do`, as a second decision.
    ("counts do", re.compile(r"\bdo\b")),
    ("counts case class", re.compile(r"\bcase\s+(class|object)\b")),
    # decisions inside `${…}` are part of a string token to lizard.
    ("misses ${…}", re.compile(r"\$\{[^}]*(\bif\b|\bmatch\b|&&|\|\|)")),
]


def scala_misread(path, f, ours):
    """Why lizard's cyclomatic for a Scala function differs, when the function holds a construct
    its token reader misreads (module doc of src/lang/scala.rs), else None."""
    lines = source_lines(path)
    if scala_cut(lines, f):
        return "ends it at the first line of its body"
    if scala_takes_next(lines, f):
        return "counts a decision on the line after it"
    inner = [g for k, g in ours.items() if f["start"] < k <= f["end"] and g["end"] <= f["end"]]
    if any(scala_cut(lines, g) or scala_takes_next(lines, g) or scala_unlisted(lines, g)
           for g in inner):
        return "counts its decisions to an inner def"
    if scala_unlisted(lines, f):
        return "gives it the rest of the function around it"
    name = SCALA_DEF_NAME.search(lines[f["start"] - 1])
    if name and re.search(r"&&|\|\||\?", name.group(1)):
        return "counts its name (&&, ||, ?) as decisions"
    text = "".join(lines[f["start"] - 1:f["end"]])
    text = re.sub(r'"(\\.|[^"\\\n])*"', '""', re.sub(r"//[^\n]*", "", text)) if "${" not in text else text
    for why, pattern in SCALA_MISREADS:
        if pattern.search(text):
            return why
    return None


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
        if s["misread"]:
            unequal = s["common"] - s["equal"]
            print(f"{lang}: of {unequal} common functions with unequal ccn, {s['misread']} hold a construct "
                  f"lizard's token reader misreads; equal among the other common functions: "
                  f"{100*s['equal']/max(1,s['common']-s['misread']):.1f}%")
            for key in sorted(k for k in s if k.startswith("misread: ")):
                print(f"{lang}:   {s[key]:>6}  lizard {key[len('misread: '):]}")
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
