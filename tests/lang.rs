//! Every construct of the metric definitions, per language: each fixture
//! `fixtures/lang/<language>/constructs.*` (whose comments give each expected number with its
//! reasoning) is measured as the language of its extension and snapshotted, one snapshot per
//! fixture. A new language adds its fixture there; this test finds it.

use debtgate::lang::Language;

#[test]
fn constructs() {
    insta::glob!("fixtures/lang/*/constructs.*", |path| {
        let language = Language::from_path(path)
            .unwrap_or_else(|| panic!("{}: no language for this extension", path.display()));
        let relative = path
            .strip_prefix(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lang"),
            )
            .expect("the glob is under tests/fixtures/lang");
        let relative = relative.to_str().expect("fixture paths are UTF-8");
        insta::assert_yaml_snapshot!(crate::util::functions_of(relative, language));
    });
}
