//! The global allocator of the `tempest` binary and the benches: mimalloc,
//! asked for plain (16-byte aligned) blocks whenever that alignment is
//! enough.
//!
//! The `mimalloc` crate's own `GlobalAlloc` always calls the aligned entry
//! points; mimalloc 3 serves an aligned request whose size is not a power of
//! two, and any aligned request that meets an empty free list, by
//! over-allocating and adjusting the pointer, which costs several times a
//! plain `mi_malloc` (docs/performance.md, fourth pass). A plain block of at
//! least [`PLAIN_ALIGNMENT`] bytes is aligned to it, and a smaller one to
//! its size's power of two, so (as `std`'s system allocator reasons) a
//! layout with `align <= min(size, PLAIN_ALIGNMENT)` can take the plain
//! calls.

use core::alloc::{GlobalAlloc, Layout};
use core::ffi::c_void;
use libmimalloc_sys as ffi;

/// The alignment of every plain mimalloc block of at least this size
/// (`MI_MAX_ALIGN_SIZE`).
const PLAIN_ALIGNMENT: usize = 16;

/// mimalloc's `mi_option_purge_delay` (its `mimalloc.h`; the `-sys` crate
/// names fewer options than mimalloc 3 has).
const MI_OPTION_PURGE_DELAY: ffi::mi_option_t = 15;

/// mimalloc with plain calls for ordinary alignments; install it with
/// `#[global_allocator] static ALLOCATOR: Allocator = Allocator;` and call
/// [`keep_freed_memory`] first thing in `main`.
pub struct Allocator;

/// Tells mimalloc to keep the memory a process frees for its own reuse.
///
/// By default mimalloc gives freed pages back to the OS a second (of wall
/// time) after they empty, and the next world to need them faults them in
/// again, each page zeroed by the kernel: a `scale` world of a million
/// executions spent a quarter of its time in `clear_page`, and every world
/// after the first paid it again. A harness runs world after world of
/// similar size, so its memory is better kept: the process holds its peak
/// until it exits. (The delay was also a wall-clock input to how fast a
/// run goes; outputs never depended on it.)
pub fn keep_freed_memory() {
    // SAFETY: setting an option is allowed at any time.
    unsafe { ffi::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

/// Whether a plain block of `size` bytes is aligned enough for `align`.
#[inline]
fn plain_is_aligned(size: usize, align: usize) -> bool {
    align <= PLAIN_ALIGNMENT && align <= size
}

// SAFETY: every pointer comes from mimalloc and goes back to it; a layout
// whose alignment exceeds what plain blocks guarantee takes the aligned calls.
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if plain_is_aligned(layout.size(), layout.align()) {
            unsafe { ffi::mi_malloc(layout.size()) as *mut u8 }
        } else {
            unsafe { ffi::mi_malloc_aligned(layout.size(), layout.align()) as *mut u8 }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if plain_is_aligned(layout.size(), layout.align()) {
            unsafe { ffi::mi_zalloc(layout.size()) as *mut u8 }
        } else {
            unsafe { ffi::mi_zalloc_aligned(layout.size(), layout.align()) as *mut u8 }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        unsafe { ffi::mi_free(ptr as *mut c_void) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if plain_is_aligned(new_size, layout.align()) {
            unsafe { ffi::mi_realloc(ptr as *mut c_void, new_size) as *mut u8 }
        } else {
            unsafe {
                ffi::mi_realloc_aligned(ptr as *mut c_void, new_size, layout.align()) as *mut u8
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The option number is mimalloc's purge delay: it reads mimalloc's
    /// default (1,000 ms, unless the environment sets it) before the call
    /// and -1 (never purge) after.
    #[test]
    fn keep_freed_memory_turns_purging_off() {
        // SAFETY: reading and setting options is allowed at any time.
        unsafe {
            let default =
                std::env::var("MIMALLOC_PURGE_DELAY").map_or(1000, |v| v.parse().unwrap());
            assert_eq!(ffi::mi_option_get(MI_OPTION_PURGE_DELAY), default);
            keep_freed_memory();
            assert_eq!(ffi::mi_option_get(MI_OPTION_PURGE_DELAY), -1);
            ffi::mi_option_set(MI_OPTION_PURGE_DELAY, default);
        }
    }

    /// Every size class and alignment the engine uses, and over-aligned
    /// ones: blocks come back aligned, keep their bytes through a realloc,
    /// and go back to mimalloc.
    #[test]
    fn blocks_are_aligned_and_keep_their_bytes() {
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [1, 7, 16, 24, 100, 1024, 1100, 5000, 70_000] {
                let layout = Layout::from_size_align(size, align).unwrap();
                unsafe {
                    let p = Allocator.alloc(layout);
                    assert!(!p.is_null());
                    assert_eq!(p as usize % align, 0, "size {size} align {align}");
                    p.write_bytes(0xA5, size);
                    let grown = Allocator.realloc(p, layout, size * 3);
                    assert_eq!(
                        grown as usize % align,
                        0,
                        "realloc size {size} align {align}"
                    );
                    assert!((0..size).all(|i| *grown.add(i) == 0xA5));
                    Allocator.dealloc(grown, Layout::from_size_align(size * 3, align).unwrap());
                    let z = Allocator.alloc_zeroed(layout);
                    assert_eq!(z as usize % align, 0);
                    assert!((0..size).all(|i| *z.add(i) == 0));
                    Allocator.dealloc(z, layout);
                }
            }
        }
    }
}
