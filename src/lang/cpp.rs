//! C++: the C rules (`c.rs`) plus methods inside classes and structs, out-of-class definitions
//! (`void K::n()` is `n` qualified `K::n`), conversion operators (`operator bool`), namespaces as
//! scopes, `try` / `catch`, range `for`, and lambdas, which fold into their enclosing function.
//! Methods of a class declared inside a function are functions of their own (lizard 1.24 folds
//! them into the enclosing function). A ternary in a constructor's member initializer list counts
//! for the constructor: it runs there (lizard 1.24 drops it).

use tree_sitter::Node;

use super::{c::C, field_text, Common, Construct, FunctionDecl, Kinds, Language, Spec};

/// The node kinds this file tells apart (C's are `c.rs`'s business).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum K {
    Other,
    /// `class`, `struct`, `union`: a scope when it has a body.
    Record,
    Namespace,
}

pub struct Cpp {
    c: C,
    kinds: Kinds<K>,
}

impl Cpp {
    pub fn new(language: Language) -> Self {
        let g = &language.grammar();
        Cpp {
            c: C::new(language),
            kinds: Kinds::new(g, K::Other, |name| match name {
                "class_specifier" | "struct_specifier" | "union_specifier" => Some(K::Record),
                "namespace_definition" => Some(K::Namespace),
                _ => None,
            }),
        }
    }
}

impl Spec for Cpp {
    fn common(&self) -> &Common {
        self.c.common()
    }

    fn separator(&self) -> &'static str {
        "::"
    }

    fn function(
        &self,
        node: Node,
        kind: u16,
        ancestors: &[Node],
        src: &[u8],
    ) -> Option<FunctionDecl> {
        self.c.function_with(node, kind, ancestors, src, "::")
    }

    fn scope(&self, node: Node, kind: u16, src: &[u8]) -> Option<String> {
        match self.kinds.get(kind) {
            K::Record if self.c.body.is_on(node) => field_text(node, self.c.name, src),
            K::Namespace => field_text(node, self.c.name, src),
            _ => None,
        }
    }

    fn construct(&self, node: Node, kind: u16, ancestors: &[Node], src: &[u8]) -> Construct {
        self.c.construct(node, kind, ancestors, src)
    }

    fn callee<'s>(&self, node: Node, src: &'s [u8]) -> Option<&'s str> {
        self.c.callee(node, src)
    }
}
