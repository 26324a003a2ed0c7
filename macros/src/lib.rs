//! Procedural macro behind [`constnet::network!`](https://docs.rs/constnet). Use it through the
//! `constnet` crate, which re-exports it; the generated code refers to `::constnet` only.
//!
//! The macro is split the way `serde_derive` and `thiserror` are: `parse` turns tokens into a
//! syntax tree that keeps every span, `validate` checks shapes and names and collects *all*
//! errors, and `expand` writes the struct and its impls. When validation fails, `fallback`
//! emits a stub with the same name, so the user sees our one-line errors and not a cascade.
use proc_macro::TokenStream;

mod activations;
mod expand;
mod expand_batch;
mod expand_io;
mod fallback;
mod parse;
mod validate;

/// Declares a network; see `constnet::network!` for the syntax and what it generates.
#[proc_macro]
pub fn network(input: TokenStream) -> TokenStream {
    let def = match syn::parse::<parse::NetworkDef>(input) {
        Ok(def) => def,
        Err(err) => return err.into_compile_error().into(),
    };
    match validate::validate(&def) {
        Ok(net) => expand::expand(&net).into(),
        Err(err) => {
            let mut out = err.into_compile_error();
            out.extend(fallback::stub(&def));
            out.into()
        }
    }
}
