//! Property tests: segmentation never panics and always produces spans that
//! tile the body exactly.

use newsgraph_core::{Annotator, Document, Span};
use newsgraph_segment::Segmenter;
use proptest::prelude::*;

fn check(text: &str, body: Span) {
    let seg = Segmenter::new();
    let (s, _) = seg.segment(text, body);
    let mut doc = Document::from_text(text.to_string());
    doc.layout.body = body;
    seg.run(&mut doc);
    assert_eq!(doc.tokens, s.tokens);
    doc.check().expect("invariants");
    let (bs, be) = (body.start as usize, body.end as usize);
    // Tokens: sorted, non-empty, non-overlapping, no whitespace inside,
    // gaps are whitespace only: concatenation round-trips the body.
    let mut rebuilt = String::new();
    let mut pos = bs;
    for (i, t) in s.tokens.iter().enumerate() {
        let (a, z) = (t.span.start as usize, t.span.end as usize);
        assert!(a < z, "empty token");
        assert!(a >= pos, "tokens overlap or unsorted");
        let gap = &text[pos..a];
        assert!(
            gap.chars().all(char::is_whitespace),
            "non-whitespace {gap:?} outside tokens"
        );
        let tok = &text[a..z];
        assert!(
            !tok.chars().any(char::is_whitespace),
            "whitespace inside token {tok:?}"
        );
        rebuilt.push_str(gap);
        rebuilt.push_str(tok);
        // space_after: whitespace or the end of the body follows.
        let follows_ws = z == be || text[z..].starts_with(char::is_whitespace);
        assert_eq!(t.space_after, follows_ws, "space_after of {tok:?} (#{i})");
        if t.joined_next {
            assert!(!t.space_after);
        }
        pos = z;
    }
    let tail = &text[pos..be];
    assert!(tail.chars().all(char::is_whitespace));
    rebuilt.push_str(tail);
    assert_eq!(rebuilt, &text[bs..be]);
    // Sentences tile the tokens of each paragraph, in order.
    let mut next = 0u32;
    for sent in &s.sentences {
        assert_eq!(sent.tokens.0, next, "sentences do not tile the tokens");
        assert!(sent.tokens.1 > sent.tokens.0);
        next = sent.tokens.1;
        let p = s.paragraphs[sent.paragraph as usize].span;
        assert!(p.contains(sent.span));
    }
    assert_eq!(next as usize, s.tokens.len());
    // Every paragraph has at least one sentence, and paragraphs are trimmed.
    for (pi, p) in s.paragraphs.iter().enumerate() {
        assert!(s.sentences.iter().any(|x| x.paragraph as usize == pi));
        let t = p.span.slice(text);
        assert_eq!(t, t.trim());
    }
}

fn newsy() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "Iraq",
        "'s",
        "’s",
        "don't",
        "U.S.",
        "Mr.",
        " ",
        "  ",
        "\n",
        "\n\n",
        "\n    ",
        "\r\n",
        "\t",
        ".",
        "...",
        "…",
        "!",
        "?",
        "\"",
        "'",
        "“",
        "”",
        "‘",
        "’",
        "«",
        "»",
        "„",
        "-",
        "--",
        "—",
        "al-Nujaba",
        "2,500",
        "3.5%",
        "$1.13bn",
        "http://x.com/a.",
        "a@b.co",
        "#tag",
        "@h",
        ":)",
        "🎉",
        "👍🏽",
        "\u{0}",
        "\u{200D}",
        "\u{00A0}",
        "\u{2029}",
        "\u{0301}",
        "é",
        "(",
        ")",
        "J.",
        "gonna",
        "ca",
        "n't",
        "x",
        "A",
    ]);
    prop::collection::vec(atoms, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings(text in any::<String>()) {
        check(&text, Span::new(0, text.len()));
    }

    #[test]
    fn newsy_strings(text in newsy()) {
        check(&text, Span::new(0, text.len()));
    }

    #[test]
    fn sub_bodies(text in newsy(), a in 0usize..200, b in 0usize..200) {
        let (mut a, mut b) = (a.min(text.len()), b.min(text.len()));
        if a > b { std::mem::swap(&mut a, &mut b); }
        while !text.is_char_boundary(a) { a -= 1; }
        while !text.is_char_boundary(b) { b -= 1; }
        check(&text, Span::new(a, b));
    }
}

#[test]
fn out_of_range_body_is_clamped() {
    let (s, d) = Segmenter::new().segment("héllo world", Span::new(2, 99));
    assert!(!d.is_empty());
    assert!(!s.tokens.is_empty());
}
