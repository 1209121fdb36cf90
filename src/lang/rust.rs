//! Rust: `fn` items with a body are entries (in `impl`, `trait`, `mod` or nested in another
//! function); closures fold into their function. `match` adds arms − 1, guards and `?` add one
//! each, `let … else` adds one, `loop` nests but is no decision.

use tree_sitter::Node;

use super::{field_text, logical_operator, named_children, text, Construct, FunctionDecl, Spec};

pub struct Rust;

impl Spec for Rust {
    fn separator(&self) -> &'static str {
        "::"
    }

    fn function(&self, node: Node, _ancestors: &[Node], src: &[u8]) -> Option<FunctionDecl> {
        if node.kind() != "function_item" || node.child_by_field_name("body").is_none() {
            return None;
        }
        let name = node.child_by_field_name("name")?;
        let params = node.child_by_field_name("parameters").map_or(0, |p| {
            named_children(p)
                .filter(|c| !matches!(c.kind(), "self_parameter" | "attribute_item"))
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
            "impl_item" => {
                let ty = node.child_by_field_name("type")?;
                // `impl<T> Foo<T>` is scope `Foo`: generics are noise in a qualified name.
                let ty = match ty.kind() {
                    "generic_type" => ty.child_by_field_name("type").unwrap_or(ty),
                    _ => ty,
                };
                Some(text(ty, src))
            }
            "trait_item" | "mod_item" => field_text(node, "name", src),
            _ => None,
        }
    }

    fn construct(&self, node: Node, ancestors: &[Node], _src: &[u8]) -> Construct {
        match node.kind() {
            "if_expression" => Construct::If,
            "while_expression" | "for_expression" => Construct::Loop,
            "loop_expression" => Construct::UnconditionalLoop,
            "match_expression" => {
                let arms = node.child_by_field_name("body").map_or(0, |b| {
                    named_children(b)
                        .filter(|c| c.kind() == "match_arm")
                        .count()
                });
                Construct::Match(arms as u32)
            }
            "match_pattern" if node.child_by_field_name("condition").is_some() => {
                Construct::Decision
            }
            "try_expression" => Construct::Decision,
            "let_declaration" if node.child_by_field_name("alternative").is_some() => {
                Construct::Decision
            }
            "binary_expression" => {
                logical_operator(node, &["&&", "||"]).map_or(Construct::None, Construct::Logical)
            }
            "closure_expression" => Construct::Lambda,
            "break_expression" | "continue_expression"
                if named_children(node).any(|c| c.kind() == "label") =>
            {
                Construct::Jump
            }
            "call_expression" => Construct::Call,
            // `if let Some(x) = a && b`: the `&&` of a let chain is a token, not an expression.
            "&&" if ancestors.last().is_some_and(|p| p.kind() == "let_chain") => {
                Construct::Decision
            }
            _ => Construct::None,
        }
    }

    fn callee<'s>(&self, node: Node, src: &'s [u8]) -> Option<&'s str> {
        let f = node.child_by_field_name("function")?;
        let name = match f.kind() {
            "identifier" => f,
            "field_expression" => f.child_by_field_name("field")?,
            "scoped_identifier" => f.child_by_field_name("name")?,
            _ => return None,
        };
        std::str::from_utf8(&src[name.byte_range()]).ok()
    }
}
