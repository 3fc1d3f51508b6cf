//! API tests against an in-process router over a store built here.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use newsgraph_core::{Annotator, Date, Document};
use newsgraph_store::{InputItem, PreparedDoc, RunCounts, RunInfo, Store};
use tower::ServiceExt;

const HOSTILE: &str = "Hostile <script>alert('x')</script> headline\n\n\
Officials said on Monday that the <img src=x onerror=alert(1)> market reopened after the \
storm, and traders returned to the floor. A spokesman said prices would be watched closely \
<a href=\"javascript:alert(2)\">here</a>.\n";

const PLAIN: &str = "Talks resume in Geneva\n\nDiplomats met in Geneva on Tuesday to resume \
talks on the ceasefire, officials said. The talks are expected to last three days.\n";

fn doc(text: &str, date: (i32, u8, u8)) -> Document {
    let mut d = Document::from_text(text);
    let t = text.find('\n').unwrap();
    d.meta.title = Some(text[..t].into());
    d.meta.source.path = "fixture.txt".into();
    d.meta.published = Date::new(date.0, date.1, date.2);
    d.layout.body = newsgraph_core::Span::new(t + 2, text.len());
    newsgraph_segment::SegmenterBuilder::new()
        .build()
        .run(&mut d);
    d
}

fn fixture() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("api.db");
    let mut store = Store::open(&path).unwrap();
    let run = store.begin_run(&RunInfo::default()).unwrap();
    let item = InputItem {
        docs: vec![
            PreparedDoc::new(doc(HOSTILE, (2021, 12, 6))),
            PreparedDoc::new(doc(PLAIN, (2021, 12, 7))),
        ],
        ..InputItem::default()
    };
    store
        .write(run, &[item], &mut RunCounts::default())
        .unwrap();
    (dir, path)
}

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let res = app
        .clone()
        .oneshot(Request::builder().uri(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, headers, body)
}

async fn json(app: &axum::Router, uri: &str) -> serde_json::Value {
    let (status, _, body) = get(app, uri).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{uri}: {}",
        String::from_utf8_lossy(&body)
    );
    serde_json::from_slice(&body).unwrap()
}

#[tokio::test]
async fn lists_filters_and_pages() {
    let (_dir, db) = fixture();
    let app = newsgraph_server::router(&db).unwrap();
    let all = json(&app, "/api/documents").await;
    assert_eq!(all["total"], 2);
    assert_eq!(all["documents"][0]["title"], "Talks resume in Geneva");
    let page = json(&app, "/api/documents?limit=1&offset=1").await;
    assert_eq!(page["documents"].as_array().unwrap().len(), 1);
    assert_eq!(page["documents"][0]["published"], "2021-12-06");
    let from = json(&app, "/api/documents?from=2021-12-07").await;
    assert_eq!(from["total"], 1);
    let capped = json(&app, "/api/documents?limit=100000").await;
    assert_eq!(capped["limit"], newsgraph_server::MAX_LIMIT);
    let (status, _, _) = get(&app, "/api/documents?from=yesterday").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = get(&app, "/api/documents?limit=-1").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn search_timeline_and_openapi() {
    let (_dir, db) = fixture();
    let app = newsgraph_server::router(&db).unwrap();
    let hits = json(&app, "/api/search?q=geneva%20ceasefire").await;
    assert_eq!(hits["total"], 1);
    let snippet = hits["documents"][0]["snippet"].as_array().unwrap();
    assert!(snippet.iter().any(|p| p["hit"] == true));
    let (status, _, _) = get(&app, "/api/search").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let tl = json(&app, "/api/timeline").await;
    assert_eq!(tl.as_array().unwrap().len(), 2);
    let api = json(&app, "/api/openapi.json").await;
    assert_eq!(api["openapi"], "3.1.0");
    for p in [
        "/api/documents",
        "/api/documents/{id}",
        "/api/search",
        "/api/timeline",
    ] {
        assert!(api["paths"][p].is_object(), "{p}");
    }
    let stats = json(&app, "/api/stats").await;
    assert_eq!(stats["documents"], 2);
}

#[tokio::test]
async fn sql_injection_attempts_are_just_data() {
    let (_dir, db) = fixture();
    let app = newsgraph_server::router(&db).unwrap();
    for q in [
        "'%20OR%201=1--",
        "%22%3B%20DROP%20TABLE%20documents%3B%20--",
        "x%27)%20UNION%20SELECT%20sql%20FROM%20sqlite_master--",
        "NEAR(a%20b",
        "title:*",
    ] {
        let (status, _, body) = get(&app, &format!("/api/search?q={q}")).await;
        assert!(
            status == StatusCode::OK || status == StatusCode::BAD_REQUEST,
            "{q}: {status}"
        );
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert!(!v.to_string().contains("CREATE TABLE"), "{q}");
    }
    let (status, _, _) = get(
        &app,
        "/api/documents?outlet=x%27%20OR%20%271%27=%271&story=1%20OR%201=1",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = get(&app, "/api/documents/1%20OR%201=1").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json(&app, "/api/stats").await["documents"], 2);
}

#[tokio::test]
async fn hostile_text_is_data_and_the_ui_renders_it_as_text() {
    let (_dir, db) = fixture();
    let app = newsgraph_server::router(&db).unwrap();
    let id = Document::from_text(HOSTILE).id;
    let d = json(&app, &format!("/api/documents/{id}?tokens=true")).await;
    // The API returns the text verbatim as a JSON string…
    assert!(d["text"]
        .as_str()
        .unwrap()
        .contains("<script>alert('x')</script>"));
    assert!(!d["sentences"].as_array().unwrap().is_empty());
    assert!(!d["tokens"].as_array().unwrap().is_empty());
    let (_, headers, _) = get(&app, &format!("/api/documents/{id}")).await;
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    // …and the page never interprets it: the HTML is static (no article data
    // in it), scripts may only come from the server itself, and the UI code
    // inserts values only as text nodes.
    let (status, headers, page) = get(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
    let page = String::from_utf8(page).unwrap();
    assert!(!page.contains("alert"));
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let (_, _, js) = get(&app, "/app.js").await;
    let js = String::from_utf8(js).unwrap();
    for sink in [
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
    ] {
        assert!(!js.contains(sink), "app.js uses {sink}");
    }
    assert!(js.contains("createTextNode"));
}

#[tokio::test]
async fn bounds_and_unknown_routes() {
    let (_dir, db) = fixture();
    let app = newsgraph_server::router(&db).unwrap();
    let long = "a".repeat(newsgraph_server::MAX_QUERY_BYTES + 10);
    let (status, _, _) = get(&app, &format!("/api/search?q={long}")).await;
    assert_eq!(status, StatusCode::URI_TOO_LONG);
    let (status, _, _) = get(&app, "/api/nothing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = get(&app, &format!("/api/documents/{}", "0".repeat(32))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let res = app
        .clone()
        .oneshot(
            Request::builder()
                .method("POST")
                .uri("/api/documents")
                .body(Body::from(vec![b'x'; 1 << 20]))
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
}

#[tokio::test]
async fn serves_on_a_real_port() {
    let (_dir, db) = fixture();
    let app = newsgraph_server::router(&db).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /api/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.unwrap();
    let text = String::from_utf8_lossy(&buf);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains("\"documents\":2"), "{text}");
    server.abort();
}
