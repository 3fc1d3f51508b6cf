//! A stage that panics on one document (a bug) costs that document only: it
//! is reported as a one-line error naming the file, the document and the
//! stage, and every other document of the file and of the batch goes on.

use newsgraph_core::{Annotator, Diagnostic, Document};
use newsgraph_ingest::ReaderBuilder;
use newsgraph_pipeline::PipelineBuilder;

/// Panics on any document that mentions BOOM.
struct Fragile;

impl Annotator for Fragile {
    fn name(&self) -> &'static str {
        "fragile"
    }
    fn version(&self) -> &str {
        "fragile-1"
    }
    fn annotate(&self, doc: &mut Document) -> Vec<Diagnostic> {
        if doc.text.contains("BOOM") {
            let empty: Vec<u32> = Vec::new();
            let _ = empty[doc.text.len()]; // an index out of bounds, as a real bug would
        }
        Vec::new()
    }
}

#[test]
fn a_stage_panic_skips_one_document_and_the_batch_goes_on() {
    let dir = std::env::temp_dir().join(format!("ng-stage-failures-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.txt"), "Calm title\n\nNothing happens here.\n").unwrap();
    std::fs::write(dir.join("b.txt"), "Loud title\n\nThen BOOM, it said.\n").unwrap();
    std::fs::write(
        dir.join("c.jsonl"),
        "{\"text\": \"First quiet story.\"}\n{\"text\": \"A BOOM story.\"}\n{\"text\": \"Last quiet story.\"}\n",
    )
    .unwrap();
    let pipeline = PipelineBuilder::new()
        .stage(Fragile)
        .build(ReaderBuilder::new().build().unwrap());
    let mut outcomes = Vec::new();
    pipeline.run(std::slice::from_ref(&dir), |o| {
        outcomes.push(o);
        true
    });
    std::fs::remove_dir_all(&dir).ok();
    outcomes.sort_by(|a, b| a.label.cmp(&b.label));
    let summary: Vec<(usize, usize)> = outcomes
        .iter()
        .map(|o| (o.docs.len(), o.errors.len()))
        .collect();
    assert_eq!(summary, [(1, 0), (0, 1), (2, 1)], "{outcomes:?}");
    let b = outcomes[1].errors[0].to_string();
    assert!(
        b.contains("b.txt: document 0: the fragile stage failed (index out of bounds")
            && b.contains("stage_failures.rs:")
            && b.ends_with("the document was skipped"),
        "{b}"
    );
    assert_eq!(b.lines().count(), 1);
    let c = outcomes[2].errors[0].to_string();
    assert!(
        c.contains("c.jsonl: document 1: the fragile stage failed"),
        "{c}"
    );
    // The documents that went through carry every stage's stamp.
    for d in &outcomes[2].docs {
        assert!(!d.text.contains("BOOM"));
        assert!(d.stages.iter().any(|s| s.stage == "fragile"));
    }
}
