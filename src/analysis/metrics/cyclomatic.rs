//! Cyclomatic complexity (McCabe), counted the way lizard counts it.
//!
//! 1 + one per decision: `if` / `else if` / `elif`, each loop with a condition, each `case` label
//! other than `default` (a Rust `match` adds arms − 1), match guards, `catch` / `except`,
//! conditional expressions, each short-circuit operator (`&&`, `||`, `and`, `or`, `??`), logical
//! assignment, Rust `?`, comprehension `for` / `if`, JS/TS default parameter values. `else`,
//! `finally`, `with`, `assert`, `?.`, `goto` and Rust `loop` add nothing. Which node is which is the
//! language file's business (`lang/`); this file only says what each construct is worth.

use crate::lang::Construct;

/// What one construct adds to its function's cyclomatic complexity.
pub(crate) fn increment(construct: Construct) -> u32 {
    match construct {
        Construct::If
        | Construct::ElseIf
        | Construct::Loop
        | Construct::Case
        | Construct::Catch
        | Construct::Ternary
        | Construct::Logical(_)
        | Construct::Decision
        | Construct::Filter => 1,
        Construct::Match(arms) => arms.saturating_sub(1),
        Construct::None
        | Construct::UnconditionalLoop
        | Construct::Switch
        | Construct::Jump
        | Construct::Lambda
        | Construct::Call => 0,
    }
}
