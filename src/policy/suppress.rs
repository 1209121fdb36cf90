//! Suppressions written in code: `debtgate: allow(cyclomatic, cognitive) reason="parser table"`,
//! optionally `until=2027-03-01`, in a comment on a function's first line or in the block of
//! comment, attribute and decorator lines directly above it (a blank line ends the block).
//!
//! A suppression must name a rule and, when dated, have a date not yet past; what else it needs
//! is the policy's `suppressions` key for its path ([`under`]): a reason (`require_reason`, the
//! default), nothing more (`allow`), or it never counts (`forbid`). One that does not count
//! suppresses nothing and is reported itself. `allow(all)` covers every metric.

use jiff::civil::Date;

use crate::analysis::marks::{is_preamble, Marks, MARKER};
use crate::config::{AppliedSuppressions, Suppressions};

/// One parsed `debtgate: allow(...)` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// 1-based line of the comment.
    pub line: usize,
    /// Rule names, or `all`.
    pub rules: Vec<String>,
    pub reason: Option<String>,
    pub until: Option<Date>,
    /// Why this suppression does not count, if it does not.
    pub problem: Option<String>,
}

impl Suppression {
    /// Whether this suppression silences `rule` (it must also be valid).
    pub fn covers(&self, rule: &str) -> bool {
        self.problem.is_none() && self.rules.iter().any(|r| r == rule || r == "all")
    }
}

/// The suppressions that apply to a function starting at `start_line` (1-based) in `src`.
pub fn for_function(src: &str, start_line: usize, today: Date) -> Vec<Suppression> {
    let lines: Vec<&str> = src.lines().collect();
    in_lines(&lines, start_line, today)
}

/// [`for_function`] over a file already split into lines (split it once per file, not once per
/// function: on a warm run that split was most of the gate's time).
pub fn in_lines(lines: &[&str], start_line: usize, today: Date) -> Vec<Suppression> {
    let Some(first) = start_line.checked_sub(1).filter(|i| *i < lines.len()) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    if let Some(s) = parse_line(lines[first], start_line, today) {
        found.push(s);
    }
    for i in (0..first).rev() {
        let line = lines[i];
        if !is_preamble(line) {
            break;
        }
        if let Some(s) = parse_line(line, i + 1, today) {
            found.push(s);
        }
    }
    found.reverse();
    found
}

/// The suppressions that apply to a function starting at `start_line`, from the file's marks
/// (the stored scan of its text): exactly what [`in_lines`] finds over the text itself.
pub fn in_marks(marks: &Marks, start_line: usize, today: Date) -> Vec<Suppression> {
    marks
        .around(start_line)
        .filter_map(|m| parse_line(&m.text, m.line, today))
        .collect()
}

/// Parses a suppression anywhere in a line: the marker, then `allow(a, b)`, `reason="…"` and
/// `until=YYYY-MM-DD`. (Written so, this comment is no suppression of the function below.)
pub fn parse_line(line: &str, line_no: usize, today: Date) -> Option<Suppression> {
    let at = line.find(MARKER)?;
    let rest = line[at + MARKER.len()..].trim_start();
    let mut s = Suppression {
        line: line_no,
        rules: Vec::new(),
        reason: None,
        until: None,
        problem: None,
    };
    let Some(args) = rest.strip_prefix("allow(") else {
        s.problem = Some("expected `debtgate: allow(RULE, …) reason=\"…\"`".to_string());
        return Some(s);
    };
    let Some(close) = args.find(')') else {
        s.problem = Some("unclosed `allow(`".to_string());
        return Some(s);
    };
    s.rules = args[..close]
        .split(',')
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty())
        .collect();
    let mut tail = &args[close + 1..];
    while let Some((key, value, rest)) = next_pair(tail) {
        match key {
            "reason" => s.reason = Some(value.to_string()).filter(|v| !v.trim().is_empty()),
            "until" => match value.parse::<Date>() {
                Ok(d) => s.until = Some(d),
                Err(_) => s.problem = Some(format!("`until={value}` is not a date (YYYY-MM-DD)")),
            },
            other => s.problem = Some(format!("unknown key `{other}` (expected reason, until)")),
        }
        tail = rest;
    }
    if s.problem.is_none() {
        // The missing reason last: `suppressions: allow` forgives that one problem only.
        s.problem = if s.rules.is_empty() {
            Some("names no rule: write allow(cyclomatic) or allow(all)".to_string())
        } else if let Some(until) = s.until.filter(|until| *until < today) {
            Some(format!("expired on {until}"))
        } else if s.reason.is_none() {
            Some(NO_REASON.to_string())
        } else {
            None
        };
    }
    Some(s)
}

/// The problem of a suppression whose only fault is that it gives no reason.
const NO_REASON: &str = "has no reason: add reason=\"why this is acceptable\"";

/// The suppressions `found` for a function, as the policy for its path (`applied`, the
/// `suppressions` key) lets them count: under `allow` one without a reason counts, under
/// `require_reason` it does not, under `forbid` none does. One that does not count keeps (or
/// gets) its `problem`, which the policy reports.
pub fn under(mut found: Vec<Suppression>, applied: &AppliedSuppressions) -> Vec<Suppression> {
    for s in &mut found {
        match applied.policy {
            Suppressions::Allow if s.problem.as_deref() == Some(NO_REASON) => s.problem = None,
            Suppressions::Allow | Suppressions::RequireReason => {}
            Suppressions::Forbid => {
                s.problem = Some(format!(
                    "is forbidden here (`suppressions: forbid`, from {})",
                    applied.source
                ));
            }
        }
    }
    found
}

/// The next `key=value` or `key="quoted value"` in `s`, and what follows it.
fn next_pair(s: &str) -> Option<(&str, &str, &str)> {
    let s = s.trim_start();
    let eq = s.find('=')?;
    let key = s[..eq].trim();
    if key.is_empty() || key.contains(char::is_whitespace) {
        return None;
    }
    let after = &s[eq + 1..];
    if let Some(quoted) = after.strip_prefix('"') {
        let end = quoted.find('"')?;
        Some((key, &quoted[..end], &quoted[end + 1..]))
    } else {
        let end = after
            .find(|c: char| c.is_whitespace() || c == '*')
            .unwrap_or(after.len());
        Some((key, &after[..end], &after[end..]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        s.parse().expect("a test date")
    }

    #[test]
    fn marks_answer_exactly_what_the_whole_text_answers() {
        let today = day("2026-06-01");
        let sources = [
            "// debtgate: allow(cyclomatic, cognitive) reason=\"parser table\"\n#[inline]\nfn f() {}\n",
            "# debtgate: allow(all) reason=\"x\"\n\ndef f():\n    pass\n",
            "fn f() { // debtgate: allow(length) reason=\"g\" until=2027-03-01\n}\n",
            "/* debtgate: allow(all) reason=\"a\" */\n// plain\n@Deco // debtgate: nonsense\n  * debtgate: allow(params)\r\nint g() {} // debtgate: allow(length) reason=\"b\" until=2026-01-01\n// debtgate: allow(all) reason=\"c\"\n\n// debtgate: allow(all) reason=\"d\"\nx\n",
            "",
            "no marker at all\n",
            "// debtgate: allow(all) reason=\"e\"",
        ];
        let lossy: &[u8] = b"\xff\xff// debtgate: allow(all) reason=\"lossy\"\nfn h() {}\n";
        for bytes in sources.iter().map(|s| s.as_bytes()).chain([lossy]) {
            let src = String::from_utf8_lossy(bytes);
            let lines: Vec<&str> = src.lines().collect();
            let marks = Marks::scan(bytes);
            for start in 0..lines.len() + 3 {
                assert_eq!(
                    in_marks(&marks, start, today),
                    in_lines(&lines, start, today),
                    "line {start} of {src:?}"
                );
            }
        }
    }

    #[test]
    fn a_reasoned_suppression_above_the_function_applies() {
        let src = "// debtgate: allow(cyclomatic, cognitive) reason=\"parser table\"\n#[inline]\nfn f() {}\n";
        let found = for_function(src, 3, day("2026-01-01"));
        assert_eq!(found.len(), 1);
        assert!(found[0].covers("cyclomatic") && found[0].covers("cognitive"));
        assert!(!found[0].covers("length"));
        assert_eq!(found[0].reason.as_deref(), Some("parser table"));
    }

    #[test]
    fn a_blank_line_ends_the_block_above() {
        let src = "# debtgate: allow(all) reason=\"x\"\n\ndef f():\n    pass\n";
        assert!(for_function(src, 3, day("2026-01-01")).is_empty());
    }

    #[test]
    fn same_line_suppressions_count() {
        let src = "fn f() { // debtgate: allow(length) reason=\"generated\" until=2027-03-01\n}\n";
        let found = for_function(src, 1, day("2026-01-01"));
        assert!(found[0].covers("length"));
        assert_eq!(found[0].until, Some(day("2027-03-01")));
    }

    #[test]
    fn the_policy_decides_what_a_suppression_needs() {
        let today = day("2027-03-02");
        let applied = |policy| AppliedSuppressions {
            policy,
            source: ".debtgate.yaml:overrides[1]".into(),
        };
        let lines = [
            "// debtgate: allow(cyclomatic)",
            "// debtgate: allow(cyclomatic) reason=\"table\"",
            "// debtgate: allow(cyclomatic) until=2027-03-01",
        ];
        let found: Vec<Suppression> = lines
            .iter()
            .filter_map(|l| parse_line(l, 1, today))
            .collect();
        let counts = |policy| -> Vec<bool> {
            under(found.clone(), &applied(policy))
                .iter()
                .map(|s| s.covers("cyclomatic"))
                .collect()
        };
        assert_eq!(
            counts(Suppressions::Allow),
            [true, true, false],
            "expired stays"
        );
        assert_eq!(counts(Suppressions::RequireReason), [false, true, false]);
        assert_eq!(counts(Suppressions::Forbid), [false, false, false]);
        let forbidden = under(found, &applied(Suppressions::Forbid));
        assert!(forbidden[1]
            .problem
            .as_deref()
            .is_some_and(|p| p.contains("forbid") && p.contains("overrides[1]")));
    }

    #[test]
    fn missing_reason_expired_or_malformed_suppressions_do_not_suppress() {
        let today = day("2027-03-02");
        let no_reason = parse_line("// debtgate: allow(cyclomatic)", 1, today).expect("parsed");
        assert!(!no_reason.covers("cyclomatic"));
        assert!(no_reason.problem.expect("a problem").contains("no reason"));
        let expired = parse_line(
            "// debtgate: allow(cyclomatic) reason=\"x\" until=2027-03-01",
            1,
            today,
        )
        .expect("parsed");
        assert_eq!(expired.problem.as_deref(), Some("expired on 2027-03-01"));
        let still_valid = parse_line(
            "// debtgate: allow(cyclomatic) reason=\"x\" until=2027-03-02",
            1,
            today,
        )
        .expect("parsed");
        assert!(still_valid.covers("cyclomatic"), "valid through its date");
        let bad_date = parse_line("// debtgate: allow(all) reason=\"x\" until=soon", 1, today)
            .expect("parsed");
        assert!(bad_date.problem.expect("a problem").contains("not a date"));
        let wrong = parse_line("// debtgate: ignore everything", 1, today).expect("parsed");
        assert!(wrong.problem.is_some());
        assert!(parse_line("// nothing here", 1, today).is_none());
    }
}
