//! Procedural macro behind [`constnet::network!`](https://docs.rs/constnet). Use it through the
//! `constnet` crate, which re-exports it; the generated code refers to `::constnet` only.
//!
//! The macro knows grammar and names, not kinds of layer. It is split the way `serde_derive` and
//! `thiserror` are: `parse` turns tokens into a syntax tree that keeps every span, `validate`
//! checks what the macro can judge (names, the scalar, that layers are paths) and collects *all*
//! errors, `ir` lowers the tree once into what the expanders read, and `expand` names the layers
//! for the library's generic code. When validation fails, `fallback` emits a stub with the same
//! name, so the user sees our one-line errors and not a cascade.
//!
//! `include_safetensors!` (feature `safetensors`, in `safetensors.rs`) is separate: it reads and
//! parses a safetensors file while compiling and describes it to the library, which matches it
//! against the network's type in `const` code.
use proc_macro::TokenStream;

mod expand;
mod fallback;
mod ir;
mod parse;
#[cfg(feature = "safetensors")]
mod safetensors;
mod validate;

/// Declares a network; see `constnet::network!` for the syntax and what it generates.
#[proc_macro]
pub fn network(input: TokenStream) -> TokenStream {
    let def = match syn::parse::<parse::NetworkDef>(input) {
        Ok(def) => def,
        Err(err) => return err.into_compile_error().into(),
    };
    match validate::validate(&def) {
        Ok(()) => expand::expand(&ir::Network::lower(&def)).into(),
        Err(err) => {
            let mut out = err.into_compile_error();
            out.extend(fallback::stub(&def));
            out.into()
        }
    }
}

/// Compiles a safetensors file into a network value; see `constnet::include_safetensors!`.
#[cfg(feature = "safetensors")]
#[proc_macro]
pub fn include_safetensors(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as safetensors::Input);
    safetensors::expand(&input).unwrap_or_else(syn::Error::into_compile_error).into()
}
