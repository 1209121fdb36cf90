//! tree-sitter's memory through mimalloc rather than the C library's `malloc`.
//!
//! A parse allocates a node per token and frees the whole tree afterwards: with glibc's
//! allocator that was about a tenth of debtgate's CPU time (docs/performance.md). mimalloc, given
//! to tree-sitter's C library through `tree_sitter::set_allocator`, does the same analysis in 4–5 %
//! fewer instructions (callgrind, one thread: C 2.666 → 2.559 G, Python 3.416 → 3.230 G) and
//! 1–5 % less CPU time on redis and black, for about 5 CPU-seconds of C compilation per build
//! profile (docs/performance.md). Only tree-sitter's allocations move; Rust's own stay with the
//! global allocator.
//!
//! The binary installs it as the first thing `main` does. A library user (the tests, a bench)
//! that does not call [`use_mimalloc_for_tree_sitter`] keeps the C library's allocator: the
//! measurements are the same either way.

use std::ffi::c_void;

/// Makes tree-sitter allocate with mimalloc.
///
/// # Safety
///
/// As for [`tree_sitter::set_allocator`]: call it before any other tree-sitter call of the
/// process, while no other thread is running, and at most once. A tree or parser made before it
/// would be freed by the wrong allocator.
pub unsafe fn use_mimalloc_for_tree_sitter() {
    let allocator = tree_sitter::Allocator {
        malloc,
        calloc,
        realloc,
        free,
    };
    // SAFETY: the caller's contract above is `set_allocator`'s; the four functions are one
    // allocator family and never return null for a non-zero size (they abort, as tree-sitter's
    // own default does).
    unsafe { tree_sitter::set_allocator(Some(allocator)) };
}

/// tree-sitter cannot handle a failed allocation; neither could its default allocator, which
/// aborts too.
fn out_of_memory(bytes: usize) -> ! {
    note!("debtgate: tree-sitter could not allocate {bytes} bytes");
    std::process::abort()
}

unsafe extern "C" fn malloc(size: usize) -> *mut c_void {
    // SAFETY: mi_malloc accepts any size.
    let p = unsafe { libmimalloc_sys::mi_malloc(size) };
    if p.is_null() && size != 0 {
        out_of_memory(size);
    }
    p
}

unsafe extern "C" fn calloc(count: usize, size: usize) -> *mut c_void {
    // SAFETY: mi_calloc checks `count * size` for overflow and returns null if it overflows.
    let p = unsafe { libmimalloc_sys::mi_calloc(count, size) };
    if p.is_null() && count != 0 && size != 0 {
        out_of_memory(count.saturating_mul(size));
    }
    p
}

unsafe extern "C" fn realloc(ptr: *mut c_void, size: usize) -> *mut c_void {
    // SAFETY: `ptr` is null or came from this family (the contract of `use_mimalloc_for_tree_sitter`).
    let p = unsafe { libmimalloc_sys::mi_realloc(ptr, size) };
    if p.is_null() && size != 0 {
        out_of_memory(size);
    }
    p
}

unsafe extern "C" fn free(ptr: *mut c_void) {
    // SAFETY: as for `realloc`.
    unsafe { libmimalloc_sys::mi_free(ptr) }
}
