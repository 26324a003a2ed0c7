//! Syntax tree → checked network. Every problem becomes a `syn::Error` at the user's span, and
//! all of them are reported together.

use crate::activations::{self, KNOWN};
use crate::parse::{Arg, LayerDef, NetworkDef, PRIMITIVES, ScalarDef};
use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{Error, Ident, LitInt};

/// Layer kinds `network!` accepts, with the argument list each expects.
const LAYER_KINDS: &[(&str, &str)] = &[
    ("Dense", "<INPUTS, OUTPUTS, Activation>"),
    ("HeapDense", "<INPUTS, OUTPUTS, Activation>"),
    ("Dropout", "<WIDTH, RATE>"),
];

/// A network that passed validation.
pub struct ValidNetwork<'a> {
    pub def: &'a NetworkDef,
    pub layers: Vec<ValidLayer<'a>>,
}

pub struct ValidLayer<'a> {
    pub def: &'a LayerDef,
    pub kind: LayerKind,
}

pub enum LayerKind {
    Dense {
        inputs: Dim,
        outputs: Dim,
        activation: ActivationRef,
    },
    /// `rate_ppm` is the rate in parts per million, the unit of `Dropout`'s const parameter.
    Dropout {
        width: Dim,
        rate_ppm: u32,
    },
}

impl LayerKind {
    pub fn inputs(&self) -> &Dim {
        match self {
            LayerKind::Dense { inputs, .. } => inputs,
            LayerKind::Dropout { width, .. } => width,
        }
    }
    pub fn outputs(&self) -> &Dim {
        match self {
            LayerKind::Dense { outputs, .. } => outputs,
            LayerKind::Dropout { width, .. } => width,
        }
    }
}

/// A layer width: a literal the macro can check, or a constant expression only the compiler
/// can evaluate (checked by a generated `const` assertion).
pub enum Dim {
    Literal { value: u128, lit: LitInt },
    Const { tokens: TokenStream, span: Span, text: String },
}

impl Dim {
    pub fn tokens(&self) -> TokenStream {
        match self {
            // Re-emitted unsuffixed so that `4usize` and `4` mean the same.
            Dim::Literal { value, lit } => LitInt::new(&value.to_string(), lit.span()).to_token_stream(),
            Dim::Const { tokens, .. } => tokens.clone(),
        }
    }
    pub fn span(&self) -> Span {
        match self {
            Dim::Literal { lit, .. } => lit.span(),
            Dim::Const { span, .. } => *span,
        }
    }
    pub fn text(&self) -> String {
        match self {
            Dim::Literal { value, .. } => value.to_string(),
            Dim::Const { text, .. } => text.clone(),
        }
    }
    pub fn literal(&self) -> Option<u128> {
        match self {
            Dim::Literal { value, .. } => Some(*value),
            Dim::Const { .. } => None,
        }
    }
}

/// A width slot holding a primitive type or an activation name is a slip, not a constant.
fn names_a_type(path: &syn::Path) -> bool {
    path.get_ident().is_some_and(|ident| {
        let name = ident.to_string();
        PRIMITIVES.contains(&name.as_str()) || KNOWN.contains(&name.as_str())
    })
}

/// An activation named in a layer.
pub enum ActivationRef {
    /// One of constnet's own, written by bare name.
    Known(Ident),
    /// A user type written as a path (`my::Swish`).
    Custom(syn::Path),
}

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

pub fn validate(def: &NetworkDef) -> Result<ValidNetwork<'_>, Error> {
    let mut errors = Errors::default();
    if let ScalarDef::Concrete(ty) = &def.scalar {
        let text = ty.to_token_stream().to_string();
        if PRIMITIVES.contains(&text.as_str()) && text != "f32" && text != "f64" {
            errors
                .push(ty.span(), format_args!("unsupported scalar type `{text}`: networks compute in `f32` or `f64`"));
        }
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
        if layer.name == "network_input" {
            errors.push(layer.name.span(), "`network_input` is reserved for the training tape; rename the layer");
        }
        if def.layers[..i].iter().any(|l| l.name == layer.name) {
            errors.push(layer.name.span(), format_args!("duplicate layer name `{}`", layer.name));
        }
    }
    let layers: Vec<ValidLayer<'_>> = def.layers.iter().filter_map(|l| layer(l, &mut errors)).collect();
    if let (Some(last), Some(def_last)) = (layers.last(), def.layers.last())
        && !matches!(last.kind, LayerKind::Dense { .. })
        && core::ptr::eq(last.def, def_last)
    {
        errors.push(
            last.def.name.span(),
            format_args!(
                "the output layer must be `Dense`, but `{}` is `Dropout`; add a `Dense` layer after it",
                last.def.name
            ),
        );
    }
    if layers.len() == def.layers.len() {
        check_chain(&layers, &mut errors);
    }
    match errors.0 {
        Some(err) => Err(err),
        None => Ok(ValidNetwork { def, layers }),
    }
}

fn layer<'a>(def: &'a LayerDef, errors: &mut Errors) -> Option<ValidLayer<'a>> {
    let Some(kind) = &def.kind else {
        errors.push(def.ty.span(), format_args!("`{}` must be a layer such as `Dense<2, 4, Relu>`", def.name));
        return None;
    };
    match kind.to_string().as_str() {
        // `HeapDense` is `Dense` with boxed weights; `expand` picks the type by the name.
        "Dense" | "HeapDense" => dense(def, kind, errors),
        "Dropout" => dropout(def, kind, errors),
        other => {
            let names: Vec<&str> = LAYER_KINDS.iter().map(|(k, _)| *k).collect();
            let hint =
                activations::suggest(other, &names).map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
            errors.push(
                kind.span(),
                format_args!("unknown layer kind `{other}`{hint}; known layer kinds: {}", names.join(", ")),
            );
            None
        }
    }
}

fn dense<'a>(def: &'a LayerDef, kind: &Ident, errors: &mut Errors) -> Option<ValidLayer<'a>> {
    let [inputs, outputs, activation] = def.args.as_slice() else {
        errors.push(
            def.ty.span(),
            format_args!(
                "`{kind}` takes `<INPUTS, OUTPUTS, Activation>`, found {} argument{}",
                def.args.len(),
                if def.args.len() == 1 { "" } else { "s" }
            ),
        );
        return None;
    };
    let inputs = dim(def, inputs, "inputs", errors);
    let outputs = dim(def, outputs, "outputs", errors);
    let activation = activation_ref(activation, errors);
    Some(ValidLayer { def, kind: LayerKind::Dense { inputs: inputs?, outputs: outputs?, activation: activation? } })
}

fn dropout<'a>(def: &'a LayerDef, kind: &Ident, errors: &mut Errors) -> Option<ValidLayer<'a>> {
    let [width, rate] = def.args.as_slice() else {
        errors.push(
            def.ty.span(),
            format_args!(
                "`{kind}` takes `<WIDTH, RATE>`, e.g. `Dropout<128, 0.2>`, found {} argument{}",
                def.args.len(),
                if def.args.len() == 1 { "" } else { "s" }
            ),
        );
        return None;
    };
    let width = dim(def, width, "values", errors);
    let rate_ppm = match rate {
        Arg::Float(lit) => match lit.base10_parse::<f64>() {
            Ok(r) if (0.0..1.0).contains(&r) => Some((r * 1_000_000.0).round() as u32),
            _ => {
                errors.push(lit.span(), format_args!("dropout rate must be at least 0 and below 1, found {lit}"));
                None
            }
        },
        Arg::Int(lit) if lit.base10_digits() == "0" => Some(0),
        other => {
            errors.push(other.span(), format_args!("expected a dropout rate such as `0.2`, found `{}`", other.text()));
            None
        }
    };
    Some(ValidLayer { def, kind: LayerKind::Dropout { width: width?, rate_ppm: rate_ppm? } })
}

fn dim(layer: &LayerDef, arg: &Arg, what: &str, errors: &mut Errors) -> Option<Dim> {
    match arg {
        Arg::Int(lit) => match lit.base10_parse::<u128>() {
            Ok(0) => {
                errors.push(lit.span(), format_args!("zero-width layer: `{}` has 0 {what}", layer.name));
                None
            }
            Ok(value) => Some(Dim::Literal { value, lit: lit.clone() }),
            Err(err) => {
                errors.push(lit.span(), err);
                None
            }
        },
        Arg::Path(path) if names_a_type(path) => {
            errors.push(
                arg.span(),
                format_args!(
                    "expected the number of {what} (an integer literal or a `const` item), found the type `{}`",
                    arg.text()
                ),
            );
            None
        }
        // Braced, because a multi-segment path is only accepted as a const argument inside `{ }`.
        Arg::Path(path) => Some(Dim::Const { tokens: quote::quote!({ #path }), span: arg.span(), text: arg.text() }),
        Arg::Block(expr) => Some(Dim::Const { tokens: expr.to_token_stream(), span: arg.span(), text: arg.text() }),
        Arg::Other(_) | Arg::Float(_) => {
            errors.push(
                arg.span(),
                format_args!(
                    "expected the number of {what} (an integer literal, a `const` item or a `{{ … }}` block), found `{}`",
                    arg.text()
                ),
            );
            None
        }
    }
}

fn activation_ref(arg: &Arg, errors: &mut Errors) -> Option<ActivationRef> {
    match arg {
        Arg::Path(path) => match path.get_ident() {
            Some(ident) if KNOWN.contains(&ident.to_string().as_str()) => Some(ActivationRef::Known(ident.clone())),
            Some(ident) => {
                let hint = activations::suggest(&ident.to_string(), KNOWN)
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                errors.push(
                    ident.span(),
                    format_args!(
                        "unknown activation `{ident}`{hint}; known activations: {} (or a path to your own, e.g. `crate::Swish`)",
                        KNOWN.join(", ")
                    ),
                );
                None
            }
            None => Some(ActivationRef::Custom(path.clone())),
        },
        _ => {
            errors.push(
                arg.span(),
                format_args!("expected an activation such as `Relu` or `Sigmoid`, found `{}`", arg.text()),
            );
            None
        }
    }
}

/// Adjacent literal widths must agree; widths from constants are left to `const` assertions.
fn check_chain(layers: &[ValidLayer<'_>], errors: &mut Errors) {
    for pair in layers.windows(2) {
        let (prev, next) = (&pair[0], &pair[1]);
        let (out, inp) = (prev.kind.outputs(), next.kind.inputs());
        if let (Some(o), Some(i)) = (out.literal(), inp.literal())
            && o != i
        {
            errors.push(inp.span(), shape_mismatch(next, prev));
        }
    }
}

/// The one message for a width mismatch, shared by the macro check and the `const` assertion.
pub fn shape_mismatch(next: &ValidLayer<'_>, prev: &ValidLayer<'_>) -> String {
    format!(
        "shape mismatch: `{}` takes {} inputs but `{}` outputs {}",
        next.def.name,
        next.kind.inputs().text(),
        prev.def.name,
        prev.kind.outputs().text()
    )
}
