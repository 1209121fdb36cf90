//! The one pass over a syntax tree that every per-function metric shares.
//!
//! The walk is iterative (a `TreeCursor` plus a stack of frames), so a file nested 10,000 levels
//! deep costs memory, never the call stack. For each node it asks the language [`Spec`] what the
//! node is, keeps a stack of open functions, and lets the metric modules decide what the node adds:
//! [`cyclomatic`], [`cognitive`] and [`nesting`] per function, [`code_lines`] and [`satd`] per file.

use tree_sitter::{Node, Tree, TreeCursor};

use super::metrics::{code_lines::RowSet, cognitive, cyclomatic, nesting, satd};
use super::{Diagnostic, FunctionMetrics, Satd};
use crate::lang::{Common, Construct, Entry, FunctionDecl, Spec};

/// What one walk over a file yields.
pub(crate) struct WalkOutput {
    pub functions: Vec<FunctionMetrics>,
    pub code_rows: RowSet,
    pub satd: Vec<Satd>,
    pub diagnostics: Vec<Diagnostic>,
}

/// An open function (or the file itself, at the bottom of the stack).
struct OpenFunction {
    name: String,
    qualified_name: String,
    start_row: usize,
    end_row: usize,
    params: u32,
    cyclomatic: u32,
    cognitive: u32,
    /// Current cognitive nesting level (control structures and folded lambdas).
    nesting: u32,
    /// Current control-structure depth, and the deepest seen.
    depth: u32,
    max_depth: u32,
    /// The function's own tokens, each followed by a 0 byte (comments and nested entries
    /// excluded), hashed when it closes: one `blake3::hash` of the whole is several times
    /// cheaper than feeding it a token at a time, and gives the same hash.
    body: Vec<u8>,
}

/// What entering a node changed, undone when the walk leaves it.
#[derive(Clone, Copy)]
struct Frame {
    construct: Construct,
    opened_function: bool,
    opened_scope: bool,
    step: nesting::Step,
    /// This node is an `else` wrapper holding an `else if`.
    wraps_else_if: bool,
    /// This node is an annotation or decorator (its tokens are not hashed).
    annotation: bool,
    /// A logical operator directly below this node (through parentheses) continues a boolean
    /// sequence rather than starting one. Tracked here because `Node::parent` walks down from
    /// the root: asking it per node is quadratic on deeply nested expressions.
    continues_logical: bool,
    /// This node's kind id, and the kind of the last of its children visited so far
    /// ([`NO_KIND`] before the first): what [`Spec::part`] reads in grammars without fields
    /// for the parts of a structure (`Node::prev_sibling` would walk down from the root).
    kind: u16,
    last_child: u16,
}

/// No kind: tree-sitter's kind ids stop short of it (`u16::MAX` is its `ERROR`, never a child
/// we ask about, as an `ERROR` parent is never a control structure).
const NO_KIND: u16 = u16::MAX;

/// Errors reported per file are capped: a minified file full of errors needs one line, not 10,000.
const MAX_SYNTAX_DIAGNOSTICS: usize = 20;

pub(crate) fn walk(tree: &Tree, src: &[u8], spec: &dyn Spec) -> WalkOutput {
    let root = tree.root_node();
    let mut w = Walker {
        spec,
        common: spec.common(),
        src,
        // A tree without errors has no error or missing node to look for.
        has_error: root.has_error(),
        frames: Vec::new(),
        ancestors: Vec::new(),
        in_annotation: 0,
        open: vec![OpenFunction::file(root)],
        scopes: Vec::new(),
        out: WalkOutput {
            functions: Vec::new(),
            code_rows: RowSet::new(root.end_position().row + 1),
            satd: Vec::new(),
            diagnostics: Vec::new(),
        },
        syntax_errors: 0,
        spare_bodies: Vec::new(),
    };
    let mut cursor = root.walk();
    loop {
        let descend = w.enter(cursor.node(), &cursor);
        if descend && cursor.goto_first_child() {
            continue;
        }
        loop {
            w.exit();
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return w.finish();
            }
        }
    }
}

struct Walker<'a, 't> {
    spec: &'a dyn Spec,
    common: &'a Common,
    src: &'a [u8],
    has_error: bool,
    frames: Vec<Frame>,
    /// The nodes entered and not yet left: the current node's ancestors.
    ancestors: Vec<Node<'t>>,
    /// How many annotation / decorator nodes are open.
    in_annotation: usize,
    open: Vec<OpenFunction>,
    /// Open scopes and functions, each with what joins it to the one before (`None`: the
    /// language's separator).
    scopes: Vec<(String, Option<&'static str>)>,
    out: WalkOutput,
    syntax_errors: usize,
    /// Token buffers of closed functions, reused by the next ones.
    spare_bodies: Vec<Vec<u8>>,
}

impl OpenFunction {
    fn file(root: Node) -> Self {
        OpenFunction {
            name: String::new(),
            qualified_name: String::new(),
            start_row: 0,
            end_row: root.end_position().row,
            params: 0,
            cyclomatic: 1,
            cognitive: 0,
            nesting: 0,
            depth: 0,
            max_depth: 0,
            body: Vec::new(),
        }
    }
}

impl<'t> Walker<'_, 't> {
    fn current(&mut self) -> &mut OpenFunction {
        self.open
            .last_mut()
            .expect("the file itself is always open")
    }

    /// Visits `node`, where `cursor` stands; returns whether to descend into its children.
    fn enter(&mut self, node: Node<'t>, cursor: &TreeCursor) -> bool {
        let kind = node.kind_id();
        if self.common.is_comment(kind) {
            satd::scan(node, self.src, &mut self.out.satd);
            self.frames.push(Frame::plain(Construct::None, kind));
            self.ancestors.push(node);
            return false;
        }
        if self.has_error {
            self.note_syntax(node);
        }
        let leaf = node.child_count() == 0;
        let (start, end) = (node.start_byte(), node.end_byte());
        if leaf && start < end {
            let token = &self.src[start..end];
            let first_row = node.start_position().row;
            // Rows advance at `\n` only: a token without one ends on its first row.
            let last_row = if token.contains(&b'\n') {
                node.end_position().row
            } else {
                first_row
            };
            self.out.code_rows.insert_range(first_row, last_row);
            // Tokens, not bytes: re-indenting or re-wrapping a function does not change it.
            // Annotations and decorators are labels on the code, not the code: Java and
            // TypeScript put them inside the function node, Python and Rust outside; either way
            // adding `@Override` does not make a function changed. Tokens outside any function
            // are no function's body.
            if self.in_annotation == 0 && self.open.len() > 1 {
                let body = &mut self.current().body;
                body.extend_from_slice(token);
                body.push(0);
            }
        }
        let annotation = self.common.is_annotation(kind);
        self.in_annotation += usize::from(annotation);

        let construct = self.spec.construct(node, kind, &self.ancestors, self.src);
        let parent = self.frames.last().copied();
        // Only a node under a control structure needs its field (asking the cursor costs).
        let position = match parent {
            Some(p) if nesting::reads_field(p.construct) => {
                let field = cursor.field_id().map_or(0, |f| f.get());
                // A grammar without fields for a structure's parts names them here.
                let part = if field == 0 {
                    let previous = Some(p.last_child).filter(|k| *k != NO_KIND);
                    self.spec.part(p.kind, previous, kind, node.is_named())
                } else {
                    None
                };
                let at = nesting::At { field, part };
                nesting::position(self.spec, p.construct, at, node, self.src, construct)
            }
            _ => nesting::Position::default(),
        };
        let is_else_if = construct == Construct::If
            && (position.is_else_if || parent.is_some_and(|p| p.wraps_else_if));

        // The step belongs to the enclosing function: apply it before a new one opens.
        let step = position.step;
        {
            let f = self.current();
            f.nesting += step.nesting;
            f.depth += step.depth;
            f.max_depth = f.max_depth.max(f.depth);
            f.cognitive = f.cognitive.saturating_add(step.hybrid);
        }

        // A function or scope has a name or a body: a leaf opens nothing.
        let entry = if leaf {
            None
        } else {
            self.spec.entry(node, kind, &self.ancestors, self.src)
        };
        let (opened_function, opened_scope) = match entry {
            Some(Entry::Function(decl)) => {
                self.open_function(node, decl);
                (true, false)
            }
            Some(Entry::Scope(scope)) => {
                self.scopes.push((scope, None));
                (false, true)
            }
            None => (false, false),
        };

        let starts_sequence = !parent.is_some_and(|p| p.continues_logical);
        self.count(node, construct, is_else_if, starts_sequence);
        let continues_logical = matches!(construct, Construct::Logical(_))
            || (self.common.continues_sequence(kind) && !starts_sequence);
        self.ancestors.push(node);
        self.frames.push(Frame {
            annotation,
            continues_logical,
            construct,
            opened_function,
            opened_scope,
            step,
            wraps_else_if: position.wraps_else_if,
            kind,
            last_child: NO_KIND,
        });
        !leaf
    }

    fn exit(&mut self) {
        let frame = self.frames.pop().expect("every exit follows an enter");
        if let Some(parent) = self.frames.last_mut() {
            parent.last_child = frame.kind;
        }
        self.in_annotation -= usize::from(frame.annotation);
        self.ancestors.pop();
        if frame.opened_function {
            let f = self.open.pop().expect("an opened function is on the stack");
            self.scopes.pop();
            self.out.functions.push(FunctionMetrics {
                name: f.name,
                qualified_name: f.qualified_name,
                start_line: f.start_row + 1,
                end_line: f.end_row + 1,
                cyclomatic: f.cyclomatic,
                cognitive: f.cognitive,
                max_nesting: f.max_depth,
                params: f.params,
                length: f.end_row - f.start_row + 1,
                body_hash: body_hash(&f.body),
            });
            self.spare_bodies.push(f.body);
        }
        if frame.opened_scope {
            self.scopes.pop();
        }
        let f = self.current();
        f.nesting -= frame.step.nesting;
        f.depth -= frame.step.depth;
    }

    fn open_function(&mut self, node: Node, decl: FunctionDecl) {
        let qualified = qualify(
            &self.scopes,
            decl.qualifier.as_deref(),
            (&decl.name, decl.joint),
            self.spec.separator(),
        );
        let end_row = last_row(node, self.src, self.common);
        self.scopes.push((decl.name.clone(), decl.joint));
        self.open.push(OpenFunction {
            name: decl.name,
            qualified_name: qualified,
            start_row: decl.start_row,
            end_row: end_row.max(decl.start_row),
            params: decl.params,
            cyclomatic: 1,
            cognitive: 0,
            nesting: 0,
            depth: 0,
            max_depth: 0,
            body: self.spare_bodies.pop().map_or_else(Vec::new, |mut b| {
                b.clear();
                b
            }),
        });
    }

    fn count(&mut self, node: Node, construct: Construct, is_else_if: bool, starts_sequence: bool) {
        let spec = self.spec;
        let src = self.src;
        let sequences = match construct {
            Construct::Logical(_) if starts_sequence => {
                cognitive::boolean_sequences(spec, node, src)
            }
            _ => 0,
        };
        let recursive = construct == Construct::Call && {
            let name = &self.current().name;
            !name.is_empty() && spec.callee(node, src) == Some(name.as_str())
        };
        let f = self.current();
        // Saturating: cognitive grows with the square of the depth, so 100,000 nested `if`s are
        // past u32::MAX; a wrapped sum would be a small number (a tangle that passes), an
        // unchecked one a panic in a debug build.
        let cognitive = cognitive::increment(construct, is_else_if, f.nesting)
            .saturating_add(sequences)
            .saturating_add(u32::from(recursive));
        f.cyclomatic = f
            .cyclomatic
            .saturating_add(cyclomatic::increment(construct));
        f.cognitive = f.cognitive.saturating_add(cognitive);
    }

    fn note_syntax(&mut self, node: Node) {
        if !(node.is_error() || node.is_missing()) {
            return;
        }
        if node.is_missing() && self.spec.recovers(node, &self.ancestors, self.src) {
            return;
        }
        self.syntax_errors += 1;
        if self.out.diagnostics.len() < MAX_SYNTAX_DIAGNOSTICS {
            let what = if node.is_missing() {
                format!("syntax error: missing `{}`", node.kind())
            } else {
                "syntax error".to_string()
            };
            self.out.diagnostics.push(Diagnostic {
                line: Some(node.start_position().row + 1),
                message: what,
            });
        }
    }

    fn finish(mut self) -> WalkOutput {
        if self.syntax_errors > MAX_SYNTAX_DIAGNOSTICS {
            self.out.diagnostics.push(Diagnostic {
                line: None,
                message: format!(
                    "{} more syntax errors not listed",
                    self.syntax_errors - MAX_SYNTAX_DIAGNOSTICS
                ),
            });
        }
        self.out
    }
}

/// How far [`last_row`] descends: past any real nest of blocks that end together.
const END_REACH: usize = 64;

/// The last row of a function node's code. A node that ends at column 0 ends with the newline
/// of the line before; one that ends in the indentation of a line ends where an
/// indentation-based grammar (Scala 3's) found the dedent that closes it, at the start of the
/// next line's code. Such a grammar also keeps the comments before that line (the next
/// definition's) in the node: so the code of a node that ends so, or with a comment, ends where
/// its last child with any text that is not a comment does, looked for at most [`END_REACH`]
/// levels down (else the row before).
fn last_row(node: Node, src: &[u8], common: &Common) -> usize {
    let mut at = node;
    for _ in 0..END_REACH {
        let last = (0..at.child_count())
            .rev()
            .filter_map(|i| at.child(i))
            .find(|c| c.end_byte() > c.start_byte());
        let trailing_comment = last.is_some_and(|c| common.is_comment(c.kind_id()));
        let after_code = at.end_position().column == 0 || ends_in_indentation(at, src);
        if !(trailing_comment || after_code) {
            break;
        }
        let code = (0..at.child_count())
            .rev()
            .filter_map(|i| at.child(i))
            .find(|c| c.end_byte() > c.start_byte() && !common.is_comment(c.kind_id()));
        match code {
            Some(child) => at = child,
            None => break,
        }
    }
    let end = at.end_position();
    let start = node.start_position().row;
    if (end.column == 0 || ends_in_indentation(at, src)) && end.row > start {
        end.row - 1
    } else {
        end.row
    }
}

/// Whether a node ends after nothing but spaces and tabs on its last row.
fn ends_in_indentation(node: Node, src: &[u8]) -> bool {
    let (end, column) = (node.end_byte(), node.end_position().column);
    column > 0
        && src
            .get(end.saturating_sub(column)..end)
            .is_some_and(|line| line.iter().all(|b| matches!(b, b' ' | b'\t')))
}

/// The first 8 bytes of a function's token hash: enough to tell versions of one function apart.
fn body_hash(body: &[u8]) -> u64 {
    let bytes = blake3::hash(body);
    u64::from_le_bytes(
        bytes.as_bytes()[..8]
            .try_into()
            .expect("a blake3 hash has 32 bytes"),
    )
}

/// Scopes kept at each end of a qualified name; deeper ones are elided with `…`, so 10,000
/// nested functions cost linear, not quadratic, memory.
const QUALIFIED_KEEP: usize = 4;

/// `Outer.Inner.name` (`Outer::Inner#name` where a joint says `#`), with the middle of absurdly
/// deep nests elided. Each part is preceded by its own joint, or by `sep`.
fn qualify(
    scopes: &[(String, Option<&'static str>)],
    qualifier: Option<&str>,
    name: (&str, Option<&'static str>),
    sep: &str,
) -> String {
    let parts: Vec<(&str, Option<&str>)> = scopes
        .iter()
        .map(|(s, j)| (s.as_str(), *j))
        .chain(qualifier.map(|q| (q, None)))
        .chain(std::iter::once(name))
        .collect();
    let kept: Vec<(&str, Option<&str>)> = if parts.len() > 2 * QUALIFIED_KEEP + 1 {
        let tail = &parts[parts.len() - QUALIFIED_KEEP - 1..];
        parts[..QUALIFIED_KEEP]
            .iter()
            .chain(&[("…", None)])
            .chain(tail)
            .copied()
            .collect()
    } else {
        parts
    };
    let mut out = String::new();
    for (i, (part, joint)) in kept.into_iter().enumerate() {
        if i > 0 {
            out.push_str(joint.unwrap_or(sep));
        }
        out.push_str(part);
    }
    out
}

impl Frame {
    fn plain(construct: Construct, kind: u16) -> Self {
        Frame {
            construct,
            opened_function: false,
            opened_scope: false,
            step: nesting::Step::default(),
            wraps_else_if: false,
            annotation: false,
            continues_logical: false,
            kind,
            last_child: NO_KIND,
        }
    }
}
