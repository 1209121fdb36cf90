//! A deterministic generator of realistic source files in the languages debtgate measures,
//! shared by `benches/analysis.rs` and `examples/gen-corpus.rs` (which writes it to disk for the
//! side-by-side run against lizard, `scripts/bench-vs-lizard.sh`).
//!
//! Each file is what a codebase in that language looks like at a glance: imports, types (structs,
//! classes, impls, interfaces) with fields and methods, free functions, closures and callbacks,
//! nested control flow (`if` / `else if` / `else`, loops, `switch` / `match`, `try` / `catch` or
//! the language's error handling), boolean conditions with `&&` / `||`, guard clauses, early
//! returns, doc comments, line comments with the odd `TODO`, string literals and format strings.
//! Sizes vary from a few dozen lines to a few thousand. The same seed always yields the same bytes
//! (a xorshift generator, no `rand`), so numbers measured on it are comparable across runs.
//!
//! Not a test oracle: the files are meant to parse cleanly, not to compile or mean anything.

use std::path::Path;

use debtgate::lang::Language;

mod scala;

/// The seed the bench and the side-by-side script use.
pub const SEED: u64 = 0x00de_b7ea_7e5e_ed01;

/// Lines per language in the standard corpus: 13 × 50,000 = 650,000 lines.
pub const LINES_PER_LANGUAGE: usize = 50_000;

/// The languages generated, one directory each.
pub const LANGUAGES: [Language; 14] = [
    Language::Rust,
    Language::Python,
    Language::JavaScript,
    Language::TypeScript,
    Language::Go,
    Language::Java,
    Language::C,
    Language::Cpp,
    Language::CSharp,
    Language::Ruby,
    Language::Php,
    Language::Kotlin,
    Language::Swift,
    Language::Scala,
];

/// One generated file.
pub struct SourceFile {
    /// Relative path, `<language>/<package>/<name>.<ext>`.
    pub path: String,
    pub language: Language,
    pub text: String,
}

impl SourceFile {
    pub fn lines(&self) -> usize {
        self.text.lines().count()
    }
}

/// At least `lines_per_language` lines of each of [`LANGUAGES`], in files of varied size.
pub fn generate(seed: u64, lines_per_language: usize) -> Vec<SourceFile> {
    let mut files = Vec::new();
    for (i, &language) in LANGUAGES.iter().enumerate() {
        let mut rng = Rng::new(seed ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut total = 0;
        let mut n = 0;
        while total < lines_per_language {
            let target = match rng.below(100) {
                0..=24 => rng.range(30, 150),
                25..=79 => rng.range(150, 700),
                _ => rng.range(700, 2500),
            };
            let file = FileGen::new(language, Rng::new(rng.next()), n).generate(target);
            total += file.lines();
            n += 1;
            files.push(file);
        }
    }
    files
}

/// Writes `files` under `dir`, creating directories as needed.
pub fn write_to(dir: &Path, files: &[SourceFile]) -> std::io::Result<()> {
    for file in files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, &file.text)?;
    }
    Ok(())
}

/// xorshift64: small, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const NOUNS: &[&str] = &[
    "order", "cache", "buffer", "token", "record", "session", "index", "queue", "node", "packet",
    "frame", "config", "event", "stream", "batch", "entry", "route", "schema", "shard", "ticket",
    "ledger", "price", "window", "signal", "account", "report", "budget", "channel", "segment",
    "layout", "cursor", "header",
];
const VERBS: &[&str] = &[
    "parse",
    "load",
    "apply",
    "merge",
    "update",
    "compute",
    "resolve",
    "flush",
    "render",
    "validate",
    "encode",
    "decode",
    "scan",
    "collect",
    "dispatch",
    "check",
    "build",
    "emit",
    "sync",
    "prune",
    "split",
    "rebalance",
    "normalize",
    "schedule",
];
const PARAMS: &[&str] = &[
    "input", "count", "limit", "offset", "depth", "width", "level", "weight", "retries", "size",
    "start", "span",
];
const LOCALS: &[&str] = &[
    "total",
    "delta",
    "score",
    "pending",
    "spare",
    "mask",
    "spread",
    "carry",
    "step",
    "bound",
    "remaining",
    "factor",
];
const FIELDS: &[&str] = &[
    "limit",
    "count",
    "capacity",
    "threshold",
    "version",
    "epoch",
];
const WORDS: &[&str] = &[
    "the",
    "value",
    "is",
    "clamped",
    "before",
    "it",
    "reaches",
    "upstream",
    "callers",
    "expect",
    "a",
    "stable",
    "order",
    "here",
    "so",
    "we",
    "keep",
    "retries",
    "bounded",
    "and",
    "skip",
    "empty",
    "entries",
    "when",
    "cache",
    "is",
    "cold",
    "this",
    "mirrors",
    "old",
    "behaviour",
];
const DEBT: &[&str] = &["TODO", "FIXME", "HACK", "XXX"];

#[derive(Clone, Copy, PartialEq)]
enum Case {
    Snake,
    Camel,
    Pascal,
}

fn ident(parts: &[&str], case: Case) -> String {
    let mut out = String::new();
    for (i, p) in parts.iter().enumerate() {
        match case {
            Case::Snake => {
                if i > 0 {
                    out.push('_');
                }
                out.push_str(p);
            }
            Case::Camel if i == 0 => out.push_str(p),
            Case::Camel | Case::Pascal => {
                let mut c = p.chars();
                if let Some(first) = c.next() {
                    out.extend(first.to_uppercase());
                    out.push_str(c.as_str());
                }
            }
        }
    }
    out
}

/// The function being generated.
#[derive(Clone, Default)]
struct FnCtx {
    name: String,
    /// Inside a type: fields are reachable through the receiver.
    method: bool,
    /// Rust `Result` / Go `(int, error)` return / Swift `throws`.
    fallible: bool,
    loop_depth: u32,
}

struct FileGen {
    lang: Language,
    rng: Rng,
    index: usize,
    out: String,
    lines: usize,
    indent: usize,
    /// Readable names in scope, and whether each may be assigned.
    vars: Vec<(String, bool)>,
    fields: Vec<String>,
    f: FnCtx,
    fresh: usize,
}

impl FileGen {
    fn new(lang: Language, rng: Rng, index: usize) -> Self {
        FileGen {
            lang,
            rng,
            index,
            out: String::new(),
            lines: 0,
            indent: 0,
            vars: Vec::new(),
            fields: Vec::new(),
            f: FnCtx::default(),
            fresh: 0,
        }
    }

    // ---- naming and layout -------------------------------------------------------------------

    fn case(&self) -> Case {
        match self.lang {
            Language::Rust | Language::Python | Language::C | Language::Ruby => Case::Snake,
            _ => Case::Camel,
        }
    }

    fn name(&self, parts: &[&str]) -> String {
        ident(parts, self.case())
    }

    fn type_name(&mut self) -> String {
        let a = self.rng.pick(NOUNS);
        let b = self
            .rng
            .pick(&["store", "builder", "index", "planner", "client", "table"]);
        match self.lang {
            Language::C => ident(&[a, b], Case::Snake),
            _ => ident(&[a, b], Case::Pascal),
        }
    }

    fn fn_name(&mut self, exported: bool) -> String {
        let v = self.rng.pick(VERBS);
        let n = self.rng.pick(NOUNS);
        if self.lang == Language::Go && exported {
            ident(&[v, n], Case::Pascal)
        } else {
            self.name(&[v, n])
        }
    }

    fn ext(&self) -> &'static str {
        match self.lang {
            Language::Rust => "rs",
            Language::Python => "py",
            Language::JavaScript => "js",
            Language::TypeScript | Language::Tsx => "ts",
            Language::Go => "go",
            Language::Java => "java",
            Language::C => "c",
            Language::Cpp => "cpp",
            Language::CSharp => "cs",
            Language::Ruby => "rb",
            Language::Php => "php",
            Language::Kotlin => "kt",
            Language::Swift => "swift",
            Language::Scala => "scala",
            Language::Vue | Language::Svelte => unreachable!("components are not generated"),
        }
    }

    fn unit(&self) -> &'static str {
        match self.lang {
            Language::Go => "\t",
            Language::JavaScript | Language::TypeScript | Language::Tsx | Language::Ruby => "  ",
            _ => "    ",
        }
    }

    fn python(&self) -> bool {
        self.lang == Language::Python
    }

    /// Blocks closed by `end`, headers without braces or colons.
    fn ruby(&self) -> bool {
        self.lang == Language::Ruby
    }

    /// `$` before every variable, `$this->` before every field and method.
    fn php(&self) -> bool {
        self.lang == Language::Php
    }

    /// No `;`, `val` / `var`, `when`, lambdas in braces, `$` string templates.
    fn kotlin(&self) -> bool {
        self.lang == Language::Kotlin
    }

    /// No `;`, no parentheses around conditions, `guard`, `repeat`, closures with `in`, `\(x)`
    /// string interpolation.
    fn swift(&self) -> bool {
        self.lang == Language::Swift
    }

    /// No `;` and no `break` / `continue`; `match`, `case … =>`, `item =>` lambdas.
    fn scala(&self) -> bool {
        self.lang == Language::Scala
    }

    /// A variable's name as it is written: `$total` in PHP, `total` elsewhere.
    fn var(&self, name: &str) -> String {
        if self.php() {
            format!("${name}")
        } else {
            name.to_string()
        }
    }

    /// C-family syntax: parenthesised conditions, `;`, `switch`, `case`.
    fn c_like(&self) -> bool {
        matches!(
            self.lang,
            Language::JavaScript
                | Language::TypeScript
                | Language::Tsx
                | Language::Java
                | Language::C
                | Language::Cpp
                | Language::CSharp
                | Language::Php
                | Language::Kotlin
                | Language::Scala
        )
    }

    fn semi(&self) -> &'static str {
        match self.lang {
            Language::Python
            | Language::Go
            | Language::Ruby
            | Language::Kotlin
            | Language::Swift
            | Language::Scala => "",
            _ => ";",
        }
    }

    fn line(&mut self, text: &str) {
        if text.is_empty() {
            self.out.push('\n');
        } else {
            for _ in 0..self.indent {
                self.out.push_str(self.unit());
            }
            self.out.push_str(text);
            self.out.push('\n');
        }
        self.lines += 1;
    }

    fn stmt(&mut self, text: &str) {
        let line = format!("{text}{}", self.semi());
        self.line(&line);
    }

    /// `header {` or `header:`, then one level deeper.
    fn open(&mut self, header: &str) {
        let line = if self.python() {
            format!("{header}:")
        } else if self.ruby() {
            header.to_string()
        } else {
            format!("{header} {{")
        };
        self.line(&line);
        self.indent += 1;
    }

    fn close(&mut self) {
        self.indent -= 1;
        if self.ruby() {
            self.line("end");
        } else if !self.python() {
            self.line("}");
        }
    }

    /// Closes a block and opens the next clause of the same statement (`} else {`).
    fn reopen(&mut self, clause: &str) {
        self.indent -= 1;
        let line = if self.python() {
            format!("{clause}:")
        } else if self.ruby() {
            clause.to_string()
        } else {
            format!("}} {clause} {{")
        };
        self.line(&line);
        self.indent += 1;
    }

    fn paren(&self, cond: &str) -> String {
        if self.c_like() {
            format!("({cond})")
        } else {
            cond.to_string()
        }
    }

    fn sentence(&mut self, min: usize, max: usize) -> String {
        let n = self.rng.range(min, max);
        let mut s = String::new();
        for i in 0..n {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(self.rng.pick(WORDS));
        }
        s
    }

    fn comment(&mut self) {
        let mut text = self.sentence(3, 10);
        if self.rng.chance(6) {
            let marker = self.rng.pick(DEBT);
            text = format!("{marker}: {text}");
        }
        let line = if self.python() || self.ruby() || (self.php() && self.rng.chance(15)) {
            format!("# {text}")
        } else if (self.kotlin() || self.swift() || self.scala()) && self.rng.chance(15) {
            format!("/* {text} */")
        } else {
            format!("// {text}")
        };
        self.line(&line);
    }

    fn doc(&mut self, name: &str) {
        let lines = self.rng.range(1, 3);
        let mut body: Vec<String> = (0..lines).map(|_| self.sentence(4, 11)).collect();
        body[0] = format!("{name}: {}", body[0]);
        match self.lang {
            Language::Rust | Language::Swift => {
                body.iter().for_each(|l| self.line(&format!("/// {l}")))
            }
            Language::Go => body.iter().for_each(|l| self.line(&format!("// {l}"))),
            Language::Ruby => body.iter().for_each(|l| self.line(&format!("# {l}"))),
            Language::Python => {} // docstrings go inside the body
            _ => {
                self.line("/**");
                body.iter().for_each(|l| self.line(&format!(" * {l}")));
                self.line(" */");
            }
        }
    }

    // ---- expressions -------------------------------------------------------------------------

    fn readable(&mut self) -> String {
        if self.f.method && !self.fields.is_empty() && self.rng.chance(20) {
            let field = self.fields[self.rng.below(self.fields.len())].clone();
            return self.field(&field);
        }
        if self.vars.is_empty() {
            return self.rng.range(1, 64).to_string();
        }
        self.vars[self.rng.below(self.vars.len())].0.clone()
    }

    fn assignable(&mut self) -> Option<String> {
        let names: Vec<&String> = self.vars.iter().filter(|v| v.1).map(|v| &v.0).collect();
        if names.is_empty() {
            return None;
        }
        Some(names[self.rng.below(names.len())].clone())
    }

    fn field(&self, name: &str) -> String {
        match self.lang {
            Language::Rust | Language::Python | Language::Swift => format!("self.{name}"),
            Language::Go => format!("r.{name}"),
            Language::C => format!("self->{name}"),
            Language::Cpp => format!("{name}_"),
            Language::Ruby => format!("@{name}"),
            Language::Php => format!("$this->{name}"),
            _ => format!("this.{name}"),
        }
    }

    fn receiver_call(&mut self, name: &str, args: &str) -> String {
        if !self.f.method {
            return format!("{name}({args})");
        }
        match self.lang {
            Language::Rust | Language::Python => format!("self.{name}({args})"),
            Language::Go => format!("r.{name}({args})"),
            Language::C => format!("{name}(self, {args})"),
            Language::Cpp
            | Language::Ruby
            | Language::Kotlin
            | Language::Swift
            | Language::Scala => {
                format!("{name}({args})")
            }
            Language::Php => format!("$this->{name}({args})"),
            _ => format!("this.{name}({args})"),
        }
    }

    fn operand(&mut self) -> String {
        match self.rng.below(10) {
            0..=3 => self.rng.range(0, 100).to_string(),
            4..=7 => self.readable(),
            8 => {
                let (a, k) = (self.readable(), self.rng.range(2, 9));
                format!("{a} % {k}")
            }
            _ => {
                let name = self.fn_name(false);
                let arg = self.readable();
                self.receiver_call(&name, &arg)
            }
        }
    }

    fn arith(&mut self) -> String {
        let a = self.operand();
        match self.rng.below(6) {
            0 | 1 => a,
            2 => {
                let b = self.operand();
                format!("{a} + {b}")
            }
            3 => {
                let b = self.operand();
                format!("{a} - {b}")
            }
            4 => {
                let (b, c) = (self.operand(), self.operand());
                format!("({a} + {b}) * {c}")
            }
            _ => {
                let b = self.rng.range(2, 16);
                format!("{a} * {b}")
            }
        }
    }

    fn comparison(&mut self) -> String {
        if self.rng.chance(12) {
            let n = self.rng.pick(NOUNS);
            let name = match self.lang {
                Language::Rust | Language::Python | Language::C => format!("is_{n}_ready"),
                Language::Ruby => format!("{n}_ready?"),
                _ => ident(&["is", n, "ready"], Case::Camel),
            };
            let arg = self.readable();
            return self.receiver_call(&name, &arg);
        }
        let op = if self.php() {
            self.rng.pick(&["<", ">", "<=", ">=", "===", "!=="])
        } else {
            self.rng.pick(&["<", ">", "<=", ">=", "==", "!="])
        };
        let (a, b) = (self.readable(), self.operand());
        format!("{a} {op} {b}")
    }

    fn and_or(&self) -> (&'static str, &'static str) {
        if self.python() {
            ("and", "or")
        } else {
            ("&&", "||")
        }
    }

    fn negate(&self, cond: &str) -> String {
        if self.python() {
            format!("not ({cond})")
        } else {
            format!("!({cond})")
        }
    }

    /// One to four comparisons joined by `&&` / `||`, sometimes grouped or negated.
    fn condition(&mut self) -> String {
        let n = match self.rng.below(10) {
            0..=4 => 1,
            5..=7 => 2,
            8 => 3,
            _ => 4,
        };
        let (and, or) = self.and_or();
        let mut cond = self.comparison();
        // `a < b && c > d` reads as a template argument list to a C++ parser: group comparisons.
        let group = self.lang == Language::Cpp && n > 1;
        if group {
            cond = format!("({cond})");
        }
        for _ in 1..n {
            let op = if self.rng.chance(60) { and } else { or };
            let mut next = self.comparison();
            if group {
                next = format!("({next})");
            }
            if self.rng.chance(25) {
                cond = format!("({cond}) {op} {next}");
            } else {
                cond = format!("{cond} {op} {next}");
            }
        }
        if n > 1 && self.rng.chance(10) {
            cond = self.negate(&cond);
        }
        cond
    }

    fn ternary(&mut self) -> Option<String> {
        let c = self.condition();
        let (a, b) = (self.operand(), self.operand());
        match self.lang {
            Language::Go => None,
            Language::Python => Some(format!("{a} if {c} else {b}")),
            Language::Rust => Some(format!("if {c} {{ {a} }} else {{ {b} }}")),
            Language::Php if self.rng.chance(30) => {
                let v = self.readable();
                Some(format!("{v} ?? {b}"))
            }
            Language::Kotlin if self.rng.chance(35) => {
                let (name, v) = (self.fn_name(false), self.readable());
                Some(format!("{name}OrNull({v}) ?: {b}"))
            }
            Language::Kotlin | Language::Scala => Some(format!("if ({c}) {a} else {b}")),
            Language::Swift if self.rng.chance(30) => {
                let v = self.readable();
                Some(format!("cache[{v}] ?? {b}"))
            }
            _ => Some(format!("{c} ? {a} : {b}")),
        }
    }

    fn string(&mut self, with_value: &str) -> String {
        let words = self.sentence(2, 6);
        let quoted = if self.rng.chance(10) {
            "\\\"quoted\\\" "
        } else {
            ""
        };
        match self.lang {
            Language::Rust => format!("log::debug!(\"{quoted}{words}: {{}}\", {with_value})"),
            Language::Python if self.rng.chance(50) => {
                format!("logger.debug(f\"{quoted}{words}: {{{with_value}}}\")")
            }
            Language::Python => format!("logger.debug(\"{quoted}{words}: %s\", {with_value})"),
            Language::JavaScript | Language::TypeScript | Language::Tsx if self.rng.chance(50) => {
                format!("console.log(`{words}: ${{{with_value}}}`)")
            }
            Language::JavaScript | Language::TypeScript | Language::Tsx => {
                format!("console.log(\"{quoted}{words}:\", {with_value})")
            }
            Language::Go => format!("log.Printf(\"{quoted}{words}: %d\\n\", {with_value})"),
            Language::Java => format!("LOG.fine(\"{quoted}{words}: \" + {with_value})"),
            Language::C => format!("fprintf(stderr, \"{quoted}{words}: %d\\n\", {with_value})"),
            Language::Cpp => format!("std::cerr << \"{quoted}{words}: \" << {with_value} << '\\n'"),
            Language::CSharp if self.rng.chance(50) => {
                format!("Log.Debug($\"{words}: {{{with_value}}}\")")
            }
            Language::CSharp => format!("Log.Debug(\"{quoted}{words}: \" + {with_value})"),
            Language::Ruby => format!("logger.debug(\"{quoted}{words}: #{{{with_value}}}\")"),
            // `{$x}` interpolates a variable, a property or a call on `$this`, nothing else.
            Language::Php if self.f.method && with_value.starts_with('$') => {
                format!("$this->logger->debug(\"{quoted}{words}: {{{with_value}}}\")")
            }
            Language::Php if self.f.method => {
                format!("$this->logger->debug(\"{quoted}{words}: \" . {with_value})")
            }
            Language::Php if self.rng.chance(50) => {
                format!("error_log(sprintf(\"{quoted}{words}: %d\", {with_value}))")
            }
            Language::Php => format!("error_log(\"{quoted}{words}: \" . {with_value})"),
            Language::Kotlin => self.kotlin_string(&format!("{quoted}{words}"), with_value),
            Language::Swift => self.swift_string(&format!("{quoted}{words}"), with_value),
            Language::Scala => self.scala_string(&format!("{quoted}{words}"), with_value),
            Language::Vue | Language::Svelte => unreachable!("components are not generated"),
        }
    }

    // ---- statements --------------------------------------------------------------------------

    fn fresh_local(&mut self) -> String {
        self.fresh += 1;
        let base = self.rng.pick(LOCALS);
        if self.fresh > LOCALS.len() / 2 {
            self.var(&format!("{base}{}", self.fresh))
        } else {
            self.var(base)
        }
    }

    fn declare(&mut self, name: &str, value: &str) {
        let line = match self.lang {
            Language::Rust => format!("let mut {name} = {value};"),
            Language::Python => format!("{name} = {value}"),
            Language::JavaScript => format!("let {name} = {value};"),
            Language::TypeScript | Language::Tsx => format!("let {name}: number = {value};"),
            Language::Go => format!("{name} := {value}"),
            Language::Java | Language::C => format!("int {name} = {value};"),
            Language::Cpp => format!("auto {name} = {value};"),
            Language::CSharp => format!("var {name} = {value};"),
            Language::Ruby => format!("{name} = {value}"),
            Language::Php => format!("{name} = {value};"),
            Language::Kotlin | Language::Swift | Language::Scala => format!("var {name} = {value}"),
            Language::Vue | Language::Svelte => unreachable!("components are not generated"),
        };
        self.line(&line);
        self.vars.push((name.to_string(), true));
    }

    fn ret(&mut self, value: &str) {
        let line = match self.lang {
            Language::Rust if self.f.fallible => format!("return Ok({value});"),
            Language::Go if self.f.fallible => format!("return {value}, nil"),
            Language::Python
            | Language::Go
            | Language::Ruby
            | Language::Kotlin
            | Language::Swift
            | Language::Scala => format!("return {value}"),
            _ => format!("return {value};"),
        };
        self.line(&line);
    }

    fn fail(&mut self, what: &str) {
        let line = match self.lang {
            Language::Rust if self.f.fallible => {
                format!(
                    "return Err(format!(\"{what}: {{}}\", {}));",
                    self.readable()
                )
            }
            Language::Go if self.f.fallible => format!("return 0, errors.New(\"{what}\")"),
            Language::Python => format!("raise ValueError(\"{what}\")"),
            Language::Java => format!("throw new IllegalArgumentException(\"{what}\");"),
            Language::CSharp => format!("throw new ArgumentException(\"{what}\");"),
            Language::Ruby => format!("raise ArgumentError, \"{what}\""),
            Language::Php => format!("throw new \\InvalidArgumentException(\"{what}\");"),
            Language::Kotlin => format!("throw IllegalArgumentException(\"{what}\")"),
            Language::Swift if self.f.fallible => {
                format!("throw ValidationError.invalidInput(\"{what}\")")
            }
            Language::Swift => format!("preconditionFailure(\"{what}\")"),
            Language::Scala => format!("throw new IllegalArgumentException(\"{what}\")"),
            Language::JavaScript | Language::TypeScript | Language::Tsx => {
                format!("throw new Error(\"{what}\");")
            }
            Language::Cpp => format!("throw std::invalid_argument(\"{what}\");"),
            Language::Go => "return -1".to_string(),
            _ => "return -1;".to_string(),
        };
        self.line(&line);
    }

    /// `n` statements at nesting `depth`.
    fn block(&mut self, depth: u32, n: usize) {
        let scope = self.vars.len();
        for _ in 0..n.max(1) {
            self.statement(depth);
        }
        self.vars.truncate(scope);
    }

    fn nested(&mut self, depth: u32) {
        let n = self.rng.range(1, 4);
        self.block(depth + 1, n);
    }

    fn statement(&mut self, depth: u32) {
        let compound = [38, 30, 20, 10, 4, 0][depth.min(5) as usize];
        if self.rng.chance(compound) {
            match self.rng.below(20) {
                0..=6 => self.if_chain(depth),
                7..=9 => self.for_loop(depth),
                10 | 11 => self.while_loop(depth),
                12 | 13 => self.switch(depth),
                14 | 15 => self.try_block(depth),
                16 => self.callback(depth),
                _ => self.guard(),
            }
            return;
        }
        match self.rng.below(20) {
            0..=5 => {
                if let Some(target) = self.assignable() {
                    let op = self.rng.pick(&["+=", "-=", "="]);
                    let value = self.arith();
                    self.stmt(&format!("{target} {op} {value}"));
                } else {
                    let (name, value) = (self.fresh_local(), self.arith());
                    self.declare(&name, &value);
                }
            }
            6..=8 => {
                let (name, value) = (self.fresh_local(), self.arith());
                self.declare(&name, &value);
            }
            9 | 10 => {
                let value = self.readable();
                let call = self.string(&value);
                self.stmt(&call);
            }
            11 | 12 => {
                self.comment();
                self.statement(depth);
            }
            13 => match (self.ternary(), self.assignable()) {
                (Some(t), Some(target)) => self.stmt(&format!("{target} = {t}")),
                _ => self.comment(),
            },
            14 => self.lambda(),
            15 if self.f.loop_depth > 0 && !self.scala() => {
                let cond = self.condition();
                let cond = self.paren(&cond);
                let jump = if self.rng.chance(50) {
                    "break"
                } else {
                    "continue"
                };
                if self.python() {
                    self.open(&format!("if {cond}"));
                    self.line(jump);
                    self.close();
                } else if self.ruby() {
                    let jump = if jump == "continue" { "next" } else { jump };
                    self.line(&format!("{jump} if {cond}"));
                } else {
                    let semi = self.semi();
                    self.line(&format!("if {cond} {{ {jump}{semi} }}"));
                }
            }
            16 if self.f.method && !self.f.name.is_empty() && self.rng.chance(30) => {
                // recursion
                let name = self.f.name.clone();
                let arg = self.readable();
                let call = self.receiver_call(&name, &format!("{arg} - 1"));
                match self.assignable() {
                    Some(target) => self.stmt(&format!("{target} += {call}")),
                    None => self.stmt(&call),
                }
            }
            _ => {
                let name = self.fn_name(false);
                let (a, b) = (self.readable(), self.operand());
                let call = self.receiver_call(&name, &format!("{a}, {b}"));
                self.stmt(&call);
            }
        }
    }

    fn if_chain(&mut self, depth: u32) {
        let cond = self.condition();
        let header = format!("if {}", self.paren(&cond));
        self.open(&header);
        self.nested(depth);
        let elifs = match self.rng.below(10) {
            0..=5 => 0,
            6..=8 => 1,
            _ => self.rng.range(2, 4),
        };
        for _ in 0..elifs {
            let cond = self.condition();
            let clause = if self.python() {
                format!("elif {cond}")
            } else if self.ruby() {
                format!("elsif {cond}")
            } else if self.php() && self.rng.chance(85) {
                format!("elseif {}", self.paren(&cond))
            } else {
                format!("else if {}", self.paren(&cond))
            };
            self.reopen(&clause);
            self.nested(depth);
        }
        if self.rng.chance(40) {
            self.reopen("else");
            self.nested(depth);
        }
        self.close();
    }

    fn guard(&mut self) {
        let cond = self.condition();
        let header = if self.swift() && self.rng.chance(60) {
            format!("guard {cond} else")
        } else {
            format!("if {}", self.paren(&cond))
        };
        self.open(&header);
        if self.rng.chance(50) {
            self.fail("invalid input");
        } else {
            let v = self.readable();
            self.ret(&v);
        }
        self.close();
    }

    fn with_loop_var(&mut self, var: &str, depth: u32) {
        self.f.loop_depth += 1;
        self.vars.push((var.to_string(), false));
        self.nested(depth);
        self.vars.pop();
        self.f.loop_depth -= 1;
    }

    fn for_loop(&mut self, depth: u32) {
        let var = ["i", "j", "k", "n"][self.f.loop_depth.min(3) as usize];
        let var = &self.var(var);
        let bound = self.readable();
        let header = match self.lang {
            Language::Rust => format!("for {var} in 0..{bound}"),
            Language::Python => format!("for {var} in range({bound})"),
            Language::Go => format!("for {var} := 0; {var} < {bound}; {var}++"),
            Language::JavaScript => format!("for (let {var} = 0; {var} < {bound}; {var}++)"),
            Language::TypeScript | Language::Tsx => {
                format!("for (let {var}: number = 0; {var} < {bound}; {var}++)")
            }
            Language::Cpp => format!("for (int {var} = 0; {var} < {bound}; ++{var})"),
            Language::Java | Language::C | Language::CSharp => {
                format!("for (int {var} = 0; {var} < {bound}; {var}++)")
            }
            Language::Ruby if self.rng.chance(50) => format!("(0...{bound}).each do |{var}|"),
            Language::Ruby => format!("for {var} in 0...{bound}"),
            Language::Php if self.rng.chance(25) => format!("foreach (range(1, {bound}) as {var})"),
            Language::Php => format!("for ({var} = 0; {var} < {bound}; {var}++)"),
            Language::Kotlin => self.kotlin_range(var, &bound),
            Language::Swift => self.swift_range(var, &bound),
            Language::Scala => self.scala_range(var, &bound),
            Language::Vue | Language::Svelte => unreachable!("components are not generated"),
        };
        self.open(&header);
        self.with_loop_var(var, depth);
        self.close();
    }

    fn while_loop(&mut self, depth: u32) {
        let guard = self.fresh_local();
        self.declare(&guard, "0");
        let cond = format!("{guard} < {}", self.readable());
        let (and, _) = self.and_or();
        let cond = if self.rng.chance(40) {
            let more = self.comparison();
            format!("{cond} {and} {more}")
        } else {
            cond
        };
        if (self.kotlin() || self.swift() || self.scala()) && self.rng.chance(30) {
            return self.do_while(&guard, &cond, depth);
        }
        let header = match self.lang {
            Language::Go => format!("for {cond}"),
            _ => format!("while {}", self.paren(&cond)),
        };
        self.open(&header);
        self.f.loop_depth += 1;
        self.nested(depth);
        self.f.loop_depth -= 1;
        self.stmt(&format!("{guard} += 1"));
        self.close();
    }

    /// Kotlin's and Scala 2's `do { … } while (…)`, Swift's `repeat { … } while …`, over the guard a `while`
    /// would have counted with.
    fn do_while(&mut self, guard: &str, cond: &str, depth: u32) {
        self.open(if self.swift() { "repeat" } else { "do" });
        self.f.loop_depth += 1;
        self.nested(depth);
        self.f.loop_depth -= 1;
        self.stmt(&format!("{guard} += 1"));
        self.indent -= 1;
        self.line(&format!("}} while {}", self.paren(cond)));
    }

    fn switch(&mut self, depth: u32) {
        let subject = format!("{} % {}", self.readable(), self.rng.range(3, 8));
        let cases = self.rng.range(2, 5);
        match self.lang {
            Language::Python => {
                let tmp = self.fresh_local();
                self.declare(&tmp, &subject);
                for c in 0..cases {
                    let kw = if c == 0 { "if" } else { "elif" };
                    self.open(&format!("{kw} {tmp} == {c}"));
                    self.nested(depth);
                    self.indent -= 1;
                }
                self.open("else");
                self.nested(depth);
                self.indent -= 1;
            }
            Language::Ruby => {
                self.open(&format!("case {subject}"));
                for c in 0..cases {
                    self.line(&format!("when {c}"));
                    self.indent += 1;
                    self.nested(depth);
                    self.indent -= 1;
                }
                self.line("else");
                self.indent += 1;
                self.nested(depth);
                self.indent -= 1;
                self.close();
            }
            Language::Php if self.rng.chance(40) => self.php_match(&subject, cases),
            Language::Kotlin => self.kotlin_when(&subject, cases, depth),
            Language::Swift => self.swift_switch(&subject, cases, depth),
            Language::Scala => self.scala_match(&subject, cases, depth),
            Language::Rust => {
                self.open(&format!("match {subject}"));
                for c in 0..cases {
                    let pat = if c + 1 == cases && self.rng.chance(30) {
                        format!("{c} | {}", c + 10)
                    } else {
                        c.to_string()
                    };
                    self.open(&format!("{pat} =>"));
                    self.nested(depth);
                    self.close();
                }
                self.line("_ => {}");
                self.close();
            }
            _ => {
                let header = if self.lang == Language::Go {
                    format!("switch {subject}")
                } else {
                    format!("switch ({subject})")
                };
                self.open(&header);
                for c in 0..cases {
                    self.line(&format!("case {c}:"));
                    self.indent += 1;
                    self.nested(depth);
                    if self.lang != Language::Go {
                        self.line("break;");
                    }
                    self.indent -= 1;
                }
                self.line("default:");
                self.indent += 1;
                self.nested(depth);
                if self.lang != Language::Go {
                    self.line("break;");
                }
                self.indent -= 1;
                self.close();
            }
        }
    }

    /// `$x = match (…) { 0 => …, default => … };`, or `match (true)` over conditions: arms are
    /// expressions, so nothing nests.
    fn php_match(&mut self, subject: &str, cases: usize) {
        let name = self.fresh_local();
        let on_true = self.rng.chance(30);
        let subject = if on_true { "true" } else { subject };
        self.line(&format!("{name} = match ({subject}) {{"));
        self.indent += 1;
        for c in 0..cases {
            let pattern = if on_true {
                self.condition()
            } else if c + 1 == cases && self.rng.chance(30) {
                format!("{c}, {}", c + 10)
            } else {
                c.to_string()
            };
            let value = self.arith();
            self.line(&format!("{pattern} => {value},"));
        }
        let fallback = if self.rng.chance(25) {
            "throw new \\InvalidArgumentException(\"unexpected value\")".to_string()
        } else {
            self.operand()
        };
        self.line(&format!("default => {fallback},"));
        self.indent -= 1;
        self.line("};");
        self.vars.push((name, true));
    }

    /// The first or a later `catch` (`except`) clause of a `try`.
    fn catch_clause(&self, first: bool) -> &'static str {
        match self.lang {
            Language::Python if first => "except (ValueError, KeyError) as exc",
            Language::Python => "except OSError",
            Language::Java if first => "catch (IllegalStateException e)",
            Language::Java => "catch (RuntimeException e)",
            Language::CSharp if first => "catch (InvalidOperationException e)",
            Language::CSharp => "catch (Exception)",
            Language::Cpp if first => "catch (const std::out_of_range& e)",
            Language::Cpp => "catch (const std::exception& e)",
            Language::Php if first => "catch (\\InvalidArgumentException $e)",
            Language::Php => "catch (\\RuntimeException | \\LogicException $e)",
            Language::Kotlin if first => "catch (e: IllegalArgumentException)",
            Language::Kotlin => "catch (e: IllegalStateException)",
            _ => "catch (err)",
        }
    }

    fn try_block(&mut self, depth: u32) {
        let arg = self.readable();
        let load = self.fn_name(false);
        match self.lang {
            Language::Rust if self.f.fallible => {
                let call = self.receiver_call(&load, &arg);
                let name = self.fresh_local();
                self.line(&format!("let {name} = {call}?;"));
                self.vars.push((name, false));
            }
            Language::Rust => {
                let call = self.receiver_call(&load, &arg);
                self.open(&format!("if let Some(found) = {call}"));
                self.found_or_else(depth);
            }
            Language::Go if self.f.fallible => {
                let call = self.receiver_call(&load, &arg);
                let name = self.fresh_local();
                self.line(&format!("{name}, err := {call}"));
                self.open("if err != nil");
                self.line(&format!(
                    "return 0, fmt.Errorf(\"{load} %d: %w\", {arg}, err)"
                ));
                self.close();
                self.vars.push((name, false));
            }
            Language::Go => {
                let call = self.receiver_call(&load, &arg);
                self.open(&format!("if err := {call}; err != nil"));
                self.line("log.Printf(\"failed: %v\", err)");
                self.nested(depth);
                self.close();
            }
            Language::C => {
                let call = format!("{load}(&state, {arg})");
                self.open(&format!("if ({call} != 0)"));
                self.stmt("goto cleanup");
                self.reopen("else");
                self.nested(depth);
                self.close();
            }
            Language::Swift => self.swift_do(&load, &arg, depth),
            Language::Scala => self.scala_try(&load, &arg, depth),
            Language::Ruby => {
                self.open("begin");
                let call = self.receiver_call(&load, &arg);
                self.stmt(&call);
                self.nested(depth);
                self.reopen("rescue KeyError, ArgumentError => e");
                self.nested(depth);
                if self.rng.chance(20) {
                    self.reopen("ensure");
                    self.comment();
                    self.stmt("release");
                }
                self.close();
            }
            _ => {
                self.open("try");
                let call = self.receiver_call(&load, &arg);
                self.stmt(&call);
                self.nested(depth);
                let clauses = if self.rng.chance(20) { 2 } else { 1 };
                for c in 0..clauses {
                    let clause = self.catch_clause(c == 0);
                    if c == 1 && matches!(self.lang, Language::JavaScript | Language::TypeScript) {
                        break;
                    }
                    self.reopen(clause);
                    self.nested(depth);
                }
                if self.lang != Language::Cpp && self.rng.chance(20) {
                    self.reopen("finally");
                    self.comment();
                    let release = self.receiver_call("release", "");
                    self.stmt(&release);
                }
                self.close();
            }
        }
    }

    /// The body of an `if let` that binds `found`, then its `else`.
    fn found_or_else(&mut self, depth: u32) {
        self.vars.push(("found".to_string(), false));
        self.nested(depth);
        self.vars.pop();
        self.reopen("else");
        self.nested(depth);
        self.close();
    }

    /// A callback with a block body (a nested function literal in JS/TS/Go, a lambda in Java and
    /// C++, a closure in Rust); Python and C get a plain loop instead.
    fn callback(&mut self, depth: u32) {
        let items = if self.f.method {
            self.field("items")
        } else {
            self.var("items")
        };
        let header = match self.lang {
            Language::Rust => format!("{items}.iter().for_each(|item| {{"),
            Language::JavaScript => format!("{items}.forEach((item) => {{"),
            Language::TypeScript | Language::Tsx => {
                format!("{items}.forEach((item: number) => {{")
            }
            Language::Java => format!("{items}.forEach(item -> {{"),
            Language::CSharp => format!("{items}.ForEach(item => {{"),
            Language::Cpp => {
                format!("std::for_each({items}.begin(), {items}.end(), [&](int item) {{")
            }
            Language::Go => "visit(items, func(item int) {".to_string(),
            Language::Ruby => format!("{items}.each do |item|"),
            Language::Php if self.rng.chance(50) => {
                self.open(&format!("foreach ({items} as $item)"));
                self.with_loop_var("$item", depth);
                self.close();
                return;
            }
            Language::Php => return self.php_closure(&items, depth),
            Language::Kotlin if self.rng.chance(30) => {
                let k = self.rng.range(0, 9);
                format!("{items}.filter {{ it > {k} }}.forEach {{ item ->")
            }
            Language::Kotlin => format!("{items}.forEach {{ item ->"),
            Language::Swift if self.rng.chance(30) => {
                let k = self.rng.range(0, 9);
                format!("{items}.filter {{ $0 > {k} }}.forEach {{ item in")
            }
            Language::Swift => format!("{items}.forEach {{ item in"),
            Language::Scala if self.rng.chance(30) => {
                let k = self.rng.range(0, 9);
                format!("{items}.filter(_ > {k}).foreach {{ item =>")
            }
            Language::Scala => format!("{items}.foreach {{ item =>"),
            Language::Python => {
                self.open(&format!("for item in {items}"));
                self.with_loop_var("item", depth);
                self.close();
                return;
            }
            Language::C => {
                self.open("for (size_t i = 0; i < n_items; i++)");
                self.with_loop_var("items[i]", depth);
                self.close();
                return;
            }
            Language::Vue | Language::Svelte => unreachable!("components are not generated"),
        };
        self.line(&header);
        self.indent += 1;
        let saved = self.f.loop_depth;
        self.f.loop_depth = 0; // `break` does not cross a function boundary
        self.vars.push(("item".to_string(), false));
        self.nested(depth);
        self.vars.pop();
        self.f.loop_depth = saved;
        self.indent -= 1;
        self.line(match self.lang {
            Language::Go => "})",
            Language::Ruby => "end",
            Language::Kotlin | Language::Swift | Language::Scala => "}",
            _ => "});",
        });
    }

    /// `array_walk($items, function (int $item) use (&$acc, $limit) { … });`: the body sees
    /// what the closure captures, and `$this`.
    fn php_closure(&mut self, items: &str, depth: u32) {
        let outer = std::mem::take(&mut self.vars);
        let mut uses: Vec<String> = Vec::new();
        let mut captured: Vec<(String, bool)> = Vec::new();
        if outer.iter().any(|v| v.0 == "$acc") {
            uses.push("&$acc".to_string());
            captured.push(("$acc".to_string(), true));
        }
        for _ in 0..self.rng.range(0, 2.min(outer.len())) {
            let v = outer[self.rng.below(outer.len())].clone();
            if !captured.iter().any(|c| c.0 == v.0) {
                uses.push(v.0.clone());
                captured.push((v.0, false));
            }
        }
        let uses = if uses.is_empty() {
            String::new()
        } else {
            format!(" use ({})", uses.join(", "))
        };
        self.line(&format!(
            "array_walk({items}, function (int $item){uses} {{"
        ));
        self.indent += 1;
        let saved = self.f.loop_depth;
        self.f.loop_depth = 0; // `break` does not cross a function boundary
        self.vars = captured;
        self.vars.push(("$item".to_string(), false));
        self.nested(depth);
        self.vars = outer;
        self.f.loop_depth = saved;
        self.indent -= 1;
        self.line("});");
    }

    fn lambda(&mut self) {
        let name = self.fresh_local();
        let k = self.rng.range(2, 9);
        let other = self.readable();
        let line = match self.lang {
            Language::Rust => format!("let {name} = |v: i64| v * {k} + {other};"),
            Language::Python => format!("{name} = lambda v: v * {k} + {other}"),
            Language::JavaScript => format!("const {name} = (v) => v * {k} + {other};"),
            Language::TypeScript | Language::Tsx => {
                format!("const {name} = (v: number): number => v * {k} + {other};")
            }
            Language::Go => format!("{name} := func(v int) int {{ return v*{k} + {other} }}"),
            Language::Java => format!("IntUnaryOperator {name} = v -> v * {k} + {other};"),
            Language::CSharp => format!("Func<int, int> {name} = v => v * {k} + {other};"),
            Language::Cpp => format!("auto {name} = [&](int v) {{ return v * {k} + {other}; }};"),
            Language::Ruby => format!("{name} = ->(v) {{ v * {k} + {other} }}"),
            Language::Php if self.rng.chance(50) => {
                format!("{name} = fn (int $v): int => $v * {k} + {other};")
            }
            // `$this` is bound in a closure by itself; a variable has to be captured.
            Language::Php if other.starts_with("$this") || !other.starts_with('$') => {
                format!("{name} = function (int $v): int {{ return $v * {k} + {other}; }};")
            }
            Language::Php => format!(
                "{name} = function (int $v) use ({other}): int {{ return $v * {k} + {other}; }};"
            ),
            Language::C => {
                let value = self.arith();
                return self.declare(&name, &value);
            }
            Language::Kotlin if self.rng.chance(50) => {
                return self.kotlin_pipeline(&name, k, &other);
            }
            Language::Kotlin => format!("val {name} = {{ v: Int -> v * {k} + {other} }}"),
            Language::Swift if self.rng.chance(50) => {
                return self.swift_pipeline(&name, k, &other);
            }
            Language::Swift => format!("let {name} = {{ (v: Int) -> Int in v * {k} + {other} }}"),
            Language::Scala if self.rng.chance(30) => {
                format!("val {name}: Int => Int = {{ case v if v > {k} => v * {k}; case v => v + {other} }}")
            }
            Language::Scala => format!("val {name} = (v: Int) => v * {k} + {other}"),
            Language::Vue | Language::Svelte => unreachable!("components are not generated"),
        };
        self.line(&line);
        let arg = self.readable();
        let apply = if self.lang == Language::Java {
            format!("{name}.applyAsInt({arg})")
        } else if self.ruby() {
            format!("{name}.call({arg})")
        } else {
            format!("{name}({arg})")
        };
        match self.assignable() {
            Some(target) => self.stmt(&format!("{target} += {apply}")),
            None => self.stmt(&apply),
        }
    }

    // ---- functions, types, files -------------------------------------------------------------

    fn params(&mut self) -> Vec<String> {
        let n = match self.rng.below(10) {
            0 => 0,
            1..=3 => 1,
            4..=6 => 2,
            7 | 8 => 3,
            _ => self.rng.range(4, 6),
        };
        let mut names: Vec<String> = Vec::new();
        while names.len() < n {
            let p = self.rng.pick(PARAMS);
            let p = self.var(&ident(&[p], self.case()));
            if !names.contains(&p) {
                names.push(p);
            }
        }
        names
    }

    fn param_list(&mut self, params: &[String]) -> String {
        let ty = match self.lang {
            Language::Rust => ": i64",
            Language::TypeScript | Language::Tsx => ": number",
            Language::Go => " int",
            Language::Kotlin | Language::Swift | Language::Scala => ": Int",
            _ => "",
        };
        let prefix = match self.lang {
            Language::Java | Language::C | Language::Cpp | Language::CSharp | Language::Php => {
                "int "
            }
            Language::Swift => "_ ",
            _ => "",
        };
        let mut out: Vec<String> = params.iter().map(|p| format!("{prefix}{p}{ty}")).collect();
        // Default values where the language has them.
        if let Some(last) = out.last_mut() {
            if matches!(
                self.lang,
                Language::Python
                    | Language::JavaScript
                    | Language::TypeScript
                    | Language::Ruby
                    | Language::Php
                    | Language::Kotlin
                    | Language::Swift
                    | Language::Scala
            ) && self.rng.chance(20)
            {
                last.push_str(" = 1");
            }
        }
        out.join(", ")
    }

    /// A function or method: signature, body, closing.
    fn function(&mut self, owner: Option<&str>, exported: bool) {
        let name = self.fn_name(exported);
        self.function_named(name, owner, exported);
    }

    fn function_named(&mut self, name: String, owner: Option<&str>, exported: bool) {
        let params = self.params();
        let fallible = matches!(self.lang, Language::Rust | Language::Go | Language::Swift)
            && self.rng.chance(25);
        self.f = FnCtx {
            name: name.clone(),
            method: owner.is_some(),
            fallible,
            loop_depth: 0,
        };
        self.fresh = 0;
        self.vars = params.iter().map(|p| (p.clone(), false)).collect();
        if self.rng.chance(60) {
            self.doc(&name);
        }
        let plist = self.param_list(&params);
        let header = self.signature(&name, owner, exported, fallible, &plist);
        if matches!(self.lang, Language::C | Language::Php) {
            // K&R-ish (PSR-12 in PHP): the brace of a function on its own line.
            self.line(&header);
            self.line("{");
            self.indent += 1;
        } else {
            self.open(&header);
        }
        if self.python() && self.rng.chance(50) {
            let text = self.sentence(4, 10);
            self.line(&format!("\"\"\"{name}: {text}.\"\"\""));
        }
        self.declare_acc();
        let size = match self.rng.below(10) {
            0..=4 => self.rng.range(2, 6),
            5..=8 => self.rng.range(6, 14),
            _ => self.rng.range(14, 30),
        };
        self.block(0, size);
        match (self.lang, fallible) {
            (Language::Rust, true) => self.line("Ok(acc)"),
            (Language::Rust | Language::Ruby, false) => self.line("acc"),
            (Language::C, _) => {
                self.line("return acc;");
                self.indent -= 1;
                self.line("cleanup:");
                self.indent += 1;
                self.line("return -1;");
            }
            _ => {
                let acc = self.var("acc");
                self.ret(&acc);
            }
        }
        if header.ends_with("=>") {
            // An arrow function bound to a `const` ends its declaration.
            self.indent -= 1;
            self.line("};");
        } else {
            self.close();
        }
        self.vars.clear();
    }

    /// The signature line of a function in the file's language.
    fn signature(
        &mut self,
        name: &str,
        owner: Option<&str>,
        exported: bool,
        fallible: bool,
        plist: &str,
    ) -> String {
        let with_self = |recv: &str| {
            if plist.is_empty() {
                recv.to_string()
            } else {
                format!("{recv}, {plist}")
            }
        };
        match self.lang {
            Language::Rust => {
                let recv = match owner {
                    Some(_) if self.rng.chance(50) => with_self("&self"),
                    Some(_) => with_self("&mut self"),
                    None => plist.to_string(),
                };
                rust_signature(name, &recv, exported, fallible)
            }
            Language::Python => self.python_signature(name, owner.is_some(), plist),
            Language::JavaScript | Language::TypeScript | Language::Tsx => {
                self.script_signature(name, owner, plist)
            }
            Language::Ruby if plist.is_empty() => format!("def {name}"),
            Language::Ruby => format!("def {name}({plist})"),
            Language::Php => match owner {
                Some(_) => {
                    let vis = self
                        .rng
                        .pick(&["public ", "public ", "private ", "protected "]);
                    format!("{vis}function {name}({plist}): int")
                }
                None => format!("function {name}({plist}): int"),
            },
            Language::Kotlin | Language::Scala => {
                self.jvm_signature(name, owner.is_some(), exported, plist)
            }
            Language::Swift => {
                self.swift_signature(name, owner.is_some(), exported, fallible, plist)
            }
            Language::Go => {
                let ret = if fallible { "(int, error)" } else { "int" };
                match owner {
                    Some(t) => format!("func (r *{t}) {name}({plist}) {ret}"),
                    None => format!("func {name}({plist}) {ret}"),
                }
            }
            Language::Java | Language::CSharp => self.java_signature(name, owner.is_some(), plist),
            Language::C => {
                let recv = match owner {
                    Some(t) => with_self(&format!("struct {t} *self")),
                    None if plist.is_empty() => "void".to_string(),
                    None => plist.to_string(),
                };
                let stat = if exported { "" } else { "static " };
                format!("{stat}int {name}({recv})")
            }
            Language::Cpp => match owner {
                // Out-of-line definition of a declared member.
                Some(t) if t.contains("::") => format!("int {t}{name}({plist})"),
                _ => format!("int {name}({plist})"),
            },
            Language::Vue | Language::Svelte => unreachable!("components are not generated"),
        }
    }

    /// `def name(self, …)`, a method `@functools.lru_cache`d now and then.
    fn python_signature(&mut self, name: &str, method: bool, plist: &str) -> String {
        if method && self.rng.chance(10) {
            self.line("@functools.lru_cache(maxsize=None)");
        }
        match (method, plist) {
            (false, _) => format!("def {name}({plist})"),
            (true, "") => format!("def {name}(self)"),
            (true, _) => format!("def {name}(self, {plist})"),
        }
    }

    /// Kotlin and Scala signatures (one arm of [`FileGen::signature`], which has many).
    fn jvm_signature(&mut self, name: &str, method: bool, exported: bool, plist: &str) -> String {
        if self.scala() {
            self.scala_signature(name, method, plist)
        } else {
            self.kotlin_signature(name, method, exported, plist)
        }
    }

    /// Java and C# signatures: a visibility, `static` outside a type, PascalCase in C#.
    fn java_signature(&mut self, name: &str, method: bool, plist: &str) -> String {
        let vis = self.rng.pick(&["public ", "private ", "protected ", ""]);
        let stat = if method { "" } else { "static " };
        if self.lang == Language::CSharp {
            format!("{vis}{stat}int {}({plist})", ident(&[name], Case::Pascal))
        } else {
            format!("{vis}{stat}int {name}({plist})")
        }
    }

    /// JavaScript and TypeScript signatures: methods, arrow functions bound to a `const`, and
    /// function declarations.
    fn script_signature(&mut self, name: &str, owner: Option<&str>, plist: &str) -> String {
        match self.lang {
            Language::JavaScript => match owner {
                Some(_) => format!("{name}({plist})"),
                None if self.rng.chance(30) => {
                    format!("export const {name} = ({plist}) =>")
                }
                None => format!("export function {name}({plist})"),
            },
            Language::TypeScript | Language::Tsx => match owner {
                Some(_) => {
                    let vis = self.rng.pick(&["", "public ", "private "]);
                    format!("{vis}{name}({plist}): number")
                }
                None if self.rng.chance(30) => {
                    format!("export const {name} = ({plist}): number =>")
                }
                None => format!("export function {name}({plist}): number"),
            },
            _ => unreachable!("only called for JavaScript and TypeScript"),
        }
    }

    fn declare_acc(&mut self) {
        let init = self.rng.range(0, 3).to_string();
        if self.lang == Language::C {
            self.line("struct state state = {0};");
        }
        let acc = self.var("acc");
        self.declare(&acc, &init);
    }

    fn header(&mut self, package: &str) {
        let lines: Vec<String> = match self.lang {
            Language::Rust => vec![
                format!("//! The {package} module: {}.", self.sentence(4, 9)),
                String::new(),
                "use std::collections::HashMap;".into(),
                "use std::fmt;".into(),
                String::new(),
                format!("use crate::{package}::{{Error, Result}};"),
            ],
            Language::Python => vec![
                format!("\"\"\"The {package} module: {}.\"\"\"", self.sentence(4, 9)),
                String::new(),
                "import functools".into(),
                "import logging".into(),
                format!("from .{package} import helpers"),
                String::new(),
                "logger = logging.getLogger(__name__)".into(),
            ],
            Language::JavaScript => vec![
                "'use strict';".into(),
                String::new(),
                format!("import {{ helpers }} from './{package}.js';"),
                "import fs from 'node:fs';".into(),
            ],
            Language::TypeScript | Language::Tsx => vec![
                format!("import {{ helpers }} from './{package}';"),
                "import type { Options } from '../options';".into(),
            ],
            Language::Go => vec![
                format!("// Package {package} {}.", self.sentence(4, 9)),
                format!("package {package}"),
                String::new(),
                "import (".into(),
                "\t\"errors\"".into(),
                "\t\"fmt\"".into(),
                "\t\"log\"".into(),
                ")".into(),
            ],
            Language::Java => vec![
                format!("package com.example.{package};"),
                String::new(),
                "import java.util.ArrayList;".into(),
                "import java.util.List;".into(),
                "import java.util.function.IntUnaryOperator;".into(),
                "import java.util.logging.Logger;".into(),
            ],
            Language::Ruby => vec![
                "# frozen_string_literal: true".into(),
                String::new(),
                "require \"json\"".into(),
                format!("require_relative \"{package}/helpers\""),
            ],
            Language::Php => vec![
                "<?php".into(),
                String::new(),
                "declare(strict_types=1);".into(),
                String::new(),
                format!("namespace App\\{};", ident(&[package], Case::Pascal)),
                String::new(),
                format!(
                    "use App\\Support\\{};",
                    ident(&[package, "helpers"], Case::Pascal)
                ),
                "use Psr\\Log\\LoggerInterface;".into(),
            ],
            Language::Kotlin => kotlin_header(package),
            Language::Swift => swift_header(package),
            Language::Scala => scala::scala_header(package),
            Language::CSharp => vec![
                "using System;".into(),
                "using System.Collections.Generic;".into(),
                String::new(),
                format!("namespace Example.{};", ident(&[package], Case::Pascal)),
            ],
            Language::C => vec![
                format!("/* {package}: {} */", self.sentence(4, 9)),
                String::new(),
                "#include <stdio.h>".into(),
                "#include <stdlib.h>".into(),
                format!("#include \"{package}.h\""),
                String::new(),
                format!(
                    "#define {}_LIMIT {}",
                    package.to_uppercase(),
                    self.rng.range(8, 512)
                ),
            ],
            Language::Cpp => vec![
                "#include <algorithm>".into(),
                "#include <iostream>".into(),
                "#include <stdexcept>".into(),
                "#include <vector>".into(),
                String::new(),
                format!("namespace {package} {{"),
            ],
            Language::Vue | Language::Svelte => unreachable!("components are not generated"),
        };
        for l in lines {
            self.line(&l);
        }
        self.line("");
    }

    fn choose_fields(&mut self) {
        let n = self.rng.range(2, 4);
        self.fields.clear();
        while self.fields.len() < n {
            let f = self.rng.pick(FIELDS).to_string();
            if !self.fields.contains(&f) {
                self.fields.push(f);
            }
        }
    }

    /// A type with fields and methods (or, in Java, a nested class).
    fn type_unit(&mut self) {
        let ty = self.type_name();
        self.choose_fields();
        let methods = match self.rng.below(10) {
            0..=3 => self.rng.range(1, 4),
            4..=8 => self.rng.range(4, 9),
            _ => self.rng.range(9, 16),
        };
        let fields = self.fields.clone();
        match self.lang {
            Language::Rust => self.type_rust(&ty, &fields, methods),
            Language::Python => self.type_python(&ty, &fields, methods),
            Language::JavaScript | Language::TypeScript | Language::Tsx => {
                self.type_javascript(&ty, &fields, methods)
            }
            Language::Go => self.type_go(&ty, &fields, methods),
            Language::Java => self.type_java(&ty, &fields, methods),
            Language::CSharp => self.type_csharp(&ty, &fields, methods),
            Language::Ruby => self.type_ruby(&ty, &fields, methods),
            Language::Php => self.type_php(&ty, &fields, methods),
            Language::Kotlin => self.type_kotlin(&ty, &fields, methods),
            Language::Swift => self.type_swift(&ty, &fields, methods),
            Language::Scala => self.type_scala(&ty, &fields, methods),
            Language::C => self.type_c(&ty, &fields, methods),
            Language::Cpp => self.type_cpp(&ty, &fields, methods),
            Language::Vue | Language::Svelte => unreachable!("components are not generated"),
        }
        self.fields.clear();
    }

    fn type_rust(&mut self, ty: &str, fields: &[String], methods: usize) {
        self.doc(ty);
        self.line("#[derive(Debug, Clone, Default)]");
        self.open(&format!("pub struct {ty}"));
        for f in fields {
            self.line(&format!("{f}: i64,"));
        }
        self.line("items: Vec<i64>,");
        self.close();
        self.line("");
        self.open(&format!("impl {ty}"));
        self.open("pub fn new(limit: i64) -> Self");
        self.line(&format!(
            "Self {{ {}: limit, ..Default::default() }}",
            fields[0]
        ));
        self.close();
        for _ in 0..methods {
            self.line("");
            let exported = self.rng.chance(60);
            self.function(Some(ty), exported);
        }
        self.close();
        if self.rng.chance(25) {
            self.line("");
            self.open(&format!("impl fmt::Display for {ty}"));
            self.open("fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result");
            self.line(&format!("write!(f, \"{ty}({{}})\", self.{})", fields[0]));
            self.close();
            self.close();
        }
    }

    fn type_python(&mut self, ty: &str, fields: &[String], methods: usize) {
        self.open(&format!("class {ty}"));
        let text = self.sentence(4, 10);
        self.line(&format!("\"\"\"{ty}: {text}.\"\"\""));
        self.line("");
        self.open("def __init__(self, limit=0)");
        for f in fields {
            self.line(&format!("self.{f} = limit"));
        }
        self.line("self.items = []");
        self.close();
        for _ in 0..methods {
            self.line("");
            self.function(Some(ty), true);
        }
        self.indent -= 1;
    }

    fn type_javascript(&mut self, ty: &str, fields: &[String], methods: usize) {
        let ts = self.lang != Language::JavaScript;
        if ts && self.rng.chance(50) {
            self.open(&format!("export interface {ty}Options"));
            for f in fields {
                self.line(&format!("{f}?: number;"));
            }
            self.close();
            self.line("");
        }
        self.doc(ty);
        self.open(&format!("export class {ty}"));
        if ts {
            for f in fields {
                self.line(&format!("private {f}: number;"));
            }
            self.line("private items: number[] = [];");
            self.line("");
        }
        let arg = if ts { "limit: number" } else { "limit" };
        self.open(&format!("constructor({arg})"));
        for f in fields {
            self.line(&format!("this.{f} = limit;"));
        }
        if !ts {
            self.line("this.items = [];");
        }
        self.close();
        for _ in 0..methods {
            self.line("");
            self.function(Some(ty), true);
        }
        self.close();
    }

    fn type_go(&mut self, ty: &str, fields: &[String], methods: usize) {
        self.doc(ty);
        self.open(&format!("type {ty} struct"));
        for f in fields {
            self.line(&format!("{f} int"));
        }
        self.line("items []int");
        self.close();
        self.line("");
        self.open(&format!("func New{ty}(limit int) *{ty}"));
        self.line(&format!("return &{ty}{{{}: limit}}", fields[0]));
        self.close();
        for _ in 0..methods {
            self.line("");
            let exported = self.rng.chance(60);
            self.function(Some(ty), exported);
        }
    }

    fn type_java(&mut self, ty: &str, fields: &[String], methods: usize) {
        self.doc(ty);
        self.open(&format!("static final class {ty}"));
        for f in fields {
            self.line(&format!("private int {f};"));
        }
        self.line("private final List<Integer> items = new ArrayList<>();");
        self.line("");
        self.open(&format!("{ty}(int limit)"));
        self.line(&format!("this.{} = limit;", fields[0]));
        self.close();
        for _ in 0..methods {
            self.line("");
            self.function(Some(ty), true);
        }
        self.close();
    }

    fn type_csharp(&mut self, ty: &str, fields: &[String], methods: usize) {
        self.doc(ty);
        self.open(&format!("public sealed class {ty}"));
        for f in fields {
            self.line(&format!("private int {f};"));
        }
        self.line("private readonly List<int> items = new List<int>();");
        self.line("");
        self.open(&format!("public {ty}(int limit)"));
        self.line(&format!("this.{} = limit;", fields[0]));
        self.close();
        if self.rng.chance(50) {
            self.line("");
            let f = &fields[0];
            self.line(&format!(
                "public int {} => {f} > 0 ? {f} : 0;",
                ident(&[f], Case::Pascal)
            ));
        }
        for _ in 0..methods {
            self.line("");
            self.function(Some(ty), true);
        }
        self.close();
    }

    fn type_ruby(&mut self, ty: &str, fields: &[String], methods: usize) {
        self.doc(ty);
        self.open(&format!("class {ty}"));
        let readers: Vec<String> = fields.iter().map(|f| format!(":{f}")).collect();
        self.line(&format!("attr_reader {}", readers.join(", ")));
        self.line("");
        self.open("def initialize(limit = 0)");
        for f in fields {
            self.line(&format!("@{f} = limit"));
        }
        self.line("@items = []");
        self.close();
        for _ in 0..methods {
            self.line("");
            self.function(Some(ty), true);
        }
        self.close();
    }

    fn type_php(&mut self, ty: &str, fields: &[String], methods: usize) {
        self.doc(ty);
        let kind = if self.rng.chance(60) {
            "final class"
        } else {
            "class"
        };
        self.line(&format!("{kind} {ty}"));
        self.line("{");
        self.indent += 1;
        for f in fields {
            self.line(&format!("private int ${f} = 0;"));
        }
        self.line("/** @var list<int> */");
        self.line("private array $items = [];");
        self.line("");
        self.line(
            "public function __construct(private readonly LoggerInterface $logger, int $limit = 0)",
        );
        self.line("{");
        self.indent += 1;
        self.line(&format!("$this->{} = $limit;", fields[0]));
        self.close();
        if self.rng.chance(50) {
            self.line("");
            let f = &fields[0];
            self.line(&format!(
                "public function {}(): int",
                ident(&["get", f], Case::Camel)
            ));
            self.line("{");
            self.indent += 1;
            self.line(&format!("return $this->{f} > 0 ? $this->{f} : 0;"));
            self.close();
        }
        for _ in 0..methods {
            self.line("");
            self.function(Some(ty), true);
        }
        self.close();
    }

    // ---- Kotlin ------------------------------------------------------------------------------

    /// `logger.debug("…: $x")`, `"…: ${this.limit}"`, `"…: ${a + 2}"`; `println` at times outside
    /// a class.
    fn kotlin_string(&mut self, text: &str, value: &str) -> String {
        let simple = value.starts_with(|c: char| c.is_ascii_alphabetic())
            && value.chars().all(|c| c.is_ascii_alphanumeric());
        let template = if simple && self.rng.chance(70) {
            format!("${value}")
        } else if self.rng.chance(30) {
            let k = self.rng.range(1, 9);
            format!("${{{value} + {k}}}")
        } else if simple {
            format!("${value}")
        } else {
            format!("${{{value}}}")
        };
        let sink = if self.f.method || self.rng.chance(60) {
            "logger.debug"
        } else {
            "println"
        };
        format!("{sink}(\"{text}: {template}\")")
    }

    /// The header of a `for` over a range: `0 until n`, `1..n`, `n downTo 0`, `step 2`.
    fn kotlin_range(&mut self, var: &str, bound: &str) -> String {
        match self.rng.below(10) {
            0..=5 => format!("for ({var} in 0 until {bound})"),
            6 | 7 => format!("for ({var} in 1..{bound})"),
            8 => format!("for ({var} in {bound} downTo 0)"),
            _ => format!("for ({var} in 0 until {bound} step 2)"),
        }
    }

    /// A `when` entry's condition on the subject: `2`, `3, 13`, `in 3..5`.
    fn when_pattern(&mut self, c: usize, cases: usize) -> String {
        match self.rng.below(10) {
            0 | 1 if c + 1 == cases => format!("{c}, {}", c + 10),
            2 | 3 if c > 0 => format!("in {c}..{}", c + 2),
            _ => c.to_string(),
        }
    }

    /// `when (x % 4) {` with one entry per line, blocks or single statements, and an `else`;
    /// or a `when` that yields a value.
    fn kotlin_when(&mut self, subject: &str, cases: usize, depth: u32) {
        if self.rng.chance(35) {
            return self.kotlin_when_value(subject, cases);
        }
        self.open(&format!("when ({subject})"));
        for c in 0..cases {
            let pattern = self.when_pattern(c, cases);
            match self.assignable() {
                Some(target) if self.rng.chance(25) => {
                    let value = self.arith();
                    self.line(&format!("{pattern} -> {target} += {value}"));
                }
                _ => {
                    self.open(&format!("{pattern} ->"));
                    self.nested(depth);
                    self.close();
                }
            }
        }
        self.open("else ->");
        self.nested(depth);
        self.close();
        self.close();
    }

    /// `val x = when (…) { 0 -> …; else -> … }`, or a `when` without subject over conditions:
    /// entries are expressions, so nothing nests.
    fn kotlin_when_value(&mut self, subject: &str, cases: usize) {
        let name = self.fresh_local();
        let on_conditions = self.rng.chance(30);
        let head = if on_conditions {
            "when".to_string()
        } else {
            format!("when ({subject})")
        };
        self.open(&format!("val {name} = {head}"));
        for c in 0..cases {
            let pattern = if on_conditions {
                self.condition()
            } else {
                self.when_pattern(c, cases)
            };
            let value = self.arith();
            self.line(&format!("{pattern} -> {value}"));
        }
        let fallback = if self.rng.chance(25) {
            "throw IllegalStateException(\"unexpected value\")".to_string()
        } else {
            self.operand()
        };
        self.line(&format!("else -> {fallback}"));
        self.close();
        self.vars.push((name, false));
    }

    /// `val x = items.filter { v -> v > 3 }.sumOf { it * 2 }`: collection calls with lambdas,
    /// named parameters or `it`.
    fn kotlin_pipeline(&mut self, name: &str, k: usize, other: &str) {
        let items = if self.f.method {
            self.field("items")
        } else {
            "items".to_string()
        };
        let line = match self.rng.below(3) {
            0 => format!("val {name} = {items}.map {{ it * {k} }}.sum() + {other}"),
            1 => format!("val {name} = {items}.filter {{ x -> x > {other} }}.size"),
            _ => format!(
                "val {name} = {items}.filter {{ x -> x % {k} == 0 }}.sumOf {{ it + {other} }}"
            ),
        };
        self.line(&line);
        self.vars.push((name.to_string(), false));
    }

    /// `fun name(a: Int, b: Int = 1): Int`, private or internal at times, with a `label: String`
    /// now and then.
    fn kotlin_signature(
        &mut self,
        name: &str,
        method: bool,
        exported: bool,
        plist: &str,
    ) -> String {
        let vis = match (method, exported) {
            (true, _) => self.rng.pick(&["", "", "private ", "internal "]),
            (false, true) => "",
            (false, false) => "private ",
        };
        let plist = match plist {
            _ if !self.rng.chance(15) => plist.to_string(),
            "" => "label: String".to_string(),
            _ => format!("label: String, {plist}"),
        };
        format!("{vis}fun {name}({plist}): Int")
    }

    fn type_kotlin(&mut self, ty: &str, fields: &[String], methods: usize) {
        self.doc(ty);
        let kind = self
            .rng
            .pick(&["class", "class", "open class", "internal class"]);
        let first = &fields[0];
        self.line(&format!("{kind} {ty}("));
        self.indent += 1;
        self.line(&format!("private val {first}: Int,"));
        self.line("private val name: String = \"\",");
        self.indent -= 1;
        self.line(") {");
        self.indent += 1;
        for f in &fields[1..] {
            self.line(&format!("private var {f}: Int = 0"));
        }
        self.line("private val items = mutableListOf<Int>()");
        if self.rng.chance(30) {
            self.line("");
            self.open("init");
            self.line(&format!(
                "require({first} >= 0) {{ \"{first} must not be negative\" }}"
            ));
            self.close();
        }
        if self.rng.chance(50) {
            self.line("");
            self.line("val isEmpty: Boolean");
            self.indent += 1;
            self.line("get() = items.isEmpty()");
            self.indent -= 1;
        }
        for _ in 0..methods {
            self.line("");
            self.function(Some(ty), true);
        }
        if self.rng.chance(30) {
            self.line("");
            self.open("companion object");
            self.line("private const val DEFAULT_LIMIT = 16");
            self.line("");
            self.line(&format!("fun withDefaults(): {ty} = {ty}(DEFAULT_LIMIT)"));
            self.close();
        }
        self.close();
    }

    // ---- Swift -------------------------------------------------------------------------------

    /// `logger.debug("…: \(x)")`, `"…: \(x + 2)"`; `print` at times outside a type.
    fn swift_string(&mut self, text: &str, value: &str) -> String {
        let interpolated = if self.rng.chance(25) {
            let k = self.rng.range(1, 9);
            format!("\\({value} + {k})")
        } else {
            format!("\\({value})")
        };
        let sink = if self.f.method || self.rng.chance(60) {
            self.rng
                .pick(&["logger.debug", "logger.debug", "logger.info"])
        } else {
            "print"
        };
        format!("{sink}(\"{text}: {interpolated}\")")
    }

    /// The header of a `for … in` over a range: `0..<n`, `1...n`, `stride(…)`, `.reversed()`.
    fn swift_range(&mut self, var: &str, bound: &str) -> String {
        match self.rng.below(10) {
            0..=5 => format!("for {var} in 0..<{bound}"),
            6 | 7 => format!("for {var} in 1...{bound}"),
            8 => format!("for {var} in stride(from: 0, to: {bound}, by: 2)"),
            _ => format!("for {var} in (0..<{bound}).reversed()"),
        }
    }

    /// A `case`'s pattern on the subject: `2`, `3, 13`, `2...4`, `let n where n > 3`.
    fn case_pattern(&mut self, c: usize, cases: usize) -> String {
        match self.rng.below(10) {
            0 | 1 if c + 1 == cases => format!("{c}, {}", c + 10),
            2 | 3 if c > 0 => format!("{c}...{}", c + 2),
            4 if c + 1 == cases => format!("let n where n > {c}"),
            _ => c.to_string(),
        }
    }

    /// `switch x % 4 {` with its `case` labels at the `switch`'s indentation, one-line cases or
    /// blocks, no `break`, and a `default`.
    fn swift_switch(&mut self, subject: &str, cases: usize, depth: u32) {
        self.line(&format!("switch {subject} {{"));
        for c in 0..cases {
            let pattern = self.case_pattern(c, cases);
            match self.assignable() {
                Some(target) if self.rng.chance(20) => {
                    let value = self.arith();
                    self.line(&format!("case {pattern}: {target} += {value}"));
                }
                _ => {
                    self.line(&format!("case {pattern}:"));
                    self.indent += 1;
                    self.nested(depth);
                    self.indent -= 1;
                }
            }
        }
        self.line("default:");
        self.indent += 1;
        self.nested(depth);
        self.indent -= 1;
        self.line("}");
    }

    /// `do { try … } catch let error as … { } catch { }`, at times with a `defer`; or an
    /// `if let x = try? …`; or, in a throwing function, a `let x = try …` that passes errors on.
    fn swift_do(&mut self, load: &str, arg: &str, depth: u32) {
        let call = self.receiver_call(load, arg);
        match self.rng.below(10) {
            0..=2 if self.f.fallible => {
                let name = self.fresh_local();
                self.line(&format!("let {name} = try {call}"));
                self.vars.push((name, false));
                return;
            }
            3 | 4 => {
                self.open(&format!("if let found = try? {call}"));
                self.found_or_else(depth);
                return;
            }
            _ => {}
        }
        self.open("do");
        if self.rng.chance(20) {
            self.line("defer { release() }");
        }
        self.line(&format!("try {call}"));
        self.nested(depth);
        if self.rng.chance(30) {
            self.reopen("catch let error as DecodingError");
            self.line(&format!("logger.error(\"{load} failed: \\(error)\")"));
            self.nested(depth);
        }
        self.reopen("catch");
        self.nested(depth);
        self.close();
    }

    /// `let x = items.filter { $0 > 3 }.map { $0 * 2 }.reduce(0, +)`: collection calls with
    /// closures, named parameters or `$0`.
    fn swift_pipeline(&mut self, name: &str, k: usize, other: &str) {
        let items = if self.f.method {
            self.field("items")
        } else {
            "items".to_string()
        };
        let line = match self.rng.below(3) {
            0 => format!("let {name} = {items}.map {{ $0 * {k} }}.reduce(0, +) + {other}"),
            1 => format!("let {name} = {items}.filter {{ x in x > {other} }}.count"),
            _ => format!(
                "let {name} = {items}.filter {{ $0 % {k} == 0 }}.map {{ $0 + {other} }}.reduce(0, +)"
            ),
        };
        self.line(&line);
        self.vars.push((name.to_string(), false));
    }

    /// `func name(_ a: Int, _ b: Int = 1) throws -> Int`, private or fileprivate at times,
    /// `@discardableResult` now and then.
    fn swift_signature(
        &mut self,
        name: &str,
        method: bool,
        exported: bool,
        fallible: bool,
        plist: &str,
    ) -> String {
        if self.rng.chance(8) {
            self.line("@discardableResult");
        }
        let vis = match (method, exported) {
            (true, _) => self.rng.pick(&["", "", "private ", "fileprivate "]),
            (false, true) => "public ",
            (false, false) => self.rng.pick(&["", "private "]),
        };
        let throws = if fallible { " throws" } else { "" };
        format!("{vis}func {name}({plist}){throws} -> Int")
    }

    /// A class or struct: its stored properties (one with a `didSet` at times), an `init`, a
    /// computed property, methods, some of them in an `extension`, and at times a
    /// `CustomStringConvertible` conformance.
    fn type_swift(&mut self, ty: &str, fields: &[String], methods: usize) {
        self.doc(ty);
        let kind = self
            .rng
            .pick(&["final class", "final class", "class", "struct"]);
        let first = &fields[0];
        self.open(&format!("{kind} {ty}"));
        self.line(&format!("private let {first}: Int"));
        for f in &fields[1..] {
            self.swift_stored(f);
        }
        self.line("private var items: [Int] = []");
        self.line("");
        self.open(&format!("init({first}: Int)"));
        self.line(&format!("self.{first} = {first}"));
        self.close();
        self.swift_computed(first);
        let inside = if methods > 1 && self.rng.chance(40) {
            self.rng.range(1, methods - 1)
        } else {
            methods
        };
        for _ in 0..inside {
            self.line("");
            self.function(Some(ty), true);
        }
        self.close();
        if inside < methods {
            self.line("");
            self.open(&format!("extension {ty}"));
            for m in inside..methods {
                if m > inside {
                    self.line("");
                }
                self.function(Some(ty), true);
            }
            self.close();
        }
        if self.rng.chance(30) {
            self.line("");
            self.open(&format!("extension {ty}: CustomStringConvertible"));
            self.open("var description: String");
            self.line(&format!("\"{ty}(\\({first}))\""));
            self.close();
            self.close();
        }
    }

    /// `private var count: Int = 0`, with a `didSet` that clamps it at times.
    fn swift_stored(&mut self, field: &str) {
        if !self.rng.chance(20) {
            self.line(&format!("private var {field}: Int = 0"));
            return;
        }
        self.open(&format!("private var {field}: Int = 0"));
        self.open("didSet");
        self.open(&format!("if {field} < 0"));
        self.line(&format!("{field} = oldValue"));
        self.close();
        self.close();
        self.close();
    }

    /// A computed property at times: `var isEmpty: Bool { items.isEmpty }`, or one with a
    /// `return` and a ternary.
    fn swift_computed(&mut self, first: &str) {
        match self.rng.below(4) {
            0 => {
                self.line("");
                self.open("var isEmpty: Bool");
                self.line("items.isEmpty");
                self.close();
            }
            1 => {
                self.line("");
                self.open(&format!(
                    "var {}: Int",
                    ident(&["effective", first], Case::Camel)
                ));
                self.line(&format!("return {first} > 0 ? {first} : 0"));
                self.close();
            }
            _ => {}
        }
    }

    fn type_c(&mut self, ty: &str, fields: &[String], methods: usize) {
        self.open(&format!("struct {ty}"));
        for f in fields {
            self.line(&format!("int {f};"));
        }
        self.line("int *items;");
        self.line("size_t n_items;");
        self.indent -= 1;
        self.line("};");
        for _ in 0..methods {
            self.line("");
            let exported = self.rng.chance(40);
            self.function(Some(ty), exported);
        }
    }

    fn type_cpp(&mut self, ty: &str, fields: &[String], methods: usize) {
        let inline = self.rng.range(0, methods);
        self.doc(ty);
        self.line(&format!("class {ty} {{"));
        self.line("public:");
        self.indent += 1;
        self.line(&format!(
            "explicit {ty}(int limit) : {}_(limit) {{}}",
            fields[0]
        ));
        let declared: Vec<String> = (inline..methods).map(|_| self.fn_name(false)).collect();
        for d in &declared {
            self.line(&format!("int {d}(int value);"));
        }
        for _ in 0..inline {
            self.line("");
            self.function(Some(ty), true);
        }
        self.indent -= 1;
        self.line("");
        self.line("private:");
        self.indent += 1;
        for f in fields {
            self.line(&format!("int {f}_ = 0;"));
        }
        self.line("std::vector<int> items_;");
        self.indent -= 1;
        self.line("};");
        for d in declared {
            self.line("");
            self.function_named(d, Some(&format!("{ty}::")), true);
        }
    }

    fn generate(mut self, target_lines: usize) -> SourceFile {
        let package = self.rng.pick(NOUNS);
        let stem = {
            let (v, n) = (self.rng.pick(VERBS), self.rng.pick(NOUNS));
            match self.lang {
                Language::Java
                | Language::CSharp
                | Language::Php
                | Language::Kotlin
                | Language::Swift
                | Language::Scala => ident(&[v, n, &format!("{}", self.index)], Case::Pascal),
                Language::Go | Language::Rust | Language::Python | Language::C | Language::Ruby => {
                    format!("{v}_{n}_{}", self.index)
                }
                _ => format!("{v}-{n}-{}", self.index),
            }
        };
        let group = format!("{package}{}", self.index % 7);
        self.header(package);
        if self.lang == Language::CSharp {
            let class = stem.clone();
            self.doc(&class);
            self.open(&format!("public static class {class}"));
            self.line("private static readonly Logger Log = Logger.For(typeof(Program));");
            self.line("");
        }
        if self.ruby() {
            let module = ident(&[package], Case::Pascal);
            self.open(&format!("module {module}"));
        }
        if self.lang == Language::Java {
            let class = stem.clone();
            self.doc(&class);
            self.open(&format!("public final class {class}"));
            self.line(&format!(
                "private static final Logger LOG = Logger.getLogger({class}.class.getName());"
            ));
            self.line("");
        }
        while self.lines < target_lines {
            if self.rng.chance(45) {
                self.type_unit();
            } else {
                let exported = self.rng.chance(50);
                self.function(None, exported);
            }
            self.line("");
        }
        match self.lang {
            Language::Java | Language::CSharp | Language::Ruby => self.close(),
            Language::Cpp => {
                let line = format!("}}  // namespace {package}");
                self.line(&line);
            }
            _ => {}
        }
        let path = format!("{}/{group}/{stem}.{}", self.lang.name(), self.ext());
        let mut text = self.out;
        while text.ends_with("\n\n") {
            text.pop();
        }
        SourceFile {
            path,
            language: self.lang,
            text,
        }
    }
}

/// The lines a Kotlin file starts with: its package, imports and logger.
fn kotlin_header(package: &str) -> Vec<String> {
    vec![
        format!("package com.example.{package}"),
        String::new(),
        format!(
            "import com.example.{package}.helpers.{}",
            ident(&[package, "helpers"], Case::Pascal)
        ),
        "import kotlin.math.max".into(),
        "import org.slf4j.LoggerFactory".into(),
        String::new(),
        format!("private val logger = LoggerFactory.getLogger(\"com.example.{package}\")"),
    ]
}

/// The lines a Swift file starts with: its imports, logger and error type.
fn swift_header(package: &str) -> Vec<String> {
    vec![
        "import Foundation".into(),
        "import Logging".into(),
        String::new(),
        format!("private let logger = Logger(label: \"com.example.{package}\")"),
        String::new(),
        "enum ValidationError: Error {".into(),
        "    case invalidInput(String)".into(),
        "}".into(),
    ]
}

/// A Rust function's signature over its receiver and parameters `recv`.
fn rust_signature(name: &str, recv: &str, exported: bool, fallible: bool) -> String {
    let ret = if fallible {
        "Result<i64, String>"
    } else {
        "i64"
    };
    let vis = if exported { "pub " } else { "" };
    format!("{vis}fn {name}({recv}) -> {ret}")
}
