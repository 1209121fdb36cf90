//! Python: `def` (sync or async, in classes or nested in other functions) is an entry; `lambda`
//! folds into its function. `elif` is its own clause, `match` adds one per `case`, and each `for` /
//! `if` inside a comprehension is a decision. Receivers `self` / `cls` are not parameters.

use tree_sitter::Node;

use super::{field_text, logical_operator, named_children, text, Construct, FunctionDecl, Spec};

pub struct Python;

impl Spec for Python {
    fn function(&self, node: Node, _ancestors: &[Node], src: &[u8]) -> Option<FunctionDecl> {
        if node.kind() != "function_definition" {
            return None;
        }
        let name = node.child_by_field_name("name")?;
        let params = node.child_by_field_name("parameters").map_or(0, |p| {
            named_children(p)
                .enumerate()
                .filter(|(i, c)| !(*i == 0 && is_receiver(*c, src)))
                .filter(|(_, c)| !matches!(c.kind(), "positional_separator" | "keyword_separator"))
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
        (node.kind() == "class_definition")
            .then(|| field_text(node, "name", src))
            .flatten()
    }

    fn construct(&self, node: Node, _ancestors: &[Node], _src: &[u8]) -> Construct {
        match node.kind() {
            "if_statement" => Construct::If,
            "elif_clause" => Construct::ElseIf,
            "for_statement" | "while_statement" => Construct::Loop,
            "match_statement" => Construct::Switch,
            "case_clause" => Construct::Case,
            "except_clause" | "except_group_clause" => Construct::Catch,
            "conditional_expression" => Construct::Ternary,
            "boolean_operator" => {
                logical_operator(node, &["and", "or"]).map_or(Construct::None, Construct::Logical)
            }
            "for_in_clause" | "if_clause" => Construct::Decision,
            "lambda" => Construct::Lambda,
            "call" => Construct::Call,
            _ => Construct::None,
        }
    }

    fn callee<'s>(&self, node: Node, src: &'s [u8]) -> Option<&'s str> {
        let f = node.child_by_field_name("function")?;
        let name = match f.kind() {
            "identifier" => f,
            "attribute" => f.child_by_field_name("attribute")?,
            _ => return None,
        };
        std::str::from_utf8(&src[name.byte_range()]).ok()
    }
}

/// `self` / `cls` as the first parameter (plain or annotated).
fn is_receiver(param: Node, src: &[u8]) -> bool {
    let ident = match param.kind() {
        "identifier" => Some(param),
        "typed_parameter" => super::first_named(param),
        _ => None,
    };
    ident.is_some_and(|i| matches!(&src[i.byte_range()], b"self" | b"cls"))
}
