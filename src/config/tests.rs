//! Tests of the config module as a whole: the embedded default and its completeness, the
//! catalogue against the schema and the docs, merging, overrides, globs, discovery, and the
//! exact position of every validation problem.

use std::path::Path;

use super::ratchet::RATCHET_KEYS;
use super::raw::{BUDGET_KEYS, LEVEL_KEYS, OVERRIDE_KEYS, STORE_KEYS, TOP_KEYS};
use super::*;
use crate::analysis::Grade;

fn settings(text: &str) -> Settings {
    Settings::from_yaml(text, ConfigOrigin::File(".debtgate.yaml".into()))
        .unwrap_or_else(|e| panic!("valid config expected:\n{e}"))
}

fn problems(text: &str) -> String {
    match Settings::from_yaml(text, ConfigOrigin::File(".debtgate.yaml".into())) {
        Ok(_) => panic!("invalid config expected"),
        Err(e) => e.to_string(),
    }
}

fn docs() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/config.md");
    std::fs::read_to_string(path).expect("docs/config.md exists")
}

fn level(warn: Option<f64>, fail: Option<f64>) -> Level {
    Level { warn, fail }
}

#[test]
fn the_embedded_default_sets_every_key_and_names_every_metric() {
    let file = validate::check(DEFAULT_YAML, "config/default.yaml").expect("valid default");
    assert!(file.mode.is_some());
    assert!(file.min_grade.is_some());
    assert!(file.exclude.is_some());
    assert!(file.overrides.is_some());
    assert!(file.max_file_size.is_some());
    assert!(file.on_budget_exceeded.is_some());
    for kind in RunKind::ALL {
        assert!(
            file.budget.iter().any(|(k, _)| *k == kind),
            "config/default.yaml has no budget.{kind}"
        );
    }
    for metric in Metric::ALL {
        let (_, level) = file
            .thresholds
            .iter()
            .find(|(m, _)| *m == metric)
            .unwrap_or_else(|| panic!("config/default.yaml has no thresholds.{metric}"));
        assert!(
            level.warn.is_some() && level.fail.is_some(),
            "{metric}: the default warns and fails"
        );
    }
    let embedded = Settings::embedded();
    assert_eq!(embedded.origin, ConfigOrigin::Embedded);
    assert_eq!(embedded.label(), "default");
}

#[test]
fn the_starter_file_is_the_default() {
    let starter = settings(&starter_file());
    assert_eq!(starter.to_raw(), Settings::embedded().to_raw());
    assert!(starter_file().starts_with('#'), "a commented file");
}

#[test]
fn budgets_merge_per_kind_of_run_and_read_back() {
    use std::time::Duration;
    let d = Settings::embedded();
    assert!(d.budget(RunKind::Staged).is_some(), "a hook has a budget");
    assert_eq!(d.budget(RunKind::Range), None, "CI runs to the end");
    assert_eq!(d.on_budget_exceeded, OnBudgetExceeded::Pass);
    let s = settings("budget: { staged: 2m, all: 500ms }\non_budget_exceeded: fail\n");
    assert_eq!(s.budget(RunKind::Staged), Some(Duration::from_secs(120)));
    assert_eq!(s.budget(RunKind::All), Some(Duration::from_millis(500)));
    assert_eq!(s.budget(RunKind::Worktree), d.budget(RunKind::Worktree));
    assert_eq!(s.on_budget_exceeded, OnBudgetExceeded::Fail);
    let off = settings("budget: { staged: null }\n");
    assert_eq!(off.budget(RunKind::Staged), None);
    for s in [s, off] {
        let again = settings(&s.to_yaml());
        assert_eq!(again.to_raw(), s.to_raw(), "config show reads back");
    }
    let looser = d.loosened_by(&settings(
        "budget: { range: 1s }\non_budget_exceeded: pass\n",
    ));
    assert_eq!(looser, ["budget.range none → 1s"]);
}

#[test]
fn docs_mention_every_key_metric_and_mode() {
    let docs = docs();
    let names = TOP_KEYS
        .iter()
        .chain(LEVEL_KEYS)
        .chain(OVERRIDE_KEYS)
        .chain(BUDGET_KEYS)
        .chain(STORE_KEYS)
        .chain(RATCHET_KEYS)
        .copied()
        .chain(Metric::ALL.map(Metric::name))
        .chain(PolicyMode::ALL.map(PolicyMode::name));
    for name in names {
        assert!(
            docs.contains(&format!("`{name}`")),
            "docs/config.md does not mention `{name}`"
        );
    }
}

/// Every YAML example in the docs is a valid config, the first is the default itself, and the
/// table of metric defaults says what config/default.yaml says.
#[test]
fn docs_examples_are_valid_and_show_the_real_defaults() {
    let docs = docs();
    let blocks: Vec<&str> = docs
        .split("```yaml\n")
        .skip(1)
        .map(|rest| rest.split("```").next().expect("a closed block"))
        .collect();
    assert!(blocks.len() >= 3, "docs/config.md has YAML examples");
    for block in &blocks {
        Settings::from_yaml(block, ConfigOrigin::File("docs/config.md".into()))
            .unwrap_or_else(|e| panic!("an example in docs/config.md is invalid:\n{e}\n{block}"));
    }
    assert_eq!(
        settings(blocks[0]).to_raw(),
        Settings::embedded().to_raw(),
        "the first example in docs/config.md is the built-in default"
    );
    let d = Settings::embedded();
    for metric in Metric::ALL {
        let level = d.threshold("src/lib.rs", metric).level;
        let (warn, fail) = (level.warn.expect("warns"), level.fail.expect("fails"));
        let row = format!("| `{metric}` | `{{ warn: {warn}, fail: {fail} }}` |");
        assert!(docs.contains(&row), "docs/config.md lacks the row {row}");
    }
}

#[test]
fn settings_can_be_shared_across_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<Settings>();
}

/// The validator's key lists, the schema's properties and the metric catalogue agree.
#[test]
fn the_schema_lists_exactly_the_keys_the_validator_accepts() {
    let schema: serde_json::Value = serde_json::from_str(&json_schema()).expect("JSON");
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let mut k: Vec<String> = v["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("an object schema: {v}"))
            .keys()
            .cloned()
            .collect();
        k.sort();
        k
    };
    let sorted = |names: &[&str]| -> Vec<String> {
        let mut k: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        k.sort();
        k
    };
    let defs = &schema["$defs"];
    assert_eq!(keys(&schema), sorted(TOP_KEYS));
    assert_eq!(schema["additionalProperties"], false);
    let metrics: Vec<&str> = Metric::ALL.map(Metric::name).to_vec();
    assert_eq!(keys(&defs["Thresholds"]), sorted(&metrics));
    assert_eq!(keys(&defs["Level"]), sorted(LEVEL_KEYS));
    assert_eq!(keys(&defs["GradeLevel"]), sorted(LEVEL_KEYS));
    assert_eq!(keys(&defs["Override"]), sorted(OVERRIDE_KEYS));
    assert_eq!(keys(&defs["Store"]), sorted(STORE_KEYS));
    assert_eq!(keys(&defs["Ratchet"]), sorted(RATCHET_KEYS));
    for def in [
        "Thresholds",
        "Level",
        "GradeLevel",
        "Override",
        "Store",
        "Ratchet",
    ] {
        assert_eq!(defs[def]["additionalProperties"], false, "{def}");
    }
    // Defaults come from the embedded file.
    assert_eq!(schema["properties"]["mode"]["default"], "new");
    assert_eq!(
        schema["properties"]["thresholds"]["default"]["cyclomatic"],
        serde_json::to_value(Settings::embedded().to_raw().thresholds).expect("JSON")["cyclomatic"]
    );
}

#[test]
fn thresholds_for_a_path_are_each_metrics_threshold() {
    let s = settings(
        "overrides:\n  - paths: [\"a/**\"]\n    thresholds: { length: { warn: 1 } }\n  \
         - paths: [\"a/b/**\"]\n    thresholds: { length: { warn: 2 }, params: { fail: 3 } }\n",
    );
    for path in ["a/b/c.rs", "a/c.rs", "z.rs"] {
        let all = s.thresholds_for(path);
        for metric in Metric::ALL {
            assert_eq!(
                all[metric.index()],
                s.threshold(path, metric),
                "{path} {metric}"
            );
        }
    }
}

#[test]
fn the_store_section_is_merged_per_key_and_validated() {
    let d = Settings::embedded();
    assert_eq!(d.store.path, None);
    assert_eq!(
        (
            d.store.max_age_days,
            d.store.warm_max_mib,
            d.store.cold_max_mib
        ),
        (30, 256, 1024)
    );
    let s = settings("store:\n  path: cache/s.redb\n  cold_max_mib: 5\n");
    assert_eq!(s.store.path.as_deref(), Some("cache/s.redb"));
    assert_eq!(
        (
            s.store.max_age_days,
            s.store.warm_max_mib,
            s.store.cold_max_mib
        ),
        (30, 256, 5)
    );
    let shown = s.to_raw().store.expect("config show writes the section");
    assert_eq!(shown.path.as_deref(), Some("cache/s.redb"));
    let err = Settings::from_yaml(
        "store:\n  path: ''\n  max_age_days: 0\n  warm_max_mib: big\n  colour: 1\n",
        ConfigOrigin::File(".debtgate.yaml".into()),
    )
    .expect_err("invalid");
    let text = err.to_string();
    assert!(
        text.contains("`store.path` expects a path (or `off`)"),
        "{text}"
    );
    assert!(
        text.contains("`store.max_age_days` must be a positive number of days, found 0"),
        "{text}"
    );
    assert!(
        text.contains("`store.warm_max_mib` expects a number of MiB"),
        "{text}"
    );
    assert!(text.contains("unknown key `colour` in `store`"), "{text}");
}

#[test]
fn a_file_replaces_top_level_keys_and_thresholds_per_metric() {
    let s = settings("mode: ratchet\nthresholds:\n  cyclomatic: { fail: 12 }\nexclude: []\n");
    let d = Settings::embedded();
    assert_eq!(s.mode, PolicyMode::Ratchet);
    let cyclomatic = s.threshold("src/a.rs", Metric::Cyclomatic);
    assert_eq!(
        cyclomatic.level,
        level(None, Some(12.0)),
        "a missing level is never"
    );
    assert_eq!(cyclomatic.source, ".debtgate.yaml:thresholds.cyclomatic");
    let cognitive = s.threshold("src/a.rs", Metric::Cognitive);
    assert_eq!(cognitive, d.threshold("src/a.rs", Metric::Cognitive));
    assert_eq!(cognitive.source, "default");
    assert!(!s.is_excluded("vendor/x.go"), "exclude replaced by []");
    assert!(d.is_excluded("vendor/x.go"));
    assert_eq!(s.max_file_size, d.max_file_size);
    assert_eq!(s.min_grade_applied("a.rs").source, "default");
}

#[test]
fn the_last_matching_override_wins_per_metric() {
    let s = settings(
        "thresholds:\n  length: { warn: 10, fail: 20 }\n  params: { fail: 3 }\n\
         min_grade: { fail: D }\n\
         overrides:\n\
         \x20 - paths: [\"tests/**\"]\n    thresholds: { length: { fail: 50 }, params: { fail: 9 } }\n\
         \x20 - paths: [\"tests/big/**\"]\n    thresholds: { length: { fail: 90 } }\n\
         \x20 - paths: [\"**/*.py\"]\n    min_grade: { warn: A }\n",
    );
    let length = |p| s.threshold(p, Metric::Length);
    assert_eq!(length("src/a.rs").level, level(Some(10.0), Some(20.0)));
    assert_eq!(length("tests/a.rs").level, level(None, Some(50.0)));
    assert_eq!(length("tests/a.rs").source, ".debtgate.yaml:overrides[0]");
    assert_eq!(length("tests/big/a.rs").level, level(None, Some(90.0)));
    assert_eq!(
        length("tests/big/a.rs").source,
        ".debtgate.yaml:overrides[1]"
    );
    // overrides[1] does not name params, so overrides[0] still decides it.
    let params = s.threshold("tests/big/a.rs", Metric::Params);
    assert_eq!(params.level, level(None, Some(9.0)));
    assert_eq!(params.source, ".debtgate.yaml:overrides[0]");
    assert_eq!(s.min_grade("src/a.rs"), (None, Some(Grade::D)));
    assert_eq!(s.min_grade("tests/a.py"), (Some(Grade::A), None));
    assert_eq!(
        s.min_grade_applied("tests/a.py").source,
        ".debtgate.yaml:overrides[2]"
    );
    assert_eq!(
        s.min_grade_applied("a.rs").source,
        ".debtgate.yaml:min_grade"
    );
}

#[test]
fn globs_keep_star_within_a_directory_and_double_star_spans_none_or_more() {
    let s = settings(
        "exclude: [\"*.js\", \"**/gen/**\", \"docs/*.rs\", \"a/**/b.rs\", \"src/[ab].c\"]\n",
    );
    assert!(s.is_excluded("x.js"));
    assert!(!s.is_excluded("src/x.js"), "`*` does not cross `/`");
    assert!(s.is_excluded("gen/x.rs"), "`**/` matches at the root");
    assert!(s.is_excluded("deep/er/gen/x.rs"));
    assert!(s.is_excluded("docs/x.rs"));
    assert!(!s.is_excluded("docs/sub/x.rs"));
    assert!(s.is_excluded("a/b.rs"));
    assert!(s.is_excluded("a/x/y/b.rs"));
    assert!(s.is_excluded("src/a.c") && !s.is_excluded("src/c.c"));
}

#[test]
fn the_default_excludes_vendored_and_generated_code_and_eases_tests() {
    let d = Settings::embedded();
    for path in [
        "vendor/github.com/x/y.go",
        "web/node_modules/react/index.js",
        "third_party/zlib/inflate.c",
        "static/app.min.js",
        "api/v1/service.pb.go",
        "proto/thing_pb2.py",
    ] {
        assert!(d.is_excluded(path), "{path}");
    }
    for path in ["src/main.rs", "vendors.go", "app.js", "lib/minify.js"] {
        assert!(!d.is_excluded(path), "{path}");
    }
    let src = d.threshold("src/lib.rs", Metric::Length);
    for path in [
        "tests/cli.rs",
        "crates/x/tests/it.rs",
        "pkg/server_test.go",
        "test_app.py",
        "src/__tests__/a.ts",
        "src/a.test.tsx",
        "src/test/java/FooTest.java",
    ] {
        let t = d.threshold(path, Metric::Length);
        assert_eq!(t.source, "default:overrides[0]", "{path}");
        assert!(t.level.warn > src.level.warn, "{path}");
        assert_eq!(t.level.fail, None, "{path}");
    }
    assert_eq!(d.threshold("src/lib.rs", Metric::Length).source, "default");
}

#[test]
fn to_yaml_reads_back_as_the_same_settings() {
    for s in [
        Settings::embedded(),
        settings(
            "mode: absolute\nthresholds: {params: {}, length: {warn: 1}}\nmin_grade: {}\n\
             overrides: [{paths: [\"a/**\"], min_grade: {fail: B}}]\nmax_file_size: 7\n",
        ),
    ] {
        let yaml = s.to_yaml();
        assert!(
            yaml.starts_with("# Effective debtgate settings, from "),
            "{yaml}"
        );
        assert_eq!(settings(&yaml).to_raw(), s.to_raw(), "{yaml}");
    }
    let shown = Settings::embedded().to_yaml();
    assert!(shown.contains("\nmode: new\n"), "{shown}");
    assert!(shown.contains("cyclomatic:"), "{shown}");
}

#[test]
fn every_problem_is_reported_at_its_position() {
    let text = "\
version: 2
mode: strict
thresholds:
  cyclomatc: { warn: 10, fail: 20 }
  cognitive: { warn: 30, fail: 20 }
  length: { warn: ten }
  params: { warn: -1, fail: 2.5 }
min_grade: { warn: E, fail: b }
exclude: [\"src/[\", \"/abs/**\", \"dir/\", 7]
overrides:
  - paths: []
    thresholds: { lenght: { fail: 1 } }
  - thresholds: { length: { fail: 1 } }
  - paths: [\"x/**\"]
max_file_size: 0
colour: blue
mode: new
budget: { staged: 5x, range: 10, ci: 1s, all: -2s }
on_budget_exceeded: maybe
";
    let expected = "\
.debtgate.yaml:1:10: unsupported config version 2: this debtgate reads version 1
.debtgate.yaml:2:7: unknown mode `strict`; modes are new, ratchet, absolute
.debtgate.yaml:4:3: unknown metric `cyclomatc` in `thresholds` (did you mean `cyclomatic`?); expected one of cyclomatic, cognitive, max_nesting, length, params
.debtgate.yaml:5:22: `thresholds.cognitive.warn` (30) is above `fail` (20): a value would fail before it warns
.debtgate.yaml:6:19: `thresholds.length.warn` expects a whole number (or null for never), found the string `ten`
.debtgate.yaml:7:19: `thresholds.params.warn` must be a whole number from 0 to 4294967295, found -1
.debtgate.yaml:7:29: `thresholds.params.fail` expects a whole number (or null for never), found the number 2.5
.debtgate.yaml:8:20: unknown grade `E`; grades are A+, A, A-, B+, B, B-, C+, C, C-, D, F
.debtgate.yaml:8:29: unknown grade `b` (grades are upper case: `B`); grades are A+, A, A-, B+, B, B-, C+, C, C-, D, F
.debtgate.yaml:9:11: invalid glob `src/[`: unclosed character class; missing ']'
.debtgate.yaml:9:20: glob `/abs/**` never matches: paths are relative to the repository root without a leading `/` or `./`; write `abs/**`
.debtgate.yaml:9:31: glob `dir/` never matches: paths are files; to match everything under the directory write `dir/**`
.debtgate.yaml:9:39: `exclude[3]` expects a glob string, found the number 7
.debtgate.yaml:11:12: `overrides[0].paths` is empty: the override matches nothing
.debtgate.yaml:12:19: unknown metric `lenght` in `overrides[0].thresholds` (did you mean `length`?); expected one of cyclomatic, cognitive, max_nesting, length, params
.debtgate.yaml:13:5: `overrides[1]` needs `paths`, a list of globs
.debtgate.yaml:14:5: `overrides[2]` sets none of `thresholds`, `min_grade`, `suppressions`: it changes nothing
.debtgate.yaml:15:16: `max_file_size` must be a positive number of bytes, found 0
.debtgate.yaml:16:1: unknown key `colour`; expected one of version, mode, ratchet, thresholds, min_grade, exclude, overrides, suppressions, max_file_size, budget, on_budget_exceeded, store, allow_skip_in_ci
.debtgate.yaml:17:1: duplicate key `mode`: it may appear once
.debtgate.yaml:18:19: `budget.staged`: `5x` is not a duration: expected a duration such as 500ms, 10s, 2m or 1m30s (or none)
.debtgate.yaml:18:30: `budget.range` expects a duration such as 500ms, 10s or 2m (or null for no limit), found the number 10
.debtgate.yaml:18:34: unknown kind of run `ci` in `budget`; expected one of staged, worktree, range, all
.debtgate.yaml:18:47: `budget.all`: `-2s` is negative: expected a duration such as 500ms, 10s, 2m or 1m30s (or none)
.debtgate.yaml:19:21: `on_budget_exceeded` must be pass or fail, found `maybe`";
    assert_eq!(problems(text), expected);
}

#[test]
fn a_wrong_type_at_any_level_is_reported_and_siblings_still_checked() {
    assert_eq!(
        problems("thresholds: [1]\nexclude: \"vendor/**\"\noverrides: {paths: []}\nmin_grade: C\n"),
        "\
.debtgate.yaml:1:13: `thresholds` expects a mapping with keys cyclomatic, cognitive, max_nesting, length, params, found a list
.debtgate.yaml:2:10: `exclude` expects a list of globs, found the string `vendor/**`
.debtgate.yaml:3:12: `overrides` expects a list of overrides ({paths, thresholds}), found a mapping
.debtgate.yaml:4:12: `min_grade` expects a mapping with keys warn, fail, found the string `C`"
    );
    assert_eq!(
        problems("thresholds:\n  cyclomatic: 10\n  params: { warn: 1, warm: 2 }\n"),
        "\
.debtgate.yaml:2:15: `thresholds.cyclomatic` expects a mapping with keys warn, fail, found the number 10
.debtgate.yaml:3:22: unknown key `warm` in `thresholds.params` (did you mean `warn`?); expected one of warn, fail"
    );
}

#[test]
fn problems_name_the_file_as_its_origin_does() {
    let err = Settings::from_yaml(
        "mode: x\n",
        ConfigOrigin::Revision {
            rev: "origin/main".into(),
            path: ".debtgate.yaml".into(),
        },
    )
    .expect_err("invalid");
    assert_eq!(err.problems()[0].file, "origin/main:.debtgate.yaml");
    assert!(err
        .to_string()
        .starts_with("origin/main:.debtgate.yaml:1:7: "));
}

#[test]
fn discovery_prefers_explicit_then_the_root_file_then_the_default() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let root = dir.path();
    let found = Settings::discover(root, None).expect("no file is fine");
    assert_eq!(found.origin, ConfigOrigin::Embedded);

    std::fs::write(root.join(".debtgate.yml"), "mode: ratchet\n").expect("write");
    let found = Settings::discover(root, None).expect("valid");
    assert_eq!(found.mode, PolicyMode::Ratchet);
    assert_eq!(found.origin, ConfigOrigin::File(root.join(".debtgate.yml")));
    assert_eq!(found.label(), ".debtgate.yml");

    std::fs::write(root.join(".debtgate.yaml"), "mode: absolute\n").expect("write");
    let err = Settings::discover(root, None).expect_err("both present");
    assert!(matches!(err, ConfigError::Ambiguous { .. }), "{err}");

    let explicit = root.join("policy.yaml");
    std::fs::write(&explicit, "mode: new\nbad: 1\n").expect("write");
    let err = Settings::discover(root, Some(&explicit)).expect_err("invalid");
    assert_eq!(
        err.to_string(),
        format!(
            "{}:2:1: unknown key `bad`; expected one of version, mode, ratchet, thresholds, min_grade, exclude, overrides, suppressions, max_file_size, budget, on_budget_exceeded, store, allow_skip_in_ci",
            explicit.display()
        )
    );
    let missing = Settings::discover(root, Some(Path::new("/no/such/file.yaml")));
    assert!(matches!(missing, Err(ConfigError::Read { .. })));
}

#[test]
fn the_repository_root_is_the_nearest_directory_with_git() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let deep = dir.path().join("a/b/c");
    std::fs::create_dir_all(&deep).expect("mkdir");
    std::fs::create_dir(dir.path().join(".git")).expect("mkdir");
    std::fs::write(dir.path().join("a/b/.git"), "gitdir: elsewhere\n").expect("write");
    assert_eq!(find_repo_root(&deep), Some(dir.path().join("a/b")));
    assert_eq!(
        find_repo_root(&dir.path().join("a")),
        Some(dir.path().to_path_buf())
    );
}

#[test]
fn loosened_by_lists_what_a_new_file_relaxes() {
    let base = Settings::embedded();
    assert!(base.loosened_by(&base).is_empty());
    let head = settings(
        "mode: ratchet\nthresholds:\n  cyclomatic: { warn: 15, fail: 40 }\n  params: { warn: 1, fail: 2 }\n\
         min_grade: { warn: C }\nexclude: [\"**/vendor/**\", \"src/**\"]\n",
    );
    assert_eq!(
        base.loosened_by(&head),
        [
            "mode new → ratchet",
            "thresholds.cyclomatic.fail 30 → 40",
            "min_grade.fail D → never",
            "exclude adds `src/**`",
        ]
    );
    // Tightening is not loosening.
    assert!(head
        .loosened_by(&base)
        .iter()
        .all(|l| !l.contains("cyclomatic")));
}
