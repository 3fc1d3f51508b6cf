//! `newsgraph parse`: news files in, CoNLL-U out.

use crate::read::{self, ReadArgs};
use newsgraph_conllu::{write_sentence, ConlluSentence, ConlluToken, ConlluWord};
use newsgraph_core::Document;
use std::process::ExitCode;

pub fn run(args: &ReadArgs) -> anyhow::Result<ExitCode> {
    read::run_with(args, true, |out, doc| {
        let mut s = String::new();
        write_document(&mut s, doc);
        out.extend_from_slice(s.as_bytes());
    })
}

/// One CoNLL-U document: `# newdoc`, a `# newpar` per paragraph, then the
/// sentences with one line per token.
pub fn write_document(out: &mut String, doc: &Document) {
    out.push_str(&format!("# newdoc id = {}\n", doc.id));
    out.push_str(&format!("# source = {}\n", one_line(&doc.meta.source.path)));
    if let Some(title) = &doc.meta.title {
        out.push_str(&format!("# title = {}\n", one_line(title)));
    }
    let mut para = u32::MAX;
    for (n, sent) in doc.sentences.iter().enumerate() {
        if sent.paragraph != para {
            para = sent.paragraph;
            out.push_str("# newpar\n");
        }
        let range = sent.token_range();
        let base = range.start;
        let mut cs = ConlluSentence {
            id: Some(format!("{}-{}", &doc.id[..doc.id.len().min(8)], n + 1)),
            text: Some(one_line(doc.slice(sent.span))),
            ..ConlluSentence::default()
        };
        for i in range {
            let t = &doc.tokens[i];
            let form = one_line(doc.slice(t.span)).replace(' ', "_");
            let w = doc.words.get(i);
            let (src_start, src_end) = doc.source_span(t.span);
            cs.tokens.push(ConlluToken {
                form: form.clone(),
                words: vec![form.clone()],
                space_after: t.space_after,
            });
            cs.words.push(ConlluWord {
                form,
                lemma: w.map(|w| w.lemma.clone()).unwrap_or_default(),
                upos: w.map(|w| w.upos.clone()).unwrap_or_default(),
                xpos: w.map(|w| w.xpos.clone()).unwrap_or_default(),
                feats: w.map(|w| w.feats.clone()).unwrap_or_default(),
                head: w.filter(|w| !w.deprel.is_empty()).map(|w| match w.head {
                    Some(h) => (h as usize).saturating_sub(base) + 1,
                    None => 0,
                }),
                deprel: w.map(|w| w.deprel.clone()).unwrap_or_default(),
                misc: format!(
                    "TokenRange={}:{}|SourceRange={src_start}:{src_end}",
                    t.span.start, t.span.end
                ),
            });
        }
        write_sentence(out, &cs);
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
