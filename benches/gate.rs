//! The gate's latency on a large repository: `debtgate check` on a 10-file change, next to git's
//! own `git diff --stat` of the same change.
//!
//! The repository is generated once per run into a temporary directory with the git CLI
//! (`git fast-import`, then a checkout): [`FILES`] small source files across the corpus languages (`corpus::LANGUAGES`),
//! plus 20 full-size files from the shared corpus (`benches/corpus`). Two commits: the second
//! (HEAD) edits 10 of the full-size files; the index then stages an edit of the other 10. Each edit
//! changes an existing function and appends a new one.
//!
//! - `staged`: the library entry point [`debtgate::check::check`] on the staged change (index vs
//!   HEAD, what the pre-commit hook runs), the `debtgate check --format json` process, and
//!   `git diff --cached --stat` (a process) on the same change.
//! - `range`: the same for `--base HEAD~1` (what the pre-push hook and CI run), against
//!   `git diff --stat HEAD~1...HEAD`.
//!
//! Every figure is cold: no store exists yet, so both sides of every changed file are parsed and
//! measured on every call. (The OS page cache is warm after the first sample.)
//!
//! `cargo bench --bench gate`; `DEBTGATE_BENCH_FILES=N` changes the repository's size,
//! `DEBTGATE_BENCH_KEEP=1` keeps it afterwards (its path is printed) for running other tools on.

#[allow(dead_code)] // the analysis bench uses the rest of the shared generator
mod corpus;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::LazyLock;

use divan::Bencher;

use corpus::SourceFile;
use debtgate::check::{check, CheckOptions, ConfigFrom, Target};
use debtgate::lang::Language;

/// Small files in the generated repository under `cargo bench`.
const FILES: usize = 40_000;
/// Files each change touches.
const CHANGED: usize = 10;

fn main() {
    // Every figure here is cold: keep the store out of it (the library call and the spawned
    // process both read this). `benches/store.rs` and docs/performance.md measure warm runs.
    std::env::set_var("DEBTGATE_STORE", "off");
    LazyLock::force(&REPO);
    divan::main();
    // A static is never dropped, so its temporary directory would outlive the run.
    if !REPO.keep {
        let _ = std::fs::remove_dir_all(&REPO.root);
    }
}

struct Fixture {
    root: PathBuf,
    /// `DEBTGATE_BENCH_KEEP`: leave the repository in place after the run.
    keep: bool,
}

/// The repository, built on first use. A small one when `cargo test --benches` (or
/// `--all-targets`) runs each benchmark once as a test; same rule as divan's.
static REPO: LazyLock<Fixture> = LazyLock::new(|| {
    let args: Vec<String> = std::env::args().collect();
    let bench = args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test");
    let files = std::env::var("DEBTGATE_BENCH_FILES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if bench { FILES } else { 400 });
    let keep = std::env::var_os("DEBTGATE_BENCH_KEEP").is_some();
    let started = std::time::Instant::now();
    let dir = tempfile::tempdir().expect("a temporary directory");
    build(dir.path(), files); // a panic here drops `dir`, which removes it
    let root = dir.keep(); // from here on, `main` removes it
    eprintln!(
        "gate bench: generated a repository of {} files in {:.1?} at {}{}",
        files + 2 * CHANGED,
        started.elapsed(),
        root.display(),
        if keep { " (kept)" } else { "" }
    );
    Fixture { root, keep }
});

// ---- the benchmarks ------------------------------------------------------------------------

#[divan::bench_group(sample_count = 20, sample_size = 1)]
mod staged {
    use super::*;

    #[divan::bench]
    fn debtgate_check(bencher: Bencher) {
        let opts = options(Target::Staged);
        bencher.bench(|| check(&opts).expect("the staged change is judged"));
    }

    #[divan::bench]
    fn debtgate_check_process(bencher: Bencher) {
        bencher.bench(|| run_debtgate(&[]));
    }

    #[divan::bench]
    fn git_diff_cached_stat(bencher: Bencher) {
        bencher.bench(|| run_git(&["diff", "--cached", "--stat"]));
    }
}

#[divan::bench_group(sample_count = 20, sample_size = 1)]
mod range {
    use super::*;

    #[divan::bench]
    fn debtgate_check(bencher: Bencher) {
        let opts = options(range_target());
        bencher.bench(|| check(&opts).expect("the range is judged"));
    }

    #[divan::bench]
    fn debtgate_check_process(bencher: Bencher) {
        bencher.bench(|| run_debtgate(&["--base", "HEAD~1"]));
    }

    #[divan::bench]
    fn git_diff_stat(bencher: Bencher) {
        bencher.bench(|| run_git(&["diff", "--stat", "HEAD~1...HEAD"]));
    }
}

fn range_target() -> Target {
    Target::Range {
        base: "HEAD~1".into(),
        head: "HEAD".into(),
    }
}

fn options(target: Target) -> CheckOptions {
    let opts = CheckOptions {
        target,
        config: None,
        config_from: ConfigFrom::Base,
        dir: REPO.root.clone(),
        // The configured budget (staged: 5s by default), as a hook runs it.
        budget: None,
        timings: false,
        shard: None,
        baseline: debtgate::baseline::Choice::Discover,
    };
    // The change is what it should be: 10 files measured, nothing skipped.
    let report = check(&opts).expect("the change is judged");
    assert_eq!(report.files.len(), CHANGED, "{:?}", report.not_analysed);
    assert!(report.not_analysed.is_empty(), "{:?}", report.not_analysed);
    opts
}

fn run_debtgate(args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_debtgate"))
        .args(["check", "--format", "json"])
        .args(args)
        .current_dir(&REPO.root)
        .output()
        .expect("debtgate runs");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "debtgate check failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn run_git(args: &[&str]) -> Vec<u8> {
    let out = git(&REPO.root).args(args).output().expect("git runs");
    assert!(out.status.success(), "git {args:?} failed");
    assert!(!out.stdout.is_empty(), "git {args:?} shows no change");
    out.stdout
}

// ---- the repository ------------------------------------------------------------------------

fn git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE");
    cmd
}

fn git_ok(dir: &Path, args: &[&str]) {
    let status = git(dir).args(args).status().expect("git runs");
    assert!(status.success(), "git {args:?} failed");
}

fn build(root: &Path, small_files: usize) {
    git_ok(root, &["init", "-q", "-b", "main"]);
    for (k, v) in [
        ("user.name", "Bench"),
        ("user.email", "bench@example.com"),
        ("commit.gpgsign", "false"),
        ("core.autocrlf", "false"),
    ] {
        git_ok(root, &["config", k, v]);
    }

    // 20 full-size files from the shared corpus (150 to 700 lines), spread over the languages:
    // the first 10 change in HEAD, the other 10 in the index.
    let pool = corpus::generate(corpus::SEED, 15_000);
    let mut chosen: Vec<&SourceFile> = Vec::new();
    for round in 0.. {
        for language in corpus::LANGUAGES {
            if chosen.len() == 2 * CHANGED {
                break;
            }
            if let Some(f) = pool
                .iter()
                .filter(|f| f.language == language && (150..=700).contains(&f.lines()))
                .nth(round)
            {
                chosen.push(f);
            }
        }
        if chosen.len() == 2 * CHANGED || round > 100 {
            break;
        }
    }
    assert_eq!(chosen.len(), 2 * CHANGED, "the corpus has enough files");

    let mut stream = Vec::new();
    commit(&mut stream, 1, None, "initial import", |s| {
        for k in 0..small_files {
            let (path, text) = small_file(k);
            modify(s, &path, text.as_bytes());
        }
        for f in &chosen {
            modify(s, &f.path, f.text.as_bytes());
        }
    });
    commit(&mut stream, 2, Some(1), "edit 10 files", |s| {
        for f in &chosen[..CHANGED] {
            modify(s, &f.path, edited(f).as_bytes());
        }
    });
    let mut child = git(root)
        .args(["fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("git fast-import runs");
    child
        .stdin
        .take()
        .expect("a pipe")
        .write_all(&stream)
        .expect("the import stream is written");
    assert!(child.wait().expect("git fast-import ends").success());
    git_ok(root, &["reset", "-q", "--hard", "main"]);

    for f in &chosen[CHANGED..] {
        std::fs::write(root.join(&f.path), edited(f)).expect("the edit is written");
    }
    let mut add = vec!["add", "--"];
    add.extend(chosen[CHANGED..].iter().map(|f| f.path.as_str()));
    git_ok(root, &add);
}

fn commit(
    stream: &mut Vec<u8>,
    mark: u32,
    from: Option<u32>,
    message: &str,
    files: impl FnOnce(&mut Vec<u8>),
) {
    let when = 1_700_000_000 + mark;
    write!(
        stream,
        "commit refs/heads/main\nmark :{mark}\ncommitter Bench <bench@example.com> {when} +0000\ndata {}\n{message}\n",
        message.len()
    )
    .unwrap();
    if let Some(from) = from {
        writeln!(stream, "from :{from}").unwrap();
    }
    files(stream);
    stream.push(b'\n');
}

fn modify(stream: &mut Vec<u8>, path: &str, content: &[u8]) {
    write!(stream, "M 100644 inline {path}\ndata {}\n", content.len()).unwrap();
    stream.extend_from_slice(content);
    stream.push(b'\n');
}

/// A file with one changed function (its first `return` line is repeated: a token change) and a
/// new function at the end.
fn edited(f: &SourceFile) -> String {
    let mut out = String::with_capacity(f.text.len() + 512);
    let mut repeated = false;
    for line in f.text.lines() {
        if !repeated && line.trim_start().starts_with("return ") {
            out.push_str(line);
            out.push('\n');
            repeated = true;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&fill(new_function(f.language), 0, 7));
    out
}

/// A small file: a header, one or two functions, varied per `k`.
fn small_file(k: usize) -> (String, String) {
    let language = corpus::LANGUAGES[k % corpus::LANGUAGES.len()];
    let (dir, ext) = match language {
        Language::Rust => ("rust", "rs"),
        Language::Python => ("python", "py"),
        Language::JavaScript => ("javascript", "js"),
        Language::TypeScript | Language::Tsx => ("typescript", "ts"),
        Language::Go => ("go", "go"),
        Language::Java => ("java", "java"),
        Language::C => ("c", "c"),
        Language::Cpp => ("cpp", "cpp"),
        Language::CSharp => ("csharp", "cs"),
        Language::Ruby => ("ruby", "rb"),
        Language::Php => ("php", "php"),
        Language::Kotlin => ("kotlin", "kt"),
        Language::Swift => ("swift", "swift"),
        Language::Scala => ("scala", "scala"),
        Language::Vue | Language::Svelte => unreachable!("components are not generated"),
    };
    let path = format!("src/{dir}/m{:03}/f{k:06}.{ext}", (k / 8) % 500);
    let mut text = fill(small_template(language), k, k % 13);
    if k.is_multiple_of(3) {
        text.push_str(&fill(new_function(language), k, k % 7));
    }
    (path, text)
}

fn fill(template: &str, k: usize, n: usize) -> String {
    template
        .replace("{K}", &k.to_string())
        .replace("{N}", &n.to_string())
}

fn small_template(language: Language) -> &'static str {
    match language {
        Language::Rust => {
            "//! Module {K}.\n\npub struct Item{K} {\n    pub id: u64,\n    pub name: String,\n}\n\n\
             /// Scores an item.\npub fn score_{K}(item: &Item{K}, limit: u64) -> u64 {\n    \
             if item.id > limit {\n        return limit;\n    }\n    \
             item.name.len() as u64 + {N}\n}\n"
        }
        Language::Python => {
            "\"\"\"Module {K}.\"\"\"\n\n\nclass Item{K}:\n    def __init__(self, name):\n        \
             self.name = name\n\n    def score(self, limit):\n        if len(self.name) > limit:\n            \
             return limit\n        return len(self.name) + {N}\n"
        }
        Language::JavaScript => {
            "// Module {K}.\n'use strict';\n\nfunction score{K}(item, limit) {\n  if (item.id > limit) {\n    \
             return limit;\n  }\n  return item.name.length + {N};\n}\n\nmodule.exports = { score{K} };\n"
        }
        Language::TypeScript | Language::Tsx => {
            "// Module {K}.\nexport interface Item{K} {\n  id: number;\n  name: string;\n}\n\n\
             export function score{K}(item: Item{K}, limit: number): number {\n  if (item.id > limit) {\n    \
             return limit;\n  }\n  return item.name.length + {N};\n}\n"
        }
        Language::Go => {
            "// Package m{K} is module {K}.\npackage m{K}\n\n// Item is a thing.\ntype Item struct {\n\t\
             ID   int\n\tName string\n}\n\n// Score scores an item.\nfunc Score(item Item, limit int) int {\n\t\
             if item.ID > limit {\n\t\treturn limit\n\t}\n\treturn len(item.Name) + {N}\n}\n"
        }
        Language::Java => {
            "package m;\n\n/** Module {K}. */\npublic class Item{K} {\n    private final String name;\n\n    \
             public Item{K}(String name) {\n        this.name = name;\n    }\n\n    \
             public int score(int limit) {\n        if (name.length() > limit) {\n            \
             return limit;\n        }\n        return name.length() + {N};\n    }\n}\n"
        }
        Language::C => {
            "/* Module {K}. */\n#include <string.h>\n\nstruct item_{K} {\n    int id;\n    const char *name;\n};\n\n\
             int score_{K}(const struct item_{K} *item, int limit) {\n    if (item->id > limit) {\n        \
             return limit;\n    }\n    return (int)strlen(item->name) + {N};\n}\n"
        }
        Language::Cpp => {
            "// Module {K}.\n#include <string>\n\nnamespace m{K} {\n\nclass Item {\n public:\n  \
             explicit Item(std::string name) : name_(std::move(name)) {}\n  int Score(int limit) const {\n    \
             if (static_cast<int>(name_.size()) > limit) {\n      return limit;\n    }\n    \
             return static_cast<int>(name_.size()) + {N};\n  }\n\n private:\n  std::string name_;\n};\n\n\
             }  // namespace m{K}\n"
        }
        Language::CSharp => {
            "// Module {K}.\nnamespace M{K};\n\npublic class Item{K}\n{\n    private readonly string name;\n\n    \
             public Item{K}(string name) => this.name = name;\n\n    public int Score(int limit)\n    {\n        \
             if (name.Length > limit)\n        {\n            return limit;\n        }\n        \
             return name.Length + {N};\n    }\n}\n"
        }
        Language::Ruby => {
            "# Module {K}.\nmodule M{K}\n  class Item\n    def initialize(name)\n      @name = name\n    end\n\n    \
             def score(limit)\n      return limit if @name.length > limit\n\n      @name.length + {N}\n    end\n  \
             end\nend\n"
        }
        Language::Php => {
            "<?php\n\n// Module {K}.\ndeclare(strict_types=1);\n\nnamespace M{K};\n\nfinal class Item\n{\n    \
             public function __construct(private readonly string $name)\n    {\n    }\n\n    \
             public function score(int $limit): int\n    {\n        if (strlen($this->name) > $limit) {\n            \
             return $limit;\n        }\n        return strlen($this->name) + {N};\n    }\n}\n"
        }
        Language::Kotlin => {
            "// Module {K}.\npackage m{K}\n\nclass Item(private val name: String) {\n    \
             fun score(limit: Int): Int {\n        if (name.length > limit) {\n            \
             return limit\n        }\n        return name.length + {N}\n    }\n}\n"
        }
        Language::Swift => {
            "// Module {K}.\nimport Foundation\n\nfinal class Item{K} {\n    private let name: String\n\n    \
             init(name: String) {\n        self.name = name\n    }\n\n    \
             func score(limit: Int) -> Int {\n        if name.count > limit {\n            \
             return limit\n        }\n        return name.count + {N}\n    }\n}\n"
        }
        Language::Scala => {
            "// Module {K}.\npackage m{K}\n\nclass Item(name: String) {\n  \
             def score(limit: Int): Int = {\n    if (name.length > limit) {\n      \
             return limit\n    }\n    name.length + {N}\n  }\n}\n"
        }
        Language::Vue | Language::Svelte => unreachable!("components are not generated"),
    }
}

/// A function with a loop and branches, appended at the end of a file.
fn new_function(language: Language) -> &'static str {
    match language {
        Language::Rust => {
            "\npub fn tally_{K}(xs: &[i64]) -> i64 {\n    let mut total = 0;\n    for x in xs {\n        \
             if *x > {N} && *x % 2 == 0 {\n            total += x;\n        } else if *x < 0 {\n            \
             total -= 1;\n        }\n    }\n    total\n}\n"
        }
        Language::Python => {
            "\n\ndef tally_{K}(xs):\n    total = 0\n    for x in xs:\n        if x > {N} and x % 2 == 0:\n            \
             total += x\n        elif x < 0:\n            total -= 1\n    return total\n"
        }
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            "\nexport function tally{K}(xs) {\n  let total = 0;\n  for (const x of xs) {\n    \
             if (x > {N} && x % 2 === 0) {\n      total += x;\n    } else if (x < 0) {\n      total -= 1;\n    }\n  }\n  \
             return total;\n}\n"
        }
        Language::Go => {
            "\nfunc Tally{K}(xs []int) int {\n\ttotal := 0\n\tfor _, x := range xs {\n\t\t\
             if x > {N} && x%2 == 0 {\n\t\t\ttotal += x\n\t\t} else if x < 0 {\n\t\t\ttotal--\n\t\t}\n\t}\n\t\
             return total\n}\n"
        }
        Language::Java => {
            "\nclass Tally{K} {\n    static int tally(int[] xs) {\n        int total = 0;\n        \
             for (int x : xs) {\n            if (x > {N} && x % 2 == 0) {\n                total += x;\n            \
             } else if (x < 0) {\n                total -= 1;\n            }\n        }\n        return total;\n    }\n}\n"
        }
        Language::C | Language::Cpp => {
            "\nint tally_{K}(const int *xs, int n) {\n    int total = 0;\n    for (int i = 0; i < n; i++) {\n        \
             if (xs[i] > {N} && xs[i] % 2 == 0) {\n            total += xs[i];\n        } else if (xs[i] < 0) {\n            \
             total -= 1;\n        }\n    }\n    return total;\n}\n"
        }
        Language::CSharp => {
            "\nstatic class Tally{K}\n{\n    static int Tally(int[] xs)\n    {\n        int total = 0;\n        \
             foreach (var x in xs)\n        {\n            if (x > {N} && x % 2 == 0)\n            {\n                \
             total += x;\n            }\n            else if (x < 0)\n            {\n                total -= 1;\n            \
             }\n        }\n        return total;\n    }\n}\n"
        }
        Language::Ruby => {
            "\ndef tally_{K}(xs)\n  total = 0\n  xs.each do |x|\n    if x > {N} && x.even?\n      total += x\n    \
             elsif x.negative?\n      total -= 1\n    end\n  end\n  total\nend\n"
        }
        Language::Php => {
            "\nfunction tally{K}(array $xs): int\n{\n    $total = 0;\n    foreach ($xs as $x) {\n        \
             if ($x > {N} && $x % 2 === 0) {\n            $total += $x;\n        } elseif ($x < 0) {\n            \
             $total -= 1;\n        }\n    }\n    return $total;\n}\n"
        }
        Language::Kotlin => {
            "\nfun tally{K}(xs: List<Int>): Int {\n    var total = 0\n    for (x in xs) {\n        \
             if (x > {N} && x % 2 == 0) {\n            total += x\n        } else if (x < 0) {\n            \
             total -= 1\n        }\n    }\n    return total\n}\n"
        }
        Language::Swift => {
            "\nfunc tally{K}(_ xs: [Int]) -> Int {\n    var total = 0\n    for x in xs {\n        \
             if x > {N} && x % 2 == 0 {\n            total += x\n        } else if x < 0 {\n            \
             total -= 1\n        }\n    }\n    return total\n}\n"
        }
        Language::Scala => {
            "\ndef tally{K}(xs: List[Int]): Int = {\n  var total = 0\n  for (x <- xs) {\n    \
             if (x > {N} && x % 2 == 0) {\n      total += x\n    } else if (x < 0) {\n      \
             total -= 1\n    }\n  }\n  total\n}\n"
        }
        Language::Vue | Language::Svelte => unreachable!("components are not generated"),
    }
}
