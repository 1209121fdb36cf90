//! Python: `def` (sync or async, in classes or nested in other functions) is an entry; `lambda`
//! folds into its function. `elif` is its own clause, `match` adds one per `case`, and each `for` /
//! `if` inside a comprehension is a decision. Receivers `self` / `cls` are not parameters.
//!
//! Cognitive complexity follows complexipy where the SonarSource paper says nothing: a
//! comprehension is a loop (its first `for` is +1 plus nesting, its element one level deeper,
//! each further `for` +1 plus nesting, each `if` +1), and `try`'s or a loop's `else` adds nothing.

use tree_sitter::Node;

use super::{
    field_text, logical_operator, named_children, operators, text, Common, Construct, Field,
    FunctionDecl, Kinds, Language, Operators, Spec, Vocabulary,
};

/// The node kinds this file tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum K {
    Other,
    FunctionDefinition,
    ClassDefinition,
    Separator,
    Identifier,
    TypedParameter,
    Attribute,
    If,
    Elif,
    Loop,
    Match,
    Case,
    Except,
    Conditional,
    BooleanOperator,
    Comprehension,
    ForIn,
    IfClause,
    Lambda,
    Call,
}

pub struct Python {
    common: Common,
    kinds: Kinds<K>,
    logical: Operators,
    name: Field,
    parameters: Field,
    function: Field,
    object: Field,
    attribute: Field,
}

impl Python {
    pub fn new(language: Language) -> Self {
        let g = &language.grammar();
        Python {
            common: Common::new(g, &Vocabulary::DEFAULT),
            kinds: Kinds::new(g, K::Other, |name| {
                Some(match name {
                    "function_definition" => K::FunctionDefinition,
                    "class_definition" => K::ClassDefinition,
                    "positional_separator" | "keyword_separator" => K::Separator,
                    "identifier" => K::Identifier,
                    "typed_parameter" => K::TypedParameter,
                    "attribute" => K::Attribute,
                    "if_statement" => K::If,
                    "elif_clause" => K::Elif,
                    "for_statement" | "while_statement" => K::Loop,
                    "match_statement" => K::Match,
                    "case_clause" => K::Case,
                    "except_clause" | "except_group_clause" => K::Except,
                    "conditional_expression" => K::Conditional,
                    "boolean_operator" => K::BooleanOperator,
                    "list_comprehension"
                    | "set_comprehension"
                    | "dictionary_comprehension"
                    | "generator_expression" => K::Comprehension,
                    "for_in_clause" => K::ForIn,
                    "if_clause" => K::IfClause,
                    "lambda" => K::Lambda,
                    "call" => K::Call,
                    _ => return None,
                })
            }),
            logical: operators(g, &[("and", "and"), ("or", "or")]),
            name: Field::new(g, "name"),
            parameters: Field::new(g, "parameters"),
            function: Field::new(g, "function"),
            object: Field::new(g, "object"),
            attribute: Field::new(g, "attribute"),
        }
    }
}

impl Spec for Python {
    fn common(&self) -> &Common {
        &self.common
    }

    fn function(
        &self,
        node: Node,
        kind: u16,
        _ancestors: &[Node],
        src: &[u8],
    ) -> Option<FunctionDecl> {
        if self.kinds.get(kind) != K::FunctionDefinition {
            return None;
        }
        let name = self.name.child(node)?;
        let params = self.parameters.child(node).map_or(0, |p| {
            named_children(&self.common, p)
                .enumerate()
                .filter(|(i, c)| !(*i == 0 && self.is_receiver(*c, src)))
                .filter(|(_, c)| self.kinds.of(*c) != K::Separator)
                .count()
        });
        Some(FunctionDecl {
            name: text(name, src),
            qualifier: None,
            joint: None,
            params: params as u32,
            start_row: name.start_position().row,
        })
    }

    fn scope(&self, node: Node, kind: u16, src: &[u8]) -> Option<String> {
        (self.kinds.get(kind) == K::ClassDefinition)
            .then(|| field_text(node, self.name, src))
            .flatten()
    }

    fn construct(&self, node: Node, kind: u16, ancestors: &[Node], _src: &[u8]) -> Construct {
        match self.kinds.get(kind) {
            K::If => Construct::If,
            K::Elif => Construct::ElseIf,
            K::Loop => Construct::Loop,
            K::Match => Construct::Switch,
            K::Case => Construct::Case,
            K::Except => Construct::Catch,
            K::Conditional => Construct::Ternary,
            K::BooleanOperator => logical_operator(&self.common, node, &self.logical)
                .map_or(Construct::None, Construct::Logical),
            // A comprehension is a loop: its element is nested, and it is structural (+1 plus
            // nesting) like a `for` statement; its first `for` is the loop's decision, each
            // further `for` is another loop at the same level, each `if` a filter (as
            // complexipy counts them).
            K::Comprehension => Construct::UnconditionalLoop,
            K::ForIn if self.is_first_for(node) => Construct::Decision,
            K::ForIn => Construct::Loop,
            // A `case … if …:` guard is a decision like any match guard, with no cognitive
            // increment (complexipy agrees).
            K::IfClause
                if ancestors
                    .last()
                    .is_some_and(|p| self.kinds.of(*p) == K::Case) =>
            {
                Construct::Decision
            }
            K::IfClause => Construct::Filter,
            K::Lambda => Construct::Lambda,
            K::Call => Construct::Call,
            _ => Construct::None,
        }
    }

    fn callee<'s>(&self, node: Node, src: &'s [u8]) -> Option<&'s str> {
        // `f(…)`, or `self.f(…)` / `cls.f(…)`: a call on another object (`other.f(…)`,
        // `super().f(…)`) is not a recursive call, whatever its name.
        let f = self.function.child(node)?;
        let name = match self.kinds.of(f) {
            K::Identifier => f,
            K::Attribute
                if self.object.child(f).is_some_and(|o| {
                    self.kinds.of(o) == K::Identifier
                        && matches!(&src[o.byte_range()], b"self" | b"cls")
                }) =>
            {
                self.attribute.child(f)?
            }
            _ => return None,
        };
        std::str::from_utf8(&src[name.byte_range()]).ok()
    }
}

impl Python {
    /// Whether a comprehension's `for` clause is its first.
    fn is_first_for(&self, node: Node) -> bool {
        let mut prev = node.prev_named_sibling();
        while let Some(p) = prev {
            if self.kinds.of(p) == K::ForIn {
                return false;
            }
            prev = p.prev_named_sibling();
        }
        true
    }

    /// `self` / `cls` as the first parameter (plain or annotated).
    fn is_receiver(&self, param: Node, src: &[u8]) -> bool {
        let ident = match self.kinds.of(param) {
            K::Identifier => Some(param),
            K::TypedParameter => super::first_named(&self.common, param),
            _ => None,
        };
        ident.is_some_and(|i| matches!(&src[i.byte_range()], b"self" | b"cls"))
    }
}
