#!/usr/bin/env python3
"""Reads a store's CSV and Parquet exports back with pandas, pyarrow and DuckDB.

Usage: check_exports.py STORE.db CSV_DIR PARQUET_DIR

Checks that every table has as many rows as the store holds, in both formats
and through each reader, and that the Parquet columns have their types; that
sentence, mention and quote texts are their spans of the document text; and
that quote evidence counts agree with the rows. Entity, mention and quote
tables may be empty (a store made before those stages ran): the checks then
only cover the file shapes. Exits non-zero with one line per problem.
"""
import sqlite3
import sys

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

db, csv_dir, pq_dir = sys.argv[1:4]
store = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
one = lambda sql: store.execute(sql).fetchone()[0]
expected = {
    "documents": one("SELECT count(*) FROM documents"),
    "document_sources": one("SELECT count(*) FROM document_sources"),
    # Paragraphs, sentences and mentions live in per-document blobs; the
    # documents and entities rows count them.
    "paragraphs": one("SELECT coalesce(sum(n_paragraphs), 0) FROM documents"),
    "sentences": one("SELECT coalesce(sum(n_sentences), 0) FROM documents"),
    "tokens": one("SELECT coalesce(sum(n), 0) FROM doc_tokens"),
    "entities": one("SELECT count(*) FROM entities"),
    "mentions": one("SELECT coalesce(sum(n_mentions), 0) FROM entities"),
    "quotes": one("SELECT count(*) FROM quotes"),
    "runs": one("SELECT count(*) FROM runs"),
}
types = {
    ("documents", "doc_id"): pa.string(),
    ("documents", "published"): pa.date32(),
    ("documents", "bytes"): pa.int64(),
    ("documents", "text"): pa.string(),
    ("sentences", "start"): pa.int64(),
    ("sentences", "char_end"): pa.int64(),
    ("sentences", "source_start"): pa.int64(),
    ("sentences", "version"): pa.string(),
    ("tokens", "space_after"): pa.bool_(),
    ("tokens", "kind"): pa.string(),
    ("runs", "run_id"): pa.int64(),
    ("entities", "doc_id"): pa.string(),
    ("entities", "entity"): pa.int64(),
    ("entities", "canonical"): pa.string(),
    ("entities", "type"): pa.string(),
    ("entities", "actor_code"): pa.string(),
    ("entities", "code_layer"): pa.string(),
    ("entities", "affiliation"): pa.int64(),
    ("entities", "n_mentions"): pa.int64(),
    ("entities", "version"): pa.string(),
    ("mentions", "entity"): pa.int64(),
    ("mentions", "kind"): pa.string(),
    ("mentions", "text"): pa.string(),
    ("mentions", "start"): pa.int64(),
    ("mentions", "char_end"): pa.int64(),
    ("mentions", "source_start"): pa.int64(),
    ("quotes", "quote_index"): pa.int64(),
    ("quotes", "kind"): pa.string(),
    ("quotes", "text"): pa.string(),
    ("quotes", "start"): pa.int64(),
    ("quotes", "speaker"): pa.string(),
    ("quotes", "speaker_entity"): pa.int64(),
    ("quotes", "speaker_code"): pa.string(),
    ("quotes", "paragraph_start"): pa.int64(),
    ("quotes", "statement_doc_id"): pa.string(),
    ("quotes", "evidence"): pa.int64(),
    ("quotes", "run_id"): pa.int64(),
    ("quotes", "version"): pa.string(),
}
problems = []
con = duckdb.connect()
for table, n in expected.items():
    p = f"{pq_dir}/{table}.parquet"
    c = f"{csv_dir}/{table}.csv"
    t = pq.read_table(p)
    got = {
        "pyarrow": t.num_rows,
        "pandas csv": len(pd.read_csv(c, keep_default_na=False, dtype=str)),
        "pandas parquet": len(pd.read_parquet(p)),
        "duckdb parquet": con.execute(f"SELECT count(*) FROM read_parquet('{p}')").fetchone()[0],
        "duckdb csv": con.execute(f"SELECT count(*) FROM read_csv('{c}', header=true)").fetchone()[0],
    }
    for reader, rows in got.items():
        if rows != n:
            problems.append(f"{table}: {reader} read {rows} rows, the store has {n}")
    for (tt, col), ty in types.items():
        if tt == table and t.schema.field(col).type != ty:
            problems.append(f"{table}.{col}: {t.schema.field(col).type}, expected {ty}")
    print(f"{table:>18}: {n} rows; {len(t.schema)} columns")
# Offsets are usable as they are: every sentence's, mention's and quote's text
# is its span of the document text (a quote interrupted by its attribution,
# with `parts`, holds its pieces joined by " … " instead).
for table in ["sentences", "mentions", "quotes"]:
    whole = "s.parts IS NULL AND " if table == "quotes" else ""
    bad = con.execute(
        f"""SELECT count(*) FROM read_parquet('{pq_dir}/{table}.parquet') s
            JOIN read_parquet('{pq_dir}/documents.parquet') d USING (doc_id)
            WHERE {whole}substr(d.text, s.char_start + 1, s.char_end - s.char_start) != s.text"""
    ).fetchone()[0]
    if bad:
        problems.append(f"{bad} {table} row(s) whose text is not their span of the document")
bad = con.execute(
    f"""SELECT count(*) FROM read_parquet('{pq_dir}/quotes.parquet')
        WHERE parts IS NOT NULL AND (text NOT LIKE '% … %' OR parts NOT LIKE '[[%]]')"""
).fetchone()[0]
if bad:
    problems.append(f"{bad} quotes row(s) with parts but not their pieces joined")
# A mixed quote's clause is text of the document around its quoted words.
bad = con.execute(
    f"""SELECT count(*) FROM read_parquet('{pq_dir}/quotes.parquet') s
        JOIN read_parquet('{pq_dir}/documents.parquet') d USING (doc_id)
        WHERE s.clause IS NOT NULL AND (s.kind != 'mixed' OR s.clause_end <= s.clause_start
            OR strpos(s.clause, s.text) = 0 OR strpos(d.text, s.clause) = 0)"""
).fetchone()[0]
if bad:
    problems.append(f"{bad} quotes row(s) whose clause is not document text around the quote")
# Statements: deduplicating by (statement_doc_id, statement_quote_index) gives
# as many rows as the store has statements, and evidence counts add up.
statements = one("SELECT count(*) FROM (SELECT 1 FROM quotes GROUP BY story, dup_key)")
got, evidence = con.execute(
    f"""SELECT count(*), coalesce(sum(evidence), 0) FROM (
            SELECT DISTINCT statement_doc_id, statement_quote_index, evidence
            FROM read_parquet('{pq_dir}/quotes.parquet'))"""
).fetchone()
if got != statements or evidence != expected["quotes"]:
    problems.append(
        f"quotes: {got} statement(s) with {evidence} evidence row(s), "
        f"the store has {statements} and {expected['quotes']}"
    )
# Every mention and quote speaker points at an exported entity.
orphans = con.execute(
    f"""SELECT count(*) FROM read_parquet('{pq_dir}/mentions.parquet') m
        ANTI JOIN read_parquet('{pq_dir}/entities.parquet') e USING (doc_id, entity)"""
).fetchone()[0]
if orphans:
    problems.append(f"{orphans} mention(s) of no exported entity")
print(f"{'statements':>18}: {statements}")
for p in problems:
    print("problem:", p)
sys.exit(1 if problems else 0)
