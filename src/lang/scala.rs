//! Scala (2 and 3): every `def` with a body is an entry — members of classes, objects, traits
//! and enums, top-level and local ones, and secondary constructors (`def this(…)`) — named as
//! Scala developers write them: `Account.deposit`, `Account.apply` in a companion
//! `object Account`, `Shape.area`, `Outer.Inner.m`, `outer.local` for a local `def`. The methods
//! of an `extension` are named by its receiver type (`extension (s: String) def words` is
//! `String.words`, as Kotlin's extension functions are); those of a `given … with` by the given's
//! name, or by its type when it has none (`given Ordering[Int] with def compare` is
//! `Ordering[Int].compare`). Abstract `def`s have no body and are no entries.
//!
//! Function literals — `x => …`, a pattern-matching anonymous function `{ case … }`, and a
//! `{ … }` block passed to a call (`test("parser") { … }`, `"parses" in { … }`, a by-name
//! argument) — fold into the function they are written in. Outside any function — a test suite's
//! body, a `val handler = (x: Int) => …` member — they are entries of their own, named after the
//! `val` or `given` they initialise (`handler`) or by their call and its first string argument
//! (`test("parser") callback`, `describe("x") callback`, and for an infix call
//! `"parser" should "parse" in { … }` the operator and the words before it:
//! `in("parser should parse") callback`); inside such an entry, a literal whose call is labelled
//! by a string is an entry again (`it("y") { … }`), one without folds into it
//! (`Scala::folds`). A folded `x => …` or `{ case … }` nests what it holds one level deeper for
//! cognitive complexity; a folded by-name block (`synchronized { … }`, `Future { … }`) reads as
//! a plain block and does not.
//!
//! Decisions, as lizard counts them: `if` (and `else if`), `for` (once, however many
//! generators), `while`, `do … while`, `catch`, every `case` of a `match`, of a `catch` and of a
//! `{ case … }` literal (the wildcard `case _` too), each guard (`case x if …`, a `for`'s `if`),
//! `&&` and `||`. Cognitive complexity follows the SonarSource paper: a `match` is a switch (+1
//! and nesting, its cases nothing), a `for` guard a filter (+1), a match guard nothing. On
//! purpose unlike lizard, which reads tokens: its function ends at the first line break after
//! the `=` of a `def` unless a `{` comes first, so a body written on the lines after `=` (the
//! usual Scala 3 style, and `def f(x: A) =` followed by a `match` in any version) is one line
//! long to lizard, with decisions only from that line, the rest counted to the code around it;
//! after a `= { … }` body it still counts the first token of the next line (a `case`, an `if`)
//! to the function; it takes every `?` for a conditional (`???` counts 3, a wildcard type
//! `List[?]` 1), the name of a `def &&` or `def ||` for a decision, the `do` of `do … while`
//! and of Scala 3's `while … do` and `for … do` for a second decision, and the `case` of a
//! `case class` defined in a function for a branch; it misses the decisions of an interpolated
//! `${…}`; a `def` without parentheses (`def size: Int = …`) is no function to it, and inside
//! a function one takes the rest of that function; an abstract `def` gets the next
//! definition's body. debtgate counts each loop once and a body as far as it goes
//! (docs/metrics.md has the numbers on cats and sbt).
//!
//! Parameters are those of every parameter clause but the contextual ones (`using`,
//! `implicit`), which the compiler, not the caller, supplies.

use tree_sitter::Node;

use super::{
    callback_name, literal_folds_by_parent, lookup, named_children, source, squeeze, text, Common,
    Construct, Enclosing, Field, FunctionDecl, Kinds, Language, Spec, Vocabulary,
};

/// The node kinds this file tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum K {
    Other,
    Function,
    Lambda,
    /// `{ case … }`: a `match`'s or `catch`'s cases, elsewhere a pattern-matching anonymous
    /// function.
    CaseBlock,
    Block,
    /// `class`, `object`, `trait`, `enum`, `package object`: named scopes.
    Scope,
    Given,
    Extension,
    /// The body of a class-like definition: nothing above it encloses a function literal.
    Template,
    /// A `given … with` body.
    WithTemplate,
    /// `val` and `var`.
    Val,
    If,
    Loop,
    Match,
    Case,
    Guard,
    Enumerator,
    Catch,
    Infix,
    Call,
    Arguments,
    StringLiteral,
    Identifier,
    Parameters,
    Parameter,
    Bindings,
    Binding,
    /// The tokens that open a contextual parameter clause.
    Contextual,
    /// The `case` keyword.
    CaseKeyword,
}

const NAMED: &[(&str, K)] = &[
    ("function_definition", K::Function),
    ("lambda_expression", K::Lambda),
    ("case_block", K::CaseBlock),
    ("block", K::Block),
    ("class_definition", K::Scope),
    ("object_definition", K::Scope),
    ("trait_definition", K::Scope),
    ("enum_definition", K::Scope),
    ("package_object", K::Scope),
    ("given_definition", K::Given),
    ("extension_definition", K::Extension),
    ("template_body", K::Template),
    ("enum_body", K::Template),
    ("with_template_body", K::WithTemplate),
    ("val_definition", K::Val),
    ("var_definition", K::Val),
    ("if_expression", K::If),
    ("while_expression", K::Loop),
    ("do_while_expression", K::Loop),
    ("for_expression", K::Loop),
    ("match_expression", K::Match),
    ("case_clause", K::Case),
    ("guard", K::Guard),
    ("enumerator", K::Enumerator),
    ("catch_clause", K::Catch),
    ("infix_expression", K::Infix),
    ("call_expression", K::Call),
    ("arguments", K::Arguments),
    ("string", K::StringLiteral),
    ("identifier", K::Identifier),
    ("parameters", K::Parameters),
    ("parameter", K::Parameter),
    ("bindings", K::Bindings),
    ("binding", K::Binding),
];

const TOKENS: &[(&str, K)] = &[
    ("using", K::Contextual),
    ("implicit", K::Contextual),
    ("case", K::CaseKeyword),
];

/// How far up [`Scala::folds`] looks: about 100 levels of literals within literals (each level
/// a call, its block and what holds it), far past any real function.
const FUNCTION_REACH: usize = 320;

const WORDS: Vocabulary = Vocabulary {
    // An `if`'s alternative is the `alternative` field itself: no wrapper.
    else_wrappers: &[],
    ..Vocabulary::DEFAULT
};

pub struct Scala {
    common: Common,
    kinds: Kinds<K>,
    tokens: Kinds<K>,
    name: Field,
    function: Field,
    arguments: Field,
    parameters: Field,
    pattern: Field,
    kind_of_type: Field,
    return_type: Field,
}

impl Scala {
    pub fn new(language: Language) -> Self {
        let g = &language.grammar();
        Scala {
            common: Common::new(g, &WORDS),
            kinds: Kinds::named(g, K::Other, lookup(NAMED)),
            tokens: Kinds::new(g, K::Other, lookup(TOKENS)),
            name: Field::new(g, "name"),
            function: Field::new(g, "function"),
            arguments: Field::new(g, "arguments"),
            parameters: Field::new(g, "parameters"),
            pattern: Field::new(g, "pattern"),
            kind_of_type: Field::new(g, "type"),
            return_type: Field::new(g, "return_type"),
        }
    }

    /// Whether `node` (under `parent`) is a function literal: a lambda, a `{ case … }` that is
    /// no `match`'s or `catch`'s, or a block passed to a call that is not just braces around a
    /// lambda (`f { x => … }`: the lambda is the literal).
    fn literal(&self, node: Node, parent: Option<Node>) -> bool {
        match self.kinds.of(node) {
            K::Lambda => true,
            K::CaseBlock => {
                !parent.is_some_and(|p| matches!(self.kinds.of(p), K::Match | K::Catch))
            }
            K::Block => {
                parent.is_some_and(|p| self.takes_block(p, node)) && !self.wraps_lambda(node)
            }
            _ => false,
        }
    }

    /// Whether `block` is an argument of `site`: a call's braces (`f { … }`, `test("x") { … }`)
    /// or an infix call's right operand (`"parses" in { … }`, `xs foreach { … }`).
    fn takes_block(&self, site: Node, block: Node) -> bool {
        match self.kinds.of(site) {
            K::Call => self.arguments.child(site) == Some(block),
            K::Infix => self.common.right.child(site) == Some(block),
            _ => false,
        }
    }

    /// Whether a block is only braces around a lambda: `{ x => … }`.
    fn wraps_lambda(&self, block: Node) -> bool {
        let mut children = named_children(&self.common, block);
        matches!(
            (children.next().map(|c| self.kinds.of(c)), children.next()),
            (Some(K::Lambda), None)
        )
    }

    /// Whether a function literal folds into the entry it is written in: inside a `def` (before
    /// any class-like body) it does. Outside any, a literal inside another literal entry folds
    /// unless its call is labelled by a string (`it("parses") { }`). Looks at most
    /// [`FUNCTION_REACH`] ancestors up.
    fn folds(&self, ancestors: &[Node]) -> bool {
        let of = |a: Node, parent: Option<Node>| match self.kinds.of(a) {
            K::Function => Enclosing::Function,
            K::Scope | K::Template | K::WithTemplate => Enclosing::Boundary,
            K::Lambda | K::CaseBlock | K::Block if self.literal(a, parent) => Enclosing::Literal,
            _ => Enclosing::Other,
        };
        literal_folds_by_parent(ancestors, FUNCTION_REACH, of, || {
            self.call_of(ancestors)
                .and_then(|call| self.label(call))
                .is_none()
        })
    }

    /// The call a literal is passed to, from the literal's ancestors: the call or infix call
    /// whose braces it is (or is alone in), or the call whose argument list holds it.
    fn call_of<'t>(&self, ancestors: &[Node<'t>]) -> Option<Node<'t>> {
        match ancestors {
            [.., site, block]
                if self.kinds.of(*block) == K::Block
                    && self.takes_block(*site, *block)
                    && self.wraps_lambda(*block) =>
            {
                Some(*site)
            }
            [.., call, arguments]
                if self.kinds.of(*arguments) == K::Arguments && self.kinds.of(*call) == K::Call =>
            {
                Some(*call)
            }
            [.., site] if matches!(self.kinds.of(*site), K::Call | K::Infix) => Some(*site),
            _ => None,
        }
    }

    /// What a call calls, as written, and its argument list: a curried call `test("x") { }`
    /// is a call around the call `test("x")`, whose arguments label it.
    fn callee_and_arguments<'t>(&self, call: Node<'t>) -> (Option<Node<'t>>, Option<Node<'t>>) {
        let callee = self.function.child(call);
        match callee.map(|c| (c, self.kinds.of(c))) {
            Some((inner, K::Call)) => (self.function.child(inner), self.arguments.child(inner)),
            _ => (callee, self.arguments.child(call)),
        }
    }

    /// What labels a literal's call: a call's first argument when it is a string, an infix
    /// call's left operand when it is a string or a phrase of one word and a string
    /// (`"parser" should "parse" in`, `it should "parse" in`).
    fn label<'t>(&self, site: Node<'t>) -> Option<Node<'t>> {
        if self.kinds.of(site) == K::Infix {
            let left = self.common.left.child(site)?;
            return match self.kinds.of(left) {
                K::StringLiteral => Some(left),
                K::Infix if self.is_phrase(left) => Some(left),
                _ => None,
            };
        }
        let (_, arguments) = self.callee_and_arguments(site);
        let arguments = arguments.filter(|a| self.kinds.of(*a) == K::Arguments)?;
        named_children(&self.common, arguments)
            .next()
            .filter(|a| self.kinds.of(*a) == K::StringLiteral)
    }

    /// `"parser" should "parse"`, `it should "parse"`: a word or string, then a string.
    fn is_phrase(&self, infix: Node) -> bool {
        let kind = |n: Option<Node>| n.map(|n| self.kinds.of(n));
        matches!(
            kind(self.common.left.child(infix)),
            Some(K::StringLiteral | K::Identifier)
        ) && kind(self.common.right.child(infix)) == Some(K::StringLiteral)
    }

    /// The name of a literal entry: the `val` or `given` it initialises, else its call
    /// (`test("parser") callback`), else `(anonymous)`.
    fn literal_name(&self, ancestors: &[Node], src: &[u8]) -> String {
        // `val f = { x => … }`: the braces stand between the lambda and its `val`.
        let holder = match ancestors {
            [.., holder, block] if self.kinds.of(*block) == K::Block => Some(*holder),
            [.., holder] => Some(*holder),
            [] => None,
        };
        let held = holder.and_then(|h| match self.kinds.of(h) {
            K::Val => self
                .pattern
                .child(h)
                .filter(|p| self.kinds.of(*p) == K::Identifier)
                .map(|p| text(p, src)),
            K::Given => Some(self.given_name(h, src)),
            _ => None,
        });
        held.or_else(|| {
            self.call_of(ancestors)
                .and_then(|call| self.call_name(call, src))
        })
        .unwrap_or_else(|| "(anonymous)".to_owned())
    }

    fn call_name(&self, site: Node, src: &[u8]) -> Option<String> {
        let callee = if self.kinds.of(site) == K::Infix {
            self.common.operator.child(site)?
        } else {
            self.callee_and_arguments(site).0?
        };
        let label = self.label(site).map(|l| {
            let words = source(l, src);
            if self.kinds.of(l) == K::StringLiteral {
                words.trim_matches('"').to_owned()
            } else {
                words.replace('"', "")
            }
        });
        Some(callback_name(&source(callee, src), label.as_deref()))
    }

    /// A given's name, or its type when it has none (`given Ordering[Int] with`).
    fn given_name(&self, given: Node, src: &[u8]) -> String {
        self.name
            .child(given)
            .or_else(|| self.return_type.child(given))
            .map_or_else(|| "(given)".to_owned(), |n| squeeze(&source(n, src), 80))
    }

    /// An extension's receiver type: the type of its first parameter.
    fn receiver(&self, extension: Node, src: &[u8]) -> String {
        self.parameters
            .child(extension)
            .and_then(|list| {
                named_children(&self.common, list).find(|p| self.kinds.of(*p) == K::Parameter)
            })
            .and_then(|p| self.kind_of_type.child(p))
            .map_or_else(
                || "(extension)".to_owned(),
                |t| squeeze(&source(t, src), 80),
            )
    }

    /// A `def`'s parameters: those of every clause but a `using` or `implicit` one.
    fn params(&self, node: Node) -> u32 {
        named_children(&self.common, node)
            .filter(|c| self.kinds.of(*c) == K::Parameters)
            .filter(|list| {
                list.child(1)
                    .is_none_or(|t| self.tokens.of(t) != K::Contextual)
            })
            .map(|list| {
                named_children(&self.common, list)
                    .filter(|p| self.kinds.of(*p) == K::Parameter)
                    .count() as u32
            })
            .sum()
    }

    /// A literal's parameters: a lambda's bindings (`x =>` is one), the one argument of a
    /// `{ case … }`, none for a block.
    fn literal_params(&self, node: Node) -> u32 {
        match self.kinds.of(node) {
            K::Lambda => match self.parameters.child(node) {
                Some(list) if self.kinds.of(list) == K::Bindings => {
                    named_children(&self.common, list)
                        .filter(|b| self.kinds.of(*b) == K::Binding)
                        .count() as u32
                }
                Some(_) => 1,
                None => 0,
            },
            K::CaseBlock => 1,
            _ => 0,
        }
    }
}

impl Spec for Scala {
    fn common(&self) -> &Common {
        &self.common
    }

    fn function(
        &self,
        node: Node,
        kind: u16,
        ancestors: &[Node],
        src: &[u8],
    ) -> Option<FunctionDecl> {
        match self.kinds.get(kind) {
            // A `def` is an entry wherever it stands (abstract ones are another kind).
            K::Function => {
                let name = self.name.child(node)?;
                Some(FunctionDecl {
                    name: text(name, src),
                    qualifier: None,
                    joint: None,
                    params: self.params(node),
                    start_row: name.start_position().row,
                })
            }
            K::Lambda | K::CaseBlock | K::Block
                if self.literal(node, ancestors.last().copied()) && !self.folds(ancestors) =>
            {
                Some(FunctionDecl {
                    name: self.literal_name(ancestors, src),
                    qualifier: None,
                    joint: None,
                    params: self.literal_params(node),
                    start_row: node.start_position().row,
                })
            }
            _ => None,
        }
    }

    fn scope(&self, node: Node, kind: u16, src: &[u8]) -> Option<String> {
        match self.kinds.get(kind) {
            K::Scope => self.name.child(node).map(|n| text(n, src)),
            K::Extension => Some(self.receiver(node, src)),
            // `given … with { … }` holds members; `given x: T = …` is a value, as a `val` is.
            K::Given
                if self
                    .common
                    .body
                    .child(node)
                    .is_some_and(|b| self.kinds.of(b) == K::WithTemplate) =>
            {
                Some(self.given_name(node, src))
            }
            _ => None,
        }
    }

    fn construct(&self, node: Node, kind: u16, ancestors: &[Node], src: &[u8]) -> Construct {
        match self.kinds.get(kind) {
            K::If => Construct::If,
            K::Loop => Construct::Loop,
            K::Match => Construct::Switch,
            K::Case => Construct::Case,
            // A `for`'s `if` filters what it iterates; a `case`'s refines its pattern.
            K::Guard
                if ancestors
                    .last()
                    .is_some_and(|p| self.kinds.of(*p) == K::Enumerator) =>
            {
                Construct::Filter
            }
            K::Guard => Construct::Decision,
            K::Catch => Construct::Catch,
            K::Infix => match self
                .common
                .operator
                .child(node)
                .map(|op| &src[op.byte_range()])
            {
                Some(b"&&") => Construct::Logical("&&"),
                Some(b"||") => Construct::Logical("||"),
                _ => Construct::None,
            },
            // A folded by-name block reads as a plain block: only lambdas nest.
            K::Lambda | K::CaseBlock
                if self.literal(node, ancestors.last().copied()) && self.folds(ancestors) =>
            {
                Construct::Lambda
            }
            K::Call => Construct::Call,
            // Scala 3's `catch case e: E => …` holds its one case without a `case_clause`.
            K::Other
                if self.tokens.get(kind) == K::CaseKeyword
                    && ancestors
                        .last()
                        .is_some_and(|p| self.kinds.of(*p) == K::Catch) =>
            {
                Construct::Case
            }
            _ => Construct::None,
        }
    }

    fn callee<'s>(&self, node: Node, src: &'s [u8]) -> Option<&'s str> {
        // `f(…)` (or `f { … }`): a call through another receiver is another object's method. A
        // curried call `f(x)(y)` holds the call `f(x)`, which counts for itself.
        // `this(…)` in a secondary constructor calls the primary one, not itself.
        let callee = self
            .function
            .child(node)
            .filter(|c| self.kinds.of(*c) == K::Identifier)?;
        std::str::from_utf8(&src[callee.byte_range()])
            .ok()
            .filter(|name| *name != "this")
    }
}
