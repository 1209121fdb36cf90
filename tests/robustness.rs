//! Hostile input never panics, never overflows the stack, and one bad file never hides the others.
//! Test threads have small stacks (2 MiB), so a recursive walk would die here first.

use debtgate::analysis::{Analyzer, FileMetrics};
use debtgate::lang::Language;

use crate::util::{json, run_in, tree};

fn analyze(src: &[u8], language: Language) -> FileMetrics {
    Analyzer::new().analyze(src, language)
}

#[test]
fn syntax_errors_become_diagnostics_and_the_rest_is_still_measured() {
    let src = b"fn good(a: i32) -> i32 {\n    if a > 0 { 1 } else { 2 }\n}\n\nfn broken( {\n    let = ;\n}\n\nfn later() {}\n";
    let m = analyze(src, Language::Rust);
    assert!(!m.diagnostics.is_empty(), "a syntax error is reported");
    assert!(m
        .diagnostics
        .iter()
        .all(|d| d.message.starts_with("syntax error")));
    let good = m
        .functions
        .iter()
        .find(|f| f.name == "good")
        .expect("good is measured");
    assert_eq!(good.cyclomatic, 2);

    let py = analyze(
        b"def ok(x):\n    return x and 1\n\ndef bad(:\n    pass\n",
        Language::Python,
    );
    assert!(!py.diagnostics.is_empty());
    assert_eq!(py.functions[0].name, "ok");
    assert_eq!(py.functions[0].cyclomatic, 2);

    // C#: a broken member between two good ones, and a `#if` that cuts an argument list in two
    // (tree-sitter-c-sharp reads directives only between statements and members).
    let cs = analyze(
        b"class K {\n  int Ok(int a) => a > 0 ? 1 : 2;\n  void Bad( {\n  int Later(bool b) { return b && b ? 1 : 0; }\n  void Split() {\n    F(1\n#if X\n    , 2\n#endif\n    );\n  }\n}\n",
        Language::CSharp,
    );
    assert!(!cs.diagnostics.is_empty(), "C# syntax errors are reported");
    // The member before the error keeps its numbers (the class around it may be lost to the
    // grammar's error recovery, and with it the `K.` of its name).
    let ok = cs.functions.iter().find(|f| f.name == "Ok").expect("Ok");
    assert_eq!(ok.cyclomatic, 2);

    let rb = analyze(
        b"def ok(x)\n  x && 1\nend\n\ndef bad(\n  if\nend\nend\n",
        Language::Ruby,
    );
    assert!(
        !rb.diagnostics.is_empty(),
        "Ruby syntax errors are reported"
    );
    let ok = rb.functions.iter().find(|f| f.name == "ok").expect("ok");
    assert_eq!(ok.cyclomatic, 2);

    // PHP: a broken method between two good ones, and markup cut off inside a function.
    let php = analyze(
        b"<?php\nclass K {\n  function ok($a) { return $a && 1; }\n  function bad( {\n  function later($b) { return $b ?? 0; }\n}\nfunction cut() { ?>\n<p>\n",
        Language::Php,
    );
    assert!(
        !php.diagnostics.is_empty(),
        "PHP syntax errors are reported"
    );
    let ok = php.functions.iter().find(|f| f.name == "ok").expect("ok");
    assert_eq!(ok.cyclomatic, 2);

    // Kotlin: a broken function between two good ones.
    let kt = analyze(
        b"fun ok(a: Boolean) = a && true\n\nfun bad( {\n\nfun later(b: Int?) = b ?: 0\n",
        Language::Kotlin,
    );
    assert!(
        !kt.diagnostics.is_empty(),
        "Kotlin syntax errors are reported"
    );
    let ok = kt.functions.iter().find(|f| f.name == "ok").expect("ok");
    assert_eq!(ok.cyclomatic, 2);

    // Swift: a broken function between two good ones. The empty tuple `()`, which
    // tree-sitter-swift reads as a force-unwrap missing its operand, is no error.
    let swift = analyze(
        b"func ok(a: Bool) -> Bool { a && true }\n\nfunc bad( {\n\nfunc later(b: Int?) -> Int { b ?? 0 }\n",
        Language::Swift,
    );
    assert!(
        !swift.diagnostics.is_empty(),
        "Swift syntax errors are reported"
    );
    let ok = swift.functions.iter().find(|f| f.name == "ok").expect("ok");
    assert_eq!(ok.cyclomatic, 2);
    let unit = analyze(
        b"func f(p: P) {\n    p.succeed(())\n    p.succeed(( ))\n    return .success(())\n}\n",
        Language::Swift,
    );
    assert_eq!(unit.diagnostics, [], "the empty tuple is valid Swift");
    assert_eq!(unit.functions.len(), 1);

    // Scala: a broken method between two good ones.
    let scala = analyze(
        b"object K {\n  def ok(a: Boolean) = a && true\n  def bad( = {\n  def later(b: Int) = if (b > 0) 1 else 0\n}\n",
        Language::Scala,
    );
    assert!(
        !scala.diagnostics.is_empty(),
        "Scala syntax errors are reported"
    );
    let ok = scala.functions.iter().find(|f| f.name == "ok").expect("ok");
    assert_eq!(ok.cyclomatic, 2);

    // A component: an error in one script block is reported at the component's own line, the
    // other block is still measured, and the template's `if (` is not code.
    let vue = analyze(
        b"<template>\n  <p>if (</p>\n</template>\n<script>\nfunction ok(a) { return a && 1 }\n</script>\n<script setup>\nconst broken = (\n</script>\n",
        Language::Vue,
    );
    assert_eq!(vue.diagnostics.len(), 1, "{:?}", vue.diagnostics);
    assert!(
        vue.diagnostics[0]
            .line
            .is_some_and(|l| (8..=9).contains(&l)),
        "{:?}",
        vue.diagnostics
    );
    let ok = vue.functions.iter().find(|f| f.name == "ok").expect("ok");
    assert_eq!((ok.start_line, ok.cyclomatic), (5, 2));
    // Unterminated tags and blocks: no panic, the script up to the end is measured.
    for src in [
        &b"<script lang=\"ts\">function f(a: number) { if (a) {} }"[..],
        b"<script",
        b"<script lang=\"ts",
        b"<!-- <script>",
        b"</script><script>",
    ] {
        let m = analyze(src, Language::Svelte);
        assert!(m.score.is_finite());
    }
}

/// 10,000 levels: nested blocks, nested conditions, nested parentheses and nested functions.
#[test]
fn ten_thousand_levels_of_nesting_do_not_overflow_anything() {
    const DEPTH: usize = 10_000;
    let cases: Vec<(Language, String)> = vec![
        (
            Language::Rust,
            format!(
                "fn f(a: bool) {{ {} }}",
                "if a { ".repeat(DEPTH) + &"}".repeat(DEPTH)
            ),
        ),
        (
            Language::C,
            format!(
                "int f(int a) {{ {} return 0; }}",
                "if (a) { ".repeat(DEPTH) + &"}".repeat(DEPTH)
            ),
        ),
        (
            Language::JavaScript,
            format!(
                "const f = {}1{};",
                "() => (".repeat(DEPTH),
                ")".repeat(DEPTH)
            ),
        ),
        (
            Language::Python,
            format!(
                "def f(a):\n    return {}a{}\n",
                "(a and ".repeat(DEPTH),
                ")".repeat(DEPTH)
            ),
        ),
        (
            Language::Go,
            format!(
                "package p\nfunc f(a bool) {{ {} }}",
                "if a { ".repeat(DEPTH) + &"}".repeat(DEPTH)
            ),
        ),
        (
            Language::Java,
            format!(
                "class K {{ int f(int a) {{ return {}a{}; }} }}",
                "(a + ".repeat(DEPTH),
                ")".repeat(DEPTH)
            ),
        ),
        (
            Language::TypeScript,
            format!("let x = {}0{};", "[".repeat(DEPTH), "]".repeat(DEPTH)),
        ),
        (
            Language::Cpp,
            format!("void f() {{ {} }}", "{ ".repeat(DEPTH) + &"}".repeat(DEPTH)),
        ),
        (
            Language::CSharp,
            format!(
                "class K {{ void F(bool a) {{ {} }} }}",
                "if (a) { ".repeat(DEPTH) + &"}".repeat(DEPTH)
            ),
        ),
        (
            // Lambdas in lambdas, and a null-coalescing chain inside: all fold into one method.
            Language::CSharp,
            format!(
                "class L {{ object G(int? a) => {}a ?? 0{}; }}",
                "(Func<object>)(() => ".repeat(DEPTH),
                ")".repeat(DEPTH)
            ),
        ),
        (
            Language::Ruby,
            format!(
                "def f(a)\n{}a\n{}end\n",
                "if a\n".repeat(DEPTH),
                "end\n".repeat(DEPTH)
            ),
        ),
        (
            // Labelled blocks in blocks outside any method: each is an entry of its own.
            Language::Ruby,
            format!("{}{}", "it \"x\" do\n".repeat(DEPTH), "end\n".repeat(DEPTH)),
        ),
        (
            // Unlabelled ones fold into the outermost, each `if` modifier one level deeper.
            Language::Ruby,
            format!(
                "{}{}",
                "x.each do\nx if x\n".repeat(DEPTH),
                "end\n".repeat(DEPTH)
            ),
        ),
        (
            Language::Php,
            format!(
                "<?php function f($a) {{ {} }}",
                "if ($a) { ".repeat(DEPTH) + &"}".repeat(DEPTH)
            ),
        ),
        (
            // Labelled closures in closures outside any function: each is an entry of its own.
            Language::Php,
            format!(
                "<?php {}1{};",
                "it('x', function () { return ".repeat(DEPTH),
                "; });".repeat(DEPTH)
            ),
        ),
        (
            // Arrow functions in arrow functions, in a method: all fold into it.
            Language::Php,
            format!(
                "<?php class K {{ function g($a) {{ return {}$a ?? 0{}; }} }}",
                "fn () => (".repeat(DEPTH),
                ")".repeat(DEPTH)
            ),
        ),
        (
            Language::Kotlin,
            format!(
                "fun f(a: Boolean) {{ {} }}",
                "if (a) { ".repeat(DEPTH) + &"}".repeat(DEPTH)
            ),
        ),
        (
            // Lambdas in lambdas in a function: all fold into it, the elvis its one decision.
            Language::Kotlin,
            format!(
                "fun g(a: Int?) = {}a ?: 0{}",
                "run { ".repeat(DEPTH),
                " }".repeat(DEPTH)
            ),
        ),
        (
            Language::Swift,
            format!(
                "func f(a: Bool) {{ {} }}",
                "if a { ".repeat(DEPTH) + &"}".repeat(DEPTH)
            ),
        ),
        (
            // Labelled closures in closures outside any function: each is an entry of its own.
            Language::Swift,
            format!("{}{}", "it(\"x\") { ".repeat(DEPTH), "}".repeat(DEPTH)),
        ),
        (
            // Closures in closures in a function, and a run of `&&` the grammar nests to the
            // right through comparisons: all fold into it, one boolean sequence.
            Language::Swift,
            format!(
                "func g(a: Int) -> Bool {{ {}{}{} }}",
                "run { ".repeat(DEPTH),
                "a > 0 && ".repeat(DEPTH) + "true",
                " }".repeat(DEPTH)
            ),
        ),
        (
            Language::Scala,
            format!(
                "object K {{ def f(a: Boolean) = {{ {} }} }}",
                "if (a) { ".repeat(DEPTH) + &"}".repeat(DEPTH)
            ),
        ),
        (
            // Lambdas in lambdas in a function: all fold into it, the `&&` its one decision.
            Language::Scala,
            format!(
                "def g(a: Boolean) = {}a && true{}",
                "run { x => ".repeat(DEPTH),
                " }".repeat(DEPTH)
            ),
        ),
        (
            // Labelled blocks in blocks outside any function: each is an entry of its own.
            Language::Scala,
            format!(
                "class S {{ {}1{} }}",
                "test(\"x\") { ".repeat(DEPTH),
                " }".repeat(DEPTH)
            ),
        ),
        (
            Language::Vue,
            format!(
                "<template><p/></template>\n<script>\nfunction f(a) {{ {} }}\n</script>\n",
                "if (a) { ".repeat(DEPTH) + &"}".repeat(DEPTH)
            ),
        ),
    ];
    for (language, src) in cases {
        let m = analyze(src.as_bytes(), language);
        assert!(m.code_lines >= 1, "{language:?} measured something");
        match language {
            Language::Rust | Language::C | Language::Go => {
                let f = &m.functions[0];
                assert_eq!(f.cyclomatic as usize, DEPTH + 1, "{language:?}");
                assert_eq!(f.max_nesting as usize, DEPTH, "{language:?}");
            }
            // One `and` sequence however deep the parentheses: a single fundamental increment.
            Language::Python => {
                assert_eq!(m.functions[0].cyclomatic as usize, DEPTH + 1);
                assert_eq!(m.functions[0].cognitive, 1);
            }
            Language::JavaScript => assert_eq!(m.functions.len(), DEPTH),
            Language::CSharp => {
                let f = &m.functions[0];
                match f.name.as_str() {
                    "F" => {
                        assert_eq!(f.cyclomatic as usize, DEPTH + 1);
                        assert_eq!(f.max_nesting as usize, DEPTH);
                    }
                    // The lambdas fold: one entry, the `??` its one decision.
                    _ => assert_eq!((m.functions.len(), f.cyclomatic), (1, 2)),
                }
            }
            Language::Ruby => match m.functions[0].name.as_str() {
                "f" => {
                    assert_eq!(m.functions[0].cyclomatic as usize, DEPTH + 1);
                    assert_eq!(m.functions[0].max_nesting as usize, DEPTH);
                }
                "x.each callback" => {
                    assert_eq!(m.functions.len(), 1);
                    assert_eq!(m.functions[0].cyclomatic as usize, DEPTH + 1);
                }
                _ => assert_eq!(m.functions.len(), DEPTH, "one entry per block"),
            },
            Language::Kotlin => {
                let f = &m.functions[0];
                match f.name.as_str() {
                    "f" => {
                        assert_eq!(f.cyclomatic as usize, DEPTH + 1);
                        assert_eq!(f.max_nesting as usize, DEPTH);
                    }
                    _ => assert_eq!((m.functions.len(), f.cyclomatic), (1, 2)),
                }
            }
            Language::Swift => {
                let f = &m.functions[0];
                match f.name.as_str() {
                    "f" => {
                        assert_eq!(f.cyclomatic as usize, DEPTH + 1);
                        assert_eq!(f.max_nesting as usize, DEPTH);
                    }
                    "g" => {
                        assert_eq!((m.functions.len(), f.cyclomatic as usize), (1, DEPTH + 1));
                        // Nesting DEPTH (the closures) + 0 for the run itself: one increment.
                        assert_eq!(f.cognitive, 1);
                    }
                    _ => assert_eq!(m.functions.len(), DEPTH, "one entry per closure"),
                }
            }
            Language::Scala => {
                let f = &m.functions[0];
                match f.name.as_str() {
                    "f" => {
                        assert_eq!(f.cyclomatic as usize, DEPTH + 1);
                        assert_eq!(f.max_nesting as usize, DEPTH);
                    }
                    "g" => assert_eq!((m.functions.len(), f.cyclomatic), (1, 2)),
                    _ => assert_eq!(m.functions.len(), DEPTH, "one entry per block"),
                }
            }
            Language::Vue => {
                let f = &m.functions[0];
                assert_eq!((f.start_line, f.cyclomatic as usize), (3, DEPTH + 1));
                assert_eq!(f.max_nesting as usize, DEPTH);
            }
            Language::Php => match m.functions[0].name.as_str() {
                "f" => {
                    assert_eq!(m.functions[0].cyclomatic as usize, DEPTH + 1);
                    assert_eq!(m.functions[0].max_nesting as usize, DEPTH);
                }
                // The arrow functions fold: one entry, the `??` its one decision.
                "g" => assert_eq!((m.functions.len(), m.functions[0].cyclomatic), (1, 2)),
                _ => assert_eq!(m.functions.len(), DEPTH, "one entry per closure"),
            },
            _ => {}
        }
    }
}

#[test]
fn a_minified_one_line_file_is_measured() {
    let body: String = (0..20_000)
        .map(|i| format!("function f{i}(a){{return a&&{i}||a?1:0}}"))
        .collect();
    let m = analyze(body.as_bytes(), Language::JavaScript);
    assert_eq!(m.functions.len(), 20_000);
    assert_eq!(m.code_lines, 1);
    assert!(m
        .functions
        .iter()
        .all(|f| f.cyclomatic == 4 && f.start_line == 1));
}

#[test]
fn invalid_utf8_nul_bytes_bom_crlf_and_empty_files_are_handled() {
    for language in Language::ALL {
        // Invalid UTF-8 in an identifier position, a string and a comment.
        let garbage = b"\xff\xfe fn \xc3( \"\xff\" // TODO \xff\n\x00\x00 if ( {{ \x80\x81";
        let m = analyze(garbage, language);
        assert!(m.score.is_finite(), "{language:?}");

        let empty = analyze(b"", language);
        assert_eq!(empty.code_lines, 0, "{language:?}");
        assert!(empty.functions.is_empty(), "{language:?}");
    }

    // BOM + CRLF: line numbers and marker text are those of the text, without `\r`.
    let src = b"\xEF\xBB\xBFdef f(x):\r\n    # TODO: CRLF\r\n    if x:\r\n        return 1\r\n    return 2\r\n";
    let m = analyze(src, Language::Python);
    assert_eq!(m.functions[0].start_line, 1);
    assert_eq!(m.functions[0].end_line, 5);
    assert_eq!(m.functions[0].cyclomatic, 2);
    assert_eq!(m.satd[0].line, 2);
    assert_eq!(m.satd[0].text, "TODO: CRLF");
    assert_eq!(m.code_lines, 4);

    // Names with invalid UTF-8 still print (lossily).
    let m = analyze(b"void f\xffg(void) { }\n", Language::C);
    assert!(m.functions.iter().all(|f| !f.name.is_empty()));
}

#[test]
fn huge_and_binary_files_are_listed_as_skipped_and_the_rest_is_measured() {
    let dir = tree(&[("ok.rs", b"fn ok() {}\n"), ("blob.c", crate::util::BINARY)]);
    // 50 MB, written sparse: the size check must come before reading.
    let huge = std::fs::File::create(dir.path().join("huge.js")).expect("create huge.js");
    huge.set_len(50 * 1024 * 1024).expect("size huge.js");

    let out = run_in(dir.path(), &["analyze", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let report = json(&out);
    assert_eq!(report["files"][0]["path"], "ok.rs");
    let skipped = report["not_analysed"].as_array().expect("an array");
    assert_eq!(skipped.len(), 2);
    assert_eq!(skipped[0]["path"], "blob.c");
    assert!(skipped[0]["reason"]
        .as_str()
        .expect("reason")
        .starts_with("binary"));
    assert_eq!(skipped[1]["path"], "huge.js");
    assert!(skipped[1]["reason"]
        .as_str()
        .expect("reason")
        .starts_with("too large"));
}

/// tree-sitter-c reads a long run of declarations behind unknown macros (`API int (*f)(…) ATTR;`,
/// as redis's `redismodule.h` has 700 of) followed by a function as one function definition
/// spanning them all, the run as its declarator and an error node. The function is the one the
/// error ends with: its name, its parameters and its first line, not the run's.
#[test]
fn a_run_of_macro_declarations_is_not_the_function_after_it() {
    let params: Vec<String> = (0..8).map(|k| format!("PluginThing *arg{k}")).collect();
    let mut src: String = (0..30)
        .map(|i| {
            format!(
                "PLUGIN_API int (*Plugin_Call{i})({}) PLUGIN_ATTR;\n",
                params.join(", ")
            )
        })
        .collect();
    src.push_str("\nstatic int Plugin_Init(PluginCtx *ctx, const char *name, int ver) {\n");
    src.push_str("    if (ver > 1 && name) return 1;\n    return 0;\n}\n");
    let m = analyze(src.as_bytes(), Language::C);
    assert_eq!(m.functions.len(), 1, "{:?}", m.functions);
    let f = &m.functions[0];
    assert_eq!(f.name, "Plugin_Init");
    assert_eq!((f.start_line, f.end_line, f.length), (32, 35, 4));
    assert_eq!((f.params, f.cyclomatic), (3, 3));
}
