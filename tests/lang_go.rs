//! Go: every construct of the metric definitions, measured on `fixtures/lang/go/constructs.go`
//! (whose comments give each expected number with its reasoning) and snapshotted.

use debtgate::lang::Language;

#[test]
fn constructs() {
    insta::assert_yaml_snapshot!(crate::util::functions_of("go/constructs.go", Language::Go));
}
