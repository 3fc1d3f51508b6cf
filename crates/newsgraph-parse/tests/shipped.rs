//! The shipped model: loads, and parses news-like sentences (written for
//! this test, with hand-assigned tags) the way UD English would.

use newsgraph_core::{
    Annotator, Document, Paragraph, Sentence, Severity, Span, Token, TokenKind, Word,
};
use newsgraph_parse::{ParseToken, Parser, VERSION};

/// `form/UPOS/XPOS` triples separated by spaces.
fn words(s: &str) -> Vec<ParseToken<'_>> {
    s.split(' ')
        .map(|w| {
            let mut p = w.split('/');
            let form = p.next().unwrap();
            ParseToken {
                form,
                upos: p.next().unwrap(),
                xpos: p.next().unwrap(),
                feats: "",
                lemma: "",
            }
        })
        .collect()
}

fn heads(out: &[(usize, String)]) -> Vec<usize> {
    out.iter().map(|x| x.0).collect()
}

#[test]
fn loads_with_subtyped_relations() {
    let p = Parser::new().expect("model loads");
    assert!(p.model().labels().iter().any(|l| l == "nsubj:pass"));
    assert!(p.model().labels().iter().any(|l| l == "compound:prt"));
}

#[test]
fn simple_news_sentences() {
    let p = Parser::new().unwrap();
    // The minister resigned on Tuesday .
    let out = p.parse(&words(
        "The/DET/DT minister/NOUN/NN resigned/VERB/VBD on/ADP/IN Tuesday/PROPN/NNP ./PUNCT/.",
    ));
    assert_eq!(heads(&out), [2, 3, 0, 5, 3, 3]);
    let labels: Vec<&str> = out.iter().map(|x| x.1.as_str()).collect();
    assert_eq!(labels, ["det", "nsubj", "root", "case", "obl", "punct"]);

    // Three people were killed in the attack .
    let out = p.parse(&words(
        "Three/NUM/CD people/NOUN/NNS were/AUX/VBD killed/VERB/VBN in/ADP/IN the/DET/DT attack/NOUN/NN ./PUNCT/.",
    ));
    assert_eq!(heads(&out), [2, 4, 4, 0, 7, 7, 4, 4]);
    assert_eq!(out[1].1, "nsubj:pass");
    assert_eq!(out[2].1, "aux:pass");

    // The company said it would cut 200 jobs .
    let out = p.parse(&words(
        "The/DET/DT company/NOUN/NN said/VERB/VBD it/PRON/PRP would/AUX/MD cut/VERB/VB 200/NUM/CD jobs/NOUN/NNS ./PUNCT/.",
    ));
    assert_eq!(heads(&out), [2, 3, 0, 6, 6, 3, 8, 6, 3]);
    assert_eq!(out[5].1, "ccomp");
    assert_eq!(out[7].1, "obj");
}

#[test]
fn phrasal_verbs() {
    let p = Parser::new().unwrap();
    // Rebels set up a new government .
    let out = p.parse(&words(
        "Rebels/NOUN/NNS set/VERB/VBD up/ADP/RP a/DET/DT new/ADJ/JJ government/NOUN/NN ./PUNCT/.",
    ));
    assert_eq!(heads(&out), [2, 0, 2, 6, 6, 2, 2]);
    assert_eq!(out[2].1, "compound:prt");
}

fn doc_with(tokens: &[(&str, &str, &str)]) -> Document {
    let text: String = tokens.iter().map(|t| t.0).collect::<Vec<_>>().join(" ");
    let mut doc = Document::from_text(text.clone());
    let mut pos = 0usize;
    for (form, upos, xpos) in tokens {
        let end = pos + form.len();
        doc.tokens.push(Token {
            span: Span::new(pos, end),
            kind: TokenKind::Word,
            space_after: true,
            joined_next: false,
            quote: None,
        });
        doc.words.push(Word {
            upos: (*upos).into(),
            xpos: (*xpos).into(),
            ..Word::default()
        });
        pos = end + 1;
    }
    doc.paragraphs.push(Paragraph {
        span: Span::new(0, text.len()),
    });
    // Two sentences: the first 3 tokens, then the rest.
    doc.sentences.push(Sentence {
        span: Span::new(0, doc.tokens[2].span.end as usize),
        tokens: (0, 3),
        paragraph: 0,
    });
    doc.sentences.push(Sentence {
        span: Span::new(doc.tokens[3].span.start as usize, text.len()),
        tokens: (3, tokens.len() as u32),
        paragraph: 0,
    });
    doc
}

#[test]
fn annotates_documents() {
    let p = Parser::new().unwrap();
    let mut doc = doc_with(&[
        ("Markets", "NOUN", "NNS"),
        ("fell", "VERB", "VBD"),
        (".", "PUNCT", "."),
        ("Oil", "NOUN", "NN"),
        ("rose", "VERB", "VBD"),
        (".", "PUNCT", "."),
    ]);
    p.run(&mut doc);
    doc.check().expect("valid document");
    let h: Vec<Option<u32>> = doc.words.iter().map(|w| w.head).collect();
    assert_eq!(h, [Some(1), None, Some(1), Some(4), None, Some(4)]);
    assert_eq!(doc.words[1].deprel, "root");
    assert_eq!(doc.words[3].deprel, "nsubj");
    assert_eq!(doc.stages.last().unwrap().version, VERSION);
    assert!(doc.diagnostics.is_empty());
}

#[test]
fn untagged_documents_get_a_diagnostic() {
    let p = Parser::new().unwrap();
    let mut doc = doc_with(&[
        ("Markets", "", ""),
        ("fell", "", ""),
        (".", "", ""),
        ("Oil", "", ""),
        ("rose", "", ""),
    ]);
    doc.words.clear();
    p.run(&mut doc);
    assert!(doc.words.is_empty());
    assert_eq!(doc.diagnostics.len(), 1);
    assert_eq!(doc.diagnostics[0].severity, Severity::Warning);
    assert_eq!(doc.diagnostics[0].code, "untagged");
}
