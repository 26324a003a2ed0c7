//! Elapsed time from SysTick, counting the core clock. Under QEMU with `-icount shift=0` the
//! virtual clock advances 1 ns per instruction, so ticks convert to instructions.

use core::sync::atomic::{AtomicU32, Ordering};
use cortex_m::peripheral::syst::SystClkSource;
use cortex_m::peripheral::{SCB, SYST};

/// SysTick counts down from this (its maximum, 24 bits) and then wraps.
const RELOAD: u32 = 0x00FF_FFFF;

/// Completed SysTick periods. Only the handler writes it (load + store, no read-modify-write,
/// so it also works on the Cortex-M0, which has no atomic read-modify-write).
static WRAPS: AtomicU32 = AtomicU32::new(0);

/// Starts SysTick on the core clock. Returns `false` if the peripherals were already taken.
pub fn start() -> bool {
    let Some(mut p) = cortex_m::Peripherals::take() else { return false };
    p.SYST.set_clock_source(SystClkSource::Core);
    p.SYST.set_reload(RELOAD);
    p.SYST.clear_current();
    p.SYST.enable_interrupt();
    p.SYST.enable_counter();
    true
}

/// [`start`], then the clock measured on a loop of 10⁶ instructions (`delay(n)` runs
/// `2·(n + 1)`): whether the clock runs, and the ticks those instructions took, which the host
/// uses to turn ticks into instructions.
#[inline(always)]
pub fn start_calibrated() -> (bool, u64) {
    let running = start();
    let begin = ticks();
    cortex_m::asm::delay(499_999);
    (running, ticks() - begin)
}

/// Core-clock ticks since [`start`].
pub fn ticks() -> u64 {
    cortex_m::interrupt::free(|_| {
        let mut wraps = WRAPS.load(Ordering::Acquire);
        let mut current = SYST::get_current();
        // A wrap whose interrupt has not run yet (it is pending while interrupts are masked):
        // count it, and re-read the counter, which has certainly reloaded by now.
        if SCB::is_pendst_pending() {
            wraps = wraps.wrapping_add(1);
            current = SYST::get_current();
        }
        // The counter runs RELOAD, …, 1, 0 and the wrap is counted at the step to 0, so 0 is the
        // first tick of a period and RELOAD the second (also right for the 0 after `start`).
        let in_period = if current == 0 { 0 } else { RELOAD + 1 - current };
        u64::from(wraps) * u64::from(RELOAD + 1) + u64::from(in_period)
    })
}

#[cortex_m_rt::exception]
fn SysTick() {
    WRAPS.store(WRAPS.load(Ordering::Relaxed).wrapping_add(1), Ordering::Release);
}
