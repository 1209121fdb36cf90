//! C: function definitions are entries, named by the identifier inside their declarator (through
//! pointers, parentheses and attributes: `static char *\nname(void)` is `name`, starting on the
//! name's line). `(void)` declares no parameter. Preprocessor conditionals are parsed with both
//! branches, and the decisions in both count: the metric describes the source, not one build.
//!
//! - Each `#if` / `#ifdef` / `#ifndef` / `#elif` inside a function is one decision (a point where
//!   the function's code differs between builds); the `&&` / `||` in its condition are not
//!   counted. lizard 1.24 counts these directives too, except `#ifndef`.
//! - Only the body counts: a ternary in a default argument, `noexcept(a && b)` or a `requires`
//!   clause is evaluated at compile time or by the caller (lizard drops them too).
//! - A "function definition" inside a statement is the grammar's reading of a macro followed by
//!   a block (`Q_FOREVER {`, `FMT_CATCH(...) {`, `MACRO\n switch (x) {`): it is no function, and
//!   when its name is `if`, `switch`, `while` or `for` it counts as that statement.
//! - A long run of declarations behind unknown macros before a function (redis's
//!   `REDISMODULE_API int (*f)(…) REDISMODULE_ATTR;` × 700) is read by the grammar as that
//!   function's declarator, its real signature left in an error node: the function is the one
//!   the error ends with ([`C::after_declarations`]).
//!
//! C++ (`cpp.rs`) extends these rules.

use tree_sitter::Node;

use super::{
    logical_operator, named_children, operators, text, Common, Construct, Field, FunctionDecl,
    Kinds, Language, Operators, Spec, Vocabulary,
};

/// The node kinds this file tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum K {
    Other,
    FunctionDefinition,
    FunctionDeclarator,
    AbstractFunctionDeclarator,
    /// Any other kind whose name ends in `declarator`.
    Declarator,
    QualifiedIdentifier,
    OperatorCast,
    If,
    /// `for`, `while`, `do` statements.
    Loop,
    /// C++ `for (x : xs)` (not named `…statement`).
    RangeFor,
    Switch,
    Case,
    Conditional,
    Binary,
    /// `#if`, `#ifdef`, `#elif`, `#elifdef` blocks (`preproc_if` and `preproc_elif` also have a
    /// `condition` whose expressions are no run-time code).
    PreprocConditional,
    /// A bare `#if` … `#elifndef` token.
    DirectiveToken,
    PreprocDirective,
    /// Another kind named `preproc_…`.
    Preproc,
    /// Another kind named `…statement`.
    Statement,
    Else,
    /// `declaration`, `field_declaration`, `lambda_expression`, `translation_unit`.
    Declaration,
    RequiresClause,
    Goto,
    Catch,
    Lambda,
    Call,
    Identifier,
    FieldExpression,
}

/// The C rules over the C or the C++ grammar.
pub struct C {
    common: Common,
    kinds: Kinds<K>,
    /// `preproc_if` / `preproc_elif`: their `condition` is not run-time code.
    condition_directive: Kinds<bool>,
    logical: Operators,
    pub(crate) name: Field,
    pub(crate) body: Field,
    declarator: Field,
    parameters: Field,
    ty: Field,
    scope: Field,
    value: Field,
    condition: Field,
    function: Field,
    field: Field,
}

/// The kinds this file names exactly, `(kind name, tag)`; [`kind`] sorts the rest by family.
const NAMED: &[(&str, K)] = &[
    ("function_definition", K::FunctionDefinition),
    ("function_declarator", K::FunctionDeclarator),
    (
        "abstract_function_declarator",
        K::AbstractFunctionDeclarator,
    ),
    ("qualified_identifier", K::QualifiedIdentifier),
    ("operator_cast", K::OperatorCast),
    ("if_statement", K::If),
    ("for_statement", K::Loop),
    ("while_statement", K::Loop),
    ("do_statement", K::Loop),
    ("for_range_loop", K::RangeFor),
    ("switch_statement", K::Switch),
    ("case_statement", K::Case),
    ("conditional_expression", K::Conditional),
    ("binary_expression", K::Binary),
    ("preproc_if", K::PreprocConditional),
    ("preproc_ifdef", K::PreprocConditional),
    ("preproc_elif", K::PreprocConditional),
    ("preproc_elifdef", K::PreprocConditional),
    ("#if", K::DirectiveToken),
    ("#ifdef", K::DirectiveToken),
    ("#ifndef", K::DirectiveToken),
    ("#elif", K::DirectiveToken),
    ("#elifdef", K::DirectiveToken),
    ("#elifndef", K::DirectiveToken),
    ("preproc_directive", K::PreprocDirective),
    ("requires_clause", K::RequiresClause),
    ("goto_statement", K::Goto),
    ("catch_clause", K::Catch),
    ("lambda_expression", K::Lambda),
    ("call_expression", K::Call),
    ("identifier", K::Identifier),
    ("field_expression", K::FieldExpression),
    ("declaration", K::Declaration),
    ("field_declaration", K::Declaration),
    ("translation_unit", K::Declaration),
    ("else_clause", K::Else),
];

/// The tag of a kind name: an exact name in [`NAMED`] first, else its family by prefix or suffix
/// (C and C++ share this file, and their grammars name dozens of statements and declarators).
fn kind(name: &str) -> Option<K> {
    if let Some((_, tag)) = NAMED.iter().find(|(n, _)| *n == name) {
        return Some(*tag);
    }
    if name.starts_with("preproc_") {
        Some(K::Preproc)
    } else if name.ends_with("statement") {
        Some(K::Statement)
    } else if name.ends_with("declarator") {
        Some(K::Declarator)
    } else {
        None
    }
}

impl C {
    pub fn new(language: Language) -> Self {
        let g = &language.grammar();
        C {
            common: Common::new(g, &Vocabulary::DEFAULT),
            kinds: Kinds::new(g, K::Other, kind),
            condition_directive: Kinds::new(g, false, |name| {
                Some(matches!(name, "preproc_if" | "preproc_elif"))
            }),
            logical: operators(
                g,
                &[("&&", "&&"), ("||", "||"), ("and", "&&"), ("or", "||")],
            ),
            name: Field::new(g, "name"),
            body: Field::new(g, "body"),
            declarator: Field::new(g, "declarator"),
            parameters: Field::new(g, "parameters"),
            ty: Field::new(g, "type"),
            scope: Field::new(g, "scope"),
            value: Field::new(g, "value"),
            condition: Field::new(g, "condition"),
            function: Field::new(g, "function"),
            field: Field::new(g, "field"),
        }
    }
}

impl Spec for C {
    fn common(&self) -> &Common {
        &self.common
    }

    fn function(
        &self,
        node: Node,
        kind: u16,
        ancestors: &[Node],
        src: &[u8],
    ) -> Option<FunctionDecl> {
        self.function_with(node, kind, ancestors, src, "::")
    }

    fn scope(&self, _node: Node, _kind: u16, _src: &[u8]) -> Option<String> {
        None
    }

    fn construct(&self, node: Node, kind: u16, ancestors: &[Node], src: &[u8]) -> Construct {
        match self.kinds.get(kind) {
            K::If => Construct::If,
            K::Loop | K::RangeFor => Construct::Loop,
            K::Switch => Construct::Switch,
            K::Case if self.value.is_on(node) => Construct::Case,
            K::Conditional if self.counts_here(node, ancestors) => Construct::Ternary,
            K::Binary if self.counts_here(node, ancestors) => {
                logical_operator(&self.common, node, &self.logical)
                    .map_or(Construct::None, Construct::Logical)
            }
            K::PreprocConditional => Construct::Decision,
            // A conditional the grammar could not fit around (inside an initializer or an
            // argument list) is left as a bare directive token in an error node: still one
            // decision.
            K::DirectiveToken if ancestors.last().is_some_and(|p| p.is_error()) => {
                Construct::Decision
            }
            K::PreprocDirective
                if matches!(
                    src[node.byte_range()].trim_ascii(),
                    b"#if" | b"#ifdef" | b"#ifndef" | b"#elif" | b"#elifdef" | b"#elifndef"
                ) =>
            {
                Construct::Decision
            }
            K::FunctionDefinition if self.misread_block(node, ancestors, src) => {
                self.block_keyword(node, src).unwrap_or(Construct::None)
            }
            K::Goto => Construct::Jump,
            K::Catch => Construct::Catch,
            K::Lambda => Construct::Lambda,
            K::Call => Construct::Call,
            _ => Construct::None,
        }
    }

    fn callee<'s>(&self, node: Node, src: &'s [u8]) -> Option<&'s str> {
        let f = self.function.child(node)?;
        let name = match self.kinds.of(f) {
            K::Identifier => f,
            K::FieldExpression => self.field.child(f)?,
            K::QualifiedIdentifier => self.name.child(f)?,
            _ => return None,
        };
        std::str::from_utf8(&src[name.byte_range()]).ok()
    }
}

impl C {
    /// A function definition as an entry, its qualifier joined with `sep`.
    pub(crate) fn function_with(
        &self,
        node: Node,
        kind: u16,
        ancestors: &[Node],
        src: &[u8],
        sep: &str,
    ) -> Option<FunctionDecl> {
        if self.kinds.get(kind) != K::FunctionDefinition || self.misread_block(node, ancestors, src)
        {
            return None;
        }
        self.body.child(node)?;
        if let Some(decl) = self.after_declarations(node, src) {
            return Some(decl);
        }
        let top = self.declarator.child(node)?;
        if let Some(decl) = self.conversion_operator(top, src, sep) {
            return Some(decl);
        }
        let declarator = self.function_declarator(top)?;
        let name_node = self.declarator.child(declarator)?;
        let (qualifier, name) = self.split_qualified(name_node, src, sep);
        let params = self
            .parameters
            .child(declarator)
            .map_or(0, |p| self.parameter_count(p, src));
        Some(FunctionDecl {
            name,
            qualifier,
            joint: None,
            params,
            start_row: name_node.start_position().row,
        })
    }

    /// The function a definition really is when the grammar read a run of declarations before
    /// it into the definition: tree-sitter-c gives up on a long run of declarations behind
    /// unknown macros (redis's `REDISMODULE_API int (*RedisModule_…)(…) REDISMODULE_ATTR;` × 700)
    /// and reads the run as the declarator of the function that follows, that function's own
    /// signature ending up in an error node before its body. A declarator has no `;` in it, so
    /// an error child holding one means this: the function is the first `name (` after the last
    /// `;` of the error, its parameters what stands between those parentheses.
    fn after_declarations(&self, node: Node, src: &[u8]) -> Option<FunctionDecl> {
        if !node.has_error() {
            return None;
        }
        let token = |n: Node, t: &[u8]| !n.is_named() && &src[n.byte_range()] == t;
        let mut cursor = node.walk();
        let error = node.children(&mut cursor).find(|c| c.is_error())?;
        let mut cursor = error.walk();
        let tokens: Vec<Node> = error.children(&mut cursor).collect();
        let last_semicolon = tokens.iter().rposition(|t| token(*t, b";"))?;
        let rest = &tokens[last_semicolon + 1..];
        let at = rest
            .windows(2)
            .position(|w| self.kinds.of(w[0]) == K::Identifier && token(w[1], b"("))?;
        let name = rest[at];
        // Parameters: the commas at depth 1 between the `(` and its `)`, and `(void)` or `()`.
        let (mut depth, mut commas, mut inside) = (0usize, 0u32, Vec::new());
        for t in &rest[at + 1..] {
            if token(*t, b"(") {
                depth += 1;
            } else if token(*t, b")") {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            } else if depth == 1 {
                commas += u32::from(token(*t, b","));
                inside.push(*t);
            }
        }
        let params = match inside.as_slice() {
            [] => 0,
            [only] if &src[only.byte_range()] == b"void" => 0,
            _ => commas + 1,
        };
        Some(FunctionDecl {
            name: text(name, src),
            qualifier: None,
            joint: None,
            params,
            start_row: name.start_position().row,
        })
    }

    /// Whether a function definition is the grammar's misreading of a macro followed by a block:
    /// it sits in a statement of a real function's body (looking through preprocessor
    /// conditionals), and it has no return type (`FMT_CATCH(...) {`, `foreach_item(x) {`) or its
    /// name is a keyword (`MACRO\n switch (x) {`). One with a type and a plain name is kept: that
    /// is how a real function reads after an unbalanced brace in an `#ifdef` (or a GNU nested
    /// function).
    fn misread_block(&self, node: Node, ancestors: &[Node], src: &[u8]) -> bool {
        let in_statement = ancestors
            .iter()
            .rev()
            .map(|a| self.kinds.of(*a))
            .find(|k| !matches!(k, K::Preproc | K::PreprocConditional | K::PreprocDirective))
            .is_some_and(|k| k == K::Else || is_statement(k));
        // A "body" whose "function" has no parameter list is itself a misreading, such as
        // `class MACRO Name { … }`, and the definitions in it are real methods.
        let in_real_function = || {
            ancestors
                .iter()
                .rev()
                .find(|a| self.kinds.of(**a) == K::FunctionDefinition)
                .and_then(|f| self.declarator.child(*f))
                .and_then(|d| self.function_declarator(d))
                .is_some()
        };
        in_statement
            && in_real_function()
            && (!self.ty.is_on(node) || self.block_keyword(node, src).is_some())
    }

    /// The statement keyword a misread definition is named after, if any.
    fn block_keyword(&self, node: Node, src: &[u8]) -> Option<Construct> {
        let name = self
            .declarator
            .child(node)
            .and_then(|d| self.function_declarator(d))
            .and_then(|d| self.declarator.child(d))?;
        match &src[name.byte_range()] {
            b"if" => Some(Construct::If),
            b"switch" => Some(Construct::Switch),
            b"while" | b"for" => Some(Construct::Loop),
            _ => None,
        }
    }

    /// C++ `operator bool() const` and `K::operator T*()`: named `operator bool`, `operator T *`.
    fn conversion_operator(&self, declarator: Node, src: &[u8], sep: &str) -> Option<FunctionDecl> {
        let mut scopes = Vec::new();
        let mut cur = declarator;
        while self.kinds.of(cur) == K::QualifiedIdentifier && scopes.len() < 64 {
            scopes.push(text(self.scope.child(cur)?, src));
            cur = self.name.child(cur)?;
        }
        if self.kinds.of(cur) != K::OperatorCast {
            return None;
        }
        let abstract_fn =
            self.declarator_of_kind(self.declarator.child(cur)?, K::AbstractFunctionDeclarator)?;
        let params = self.parameters.child(abstract_fn)?;
        let head = &src[cur.start_byte()..params.start_byte()];
        let name = String::from_utf8_lossy(head)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        Some(FunctionDecl {
            name,
            qualifier: (!scopes.is_empty()).then(|| scopes.join(sep)),
            joint: None,
            params: self.parameter_count(params, src),
            start_row: cur.start_position().row,
        })
    }

    /// Descends pointer, reference, parenthesized and attributed declarators to the function one.
    fn function_declarator<'t>(&self, node: Node<'t>) -> Option<Node<'t>> {
        self.declarator_of_kind(node, K::FunctionDeclarator)
    }

    fn declarator_of_kind<'t>(&self, mut node: Node<'t>, kind: K) -> Option<Node<'t>> {
        // Declarators nest a handful deep in real code; the bound keeps hostile input harmless.
        for _ in 0..64 {
            if self.kinds.of(node) == kind {
                return Some(node);
            }
            node = self.declarator.child(node).or_else(|| {
                named_children(&self.common, node).find(|c| {
                    matches!(
                        self.kinds.of(*c),
                        K::Declarator | K::FunctionDeclarator | K::AbstractFunctionDeclarator
                    )
                })
            })?;
        }
        None
    }

    /// `A::B::f` → (`Some("A::B")`, `f`); `f` → (`None`, `f`).
    fn split_qualified(&self, node: Node, src: &[u8], sep: &str) -> (Option<String>, String) {
        let mut scopes = Vec::new();
        let mut cur = node;
        for _ in 0..64 {
            if self.kinds.of(cur) != K::QualifiedIdentifier {
                break;
            }
            if let Some(scope) = self.scope.child(cur) {
                scopes.push(text(scope, src));
            }
            match self.name.child(cur) {
                Some(name) => cur = name,
                None => break,
            }
        }
        let qualifier = (!scopes.is_empty()).then(|| scopes.join(sep));
        (qualifier, text(cur, src))
    }

    fn parameter_count(&self, list: Node, src: &[u8]) -> u32 {
        let params: Vec<Node> = named_children(&self.common, list).collect();
        if let [only] = params.as_slice() {
            if &src[only.byte_range()] == b"void" {
                return 0;
            }
        }
        params.len() as u32
    }

    /// Whether an expression is run-time code of the function body: not in a preprocessor
    /// condition (`#if A && B`) nor in the declarator (default arguments, `noexcept(…)`,
    /// trailing return type) or a `requires` clause. Looks up through expressions only, at most
    /// 64 levels (a statement or declaration ends the search), so the cost stays linear on deep
    /// expressions.
    fn counts_here(&self, node: Node, ancestors: &[Node]) -> bool {
        for a in ancestors.iter().rev().take(64) {
            if self.condition_directive.of(*a) {
                return !self
                    .condition
                    .child(*a)
                    .is_some_and(|c| c.byte_range().contains(&node.start_byte()));
            }
            match self.kinds.of(*a) {
                K::FunctionDeclarator | K::AbstractFunctionDeclarator | K::RequiresClause => {
                    return false
                }
                K::Declaration | K::FunctionDefinition | K::Lambda => return true,
                k if is_statement(k) => return true,
                _ => {}
            }
        }
        true
    }
}

/// Kinds named `…statement`.
fn is_statement(k: K) -> bool {
    matches!(
        k,
        K::Statement | K::If | K::Loop | K::Switch | K::Case | K::Goto
    )
}
