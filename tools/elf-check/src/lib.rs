//! What a linked Cortex-M firmware contains, read from its ELF file: section sizes (flash and
//! static RAM), symbols, and the call graph of its code, walked from an entry point to prove
//! that no panic is reachable from it.
//!
//! `tests/firmware.rs` runs these checks on `examples/firmware`; the `elf-check` binary runs
//! them on any firmware:
//!
//! ```text
//! cargo run -p constnet-elf-check -- target/thumbv7em-none-eabihf/release/my-firmware \
//!     --entry my_infer --canary my_canary
//! ```
//!
//! - [`Elf`] reads sections and symbols of a 32-bit little-endian ELF directly (no binutils).
//! - [`CallGraph`] is built from `llvm-objdump -d` ([`objdump`] finds one): every function with
//!   its direct branch and call targets, and the indirect branches, which a walk cannot follow
//!   and so counts as a failure.
//! - [`check_no_panic`] walks from each entry point and fails if a panic function
//!   ([`is_panic`]) or an indirect branch is reachable; walking from a canary that does panic
//!   shows the walk can fail.
//!
//! The walk proves absence for the linked code: what LLVM left after optimisation, for one
//! target and one profile. A bounds check the optimiser removed does not count; one it kept
//! does, even when it can never fire.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What went wrong reading a firmware or checking it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's message.
        message: String,
    },
    /// The file is not a 32-bit little-endian ELF (Cortex-M firmware is).
    NotElf32,
    /// A header, table or name points outside the file.
    Truncated {
        /// What was being read.
        what: &'static str,
    },
    /// `llvm-objdump` could not be run or failed.
    Objdump(String),
    /// No function of that name in the disassembly.
    NoFunction(String),
    /// Panic functions are reachable from an entry point.
    PanicReachable {
        /// The entry point.
        entry: String,
        /// The reachable panic functions.
        panics: Vec<String>,
        /// Everything reachable from the entry point.
        reachable: Vec<String>,
    },
    /// Indirect branches are reachable from an entry point, so the walk is incomplete.
    IndirectBranch {
        /// The entry point.
        entry: String,
        /// The instructions.
        branches: Vec<String>,
        /// Everything reachable from the entry point.
        reachable: Vec<String>,
    },
    /// The walk from the canary found no panic, although the canary panics: the walk is broken.
    CanaryMissed {
        /// The canary.
        canary: String,
        /// What the walk reached from it.
        reachable: Vec<String>,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, message } => write!(f, "cannot read {}: {message}", path.display()),
            Error::NotElf32 => write!(f, "not a 32-bit little-endian ELF file (expected Cortex-M firmware)"),
            Error::Truncated { what } => write!(f, "the ELF file is truncated or corrupt: {what} lies outside it"),
            Error::Objdump(message) => write!(f, "llvm-objdump: {message}"),
            Error::NoFunction(name) => write!(f, "no function `{name}` in the disassembly (is it `#[no_mangle]`?)"),
            Error::PanicReachable { entry, panics, reachable } => {
                write!(f, "panics reachable from `{entry}`: {panics:?}; everything it reaches: {reachable:?}")
            }
            Error::IndirectBranch { entry, branches, reachable } => write!(
                f,
                "indirect branches reachable from `{entry}`, which the walk cannot follow: {branches:?}; everything it \
                 reaches: {reachable:?}"
            ),
            Error::CanaryMissed { canary, reachable } => write!(
                f,
                "the walk found no panic from the canary `{canary}`, which does panic, so the walk is broken; \
                 it reached {reachable:?}"
            ),
        }
    }
}

impl std::error::Error for Error {}

// ---------------------------------------------------------------------------------------------
// ELF

/// A section: name, flags, load address and size in bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// `.text`, `.rodata`, …
    pub name: String,
    /// `sh_flags`.
    pub flags: u32,
    /// `sh_addr`: where it is loaded.
    pub addr: u32,
    /// `sh_size`.
    pub size: u32,
}

/// A symbol of the symbol table. Thumb functions have bit 0 of `addr` set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    /// The (mangled) name.
    pub name: String,
    /// `st_value`.
    pub addr: u32,
    /// `st_size` in bytes.
    pub size: u32,
}

/// The sections and symbols of a 32-bit little-endian ELF file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Elf {
    /// Every section, in file order.
    pub sections: Vec<Section>,
    /// Every symbol of every symbol table.
    pub symbols: Vec<Symbol>,
}

/// Little-endian reads that fail instead of panicking.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn u16(&self, at: usize, what: &'static str) -> Result<usize, Error> {
        let b = self.0.get(at..at + 2).ok_or(Error::Truncated { what })?;
        Ok(usize::from(u16::from_le_bytes([b[0], b[1]])))
    }
    fn u32(&self, at: usize, what: &'static str) -> Result<u32, Error> {
        let b = self.0.get(at..at + 4).ok_or(Error::Truncated { what })?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn offset(&self, at: usize, what: &'static str) -> Result<usize, Error> {
        usize::try_from(self.u32(at, what)?).map_err(|_| Error::Truncated { what })
    }
    fn cstr(&self, at: usize, what: &'static str) -> Result<String, Error> {
        let rest = self.0.get(at..).ok_or(Error::Truncated { what })?;
        let end = rest.iter().position(|&b| b == 0).ok_or(Error::Truncated { what })?;
        Ok(String::from_utf8_lossy(&rest[..end]).into_owned())
    }
}

/// `SHT_SYMTAB`.
const SYMTAB: u32 = 2;

impl Elf {
    /// Reads and parses the file at `path`.
    ///
    /// # Errors
    /// [`Error::Io`] if it cannot be read, otherwise as [`Elf::parse`].
    pub fn read(path: &Path) -> Result<Elf, Error> {
        let bytes = std::fs::read(path).map_err(|e| Error::Io { path: path.to_path_buf(), message: e.to_string() })?;
        Elf::parse(&bytes)
    }

    /// Parses the bytes of an ELF file.
    ///
    /// # Errors
    /// [`Error::NotElf32`] unless it starts like a 32-bit little-endian ELF;
    /// [`Error::Truncated`] if a table or name lies outside it.
    pub fn parse(bytes: &[u8]) -> Result<Elf, Error> {
        if !bytes.starts_with(b"\x7fELF\x01\x01") {
            return Err(Error::NotElf32);
        }
        let d = Bytes(bytes);
        let shoff = d.offset(0x20, "the section header table offset")?;
        let (entsize, count, names) =
            (d.u16(0x2e, "the ELF header")?, d.u16(0x30, "the ELF header")?, d.u16(0x32, "the ELF header")?);
        let header = |i: usize| shoff + i * entsize;
        let strtab = d.offset(header(names) + 16, "the section name table")?;
        let mut sections = Vec::with_capacity(count);
        let mut symbols = Vec::new();
        for i in 0..count {
            let h = header(i);
            let name = d.cstr(strtab + d.offset(h, "a section header")?, "a section name")?;
            let kind = d.u32(h + 4, "a section header")?;
            let (flags, addr) = (d.u32(h + 8, "a section header")?, d.u32(h + 12, "a section header")?);
            let (offset, size) = (d.offset(h + 16, "a section header")?, d.u32(h + 20, "a section header")?);
            if kind == SYMTAB {
                // 16-byte entries; their names are in the string table of section `sh_link`.
                let link = d.offset(h + 24, "a section header")?;
                let names = d.offset(header(link) + 16, "the symbol name table")?;
                let end = offset + size as usize;
                for s in (offset..end).step_by(16) {
                    symbols.push(Symbol {
                        name: d.cstr(names + d.offset(s, "a symbol")?, "a symbol name")?,
                        addr: d.u32(s + 4, "a symbol")?,
                        size: d.u32(s + 8, "a symbol")?,
                    });
                }
            }
            sections.push(Section { name, flags, addr, size });
        }
        Ok(Elf { sections, symbols })
    }

    /// The section called `name`.
    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }

    /// The size of section `name` in bytes (0 if there is none).
    pub fn size(&self, name: &str) -> usize {
        self.section(name).map_or(0, |s| s.size as usize)
    }

    /// Bytes in flash, with cortex-m-rt's section names: `.vector_table`, `.text`, `.rodata`,
    /// and the initial values of `.data`.
    pub fn flash(&self) -> usize {
        [".vector_table", ".text", ".rodata", ".data"].iter().map(|s| self.size(s)).sum()
    }

    /// Static RAM: `.data`, `.bss` and `.uninit`.
    pub fn ram(&self) -> usize {
        [".data", ".bss", ".uninit"].iter().map(|s| self.size(s)).sum()
    }

    /// The symbol called `name`.
    pub fn symbol(&self, name: &str) -> Option<&Symbol> {
        self.symbols.iter().find(|s| s.name == name)
    }

    /// `true` if symbol `name` lies entirely inside section `section`.
    pub fn symbol_in(&self, name: &str, section: &str) -> bool {
        match (self.symbol(name), self.section(section)) {
            (Some(sym), Some(sec)) => {
                let (start, end) = (u64::from(sym.addr), u64::from(sym.addr) + u64::from(sym.size));
                start >= u64::from(sec.addr) && end <= u64::from(sec.addr) + u64::from(sec.size)
            }
            _ => false,
        }
    }

    /// Function start address (Thumb bit cleared) → end address, from the symbols with a size.
    pub fn function_ends(&self) -> BTreeMap<u32, u32> {
        self.symbols
            .iter()
            .filter(|s| s.size > 0)
            .map(|s| (s.addr & !1, (s.addr & !1).saturating_add(s.size)))
            .collect()
    }

    /// The code size of the functions starting at `addresses` (Thumb bit ignored), from the
    /// symbol table.
    pub fn code_bytes(&self, addresses: &BTreeSet<u32>) -> usize {
        let sizes: BTreeMap<u32, u32> =
            self.symbols.iter().filter(|s| s.size > 0).map(|s| (s.addr & !1, s.size)).collect();
        addresses.iter().map(|a| sizes.get(a).copied().unwrap_or(0) as usize).sum()
    }
}

// ---------------------------------------------------------------------------------------------
// The call graph

/// An `llvm-objdump` that can disassemble Thumb: on the `PATH`, versioned (`llvm-objdump-14`
/// to `-22`), or rustup's `llvm-tools` component.
pub fn objdump() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = ["llvm-objdump", "rust-objdump"].iter().map(PathBuf::from).collect();
    candidates.extend((14..=22).rev().map(|v| PathBuf::from(format!("llvm-objdump-{v}"))));
    if let Ok(out) = Command::new("rustc").args(["--print", "sysroot"]).output() {
        let sysroot = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if let Ok(dirs) = std::fs::read_dir(sysroot.join("lib/rustlib")) {
            candidates.extend(dirs.flatten().map(|d| d.path().join("bin/llvm-objdump")));
        }
    }
    candidates.into_iter().find(|c| Command::new(c).arg("--version").output().is_ok_and(|o| o.status.success()))
}

/// Functions (by start address) with their names, their direct branch and call targets, and
/// their indirect branches (which a walk cannot follow).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallGraph {
    /// Function start address → demangled name.
    pub names: BTreeMap<u32, String>,
    /// Function → the functions it branches to or calls directly.
    pub edges: BTreeMap<u32, BTreeSet<u32>>,
    /// Function → its indirect branches (`bx r3`, `blx r2`, `ldr pc, …`), as written.
    pub indirect: BTreeMap<u32, Vec<String>>,
}

/// What a walk from one function reached.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reach {
    /// Start addresses of the reachable functions, the entry included.
    pub addresses: BTreeSet<u32>,
    /// Their names, in address order.
    pub names: Vec<String>,
    /// The indirect branches in them.
    pub indirect: Vec<String>,
}

/// ARM condition codes, as suffixes of branch mnemonics.
const CONDITIONS: [&str; 16] =
    ["eq", "ne", "cs", "hs", "cc", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le"];

impl CallGraph {
    /// Disassembles `elf` with `objdump` (`-d -C --no-show-raw-insn`) and parses the result,
    /// bounding each function by its symbol's size.
    ///
    /// # Errors
    /// [`Error::Objdump`] if it cannot be run or fails; an error reading the ELF's symbols.
    pub fn of(objdump: &Path, elf: &Path) -> Result<CallGraph, Error> {
        let out = Command::new(objdump)
            .args(["-d", "-C", "--no-show-raw-insn"])
            .arg(elf)
            .output()
            .map_err(|e| Error::Objdump(format!("cannot run {}: {e}", objdump.display())))?;
        if !out.status.success() {
            return Err(Error::Objdump(String::from_utf8_lossy(&out.stderr).into_owned()));
        }
        let ends = Elf::read(elf)?.function_ends();
        Ok(CallGraph::parse(&String::from_utf8_lossy(&out.stdout), &ends))
    }

    /// Parses `llvm-objdump -d -C --no-show-raw-insn` output for ARM/Thumb. `ends` maps a
    /// function's start address to its end (see [`Elf::function_ends`]): what lies after the end
    /// is padding between functions (the linker fills it with `0xd4d4`, which disassembles as
    /// `bmi`), not code, and is skipped. Functions missing from `ends` run to the next one.
    pub fn parse(disassembly: &str, ends: &BTreeMap<u32, u32>) -> CallGraph {
        let mut graph = CallGraph::default();
        let mut branches: Vec<(u32, u32)> = Vec::new(); // (function, target)
        let mut current = None;
        for line in disassembly.lines() {
            // `000001a0 <constnet_infer>:` starts a function; `<$d>:`/`<$t>:` only mark data and
            // code inside one (ARM mapping symbols).
            if let Some((addr, rest)) = line.split_once(" <")
                && let Some(name) = rest.strip_suffix(">:")
                && let Ok(addr) = u32::from_str_radix(addr.trim(), 16)
            {
                if !name.starts_with('$') {
                    graph.names.insert(addr, name.to_string());
                    current = Some(addr);
                }
                continue;
            }
            let Some(func) = current else { continue };
            // `     1a4:      	bl	0x12c <foo>`: address, mnemonic and operands, tab-separated.
            let mut parts = line.split('\t').map(str::trim).filter(|p| !p.is_empty());
            let Some(Ok(at)) = parts.next().map(|a| u32::from_str_radix(a.trim_end_matches(':'), 16)) else {
                continue;
            };
            if ends.get(&func).is_some_and(|&end| at >= end) {
                continue;
            }
            let (Some(mnemonic), operands) = (parts.next(), parts.next().unwrap_or("")) else { continue };
            // Without the width suffix (`.w`/`.n`) and the condition (`bne` → `b`, `bxls` → `bx`).
            let m = mnemonic.split('.').next().unwrap_or(mnemonic);
            let base = |stem: &str| m == stem || m.strip_prefix(stem).is_some_and(|c| CONDITIONS.contains(&c));
            let writes_pc = operands.starts_with("pc,") && !m.starts_with("cmp");
            if (base("bx") || base("blx")) && operands != "lr" || (base("mov") || base("ldr")) && writes_pc {
                graph.indirect.entry(func).or_default().push(format!("{mnemonic} {operands}"));
            } else if (base("b") || base("bl") || m == "cbz" || m == "cbnz")
                && let Some(target) = operands
                    .split_whitespace()
                    .find_map(|t| t.strip_prefix("0x").and_then(|h| u32::from_str_radix(h, 16).ok()))
            {
                branches.push((func, target));
            }
        }
        // A branch's target belongs to the function with the greatest start at or below it.
        for (func, target) in branches {
            if let Some((&callee, _)) = graph.names.range(..=target).next_back()
                && callee != func
            {
                graph.edges.entry(func).or_default().insert(callee);
            }
        }
        graph
    }

    /// Every function reachable from `entry`, and the indirect branches among them.
    ///
    /// # Errors
    /// [`Error::NoFunction`] if there is no function called `entry`.
    pub fn reachable(&self, entry: &str) -> Result<Reach, Error> {
        let start = self.names.iter().find(|(_, n)| *n == entry).map(|(a, _)| *a);
        let start = start.ok_or_else(|| Error::NoFunction(entry.to_string()))?;
        let (mut seen, mut todo) = (BTreeSet::from([start]), vec![start]);
        while let Some(f) = todo.pop() {
            for &g in self.edges.get(&f).into_iter().flatten() {
                if seen.insert(g) {
                    todo.push(g);
                }
            }
        }
        let names = seen.iter().filter_map(|a| self.names.get(a).cloned()).collect();
        let indirect = seen.iter().flat_map(|a| self.indirect.get(a).into_iter().flatten().cloned()).collect();
        Ok(Reach { addresses: seen, names, indirect })
    }
}

/// `true` for names of functions that mean a panic can happen: `core::panicking::*`,
/// `panic_bounds_check`, `slice_index_fail`/`slice_*_index_len_fail`, `unwrap_failed`,
/// `expect_failed`, `unreachable`, `rust_begin_unwind`, `abort`.
pub fn is_panic(name: &str) -> bool {
    [
        "panic",
        "unwrap_failed",
        "expect_failed",
        "slice_index",
        "slice_end_index",
        "slice_start_index",
        "unreachable",
        "rust_begin_unwind",
        "abort",
    ]
    .iter()
    .any(|p| name.contains(p))
}

/// One entry point proven panic-free.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PanicFree {
    /// The entry point.
    pub entry: String,
    /// Every function it reaches, itself included.
    pub reachable: Vec<String>,
    /// Their code size in bytes.
    pub code_bytes: usize,
}

/// Checks that nothing reachable from each of `entries` in `elf` can panic or branch
/// indirectly, and, if given, that the same walk does find a panic from `canary` (a function
/// that panics), which shows that the walk can fail.
///
/// # Errors
/// The first failure: [`Error::PanicReachable`], [`Error::IndirectBranch`],
/// [`Error::CanaryMissed`], or one from reading or disassembling the file.
pub fn check_no_panic(
    objdump: &Path,
    elf: &Path,
    entries: &[&str],
    canary: Option<&str>,
) -> Result<Vec<PanicFree>, Error> {
    let graph = CallGraph::of(objdump, elf)?;
    let symbols = Elf::read(elf)?;
    if let Some(canary) = canary {
        let reach = graph.reachable(canary)?;
        if !reach.names.iter().any(|n| is_panic(n)) {
            return Err(Error::CanaryMissed { canary: canary.to_string(), reachable: reach.names });
        }
    }
    entries
        .iter()
        .map(|&entry| {
            let reach = graph.reachable(entry)?;
            let panics: Vec<String> = reach.names.iter().filter(|n| is_panic(n)).cloned().collect();
            if !panics.is_empty() {
                return Err(Error::PanicReachable { entry: entry.to_string(), panics, reachable: reach.names });
            }
            if !reach.indirect.is_empty() {
                return Err(Error::IndirectBranch {
                    entry: entry.to_string(),
                    branches: reach.indirect,
                    reachable: reach.names,
                });
            }
            let code_bytes = symbols.code_bytes(&reach.addresses);
            Ok(PanicFree { entry: entry.to_string(), reachable: reach.names, code_bytes })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A disassembly in `llvm-objdump -d -C --no-show-raw-insn` form: `entry` calls `helper`
    /// (unconditionally and with a conditional branch), `helper` tail-calls `memclr`, `checked`
    /// branches to `panic_bounds_check` on a condition, `dispatch` jumps through a register.
    const DISASSEMBLY: &str = "
firmware:\tfile format elf32-littlearm

Disassembly of section .text:

00000100 <entry>:
     100:      \tpush\t{r7, lr}
     102:      \tbl\t0x120 <helper>
     106:      \tcmp\tr0, #0x0
     108:      \tbne\t0x120 <helper>
     10a:      \tb.w\t0x112 <entry+0x12>
     10e:      \tpop\t{r7, pc}
     110:      \tbx\tlr
     112:      \tbmi\t0x150 <core::panicking::panic_bounds_check::h0>

00000120 <helper>:
     120:      \tb.w\t0x140 <memclr>

00000130 <checked>:
     130:      \tcmp\tr1, #0x3
     132:      \tbhi\t0x150 <core::panicking::panic_bounds_check::h0>
     134:      \tbx\tlr

00000136 <$d.1>:
     136:      \t.word\t0x12345678

00000140 <memclr>:
     140:      \tcbz\tr1, 0x148 <memclr+0x8>
     142:      \tbx\tlr

00000150 <core::panicking::panic_bounds_check::h0>:
     150:      \tbl\t0x160 <dispatch>

00000160 <dispatch>:
     160:      \tblx\tr3
     162:      \tldr\tpc, [sp], #4
";

    /// Where each function ends: `entry`'s last two bytes (0x112) are linker padding.
    fn ends() -> BTreeMap<u32, u32> {
        BTreeMap::from([(0x100, 0x112), (0x120, 0x124), (0x130, 0x136)])
    }

    #[test]
    fn the_walk_follows_direct_branches_and_records_indirect_ones() {
        let graph = CallGraph::parse(DISASSEMBLY, &ends());
        assert_eq!(graph.names.len(), 6);
        let reach = graph.reachable("entry").unwrap();
        assert_eq!(reach.names, ["entry", "helper", "memclr"]);
        assert!(reach.indirect.is_empty(), "`bx lr` and `pop {{…, pc}}` are returns: {:?}", reach.indirect);
        let reach = graph.reachable("checked").unwrap();
        assert_eq!(reach.names, ["checked", "core::panicking::panic_bounds_check::h0", "dispatch"]);
        assert!(reach.names.iter().any(|n| is_panic(n)));
        assert_eq!(reach.indirect, ["blx r3", "ldr pc, [sp], #4"]);
        assert_eq!(graph.reachable("missing"), Err(Error::NoFunction("missing".into())));
    }

    /// Padding after a function's end disassembles as a branch; with the function's size
    /// unknown, the walk takes it, which is why [`CallGraph::of`] passes the sizes.
    #[test]
    fn padding_after_a_function_is_not_code() {
        let reach = CallGraph::parse(DISASSEMBLY, &BTreeMap::new()).reachable("entry").unwrap();
        assert!(reach.names.iter().any(|n| is_panic(n)), "{:?}", reach.names);
    }

    #[test]
    fn panic_names_are_recognised() {
        for name in [
            "core::panicking::panic_bounds_check::h1",
            "core::slice::index::slice_index_fail::h2",
            "core::slice::index::slice_end_index_len_fail::h3",
            "core::option::unwrap_failed::h4",
            "core::result::unwrap_failed::h5",
            "core::panicking::panic_fmt::h6",
            "rust_begin_unwind",
        ] {
            assert!(is_panic(name), "{name}");
        }
        for name in ["constnet_infer", "libm::math::expf::expf::h7", "__aeabi_memclr4", "memcpy"] {
            assert!(!is_panic(name), "{name}");
        }
    }

    /// A minimal ELF: null section, `.text` (flags AX, 0x100 bytes at 0x400), `.symtab` with
    /// one symbol `f` (Thumb address 0x401, 0x20 bytes), `.strtab`, `.shstrtab`.
    fn tiny_elf() -> Vec<u8> {
        let shstrtab = b"\0.text\0.symtab\0.strtab\0.shstrtab\0";
        let strtab = b"\0f\0";
        let mut symtab = vec![0u8; 16]; // the null symbol
        for v in [1u32, 0x401, 0x20] {
            symtab.extend(v.to_le_bytes());
        }
        symtab.extend([0x12, 0, 2, 0]); // info (global function), other, section index 2
        let mut d = vec![0u8; 0x34];
        d[..6].copy_from_slice(b"\x7fELF\x01\x01");
        let (symtab_at, strtab_at) = (d.len(), d.len() + symtab.len());
        let shstrtab_at = strtab_at + strtab.len();
        d.extend(&symtab);
        d.extend(strtab);
        d.extend(shstrtab);
        let shoff = d.len();
        let sections: [(u32, u32, u32, u32, usize, usize, u32); 5] = [
            (0, 0, 0, 0, 0, 0, 0),
            (1, 1, 6, 0x400, 0, 0x100, 0),
            (7, SYMTAB, 0, 0, symtab_at, symtab.len(), 3),
            (15, 3, 0, 0, strtab_at, strtab.len(), 0),
            (23, 3, 0, 0, shstrtab_at, shstrtab.len(), 0),
        ];
        for (name, kind, flags, addr, offset, size, link) in sections {
            for v in [name, kind, flags, addr, offset as u32, size as u32, link, 0, 0, 0] {
                d.extend(v.to_le_bytes());
            }
        }
        d[0x20..0x24].copy_from_slice(&(shoff as u32).to_le_bytes());
        d[0x2e..0x30].copy_from_slice(&40u16.to_le_bytes());
        d[0x30..0x32].copy_from_slice(&5u16.to_le_bytes());
        d[0x32..0x34].copy_from_slice(&4u16.to_le_bytes());
        d
    }

    #[test]
    fn sections_and_symbols_are_read() {
        let elf = Elf::parse(&tiny_elf()).unwrap();
        let names: Vec<&str> = elf.sections.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["", ".text", ".symtab", ".strtab", ".shstrtab"]);
        assert_eq!(elf.size(".text"), 0x100);
        assert_eq!(elf.flash(), 0x100);
        assert_eq!(elf.ram(), 0);
        assert_eq!(elf.symbol("f"), Some(&Symbol { name: "f".into(), addr: 0x401, size: 0x20 }));
        assert!(elf.symbol_in("f", ".text"));
        assert!(!elf.symbol_in("f", ".rodata"));
        assert_eq!(elf.code_bytes(&BTreeSet::from([0x400])), 0x20);
    }

    #[test]
    fn damaged_files_are_errors_not_panics() {
        let good = tiny_elf();
        assert_eq!(Elf::parse(b"\x7fELF\x02\x01"), Err(Error::NotElf32));
        assert_eq!(Elf::parse(b"MZ"), Err(Error::NotElf32));
        for len in [6, 0x30, 0x40, good.len() / 2, good.len() - 40] {
            assert!(matches!(Elf::parse(&good[..len]), Err(Error::Truncated { .. })), "cut at {len}");
        }
        let mut bad = good.clone();
        bad[0x20..0x24].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(Elf::parse(&bad), Err(Error::Truncated { .. })));
    }
}
