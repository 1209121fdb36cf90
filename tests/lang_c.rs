//! C: every construct of the metric definitions, measured on `fixtures/lang/c/constructs.c`
//! (whose comments give each expected number with its reasoning) and snapshotted.

use debtgate::lang::Language;

#[test]
fn constructs() {
    insta::assert_yaml_snapshot!(crate::util::functions_of("c/constructs.c", Language::C));
}
