//! Property: whatever the words and tags, the parse is a valid tree.

use newsgraph_parse::{ParseToken, Parser};
use proptest::prelude::*;

const UPOS: &[&str] = &[
    "NOUN", "VERB", "ADJ", "ADV", "PRON", "DET", "ADP", "PUNCT", "PROPN", "AUX", "CCONJ", "NUM",
    "PART", "SCONJ", "X", "SYM", "INTJ", "", "???",
];
const XPOS: &[&str] = &[
    "NN", "NNS", "VBD", "VBZ", "JJ", "RB", "PRP", "DT", "IN", ".", ",", "NNP", "MD", "CC", "CD",
    "", "weird",
];

fn parser() -> Parser {
    Parser::new().expect("the shipped model loads")
}

/// Checks: one root (head 0, `root`), heads in range and not self, no
/// cycles, no other word labelled `root`.
fn assert_tree(n: usize, out: &[(usize, String)]) {
    assert_eq!(out.len(), n);
    if n == 0 {
        return;
    }
    let roots: Vec<usize> = (0..n).filter(|&i| out[i].0 == 0).collect();
    assert_eq!(roots.len(), 1, "{out:?}");
    assert_eq!(out[roots[0]].1, "root");
    for (i, (h, l)) in out.iter().enumerate() {
        assert!(*h <= n && *h != i + 1, "bad head {h} for word {}", i + 1);
        if *h != 0 {
            assert_ne!(l, "root");
        }
        assert!(!l.is_empty());
        // Walking up from every word reaches the root within n steps.
        let mut k = i + 1;
        let mut steps = 0;
        while k != 0 {
            k = out[k - 1].0;
            steps += 1;
            assert!(steps <= n, "cycle through word {}", i + 1);
        }
    }
}

fn run(words: &[(String, usize, usize)]) {
    let p = parser();
    let toks: Vec<ParseToken<'_>> = words
        .iter()
        .map(|(f, u, x)| ParseToken {
            form: f,
            upos: UPOS[*u % UPOS.len()],
            xpos: XPOS[*x % XPOS.len()],
            feats: "",
            lemma: f,
        })
        .collect();
    let out = p.parse(&toks);
    assert_tree(words.len(), &out);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn any_input_gives_a_tree(words in prop::collection::vec((".{0,8}", 0usize..40, 0usize..40), 1..60)) {
        run(&words);
    }
}

#[test]
fn one_word_and_five_hundred_words() {
    run(&[("Hello".to_string(), 0, 0)]);
    run(&[(".".to_string(), 7, 9)]);
    let long: Vec<(String, usize, usize)> = (0..500)
        .map(|i| (format!("w{}", i % 17), i * 7, i * 3))
        .collect();
    run(&long);
    let commas: Vec<(String, usize, usize)> = (0..500).map(|_| (",".to_string(), 7, 10)).collect();
    run(&commas);
}
