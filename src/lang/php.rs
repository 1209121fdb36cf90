//! PHP: functions, methods (of classes, interfaces, traits, enums and anonymous classes) are
//! entries, named as PHP developers write them: `Account::deposit`, `helper`. Closures
//! (`function () use ($x) { … }`) and arrow functions (`fn ($x) => …`) fold into the function or
//! method they are written in, as lizard folds them. Outside any function — a routes file, a
//! config array, a Pest test — each is an entry of its own, named after the variable it is
//! assigned to (`$handler`), or after its call and first string argument
//! (`Route::get("/users") callback`, `describe("parser") callback`, `$app->singleton("cache")
//! callback`); inside such an entry, a closure passed with such a label (`it('parses', …)`,
//! `Route::get('/a', …)`) is an entry again, and one without (`array_map(fn …)`) folds into it
//! (`Php::folds`). Markup outside `<?php … ?>` is not code: it holds no decisions.
//!
//! Decisions, as lizard counts them: `if`, `elseif` (and `else if`), `for`, `foreach`, `while`
//! (also of `do … while`), each `case`, `catch`, `?:`, `&&` and `||`. On purpose unlike lizard:
//! `and` / `or` count as the `&&` / `||` they are (lizard's PHP reader leaves them out); `??`,
//! `??=` and the short ternary `$a ?: $b` count as a decision each, as `??` does in C# and
//! JavaScript here (each picks one of two values: lizard leaves them out); each arm of a `match`
//! other than `default` counts as a `case` does (lizard counts a whole `match` in a function as
//! one); and the `?` of a nullable type (`?string $name`), which lizard's tokens count as a
//! ternary, is a type, never a decision. `?->` is no decision, in both tools.

use tree_sitter::Node;

use super::{
    callback_name, literal_folds, lookup, named_children, operators, source, text, Common,
    Construct, Enclosing, Field, FunctionDecl, Kinds, Language, Operators, Spec, Vocabulary,
};

/// The node kinds this file tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum K {
    Other,
    Function,
    Method,
    /// `function () use (…) { … }` and `fn () => …`.
    Closure,
    /// `class`, `interface`, `trait`, `enum`: named scopes.
    Scope,
    /// `new class { … }`: a scope with no name.
    AnonymousClass,
    If,
    ElseIf,
    Loop,
    /// `switch` and `match`.
    Switch,
    /// `case` and a `match` arm other than `default`.
    Case,
    Catch,
    Ternary,
    Binary,
    AugmentedAssignment,
    Goto,
    /// `break` and `continue`, which may name how many loops they leave.
    BreakOrContinue,
    FunctionCall,
    MemberCall,
    ScopedCall,
    ObjectCreation,
    Arguments,
    Argument,
    Assignment,
    StringLiteral,
    Integer,
    VariableName,
    Name,
    RelativeScope,
}

const NAMED: &[(&str, K)] = &[
    ("function_definition", K::Function),
    ("method_declaration", K::Method),
    ("anonymous_function", K::Closure),
    ("anonymous_function_creation_expression", K::Closure),
    ("arrow_function", K::Closure),
    ("class_declaration", K::Scope),
    ("interface_declaration", K::Scope),
    ("trait_declaration", K::Scope),
    ("enum_declaration", K::Scope),
    ("anonymous_class", K::AnonymousClass),
    ("if_statement", K::If),
    ("else_if_clause", K::ElseIf),
    ("for_statement", K::Loop),
    ("foreach_statement", K::Loop),
    ("while_statement", K::Loop),
    ("do_statement", K::Loop),
    ("switch_statement", K::Switch),
    ("match_expression", K::Switch),
    ("case_statement", K::Case),
    ("match_conditional_expression", K::Case),
    ("catch_clause", K::Catch),
    ("conditional_expression", K::Ternary),
    ("binary_expression", K::Binary),
    ("augmented_assignment_expression", K::AugmentedAssignment),
    ("goto_statement", K::Goto),
    ("break_statement", K::BreakOrContinue),
    ("continue_statement", K::BreakOrContinue),
    ("function_call_expression", K::FunctionCall),
    ("member_call_expression", K::MemberCall),
    ("nullsafe_member_call_expression", K::MemberCall),
    ("scoped_call_expression", K::ScopedCall),
    ("object_creation_expression", K::ObjectCreation),
    ("arguments", K::Arguments),
    ("argument", K::Argument),
    ("assignment_expression", K::Assignment),
    ("string", K::StringLiteral),
    ("encapsed_string", K::StringLiteral),
    ("integer", K::Integer),
    ("variable_name", K::VariableName),
    ("name", K::Name),
    ("relative_scope", K::RelativeScope),
];

/// How far up [`Php::folds`] looks: about 60 levels of closures within closures (each level is
/// a call, its arguments, an argument, the closure and its body), far past any real function.
const FUNCTION_REACH: usize = 320;

const WORDS: Vocabulary = Vocabulary {
    annotations: &["attribute_list"],
    // An `if`'s branch is its `body`, as a loop's is.
    consequence: "body",
    ..Vocabulary::DEFAULT
};

pub struct Php {
    common: Common,
    kinds: Kinds<K>,
    logical: Operators,
    coalescing: Operators,
    name: Field,
    parameters: Field,
    function: Field,
    object: Field,
    scope: Field,
    arguments: Field,
    left: Field,
}

impl Php {
    pub fn new(language: Language) -> Self {
        let g = &language.grammar();
        Php {
            common: Common::new(g, &WORDS),
            // Named kinds only: `string` and `match` are also keywords.
            kinds: Kinds::named(g, K::Other, lookup(NAMED)),
            // `and` / `or` are `&&` / `||` with another precedence: one sequence either way.
            logical: operators(
                g,
                &[("&&", "&&"), ("and", "&&"), ("||", "||"), ("or", "||")],
            ),
            coalescing: operators(g, &[("??", "??"), ("??=", "??=")]),
            name: Field::new(g, "name"),
            parameters: Field::new(g, "parameters"),
            function: Field::new(g, "function"),
            object: Field::new(g, "object"),
            scope: Field::new(g, "scope"),
            arguments: Field::new(g, "arguments"),
            left: Field::new(g, "left"),
        }
    }

    fn params(&self, node: Node) -> u32 {
        self.parameters
            .child(node)
            .map_or(0, |list| named_children(&self.common, list).count() as u32)
    }

    /// Whether a closure folds into the entry it is written in. Inside a function or method it
    /// always does, as lizard folds it. Outside any, it is an entry: nothing else would count
    /// its decisions. Inside such an entry, it is an entry of its own when its call is labelled
    /// by a string (`it('parses', function () { … })`, `Route::get('/a', …)`), and folds into
    /// it otherwise (`array_map(fn ($x) => …, $xs)`). Looks at most [`FUNCTION_REACH`]
    /// ancestors up, so closures nested thousands deep cost linear time, not quadratic.
    fn folds(&self, ancestors: &[Node]) -> bool {
        let of = |a: Node| match self.kinds.of(a) {
            K::Function | K::Method => Enclosing::Function,
            K::Scope | K::AnonymousClass => Enclosing::Boundary,
            K::Closure => Enclosing::Literal,
            _ => Enclosing::Other,
        };
        literal_folds(ancestors, FUNCTION_REACH, of, || {
            self.call_of(ancestors)
                .and_then(|call| self.label(call))
                .is_none()
        })
    }

    /// The call a closure is an argument of: `argument` ← `arguments` ← the call.
    fn call_of<'t>(&self, ancestors: &[Node<'t>]) -> Option<Node<'t>> {
        match ancestors {
            [.., call, arguments, argument]
                if self.kinds.of(*argument) == K::Argument
                    && self.kinds.of(*arguments) == K::Arguments =>
            {
                Some(*call).filter(|c| {
                    matches!(
                        self.kinds.of(*c),
                        K::FunctionCall | K::MemberCall | K::ScopedCall | K::ObjectCreation
                    )
                })
            }
            _ => None,
        }
    }

    /// A call's first argument when it is a string literal (`describe('parser', …)`): the
    /// label of its callback.
    fn label<'t>(&self, call: Node<'t>) -> Option<Node<'t>> {
        // `new Pipeline(…)` holds its arguments in no field.
        let args = self.arguments.child(call).or_else(|| {
            named_children(&self.common, call).find(|c| self.kinds.of(*c) == K::Arguments)
        })?;
        let first = named_children(&self.common, args).next()?;
        named_children(&self.common, first)
            .next()
            .filter(|value| self.kinds.of(*value) == K::StringLiteral)
    }

    /// The name of a closure entry: the variable or property it is assigned to (`$handler`),
    /// else its call (`Route::get("/users") callback`), else `(anonymous)`.
    fn closure_name(&self, ancestors: &[Node], src: &[u8]) -> String {
        if let Some(assignment) = ancestors
            .last()
            .filter(|p| self.kinds.of(**p) == K::Assignment)
        {
            if let Some(left) = self.left.child(*assignment) {
                return text(left, src);
            }
        }
        self.call_of(ancestors)
            .and_then(|call| self.call_name(call, src))
            .unwrap_or_else(|| "(anonymous)".to_owned())
    }

    /// [`callback_name`] over a call: its callee as written (`Route::get`, `$app->bind`,
    /// `describe`, `new Pipeline`) and its [label](Php::label) without quotes.
    fn call_name(&self, call: Node, src: &[u8]) -> Option<String> {
        let callee = match self.kinds.of(call) {
            K::FunctionCall => source(self.function.child(call)?, src),
            K::MemberCall | K::ScopedCall => {
                let name = self.name.child(call)?;
                String::from_utf8_lossy(&src[call.start_byte()..name.end_byte()])
            }
            K::ObjectCreation => {
                let class = named_children(&self.common, call).next()?;
                format!("new {}", source(class, src)).into()
            }
            _ => return None,
        };
        let label = self.label(call).map(|literal| {
            let quoted = source(literal, src);
            let mut inner = quoted.chars();
            inner.next();
            inner.next_back();
            inner.as_str().to_owned()
        });
        Some(callback_name(&callee, label.as_deref()))
    }

    /// `break 2` / `continue 2`: a jump out of more than the innermost loop.
    fn leaves_outer_loop(&self, node: Node, src: &[u8]) -> bool {
        named_children(&self.common, node)
            .next()
            .filter(|level| self.kinds.of(*level) == K::Integer)
            .is_some_and(|level| source(level, src).trim() != "1")
    }
}

impl Spec for Php {
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
        match self.kinds.get(kind) {
            K::Function | K::Method => {
                self.common.body.child(node)?;
                let name = self.name.child(node)?;
                Some(FunctionDecl {
                    name: text(name, src),
                    qualifier: None,
                    joint: None,
                    params: self.params(node),
                    // At the name, past attributes and modifiers.
                    start_row: name.start_position().row,
                })
            }
            K::Closure if !self.folds(ancestors) => Some(FunctionDecl {
                name: self.closure_name(ancestors, src),
                qualifier: None,
                joint: Some("."),
                params: self.params(node),
                start_row: node.start_position().row,
            }),
            _ => None,
        }
    }

    fn scope(&self, node: Node, kind: u16, src: &[u8]) -> Option<String> {
        match self.kinds.get(kind) {
            K::Scope => self.name.child(node).map(|n| text(n, src)),
            K::AnonymousClass => Some("(anonymous class)".to_owned()),
            _ => None,
        }
    }

    fn construct(&self, node: Node, kind: u16, ancestors: &[Node], src: &[u8]) -> Construct {
        match self.kinds.get(kind) {
            K::If => Construct::If,
            K::ElseIf => Construct::ElseIf,
            K::Loop => Construct::Loop,
            K::Switch => Construct::Switch,
            K::Case => Construct::Case,
            K::Catch => Construct::Catch,
            K::Ternary => Construct::Ternary,
            K::Binary => match self.common.operator.child(node) {
                Some(op) => match (self.logical.of(op), self.coalescing.of(op)) {
                    (Some(l), _) => Construct::Logical(l),
                    (None, Some(_)) => Construct::Decision,
                    (None, None) => Construct::None,
                },
                None => Construct::None,
            },
            K::AugmentedAssignment
                if self
                    .common
                    .operator
                    .child(node)
                    .is_some_and(|op| self.coalescing.of(op).is_some()) =>
            {
                Construct::Decision
            }
            K::Goto => Construct::Jump,
            K::BreakOrContinue if self.leaves_outer_loop(node, src) => Construct::Jump,
            K::Closure if self.folds(ancestors) => Construct::Lambda,
            K::FunctionCall | K::MemberCall | K::ScopedCall => Construct::Call,
            _ => Construct::None,
        }
    }

    fn callee<'s>(&self, node: Node, src: &'s [u8]) -> Option<&'s str> {
        // `f(…)`, `$this->f(…)`, `self::f(…)` / `static::f(…)`: a call on another object or
        // class is another one's method.
        let name = match self.kinds.of(node) {
            K::FunctionCall => self
                .function
                .child(node)
                .filter(|f| self.kinds.of(*f) == K::Name)?,
            K::MemberCall
                if self.object.child(node).is_some_and(|o| {
                    self.kinds.of(o) == K::VariableName && &src[o.byte_range()] == b"$this"
                }) =>
            {
                self.name.child(node)?
            }
            K::ScopedCall
                if self
                    .scope
                    .child(node)
                    .is_some_and(|s| self.kinds.of(s) == K::RelativeScope) =>
            {
                self.name.child(node)?
            }
            _ => return None,
        };
        std::str::from_utf8(&src[name.byte_range()]).ok()
    }
}
