//! read_bytes never panics, whatever the bytes and the format.

use newsgraph_core::Format;
use newsgraph_ingest::{sniff, ReaderBuilder};
use proptest::prelude::*;

fn fragments() -> impl Strategy<Value = Vec<u8>> {
    let pieces = prop::collection::vec(
        prop_oneof![
            Just(b"<p>".to_vec()),
            Just(b"</p>".to_vec()),
            Just(b"<REUTERS>".to_vec()),
            Just(b"</REUTERS>".to_vec()),
            Just(b"<TEXT><TITLE>T</TITLE><BODY>".to_vec()),
            Just(b"&amp;".to_vec()),
            Just(b"&#3;".to_vec()),
            Just(b"&#x1F600;".to_vec()),
            Just(b"{\"text\": \"a\\u00e9\\ud83d\"}\n".to_vec()),
            Just(b"\\".to_vec()),
            Just(b" date 2020-01-01 T\n".to_vec()),
            Just(b"\xEF\xBB\xBF".to_vec()),
            Just(b"\xFF\xFE".to_vec()),
            Just(b"\r\n".to_vec()),
            Just(b"LONDON, May 3 - ".to_vec()),
            Just("é’".as_bytes().to_vec()),
            prop::collection::vec(any::<u8>(), 0..8),
            "[a-z <>&;#\"]{0,12}".prop_map(String::into_bytes),
        ],
        0..40,
    );
    pieces.prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        check(&bytes);
    }

    #[test]
    fn markup_soup(bytes in fragments()) {
        check(&bytes);
    }
}

fn check(bytes: &[u8]) {
    let _ = sniff(bytes, "x.html");
    for f in [
        None,
        Some(Format::Seed),
        Some(Format::Text),
        Some(Format::Jsonl),
        Some(Format::Html),
        Some(Format::Reuters),
    ] {
        let r = ReaderBuilder::new().format(f).build().expect("reader");
        for d in r.read_bytes_records("x", bytes).into_iter().flatten() {
            assert!(d.check().is_ok());
            assert!(d.layout.body.end as usize <= d.text.len());
            assert!(d.text.is_char_boundary(d.layout.body.start as usize));
            for i in (0..=d.text.len()).step_by(7) {
                let s = d.source_map.to_source(i);
                assert!(
                    s as usize <= bytes.len() * 2 + 16,
                    "offset {s} out of range"
                );
            }
        }
    }
}
