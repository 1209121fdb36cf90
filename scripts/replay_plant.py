"""Planted regressions for scripts/replay-history.py (`--plant new|grow`).

A replay says how often the gate fails honest commits; planting says whether it still catches
dishonest ones. For a sampled commit C this module writes a commit C' = C's tree plus one
regression, with C's first parent as its parent, so that `check --base C^ --head C'` judges C's
own change and the regression together:

- `new`:  one new function of cyclomatic 40 (39 `if`s), appended to a source file C changes (or,
          when C changes none, to a source file of its tree);
- `grow`: ten more decision points in an existing function whose cyclomatic at C is the
          configuration's cyclomatic fail level minus 9 or more (21 with the built-in 30), so that
          the grown function is above that level: it crosses it, or was above it and grows by ten.
          A regression the policy in force calls a failure, however lenient init made it. Such a
          function in a file C changes is preferred; otherwise one anywhere in the tree. The ten
          `if`s go on the body's opening line for the brace languages (the function gets no
          longer), one per line in Python and Ruby.

Every planted file is measured again with `debtgate analyze` before it is committed: the planted
function must measure exactly 40 (new) or its old value + 10 (grow), or the sample is reported as
a failed plant and not counted. Planted commits are loose objects without a ref; HEAD, the refs
and the index of the clone are never touched.
"""

import json
import os
import random
import re
import subprocess
import tempfile

PLANTED = "debtgate_planted"
GROWN_BY = 10
NEW_CYCLOMATIC = 40

EXTENSIONS = {
    ".c": "c", ".h": "c",
    ".cc": "cpp", ".cpp": "cpp", ".cxx": "cpp", ".hh": "cpp", ".hpp": "cpp", ".hxx": "cpp",
    ".rs": "rust", ".py": "python", ".go": "go", ".java": "java",
    ".js": "javascript", ".jsx": "javascript", ".mjs": "javascript", ".cjs": "javascript",
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "typescript",
    ".cs": "csharp", ".rb": "ruby", ".php": "php", ".kt": "kotlin", ".kts": "kotlin",
    ".swift": "swift", ".scala": "scala", ".sc": "scala",
}
# The built-in default's `exclude` list, as path tests (config/default.yaml).
EXCLUDED = re.compile(
    r"(^|/)(vendor|third_party|node_modules)/|\.min\.js$|\.pb\.go$|_pb2\.py$|\.pb\.(cc|h)$"
)


def language(path):
    return EXTENSIONS.get(os.path.splitext(path)[1])


def plantable(path):
    return language(path) is not None and not EXCLUDED.search(path)


def new_function(lang):
    """Source text of a function named after PLANTED with cyclomatic NEW_CYCLOMATIC."""
    ifs = range(NEW_CYCLOMATIC - 1)
    if lang == "python":
        body = "".join(f"    if a == {i}:\n        n += {i}\n" for i in ifs)
        return f"\n\ndef {PLANTED}(a):\n    n = 0\n{body}    return n\n"
    if lang == "rust":
        body = "".join(f"    if a == {i} {{ n += {i}; }}\n" for i in ifs)
        return f"\nfn {PLANTED}(a: i32) -> i32 {{\n    let mut n = 0;\n{body}    n\n}}\n"
    if lang == "go":
        body = "".join(f"\tif a == {i} {{\n\t\tn += {i}\n\t}}\n" for i in ifs)
        return f"\nfunc {PLANTED}(a int) int {{\n\tn := 0\n{body}\treturn n\n}}\n"
    if lang == "ruby":
        body = "".join(f"  if a == {i}\n    n += {i}\n  end\n" for i in ifs)
        return f"\ndef {PLANTED}(a)\n  n = 0\n{body}  n\nend\n"
    if lang == "swift":
        body = "".join(f"    if a == {i} {{ n += {i} }}\n" for i in ifs)
        return f"\nfunc {PLANTED}(_ a: Int) -> Int {{\n    var n = 0\n{body}    return n\n}}\n"
    if lang == "kotlin":
        body = "".join(f"    if (a == {i}) {{ n += {i} }}\n" for i in ifs)
        return f"\nfun {PLANTED}(a: Int): Int {{\n    var n = 0\n{body}    return n\n}}\n"
    if lang == "scala":
        body = "".join(f"    if (a == {i}) {{ n += {i} }}\n" for i in ifs)
        return f"\ndef {PLANTED}(a: Int): Int = {{\n    var n = 0\n{body}    n\n}}\n"
    if lang == "php":
        body = "".join(f"    if ($a == {i}) {{ $n += {i}; }}\n" for i in ifs)
        return f"\nfunction {PLANTED}($a) {{\n    $n = 0;\n{body}    return $n;\n}}\n"
    body = "".join(f"    if (a == {i}) {{ n += {i}; }}\n" for i in ifs)
    if lang in ("javascript", "typescript"):
        typed = "a: number): number" if lang == "typescript" else "a)"
        return f"\nfunction {PLANTED}({typed} {{\n    let n = 0;\n{body}    return n;\n}}\n"
    # C, C++, Java and C# (a method: `add_new` puts it inside the last class).
    return f"\nint {PLANTED}(int a) {{\n    int n = 0;\n{body}    return n;\n}}\n"


def add_new(text, lang):
    """`text` with the planted function: appended, or for Java and C# before the last closing
    brace."""
    fn = new_function(lang)
    if lang in ("java", "csharp"):
        end = text.rfind("}")
        if end < 0:
            return None
        return text[:end] + fn + text[end:]
    return text.rstrip("\n") + "\n" + fn


def _body_brace(lines, start):
    """(line index, column) of the `{` opening a brace-language function body whose signature
    starts on line `start` (0-based): the first `{` outside parentheses once a `(` was seen."""
    depth, seen_paren = 0, False
    for i in range(start, min(len(lines), start + 40)):
        for col, ch in enumerate(lines[i]):
            if ch == "(":
                depth += 1
                seen_paren = True
            elif ch == ")":
                depth -= 1
            elif ch == "{" and depth == 0 and seen_paren:
                return i, col
    return None


def grow(text, lang, start_line):
    """`text` with GROWN_BY more decision points at the top of the function starting on
    `start_line` (1-based), or None when its body cannot be found."""
    lines = text.split("\n")
    start = start_line - 1
    if lang == "python":
        return _grow_python(lines, start)
    if lang == "ruby":
        return _grow_ruby(lines, start)
    found = _body_brace(lines, start)
    if found is None:
        return None
    i, col = found
    if lang == "go":
        ifs = "".join(f" if {PLANTED} == {k} {{ }};" for k in range(GROWN_BY))
    elif lang in ("rust", "swift"):
        ifs = "".join(f" if {PLANTED} == {k} {{ }}" for k in range(GROWN_BY))
    elif lang in ("kotlin", "scala"):
        # Statements on one line need `;` between them.
        ifs = "".join(f" if ({PLANTED} == {k}) {{ }};" for k in range(GROWN_BY))
    elif lang == "php":
        ifs = "".join(f" if (${PLANTED} == {k}) {{ }}" for k in range(GROWN_BY))
    else:
        ifs = "".join(f" if ({PLANTED} == {k}) {{ }}" for k in range(GROWN_BY))
    lines[i] = lines[i][: col + 1] + ifs + lines[i][col + 1 :]
    return "\n".join(lines)


def _grow_ruby(lines, start):
    """Ten `if … then end` lines after a `def`'s signature (which may span lines in parentheses)."""
    depth = 0
    for i in range(start, min(len(lines), start + 40)):
        code = lines[i].split("#", 1)[0]
        depth += code.count("(") - code.count(")")
        if depth == 0:
            ifs = [f"  if {PLANTED} == {k} then end" for k in range(GROWN_BY)]
            return "\n".join(lines[: i + 1] + ifs + lines[i + 1 :])
    return None


def _grow_python(lines, start):
    depth = 0
    for i in range(start, min(len(lines), start + 40)):
        code = lines[i].split("#", 1)[0]
        depth += code.count("(") + code.count("[") - code.count(")") - code.count("]")
        if depth == 0 and code.rstrip().endswith(":"):
            body = next((j for j in range(i + 1, len(lines)) if lines[j].strip()), None)
            if body is None:
                return None
            indent = lines[body][: len(lines[body]) - len(lines[body].lstrip())]
            if len(indent) <= len(lines[start]) - len(lines[start].lstrip()):
                return None
            ifs = [f"{indent}if {PLANTED} == {k}: pass" for k in range(GROWN_BY)]
            return "\n".join(lines[: i + 1] + ifs + lines[i + 1 :])
    return None


class Planter:
    """Plants regressions into commits of one clone."""

    def __init__(self, clone, debtgate, env, seed, fail_level):
        self.clone, self.debtgate, self.env = clone, debtgate, env
        # A function this complex, grown by ten, is above the cyclomatic fail level.
        self.grow_from = fail_level - GROWN_BY + 1
        self.rng = random.Random(seed)
        self.tree_candidates = {}

    def git(self, *args, stdin=None, env=None):
        return subprocess.run(
            ["git", "-C", self.clone, *args], env=env or self.env, input=stdin,
            check=True, capture_output=True,
        ).stdout

    def show(self, commit, path):
        return self.git("show", f"{commit}:{path}").decode("utf-8", "surrogateescape")

    def measure(self, files):
        """{path: [function]} as `debtgate analyze` measures `files` ({path: text})."""
        with tempfile.TemporaryDirectory(prefix="debtgate-plant-") as tmp:
            for path, text in files.items():
                full = os.path.join(tmp, path)
                os.makedirs(os.path.dirname(full), exist_ok=True)
                with open(full, "w", encoding="utf-8", errors="surrogateescape") as f:
                    f.write(text)
            out = subprocess.run(
                [self.debtgate, "analyze", ".", "--format", "json"], cwd=tmp, env=self.env,
                check=True, capture_output=True,
            ).stdout
        return {f["path"]: f["functions"] for f in json.loads(out)["files"]}

    def tree_files(self, commit):
        names = self.git("ls-tree", "-r", "-z", "--name-only", commit).decode("utf-8", "replace")
        return sorted(p for p in names.split("\0") if p and plantable(p))

    def complex_in_tree(self, commit):
        """Functions of cyclomatic `grow_from` or more anywhere in `commit`'s tree (measured in
        batches, so a large tree does not need one huge temp dir)."""
        if commit not in self.tree_candidates:
            found, paths = [], self.tree_files(commit)
            for k in range(0, len(paths), 400):
                batch = {p: self.show(commit, p) for p in paths[k : k + 400]}
                found += self.complex_in(self.measure(batch))
            self.tree_candidates[commit] = found
        return self.tree_candidates[commit]

    def complex_in(self, measured):
        return [
            (path, fn["qualified_name"], fn["start_line"], fn["cyclomatic"])
            for path, fns in sorted(measured.items())
            for fn in fns
            if fn["cyclomatic"] >= self.grow_from
        ]

    def plant(self, kind, commit, parent, changed):
        """Writes the planted commit for `commit`; returns a dict saying what was planted where
        (`commit`, `path`, `function`, `expected`, `in_change`), or one with `failed` set."""
        changed = [p for p in changed if plantable(p)]
        if kind == "new":
            return self._plant_new(commit, parent, changed)
        return self._plant_grow(commit, parent, changed)

    def _plant_new(self, commit, parent, changed):
        in_change = bool(changed)
        path = self.rng.choice(changed or self.tree_files(commit))
        lang = language(path)
        text = add_new(self.show(commit, path), lang)
        if text is None:
            return {"failed": f"{path}: no class to put a method in"}
        fns = self.measure({path: text}).get(path, [])
        planted = [f for f in fns if f["name"] == PLANTED]
        if len(planted) != 1 or planted[0]["cyclomatic"] != NEW_CYCLOMATIC:
            return {"failed": f"{path}: the planted function measures {planted}"}
        return self._commit(commit, parent, path, text, planted[0]["qualified_name"],
                            NEW_CYCLOMATIC, in_change, None)

    def _plant_grow(self, commit, parent, changed):
        here = self.complex_in(self.measure({p: self.show(commit, p) for p in changed}))
        in_change = bool(here)
        candidates = here or self.complex_in_tree(commit)
        self.rng.shuffle(candidates)
        for path, name, line, value in candidates[:20]:
            text = grow(self.show(commit, path), language(path), line)
            if text is None:
                continue
            fns = self.measure({path: text}).get(path, [])
            same = [f for f in fns if f["qualified_name"] == name and f["start_line"] == line]
            if len(same) == 1 and same[0]["cyclomatic"] == value + GROWN_BY:
                return self._commit(commit, parent, path, text, name, value + GROWN_BY,
                                    in_change, value)
        return {"failed": f"no function of cyclomatic >= {self.grow_from} could be grown"}

    def _commit(self, commit, parent, path, text, function, expected, in_change, base):
        blob = self.git("hash-object", "-w", "--stdin", "--path", path,
                        stdin=text.encode("utf-8", "surrogateescape")).decode().strip()
        mode = self.git("ls-tree", commit, "--", path).decode().split()[0]
        # --missing-ok: a fetched snapshot may lack its largest blobs; they are never read.
        with tempfile.TemporaryDirectory(prefix="debtgate-plant-index-") as tmp:
            env = dict(self.env, GIT_INDEX_FILE=os.path.join(tmp, "index"))
            self.git("read-tree", commit, env=env)
            self.git("update-index", "--cacheinfo", f"{mode},{blob},{path}", env=env)
            tree = self.git("write-tree", "--missing-ok", env=env).decode().strip()
        ident = dict(self.env, GIT_AUTHOR_NAME="plant", GIT_AUTHOR_EMAIL="plant@example.com",
                     GIT_COMMITTER_NAME="plant", GIT_COMMITTER_EMAIL="plant@example.com",
                     GIT_AUTHOR_DATE="2000-01-01T00:00:00Z",
                     GIT_COMMITTER_DATE="2000-01-01T00:00:00Z")
        planted = self.git("commit-tree", tree, "-p", parent, "-m", f"planted into {commit}",
                           env=ident).decode().strip()
        return {"commit": planted, "path": path, "function": function, "expected": expected,
                "in_change": in_change, "base": base}


def caught(report, planted):
    """Whether the report fails the planted function on cyclomatic (not merely the commit)."""
    return any(
        f.get("rule") == "cyclomatic" and f.get("level") == "fail" and not f.get("suppressed")
        and not f.get("baseline") and f.get("path") == planted["path"]
        and f.get("function") == planted["function"]
        for f in report.get("findings", [])
    )
