#!/usr/bin/env python3
"""A repository whose staged change touches many files, for measuring `debtgate check` on huge
changes (peak memory, the time budget): `scripts/gen-wide-change.py DIR [FILES]` (default 50,000).

HEAD holds FILES small source files (Rust, Python, Go, JavaScript, round robin, one or two
functions each, ~0.5 KiB); the index modifies every one of them (a function grows a branch and a
new function is added), so `debtgate check` in DIR judges a FILES-file staged change. Built with
`git fast-import` and `git read-tree`, so 50,000 files take seconds. Prints the repository path.
"""

import os
import subprocess
import sys

TEMPLATES = {
    "rs": (
        "pub fn f{k}(a: i64, b: i64) -> i64 {{\n    let mut s = 0;\n    for i in 0..a {{\n"
        "        if i % 3 == {m} {{\n            s += i * b;\n        }} else {{\n            s -= 1;\n"
        "        }}\n    }}\n    s\n}}\n",
        "pub fn g{k}(x: i64) -> i64 {{\n    if x > {m} && x < 100 {{\n        x * 2\n    }} else {{\n"
        "        x\n    }}\n}}\n",
    ),
    "py": (
        "def f{k}(a, b):\n    s = 0\n    for i in range(a):\n        if i % 3 == {m}:\n"
        "            s += i * b\n        else:\n            s -= 1\n    return s\n",
        "def g{k}(x):\n    if x > {m} and x < 100:\n        return x * 2\n    return x\n",
    ),
    "go": (
        "package p\n\nfunc F{k}(a, b int) int {{\n\ts := 0\n\tfor i := 0; i < a; i++ {{\n"
        "\t\tif i%3 == {m} {{\n\t\t\ts += i * b\n\t\t}} else {{\n\t\t\ts--\n\t\t}}\n\t}}\n\treturn s\n}}\n",
        "func G{k}(x int) int {{\n\tif x > {m} && x < 100 {{\n\t\treturn x * 2\n\t}}\n\treturn x\n}}\n",
    ),
    "js": (
        "export function f{k}(a, b) {{\n  let s = 0;\n  for (let i = 0; i < a; i++) {{\n"
        "    if (i % 3 === {m}) {{\n      s += i * b;\n    }} else {{\n      s -= 1;\n    }}\n  }}\n"
        "  return s;\n}}\n",
        "export function g{k}(x) {{\n  if (x > {m} && x < 100) {{\n    return x * 2;\n  }}\n"
        "  return x;\n}}\n",
    ),
}
EXTS = list(TEMPLATES)


def content(k, edited):
    ext = EXTS[k % len(EXTS)]
    first, second = TEMPLATES[ext]
    text = first.format(k=k, m=k % 3)
    if edited:
        # One more branch in the first function, and a new function.
        text = text.replace("s -= 1", "s -= 1 if i > 7 else 2" if ext == "py" else "s -= 1", 1)
        text += "\n" + second.format(k=k, m=k % 5)
    return ext, text.encode()


def path(k, ext):
    return f"src/d{k % 250:03}/m{(k // 250) % 200:03}/f{k:06}.{ext}"


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: gen-wide-change.py DIR [FILES]")
    root = sys.argv[1]
    files = int(sys.argv[2]) if len(sys.argv) > 2 else 50_000
    os.makedirs(root, exist_ok=True)
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null")

    def git(*args, **kw):
        return subprocess.run(["git", "-C", root, *args], check=True, env=env, **kw)

    git("init", "-q", "-b", "main")
    stream = bytearray()
    for mark, (edited, message) in enumerate([(False, "base"), (True, "edit")], start=1):
        stream += (
            f"commit refs/heads/{'main' if not edited else 'edited'}\nmark :{mark}\n"
            f"committer Gen <gen@example.com> {1_700_000_000 + mark} +0000\n"
            f"data {len(message)}\n{message}\n"
        ).encode()
        if edited:
            stream += b"from :1\n"
        for k in range(files):
            ext, data = content(k, edited)
            stream += f"M 100644 inline {path(k, ext)}\ndata {len(data)}\n".encode()
            stream += data + b"\n"
        stream += b"\n"
    git("fast-import", "--quiet", input=bytes(stream))
    # HEAD is the base; the index (and worktree) hold the edit: a FILES-file staged change.
    git("reset", "-q", "--hard", "edited")
    git("reset", "-q", "--soft", "HEAD~1")
    git("branch", "-q", "-D", "edited")
    print(root)


if __name__ == "__main__":
    main()
