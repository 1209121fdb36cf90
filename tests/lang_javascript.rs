//! JavaScript and JSX: every construct of the metric definitions, measured on
//! `fixtures/lang/javascript/constructs.{js,jsx}` (whose comments give each expected number with
//! its reasoning) and snapshotted.

use debtgate::lang::Language;

#[test]
fn constructs() {
    insta::assert_yaml_snapshot!(crate::util::functions_of(
        "javascript/constructs.js",
        Language::JavaScript
    ));
}

#[test]
fn jsx() {
    insta::assert_yaml_snapshot!(crate::util::functions_of(
        "javascript/constructs.jsx",
        Language::JavaScript
    ));
}
