//! What the macro itself can judge: grammar and names. Every problem becomes a `syn::Error` at
//! the user's span, and all of them are reported together. Widths, kinds of layer and
//! activations are the compiler's business (see `expand::checks`).

use crate::parse::{LayerDef, NetworkDef};
use proc_macro2::Span;
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{Error, Expr, ExprLit, GenericArgument, Lit, PathArguments, Type};

/// Primitive types that cannot be a network's scalar, so `<u8>` gets a clear message.
const NOT_SCALARS: &[&str] =
    &["i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize", "bool", "char", "str"];

/// Collects errors so that all of them are reported at once.
#[derive(Default)]
struct Errors(Option<Error>);

impl Errors {
    fn push(&mut self, span: Span, message: impl core::fmt::Display) {
        let err = Error::new(span, message);
        match &mut self.0 {
            Some(all) => all.combine(err),
            None => self.0 = Some(err),
        }
    }
}

pub fn validate(def: &NetworkDef) -> Result<(), Error> {
    let mut errors = Errors::default();
    let scalar = def.scalar.to_token_stream().to_string();
    if NOT_SCALARS.contains(&scalar.as_str()) {
        errors.push(
            def.scalar.span(),
            format_args!(
                "unsupported scalar type `{scalar}`: networks compute in `f32`, `f64` or a type implementing `constnet::Scalar`"
            ),
        );
    }
    if let Some(lower) = ["f32", "f64"].into_iter().find(|f| f.eq_ignore_ascii_case(&scalar) && **f != scalar) {
        errors.push(def.scalar.span(), format_args!("unknown scalar type `{scalar}`: did you mean `{lower}`?"));
    }
    if def.layers.is_empty() {
        errors.push(
            def.name.span(),
            format_args!(
                "empty network: `{}` has no layers; declare at least one, e.g. `output: Dense<2, 1, Sigmoid>`",
                def.name
            ),
        );
    }
    for (i, layer) in def.layers.iter().enumerate() {
        if def.layers[..i].iter().any(|l| l.name == layer.name) {
            errors.push(layer.name.span(), format_args!("duplicate layer name `{}`", layer.name));
        }
        layer_type(layer, &mut errors);
    }
    match errors.0 {
        Some(err) => Err(err),
        None => Ok(()),
    }
}

/// A layer is a path to a type, with angle-bracketed arguments or none, so that the scalar can be
/// inserted as its first argument. Integer literals among the arguments must fit in 64 bits: in
/// generated code the compiler's own overflow lint is silent, and the value would wrap.
fn layer_type(layer: &LayerDef, errors: &mut Errors) {
    let ok = match &layer.ty {
        Type::Path(p) if p.qself.is_none() => {
            if let Some(PathArguments::AngleBracketed(args)) = p.path.segments.last().map(|last| &last.arguments) {
                for arg in &args.args {
                    if let GenericArgument::Const(Expr::Lit(ExprLit { lit: Lit::Int(int), .. })) = arg
                        && int.base10_parse::<u64>().is_err()
                    {
                        errors.push(int.span(), format_args!("`{int}` is too large: a width must fit in 64 bits"));
                    }
                }
            }
            p.path.segments.last().is_some_and(|last| !matches!(last.arguments, PathArguments::Parenthesized(_)))
        }
        _ => false,
    };
    if !ok {
        errors.push(
            layer.ty.span(),
            format_args!(
                "`{}` must be a layer type written as a path, such as `Dense<2, 4, Relu>` or `my::Layer<4>`",
                layer.name
            ),
        );
    }
}
