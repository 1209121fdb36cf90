//! Swift: functions (members, top-level, local, operators), `init`, `deinit`, `subscript`,
//! computed properties and property accessors are entries, named as Swift developers write them:
//! `Account.deposit`, `String.words` (a method of `extension String`), `Account.init`,
//! `Account.subscript`, `Account.balance` (a computed property's implicit getter),
//! `Account.name.get` / `.set` / `.willSet` / `.didSet`, `deposit.validate` (a local function).
//! Closures fold into the function they are written in, as lizard folds them. Outside any
//! function — a stored property's initialiser (`let handler = { … }`, `lazy var x = { … }()`), a
//! top-level `Task { }`, a test DSL's `describe("…") { }` — a closure is an entry of its own,
//! named after the property (`handler`) or its call and first string argument
//! (`describe("parser") callback`); inside such an entry, a closure passed with such a label
//! (`it("parses") { }`) is an entry again and one without folds into it (`Swift::folds`).
//!
//! Decisions, as lizard counts them: `if` (and `else if`), `guard`, `for`, `while`,
//! `repeat … while`, `catch`, each `case` of a `switch` (not `default`), `&&`, `||` and the
//! conditional `?:`. `??`, optional chaining `?.`, `try?` and `as?` are no decisions, in both
//! tools, nor are the commas of a condition list (`if let a = x, let b = y`). On purpose unlike
//! lizard: the `case` of a pattern condition (`if case .some(let v) = x`, `guard case`,
//! `for case`) is part of its `if`'s one decision, as SwiftLint counts it; lizard counts the
//! keyword again, as if it were a `switch` case.
//!
//! tree-sitter-swift names no field for the branches of an `if`, the body of a loop or of a
//! `guard`, and wraps no block around them: its `{`, statements and `}` are plain children.
//! They are told apart by the child before them ([`Spec::part`]): statements are the body they
//! stand in; a `{` after `else` opens the `else` (its hybrid increment, counted once), an `if`
//! after `else` is an `else if`. The grammar also leaves operator precedence unresolved (each
//! binary operator nests its right side: `a > 0 && b > 0` is `a > (0 && (b > 0))`), so
//! comparisons and other binary expressions are transparent to boolean sequences
//! ([`Vocabulary::operator_chains`]).

use tree_sitter::Node;

use super::{
    callback_name, literal_folds, lookup, named_children, source, text, Common, Construct,
    Enclosing, Field, FunctionDecl, Kinds, Language, Part, Spec, Vocabulary,
};

/// The node kinds this file tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum K {
    Other,
    Function,
    Init,
    Deinit,
    Subscript,
    /// A computed property's `{ … }`: its implicit getter, or its accessors.
    ComputedProperty,
    Getter,
    Setter,
    Modify,
    WillSet,
    DidSet,
    Lambda,
    /// `class`, `struct`, `enum`, `extension`, `actor`: named scopes.
    Scope,
    Protocol,
    Property,
    Attribute,
    Modifiers,
    Parameter,
    LambdaType,
    LambdaParameters,
    If,
    Guard,
    For,
    While,
    Repeat,
    Switch,
    SwitchEntry,
    Catch,
    Conjunction,
    Disjunction,
    Ternary,
    ControlTransfer,
    Call,
    Try,
    Await,
    CallSuffix,
    ValueArguments,
    ValueArgument,
    StringLiteral,
    Identifier,
    Statements,
    Else,
    OpenBrace,
    Case,
    Break,
    Continue,
    Bang,
}

const NAMED: &[(&str, K)] = &[
    ("function_declaration", K::Function),
    ("init_declaration", K::Init),
    ("deinit_declaration", K::Deinit),
    ("subscript_declaration", K::Subscript),
    ("computed_property", K::ComputedProperty),
    ("computed_getter", K::Getter),
    ("computed_setter", K::Setter),
    ("computed_modify", K::Modify),
    ("willset_clause", K::WillSet),
    ("didset_clause", K::DidSet),
    ("lambda_literal", K::Lambda),
    ("class_declaration", K::Scope),
    ("protocol_declaration", K::Protocol),
    ("property_declaration", K::Property),
    ("attribute", K::Attribute),
    ("modifiers", K::Modifiers),
    ("parameter", K::Parameter),
    ("lambda_function_type", K::LambdaType),
    ("lambda_function_type_parameters", K::LambdaParameters),
    ("if_statement", K::If),
    ("guard_statement", K::Guard),
    ("for_statement", K::For),
    ("while_statement", K::While),
    ("repeat_while_statement", K::Repeat),
    ("switch_statement", K::Switch),
    ("switch_entry", K::SwitchEntry),
    ("catch_block", K::Catch),
    ("conjunction_expression", K::Conjunction),
    ("disjunction_expression", K::Disjunction),
    ("ternary_expression", K::Ternary),
    ("control_transfer_statement", K::ControlTransfer),
    ("call_expression", K::Call),
    ("try_expression", K::Try),
    ("await_expression", K::Await),
    ("call_suffix", K::CallSuffix),
    ("value_arguments", K::ValueArguments),
    ("value_argument", K::ValueArgument),
    ("line_string_literal", K::StringLiteral),
    ("multi_line_string_literal", K::StringLiteral),
    ("raw_string_literal", K::StringLiteral),
    ("simple_identifier", K::Identifier),
    ("statements", K::Statements),
    ("else", K::Else),
    ("bang", K::Bang),
];

/// Anonymous tokens the parts of a structure are told apart by.
const TOKENS: &[(&str, K)] = &[
    ("{", K::OpenBrace),
    ("case", K::Case),
    ("break", K::Break),
    ("continue", K::Continue),
];

/// How far up [`Swift::folds`] looks: about 80 levels of closures within closures (each level a
/// call, its suffix, its closure and what holds it), far past any real function.
const FUNCTION_REACH: usize = 320;

const WORDS: Vocabulary = Vocabulary {
    annotations: &["attribute"],
    // `(a || b) && c`: a one-element tuple is the grammar's parentheses.
    parenthesized: &["tuple_expression"],
    // An `if`'s alternative is a plain `{ … }` or `if` after `else`: no wrapper.
    else_wrappers: &[],
    head_fields: &[
        "condition",
        "expr",
        "item",
        "collection",
        "error",
        "captures",
        "type",
    ],
    // The fields of a conditional expression; an `if` has none for its branches.
    consequence: "if_true",
    alternative: "if_false",
    left: "lhs",
    right: "rhs",
    operator: "op",
    operator_chains: &[
        "comparison_expression",
        "equality_expression",
        "infix_expression",
        "additive_expression",
        "multiplicative_expression",
        "nil_coalescing_expression",
        "range_expression",
        "bitwise_operation",
        "check_expression",
        "as_expression",
    ],
    ..Vocabulary::DEFAULT
};

pub struct Swift {
    common: Common,
    kinds: Kinds<K>,
    tokens: Kinds<K>,
    name: Field,
    body: Field,
    value: Field,
    bound_identifier: Field,
}

impl Swift {
    pub fn new(language: Language) -> Self {
        let g = &language.grammar();
        Swift {
            common: Common::new(g, &WORDS),
            kinds: Kinds::named(g, K::Other, lookup(NAMED)),
            tokens: Kinds::new(g, K::Other, lookup(TOKENS)),
            name: Field::new(g, "name"),
            body: Field::new(g, "body"),
            value: Field::new(g, "value"),
            bound_identifier: Field::new(g, "bound_identifier"),
        }
    }

    /// The row a declaration's signature starts on: its first child that is not an attribute
    /// or modifier (`@objc`, `public`, `override` may stand on lines of their own).
    fn signature_row(&self, node: Node) -> usize {
        let mut cursor = node.walk();
        let first = node.children(&mut cursor).find(|c| {
            !matches!(self.kinds.of(*c), K::Attribute | K::Modifiers)
                && !self.common.is_comment(c.kind_id())
        });
        first.unwrap_or(node).start_position().row
    }

    /// Declared parameters: a function's, an initialiser's or a subscript's `parameter`s, a
    /// closure's declared names (`{ a, b in … }`; `$0` declares none), an accessor's explicit
    /// name (`set(value)`, `didSet(old)`).
    fn params(&self, node: Node) -> u32 {
        match self.kinds.of(node) {
            K::Lambda => named_children(&self.common, node)
                .find(|c| self.kinds.of(*c) == K::LambdaType)
                .and_then(|t| {
                    named_children(&self.common, t)
                        .find(|c| self.kinds.of(*c) == K::LambdaParameters)
                })
                .map_or(0, |list| named_children(&self.common, list).count() as u32),
            K::Setter | K::Modify | K::WillSet | K::DidSet => named_children(&self.common, node)
                .filter(|c| self.kinds.of(*c) == K::Identifier)
                .count() as u32,
            _ => named_children(&self.common, node)
                .filter(|c| self.kinds.of(*c) == K::Parameter)
                .count() as u32,
        }
    }

    /// Whether a closure folds into the entry it is written in: inside a function-like entry
    /// (before any type boundary) it does. Outside any, a closure inside another closure entry
    /// folds unless its call is labelled by a string (`it("parses") { }`). Looks at most
    /// [`FUNCTION_REACH`] ancestors up.
    fn folds(&self, ancestors: &[Node]) -> bool {
        let of = |a: Node| match self.kinds.of(a) {
            K::Function
            | K::Init
            | K::Deinit
            | K::Subscript
            | K::ComputedProperty
            | K::Getter
            | K::Setter
            | K::Modify
            | K::WillSet
            | K::DidSet => Enclosing::Function,
            K::Scope | K::Protocol => Enclosing::Boundary,
            K::Lambda => Enclosing::Literal,
            _ => Enclosing::Other,
        };
        literal_folds(ancestors, FUNCTION_REACH, of, || {
            self.call_of(ancestors)
                .and_then(|(_, suffix)| self.label(suffix))
                .is_none()
        })
    }

    /// The call a closure is passed to, and the call's suffix (its arguments and trailing
    /// closures): a trailing closure stands in the suffix, an argument in its `value_arguments`.
    fn call_of<'t>(&self, ancestors: &[Node<'t>]) -> Option<(Node<'t>, Node<'t>)> {
        let (call, suffix) = match ancestors {
            [.., call, suffix] if self.kinds.of(*suffix) == K::CallSuffix => (*call, *suffix),
            [.., call, suffix, arguments, argument]
                if self.kinds.of(*argument) == K::ValueArgument
                    && self.kinds.of(*arguments) == K::ValueArguments
                    && self.kinds.of(*suffix) == K::CallSuffix =>
            {
                (*call, *suffix)
            }
            _ => return None,
        };
        Some((call, suffix)).filter(|(c, _)| self.kinds.of(*c) == K::Call)
    }

    /// Whether a closure is the block of a `defer` statement: the trailing closure of a call
    /// of the bare identifier `defer`.
    fn is_defer(&self, ancestors: &[Node], src: &[u8]) -> bool {
        let [.., call, suffix] = ancestors else {
            return false;
        };
        self.kinds.of(*suffix) == K::CallSuffix
            && named_children(&self.common, *call).next().is_some_and(|c| {
                self.kinds.of(c) == K::Identifier && &src[c.byte_range()] == b"defer"
            })
    }

    /// A call's first argument when it is a string literal: the label of its closure.
    fn label<'t>(&self, suffix: Node<'t>) -> Option<Node<'t>> {
        let arguments = named_children(&self.common, suffix)
            .find(|c| self.kinds.of(*c) == K::ValueArguments)?;
        let first = named_children(&self.common, arguments).next()?;
        self.value
            .child(first)
            .filter(|v| self.kinds.of(*v) == K::StringLiteral)
    }

    /// The name of a closure entry: the property it initialises ([`Swift::initialised`]), else
    /// its call (`describe("parser") callback`), else
    /// `(anonymous)`.
    fn lambda_name(&self, node: Node, ancestors: &[Node], src: &[u8]) -> String {
        if let Some(name) = self
            .initialised(node, ancestors)
            .and_then(|p| self.property_name(p, src))
        {
            return name;
        }
        self.call_of(ancestors)
            .and_then(|(call, suffix)| {
                let callee = named_children(&self.common, call).next()?;
                let label = self.label(suffix).map(|literal| {
                    let quoted = source(literal, src);
                    quoted.trim_matches(|c| c == '"' || c == '#').to_owned()
                });
                Some(callback_name(&source(callee, src), label.as_deref()))
            })
            .unwrap_or_else(|| "(anonymous)".to_owned())
    }

    /// The property a closure initialises: directly (`let f = { … }`), or called at once, through
    /// `try` and `await` (`lazy var x = { … }()`, `let c = try { … }()`).
    fn initialised<'t>(&self, node: Node<'t>, ancestors: &[Node<'t>]) -> Option<Node<'t>> {
        let mut inner = node;
        for a in ancestors.iter().rev() {
            match self.kinds.of(*a) {
                K::Property => return Some(*a),
                K::Call if named_children(&self.common, *a).next() == Some(inner) => {}
                K::Try | K::Await => {}
                _ => return None,
            }
            inner = *a;
        }
        None
    }

    /// A property's name: the identifier its pattern binds (`var balance: Int`).
    fn property_name(&self, property: Node, src: &[u8]) -> Option<String> {
        let pattern = self.name.child(property)?;
        let identifier = self.bound_identifier.child(pattern).unwrap_or(pattern);
        Some(text(identifier, src))
    }

    /// The property an accessor belongs to: `balance` for `var balance { get { } }`; `None`
    /// for a subscript's accessors, whose subscript is an entry of its own.
    fn accessor_owner(&self, ancestors: &[Node], src: &[u8]) -> Option<String> {
        // An accessor stands in a `computed_property` (get/set/_modify) or a
        // `willset_didset_block`, each directly in the declaration.
        match ancestors {
            [.., owner, _] if self.kinds.of(*owner) == K::Property => {
                self.property_name(*owner, src)
            }
            [.., owner, _] if self.kinds.of(*owner) == K::Subscript => None,
            _ => Some("(property)".to_owned()),
        }
    }

    fn decl(
        name: String,
        qualifier: Option<String>,
        params: u32,
        start_row: usize,
    ) -> FunctionDecl {
        FunctionDecl {
            name,
            qualifier,
            joint: None,
            params,
            start_row,
        }
    }

    /// A computed property's body is an entry when it is its implicit getter (no accessors in
    /// it) and it belongs to a property; a subscript's body is the subscript's.
    fn implicit_getter(&self, node: Node, ancestors: &[Node], src: &[u8]) -> Option<FunctionDecl> {
        let property = ancestors
            .last()
            .filter(|p| self.kinds.of(**p) == K::Property)?;
        let has_accessors = named_children(&self.common, node)
            .any(|c| matches!(self.kinds.of(c), K::Getter | K::Setter | K::Modify));
        if has_accessors {
            return None;
        }
        let name = self
            .property_name(*property, src)
            .unwrap_or_else(|| "(property)".to_owned());
        Some(Self::decl(name, None, 0, self.signature_row(*property)))
    }
}

impl Spec for Swift {
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
        let keyword = |word: &str| {
            Some(Self::decl(
                word.to_owned(),
                None,
                self.params(node),
                self.signature_row(node),
            ))
        };
        let accessor = |word: &str| {
            Some(Self::decl(
                word.to_owned(),
                self.accessor_owner(ancestors, src),
                self.params(node),
                node.start_position().row,
            ))
        };
        match self.kinds.get(kind) {
            // Named functions are entries wherever they stand: members, top-level, local.
            K::Function if self.body.child(node).is_some() => {
                let name = self.name.child(node)?;
                Some(Self::decl(
                    text(name, src),
                    None,
                    self.params(node),
                    self.signature_row(node),
                ))
            }
            K::Init if self.body.child(node).is_some() => keyword("init"),
            K::Deinit => keyword("deinit"),
            K::Subscript => keyword("subscript"),
            K::ComputedProperty => self.implicit_getter(node, ancestors, src),
            K::Getter => accessor("get"),
            K::Setter => accessor("set"),
            K::Modify => accessor("_modify"),
            K::WillSet => accessor("willSet"),
            K::DidSet => accessor("didSet"),
            K::Lambda if !self.folds(ancestors) => Some(Self::decl(
                self.lambda_name(node, ancestors, src),
                None,
                self.params(node),
                node.start_position().row,
            )),
            _ => None,
        }
    }

    fn scope(&self, node: Node, kind: u16, src: &[u8]) -> Option<String> {
        match self.kinds.get(kind) {
            K::Scope | K::Protocol => self.name.child(node).map(|n| text(n, src)),
            _ => None,
        }
    }

    fn construct(&self, node: Node, kind: u16, ancestors: &[Node], src: &[u8]) -> Construct {
        match self.kinds.get(kind) {
            K::If | K::Guard => Construct::If,
            K::For | K::While | K::Repeat => Construct::Loop,
            K::Switch => Construct::Switch,
            K::SwitchEntry if node.child(0).is_some_and(|c| self.tokens.of(c) == K::Case) => {
                Construct::Case
            }
            K::Catch => Construct::Catch,
            K::Conjunction => Construct::Logical("&&"),
            K::Disjunction => Construct::Logical("||"),
            K::Ternary => Construct::Ternary,
            // `break outer` / `continue outer`: a jump to a label.
            K::ControlTransfer
                if node
                    .child(0)
                    .is_some_and(|c| matches!(self.tokens.of(c), K::Break | K::Continue))
                    && node.named_child_count() > 0 =>
            {
                Construct::Jump
            }
            // `defer { … }` (the grammar reads it as a call with a trailing closure) runs its
            // block at the end of the scope: the function's own code, not a closure.
            K::Lambda if self.is_defer(ancestors, src) => Construct::None,
            K::Lambda if self.folds(ancestors) => Construct::Lambda,
            K::Call => Construct::Call,
            _ => Construct::None,
        }
    }

    fn part(&self, parent: u16, previous: Option<u16>, kind: u16, _named: bool) -> Option<Part> {
        let after_else = previous.is_some_and(|p| self.kinds.get(p) == K::Else);
        let this = self.kinds.get(kind);
        // A branch's statements, and its `{` (an empty branch is still one level deeper).
        let body = this == K::Statements || self.tokens.get(kind) == K::OpenBrace;
        match self.kinds.get(parent) {
            K::If if after_else && (body || this == K::If) => Some(Part::Alternative),
            K::If | K::Guard if body => Some(Part::Consequence),
            K::For | K::While | K::Repeat if body => Some(Part::Body),
            _ => None,
        }
    }

    fn callee<'s>(&self, node: Node, src: &'s [u8]) -> Option<&'s str> {
        // `f(…)` (or `f { }`): a call through another receiver is another object's function.
        let callee = named_children(&self.common, node)
            .next()
            .filter(|c| self.kinds.of(*c) == K::Identifier)?;
        std::str::from_utf8(&src[callee.byte_range()]).ok()
    }

    fn recovers(&self, node: Node, ancestors: &[Node], src: &[u8]) -> bool {
        // tree-sitter-swift 0.7.4 reads the empty tuple `()` (`promise.succeed(())`,
        // `.success(())`) as a force-unwrap missing its operand: a zero-width `bang` holding a
        // MISSING `!`, between `(` and `)` with nothing else.
        let in_bang = ancestors
            .last()
            .is_some_and(|b| self.kinds.of(*b) == K::Bang && b.start_byte() == b.end_byte());
        if !(node.is_missing() && in_bang) {
            return false;
        }
        let at = node.start_byte();
        let before = src[..at].iter().rev().find(|b| !b.is_ascii_whitespace());
        let after = src[at..].iter().find(|b| !b.is_ascii_whitespace());
        before == Some(&b'(') && after == Some(&b')')
    }
}
