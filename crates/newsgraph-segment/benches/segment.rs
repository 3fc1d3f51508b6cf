//! Segmentation throughput on an invented news text repeated to ~1 MB.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use newsgraph_core::Span;
use newsgraph_segment::Segmenter;
use std::hint::black_box;

const ARTICLE: &str = "    BAGHDAD, Dec 9 (Reuters) - Iraq's Prime Minister said on Thursday that
U.S.-led forces had ended their combat mission, and that 2,500 troops
would stay to train and advise Iraqi forces.
    \"We won't leave Iraq's security to chance,\" Lt. Col. Ahmed al-Nujaba
told reporters. Shares of Acme Inc. rose 3.5% to $1.13bn in New York.

“This is not over,” said Gen. Mark O'Brien, who didn't answer questions
about the non-profit group's finances ... Officials declined to comment.
The ministry's statement, issued at 10:30 a.m. local time, is available at
https://www.example.com/news/2021/12/09 and via press@example.org.

";

pub fn bench(c: &mut Criterion) {
    let mut text = String::with_capacity(1 << 20);
    while text.len() < 1 << 20 {
        text.push_str(ARTICLE);
    }
    let seg = Segmenter::new();
    let mut g = c.benchmark_group("segment");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(20);
    g.bench_function("news_1mb", |b| {
        b.iter(|| {
            let (s, _) = seg.segment(black_box(&text), Span::new(0, text.len()));
            black_box(s.tokens.len())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
