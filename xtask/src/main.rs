//! Build driver of i-CLEFS (`cargo xtask <command>`), so that nothing needs cargo-leptos.
//!
//! * `cargo xtask run`   – build the site and start the product on SQLite in demo mode.
//! * `cargo xtask build` – build the site (WASM + CSS + static files) and the server.
//! * `cargo xtask test`  – the whole suite: fmt, clippy, Rust tests on SQLite and PostgreSQL,
//!   then the browser journeys in Chromium.
//!
//! The WASM bundle is built with cargo, then run through `wasm-bindgen-cli-support` used as a
//! library (same version as the `wasm-bindgen` crate, pinned in Cargo.toml). No `wasm-opt`: the
//! Debian one breaks hydration, and the islands bundle is small without it.

use anyhow::{Context, Result, bail};
use std::{
    env,
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

const NAME: &str = "iclefs";

fn main() -> Result<()> {
    let args: Vec<String> = env::args().skip(1).collect();
    let root = workspace_root()?;
    env::set_current_dir(&root)?;
    match args.first().map(String::as_str) {
        Some("build") => build_all(&root),
        Some("run") => run(&root),
        Some("test") => test(&root, args.get(1..).unwrap_or_default()),
        Some("site") => build_site(&root),
        Some("bench") => bench(),
        _ => {
            eprintln!("usage: cargo xtask <run|build|test|site|bench>");
            bail!("unknown command")
        }
    }
}

fn workspace_root() -> Result<PathBuf> {
    // `cargo run` sets CARGO_MANIFEST_DIR for the process: the clone being built. The value
    // compiled in is only a fallback: with a build cache shared between clones, a binary built
    // from another clone can be reused, and its compiled-in path points at that other clone.
    let manifest = env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    manifest
        .parent()
        .map(Path::to_path_buf)
        .context("xtask has no parent folder")
}

fn target_dir(root: &Path) -> PathBuf {
    env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

fn site_root(root: &Path) -> PathBuf {
    root.join("target").join("site")
}

fn cargo() -> Command {
    Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
}

fn step(title: &str) {
    eprintln!("\n==> {title}");
}

fn run_cmd(cmd: &mut Command) -> Result<()> {
    let status = cmd.status().with_context(|| format!("running {cmd:?}"))?;
    if !status.success() {
        bail!("command failed ({status}): {cmd:?}");
    }
    Ok(())
}

fn ensure_wasm_target() -> Result<()> {
    let out = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output();
    match out {
        Ok(o) if String::from_utf8_lossy(&o.stdout).contains("wasm32-unknown-unknown") => Ok(()),
        _ => run_cmd(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"])),
    }
}

/// WASM islands bundle + CSS + static files into `target/site`.
fn build_site(root: &Path) -> Result<()> {
    step("building the browser bundle (wasm32)");
    ensure_wasm_target()?;
    run_cmd(cargo().args([
        "build",
        "--package",
        "frontend",
        "--lib",
        "--target",
        "wasm32-unknown-unknown",
    ]))?;
    let wasm = target_dir(root)
        .join("wasm32-unknown-unknown")
        .join("debug")
        .join("frontend.wasm");
    let site = site_root(root);
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg)?;
    step("wasm-bindgen");
    let mut bindgen = wasm_bindgen_cli_support::Bindgen::new();
    bindgen
        .input_path(&wasm)
        .web(true)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .out_name(NAME)
        .generate(&pkg)
        .map_err(|e| anyhow::anyhow!("wasm-bindgen: {e}"))?;
    // leptos' HydrationScripts asks for `<name>.wasm` when LEPTOS_OUTPUT_NAME is set.
    std::fs::rename(
        pkg.join(format!("{NAME}_bg.wasm")),
        pkg.join(format!("{NAME}.wasm")),
    )?;
    step("stylesheet and static files");
    std::fs::copy(
        root.join("style").join("main.css"),
        pkg.join(format!("{NAME}.css")),
    )?;
    copy_dir(&root.join("public"), &site)?;
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &dest)?;
        } else {
            std::fs::copy(entry.path(), dest)?;
        }
    }
    Ok(())
}

fn build_server() -> Result<()> {
    step("building the server");
    run_cmd(cargo().args(["build", "--package", "server", "--bin", NAME]))
}

fn server_binary(root: &Path) -> PathBuf {
    target_dir(root).join("debug").join(NAME)
}

fn build_all(root: &Path) -> Result<()> {
    build_site(root)?;
    build_server()
}

fn run(root: &Path) -> Result<()> {
    build_all(root)?;
    step("starting i-CLEFS on http://127.0.0.1:3000 (demo mode, SQLite in ./data)");
    let mut cmd = Command::new(server_binary(root));
    cmd.env("LEPTOS_SITE_ROOT", site_root(root));
    let status = cmd.status()?;
    if !status.success() {
        bail!("server exited with {status}");
    }
    Ok(())
}

/// The PostgreSQL URL for the tests: `ICLEFS_TEST_POSTGRES_URL`, or a local cluster started and
/// prepared here (Debian's `postgresql` package).
fn postgres_url() -> Result<String> {
    if let Ok(url) = env::var("ICLEFS_TEST_POSTGRES_URL") {
        return Ok(url);
    }
    let url = "postgres://iclefs:iclefs@127.0.0.1:5432/postgres".to_owned();
    let ready = || {
        Command::new("pg_isready")
            .args(["-h", "127.0.0.1", "-p", "5432"])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !ready() {
        step("starting the local PostgreSQL cluster");
        let clusters = Command::new("pg_lsclusters").arg("-h").output().context(
            "PostgreSQL is not installed: `apt-get install -y postgresql` or set ICLEFS_TEST_POSTGRES_URL",
        )?;
        let listing = String::from_utf8_lossy(&clusters.stdout).to_string();
        let first = listing
            .lines()
            .next()
            .map(|l| l.split_whitespace().take(2).collect::<Vec<_>>());
        let Some([version, name]) = first.as_deref() else {
            bail!("no PostgreSQL cluster found (pg_lsclusters is empty)");
        };
        // pg_ctl waits 60 s by default; a crash recovery (the machine was stopped with the
        // cluster running) can take longer, and a start that is still recovering is no failure.
        run_cmd(Command::new("pg_ctlcluster").args([version, name, "start", "--", "-t", "600"]))?;
        for _ in 0..30 {
            if ready() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(500));
        }
    }
    // Idempotent: a role that may create one database per test.
    let sql = "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'iclefs') THEN \
               CREATE ROLE iclefs LOGIN PASSWORD 'iclefs' CREATEDB; END IF; END $$;";
    let as_postgres = |args: &[&str]| -> Result<()> {
        let mut cmd = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--", "psql"]);
            c
        } else {
            let mut c = Command::new("sudo");
            c.args(["-u", "postgres", "psql"]);
            c
        };
        run_cmd(cmd.args(args).stdout(Stdio::null()))
    };
    as_postgres(&["-c", sql])?;
    Ok(url)
}

/// Drops the databases the Rust tests created (`iclefs_test_…`, one per test, see
/// `server/tests/api/helpers.rs`). The tests cannot drop their own (each test's server runs until
/// its runtime ends), and left behind they add up: 1,800 of them (19 GB) once made the cluster's
/// crash recovery outlast its start-up wait. Run before the PostgreSQL tests (leftovers of runs
/// by hand) and after them, pass or fail.
fn drop_test_databases(url: &str) -> Result<()> {
    let sql = "SELECT format('DROP DATABASE %I WITH (FORCE)', datname) FROM pg_database \
               WHERE datname LIKE 'iclefs\\_test\\_%' \\gexec\n";
    let child = Command::new("psql")
        .args([url, "-q", "-X", "-v", "ON_ERROR_STOP=1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        eprintln!("(psql not found: the test databases iclefs_test_* are left in place)");
        return Ok(());
    };
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        stdin.write_all(sql.as_bytes())?;
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("dropping the test databases failed ({status})");
    }
    Ok(())
}

/// A Python virtualenv with the test tools of `tools/python-requirements.txt` (the real SMTP
/// server of the mail tests), kept next to the build cache; created when missing or outdated.
fn python_venv(root: &Path) -> Result<PathBuf> {
    let requirements = root.join("tools").join("python-requirements.txt");
    let wanted = std::fs::read_to_string(&requirements).context("tools/python-requirements.txt")?;
    let venv = target_dir(root).join("test-venv");
    let python = venv.join("bin").join("python");
    let stamp = venv.join("requirements.txt");
    if python.exists() && std::fs::read_to_string(&stamp).is_ok_and(|s| s == wanted) {
        return Ok(python);
    }
    step("Python test tools (virtualenv + pip, from PyPI)");
    run_cmd(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    run_cmd(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(&requirements),
    )?;
    std::fs::write(&stamp, wanted)?;
    Ok(python)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn test(root: &Path, args: &[String]) -> Result<()> {
    let only_rust = args.iter().any(|a| a == "--rust");
    let only_e2e = args.iter().any(|a| a == "--e2e");
    if !only_e2e {
        step("cargo fmt --check");
        run_cmd(cargo().args(["fmt", "--all", "--check"]))?;
        step("clippy (server side, all targets, warnings denied)");
        run_cmd(cargo().args([
            "clippy",
            "--workspace",
            "--exclude",
            "frontend",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))?;
        let python = python_venv(root)?;
        step("Rust tests on SQLite");
        run_cmd(
            cargo()
                .args(["test", "--workspace", "--exclude", "frontend"])
                .env("ICLEFS_TEST_PYTHON", &python),
        )?;
        step("Rust tests on PostgreSQL");
        let pg = postgres_url()?;
        drop_test_databases(&pg)?;
        // Same package selection as the SQLite run, so nothing is rebuilt.
        let tests = run_cmd(
            cargo()
                .args(["test", "--workspace", "--exclude", "frontend"])
                .env("ICLEFS_TEST_DATABASE", "postgres")
                .env("ICLEFS_TEST_PYTHON", &python)
                .env("ICLEFS_TEST_POSTGRES_URL", &pg),
        );
        let cleaned = drop_test_databases(&pg);
        tests?;
        cleaned?;
    }
    if !only_rust {
        build_all(root)?;
        e2e(root, &python_venv(root)?)?;
    }
    eprintln!("\nAll tests passed.");
    Ok(())
}

/// The inbox benchmark (release build) on SQLite, then PostgreSQL; numbers go to
/// docs/PERFORMANCE.md. Sizes: `ICLEFS_BENCH_ROWS`, `ICLEFS_BENCH_OTHER_ROWS`.
fn bench() -> Result<()> {
    let args = [
        "test",
        "--release",
        "-p",
        "server",
        "--test",
        "api",
        "bench::",
        "--",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ];
    step("inbox benchmark on SQLite (release)");
    run_cmd(cargo().args(args))?;
    step("inbox benchmark on PostgreSQL (release)");
    let pg = postgres_url()?;
    drop_test_databases(&pg)?;
    let benches = run_cmd(
        cargo()
            .args(args)
            .env("ICLEFS_TEST_DATABASE", "postgres")
            .env("ICLEFS_TEST_POSTGRES_URL", &pg),
    );
    let cleaned = drop_test_databases(&pg);
    benches?;
    cleaned
}

fn e2e(root: &Path, python: &Path) -> Result<()> {
    let dir = root.join("end2end");
    step("installing the browser test tools (npm ci)");
    run_cmd(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir),
    )?;
    let data = env::temp_dir().join(format!("iclefs-e2e-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data)?;
    let mail_log = data.join("mails.jsonl");
    let smtp_cmd = format!(
        "{python} {script} --port 2626 --log {log}",
        python = python.display(),
        script = root.join("tools").join("smtp_sink.py").display(),
        log = mail_log.display(),
    );
    let server_cmd = format!(
        "env ICLEFS_SMTP_URL=smtp://127.0.0.1:2626 ICLEFS_LISTEN=127.0.0.1:3100 ICLEFS_PUBLIC_URL=http://127.0.0.1:3100 \
         DATABASE_URL=sqlite://{data}/e2e.db?mode=rwc ICLEFS_DATA_DIR={data} \
         LEPTOS_SITE_ROOT={site} ICLEFS_SEED_ADMIN_PASSWORD=demo-admin-password-2026 \
         ICLEFS_SEED_FC_ISSUER=http://127.0.0.1:4100/api/v2 \
         ICLEFS_PROCONNECT_ISSUER=http://127.0.0.1:4300/api/v2 ICLEFS_PROCONNECT_CLIENT_ID=e2e-proconnect-client \
         ICLEFS_PROCONNECT_CLIENT_SECRET=e2e-proconnect-secret-0123456789 {bin}",
        data = data.display(),
        site = site_root(root).display(),
        bin = server_binary(root).display(),
    );
    step("browser journeys (Playwright + Chromium)");
    run_cmd(
        Command::new("npx")
            .args(["playwright", "test"])
            .current_dir(&dir)
            // The same binary and environment run operator commands (`… municipality add`).
            .env("ICLEFS_E2E_CLI_CMD", &server_cmd)
            .env("ICLEFS_E2E_SERVER_CMD", &server_cmd)
            .env("ICLEFS_E2E_SMTP_CMD", smtp_cmd)
            .env("ICLEFS_E2E_MAIL_LOG", mail_log),
    )
}
