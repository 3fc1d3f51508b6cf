//! The shipped tagger, lemmatiser and parser on the bundled example articles
//! (`examples/`, the seed article included): every sentence gets tags,
//! lemmas and one valid dependency tree.

use newsgraph_ingest::ReaderBuilder;
use std::path::Path;

const UPOS: &[&str] = &[
    "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN",
    "PUNCT", "SCONJ", "SYM", "VERB", "X",
];

#[test]
fn example_articles_are_tagged_lemmatised_and_parsed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let reader = ReaderBuilder::new().build().expect("reader");
    let pipeline = newsgraph_pipeline::standard(reader);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("examples/ exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    assert!(files.len() >= 4, "{files:?}");
    let (mut sentences, mut said) = (0, 0);
    for path in &files {
        let bytes = std::fs::read(path).expect("readable");
        for record in pipeline
            .reader()
            .read_bytes_records(&path.to_string_lossy(), &bytes)
        {
            let mut doc = record.expect("example reads");
            pipeline.annotate(&mut doc);
            doc.check().expect("document invariants, trees included");
            let stages: Vec<&str> = doc.stages.iter().map(|s| s.stage.as_str()).collect();
            for stage in ["tag", "lemma", "parse"] {
                assert!(stages.contains(&stage), "{stages:?}");
            }
            assert_eq!(doc.words.len(), doc.tokens.len());
            for s in &doc.sentences {
                sentences += 1;
                let words = &doc.words[s.token_range()];
                assert_eq!(words.iter().filter(|w| w.head.is_none()).count(), 1);
                for (w, t) in words.iter().zip(&doc.tokens[s.token_range()]) {
                    let form = doc.slice(t.span);
                    assert!(UPOS.contains(&w.upos.as_str()), "{form}: {}", w.upos);
                    assert!(!w.xpos.is_empty() && !w.lemma.is_empty(), "{form}");
                    assert!(!w.deprel.is_empty(), "{form}");
                    assert_eq!(w.head.is_none(), w.deprel == "root", "{form}");
                    // The reporting verb of news is never mistagged in clean prose.
                    if form == "said" {
                        said += 1;
                        assert_eq!((w.upos.as_str(), w.lemma.as_str()), ("VERB", "say"));
                    }
                }
            }
        }
    }
    assert!(sentences > 50, "{sentences} sentences");
    assert!(said >= 5, "{said} x said");
}
