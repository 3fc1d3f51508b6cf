//! `newsgraph serve`: a JSON API and a small bundled web UI over a store.
//!
//! - `GET /api/documents`: a page of documents (`search`, `from`, `to`,
//!   `outlet`, `story`, `limit` ≤ 200, `offset`);
//! - `GET /api/documents/{id}`: one document with its paragraphs, sentences,
//!   sources and story (`?tokens=true` adds its tokens);
//! - `GET /api/search?q=…`: documents by relevance, with highlighted
//!   snippets, and the statements (quotes) that match;
//! - `GET /api/timeline`: documents and statements per publication day
//!   (same filters as documents);
//! - `GET /api/quotes`: statements, one row per quote repeated across a
//!   story with its evidence (`search`, `speaker`, `actor`, `code`,
//!   `country`, `sector`, `from`, `to`, `doc`, `all`, `limit`, `offset`);
//! - `GET /api/entities`: entities of documents; `GET /api/actors`: actors
//!   (entities grouped by canonical name) with counts (`name`, `code`,
//!   `country`, `sector`, `type`, `search`, `from`, `to`, `doc`);
//! - `GET /api/actors/{name}`: one actor with codes, roles, every mention
//!   and every statement;
//! - `GET /api/network`: who quotes whom (`kind=quotes`) or who is named
//!   with whom (`kind=cooccurrence`), the heaviest edges (`actor`, `from`,
//!   `to`, `limit`);
//! - `GET /api/stats`, `GET /api/openapi.json`;
//! - `GET /`: the web UI (HTML, JS and CSS compiled into the binary, no CDN).
//!
//! The store is opened read-only; queries run on blocking threads with a
//! small pool of connections; the aggregate answers (actor lists and pages,
//! network, timeline, totals) are cached for a few seconds and refreshed in
//! the background; list totals are counted up to [`COUNT_AHEAD`] past the
//! page (`total_exact`). Every SQL statement is parameterised (user
//! input is bound, never spliced), request bodies and query strings are
//! bounded, and the UI only ever inserts article text as text nodes, under
//! a Content-Security-Policy that forbids inline scripts.
#![cfg_attr(not(test), warn(clippy::unwrap_used))]

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path as UrlPath, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use newsgraph_core::Date;
use newsgraph_store::query::{DocFilter, EntityFilter, NetworkFilter, NetworkKind, QuoteFilter};
use newsgraph_store::{Store, StoreError};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long `/api/stats` answers count as fresh.
const STATS_TTL: Duration = Duration::from_secs(1);
/// How long the aggregate endpoints (actors, network, timeline) answer from
/// their cache before refreshing: they group whole tables, and a store
/// changes only by ingest.
const AGGREGATE_TTL: Duration = Duration::from_secs(5);
/// An expired answer younger than this is still served while one request
/// refreshes it in the background, so that expiry never makes a crowd of
/// requests wait; older ones are recomputed before answering.
const STALE_LIMIT: Duration = Duration::from_secs(60);
/// Cached aggregate answers kept at most.
const AGGREGATE_CACHE: usize = 256;

/// Largest page a list endpoint returns.
pub const MAX_LIMIT: u32 = 200;
/// List totals are counted exactly up to this many matches past the page's
/// end; beyond, `total_exact` is false and the UI says "at least". Broad
/// filters on a large store would otherwise walk every match per page.
pub const COUNT_AHEAD: u64 = 1000;
/// Most edges a network returns.
pub const MAX_EDGES: u32 = 500;
/// Longest actor name accepted in a path, in bytes.
pub const MAX_NAME_BYTES: usize = 512;
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
    /// Recent answers of the aggregate endpoints, by path and query.
    aggregates: Mutex<HashMap<String, Arc<Cached>>>,
}

/// One cached answer. Requests that find it empty wait for the one
/// computation under way (`value` is set once), instead of each running
/// their own.
#[derive(Debug, Default)]
struct Cached {
    made: Option<Instant>,
    value: tokio::sync::OnceCell<Bytes>,
    /// Set when a request has started replacing this expired answer.
    refreshing: AtomicBool,
}

impl Cached {
    fn new() -> Cached {
        Cached {
            made: Some(Instant::now()),
            ..Cached::default()
        }
    }

    fn age(&self) -> Duration {
        self.made.map_or(Duration::MAX, |t| t.elapsed())
    }
}

impl Pool {
    /// The entry for `key`: the cached one unless it is too old to serve,
    /// otherwise a new, empty one.
    fn entry(&self, key: &str) -> Arc<Cached> {
        let Ok(mut c) = self.aggregates.lock() else {
            return Arc::new(Cached::new());
        };
        if let Some(e) = c.get(key).filter(|e| e.age() < STALE_LIMIT) {
            return e.clone();
        }
        if c.len() >= AGGREGATE_CACHE {
            make_room(&mut c);
        }
        let e = Arc::new(Cached::new());
        c.insert(key.to_string(), e.clone());
        e
    }

    fn replace(&self, key: String, value: Bytes) {
        let e = Cached::new();
        let _ = e.value.set(value);
        if let Ok(mut c) = self.aggregates.lock() {
            c.insert(key, Arc::new(e));
        }
    }
}

/// Drops answers too old to serve, then, if the cache is still full, the
/// oldest quarter: answers that are asked for keep being refreshed, so they
/// are young, while one-off ones (an actor page seen once) age out.
fn make_room(c: &mut HashMap<String, Arc<Cached>>) {
    c.retain(|_, e| e.age() < STALE_LIMIT);
    if c.len() < AGGREGATE_CACHE {
        return;
    }
    let mut by_age: Vec<(Duration, String)> = c.iter().map(|(k, e)| (e.age(), k.clone())).collect();
    by_age.sort_unstable_by(|a, b| b.cmp(a));
    for (_, k) in by_age.into_iter().take(AGGREGATE_CACHE / 4) {
        c.remove(&k);
    }
}

/// Answers `key` from the aggregate cache: a fresh answer as it is; an
/// expired one as it is too while a background task recomputes it; none
/// (or a very old one) by computing it, once for all concurrent requests.
async fn aggregate<T: serde::Serialize + Send + 'static>(
    pool: AppState,
    key: String,
    ttl: Duration,
    f: impl Fn(&Store) -> Result<T, StoreError> + Clone + Send + Sync + 'static,
) -> Result<Response, ApiError> {
    let b = cached_json(pool, key, ttl, f).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], b).into_response())
}

/// `f`'s answer as JSON, computed on a blocking thread.
async fn json_of<T: serde::Serialize + Send + 'static>(
    pool: AppState,
    f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
) -> Result<Bytes, ApiError> {
    blocking(pool, move |s| {
        f(s).map(|x| serde_json::to_vec(&x).unwrap_or_default())
    })
    .await
    .map(Bytes::from)
}

/// The JSON of `f`'s answer, from the aggregate cache (see [`aggregate`]).
async fn cached_json<T: serde::Serialize + Send + 'static>(
    pool: AppState,
    key: String,
    ttl: Duration,
    f: impl Fn(&Store) -> Result<T, StoreError> + Clone + Send + Sync + 'static,
) -> Result<Bytes, ApiError> {
    let entry = pool.entry(&key);
    if let Some(b) = entry.value.get() {
        if entry.age() >= ttl && !entry.refreshing.swap(true, Ordering::AcqRel) {
            let (pool, f) = (pool.clone(), f.clone());
            tokio::spawn(async move {
                if let Ok(b) = json_of(pool.clone(), f).await {
                    pool.replace(key, b);
                }
            });
        }
        return Ok(b.clone());
    }
    let b = entry
        .value
        .get_or_try_init(|| json_of(pool.clone(), f))
        .await?;
    Ok(b.clone())
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
            count_limit: None,
        }
        .counted_ahead())
    }
}

/// Sets a filter's bounded count: exact up to [`COUNT_AHEAD`] matches past
/// the end of its page.
trait CountAhead {
    fn counted_ahead(self) -> Self;
}

impl CountAhead for DocFilter {
    fn counted_ahead(mut self) -> Self {
        self.count_limit = Some(count_limit(self.offset, self.limit));
        self
    }
}

impl CountAhead for QuoteFilter {
    fn counted_ahead(mut self) -> Self {
        self.count_limit = Some(count_limit(self.offset, self.limit));
        self
    }
}

fn count_limit(offset: u64, limit: u32) -> u64 {
    offset
        .saturating_add(u64::from(limit))
        .saturating_add(COUNT_AHEAD)
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
    let v = blocking(pool, move |s| {
        let page = s.documents(&f)?;
        let quotes = s.quotes(
            &QuoteFilter {
                search: f.search.clone(),
                from: f.from,
                to: f.to,
                limit: f.limit.min(20),
                ..QuoteFilter::default()
            }
            .counted_ahead(),
        )?;
        let mut v = serde_json::to_value(&page).unwrap_or_default();
        v["quotes"] = serde_json::to_value(&quotes).unwrap_or_default();
        Ok(v)
    })
    .await?;
    Ok(Json(v).into_response())
}

fn text(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Query parameters of `/api/quotes`.
#[derive(Debug, Default, Deserialize)]
pub struct QuoteParams {
    pub search: Option<String>,
    pub q: Option<String>,
    pub speaker: Option<String>,
    pub actor: Option<String>,
    pub code: Option<String>,
    pub country: Option<String>,
    pub sector: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub doc: Option<String>,
    #[serde(default)]
    pub all: bool,
    pub limit: Option<u32>,
    pub offset: Option<u64>,
}

async fn quotes(
    State(pool): State<AppState>,
    Query(p): Query<QuoteParams>,
) -> Result<Response, ApiError> {
    let f = QuoteFilter {
        search: text(&p.search).or_else(|| text(&p.q)),
        speaker: text(&p.speaker),
        actor: text(&p.actor),
        code: text(&p.code),
        country: text(&p.country),
        sector: text(&p.sector),
        from: date(&p.from, "from")?,
        to: date(&p.to, "to")?,
        doc: text(&p.doc),
        all: p.all,
        limit: p.limit.unwrap_or(50).min(MAX_LIMIT),
        offset: p.offset.unwrap_or(0),
        count_limit: None,
    }
    .counted_ahead();
    let page = blocking(pool, move |s| s.quotes(&f)).await?;
    Ok(Json(page).into_response())
}

/// Query parameters of `/api/entities` and `/api/actors`.
#[derive(Debug, Default, Deserialize)]
pub struct EntityParams {
    pub name: Option<String>,
    pub q: Option<String>,
    pub code: Option<String>,
    pub country: Option<String>,
    pub sector: Option<String>,
    #[serde(rename = "type")]
    pub entity_type: Option<String>,
    pub search: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub doc: Option<String>,
    pub limit: Option<u32>,
    pub offset: Option<u64>,
}

impl EntityParams {
    fn filter(&self) -> Result<EntityFilter, ApiError> {
        Ok(EntityFilter {
            name: text(&self.name).or_else(|| text(&self.q)),
            code: text(&self.code),
            country: text(&self.country),
            sector: text(&self.sector),
            entity_type: text(&self.entity_type),
            search: text(&self.search),
            from: date(&self.from, "from")?,
            to: date(&self.to, "to")?,
            doc: text(&self.doc),
            limit: self.limit.unwrap_or(50).min(MAX_LIMIT),
            offset: self.offset.unwrap_or(0),
        })
    }
}

async fn entities(
    State(pool): State<AppState>,
    Query(p): Query<EntityParams>,
) -> Result<Response, ApiError> {
    let f = p.filter()?;
    let page = blocking(pool, move |s| s.entities(&f)).await?;
    Ok(Json(page).into_response())
}

async fn actors(
    State(pool): State<AppState>,
    Query(p): Query<EntityParams>,
) -> Result<Response, ApiError> {
    let f = p.filter()?;
    // Keyed by the filter, not the query string: `?limit=50&offset=0` and
    // `?offset=0&limit=50` are one answer.
    aggregate(pool, format!("actors {f:?}"), AGGREGATE_TTL, move |s| {
        s.actors(&f)
    })
    .await
}

async fn actor(
    State(pool): State<AppState>,
    UrlPath(name): UrlPath<String>,
) -> Result<Response, ApiError> {
    if name.is_empty() || name.len() > MAX_NAME_BYTES {
        return Err(bad(format!("name: 1 to {MAX_NAME_BYTES} bytes")));
    }
    // An actor page groups every row of the actor (a frequent one has
    // thousands), so it is cached like the other aggregates.
    let key = format!("/api/actors/{name}");
    let b = cached_json(pool, key, AGGREGATE_TTL, move |s| s.actor(&name)).await?;
    if &b[..] == b"null" {
        return Err(ApiError(StatusCode::NOT_FOUND, "no such actor".into()));
    }
    Ok(([(header::CONTENT_TYPE, "application/json")], b).into_response())
}

/// Query parameters of `/api/network`.
#[derive(Debug, Default, Deserialize)]
pub struct NetworkParams {
    pub kind: Option<String>,
    pub actor: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub limit: Option<u32>,
}

async fn network(
    State(pool): State<AppState>,
    Query(p): Query<NetworkParams>,
) -> Result<Response, ApiError> {
    let f = p.filter()?;
    aggregate(pool, format!("network {f:?}"), AGGREGATE_TTL, move |s| {
        s.network(&f)
    })
    .await
}

impl NetworkParams {
    fn filter(&self) -> Result<NetworkFilter, ApiError> {
        let kind = match self.kind.as_deref().map(str::trim) {
            None | Some("" | "quotes") => NetworkKind::Quotes,
            Some("cooccurrence") => NetworkKind::Cooccurrence,
            Some(_) => return Err(bad("kind: quotes or cooccurrence")),
        };
        Ok(NetworkFilter {
            kind,
            actor: text(&self.actor),
            from: date(&self.from, "from")?,
            to: date(&self.to, "to")?,
            limit: self.limit.unwrap_or(100).min(MAX_EDGES),
        })
    }
}

/// Computes the answers the UI's first pages ask for (totals, timeline,
/// actor list, network), so that the first visitors find them cached.
async fn warm(pool: AppState) {
    let _ = cached_json(pool.clone(), "/api/stats".into(), STATS_TTL, |s| s.stats()).await;
    if let Ok(f) = ListParams::default().filter() {
        let _ = cached_json(pool.clone(), timeline_key(&f), AGGREGATE_TTL, move |s| {
            s.timeline(&f)
        })
        .await;
    }
    let actors = EntityParams {
        limit: Some(50),
        ..EntityParams::default()
    };
    if let Ok(f) = actors.filter() {
        let _ = cached_json(
            pool.clone(),
            format!("actors {f:?}"),
            AGGREGATE_TTL,
            move |s| s.actors(&f),
        )
        .await;
    }
    let network = NetworkParams {
        limit: Some(150),
        ..NetworkParams::default()
    };
    if let Ok(f) = network.filter() {
        let _ = cached_json(pool, format!("network {f:?}"), AGGREGATE_TTL, move |s| {
            s.network(&f)
        })
        .await;
    }
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
    aggregate(pool, timeline_key(&f), AGGREGATE_TTL, move |s| {
        s.timeline(&f)
    })
    .await
}

/// The timeline's cache key: the filter, less the page (which it ignores).
fn timeline_key(f: &DocFilter) -> String {
    let f = DocFilter {
        limit: 0,
        offset: 0,
        count_limit: None,
        ..f.clone()
    };
    format!("timeline {f:?}")
}

async fn stats(State(pool): State<AppState>) -> Result<Response, ApiError> {
    aggregate(pool, "/api/stats".into(), STATS_TTL, |s| s.stats()).await
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
    Ok(router_and_pool(db)?.0)
}

fn router_and_pool(db: impl Into<PathBuf>) -> Result<(Router, AppState), ServerError> {
    let path = db.into();
    let first = Store::open_read_only(&path)?;
    let pool = Arc::new(Pool {
        path,
        idle: Mutex::new(vec![first]),
        aggregates: Mutex::new(HashMap::new()),
    });
    let router = Router::new()
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
        .route("/api/quotes", get(quotes))
        .route("/api/entities", get(entities))
        .route("/api/actors", get(actors))
        .route("/api/actors/{name}", get(actor))
        .route("/api/network", get(network))
        .route("/api/timeline", get(timeline))
        .route("/api/stats", get(stats))
        .route("/api/openapi.json", get(openapi))
        .fallback(not_found)
        .layer(axum::middleware::from_fn(guard))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(pool.clone());
    Ok((router, pool))
}

/// Serves `db` on `addr` until interrupted (Ctrl-C). `ready` is called with
/// the bound address once the server listens.
pub fn serve(
    db: PathBuf,
    addr: &str,
    ready: impl FnOnce(std::net::SocketAddr),
) -> Result<(), ServerError> {
    let (app, pool) = router_and_pool(db)?;
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
        tokio::spawn(warm(pool));
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
        "required": ["id", "source_path", "story", "story_size", "chars", "n_sentences"],
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
            "n_sentences": {"type": "integer"},
            "snippet": {"type": "array", "items": {"type": "object", "properties": {
                "text": {"type": "string"}, "hit": {"type": "boolean"}}}}
        }
    });
    let error = json!({"description": "bad request", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let q = |name: &str, desc: &str| json!({"name": name, "in": "query", "schema": {"type": "string"}, "description": desc});
    let page = json!([
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": MAX_LIMIT, "default": 50}},
        {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}}
    ]);
    let date_params = json!([
        {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
        {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}}
    ]);
    let code_params = vec![
        q("code", "actor-code prefix (IRQ matches IRQREB)"),
        q("sector", "actor-code suffix (REB matches IRQREB)"),
        q("country", "ISO 3166-1 alpha-3"),
        q("doc", "only this document id"),
    ];
    let cat = |parts: Vec<serde_json::Value>| -> serde_json::Value {
        let mut out = Vec::new();
        for p in parts {
            match p {
                serde_json::Value::Array(a) => out.extend(a),
                other => out.push(other),
            }
        }
        serde_json::Value::Array(out)
    };
    let quote_params = cat(vec![
        q("search", "full-text search over the quoted words"),
        q(
            "speaker",
            "part of the speaker's name, or their exact actor code",
        ),
        q("actor", "exactly this speaker (canonical name)"),
        json!(code_params.clone()),
        date_params.clone(),
        json!({"name": "all", "in": "query", "schema": {"type": "boolean", "default": false},
               "description": "every quote, instead of one row per statement repeated across a story"}),
        page.clone(),
    ]);
    let entity_params = cat(vec![
        q("name", "part of the canonical name, or an exact actor code"),
        q("type", "PERSON, ORG, LOC, NORP, EVENT or MISC"),
        q("search", "full-text search over the entity's documents"),
        json!(code_params),
        date_params.clone(),
        page,
    ]);
    let span_text = json!({"type": ["object", "null"], "properties": {
        "span": {"type": "array", "items": {"type": "integer"}}, "text": {"type": "string"}}});
    let quote = json!({"allOf": [{"$ref": "#/components/schemas/Offsets"}, {"type": "object", "properties": {
        "doc_id": {"type": "string"}, "idx": {"type": "integer"},
        "published": {"type": ["string", "null"], "format": "date"},
        "outlet": {"type": ["string", "null"]}, "title": {"type": ["string", "null"]},
        "kind": {"type": "string", "enum": ["direct", "mixed", "indirect"]},
        "text": {"type": "string", "description": "the content, without quotation marks (its pieces joined by ` … ` when the attribution interrupts it)"},
        "parts": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}},
            "description": "byte spans of the content's pieces when the attribution interrupts it (absent for one piece)"},
        "clause": {"allOf": [span_text], "description": "for a mixed quote, the whole reported clause around its quoted words (absent otherwise)"},
        "cue": span_text, "speaker": span_text, "addressee": span_text,
        "speaker_entity": {"type": ["integer", "null"]}, "addressee_entity": {"type": ["integer", "null"]},
        "speaker_canonical": {"type": ["string", "null"]}, "speaker_code": {"type": ["string", "null"]},
        "speaker_country": {"type": ["string", "null"]},
        "paragraphs": {"type": "array", "items": {"type": "integer"}},
        "version": {"type": "string"},
        "evidence": {"type": "integer", "description": "quotes of the story saying the same"},
        "evidence_docs": {"type": "array", "items": {"type": "string"}}}}]});
    let mention = json!({"allOf": [{"$ref": "#/components/schemas/Offsets"}, {"type": "object", "properties": {
        "entity": {"type": "integer"}, "kind": {"type": "string"}, "text": {"type": "string"}}}]});
    let entity = json!({"type": "object", "properties": {
        "doc_id": {"type": "string"}, "idx": {"type": "integer"}, "canonical": {"type": "string"},
        "type": {"type": "string"}, "kind": {"type": ["string", "null"]}, "country": {"type": ["string", "null"]},
        "actor_code": {"type": ["string", "null"]},
        "code_source": {"type": ["object", "null"], "properties": {"layer": {"type": "string"}, "entry": {"type": "string"}}},
        "role": {"type": ["string", "null"]}, "affiliation": {"type": ["integer", "null"]},
        "affiliation_canonical": {"type": ["string", "null"]}, "n_mentions": {"type": "integer"},
        "version": {"type": "string"},
        "mentions": {"type": "array", "items": {"$ref": "#/components/schemas/Mention"}}}});
    let actor = json!({"type": "object", "properties": {
        "canonical": {"type": "string"}, "type": {"type": "string"}, "actor_code": {"type": ["string", "null"]},
        "country": {"type": ["string", "null"]}, "documents": {"type": "integer"},
        "mentions": {"type": "integer"}, "quotes": {"type": "integer"}}});
    let actor_detail = json!({"allOf": [
                    {"$ref": "#/components/schemas/Actor"}, {"type": "object", "properties": {
                        "codes": {"type": "array", "items": {"type": "object"}},
                        "roles": {"type": "array", "items": {"type": "string"}},
                        "affiliations": {"type": "array", "items": {"type": "string"}},
                        "occurrences": {"type": "array", "description": "every mention, with its document",
                            "items": {"allOf": [{"$ref": "#/components/schemas/Mention"}, {"type": "object", "properties": {
                                "doc_id": {"type": "string"}, "published": {"type": ["string", "null"]}, "title": {"type": ["string", "null"]}}}]}},
                        "statements": {"type": "array", "description": "every statement",
                            "items": {"$ref": "#/components/schemas/Quote"}}}}]});
    let ok = |schema: serde_json::Value| json!({"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}, "400": error.clone()});
    json!({
        "openapi": "3.1.0",
        "info": {"title": "newsgraph API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Documents, sentences, stories, entities, actors and quotes from a newsgraph store. Read-only."},
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
                "summary": "Full-text search over articles (with highlighted snippets) and quotes (`quotes`: a QuotePage)",
                "parameters": [{"name": "q", "in": "query", "required": true, "schema": {"type": "string"}},
                               {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                               {"name": "offset", "in": "query", "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "a page", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DocPage"}}}}, "400": error}
            }},
            "/api/timeline": {"get": {
                "summary": "Documents and statements per publication day",
                "parameters": list_params,
                "responses": {"200": {"description": "days", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object", "properties": {"date": {"type": "string", "format": "date"}, "documents": {"type": "integer"}, "quotes": {"type": "integer"}}}}}}}, "400": error}
            }},
            "/api/quotes": {"get": {
                "summary": "Statements: quotes with speakers, one row per quote repeated across a story",
                "parameters": quote_params,
                "responses": ok(json!({"$ref": "#/components/schemas/QuotePage"}))
            }},
            "/api/entities": {"get": {
                "summary": "Entities of documents, newest documents first",
                "parameters": entity_params.clone(),
                "responses": ok(json!({"type": "object", "properties": {"total": {"type": "integer"},
                    "entities": {"type": "array", "items": {"$ref": "#/components/schemas/Entity"}}}}))
            }},
            "/api/actors": {"get": {
                "summary": "Actors (entities grouped by canonical name) with counts, most named first",
                "parameters": entity_params,
                "responses": ok(json!({"type": "object", "properties": {"total": {"type": "integer"},
                    "actors": {"type": "array", "items": {"$ref": "#/components/schemas/Actor"}}}}))
            }},
            "/api/actors/{name}": {"get": {
                "summary": "One actor with codes, roles, affiliations, every mention and every statement",
                "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string", "maxLength": MAX_NAME_BYTES}}],
                "responses": {"200": {"description": "the actor", "content": {"application/json": {"schema": actor_detail}}},
                    "404": {"description": "no such actor"}, "400": error}
            }},
            "/api/network": {"get": {
                "summary": "Who quotes whom (speaker → entities named in the statement) or who is named with whom",
                "parameters": cat(vec![
                    json!({"name": "kind", "in": "query", "schema": {"type": "string", "enum": ["quotes", "cooccurrence"], "default": "quotes"}}),
                    q("actor", "only edges touching this actor"),
                    date_params,
                    json!({"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": MAX_EDGES, "default": 100}})
                ]),
                "responses": ok(json!({"type": "object", "properties": {
                    "kind": {"type": "string"},
                    "nodes": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}, "type": {"type": "string"}, "actor_code": {"type": ["string", "null"]}, "documents": {"type": "integer"}}}},
                    "edges": {"type": "array", "items": {"type": "object", "properties": {"source": {"type": "string"}, "target": {"type": "string"}, "weight": {"type": "integer"}}}}}}))
            }},
            "/api/stats": {"get": {"summary": "Totals", "responses": {"200": {"description": "totals"}}}},
            "/api/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1"}}}}
        },
        "components": {"schemas": {
            "Error": {"type": "object", "properties": {"error": {"type": "string"}}},
            "DocSummary": summary,
            "Quote": quote,
            "Mention": mention,
            "Entity": entity,
            "Actor": actor,
            "QuotePage": {"type": "object", "properties": {
                "total": {"type": "integer"},
                "total_exact": {"type": "boolean", "description": "false when counting stopped: there are more than `total` matches"},
                "offset": {"type": "integer"}, "limit": {"type": "integer"},
                "quotes": {"type": "array", "items": {"$ref": "#/components/schemas/Quote"}}}},
            "Offsets": offsets,
            "DocPage": {"type": "object", "properties": {
                "total": {"type": "integer"},
                "total_exact": {"type": "boolean", "description": "false when counting stopped: there are more than `total` matches"},
                "offset": {"type": "integer"}, "limit": {"type": "integer"},
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
                "story_members": {"type": "array", "items": {"type": "string"}},
                "entities": {"type": "array", "items": {"$ref": "#/components/schemas/Entity"}},
                "quotes": {"type": "array", "items": {"$ref": "#/components/schemas/Quote"}}}}]}
        }}
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_cache_drops_its_oldest_answers_and_keeps_the_young() {
        let pool = Pool {
            path: PathBuf::from("unused.db"),
            idle: Mutex::new(Vec::new()),
            aggregates: Mutex::new(HashMap::new()),
        };
        for i in 0..AGGREGATE_CACHE - 1 {
            pool.entry(&format!("old {i}"));
        }
        std::thread::sleep(Duration::from_millis(2));
        pool.replace("popular".into(), Bytes::from_static(b"{}"));
        assert_eq!(pool.aggregates.lock().unwrap().len(), AGGREGATE_CACHE);
        // One more answer: a quarter of the oldest make room for it.
        pool.entry("new");
        let c = pool.aggregates.lock().unwrap();
        assert_eq!(c.len(), AGGREGATE_CACHE - AGGREGATE_CACHE / 4 + 1);
        assert!(c.contains_key("popular") && c.contains_key("new"));
        assert!(!c.contains_key("old 0"));
        // The same entry answers again while it is young enough.
        drop(c);
        assert!(pool.entry("popular").value.get().is_some());
    }
}
