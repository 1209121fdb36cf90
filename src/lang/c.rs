//! C: function definitions are entries, named by the identifier inside their declarator (through
//! pointers, parentheses and attributes: `static char *\nname(void)` is `name`, starting on the
//! name's line). `(void)` declares no parameter. Preprocessor conditionals are parsed with both
//! branches, and the decisions in both count: the metric describes the source, not one build.
//!
//! - Each `#if` / `#ifdef` / `#ifndef` / `#elif` inside a function is one decision (a point where
//!   the function's code differs between builds); the `&&` / `||` in its condition are not
//!   counted. lizard 1.24 counts these directives too, except `#ifndef`.
//! - Only the body counts: a ternary in a default argument, `noexcept(a && b)` or a `requires`
//!   clause is evaluated at compile time or by the caller (lizard drops them too).
//! - A "function definition" inside a statement is the grammar's reading of a macro followed by
//!   a block (`Q_FOREVER {`, `FMT_CATCH(...) {`, `MACRO\n switch (x) {`): it is no function, and
//!   when its name is `if`, `switch`, `while` or `for` it counts as that statement.
//!
//! C++ (`cpp.rs`) extends these rules.

use tree_sitter::Node;

use super::{logical_operator, named_children, text, Construct, FunctionDecl, Spec};

pub struct C;

impl Spec for C {
    fn function(&self, node: Node, ancestors: &[Node], src: &[u8]) -> Option<FunctionDecl> {
        function(node, ancestors, src, "::")
    }

    fn scope(&self, _node: Node, _src: &[u8]) -> Option<String> {
        None
    }

    fn construct(&self, node: Node, ancestors: &[Node], src: &[u8]) -> Construct {
        construct(node, ancestors, src)
    }

    fn callee<'s>(&self, node: Node, src: &'s [u8]) -> Option<&'s str> {
        callee(node, src)
    }
}

pub(crate) fn function(
    node: Node,
    ancestors: &[Node],
    src: &[u8],
    sep: &str,
) -> Option<FunctionDecl> {
    if node.kind() != "function_definition" || misread_block(node, ancestors, src) {
        return None;
    }
    node.child_by_field_name("body")?;
    let top = node.child_by_field_name("declarator")?;
    if let Some(decl) = conversion_operator(top, src, sep) {
        return Some(decl);
    }
    let declarator = function_declarator(top)?;
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

/// Whether a function definition is the grammar's misreading of a macro followed by a block:
/// it sits in a statement of a real function's body (looking through preprocessor
/// conditionals), and it has no return type (`FMT_CATCH(...) {`, `foreach_item(x) {`) or its
/// name is a keyword (`MACRO\n switch (x) {`). One with a type and a plain name is kept: that is
/// how a real function reads after an unbalanced brace in an `#ifdef` (or a GNU nested function).
fn misread_block(node: Node, ancestors: &[Node], src: &[u8]) -> bool {
    let in_statement = ancestors
        .iter()
        .rev()
        .map(|a| a.kind())
        .find(|k| !k.starts_with("preproc_"))
        .is_some_and(|k| k.ends_with("statement") || k == "else_clause");
    // A "body" whose "function" has no parameter list is itself a misreading, such as
    // `class MACRO Name { … }`, and the definitions in it are real methods.
    let in_real_function = || {
        ancestors
            .iter()
            .rev()
            .find(|a| a.kind() == "function_definition")
            .and_then(|f| f.child_by_field_name("declarator"))
            .and_then(function_declarator)
            .is_some()
    };
    in_statement
        && in_real_function()
        && (node.child_by_field_name("type").is_none() || block_keyword(node, src).is_some())
}

/// The statement keyword a misread definition is named after, if any.
fn block_keyword(node: Node, src: &[u8]) -> Option<Construct> {
    let name = node
        .child_by_field_name("declarator")
        .and_then(function_declarator)
        .and_then(|d| d.child_by_field_name("declarator"))?;
    match &src[name.byte_range()] {
        b"if" => Some(Construct::If),
        b"switch" => Some(Construct::Switch),
        b"while" | b"for" => Some(Construct::Loop),
        _ => None,
    }
}

/// C++ `operator bool() const` and `K::operator T*()`: named `operator bool`, `operator T *`.
fn conversion_operator(declarator: Node, src: &[u8], sep: &str) -> Option<FunctionDecl> {
    let mut scopes = Vec::new();
    let mut cur = declarator;
    while cur.kind() == "qualified_identifier" && scopes.len() < 64 {
        scopes.push(text(cur.child_by_field_name("scope")?, src));
        cur = cur.child_by_field_name("name")?;
    }
    if cur.kind() != "operator_cast" {
        return None;
    }
    let abstract_fn = function_declarator_of_kind(
        cur.child_by_field_name("declarator")?,
        "abstract_function_declarator",
    )?;
    let params = abstract_fn.child_by_field_name("parameters")?;
    let head = &src[cur.start_byte()..params.start_byte()];
    let name = String::from_utf8_lossy(head)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    Some(FunctionDecl {
        name,
        qualifier: (!scopes.is_empty()).then(|| scopes.join(sep)),
        params: parameter_count(params, src),
        start_row: cur.start_position().row,
    })
}

/// Descends pointer, reference, parenthesized and attributed declarators to the function one.
fn function_declarator(node: Node) -> Option<Node> {
    function_declarator_of_kind(node, "function_declarator")
}

fn function_declarator_of_kind<'t>(mut node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    // Declarators nest a handful deep in real code; the bound keeps hostile input harmless.
    for _ in 0..64 {
        if node.kind() == kind {
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

pub(crate) fn construct(node: Node, ancestors: &[Node], src: &[u8]) -> Construct {
    match node.kind() {
        "if_statement" => Construct::If,
        "for_statement" | "while_statement" | "do_statement" | "for_range_loop" => Construct::Loop,
        "switch_statement" => Construct::Switch,
        "case_statement" if node.child_by_field_name("value").is_some() => Construct::Case,
        "conditional_expression" if counts_here(node, ancestors) => Construct::Ternary,
        "binary_expression" if counts_here(node, ancestors) => {
            logical_operator(node, &["&&", "||", "and", "or"]).map_or(Construct::None, |op| {
                Construct::Logical(match op {
                    "and" => "&&",
                    "or" => "||",
                    other => other,
                })
            })
        }
        "preproc_if" | "preproc_ifdef" | "preproc_elif" | "preproc_elifdef" => Construct::Decision,
        // A conditional the grammar could not fit around (inside an initializer or an argument
        // list) is left as a bare directive token in an error node: still one decision.
        "#if" | "#ifdef" | "#ifndef" | "#elif" | "#elifdef" | "#elifndef"
            if ancestors.last().is_some_and(|p| p.is_error()) =>
        {
            Construct::Decision
        }
        "preproc_directive"
            if matches!(
                src[node.byte_range()].trim_ascii(),
                b"#if" | b"#ifdef" | b"#ifndef" | b"#elif" | b"#elifdef" | b"#elifndef"
            ) =>
        {
            Construct::Decision
        }
        "function_definition" if misread_block(node, ancestors, src) => {
            block_keyword(node, src).unwrap_or(Construct::None)
        }
        "goto_statement" => Construct::Jump,
        "catch_clause" => Construct::Catch,
        "lambda_expression" => Construct::Lambda,
        "call_expression" => Construct::Call,
        _ => Construct::None,
    }
}

/// Whether an expression is run-time code of the function body: not in a preprocessor condition
/// (`#if A && B`) nor in the declarator (default arguments, `noexcept(…)`, trailing return type)
/// or a `requires` clause. Looks up through expressions only, at most 64 levels (a statement or
/// declaration ends the search), so the cost stays linear on deep expressions.
fn counts_here(node: Node, ancestors: &[Node]) -> bool {
    for a in ancestors.iter().rev().take(64) {
        match a.kind() {
            "preproc_if" | "preproc_elif" => {
                return !a
                    .child_by_field_name("condition")
                    .is_some_and(|c| c.byte_range().contains(&node.start_byte()));
            }
            "function_declarator" | "abstract_function_declarator" | "requires_clause" => {
                return false
            }
            k if k.ends_with("statement")
                || matches!(
                    k,
                    "declaration"
                        | "field_declaration"
                        | "function_definition"
                        | "lambda_expression"
                        | "translation_unit"
                ) =>
            {
                return true
            }
            _ => {}
        }
    }
    true
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
