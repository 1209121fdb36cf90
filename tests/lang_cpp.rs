//! C++: every construct of the metric definitions, measured on `fixtures/lang/cpp/constructs.cpp`
//! (whose comments give each expected number with its reasoning) and snapshotted.

use debtgate::lang::Language;

#[test]
fn constructs() {
    insta::assert_yaml_snapshot!(crate::util::functions_of(
        "cpp/constructs.cpp",
        Language::Cpp
    ));
}
