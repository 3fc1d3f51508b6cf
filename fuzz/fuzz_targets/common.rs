//! Shared body of every fuzz target: read `data` (optionally behind a gzip
//! header, with a forced format), segment every document, and check the
//! invariants. Any panic or failed assertion is a finding.

use newsgraph_core::{Annotator, Format};
use newsgraph_ingest::ReaderBuilder;

pub fn check(data: &[u8], format: Option<Format>, gzip: bool) {
    let Ok(reader) = ReaderBuilder::new()
        .format(format)
        .max_bytes(1 << 24)
        .build()
    else {
        return;
    };
    let _ = newsgraph_ingest::sniff(data, "fuzz.txt");
    let input: Vec<u8> = if gzip {
        // Prefix the gzip magic so that the decompressor always runs.
        let mut v = vec![0x1f, 0x8b];
        v.extend_from_slice(data);
        v
    } else {
        data.to_vec()
    };
    let segmenter = newsgraph_segment::SegmenterBuilder::new().build();
    for mut doc in reader
        .read_bytes_records("fuzz", &input)
        .into_iter()
        .flatten()
    {
        segmenter.run(&mut doc);
        assert!(doc.check().is_ok());
        assert!(doc.layout.body.end as usize <= doc.text.len());
        for t in &doc.tokens {
            let (s, e) = doc.source_span(t.span);
            assert!(s <= e && e <= input.len() as u64);
        }
    }
}
