//! Ruby: `def` is an entry, named as Ruby developers write it: `Module::Class#method` for an
//! instance method, `Module::Class.method` for a singleton method (`def self.m`, `def Foo.m`, or
//! any `def` inside `class << self`). Blocks (`do … end`, `{ … }`) and lambdas (`->(x) { … }`)
//! fold into the method they are written in, as lizard folds them. Outside any method — a spec's
//! `describe`, a Rakefile's `task`, a class body's `included do` — each is an entry of its own,
//! named after its call and first string or symbol argument (`describe("Parser") callback`,
//! `task("build") callback`, `items.each callback`), or after the constant it is assigned to
//! (`HANDLER = ->(e) { … }`); inside such an entry, a block with such a label (`it "parses"`,
//! `context "when empty"`) is an entry again, and one without (`items.each`, `expect { }`)
//! folds into it (`Ruby::folds`).
//!
//! Decisions, as lizard counts them: `if` and `elsif`, `while`, `until`, `for` (statements and
//! modifiers alike), each `when`, `rescue` (clause or modifier), `?:`, `and`, `or`, `&&`, `||`,
//! `||=` and `&&=`. On purpose unlike lizard: `unless` counts as the `if` it is (lizard's Ruby
//! reader leaves it out), each `in` of a pattern match counts as a `when` does, and `ensure`,
//! which always runs, counts for nothing (lizard counts it), as `finally` counts for nothing in
//! every other language here. `&.` is no decision, in both tools.

use tree_sitter::Node;

use super::{
    callback_name, literal_folds, logical_operator, lookup, named_children, operators, source,
    text, Common, Construct, Enclosing, Field, FunctionDecl, Kinds, Language, Operators, Spec,
    Vocabulary,
};

/// The node kinds this file tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum K {
    Other,
    Method,
    SingletonMethod,
    /// `class` and `module`: named scopes.
    Scope,
    /// `class << self`: no name of its own; its methods are singleton methods.
    SingletonClass,
    /// `do … end` and `{ … }`.
    Block,
    /// `->(x) { … }`: its body is a block that is part of it.
    Lambda,
    If,
    Elsif,
    Loop,
    Case,
    When,
    Rescue,
    Ternary,
    Binary,
    OperatorAssignment,
    Call,
    Arguments,
    Assignment,
    StringLiteral,
    Symbol,
    SelfObject,
}

const NAMED: &[(&str, K)] = &[
    ("method", K::Method),
    ("singleton_method", K::SingletonMethod),
    ("class", K::Scope),
    ("module", K::Scope),
    ("singleton_class", K::SingletonClass),
    ("block", K::Block),
    ("do_block", K::Block),
    ("lambda", K::Lambda),
    ("if", K::If),
    ("unless", K::If),
    ("if_modifier", K::If),
    ("unless_modifier", K::If),
    ("elsif", K::Elsif),
    ("while", K::Loop),
    ("until", K::Loop),
    ("for", K::Loop),
    ("while_modifier", K::Loop),
    ("until_modifier", K::Loop),
    ("case", K::Case),
    ("case_match", K::Case),
    ("when", K::When),
    ("in_clause", K::When),
    ("rescue", K::Rescue),
    ("rescue_modifier", K::Rescue),
    ("conditional", K::Ternary),
    ("binary", K::Binary),
    ("operator_assignment", K::OperatorAssignment),
    ("call", K::Call),
    ("argument_list", K::Arguments),
    ("assignment", K::Assignment),
    ("string", K::StringLiteral),
    ("simple_symbol", K::Symbol),
    ("self", K::SelfObject),
];

/// How far up [`Ruby::folds`] looks: about 80 levels of blocks within blocks (each level is
/// a call, its block and the block's body), far past any real method.
const METHOD_REACH: usize = 256;

const WORDS: Vocabulary = Vocabulary {
    annotations: &[],
    // `else` holds statements, never an `elsif`: an `if` inside it is a nested `if`.
    else_wrappers: &[],
    ..Vocabulary::DEFAULT
};

pub struct Ruby {
    common: Common,
    kinds: Kinds<K>,
    logical: Operators,
    logical_assignment: Operators,
    name: Field,
    object: Field,
    parameters: Field,
    receiver: Field,
    method: Field,
    block: Field,
    arguments: Field,
    left: Field,
}

impl Ruby {
    pub fn new(language: Language) -> Self {
        let g = &language.grammar();
        Ruby {
            common: Common::new(g, &WORDS),
            kinds: Kinds::named(g, K::Other, lookup(NAMED)),
            // `and` / `or` are `&&` / `||` with another precedence: one sequence either way.
            logical: operators(
                g,
                &[("&&", "&&"), ("and", "&&"), ("||", "||"), ("or", "||")],
            ),
            logical_assignment: operators(g, &[("||=", "||="), ("&&=", "&&=")]),
            name: Field::new(g, "name"),
            object: Field::new(g, "object"),
            parameters: Field::new(g, "parameters"),
            receiver: Field::new(g, "receiver"),
            method: Field::new(g, "method"),
            block: Field::new(g, "block"),
            arguments: Field::new(g, "arguments"),
            left: Field::new(g, "left"),
        }
    }

    fn params(&self, node: Node) -> u32 {
        self.parameters
            .child(node)
            .map_or(0, |list| named_children(&self.common, list).count() as u32)
    }

    /// Whether a block or lambda folds into the entry it is written in. Inside a method it
    /// always does, as lizard folds it (a `def` encloses it before any `class` or `module` does:
    /// neither can be written in a method). Outside any method, at file or class-body level, it
    /// is an entry: nothing else would count its decisions. Inside such an entry (a `describe`
    /// block), it is an entry of its own when its call is labelled by a string or symbol (`it
    /// "works" do`, `context "when empty"`, `task :build`, `let(:user) { }`), and folds into it
    /// otherwise (`items.each do`, `expect { }`, `before do`), as an `it` holds its iterations.
    /// Looks at most [`METHOD_REACH`] ancestors up, so blocks nested thousands deep cost linear
    /// time, not quadratic.
    fn folds(&self, node: Node, ancestors: &[Node]) -> bool {
        let of = |a: Node| match self.kinds.of(a) {
            K::Method | K::SingletonMethod => Enclosing::Function,
            K::Scope | K::SingletonClass => Enclosing::Boundary,
            K::Block | K::Lambda => Enclosing::Literal,
            _ => Enclosing::Other,
        };
        literal_folds(ancestors, METHOD_REACH, of, || {
            self.call_of(node, ancestors)
                .and_then(|call| self.label(call))
                .is_none()
        })
    }

    /// The call a block is attached to (its `block`), or a lambda passed to (an argument).
    fn call_of<'t>(&self, node: Node<'t>, ancestors: &[Node<'t>]) -> Option<Node<'t>> {
        let mut up = ancestors.iter().rev().copied();
        match up.next().map(|p| (p, self.kinds.of(p))) {
            Some((call, K::Call)) if self.block.child(call) == Some(node) => Some(call),
            Some((_, K::Arguments)) => up.next().filter(|call| self.kinds.of(*call) == K::Call),
            _ => None,
        }
    }

    /// A call's first argument when it is a string (`describe "Parser"`) or a symbol (`task
    /// :build`): the label of its block.
    fn label<'t>(&self, call: Node<'t>) -> Option<Node<'t>> {
        let args = self.arguments.child(call)?;
        named_children(&self.common, args)
            .next()
            .filter(|first| matches!(self.kinds.of(*first), K::StringLiteral | K::Symbol))
    }

    /// Whether a `def` is in `class << self`: its nearest enclosing class-like node is one.
    fn in_singleton_class(&self, ancestors: &[Node]) -> bool {
        ancestors
            .iter()
            .rev()
            .map(|a| self.kinds.of(*a))
            .find(|k| matches!(k, K::Scope | K::SingletonClass | K::Method | K::Block))
            == Some(K::SingletonClass)
    }

    /// The name of a block or lambda entry, and what joins it to its scopes: the constant or
    /// variable it is assigned to (`Parser::HANDLER`), else its call (`Parser.included
    /// callback`), else `(block)`.
    fn literal_name(&self, node: Node, ancestors: &[Node], src: &[u8]) -> (String, &'static str) {
        if let Some(assignment) = ancestors
            .last()
            .filter(|p| self.kinds.of(**p) == K::Assignment)
        {
            if let Some(left) = self.left.child(*assignment) {
                return (text(left, src), "::");
            }
        }
        let called = self
            .call_of(node, ancestors)
            .and_then(|call| self.call_name(call, src));
        (called.unwrap_or_else(|| "(block)".to_owned()), ".")
    }

    /// [`callback_name`] over a call: its receiver and method as written, and its
    /// [label](Ruby::label) without quotes or colon.
    fn call_name(&self, call: Node, src: &[u8]) -> Option<String> {
        let method = self.method.child(call)?;
        let start = self
            .receiver
            .child(call)
            .map_or(method.start_byte(), |r| r.start_byte());
        let callee = String::from_utf8_lossy(&src[start..method.end_byte()]);
        let label = self.label(call).map(|first| {
            let text = source(first, src);
            if self.kinds.of(first) == K::Symbol {
                return text.trim_start_matches(':').to_owned();
            }
            let mut inner = text.chars();
            inner.next();
            inner.next_back();
            inner.as_str().to_owned()
        });
        Some(callback_name(&callee, label.as_deref()))
    }
}

impl Spec for Ruby {
    fn common(&self) -> &Common {
        &self.common
    }

    fn separator(&self) -> &'static str {
        "::"
    }

    fn function(
        &self,
        node: Node,
        kind: u16,
        ancestors: &[Node],
        src: &[u8],
    ) -> Option<FunctionDecl> {
        let decl = |name: String, qualifier: Option<String>, joint, params| FunctionDecl {
            name,
            qualifier,
            joint: Some(joint),
            params,
            start_row: node.start_position().row,
        };
        match self.kinds.get(kind) {
            K::Method => {
                let name = text(self.name.child(node)?, src);
                let joint = if self.in_singleton_class(ancestors) {
                    "."
                } else {
                    "#"
                };
                Some(decl(name, None, joint, self.params(node)))
            }
            // `def self.m` belongs to the enclosing class; `def Foo.m` names its own.
            K::SingletonMethod => {
                let name = text(self.name.child(node)?, src);
                let qualifier = self
                    .object
                    .child(node)
                    .filter(|o| self.kinds.of(*o) != K::SelfObject)
                    .map(|o| text(o, src));
                Some(decl(name, qualifier, ".", self.params(node)))
            }
            K::Block
                if ancestors
                    .last()
                    .is_some_and(|p| self.kinds.of(*p) == K::Lambda) =>
            {
                None
            }
            K::Block | K::Lambda if !self.folds(node, ancestors) => {
                let (name, joint) = self.literal_name(node, ancestors, src);
                Some(decl(name, None, joint, self.params(node)))
            }
            _ => None,
        }
    }

    fn scope(&self, node: Node, kind: u16, src: &[u8]) -> Option<String> {
        match self.kinds.get(kind) {
            K::Scope => self.name.child(node).map(|n| text(n, src)),
            _ => None,
        }
    }

    fn construct(&self, node: Node, kind: u16, ancestors: &[Node], _src: &[u8]) -> Construct {
        match self.kinds.get(kind) {
            K::If => Construct::If,
            K::Elsif => Construct::ElseIf,
            K::Loop => Construct::Loop,
            K::Case => Construct::Switch,
            K::When => Construct::Case,
            K::Rescue => Construct::Catch,
            K::Ternary => Construct::Ternary,
            K::Binary => logical_operator(&self.common, node, &self.logical)
                .map_or(Construct::None, Construct::Logical),
            K::OperatorAssignment
                if logical_operator(&self.common, node, &self.logical_assignment).is_some() =>
            {
                Construct::Decision
            }
            // Inside a method a block or lambda folds; a lambda's own block is part of it.
            K::Block
                if ancestors
                    .last()
                    .is_some_and(|p| self.kinds.of(*p) == K::Lambda) =>
            {
                Construct::None
            }
            K::Block | K::Lambda if self.folds(node, ancestors) => Construct::Lambda,
            K::Call => Construct::Call,
            _ => Construct::None,
        }
    }

    fn callee<'s>(&self, node: Node, src: &'s [u8]) -> Option<&'s str> {
        // `m(…)` or `self.m(…)`: a call on another receiver is another object's method.
        if self
            .receiver
            .child(node)
            .is_some_and(|r| self.kinds.of(r) != K::SelfObject)
        {
            return None;
        }
        let method = self.method.child(node)?;
        std::str::from_utf8(&src[method.byte_range()]).ok()
    }
}
