//! What is emitted when validation fails: a stub with the network's name, so code that uses the
//! network does not add follow-on errors to the real one.

use crate::parse::NetworkDef;
use proc_macro2::TokenStream;
use quote::quote;

pub fn stub(def: &NetworkDef) -> TokenStream {
    let (name, vis, attrs) = (&def.name, &def.vis, &def.attrs);
    // The same generic shape as the real struct, so that uses of it still type-check.
    let (generics, body) = match crate::ir::generic_scalar(&def.scalar) {
        Some(t) => (quote!(<#t>), quote!((::core::marker::PhantomData<#t>);)),
        None => (quote!(), quote!(;)),
    };
    quote! {
        #(#attrs)*
        #vis struct #name #generics #body

        #[allow(dead_code, unused_variables, clippy::all)]
        impl #generics #name #generics {
            pub const INPUTS: usize = 0;
            pub const OUTPUTS: usize = 0;
            pub const PARAMS: usize = 0;
            pub fn zeroed() -> Self { ::core::unreachable!() }
            pub fn random<R: ?::core::marker::Sized>(rng: &mut R) -> Self { ::core::unreachable!() }
            pub fn forward<X, Y>(&self, x: X) -> Y { ::core::unreachable!() }
        }
    }
}
