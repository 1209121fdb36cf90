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

use crate::lang::{first_named, Construct, Part, Spec};

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

/// Whether a node's position under a `parent` can be other than the default: only the parts of
/// a control structure or lambda sit deeper, and they are told apart by their field. The walk
/// asks the cursor for the field, and calls [`position`], only then.
pub(crate) fn reads_field(parent: Construct) -> bool {
    matches!(
        parent,
        Construct::If
            | Construct::ElseIf
            | Construct::Loop
            | Construct::UnconditionalLoop
            | Construct::Switch
            | Construct::Match(_)
            | Construct::Catch
            | Construct::Ternary
            | Construct::Lambda
    )
}

/// Where a node stands in its parent: its field (0 for none), and, in a grammar that gives a
/// structure's parts no fields, the part its spec says it is ([`Spec::part`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct At {
    pub field: u16,
    pub part: Option<Part>,
}

/// Where `node` (at `at` in its parent) sits in its parent structure.
pub(crate) fn position(
    spec: &dyn Spec,
    parent: Construct,
    at: At,
    node: Node,
    src: &[u8],
    construct: Construct,
) -> Position {
    let common = spec.common();
    let step = |s: Step| Position {
        step: s,
        ..Position::default()
    };
    let field = at.field;
    let consequence = field == common.consequence.id() || at.part == Some(Part::Consequence);
    let alternative_part = field == common.alternative.id() || at.part == Some(Part::Alternative);
    match parent {
        Construct::If | Construct::ElseIf => {
            if consequence {
                step(BODY)
            } else if alternative_part {
                alternative(spec, node, src, construct)
            } else {
                Position::default()
            }
        }
        Construct::Loop | Construct::UnconditionalLoop
            if field == common.body.id() || at.part == Some(Part::Body) =>
        {
            step(BODY)
        }
        Construct::Switch | Construct::Match(_) | Construct::Catch if !common.is_head(field) => {
            step(BODY)
        }
        Construct::Ternary
            if (field == 0 || consequence || alternative_part) && node.is_named() =>
        {
            step(BODY)
        }
        Construct::Lambda if !common.is_head(field) => step(LAMBDA_BODY),
        _ => Position::default(),
    }
}

/// The `alternative` of an `if`: another `if` (an `else if`), an `elif` clause, an `else`
/// wrapper around either, or a plain `else` body.
fn alternative(spec: &dyn Spec, node: Node, src: &[u8], construct: Construct) -> Position {
    let common = spec.common();
    match construct {
        Construct::If => Position {
            is_else_if: true,
            ..Position::default()
        },
        Construct::ElseIf => Position::default(),
        _ if common.is_else_wrapper(node.kind_id()) => {
            let inner_is_if = first_named(common, node)
                .is_some_and(|n| spec.construct(n, n.kind_id(), &[node], src) == Construct::If);
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
