//! Output without `core::fmt`: text, and numbers in hex or decimal, written to the semihosting
//! console with a few lines of code of its own. `core::fmt` costs about 2.5 KB of flash on the
//! Cortex-M0; the programs whose flash is the figure that matters (`int8`, `sequence`) and the
//! panic and HardFault handlers every program links print through this instead.
//!
//! Nothing here can panic: no indexing that could fail, no division (decimal digits are found
//! by subtraction, which on the Cortex-M0 also avoids linking the software divider).

/// 10¹⁹, 10¹⁸, …, 1: the decimal digits of a `u64` are found by subtracting these.
const POWERS_OF_TEN: [u64; 20] = {
    let mut powers = [1u64; 20];
    let mut k = 19;
    while k > 0 {
        powers[k - 1] = powers[k] * 10;
        k -= 1;
    }
    powers
};

use semihosting::fd::OwnedFd;
use semihosting::sys::arm_compat::syscall::{OperationNumber, ParamRegR, syscall_readonly};
use semihosting::sys::arm_compat::{OpenMode, sys_open};

/// Where the bytes go: QEMU's standard output or standard error, through semihosting
/// (`SYS_OPEN` of `:tt`, `SYS_WRITE`). Failed writes are dropped: there is nowhere to report them.
pub struct Out {
    fd: Option<OwnedFd>,
}

impl Out {
    /// Standard output.
    pub fn stdout() -> Self {
        Out { fd: sys_open(c":tt", OpenMode::WRONLY_TRUNC).ok() }
    }

    /// Standard error (`:tt` opened for appending, semihosting's convention).
    pub fn stderr() -> Self {
        Out { fd: sys_open(c":tt", OpenMode::WRONLY_APPEND).ok() }
    }

    /// Writes `bytes` as they are.
    pub fn bytes(&mut self, mut bytes: &[u8]) -> &mut Self {
        let Some(fd) = &self.fd else { return self };
        // `SYS_WRITE` directly: the crate's `sys_write_orig` needs a `BorrowedFd`, whose
        // constructor asserts the descriptor is not −1, a panic path (and `core::fmt`) in
        // every program.
        while !bytes.is_empty() {
            let block = [ParamRegR::raw_fd(fd.as_raw_fd()), ParamRegR::buf(bytes), ParamRegR::usize(bytes.len())];
            // SAFETY: SYS_WRITE only reads the parameter block and the `bytes.len()` bytes it
            // points to, both alive for the call.
            let ret = unsafe { syscall_readonly(OperationNumber::SYS_WRITE, ParamRegR::block(&block)) };
            // It returns how many bytes were *not* written (all of them, or more, on failure).
            let left = ret.usize();
            if left == 0 || left >= bytes.len() {
                break;
            }
            bytes = bytes.get(bytes.len() - left..).unwrap_or(&[]);
        }
        self
    }

    /// Writes `text`.
    pub fn text(&mut self, text: &str) -> &mut Self {
        self.bytes(text.as_bytes())
    }

    /// Writes `value` as `0x` and eight hex digits (`0x3f800000`).
    pub fn hex(&mut self, value: u32) -> &mut Self {
        let mut digits = *b"0x00000000";
        for (k, d) in digits.iter_mut().skip(2).enumerate() {
            let nibble = ((value >> (28 - 4 * k)) & 0xf) as u8;
            *d = if nibble < 10 { b'0' + nibble } else { b'a' + nibble - 10 };
        }
        self.bytes(&digits)
    }

    /// Writes the IEEE bits of `value` in hex, as [`hex`](Self::hex).
    pub fn bits(&mut self, value: f32) -> &mut Self {
        self.hex(value.to_bits())
    }

    /// Writes `value` in decimal.
    pub fn dec(&mut self, value: u64) -> &mut Self {
        let mut rest = value;
        let mut started = false;
        // By reference: the table stays in flash instead of being copied to the stack.
        for &power in &POWERS_OF_TEN {
            let mut digit = b'0';
            while rest >= power {
                rest -= power;
                digit += 1;
            }
            if started || digit != b'0' || power == 1 {
                started = true;
                self.bytes(&[digit]);
            }
        }
        self
    }

    /// Writes a newline.
    pub fn line(&mut self) -> &mut Self {
        self.bytes(b"\n")
    }
}
