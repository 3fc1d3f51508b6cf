#!/usr/bin/env bash
# The store end to end, as CI runs it: ingest the bundled examples plus a
# hostile article, add hand-built articles with entities and quotes, read the
# CSV and Parquet exports back with pandas, pyarrow and DuckDB, then drive the
# web UI in Debian's headless chromium.
#
# Usage: crates/newsgraph-server/e2e/run.sh NEWSGRAPH_BINARY WORK_DIR
# (E2E_FIXTURE=path/to/e2e_fixture uses a prebuilt fixture writer.)
# Installs what it needs (pip: pyarrow pandas duckdb; apt: chromium; npm ci).
set -euo pipefail
NG="$(realpath "$1")"
WORK="$(realpath "$2")"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
mkdir -p "$WORK"

python3 -c 'import pyarrow, pandas, duckdb' 2>/dev/null ||
    python3 -m pip install --quiet --disable-pip-version-check pyarrow pandas duckdb
if ! command -v chromium >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
(cd "$HERE" && npm ci --no-audit --no-fund --silent)

# A store from the bundled examples and one hostile article.
mkdir -p "$WORK/corpus"
cp "$ROOT"/examples/*.txt "$ROOT"/examples/*.html "$WORK/corpus/"
cat > "$WORK/corpus/hostile.txt" <<'ART'
Hostile headline <script>alert('title')</script>

Officials said on Monday that the <img src=x onerror=alert(1)> market reopened after the storm, and
traders returned to the floor. A spokesman said prices would be watched "closely" <a href="javascript:alert(2)">here</a>.
ART
DB="$WORK/e2e.db"
rm -f "$DB" "$DB-wal" "$DB-shm"
"$NG" ingest "$WORK/corpus" --db "$DB" --quiet
"$NG" ingest "$WORK/corpus" --db "$DB" --quiet 2>&1 | grep -q "0 document(s) added"
"$NG" query documents --db "$DB"
# Articles with entities and quotes, built by hand (invented text), so the
# quote, actor and network views have data whatever stages the pipeline runs.
# E2E_FIXTURE names a prebuilt `e2e_fixture` binary; by default cargo builds it.
if [ -n "${E2E_FIXTURE:-}" ]; then
    "$E2E_FIXTURE" "$DB"
else
    (cd "$ROOT" && cargo run --quiet --release --locked -p newsgraph-server --example e2e_fixture -- "$DB")
fi
"$NG" query quotes --db "$DB"
"$NG" query entities --db "$DB" --actors --limit 5

# Exports read back by the tools analysts use.
"$NG" export --db "$DB" --format csv -o "$WORK/csv"
"$NG" export --db "$DB" --format parquet -o "$WORK/parquet"
python3 "$ROOT/crates/newsgraph-store/ci/check_exports.py" "$DB" "$WORK/csv" "$WORK/parquet"

# The web UI in chromium.
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$NG" serve --db "$DB" --addr "127.0.0.1:$PORT" &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    # python3 rather than curl: a fresh CI machine is only promised Rust, Python and Node.
    python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' \
        "http://127.0.0.1:$PORT/api/stats" 2>/dev/null && break
    sleep 0.1
done
mkdir -p "$WORK/screenshots"
timeout 180 node "$HERE/ui.mjs" "http://127.0.0.1:$PORT" "$WORK/screenshots"
