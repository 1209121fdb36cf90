//! Kotlin: functions (members, top-level, extension), secondary constructors, `init` blocks and
//! property accessors with a body are entries, named as Kotlin developers write them:
//! `Account.deposit`, `String.words` (an extension, by its receiver type),
//! `Account.Companion.create`, `Account.constructor`, `Account.init`, `Account.balance.get`.
//! Local functions and the methods of an object literal are entries too (`outer.local`,
//! `subscribe.onNext`). Lambdas and anonymous functions fold into the function they are written
//! in, whether or not they name their parameters (lizard folds `{ it * 2 }` but lists
//! `{ x -> x * 2 }` as a function of its own: the same lambda, written two ways). Outside any function — a Gradle script's `dependencies { }`, a kotest
//! `describe("…") { }`, a property initialiser — a lambda is an entry of its own, named after
//! the property it initialises (`handler`) or its call and first string argument
//! (`describe("parser") callback`, `dependencies callback`); inside such an entry, a lambda
//! passed with such a label (`it("parses") { }`) is an entry again, and one without folds into
//! it (`Kotlin::folds`).
//!
//! Decisions, as lizard counts them: `if` (and `else if`), `for`, `while`, `do … while`,
//! `catch`, `&&`, `||` and the elvis operator `?:`; each `when` entry but `else`. On purpose
//! unlike lizard: a `when` without `else` counts each of its entries (lizard counts one fewer
//! for every `when`, as though it had an `else`). `?.` and `!!` are no decisions, in both tools.
//!
//! tree-sitter-kotlin-ng names no field for the branches of an `if` or the body of a loop: they
//! are told apart by the token before them ([`Spec::part`]): the branch after `)` is the
//! consequence, the one after `else` the alternative; a loop's body follows `)` (`for`,
//! `while`) or `do`.

use tree_sitter::Node;

use super::{
    callback_name, literal_folds, lookup, named_children, operators, source, text, Common,
    Construct, Enclosing, Field, FunctionDecl, Kinds, Language, Operators, Part, Spec, Vocabulary,
};

/// The node kinds this file tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum K {
    Other,
    Function,
    SecondaryConstructor,
    Init,
    Getter,
    Setter,
    Lambda,
    AnonymousFunction,
    /// `= expression` or a block: what makes a declaration a definition.
    FunctionBody,
    Block,
    /// `class`, `interface`, `enum class`, `object`: named scopes.
    Scope,
    Companion,
    /// `object : Listener { … }`: no name; its methods are entries wherever it stands.
    ObjectLiteral,
    PropertyDeclaration,
    VariableDeclaration,
    If,
    For,
    While,
    DoWhile,
    When,
    WhenEntry,
    Catch,
    Binary,
    Labeled,
    Label,
    Call,
    AnnotatedLambda,
    ValueArguments,
    ValueArgument,
    ConstructorInvocation,
    StringLiteral,
    Identifier,
    Parameters,
    Parameter,
    LambdaParameters,
    UserType,
    NullableType,
    Dot,
    CloseParen,
    Else,
    Do,
}

const NAMED: &[(&str, K)] = &[
    ("function_declaration", K::Function),
    ("secondary_constructor", K::SecondaryConstructor),
    ("anonymous_initializer", K::Init),
    ("getter", K::Getter),
    ("setter", K::Setter),
    ("lambda_literal", K::Lambda),
    ("anonymous_function", K::AnonymousFunction),
    ("function_body", K::FunctionBody),
    ("block", K::Block),
    ("class_declaration", K::Scope),
    ("object_declaration", K::Scope),
    ("companion_object", K::Companion),
    ("object_literal", K::ObjectLiteral),
    ("property_declaration", K::PropertyDeclaration),
    ("variable_declaration", K::VariableDeclaration),
    ("if_expression", K::If),
    ("for_statement", K::For),
    ("while_statement", K::While),
    ("do_while_statement", K::DoWhile),
    ("when_expression", K::When),
    ("when_entry", K::WhenEntry),
    ("catch_block", K::Catch),
    ("binary_expression", K::Binary),
    ("labeled_expression", K::Labeled),
    ("label", K::Label),
    ("call_expression", K::Call),
    ("annotated_lambda", K::AnnotatedLambda),
    ("value_arguments", K::ValueArguments),
    ("value_argument", K::ValueArgument),
    ("constructor_invocation", K::ConstructorInvocation),
    ("string_literal", K::StringLiteral),
    ("multiline_string_literal", K::StringLiteral),
    ("identifier", K::Identifier),
    ("function_value_parameters", K::Parameters),
    ("parameter", K::Parameter),
    ("lambda_parameters", K::LambdaParameters),
    ("user_type", K::UserType),
    ("nullable_type", K::NullableType),
];

/// Anonymous tokens the parts of a structure are told apart by.
const TOKENS: &[(&str, K)] = &[
    (".", K::Dot),
    (")", K::CloseParen),
    ("else", K::Else),
    ("do", K::Do),
];

/// How far up [`Kotlin::folds`] looks: about 80 levels of lambdas within lambdas (each level a
/// call, its lambda and what holds it), far past any real function.
const FUNCTION_REACH: usize = 320;

const WORDS: Vocabulary = Vocabulary {
    annotations: &["annotation", "file_annotation"],
    // An `if`'s alternative is a plain child after `else`: no wrapper.
    else_wrappers: &[],
    ..Vocabulary::DEFAULT
};

pub struct Kotlin {
    common: Common,
    kinds: Kinds<K>,
    tokens: Kinds<K>,
    logical: Operators,
    elvis: Operators,
    name: Field,
}

impl Kotlin {
    pub fn new(language: Language) -> Self {
        let g = &language.grammar();
        Kotlin {
            common: Common::new(g, &WORDS),
            kinds: Kinds::named(g, K::Other, lookup(NAMED)),
            tokens: Kinds::new(g, K::Other, lookup(TOKENS)),
            logical: operators(g, &[("&&", "&&"), ("||", "||")]),
            elvis: operators(g, &[("?:", "?:")]),
            name: Field::new(g, "name"),
        }
    }

    /// Whether a function-like node holds a body: a block or an `= expression`.
    fn has_body(&self, node: Node) -> bool {
        named_children(&self.common, node)
            .any(|c| matches!(self.kinds.of(c), K::FunctionBody | K::Block))
    }

    /// Declared parameters: a function's `parameter`s (a default value is a sibling of its
    /// parameter in the list, not one), a lambda's declarations.
    fn params(&self, node: Node) -> u32 {
        let Some(list) = named_children(&self.common, node)
            .find(|c| matches!(self.kinds.of(*c), K::Parameters | K::LambdaParameters))
        else {
            return 0;
        };
        let lambda = self.kinds.of(list) == K::LambdaParameters;
        named_children(&self.common, list)
            .filter(|p| lambda || self.kinds.of(*p) == K::Parameter)
            .count() as u32
    }

    /// Whether a lambda or anonymous function folds into the entry it is written in: inside a
    /// function-like entry (before any class or object boundary) it does. Outside any, a lambda
    /// inside another lambda entry folds unless its call is labelled by a string (`it("parses")
    /// { }`). Looks at most [`FUNCTION_REACH`] ancestors up.
    fn folds(&self, ancestors: &[Node]) -> bool {
        let of = |a: Node| match self.kinds.of(a) {
            K::Function
            | K::SecondaryConstructor
            | K::Init
            | K::Getter
            | K::Setter
            | K::AnonymousFunction => Enclosing::Function,
            K::Scope | K::Companion | K::ObjectLiteral => Enclosing::Boundary,
            K::Lambda => Enclosing::Literal,
            _ => Enclosing::Other,
        };
        literal_folds(ancestors, FUNCTION_REACH, of, || {
            self.call_of(ancestors)
                .and_then(|call| self.label(call))
                .is_none()
        })
    }

    /// The call a lambda is passed to: the `annotated_lambda` of a trailing lambda (its call
    /// the node around it), or a `value_argument` of a call or constructor invocation.
    fn call_of<'t>(&self, ancestors: &[Node<'t>]) -> Option<Node<'t>> {
        match ancestors {
            [.., call, held] if self.kinds.of(*held) == K::AnnotatedLambda => {
                Some(*call).filter(|c| self.kinds.of(*c) == K::Call)
            }
            [.., call, arguments, argument]
                if self.kinds.of(*argument) == K::ValueArgument
                    && self.kinds.of(*arguments) == K::ValueArguments =>
            {
                Some(*call)
                    .filter(|c| matches!(self.kinds.of(*c), K::Call | K::ConstructorInvocation))
            }
            _ => None,
        }
    }

    /// What a call calls, as written, and its argument list: a trailing-lambda call
    /// `test("x") { }` is a call around the call `test("x")`.
    fn callee_and_arguments<'t>(&self, call: Node<'t>) -> (Option<Node<'t>>, Option<Node<'t>>) {
        let mut children = named_children(&self.common, call);
        let first = children.next();
        match first.map(|f| (f, self.kinds.of(f))) {
            Some((inner, K::Call)) => {
                let mut inner_children = named_children(&self.common, inner);
                let callee = inner_children.next();
                let args = inner_children.find(|c| self.kinds.of(*c) == K::ValueArguments);
                (callee, args)
            }
            Some((callee, _)) => {
                let args = named_children(&self.common, call)
                    .find(|c| self.kinds.of(*c) == K::ValueArguments);
                (Some(callee), args)
            }
            None => (None, None),
        }
    }

    /// A call's first argument when it is a string literal: the label of its lambda.
    fn label<'t>(&self, call: Node<'t>) -> Option<Node<'t>> {
        let (_, args) = self.callee_and_arguments(call);
        let first = named_children(&self.common, args?).next()?;
        named_children(&self.common, first)
            .next()
            .filter(|v| self.kinds.of(*v) == K::StringLiteral)
    }

    /// The name of a lambda entry: the property it initialises, else its call
    /// (`describe("parser") callback`), else `(anonymous)`.
    fn lambda_name(&self, ancestors: &[Node], src: &[u8]) -> String {
        if let Some(property) = ancestors
            .last()
            .filter(|p| self.kinds.of(**p) == K::PropertyDeclaration)
        {
            if let Some(name) = self.property_name(*property, src) {
                return name;
            }
        }
        self.call_of(ancestors)
            .and_then(|call| self.call_name(call, src))
            .unwrap_or_else(|| "(anonymous)".to_owned())
    }

    fn call_name(&self, call: Node, src: &[u8]) -> Option<String> {
        let (callee, _) = self.callee_and_arguments(call);
        let callee = source(callee?, src);
        let label = self.label(call).map(|literal| {
            let quoted = source(literal, src);
            quoted.trim_matches('"').to_owned()
        });
        Some(callback_name(&callee, label.as_deref()))
    }

    /// A property's name: its `variable_declaration`'s identifier.
    fn property_name(&self, property: Node, src: &[u8]) -> Option<String> {
        let declaration = named_children(&self.common, property)
            .find(|c| self.kinds.of(*c) == K::VariableDeclaration)?;
        named_children(&self.common, declaration)
            .find(|c| self.kinds.of(*c) == K::Identifier)
            .map(|n| text(n, src))
    }

    /// An extension function's receiver type (`String` in `fun String.words()`): the type
    /// before the `.` that precedes its name.
    fn receiver(&self, node: Node, name: Node, src: &[u8]) -> Option<String> {
        let mut receiver = None;
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            if child == name {
                break;
            }
            match (self.kinds.of(child), self.tokens.of(child)) {
                (K::UserType | K::NullableType, _) => receiver = Some(child),
                (_, K::Dot) => {}
                _ if child.is_named() => receiver = None,
                _ => {}
            }
        }
        receiver.map(|r| text(r, src))
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
}

impl Spec for Kotlin {
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
        let row = node.start_position().row;
        match self.kinds.get(kind) {
            // Named functions are entries wherever they stand: members, top-level, local, and
            // the methods of an object literal.
            K::Function if self.has_body(node) => {
                let name = self.name.child(node)?;
                let qualifier = self.receiver(node, name, src);
                Some(Self::decl(
                    text(name, src),
                    qualifier,
                    self.params(node),
                    name.start_position().row,
                ))
            }
            K::SecondaryConstructor if self.has_body(node) => Some(Self::decl(
                "constructor".to_owned(),
                None,
                self.params(node),
                row,
            )),
            K::Init => Some(Self::decl("init".to_owned(), None, 0, row)),
            K::Getter | K::Setter if self.has_body(node) => {
                let property = ancestors
                    .last()
                    .filter(|p| self.kinds.of(**p) == K::PropertyDeclaration)
                    .and_then(|p| self.property_name(*p, src))
                    .unwrap_or_else(|| "(property)".to_owned());
                let accessor = if self.kinds.get(kind) == K::Getter {
                    "get"
                } else {
                    "set"
                };
                let params = u32::from(self.kinds.get(kind) == K::Setter);
                Some(Self::decl(accessor.to_owned(), Some(property), params, row))
            }
            K::Lambda | K::AnonymousFunction if !self.folds(ancestors) => Some(FunctionDecl {
                name: self.lambda_name(ancestors, src),
                qualifier: None,
                joint: None,
                params: self.params(node),
                start_row: row,
            }),
            _ => None,
        }
    }

    fn scope(&self, node: Node, kind: u16, src: &[u8]) -> Option<String> {
        match self.kinds.get(kind) {
            K::Scope => self.name.child(node).map(|n| text(n, src)),
            K::Companion => Some(
                self.name
                    .child(node)
                    .map_or_else(|| "Companion".to_owned(), |n| text(n, src)),
            ),
            _ => None,
        }
    }

    fn construct(&self, node: Node, kind: u16, ancestors: &[Node], src: &[u8]) -> Construct {
        match self.kinds.get(kind) {
            K::If => Construct::If,
            K::For | K::While | K::DoWhile => Construct::Loop,
            K::When => Construct::Switch,
            K::WhenEntry if node.child(0).is_some_and(|c| self.tokens.of(c) != K::Else) => {
                Construct::Case
            }
            K::Catch => Construct::Catch,
            K::Binary => match self.common.operator.child(node) {
                Some(op) => match (self.logical.of(op), self.elvis.of(op)) {
                    (Some(l), _) => Construct::Logical(l),
                    (None, Some(_)) => Construct::Decision,
                    (None, None) => Construct::None,
                },
                None => Construct::None,
            },
            // `break@outer` / `continue@outer`: the grammar reads the jump as a label.
            K::Labeled
                if node.child(0).is_some_and(|l| {
                    self.kinds.of(l) == K::Label && {
                        let label = source(l, src);
                        label.starts_with("break@") || label.starts_with("continue@")
                    }
                }) =>
            {
                Construct::Jump
            }
            K::Lambda | K::AnonymousFunction if self.folds(ancestors) => Construct::Lambda,
            K::Call => Construct::Call,
            _ => Construct::None,
        }
    }

    fn part(&self, parent: u16, previous: Option<u16>, _kind: u16, named: bool) -> Option<Part> {
        if !named {
            return None;
        }
        let previous = self.tokens.get(previous?);
        match (self.kinds.get(parent), previous) {
            (K::If, K::CloseParen) => Some(Part::Consequence),
            (K::If, K::Else) => Some(Part::Alternative),
            (K::For | K::While, K::CloseParen) | (K::DoWhile, K::Do) => Some(Part::Body),
            _ => None,
        }
    }

    fn callee<'s>(&self, node: Node, src: &'s [u8]) -> Option<&'s str> {
        // `f(…)` (or `f { }`): a call through another receiver is another object's function.
        // A trailing-lambda call `f(x) { }` holds the call `f(x)`, which counts for itself.
        let callee = named_children(&self.common, node)
            .next()
            .filter(|c| self.kinds.of(*c) == K::Identifier)?;
        std::str::from_utf8(&src[callee.byte_range()]).ok()
    }
}
