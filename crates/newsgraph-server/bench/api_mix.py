#!/usr/bin/env python3
"""Writes a mix of API requests for a store, one path per line, for the load
example (`cargo run --release -p newsgraph-server --example load -- STORE.db
SECONDS CONNECTIONS @mix.txt`).

The mix is what a few analysts browsing the UI ask, with values drawn from
the store itself (document ids, speakers, actors, codes, words of quotes), so
that most requests differ and a cache cannot answer them all:

    list pages at random offsets, single documents, quotes by part of a
    speaker's name, by actor, by code prefix and sector, quote and article
    search, actor lists and pages, networks, the timeline and totals.

Usage: api_mix.py STORE.db [N=2000] [SEED=1] > mix.txt
"""
import random
import re
import sqlite3
import sys
from urllib.parse import quote

STOP = set("""that this with from have been were will would their they there which about
said says also into than them then when what more most some such only over other
after before being could should these those while where because under between""".split())


def main():
    db = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    one = lambda sql: [r[0] for r in con.execute(sql) if r[0] is not None]
    docs = one("SELECT doc_id FROM documents ORDER BY random() LIMIT 2000")
    speakers = one("SELECT DISTINCT speaker_canonical FROM quotes WHERE speaker_canonical IS NOT NULL")
    actors = one("SELECT canonical FROM entities ORDER BY random() LIMIT 2000")
    codes = one("SELECT DISTINCT speaker_code FROM quotes WHERE speaker_code IS NOT NULL")
    words = []
    # A quote's words are its span of the document (schema 7 stores them only
    # for interrupted quotes).
    for (t,) in con.execute(
        """SELECT coalesce(q.text, CAST(substr(CAST(d.text AS BLOB), q.start + 1, q."end" - q.start) AS TEXT))
           FROM quotes q JOIN documents d ON d.id = q.doc ORDER BY random() LIMIT 3000"""
    ):
        words += [w for w in re.findall(r"[a-z]{4,}", t.lower()) if w not in STOP]
    n_docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    n_quotes = con.execute("SELECT count(*) FROM quotes WHERE first = 1").fetchone()[0]
    if not (docs and speakers and actors and words):
        sys.exit(f"{db}: needs documents, quotes with speakers and entities")

    def fragment(name):
        # The start of a word of the name, as someone types it: a word of
        # four letters or more when the name has one ("Baker", not "of").
        words = name.split() or [name]
        w = rng.choice([w for w in words if len(w) >= 4] or words)
        k = min(len(w), rng.randint(4, 8))
        return w[:k]

    def page(total):
        # Early pages most often, as people browse.
        return 50 * min(int(rng.expovariate(1 / 3)), max(total // 50 - 1, 0))

    q = lambda s: quote(s, safe="")
    kinds = [
        (10, lambda: f"/api/documents?offset={page(n_docs)}"),
        (10, lambda: f"/api/documents/{rng.choice(docs)}"),
        (15, lambda: f"/api/quotes?offset={page(n_quotes)}"),
        (10, lambda: f"/api/quotes?speaker={q(fragment(rng.choice(speakers)))}"),
        (5, lambda: f"/api/quotes?actor={q(rng.choice(speakers))}"),
        (5, lambda: (lambda c: f"/api/quotes?code={c[:3]}&sector={c[3:6]}" if len(c) >= 6 else f"/api/quotes?code={c[:3]}")(rng.choice(codes)) if codes else "/api/quotes"),
        (10, lambda: f"/api/quotes?search={q(rng.choice(words))}"),
        (10, lambda: f"/api/search?q={q(' '.join(rng.sample(words, rng.randint(1, 2))))}"),
        (5, lambda: f"/api/actors?offset={50 * rng.randint(0, 3)}"),
        (10, lambda: f"/api/actors/{q(rng.choice(actors))}"),
        (3, lambda: "/api/network"),
        (2, lambda: f"/api/network?kind=cooccurrence&actor={q(rng.choice(speakers))}"),
        (3, lambda: "/api/timeline"),
        (2, lambda: "/api/stats"),
    ]
    weights = [w for w, _ in kinds]
    for _ in range(n):
        print(rng.choices(kinds, weights)[0][1]())


if __name__ == "__main__":
    main()
