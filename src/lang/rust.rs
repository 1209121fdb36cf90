//! Rust: `fn` items with a body are entries (in `impl`, `trait`, `mod` or nested in another
//! function); closures fold into their function. `match` adds arms − 1, guards and `?` add one
//! each, `let … else` adds one, `loop` nests but is no decision.
//!
//! Macro arguments (`assert!(a && b)`, `vec![if c { x } else { y }]`) are token trees the grammar
//! does not parse, so their decisions are recognised token by token: `if`, `while`, a `for` that
//! starts a loop, and `&&`, `||`, `?` that follow an operand (`|| x` and `&&x` right after `(`, `,`
//! or `=` are a closure and a double reference, `T: ?Sized` is a bound). They add cyclomatic
//! complexity only.
//!
//! Not counted, unlike lizard 1.24: a `where` clause and the `for` of `for<'a>` or of
//! `impl Trait for Type` (type-level syntax, no run-time path).

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

    fn construct(&self, node: Node, ancestors: &[Node], src: &[u8]) -> Construct {
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
            // `if let Some(x) = a && b && c`: the `&&`s of a let chain are tokens, not
            // expressions, and make one sequence of like operators. The chain itself stands for
            // that sequence and for its first `&&`; each further `&&` is one more decision.
            "let_chain" => Construct::Logical("&&"),
            "&&" if ancestors.last().is_some_and(|p| p.kind() == "let_chain") => {
                let chain = ancestors[ancestors.len() - 1];
                let mut cursor = chain.walk();
                let first = chain.children(&mut cursor).find(|c| c.kind() == "&&");
                if first.is_some_and(|f| f.start_byte() == node.start_byte()) {
                    Construct::None
                } else {
                    Construct::Decision
                }
            }
            kind if ancestors.last().is_some_and(|p| p.kind() == "token_tree") => {
                macro_token(kind, node, src)
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

/// A token inside a macro's token tree: a decision when it reads as one. Looks at the source
/// text around the token rather than at its siblings (`Node::prev_sibling` walks down from the
/// root each time).
fn macro_token(kind: &str, node: Node, src: &[u8]) -> Construct {
    let before = &src[..node.start_byte()];
    let after = &src[node.end_byte()..];
    let decision = match kind {
        "if" | "while" => true,
        // `for x in xs`, not `impl Trait for Type` nor `for<'a> Fn(&'a T)`.
        "for" => !follows_operand(before) && first_byte(after) != Some(b'<'),
        "&&" | "||" | "?" => follows_operand(before),
        _ => false,
    };
    if decision {
        Construct::Decision
    } else {
        Construct::None
    }
}

/// Whether the text before a token ends with an operand (an identifier, literal, closing
/// bracket or `?`), so that the token is a binary or postfix operator. Keywords that end a
/// closure's or a reference's left context (`move ||`, `return &&x`) are not operands.
fn follows_operand(before: &[u8]) -> bool {
    let trimmed = before.trim_ascii_end();
    let Some(&last) = trimmed.last() else {
        return false;
    };
    if last.is_ascii_alphanumeric() || last == b'_' {
        let word_start = trimmed
            .iter()
            .rposition(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
            .map_or(0, |i| i + 1);
        let word = &trimmed[word_start..];
        return !matches!(
            word,
            b"move" | b"return" | b"in" | b"else" | b"break" | b"yield" | b"mut" | b"dyn"
        );
    }
    matches!(last, b')' | b']' | b'}' | b'?' | b'"' | b'\'' | b'>')
        && !trimmed.ends_with(b"=>")
        && !trimmed.ends_with(b"->")
}

fn first_byte(text: &[u8]) -> Option<u8> {
    text.trim_ascii_start().first().copied()
}
