//! JavaScript (and JSX): function declarations, function expressions, generators, methods and
//! arrow functions are all entries; a function literal is named after what it is bound to
//! (`const f = () => …`, `{ f: function () {} }`, `obj.f = …`, a class field), or, passed to a
//! call, after the call and its first string argument (`describe("parse") callback`,
//! `items.map callback`: `lang::callback_name`), else `(anonymous)`. Default parameter values
//! and logical assignments (`&&=`, `||=`, `??=`) are decisions; `??` is a short-circuit operator
//! like `&&` and `||`.
//!
//! TypeScript (`typescript.rs`) shares this file's rules and adds its own declarations.

use tree_sitter::Node;

use super::{
    callback_name, field_text, logical_operator, named_children, operators, source, squeeze, text,
    Common, Construct, Field, FunctionDecl, Kinds, Language, Operators, Spec, Vocabulary,
};

/// The node kinds this file tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum K {
    Other,
    /// Function declarations and expressions, generators, arrow functions.
    Function,
    Method,
    Parenthesized,
    VariableDeclarator,
    Pair,
    Assignment,
    Member,
    FieldDefinition,
    This,
    Scope,
    If,
    Loop,
    Switch,
    Case,
    Catch,
    Ternary,
    Binary,
    AugmentedAssignment,
    AssignmentPattern,
    Parameter,
    BreakOrContinue,
    Call,
    Identifier,
    /// The argument list of a call or `new`.
    Arguments,
    New,
    /// A string literal, or a template literal (a callback's label: `it('parses', …)`).
    StringLiteral,
}

pub struct JavaScript {
    common: Common,
    kinds: Kinds<K>,
    logical: Operators,
    logical_assignment: Operators,
    name: Field,
    parameters: Field,
    parameter: Field,
    key: Field,
    left: Field,
    property: Field,
    pattern: Field,
    value: Field,
    label: Field,
    function: Field,
    object: Field,
    constructor: Field,
}

impl JavaScript {
    /// The rules over `language`'s grammar: JavaScript's, TypeScript's or TSX's.
    pub fn new(language: Language) -> Self {
        let g = &language.grammar();
        JavaScript {
            common: Common::new(g, &Vocabulary::DEFAULT),
            kinds: Kinds::new(g, K::Other, |name| {
                Some(match name {
                    "function_declaration"
                    | "function_expression"
                    | "generator_function_declaration"
                    | "generator_function"
                    | "arrow_function" => K::Function,
                    "method_definition" => K::Method,
                    "parenthesized_expression" => K::Parenthesized,
                    "variable_declarator" => K::VariableDeclarator,
                    "pair" => K::Pair,
                    "assignment_expression" => K::Assignment,
                    "member_expression" => K::Member,
                    "public_field_definition" | "field_definition" => K::FieldDefinition,
                    "this" => K::This,
                    "class_declaration"
                    | "class"
                    | "abstract_class_declaration"
                    | "internal_module"
                    | "module" => K::Scope,
                    "if_statement" => K::If,
                    "for_statement" | "for_in_statement" | "while_statement" | "do_statement" => {
                        K::Loop
                    }
                    "switch_statement" => K::Switch,
                    "switch_case" => K::Case,
                    "catch_clause" => K::Catch,
                    "ternary_expression" => K::Ternary,
                    "binary_expression" => K::Binary,
                    "augmented_assignment_expression" => K::AugmentedAssignment,
                    "assignment_pattern" | "object_assignment_pattern" => K::AssignmentPattern,
                    "required_parameter" | "optional_parameter" => K::Parameter,
                    "break_statement" | "continue_statement" => K::BreakOrContinue,
                    "call_expression" => K::Call,
                    "identifier" => K::Identifier,
                    "arguments" => K::Arguments,
                    "new_expression" => K::New,
                    "string" | "template_string" => K::StringLiteral,
                    _ => return None,
                })
            }),
            logical: operators(g, &[("&&", "&&"), ("||", "||"), ("??", "??")]),
            logical_assignment: operators(g, &[("&&=", "&&="), ("||=", "||="), ("??=", "??=")]),
            name: Field::new(g, "name"),
            parameters: Field::new(g, "parameters"),
            parameter: Field::new(g, "parameter"),
            key: Field::new(g, "key"),
            left: Field::new(g, "left"),
            property: Field::new(g, "property"),
            pattern: Field::new(g, "pattern"),
            value: Field::new(g, "value"),
            label: Field::new(g, "label"),
            function: Field::new(g, "function"),
            object: Field::new(g, "object"),
            constructor: Field::new(g, "constructor"),
        }
    }

    /// The name a function literal is bound to, if any.
    fn binding_name(&self, ancestors: &[Node], src: &[u8]) -> Option<String> {
        let parent = *ancestors
            .iter()
            .rev()
            .find(|a| self.kinds.of(**a) != K::Parenthesized)?;
        let named = match self.kinds.of(parent) {
            K::VariableDeclarator => self.name.child(parent)?,
            K::Pair => self.key.child(parent)?,
            K::Assignment => {
                let left = self.left.child(parent)?;
                match self.kinds.of(left) {
                    K::Member => self.property.child(left)?,
                    _ => left,
                }
            }
            K::FieldDefinition => self
                .name
                .child(parent)
                .or_else(|| self.property.child(parent))?,
            _ => return None,
        };
        Some(text(named, src))
    }

    /// The name of a function literal passed to a call or `new` (`describe("parse") callback`,
    /// `items.map callback`, `new Promise callback`): [`callback_name`] over the callee as written
    /// and the first argument when it is a string or template literal.
    fn callback_name(&self, ancestors: &[Node], src: &[u8]) -> Option<String> {
        let mut up = ancestors
            .iter()
            .rev()
            .filter(|a| self.kinds.of(**a) != K::Parenthesized);
        let arguments = *up.next()?;
        if self.kinds.of(arguments) != K::Arguments {
            return None;
        }
        let call = *up.next()?;
        let callee = match self.kinds.of(call) {
            K::Call => source(self.function.child(call)?, src),
            K::New => format!(
                "new {}",
                squeeze(&source(self.constructor.child(call)?, src), 60)
            )
            .into(),
            _ => return None,
        };
        let quoted = named_children(&self.common, arguments)
            .next()
            .filter(|first| self.kinds.of(*first) == K::StringLiteral)
            .map(|first| source(first, src));
        let label = quoted.as_deref().map(|q| {
            let mut inner = q.chars();
            inner.next();
            inner.next_back();
            inner.as_str()
        });
        Some(callback_name(&callee, label))
    }

    fn is_this_parameter(&self, param: Node) -> bool {
        self.pattern
            .child(param)
            .is_some_and(|p| self.kinds.of(p) == K::This)
    }
}

impl Spec for JavaScript {
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
        let kind = self.kinds.get(kind);
        if !matches!(kind, K::Function | K::Method) {
            return None;
        }
        self.common.body.child(node)?;
        let own_name = self.name.child(node);
        let name = match own_name {
            Some(n) => text(n, src),
            None => self
                .binding_name(ancestors, src)
                .or_else(|| self.callback_name(ancestors, src))
                .unwrap_or_else(|| "(anonymous)".to_string()),
        };
        let params = match self.parameters.child(node) {
            Some(p) => named_children(&self.common, p)
                .filter(|c| !self.is_this_parameter(*c))
                .count(),
            None => usize::from(self.parameter.is_on(node)),
        };
        // Methods start at their name, past decorators and modifiers; literals where they stand.
        let start_row = own_name
            .filter(|_| kind == K::Method)
            .unwrap_or(node)
            .start_position()
            .row;
        Some(FunctionDecl {
            name,
            qualifier: None,
            joint: None,
            params: params as u32,
            start_row,
        })
    }

    fn scope(&self, node: Node, kind: u16, src: &[u8]) -> Option<String> {
        match self.kinds.get(kind) {
            K::Scope => field_text(node, self.name, src),
            _ => None,
        }
    }

    fn construct(&self, node: Node, kind: u16, _ancestors: &[Node], _src: &[u8]) -> Construct {
        match self.kinds.get(kind) {
            K::If => Construct::If,
            K::Loop => Construct::Loop,
            K::Switch => Construct::Switch,
            K::Case => Construct::Case,
            K::Catch => Construct::Catch,
            K::Ternary => Construct::Ternary,
            K::Binary => logical_operator(&self.common, node, &self.logical)
                .map_or(Construct::None, Construct::Logical),
            K::AugmentedAssignment => {
                match logical_operator(&self.common, node, &self.logical_assignment) {
                    Some(_) => Construct::Decision,
                    None => Construct::None,
                }
            }
            // A default value: of a parameter, `function f(a = 1)` (JS) / `f(a: T = 1)` (TS), or
            // inside a destructuring pattern, `const { a = 1, b: [c = 2] } = p`, in a parameter,
            // a declaration, a `for…of` head or an assignment alike (each is `p.a === undefined ?
            // 1 : p.a`; lizard counts them all the same way).
            K::AssignmentPattern => Construct::Decision,
            K::Parameter if self.value.is_on(node) => Construct::Decision,
            K::BreakOrContinue if self.label.is_on(node) => Construct::Jump,
            K::Call => Construct::Call,
            _ => Construct::None,
        }
    }

    fn callee<'s>(&self, node: Node, src: &'s [u8]) -> Option<&'s str> {
        // `f(…)` or `this.f(…)`; `other.f(…)` calls another object's function, whatever its
        // name.
        let f = self.function.child(node)?;
        let name = match self.kinds.of(f) {
            K::Identifier => f,
            K::Member
                if self
                    .object
                    .child(f)
                    .is_some_and(|o| self.kinds.of(o) == K::This) =>
            {
                self.property.child(f)?
            }
            _ => return None,
        };
        std::str::from_utf8(&src[name.byte_range()]).ok()
    }
}
