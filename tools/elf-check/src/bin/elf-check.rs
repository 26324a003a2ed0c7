//! `elf-check <elf> [--entry <symbol>]… [--canary <symbol>]`: prints the section sizes of a
//! linked Cortex-M firmware and, for each entry point, proves that no panic and no indirect
//! branch is reachable from it (needs `llvm-objdump`). Exits with 1 on a failed check, 2 on a
//! usage error.

use constnet_elf_check::{Elf, check_no_panic, objdump};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: elf-check <elf> [--entry <symbol>]... [--canary <symbol>]";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (mut elf, mut entries, mut canary) = (None, Vec::new(), None);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--entry" | "--canary" => {
                let Some(symbol) = args.next() else {
                    eprintln!("{arg} needs a symbol name\n{USAGE}");
                    return ExitCode::from(2);
                };
                if arg == "--entry" { entries.push(symbol) } else { canary = Some(symbol) }
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            _ if elf.is_none() && !arg.starts_with('-') => elf = Some(PathBuf::from(arg)),
            _ => {
                eprintln!("unexpected argument `{arg}`\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(path) = elf else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let file = match Elf::read(&path) {
        Ok(file) => file,
        Err(e) => {
            eprintln!("{}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };
    println!("{}", path.display());
    for name in [".vector_table", ".text", ".rodata", ".data", ".bss", ".uninit"] {
        if let Some(section) = file.section(name) {
            println!("  {name:<14} {:>8} bytes at {:#010x}", section.size, section.addr);
        }
    }
    println!("  flash {} bytes, static RAM {} bytes", file.flash(), file.ram());
    if entries.is_empty() {
        return ExitCode::SUCCESS;
    }
    let Some(objdump) = objdump() else {
        eprintln!("llvm-objdump not found: `apt-get install llvm` or `rustup component add llvm-tools`");
        return ExitCode::FAILURE;
    };
    let entries: Vec<&str> = entries.iter().map(String::as_str).collect();
    match check_no_panic(&objdump, &path, &entries, canary.as_deref()) {
        Ok(reports) => {
            for r in reports {
                println!("  no panic reachable from {}: {} bytes of code in {:?}", r.entry, r.code_bytes, r.reachable);
            }
            if let Some(canary) = canary {
                println!("  the walk finds the panic in the canary {canary}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {e}", path.display());
            ExitCode::FAILURE
        }
    }
}
