//! A real SMTP server for the tests: `tools/smtp_sink.py` (Python `aiosmtpd`), run as a child
//! process. `cargo xtask test` prepares a virtualenv with it and sets `ICLEFS_TEST_PYTHON`; a plain
//! `cargo test` uses `python3` and fails with instructions when `aiosmtpd` is missing.

use serde_json::Value;
use std::{
    path::PathBuf,
    process::Stdio,
    time::{Duration, Instant},
};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};
use uuid::Uuid;

pub struct SmtpSink {
    pub port: u16,
    log: PathBuf,
    _child: Child,
}

/// A port nobody listens on (yet).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

fn python() -> String {
    std::env::var("ICLEFS_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

impl SmtpSink {
    pub async fn start(mode: &str) -> Self {
        Self::start_on(free_port(), mode).await
    }

    pub async fn start_on(port: u16, mode: &str) -> Self {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../tools/smtp_sink.py");
        let log = std::env::temp_dir().join(format!("iclefs-smtp-{}.jsonl", Uuid::now_v7()));
        let mut child = Command::new(python())
            .args([
                script,
                "--port",
                &port.to_string(),
                "--log",
                &log.display().to_string(),
                "--mode",
                mode,
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("start the SMTP sink (python3 with aiosmtpd: run `cargo xtask test`)");
        let stdout = child.stdout.take().expect("sink stdout");
        let mut lines = BufReader::new(stdout).lines();
        let ready = tokio::time::timeout(Duration::from_secs(20), lines.next_line()).await;
        assert!(
            matches!(ready, Ok(Ok(Some(ref l))) if l == "ready"),
            "the SMTP sink did not start ({ready:?}); install aiosmtpd==1.4.6 or run `cargo xtask test`"
        );
        Self {
            port,
            log,
            _child: child,
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every event the sink logged, in order.
    pub fn events(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// Messages accepted with 250.
    pub fn accepted(&self) -> Vec<Value> {
        self.events()
            .into_iter()
            .filter(|e| e["event"] == "accepted")
            .collect()
    }

    /// Waits until at least `count` events of `kind` were logged.
    pub async fn wait_for(&self, kind: &str, count: usize, within: Duration) -> Vec<Value> {
        let start = Instant::now();
        loop {
            let events: Vec<Value> = self
                .events()
                .into_iter()
                .filter(|e| e["event"] == kind)
                .collect();
            if events.len() >= count {
                return events;
            }
            assert!(
                start.elapsed() < within,
                "expected {count} `{kind}` events within {within:?}, got {}",
                events.len()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.log);
    }
}
