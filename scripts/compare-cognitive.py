#!/usr/bin/env python3
"""Compare debtgate's cognitive complexity with the reference implementations on the same files.

Not part of the test suite: a measuring tool. It installs what it compares against into a tools
folder (`--tools`, default /work/tools), never into the repository:

- Python: complexipy (PyPI), through its Python API;
- JavaScript / JSX / TypeScript / TSX: ESLint with eslint-plugin-sonarjs's `cognitive-complexity`
  rule (S3776) at threshold 0, so every function whose complexity is above 0 is reported
  (typescript-eslint parses TS and TSX).

    scripts/compare-cognitive.py [--debtgate target/release/debtgate] [--tools DIR] [--lang L]
                                 [--show N] PATH...

For each language it prints how many of debtgate's functions the reference also measured, how
many have exactly equal cognitive complexity, and how many disagree; `--show N` lists up to N
disagreements per language (file:line, name, reference, debtgate) to study.

Matching: a reference function is matched to debtgate's function in the same file that starts on
the same line (complexipy's start line is moved past decorators to the `def` line). SonarJS
reports only functions whose complexity is above the threshold (0), so the ESLint config adds a
small rule that lists every function at the place sonarjs would report it, with the lines it
spans; a function with no sonarjs report there is 0. JS/TS functions are matched by start and end
line, then by end line alone. complexipy folds nested `def`s into the enclosing function
(debtgate measures them as functions of their own): such enclosing functions are counted in
their own class, "has nested def".
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile

COMPLEXIPY_VERSION = "8.3.0"
NPM_PACKAGES = ["eslint@9", "eslint-plugin-sonarjs@4.2.2", "typescript-eslint@8", "typescript@5"]
EXT = {
    ".py": "python", ".js": "javascript", ".jsx": "javascript", ".mjs": "javascript",
    ".cjs": "javascript", ".ts": "typescript", ".mts": "typescript", ".cts": "typescript",
    ".tsx": "tsx",
}
SONAR_MESSAGE = re.compile(r"Cognitive Complexity from (\d+) to")

ESLINT_CONFIG = """\
import sonarjs from "{tools}/node_modules/eslint-plugin-sonarjs/cjs/plugin.js";
import location from "{tools}/node_modules/eslint-plugin-sonarjs/cjs/helpers/location.js";
import tseslint from "{tools}/node_modules/typescript-eslint/dist/index.js";
// Lists every function where sonarjs reports it, with the lines it spans (a method from its
// key), so that functions of complexity 0, which sonarjs does not report, are known too.
const list = {{
  meta: {{ schema: [] }},
  create(context) {{
    return {{
      ":function"(node) {{
        const p = node.parent;
        const whole = p && (p.type === "MethodDefinition" || (p.type === "Property" && (p.method || p.kind !== "init"))) ? p.key : node;
        context.report({{
          loc: location.getMainFunctionTokenLocation(node, node.parent, context),
          message: `function ${{whole.loc.start.line}} ${{node.loc.end.line}}`,
        }});
      }},
    }};
  }},
}};
const functions = {{ rules: {{ list }} }};
const plugins = {{ sonarjs, functions }};
const rules = {{ "sonarjs/cognitive-complexity": ["error", 0], "functions/list": "error" }};
export default [
  {{ files: ["**/*.js", "**/*.jsx", "**/*.mjs", "**/*.cjs"],
    languageOptions: {{ ecmaVersion: "latest", sourceType: "module",
                        parserOptions: {{ ecmaFeatures: {{ jsx: true }} }} }},
    plugins, rules }},
  {{ files: ["**/*.ts", "**/*.mts", "**/*.cts"],
    languageOptions: {{ parser: tseslint.parser }},
    plugins, rules }},
  {{ files: ["**/*.tsx"],
    languageOptions: {{ parser: tseslint.parser, parserOptions: {{ ecmaFeatures: {{ jsx: true }} }} }},
    plugins, rules }},
];
"""
FUNCTION_MESSAGE = re.compile(r"^function (\d+) (\d+)$")


def ensure_complexipy():
    try:
        import complexipy  # noqa: F401
        return
    except ImportError:
        pass
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", f"complexipy=={COMPLEXIPY_VERSION}"], check=True)


def ensure_eslint(tools):
    os.makedirs(tools, exist_ok=True)
    have = all(os.path.isdir(os.path.join(tools, "node_modules", p.rsplit("@", 1)[0])) for p in NPM_PACKAGES)
    if not have:
        if not os.path.exists(os.path.join(tools, "package.json")):
            with open(os.path.join(tools, "package.json"), "w") as fh:
                fh.write('{"name": "debtgate-tools", "private": true}\n')
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"] + NPM_PACKAGES, cwd=tools, check=True)
    config = os.path.join(tools, "eslint.config.mjs")
    with open(config, "w") as fh:
        fh.write(ESLINT_CONFIG.format(tools=os.path.abspath(tools)))
    return config


def wanted(path, langs):
    name = os.path.basename(path)
    # Hidden files are skipped, as debtgate's walk skips them; minified files are no source.
    if name.startswith(".") or name.endswith(".min.js"):
        return False
    return EXT.get(os.path.splitext(name)[1]) in langs


def source_files(paths, langs):
    for p in paths:
        if os.path.isfile(p):
            candidates = [p]
        else:
            candidates = []
            for dirpath, dirnames, filenames in os.walk(p):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "node_modules")
                candidates += [os.path.join(dirpath, name) for name in sorted(filenames)]
        yield from (os.path.abspath(c) for c in candidates if wanted(c, langs))


def complexipy_functions(files):
    """{path: [dict(line, end, name, value)]}, and the files complexipy could not read."""
    import complexipy
    funcs, failed = {}, {}
    def_line = re.compile(r"\s*(async\s+)?def\s")
    for path in files:
        try:
            result = complexipy.file_complexity(path)
        except Exception as e:  # noqa: BLE001 - its parser's faults
            failed[path] = repr(e)
            continue
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
        rows = []
        for f in result.functions:
            line = f.line_start
            # complexipy starts at the first decorator; debtgate at the `def`.
            while line <= len(lines) and not def_line.match(lines[line - 1]):
                line += 1
            rows.append(dict(line=line, end=f.line_end, name=f.name.replace("::", "."), value=f.complexity))
        funcs[path] = rows
    return funcs, failed


def sonar_file(f):
    """One file of ESLint's report: [dict(line, end, value)], or the parse error."""
    fatal = [m for m in f["messages"] if m.get("fatal")]
    if fatal:
        return None, fatal[0]["message"]
    where = {}
    values = {}
    for m in f["messages"]:
        at = (m["line"], m["column"])
        listed = FUNCTION_MESSAGE.match(m.get("message", ""))
        hit = SONAR_MESSAGE.search(m.get("message", ""))
        if m.get("ruleId") == "functions/list" and listed:
            where[at] = (int(listed.group(1)), int(listed.group(2)))
        elif m.get("ruleId") == "sonarjs/cognitive-complexity" and hit:
            values[at] = int(hit.group(1))
    return [dict(line=start, end=end, value=values.get(at, 0))
            for at, (start, end) in sorted(where.items())], None


def sonar_functions(files, tools, config):
    """{path: [dict(line, end, value)]}, and the files ESLint could not parse."""
    funcs, failed = {}, {}
    eslint = os.path.join(tools, "node_modules", ".bin", "eslint")
    batch = 200
    for i in range(0, len(files), batch):
        out = subprocess.run(
            [eslint, "--no-config-lookup", "-c", config, "--no-ignore", "-f", "json", "--"] + files[i:i + batch],
            capture_output=True, text=True, cwd="/")
        if not out.stdout.strip():
            sys.exit(f"eslint failed: {out.stderr[:2000]}")
        for f in json.loads(out.stdout):
            rows, error = sonar_file(f)
            if error:
                failed[f["filePath"]] = error
            else:
                funcs[f["filePath"]] = rows
    return funcs, failed


def debtgate_functions(binary, files):
    funcs = collections.defaultdict(list)
    batch = 500
    for i in range(0, len(files), batch):
        out = subprocess.run([binary, "analyze", "--format", "json"] + files[i:i + batch],
                             capture_output=True, text=True, errors="replace")
        if out.returncode not in (0, 1):
            sys.exit(f"debtgate failed: {out.stderr}")
        for f in json.loads(out.stdout)["files"]:
            path = os.path.abspath(f["path"])
            for fn in f["functions"]:
                funcs[path].append(dict(line=fn["start_line"], end=fn["end_line"], name=fn["qualified_name"],
                                        value=fn["cognitive"], ccn=fn["cyclomatic"]))
    return funcs


def match_sonar(ours, theirs):
    """Pairs (ours, value) by start and end line (in order where several share both), then by end
    line alone; also the unmatched functions of each side."""
    pairs = []
    left = list(theirs)
    rest = []
    for key in (lambda f: (f["line"], f["end"]), lambda f: f["end"]):
        pool = collections.defaultdict(list)
        for r in left:
            pool[key(r)].append(r)
        rest = []
        for f in ours:
            cands = pool.get(key(f))
            if cands:
                pairs.append((f, cands.pop(0)["value"]))
            else:
                rest.append(f)
        ours = rest
        left = [r for rs in pool.values() for r in rs]
    return pairs, left, rest


def python_pairs(path, mine, theirs, s, diffs):
    """(ours, complexipy's value, ours encloses a nested def) by start line."""
    by_line = {f["line"]: f for f in mine}
    nested_outer = {f["line"] for f in mine for g in mine if f is not g and f["line"] < g["line"] <= f["end"]}
    pairs = []
    for r in theirs:
        f = by_line.get(r["line"])
        if f is None:
            s["reference_only"] += 1
            diffs.append(f"  {path}:{r['line']} only complexipy: {r['name']} ({r['value']})")
        else:
            pairs.append((f, r["value"], f["line"] in nested_outer))
    seen = {r["line"] for r in theirs}
    s["debtgate_only"] += sum(1 for f in mine if f["line"] not in seen)
    return pairs


def sonar_pairs(path, mine, theirs, s, diffs):
    matched, unmatched, mine_only = match_sonar(mine, theirs)
    for r in unmatched:
        s["reference_only"] += 1
        diffs.append(f"  {path}:{r['line']} only sonarjs: function to line {r['end']} ({r['value']})")
    for f in mine_only:
        s["debtgate_only"] += 1
        diffs.append(f"  {path}:{f['line']} only debtgate: {f['name']} to line {f['end']} ({f['value']})")
    return [(f, v, False) for f, v in matched]


def tally(path, pairs, s, diffs):
    for f, value, nested in pairs:
        s["compared"] += 1
        note = " (has nested def)" if nested else ""
        if nested:
            s["has_nested_def"] += 1
            s["has_nested_def_equal"] += f["value"] == value
        elif f["value"] == value:
            s["equal"] += 1
        if f["value"] != value:
            diffs.append(f"  {path}:{f['line']} {f['name']}: reference {value}, debtgate {f['value']}{note}")


def print_table(stats):
    print(f"{'language':<11} {'compared':>9} {'equal':>7} {'equal%':>7} {'nested-def':>11} {'ref-only':>9} {'ours-only':>10} {'ref-failed':>11}")
    for lang in sorted(stats):
        s = stats[lang]
        eq = s["equal"] + s["has_nested_def_equal"]
        print(f"{lang:<11} {s['compared']:>9} {eq:>7} {100*eq/max(1,s['compared']):>6.1f}% {s['has_nested_def']:>11} {s['reference_only']:>9} {s['debtgate_only']:>10} {s['reference_failed_files']:>11}")
        plain = s["compared"] - s["has_nested_def"]
        if s["has_nested_def"]:
            print(f"{'':<11} without enclosing functions of nested defs: {s['equal']}/{plain} = {100*s['equal']/max(1,plain):.1f}%")


def reference_functions(files, tools):
    py = [f for f in files if EXT[os.path.splitext(f)[1]] == "python"]
    js = [f for f in files if EXT[os.path.splitext(f)[1]] != "python"]
    ref, failed = {}, {}
    if py:
        ensure_complexipy()
        r, e = complexipy_functions(py)
        ref.update(r)
        failed.update(e)
    if js:
        config = ensure_eslint(tools)
        r, e = sonar_functions(js, tools, config)
        ref.update(r)
        failed.update(e)
    return ref, failed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--debtgate", default="target/release/debtgate")
    ap.add_argument("--tools", default="/work/tools", help="where complexipy's and ESLint's packages go")
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--lang", help="python, javascript, typescript or tsx")
    ap.add_argument("--json", help="write per-language numbers to this file")
    ap.add_argument("paths", nargs="+")
    args = ap.parse_args()
    langs = {args.lang} if args.lang else set(EXT.values())
    files = list(source_files(args.paths, langs))
    ours = debtgate_functions(args.debtgate, files)
    ref, failed = reference_functions(files, args.tools)

    stats = collections.defaultdict(collections.Counter)
    diffs = collections.defaultdict(list)
    for path in sorted(set(ours) | set(ref) | set(failed)):
        lang = EXT[os.path.splitext(path)[1]]
        if path in failed:
            stats[lang]["reference_failed_files"] += 1
            continue
        pair = python_pairs if lang == "python" else sonar_pairs
        pairs = pair(path, ours.get(path, []), ref.get(path, []), stats[lang], diffs[lang])
        tally(path, pairs, stats[lang], diffs[lang])

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
