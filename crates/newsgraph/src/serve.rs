//! `newsgraph serve`: the JSON API and web UI over a store.

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The store to serve (opened read-only).
    #[arg(long, value_name = "FILE", default_value = "newsgraph.db")]
    pub db: PathBuf,
    /// Address to listen on (loopback by default; the API has no authentication).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
}

pub fn run(args: &ServeArgs) -> anyhow::Result<ExitCode> {
    newsgraph_server::serve(args.db.clone(), &args.addr, |addr| {
        eprintln!(
            "newsgraph: serving {} on http://{addr}/ (Ctrl-C to stop)",
            args.db.display()
        );
    })?;
    Ok(ExitCode::SUCCESS)
}
