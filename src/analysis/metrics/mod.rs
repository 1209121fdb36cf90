//! One file per metric: what it measures and why, the code, its tests. Cyclomatic, cognitive and
//! nesting are per function and fed by the shared walk (`../walk.rs`); code lines, SATD,
//! duplication and the TDG score are per file. Parameters and length are read off the function
//! declaration (`lang/` counts parameters, the walk measures length).

pub(crate) mod code_lines;
pub(crate) mod cognitive;
pub(crate) mod cyclomatic;
pub mod duplication;
pub(crate) mod nesting;
pub mod satd;
pub mod tdg;
