//! What is emitted when validation fails: a stub with the network's name and the usual inherent
//! items, so code that uses the network does not add follow-on errors to the real one.

use crate::expand::Generics;
use crate::parse::NetworkDef;
use proc_macro2::TokenStream;
use quote::quote;

pub fn stub(def: &NetworkDef) -> TokenStream {
    let (name, vis, attrs) = (&def.name, &def.vis, &def.attrs);
    let Generics { scalar, impl_generics, ty_generics } = Generics::of(&def.scalar);
    let body = match &def.scalar {
        crate::parse::ScalarDef::Concrete(_) => quote!(;),
        crate::parse::ScalarDef::Generic(_) => quote!((::core::marker::PhantomData<#scalar>);),
    };
    quote! {
        #(#attrs)*
        #[derive(Clone, Debug, PartialEq)]
        #vis struct #name #ty_generics #body

        #[allow(dead_code, unused_variables, clippy::all)]
        impl #impl_generics #name #ty_generics {
            pub const INPUTS: usize = 0;
            pub const OUTPUTS: usize = 0;
            pub const PARAMS: usize = 0;
            pub fn zeroed() -> Self { ::core::unreachable!() }
            pub fn random<R: ?::core::marker::Sized>(rng: &mut R) -> Self { ::core::unreachable!() }
            pub fn forward<const IN: usize, const OUT: usize>(&self, x: &[#scalar; IN]) -> [#scalar; OUT] {
                ::core::unreachable!()
            }
        }
    }
}
