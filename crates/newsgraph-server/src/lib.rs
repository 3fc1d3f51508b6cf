//! `newsgraph serve`: a JSON API and a small bundled web UI over a store.
//!
//! - `GET /api/documents`: a page of documents (`search`, `from`, `to`,
//!   `outlet`, `story`, `limit` ≤ 200, `offset`);
//! - `GET /api/documents/{id}`: one document with its paragraphs, sentences,
//!   sources and story (`?tokens=true` adds its tokens);
//! - `GET /api/search?q=…`: documents by relevance, with highlighted snippets;
//! - `GET /api/timeline`: documents per publication day (same filters);
//! - `GET /api/stats`, `GET /api/openapi.json`;
//! - `GET /`: the web UI (HTML, JS and CSS compiled into the binary, no CDN).
//!
//! The store is opened read-only; queries run on blocking threads with a
//! small pool of connections. Every SQL statement is parameterised (user
//! input is bound, never spliced), request bodies and query strings are
//! bounded, and the UI only ever inserts article text as text nodes, under
//! a Content-Security-Policy that forbids inline scripts.
#![cfg_attr(not(test), warn(clippy::unwrap_used))]

use axum::extract::{DefaultBodyLimit, Path as UrlPath, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use newsgraph_core::Date;
use newsgraph_store::query::{DocFilter, Stats};
use newsgraph_store::{Store, StoreError};
use serde::Deserialize;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long `/api/stats` answers from its cache.
const STATS_TTL: Duration = Duration::from_secs(1);

/// Largest page a list endpoint returns.
pub const MAX_LIMIT: u32 = 200;
/// Longest query string accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 4096;
/// Largest request body accepted (the API has no bodies; this bounds abuse).
pub const MAX_BODY_BYTES: usize = 16 * 1024;

const INDEX_HTML: &str = include_str!("../assets/index.html");
const APP_JS: &str = include_str!("../assets/app.js");
const APP_CSS: &str = include_str!("../assets/app.css");
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
                   img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{addr}: cannot listen: {reason}")]
    Bind { addr: String, reason: String },
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}

/// Read-only connections to one store, reused across requests.
#[derive(Debug)]
struct Pool {
    path: PathBuf,
    idle: Mutex<Vec<Store>>,
    /// Totals, recomputed at most once a second (they scan whole tables).
    stats: Mutex<Option<(Instant, Stats)>>,
}

impl Pool {
    fn with<T>(&self, f: impl FnOnce(&Store) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let store = self
            .idle
            .lock()
            .map_or(None, |mut v| v.pop())
            .map_or_else(|| Store::open_read_only(&self.path), Ok)?;
        let out = f(&store);
        if let Ok(mut v) = self.idle.lock() {
            if v.len() < 16 {
                v.push(store);
            }
        }
        out
    }
}

type AppState = Arc<Pool>;

/// An API error: a status and a one-line JSON message.
#[derive(Debug)]
pub struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(serde_json::json!({ "error": self.1 }))).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::BadQuery(_) => ApiError(StatusCode::BAD_REQUEST, e.to_string()),
            _ => ApiError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        }
    }
}

fn bad(msg: impl Into<String>) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, msg.into())
}

/// Query parameters of the list endpoints.
#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    pub search: Option<String>,
    pub q: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub outlet: Option<String>,
    pub story: Option<String>,
    pub limit: Option<u32>,
    pub offset: Option<u64>,
}

fn date(s: &Option<String>, name: &str) -> Result<Option<Date>, ApiError> {
    match s.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => Date::parse_iso(v)
            .map(Some)
            .ok_or_else(|| bad(format!("{name}: expected YYYY-MM-DD"))),
    }
}

impl ListParams {
    fn filter(&self) -> Result<DocFilter, ApiError> {
        let search = self
            .search
            .clone()
            .or_else(|| self.q.clone())
            .filter(|s| !s.trim().is_empty());
        Ok(DocFilter {
            search,
            from: date(&self.from, "from")?,
            to: date(&self.to, "to")?,
            outlet: self.outlet.clone().filter(|s| !s.is_empty()),
            story: self.story.clone().filter(|s| !s.is_empty()),
            limit: self.limit.unwrap_or(50).min(MAX_LIMIT),
            offset: self.offset.unwrap_or(0),
        })
    }
}

async fn blocking<T: Send + 'static>(
    pool: AppState,
    f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(move || pool.with(f))
        .await
        .map_err(|e| ApiError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
        .map_err(ApiError::from)
}

async fn documents(
    State(pool): State<AppState>,
    Query(p): Query<ListParams>,
) -> Result<Response, ApiError> {
    let f = p.filter()?;
    let page = blocking(pool, move |s| s.documents(&f)).await?;
    Ok(Json(page).into_response())
}

async fn search(
    State(pool): State<AppState>,
    Query(p): Query<ListParams>,
) -> Result<Response, ApiError> {
    let f = p.filter()?;
    if f.search.is_none() {
        return Err(bad("q: a search text is required"));
    }
    let page = blocking(pool, move |s| s.documents(&f)).await?;
    Ok(Json(page).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct DocParams {
    #[serde(default)]
    pub tokens: bool,
}

async fn document(
    State(pool): State<AppState>,
    UrlPath(id): UrlPath<String>,
    Query(p): Query<DocParams>,
) -> Result<Response, ApiError> {
    if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad("id: expected 32 hex digits"));
    }
    let found = blocking(pool, move |s| {
        let Some(d) = s.document(&id)? else {
            return Ok(None);
        };
        let mut v = serde_json::to_value(&d).unwrap_or_default();
        if p.tokens {
            let t = s.tokens(&id)?.unwrap_or_default();
            v["tokens"] = serde_json::to_value(t).unwrap_or_default();
        }
        Ok(Some(v))
    })
    .await?;
    match found {
        Some(v) => Ok(Json(v).into_response()),
        None => Err(ApiError(StatusCode::NOT_FOUND, "no such document".into())),
    }
}

async fn timeline(
    State(pool): State<AppState>,
    Query(p): Query<ListParams>,
) -> Result<Response, ApiError> {
    let f = p.filter()?;
    let days = blocking(pool, move |s| s.timeline(&f)).await?;
    Ok(Json(days).into_response())
}

async fn stats(State(pool): State<AppState>) -> Result<Response, ApiError> {
    let cached = pool
        .stats
        .lock()
        .ok()
        .and_then(|c| c.as_ref().filter(|(t, _)| t.elapsed() < STATS_TTL).cloned());
    if let Some((_, st)) = cached {
        return Ok(Json(st).into_response());
    }
    let st = blocking(pool.clone(), |s| s.stats()).await?;
    if let Ok(mut c) = pool.stats.lock() {
        *c = Some((Instant::now(), st.clone()));
    }
    Ok(Json(st).into_response())
}

async fn openapi() -> Response {
    Json(openapi_doc()).into_response()
}

fn asset(body: &'static str, mime: &'static str) -> Response {
    ([(header::CONTENT_TYPE, mime)], body).into_response()
}

async fn not_found() -> ApiError {
    ApiError(StatusCode::NOT_FOUND, "not found".into())
}

/// Rejects over-long query strings and adds security headers to every
/// response.
async fn guard(req: Request, next: Next) -> Response {
    if req.uri().query().is_some_and(|q| q.len() > MAX_QUERY_BYTES) {
        return ApiError(StatusCode::URI_TOO_LONG, "query string too long".into()).into_response();
    }
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    res
}

/// The API and UI routes over the store at `db` (opened read-only; it must
/// exist and be at the current schema version).
pub fn router(db: impl Into<PathBuf>) -> Result<Router, ServerError> {
    let path = db.into();
    let first = Store::open_read_only(&path)?;
    let pool = Arc::new(Pool {
        path,
        idle: Mutex::new(vec![first]),
        stats: Mutex::new(None),
    });
    Ok(Router::new()
        .route(
            "/",
            get(|| async { asset(INDEX_HTML, "text/html; charset=utf-8") }),
        )
        .route(
            "/app.js",
            get(|| async { asset(APP_JS, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/app.css",
            get(|| async { asset(APP_CSS, "text/css; charset=utf-8") }),
        )
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .route("/api/documents", get(documents))
        .route("/api/documents/{id}", get(document))
        .route("/api/search", get(search))
        .route("/api/timeline", get(timeline))
        .route("/api/stats", get(stats))
        .route("/api/openapi.json", get(openapi))
        .fallback(not_found)
        .layer(axum::middleware::from_fn(guard))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(pool))
}

/// Serves `db` on `addr` until interrupted (Ctrl-C). `ready` is called with
/// the bound address once the server listens.
pub fn serve(
    db: PathBuf,
    addr: &str,
    ready: impl FnOnce(std::net::SocketAddr),
) -> Result<(), ServerError> {
    let app = router(db)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener =
            tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|e| ServerError::Bind {
                    addr: addr.to_string(),
                    reason: e.to_string(),
                })?;
        ready(listener.local_addr()?);
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        Ok(())
    })
}

/// The OpenAPI 3.1 description of the API.
pub fn openapi_doc() -> serde_json::Value {
    use serde_json::json;
    let list_params = json!([
        {"name": "search", "in": "query", "schema": {"type": "string"},
         "description": "Full-text search: words (all must match), \"quoted phrases\", word* prefixes, a OR b"},
        {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
        {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}},
        {"name": "outlet", "in": "query", "schema": {"type": "string"}},
        {"name": "story", "in": "query", "schema": {"type": "string"},
         "description": "Only documents of the story of this document id"},
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": MAX_LIMIT, "default": 50}},
        {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}}
    ]);
    let offsets = json!({
        "type": "object",
        "properties": {
            "span": {"type": "array", "items": {"type": "integer"}, "description": "byte offsets into text"},
            "chars": {"type": "array", "items": {"type": "integer"}, "description": "code-point offsets into text"},
            "source": {"type": "array", "items": {"type": "integer"}, "description": "byte offsets into the source file"}
        }
    });
    let summary = json!({
        "type": "object",
        "required": ["id", "source_path", "story", "story_size", "chars", "sentences"],
        "properties": {
            "id": {"type": "string", "description": "content hash of the text"},
            "published": {"type": ["string", "null"], "format": "date"},
            "outlet": {"type": ["string", "null"]},
            "title": {"type": ["string", "null"]},
            "dateline_place": {"type": ["string", "null"]},
            "source_path": {"type": "string"},
            "url": {"type": ["string", "null"]},
            "external_id": {"type": ["string", "null"]},
            "story": {"type": "string", "description": "id of the first document of its story"},
            "story_size": {"type": "integer"},
            "chars": {"type": "integer"},
            "sentences": {"type": "integer"},
            "snippet": {"type": "array", "items": {"type": "object", "properties": {
                "text": {"type": "string"}, "hit": {"type": "boolean"}}}}
        }
    });
    let error = json!({"description": "bad request", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    json!({
        "openapi": "3.1.0",
        "info": {"title": "newsgraph API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Documents, sentences and stories from a newsgraph store. Read-only."},
        "paths": {
            "/api/documents": {"get": {
                "summary": "List documents (newest first, or by relevance with search)",
                "parameters": list_params,
                "responses": {"200": {"description": "a page", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DocPage"}}}}, "400": error}
            }},
            "/api/documents/{id}": {"get": {
                "summary": "One document with its paragraphs, sentences, sources and story",
                "parameters": [
                    {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"}},
                    {"name": "tokens", "in": "query", "schema": {"type": "boolean"}}
                ],
                "responses": {"200": {"description": "the document", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Document"}}}},
                              "404": {"description": "no such document"}, "400": error}
            }},
            "/api/search": {"get": {
                "summary": "Full-text search with highlighted snippets",
                "parameters": [{"name": "q", "in": "query", "required": true, "schema": {"type": "string"}},
                               {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                               {"name": "offset", "in": "query", "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "a page", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DocPage"}}}}, "400": error}
            }},
            "/api/timeline": {"get": {
                "summary": "Documents per publication day",
                "parameters": list_params,
                "responses": {"200": {"description": "days", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object", "properties": {"date": {"type": "string", "format": "date"}, "documents": {"type": "integer"}}}}}}}, "400": error}
            }},
            "/api/stats": {"get": {"summary": "Totals", "responses": {"200": {"description": "totals"}}}},
            "/api/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1"}}}}
        },
        "components": {"schemas": {
            "Error": {"type": "object", "properties": {"error": {"type": "string"}}},
            "DocSummary": summary,
            "Offsets": offsets,
            "DocPage": {"type": "object", "properties": {
                "total": {"type": "integer"}, "offset": {"type": "integer"}, "limit": {"type": "integer"},
                "documents": {"type": "array", "items": {"$ref": "#/components/schemas/DocSummary"}}}},
            "Document": {"allOf": [{"$ref": "#/components/schemas/DocSummary"}, {"type": "object", "properties": {
                "text": {"type": "string"},
                "byline": {"type": ["string", "null"]},
                "language": {"type": "string"},
                "layout": {"type": "object"},
                "paragraphs": {"type": "array", "items": {"$ref": "#/components/schemas/Offsets"}},
                "sentences": {"type": "array", "items": {"allOf": [{"$ref": "#/components/schemas/Offsets"}, {"type": "object", "properties": {
                    "paragraph": {"type": "integer"}, "tokens": {"type": "array", "items": {"type": "integer"}}, "text": {"type": "string"}}}]}},
                "stages": {"type": "array", "items": {"type": "object", "properties": {"stage": {"type": "string"}, "version": {"type": "string"}}}},
                "run": {"type": "integer"},
                "sources": {"type": "array", "items": {"type": "object"}},
                "story_members": {"type": "array", "items": {"type": "string"}}}}]}
        }}
    })
}
