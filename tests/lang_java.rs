//! Java: every construct of the metric definitions, measured on
//! `fixtures/lang/java/Constructs.java` (whose comments give each expected number with its
//! reasoning) and snapshotted.

use debtgate::lang::Language;

#[test]
fn constructs() {
    insta::assert_yaml_snapshot!(crate::util::functions_of(
        "java/Constructs.java",
        Language::Java
    ));
}
