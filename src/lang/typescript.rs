//! TypeScript and TSX: the JavaScript rules (`javascript.rs`) over the TypeScript grammars, plus
//! TypeScript's own scopes (abstract classes, namespaces) and parameters (`this: T` is a receiver,
//! not a parameter). Signatures without a body (overloads, interfaces, `declare`) are not entries.

use tree_sitter::Node;

use super::{javascript, Construct, FunctionDecl, Spec};

pub struct TypeScript;

impl Spec for TypeScript {
    fn function(&self, node: Node, ancestors: &[Node], src: &[u8]) -> Option<FunctionDecl> {
        javascript::function(node, ancestors, src)
    }

    fn scope(&self, node: Node, src: &[u8]) -> Option<String> {
        javascript::scope(node, src)
    }

    fn construct(&self, node: Node, ancestors: &[Node], src: &[u8]) -> Construct {
        javascript::construct(node, ancestors, src)
    }

    fn callee<'s>(&self, node: Node, src: &'s [u8]) -> Option<&'s str> {
        javascript::callee(node, src)
    }
}
