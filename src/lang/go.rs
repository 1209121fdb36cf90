//! Go: functions, methods (qualified by their receiver type, `Type.Method`) and function literals
//! (named after the variable they are assigned to, else `(anonymous)`) are entries. Each `case`
//! of an expression, type or `select` switch is a decision, `default` is not; `for` always is,
//! with or without a condition. `goto` and labelled `break` / `continue` add cognitive
//! complexity.

use tree_sitter::Node;

use super::{
    logical_operator, named_children, operators, text, Common, Construct, Field, FunctionDecl,
    Kinds, Language, Operators, Spec, Vocabulary,
};

/// The node kinds this file tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum K {
    Other,
    Function,
    If,
    For,
    Switch,
    Case,
    Binary,
    Goto,
    BreakOrContinue,
    LabelName,
    Call,
    Identifier,
    Selector,
    PointerType,
    GenericType,
    ExpressionList,
    ShortVarOrAssignment,
    VarSpec,
}

pub struct Go {
    common: Common,
    kinds: Kinds<K>,
    logical: Operators,
    name: Field,
    receiver: Field,
    parameters: Field,
    ty: Field,
    left: Field,
    function: Field,
    field: Field,
}

impl Go {
    pub fn new(language: Language) -> Self {
        let g = &language.grammar();
        Go {
            common: Common::new(g, &Vocabulary::DEFAULT),
            kinds: Kinds::new(g, K::Other, |name| {
                Some(match name {
                    "function_declaration" | "method_declaration" | "func_literal" => K::Function,
                    "if_statement" => K::If,
                    "for_statement" => K::For,
                    "expression_switch_statement"
                    | "type_switch_statement"
                    | "select_statement" => K::Switch,
                    "expression_case" | "type_case" | "communication_case" => K::Case,
                    "binary_expression" => K::Binary,
                    "goto_statement" => K::Goto,
                    "break_statement" | "continue_statement" => K::BreakOrContinue,
                    "label_name" => K::LabelName,
                    "call_expression" => K::Call,
                    "identifier" => K::Identifier,
                    "selector_expression" => K::Selector,
                    "pointer_type" => K::PointerType,
                    "generic_type" => K::GenericType,
                    "expression_list" => K::ExpressionList,
                    "short_var_declaration" | "assignment_statement" => K::ShortVarOrAssignment,
                    "var_spec" => K::VarSpec,
                    _ => return None,
                })
            }),
            logical: operators(g, &[("&&", "&&"), ("||", "||")]),
            name: Field::new(g, "name"),
            receiver: Field::new(g, "receiver"),
            parameters: Field::new(g, "parameters"),
            ty: Field::new(g, "type"),
            left: Field::new(g, "left"),
            function: Field::new(g, "function"),
            field: Field::new(g, "field"),
        }
    }
}

impl Spec for Go {
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
        if self.kinds.get(kind) != K::Function {
            return None;
        }
        self.common.body.child(node)?;
        let (name, start_row) = match self.name.child(node) {
            Some(n) => (text(n, src), n.start_position().row),
            None => (
                self.binding_name(ancestors, src)
                    .unwrap_or_else(|| "(anonymous)".to_string()),
                node.start_position().row,
            ),
        };
        let qualifier = self
            .receiver
            .child(node)
            .and_then(|r| self.receiver_type(r, src));
        let params = self
            .parameters
            .child(node)
            .map_or(0, |p| self.parameter_count(p));
        Some(FunctionDecl {
            name,
            qualifier,
            joint: None,
            params,
            start_row,
        })
    }

    fn scope(&self, _node: Node, _kind: u16, _src: &[u8]) -> Option<String> {
        None
    }

    fn construct(&self, node: Node, kind: u16, _ancestors: &[Node], _src: &[u8]) -> Construct {
        match self.kinds.get(kind) {
            K::If => Construct::If,
            K::For => Construct::Loop,
            K::Switch => Construct::Switch,
            K::Case => Construct::Case,
            K::Binary => logical_operator(&self.common, node, &self.logical)
                .map_or(Construct::None, Construct::Logical),
            K::Goto => Construct::Jump,
            K::BreakOrContinue
                if named_children(&self.common, node).any(|c| self.kinds.of(c) == K::LabelName) =>
            {
                Construct::Jump
            }
            K::Call => Construct::Call,
            _ => Construct::None,
        }
    }

    fn callee<'s>(&self, node: Node, src: &'s [u8]) -> Option<&'s str> {
        let f = self.function.child(node)?;
        let name = match self.kinds.of(f) {
            K::Identifier => f,
            K::Selector => self.field.child(f)?,
            _ => return None,
        };
        std::str::from_utf8(&src[name.byte_range()]).ok()
    }
}

impl Go {
    /// `a, b int` declares two parameters; `int` alone (unnamed) declares one.
    fn parameter_count(&self, list: Node) -> u32 {
        named_children(&self.common, list)
            .map(|p| self.name.count(p).max(1) as u32)
            .sum()
    }

    /// The receiver's type name without pointer or type arguments: `(s *Server[T])` → `Server`.
    fn receiver_type(&self, receiver: Node, src: &[u8]) -> Option<String> {
        let param = named_children(&self.common, receiver).next()?;
        let mut ty = self.ty.child(param)?;
        loop {
            ty = match self.kinds.of(ty) {
                K::PointerType => named_children(&self.common, ty).next()?,
                K::GenericType => self.ty.child(ty)?,
                _ => return Some(text(ty, src)),
            };
        }
    }

    /// `f := func() {}`, `var f = func() {}`, `f = func() {}`: the literal takes the variable's
    /// name.
    fn binding_name(&self, ancestors: &[Node], src: &[u8]) -> Option<String> {
        let [.., holder, list] = ancestors else {
            return None;
        };
        let (holder, list) = (*holder, *list);
        if self.kinds.of(list) != K::ExpressionList {
            return None;
        }
        let left = match self.kinds.of(holder) {
            K::ShortVarOrAssignment => self.left.child(holder)?,
            K::VarSpec => self.name.child(holder)?,
            _ => return None,
        };
        let single = named_children(&self.common, list).count() == 1;
        let first = if self.kinds.of(left) == K::ExpressionList {
            named_children(&self.common, left).next()?
        } else {
            left
        };
        single.then(|| text(first, src))
    }
}
