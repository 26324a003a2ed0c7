//! The model byte format and the memory bill: what `network!` adds for `constnet::io` and
//! `constnet::memory`, kept apart from the core expansion in `expand.rs`.

use crate::expand::Generics;
use crate::parse::ScalarDef;
use crate::validate::{LayerKind, ValidNetwork};
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

/// Each layer's input and output width tokens, written the way `expand` writes them: a layer's
/// input is the previous layer's output, so both agree with the field types.
fn widths(net: &ValidNetwork<'_>) -> Vec<(TokenStream, TokenStream)> {
    (0..net.layers.len())
        .map(|i| {
            let inputs =
                if i == 0 { net.layers[0].kind.inputs().tokens() } else { net.layers[i - 1].kind.outputs().tokens() };
            (inputs, net.layers[i].kind.outputs().tokens())
        })
        .collect()
}

/// The items inside `impl Network for …` that describe memory needs and are not provided
/// defaults: the inference scratch (the widest layer's input + output vectors).
pub fn network_consts(net: &ValidNetwork<'_>) -> TokenStream {
    let scalar = Generics::of(&net.def.scalar).scalar;
    let sums = widths(net).into_iter().map(|(i, o)| quote!((#i) + (#o)));
    quote! {
        #[allow(unused_braces, unused_parens)]
        const INFERENCE_SCRATCH_BYTES: usize = {
            let mut widest = 0usize;
            #(
                if #sums > widest {
                    widest = #sums;
                }
            )*
            widest * ::core::mem::size_of::<#scalar>()
        };
    }
}

/// `impl Model` for every network, and for networks over a concrete `f32`/`f64` the `const`
/// encoder and decoders (`BYTES`, `try_from_bytes_const`, `from_bytes_const`, `to_byte_array`).
pub fn expand(
    net: &ValidNetwork<'_>,
    fields: &[&syn::Ident],
    tys: &[&TokenStream],
    traits: &[&TokenStream],
) -> TokenStream {
    let name = &net.def.name;
    let Generics { scalar, impl_generics, ty_generics } = Generics::of(&net.def.scalar);
    let model = quote! {
        impl #impl_generics ::constnet::io::Model<#scalar> for #name #ty_generics {
            const FINGERPRINT: u64 = ::constnet::io::fingerprint::network(&[
                #( <#tys as #traits>::FINGERPRINT, )*
            ]);
        }
    };
    // The `const` codecs build layers with `const fn`s; a boxed `HeapDense` has none.
    if net.layers.iter().any(crate::expand_batch::is_heap) {
        return model;
    }
    let ScalarDef::Concrete(ty) = &net.def.scalar else { return model };
    let (read_matrix, read_array, put_matrix, put_array) = match ty.to_token_stream().to_string().as_str() {
        "f32" => (quote!(f32_matrix), quote!(f32_array), quote!(put_f32_matrix), quote!(put_f32_array)),
        "f64" => (quote!(f64_matrix), quote!(f64_array), quote!(put_f64_matrix), quote!(put_f64_array)),
        _ => return model,
    };
    let size = quote!(<#scalar as ::constnet::Scalar>::BYTES);

    let mut decode = Vec::new();
    let mut encode = Vec::new();
    for (((layer, (inputs, outputs)), field), ty) in net.layers.iter().zip(widths(net)).zip(fields).zip(tys) {
        match layer.kind {
            LayerKind::Dense { .. } => {
                decode.push(quote! {
                    let #field = <#ty>::from_parts(
                        ::constnet::io::#read_matrix::<#inputs, #outputs>(bytes, at),
                        ::constnet::io::#read_array::<#outputs>(bytes, at + (#inputs) * (#outputs) * #size),
                    );
                    at += ((#inputs) * (#outputs) + (#outputs)) * #size;
                });
                encode.push(quote! {
                    ::constnet::io::#put_matrix(&mut out, at, &self.#field.weights);
                    ::constnet::io::#put_array(&mut out, at + (#inputs) * (#outputs) * #size, &self.#field.bias);
                    at += ((#inputs) * (#outputs) + (#outputs)) * #size;
                });
            }
            LayerKind::Dropout { .. } => decode.push(quote!(let #field = ::constnet::Dropout;)),
        }
    }

    quote! {
        #model

        impl #name {
            /// Length of this network in the model byte format: header plus parameters (see
            /// [`constnet::io`](::constnet::io)).
            pub const BYTES: usize = <Self as ::constnet::io::Model<#scalar>>::BYTES;

            /// Decodes the model byte format in `const` context; never panics. Use it for
            /// run-time input as well as [`Model::from_bytes`](::constnet::io::Model::from_bytes).
            ///
            /// # Errors
            /// A [`LoadError`](::constnet::io::LoadError) saying what is wrong with the bytes.
            #[allow(unused_assignments, unused_mut, unused_braces, unused_parens)]
            pub const fn try_from_bytes_const(
                bytes: &[u8],
            ) -> ::core::result::Result<Self, ::constnet::io::LoadError> {
                if let ::core::result::Result::Err(err) = ::constnet::io::Spec::of::<#scalar, Self>().check(bytes) {
                    return ::core::result::Result::Err(err);
                }
                let mut at = ::constnet::io::HEADER_BYTES;
                #(#decode)*
                ::core::result::Result::Ok(Self::from_layers(#(#fields),*))
            }

            /// Decodes the model byte format at compile time, for `static` and `const` items:
            /// `static NET: Net = Net::from_bytes_const(include_bytes!("net.cnet"));` puts the
            /// weights in flash.
            ///
            /// # Panics
            /// If the bytes are not a model of this network. In a `static` or `const` item that is
            /// a compile error naming the problem; at run time use
            /// [`try_from_bytes_const`](Self::try_from_bytes_const) or
            /// [`Model::from_bytes`](::constnet::io::Model::from_bytes), which return the error.
            pub const fn from_bytes_const(bytes: &[u8]) -> Self {
                match Self::try_from_bytes_const(bytes) {
                    ::core::result::Result::Ok(net) => net,
                    ::core::result::Result::Err(err) => ::core::panic!("{}", err.summary()),
                }
            }

            /// The network in the model byte format, as a fixed-size array (the same bytes as
            /// [`Model::to_bytes`](::constnet::io::Model::to_bytes)); usable in `const` context.
            #[allow(unused_assignments, unused_mut, unused_braces, unused_parens)]
            pub const fn to_byte_array(&self) -> [u8; #name::BYTES] {
                let mut out = [0u8; #name::BYTES];
                let mut at = ::constnet::io::HEADER_BYTES;
                #(#encode)*
                ::constnet::io::Spec::of::<#scalar, Self>().seal(&mut out);
                out
            }
        }
    }
}
