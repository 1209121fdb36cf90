//! TypeScript and TSX: the JavaScript rules (`javascript.rs`) over the TypeScript grammars, plus
//! TypeScript's own scopes (abstract classes, namespaces) and parameters (`this: T` is a receiver,
//! not a parameter). Signatures without a body (overloads, interfaces, `declare`) are not entries.

use tree_sitter::Node;

use super::{javascript::JavaScript, Common, Construct, FunctionDecl, Language, Spec};

pub struct TypeScript(JavaScript);

impl TypeScript {
    /// The rules over `language`'s grammar: TypeScript's or TSX's.
    pub fn new(language: Language) -> Self {
        TypeScript(JavaScript::new(language))
    }
}

impl Spec for TypeScript {
    fn common(&self) -> &Common {
        self.0.common()
    }

    fn function(
        &self,
        node: Node,
        kind: u16,
        ancestors: &[Node],
        src: &[u8],
    ) -> Option<FunctionDecl> {
        self.0.function(node, kind, ancestors, src)
    }

    fn scope(&self, node: Node, kind: u16, src: &[u8]) -> Option<String> {
        self.0.scope(node, kind, src)
    }

    fn construct(&self, node: Node, kind: u16, ancestors: &[Node], src: &[u8]) -> Construct {
        self.0.construct(node, kind, ancestors, src)
    }

    fn callee<'s>(&self, node: Node, src: &'s [u8]) -> Option<&'s str> {
        self.0.callee(node, src)
    }
}
