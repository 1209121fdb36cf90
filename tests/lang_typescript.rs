//! TypeScript and TSX: every construct of the metric definitions, measured on
//! `fixtures/lang/typescript/constructs.{ts,tsx}` (whose comments give each expected number with
//! its reasoning) and snapshotted.

use debtgate::lang::Language;

#[test]
fn constructs() {
    insta::assert_yaml_snapshot!(crate::util::functions_of(
        "typescript/constructs.ts",
        Language::TypeScript
    ));
}

#[test]
fn tsx() {
    insta::assert_yaml_snapshot!(crate::util::functions_of(
        "typescript/constructs.tsx",
        Language::Tsx
    ));
}
