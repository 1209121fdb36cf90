//! The rooms of `src/` and who may import whom, as docs/ARCHITECTURE.md declares them: every
//! `crate::` path in a room's files must name itself or a room its line of the table allows, the
//! table must list every room and have no cycle, `clap` and `anyhow` stay at the edge, and only
//! `change/` names gix. The source is read as text: a use of another room is any `crate::room`
//! path outside a comment, including inside `use crate::{…}` groups.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Files that may use anyhow besides the edge, each with the reason; none may be added.
const ANYHOW_EXCEPTIONS: [(&str, &str); 1] = [(
    "src/daemon/server.rs",
    "the daemon's server loop; still to be given a typed error (issue 12's daemon owner)",
)];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, relative to the manifest directory, `/`-separated.
fn rust_files(dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("src is readable")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path
                .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                .expect("under the manifest dir")
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&path).expect("UTF-8 source");
            out.push((rel, text));
        }
    }
}

/// The room of `src/<room>.rs` or `src/<room>/…`; `None` for main.rs and lib.rs.
fn room_of(rel: &str) -> Option<&str> {
    let inner = rel.strip_prefix("src/")?;
    let first = inner.split('/').next()?;
    let room = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(room, "main" | "lib")).then_some(room)
}

/// The text without comments: `//` to the end of a line (not inside a string literal) and
/// `/* … */`. String literals stay (a `crate::` path in one counts: none do today).
fn code(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let (mut i, mut in_str) = (0, false);
    while i < bytes.len() {
        let c = bytes[i];
        if in_str {
            if c == b'\\' {
                out.push_str(&text[i..(i + 2).min(bytes.len())]);
                i += 2;
                continue;
            }
            in_str = c != b'"';
        } else if text[i..].starts_with("r#\"") {
            // A raw string: to its `"#`, quotes and all.
            let end = text[i + 3..]
                .find("\"#")
                .map_or(text.len(), |e| i + 3 + e + 2);
            out.push_str(&text[i..end]);
            i = end;
            continue;
        } else if c == b'"' && (i == 0 || bytes[i - 1] != b'\'') {
            in_str = true;
        } else if text[i..].starts_with("//") {
            i += text[i..].find('\n').unwrap_or(text.len() - i);
            continue;
        } else if text[i..].starts_with("/*") {
            i += text[i..].find("*/").map_or(text.len() - i, |e| e + 2);
            continue;
        }
        let len = text[i..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&text[i..i + len]);
        i += len;
    }
    out
}

/// The first segment of every `crate::` path in `code`, groups included.
fn crate_uses(code: &str) -> BTreeSet<String> {
    let mut rooms = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        match rest.strip_prefix('{') {
            Some(group) => rooms.extend(group_items(group).into_iter().map(head)),
            None => {
                rooms.insert(head(rest));
            }
        }
    }
    // `crate::analyze_paths` and the like are the crate root's re-exports of a room's items.
    rooms.remove("");
    rooms
}

/// The items of a `{…}` group (`group` starts after the `{`), split at its own commas.
fn group_items(group: &str) -> Vec<&str> {
    let (mut depth, mut start, mut items) = (1, 0, Vec::new());
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 1 => {
                items.push(&group[start..i]);
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 1 => {
                items.push(&group[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items
}

/// The first path segment of `path`.
fn head(path: &str) -> String {
    path.trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// The table of docs/ARCHITECTURE.md: each room and the rooms it may import (`*`: any).
fn table() -> BTreeMap<String, BTreeSet<String>> {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ARCHITECTURE.md"))
            .expect("docs/ARCHITECTURE.md exists");
    let start = doc
        .find("<!-- rooms: checked by tests/architecture.rs -->")
        .expect("the table's marker");
    let block = &doc[start..];
    let block = &block[block.find("```text\n").expect("the table's fence") + 8..];
    let block = &block[..block.find("```").expect("the table's end")];
    block
        .lines()
        .map(|line| {
            let (room, allowed) = line.split_once(':').expect("`room: rooms…`");
            let allowed = allowed.split_whitespace().map(str::to_string).collect();
            (room.trim().to_string(), allowed)
        })
        .collect()
}

/// Which room each room uses, from the source.
fn uses() -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, text) in &files {
        let Some(room) = room_of(rel) else { continue };
        let used = uses.entry(room.to_string()).or_default();
        used.extend(crate_uses(&code(text)).into_iter().filter(|r| r != room));
    }
    uses
}

#[test]
fn every_room_imports_only_what_the_architecture_allows() {
    let table = table();
    let uses = uses();
    let rooms: BTreeSet<&String> = uses.keys().collect();
    let listed: BTreeSet<&String> = table.keys().collect();
    assert_eq!(
        rooms, listed,
        "docs/ARCHITECTURE.md must list exactly the rooms of src/"
    );
    let root_items = ["analyze_paths", "AnalyzeOptions"];
    let mut wrong = Vec::new();
    for (room, used) in &uses {
        let allowed = &table[room];
        if allowed.contains("*") {
            continue;
        }
        for u in used {
            if !allowed.contains(u) && !root_items.contains(&u.as_str()) {
                wrong.push(format!("{room} -> {u}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports the table in docs/ARCHITECTURE.md does not allow: {wrong:?}"
    );
}

#[test]
fn the_allowed_imports_have_no_cycle() {
    let table = table();
    // Depth-first search for a back edge, `*` (the edge) excluded: nothing may import it.
    fn visit<'a>(
        room: &'a str,
        table: &'a BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|r| *r == room) {
            let mut cycle: Vec<String> = path[at..].iter().map(|r| r.to_string()).collect();
            cycle.push(room.to_string());
            return Some(cycle);
        }
        if !done.insert(room) {
            return None;
        }
        path.push(room);
        for next in table.get(room).into_iter().flatten() {
            if next == "*" {
                continue;
            }
            if let Some(cycle) = visit(next, table, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    for room in table.keys() {
        let cycle = visit(room, &table, &mut Vec::new(), &mut done);
        assert!(cycle.is_none(), "a cycle between rooms: {cycle:?}");
    }
    for (room, allowed) in &table {
        for a in allowed {
            assert!(
                a == "*" || table.contains_key(a),
                "{room} may import `{a}`, which is no room"
            );
        }
    }
}

#[test]
fn clap_and_anyhow_stay_at_the_edge_and_gix_in_change() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let edge = |rel: &str| rel == "src/cli.rs" || rel.starts_with("src/commands/");
    let mut wrong = Vec::new();
    for (rel, text) in &files {
        let code = code(text);
        let names = |krate: &str| {
            code.contains(&format!("{krate}::")) || code.contains(&format!("use {krate}"))
        };
        if names("clap") && !edge(rel) && rel != "src/main.rs" {
            wrong.push(format!("{rel} uses clap"));
        }
        let excepted = ANYHOW_EXCEPTIONS.iter().any(|(f, _)| *f == rel);
        if names("anyhow") && !edge(rel) && rel != "src/main.rs" && !excepted {
            wrong.push(format!("{rel} uses anyhow"));
        }
        if names("gix") && !rel.starts_with("src/change/") {
            wrong.push(format!("{rel} names gix"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn the_reader_finds_uses_in_groups_and_not_in_comments() {
    let text = "use crate::{a::X, b, c::{self, d}};\n// crate::commented\nlet s = \"crate::in_string // not a comment\"; crate::e::f();\n/* crate::block */";
    let found = crate_uses(&code(text));
    let expected: BTreeSet<String> = ["a", "b", "c", "e", "in_string"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(found, expected);
}
