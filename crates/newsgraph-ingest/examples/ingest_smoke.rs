//! Reads every input given on the command line and prints counts, errors,
//! throughput and a source-map spot check.
//! `cargo run --release -p newsgraph-ingest --example ingest_smoke -- DIR...`
use newsgraph_core::Span;
use newsgraph_ingest::ReaderBuilder;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let paths: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let reader = match ReaderBuilder::new().build() {
        Ok(r) => r,
        Err(e) => return eprintln!("{e}"),
    };
    let (mut docs, mut errors, mut bytes, mut checked, mut bad_maps, mut diags) =
        (0usize, 0usize, 0u64, 0usize, 0usize, 0usize);
    let mut load = Vec::new();
    for input in reader.inputs(&paths) {
        match input {
            Ok(i) => {
                let PathBuf { .. } = PathBuf::new();
                if let newsgraph_ingest::Input::File(p) = &i {
                    match std::fs::read(p) {
                        Ok(b) => load.push((i.label(), b)),
                        Err(e) => eprintln!("{e}"),
                    }
                }
            }
            Err(e) => {
                errors += 1;
                eprintln!("{e}");
            }
        }
    }
    let t = Instant::now();
    let mut all = Vec::new();
    for (label, b) in &load {
        bytes += b.len() as u64;
        match reader.read_bytes(label, b) {
            Ok(d) => all.push((b, d)),
            Err(e) => {
                errors += 1;
                eprintln!("{e}");
            }
        }
    }
    let secs = t.elapsed().as_secs_f64();
    for (file, ds) in &all {
        for d in ds {
            docs += 1;
            diags += d.diagnostics.len();
            if let Ok(()) = d.check() {}
            for (i, w) in d.text.split_whitespace().enumerate() {
                if i % 7 != 0 {
                    continue;
                }
                let s = w.as_ptr() as usize - d.text.as_ptr() as usize;
                let (a, b) = d.source_map.span_to_source(Span::new(s, s + w.len()));
                let src = file.get(a as usize..b as usize).unwrap_or(b"");
                checked += 1;
                if src != w.as_bytes() && !src.contains(&b'&') && !src.contains(&b'\\') {
                    bad_maps += 1;
                    if bad_maps < 10 {
                        eprintln!(
                            "map mismatch in {}: {:?} vs {:?}",
                            d.meta.source.path,
                            w,
                            String::from_utf8_lossy(src)
                        );
                    }
                }
            }
        }
    }
    println!(
        "files {} docs {docs} errors {errors} diagnostics {diags} bytes {bytes} secs {secs:.3} MB/s {:.1} map-checked {checked} map-bad {bad_maps}",
        load.len(),
        bytes as f64 / 1e6 / secs
    );
}
