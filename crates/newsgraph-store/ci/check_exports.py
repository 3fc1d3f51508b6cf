#!/usr/bin/env python3
"""Reads a store's CSV and Parquet exports back with pandas, pyarrow and DuckDB.

Usage: check_exports.py STORE.db CSV_DIR PARQUET_DIR

Checks that every table has as many rows as the store holds, in both formats
and through each reader, and that the Parquet columns have their types.
Exits non-zero with one line per problem.
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
    "paragraphs": one("SELECT count(*) FROM paragraphs"),
    "sentences": one("SELECT count(*) FROM sentences"),
    "tokens": one("SELECT coalesce(sum(n), 0) FROM doc_tokens"),
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
# Offsets are usable as they are: every sentence's text is its span of the document text.
bad = con.execute(
    f"""SELECT count(*) FROM read_parquet('{pq_dir}/sentences.parquet') s
        JOIN read_parquet('{pq_dir}/documents.parquet') d USING (doc_id)
        WHERE substr(d.text, s.char_start + 1, s.char_end - s.char_start) != s.text"""
).fetchone()[0]
if bad:
    problems.append(f"{bad} sentence(s) whose text is not their span of the document")
for p in problems:
    print("problem:", p)
sys.exit(1 if problems else 0)
