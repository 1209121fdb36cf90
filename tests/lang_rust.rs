//! Rust: every construct of the metric definitions, measured on `fixtures/lang/rust/constructs.rs`
//! (whose comments give each expected number with its reasoning) and snapshotted.

use debtgate::lang::Language;

#[test]
fn constructs() {
    insta::assert_yaml_snapshot!(crate::util::functions_of(
        "rust/constructs.rs",
        Language::Rust
    ));
}
