//! C#: methods, constructors, destructors, operators, conversion operators and accessors with a
//! body are entries, named `Type.Method`, `Type.Type` (a constructor), `Type.~Type`,
//! `Type.operator +`, `Type.operator int`, `Type.Count.get`, `Type.this.get` (an indexer's) and
//! qualified by every enclosing class, struct, record, interface and enum, never by the
//! namespace (as Java's packages are not). An expression-bodied property or indexer
//! (`int Count => n;`) is its getter: `Type.Count.get`. Lambdas, anonymous methods and local
//! functions fold into their member, as lizard folds them.
//!
//! Decisions, as lizard counts them: `if`, `for`, `while`, `do … while`, `catch`, each `case`
//! label, `&&`, `||`, `?:`, `??`, `??=` and `?.`. `foreach` nests but is no decision (lizard does
//! not count it). Where this file counts on purpose what lizard does not: each arm of a switch
//! expression other than the discard `_` (`x switch { 1 => a, _ => b }`: lizard sees no
//! `case`), and each `when` filter (a pattern guard or a catch filter). A nullable type (`int?`),
//! which lizard counts as a `?`, is a type, never a decision. `??`, `??=` and `?.` count for
//! cyclomatic only: Sonar's cognitive complexity counts sequences of `&&` and `||`.

use tree_sitter::Node;

use super::{
    field_text, lookup, named_children, operators, text, Common, Construct, Field, FunctionDecl,
    Kinds, Language, Operators, Spec, Vocabulary,
};

/// The node kinds this file tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum K {
    Other,
    /// Methods and local functions are told apart by their own kinds.
    Method,
    LocalFunction,
    Constructor,
    Destructor,
    Operator,
    Conversion,
    Accessor,
    /// `=> expression`: the body of an expression-bodied member.
    Arrow,
    /// A property or an indexer: an entry when expression-bodied, else the scope of its
    /// accessors.
    Property,
    Indexer,
    Event,
    Scope,
    Parameter,
    If,
    Loop,
    Foreach,
    Switch,
    /// The `case` keyword of a switch section's label.
    Case,
    SwitchArm,
    Discard,
    Guard,
    Catch,
    Ternary,
    Binary,
    Assignment,
    ConditionalAccess,
    Lambda,
    Goto,
    /// `#if` and `#elif`: both tools count each as a decision, as in C.
    PreprocConditional,
    /// What a `#if` condition is made of.
    Expression,
    Invocation,
    MemberAccess,
    Identifier,
    GenericName,
    This,
}

pub struct CSharp {
    common: Common,
    kinds: Kinds<K>,
    /// `&&` and `||`: boolean sequences.
    logical: Operators,
    /// `??` and `??=`: decisions that are no boolean sequence.
    coalescing: Operators,
    name: Field,
    parameters: Field,
    type_: Field,
    value: Field,
    operator: Field,
    function: Field,
    expression: Field,
}

/// Node kinds by name, as the grammar spells them (a table: a `match` this long would be one
/// of the most complex functions here, and tables read better).
const NAMED: &[(&str, K)] = &[
    ("method_declaration", K::Method),
    ("local_function_statement", K::LocalFunction),
    ("constructor_declaration", K::Constructor),
    ("destructor_declaration", K::Destructor),
    ("operator_declaration", K::Operator),
    ("conversion_operator_declaration", K::Conversion),
    ("accessor_declaration", K::Accessor),
    ("arrow_expression_clause", K::Arrow),
    ("property_declaration", K::Property),
    ("indexer_declaration", K::Indexer),
    ("event_declaration", K::Event),
    ("class_declaration", K::Scope),
    ("struct_declaration", K::Scope),
    ("record_declaration", K::Scope),
    ("interface_declaration", K::Scope),
    ("enum_declaration", K::Scope),
    ("parameter", K::Parameter),
    ("if_statement", K::If),
    ("for_statement", K::Loop),
    ("while_statement", K::Loop),
    ("do_statement", K::Loop),
    ("foreach_statement", K::Foreach),
    ("switch_statement", K::Switch),
    ("switch_expression", K::Switch),
    ("case", K::Case),
    ("switch_expression_arm", K::SwitchArm),
    ("discard", K::Discard),
    ("when_clause", K::Guard),
    ("catch_filter_clause", K::Guard),
    ("catch_clause", K::Catch),
    ("conditional_expression", K::Ternary),
    ("binary_expression", K::Binary),
    ("assignment_expression", K::Assignment),
    ("conditional_access_expression", K::ConditionalAccess),
    ("lambda_expression", K::Lambda),
    ("anonymous_method_expression", K::Lambda),
    ("goto_statement", K::Goto),
    ("preproc_if", K::PreprocConditional),
    ("preproc_elif", K::PreprocConditional),
    ("parenthesized_expression", K::Expression),
    ("prefix_unary_expression", K::Expression),
    ("unary_expression", K::Expression),
    ("invocation_expression", K::Invocation),
    ("member_access_expression", K::MemberAccess),
    ("identifier", K::Identifier),
    ("generic_name", K::GenericName),
    ("this", K::This),
];

const WORDS: Vocabulary = Vocabulary {
    annotations: &["attribute_list"],
    // `if (a) x; else y;`: the alternative is the statement itself, no `else` node.
    else_wrappers: &[],
    ..Vocabulary::DEFAULT
};

impl CSharp {
    pub fn new(language: Language) -> Self {
        let g = &language.grammar();
        CSharp {
            common: Common::new(g, &WORDS),
            kinds: Kinds::new(g, K::Other, lookup(NAMED)),
            logical: operators(g, &[("&&", "&&"), ("||", "||")]),
            coalescing: operators(g, &[("??", "??"), ("??=", "??=")]),
            name: Field::new(g, "name"),
            parameters: Field::new(g, "parameters"),
            type_: Field::new(g, "type"),
            value: Field::new(g, "value"),
            operator: Field::new(g, "operator"),
            function: Field::new(g, "function"),
            expression: Field::new(g, "expression"),
        }
    }

    /// The declared parameters of a member (`parameter_list` or an indexer's
    /// `bracketed_parameter_list`); an extension method's `this` parameter is one of them.
    fn params(&self, node: Node) -> u32 {
        self.parameters.child(node).map_or(0, |list| {
            named_children(&self.common, list)
                .filter(|c| self.kinds.of(*c) == K::Parameter)
                .count() as u32
        })
    }

    /// The name of a property, indexer or event that holds accessors.
    fn holder_name(&self, node: Node, src: &[u8]) -> Option<String> {
        match self.kinds.of(node) {
            K::Property | K::Event => field_text(node, self.name, src),
            K::Indexer => Some("this".to_owned()),
            _ => None,
        }
    }

    /// Whether an expression-bodied property or indexer (`=> …`) is itself its getter.
    fn is_expression_bodied(&self, node: Node) -> bool {
        self.value
            .child(node)
            .is_some_and(|v| self.kinds.of(v) == K::Arrow)
    }

    /// Whether an expression is part of a `#if` / `#elif` condition (`#if A && B` is no run-time
    /// `&&`): its nearest ancestor that is no operator expression is the directive. Looks at
    /// most 64 levels up, so the cost stays linear on deep expressions.
    fn in_directive(&self, ancestors: &[Node]) -> bool {
        for a in ancestors.iter().rev().take(64) {
            match self.kinds.of(*a) {
                K::Binary | K::Expression => {}
                k => return k == K::PreprocConditional,
            }
        }
        false
    }

    /// The name a recursive call would use: `f(…)`, `this.f(…)`, `f<T>(…)`.
    fn called_name<'t>(&self, node: Node<'t>) -> Option<Node<'t>> {
        match self.kinds.of(node) {
            K::Identifier => Some(node),
            K::GenericName => {
                named_children(&self.common, node).find(|c| self.kinds.of(*c) == K::Identifier)
            }
            K::MemberAccess
                if self
                    .expression
                    .child(node)
                    .is_some_and(|e| self.kinds.of(e) == K::This) =>
            {
                self.called_name(self.name.child(node)?)
            }
            _ => None,
        }
    }
}

impl Spec for CSharp {
    fn common(&self) -> &Common {
        &self.common
    }

    fn function(
        &self,
        node: Node,
        kind: u16,
        _ancestors: &[Node],
        src: &[u8],
    ) -> Option<FunctionDecl> {
        let decl = |name: String, at: Node, params: u32| FunctionDecl {
            name,
            qualifier: None,
            joint: None,
            params,
            start_row: at.start_position().row,
        };
        match self.kinds.get(kind) {
            K::Method | K::Constructor => {
                self.common.body.child(node)?;
                let name = self.name.child(node)?;
                Some(decl(text(name, src), name, self.params(node)))
            }
            K::Destructor => {
                self.common.body.child(node)?;
                let name = self.name.child(node)?;
                Some(decl(format!("~{}", text(name, src)), name, 0))
            }
            // `operator +` names its operator, `implicit operator int` its type.
            k @ (K::Operator | K::Conversion) => {
                self.common.body.child(node)?;
                let field = if k == K::Operator {
                    self.operator
                } else {
                    self.type_
                };
                let at = field.child(node)?;
                Some(decl(
                    format!("operator {}", text(at, src)),
                    at,
                    self.params(node),
                ))
            }
            K::Accessor => {
                self.common.body.child(node)?;
                let name = self.name.child(node)?;
                Some(decl(text(name, src), name, 0))
            }
            K::Property | K::Indexer if self.is_expression_bodied(node) => {
                let holder = self.holder_name(node, src)?;
                let at = self.name.child(node).unwrap_or(node);
                Some(decl(format!("{holder}.get"), at, self.params(node)))
            }
            _ => None,
        }
    }

    fn scope(&self, node: Node, kind: u16, src: &[u8]) -> Option<String> {
        match self.kinds.get(kind) {
            K::Scope => field_text(node, self.name, src),
            K::Property | K::Indexer | K::Event => self.holder_name(node, src),
            _ => None,
        }
    }

    fn construct(&self, node: Node, kind: u16, ancestors: &[Node], _src: &[u8]) -> Construct {
        match self.kinds.get(kind) {
            K::If => Construct::If,
            K::Loop => Construct::Loop,
            K::Foreach => Construct::UnconditionalLoop,
            K::Switch => Construct::Switch,
            // The keyword, not the section: `case 1: case 2:` is two labels in one section.
            K::Case if !node.is_named() => Construct::Case,
            K::SwitchArm
                if named_children(&self.common, node)
                    .next()
                    .is_some_and(|p| self.kinds.of(p) != K::Discard) =>
            {
                Construct::Case
            }
            K::Guard => Construct::Decision,
            K::Catch => Construct::Catch,
            K::Ternary => Construct::Ternary,
            K::Binary if !self.in_directive(ancestors) => match self.common.operator.child(node) {
                Some(op) => match (self.logical.of(op), self.coalescing.of(op)) {
                    (Some(l), _) => Construct::Logical(l),
                    (None, Some(_)) => Construct::Decision,
                    (None, None) => Construct::None,
                },
                None => Construct::None,
            },
            K::PreprocConditional => Construct::Decision,
            K::Assignment
                if self
                    .common
                    .operator
                    .child(node)
                    .is_some_and(|op| self.coalescing.of(op).is_some()) =>
            {
                Construct::Decision
            }
            K::ConditionalAccess => Construct::Decision,
            K::Lambda | K::LocalFunction => Construct::Lambda,
            K::Goto => Construct::Jump,
            K::Invocation => Construct::Call,
            _ => Construct::None,
        }
    }

    fn callee<'s>(&self, node: Node, src: &'s [u8]) -> Option<&'s str> {
        let name = self.called_name(self.function.child(node)?)?;
        std::str::from_utf8(&src[name.byte_range()]).ok()
    }
}
