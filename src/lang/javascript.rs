//! JavaScript (and JSX): function declarations, function expressions, generators, methods and
//! arrow functions are all entries; a function literal is named after what it is bound to
//! (`const f = () => …`, `{ f: function () {} }`, `obj.f = …`, a class field), else
//! `(anonymous)`. Default parameter values and logical assignments (`&&=`, `||=`, `??=`) are
//! decisions; `??` is a short-circuit operator like `&&` and `||`.
//!
//! TypeScript (`typescript.rs`) shares this file's rules and adds its own declarations.

use tree_sitter::Node;

use super::{field_text, logical_operator, named_children, text, Construct, FunctionDecl, Spec};

pub struct JavaScript;

impl Spec for JavaScript {
    fn function(&self, node: Node, ancestors: &[Node], src: &[u8]) -> Option<FunctionDecl> {
        function(node, ancestors, src)
    }

    fn scope(&self, node: Node, src: &[u8]) -> Option<String> {
        scope(node, src)
    }

    fn construct(&self, node: Node, ancestors: &[Node], src: &[u8]) -> Construct {
        construct(node, ancestors, src)
    }

    fn callee<'s>(&self, node: Node, src: &'s [u8]) -> Option<&'s str> {
        callee(node, src)
    }
}

const FUNCTION_KINDS: [&str; 6] = [
    "function_declaration",
    "function_expression",
    "generator_function_declaration",
    "generator_function",
    "arrow_function",
    "method_definition",
];

pub(crate) fn function(node: Node, ancestors: &[Node], src: &[u8]) -> Option<FunctionDecl> {
    if !FUNCTION_KINDS.contains(&node.kind()) {
        return None;
    }
    node.child_by_field_name("body")?;
    let own_name = node.child_by_field_name("name");
    let name = match own_name {
        Some(n) => text(n, src),
        None => binding_name(ancestors, src).unwrap_or_else(|| "(anonymous)".to_string()),
    };
    let params = match node.child_by_field_name("parameters") {
        Some(p) => named_children(p).filter(|c| !is_this_parameter(*c)).count(),
        None => usize::from(node.child_by_field_name("parameter").is_some()),
    };
    // Methods start at their name, past decorators and modifiers; literals where they stand.
    let start_row = own_name
        .filter(|_| node.kind() == "method_definition")
        .unwrap_or(node)
        .start_position()
        .row;
    Some(FunctionDecl {
        name,
        qualifier: None,
        params: params as u32,
        start_row,
    })
}

/// The name a function literal is bound to, if any.
fn binding_name(ancestors: &[Node], src: &[u8]) -> Option<String> {
    let parent = *ancestors
        .iter()
        .rev()
        .find(|a| a.kind() != "parenthesized_expression")?;
    let named = match parent.kind() {
        "variable_declarator" => parent.child_by_field_name("name")?,
        "pair" => parent.child_by_field_name("key")?,
        "assignment_expression" => {
            let left = parent.child_by_field_name("left")?;
            match left.kind() {
                "member_expression" => left.child_by_field_name("property")?,
                _ => left,
            }
        }
        "public_field_definition" | "field_definition" => parent
            .child_by_field_name("name")
            .or_else(|| parent.child_by_field_name("property"))?,
        _ => return None,
    };
    Some(text(named, src))
}

fn is_this_parameter(param: Node) -> bool {
    param
        .child_by_field_name("pattern")
        .is_some_and(|p| p.kind() == "this")
}

pub(crate) fn scope(node: Node, src: &[u8]) -> Option<String> {
    match node.kind() {
        "class_declaration"
        | "class"
        | "abstract_class_declaration"
        | "internal_module"
        | "module" => field_text(node, "name", src),
        _ => None,
    }
}

pub(crate) fn construct(node: Node, _ancestors: &[Node], _src: &[u8]) -> Construct {
    match node.kind() {
        "if_statement" => Construct::If,
        "for_statement" | "for_in_statement" | "while_statement" | "do_statement" => {
            Construct::Loop
        }
        "switch_statement" => Construct::Switch,
        "switch_case" => Construct::Case,
        "catch_clause" => Construct::Catch,
        "ternary_expression" => Construct::Ternary,
        "binary_expression" => {
            logical_operator(node, &["&&", "||", "??"]).map_or(Construct::None, Construct::Logical)
        }
        "augmented_assignment_expression" => match logical_operator(node, &["&&=", "||=", "??="]) {
            Some(_) => Construct::Decision,
            None => Construct::None,
        },
        // A default value: of a parameter, `function f(a = 1)` (JS) / `f(a: T = 1)` (TS), or
        // inside a destructuring pattern, `const { a = 1, b: [c = 2] } = p`, in a parameter, a
        // declaration, a `for…of` head or an assignment alike (each is `p.a === undefined ? 1 :
        // p.a`; lizard counts them all the same way).
        "assignment_pattern" | "object_assignment_pattern" => Construct::Decision,
        "required_parameter" | "optional_parameter"
            if node.child_by_field_name("value").is_some() =>
        {
            Construct::Decision
        }
        "break_statement" | "continue_statement" if node.child_by_field_name("label").is_some() => {
            Construct::Jump
        }
        "call_expression" => Construct::Call,
        _ => Construct::None,
    }
}

pub(crate) fn callee<'s>(node: Node, src: &'s [u8]) -> Option<&'s str> {
    // `f(…)` or `this.f(…)`; `other.f(…)` calls another object's function, whatever its name.
    let f = node.child_by_field_name("function")?;
    let name = match f.kind() {
        "identifier" => f,
        "member_expression"
            if f.child_by_field_name("object")
                .is_some_and(|o| o.kind() == "this") =>
        {
            f.child_by_field_name("property")?
        }
        _ => return None,
    };
    std::str::from_utf8(&src[name.byte_range()]).ok()
}
