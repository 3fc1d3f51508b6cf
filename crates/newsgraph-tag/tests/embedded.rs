//! The shipped models load and tag news sentences sensibly.

use newsgraph_core::{Annotator, Document};
use newsgraph_segment::Segmenter;
use newsgraph_tag::{Lemmatizer, Style, Tagger, LEMMATIZER_VERSION, VERSION};

#[test]
fn shipped_models_tag_news() {
    let tagger = Tagger::embedded().expect("embedded tagger");
    let lem = Lemmatizer::embedded().expect("embedded lemmatizer");
    let forms = [
        "The", "minister", "said", "on", "Tuesday", "that", "prices", "had", "risen", "by", "3",
        "%", "and", "would", "n't", "fall", ".",
    ];
    let t = tagger.tag(&forms);
    assert_eq!(t.len(), forms.len());
    let got: Vec<(&str, &str)> = t.iter().map(|t| (t.upos, t.xpos)).collect();
    assert_eq!(got[0], ("DET", "DT"));
    assert_eq!(got[1], ("NOUN", "NN"));
    assert_eq!(got[2], ("VERB", "VBD"));
    assert_eq!(got[4], ("PROPN", "NNP"));
    assert_eq!(got[6], ("NOUN", "NNS"));
    assert_eq!(got[8], ("VERB", "VBN"));
    assert_eq!(got[10], ("NUM", "CD"));
    assert_eq!(got[14].0, "PART");
    assert_eq!(got[16], ("PUNCT", "."));
    assert_eq!(t[6].feats, "Number=Plur");
    assert!(t[2].feats.contains("Tense=Past"), "{}", t[2].feats);
    let lemmas: Vec<String> = forms
        .iter()
        .zip(&t)
        .map(|(f, t)| lem.lemmatize(f, t.upos, t.xpos))
        .collect();
    assert_eq!(lemmas[0], "the");
    assert_eq!(lemmas[2], "say");
    assert_eq!(lemmas[4], "Tuesday");
    assert_eq!(lemmas[6], "price");
    assert_eq!(lemmas[7], "have");
    assert_eq!(lemmas[8], "rise");
    assert_eq!(lemmas[14], "not");
    // Both styles work.
    let ewt = tagger.with_style(Style::Ewt);
    let e = ewt.tag(&forms);
    assert_eq!(e[2].xpos, "VBD");
}

#[test]
fn annotators_fill_words() {
    let mut doc = Document::from_text(
        "Shares of Acme Corp. jumped 12% on Monday. Analysts said the deal wasn't a surprise.",
    );
    doc.layout.body = newsgraph_core::Span::new(0, doc.text.len());
    Segmenter::new().run(&mut doc);
    let tagger = Tagger::embedded().unwrap();
    let lem = Lemmatizer::embedded().unwrap();
    tagger.run(&mut doc);
    lem.run(&mut doc);
    assert_eq!(doc.words.len(), doc.tokens.len());
    assert!(doc
        .words
        .iter()
        .all(|w| !w.upos.is_empty() && !w.lemma.is_empty()));
    assert!(doc
        .words
        .iter()
        .all(|w| w.head.is_none() && w.deprel.is_empty()));
    doc.check().expect("invariants");
    let stamp: Vec<(&str, &str)> = doc
        .stages
        .iter()
        .map(|s| (s.stage.as_str(), s.version.as_str()))
        .collect();
    assert!(stamp.contains(&("tag", VERSION)));
    assert!(stamp.contains(&("lemma", LEMMATIZER_VERSION)));
    let find = |f: &str| {
        doc.tokens
            .iter()
            .position(|t| doc.slice(t.span) == f)
            .map(|i| &doc.words[i])
            .unwrap()
    };
    assert_eq!(find("jumped").lemma, "jump");
    assert_eq!(find("said").lemma, "say");
    assert_eq!(find("was").lemma, "be");
    assert_eq!(find("Analysts").lemma, "analyst");
    assert_eq!(find("Shares").upos, "NOUN");
}

#[test]
fn embedded_models_load() {
    let t = Tagger::embedded().unwrap();
    let l = Lemmatizer::embedded().unwrap();
    assert!(t.model().file_size() > 0);
    assert!(l.model().file_size() > 0);
}
