//! The Scala part of the generated corpus: what differs from the C-like syntax the generator
//! shares — braces throughout, top-level `def`s and `val`s as Scala 3 allows them: `def … = {`,
//! `for (i <- 0 until n)`, `do … while`, `match` with `case … =>`, `catch { case e: … => }`,
//! `xs.foreach { item =>`, `{ case … }` literals, `s"…$x"` strings, classes with a companion
//! `object`. No `break` / `continue` (Scala has neither).

use super::{ident, Case, FileGen};

impl FileGen {
    /// `logger.debug(s"…: $x")`: Kotlin's string templates with the `s` interpolator.
    pub(super) fn scala_string(&mut self, text: &str, value: &str) -> String {
        self.kotlin_string(text, value).replacen("(\"", "(s\"", 1)
    }

    /// The header of a `for` over a range: `0 until n`, `1 to n`, `by 2`, at times a guard.
    pub(super) fn scala_range(&mut self, var: &str, bound: &str) -> String {
        match self.rng.below(10) {
            0..=4 => format!("for ({var} <- 0 until {bound})"),
            5 | 6 => format!("for ({var} <- 1 to {bound})"),
            7 => format!("for ({var} <- {bound} to 0 by -1)"),
            8 => format!("for ({var} <- 0 until {bound} by 2)"),
            _ => format!("for ({var} <- 0 until {bound} if {var} % 2 == 0)"),
        }
    }

    /// `(x % 4) match {` with a `case` per value, an alternative (`case 1 | 11 =>`) at times and
    /// a guard, and `case _ =>`; or a `match` that yields a value.
    pub(super) fn scala_match(&mut self, subject: &str, cases: usize, depth: u32) {
        if self.rng.chance(35) {
            return self.scala_match_value(subject, cases);
        }
        self.open(&format!("({subject}) match"));
        for c in 0..cases {
            let pattern = match self.rng.below(10) {
                0 | 1 if c + 1 == cases => format!("{c} | {}", c + 10),
                2 if c > 0 => format!("n if n > {c} && n < {}", c + 3),
                _ => c.to_string(),
            };
            self.line(&format!("case {pattern} =>"));
            self.indent += 1;
            self.nested(depth);
            self.indent -= 1;
        }
        self.line("case _ =>");
        self.indent += 1;
        self.nested(depth);
        self.indent -= 1;
        self.close();
    }

    /// `val x = (…) match { case 0 => …; case _ => … }`: cases are expressions, nothing nests.
    fn scala_match_value(&mut self, subject: &str, cases: usize) {
        let name = self.fresh_local();
        self.open(&format!("val {name} = ({subject}) match"));
        for c in 0..cases {
            let value = self.arith();
            self.line(&format!("case {c} => {value}"));
        }
        let fallback = self.operand();
        self.line(&format!("case _ => {fallback}"));
        self.close();
        self.vars.push((name, false));
    }

    /// `try { … } catch { case e: … => … } finally { … }`.
    pub(super) fn scala_try(&mut self, load: &str, arg: &str, depth: u32) {
        self.open("try");
        let call = self.receiver_call(load, arg);
        self.stmt(&call);
        self.nested(depth);
        self.reopen("catch");
        let clauses = if self.rng.chance(20) { 2 } else { 1 };
        for exception in ["IllegalArgumentException", "IllegalStateException"]
            .iter()
            .take(clauses)
        {
            self.line(&format!("case e: {exception} =>"));
            self.indent += 1;
            self.nested(depth);
            self.indent -= 1;
        }
        if self.rng.chance(20) {
            self.reopen("finally");
            self.comment();
            let release = self.receiver_call("release", "");
            self.stmt(&release);
        }
        self.close();
    }

    /// `private def name(a: Int, b: Int = 1): Int =` (the body's `{` follows).
    pub(super) fn scala_signature(&mut self, name: &str, method: bool, plist: &str) -> String {
        let vis = if method {
            self.rng.pick(&["", "", "private ", "protected "])
        } else {
            ""
        };
        format!("{vis}def {name}({plist}): Int =")
    }

    pub(super) fn type_scala(&mut self, ty: &str, fields: &[String], methods: usize) {
        self.doc(ty);
        let kind = self.rng.pick(&["class", "class", "final class"]);
        let first = &fields[0];
        self.open(&format!(
            "{kind} {ty}(private val {first}: Int, name: String = \"\")"
        ));
        for f in &fields[1..] {
            self.line(&format!("private var {f}: Int = 0"));
        }
        self.line("private val items = scala.collection.mutable.ArrayBuffer[Int]()");
        if self.rng.chance(50) {
            self.line("");
            self.line("def isEmpty: Boolean = items.isEmpty");
        }
        for _ in 0..methods {
            self.line("");
            self.function(Some(ty), true);
        }
        self.close();
        if self.rng.chance(30) {
            self.line("");
            self.open(&format!("object {ty}"));
            self.line("private val DefaultLimit = 16");
            self.line("");
            self.line(&format!(
                "def withDefaults(): {ty} = new {ty}(DefaultLimit)"
            ));
            self.close();
        }
    }
}

/// The lines a Scala file starts with: its package, imports and logger.
pub(super) fn scala_header(package: &str) -> Vec<String> {
    vec![
        format!("package com.example.{package}"),
        String::new(),
        format!(
            "import com.example.{package}.helpers.{}",
            ident(&[package, "helpers"], Case::Pascal)
        ),
        "import scala.math.max".into(),
        "import org.slf4j.LoggerFactory".into(),
        String::new(),
        format!("private val logger = LoggerFactory.getLogger(\"com.example.{package}\")"),
    ]
}
