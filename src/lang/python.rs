//! Python: `def` (sync or async, in classes or nested in other functions) is an entry; `lambda`
//! folds into its function. `elif` is its own clause, `match` adds one per `case`, and each `for` /
//! `if` inside a comprehension is a decision. Receivers `self` / `cls` are not parameters.
//!
//! Cognitive complexity follows complexipy where the SonarSource paper says nothing: a
//! comprehension is a loop (its first `for` is +1 plus nesting, its element one level deeper,
//! each further `for` +1 plus nesting, each `if` +1), and `try`'s or a loop's `else` adds nothing.

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

    fn construct(&self, node: Node, ancestors: &[Node], _src: &[u8]) -> Construct {
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
            // A comprehension is a loop: its element is nested, and it is structural (+1 plus
            // nesting) like a `for` statement; its first `for` is the loop's decision, each
            // further `for` is another loop at the same level, each `if` a filter (as
            // complexipy counts them).
            "list_comprehension"
            | "set_comprehension"
            | "dictionary_comprehension"
            | "generator_expression" => Construct::UnconditionalLoop,
            "for_in_clause" if is_first_for(node) => Construct::Decision,
            "for_in_clause" => Construct::Loop,
            // A `case … if …:` guard is a decision like any match guard, with no cognitive
            // increment (complexipy agrees).
            "if_clause" if ancestors.last().is_some_and(|p| p.kind() == "case_clause") => {
                Construct::Decision
            }
            "if_clause" => Construct::Filter,
            "lambda" => Construct::Lambda,
            "call" => Construct::Call,
            _ => Construct::None,
        }
    }

    fn callee<'s>(&self, node: Node, src: &'s [u8]) -> Option<&'s str> {
        // `f(…)`, or `self.f(…)` / `cls.f(…)`: a call on another object (`other.f(…)`,
        // `super().f(…)`) is not a recursive call, whatever its name.
        let f = node.child_by_field_name("function")?;
        let name = match f.kind() {
            "identifier" => f,
            "attribute"
                if f.child_by_field_name("object").is_some_and(|o| {
                    o.kind() == "identifier" && matches!(&src[o.byte_range()], b"self" | b"cls")
                }) =>
            {
                f.child_by_field_name("attribute")?
            }
            _ => return None,
        };
        std::str::from_utf8(&src[name.byte_range()]).ok()
    }
}

/// Whether a comprehension's `for` clause is its first.
fn is_first_for(node: Node) -> bool {
    let mut prev = node.prev_named_sibling();
    while let Some(p) = prev {
        if p.kind() == "for_in_clause" {
            return false;
        }
        prev = p.prev_named_sibling();
    }
    true
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
