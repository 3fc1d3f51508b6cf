//! Runs newsgraph's stages over streams of inputs.
//!
//! The pipeline reads inputs in small windows, processes each window in
//! parallel (files in parallel, and the documents of a multi-document file in
//! parallel too), and hands results back **in input order**. Memory is bounded
//! by the window, not the corpus: nothing is kept once the caller's callback
//! returns.
#![cfg_attr(not(test), warn(clippy::unwrap_used))]

use newsgraph_core::{Annotator, Document, StageStamp};
use newsgraph_ingest::{IngestError, Input, Reader};
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

/// Bytes of input per thread that one window may hold (see
/// [`PipelineBuilder::window`]).
pub const WINDOW_BYTES_PER_THREAD: u64 = 4 << 20;

/// Version of the ingest stage as stamped on documents.
pub const INGEST_VERSION: &str = concat!("ingest-", env!("CARGO_PKG_VERSION"));

/// What happened to one input: the documents read from it (each through
/// every stage) and the errors, one per record that could not be read (or a
/// single one when the whole input could not be read). Each error's
/// `Display` is one line naming the file and the reason.
#[derive(Debug)]
pub struct Outcome {
    pub label: String,
    /// Bytes of the documents read (their raw slices of the input).
    pub bytes: u64,
    pub docs: Vec<Document>,
    pub errors: Vec<IngestError>,
}

impl Outcome {
    fn failed(label: String, e: IngestError) -> Outcome {
        Outcome {
            label,
            bytes: 0,
            docs: Vec::new(),
            errors: vec![e],
        }
    }
}

/// A stage that panicked on a document (see [`Pipeline::try_annotate`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageFailure {
    pub stage: &'static str,
    /// The panic's message (first line) and where it happened.
    pub reason: String,
}

thread_local! {
    /// Set while a stage runs under [`Pipeline::try_annotate`]: its panics
    /// are reported as one-line errors, not printed by the panic hook.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Where the last quiet panic happened (` at file:line`).
    static LAST_PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Stamps the ingest stage first on a document that lacks it.
fn stamp_ingest(doc: &mut Document) {
    if !doc.stages.iter().any(|s| s.stage == "ingest") {
        doc.stages.insert(
            0,
            StageStamp {
                stage: "ingest".into(),
                version: INGEST_VERSION.into(),
            },
        );
    }
}

/// Wraps the process's panic hook once: panics of stages run by
/// [`Pipeline::try_annotate`] only record where they happened; every
/// other panic is printed as before.
fn install_quiet_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if QUIET.with(|q| q.get()) {
                let at = info
                    .location()
                    .map(|l| format!(" at {}:{}", l.file(), l.line()));
                LAST_PANIC.with(|l| *l.borrow_mut() = at);
            } else {
                previous(info);
            }
        }));
    });
}

/// Builds a [`Pipeline`].
#[derive(Default)]
pub struct PipelineBuilder {
    annotators: Vec<Box<dyn Annotator>>,
    window: Option<usize>,
}

impl std::fmt::Debug for PipelineBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PipelineBuilder")
            .field("stages", &self.annotators.len())
            .finish()
    }
}

impl PipelineBuilder {
    pub fn new() -> PipelineBuilder {
        PipelineBuilder::default()
    }

    /// Appends a stage; stages run in the order they were added.
    pub fn stage(mut self, stage: impl Annotator + 'static) -> PipelineBuilder {
        self.annotators.push(Box::new(stage));
        self
    }

    /// Appends stages built elsewhere (e.g. [`syntax_stages`]), in order.
    pub fn boxed_stages(mut self, stages: Vec<Box<dyn Annotator>>) -> PipelineBuilder {
        self.annotators.extend(stages);
        self
    }

    /// At most how many inputs are read ahead and processed together
    /// (default: 32 per thread). A window also closes once its files add up
    /// to [`WINDOW_BYTES_PER_THREAD`] per thread, so memory stays bounded
    /// whether the corpus is many small files or a few large ones.
    pub fn window(mut self, inputs: usize) -> PipelineBuilder {
        self.window = Some(inputs.max(1));
        self
    }

    pub fn build(self, reader: Reader) -> Pipeline {
        Pipeline {
            reader,
            annotators: self.annotators,
            window: self.window,
        }
    }
}

/// The standard pipeline: every stage that exists, in dependency order.
pub fn standard(reader: Reader) -> Pipeline {
    standard_with_dictionary(reader, None)
}

/// [`standard`] with this actor dictionary (e.g. the shipped layers with a user's layer on
/// top) instead of the shipped one.
pub fn standard_with_dictionary(
    reader: Reader,
    dictionary: Option<Arc<newsgraph_dict::Dictionary>>,
) -> Pipeline {
    let mut b = PipelineBuilder::new().stage(newsgraph_segment::SegmenterBuilder::new().build());
    b.annotators.extend(syntax_stages());
    b.annotators.extend(extraction_stages_with(dictionary));
    b.build(reader)
}

/// The stages that read the parse, in order: named-entity recogniser, actors
/// (chains, roles, codes) and quotes — each built from the model, dictionary
/// and word lists embedded in its crate.
///
/// # Panics
/// Never on content; only if embedded data fails to load, which the crates'
/// own tests rule out for the shipped data.
pub fn extraction_stages() -> Vec<Box<dyn Annotator>> {
    extraction_stages_with(None)
}

/// [`extraction_stages`] with this actor dictionary instead of the shipped one.
pub fn extraction_stages_with(
    dictionary: Option<Arc<newsgraph_dict::Dictionary>>,
) -> Vec<Box<dyn Annotator>> {
    #[allow(clippy::expect_used)]
    let ner = newsgraph_ner::Ner::embedded().expect("embedded NER model loads");
    let mut actors = newsgraph_actors::ActorsBuilder::new();
    if let Some(d) = dictionary {
        actors = actors.dictionary(d);
    }
    #[allow(clippy::expect_used)]
    let actors = actors
        .build()
        .expect("embedded actor dictionary and lexicon load");
    #[allow(clippy::expect_used)]
    let quotes = newsgraph_quote::Quotes::embedded().expect("embedded quote lexicon loads");
    vec![Box::new(ner), Box::new(actors), Box::new(quotes)]
}

/// The stages that run after segmentation, in order: tagger, lemmatiser,
/// parser — each built from the model embedded in its crate, following the
/// default (GUM, news-inclusive) annotation conventions.
pub fn syntax_stages() -> Vec<Box<dyn Annotator>> {
    syntax_stages_with(newsgraph_tag::Style::default())
}

/// [`syntax_stages`] following the given treebank's conventions where EWT
/// and GUM differ (used to score against EWT).
///
/// # Panics
/// Never on content; only if an embedded model fails to load, which the
/// crates' own tests rule out for the shipped models.
pub fn syntax_stages_with(style: newsgraph_tag::Style) -> Vec<Box<dyn Annotator>> {
    #[allow(clippy::expect_used)]
    let tagger = newsgraph_tag::Tagger::embedded()
        .expect("embedded tagger model loads")
        .with_style(style);
    #[allow(clippy::expect_used)]
    let lemmatizer = newsgraph_tag::Lemmatizer::embedded()
        .expect("embedded lemmatizer model loads")
        .with_style(style);
    #[allow(clippy::expect_used)]
    let parser = newsgraph_parse::Parser::new().expect("embedded parser model loads");
    vec![Box::new(tagger), Box::new(lemmatizer), Box::new(parser)]
}

/// A reader and an ordered list of stages.
pub struct Pipeline {
    reader: Reader,
    annotators: Vec<Box<dyn Annotator>>,
    window: Option<usize>,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("stages", &self.stage_names())
            .finish()
    }
}

impl Pipeline {
    pub fn reader(&self) -> &Reader {
        &self.reader
    }

    pub fn stage_names(&self) -> Vec<&'static str> {
        self.annotators.iter().map(|a| a.name()).collect()
    }

    /// Runs every stage over one document.
    pub fn annotate(&self, doc: &mut Document) {
        stamp_ingest(doc);
        for a in &self.annotators {
            a.run(doc);
        }
    }

    /// Runs every stage over one document, like [`annotate`](Self::annotate),
    /// but a stage that panics does not take the caller down: the error
    /// names the stage, and the document is left as that stage left it
    /// (callers drop it).
    pub fn try_annotate(&self, doc: &mut Document) -> Result<(), StageFailure> {
        install_quiet_hook();
        stamp_ingest(doc);
        for a in &self.annotators {
            QUIET.with(|q| q.set(true));
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| a.run(doc)));
            QUIET.with(|q| q.set(false));
            if let Err(payload) = result {
                let message = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "panic".into());
                let at = LAST_PANIC.with(|l| l.take()).unwrap_or_default();
                return Err(StageFailure {
                    stage: a.name(),
                    reason: format!("{}{at}", message.lines().next().unwrap_or("")),
                });
            }
        }
        Ok(())
    }

    /// Reads and processes one input.
    pub fn process_input(&self, input: &Input) -> Outcome {
        let records = self.reader.read_records(input);
        // Documents are large: growing the vector would move each several
        // times (a Reuters file holds a thousand).
        let mut docs = Vec::with_capacity(records.len());
        let mut errors = Vec::new();
        for record in records {
            match record {
                Ok(d) => docs.push(d),
                Err(e) => errors.push(e),
            }
        }
        let failures: Vec<Option<StageFailure>> = docs
            .par_iter_mut()
            .map(|d| self.try_annotate(d).err())
            .collect();
        if failures.iter().any(Option::is_some) {
            let mut failures = failures.into_iter();
            docs.retain(|d| match failures.next().flatten() {
                None => true,
                Some(f) => {
                    errors.push(IngestError::Stage {
                        path: d.meta.source.path.clone(),
                        index: d.meta.source.index,
                        stage: f.stage.to_string(),
                        reason: f.reason,
                    });
                    false
                }
            });
        }
        let bytes = docs.iter().map(|d| d.raw.len() as u64).sum();
        Outcome {
            label: input.label(),
            bytes,
            docs,
            errors,
        }
    }

    /// Processes `paths` (files, directories, `-`) in parallel on the
    /// current rayon pool and calls `sink` once per input, in input order.
    /// `sink` returning `false` stops the run early.
    ///
    /// Directory walking runs on its own thread, ahead of the workers, so that
    /// listing a large corpus overlaps with processing it.
    pub fn run(&self, paths: &[PathBuf], sink: impl FnMut(Outcome) -> bool) {
        self.run_with(paths, |o| o, sink);
    }

    /// Like [`run`](Self::run), but `map` turns each outcome into what the
    /// sink needs (serialised output, counts) on the worker threads, so that
    /// the serial sink does as little as possible and documents are dropped
    /// in parallel.
    pub fn run_with<T: Send>(
        &self,
        paths: &[PathBuf],
        map: impl Fn(Outcome) -> T + Sync,
        mut sink: impl FnMut(T) -> bool,
    ) {
        let threads = rayon::current_num_threads().max(1);
        let window = self.window.unwrap_or(32 * threads);
        let max_bytes = WINDOW_BYTES_PER_THREAD * threads as u64;
        let (tx, rx) = std::sync::mpsc::sync_channel::<(Result<Input, IngestError>, u64)>(4096);
        std::thread::scope(|scope| {
            scope.spawn(move || {
                for item in self.reader.inputs(paths) {
                    let size = match &item {
                        Ok(Input::File(p)) => std::fs::metadata(p).map_or(0, |m| m.len()),
                        _ => 0,
                    };
                    if tx.send((item, size)).is_err() {
                        return; // the consumer stopped early
                    }
                }
            });
            // Owned here so that an early return drops it, which ends the
            // walker's blocked `send` before the scope joins it.
            let rx = rx;
            let mut inputs = rx.iter();
            loop {
                let mut batch: Vec<Result<Input, IngestError>> = Vec::new();
                let mut bytes = 0u64;
                while batch.len() < window && bytes < max_bytes {
                    let Some((item, size)) = inputs.next() else {
                        break;
                    };
                    bytes += size;
                    batch.push(item);
                }
                if batch.is_empty() {
                    return;
                }
                let outcomes: Vec<T> = batch
                    .into_par_iter()
                    .map(|item| {
                        map(match item {
                            Ok(input) => self.process_input(&input),
                            Err(e) => Outcome::failed(String::new(), e),
                        })
                    })
                    .collect();
                for o in outcomes {
                    if !sink(o) {
                        return; // dropping the receiver ends the walker
                    }
                }
            }
        });
    }
}
