//! The model byte format: round trips (random networks, f32 and f64, every decode path), the
//! layout pinned byte for byte, every error case, the memory-bill constants, and (with the `std`
//! feature) atomic file saving.

use crate::common::{Circles, rng};
use constnet::io::{BufferTooSmall, HEADER_BYTES, LoadError, Model, check_model_bytes};
use constnet::memory::{optimizer_state_bytes, trainer_bytes};
use constnet::optim::{Adam, Momentum, Sgd};
use constnet::prelude::*;
use constnet::rand::Rng;

network! {
    /// Same widths and parameter count as `Circles`, another activation in the first layer.
    pub struct CirclesTanh<f32> {
        hidden1: Dense<2, 4, Tanh>,
        hidden2: Dense<4, 6, Relu>,
        hidden3: Dense<6, 6, Relu>,
        hidden4: Dense<6, 4, Relu>,
        output:  Dense<4, 1, Sigmoid>,
    }
}

network! {
    /// Generic over its scalar.
    pub struct Audio<T> {
        first: Dense<8, 16, Tanh>,
        second: Dense<16, 16, Relu>,
        out: Dense<16, 1, Identity>,
    }
}

const HIDDEN: usize = 12;
network! {
    /// `f64`, dropout, softmax, widths from a constant.
    pub struct Digits<f64> {
        hidden: Dense<10, HIDDEN, LeakyRelu>,
        drop: Dropout<HIDDEN, 0.25>,
        classes: Dense<HIDDEN, 3, Softmax>,
    }
}

network! {
    /// The smallest network, for the pinned bytes.
    pub struct Tiny<f32> { only: Dense<2, 1, Sigmoid> }
}

/// Fills every parameter with arbitrary bits: NaNs with payloads, infinities, subnormals, −0.
fn scramble<T: Scalar, N: Parameters<T>>(net: &mut N, mut bits: impl FnMut() -> T) {
    for t in 0..N::TENSORS {
        for p in net.tensor_mut(t) {
            *p = bits();
        }
    }
}

/// `net → to_bytes → from_bytes` reproduces every bit, and re-encoding gives the same bytes.
fn round_trip<T: Scalar, N: Model<T> + core::fmt::Debug>(net: &N) -> Vec<u8> {
    let mut bytes = vec![0u8; N::BYTES];
    assert_eq!(net.to_bytes(&mut bytes), Ok(N::BYTES));
    let back = N::from_bytes(&bytes).unwrap();
    let mut again = vec![0u8; N::BYTES];
    back.to_bytes(&mut again).unwrap();
    assert_eq!(bytes, again, "re-encoding changed the bytes");
    for t in 0..N::TENSORS {
        let (a, b) = (net.tensor(t), back.tensor(t));
        let mut wa = vec![0u8; a.len() * T::BYTES];
        let mut wb = wa.clone();
        for (i, (&x, &y)) in a.iter().zip(b).enumerate() {
            x.write_le(&mut wa[i * T::BYTES..]);
            y.write_le(&mut wb[i * T::BYTES..]);
        }
        assert_eq!(wa, wb, "tensor {t} differs");
    }
    // A larger buffer is fine for writing; only the model's length is used.
    let mut bigger = vec![0xAAu8; N::BYTES + 7];
    assert_eq!(net.to_bytes(&mut bigger), Ok(N::BYTES));
    assert_eq!(&bigger[..N::BYTES], &bytes[..]);
    assert!(bigger[N::BYTES..].iter().all(|&b| b == 0xAA));
    bytes
}

/// The model bytes of `net`.
fn encode<T: Scalar, N: Model<T>>(net: &N) -> Vec<u8> {
    let mut bytes = vec![0u8; N::BYTES];
    assert_eq!(net.to_bytes(&mut bytes), Ok(N::BYTES));
    bytes
}

#[test]
fn random_networks_round_trip_bit_for_bit_f32() {
    for seed in 0..50 {
        let mut r = rng(seed);
        let net = Circles::random(&mut r);
        let bytes = round_trip(&net);
        assert_eq!(Circles::from_bytes(&bytes).unwrap(), net);
        // The const checker agrees with the run-time decoder.
        assert_eq!(check_model_bytes::<f32, Circles>(&bytes), Ok(()));
        assert_eq!(encode(&net).as_slice(), &bytes[..]);

        let mut wild = Circles::zeroed();
        scramble(&mut wild, || f32::from_bits(r.next_u32()));
        let bytes = round_trip(&wild);
        assert_eq!(encode(&wild).as_slice(), &bytes[..]);
        let back = Circles::from_bytes(&bytes).unwrap();
        assert_eq!(encode(&back), encode(&wild));

        let audio = Audio::<f32>::random(&mut r);
        assert_eq!(Audio::<f32>::from_bytes(&round_trip(&audio)).unwrap(), audio);
    }
}

#[test]
fn random_networks_round_trip_bit_for_bit_f64() {
    for seed in 0..50 {
        let mut r = rng(1000 + seed);
        let digits = Digits::random(&mut r);
        let bytes = round_trip(&digits);
        assert_eq!(check_model_bytes::<f64, Digits>(&bytes), Ok(()));
        assert_eq!(encode(&digits).as_slice(), &bytes[..]);

        let audio = Audio::<f64>::random(&mut r);
        assert_eq!(Audio::<f64>::from_bytes(&round_trip(&audio)).unwrap(), audio);

        let mut wild = Audio::<f64>::zeroed();
        scramble(&mut wild, || f64::from_bits(r.next_u64()));
        round_trip(&wild);
        let mut wild = Digits::zeroed();
        scramble(&mut wild, || f64::from_bits(r.next_u64()));
        let bytes = round_trip(&wild);
        assert_eq!(encode(&Digits::from_bytes(&bytes).unwrap()), encode(&wild));
    }
}

#[test]
fn special_values_survive() {
    let mut net = Tiny::zeroed();
    net.only.weights = [[f32::from_bits(0x7fc0_1234), f32::NEG_INFINITY]];
    net.only.bias = [-0.0];
    let bytes = encode(&net);
    let back = Tiny::from_bytes(&bytes).unwrap();
    assert_eq!(back.only.weights[0][0].to_bits(), 0x7fc0_1234);
    assert_eq!(back.only.weights[0][1], f32::NEG_INFINITY);
    assert_eq!(back.only.bias[0].to_bits(), (-0.0f32).to_bits());
}

/// `Tiny::from_layers(Dense::from_parts([[1.0, -2.0]], [0.5]))` in the model byte format.
const TINY_LAYOUT: [u8; 40] = [
    0x43, 0x4e, 0x45, 0x54, 0x02, 0x00, 0x01, 0x04, 0xcf, 0xee, 0x1f, 0xce, 0x35, 0x37, 0x95, 0x90, 0x03, 0x00, 0x00,
    0x00, 0xd5, 0x0a, 0x30, 0x07, 0xfa, 0xef, 0x44, 0x46, 0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00,
    0x00, 0x3f,
];

/// The layout, pinned: a change here is a format change and needs a new `FORMAT_VERSION`.
#[test]
fn layout_is_pinned_byte_for_byte() {
    let net = Tiny::from_layers(Dense::from_parts([[1.0, -2.0]], [0.5]));
    let bytes = encode(&net);
    assert_eq!(Tiny::BYTES, HEADER_BYTES + 3 * 4);
    assert_eq!(&bytes[0..4], b"CNET");
    assert_eq!(&bytes[4..6], &2u16.to_le_bytes());
    assert_eq!((bytes[6], bytes[7]), (1, 4));
    assert_eq!(&bytes[8..16], &<Tiny as Model<f32>>::FINGERPRINT.to_le_bytes());
    assert_eq!(&bytes[16..20], &3u32.to_le_bytes());
    assert_eq!(&bytes[28..], &[0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0, 0, 0, 0, 0x3f]);
    let payload = constnet::io::Checksum::of(&bytes[28..]).value();
    assert_eq!(&bytes[20..24], &payload.to_le_bytes());
    assert_eq!(&bytes[24..28], &constnet::io::Checksum::of(&bytes[..24]).value().to_le_bytes());
    // The fingerprint is a function of what the layers compute, and it is pinned too.
    use constnet::layer::fingerprint::{Fingerprint, network};
    let dense = Fingerprint::new("Dense").usize(2).usize(1).str("sigmoid").finish();
    assert_eq!(<Tiny as Model<f32>>::FINGERPRINT, network(1, dense));
    assert_eq!(bytes, TINY_LAYOUT);
    assert_eq!(include_bytes!("../fixtures/tiny.cnet"), &TINY_LAYOUT, "tests/fixtures/tiny.cnet is these bytes");
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        hex, "434e455402000104cfee1fce3537959003000000d50a3007faef44460000803f000000c00000003f",
        "the byte format changed"
    );
}

#[test]
fn fingerprints_tell_architectures_apart() {
    let fp = |f: u64| f;
    assert_ne!(fp(<Circles as Model<f32>>::FINGERPRINT), <CirclesTanh as Model<f32>>::FINGERPRINT);
    // The scalar type is in the header, not in the fingerprint.
    assert_eq!(<Audio<f32> as Model<f32>>::FINGERPRINT, <Audio<f64> as Model<f64>>::FINGERPRINT);
    assert_eq!((Circles::BYTES, Digits::BYTES), (28 + 117 * 4, 28 + (10 * 12 + 12 + 12 * 3 + 3) * 8));
    assert_eq!(<Audio<f64> as Model<f64>>::BYTES, 28 + Audio::<f64>::PARAMS * 8);
}

/// Bytes of a random `Circles`, for the error cases.
fn circles_bytes() -> (Circles, [u8; Circles::BYTES]) {
    let net = Circles::random(&mut rng(9));
    let mut bytes = [0u8; Circles::BYTES];
    net.to_bytes(&mut bytes).unwrap();
    (net, bytes)
}

/// Re-seals the header checksum after a deliberate edit of a header field.
fn reseal(bytes: &mut [u8]) {
    let sum = constnet::io::Checksum::of(&bytes[..24]).value();
    bytes[24..28].copy_from_slice(&sum.to_le_bytes());
}

/// Both decoders give `expected`; decoding in place leaves the network untouched; the message
/// says what was expected.
fn rejects(bytes: &[u8], expected: LoadError) {
    assert_eq!(Circles::from_bytes(bytes), Err(expected));
    assert_eq!(check_model_bytes::<f32, Circles>(bytes), Err(expected));
    let before = Circles::random(&mut rng(77));
    let mut net = before.clone();
    assert_eq!(net.read_bytes(bytes), Err(expected));
    assert_eq!(net, before, "a failed read changed the network");
    let message = expected.to_string();
    assert!(message.contains("expected"), "{message}");
    assert!(expected.summary().starts_with("constnet: "));
}

#[test]
fn not_a_model() {
    let (_, mut bytes) = circles_bytes();
    bytes[..4].copy_from_slice(b"\x89PNG");
    rejects(&bytes, LoadError::NotAModel { found: *b"\x89PNG" });
    assert!(LoadError::NotAModel { found: *b"\x89PNG" }.to_string().contains("CNET"));
}

#[test]
fn truncated_buffers() {
    let (_, bytes) = circles_bytes();
    let full = Circles::BYTES;
    rejects(&bytes[..full - 1], LoadError::Truncated { expected: full, found: full - 1 });
    rejects(&bytes[..HEADER_BYTES], LoadError::Truncated { expected: full, found: HEADER_BYTES });
    // Cut inside the header, and an empty buffer.
    rejects(&bytes[..10], LoadError::Truncated { expected: full, found: 10 });
    rejects(&[], LoadError::Truncated { expected: full, found: 0 });
    assert_eq!(
        LoadError::Truncated { expected: full, found: 10 }.to_string(),
        "truncated model: the buffer has 10 bytes, expected 496"
    );
}

#[test]
fn padded_buffers() {
    let (_, bytes) = circles_bytes();
    let mut padded = bytes.to_vec();
    padded.extend_from_slice(&[0, 0, 0]);
    rejects(&padded, LoadError::TrailingBytes { expected: 496, found: 499 });
    assert!(LoadError::TrailingBytes { expected: 496, found: 499 }.to_string().contains("3 extra"));
}

#[test]
fn unsupported_version() {
    let (_, mut bytes) = circles_bytes();
    bytes[4..6].copy_from_slice(&3u16.to_le_bytes());
    reseal(&mut bytes);
    rejects(&bytes, LoadError::UnsupportedVersion { found: 3, supported: 2 });
    // Files of format 1 (whose fingerprints hashed type names) are refused with a message that
    // says so.
    bytes[4..6].copy_from_slice(&1u16.to_le_bytes());
    reseal(&mut bytes);
    rejects(&bytes, LoadError::UnsupportedVersion { found: 1, supported: 2 });
    let message = LoadError::UnsupportedVersion { found: 1, supported: 2 }.to_string();
    assert!(message.contains("older constnet"), "{message}");
}

#[test]
fn corrupted_header() {
    let (_, original) = circles_bytes();
    let stored = u32::from_le_bytes(original[24..28].try_into().unwrap());
    // A flipped bit anywhere in bytes 6..24 (scalar, fingerprint, count, payload checksum)…
    for byte in 6..24 {
        let mut bytes = original;
        bytes[byte] ^= 0x10;
        let computed = constnet::io::Checksum::of(&bytes[..24]).value();
        rejects(&bytes, LoadError::CorruptHeader { stored, computed });
    }
    // …or in the stored checksum itself.
    let mut bytes = original;
    bytes[26] ^= 1;
    let computed = constnet::io::Checksum::of(&bytes[..24]).value();
    rejects(&bytes, LoadError::CorruptHeader { stored: stored ^ (1 << 16), computed });
}

#[test]
fn wrong_scalar_type() {
    // The same architecture over f64, read as f32.
    let audio = Audio::<f64>::random(&mut rng(3));
    let mut bytes = vec![0u8; <Audio<f64> as Model<f64>>::BYTES];
    audio.to_bytes(&mut bytes).unwrap();
    let err = Audio::<f32>::from_bytes(&bytes).unwrap_err();
    assert_eq!(err, LoadError::WrongScalar { expected: "f32", found_tag: 2, found_bytes: 8 });
    assert_eq!(err.to_string(), "wrong scalar type: the bytes hold f64 (8-byte values, tag 2), expected f32");
    // And the header of a Circles with its scalar tag changed (re-sealed, so only the tag is off).
    let (_, mut bytes) = circles_bytes();
    bytes[6] = 2;
    reseal(&mut bytes);
    rejects(&bytes, LoadError::WrongScalar { expected: "f32", found_tag: 2, found_bytes: 4 });
}

#[test]
fn wrong_network() {
    // Same widths and parameter count, another activation: the fingerprint tells.
    let other = encode(&CirclesTanh::random(&mut rng(4)));
    let fp_other = <CirclesTanh as Model<f32>>::FINGERPRINT;
    let fp = <Circles as Model<f32>>::FINGERPRINT;
    let expected = LoadError::WrongNetwork {
        expected_fingerprint: fp,
        found_fingerprint: fp_other,
        expected_params: 117,
        found_params: 117,
    };
    rejects(&other, expected);
    // Another size altogether (reported before the length).
    let tiny = encode(&Tiny::zeroed());
    let err = Circles::from_bytes(&tiny).unwrap_err();
    assert!(matches!(err, LoadError::WrongNetwork { found_params: 3, expected_params: 117, .. }), "{err:?}");
    assert!(err.to_string().contains("with 3 parameters, expected"), "{err}");
    // The count alone changed (re-sealed header): still another network.
    let (_, mut bytes) = circles_bytes();
    bytes[16..20].copy_from_slice(&118u32.to_le_bytes());
    reseal(&mut bytes);
    rejects(
        &bytes,
        LoadError::WrongNetwork {
            expected_fingerprint: fp,
            found_fingerprint: fp,
            expected_params: 117,
            found_params: 118,
        },
    );
}

#[test]
fn corrupted_payload() {
    let (_, original) = circles_bytes();
    let stored = u32::from_le_bytes(original[20..24].try_into().unwrap());
    for byte in [HEADER_BYTES, 200, Circles::BYTES - 1] {
        let mut bytes = original;
        bytes[byte] ^= 0x01;
        let computed = constnet::io::Checksum::of(&bytes[HEADER_BYTES..]).value();
        rejects(&bytes, LoadError::CorruptPayload { stored, computed });
    }
}

#[test]
fn buffer_too_small_for_writing() {
    let net = Circles::random(&mut rng(5));
    let mut small = [0x55u8; 100];
    assert_eq!(net.to_bytes(&mut small), Err(BufferTooSmall { needed: 496, found: 100 }));
    assert!(small.iter().all(|&b| b == 0x55), "nothing is written on error");
    assert_eq!(
        BufferTooSmall { needed: 496, found: 100 }.to_string(),
        "buffer too small for the model: it has 100 bytes, expected at least 496"
    );
}

// The whole `const` path, evaluated by the compiler: the weights of a `static` decoded from bytes.
/// The pinned bytes of `layout_is_pinned_byte_for_byte`.
const TINY_BYTES: [u8; Tiny::BYTES] = TINY_LAYOUT;
static TINY: Tiny = include_model!(Tiny, &TINY_BYTES);
/// A `Digits` network (with its dropout layer) written by `fixture_digits`.
static DIGITS: Digits = include_model!(Digits, include_bytes!("../fixtures/digits.cnet"));

/// A `Digits` network with every parameter a different, exactly representable value.
fn fixture_digits() -> Digits {
    let mut net = Digits::zeroed();
    let mut k = 0.0;
    for t in 0..Digits::TENSORS {
        for p in net.tensor_mut(t) {
            k += 1.0;
            *p = k / 64.0 - 3.0;
        }
    }
    net
}

#[test]
fn const_decoding_in_statics() {
    assert_eq!(TINY.only.weights, [[1.0, -2.0]]);
    assert_eq!(TINY.only.bias, [0.5]);
    assert_eq!(TINY.forward(&[1.0, 0.25]), [0.7310586]);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/digits.cnet");
    if std::env::var_os("CONSTNET_WRITE_FIXTURES").is_some() {
        std::fs::write(&path, encode(&fixture_digits())).unwrap();
    }
    assert_eq!(
        std::fs::read(&path).unwrap(),
        encode(&fixture_digits()),
        "tests/fixtures/digits.cnet is stale: CONSTNET_WRITE_FIXTURES=1 cargo test --test suite const_decoding, then rebuild"
    );
    assert_eq!(DIGITS, fixture_digits());
    assert_eq!(Digits::from_bytes(include_bytes!("../fixtures/digits.cnet")), Ok(DIGITS.clone()));
}

#[test]
fn memory_bill_of_the_circles_network() {
    type C = Circles;
    // 117 parameters, 468 bytes; on x86-64 each layer is padded to a multiple of 64 bytes.
    let x86 = cfg!(target_arch = "x86_64");
    let params = if x86 { 64 + 128 + 192 + 128 + 64 } else { 468 };
    assert_eq!(<C as Network<f32, 2, 1>>::PARAM_BYTES, params);
    assert_eq!(<C as Network<f32, 2, 1>>::INFERENCE_SCRATCH_BYTES, 48);
    assert_eq!(<C as Network<f32, 2, 1>>::TAPE_BYTES, 176);
    assert_eq!(<C as Network<f32, 2, 1>>::TRAIN_SCRATCH_BYTES, 176 + params);
    assert_eq!(optimizer_state_bytes::<f32, C, Sgd>(), 0);
    assert_eq!(optimizer_state_bytes::<f32, C, Momentum>(), params);
    let adam = 2 * params + if x86 { 64 } else { 4 };
    assert_eq!(optimizer_state_bytes::<f32, C, Adam>(), adam);
    // Gradients + snapshot + Adam state + settings.
    let trainer = trainer_bytes::<f32, C, Adam, constnet::loss::BinaryCrossEntropy>();
    assert!((params * 2 + adam..=params * 2 + adam + 128).contains(&trainer), "{trainer}");
    // Dropout counts with its width; f64 doubles everything.
    assert_eq!(<Digits as Network<f64, 10, 3>>::INFERENCE_SCRATCH_BYTES, (12 + 12) * 8);
    assert_eq!(<Audio<f64> as Network<f64, 8, 1>>::INFERENCE_SCRATCH_BYTES, 32 * 8);
}

#[cfg(feature = "std")]
mod files {
    use super::*;
    use constnet::io::FileError;
    use std::path::PathBuf;

    fn scratch_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("constnet-io-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn leftovers(dir: &std::path::Path) -> Vec<String> {
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
    }

    #[test]
    fn save_then_load() {
        let dir = scratch_dir("round-trip");
        let path = dir.join("circles.cnet");
        let net = Circles::random(&mut rng(11));
        net.save(&path).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), encode(&net));
        assert_eq!(Circles::load(&path).unwrap(), net);
        // Overwriting replaces the file; no temporary file is left behind.
        let other = Circles::random(&mut rng(12));
        other.save(&path).unwrap();
        assert_eq!(Circles::load(&path).unwrap(), other);
        assert_eq!(leftovers(&dir), ["circles.cnet"]);
        // A large f64 network streams through several chunks both ways.
        let audio = Audio::<f64>::random(&mut rng(13));
        audio.save(dir.join("audio.cnet")).unwrap();
        assert_eq!(Audio::<f64>::load(dir.join("audio.cnet")).unwrap(), audio);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_save_leaves_the_old_file_and_no_temporary() {
        let dir = scratch_dir("failed-save");
        // The target is a non-empty directory: the rename over it fails after the data was
        // written to the temporary file.
        let target = dir.join("model.cnet");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("keep"), b"old").unwrap();
        let err = Circles::random(&mut rng(1)).save(&target).unwrap_err();
        assert!(
            matches!(err, FileError::Io { operation: "rename the temporary file over the model file", .. }),
            "{err}"
        );
        assert!(err.to_string().starts_with("could not rename the temporary file"), "{err}");
        assert_eq!(std::fs::read(target.join("keep")).unwrap(), b"old");
        assert_eq!(leftovers(&dir), ["model.cnet"]);
        // A directory that does not exist.
        let err = Circles::zeroed().save(dir.join("missing").join("x.cnet")).unwrap_err();
        assert!(matches!(err, FileError::Io { operation: "create the temporary file", .. }), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn load_reports_io_and_format_errors() {
        let dir = scratch_dir("load-errors");
        let err = Circles::load(dir.join("absent.cnet")).unwrap_err();
        assert!(matches!(err, FileError::Io { operation: "open the model file", .. }), "{err}");

        let bytes = encode(&Circles::random(&mut rng(2)));
        type Case = (&'static str, Vec<u8>, fn(&LoadError) -> bool);
        let cases: [Case; 5] = [
            ("short", bytes[..300].to_vec(), |e| matches!(e, LoadError::Truncated { expected: 496, found: 300 })),
            ("tiny", bytes[..7].to_vec(), |e| matches!(e, LoadError::Truncated { expected: 496, found: 7 })),
            ("long", [&bytes[..], b"!"].concat(), |e| matches!(e, LoadError::TrailingBytes { found: 497, .. })),
            ("other", encode(&CirclesTanh::zeroed()).to_vec(), |e| matches!(e, LoadError::WrongNetwork { .. })),
            (
                "flipped",
                {
                    let mut b = bytes.to_vec();
                    b[400] ^= 4;
                    b
                },
                |e| matches!(e, LoadError::CorruptPayload { .. }),
            ),
        ];
        for (name, contents, check) in cases {
            let path = dir.join(name);
            std::fs::write(&path, &contents).unwrap();
            match Circles::load(&path) {
                Err(FileError::Format(e)) => {
                    assert!(check(&e), "{name}: {e:?}");
                    // The file path and the in-memory path agree.
                    assert_eq!(Circles::from_bytes(&contents), Err(e), "{name}");
                }
                other => panic!("{name}: {other:?}"),
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[cfg(not(feature = "std"))]
#[test]
fn file_save_and_load() {
    println!("skipped: Model::save/load need the `std` feature; run `cargo test --features std --test io`");
}
