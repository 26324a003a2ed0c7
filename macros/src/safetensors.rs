//! `include_safetensors!(Net, "model.safetensors", options…)`: reads and parses the file while
//! compiling (with the `safetensors` crate), and hands the library a description of it — its
//! bytes through `include_bytes!` (so cargo rebuilds when the file changes) and a table of its
//! tensors. Matching the tensors against the network, the shape checks and the decoding are
//! `const` code in `constnet::io::safetensors`, which knows the network's type; this macro only
//! knows the file.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use std::path::{Path, PathBuf};
use syn::parse::{Parse, ParseStream};
use syn::{Error, Ident, LitStr, Result, Token, Type, braced};

/// The macro's input.
pub struct Input {
    network: Type,
    path: LitStr,
    naming: Naming,
    allow_extra: bool,
}

enum Naming {
    Auto,
    Fields,
    Sequential,
    Keras,
    Map(Vec<(LitStr, LitStr)>),
}

impl Parse for Input {
    fn parse(input: ParseStream) -> Result<Self> {
        let network: Type = input.parse()?;
        input.parse::<Token![,]>()?;
        let path: LitStr = input.parse()?;
        let (mut naming, mut allow_extra) = (None::<(Span, Naming)>, false);
        while input.parse::<Option<Token![,]>>()?.is_some() && !input.is_empty() {
            let key: Ident = input.parse()?;
            let option = match key.to_string().as_str() {
                "allow_extra" => {
                    allow_extra = true;
                    continue;
                }
                "naming" => {
                    input.parse::<Token![=]>()?;
                    let value: Ident = input.parse()?;
                    match value.to_string().as_str() {
                        "auto" => Naming::Auto,
                        "fields" => Naming::Fields,
                        "sequential" => Naming::Sequential,
                        "keras" => Naming::Keras,
                        other => {
                            return Err(Error::new(
                                value.span(),
                                format!("unknown naming `{other}`: expected `auto`, `fields`, `sequential` or `keras`"),
                            ));
                        }
                    }
                }
                "map" => {
                    input.parse::<Token![=]>()?;
                    let content;
                    braced!(content in input);
                    let mut pairs = Vec::new();
                    while !content.is_empty() {
                        let from: LitStr = content.parse()?;
                        content.parse::<Token![=>]>()?;
                        let to: LitStr = content.parse()?;
                        pairs.push((from, to));
                        if content.parse::<Option<Token![,]>>()?.is_none() {
                            break;
                        }
                    }
                    if !content.is_empty() {
                        return Err(
                            content.error("expected `\"constnet name\" => \"file name\"` pairs separated by commas")
                        );
                    }
                    Naming::Map(pairs)
                }
                other => {
                    return Err(Error::new(
                        key.span(),
                        format!("unknown option `{other}`: expected `naming = …`, `map = {{ … }}` or `allow_extra`"),
                    ));
                }
            };
            if naming.is_some() {
                return Err(Error::new(key.span(), "give the naming once: `naming = …` or `map = { … }`"));
            }
            naming = Some((key.span(), option));
        }
        if !input.is_empty() {
            return Err(input.error("expected `,` and an option: `naming = …`, `map = { … }` or `allow_extra`"));
        }
        Ok(Input { network, path, naming: naming.map_or(Naming::Auto, |(_, n)| n), allow_extra })
    }
}

/// Where the file is: relative to the file containing the call (like `include_bytes!`), or to
/// the crate's manifest directory when the compiler does not say which file that is.
fn resolve(path: &LitStr) -> PathBuf {
    let written = PathBuf::from(path.value());
    if written.is_absolute() {
        return written;
    }
    let base = proc_macro::Span::call_site()
        .local_file()
        .and_then(|file| file.parent().map(Path::to_path_buf))
        .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from))
        .unwrap_or_default();
    let joined = base.join(written);
    std::fs::canonicalize(&joined).unwrap_or(joined)
}

/// The library's name for an element type.
fn dtype(dtype: safetensors::Dtype) -> TokenStream {
    use safetensors::Dtype as D;
    let float = match dtype {
        D::F16 => Some(quote!(F16)),
        D::BF16 => Some(quote!(BF16)),
        D::F32 => Some(quote!(F32)),
        D::F64 => Some(quote!(F64)),
        _ => None,
    };
    match float {
        Some(variant) => quote!(::constnet::__private::safetensors::Dtype::#variant),
        None => {
            let name = dtype.to_string();
            quote!(::constnet::__private::safetensors::Dtype::Other(#name))
        }
    }
}

pub fn expand(input: &Input) -> Result<TokenStream> {
    let span = input.path.span();
    let path = resolve(&input.path);
    let bytes =
        std::fs::read(&path).map_err(|err| Error::new(span, format!("cannot read `{}`: {err}", path.display())))?;
    let (header, metadata) = safetensors::SafeTensors::read_metadata(&bytes)
        .map_err(|err| Error::new(span, format!("`{}` is not a valid safetensors file: {err}", input.path.value())))?;
    let start = 8 + header;
    let mut tensors: Vec<_> = metadata.tensors().into_iter().collect();
    tensors.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let entries = tensors.iter().map(|(name, info)| {
        let dtype = dtype(info.dtype);
        let shape = &info.shape;
        let (begin, end) = (start + info.data_offsets.0, start + info.data_offsets.1);
        quote!(::constnet::__private::safetensors::FileTensor::new(#name, #dtype, &[#(#shape),*], FILE, #begin, #end))
    });
    let naming = match &input.naming {
        Naming::Auto => quote!(Auto),
        Naming::Fields => quote!(Fields),
        Naming::Sequential => quote!(Sequential),
        Naming::Keras => quote!(Keras),
        Naming::Map(pairs) => {
            let pairs = pairs.iter().map(|(from, to)| quote!((#from, #to)));
            quote!(Map(&[#(#pairs),*]))
        }
    };
    let extra = input.allow_extra.then(|| quote!(.allow_extra()));
    let absolute = path.to_string_lossy().into_owned();
    let (network, written) = (&input.network, &input.path);
    let private = quote!(::constnet::__private::safetensors);
    let check = quote_spanned!(span=>
        const _: () = #private::check::<#network, _, __ConstnetSafetensors, _, _>();
    );
    Ok(quote! {{
        struct __ConstnetSafetensors;
        impl #private::SafetensorsFile for __ConstnetSafetensors {
            const PATH: &'static str = #written;
            const TENSORS: &'static [#private::FileTensor<'static>] = {
                const FILE: &[u8] = ::core::include_bytes!(#absolute);
                &[#(#entries),*]
            };
            const IMPORT: #private::Import<'static> =
                #private::Import::new().naming(#private::Naming::#naming) #extra;
        }
        #check
        #private::decode::<#network, _, __ConstnetSafetensors, _, _, {
            ::constnet::io::HEADER_BYTES + 8 * <#network>::PARAMS
        }>()
    }})
}
