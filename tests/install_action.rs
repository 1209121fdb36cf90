//! `ci/github/install.sh`, the GitHub Action's install step, against a loopback HTTP server that
//! stands in for GitHub's release downloads: a good archive is verified and installed; a transfer
//! cut short, a truncated archive, a wrong or missing checksum fail and install nothing (and do
//! not fall back to building); a ref without a release (404) falls back to `cargo install` from
//! the action's source (a stand-in `cargo` records the call). Also: which asset each runner
//! platform asks for matches what `.github/workflows/release.yml` builds and what
//! `[package.metadata.binstall]` names, and the cache key the action uses.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::install_wheel::{make_executable, manifest_dir, walk};
use crate::util::write;

const VERSION: &str = env!("CARGO_PKG_VERSION");
const LINUX_X64: &str = "debtgate-x86_64-unknown-linux-musl";

/// What the server sends for one path: a status, a body, and optionally a `Content-Length` that
/// differs from the body (a transfer that breaks off).
#[derive(Clone)]
struct Asset {
    status: u16,
    body: Vec<u8>,
    announced_len: Option<usize>,
}

impl Asset {
    fn ok(body: &[u8]) -> Asset {
        Asset {
            status: 200,
            body: body.to_vec(),
            announced_len: None,
        }
    }
}

/// A loopback server for `/OWNER/debtgate/releases/download/REF/NAME`: one request per
/// connection, at most 64 connections and a read timeout each, so it always stops by itself.
struct Releases {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Releases {
    fn start(assets: Vec<(String, Asset)>) -> Releases {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (log, stopping) = (seen.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for _ in 0..64 {
                let Ok((stream, _)) = listener.accept() else {
                    return;
                };
                if stopping.load(Ordering::SeqCst) {
                    return;
                }
                serve(stream, &assets, &log);
            }
        });
        Releases {
            url: format!("http://{addr}"),
            seen,
            stop,
            thread: Some(thread),
        }
    }

    fn requests(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Releases {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.url.trim_start_matches("http://"));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(stream: TcpStream, assets: &[(String, Asset)], log: &Mutex<Vec<String>>) {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => break,
            Ok(_) if header.trim().is_empty() => break,
            Ok(_) => {}
        }
    }
    log.lock().unwrap().push(path.clone());
    let missing = Asset {
        status: 404,
        body: b"Not Found".to_vec(),
        announced_len: None,
    };
    let asset = assets
        .iter()
        .find(|(p, _)| *p == path)
        .map_or(missing, |(_, a)| a.clone());
    let mut out = stream;
    let head = format!(
        "HTTP/1.1 {} X\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\n\
         Connection: close\r\n\r\n",
        asset.status,
        asset.announced_len.unwrap_or(asset.body.len())
    );
    let _ = out.write_all(head.as_bytes());
    let _ = out.write_all(&asset.body);
    let _ = out.flush();
}

/// `debtgate-<target>.tar.gz` as the release packs it: `binary` as `debtgate` at the top level.
fn pack(binary: &Path) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(binary, dir.path().join("debtgate")).unwrap();
    let tar = Command::new("tar")
        .args(["-czf", "a.tar.gz", "debtgate"])
        .current_dir(dir.path())
        .status()
        .expect("tar runs");
    assert!(tar.success());
    std::fs::read(dir.path().join("a.tar.gz")).unwrap()
}

/// The test build of debtgate, stripped (as the release's is) and packed. Built once per run.
fn good_archive() -> &'static [u8] {
    static ARCHIVE: OnceLock<Vec<u8>> = OnceLock::new();
    ARCHIVE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("debtgate");
        let strip = Command::new("strip")
            .arg("-o")
            .arg(&bin)
            .arg(env!("CARGO_BIN_EXE_debtgate"))
            .status()
            .expect("strip (binutils) runs");
        assert!(strip.success());
        pack(&bin)
    })
}

/// `sha256sum`'s line for `bytes` named `name`, as the release's `.sha256` file holds it.
fn sha256_line(bytes: &[u8], name: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), bytes).unwrap();
    let out = Command::new("sha256sum")
        .arg(name)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    out.stdout
}

fn release_path(reference: &str, name: &str) -> String {
    format!("/OWNER/debtgate/releases/download/{reference}/{name}")
}

/// The archive and its checksum file for Linux x64 at `v{VERSION}`.
fn release(archive: Asset, checksum: Asset) -> Releases {
    let tag = format!("v{VERSION}");
    Releases::start(vec![
        (release_path(&tag, &format!("{LINUX_X64}.tar.gz")), archive),
        (release_path(&tag, &format!("{LINUX_X64}.sha256")), checksum),
    ])
}

/// A `cargo` that records its arguments in `cargo.log` and succeeds.
struct FakeCargo {
    dir: tempfile::TempDir,
}

impl FakeCargo {
    fn new() -> FakeCargo {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("cargo.log");
        let script = format!("#!/bin/sh\necho \"$*\" >> '{}'\n", log.display());
        let path = write(dir.path(), "cargo", script.as_bytes());
        make_executable(&path);
        FakeCargo { dir }
    }

    fn calls(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("cargo.log")).unwrap_or_default()
    }
}

struct Run {
    out: Output,
    dest: tempfile::TempDir,
    cargo: FakeCargo,
}

impl Run {
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }

    fn installed(&self) -> PathBuf {
        self.dest.path().join("bin/debtgate")
    }

    fn assert_failed_and_installed_nothing(&self, why: &str) {
        let err = self.stderr();
        assert_eq!(self.out.status.code(), Some(1), "{err}");
        assert!(err.contains(why), "stderr names the cause ({why}):\n{err}");
        let left: Vec<_> = walk(self.dest.path());
        assert!(left.is_empty(), "nothing installed: {left:?}");
        assert_eq!(self.cargo.calls(), "", "no fallback to a source build");
    }
}

/// Runs `script ARGS` as the action would on a runner of `os`/`arch`, downloading from `server`.
fn run_script(
    script: &Path,
    args: &[&str],
    os: &str,
    arch: &str,
    server: &Releases,
    env: &[(&str, &str)],
) -> Run {
    let dest = tempfile::tempdir().unwrap();
    let cargo = FakeCargo::new();
    let path = std::env::join_paths(std::iter::once(cargo.dir.path().to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let mut cmd = Command::new("bash");
    cmd.arg(script)
        .args(args)
        .arg(dest.path())
        .env("PATH", path)
        .env("RUNNER_OS", os)
        .env("RUNNER_ARCH", arch)
        .env(
            "DEBTGATE_RELEASES_URL",
            format!("{}/OWNER/debtgate/releases/download", server.url),
        )
        .env("DEBTGATE_SOURCE", manifest_dir())
        .env_remove("DEBTGATE_ACTION_REPOSITORY")
        .env_remove("DEBTGATE_ACTION_REF")
        .envs(env.iter().copied());
    let out = cmd.output().expect("bash runs");
    Run { out, dest, cargo }
}

fn the_script() -> PathBuf {
    manifest_dir().join("ci/github/install.sh")
}

fn install(os: &str, arch: &str, reference: &str, server: &Releases) -> Run {
    let env = [
        ("DEBTGATE_ACTION_REPOSITORY", "OWNER/debtgate"),
        ("DEBTGATE_ACTION_REF", reference),
    ];
    run_script(&the_script(), &["install"], os, arch, server, &env)
}

fn tag() -> String {
    format!("v{VERSION}")
}

#[test]
fn a_released_ref_downloads_verifies_and_installs_the_binary() {
    let archive = good_archive();
    let server = release(
        Asset::ok(archive),
        Asset::ok(&sha256_line(archive, &format!("{LINUX_X64}.tar.gz"))),
    );
    let run = install("Linux", "X64", &tag(), &server);
    assert!(run.out.status.success(), "{}", run.stderr());
    assert!(run.stderr().contains("verified"), "{}", run.stderr());
    let version = Command::new(run.installed())
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("debtgate {VERSION}")
    );
    assert_eq!(
        server.requests(),
        [
            release_path(&tag(), &format!("{LINUX_X64}.tar.gz")),
            release_path(&tag(), &format!("{LINUX_X64}.sha256"))
        ]
    );
    assert_eq!(run.cargo.calls(), "");
}

#[test]
fn a_transfer_cut_short_fails_and_installs_nothing() {
    let archive = good_archive();
    let cut = Asset {
        status: 200,
        body: archive[..archive.len() / 2].to_vec(),
        announced_len: Some(archive.len()),
    };
    let server = release(cut, Asset::ok(&sha256_line(archive, "x")));
    install("Linux", "X64", &tag(), &server)
        .assert_failed_and_installed_nothing("did not complete");
}

#[test]
fn a_truncated_archive_fails_its_checksum_and_installs_nothing() {
    let archive = good_archive();
    let server = release(
        Asset::ok(&archive[..archive.len() / 2]),
        Asset::ok(&sha256_line(archive, &format!("{LINUX_X64}.tar.gz"))),
    );
    install("Linux", "X64", &tag(), &server)
        .assert_failed_and_installed_nothing("SHA-256 mismatch");
}

#[test]
fn a_wrong_checksum_fails_and_installs_nothing() {
    let server = release(
        Asset::ok(good_archive()),
        Asset::ok(&sha256_line(
            b"another build",
            &format!("{LINUX_X64}.tar.gz"),
        )),
    );
    install("Linux", "X64", &tag(), &server)
        .assert_failed_and_installed_nothing("SHA-256 mismatch");
}

#[test]
fn an_archive_whose_binary_does_not_run_here_installs_nothing() {
    // Verified bytes for another machine: a binary this one cannot execute.
    let dir = tempfile::tempdir().unwrap();
    let foreign = write(dir.path(), "debtgate", b"\x7fELF not for this machine");
    let archive = pack(&foreign);
    let server = release(
        Asset::ok(&archive),
        Asset::ok(&sha256_line(&archive, &format!("{LINUX_X64}.tar.gz"))),
    );
    install("Linux", "X64", &tag(), &server).assert_failed_and_installed_nothing("does not run");
}

#[test]
fn a_release_without_its_checksum_file_is_not_used() {
    let missing = Asset {
        status: 404,
        body: Vec::new(),
        announced_len: None,
    };
    let server = release(Asset::ok(good_archive()), missing);
    install("Linux", "X64", &tag(), &server)
        .assert_failed_and_installed_nothing("without its checksum");
}

#[test]
fn a_ref_without_a_release_falls_back_to_cargo_install_from_the_action_source() {
    let server = Releases::start(Vec::new());
    let run = install("Linux", "X64", "main", &server);
    assert!(run.out.status.success(), "{}", run.stderr());
    assert_eq!(
        run.cargo.calls().trim(),
        format!(
            "install --locked --path {} --root {}",
            manifest_dir().display(),
            run.dest.path().display()
        )
    );
    assert_eq!(
        server.requests(),
        [release_path("main", &format!("{LINUX_X64}.tar.gz"))]
    );
}

#[test]
fn the_repository_and_ref_are_read_off_the_runner_unpack_path_when_the_context_is_empty() {
    // The runner unpacks `uses: OWNER/debtgate/ci/github@REF` to …/_actions/OWNER/debtgate/REF.
    let runner = tempfile::tempdir().unwrap();
    let unpacked = runner
        .path()
        .join(format!("_actions/OWNER/debtgate/{}/ci/github", tag()));
    std::fs::create_dir_all(&unpacked).unwrap();
    let script = unpacked.join("install.sh");
    std::fs::copy(the_script(), &script).unwrap();
    let archive = good_archive();
    let server = release(
        Asset::ok(archive),
        Asset::ok(&sha256_line(archive, &format!("{LINUX_X64}.tar.gz"))),
    );
    let run = run_script(&script, &["install"], "Linux", "X64", &server, &[]);
    assert!(run.out.status.success(), "{}", run.stderr());
    assert!(run.installed().exists());
    assert_eq!(
        server.requests()[0],
        release_path(&tag(), &format!("{LINUX_X64}.tar.gz"))
    );
}

/// The targets of a job's matrix in the release workflow.
fn workflow_targets(job: &str) -> Vec<String> {
    let text = std::fs::read(manifest_dir().join(".github/workflows/release.yml")).unwrap();
    let workflow: serde_yaml::Value = serde_yaml::from_slice(&text).unwrap();
    let mut targets: Vec<String> = workflow["jobs"][job]["strategy"]["matrix"]["include"]
        .as_sequence()
        .unwrap_or_else(|| panic!("jobs.{job}.strategy.matrix.include"))
        .iter()
        .map(|e| e["target"].as_str().unwrap().to_string())
        .collect();
    targets.sort();
    targets
}

#[test]
fn every_runner_platform_asks_for_an_asset_the_release_workflow_builds() {
    let mut asked = Vec::new();
    for (os, arch) in [
        ("Linux", "X64"),
        ("Linux", "ARM64"),
        ("macOS", "X64"),
        ("macOS", "ARM64"),
        ("Windows", "X64"),
    ] {
        let server = Releases::start(Vec::new());
        let run = install(os, arch, &tag(), &server);
        assert!(run.out.status.success(), "{os}/{arch}: {}", run.stderr());
        let requested = server.requests();
        assert_eq!(requested.len(), 1, "{requested:?}");
        let name = requested[0].rsplit('/').next().unwrap().to_string();
        asked.push(name);
    }
    // The release packs `$bin-$target`, .tar.gz on Unix and .zip on Windows (release.yml).
    let mut built: Vec<String> = workflow_targets("binaries")
        .iter()
        .map(|t| {
            format!(
                "debtgate-{t}.{}",
                if t.contains("windows") {
                    "zip"
                } else {
                    "tar.gz"
                }
            )
        })
        .collect();
    built.sort();
    asked.sort();
    assert_eq!(asked, built);
    assert_eq!(
        workflow_targets("wheels"),
        workflow_targets("binaries"),
        "a wheel per binary"
    );

    // cargo binstall builds the same names from Cargo.toml: the default template, and the
    // Windows override (the only one).
    let cargo_toml = std::fs::read_to_string(manifest_dir().join("Cargo.toml")).unwrap();
    let templates: Vec<&str> = cargo_toml
        .lines()
        .filter_map(|l| l.strip_prefix("pkg-url = "))
        .map(|v| v.trim_matches('"'))
        .collect();
    assert_eq!(templates.len(), 2, "{templates:?}");
    assert!(cargo_toml
        .contains("[package.metadata.binstall.overrides.x86_64-pc-windows-msvc]\npkg-url"));
    for target in workflow_targets("binaries") {
        let (template, suffix) = if target.contains("windows") {
            (templates[1], "zip")
        } else {
            (templates[0], "tar.gz")
        };
        let url = template
            .replace("{ repo }", "R")
            .replace("{ version }", VERSION)
            .replace("{ name }", "debtgate")
            .replace("{ target }", &target);
        assert_eq!(
            url,
            format!("R/releases/download/v{VERSION}/debtgate-{target}.{suffix}"),
            "binstall URL for {target}"
        );
    }
}

#[test]
fn a_platform_without_a_release_binary_builds_from_source_without_asking() {
    let server = Releases::start(Vec::new());
    let run = install("Linux", "ARM", &tag(), &server);
    assert!(run.out.status.success(), "{}", run.stderr());
    assert!(
        run.cargo.calls().starts_with("install --locked --path "),
        "{}",
        run.cargo.calls()
    );
    assert!(server.requests().is_empty());
}

#[test]
fn the_cache_key_names_a_tag_or_else_the_source_it_builds() {
    let server = Releases::start(Vec::new());
    let key = |script: &Path, reference: &str, source: &Path| {
        let env = [
            ("DEBTGATE_ACTION_REPOSITORY", "OWNER/debtgate"),
            ("DEBTGATE_ACTION_REF", reference),
            ("DEBTGATE_SOURCE", source.to_str().unwrap()),
        ];
        let run = run_script(script, &["key"], "Linux", "X64", &server, &env);
        assert!(run.out.status.success(), "{}", run.stderr());
        String::from_utf8(run.out.stdout)
            .unwrap()
            .trim()
            .to_string()
    };
    let source = tempfile::tempdir().unwrap();
    write(source.path(), "src/main.rs", b"fn main() {}\n");
    assert_eq!(
        key(&the_script(), "v1.2.3", source.path()),
        "debtgate-bin-Linux-X64-OWNER-debtgate-v1.2.3"
    );
    let before = key(&the_script(), "main", source.path());
    assert!(
        before.starts_with("debtgate-bin-Linux-X64-src-"),
        "{before}"
    );
    assert_eq!(key(&the_script(), "main", source.path()), before, "stable");
    write(source.path(), "src/main.rs", b"fn main() { println!(); }\n");
    assert_ne!(
        key(&the_script(), "main", source.path()),
        before,
        "follows the source"
    );
}
