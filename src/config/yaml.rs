//! YAML text → [`Node`], a tree that keeps every mapping entry in order (duplicates included, so
//! validation can report them), and [`locate`], which finds where a node sits in the text.
//!
//! The YAML parser (`serde_yaml`, the maintained yaml_serde fork) attaches the position of the
//! node being deserialized to any error raised while visiting it, and positions are all it
//! exposes. So `locate` walks the document once more with a seed that follows one path and
//! raises an error exactly at its target: the error's position is the node's. Config files are
//! small and problems few, so one extra parse per problem costs nothing that matters.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A parsed YAML node. Scalars are typed the way YAML 1.2 core types them (`yes` is a string).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// What this node is, for messages: "found the string `ten`", "found a list".
    pub(crate) fn describe(&self) -> String {
        match self {
            Node::Null => "null".to_owned(),
            Node::Bool(b) => format!("the boolean {b}"),
            Node::Int(n) => format!("the number {n}"),
            // `{:?}` keeps the point: `1e3` reads as 1000.0, which says why it is no whole number.
            Node::Float(x) => format!("the number {x:?}"),
            Node::Str(s) if s.chars().count() <= 40 => format!("the string `{s}`"),
            Node::Str(_) => "a string".to_owned(),
            Node::Seq(_) => "a list".to_owned(),
            Node::Map(_) => "a mapping".to_owned(),
        }
    }
}

/// A YAML error that stops parsing, with its 1-based position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Parses one YAML document. An empty document is [`Node::Null`].
pub(crate) fn parse(text: &str) -> Result<Node, SyntaxError> {
    serde_yaml::from_str::<Node>(text).map_err(|e| {
        let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
        // The parser appends the position to its message; we print it in front instead.
        let message = e
            .to_string()
            .replacen(&format!(" at line {line} column {column}"), "", 1);
        SyntaxError {
            line,
            column,
            message,
        }
    })
}

/// One step from a node to a child: the `n`th entry of a mapping or item of a sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    Entry(usize),
    Item(usize),
}

/// What of the node at the end of a path to point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// The node itself (the entry's value, for an entry).
    Node,
    /// The key of the last step, which must be an [`Step::Entry`].
    Key,
}

/// The 1-based line and column of the node at `path` in `text`, or `None` when the path does not
/// exist (it always does for paths taken from [`parse`] of the same text).
pub(crate) fn locate(text: &str, path: &[Step], target: Target) -> Option<(usize, usize)> {
    let document = serde_yaml::Deserializer::from_str(text).next()?;
    let err = Locate { path, target }.deserialize(document).err()?;
    // The message is prefixed with the parser's own path to the node, so look inside it.
    if !err.to_string().contains(FOUND) {
        return None;
    }
    err.location().map(|l| (l.line(), l.column()))
}

impl<'de> serde::Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Int(i128::from(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Int(i128::from(v)))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Node, E> {
        Ok(Node::Int(v))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Node, E> {
        i128::try_from(v)
            .map(Node::Int)
            .map_err(|_| E::custom("number too large"))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Node::Map(entries))
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, _: A) -> Result<Node, A::Error> {
        Err(de::Error::custom(
            "YAML tags (`!name`) are not supported here",
        ))
    }
}

/// The marker message of the error [`Locate`] raises at its target.
const FOUND: &str = "\u{0}found";

/// Follows `path` through the document and fails at its end (see the module docs).
struct Locate<'p> {
    path: &'p [Step],
    target: Target,
}

fn found<E: de::Error>() -> E {
    E::custom(FOUND)
}

fn missing<E: de::Error>() -> E {
    E::custom("path not in document")
}

impl<'de> DeserializeSeed<'de> for Locate<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

/// A key seed that fails on whatever the key is.
struct FailHere;

impl<'de> DeserializeSeed<'de> for FailHere {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(Locate {
            path: &[],
            target: Target::Node,
        })
    }
}

impl Locate<'_> {
    /// Reached a scalar: it is the target only when nothing is left to follow.
    fn leaf<E: de::Error>(&self) -> Result<(), E> {
        if self.path.is_empty() {
            Err(found())
        } else {
            Err(missing())
        }
    }
}

impl<'de> Visitor<'de> for Locate<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.leaf()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.leaf()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.leaf()
    }
    fn visit_i128<E: de::Error>(self, _: i128) -> Result<(), E> {
        self.leaf()
    }
    fn visit_u128<E: de::Error>(self, _: u128) -> Result<(), E> {
        self.leaf()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.leaf()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.leaf()
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.leaf()
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.leaf()
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        self.leaf()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let (index, rest) = match self.path.split_first() {
            None => return Err(found()),
            Some((Step::Item(i), rest)) => (*i, rest),
            Some((Step::Entry(_), _)) => return Err(missing()),
        };
        for _ in 0..index {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Err(missing());
            }
        }
        let next = Locate {
            path: rest,
            target: self.target,
        };
        seq.next_element_seed(next)?;
        Err(missing())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (index, rest) = match self.path.split_first() {
            None => return Err(found()),
            Some((Step::Entry(i), rest)) => (*i, rest),
            Some((Step::Item(_), _)) => return Err(missing()),
        };
        for _ in 0..index {
            if map.next_entry::<IgnoredAny, IgnoredAny>()?.is_none() {
                return Err(missing());
            }
        }
        if rest.is_empty() && self.target == Target::Key {
            map.next_key_seed(FailHere)?;
            return Err(missing());
        }
        if map.next_key::<IgnoredAny>()?.is_none() {
            return Err(missing());
        }
        map.next_value_seed(Locate {
            path: rest,
            target: self.target,
        })?;
        Err(missing())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
version: 1
thresholds:
  cyclomatic: { warn: 10, fail: 20 }
  length:
    warn: 80
exclude: [\"a/**\", 'b']
overrides:
  - paths:
      - tests/**
    thresholds: {}
";

    #[test]
    fn parses_into_ordered_entries() {
        let Node::Map(entries) = parse(TEXT).expect("valid YAML") else {
            panic!("a mapping")
        };
        let keys: Vec<&Node> = entries.iter().map(|(k, _)| k).collect();
        assert_eq!(
            keys,
            [
                &Node::Str("version".into()),
                &Node::Str("thresholds".into()),
                &Node::Str("exclude".into()),
                &Node::Str("overrides".into()),
            ]
        );
        assert_eq!(entries[0].1, Node::Int(1));
    }

    #[test]
    fn keeps_duplicate_keys() {
        let node = parse("a: 1\na: 2\n").expect("valid YAML");
        assert_eq!(
            node,
            Node::Map(vec![
                (Node::Str("a".into()), Node::Int(1)),
                (Node::Str("a".into()), Node::Int(2)),
            ])
        );
    }

    #[test]
    fn empty_text_is_null() {
        assert_eq!(parse(""), Ok(Node::Null));
        assert_eq!(parse("# only a comment\n"), Ok(Node::Null));
    }

    #[test]
    fn syntax_errors_carry_their_position() {
        let err = parse("a: 1\n  b: 2\n").expect_err("bad indentation");
        assert_eq!((err.line, err.column), (2, 4));
        assert!(!err.message.contains("line 2 column 4"), "{}", err.message);
    }

    #[test]
    fn locates_values_and_keys_in_block_and_flow_style() {
        use Step::{Entry, Item};
        let at = |path: &[Step], target| locate(TEXT, path, target);
        assert_eq!(at(&[Entry(0)], Target::Key), Some((1, 1)));
        assert_eq!(at(&[Entry(0)], Target::Node), Some((1, 10)));
        assert_eq!(at(&[Entry(1), Entry(0)], Target::Key), Some((3, 3)));
        // The flow mapping starts at `{`; its `fail` value is the 20.
        assert_eq!(at(&[Entry(1), Entry(0)], Target::Node), Some((3, 15)));
        assert_eq!(
            at(&[Entry(1), Entry(0), Entry(1)], Target::Node),
            Some((3, 33))
        );
        assert_eq!(
            at(&[Entry(1), Entry(1), Entry(0)], Target::Node),
            Some((5, 11))
        );
        assert_eq!(at(&[Entry(2), Item(1)], Target::Node), Some((6, 19)));
        assert_eq!(
            at(&[Entry(3), Item(0), Entry(0), Item(0)], Target::Node),
            Some((9, 9))
        );
        assert_eq!(
            at(&[Entry(3), Item(0), Entry(1)], Target::Key),
            Some((10, 5))
        );
        assert_eq!(at(&[Entry(9)], Target::Key), None);
        assert_eq!(at(&[Entry(0), Entry(0)], Target::Node), None);
    }

    #[test]
    fn locates_a_duplicate_key() {
        assert_eq!(
            locate("a: 1\na: 2\n", &[Step::Entry(1)], Target::Key),
            Some((2, 1))
        );
    }
}
