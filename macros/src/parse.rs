//! Tokens → syntax tree. Nothing is judged here beyond what the grammar requires.

use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Error, Ident, Result, Token, Type, Visibility};

/// `#[attrs] vis struct Name<Scalar> { layer: path::Kind<args>, … }`
pub struct NetworkDef {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub name: Ident,
    /// The type between the angle brackets, as written.
    pub scalar: Type,
    pub layers: Vec<LayerDef>,
}

/// `#[attrs] name: path::Kind<args>`
pub struct LayerDef {
    pub attrs: Vec<Attribute>,
    pub name: Ident,
    /// The layer's type as written (without the scalar).
    pub ty: Type,
}

impl Parse for NetworkDef {
    fn parse(input: ParseStream) -> Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        input.parse::<Token![struct]>()?;
        let name: Ident = input.parse()?;
        if !input.peek(Token![<]) {
            return Err(Error::new(
                name.span(),
                format!(
                    "missing scalar type: write `struct {name}<f32> {{ … }}`, or `<T>` for a network generic over its scalar"
                ),
            ));
        }
        input.parse::<Token![<]>()?;
        let scalar: Type = input.parse()?;
        if input.peek(Token![:]) {
            // `<T: Scalar>`: the bound is implied, so it is accepted and not repeated.
            input.parse::<Token![:]>()?;
            Punctuated::<syn::TypeParamBound, Token![+]>::parse_separated_nonempty(input)?;
        }
        input.parse::<Token![>]>()?;
        let content;
        syn::braced!(content in input);
        let layers = content.parse_terminated(LayerDef::parse, Token![,])?.into_iter().collect();
        if !input.is_empty() {
            return Err(input.error("unexpected tokens after the network's closing brace"));
        }
        Ok(NetworkDef { attrs, vis, name, scalar, layers })
    }
}

impl Parse for LayerDef {
    fn parse(input: ParseStream) -> Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        if !matches!(vis, Visibility::Inherited) {
            return Err(Error::new(vis.span(), "layers are always public fields: remove the visibility"));
        }
        let name: Ident = input.parse()?;
        input.parse::<Token![:]>()?;
        let ty: Type = input.parse()?;
        Ok(LayerDef { attrs, name, ty })
    }
}
