//! Python: every construct of the metric definitions, measured on
//! `fixtures/lang/python/constructs.py` (whose comments give each expected number with its
//! reasoning) and snapshotted.

use debtgate::lang::Language;

#[test]
fn constructs() {
    insta::assert_yaml_snapshot!(crate::util::functions_of(
        "python/constructs.py",
        Language::Python
    ));
}
