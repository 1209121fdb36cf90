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

use super::{
    field_text, logical_operator, named_children, operators, text, Common, Construct, Field,
    FunctionDecl, Kinds, Language, Operators, Spec, Vocabulary,
};

/// The node kinds this file tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum K {
    Other,
    FunctionItem,
    ImplItem,
    TraitOrMod,
    GenericType,
    If,
    Loop,
    UnconditionalLoop,
    Match,
    MatchArm,
    MatchPattern,
    Try,
    Let,
    Binary,
    Closure,
    BreakOrContinue,
    Label,
    Call,
    LetChain,
    AndAnd,
    TokenTree,
    SelfOrAttribute,
    Identifier,
    FieldExpression,
    ScopedIdentifier,
}

pub struct Rust {
    common: Common,
    kinds: Kinds<K>,
    /// Kinds a macro's token may be, by name (`if`, `&&`, …): see [`macro_token`].
    tokens: Kinds<Option<&'static str>>,
    logical: Operators,
    name: Field,
    parameters: Field,
    ty: Field,
    condition: Field,
    alternative: Field,
    function: Field,
    field: Field,
}

impl Rust {
    pub fn new(language: Language) -> Self {
        let g = &language.grammar();
        Rust {
            common: Common::new(g, &Vocabulary::DEFAULT),
            kinds: Kinds::new(g, K::Other, |name| {
                Some(match name {
                    "function_item" => K::FunctionItem,
                    "impl_item" => K::ImplItem,
                    "trait_item" | "mod_item" => K::TraitOrMod,
                    "generic_type" => K::GenericType,
                    "if_expression" => K::If,
                    "while_expression" | "for_expression" => K::Loop,
                    "loop_expression" => K::UnconditionalLoop,
                    "match_expression" => K::Match,
                    "match_arm" => K::MatchArm,
                    "match_pattern" => K::MatchPattern,
                    "try_expression" => K::Try,
                    "let_declaration" => K::Let,
                    "binary_expression" => K::Binary,
                    "closure_expression" => K::Closure,
                    "break_expression" | "continue_expression" => K::BreakOrContinue,
                    "label" => K::Label,
                    "call_expression" => K::Call,
                    "let_chain" => K::LetChain,
                    "&&" => K::AndAnd,
                    "token_tree" => K::TokenTree,
                    "self_parameter" | "attribute_item" => K::SelfOrAttribute,
                    "identifier" => K::Identifier,
                    "field_expression" => K::FieldExpression,
                    "scoped_identifier" => K::ScopedIdentifier,
                    _ => return None,
                })
            }),
            tokens: Kinds::new(g, None, |name| {
                ["if", "while", "for", "&&", "||", "?"]
                    .into_iter()
                    .find(|t| *t == name)
                    .map(Some)
            }),
            logical: operators(g, &[("&&", "&&"), ("||", "||")]),
            name: Field::new(g, "name"),
            parameters: Field::new(g, "parameters"),
            ty: Field::new(g, "type"),
            condition: Field::new(g, "condition"),
            alternative: Field::new(g, "alternative"),
            function: Field::new(g, "function"),
            field: Field::new(g, "field"),
        }
    }
}

impl Spec for Rust {
    fn common(&self) -> &Common {
        &self.common
    }

    fn separator(&self) -> &'static str {
        "::"
    }

    fn function(
        &self,
        node: Node,
        kind: u16,
        _ancestors: &[Node],
        src: &[u8],
    ) -> Option<FunctionDecl> {
        if self.kinds.get(kind) != K::FunctionItem || !self.common.body.is_on(node) {
            return None;
        }
        let name = self.name.child(node)?;
        let params = self.parameters.child(node).map_or(0, |p| {
            named_children(&self.common, p)
                .filter(|c| self.kinds.of(*c) != K::SelfOrAttribute)
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
            K::ImplItem => {
                let ty = self.ty.child(node)?;
                // `impl<T> Foo<T>` is scope `Foo`: generics are noise in a qualified name.
                let ty = match self.kinds.of(ty) {
                    K::GenericType => self.ty.child(ty).unwrap_or(ty),
                    _ => ty,
                };
                Some(text(ty, src))
            }
            K::TraitOrMod => field_text(node, self.name, src),
            _ => None,
        }
    }

    fn construct(&self, node: Node, kind: u16, ancestors: &[Node], src: &[u8]) -> Construct {
        let parent = || ancestors.last().map_or(K::Other, |p| self.kinds.of(*p));
        match self.kinds.get(kind) {
            K::If => Construct::If,
            K::Loop => Construct::Loop,
            K::UnconditionalLoop => Construct::UnconditionalLoop,
            K::Match => {
                let arms = self.common.body.child(node).map_or(0, |b| {
                    named_children(&self.common, b)
                        .filter(|c| self.kinds.of(*c) == K::MatchArm)
                        .count()
                });
                Construct::Match(arms as u32)
            }
            K::MatchPattern if self.condition.is_on(node) => Construct::Decision,
            K::Try => Construct::Decision,
            K::Let if self.alternative.is_on(node) => Construct::Decision,
            K::Binary => logical_operator(&self.common, node, &self.logical)
                .map_or(Construct::None, Construct::Logical),
            K::Closure => Construct::Lambda,
            K::BreakOrContinue
                if named_children(&self.common, node).any(|c| self.kinds.of(c) == K::Label) =>
            {
                Construct::Jump
            }
            K::Call => Construct::Call,
            // `if let Some(x) = a && b && c`: the `&&`s of a let chain are tokens, not
            // expressions, and make one sequence of like operators. The chain itself stands for
            // that sequence and for its first `&&`; each further `&&` is one more decision.
            K::LetChain => Construct::Logical("&&"),
            K::AndAnd if parent() == K::LetChain => {
                let chain = ancestors[ancestors.len() - 1];
                let mut cursor = chain.walk();
                let first = chain
                    .children(&mut cursor)
                    .find(|c| self.kinds.of(*c) == K::AndAnd);
                if first.is_some_and(|f| f.start_byte() == node.start_byte()) {
                    Construct::None
                } else {
                    Construct::Decision
                }
            }
            // Only the tokens `macro_token` reads can be a decision in a token tree: look at
            // the parent for those alone.
            _ => match self.tokens.get(kind) {
                Some(token) if parent() == K::TokenTree => macro_token(token, node, src),
                _ => Construct::None,
            },
        }
    }

    fn callee<'s>(&self, node: Node, src: &'s [u8]) -> Option<&'s str> {
        let f = self.function.child(node)?;
        let name = match self.kinds.of(f) {
            K::Identifier => f,
            K::FieldExpression => self.field.child(f)?,
            K::ScopedIdentifier => self.name.child(f)?,
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
