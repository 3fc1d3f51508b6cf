//! Property tests: tagging and lemmatising never panic, on any input.

use newsgraph_core::{Annotator, Document, Span};
use newsgraph_segment::Segmenter;
use newsgraph_tag::{Lemmatizer, Tagger};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn tag_any_forms(forms in proptest::collection::vec(".{0,12}", 0..40)) {
        let tagger = Tagger::embedded().unwrap();
        let lem = Lemmatizer::embedded().unwrap();
        let t = tagger.tag(&forms);
        prop_assert_eq!(t.len(), forms.len());
        for (f, t) in forms.iter().zip(&t) {
            prop_assert!(!t.upos.is_empty());
            let _ = lem.lemmatize(f, t.upos, t.xpos);
            let _ = lem.lemmatize(f, "", "");
            let _ = lem.lemmatize(f, "PROPN", "zzz");
        }
    }

    #[test]
    fn annotate_any_text(text in "\\PC{0,200}") {
        let mut doc = Document::from_text(text.clone());
        doc.layout.body = Span::new(0, doc.text.len());
        Segmenter::new().run(&mut doc);
        Tagger::embedded().unwrap().run(&mut doc);
        Lemmatizer::embedded().unwrap().run(&mut doc);
        prop_assert_eq!(doc.words.len(), doc.tokens.len());
    }
}

#[test]
fn long_and_odd_sentences() {
    let tagger = Tagger::embedded().unwrap();
    let forms: Vec<String> = (0..1000).map(|i| format!("w{i}")).collect();
    assert_eq!(tagger.tag(&forms).len(), 1000);
    let odd = [
        "",
        " ",
        "\u{0}",
        "👍🏽",
        "İİİ",
        "x\u{301}\u{301}",
        "\u{FFFD}",
        "ǅ",
        "...",
    ];
    assert_eq!(tagger.tag(&odd).len(), odd.len());
    let lem = Lemmatizer::embedded().unwrap();
    for f in odd {
        let _ = lem.lemmatize(f, "NOUN", "NNS");
        let _ = lem.lemmatize(f, "VERB", "VBG");
    }
    // A document whose words list has the wrong length is repaired.
    let mut doc = Document::from_text("Hello world.");
    doc.layout.body = Span::new(0, doc.text.len());
    Segmenter::new().run(&mut doc);
    doc.words = vec![Default::default(); 7];
    tagger.run(&mut doc);
    assert_eq!(doc.words.len(), doc.tokens.len());
    assert!(doc.diagnostics.iter().any(|d| d.code == "words-mismatch"));
}
