//! The activations `network!` knows by their bare name.

/// Every activation type exported by `constnet` that can be written as a bare identifier.
pub const KNOWN: &[&str] =
    &["Identity", "Sigmoid", "Tanh", "Relu", "LeakyRelu", "Softmax", "Step", "FastSigmoid", "FastTanh", "FastSoftmax"];

/// The known name closest to `name`, if it is a plausible typo (edit distance ≤ 2).
pub fn suggest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(&name.to_lowercase(), &c.to_lowercase()), *c))
        .filter(|&(d, _)| d <= 2)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// Levenshtein distance.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, &cb) in b.iter().enumerate() {
            let substitute = prev[j] + usize::from(ca != cb);
            cur.push(substitute.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(suggest("Sigmod", KNOWN), Some("Sigmoid"));
        assert_eq!(suggest("relu", KNOWN), Some("Relu"));
        assert_eq!(suggest("ReLU", KNOWN), Some("Relu"));
        assert_eq!(suggest("Gelu", KNOWN), Some("Relu"));
        assert_eq!(suggest("Swish", KNOWN), None);
    }
}
