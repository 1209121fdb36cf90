//! Nesting: which parts of a control structure sit one level deeper.
//!
//! Two numbers come from the same rule. `max_nesting` is the deepest control-structure body in a
//! function (0 when flat, 1 for the body of a top-level `if`). Cognitive complexity's nesting
//! level (SonarSource spec, §"Nesting increments") also counts folded lambdas and closures.
//!
//! Only the *bodies* of a structure are nested, never its condition: in `if a && b { x }` the
//! condition is at the `if`'s own level and `x` one deeper. An `else if` continues the chain at
//! the level of its `if`; a plain `else` adds a hybrid increment and nests its body.

use tree_sitter::Node;

use crate::lang::{first_named, Construct, Spec};

/// What entering one node adds to the enclosing function's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Step {
    /// Cognitive nesting level.
    pub nesting: u32,
    /// Control-structure depth (`max_nesting`).
    pub depth: u32,
    /// A hybrid cognitive increment (a plain `else`).
    pub hybrid: u32,
}

/// A node's position relative to its parent structure.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Position {
    pub step: Step,
    /// The node is an `if` in the `else` position of another `if`.
    pub is_else_if: bool,
    /// The node is an `else` wrapper whose content is an `if` (that `if` is an `else if`).
    pub wraps_else_if: bool,
}

const BODY: Step = Step {
    nesting: 1,
    depth: 1,
    hybrid: 0,
};
const ELSE: Step = Step {
    nesting: 1,
    depth: 1,
    hybrid: 1,
};
const LAMBDA_BODY: Step = Step {
    nesting: 1,
    depth: 0,
    hybrid: 0,
};

/// Fields of a structure that hold what it tests or iterates, never its body.
fn is_head(field: Option<&str>) -> bool {
    matches!(
        field,
        Some(
            "condition"
                | "value"
                | "subject"
                | "initializer"
                | "parameter"
                | "parameters"
                | "alias"
                | "left"
                | "right"
                | "pattern"
                | "init"
                | "update"
                | "increment"
        )
    )
}

pub(crate) fn position(
    spec: &dyn Spec,
    parent: Option<Construct>,
    field: Option<&str>,
    node: Node,
    src: &[u8],
    construct: Construct,
) -> Position {
    let step = |s: Step| Position {
        step: s,
        ..Position::default()
    };
    match parent {
        Some(Construct::If | Construct::ElseIf) => match field {
            Some("consequence") => step(BODY),
            Some("alternative") => alternative(spec, node, src, construct),
            _ => Position::default(),
        },
        Some(Construct::Loop | Construct::UnconditionalLoop) if field == Some("body") => step(BODY),
        Some(Construct::Switch | Construct::Match(_) | Construct::Catch) if !is_head(field) => {
            step(BODY)
        }
        Some(Construct::Ternary)
            if matches!(field, Some("consequence" | "alternative") | None) && node.is_named() =>
        {
            step(BODY)
        }
        Some(Construct::Lambda) if !is_head(field) => step(LAMBDA_BODY),
        _ => Position::default(),
    }
}

/// The `alternative` of an `if`: another `if` (an `else if`), an `elif` clause, an `else`
/// wrapper around either, or a plain `else` body.
fn alternative(spec: &dyn Spec, node: Node, src: &[u8], construct: Construct) -> Position {
    match construct {
        Construct::If => Position {
            is_else_if: true,
            ..Position::default()
        },
        Construct::ElseIf => Position::default(),
        _ if spec.is_else_wrapper(node.kind()) => {
            let inner_is_if =
                first_named(node).is_some_and(|n| spec.construct(n, &[node], src) == Construct::If);
            if inner_is_if {
                Position {
                    wraps_else_if: true,
                    ..Position::default()
                }
            } else {
                Position {
                    step: ELSE,
                    ..Position::default()
                }
            }
        }
        _ => Position {
            step: ELSE,
            ..Position::default()
        },
    }
}
