//! C++: the C rules (`c.rs`) plus methods inside classes and structs, out-of-class definitions
//! (`void K::n()` is `n` qualified `K::n`), namespaces as scopes, `try` / `catch`, range `for`,
//! and lambdas, which fold into their enclosing function.

use tree_sitter::Node;

use super::{c, field_text, Construct, FunctionDecl, Spec};

pub struct Cpp;

impl Spec for Cpp {
    fn separator(&self) -> &'static str {
        "::"
    }

    fn function(&self, node: Node, _ancestors: &[Node], src: &[u8]) -> Option<FunctionDecl> {
        c::function(node, src, "::")
    }

    fn scope(&self, node: Node, src: &[u8]) -> Option<String> {
        match node.kind() {
            "class_specifier" | "struct_specifier" | "union_specifier"
                if node.child_by_field_name("body").is_some() =>
            {
                field_text(node, "name", src)
            }
            "namespace_definition" => field_text(node, "name", src),
            _ => None,
        }
    }

    fn construct(&self, node: Node, _ancestors: &[Node], src: &[u8]) -> Construct {
        c::construct(node, src)
    }

    fn callee<'s>(&self, node: Node, src: &'s [u8]) -> Option<&'s str> {
        c::callee(node, src)
    }
}
