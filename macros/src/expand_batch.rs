//! The fast paths `network!` adds for performance, kept apart from the core expansion in
//! `expand.rs`: the batched forward pass (`forward_batch`), vectorised across samples, and the
//! fused per-sample gradient descent (`Network::descend`).

use crate::expand::Generics;
use crate::validate::{LayerKind, ValidLayer, ValidNetwork};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Whether a dense layer was declared `HeapDense` (weights on the heap) rather than `Dense`.
pub fn is_heap(layer: &ValidLayer<'_>) -> bool {
    layer.def.kind.as_ref().is_some_and(|kind| kind == "HeapDense")
}

/// The type a dense layer expands to: `Dense` or `HeapDense`, spanned at the declaration.
pub fn dense_type(layer: &ValidLayer<'_>) -> TokenStream {
    if is_heap(layer) { quote!(HeapDense) } else { quote!(Dense) }
}

/// What the performance paths add: an inherent `impl` block, and items for the body of
/// `impl Network for …`.
pub struct BatchTokens {
    pub inherent: TokenStream,
    pub trait_items: TokenStream,
}

pub fn expand(
    net: &ValidNetwork<'_>,
    fields: &[&syn::Ident],
    tys: &[&TokenStream],
    traits: &[&TokenStream],
) -> BatchTokens {
    let name = &net.def.name;
    let Generics { scalar, impl_generics, ty_generics } = Generics::of(&net.def.scalar);
    let inputs = net.layers[0].kind.inputs().tokens();
    let outputs = net.layers[net.layers.len() - 1].kind.outputs().tokens();

    // x0 is the input block; layer k maps x{k} to x{k+1}.
    let blocks: Vec<_> = (0..=fields.len()).map(|k| format_ident!("x{}", k)).collect();
    let steps = (0..fields.len()).map(|k| {
        let (ty, tr, field, input, output) = (tys[k], traits[k], fields[k], &blocks[k], &blocks[k + 1]);
        let input = if k == 0 { quote!(#input) } else { quote!(&#input) };
        quote!(let #output = <#ty as #tr>::forward_block::<{ ::constnet::batch::BLOCK }>(&self.#field, #input);)
    });
    let (first, last) = (&blocks[0], &blocks[fields.len()]);

    let inherent = quote! {
        impl #impl_generics #name #ty_generics {
            /// Inference on many samples at once: `outputs[k] = forward(&inputs[k])` (up to
            /// rounding), computed in blocks of [`BLOCK`](::constnet::batch::BLOCK) samples
            /// that every layer processes together, vectorised across samples. No allocation.
            ///
            /// # Panics
            /// If `inputs` and `outputs` differ in length.
            #[inline]
            pub fn forward_batch(&self, inputs: &[[#scalar; #inputs]], outputs: &mut [[#scalar; #outputs]]) {
                ::constnet::batch::run_blocks(inputs, outputs, |#first| {
                    #(#steps)*
                    #last
                });
            }
        }
    };
    let descend = descend(net, fields, tys, traits, &scalar, &outputs);
    let trait_items = quote! {
        #[inline]
        fn forward_batch(&self, inputs: &[[#scalar; #inputs]], outputs: &mut [[#scalar; #outputs]]) {
            Self::forward_batch(self, inputs, outputs)
        }

        #descend
    };
    BatchTokens { inherent, trait_items }
}

/// `Network::descend`: every layer's error signal from the old weights (output layer first),
/// the gradient's squared norm, then each dense layer's in-place update.
fn descend(
    net: &ValidNetwork<'_>,
    fields: &[&syn::Ident],
    tys: &[&TokenStream],
    traits: &[&TokenStream],
    scalar: &TokenStream,
    outputs: &TokenStream,
) -> TokenStream {
    let n = fields.len();
    let d: Vec<_> = (0..n).map(|k| format_ident!("d{}", k)).collect();
    let g: Vec<_> = (0..n).map(|k| format_ident!("g{}", k)).collect();
    // The input of layer k, read from the tape.
    let input = |k: usize| -> TokenStream {
        if k == 0 {
            quote!(&tape.network_input)
        } else {
            let (ty, tr, field) = (tys[k - 1], traits[k - 1], fields[k - 1]);
            quote!(<#ty as #tr>::output(&tape.#field))
        }
    };
    let is_dense = |k: usize| matches!(net.layers[k].kind, LayerKind::Dense { .. });

    let mut signals = TokenStream::new();
    for k in (0..n).rev() {
        let (ty, field, dk, gk) = (tys[k], fields[k], &d[k], &g[k]);
        if k == n - 1 {
            signals.extend(quote!(let #dk = *delta;));
        } else {
            let next = &g[k + 1];
            signals.extend(quote!(let #dk = <#ty>::error_signal(&tape.#field, &#next);));
        }
        if k > 0 {
            signals.extend(if is_dense(k) {
                quote!(let #gk = self.#field.input_gradient(&#dk);)
            } else {
                quote!(let #gk = #dk;)
            });
        }
    }
    let dense: Vec<usize> = (0..n).filter(|&k| is_dense(k)).collect();
    let norms = dense.iter().map(|&k| {
        let (ty, dk, x) = (tys[k], &d[k], input(k));
        quote!(norm2 += <#ty>::gradient_norm2(#x, &#dk);)
    });
    let updates = dense.iter().map(|&k| {
        let (field, dk, x) = (fields[k], &d[k], input(k));
        quote!(self.#field.descend(#x, &#dk, rate);)
    });
    quote! {
        // Inlined into the training step, so the tape stays in registers for tiny networks.
        #[inline(always)]
        fn descend(
            &mut self,
            tape: &Self::Tape,
            delta: &[#scalar; #outputs],
            rate: #scalar,
            clip_norm: ::core::option::Option<#scalar>,
        ) -> ::core::option::Option<bool> {
            #signals
            let mut norm2 = <#scalar as ::constnet::Scalar>::ZERO;
            #(#norms)*
            if !<#scalar as ::constnet::Scalar>::is_finite(norm2) {
                return ::core::option::Option::Some(false);
            }
            let rate = match clip_norm {
                ::core::option::Option::Some(c) if norm2 > c * c => {
                    rate * c / <#scalar as ::constnet::Scalar>::sqrt(norm2)
                }
                _ => rate,
            };
            #(#updates)*
            ::core::option::Option::Some(true)
        }
    }
}
