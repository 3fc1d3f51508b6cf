//! The schema, as a list of numbered forward migrations.
//!
//! `PRAGMA user_version` holds the number of migrations applied. Opening a
//! store applies the missing ones in order, all in one transaction, so a file
//! is always at some exact version. A later record type (entities, quotes,
//! events, …) is a new migration appended here; existing steps are never
//! edited once released, because files in the field were made by them.

use crate::{Result, StoreError};
use rusqlite::{params, Connection, Transaction};

/// One forward step: the version it brings the file to, its SQL, and for
/// the steps SQL cannot express, a Rust step and more SQL run after it.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
    pub rust: Option<fn(&Transaction<'_>) -> Result<()>>,
    pub sql_after: &'static str,
}

/// Every migration, in order. `MIGRATIONS[i].version == i + 1`.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "documents, sources, paragraphs, sentences, tokens, runs, stage sets, inputs, story bands",
        sql: r#"
-- Each distinct list of stage stamps, stored once (documents and inputs
-- point here instead of repeating a few hundred bytes of JSON each).
CREATE TABLE stage_sets (
    id              INTEGER PRIMARY KEY,
    stages          TEXT NOT NULL UNIQUE        -- JSON [{"stage": …, "version": …}]
);

CREATE TABLE runs (
    id              INTEGER PRIMARY KEY,
    command         TEXT NOT NULL,
    engine_version  TEXT NOT NULL,
    stages          TEXT NOT NULL,              -- JSON [{"stage": …, "version": …}]
    args            TEXT,                       -- JSON array of the command line
    started_at      TEXT NOT NULL,              -- RFC 3339, UTC
    finished_at     TEXT,                       -- NULL while running (or when killed)
    status          TEXT NOT NULL DEFAULT 'running', -- running | finished | failed
    inputs          INTEGER NOT NULL DEFAULT 0,
    failed_inputs   INTEGER NOT NULL DEFAULT 0,
    skipped_inputs  INTEGER NOT NULL DEFAULT 0,
    docs_read       INTEGER NOT NULL DEFAULT 0,
    docs_added      INTEGER NOT NULL DEFAULT 0,
    docs_replaced   INTEGER NOT NULL DEFAULT 0,
    docs_unchanged  INTEGER NOT NULL DEFAULT 0,
    bytes           INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE documents (
    id              INTEGER PRIMARY KEY,        -- internal row id (foreign keys, FTS)
    doc_id          TEXT NOT NULL UNIQUE,       -- content hash of `text` (Document::id)
    story_id        INTEGER NOT NULL,           -- documents.id of the first article of its story
    run_id          INTEGER NOT NULL REFERENCES runs(id),
    stage_set       INTEGER NOT NULL REFERENCES stage_sets(id), -- stages that made the records
    source_path     TEXT NOT NULL,              -- first place it was seen (all: document_sources)
    source_index    INTEGER NOT NULL,
    source_offset   INTEGER NOT NULL,
    url             TEXT,
    external_id     TEXT,
    format          TEXT,
    encoding        TEXT NOT NULL,
    language        TEXT NOT NULL,
    outlet          TEXT,
    title           TEXT,
    byline          TEXT,
    published       TEXT,                       -- YYYY-MM-DD
    published_raw   TEXT,
    dateline_place  TEXT,
    title_start     INTEGER, title_end    INTEGER,
    byline_start    INTEGER, byline_end   INTEGER,
    dateline_start  INTEGER, dateline_end INTEGER,
    body_start      INTEGER NOT NULL, body_end INTEGER NOT NULL,
    bytes           INTEGER NOT NULL,           -- length of `text` in bytes
    chars           INTEGER NOT NULL,           -- length of `text` in code points
    n_paragraphs    INTEGER NOT NULL,
    n_sentences     INTEGER NOT NULL,
    n_tokens        INTEGER NOT NULL,
    diagnostics     TEXT,                       -- JSON array, NULL when none
    source_base     INTEGER NOT NULL,           -- SourceMap::base
    source_map      BLOB,                       -- SourceMap pieces (NULL: identity + base)
    text            TEXT NOT NULL
);
-- Newest first (NULLs, the undated, sort last in DESC), then ingest order:
-- the order of document lists, so a page reads only its own rows.
CREATE INDEX documents_published ON documents(published DESC, id);
CREATE INDEX documents_story ON documents(story_id, id);

-- Every place a document was seen: exact duplicates are stored once, with
-- all their sightings kept here.
CREATE TABLE document_sources (
    path            TEXT NOT NULL,
    idx             INTEGER NOT NULL,
    doc             INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    offset          INTEGER NOT NULL,
    url             TEXT,
    external_id     TEXT,
    run_id          INTEGER NOT NULL REFERENCES runs(id),
    PRIMARY KEY (path, idx)
) WITHOUT ROWID;
CREATE INDEX document_sources_doc ON document_sources(doc);

CREATE TABLE paragraphs (
    doc             INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx             INTEGER NOT NULL,
    start           INTEGER NOT NULL, "end"       INTEGER NOT NULL,
    char_start      INTEGER NOT NULL, char_end    INTEGER NOT NULL,
    source_start    INTEGER NOT NULL, source_end  INTEGER NOT NULL,
    PRIMARY KEY (doc, idx)
) WITHOUT ROWID;

CREATE TABLE sentences (
    doc             INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx             INTEGER NOT NULL,
    paragraph       INTEGER NOT NULL,
    start           INTEGER NOT NULL, "end"       INTEGER NOT NULL,
    char_start      INTEGER NOT NULL, char_end    INTEGER NOT NULL,
    source_start    INTEGER NOT NULL, source_end  INTEGER NOT NULL,
    token_start     INTEGER NOT NULL, token_end   INTEGER NOT NULL,
    PRIMARY KEY (doc, idx)
) WITHOUT ROWID;

-- Tokens are many and small: one compact blob per document (see codec.rs),
-- expanded to one row per token by exports and the API.
CREATE TABLE doc_tokens (
    doc             INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    n               INTEGER NOT NULL,
    data            BLOB NOT NULL
);

-- Files already ingested, for resuming: a file whose size, mtime and stage
-- versions are unchanged is skipped.
CREATE TABLE inputs (
    path            TEXT PRIMARY KEY,
    size            INTEGER NOT NULL,
    mtime_ns        INTEGER NOT NULL,
    stage_set       INTEGER NOT NULL REFERENCES stage_sets(id),
    run_id          INTEGER NOT NULL REFERENCES runs(id),
    docs            INTEGER NOT NULL,
    errors          INTEGER NOT NULL
) WITHOUT ROWID;

-- MinHash LSH band keys for near-duplicate (story) linking.
CREATE TABLE story_bands (
    key             INTEGER NOT NULL,
    doc             INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    PRIMARY KEY (key, doc)
) WITHOUT ROWID;
"#,
        rust: None,
        sql_after: "",
    },
    Migration {
        version: 2,
        name: "full-text index over title and text",
        sql: r#"
CREATE VIRTUAL TABLE documents_fts USING fts5(
    title, text,
    content = 'documents', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, text ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
INSERT INTO documents_fts(documents_fts) VALUES ('rebuild');
"#,
        rust: None,
        sql_after: "",
    },
    Migration {
        version: 3,
        name: "entities, mentions, quotes (with story-level duplicate keys), quote targets and a full-text index over quotes",
        sql: r#"
-- One row per entity of a document (Document::entities[idx]).
CREATE TABLE entities (
    doc             INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx             INTEGER NOT NULL,
    canonical       TEXT NOT NULL,
    type            TEXT NOT NULL,              -- PERSON | ORG | LOC | NORP | EVENT | MISC
    kind            TEXT,                       -- ORG kind or LOC subtype
    country         TEXT,                       -- ISO 3166-1 alpha-3
    actor_code      TEXT,                       -- CAMEO/PLOVER-style (IRQREB)
    code_layer      TEXT,                       -- dictionary layer@version, or `rule`
    code_entry      TEXT,                       -- the entry (or rule) that gave the code
    role            TEXT,
    affiliation     INTEGER,                    -- idx of another entity of the same document
    n_mentions      INTEGER NOT NULL,
    version         TEXT NOT NULL,              -- the producing stage's version
    PRIMARY KEY (doc, idx)
) WITHOUT ROWID;
-- Covering for actor lists and summaries (grouped by canonical name).
CREATE INDEX entities_canonical ON entities(canonical, doc, n_mentions, type, actor_code, country);
CREATE INDEX entities_code ON entities(actor_code);

-- Every mention of every entity, with its text (mentions are short).
CREATE TABLE mentions (
    doc             INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    entity          INTEGER NOT NULL,           -- entities.idx
    idx             INTEGER NOT NULL,           -- position among the entity's mentions
    kind            TEXT NOT NULL,              -- name | short | acronym | … | pronoun
    start           INTEGER NOT NULL, "end"       INTEGER NOT NULL,
    char_start      INTEGER NOT NULL, char_end    INTEGER NOT NULL,
    source_start    INTEGER NOT NULL, source_end  INTEGER NOT NULL,
    text            TEXT NOT NULL,
    PRIMARY KEY (doc, entity, idx)
) WITHOUT ROWID;

-- One row per quote of a document (Document::quotes[idx]). `dup_key` hashes
-- the normalised content and the speaker; quotes of one story with the same
-- key are one statement, and every row stays as evidence. `first` marks the
-- statement's first quote (the lowest id of its story and key): lists show
-- it, with the count.
CREATE TABLE quotes (
    id              INTEGER PRIMARY KEY,        -- internal row id (FTS)
    doc             INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx             INTEGER NOT NULL,
    story           INTEGER NOT NULL,           -- documents.story_id of `doc`
    dup_key         INTEGER NOT NULL,
    first           INTEGER NOT NULL,           -- 1 for the first quote of its statement
    published       TEXT,                       -- documents.published of `doc`
    kind            TEXT NOT NULL,              -- direct | mixed | indirect
    start           INTEGER NOT NULL, "end"       INTEGER NOT NULL,  -- the content
    char_start      INTEGER NOT NULL, char_end    INTEGER NOT NULL,
    source_start    INTEGER NOT NULL, source_end  INTEGER NOT NULL,
    text            TEXT NOT NULL,
    cue_start       INTEGER, cue_end      INTEGER, cue       TEXT,
    speaker_start   INTEGER, speaker_end  INTEGER, speaker   TEXT,
    speaker_entity  INTEGER,                    -- entities.idx
    speaker_canonical TEXT,                     -- copied from the entity, for filtering
    speaker_code    TEXT,
    speaker_country TEXT,
    addressee_start INTEGER, addressee_end INTEGER, addressee TEXT,
    addressee_entity INTEGER,
    paragraph_start INTEGER NOT NULL, paragraph_end INTEGER NOT NULL,
    version         TEXT NOT NULL,
    UNIQUE (doc, idx)
);
CREATE INDEX quotes_group ON quotes(story, dup_key, id);
CREATE INDEX quotes_list ON quotes(first, published DESC, id);
CREATE INDEX quotes_speaker ON quotes(speaker_canonical, first);
CREATE INDEX quotes_code ON quotes(speaker_code);

-- The entities named in each quote (a mention inside its content), other
-- than the speaker: the edges of "who quotes whom".
CREATE TABLE quote_targets (
    quote           INTEGER NOT NULL REFERENCES quotes(id) ON DELETE CASCADE,
    entity          INTEGER NOT NULL,           -- entities.idx
    canonical       TEXT NOT NULL,
    PRIMARY KEY (quote, entity)
) WITHOUT ROWID;
CREATE INDEX quote_targets_canonical ON quote_targets(canonical);

CREATE VIRTUAL TABLE quotes_fts USING fts5(
    text,
    content = 'quotes', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER quotes_fts_insert AFTER INSERT ON quotes BEGIN
    INSERT INTO quotes_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER quotes_fts_delete AFTER DELETE ON quotes BEGIN
    INSERT INTO quotes_fts(quotes_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER quotes_fts_update AFTER UPDATE OF text ON quotes BEGIN
    INSERT INTO quotes_fts(quotes_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO quotes_fts(rowid, text) VALUES (new.id, new.text);
END;
"#,
        rust: None,
        sql_after: "",
    },
    Migration {
        version: 4,
        name: "speaker names for part-of-name filters; quote lists covered by their index",
        sql: r#"
-- Every distinct speaker name: an entity's canonical name (entity = 1), or
-- the words as written for a quote whose speaker has no entity (entity = 0).
-- A part-of-name filter finds the names in the trigram index below, then
-- the quotes by index, instead of looking at every quote's speaker. Names
-- stay when their quotes go: a stale name simply matches nothing.
CREATE TABLE speaker_names (
    id              INTEGER PRIMARY KEY,
    entity          INTEGER NOT NULL,
    name            TEXT NOT NULL,
    UNIQUE (entity, name)
);
-- Substrings of three or more characters are looked up, not scanned
-- (`name LIKE '%part%'` on this table).
CREATE VIRTUAL TABLE speaker_names_fts USING fts5(
    name,
    content = 'speaker_names', content_rowid = 'id',
    tokenize = 'trigram'
);
CREATE TRIGGER speaker_names_fts_insert AFTER INSERT ON speaker_names BEGIN
    INSERT INTO speaker_names_fts(rowid, name) VALUES (new.id, new.name);
END;
INSERT OR IGNORE INTO speaker_names (entity, name)
    SELECT 1, speaker_canonical FROM quotes WHERE speaker_canonical IS NOT NULL;
INSERT OR IGNORE INTO speaker_names (entity, name)
    SELECT 0, speaker FROM quotes WHERE speaker_canonical IS NULL AND speaker IS NOT NULL;
CREATE TRIGGER quotes_speaker_names AFTER INSERT ON quotes BEGIN
    INSERT OR IGNORE INTO speaker_names (entity, name)
        SELECT 1, new.speaker_canonical WHERE new.speaker_canonical IS NOT NULL;
    INSERT OR IGNORE INTO speaker_names (entity, name)
        SELECT 0, new.speaker WHERE new.speaker_canonical IS NULL AND new.speaker IS NOT NULL;
END;
-- Quotes whose speaker has no entity, by the words as written.
CREATE INDEX quotes_written_speaker ON quotes(speaker) WHERE speaker_canonical IS NULL;
-- The list index also carries the code and country, so that code, sector
-- and country filters are checked on the index while walking it newest
-- first, without reading each quote's row.
DROP INDEX quotes_list;
CREATE INDEX quotes_list ON quotes(first, published DESC, id, speaker_code, speaker_country);
-- Code-prefix filters read a range of this index, with what the list needs
-- to count and order the rows.
DROP INDEX quotes_code;
CREATE INDEX quotes_code ON quotes(speaker_code, first, published);
"#,
        rust: None,
        sql_after: "",
    },
    Migration {
        version: 5,
        name: "the pieces of a quote interrupted by its attribution",
        sql: r#"
-- JSON `[[start, end], …]`: byte spans of the content's pieces when the
-- attribution interrupts it (`“…,” he said, “…”`); NULL for one piece.
-- `text` then holds the pieces joined by ` … `.
ALTER TABLE quotes ADD COLUMN parts TEXT;
"#,
        rust: None,
        sql_after: "",
    },
    Migration {
        version: 6,
        name: "the reported clause around a mixed quote's quoted words",
        sql: r#"
-- Byte span and text of the whole reported clause that holds a mixed
-- quote's quoted words (`Quote::clause`); NULL for other quotes.
ALTER TABLE quotes ADD COLUMN clause_start INTEGER;
ALTER TABLE quotes ADD COLUMN clause_end INTEGER;
ALTER TABLE quotes ADD COLUMN clause TEXT;
"#,
        rust: None,
        sql_after: "",
    },
    Migration {
        version: 7,
        name: "a smaller store: record versions from the stage set, quote words from the document, paragraphs, sentences and mentions as one blob per document",
        sql: r#"
-- Each stage set's versions by stage, for readers to look one up by index
-- (kept by a trigger).
CREATE TABLE stage_versions (
    stage_set       INTEGER NOT NULL REFERENCES stage_sets(id),
    stage           TEXT NOT NULL,
    version         TEXT NOT NULL,
    PRIMARY KEY (stage_set, stage)
) WITHOUT ROWID;
INSERT OR IGNORE INTO stage_versions (stage_set, stage, version)
    SELECT s.id, json_extract(j.value, '$.stage'), json_extract(j.value, '$.version')
    FROM stage_sets s, json_each(s.stages) j
    WHERE json_extract(j.value, '$.stage') IS NOT NULL
        AND json_extract(j.value, '$.version') IS NOT NULL;
CREATE TRIGGER stage_sets_versions AFTER INSERT ON stage_sets BEGIN
    INSERT OR IGNORE INTO stage_versions (stage_set, stage, version)
        SELECT new.id, json_extract(j.value, '$.stage'), json_extract(j.value, '$.version')
        FROM json_each(new.stages) j
        WHERE json_extract(j.value, '$.stage') IS NOT NULL
            AND json_extract(j.value, '$.version') IS NOT NULL;
END;

-- An entity's or quote's `version` is NULL when it is the version of the
-- stage (`actors`, `quote`) in its document's stage set, which it nearly
-- always is: the string was most of an entity row. Readers take
-- coalesce(version, the stage set's version).
ALTER TABLE entities RENAME COLUMN version TO version_written;
ALTER TABLE entities ADD COLUMN version TEXT;
UPDATE entities SET version = version_written
    WHERE version_written IS NOT (
        SELECT v.version FROM documents d
            JOIN stage_versions v ON v.stage_set = d.stage_set AND v.stage = 'actors'
        WHERE d.id = entities.doc);
ALTER TABLE entities DROP COLUMN version_written;
ALTER TABLE quotes RENAME COLUMN version TO version_written;
ALTER TABLE quotes ADD COLUMN version TEXT;
UPDATE quotes SET version = version_written
    WHERE version_written IS NOT (
        SELECT v.version FROM documents d
            JOIN stage_versions v ON v.stage_set = d.stage_set AND v.stage = 'quote'
        WHERE d.id = quotes.doc);
ALTER TABLE quotes DROP COLUMN version_written;

-- Most entities have no actor code: index only those that do.
DROP INDEX entities_code;
CREATE INDEX entities_code ON entities(actor_code) WHERE actor_code IS NOT NULL;

-- A quote's words are the document's bytes at its span: `text` is kept
-- only where it is not that (the pieces of an interrupted quote joined by
-- ` … `), `clause` never. The quote index is then contentless (it is given
-- the words when a quote is written, and forgets a quote by its id; it
-- keeps positions, for phrases and ranking).
DROP TRIGGER quotes_fts_insert;
DROP TRIGGER quotes_fts_delete;
DROP TRIGGER quotes_fts_update;
DROP TABLE quotes_fts;
CREATE VIRTUAL TABLE quotes_fts USING fts5(
    text,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO quotes_fts(rowid, text) SELECT id, text FROM quotes;
ALTER TABLE quotes RENAME COLUMN text TO text_written;
ALTER TABLE quotes ADD COLUMN text TEXT;
UPDATE quotes SET text = text_written WHERE text_written IS NOT (
    SELECT CAST(substr(CAST(d.text AS BLOB), quotes.start + 1, quotes."end" - quotes.start) AS TEXT)
    FROM documents d WHERE d.id = quotes.doc);
ALTER TABLE quotes DROP COLUMN text_written;
UPDATE quotes SET clause = NULL WHERE clause IS (
    SELECT CAST(substr(CAST(d.text AS BLOB), quotes.clause_start + 1,
        quotes.clause_end - quotes.clause_start) AS TEXT)
    FROM documents d WHERE d.id = quotes.doc);
CREATE TRIGGER quotes_fts_insert AFTER INSERT ON quotes BEGIN
    INSERT INTO quotes_fts(rowid, text)
        SELECT new.id, coalesce(new.text,
            CAST(substr(CAST(d.text AS BLOB), new.start + 1, new."end" - new.start) AS TEXT))
        FROM documents d WHERE d.id = new.doc;
END;
CREATE TRIGGER quotes_fts_delete AFTER DELETE ON quotes BEGIN
    DELETE FROM quotes_fts WHERE rowid = old.id;
END;

-- Paragraphs, sentences and mentions: one blob per document (see
-- codec::DocSpans) instead of a row of about 35 bytes each. Only byte
-- spans are kept; char and source offsets come from the text and source
-- map, a mention's words from the text. Filled from the old rows by
-- `spans_to_blobs`, after which the old tables go.
CREATE TABLE doc_spans (
    doc             INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    data            BLOB NOT NULL
);
"#,
        rust: Some(spans_to_blobs),
        sql_after: "
DROP TABLE paragraphs;
DROP TABLE sentences;
DROP TABLE mentions;
",
    },
];

/// Migration 7's Rust step: each document's paragraph, sentence and
/// mention rows become its `doc_spans` blob.
fn spans_to_blobs(tx: &Transaction<'_>) -> Result<()> {
    use crate::codec::{DocSpans, MentionSpan, SentenceSpan};
    use newsgraph_core::Span;
    let docs: Vec<i64> = tx
        .prepare("SELECT id FROM documents ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut paragraphs =
        tx.prepare("SELECT start, \"end\" FROM paragraphs WHERE doc = ?1 ORDER BY idx")?;
    let mut sentences = tx.prepare(
        "SELECT paragraph, start, \"end\", token_start, token_end FROM sentences
         WHERE doc = ?1 ORDER BY idx",
    )?;
    let mut mentions = tx.prepare(
        "SELECT entity, idx, kind, start, \"end\" FROM mentions WHERE doc = ?1
         ORDER BY entity, idx",
    )?;
    let mut insert = tx.prepare("INSERT INTO doc_spans (doc, data) VALUES (?1, ?2)")?;
    for doc in docs {
        let spans = DocSpans {
            paragraphs: paragraphs
                .query_map([doc], |r| {
                    Ok(Span {
                        start: r.get(0)?,
                        end: r.get(1)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?,
            sentences: sentences
                .query_map([doc], |r| {
                    Ok(SentenceSpan {
                        paragraph: r.get(0)?,
                        span: Span {
                            start: r.get(1)?,
                            end: r.get(2)?,
                        },
                        tokens: (r.get(3)?, r.get(4)?),
                    })
                })?
                .collect::<rusqlite::Result<_>>()?,
            mentions: mentions
                .query_map([doc], |r| {
                    let kind: String = r.get(2)?;
                    Ok(MentionSpan {
                        entity: r.get(0)?,
                        idx: r.get(1)?,
                        // Every stored kind was written by `mention_kind_name`,
                        // whose names the codec knows.
                        kind: crate::codec::mention_kind(&kind).unwrap_or("name"),
                        span: Span {
                            start: r.get(3)?,
                            end: r.get(4)?,
                        },
                    })
                })?
                .collect::<rusqlite::Result<_>>()?,
        };
        insert.execute(params![doc, spans.encode()])?;
    }
    Ok(())
}

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// The version a file is at.
pub fn version(conn: &Connection) -> Result<u32> {
    let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    Ok(u32::try_from(v).unwrap_or(u32::MAX))
}

/// Brings the file up to `target` (at most [`SCHEMA_VERSION`]); returns the
/// version it was at. All missing steps run in one immediate transaction.
pub fn migrate_to(conn: &mut Connection, target: u32) -> Result<u32> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let from = version(&tx)?;
    if from > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            found: from,
            supported: SCHEMA_VERSION,
        });
    }
    for m in MIGRATIONS
        .iter()
        .filter(|m| m.version > from && m.version <= target)
    {
        let failed = |e: &dyn std::fmt::Display| StoreError::Migration {
            version: m.version,
            reason: e.to_string(),
        };
        tx.execute_batch(m.sql).map_err(|e| failed(&e))?;
        if let Some(step) = m.rust {
            step(&tx).map_err(|e| failed(&e))?;
        }
        tx.execute_batch(m.sql_after).map_err(|e| failed(&e))?;
        tx.pragma_update(None, "user_version", m.version)?;
    }
    tx.commit()?;
    Ok(from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1, "{}", m.name);
        }
    }
}
