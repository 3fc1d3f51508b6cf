use super::*;
use newsgraph_core::{QuoteDir, TokenKind};

fn seg(text: &str) -> Segmentation {
    Segmenter::new().segment(text, Span::new(0, text.len())).0
}

fn toks(text: &str) -> Vec<&str> {
    seg(text)
        .tokens
        .iter()
        .map(|t| t.span.slice(text))
        .collect()
}

fn sents(text: &str) -> Vec<&str> {
    seg(text)
        .sentences
        .iter()
        .map(|s| s.span.slice(text))
        .collect()
}

#[test]
fn contractions_and_possessives() {
    assert_eq!(
        toks("I don't know, Mr. Smith."),
        ["I", "do", "n't", "know", ",", "Mr.", "Smith", "."]
    );
    assert_eq!(
        toks("can't won't I'm it's Iraq’s"),
        ["ca", "n't", "wo", "n't", "I", "'m", "it", "'s", "Iraq", "’s"]
    );
    assert_eq!(toks("gonna cannot"), ["gon", "na", "can", "not"]);
    let s = seg("don't");
    assert!(s.tokens[0].joined_next && !s.tokens[1].joined_next);
    assert!(!s.tokens[0].space_after && s.tokens[1].space_after);
}

#[test]
fn hyphens_numbers_abbreviations() {
    assert_eq!(
        toks("three-day non-profit al-Nujaba"),
        ["three", "-", "day", "non-profit", "al", "-", "Nujaba"]
    );
    let keep = SegmenterBuilder::new().keep_arabic_particles(true).build();
    let text = "al-Nujaba";
    assert_eq!(
        keep.segment(text, Span::new(0, text.len())).0.tokens.len(),
        1
    );
    assert_eq!(
        toks("2,500 3.5% $1.13bn 10:30 1990s 3rd"),
        ["2,500", "3.5", "%", "$", "1.13", "bn", "10:30", "1990s", "3rd"]
    );
    assert_eq!(
        toks("U.S. Gen. J. R. R. Tolkien Inc. No. 7"),
        ["U.S.", "Gen.", "J.", "R.", "R.", "Tolkien", "Inc.", "No.", "7"]
    );
    assert_eq!(toks("I said no."), ["I", "said", "no", "."]);
}

#[test]
fn extra_abbreviations() {
    let s = SegmenterBuilder::new()
        .abbreviations(["Brig.", "approx"])
        .build();
    let text = "Brig. Smith arrived.";
    let (out, _) = s.segment(text, Span::new(0, text.len()));
    assert_eq!(out.tokens[0].span.slice(text), "Brig.");
    assert_eq!(out.sentences.len(), 1);
}

#[test]
fn web_tokens() {
    let text = "See https://x.org/a?b=1. Mail a.b@c.com, @user #tag :) 🎉";
    let s = seg(text);
    let kinds: Vec<_> = s
        .tokens
        .iter()
        .map(|t| (t.span.slice(text), t.kind))
        .collect();
    assert!(kinds.contains(&("https://x.org/a?b=1", TokenKind::Url)));
    assert!(kinds.contains(&("a.b@c.com", TokenKind::Email)));
    assert!(kinds.contains(&("@user", TokenKind::Mention)));
    assert!(kinds.contains(&("#tag", TokenKind::Hashtag)));
    assert!(kinds.contains(&(":)", TokenKind::Emoji)));
    assert!(kinds.contains(&("🎉", TokenKind::Emoji)));
}

#[test]
fn quotes_have_directions() {
    let text = "He said \"yes\" and “no” and «oui».";
    let s = seg(text);
    let q: Vec<_> = s
        .tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Quote)
        .map(|t| t.quote)
        .collect();
    use QuoteDir::*;
    assert_eq!(
        q,
        [
            Some(Open),
            Some(Close),
            Some(Open),
            Some(Close),
            Some(Open),
            Some(Close)
        ]
    );
}

#[test]
fn sentences() {
    assert_eq!(sents("He left. She stayed."), ["He left.", "She stayed."]);
    assert_eq!(
        sents("\"Go!\" he said. Then Mr. Smith left."),
        ["\"Go!\" he said.", "Then Mr. Smith left."]
    );
    assert_eq!(
        sents("He said: \"It's over.\" Then he left."),
        ["He said: \"It's over.\"", "Then he left."]
    );
    assert_eq!(
        sents("It rose in the U.S. The market fell."),
        ["It rose in the U.S.", "The market fell."]
    );
    assert_eq!(
        sents("U.S. officials said so; others didn't."),
        ["U.S. officials said so; others didn't."]
    );
    // The rules split after an ellipsis before a capital; the learned model
    // (trained on UD, where `Wait... what?` is often one sentence) may not.
    let rules = SegmenterBuilder::new().sentence_model(false).build();
    let text = "Wait... What? ok";
    let (s, _) = rules.segment(text, Span::new(0, text.len()));
    let got: Vec<_> = s.sentences.iter().map(|s| s.span.slice(text)).collect();
    assert_eq!(got, ["Wait...", "What?", "ok"]);
    assert_eq!(rules.version(), RULES_VERSION);
}

#[test]
fn learned_sentence_boundaries() {
    // Unpunctuated breaks of e-mail text that the rules cannot see.
    assert!(Segmenter::new().model.is_some(), "embedded model loads");
    assert_eq!(
        sents("Thanks for the update. Regards, Debra Perlingiere"),
        ["Thanks for the update.", "Regards,", "Debra Perlingiere"]
    );
}

#[test]
fn paragraphs() {
    let text = "Title line\n\nFirst para wraps\nhere. Second sentence.\n   \n    Indented para\nwraps too.\n    Next one.";
    let s = seg(text);
    let p: Vec<_> = s.paragraphs.iter().map(|p| p.span.slice(text)).collect();
    assert_eq!(
        p,
        [
            "Title line",
            "First para wraps\nhere. Second sentence.",
            "Indented para\nwraps too.",
            "Next one."
        ]
    );
    assert_eq!(s.sentences.len(), 5);
}

#[test]
fn annotator_fills_document() {
    let mut doc = Document::from_text("  Hello world.  \n\n Bye. ");
    Segmenter::new().run(&mut doc);
    doc.check().expect("valid");
    assert_eq!(doc.paragraphs.len(), 2);
    assert_eq!(doc.stages[0].version, VERSION);
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Segmenter>();
}

#[test]
fn quote_edges_after_final_punctuation_are_boundaries() {
    assert_eq!(
        sents("The strike must end now. \"Maybe we were wrong,\" the union leader said."),
        [
            "The strike must end now.",
            "\"Maybe we were wrong,\" the union leader said."
        ]
    );
    assert_eq!(
        sents("\"It is over.\" Transport Secretary Jane Wood disagreed on Monday."),
        [
            "\"It is over.\"",
            "Transport Secretary Jane Wood disagreed on Monday."
        ]
    );
}

#[test]
fn a_first_name_is_not_cut_from_its_surname() {
    for text in [
        "The film was nominated in the best director category. Mike Leigh is up for the award.",
        "Shares fell sharply, the bank said in its court filing. Tom Lake, a spokesman, declined to comment.",
    ] {
        let s = sents(text);
        assert_eq!(s.len(), 2, "{s:?}");
        assert!(s[1].starts_with(char::is_uppercase) && s[1].split(' ').count() > 2, "{s:?}");
    }
}

#[test]
fn two_apostrophes_open_and_close_by_their_context() {
    // Regression (issue 7): `''` was always a closing mark, and `voters''`
    // lost its first apostrophe to a plural possessive, so that every later
    // quotation of a typewriter-style article paired the wrong way.
    let text = "It said -- ''We asked the voters'' -- and then: ''Go home,'' she said.";
    let s = seg(text);
    let marks: Vec<(&str, Option<QuoteDir>)> = s
        .tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Quote)
        .map(|t| (t.span.slice(text), t.quote))
        .collect();
    use QuoteDir::*;
    assert_eq!(
        marks,
        [
            ("''", Some(Open)),
            ("''", Some(Close)),
            ("''", Some(Open)),
            ("''", Some(Close))
        ]
    );
    assert!(toks(text).contains(&"voters"));
    // A plural possessive is still one.
    assert_eq!(toks("the voters' choice")[1..3], ["voters", "'"]);
}

#[test]
fn a_run_without_a_sentence_end_is_cut_after_its_clauses() {
    // 3 tokens a clause (`Smith said ,`): 2,000 clauses, no full stop.
    let text = "Smith said, ".repeat(2_000);
    let (s, diags) = Segmenter::new().segment(&text, Span::new(0, text.len()));
    assert_eq!(s.tokens.len(), 6_000);
    assert!(s.sentences.len() >= 6_000 / MAX_SENTENCE_TOKENS);
    let mut next = 0;
    for sent in &s.sentences {
        let (x, y) = (sent.tokens.0 as usize, sent.tokens.1 as usize);
        assert_eq!(x, next, "sentences tile the tokens");
        assert!(y - x <= MAX_SENTENCE_TOKENS, "{} tokens", y - x);
        if y < s.tokens.len() {
            assert_eq!(s.tokens[y - 1].span.slice(&text), ",", "cut after a comma");
        }
        next = y;
    }
    assert_eq!(next, s.tokens.len());
    assert!(diags.iter().any(|d| d.code == "long-sentence"));
    // Without a comma or semicolon the cut falls at the cap.
    let text = "word ".repeat(600);
    let lens: Vec<usize> = seg(&text)
        .sentences
        .iter()
        .map(|s| s.token_range().len())
        .collect();
    assert_eq!(
        lens,
        [
            MAX_SENTENCE_TOKENS,
            MAX_SENTENCE_TOKENS,
            600 - 2 * MAX_SENTENCE_TOKENS
        ]
    );
}
