//! Go: functions, methods (qualified by their receiver type, `Type.Method`) and function literals
//! (named after the variable they are assigned to, else `(anonymous)`) are entries. Each `case`
//! of an expression, type or `select` switch is a decision, `default` is not; `for` always is,
//! with or without a condition. `goto` and labelled `break` / `continue` add cognitive
//! complexity.

use tree_sitter::Node;

use super::{logical_operator, named_children, text, Construct, FunctionDecl, Spec};

pub struct Go;

impl Spec for Go {
    fn function(&self, node: Node, ancestors: &[Node], src: &[u8]) -> Option<FunctionDecl> {
        let kind = node.kind();
        if !matches!(
            kind,
            "function_declaration" | "method_declaration" | "func_literal"
        ) {
            return None;
        }
        node.child_by_field_name("body")?;
        let (name, start_row) = match node.child_by_field_name("name") {
            Some(n) => (text(n, src), n.start_position().row),
            None => (
                binding_name(ancestors, src).unwrap_or_else(|| "(anonymous)".to_string()),
                node.start_position().row,
            ),
        };
        let qualifier = node
            .child_by_field_name("receiver")
            .and_then(|r| receiver_type(r, src));
        let params = node
            .child_by_field_name("parameters")
            .map_or(0, parameter_count);
        Some(FunctionDecl {
            name,
            qualifier,
            params,
            start_row,
        })
    }

    fn scope(&self, _node: Node, _src: &[u8]) -> Option<String> {
        None
    }

    fn construct(&self, node: Node, _ancestors: &[Node], _src: &[u8]) -> Construct {
        match node.kind() {
            "if_statement" => Construct::If,
            "for_statement" => Construct::Loop,
            "expression_switch_statement" | "type_switch_statement" | "select_statement" => {
                Construct::Switch
            }
            "expression_case" | "type_case" | "communication_case" => Construct::Case,
            "binary_expression" => {
                logical_operator(node, &["&&", "||"]).map_or(Construct::None, Construct::Logical)
            }
            "goto_statement" => Construct::Jump,
            "break_statement" | "continue_statement"
                if named_children(node).any(|c| c.kind() == "label_name") =>
            {
                Construct::Jump
            }
            "call_expression" => Construct::Call,
            _ => Construct::None,
        }
    }

    fn callee<'s>(&self, node: Node, src: &'s [u8]) -> Option<&'s str> {
        let f = node.child_by_field_name("function")?;
        let name = match f.kind() {
            "identifier" => f,
            "selector_expression" => f.child_by_field_name("field")?,
            _ => return None,
        };
        std::str::from_utf8(&src[name.byte_range()]).ok()
    }
}

/// `a, b int` declares two parameters; `int` alone (unnamed) declares one.
fn parameter_count(list: Node) -> u32 {
    named_children(list)
        .map(|p| {
            let mut cursor = p.walk();
            let names = p.children_by_field_name("name", &mut cursor).count();
            names.max(1) as u32
        })
        .sum()
}

/// The receiver's type name without pointer or type arguments: `(s *Server[T])` → `Server`.
fn receiver_type(receiver: Node, src: &[u8]) -> Option<String> {
    let param = named_children(receiver).next()?;
    let mut ty = param.child_by_field_name("type")?;
    loop {
        ty = match ty.kind() {
            "pointer_type" => named_children(ty).next()?,
            "generic_type" => ty.child_by_field_name("type")?,
            _ => return Some(text(ty, src)),
        };
    }
}

/// `f := func() {}`, `var f = func() {}`, `f = func() {}`: the literal takes the variable's name.
fn binding_name(ancestors: &[Node], src: &[u8]) -> Option<String> {
    let [.., holder, list] = ancestors else {
        return None;
    };
    let (holder, list) = (*holder, *list);
    if list.kind() != "expression_list" {
        return None;
    }
    let left = match holder.kind() {
        "short_var_declaration" | "assignment_statement" => holder.child_by_field_name("left")?,
        "var_spec" => holder.child_by_field_name("name")?,
        _ => return None,
    };
    let single = named_children(list).count() == 1;
    let first = if left.kind() == "expression_list" {
        named_children(left).next()?
    } else {
        left
    };
    single.then(|| text(first, src))
}
