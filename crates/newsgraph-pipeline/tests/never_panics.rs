//! The whole pipeline (ingest + every stage) on arbitrary bytes: no panic,
//! every document passes `Document::check`, and every record's source span
//! lies inside the input, in order.

use newsgraph_core::Format;
use newsgraph_ingest::ReaderBuilder;
use proptest::prelude::*;

/// The stages, built once: loading the models and dictionaries per case would dominate.
fn pipeline() -> &'static newsgraph_pipeline::Pipeline {
    static PIPELINE: std::sync::OnceLock<newsgraph_pipeline::Pipeline> = std::sync::OnceLock::new();
    PIPELINE
        .get_or_init(|| newsgraph_pipeline::standard(ReaderBuilder::new().build().expect("reader")))
}

fn check_all(format: Option<Format>, bytes: &[u8]) {
    let reader = ReaderBuilder::new().format(format).build().expect("reader");
    let pipeline = pipeline();
    for record in reader.read_bytes_records("prop.bin", bytes) {
        let Ok(mut doc) = record else { continue };
        pipeline.annotate(&mut doc);
        doc.check().expect("document invariants");
        let mut last = 0u64;
        for t in &doc.tokens {
            let (s, e) = doc.source_span(t.span);
            assert!(
                s <= e && e <= bytes.len() as u64,
                "source span {s}..{e} outside input"
            );
            assert!(s >= last, "source spans go backwards");
            last = s;
        }
        assert_eq!(doc.stages.first().map(|s| s.stage.as_str()), Some("ingest"));
    }
}

fn news_soup() -> impl Strategy<Value = Vec<u8>> {
    let atoms = prop::sample::select(vec![
        "<p>",
        "</p>",
        "<div>",
        "&amp;",
        "&#x27;",
        "\u{201c}",
        "\u{201d}",
        "\"",
        "'s",
        "n't",
        "U.S.",
        "Gen.",
        " ",
        "\n",
        "\n\n",
        "    ",
        "2,500",
        "3.5%",
        "al-Nujaba",
        "{\"text\": \"",
        "\\n",
        "\\u00e9",
        "\"}\n",
        "<REUTERS NEWID=\"1\">",
        "<BODY>",
        "</BODY>",
        "</REUTERS>",
        " date ",
        "2021-12-10",
        "\u{feff}",
        "\r\n",
        "\0",
        "\u{fffd}",
        "é",
        "«",
        "»",
        "…",
        "—",
    ]);
    prop::collection::vec(atoms, 0..60).prop_map(|v| v.concat().into_bytes())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        check_all(None, &bytes);
        check_all(Some(Format::Text), &bytes);
    }

    #[test]
    fn news_like_soup_in_every_format(bytes in news_soup()) {
        for f in [None, Some(Format::Seed), Some(Format::Text), Some(Format::Jsonl),
                  Some(Format::Html), Some(Format::Reuters)] {
            check_all(f, &bytes);
        }
    }
}

#[test]
fn output_order_is_input_order() {
    let dir = std::env::temp_dir().join(format!("ng-order-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let mut paths = Vec::new();
    for i in 0..40 {
        let p = dir.join(format!("{i:02}.txt"));
        std::fs::write(
            &p,
            format!("Headline {i}\n\nStory number {i} ran. It ended.\n"),
        )
        .expect("write");
        paths.push(p);
    }
    let reader = ReaderBuilder::new().build().expect("reader");
    let pipeline = newsgraph_pipeline::PipelineBuilder::new()
        .stage(newsgraph_segment::SegmenterBuilder::new().build())
        .window(3)
        .build(reader);
    let mut titles = Vec::new();
    rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("pool")
        .install(|| {
            pipeline.run(&paths, |o| {
                titles.extend(
                    o.docs
                        .iter()
                        .map(|d| d.meta.title.clone().unwrap_or_default()),
                );
                true
            })
        });
    let expected: Vec<String> = (0..40).map(|i| format!("Headline {i}")).collect();
    assert_eq!(titles, expected);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_sink_that_stops_early_ends_the_run() {
    let dir = std::env::temp_dir().join(format!("ng-stop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    for i in 0..50 {
        std::fs::write(
            dir.join(format!("{i:02}.txt")),
            format!("T{i}\n\nBody {i}.\n"),
        )
        .expect("write");
    }
    let reader = ReaderBuilder::new().build().expect("reader");
    let pipeline = newsgraph_pipeline::PipelineBuilder::new()
        .window(2)
        .build(reader);
    let mut seen = 0;
    pipeline.run(std::slice::from_ref(&dir), |_| {
        seen += 1;
        seen < 3
    });
    assert_eq!(seen, 3);
    std::fs::remove_dir_all(&dir).ok();
}
