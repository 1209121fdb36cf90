//! C++: the C rules (`c.rs`) plus methods inside classes and structs, out-of-class definitions
//! (`void K::n()` is `n` qualified `K::n`), conversion operators (`operator bool`), namespaces as
//! scopes, `try` / `catch`, range `for`, and lambdas, which fold into their enclosing function.
//! Methods of a class declared inside a function are functions of their own (lizard 1.24 folds
//! them into the enclosing function). A ternary in a constructor's member initializer list counts
//! for the constructor: it runs there (lizard 1.24 drops it).

use tree_sitter::Node;

use super::{c, field_text, Construct, FunctionDecl, Spec};

pub struct Cpp;

impl Spec for Cpp {
    fn separator(&self) -> &'static str {
        "::"
    }

    fn function(&self, node: Node, ancestors: &[Node], src: &[u8]) -> Option<FunctionDecl> {
        c::function(node, ancestors, src, "::")
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

    fn construct(&self, node: Node, ancestors: &[Node], src: &[u8]) -> Construct {
        c::construct(node, ancestors, src)
    }

    fn callee<'s>(&self, node: Node, src: &'s [u8]) -> Option<&'s str> {
        c::callee(node, src)
    }
}
