//! A rough load test (not a test): serves a store in-process on loopback and
//! sends keep-alive GET requests from N connections for a few seconds,
//! printing requests per second and latency percentiles per path. Client and
//! server share the machine, so the figures are a floor.
//!
//! A PATH of the form `@FILE` is a mix: the paths listed in FILE (one per
//! line), which each connection requests in turn, starting at its own place
//! in the list, so that a cache sees as many different requests as the list
//! holds.
//!
//! Each PATH is first requested for two seconds that are not counted (a
//! warm-up), then for SECONDS.
//!
//! Usage: cargo run --release -p newsgraph-server --example load -- STORE.db SECONDS CONNECTIONS PATH|@FILE…

use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn one_conn(
    addr: std::net::SocketAddr,
    paths: std::sync::Arc<Vec<String>>,
    first: usize,
    until: Instant,
) -> (Vec<(usize, f64)>, u64) {
    let mut lat = Vec::new();
    let mut errors = 0;
    let Ok(mut s) = tokio::net::TcpStream::connect(addr).await else {
        return (lat, 1);
    };
    let mut buf = vec![0u8; 1 << 16];
    let mut next = first;
    while Instant::now() < until {
        let which = next % paths.len();
        let req = format!("GET {} HTTP/1.1\r\nHost: x\r\n\r\n", paths[which]);
        next += 1;
        let t = Instant::now();
        if s.write_all(req.as_bytes()).await.is_err() {
            errors += 1;
            break;
        }
        // Read the head, then the body by Content-Length.
        let mut got: Vec<u8> = Vec::new();
        let (head_end, len) = loop {
            let Ok(n) = s.read(&mut buf).await else {
                return (lat, errors + 1);
            };
            if n == 0 {
                return (lat, errors + 1);
            }
            got.extend_from_slice(&buf[..n]);
            if let Some(i) = got.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&got[..i]).to_ascii_lowercase();
                if !head.starts_with("http/1.1 200") {
                    errors += 1;
                }
                let len = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                break (i + 4, len);
            }
        };
        while got.len() < head_end + len {
            let Ok(n) = s.read(&mut buf).await else {
                return (lat, errors + 1);
            };
            if n == 0 {
                return (lat, errors + 1);
            }
            got.extend_from_slice(&buf[..n]);
        }
        lat.push((which, t.elapsed().as_secs_f64() * 1e3));
    }
    (lat, errors)
}

/// The 50th and 99th percentiles.
fn percentiles(v: &mut [f64]) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    let pct = |p: usize| {
        v.get((v.len() * p / 100).min(v.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0.0)
    };
    (pct(50), pct(99))
}

/// A request's kind: its route, with which parameters it has.
fn kind(path: &str) -> String {
    let (route, query) = path.split_once('?').unwrap_or((path, ""));
    let mut parts: Vec<&str> = route.split('/').collect();
    if parts.len() > 3 {
        parts.truncate(3);
        parts.push("{id}");
    }
    let mut keys: Vec<&str> = query
        .split('&')
        .filter_map(|kv| kv.split('=').next())
        .filter(|k| !k.is_empty() && *k != "offset")
        .collect();
    keys.sort_unstable();
    keys.dedup();
    if keys.is_empty() {
        parts.join("/")
    } else {
        format!("{}?{}", parts.join("/"), keys.join("&"))
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [db, secs, conns, paths @ ..] = args.as_slice() else {
        return Err("usage: load STORE.db SECONDS CONNECTIONS PATH…".into());
    };
    let secs: u64 = secs.parse()?;
    let conns: usize = conns.parse()?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let app = newsgraph_server::router(db.as_str())?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        tokio::spawn(async move { axum::serve(listener, app).await });
        for path in paths {
            let list: Vec<String> = match path.strip_prefix('@') {
                Some(file) => std::fs::read_to_string(file)?
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .map(str::to_string)
                    .collect(),
                None => vec![path.clone()],
            };
            if list.is_empty() {
                return Err(format!("{path}: no paths").into());
            }
            let list = std::sync::Arc::new(list);
            // Two seconds of the same requests first, not counted: what a
            // server that has been up a while has cached and mapped.
            let warm_until = Instant::now() + Duration::from_secs(2);
            let warm: Vec<_> = (0..conns)
                .map(|i| tokio::spawn(one_conn(addr, list.clone(), i * list.len() / conns, warm_until)))
                .collect();
            for t in warm {
                t.await?;
            }
            let until = Instant::now() + Duration::from_secs(secs);
            let tasks: Vec<_> = (0..conns)
                .map(|i| {
                    let first = i * list.len() / conns;
                    tokio::spawn(one_conn(addr, list.clone(), first, until))
                })
                .collect();
            let mut lat: Vec<(usize, f64)> = Vec::new();
            let mut errors = 0;
            for t in tasks {
                let (l, e) = t.await?;
                lat.extend(l);
                errors += e;
            }
            let mut all: Vec<f64> = lat.iter().map(|&(_, ms)| ms).collect();
            let (p50, p99) = percentiles(&mut all);
            println!(
                "{path}: {:.0} req/s over {conns} connections, p50 {p50:.1} ms, p99 {p99:.1} ms, {errors} error(s)",
                all.len() as f64 / secs as f64,
            );
            if list.len() > 1 {
                // A mix: the same figures per kind of request.
                let mut by_kind: std::collections::BTreeMap<String, Vec<f64>> = Default::default();
                for (which, ms) in lat {
                    by_kind.entry(kind(&list[which])).or_default().push(ms);
                }
                for (k, mut v) in by_kind {
                    let n = v.len();
                    let mean = v.iter().sum::<f64>() / n.max(1) as f64;
                    let (p50, p99) = percentiles(&mut v);
                    println!("  {k:<36} {n:>7} requests, mean {mean:6.1} ms, p50 {p50:6.1} ms, p99 {p99:6.1} ms");
                }
            }
        }
        Ok::<_, Box<dyn std::error::Error>>(())
    })
}
