#![no_main]
//! Reads arbitrary bytes (reuters); must never panic and must keep every
//! document's invariants.

use libfuzzer_sys::fuzz_target;
#[allow(unused_imports)]
use newsgraph_core::Format;
use newsgraph_ingest::ReaderBuilder;

fuzz_target!(|data: &[u8]| {
    let Ok(reader) = ReaderBuilder::new()
        .format(Some(Format::Reuters))
        .max_bytes(1 << 24)
        .build()
    else {
        return;
    };
    let _ = newsgraph_ingest::sniff(data, "fuzz.txt");
    let input: Vec<u8> = if "reuters" == "gzip" {
        // Prefix the gzip magic so the decompressor always runs.
        let mut v = vec![0x1f, 0x8b];
        v.extend_from_slice(data);
        v
    } else {
        data.to_vec()
    };
    for doc in reader
        .read_bytes_records("fuzz", &input)
        .into_iter()
        .flatten()
    {
        assert!(doc.check().is_ok());
        assert!(doc.layout.body.end as usize <= doc.text.len());
        let _ = doc.source_map.span_to_source(doc.layout.body);
    }
});
