//! `debtgate publish` and `debtgate check --publish` against a loopback stand-in for the GitHub
//! REST API (`github_server.rs`) that checks every request — method, path, GitHub's headers, the
//! JSON body — and answers as GitHub does: created resources, paginated comments, read-only
//! tokens on fork pull requests, rate limits, server errors.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{json, Value};

use crate::github_server::{FakeGitHub, Handler, Reply, Request};
use crate::util::{commit, debtgate, git, git_repo};

const TOKEN: &str = "ghs_TestTokenThatMustNeverBePrinted42";
const MARKER: &str = "<!-- debtgate:sticky -->";
const POLICY: &str = "version: 1\nmode: new\nthresholds:\n  cyclomatic: { warn: 5, fail: 10 }\n";

use crate::util::branchy;

/// `main` with the policy and a small `bad.py`; `feature` rewrites `bad.py` with `failing`
/// functions over the fail threshold (none: one function that only warns). Returns (repo, base,
/// head).
fn forked(failing: usize) -> (tempfile::TempDir, String, String) {
    let repo = git_repo();
    let dir = repo.path();
    let small = branchy("small", 1);
    let base = commit(
        dir,
        &[
            (".debtgate.yaml", POLICY.as_bytes()),
            ("bad.py", small.as_bytes()),
        ],
        "base",
    );
    git(dir, &["checkout", "-q", "-b", "feature"]);
    let source: String = match failing {
        0 => branchy("mid", 6),
        n => (0..n).map(|i| branchy(&format!("big{i}"), 12)).collect(),
    };
    let head = commit(dir, &[("bad.py", source.as_bytes())], "change");
    (repo, base, head)
}

fn pull_request_event(base: &str, head: &str) -> Value {
    let repository = json!({"full_name": "octo/app", "default_branch": "main"});
    json!({
        "action": "synchronize",
        "number": 7,
        "pull_request": {
            "number": 7,
            "base": {"ref": "main", "sha": base, "repo": repository},
            "head": {"ref": "feature", "sha": head, "repo": {"full_name": "fork/app"}},
        },
        "repository": repository,
    })
}

fn push_event(before: &str, after: &str) -> Value {
    json!({"ref": "refs/heads/feature", "before": before, "after": after,
           "repository": {"full_name": "octo/app", "default_branch": "main"}})
}

/// How the stand-in behaves.
#[derive(Clone, Default)]
struct Script {
    /// Existing comments on pull request 7, page by page.
    comment_pages: Vec<Vec<Value>>,
    /// Every write answers 403 "Resource not accessible by integration" (a fork's token).
    read_only: bool,
    /// The first this many status posts hit the rate limit.
    rate_limited: usize,
    /// Status posts answer 500 with a body that echoes the Authorization header.
    server_error: bool,
    /// Comment writes answer 404 "Resource not accessible by integration" (as some
    /// installations do instead of 403).
    comments_not_accessible: bool,
}

fn github(script: Script) -> FakeGitHub {
    let mut rate_limited = script.rate_limited;
    let handler: Handler = Box::new(move |r: &Request| {
        // GitHub Enterprise Server serves the same API under /api/v3.
        let mut r = r.clone();
        let prefix = if r.path.starts_with("/api/v3/") {
            "/api/v3"
        } else {
            ""
        };
        r.path = r.path[prefix.len()..].to_string();
        let r = &r;
        if r.method != "GET" && script.read_only {
            return Reply::json(
                403,
                json!({"message": "Resource not accessible by integration",
                       "documentation_url": "https://docs.github.com/rest"}),
            );
        }
        if r.method == "POST" && r.path.starts_with("/repos/octo/app/statuses/") {
            if script.server_error {
                let echo = format!("upstream failed for {}", r.header("authorization"));
                return Reply::json(500, json!({ "message": echo }));
            }
            if rate_limited > 0 {
                rate_limited -= 1;
                return Reply::json(403, json!({"message": "API rate limit exceeded"}))
                    .header("x-ratelimit-remaining", "0")
                    .header("retry-after", "1");
            }
            return Reply::json(201, json!({"id": 1, "state": r.body["state"]}));
        }
        if script.comments_not_accessible && r.method == "POST" && r.path.contains("/comments") {
            return Reply::json(
                404,
                json!({"message": "Resource not accessible by integration"}),
            );
        }
        comments_and_runs(r, &script.comment_pages, prefix)
    });
    FakeGitHub::start(handler)
}

fn comments_and_runs(r: &Request, pages: &[Vec<Value>], prefix: &str) -> Reply {
    const COMMENTS: &str = "/repos/octo/app/issues/7/comments";
    if r.is("POST", "/repos/octo/app/check-runs") {
        return Reply::json(201, json!({"id": 42, "name": r.body["name"]}));
    }
    if r.is("PATCH", "/repos/octo/app/check-runs/42") {
        return Reply::json(200, json!({"id": 42}));
    }
    if r.method == "GET" && r.path.starts_with(&format!("{COMMENTS}?")) {
        let page: usize = r
            .path
            .split("page=")
            .nth(2)
            .and_then(|p| p.parse().ok())
            .unwrap_or(1);
        let body = pages.get(page - 1).cloned().unwrap_or_default();
        let mut reply = Reply::json(200, Value::Array(body));
        if page < pages.len() {
            let next = format!(
                "<http://{}{prefix}{COMMENTS}?per_page=100&page={}>; rel=\"next\"",
                r.header("host"),
                page + 1
            );
            reply = reply.header("link", &next);
        }
        return reply;
    }
    if r.method == "PATCH" && r.path.starts_with("/repos/octo/app/issues/comments/") {
        return Reply::json(200, json!({"id": 1}));
    }
    if r.is("POST", COMMENTS) {
        return Reply::json(201, json!({"id": 900}));
    }
    Reply::json(404, json!({"message": "Not Found"}))
}

/// A workflow step: the event file, the summary and output files, GitHub's variables.
struct Step {
    dir: tempfile::TempDir,
}

impl Step {
    fn new(event: &Value) -> Step {
        let dir = tempfile::tempdir().expect("temp dir");
        let payload = serde_json::to_vec(event).expect("JSON");
        std::fs::write(dir.path().join("event.json"), payload).expect("write event");
        Step { dir }
    }

    fn run(&self, repo: &Path, api: &str, event: &str, args: &[&str]) -> Output {
        self.command(repo, api, event, args)
            .output()
            .expect("debtgate runs")
    }

    fn command(&self, repo: &Path, api: &str, event: &str, args: &[&str]) -> Command {
        let mut cmd = debtgate();
        for var in [
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "http_proxy",
            "https_proxy",
        ] {
            cmd.env_remove(var);
        }
        cmd.args(args)
            .current_dir(repo)
            .env("NO_COLOR", "1")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_TOKEN", TOKEN)
            .env("GITHUB_REPOSITORY", "octo/app")
            .env("GITHUB_API_URL", api)
            .env("GITHUB_SERVER_URL", "https://github.example")
            .env("GITHUB_RUN_ID", "99")
            .env("GITHUB_EVENT_NAME", event)
            .env("GITHUB_EVENT_PATH", self.dir.path().join("event.json"))
            .env("GITHUB_STEP_SUMMARY", self.dir.path().join("summary.md"))
            .env("GITHUB_OUTPUT", self.dir.path().join("output.txt"));
        cmd
    }

    fn file(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default()
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every request carries GitHub's headers, and no output carries the token.
fn assert_github_requests(requests: &[Request], out: &Output) {
    assert!(!requests.is_empty(), "no request reached the server");
    for r in requests {
        assert_eq!(
            r.header("authorization"),
            format!("Bearer {TOKEN}"),
            "{r:?}"
        );
        assert_eq!(r.header("accept"), "application/vnd.github+json", "{r:?}");
        assert!(r.header("user-agent").starts_with("debtgate/"), "{r:?}");
        assert_eq!(r.header("x-github-api-version"), "2022-11-28", "{r:?}");
        if r.method != "GET" {
            assert_eq!(r.header("content-type"), "application/json", "{r:?}");
            assert!(r.body.is_object(), "{r:?}");
        }
    }
    let printed = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(out));
    assert!(
        !printed.contains(TOKEN),
        "the token was printed:\n{printed}"
    );
}

fn routes(requests: &[Request]) -> Vec<String> {
    requests
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

#[test]
fn check_publish_posts_status_check_run_and_creates_the_sticky_comment() {
    let (repo, base, head) = forked(1);
    let other = json!({"id": 10, "body": "Looks good to me", "user": {"login": "octocat"}});
    let server = github(Script {
        comment_pages: vec![vec![other.clone()], vec![other]],
        ..Script::default()
    });
    let step = Step::new(&pull_request_event(&base, &head));
    let out = step.run(
        repo.path(),
        &server.url,
        "pull_request",
        &["check", "--ci", "--publish"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let requests = server.requests();
    assert_github_requests(&requests, &out);
    assert_eq!(
        routes(&requests),
        [
            format!("POST /repos/octo/app/statuses/{head}"),
            "POST /repos/octo/app/check-runs".to_string(),
            "GET /repos/octo/app/issues/7/comments?per_page=100".to_string(),
            "GET /repos/octo/app/issues/7/comments?per_page=100&page=2".to_string(),
            "POST /repos/octo/app/issues/7/comments".to_string(),
        ]
    );
    let status = &requests[0].body;
    assert_eq!(status["state"], "failure");
    assert_eq!(status["context"], "debtgate");
    assert_eq!(
        status["target_url"],
        "https://github.example/octo/app/actions/runs/99"
    );
    let description = status["description"].as_str().expect("a description");
    assert!(description.starts_with("fail: 1 failing"), "{description}");
    assert!(description.chars().count() <= 140);

    let run = &requests[1].body;
    assert_eq!(run["name"], "debtgate");
    assert_eq!(run["head_sha"], head.as_str());
    assert_eq!(run["status"], "completed");
    assert_eq!(run["conclusion"], "failure");
    assert_eq!(
        run["output"]["title"],
        "fail: 1 failing, 0 warning in 1 files"
    );
    let summary = run["output"]["summary"].as_str().expect("a summary");
    assert!(summary.starts_with("## debtgate: ❌ fail"), "{summary}");
    assert!(run["output"]["text"]
        .as_str()
        .expect("a text")
        .contains(&format!("debtgate check --base {base} --head {head}")));
    let annotations = run["output"]["annotations"]
        .as_array()
        .expect("annotations");
    assert_eq!(annotations.len(), 1);
    let a = &annotations[0];
    assert_eq!(
        (
            &a["path"],
            &a["start_line"],
            &a["end_line"],
            &a["annotation_level"]
        ),
        (&json!("bad.py"), &json!(1), &json!(26), &json!("failure"))
    );
    assert!(a["title"].as_str().expect("title").contains("cyclomatic"));

    let comment = requests[4].body["body"].as_str().expect("a comment body");
    assert!(comment.starts_with(&format!("{MARKER}\n## debtgate: ❌ fail")));
    // The summary is written once, by the check; publishing added nothing to it.
    assert_eq!(step.file("summary.md").matches("## debtgate").count(), 1);
    assert!(stderr(&out).contains("published check run 42 on"));
}

#[test]
fn an_existing_sticky_comment_is_patched_not_duplicated() {
    let (repo, base, head) = forked(1);
    let other = json!({"id": 10, "body": "An earlier review"});
    let sticky = json!({"id": 555, "body": format!("{MARKER}\n## debtgate: ✅ pass\n")});
    let server = github(Script {
        comment_pages: vec![vec![other], vec![sticky]],
        ..Script::default()
    });
    let step = Step::new(&pull_request_event(&base, &head));
    let out = step.run(
        repo.path(),
        &server.url,
        "pull_request",
        &["check", "--ci", "--publish"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let requests = server.requests();
    assert_github_requests(&requests, &out);
    let routes = routes(&requests);
    assert_eq!(
        routes.last().map(String::as_str),
        Some("PATCH /repos/octo/app/issues/comments/555")
    );
    assert!(
        !routes
            .iter()
            .any(|r| r == "POST /repos/octo/app/issues/7/comments"),
        "{routes:?}"
    );
    let body = requests.last().expect("a request").body["body"]
        .as_str()
        .expect("a body")
        .to_string();
    assert!(
        body.starts_with(&format!("{MARKER}\n## debtgate: ❌ fail")),
        "{body}"
    );
}

#[test]
fn more_than_fifty_findings_are_annotated_in_batches_of_fifty() {
    let (repo, base, head) = forked(120);
    let server = github(Script::default());
    let step = Step::new(&push_event(&base, &head));
    let out = step.run(
        repo.path(),
        &server.url,
        "push",
        &["check", "--ci", "--publish"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let requests = server.requests();
    assert_github_requests(&requests, &out);
    // A push has no pull request: status and check run, no comment.
    assert_eq!(
        routes(&requests),
        [
            format!("POST /repos/octo/app/statuses/{head}"),
            "POST /repos/octo/app/check-runs".to_string(),
            "PATCH /repos/octo/app/check-runs/42".to_string(),
            "PATCH /repos/octo/app/check-runs/42".to_string(),
        ]
    );
    let batches: Vec<&Vec<Value>> = requests[1..]
        .iter()
        .map(|r| {
            r.body["output"]["annotations"]
                .as_array()
                .expect("annotations")
        })
        .collect();
    assert_eq!(
        batches.iter().map(|b| b.len()).collect::<Vec<_>>(),
        [50, 50, 20]
    );
    let mut lines: Vec<u64> = batches
        .iter()
        .flat_map(|b| b.iter().map(|a| a["start_line"].as_u64().expect("line")))
        .collect();
    lines.dedup();
    assert_eq!(lines.len(), 120, "every finding annotated once");
    for patch in &requests[2..] {
        // An update must repeat the output's title and summary.
        assert_eq!(
            patch.body["output"]["title"],
            requests[1].body["output"]["title"]
        );
        assert!(patch.body["output"]["summary"].is_string());
    }
    assert!(stderr(&out).contains("not a pull request: no comment"));
}

#[test]
fn a_read_only_fork_token_gives_one_notice_and_the_exit_follows_the_verdict() {
    let (repo, base, head) = forked(0);
    let server = github(Script {
        read_only: true,
        comment_pages: vec![vec![]],
        ..Script::default()
    });
    let step = Step::new(&pull_request_event(&base, &head));
    let out = step.run(
        repo.path(),
        &server.url,
        "pull_request",
        &["check", "--ci", "--publish"],
    );
    // The gate passed (one warning): publishing being refused does not fail the job.
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let requests = server.requests();
    assert_github_requests(&requests, &out);
    assert_eq!(requests.len(), 4, "{:?}", routes(&requests));
    let err = stderr(&out);
    assert_eq!(
        err.matches("::warning title=debtgate::").count(),
        1,
        "{err}"
    );
    assert!(err.contains("the commit status, the check run, the pull-request comment"));
    assert!(
        err.contains("Resource not accessible by integration"),
        "{err}"
    );
    assert!(err.contains("statuses: write, checks: write, pull-requests: write"));
    assert!(err.contains("The verdict is in the job summary."), "{err}");
    assert!(step.file("summary.md").starts_with("## debtgate: ✅ pass"));
    assert_eq!(
        step.file("output.txt"),
        "verdict=pass\nfailures=0\nwarnings=1\n"
    );
}

#[test]
fn a_rate_limit_is_waited_out_and_retried() {
    let (repo, base, head) = forked(0);
    let server = github(Script {
        rate_limited: 1,
        ..Script::default()
    });
    let step = Step::new(&push_event(&base, &head));
    let out = step.run(
        repo.path(),
        &server.url,
        "push",
        &["check", "--ci", "--publish"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let requests = server.requests();
    assert_github_requests(&requests, &out);
    let status = format!("POST /repos/octo/app/statuses/{head}");
    assert_eq!(routes(&requests)[..2], [status.clone(), status]);
    assert_eq!(requests[1].body["state"], "success");
    let err = stderr(&out);
    assert!(err.contains("GitHub answered 403"), "{err}");
    assert!(err.contains("retrying in 1 s"), "{err}");
    assert!(
        !err.contains("::warning"),
        "nothing was left unpublished: {err}"
    );
}

#[test]
fn a_rate_limit_that_does_not_lift_gives_a_notice_not_a_failure() {
    let (repo, base, head) = forked(0);
    let server = github(Script {
        rate_limited: 3,
        ..Script::default()
    });
    let step = Step::new(&push_event(&base, &head));
    let out = step.run(
        repo.path(),
        &server.url,
        "push",
        &["check", "--ci", "--publish"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let requests = server.requests();
    assert_github_requests(&requests, &out);
    let statuses = requests
        .iter()
        .filter(|r| r.path.contains("/statuses/"))
        .count();
    assert_eq!(statuses, 3, "bounded retries");
    let err = stderr(&out);
    assert!(err.contains("::warning title=debtgate::debtgate could not publish the commit status: GitHub's rate limit"), "{err}");
    // The check run still went out.
    assert!(routes(&requests).contains(&"POST /repos/octo/app/check-runs".to_string()));
}

#[test]
fn a_server_error_is_a_clear_error_that_never_shows_the_token() {
    let (repo, base, head) = forked(0);
    let server = github(Script {
        server_error: true,
        ..Script::default()
    });
    let step = Step::new(&pull_request_event(&base, &head));
    let out = step.run(
        repo.path(),
        &server.url,
        "pull_request",
        &["check", "--ci", "--publish"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let requests = server.requests();
    assert_github_requests(&requests, &out);
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "cannot publish the commit status: GitHub answered 500 Internal Server Error to POST /repos/octo/app/statuses/{head}: upstream failed for Bearer ***"
        )),
        "{err}"
    );
    assert!(err.contains("nothing was published"), "{err}");
    // The report itself was still written.
    assert!(step.file("summary.md").starts_with("## debtgate: ✅ pass"));
}

#[test]
fn an_unreachable_api_is_a_clear_error() {
    let (repo, base, head) = forked(0);
    // A port nothing listens on: bind, note it, close.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", closed.local_addr().expect("address"));
    drop(closed);
    let step = Step::new(&push_event(&base, &head));
    let out = step.run(repo.path(), &url, "push", &["check", "--ci", "--publish"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("cannot reach the GitHub API at {url}")),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(!err.contains(TOKEN));
}

#[test]
fn publish_reads_a_report_written_in_an_earlier_step() {
    let (repo, base, head) = forked(1);
    let first = Step::new(&pull_request_event(&base, &head));
    // Step 1: the check writes the JSON report (and the comment it would post, for comparison).
    let report = first.path("report.json");
    let comment = first.path("comment.md");
    let out = first.run(
        repo.path(),
        "http://127.0.0.1:9",
        "pull_request",
        &[
            "check",
            "--ci",
            "--output",
            &format!("json={report}"),
            "--output",
            &format!("markdown-comment={comment}"),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // Step 2: publish it.
    let server = github(Script {
        comment_pages: vec![vec![]],
        ..Script::default()
    });
    let second = Step::new(&pull_request_event(&base, &head));
    let out = second.run(
        repo.path(),
        &server.url,
        "pull_request",
        &["publish", "--report", &report],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "exit follows the verdict: {}",
        stderr(&out)
    );
    let requests = server.requests();
    assert_github_requests(&requests, &out);
    assert_eq!(requests.len(), 4, "{:?}", routes(&requests));
    assert_eq!(requests[0].body["state"], "failure");
    let posted = requests[3].body["body"].as_str().expect("a comment");
    let expected = std::fs::read_to_string(&comment).expect("the comment file");
    assert_eq!(posted, format!("{MARKER}\n{expected}"));
    // The grade before → after came through the JSON too.
    assert!(posted.contains("| `bad.py` | modified | A+ → "), "{posted}");
}

#[test]
fn publish_without_a_token_or_with_a_bad_report_says_so() {
    let (repo, base, head) = forked(0);
    let step = Step::new(&push_event(&base, &head));
    let mut cmd = debtgate();
    let out = cmd
        .args(["check", "--base", &base, "--publish"])
        .current_dir(repo.path())
        .env_remove("GITHUB_TOKEN")
        .output()
        .expect("debtgate runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("publishing needs a token in GITHUB_TOKEN"));

    let bad = step.path("bad.json");
    std::fs::write(&bad, b"{\"schema\": \"something/else\"}").expect("write");
    let out = step.run(
        repo.path(),
        "http://127.0.0.1:9",
        "push",
        &["publish", "--report", &bad],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("not a debtgate report"), "{err}");
    assert!(err.contains("something/else"), "{err}");
}

#[test]
fn check_publish_posts_an_error_status_when_the_check_cannot_run() {
    let (repo, _base, head) = forked(0);
    let server = github(Script::default());
    let missing = "1234567890123456789012345678901234567890";
    let step = Step::new(&push_event(missing, &head));
    let out = step.run(
        repo.path(),
        &server.url,
        "push",
        &["check", "--ci", "--publish"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let requests = server.requests();
    assert_github_requests(&requests, &out);
    assert_eq!(
        routes(&requests),
        [format!("POST /repos/octo/app/statuses/{head}")]
    );
    assert_eq!(requests[0].body["state"], "error");
    let description = requests[0].body["description"].as_str().expect("text");
    assert!(description.starts_with("error: "), "{description}");
    assert!(description.chars().count() <= 140);
}

#[test]
fn a_workflow_run_publishes_on_its_head_and_the_pull_request_it_is_told() {
    let (repo, base, head) = forked(0);
    let step = Step::new(&json!({"workflow_run": {"head_sha": head, "pull_requests": []}}));
    let report = step.path("report.json");
    let out = crate::util::run_in(
        repo.path(),
        &[
            "check",
            "--base",
            &base,
            "--head",
            &head,
            "--output",
            &format!("json={report}"),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let server = github(Script {
        comment_pages: vec![vec![]],
        ..Script::default()
    });
    // A fork's pull request is not named in a workflow_run payload: --pull-request names it.
    let out = step.run(
        repo.path(),
        &server.url,
        "workflow_run",
        &["publish", "--report", &report, "--pull-request", "7"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let requests = server.requests();
    assert_github_requests(&requests, &out);
    assert_eq!(
        routes(&requests),
        [
            format!("POST /repos/octo/app/statuses/{head}"),
            "POST /repos/octo/app/check-runs".to_string(),
            "GET /repos/octo/app/issues/7/comments?per_page=100".to_string(),
            "POST /repos/octo/app/issues/7/comments".to_string(),
        ]
    );
    assert_eq!(requests[1].body["conclusion"], "success");
    assert_eq!(
        requests[1].body["output"]["annotations"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(
        requests[1].body["output"]["annotations"][0]["annotation_level"],
        "warning"
    );
}

#[test]
fn the_action_and_example_workflow_publish_with_the_permissions_they_need() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |path: &str| -> serde_yaml::Value {
        let text = std::fs::read_to_string(root.join(path)).expect("the file exists");
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{path} is not YAML: {e}"))
    };
    let action = read("ci/github/action.yml");
    assert_eq!(action["inputs"]["publish"]["default"], "true");
    assert_eq!(action["inputs"]["token"]["default"], "${{ github.token }}");
    let steps = action["runs"]["steps"].as_sequence().expect("steps");
    let check = steps
        .iter()
        .find(|s| s["id"] == "check")
        .expect("the check step");
    assert!(check["run"]
        .as_str()
        .expect("a script")
        .contains("debtgate check --ci --fetch-base $PUBLISH"));
    assert_eq!(check["env"]["GITHUB_TOKEN"], "${{ inputs.token }}");
    let workflow = read("ci/github/example-workflow.yml");
    for permission in ["statuses", "checks", "pull-requests"] {
        assert_eq!(workflow["permissions"][permission], "write", "{permission}");
    }
}

#[test]
fn every_yaml_block_in_the_ci_docs_parses() {
    let docs = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ci.md"))
        .expect("docs/ci.md");
    let blocks: Vec<&str> = docs
        .split("```yaml\n")
        .skip(1)
        .map(|b| b.split("```").next().expect("a closing fence"))
        .collect();
    assert!(blocks.len() >= 4, "{}", blocks.len());
    for block in blocks {
        let parsed: Result<serde_yaml::Value, _> = serde_yaml::from_str(block);
        assert!(parsed.is_ok(), "{block}\n{parsed:?}");
    }
}

#[test]
fn github_enterprise_serves_the_api_under_its_own_path() {
    let (repo, base, head) = forked(1);
    let sticky = json!({"id": 77, "body": format!("{MARKER}\nold")});
    let server = github(Script {
        comment_pages: vec![vec![json!({"id": 1, "body": "hi"})], vec![sticky]],
        ..Script::default()
    });
    let step = Step::new(&pull_request_event(&base, &head));
    let api = format!("{}/api/v3/", server.url);
    let out = step.run(
        repo.path(),
        &api,
        "pull_request",
        &["check", "--ci", "--publish"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let requests = server.requests();
    assert_github_requests(&requests, &out);
    assert_eq!(
        routes(&requests),
        [
            format!("POST /api/v3/repos/octo/app/statuses/{head}"),
            "POST /api/v3/repos/octo/app/check-runs".to_string(),
            "GET /api/v3/repos/octo/app/issues/7/comments?per_page=100".to_string(),
            "GET /api/v3/repos/octo/app/issues/7/comments?per_page=100&page=2".to_string(),
            "PATCH /api/v3/repos/octo/app/issues/comments/77".to_string(),
        ]
    );
}

#[test]
fn publish_refused_by_a_read_only_token_writes_the_job_summary_itself() {
    let (repo, base, head) = forked(1);
    let step = Step::new(&pull_request_event(&base, &head));
    let report = step.path("report.json");
    let out = crate::util::run_in(
        repo.path(),
        &[
            "check",
            "--base",
            &base,
            "--head",
            &head,
            "--output",
            &format!("json={report}"),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let server = github(Script {
        read_only: true,
        comment_pages: vec![vec![]],
        ..Script::default()
    });
    let out = step.run(
        repo.path(),
        &server.url,
        "pull_request",
        &["publish", "--report", &report],
    );
    // The gate failed: 1, from the verdict, not 2 from the refusal.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_github_requests(&server.requests(), &out);
    assert_eq!(
        stderr(&out).matches("::warning title=debtgate::").count(),
        1
    );
    // `publish` ran in its own step: the summary is its to write.
    assert!(step.file("summary.md").starts_with("## debtgate: ❌ fail"));
}

#[test]
fn a_404_not_accessible_by_integration_is_a_refusal_not_an_error() {
    let (repo, base, head) = forked(0);
    let server = github(Script {
        comment_pages: vec![vec![]],
        comments_not_accessible: true,
        ..Script::default()
    });
    let step = Step::new(&pull_request_event(&base, &head));
    let out = step.run(
        repo.path(),
        &server.url,
        "pull_request",
        &["check", "--ci", "--publish"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_github_requests(&server.requests(), &out);
    let err = stderr(&out);
    assert!(err.contains("published commit status `success`"), "{err}");
    assert!(
        err.contains(
            "::warning title=debtgate::debtgate could not publish the pull-request comment"
        ),
        "{err}"
    );
    assert!(err.contains("pull-requests: write"), "{err}");
}

#[test]
fn a_closed_stdout_still_publishes_the_verdict_and_exits_with_it() {
    let (repo, base, head) = forked(1);
    let server = github(Script::default());
    let step = Step::new(&pull_request_event(&base, &head));
    let out = step
        .command(
            repo.path(),
            &server.url,
            "pull_request",
            &["check", "--ci", "--publish"],
        )
        .stdout(crate::exit_status::closed_stdout())
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("debtgate runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let requests = server.requests();
    assert_eq!(
        routes(&requests)[..2],
        [
            format!("POST /repos/octo/app/statuses/{head}"),
            "POST /repos/octo/app/check-runs".to_string(),
        ]
    );
    assert_eq!(requests[0].body["state"], "failure");
    assert!(step.file("output.txt").contains("verdict=fail"));
    assert!(step.file("summary.md").contains("## debtgate"));
}

#[test]
fn a_skip_allowed_in_ci_is_published_as_skipped_never_as_a_pass() {
    let (repo, _, _) = forked(1);
    let dir = repo.path();
    // main allows skipping in CI; the branch is based on that.
    git(dir, &["checkout", "-q", "main"]);
    let allowing = format!("{POLICY}allow_skip_in_ci: true\n");
    let base = commit(
        dir,
        &[(".debtgate.yaml", allowing.as_bytes())],
        "allow skips",
    );
    git(dir, &["checkout", "-q", "feature"]);
    git(dir, &["rebase", "-q", "main"]);
    let head = git(dir, &["rev-parse", "HEAD"]);
    let server = github(Script::default());
    let step = Step::new(&pull_request_event(&base, &head));
    let out = step
        .command(
            dir,
            &server.url,
            "pull_request",
            &["check", "--ci", "--publish"],
        )
        .env("DEBTGATE_SKIP", "1")
        .output()
        .expect("debtgate runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let requests = server.requests();
    assert_github_requests(&requests, &out);
    let status = &requests[0];
    assert!(
        status.is("POST", &format!("/repos/octo/app/statuses/{head}")),
        "{status:?}"
    );
    assert_eq!(status.body["state"], "pending", "a skip is no success");
    assert!(
        status.body["description"]
            .as_str()
            .unwrap_or("")
            .starts_with("skipped"),
        "{}",
        status.body
    );
    let run = &requests[1];
    assert!(run.is("POST", "/repos/octo/app/check-runs"), "{run:?}");
    assert_eq!(run.body["conclusion"], "skipped");
    assert_eq!(run.body["status"], "completed");
    let comment = requests
        .iter()
        .find(|r| r.method == "POST" && r.path.ends_with("/comments"))
        .expect("the sticky comment");
    let text = comment.body["body"].as_str().expect("a body");
    assert!(
        text.starts_with(MARKER) && text.contains("skipped"),
        "{text}"
    );
    assert!(!text.contains("pass"), "{text}");
    assert!(
        step.file("output.txt").contains("verdict=skipped"),
        "{}",
        step.file("output.txt")
    );
    assert!(
        step.file("summary.md").contains("skipped"),
        "{}",
        step.file("summary.md")
    );
}

#[test]
fn a_skip_refused_in_ci_publishes_the_real_verdict() {
    let (repo, base, head) = forked(1);
    let server = github(Script::default());
    let step = Step::new(&pull_request_event(&base, &head));
    let out = step
        .command(
            repo.path(),
            &server.url,
            "pull_request",
            &["check", "--ci", "--publish"],
        )
        .env("DEBTGATE_SKIP", "1")
        .output()
        .expect("debtgate runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let requests = server.requests();
    assert_eq!(requests[0].body["state"], "failure");
    assert_eq!(requests[1].body["conclusion"], "failure");
    assert!(
        stderr(&out).contains("DEBTGATE_SKIP is set but ignored"),
        "{}",
        stderr(&out)
    );
    assert!(step.file("output.txt").contains("verdict=fail"));
    // The notice is where reviewers look.
    assert!(
        step.file("summary.md").contains("allow_skip_in_ci"),
        "{}",
        step.file("summary.md")
    );
}

#[test]
fn a_closed_stderr_does_not_cut_the_publishing_short() {
    let (repo, base, head) = forked(1);
    let server = github(Script::default());
    let step = Step::new(&pull_request_event(&base, &head));
    let out = step
        .command(
            repo.path(),
            &server.url,
            "pull_request",
            &["check", "--ci", "--publish"],
        )
        .stdout(crate::exit_status::closed_stdout())
        .stderr(crate::exit_status::closed_stdout())
        .output()
        .expect("debtgate runs");
    assert_eq!(out.status.code(), Some(1));
    let routes = routes(&server.requests());
    assert_eq!(routes.len(), 4, "{routes:?}");
    assert!(
        routes[3].starts_with("POST /repos/octo/app/issues/7/comments"),
        "{routes:?}"
    );
}
