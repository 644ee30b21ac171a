//! The emulator's request log (`/_flywheel/requests`), read the one way tests share it: from
//! a mark taken before the calls of interest (`since`), narrowed to the calls naming this
//! test's unique objects (`match`). No test clears the log: others count in it meanwhile.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use serde_json::Value as Json;

use super::emulator::{emulator_settings, host_port};

/// One request to the emulator's control API; the answer's body.
pub fn control(method: &str, path: &str, body: &str) -> Result<String> {
    let settings = emulator_settings();
    let (host, port) = host_port(&settings.endpoint)?;
    let mut s = TcpStream::connect((host.as_str(), port))
        .with_context(|| format!("connecting to the emulator at {}", settings.endpoint))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        s,
        "{method} {path} HTTP/1.0\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut out = String::new();
    s.read_to_string(&mut out)?;
    let (head, rest) = out.split_once("\r\n\r\n").unwrap_or((&out, ""));
    if !head.starts_with("HTTP/1.0 200") && !head.starts_with("HTTP/1.1 200") {
        bail!("{method} {path}: {head}");
    }
    Ok(rest.to_string())
}

/// The newest request's sequence number: calls made after this are `> mark`.
pub fn log_mark() -> Result<u64> {
    let log: Json = serde_json::from_str(&control("GET", "/_flywheel/requests", "")?)?;
    Ok(log["requests"]
        .as_array()
        .and_then(|r| r.last())
        .and_then(|r| r["seq"].as_u64())
        .unwrap_or(0))
}

/// The calls after `since` whose path, query or (non-S3) body contains `matching`, oldest
/// first. `matching` must be unique to the test (a `unique_name`), or it counts others' calls.
pub fn requests_since(since: u64, matching: &str) -> Result<Vec<Json>> {
    if matching.len() < 8 {
        bail!("match {matching:?} is too short to be one test's own (use a unique_name)");
    }
    let encoded: String = url::form_urlencoded::byte_serialize(matching.as_bytes()).collect();
    let log: Json = serde_json::from_str(&control(
        "GET",
        &format!("/_flywheel/requests?since={since}&match={encoded}"),
        "",
    )?)?;
    Ok(log["requests"].as_array().cloned().unwrap_or_default())
}

/// `service:operation` of a logged call.
pub fn operation(r: &Json) -> String {
    format!(
        "{}:{}",
        r["service"].as_str().unwrap_or("?"),
        r["operation"].as_str().unwrap_or("?")
    )
}
