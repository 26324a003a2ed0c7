//! What is emitted when validation fails: a stub with the network's name and the usual inherent
//! items, so code that uses the network does not add follow-on errors to the real one.

use crate::expand::Generics;
use crate::parse::{Arg, NetworkDef};
use proc_macro2::TokenStream;
use quote::quote;

pub fn stub(def: &NetworkDef) -> TokenStream {
    let (name, vis, attrs) = (&def.name, &def.vis, &def.attrs);
    let Generics { scalar, impl_generics, ty_generics } = Generics::of(&def.scalar);
    let body = match &def.scalar {
        crate::parse::ScalarDef::Concrete(_) => quote!(;),
        crate::parse::ScalarDef::Generic(_) => quote!((::core::marker::PhantomData<#scalar>);),
    };
    // Where the first layer's input and the last layer's output widths are legible, the stub's
    // `forward` has the real signature, so calls to it are still checked and add no errors.
    let width = |arg: Option<&Arg>| match arg {
        Some(Arg::Int(lit)) if lit.base10_parse::<u128>().is_ok_and(|v| v > 0) => Some(quote!(#lit)),
        Some(Arg::Path(path)) => Some(quote!({ #path })),
        _ => None,
    };
    let inputs = def.layers.first().and_then(|l| width(l.args.first()));
    let outputs = def.layers.last().and_then(|l| width(l.args.get(1)));
    let forward = match (inputs, outputs) {
        (Some(i), Some(o)) => quote! {
            pub fn forward(&self, x: &[#scalar; #i]) -> [#scalar; #o] { ::core::unreachable!() }
        },
        _ => quote! {
            pub fn forward<const IN: usize, const OUT: usize>(&self, x: &[#scalar; IN]) -> [#scalar; OUT] {
                ::core::unreachable!()
            }
        },
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
    #forward
            }
        }
}
