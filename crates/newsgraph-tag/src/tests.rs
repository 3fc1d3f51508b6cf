//! Unit tests on small hand-written fixtures.

use crate::features::Tok;
use crate::lemma::Script;
use crate::train::{parse_gold, train_lemmatizer_sents, train_tagger_sents};
use crate::{Lemmatizer, ModelError, Style, Tagger, TaggerModel};

/// A few sentences written for these tests (not taken from any corpus).
const TINY: &str = "# newdoc id = GUM_news_tiny
# sent_id = t1
1\tThe\tthe\tDET\tDT\tDefinite=Def|PronType=Art\t2\tdet\t_\t_
2\tcats\tcat\tNOUN\tNNS\tNumber=Plur\t3\tnsubj\t_\t_
3\tslept\tsleep\tVERB\tVBD\tMood=Ind|Tense=Past|VerbForm=Fin\t0\troot\t_\tSpaceAfter=No
4\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_

# sent_id = t2
1\tA\ta\tDET\tDT\tDefinite=Ind|PronType=Art\t2\tdet\t_\t_
2\tdog\tdog\tNOUN\tNN\tNumber=Sing\t3\tnsubj\t_\t_
3\truns\trun\tVERB\tVBZ\tMood=Ind|Number=Sing|Person=3|Tense=Pres|VerbForm=Fin\t0\troot\t_\tSpaceAfter=No
4\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_

# sent_id = t3
1\tMaria\tMaria\tPROPN\tNNP\tNumber=Sing\t2\tnsubj\t_\t_
2\twas\tbe\tAUX\tVBD\tMood=Ind|Number=Sing|Person=3|Tense=Past|VerbForm=Fin\t3\tcop\t_\t_
3\thappy\thappy\tADJ\tJJ\tDegree=Pos\t0\troot\t_\tSpaceAfter=No
4\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_

# sent_id = t4
1\tThe\tthe\tDET\tDT\tDefinite=Def|PronType=Art\t2\tdet\t_\t_
2\tdogs\tdog\tNOUN\tNNS\tNumber=Plur\t3\tnsubj\t_\t_
3\twere\tbe\tAUX\tVBD\tMood=Ind|Number=Plur|Person=3|Tense=Past|VerbForm=Fin\t4\tcop\t_\t_
4\thappy\thappy\tADJ\tJJ\tDegree=Pos\t0\troot\t_\tSpaceAfter=No
5\t.\t.\tPUNCT\t.\t_\t4\tpunct\t_\t_

";

#[test]
fn scripts_round_trip() {
    for (form, lemma) in [
        ("running", "run"),
        ("Running", "run"),
        ("The", "the"),
        ("Apple", "Apple"),
        ("was", "be"),
        ("n't", "not"),
        ("mice", "mouse"),
        ("Übergrößen", "übergröße"),
        ("", ""),
    ] {
        let s = Script::derive(form, lemma);
        let mut out = String::new();
        assert!(s.apply(form, &mut out), "{form}");
        assert_eq!(out, lemma, "{form} {s:?}");
    }
    // Lowercasing wins ties, so sentence-initial and inner forms agree.
    assert_eq!(
        Script::derive("market", "market"),
        Script::derive("Market", "market")
    );
    // A script that strips more than the form has does not apply.
    let s = Script::derive("running", "run");
    assert!(!s.apply("a", &mut String::new()));
}

#[test]
fn token_hashes_handle_odd_text() {
    let mut buf = String::new();
    for f in [
        "", "a", "İ", "ß", "👍🏽", "\u{0}", "x\u{301}", "ǅ", "12,000.5", "e-mail",
    ] {
        let t = Tok::new(f, true, &mut buf);
        let _ = t.suf;
    }
    let a = Tok::new("Walked", false, &mut buf);
    let b = Tok::new("walked", false, &mut buf);
    assert_eq!(a.lower, b.lower);
    assert_eq!(a.suf, b.suf);
    assert_ne!(a.exact, b.exact);
}

#[test]
fn tiny_training_is_deterministic_and_works() {
    let gold = parse_gold(TINY).unwrap();
    assert_eq!(gold.len(), 4);
    assert!(gold.iter().all(|s| s.style == Style::Gum as u8));
    let dev = vec![("tiny".to_string(), gold.clone())];
    let a = train_tagger_sents(&gold, &dev, 5, &Default::default(), |_| {}).unwrap();
    let b = train_tagger_sents(&gold, &dev, 5, &Default::default(), |_| {}).unwrap();
    assert_eq!(a.bytes, b.bytes, "training is deterministic");
    assert!(a.dev[0].upos > 99.0, "{:?}", a.dev[0]);
    let tagger = Tagger::from_bytes(&a.bytes).unwrap();
    let t = tagger.tag(&["The", "cats", "slept", "."]);
    assert_eq!(t[0].upos, "DET");
    assert_eq!(t[1].xpos, "NNS");
    assert_eq!(t[1].feats, "Number=Plur");
    assert_eq!(t[2].feats, "Mood=Ind|Tense=Past|VerbForm=Fin");
    assert_eq!(t[3].upos, "PUNCT");
    // Unseen words and empty input still get tags.
    assert_eq!(tagger.tag(&["Zorblax", "glimped"]).len(), 2);
    assert!(tagger.tag::<&str>(&[]).is_empty());

    let la = train_lemmatizer_sents(&gold, &dev, |_| {}).unwrap();
    let lb = train_lemmatizer_sents(&gold, &dev, |_| {}).unwrap();
    assert_eq!(la.bytes, lb.bytes);
    assert_eq!(la.dev[0].lemma, Some(100.0));
    let lem = Lemmatizer::from_bytes(&la.bytes).unwrap();
    assert_eq!(lem.lemmatize("were", "AUX", "VBD"), "be");
    assert_eq!(lem.lemmatize("The", "DET", "DT"), "the");
    assert_eq!(lem.lemmatize("Maria", "PROPN", "NNP"), "Maria");
    // An unseen plural noun follows the suffix table (`-s` → ``).
    assert_eq!(lem.lemmatize("hats", "NOUN", "NNS"), "hat");
    assert_eq!(lem.lemmatize("", "", ""), "");
}

#[test]
fn training_rejects_nothing_to_learn() {
    assert!(train_tagger_sents(&[], &[], 3, &Default::default(), |_| {}).is_err());
    let gold = parse_gold(TINY).unwrap();
    assert!(train_tagger_sents(&gold, &[], 0, &Default::default(), |_| {}).is_err());
    assert!(train_lemmatizer_sents(&[], &[], |_| {}).is_err());
}

#[test]
fn corrupt_files_are_reported() {
    let gold = parse_gold(TINY).unwrap();
    let good = train_tagger_sents(&gold, &[], 2, &Default::default(), |_| {})
        .unwrap()
        .bytes;
    assert!(TaggerModel::from_bytes(&good).is_ok());
    assert!(matches!(
        TaggerModel::from_bytes(b"nope"),
        Err(ModelError::BadMagic { .. })
    ));
    let mut old = good.clone();
    old[4] = 0;
    let e = TaggerModel::from_bytes(&old).unwrap_err();
    assert!(matches!(e, ModelError::Version { found: 0, .. }), "{e}");
    assert!(e.to_string().contains("format 0"));
    let mut flipped = good.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x40;
    assert!(matches!(
        TaggerModel::from_bytes(&flipped),
        Err(ModelError::Corrupt { .. })
    ));
    for n in 0..good.len().min(64) {
        assert!(TaggerModel::from_bytes(&good[..n]).is_err());
    }
    assert!(
        Lemmatizer::from_bytes(&good).is_err(),
        "a tagger file is not a lemmatiser"
    );
}
