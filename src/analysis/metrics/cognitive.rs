//! Cognitive complexity, after the SonarSource specification (G. Ann Campbell, 2017).
//!
//! - Structural increments, +1 plus the current nesting level: `if`, conditional expressions,
//!   `switch` / `match`, loops, `catch`.
//! - Hybrid increments, +1 without nesting: `else if` / `elif`, `else` (see `nesting.rs`).
//! - Fundamental increments, +1: each *sequence* of like boolean operators (`a && b && c` is one,
//!   `a && b || c` is two), `goto` and `break` / `continue` to a label, each recursive call, each
//!   filter (a Python comprehension's `if`).
//! - Nesting rises inside the bodies of those structures and inside folded lambdas / closures.

use tree_sitter::Node;

use crate::lang::{Common, Construct, Spec};

/// Structural and hybrid increments of one construct at `nesting`.
pub(crate) fn increment(construct: Construct, is_else_if: bool, nesting: u32) -> u32 {
    match construct {
        Construct::If if is_else_if => 1,
        Construct::ElseIf | Construct::Jump | Construct::Filter => 1,
        Construct::If
        | Construct::Loop
        | Construct::UnconditionalLoop
        | Construct::Switch
        | Construct::Match(_)
        | Construct::Catch
        | Construct::Ternary => nesting.saturating_add(1),
        Construct::None
        | Construct::Case
        | Construct::Logical(_)
        | Construct::Decision
        | Construct::Lambda
        | Construct::Call => 0,
    }
}

/// The number of runs of like operators in a boolean expression read left to right, looking
/// through parentheses (not through negation or calls). Iterative: expressions can be long.
/// Called on the root of each expression only (the walk knows which node that is), so each
/// operator is seen once.
pub(crate) fn boolean_sequences(spec: &dyn Spec, root: Node, src: &[u8]) -> u32 {
    // In-order traversal: a node is pushed once to expand, once to emit its operator.
    enum Item<'t> {
        /// A node and its parent.
        Expand(Node<'t>, Node<'t>),
        Emit(&'static str),
    }
    let common = spec.common();
    let mut stack = vec![Item::Expand(root, root)];
    let mut runs = 0;
    let mut last: Option<&'static str> = None;
    while let Some(item) = stack.pop() {
        match item {
            Item::Emit(op) => {
                if last != Some(op) {
                    runs += 1;
                }
                last = Some(op);
            }
            Item::Expand(node, parent) => {
                let (inner, parent) = unparenthesize(common, node, parent);
                if let Construct::Logical(op) =
                    spec.construct(inner, inner.kind_id(), &[parent], src)
                {
                    if let Some(right) = common.right.child(inner) {
                        stack.push(Item::Expand(right, inner));
                    }
                    stack.push(Item::Emit(op));
                    if let Some(left) = common.left.child(inner) {
                        stack.push(Item::Expand(left, inner));
                    }
                } else if common.is_operator_chain(inner.kind_id()) {
                    // `a > (0 && b)`: the run goes on through both sides.
                    if let Some(right) = common.right.child(inner) {
                        stack.push(Item::Expand(right, inner));
                    }
                    if let Some(left) = common.left.child(inner) {
                        stack.push(Item::Expand(left, inner));
                    }
                }
            }
        }
    }
    runs
}

/// Looks through parentheses: the expression inside, and its parent.
fn unparenthesize<'t>(
    common: &Common,
    mut node: Node<'t>,
    mut parent: Node<'t>,
) -> (Node<'t>, Node<'t>) {
    while common.is_parenthesized(node.kind_id()) {
        match crate::lang::first_named(common, node) {
            Some(inner) => (node, parent) = (inner, node),
            None => break,
        }
    }
    (node, parent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn else_if_is_hybrid_and_if_is_structural() {
        assert_eq!(increment(Construct::If, false, 2), 3);
        assert_eq!(increment(Construct::If, true, 2), 1);
        assert_eq!(increment(Construct::ElseIf, false, 5), 1);
        assert_eq!(increment(Construct::Case, false, 5), 0);
    }
}
