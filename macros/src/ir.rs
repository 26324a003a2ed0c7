//! The checked network as every expander reads it: names, the scalar, and each layer's type with
//! the scalar inserted. Built once from the syntax tree (after `validate`), never re-parsed.

use crate::parse::{LayerDef, NetworkDef};
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Attribute, Expr, GenericArgument, Ident, Lit, PathArguments, Type, Visibility};

pub struct Network<'a> {
    pub attrs: &'a [Attribute],
    pub vis: &'a Visibility,
    pub name: &'a Ident,
    /// The scalar as used inside the impls: `f32` or `T`.
    pub scalar: TokenStream,
    /// `T` when the network is generic over its scalar.
    pub generic: Option<&'a Ident>,
    pub layers: Vec<Layer<'a>>,
}

pub struct Layer<'a> {
    pub attrs: &'a [Attribute],
    pub name: &'a Ident,
    /// The type as the user wrote it, for documentation.
    pub written: String,
    /// The written type's span: every error about the layer points here.
    pub span: Span,
    /// The layer's type with the network's scalar inserted: the field's type.
    pub ty: TokenStream,
    /// Index of the layer, from 0.
    pub index: usize,
    /// `<Net as LayerAt<f32, K>>::Layer` with a concrete scalar (`Net<f32>` for a network generic
    /// over its scalar), so that the widths can be read in `const` items and array lengths, where
    /// a generic scalar may not appear. The user's tokens appear only in the field and in
    /// `LayerAt`, so a name that does not resolve is reported there and nowhere else.
    pub probe: TokenStream,
}

impl<'a> Network<'a> {
    pub fn lower(def: &'a NetworkDef) -> Self {
        let generic = generic_scalar(&def.scalar);
        let scalar = def.scalar.to_token_stream();
        let name = &def.name;
        let (probe_net, probe_scalar) =
            if generic.is_some() { (quote!(#name<f32>), quote!(f32)) } else { (quote!(#name), scalar.clone()) };
        let layers = def
            .layers
            .iter()
            .enumerate()
            .map(|(index, l)| Layer::lower(l, index, &scalar, &probe_net, &probe_scalar))
            .collect();
        Network { attrs: &def.attrs, vis: &def.vis, name: &def.name, scalar, generic, layers }
    }

    /// `<T: ::constnet::Scalar>` or nothing.
    pub fn impl_generics(&self) -> TokenStream {
        match self.generic {
            Some(t) => quote!(<#t: ::constnet::Scalar>),
            None => quote!(),
        }
    }

    /// `<T>` or nothing.
    pub fn ty_generics(&self) -> TokenStream {
        match self.generic {
            Some(t) => quote!(<#t>),
            None => quote!(),
        }
    }

    /// The width layer `k` takes, as a const argument.
    pub fn inputs(&self, k: usize) -> TokenStream {
        self.layers[k].width(quote!(INPUTS), true)
    }

    /// The width layer `k` gives, as a const argument.
    pub fn outputs(&self, k: usize) -> TokenStream {
        self.layers[k].width(quote!(OUTPUTS), true)
    }

    /// The network's input width.
    pub fn network_inputs(&self) -> TokenStream {
        self.inputs(0)
    }

    /// The network's output width.
    pub fn network_outputs(&self) -> TokenStream {
        self.outputs(self.layers.len() - 1)
    }

    /// `::constnet::network::Sequential<T, IN, OUT>`.
    pub fn sequential(&self) -> TokenStream {
        let (scalar, inputs, outputs) = (&self.scalar, self.network_inputs(), self.network_outputs());
        quote!(::constnet::network::Sequential<#scalar, #inputs, #outputs>)
    }

    /// `<Self as Sequential<…>>::Layers`.
    pub fn chain(&self) -> TokenStream {
        let sequential = self.sequential();
        quote!(<Self as #sequential>::Layers)
    }

    /// `::constnet::network::Chain<Self, T, IN, OUT>`.
    pub fn chain_trait(&self) -> TokenStream {
        let (scalar, inputs, outputs) = (&self.scalar, self.network_inputs(), self.network_outputs());
        quote!(::constnet::network::Chain<Self, #scalar, #inputs, #outputs>)
    }
}

impl<'a> Layer<'a> {
    fn lower(
        def: &'a LayerDef,
        index: usize,
        scalar: &TokenStream,
        probe_net: &TokenStream,
        probe_scalar: &TokenStream,
    ) -> Self {
        let span = def.ty.span();
        Layer {
            attrs: &def.attrs,
            name: &def.name,
            written: def.ty.to_token_stream().to_string().replace(" <", "<").replace("< ", "<").replace(" >", ">"),
            span,
            ty: with_scalar(&def.ty, scalar, span),
            index,
            probe: quote_spanned!(span=> <#probe_net as ::constnet::network::LayerAt<#probe_scalar, #index>>::Layer),
        }
    }

    /// `<Self as LayerAt<T, K>>::Layer`: the layer's type without repeating the user's tokens.
    pub fn at(&self, scalar: &TokenStream) -> TokenStream {
        let index = self.index;
        quote_spanned!(self.span=> <Self as ::constnet::network::LayerAt<#scalar, #index>>::Layer)
    }

    /// `<Layer<probe, …> as LayerShape>::WHICH`, spanned at the declaration; `braced` for a
    /// const generic argument.
    pub fn width(&self, which: TokenStream, braced: bool) -> TokenStream {
        let probe = &self.probe;
        let width = quote_spanned!(self.span=> <#probe as ::constnet::layer::LayerShape>::#which);
        if braced { quote_spanned!(self.span=> { #width }) } else { width }
    }
}

/// A single capital letter (`T`, `S`) is a generic scalar parameter; anything else is a type.
pub fn generic_scalar(scalar: &Type) -> Option<&Ident> {
    match scalar {
        Type::Path(p) if p.qself.is_none() => {
            let ident = p.path.get_ident()?;
            let name = ident.to_string();
            (name.len() == 1 && name.chars().all(|c| c.is_ascii_uppercase())).then_some(ident)
        }
        _ => None,
    }
}

/// The layer's type with `scalar` as the first generic argument of its last path segment,
/// decimal literals as `f32` bits and `SCREAMING_CASE` paths braced as constants. Everything is
/// spanned at the declaration, so the compiler's errors point there.
fn with_scalar(ty: &Type, scalar: &TokenStream, span: Span) -> TokenStream {
    let Type::Path(path) = ty else { return ty.to_token_stream() };
    let mut path = path.path.clone();
    let Some(last) = path.segments.last_mut() else { return ty.to_token_stream() };
    let mut args: Vec<TokenStream> = vec![quote_spanned!(span=> #scalar)];
    if let PathArguments::AngleBracketed(written) = &last.arguments {
        args.extend(written.args.iter().map(argument));
    }
    last.arguments = PathArguments::None;
    quote_spanned!(span=> #path<#(#args),*>)
}

fn argument(arg: &GenericArgument) -> TokenStream {
    match arg {
        GenericArgument::Const(Expr::Lit(lit)) => match &lit.lit {
            Lit::Float(value) => {
                let digits = syn::LitFloat::new(value.base10_digits(), value.span());
                quote_spanned!(value.span()=> { ::constnet::layer::decimal(#digits) })
            }
            _ => arg.to_token_stream(),
        },
        GenericArgument::Type(Type::Path(p)) if p.qself.is_none() && is_constant(&p.path) => {
            let path = &p.path;
            quote_spanned!(path.span()=> { #path })
        }
        other => other.to_token_stream(),
    }
}

/// `HIDDEN`, `sizes::HIDDEN`: by Rust's naming convention a constant, not a type.
fn is_constant(path: &syn::Path) -> bool {
    path.segments.last().is_some_and(|last| {
        let name = last.ident.to_string();
        matches!(last.arguments, PathArguments::None)
            && name.chars().any(|c| c.is_ascii_uppercase())
            && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            && name.len() > 1
    })
}
