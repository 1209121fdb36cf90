//! Java: methods and constructors with a body are entries, qualified by their enclosing class,
//! interface, enum or record (`Outer.Inner.method`); lambdas fold into their method. Each `case`
//! label is a decision (`case A, B ->` is one), `default` is not; a pattern guard (`when`) is one.

use tree_sitter::Node;

use super::{field_text, logical_operator, named_children, text, Construct, FunctionDecl, Spec};

pub struct Java;

impl Spec for Java {
    fn function(&self, node: Node, _ancestors: &[Node], src: &[u8]) -> Option<FunctionDecl> {
        if !matches!(
            node.kind(),
            "method_declaration" | "constructor_declaration" | "compact_constructor_declaration"
        ) {
            return None;
        }
        node.child_by_field_name("body")?;
        let name = node.child_by_field_name("name")?;
        let params = node.child_by_field_name("parameters").map_or(0, |p| {
            named_children(p)
                .filter(|c| c.kind() != "receiver_parameter")
                .count()
        });
        Some(FunctionDecl {
            name: text(name, src),
            qualifier: None,
            params: params as u32,
            start_row: name.start_position().row,
        })
    }

    fn scope(&self, node: Node, src: &[u8]) -> Option<String> {
        match node.kind() {
            "class_declaration"
            | "interface_declaration"
            | "enum_declaration"
            | "record_declaration"
            | "annotation_type_declaration" => field_text(node, "name", src),
            _ => None,
        }
    }

    fn construct(&self, node: Node, _ancestors: &[Node], src: &[u8]) -> Construct {
        match node.kind() {
            "if_statement" => Construct::If,
            "for_statement" | "enhanced_for_statement" | "while_statement" | "do_statement" => {
                Construct::Loop
            }
            "switch_expression" => Construct::Switch,
            "switch_label" if !src[node.byte_range()].starts_with(b"default") => Construct::Case,
            "guard" => Construct::Decision,
            "catch_clause" => Construct::Catch,
            "ternary_expression" => Construct::Ternary,
            "binary_expression" => {
                logical_operator(node, &["&&", "||"]).map_or(Construct::None, Construct::Logical)
            }
            "lambda_expression" => Construct::Lambda,
            "break_statement" | "continue_statement"
                if named_children(node).any(|c| c.kind() == "identifier") =>
            {
                Construct::Jump
            }
            "method_invocation" => Construct::Call,
            _ => Construct::None,
        }
    }

    fn callee<'s>(&self, node: Node, src: &'s [u8]) -> Option<&'s str> {
        // `f(…)` or `this.f(…)`; `other.f(…)` and `super.f(…)` call another object's method.
        if node
            .child_by_field_name("object")
            .is_some_and(|o| o.kind() != "this")
        {
            return None;
        }
        let name = node.child_by_field_name("name")?;
        std::str::from_utf8(&src[name.byte_range()]).ok()
    }
}
