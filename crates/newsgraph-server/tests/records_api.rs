//! The quote, entity, actor and network endpoints, over a store of
//! hand-built documents with entities and quotes.

#[path = "../../newsgraph-store/tests/fixture/mod.rs"]
mod fixture;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use newsgraph_store::{InputItem, PreparedDoc, RunCounts, RunInfo, Store};
use tower::ServiceExt;

fn store() -> (tempfile::TempDir, std::path::PathBuf, [String; 3]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("records.db");
    let mut store = Store::open(&path).unwrap();
    let run = store.begin_run(&RunInfo::default()).unwrap();
    let copy = fixture::militia_copy();
    let docs = vec![
        fixture::militia(fixture::MILITIA, "wire.txt", (2021, 12, 9)),
        fixture::militia(&copy, "copy.txt", (2021, 12, 10)),
        fixture::hostile("hostile.txt", (2021, 12, 11)),
    ];
    let ids = [docs[0].id.clone(), docs[1].id.clone(), docs[2].id.clone()];
    let item = InputItem {
        docs: docs.into_iter().map(PreparedDoc::new).collect(),
        ..InputItem::default()
    };
    store
        .write(run, &[item], &mut RunCounts::default())
        .unwrap();
    (dir, path, ids)
}

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, Vec<u8>) {
    let res = app
        .clone()
        .oneshot(Request::builder().uri(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    (
        status,
        res.into_body().collect().await.unwrap().to_bytes().to_vec(),
    )
}

async fn json(app: &axum::Router, uri: &str) -> serde_json::Value {
    let (status, body) = get(app, uri).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{uri}: {}",
        String::from_utf8_lossy(&body)
    );
    serde_json::from_slice(&body).unwrap()
}

#[tokio::test]
async fn quotes_list_filter_page_and_deduplicate() {
    let (_dir, db, ids) = store();
    let app = newsgraph_server::router(&db).unwrap();
    let all = json(&app, "/api/quotes").await;
    assert_eq!(all["total"], 6, "4 + 1 reworded in the copy + 1 hostile");
    let first = all["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["text"].as_str().unwrap().starts_with("the resistance"))
        .unwrap();
    assert_eq!(first["evidence"], 2);
    assert_eq!(first["evidence_docs"], serde_json::json!([ids[0], ids[1]]));
    assert_eq!(first["speaker_canonical"], "Nasr al-Shammari");
    assert_eq!(first["speaker"]["text"], "Nasr al-Shammari");
    assert_eq!(json(&app, "/api/quotes?all=true").await["total"], 9);
    assert_eq!(json(&app, "/api/quotes?speaker=shammari").await["total"], 3);
    assert_eq!(json(&app, "/api/quotes?speaker=IRQGOV").await["total"], 2);
    assert_eq!(
        json(&app, "/api/quotes?code=IRQ&sector=GOV").await["total"],
        2
    );
    assert_eq!(json(&app, "/api/quotes?country=IRQ").await["total"], 5);
    assert_eq!(
        json(&app, "/api/quotes?from=2021-12-10&to=2021-12-10").await["total"],
        1
    );
    assert_eq!(json(&app, "/api/quotes?search=soldier").await["total"], 1);
    assert_eq!(
        json(&app, &format!("/api/quotes?doc={}", ids[2])).await["total"],
        1
    );
    let page = json(&app, "/api/quotes?limit=2&offset=1").await;
    assert_eq!(page["quotes"].as_array().unwrap().len(), 2);
    // A small store is counted exactly: the bound lies past its end.
    assert_eq!(page["total"], 6);
    assert_eq!(page["total_exact"], true);
    assert_eq!(
        json(&app, "/api/quotes?limit=100000").await["limit"],
        newsgraph_server::MAX_LIMIT
    );
    let (status, _) = get(&app, "/api/quotes?from=soon").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = get(&app, "/api/quotes?all=maybe").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn documents_carry_entities_and_quotes_and_search_covers_quotes() {
    let (_dir, db, ids) = store();
    let app = newsgraph_server::router(&db).unwrap();
    let d = json(&app, &format!("/api/documents/{}", ids[1])).await;
    let ents = d["entities"].as_array().unwrap();
    assert_eq!(ents.len(), 7);
    assert_eq!(ents[0]["mentions"].as_array().unwrap().len(), 2);
    assert_eq!(ents[0]["affiliation_canonical"], "Sabireen movement");
    assert_eq!(ents[1]["code_source"]["entry"], "SABIREEN_MOVEMENT");
    let quotes = d["quotes"].as_array().unwrap();
    assert_eq!(quotes.len(), 4);
    assert_eq!(quotes[0]["evidence"], 2);
    let text = d["text"].as_str().unwrap();
    let [s, e] = [
        quotes[1]["span"][0].as_u64().unwrap(),
        quotes[1]["span"][1].as_u64().unwrap(),
    ];
    assert_eq!(
        &text[s as usize..e as usize],
        quotes[1]["text"].as_str().unwrap()
    );
    let hits = json(&app, "/api/search?q=resistance").await;
    assert_eq!(hits["quotes"]["total"], 1);
    assert!(hits["total"].as_u64().unwrap() >= 1);
    let tl = json(&app, "/api/timeline").await;
    let q: Vec<u64> = tl
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["quotes"].as_u64().unwrap())
        .collect();
    assert_eq!(q, [4, 1, 1]);
    let stats = json(&app, "/api/stats").await;
    assert_eq!(
        (stats["quotes"].as_u64(), stats["statements"].as_u64()),
        (Some(9), Some(6))
    );
}

#[tokio::test]
async fn actors_and_networks() {
    let (_dir, db, _) = store();
    let app = newsgraph_server::router(&db).unwrap();
    let actors = json(&app, "/api/actors").await;
    assert_eq!(actors["total"], 9);
    assert_eq!(actors["actors"][0]["documents"], 2);
    assert_eq!(json(&app, "/api/actors?type=person").await["total"], 3);
    assert_eq!(json(&app, "/api/actors?sector=REB").await["total"], 2);
    let a = json(&app, "/api/actors/Nasr%20al-Shammari").await;
    assert_eq!(a["canonical"], "Nasr al-Shammari");
    assert_eq!(
        (a["quotes"].as_u64(), a["mentions"].as_u64()),
        (Some(3), Some(4))
    );
    assert_eq!(a["statements"].as_array().unwrap().len(), 3);
    assert_eq!(a["occurrences"].as_array().unwrap().len(), 4);
    assert_eq!(a["codes"][0]["code"], "IRQREB");
    let (status, _) = get(&app, "/api/actors/Nobody").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let long = "a".repeat(newsgraph_server::MAX_NAME_BYTES + 1);
    let (status, _) = get(&app, &format!("/api/actors/{long}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let ents = json(&app, "/api/entities?name=iraq").await;
    assert_eq!(
        ents["total"], 4,
        "Iraq and the Iraqi government, twice each"
    );

    let net = json(&app, "/api/network").await;
    let edges = net["edges"].as_array().unwrap();
    assert!(edges.iter().any(|e| e["source"] == "Nasr al-Shammari"
        && e["target"] == "United States"
        && e["weight"] == 3));
    assert!(net["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["id"] == "Iraq"));
    let co = json(&app, "/api/network?kind=cooccurrence&actor=Adel%20Hamdani").await;
    assert_eq!(co["edges"].as_array().unwrap().len(), 4);
    assert_eq!(
        json(&app, "/api/network?limit=100000&kind=quotes").await["kind"],
        "quotes"
    );
    let (status, _) = get(&app, "/api/network?kind=everything").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let api = json(&app, "/api/openapi.json").await;
    for p in [
        "/api/quotes",
        "/api/actors",
        "/api/actors/{name}",
        "/api/entities",
        "/api/network",
    ] {
        assert!(api["paths"][p].is_object(), "{p}");
    }
    assert!(api["components"]["schemas"]["Quote"].is_object());
}

#[tokio::test]
async fn hostile_names_and_injection_attempts_are_data() {
    let (_dir, db, ids) = store();
    let app = newsgraph_server::router(&db).unwrap();
    let evil = "<b onmouseover=alert(1)>Evil</b>";
    let enc: String = evil.bytes().map(|b| format!("%{b:02X}")).collect();
    let a = json(&app, &format!("/api/actors/{enc}")).await;
    assert_eq!(a["canonical"], evil);
    assert_eq!(a["codes"][0]["layer"], "<script>");
    let d = json(&app, &format!("/api/documents/{}", ids[2])).await;
    assert!(d["quotes"][0]["text"]
        .as_str()
        .unwrap()
        .starts_with("<img src=x onerror=alert(2)>"));
    for v in [
        "'%20OR%201=1--",
        "%22%3B%20DROP%20TABLE%20quotes%3B%20--",
        "x%27)%20UNION%20SELECT%20sql%20FROM%20sqlite_master--",
        "NEAR(a%20b",
        "%25",
        "_",
    ] {
        for p in ["speaker", "code", "sector", "country", "actor", "doc"] {
            let body = json(&app, &format!("/api/quotes?{p}={v}")).await;
            assert_eq!(body["total"], 0, "{p}={v}");
        }
        let (status, body) = get(&app, &format!("/api/quotes?search={v}")).await;
        assert!(
            status == StatusCode::OK || status == StatusCode::BAD_REQUEST,
            "{v}: {status}"
        );
        assert!(!String::from_utf8_lossy(&body).contains("CREATE TABLE"));
        json(&app, &format!("/api/actors?name={v}&code={v}&type={v}")).await;
        json(&app, &format!("/api/network?actor={v}")).await;
        let (status, _) = get(&app, &format!("/api/actors/{v}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{v}");
    }
    assert_eq!(json(&app, "/api/stats").await["quotes"], 9);
}
