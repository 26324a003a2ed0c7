//! Tokens → syntax tree. Nothing is judged here beyond what the grammar requires.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{
    Attribute, Error, Expr, GenericArgument, Ident, Lit, LitInt, PathArguments, Result, Token, Type, Visibility,
};

/// `#[attrs] vis struct Name<Scalar> { layer: Kind<args>, … }`
pub struct NetworkDef {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub name: Ident,
    pub scalar: ScalarDef,
    pub layers: Vec<LayerDef>,
}

/// The scalar between the angle brackets.
pub enum ScalarDef {
    /// `f32`, `f64` or any path: the struct is not generic.
    Concrete(Type),
    /// A single identifier such as `T`: the struct is generic over its scalar.
    Generic(Ident),
}

/// `#[attrs] name: Kind<args>`
pub struct LayerDef {
    pub attrs: Vec<Attribute>,
    pub name: Ident,
    /// The whole written type, for error spans.
    pub ty: Type,
    /// Last path segment of the type, e.g. `Dense`.
    pub kind: Option<Ident>,
    /// The angle-bracketed arguments of the last segment.
    pub args: Vec<Arg>,
}

/// One argument of a layer kind.
pub enum Arg {
    /// An integer literal: a width known to the macro.
    Int(LitInt),
    /// A float literal: a rate such as dropout's.
    Float(syn::LitFloat),
    /// A path: a `const` item (as a width) or a type (as an activation).
    Path(syn::Path),
    /// A braced constant expression `{ N * 2 }`.
    Block(Expr),
    /// Anything else; kept for its span and text.
    Other(TokenStream),
}

impl Arg {
    pub fn span(&self) -> Span {
        match self {
            Arg::Int(lit) => lit.span(),
            Arg::Float(lit) => lit.span(),
            Arg::Path(path) => path.span(),
            Arg::Block(expr) => expr.span(),
            Arg::Other(tokens) => tokens.span(),
        }
    }

    pub fn text(&self) -> String {
        let tokens = match self {
            Arg::Int(lit) => lit.to_token_stream(),
            Arg::Float(lit) => lit.to_token_stream(),
            Arg::Path(path) => path.to_token_stream(),
            Arg::Block(expr) => expr.to_token_stream(),
            Arg::Other(tokens) => tokens.clone(),
        };
        tokens.to_string()
    }
}

/// Primitive names that are never a generic parameter, so `<u8>` is reported as a wrong scalar.
pub const PRIMITIVES: &[&str] = &[
    "f16", "f32", "f64", "f128", "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128",
    "usize", "bool", "char", "str",
];

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
        let scalar_ty: Type = input.parse()?;
        if input.peek(Token![:]) {
            // `<T: Scalar>`: the bound is implied, so it is accepted and not repeated.
            input.parse::<Token![:]>()?;
            Punctuated::<syn::TypeParamBound, Token![+]>::parse_separated_nonempty(input)?;
        }
        input.parse::<Token![>]>()?;
        let scalar = match &scalar_ty {
            Type::Path(p) if p.qself.is_none() && p.path.get_ident().is_some() => {
                let ident = p.path.segments[0].ident.clone();
                if PRIMITIVES.contains(&ident.to_string().as_str()) {
                    ScalarDef::Concrete(scalar_ty)
                } else {
                    ScalarDef::Generic(ident)
                }
            }
            _ => ScalarDef::Concrete(scalar_ty),
        };
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
        let (kind, args) = match &ty {
            Type::Path(p) if p.qself.is_none() => match p.path.segments.last() {
                Some(last) => {
                    let args = match &last.arguments {
                        PathArguments::AngleBracketed(a) => a.args.iter().map(arg).collect(),
                        _ => Vec::new(),
                    };
                    (Some(last.ident.clone()), args)
                }
                None => (None, Vec::new()),
            },
            _ => (None, Vec::new()),
        };
        Ok(LayerDef { attrs, name, ty, kind, args })
    }
}

fn arg(generic: &GenericArgument) -> Arg {
    match generic {
        GenericArgument::Const(Expr::Lit(e)) => match &e.lit {
            Lit::Int(lit) => Arg::Int(lit.clone()),
            Lit::Float(lit) => Arg::Float(lit.clone()),
            _ => Arg::Other(generic.to_token_stream()),
        },
        GenericArgument::Const(expr @ Expr::Block(_)) => Arg::Block(expr.clone()),
        GenericArgument::Type(Type::Path(p)) if p.qself.is_none() => Arg::Path(p.path.clone()),
        other => Arg::Other(other.to_token_stream()),
    }
}
