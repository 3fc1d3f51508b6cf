//! A rough load test (not a test): serves a store in-process on loopback and
//! sends keep-alive GET requests from N connections for a few seconds,
//! printing requests per second and latency percentiles per path. Client and
//! server share the machine, so the figures are a floor.
//!
//! Usage: cargo run --release -p newsgraph-server --example load -- STORE.db SECONDS CONNECTIONS PATH…

use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn one_conn(addr: std::net::SocketAddr, path: String, until: Instant) -> (Vec<f64>, u64) {
    let mut lat = Vec::new();
    let mut errors = 0;
    let Ok(mut s) = tokio::net::TcpStream::connect(addr).await else {
        return (lat, 1);
    };
    let req = format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n");
    let mut buf = vec![0u8; 1 << 16];
    while Instant::now() < until {
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
        lat.push(t.elapsed().as_secs_f64() * 1e3);
    }
    (lat, errors)
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
            let until = Instant::now() + Duration::from_secs(secs);
            let tasks: Vec<_> = (0..conns)
                .map(|_| tokio::spawn(one_conn(addr, path.clone(), until)))
                .collect();
            let mut lat = Vec::new();
            let mut errors = 0;
            for t in tasks {
                let (l, e) = t.await?;
                lat.extend(l);
                errors += e;
            }
            lat.sort_by(f64::total_cmp);
            let pct = |p: usize| lat.get((lat.len() * p / 100).min(lat.len().saturating_sub(1))).copied().unwrap_or(0.0);
            println!(
                "{path}: {:.0} req/s over {conns} connections, p50 {:.1} ms, p99 {:.1} ms, {errors} error(s)",
                lat.len() as f64 / secs as f64,
                pct(50),
                pct(99)
            );
        }
        Ok::<_, Box<dyn std::error::Error>>(())
    })
}
