//! The language catalogue: which files are which language, their tree-sitter grammar, and how
//! each grammar's node kinds map onto the constructs the metrics count.
//!
//! `analysis` asks a [`Spec`] what a node *is* (a function, a branch, a loop, …) and never looks at
//! node kinds itself, so adding a language means adding one file here and one line in
//! [`Language::ALL`].

use tree_sitter::Node;

pub use component::{scripts, Scripts};
pub use detect::{by_first_line, depends_on_content, detect, from_shebang, may_be_source};
pub use ids::{lookup, Common, Field, Kinds, Vocabulary};

/// Why a file is not measured when no supported language reads it, as every report says it.
pub const UNSUPPORTED: &str = "unsupported language";

mod c;
mod component;
mod cpp;
mod csharp;
mod detect;
mod go;
mod ids;
mod java;
mod javascript;
mod kotlin;
mod php;
mod python;
mod ruby;
mod rust;
mod scala;
mod swift;
mod typescript;

/// A language debtgate measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    Rust,
    Python,
    JavaScript,
    TypeScript,
    Tsx,
    Go,
    Java,
    C,
    Cpp,
    CSharp,
    Ruby,
    Php,
    Kotlin,
    Swift,
    Scala,
    /// A Vue single-file component: its `<script>` blocks, as JavaScript or TypeScript.
    Vue,
    /// A Svelte component: its `<script>` blocks, as JavaScript or TypeScript.
    Svelte,
}

impl Language {
    /// Every language, in the order reports list them.
    pub const ALL: [Language; 17] = [
        Language::Rust,
        Language::Python,
        Language::JavaScript,
        Language::TypeScript,
        Language::Tsx,
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
        Language::Vue,
        Language::Svelte,
    ];

    /// The name used in reports and configuration.
    pub fn name(self) -> &'static str {
        match self {
            Language::Rust => "rust",
            Language::Python => "python",
            Language::JavaScript => "javascript",
            Language::TypeScript => "typescript",
            Language::Tsx => "tsx",
            Language::Go => "go",
            Language::Java => "java",
            Language::C => "c",
            Language::Cpp => "cpp",
            Language::CSharp => "csharp",
            Language::Ruby => "ruby",
            Language::Php => "php",
            Language::Vue => "vue",
            Language::Svelte => "svelte",
            Language::Kotlin => "kotlin",
            Language::Swift => "swift",
            Language::Scala => "scala",
        }
    }

    /// The tree-sitter grammar.
    pub fn grammar(self) -> tree_sitter::Language {
        match self {
            Language::Rust => tree_sitter_rust::LANGUAGE.into(),
            Language::Python => tree_sitter_python::LANGUAGE.into(),
            Language::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Language::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Language::Go => tree_sitter_go::LANGUAGE.into(),
            Language::Java => tree_sitter_java::LANGUAGE.into(),
            Language::C => tree_sitter_c::LANGUAGE.into(),
            Language::Cpp => tree_sitter_cpp::LANGUAGE.into(),
            Language::CSharp => tree_sitter_c_sharp::LANGUAGE.into(),
            Language::Ruby => tree_sitter_ruby::LANGUAGE.into(),
            Language::Php => tree_sitter_php::LANGUAGE_PHP.into(),
            // A component's scripts are read with their own language's grammar
            // (`component::scripts`); this is the one of a `<script>` without `lang`.
            Language::Vue | Language::Svelte => tree_sitter_javascript::LANGUAGE.into(),
            Language::Kotlin => tree_sitter_kotlin_ng::LANGUAGE.into(),
            Language::Swift => tree_sitter_swift::LANGUAGE.into(),
            Language::Scala => tree_sitter_scala::LANGUAGE.into(),
        }
    }

    /// A grammar to read a file with when this language's own grammar finds errors in it; it is
    /// used only if it reads the file without any. tree-sitter-javascript rejects JSX attributes
    /// named with a reserved word (`<div class={c}>` in Preact, `<Fade in={open}>` in MUI:
    /// tree-sitter-javascript issue #387), which the TSX grammar, a superset of JavaScript with
    /// JSX, accepts; its node kinds are the ones `javascript.rs` maps.
    pub fn fallback_grammar(self) -> Option<Language> {
        match self {
            Language::JavaScript => Some(Language::Tsx),
            _ => None,
        }
    }

    /// Whether files of this language are components whose `<script>` blocks are what is
    /// measured (`component::scripts`), each read as the JavaScript or TypeScript it is.
    pub fn is_component(self) -> bool {
        matches!(self, Language::Vue | Language::Svelte)
    }

    /// How this language's node kinds map onto constructs, over its own grammar's trees.
    pub fn spec(self) -> &'static dyn Spec {
        self.spec_over(self)
    }

    /// This language's rules over trees of `grammar`: its own, or its
    /// [fallback grammar](Language::fallback_grammar). Each pair resolves its kind and field ids
    /// once, on first use, for the whole process.
    pub fn spec_over(self, grammar: Language) -> &'static dyn Spec {
        use std::sync::LazyLock;
        static RUST: LazyLock<rust::Rust> = LazyLock::new(|| rust::Rust::new(Language::Rust));
        static PYTHON: LazyLock<python::Python> =
            LazyLock::new(|| python::Python::new(Language::Python));
        static JAVASCRIPT: LazyLock<javascript::JavaScript> =
            LazyLock::new(|| javascript::JavaScript::new(Language::JavaScript));
        static JAVASCRIPT_AS_TSX: LazyLock<javascript::JavaScript> =
            LazyLock::new(|| javascript::JavaScript::new(Language::Tsx));
        static TYPESCRIPT: LazyLock<typescript::TypeScript> =
            LazyLock::new(|| typescript::TypeScript::new(Language::TypeScript));
        static TSX: LazyLock<typescript::TypeScript> =
            LazyLock::new(|| typescript::TypeScript::new(Language::Tsx));
        static GO: LazyLock<go::Go> = LazyLock::new(|| go::Go::new(Language::Go));
        static JAVA: LazyLock<java::Java> = LazyLock::new(|| java::Java::new(Language::Java));
        static C: LazyLock<c::C> = LazyLock::new(|| c::C::new(Language::C));
        static CPP: LazyLock<cpp::Cpp> = LazyLock::new(|| cpp::Cpp::new(Language::Cpp));
        static CSHARP: LazyLock<csharp::CSharp> =
            LazyLock::new(|| csharp::CSharp::new(Language::CSharp));
        static RUBY: LazyLock<ruby::Ruby> = LazyLock::new(|| ruby::Ruby::new(Language::Ruby));
        static PHP: LazyLock<php::Php> = LazyLock::new(|| php::Php::new(Language::Php));
        static KOTLIN: LazyLock<kotlin::Kotlin> =
            LazyLock::new(|| kotlin::Kotlin::new(Language::Kotlin));
        static SWIFT: LazyLock<swift::Swift> = LazyLock::new(|| swift::Swift::new(Language::Swift));
        static SCALA: LazyLock<scala::Scala> = LazyLock::new(|| scala::Scala::new(Language::Scala));
        match (self, grammar) {
            (Language::Rust, _) => &*RUST,
            (Language::Python, _) => &*PYTHON,
            (Language::JavaScript, Language::Tsx) => &*JAVASCRIPT_AS_TSX,
            (Language::JavaScript, _) => &*JAVASCRIPT,
            (Language::TypeScript, _) => &*TYPESCRIPT,
            (Language::Tsx, _) => &*TSX,
            (Language::Go, _) => &*GO,
            (Language::Java, _) => &*JAVA,
            (Language::C, _) => &*C,
            (Language::Cpp, _) => &*CPP,
            (Language::CSharp, _) => &*CSHARP,
            (Language::Ruby, _) => &*RUBY,
            (Language::Php, _) => &*PHP,
            // A component is measured by its scripts' own rules (`Analyzer::read`).
            (Language::Vue | Language::Svelte, _) => &*JAVASCRIPT,
            (Language::Kotlin, _) => &*KOTLIN,
            (Language::Swift, _) => &*SWIFT,
            (Language::Scala, _) => &*SCALA,
        }
    }
}

/// What a node means to the metrics. See `docs/metrics.md` for the definitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Construct {
    /// Counts for nothing by itself.
    None,
    /// `if` (also the `if` of an `else if`, which the engine recognises by position).
    If,
    /// A separate `elif` clause (Python).
    ElseIf,
    /// A loop with a condition or iterator: `for`, `while`, `do…while`.
    Loop,
    /// A loop without a condition (Rust `loop`): nests, but is no decision.
    UnconditionalLoop,
    /// `switch` / Python `match`: nests; its cases are the decisions.
    Switch,
    /// A Rust `match` with this many arms: arms − 1 decisions.
    Match(u32),
    /// A `case` label other than `default`.
    Case,
    /// `catch` / `except`.
    Catch,
    /// A conditional expression: `c ? a : b`, `a if c else b`.
    Ternary,
    /// A short-circuit binary operator (`&&`, `||`, `and`, `or`, `??`), with its operator.
    Logical(&'static str),
    /// A decision that is not a nesting structure: match guard, Rust `?`, the first `for` of a
    /// comprehension, default parameter value, logical assignment, `let … else`.
    Decision,
    /// A filter: a decision that is also a fundamental cognitive increment (+1, never more for
    /// nesting), such as the `if` of a Python comprehension.
    Filter,
    /// A jump that breaks linear flow: `goto`, `break`/`continue` to a label.
    Jump,
    /// A closure or lambda that folds into its enclosing function (one nesting level deeper).
    Lambda,
    /// A call, by callee name (recursion detection).
    Call,
}

/// A part of a control structure, for grammars that name it by no field (Kotlin's
/// `if_expression` holds its branches as plain children): see [`Spec::part`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The branch an `if` takes when its condition holds.
    Consequence,
    /// What follows its `else`.
    Alternative,
    /// A loop's body.
    Body,
}

/// A function entry found in the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionDecl {
    pub name: String,
    /// A qualifier the declaration itself names (Go receiver type, C++ `K::` prefix).
    pub qualifier: Option<String>,
    /// What joins the enclosing scopes to this function's name when it is not the language's
    /// [separator](Spec::separator): Ruby writes `Module::Class#method` for an instance method and
    /// `Module::Class.method` for a singleton one. `None`: the separator.
    pub joint: Option<&'static str>,
    /// Declared parameters, receivers (`self`, `this`, `cls`) not counted.
    pub params: u32,
    /// 0-based row where the function starts (its signature, not decorators or attributes).
    pub start_row: usize,
}

/// What a node opens, as [`Spec::entry`] tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Function(FunctionDecl),
    /// A named scope and its name.
    Scope(String),
}

/// How one grammar's node kinds map onto the metrics' vocabulary.
///
/// A spec is built once per grammar (see [`Language::spec_over`]): it resolves the kind ids and
/// field ids it reads into [`Kinds`] tables and [`Field`]s, and its methods, called for every
/// node of every tree, dispatch on those ids (see `ids.rs`).
pub trait Spec: Sync {
    /// The kinds and fields of this grammar that the walk itself reads.
    fn common(&self) -> &Common;

    /// Separator between scope names in qualified names.
    fn separator(&self) -> &'static str {
        "."
    }

    /// If `node`, of kind id `kind`, is a function entry (it has a body), describe it.
    /// `ancestors` are the node's ancestors, root first, parent last: the walk keeps them because
    /// `Node::parent` walks down from the root each time, which is quadratic on deeply nested
    /// code. The walk passes the kind it has already read (`node.kind_id()` crosses into C).
    fn function(
        &self,
        node: Node,
        kind: u16,
        ancestors: &[Node],
        src: &[u8],
    ) -> Option<FunctionDecl>;

    /// If `node` (of kind `kind`) opens a named scope (class, impl, namespace…), its name.
    fn scope(&self, node: Node, kind: u16, src: &[u8]) -> Option<String>;

    /// What `node` opens: a function entry, else a named scope, else nothing. The walk asks this
    /// of every node: one dynamic call, in which `function` and `scope` are static ones.
    fn entry(&self, node: Node, kind: u16, ancestors: &[Node], src: &[u8]) -> Option<Entry> {
        match self.function(node, kind, ancestors, src) {
            Some(decl) => Some(Entry::Function(decl)),
            None => self.scope(node, kind, src).map(Entry::Scope),
        }
    }

    /// What `node` (of kind `kind`) counts as; `ancestors` as for [`Spec::function`].
    fn construct(&self, node: Node, kind: u16, ancestors: &[Node], src: &[u8]) -> Construct;

    /// Which part of its parent structure a child without a field is, in a grammar that names
    /// the parts by no field: `parent` is the structure's kind id, `previous` the kind of the
    /// child before this one (`None` for the first), `kind` this child's and `named` whether it
    /// is a named node. Asked only for children of control structures.
    fn part(&self, _parent: u16, _previous: Option<u16>, _kind: u16, _named: bool) -> Option<Part> {
        None
    }

    /// Whether a MISSING node (`node`, under `ancestors`) is this grammar's known misreading of
    /// valid code rather than a syntax error (tree-sitter-swift's empty tuple): asked only of
    /// missing nodes, in trees with errors.
    fn recovers(&self, _node: Node, _ancestors: &[Node], _src: &[u8]) -> bool {
        false
    }

    /// The callee name of a call node, for recursion detection.
    fn callee<'s>(&self, _node: Node, _src: &'s [u8]) -> Option<&'s str> {
        None
    }
}

/// The text of a node, lossily decoded (names in files with invalid UTF-8 still print).
pub(crate) fn text(node: Node, src: &[u8]) -> String {
    String::from_utf8_lossy(&src[node.byte_range()]).into_owned()
}

/// The text of a node without copying it when it is valid UTF-8 (names read only a prefix).
pub(crate) fn source<'s>(node: Node, src: &'s [u8]) -> std::borrow::Cow<'s, str> {
    String::from_utf8_lossy(&src[node.byte_range()])
}

/// The text of a node's field child.
pub(crate) fn field_text(node: Node, field: Field, src: &[u8]) -> Option<String> {
    field.child(node).map(|n| text(n, src))
}

/// The name of a function literal that has no name of its own and is passed to a call (a JS
/// arrow in `describe("parse", () => …)`, a Ruby block, a Kotlin or Swift trailing lambda):
/// `describe("parse") callback`, or `items.map callback` when the call's first argument is not a
/// string literal. `callee` is the called expression as written and `first_string` the contents
/// of the first argument's string literal (without quotes). Both are cut to a readable length and
/// whitespace runs become one space, so the name (and so the finding's fingerprint, which is made
/// of the qualified name and its occurrence) depends on what the call says, never on where it is.
pub(crate) fn callback_name(callee: &str, first_string: Option<&str>) -> String {
    let callee = squeeze(callee, 60);
    match first_string {
        Some(s) => format!("{callee}({:?}) callback", squeeze(s, 60)),
        None => format!("{callee} callback"),
    }
}

/// `s` with whitespace runs as single spaces, cut to `max` characters (then ending in `…`). It
/// reads only as far as the cut: a callee can be a long chain of calls holding whole callbacks
/// (`p.then(…).then(…).catch`), and every literal in the chain asks for its name.
pub(crate) fn squeeze(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(4 * max));
    let mut chars = 0;
    for (i, word) in s.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
            chars += 1;
        }
        for c in word.chars() {
            if chars == max {
                out.push('…');
                return out;
            }
            out.push(c);
            chars += 1;
        }
    }
    out
}

/// What an ancestor is to a function literal (a block, closure or lambda) asking whether it
/// folds into the entry it is written in: see [`literal_folds`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Enclosing {
    /// A function-like entry: a literal inside it folds.
    Function,
    /// A class-like scope: nothing above it encloses the literal.
    Boundary,
    /// Another function literal.
    Literal,
    Other,
}

/// Whether a function literal folds into the entry it is written in, by the rule Ruby, PHP and
/// Kotlin share. Inside a function (an [`Enclosing::Function`] among its `ancestors` before any
/// [`Enclosing::Boundary`]) it always does, as lizard folds it. Outside any, at file or class
/// level, it is an entry: nothing else would count its decisions. Inside another literal that is
/// such an entry (a spec's `describe`), it is an entry again when its call labels it
/// (`it "works" do`, `it('works', fn () => …)`, `unlabelled` false), and folds otherwise (an
/// iteration inside a test). Looks at most `reach` ancestors up, so literals nested thousands deep
/// cost linear time, not quadratic.
pub(crate) fn literal_folds(
    ancestors: &[Node],
    reach: usize,
    of: impl Fn(Node) -> Enclosing,
    unlabelled: impl FnOnce() -> bool,
) -> bool {
    literal_folds_by_parent(ancestors, reach, |a, _| of(a), unlabelled)
}

/// [`literal_folds`] for a grammar where what an ancestor is depends on its parent too: a Scala
/// `{ … }` is a function literal as a call's argument (`test("x") { … }`) and a plain block
/// elsewhere. `of` gets each ancestor and the one above it (`None` for the root).
pub(crate) fn literal_folds_by_parent(
    ancestors: &[Node],
    reach: usize,
    of: impl Fn(Node, Option<Node>) -> Enclosing,
    unlabelled: impl FnOnce() -> bool,
) -> bool {
    let mut in_literal = false;
    for i in (0..ancestors.len()).rev().take(reach) {
        let parent = i.checked_sub(1).map(|p| ancestors[p]);
        match of(ancestors[i], parent) {
            Enclosing::Function => return true,
            Enclosing::Boundary => break,
            Enclosing::Literal => in_literal = true,
            Enclosing::Other => {}
        }
    }
    in_literal && unlabelled()
}

/// The named children of a node, comments excluded.
pub(crate) fn named_children<'t, 'c>(
    common: &'c Common,
    node: Node<'t>,
) -> impl Iterator<Item = Node<'t>> + 'c
where
    't: 'c,
{
    (0..node.named_child_count())
        .filter_map(move |i| node.named_child(i as u32))
        .filter(|n| !common.is_comment(n.kind_id()))
}

/// The first named (non-comment) child.
pub(crate) fn first_named<'t>(common: &Common, node: Node<'t>) -> Option<Node<'t>> {
    named_children(common, node).next()
}

/// By operator kind: the short-circuit operator it is (as the metrics name it), if any.
pub(crate) type Operators = Kinds<Option<&'static str>>;

/// A table of the operator tokens `ops` names, each `(token, as counted)`.
pub(crate) fn operators(
    grammar: &tree_sitter::Language,
    ops: &[(&str, &'static str)],
) -> Operators {
    Kinds::new(grammar, None, |name| {
        ops.iter()
            .find(|(o, _)| *o == name)
            .map(|(_, as_counted)| Some(*as_counted))
    })
}

/// A binary expression's short-circuit operator, when its `operator` field is one of `ops`.
pub(crate) fn logical_operator(
    common: &Common,
    node: Node,
    ops: &Operators,
) -> Option<&'static str> {
    ops.of(common.operator.child(node)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callbacks_are_named_by_their_call_and_first_string() {
        assert_eq!(
            callback_name("describe", Some("compiler: parse")),
            r#"describe("compiler: parse") callback"#
        );
        assert_eq!(
            callback_name("items\n    .map", None),
            "items .map callback"
        );
        assert_eq!(
            callback_name("it", Some("says \"hi\"")),
            r#"it("says \"hi\"") callback"#
        );
        let long = "é".repeat(100);
        let name = callback_name("it", Some(&long));
        assert_eq!(name, format!("it(\"{}…\") callback", "é".repeat(60)));
    }

    /// An ABI mismatch between a grammar and the tree-sitter runtime only shows at run time.
    #[test]
    fn every_grammar_loads() {
        for lang in Language::ALL {
            let mut parser = tree_sitter::Parser::new();
            parser
                .set_language(&lang.grammar())
                .unwrap_or_else(|e| panic!("{} grammar does not load: {e}", lang.name()));
        }
    }
}
