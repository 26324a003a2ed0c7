//! Stack high-water mark by painting: fill the unused stack with a pattern, run, then find the
//! lowest word that no longer holds it.

use core::ptr;

/// The paint. As an `f32` it is −1.07e8, as an address it is outside every memory map here, so
/// a live value equal to it is very unlikely.
const PAINT: u32 = 0xCCCC_CCCC;
/// Words just below the current stack pointer left unpainted.
const MARGIN: usize = 16;

unsafe extern "C" {
    // Provided by cortex-m-rt's `link.x`: the top of the stack (its initial value) and the
    // lowest address it may grow to (the end of `.bss`/`.uninit`).
    safe static _stack_start: u32;
    safe static _stack_end: u32;
}

fn top() -> usize {
    ptr::addr_of!(_stack_start) as usize
}

fn bottom() -> usize {
    ptr::addr_of!(_stack_end) as usize
}

/// Bytes available to the stack.
pub fn size() -> usize {
    top() - bottom()
}

/// Paints everything between the bottom of the stack and (a margin below) the current stack
/// pointer. Must not be inlined: its own frame has to be above the painted region.
#[inline(never)]
pub fn paint() {
    let sp = cortex_m::register::msp::read() as usize;
    let end = sp.saturating_sub(MARGIN) & !3;
    let mut addr = bottom();
    while addr < end {
        // SAFETY: `[bottom, sp − MARGIN)` is RAM reserved for the stack (the linker script puts
        // nothing there) and lies below the stack pointer, so no live value is stored in it;
        // exception frames are only live while a handler runs, not while this loop does.
        unsafe { ptr::write_volatile(addr as *mut u32, PAINT) };
        addr += 4;
    }
}

/// The deepest stack use since the last [`paint`], in bytes from the top of the stack (so it
/// includes the frames of `main` and of the runtime's reset handler).
#[inline(never)]
pub fn high_water() -> usize {
    let mut addr = bottom();
    // SAFETY: reads words of the stack region, all initialised (painted or written since).
    while addr < top() && unsafe { ptr::read_volatile(addr as *const u32) } == PAINT {
        addr += 4;
    }
    top() - addr
}
