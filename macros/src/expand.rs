//! Checked network → the struct and the few facts the library needs about it. Everything a network
//! does (forward, tape, backward, descent, batches, tensors, byte format) is generic code in
//! `constnet::network` and `constnet::io`; this file only names the layers.

use crate::ir::Network;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

pub fn expand(net: &Network<'_>) -> TokenStream {
    let parts = [
        structure(net),
        checks(net),
        layer_access(net),
        sequential(net),
        parameters(net),
        model(net),
        const_decode(net),
        common_traits(net),
    ];
    quote!(#(#parts)*)
}

/// The struct, one public field per layer, and its inherent items.
fn structure(net: &Network<'_>) -> TokenStream {
    let (name, vis, attrs) = (net.name, net.vis, net.attrs);
    let (impl_generics, ty_generics) = (net.impl_generics(), net.ty_generics());
    let scalar = &net.scalar;
    let (inputs, outputs) = (net.network_inputs(), net.network_outputs());
    let network = quote!(::constnet::Network<#scalar, #inputs, #outputs>);
    let inputs_value = net.layers[0].width(quote!(INPUTS), false);
    let outputs_value = net.layers[net.layers.len() - 1].width(quote!(OUTPUTS), false);
    let summary: Vec<String> = net.layers.iter().map(|l| format!("`{}: {}`", l.name, l.written)).collect();
    let struct_doc = format!(" Layers (declared with `network!`): {}.", summary.join(", "));
    let fields = net.layers.iter().map(|l| {
        let (field, ty, attrs) = (l.name, &l.ty, l.attrs);
        let doc = if attrs.iter().any(|a| a.path().is_ident("doc")) {
            quote!()
        } else {
            let doc = format!(" Layer `{}`: `{}`.", l.name, l.written);
            quote!(#[doc = #doc])
        };
        quote!(#(#attrs)* #doc pub #field: #ty,)
    });
    let names: Vec<_> = net.layers.iter().map(|l| l.name).collect();
    let tys: Vec<_> = net.layers.iter().map(|l| &l.ty).collect();
    quote! {
        #(#attrs)*
        #[doc = ""]
        #[doc = #struct_doc]
        #[derive(Debug, PartialEq)]
        #vis struct #name #impl_generics {
            #(#fields)*
        }

        impl #impl_generics #name #ty_generics {
            /// Width of the input vector.
            pub const INPUTS: usize = #inputs_value;
            /// Width of the output vector.
            pub const OUTPUTS: usize = #outputs_value;
            /// Number of trainable scalars over all layers.
            pub const PARAMS: usize = <Self as ::constnet::Parameters<#scalar>>::PARAMS;

            /// Builds the network from its layers, in declaration order; usable in `const` and
            /// `static` items.
            #[allow(clippy::too_many_arguments)]
            pub const fn from_layers(#(#names: #tys),*) -> Self {
                Self { #(#names),* }
            }

            /// A network whose parameters are all zero ([`Parameters::zeroed`](::constnet::Parameters::zeroed)).
            pub fn zeroed() -> Self {
                <Self as ::constnet::Parameters<#scalar>>::zeroed()
            }

            /// A network initialised from `rng` with each layer's default scheme: He for ReLU
            /// layers, Glorot uniform for the rest ([`Network::random`](::constnet::Network::random)).
            pub fn random<R: ::constnet::rand::Rng + ?::core::marker::Sized>(rng: &mut R) -> Self {
                <Self as #network>::random(rng)
            }

            /// A network initialised from `rng` with an explicit scheme ([`Network::init`](::constnet::Network::init)).
            ///
            /// # Errors
            /// [`InitError`](::constnet::InitError) if the scheme's parameters are invalid.
            pub fn init<R: ::constnet::rand::Rng + ?::core::marker::Sized>(
                rng: &mut R,
                init: ::constnet::Init,
            ) -> ::core::result::Result<Self, ::constnet::InitError> {
                <Self as #network>::init(rng, init)
            }

            /// Inference: runs every layer in turn, on the stack ([`Network::forward`](::constnet::Network::forward)).
            #[inline]
            pub fn forward(&self, x: &[#scalar; #inputs_value]) -> [#scalar; #outputs_value] {
                <Self as #network>::forward(self, x)
            }

            /// Inference on many samples, vectorised across samples
            /// ([`Network::forward_batch`](::constnet::Network::forward_batch)).
            ///
            /// # Panics
            /// If `inputs` and `outputs` differ in length.
            #[inline]
            pub fn forward_batch(&self, inputs: &[[#scalar; #inputs_value]], outputs: &mut [[#scalar; #outputs_value]]) {
                <Self as #network>::forward_batch(self, inputs, outputs)
            }
        }
    }
}

/// Compile-time checks at each layer's declaration: widths above zero, valid parameters, and each
/// layer taking what the one before gives. They read the widths through `LayerShape` with a
/// concrete scalar, so they are free `const` items even in a generic network.
fn checks(net: &Network<'_>) -> TokenStream {
    let probe_net = match net.generic {
        Some(_) => {
            let name = net.name;
            quote!(#name<f32>)
        }
        None => {
            let name = net.name;
            quote!(#name)
        }
    };
    let attrs = net.attrs.iter().filter(|a| a.path().is_ident("allow"));
    let mut out = quote_spanned!(net.name.span()=>
        #(#attrs)*
        const _: () = ::constnet::__private::SizeCheck::<{
            ::core::mem::size_of::<#probe_net>() > ::constnet::__private::LARGE_NETWORK_BYTES
        }>::check();
    );
    for (k, layer) in net.layers.iter().enumerate() {
        let (name, probe) = (layer.name.to_string(), &layer.probe);
        let (inputs, outputs) = (layer.width(quote!(INPUTS), false), layer.width(quote!(OUTPUTS), false));
        out.extend(quote_spanned!(layer.span=>
            const _: () = ::constnet::__private::check_layer(
                #name, #inputs, #outputs, <#probe as ::constnet::layer::LayerShape>::INVALID,
            );
        ));
        if k > 0 {
            let before = &net.layers[k - 1];
            let prev = before.name.to_string();
            let given = before.width(quote!(OUTPUTS), false);
            let (takes, gives) =
                (layer.width(quote!(INPUT_CHANNELS), false), before.width(quote!(OUTPUT_CHANNELS), false));
            let prev_probe = &before.probe;
            out.extend(quote_spanned!(layer.span=>
                const _: () = ::constnet::__private::check_link(
                    #name, #inputs, #takes, #prev, #given, #gives,
                    <#prev_probe as ::constnet::layer::LayerShape>::INVALID.is_some(),
                );
            ));
        }
    }
    out
}

/// `LayerAt<T, K>` for every layer (how the library reaches layer `K`), and `LayerIs` (the last
/// layer: `OutputLayerIs`), whose impl is the check that the type is a layer of the widths it
/// declares: spanned at the declaration, so "not a layer" is one error there.
fn layer_access(net: &Network<'_>) -> TokenStream {
    let (name, scalar) = (net.name, &net.scalar);
    let (impl_generics, ty_generics) = (net.impl_generics(), net.ty_generics());
    let last = net.layers.len() - 1;
    let impls = net.layers.iter().enumerate().map(|(k, layer)| {
        let (field, ty, text) = (layer.name, &layer.ty, layer.name.to_string());
        let layer_type = quote_spanned!(layer.span=> type Layer = #ty;);
        let (inputs, outputs) = (net.inputs(k), net.outputs(k));
        let is = syn::Ident::new(if k == last { "OutputLayerIs" } else { "LayerIs" }, layer.span);
        let net_name = syn::Ident::new(&name.to_string(), layer.span);
        let check = quote_spanned!(layer.span=>
            impl #impl_generics ::constnet::network::#is<#scalar, #k, #inputs, #outputs> for #net_name #ty_generics {}
        );
        quote! {
            #check

            impl #impl_generics ::constnet::network::LayerAt<#scalar, #k> for #name #ty_generics {
                #layer_type
                const NAME: &'static str = #text;
                #[inline(always)]
                fn layer(&self) -> &Self::Layer {
                    &self.#field
                }
                #[inline(always)]
                fn layer_mut(&mut self) -> &mut Self::Layer {
                    &mut self.#field
                }
            }
        }
    });
    quote!(#(#impls)*)
}

/// `Sequential`: the layers as a chain type, `(Link<0, …>, (Link<1, …>, Last<2, …>))`, and
/// `Signature`: the scalar and widths as one type, for code generic over networks. Each link
/// is fed what the layer before gives, so the type is well-formed even when widths disagree (the
/// checks above report that, once).
fn sequential(net: &Network<'_>) -> TokenStream {
    let (name, sequential) = (net.name, net.sequential());
    let (impl_generics, ty_generics) = (net.impl_generics(), net.ty_generics());
    let last = net.layers.len() - 1;
    let fed = |k: usize| if k == 0 { net.inputs(0) } else { net.outputs(k - 1) };
    let mut chain = {
        let (from, inputs, outputs) = (fed(last), net.inputs(last), net.outputs(last));
        quote_spanned!(net.layers[last].span=> ::constnet::network::Last<#last, #from, #inputs, #outputs>)
    };
    for k in (0..last).rev() {
        let (from, inputs, outputs) = (fed(k), net.inputs(k), net.outputs(k));
        chain = quote!((::constnet::network::Link<#k, #from, #inputs, #outputs>, #chain));
    }
    let (scalar, inputs, outputs) = (&net.scalar, net.network_inputs(), net.network_outputs());
    quote! {
        impl #impl_generics #sequential for #name #ty_generics {
            type Layers = #chain;
        }

        impl #impl_generics ::constnet::network::Signature for #name #ty_generics {
            type Io = ::constnet::network::Io<#scalar, #inputs, #outputs>;
        }
    }
}

/// `Parameters`: the layers' tensors in order, through the chain.
fn parameters(net: &Network<'_>) -> TokenStream {
    let (name, scalar) = (net.name, &net.scalar);
    let (impl_generics, ty_generics) = (net.impl_generics(), net.ty_generics());
    let (chain, chain_trait) = (net.chain(), net.chain_trait());
    let fields = net.layers.iter().map(|l| {
        let (field, at) = (l.name, l.at(scalar));
        quote!(#field: <#at as ::constnet::Parameters<#scalar>>::zeroed())
    });
    quote! {
        impl #impl_generics ::constnet::Parameters<#scalar> for #name #ty_generics {
            const PARAMS: usize = <#chain as #chain_trait>::PARAMS;
            const TENSORS: usize = <#chain as #chain_trait>::TENSORS;

            fn zeroed() -> Self {
                Self { #(#fields,)* }
            }
            #[inline]
            fn tensor(&self, index: usize) -> &[#scalar] {
                <#chain as #chain_trait>::tensor(self, index)
            }
            #[inline]
            fn tensor_mut(&mut self, index: usize) -> &mut [#scalar] {
                <#chain as #chain_trait>::tensor_mut(self, index)
            }
            fn tensor_info(index: usize) -> ::constnet::TensorInfo {
                <#chain as #chain_trait>::tensor_info(index)
            }
            #[inline]
            fn for_each_tensor<F: ::core::ops::FnMut(&[#scalar])>(&self, mut f: F) {
                <#chain as #chain_trait>::for_each_tensor(self, &mut f)
            }
            #[inline]
            fn for_each_tensor_mut<F: ::core::ops::FnMut(&mut [#scalar])>(&mut self, mut f: F) {
                <#chain as #chain_trait>::for_each_tensor_mut(self, &mut f)
            }
        }
    }
}

/// `Model`: the model byte format.
fn model(net: &Network<'_>) -> TokenStream {
    let (name, scalar, sequential) = (net.name, &net.scalar, net.sequential());
    let (impl_generics, ty_generics) = (net.impl_generics(), net.ty_generics());
    quote! {
        impl #impl_generics ::constnet::io::Model<#scalar> for #name #ty_generics {
            const FINGERPRINT: u64 = <Self as #sequential>::FINGERPRINT;
        }
    }
}

/// `ConstDecode`: the network decoded at compile time by `include_model!`, each layer from the
/// bytes after the layers before it. Generic over the bytes, so a network whose layers cannot be
/// decoded in `const` context (boxed weights) only fails where someone tries.
fn const_decode(net: &Network<'_>) -> TokenStream {
    let (name, scalar) = (net.name, &net.scalar);
    let ty_generics = net.ty_generics();
    let generic = net.generic.map(|t| quote!(#t: ::constnet::Scalar,));
    let mut at = quote!(::constnet::io::Payload<__B>);
    let (mut bounds, mut fields) = (Vec::new(), Vec::new());
    for layer in &net.layers {
        let (field, ty) = (layer.name, layer.at(scalar));
        bounds.push(quote!(#ty: ::constnet::io::ConstDecode<#at>));
        fields.push(quote!(#field: <#ty as ::constnet::io::ConstDecode<#at>>::DECODED));
        let k = layer.index;
        at = quote!(::constnet::io::AfterLayer<#at, Self, #scalar, #k>);
    }
    quote! {
        impl<#generic __B: ::constnet::io::ModelBytes> ::constnet::io::ConstDecode<__B> for #name #ty_generics
        where
            #(#bounds,)*
        {
            const CHECK: ::core::result::Result<(), ::constnet::io::LoadError> =
                ::constnet::io::check_model_bytes::<#scalar, Self>(<__B as ::constnet::io::ModelBytes>::BYTES);
            const DECODED: Self = Self { #(#fields,)* };
        }
    }
}

/// `Clone` (field by field, so that `clone_from` reuses boxed storage) and `Default` (all zeros).
fn common_traits(net: &Network<'_>) -> TokenStream {
    let (name, scalar) = (net.name, &net.scalar);
    let (impl_generics, ty_generics) = (net.impl_generics(), net.ty_generics());
    let names: Vec<_> = net.layers.iter().map(|l| l.name).collect();
    quote! {
        impl #impl_generics ::core::clone::Clone for #name #ty_generics {
            fn clone(&self) -> Self {
                Self { #(#names: ::core::clone::Clone::clone(&self.#names),)* }
            }
            fn clone_from(&mut self, source: &Self) {
                #(::core::clone::Clone::clone_from(&mut self.#names, &source.#names);)*
            }
        }

        impl #impl_generics ::core::default::Default for #name #ty_generics {
            /// The all-zero network.
            fn default() -> Self {
                <Self as ::constnet::Parameters<#scalar>>::zeroed()
            }
        }
    }
}
