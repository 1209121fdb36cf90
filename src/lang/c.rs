//! C: function definitions are entries, named by the identifier inside their declarator (through
//! pointers, parentheses and attributes: `static char *\nname(void)` is `name`, starting on the
//! name's line). `(void)` declares no parameter. Preprocessor conditionals are parsed with both
//! branches, and the decisions in both count: the metric describes the source, not one build.
//!
//! C++ (`cpp.rs`) extends these rules.

use tree_sitter::Node;

use super::{logical_operator, named_children, text, Construct, FunctionDecl, Spec};

pub struct C;

impl Spec for C {
    fn function(&self, node: Node, _ancestors: &[Node], src: &[u8]) -> Option<FunctionDecl> {
        function(node, src, "::")
    }

    fn scope(&self, _node: Node, _src: &[u8]) -> Option<String> {
        None
    }

    fn construct(&self, node: Node, _ancestors: &[Node], src: &[u8]) -> Construct {
        construct(node, src)
    }

    fn callee<'s>(&self, node: Node, src: &'s [u8]) -> Option<&'s str> {
        callee(node, src)
    }
}

pub(crate) fn function(node: Node, src: &[u8], sep: &str) -> Option<FunctionDecl> {
    if node.kind() != "function_definition" {
        return None;
    }
    node.child_by_field_name("body")?;
    let declarator = function_declarator(node.child_by_field_name("declarator")?)?;
    let name_node = declarator.child_by_field_name("declarator")?;
    let (qualifier, name) = split_qualified(name_node, src, sep);
    let params = declarator
        .child_by_field_name("parameters")
        .map_or(0, |p| parameter_count(p, src));
    Some(FunctionDecl {
        name,
        qualifier,
        params,
        start_row: name_node.start_position().row,
    })
}

/// Descends pointer, reference, parenthesized and attributed declarators to the function one.
fn function_declarator(mut node: Node) -> Option<Node> {
    // Declarators nest a handful deep in real code; the bound keeps hostile input harmless.
    for _ in 0..64 {
        if node.kind() == "function_declarator" {
            return Some(node);
        }
        node = node
            .child_by_field_name("declarator")
            .or_else(|| named_children(node).find(|c| c.kind().ends_with("declarator")))?;
    }
    None
}

/// `A::B::f` → (`Some("A::B")`, `f`); `f` → (`None`, `f`).
fn split_qualified(node: Node, src: &[u8], sep: &str) -> (Option<String>, String) {
    let mut scopes = Vec::new();
    let mut cur = node;
    for _ in 0..64 {
        if cur.kind() != "qualified_identifier" {
            break;
        }
        if let Some(scope) = cur.child_by_field_name("scope") {
            scopes.push(text(scope, src));
        }
        match cur.child_by_field_name("name") {
            Some(name) => cur = name,
            None => break,
        }
    }
    let qualifier = (!scopes.is_empty()).then(|| scopes.join(sep));
    (qualifier, text(cur, src))
}

fn parameter_count(list: Node, src: &[u8]) -> u32 {
    let params: Vec<Node> = named_children(list).collect();
    if let [only] = params.as_slice() {
        if &src[only.byte_range()] == b"void" {
            return 0;
        }
    }
    params.len() as u32
}

pub(crate) fn construct(node: Node, _src: &[u8]) -> Construct {
    match node.kind() {
        "if_statement" => Construct::If,
        "for_statement" | "while_statement" | "do_statement" | "for_range_loop" => Construct::Loop,
        "switch_statement" => Construct::Switch,
        "case_statement" if node.child_by_field_name("value").is_some() => Construct::Case,
        "conditional_expression" => Construct::Ternary,
        "binary_expression" => {
            logical_operator(node, &["&&", "||", "and", "or"]).map_or(Construct::None, |op| {
                Construct::Logical(match op {
                    "and" => "&&",
                    "or" => "||",
                    other => other,
                })
            })
        }
        "goto_statement" => Construct::Jump,
        "catch_clause" => Construct::Catch,
        "lambda_expression" => Construct::Lambda,
        "call_expression" => Construct::Call,
        _ => Construct::None,
    }
}

pub(crate) fn callee<'s>(node: Node, src: &'s [u8]) -> Option<&'s str> {
    let f = node.child_by_field_name("function")?;
    let name = match f.kind() {
        "identifier" => f,
        "field_expression" => f.child_by_field_name("field")?,
        "qualified_identifier" => f.child_by_field_name("name")?,
        _ => return None,
    };
    std::str::from_utf8(&src[name.byte_range()]).ok()
}
