//! Node kinds and fields by id: what a language file resolves once per grammar so that the walk
//! dispatches on numbers, never on strings.
//!
//! tree-sitter names every node kind and field with a string, but a tree holds them as `u16`
//! ids, and `Node::kind()` / `child_by_field_name` turn one into the other on every call (a
//! `strlen`, a UTF-8 check, a linear search over the field names). A language file instead builds
//! a [`Kinds`] table once per grammar — every kind id sorted into that language's own tags by the
//! kind's name — and resolves each [`Field`] it reads; [`Common`] holds the ones the walk itself
//! needs. A table is built from the names with the same `match` the language would write over
//! `node.kind()`, so the two readings cannot differ: a name that several ids share (aliases) gets
//! one tag for all of them, and a name the grammar lacks simply never occurs.

use tree_sitter::{Language as Grammar, Node};

/// A grammar's node kinds sorted into tags of type `T`, indexed by kind id.
pub struct Kinds<T> {
    tags: Box<[T]>,
    /// The tag of tree-sitter's `ERROR` node, whose id (65535) lies past the table.
    error: T,
}

impl<T: Copy> Kinds<T> {
    /// Sorts every kind of `grammar` by its name: `tag(name)`, or `other` where it says `None`.
    pub fn new(grammar: &Grammar, other: T, tag: impl Fn(&str) -> Option<T>) -> Self {
        let tags = (0..grammar.node_kind_count())
            .map(|id| {
                grammar
                    .node_kind_for_id(id as u16)
                    .and_then(&tag)
                    .unwrap_or(other)
            })
            .collect();
        Kinds {
            tags,
            error: tag("ERROR").unwrap_or(other),
        }
    }

    /// As [`Kinds::new`], for named kinds only: every anonymous kind (a keyword token, which
    /// grammars such as Ruby's name like the node it opens: `if`, `when`, `rescue`) is `other`.
    pub fn named(grammar: &Grammar, other: T, tag: impl Fn(&str) -> Option<T>) -> Self {
        let mut kinds = Kinds::new(grammar, other, tag);
        for (id, slot) in kinds.tags.iter_mut().enumerate() {
            if !grammar.node_kind_is_named(id as u16) {
                *slot = other;
            }
        }
        kinds
    }

    /// The tag of kind `id`.
    #[inline]
    pub fn get(&self, id: u16) -> T {
        match self.tags.get(usize::from(id)) {
            Some(tag) => *tag,
            None => self.error,
        }
    }

    /// The tag of `node`'s kind.
    #[inline]
    pub fn of(&self, node: Node) -> T {
        self.get(node.kind_id())
    }
}

/// The tag a table of `(kind name, tag)` pairs gives a name, for [`Kinds::new`] and
/// [`Kinds::named`]: languages keep long name lists as tables (a `match` that long would be one
/// of the most complex functions here).
pub fn lookup<'a, T: Copy>(table: &'a [(&'a str, T)]) -> impl Fn(&str) -> Option<T> + 'a {
    move |name| table.iter().find(|(n, _)| *n == name).map(|(_, tag)| *tag)
}

/// One field of one grammar, resolved once. A field the grammar lacks is [`Field::ABSENT`]: it
/// matches no child and no cursor position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field(u16);

impl Field {
    /// Never a field id (they run from 1 to the grammar's field count) nor "no field" (0).
    pub const ABSENT: Field = Field(u16::MAX);

    pub fn new(grammar: &Grammar, name: &str) -> Field {
        grammar
            .field_id_for_name(name)
            .map_or(Field::ABSENT, |id| Field(id.get()))
    }

    /// The id, as `TreeCursor::field_id` reports it.
    #[inline]
    pub fn id(self) -> u16 {
        self.0
    }

    /// `node`'s child in this field.
    #[inline]
    pub fn child<'t>(self, node: Node<'t>) -> Option<Node<'t>> {
        if self == Field::ABSENT {
            return None;
        }
        node.child_by_field_id(self.0)
    }

    /// How many children `node` has in this field.
    pub fn count(self, node: Node) -> usize {
        match std::num::NonZeroU16::new(self.0) {
            Some(id) if self != Field::ABSENT => {
                let mut cursor = node.walk();
                node.children_by_field_id(id, &mut cursor).count()
            }
            _ => 0,
        }
    }

    /// Whether `node` has a child in this field.
    #[inline]
    pub fn is_on(self, node: Node) -> bool {
        self.child(node).is_some()
    }
}

/// The names the walk itself reads in a grammar, before they are resolved to ids: most grammars
/// agree with [`Vocabulary::DEFAULT`]; a language whose grammar names them otherwise says so in
/// its spec (`Vocabulary { annotations: &["attribute_list"], ..Vocabulary::DEFAULT }`).
#[derive(Debug, Clone, Copy)]
pub struct Vocabulary {
    /// Labels on code that are not the code (their tokens are not part of a function's hash).
    pub annotations: &'static [&'static str],
    /// Parentheses around an expression: transparent to boolean sequences.
    pub parenthesized: &'static [&'static str],
    /// An `else` wrapper node around the alternative of an `if` (a grammar without one puts the
    /// alternative statement directly in the `alternative` field).
    pub else_wrappers: &'static [&'static str],
    /// Fields that hold what a structure tests or iterates, never its body.
    pub head_fields: &'static [&'static str],
    /// The fields of an `if` (and of a conditional expression) holding its branches.
    pub consequence: &'static str,
    pub alternative: &'static str,
    /// The field of a loop holding its body.
    pub body: &'static str,
    /// The operands and operator of a binary expression.
    pub left: &'static str,
    pub right: &'static str,
    pub operator: &'static str,
    /// Binary expressions of a grammar that leaves operator precedence unresolved (Swift's
    /// nests each operator's right side: `a > 0 && b` is `a > (0 && b)`): transparent to
    /// boolean sequences, as parentheses are, so `a > 0 && b > 0 && c` is one run of `&&`.
    pub operator_chains: &'static [&'static str],
}

impl Vocabulary {
    pub const DEFAULT: Vocabulary = Vocabulary {
        annotations: &["annotation", "marker_annotation", "decorator"],
        parenthesized: &["parenthesized_expression"],
        else_wrappers: &["else_clause"],
        head_fields: &[
            "condition",
            "value",
            "subject",
            "initializer",
            "parameter",
            "parameters",
            "alias",
            "left",
            "right",
            "pattern",
            "init",
            "update",
            "increment",
        ],
        consequence: "consequence",
        alternative: "alternative",
        body: "body",
        left: "left",
        right: "right",
        operator: "operator",
        operator_chains: &[],
    };
}

/// What the walk itself reads in a grammar, resolved once per grammar. Comments are every kind
/// whose name contains `comment`, in every grammar.
pub struct Common {
    flags: Kinds<u8>,
    /// By field id: whether the field holds what a structure tests or iterates, never its body.
    head: Box<[bool]>,
    pub consequence: Field,
    pub alternative: Field,
    pub body: Field,
    pub left: Field,
    pub right: Field,
    pub operator: Field,
}

const COMMENT: u8 = 1;
const ANNOTATION: u8 = 2;
const PARENTHESIZED: u8 = 4;
const ELSE_WRAPPER: u8 = 8;
const OPERATOR_CHAIN: u8 = 16;

impl Common {
    pub fn new(grammar: &Grammar, words: &Vocabulary) -> Self {
        let flags = Kinds::new(grammar, 0, |name| {
            let mut f = 0;
            if name.contains("comment") {
                f |= COMMENT;
            }
            if words.annotations.contains(&name) {
                f |= ANNOTATION;
            }
            if words.parenthesized.contains(&name) {
                f |= PARENTHESIZED;
            }
            if words.else_wrappers.contains(&name) {
                f |= ELSE_WRAPPER;
            }
            if words.operator_chains.contains(&name) {
                f |= OPERATOR_CHAIN;
            }
            Some(f)
        });
        let mut head = vec![false; grammar.field_count() + 1];
        for name in words.head_fields {
            let id = Field::new(grammar, name);
            if let Some(slot) = head.get_mut(usize::from(id.id())) {
                *slot = true;
            }
        }
        Common {
            flags,
            head: head.into_boxed_slice(),
            consequence: Field::new(grammar, words.consequence),
            alternative: Field::new(grammar, words.alternative),
            body: Field::new(grammar, words.body),
            left: Field::new(grammar, words.left),
            right: Field::new(grammar, words.right),
            operator: Field::new(grammar, words.operator),
        }
    }

    #[inline]
    pub fn is_comment(&self, id: u16) -> bool {
        self.flags.get(id) & COMMENT != 0
    }

    #[inline]
    pub fn is_annotation(&self, id: u16) -> bool {
        self.flags.get(id) & ANNOTATION != 0
    }

    #[inline]
    pub fn is_parenthesized(&self, id: u16) -> bool {
        self.flags.get(id) & PARENTHESIZED != 0
    }

    /// A binary expression of an [operator chain](Vocabulary::operator_chains).
    #[inline]
    pub fn is_operator_chain(&self, id: u16) -> bool {
        self.flags.get(id) & OPERATOR_CHAIN != 0
    }

    /// Whether a boolean sequence runs on through this kind: parentheses, an operator chain.
    #[inline]
    pub fn continues_sequence(&self, id: u16) -> bool {
        self.flags.get(id) & (PARENTHESIZED | OPERATOR_CHAIN) != 0
    }

    #[inline]
    pub fn is_else_wrapper(&self, id: u16) -> bool {
        self.flags.get(id) & ELSE_WRAPPER != 0
    }

    /// Whether field `id` (0: none) holds a structure's head rather than a body.
    #[inline]
    pub fn is_head(&self, field: u16) -> bool {
        self.head.get(usize::from(field)).copied().unwrap_or(false)
    }
}
