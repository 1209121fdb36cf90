//! The one integration test binary. Each module is one area; new tests go in the module of the
//! area they cover, new areas get a module here.
//!
//! - `util`        — helpers: running the built binary, temp dirs, fixtures.
//! - `architecture` — the rooms of src/ import only what docs/ARCHITECTURE.md allows; no cycle.
//! - `bad_input`   — the rows of docs/bad-input.md no other module shows: 100,000 levels and
//!   functions, odd paths, FIFOs, files deleted mid-run, read-only repositories, a full disk.
//! - `ci`          — `debtgate check` in GitHub Actions: event payloads, summary, outputs.
//! - `publish`     — `debtgate publish` / `check --publish` against a loopback GitHub API
//!   (`github_server`): statuses, check runs, sticky comments, forks, rate limits, errors.
//! - `check`       — `debtgate check` end to end: which change, which policy, which verdict.
//! - `budget`      — `check --budget` / `--timings` / `max_file_size`: resource control.
//! - `daemon`      — `debtgate daemon` and `warm`: real daemon processes, order, robustness.
//! - `daemon_budget` — the time budget through the daemon: bounded request, answers judged, order.
//! - `daemon_socket` — who may answer as the daemon: a second user's fake daemons are refused.
//! - `doctor`      — `debtgate doctor`: each check on real repositories.
//! - `change`      — `debtgate::change` against repositories built with the git CLI.
//! - `hooks`       — `debtgate hook install|uninstall`, the hook scripts, the pre-commit framework.
//! - `install_*`   — getting debtgate without Rust: the PyPI wheel and the pre-commit hook that
//!   installs it (`install_wheel`), the action's download-and-verify script against a loopback
//!   release server (`install_action`), the release workflow and action linted (`install_release`).
//! - `cli`         — `debtgate analyze` through the binary: exit codes, formats, walking.
//! - `config`      — `debtgate config validate|show|schema` and `debtgate init` through the binary.
//! - `report_formats` — every output format from one shared `Report` fixture; SARIF validity.
//! - `robustness`  — hostile input: syntax errors, deep nesting, bad bytes, huge files.
//! - `suppressions` — the `suppressions` policy key: allow, require_reason, forbid, per path, in ranges.
//! - `thresholds`  — `debtgate init` and `thresholds suggest`: levels fitted to known functions.
//! - `lang`        — per-language snapshots of every construct in the metric definitions, one
//!   per fixture in `fixtures/lang/`.
//! - `exit_status` — the exit-status contract under a closed stdout and DEBTGATE_SKIP in CI.
//! - `store_admin` — the store on damaged and merged files: checksums, repair after a crash, import.
//! - `trend`       — `debtgate trend` against histories built with the git CLI: figures equal to
//!   `check --all` at sampled commits, the store, shallow clones, charts rendered.
//! - `shard`       — `check --shard K/N` and `report merge`: split runs put back together equal the
//!   unsplit run in every format; the split ignores the store; mismatched reports are refused.
//! - `ratchet`     — `mode: ratchet`: what got worse, the length tolerance, first crossings.
//! - `baseline`    — `debtgate baseline [--prune]` and known debt in `check`.

mod github_server;
mod util;

mod architecture;
mod bad_input;
mod baseline;
mod budget;
mod change;
mod check;
mod ci;
mod cli;
mod config;
mod daemon;
mod daemon_budget;
mod daemon_socket;
mod doctor;
mod exit_status;
mod hooks;
mod install_action;
mod install_release;
mod install_wheel;
mod lang;
mod publish;
mod ratchet;
mod report_formats;
mod robustness;
mod shard;
mod store;
mod store_admin;
mod suppressions;
mod thresholds;
mod trend;
