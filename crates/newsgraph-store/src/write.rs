//! Writing: runs, and batches of inputs in one transaction each.

use crate::{dedup, now_rfc3339, stages_json, Offsets, PreparedDoc, Result, Store};
use newsgraph_core::{CharIndex, Span, StageStamp};
use rusqlite::{params, OptionalExtension, Transaction};
use std::collections::{BTreeSet, HashMap};

/// What a run is (stored in `runs`).
#[derive(Clone, Debug, Default)]
pub struct RunInfo {
    pub command: String,
    pub engine_version: String,
    pub stages: Vec<StageStamp>,
    pub args: Vec<String>,
}

/// Running totals of a run, stored on its row at every commit so that a
/// killed run still says how far it got.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunCounts {
    pub inputs: u64,
    pub failed_inputs: u64,
    pub skipped_inputs: u64,
    pub docs_read: u64,
    pub docs_added: u64,
    pub docs_replaced: u64,
    pub docs_unchanged: u64,
    pub bytes: u64,
}

/// A file on disk, identified for resuming by its size and mtime.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputFile {
    pub path: String,
    pub size: u64,
    pub mtime_ns: i64,
}

impl InputFile {
    /// Reads size and mtime of `path`; `None` when it cannot be stat'ed.
    pub fn stat(path: &std::path::Path) -> Option<InputFile> {
        let m = std::fs::metadata(path).ok()?;
        let mtime_ns = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i64);
        Some(InputFile {
            path: path.display().to_string(),
            size: m.len(),
            mtime_ns,
        })
    }
}

/// Everything one input produced.
#[derive(Debug, Default)]
pub struct InputItem {
    /// The file, when the input was one (not stdin): recorded for resuming.
    pub file: Option<InputFile>,
    pub docs: Vec<PreparedDoc>,
    /// Records of this input that could not be read.
    pub errors: u32,
    /// Bytes of the documents read.
    pub bytes: u64,
}

/// What one [`Store::write`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteStats {
    pub added: u64,
    pub replaced: u64,
    pub unchanged: u64,
    /// Added documents linked to an existing story as near-duplicates.
    pub linked: u64,
}

/// Candidates examined per document when linking stories.
const MAX_CANDIDATES: usize = 32;

impl Store {
    /// Records the start of a run; returns its id.
    pub fn begin_run(&mut self, info: &RunInfo) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO runs (command, engine_version, stages, args, started_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                info.command,
                info.engine_version,
                stages_json(&info.stages),
                serde_json::to_string(&info.args).unwrap_or_default(),
                now_rfc3339()
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Records the end of a run with its final counts.
    pub fn finish_run(&mut self, run: i64, counts: &RunCounts, status: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        update_counts(&tx, run, counts)?;
        tx.execute(
            "UPDATE runs SET finished_at = ?2, status = ?3 WHERE id = ?1",
            params![run, now_rfc3339(), status],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// True when `file` was already ingested, unchanged, by the same stage
    /// versions (`stages` as [`stages_json`] renders them).
    pub fn input_is_current(&self, file: &InputFile, stages: &str) -> Result<bool> {
        let row: Option<(i64, i64, String)> = self
            .conn
            .prepare_cached(
                "SELECT i.size, i.mtime_ns, s.stages FROM inputs i
                 JOIN stage_sets s ON s.id = i.stage_set WHERE i.path = ?1",
            )?
            .query_row([&file.path], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        Ok(row.is_some_and(|(size, mtime, st)| {
            size as u64 == file.size && mtime == file.mtime_ns && st == stages
        }))
    }

    /// Writes a batch of inputs in one transaction and updates the run's
    /// counts (`counts` must already include this batch's inputs; its doc
    /// counts are updated here).
    pub fn write(
        &mut self,
        run: i64,
        items: &[InputItem],
        counts: &mut RunCounts,
    ) -> Result<WriteStats> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut stats = WriteStats::default();
        let mut sets = StageSets::default();
        let mut next_id: i64 =
            tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM documents", [], |r| {
                r.get(0)
            })?;
        for item in items {
            for p in &item.docs {
                let set = sets.id(&tx, &p.stages)?;
                write_doc(&tx, self.version, run, p, set, &mut next_id, &mut stats)?;
            }
            if let Some(f) = &item.file {
                // An input that yielded no documents is current for the
                // stage versions of the run that read it.
                let set = match item.docs.first() {
                    Some(p) => sets.id(&tx, &p.stages)?,
                    None => {
                        let stages: String = tx
                            .prepare_cached("SELECT stages FROM runs WHERE id = ?1")?
                            .query_row([run], |r| r.get(0))?;
                        sets.id(&tx, &stages)?
                    }
                };
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO inputs (path, size, mtime_ns, stage_set, run_id, docs, errors)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?
                .execute(params![
                    f.path,
                    f.size as i64,
                    f.mtime_ns,
                    set,
                    run,
                    item.docs.len() as i64,
                    item.errors
                ])?;
            }
        }
        counts.docs_added += stats.added;
        counts.docs_replaced += stats.replaced;
        counts.docs_unchanged += stats.unchanged;
        update_counts(&tx, run, counts)?;
        tx.commit()?;
        Ok(stats)
    }
}

/// Ids of stage sets, inserted on first use and cached for one write.
#[derive(Default)]
struct StageSets(HashMap<String, i64>);

impl StageSets {
    fn id(&mut self, tx: &Transaction<'_>, stages: &str) -> Result<i64> {
        if let Some(&id) = self.0.get(stages) {
            return Ok(id);
        }
        tx.prepare_cached("INSERT OR IGNORE INTO stage_sets (stages) VALUES (?1)")?
            .execute([stages])?;
        let id = tx
            .prepare_cached("SELECT id FROM stage_sets WHERE stages = ?1")?
            .query_row([stages], |r| r.get(0))?;
        self.0.insert(stages.to_string(), id);
        Ok(id)
    }
}

fn update_counts(tx: &Transaction<'_>, run: i64, c: &RunCounts) -> Result<()> {
    tx.prepare_cached(
        "UPDATE runs SET inputs = ?2, failed_inputs = ?3, skipped_inputs = ?4, docs_read = ?5,
             docs_added = ?6, docs_replaced = ?7, docs_unchanged = ?8, bytes = ?9
         WHERE id = ?1",
    )?
    .execute(params![
        run,
        c.inputs as i64,
        c.failed_inputs as i64,
        c.skipped_inputs as i64,
        c.docs_read as i64,
        c.docs_added as i64,
        c.docs_replaced as i64,
        c.docs_unchanged as i64,
        c.bytes as i64
    ])?;
    Ok(())
}

fn opt_span(s: Option<newsgraph_core::Span>) -> (Option<u32>, Option<u32>) {
    (s.map(|s| s.start), s.map(|s| s.end))
}

fn write_doc(
    tx: &Transaction<'_>,
    version: u32,
    run: i64,
    p: &PreparedDoc,
    set: i64,
    next_id: &mut i64,
    stats: &mut WriteStats,
) -> Result<()> {
    let d = &p.doc;
    let existing: Option<(i64, i64)> = tx
        .prepare_cached("SELECT id, stage_set FROM documents WHERE doc_id = ?1")?
        .query_row([&d.id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let id = match existing {
        Some((id, old)) if old == set => {
            stats.unchanged += 1;
            write_source(tx, run, id, p)?;
            return Ok(());
        }
        Some((id, _)) => {
            // Same text, other stage versions: replace every record.
            stats.replaced += 1;
            let groups: Vec<(i64, i64)> = if version >= 3 {
                tx.prepare_cached("SELECT DISTINCT story, dup_key FROM quotes WHERE doc = ?1")?
                    .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?
            } else {
                Vec::new()
            };
            let tables: &[&str] = if version >= 7 {
                &["doc_spans", "doc_tokens", "entities", "quotes"]
            } else if version >= 3 {
                &[
                    "paragraphs",
                    "sentences",
                    "doc_tokens",
                    "mentions",
                    "entities",
                    "quotes",
                ]
            } else {
                &["paragraphs", "sentences", "doc_tokens"]
            };
            for table in tables {
                tx.prepare_cached(&format!("DELETE FROM {table} WHERE doc = ?1"))?
                    .execute([id])?;
            }
            // A statement whose first quote went away is led by its next one
            // (the quotes written below come after every other).
            for (story, key) in groups {
                tx.prepare_cached(
                    "UPDATE quotes SET first = 1 WHERE id = (SELECT min(id) FROM quotes
                         WHERE story = ?1 AND dup_key = ?2)",
                )?
                .execute([story, key])?;
            }
            upsert_document(tx, run, p, set, id, None)?;
            id
        }
        None => {
            let id = *next_id;
            *next_id += 1;
            let story = find_story(tx, p)?;
            if story.is_some() {
                stats.linked += 1;
            }
            stats.added += 1;
            upsert_document(tx, run, p, set, id, Some(story.unwrap_or(id)))?;
            let mut bands =
                tx.prepare_cached("INSERT OR IGNORE INTO story_bands (key, doc) VALUES (?1, ?2)")?;
            for k in &p.band_keys {
                bands.execute(params![k, id])?;
            }
            id
        }
    };
    write_source(tx, run, id, p)?;
    if version >= 7 {
        tx.prepare_cached("INSERT INTO doc_spans (doc, data) VALUES (?1, ?2)")?
            .execute(params![id, p.spans])?;
    } else {
        write_span_rows(tx, id, p, version)?;
    }
    tx.prepare_cached("INSERT INTO doc_tokens (doc, n, data) VALUES (?1, ?2, ?3)")?
        .execute(params![id, d.tokens.len() as i64, p.tokens])?;
    if version >= 3 {
        write_entities_and_quotes(tx, id, p, version)?;
    }
    Ok(())
}

/// Paragraphs, sentences and (schema 3 on) mentions as rows, the layout
/// before schema 7. Only writers opened at an older version (tests of the
/// migrations) take this path, so the offsets are computed here rather
/// than by every [`PreparedDoc`].
fn write_span_rows(tx: &Transaction<'_>, id: i64, p: &PreparedDoc, version: u32) -> Result<()> {
    let d = &p.doc;
    let chars = CharIndex::new(&d.text);
    let offsets = |s: Span| Offsets::of(d, &chars, s);
    let mut para = tx.prepare_cached(
        "INSERT INTO paragraphs (doc, idx, start, \"end\", char_start, char_end, source_start, source_end)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (i, paragraph) in d.paragraphs.iter().enumerate() {
        let o = offsets(paragraph.span);
        para.execute(params![
            id,
            i as i64,
            o.start,
            o.end,
            o.char_start as i64,
            o.char_end as i64,
            o.source_start as i64,
            o.source_end as i64
        ])?;
    }
    let mut sent = tx.prepare_cached(
        "INSERT INTO sentences (doc, idx, paragraph, start, \"end\", char_start, char_end,
             source_start, source_end, token_start, token_end)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    for (i, s) in d.sentences.iter().enumerate() {
        let o = offsets(s.span);
        sent.execute(params![
            id,
            i as i64,
            s.paragraph,
            o.start,
            o.end,
            o.char_start as i64,
            o.char_end as i64,
            o.source_start as i64,
            o.source_end as i64,
            s.tokens.0,
            s.tokens.1
        ])?;
    }
    if version < 3 {
        return Ok(());
    }
    let mut men = tx.prepare_cached(
        "INSERT INTO mentions (doc, entity, idx, kind, start, \"end\", char_start, char_end,
             source_start, source_end, text)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    for (e, entity) in d.entities.iter().enumerate() {
        for (i, m) in entity.mentions.iter().enumerate() {
            let o = offsets(m.span);
            men.execute(params![
                id,
                e as i64,
                i as i64,
                crate::mention_kind_name(m.kind),
                o.start,
                o.end,
                o.char_start as i64,
                o.char_end as i64,
                o.source_start as i64,
                o.source_end as i64,
                m.span.slice(&d.text)
            ])?;
        }
    }
    Ok(())
}

fn write_entities_and_quotes(
    tx: &Transaction<'_>,
    id: i64,
    p: &PreparedDoc,
    version: u32,
) -> Result<()> {
    let d = &p.doc;
    if d.entities.is_empty() && d.quotes.is_empty() {
        return Ok(());
    }
    let mut ent = tx.prepare_cached(
        "INSERT INTO entities (doc, idx, canonical, type, kind, country, actor_code, code_layer,
             code_entry, role, affiliation, n_mentions, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    // From schema 7 on, a version equal to its stage's in the document's
    // stage set is NULL (readers fill it in from the set).
    let stage_version = |stage: &str| {
        d.stages
            .iter()
            .find(|s| s.stage == stage)
            .map(|s| s.version.as_str())
    };
    let written = |v: &str, stage: &str| -> Option<String> {
        (version < 7 || stage_version(stage) != Some(v)).then(|| v.to_string())
    };
    for (i, e) in d.entities.iter().enumerate() {
        ent.execute(params![
            id,
            i as i64,
            e.canonical,
            crate::entity_type_name(e.entity_type),
            e.kind,
            e.country,
            e.actor_code,
            e.code_source.as_ref().map(|c| c.layer.as_str()),
            e.code_source.as_ref().map(|c| c.entry.as_str()),
            e.role,
            e.affiliation,
            e.mentions.len() as i64,
            written(&e.version, "actors")
        ])?;
    }
    if p.quotes.is_empty() {
        return Ok(());
    }
    let (story, published): (i64, Option<String>) = tx
        .prepare_cached("SELECT story_id, published FROM documents WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    // Quotes get ids above every stored one, so a quote is the first of its
    // statement exactly when no other quote of the story has its key.
    let mut quo = tx.prepare_cached(
        "INSERT INTO quotes (doc, idx, story, dup_key, kind, start, \"end\", char_start, char_end,
             source_start, source_end, text, cue_start, cue_end, cue, speaker_start, speaker_end,
             speaker, speaker_entity, speaker_canonical, speaker_code, speaker_country,
             addressee_start, addressee_end, addressee, addressee_entity, paragraph_start,
             paragraph_end, version, published, first)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
             ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30,
             NOT EXISTS (SELECT 1 FROM quotes p WHERE p.story = ?3 AND p.dup_key = ?4))",
    )?;
    let mut tgt = tx.prepare_cached(
        "INSERT OR IGNORE INTO quote_targets (quote, entity, canonical) VALUES (?1, ?2, ?3)",
    )?;
    for (q, r) in d.quotes.iter().zip(&p.quotes) {
        let o = &r.offsets;
        let part = |x: &Option<(newsgraph_core::Span, String)>| {
            (
                x.as_ref().map(|(s, _)| s.start),
                x.as_ref().map(|(s, _)| s.end),
                x.as_ref().map(|(_, t)| t.clone()),
            )
        };
        let (cs, ce, ct) = part(&r.cue);
        let (ss, se, st) = part(&r.speaker);
        let (as_, ae, at) = part(&r.addressee);
        quo.execute(params![
            id,
            r.idx,
            story,
            r.dup_key,
            r.kind,
            o.start,
            o.end,
            o.char_start as i64,
            o.char_end as i64,
            o.source_start as i64,
            o.source_end as i64,
            // From schema 7 on, only words that are not the span's bytes.
            (version < 7 || d.text.get(o.start as usize..o.end as usize) != Some(r.text.as_str()))
                .then_some(r.text.as_str()),
            cs,
            ce,
            ct,
            ss,
            se,
            st,
            q.speaker_entity,
            r.speaker_canonical,
            r.speaker_code,
            r.speaker_country,
            as_,
            ae,
            at,
            q.addressee_entity,
            q.paragraphs.0,
            q.paragraphs.1,
            written(&q.version, "quote"),
            published
        ])?;
        let qid = tx.last_insert_rowid();
        // The few interrupted quotes get their pieces (schema 5 on), the
        // mixed ones their clause (schema 6 on).
        if let (Some(parts), true) = (&r.parts, version >= 5) {
            tx.prepare_cached("UPDATE quotes SET parts = ?2 WHERE id = ?1")?
                .execute(params![qid, parts])?;
        }
        if let (Some((span, text)), true) = (&r.clause, version >= 6) {
            tx.prepare_cached(
                "UPDATE quotes SET clause_start = ?2, clause_end = ?3, clause = ?4 WHERE id = ?1",
            )?
            .execute(params![
                qid,
                span.start,
                span.end,
                (version < 7).then_some(text)
            ])?;
        }
        for (e, canonical) in &r.targets {
            tgt.execute(params![qid, e, canonical])?;
        }
    }
    Ok(())
}

fn write_source(tx: &Transaction<'_>, run: i64, id: i64, p: &PreparedDoc) -> Result<()> {
    let s = &p.doc.meta.source;
    tx.prepare_cached(
        "INSERT OR REPLACE INTO document_sources (path, idx, doc, offset, url, external_id, run_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        s.path,
        s.index,
        id,
        s.offset as i64,
        s.url,
        s.external_id,
        run
    ])?;
    Ok(())
}

/// Inserts (when `story` is given) or updates the document row `id`.
fn upsert_document(
    tx: &Transaction<'_>,
    run: i64,
    p: &PreparedDoc,
    set: i64,
    id: i64,
    story: Option<i64>,
) -> Result<()> {
    let d = &p.doc;
    let m = &d.meta;
    let (ts, te) = opt_span(d.layout.title);
    let (bs, be) = opt_span(d.layout.byline);
    let (ds, de) = opt_span(d.layout.dateline);
    let published = m.published.map(|x| x.to_string());
    let values = params![
        id,
        d.id,
        story.unwrap_or(0),
        run,
        set,
        m.source.path,
        m.source.index,
        m.source.offset as i64,
        m.source.url,
        m.source.external_id,
        m.format.map(|f| f.name()),
        m.encoding,
        m.language,
        m.outlet,
        m.title,
        m.byline,
        published,
        m.published_raw,
        m.dateline_place,
        ts,
        te,
        bs,
        be,
        ds,
        de,
        d.layout.body.start,
        d.layout.body.end,
        d.text.len() as i64,
        p.chars as i64,
        d.paragraphs.len() as i64,
        d.sentences.len() as i64,
        d.tokens.len() as i64,
        p.diagnostics,
        d.source_map.base as i64,
        p.source_map,
        d.text,
    ];
    if story.is_some() {
        tx.prepare_cached(
            "INSERT INTO documents (id, doc_id, story_id, run_id, stage_set, source_path, source_index,
                 source_offset, url, external_id, format, encoding, language, outlet, title, byline,
                 published, published_raw, dateline_place, title_start, title_end, byline_start,
                 byline_end, dateline_start, dateline_end, body_start, body_end, bytes, chars,
                 n_paragraphs, n_sentences, n_tokens, diagnostics, source_base, source_map, text)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33,
                 ?34, ?35, ?36)",
        )?
        .execute(values)?;
    } else {
        // ?2 (doc_id), ?3 (story) and ?36 (text) are unchanged: same text.
        tx.prepare_cached(
            "UPDATE documents SET run_id = ?4, stage_set = ?5, source_path = ?6, source_index = ?7,
                 source_offset = ?8, url = ?9, external_id = ?10, format = ?11, encoding = ?12,
                 language = ?13, outlet = ?14, title = ?15, byline = ?16, published = ?17,
                 published_raw = ?18, dateline_place = ?19, title_start = ?20, title_end = ?21,
                 byline_start = ?22, byline_end = ?23, dateline_start = ?24, dateline_end = ?25,
                 body_start = ?26, body_end = ?27, bytes = ?28, chars = ?29, n_paragraphs = ?30,
                 n_sentences = ?31, n_tokens = ?32, diagnostics = ?33, source_base = ?34,
                 source_map = ?35
             WHERE id = ?1 AND doc_id = ?2 AND ?3 = ?3 AND ?36 = ?36",
        )?
        .execute(values)?;
    }
    Ok(())
}

/// The story of the most similar earlier document, if any is a near-duplicate.
fn find_story(tx: &Transaction<'_>, p: &PreparedDoc) -> Result<Option<i64>> {
    if p.band_keys.is_empty() {
        return Ok(None);
    }
    let mut candidates = BTreeSet::new();
    let mut stmt = tx.prepare_cached("SELECT doc FROM story_bands WHERE key = ?1 LIMIT 64")?;
    for k in &p.band_keys {
        let rows = stmt.query_map([k], |r| r.get::<_, i64>(0))?;
        for r in rows {
            candidates.insert(r?);
        }
    }
    let mut best: Option<(f64, i64)> = None;
    let mut load = tx.prepare_cached(
        "SELECT story_id, substr(CAST(text AS BLOB), body_start + 1, body_end - body_start)
         FROM documents WHERE id = ?1",
    )?;
    for c in candidates.into_iter().take(MAX_CANDIDATES) {
        let row: Option<(i64, Vec<u8>)> = load
            .query_row([c], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((story, body)) = row else { continue };
        let body = String::from_utf8_lossy(&body);
        if let Some(j) = dedup::similar(&p.shingles, &dedup::shingles(&body)) {
            if best.is_none_or(|(bj, _)| j > bj) {
                best = Some((j, story));
            }
        }
    }
    Ok(best.map(|(_, s)| s))
}
