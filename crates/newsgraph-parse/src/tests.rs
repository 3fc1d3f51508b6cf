use super::*;
use crate::train::{train_docs_to_model, TrainOptions};
use std::path::Path;

/// Sentences written for these tests (not taken from any corpus).
pub(crate) const TINY: &str = "\
# sent_id = t1
1\tThe\tthe\tDET\tDT\tDefinite=Def|PronType=Art\t2\tdet\t_\t_
2\tmayor\tmayor\tNOUN\tNN\tNumber=Sing\t3\tnsubj\t_\t_
3\tresigned\tresign\tVERB\tVBD\tMood=Ind|Tense=Past|VerbForm=Fin\t0\troot\t_\t_
4\ton\ton\tADP\tIN\t_\t5\tcase\t_\t_
5\tMonday\tMonday\tPROPN\tNNP\tNumber=Sing\t3\tobl\t_\tSpaceAfter=No
6\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_

# sent_id = t2
1\tTwo\ttwo\tNUM\tCD\tNumType=Card\t2\tnummod\t_\t_
2\tbridges\tbridge\tNOUN\tNNS\tNumber=Plur\t4\tnsubj:pass\t_\t_
3\twere\tbe\tAUX\tVBD\tMood=Ind|Tense=Past|VerbForm=Fin\t4\taux:pass\t_\t_
4\tclosed\tclose\tVERB\tVBN\tTense=Past|VerbForm=Part|Voice=Pass\t0\troot\t_\t_
5\tby\tby\tADP\tIN\t_\t6\tcase\t_\t_
6\tpolice\tpolice\tNOUN\tNNS\tNumber=Plur\t4\tobl:agent\t_\tSpaceAfter=No
7\t.\t.\tPUNCT\t.\t_\t4\tpunct\t_\t_

# sent_id = t3
1\tShe\tshe\tPRON\tPRP\tCase=Nom|Number=Sing|Person=3\t2\tnsubj\t_\t_
2\tgave\tgive\tVERB\tVBD\tMood=Ind|Tense=Past|VerbForm=Fin\t0\troot\t_\t_
3\tup\tup\tADP\tRP\t_\t2\tcompound:prt\t_\t_
4\tthe\tthe\tDET\tDT\tDefinite=Def|PronType=Art\t5\tdet\t_\t_
5\tfight\tfight\tNOUN\tNN\tNumber=Sing\t2\tobj\t_\tSpaceAfter=No
6\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_

# sent_id = t4
1\tOfficials\tofficial\tNOUN\tNNS\tNumber=Plur\t2\tnsubj\t_\t_
2\tsaid\tsay\tVERB\tVBD\tMood=Ind|Tense=Past|VerbForm=Fin\t0\troot\t_\t_
3\tthe\tthe\tDET\tDT\tDefinite=Def|PronType=Art\t4\tdet\t_\t_
4\tplan\tplan\tNOUN\tNN\tNumber=Sing\t6\tnsubj\t_\t_
5\twould\twould\tAUX\tMD\tVerbForm=Fin\t6\taux\t_\t_
6\tfail\tfail\tVERB\tVB\tVerbForm=Inf\t2\tccomp\t_\tSpaceAfter=No
7\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_

# sent_id = t5
1\tPrices\tprice\tNOUN\tNNS\tNumber=Plur\t2\tnsubj\t_\t_
2\trose\trise\tVERB\tVBD\tMood=Ind|Tense=Past|VerbForm=Fin\t0\troot\t_\t_
3\tand\tand\tCCONJ\tCC\t_\t4\tcc\t_\t_
4\tfell\tfall\tVERB\tVBD\tMood=Ind|Tense=Past|VerbForm=Fin\t2\tconj\t_\t_
5\tlast\tlast\tADJ\tJJ\tDegree=Pos\t6\tamod\t_\t_
6\tyear\tyear\tNOUN\tNN\tNumber=Sing\t4\tobl:unmarked\t_\tSpaceAfter=No
7\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_

";

fn tiny_opts() -> TrainOptions {
    TrainOptions {
        epochs: 8,
        bits: 14,
        prune: 1,
        ..TrainOptions::default()
    }
}

fn tiny_model() -> Vec<u8> {
    let docs = newsgraph_conllu::parse(TINY, Path::new("tiny")).expect("tiny corpus parses");
    train_docs_to_model(&docs, &[], &tiny_opts(), |_| {})
        .expect("training works")
        .bytes
}

#[test]
fn training_is_deterministic() {
    let a = tiny_model();
    let b = tiny_model();
    assert!(a == b, "two runs gave different bytes");
    assert!(Model::from_bytes(&a).is_ok());
}

#[test]
fn a_model_fits_its_training_sentences() {
    let parser = ParserBuilder::new()
        .model_bytes(&tiny_model())
        .expect("model loads")
        .build()
        .expect("parser builds");
    let docs = newsgraph_conllu::parse(TINY, Path::new("tiny")).expect("tiny corpus parses");
    for s in docs[0].sentences() {
        let words: Vec<ParseToken<'_>> = s
            .words
            .iter()
            .map(|w| ParseToken {
                form: &w.form,
                upos: &w.upos,
                xpos: &w.xpos,
                feats: &w.feats,
                lemma: &w.lemma,
            })
            .collect();
        let got = parser.parse(&words);
        let want: Vec<(usize, String)> = s
            .words
            .iter()
            .map(|w| (w.head.unwrap_or(0), w.deprel.clone()))
            .collect();
        assert_eq!(got, want, "sentence {:?}", s.id);
    }
}

#[test]
fn corrupt_models_are_rejected() {
    let good = tiny_model();
    assert!(Model::from_bytes(b"").is_err());
    assert!(Model::from_bytes(b"NGSB\x01\0\0\0\x01\0\0\0").is_err());
    let e = Model::from_bytes(&good[..good.len() / 2]).unwrap_err();
    assert!(e.to_string().contains("parser model"), "{e}");
    let mut bad = good.clone();
    let k = bad.len() - 3;
    bad[k] ^= 0x55;
    assert!(Model::from_bytes(&bad).is_err());
    let mut stale = good;
    stale[8] = 99;
    assert!(Model::from_bytes(&stale)
        .unwrap_err()
        .to_string()
        .contains("retrain"));
}

#[test]
fn empty_sentence_gives_empty_parse() {
    let parser = ParserBuilder::new()
        .model_bytes(&tiny_model())
        .unwrap()
        .build()
        .unwrap();
    assert!(parser.parse(&[]).is_empty());
}

#[test]
fn zero_epochs_is_an_error() {
    let docs = newsgraph_conllu::parse(TINY, Path::new("tiny")).unwrap();
    let opts = TrainOptions {
        epochs: 0,
        ..tiny_opts()
    };
    assert!(train_docs_to_model(&docs, &[], &opts, |_| {}).is_err());
}
