//! Training of the models `newsgraph` ships (today: the sentence-boundary
//! model of `newsgraph-segment`), behind `newsgraph train …`.

use crate::segment::{evaluate_doc, gold_docs, GoldDoc, SegmentEvalOptions};
use crate::{EvalError, SegmentReport};
use newsgraph_segment::learn::{instances, paragraph_token_ranges, rule_feature, Model, BITS};
use newsgraph_segment::{Segmenter, SegmenterBuilder};
use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Instant;

/// The trained sentence model and how it was chosen.
#[derive(Debug, Clone)]
pub struct TrainedSentences {
    /// The weights file (`data/sentences.bin` format).
    pub bytes: Vec<u8>,
    pub epoch: usize,
    pub rule_margin: f32,
    /// Mean sentence F1 over the dev files, in percent.
    pub dev_f1: f64,
    /// Sentence F1 of the rules alone on each dev file, for comparison.
    pub rules_dev_f1: Vec<(String, f64)>,
    pub seconds: f64,
}

/// Trains the sentence-boundary model: an averaged perceptron over the
/// hashed features of `newsgraph_segment::learn`, for up to `epochs` passes
/// over the candidate boundaries of the `train` CoNLL-U files, in a fixed
/// pseudo-random order; the epoch (and rule margin) with the best mean
/// sentence F1 on the `dev` files is kept. Deterministic: the same inputs
/// give the same bytes. `log` receives one progress line at a time.
pub fn train_sentences(
    train: &[PathBuf],
    dev: &[PathBuf],
    epochs: usize,
    mut log: impl FnMut(&str),
) -> Result<TrainedSentences, EvalError> {
    let t0 = Instant::now();
    let opts = SegmentEvalOptions::default();
    let train_docs = gold_docs(train, &opts)?;
    let mut dev_sets: Vec<(String, Vec<GoldDoc>)> = Vec::new();
    for p in dev {
        dev_sets.push((
            p.display().to_string(),
            gold_docs(std::slice::from_ref(p), &opts)?,
        ));
    }

    // Candidate boundaries of the training texts, tokenized by the rules.
    let rules = SegmenterBuilder::new().sentence_model(false).build();
    let mut data: Vec<(Vec<u32>, bool)> = Vec::new();
    let (mut gold_breaks, mut missed) = (0usize, 0usize);
    for d in &train_docs {
        let (seg, _) = rules.segment(&d.text, newsgraph_core::Span::new(0, d.text.len()));
        let starts: HashSet<u32> = d.gold.sentences.iter().map(|s| s.start).collect();
        for (a, b) in paragraph_token_ranges(&seg) {
            let toks = &seg.tokens;
            let gold = |j: usize| starts.contains(&toks[j].span.start);
            gold_breaks += (a + 1..b).filter(|&j| gold(j)).count();
            missed += instances(&d.text, toks, a, b, &gold, &mut data);
        }
    }
    let pos = data.iter().filter(|x| x.1).count();
    log(&format!(
        "{} docs, {} candidates ({} boundaries); {} of {} in-paragraph gold boundaries are not candidates",
        train_docs.len(),
        data.len(),
        pos,
        missed,
        gold_breaks
    ));

    let size = 1usize << BITS;
    let mut w = vec![0f32; size];
    let mut u = vec![0f32; size];
    let mut c = 1f32;
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut rng = 0x2545_F491_4F6C_DD1Du64;
    let mask = (size - 1) as u32;
    let mut best: Option<(f64, usize, f32, Vec<u8>)> = None;
    for epoch in 1..=epochs {
        // Fisher–Yates with a fixed xorshift generator.
        for i in (1..order.len()).rev() {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            order.swap(i, (rng % (i as u64 + 1)) as usize);
        }
        let mut errors = 0usize;
        for &k in &order {
            let (f, y) = &data[k];
            let s: f32 = f.iter().map(|&h| w[(h & mask) as usize]).sum();
            let y = if *y { 1f32 } else { -1f32 };
            if y * s <= 0.0 {
                errors += 1;
                for &h in f {
                    let i = (h & mask) as usize;
                    w[i] += y;
                    u[i] += y * c;
                }
            }
            c += 1.0;
        }
        let avg: Vec<f32> = w.iter().zip(&u).map(|(w, u)| w - u / c).collect();
        // Lean on the rules by `r` (0 = the perceptron as trained).
        let (on, off) = (
            (rule_feature(true) & mask) as usize,
            (rule_feature(false) & mask) as usize,
        );
        for r in RULE_MARGINS {
            let mut wr = avg.clone();
            wr[on] += r;
            wr[off] -= r;
            let bytes = Model::to_bytes(&wr);
            let Some(model) = Model::from_bytes(&bytes) else {
                continue; // cannot happen: to_bytes and from_bytes agree
            };
            let seg = SegmenterBuilder::new().with_sentence_model(model).build();
            let mut f1s = Vec::new();
            let mut line = format!("epoch {epoch:2} rule margin {r:4}: {errors:6} training errors");
            for (name, docs) in &dev_sets {
                let f1 = sentence_f1(&seg, docs);
                line.push_str(&format!("  {}: {:.2}", short(name), f1));
                f1s.push(f1);
            }
            let mean = f1s.iter().sum::<f64>() / f1s.len() as f64;
            log(&format!("{line}  mean {mean:.2}"));
            // Ties go to the earlier epoch and the larger margin.
            if best
                .as_ref()
                .is_none_or(|b| mean > b.0 || (mean == b.0 && b.1 == epoch))
            {
                best = Some((mean, epoch, r, bytes));
            }
        }
    }
    let Some((mean, epoch, margin, bytes)) = best else {
        return Err(EvalError::Invalid(
            "no training epoch ran (epochs must be at least 1)".into(),
        ));
    };
    let rules_dev_f1 = dev_sets
        .iter()
        .map(|(n, d)| (short(n).to_string(), sentence_f1(&rules, d)))
        .collect();
    Ok(TrainedSentences {
        bytes,
        epoch,
        rule_margin: margin,
        dev_f1: mean,
        rules_dev_f1,
        seconds: t0.elapsed().as_secs_f64(),
    })
}
/// Weight added to the rules' decision feature (in perceptron update units).
const RULE_MARGINS: [f32; 6] = [0.0, 2.0, 4.0, 8.0, 16.0, 32.0];

fn sentence_f1(seg: &Segmenter, docs: &[GoldDoc]) -> f64 {
    let mut r = SegmentReport::default();
    for d in docs {
        r.add(&evaluate_doc(d, seg).0);
    }
    100.0 * r.sentences.f1
}

fn short(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or(p)
}
