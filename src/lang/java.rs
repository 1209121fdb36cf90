//! Java: methods and constructors with a body are entries, qualified by their enclosing class,
//! interface, enum or record (`Outer.Inner.method`); lambdas fold into their method. Each `case`
//! label is a decision (`case A, B ->` is one), `default` is not; a pattern guard (`when`) is one.

use tree_sitter::Node;

use super::{
    field_text, logical_operator, named_children, operators, text, Common, Construct, Field,
    FunctionDecl, Kinds, Language, Operators, Spec, Vocabulary,
};

/// The node kinds this file tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum K {
    Other,
    Method,
    ReceiverParameter,
    Scope,
    If,
    Loop,
    Switch,
    SwitchLabel,
    Guard,
    Catch,
    Ternary,
    Binary,
    Lambda,
    BreakOrContinue,
    Identifier,
    Invocation,
    This,
}

pub struct Java {
    common: Common,
    kinds: Kinds<K>,
    logical: Operators,
    name: Field,
    parameters: Field,
    object: Field,
}

impl Java {
    pub fn new(language: Language) -> Self {
        let g = &language.grammar();
        Java {
            common: Common::new(g, &Vocabulary::DEFAULT),
            kinds: Kinds::new(g, K::Other, |name| {
                Some(match name {
                    "method_declaration"
                    | "constructor_declaration"
                    | "compact_constructor_declaration" => K::Method,
                    "receiver_parameter" => K::ReceiverParameter,
                    "class_declaration"
                    | "interface_declaration"
                    | "enum_declaration"
                    | "record_declaration"
                    | "annotation_type_declaration" => K::Scope,
                    "if_statement" => K::If,
                    "for_statement"
                    | "enhanced_for_statement"
                    | "while_statement"
                    | "do_statement" => K::Loop,
                    "switch_expression" => K::Switch,
                    "switch_label" => K::SwitchLabel,
                    "guard" => K::Guard,
                    "catch_clause" => K::Catch,
                    "ternary_expression" => K::Ternary,
                    "binary_expression" => K::Binary,
                    "lambda_expression" => K::Lambda,
                    "break_statement" | "continue_statement" => K::BreakOrContinue,
                    "identifier" => K::Identifier,
                    "method_invocation" => K::Invocation,
                    "this" => K::This,
                    _ => return None,
                })
            }),
            logical: operators(g, &[("&&", "&&"), ("||", "||")]),
            name: Field::new(g, "name"),
            parameters: Field::new(g, "parameters"),
            object: Field::new(g, "object"),
        }
    }
}

impl Spec for Java {
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
        if self.kinds.get(kind) != K::Method {
            return None;
        }
        self.common.body.child(node)?;
        let name = self.name.child(node)?;
        let params = self.parameters.child(node).map_or(0, |p| {
            named_children(&self.common, p)
                .filter(|c| self.kinds.of(*c) != K::ReceiverParameter)
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
        match self.kinds.get(kind) {
            K::Scope => field_text(node, self.name, src),
            _ => None,
        }
    }

    fn construct(&self, node: Node, kind: u16, _ancestors: &[Node], src: &[u8]) -> Construct {
        match self.kinds.get(kind) {
            K::If => Construct::If,
            K::Loop => Construct::Loop,
            K::Switch => Construct::Switch,
            K::SwitchLabel if !src[node.byte_range()].starts_with(b"default") => Construct::Case,
            K::Guard => Construct::Decision,
            K::Catch => Construct::Catch,
            K::Ternary => Construct::Ternary,
            K::Binary => logical_operator(&self.common, node, &self.logical)
                .map_or(Construct::None, Construct::Logical),
            K::Lambda => Construct::Lambda,
            K::BreakOrContinue
                if named_children(&self.common, node)
                    .any(|c| self.kinds.of(c) == K::Identifier) =>
            {
                Construct::Jump
            }
            K::Invocation => Construct::Call,
            _ => Construct::None,
        }
    }

    fn callee<'s>(&self, node: Node, src: &'s [u8]) -> Option<&'s str> {
        // `f(…)` or `this.f(…)`; `other.f(…)` and `super.f(…)` call another object's method.
        if self
            .object
            .child(node)
            .is_some_and(|o| self.kinds.of(o) != K::This)
        {
            return None;
        }
        let name = self.name.child(node)?;
        std::str::from_utf8(&src[name.byte_range()]).ok()
    }
}
