//! Segments the files named on the command line (UTF-8 text, whole file as
//! one body) and prints token and sentence counts: a minimal driver for
//! profiling the segmenter alone (`valgrind --tool=callgrind`).

use newsgraph_core::Span;
use newsgraph_segment::Segmenter;

fn main() {
    let seg = Segmenter::new();
    let (mut tokens, mut sentences, mut bytes) = (0usize, 0usize, 0usize);
    for path in std::env::args().skip(1) {
        match std::fs::read(&path) {
            Ok(raw) => {
                let text = String::from_utf8_lossy(&raw);
                let (s, _) = seg.segment(&text, Span::new(0, text.len()));
                tokens += s.tokens.len();
                sentences += s.sentences.len();
                bytes += text.len();
            }
            Err(e) => eprintln!("{path}: {e}"),
        }
    }
    println!("{bytes} bytes, {sentences} sentences, {tokens} tokens");
}
