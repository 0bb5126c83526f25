//! Citizen pages benchmark (ignored by default; `cargo xtask bench` runs it; numbers in
//! docs/PERFORMANCE.md). Budgets of the citizen journey:
//! - every citizen page is HTML + CSS only: no script file, no WebAssembly, no third-party request;
//! - HTML + CSS ≤ 40 KB compressed per page (what the server sends with `Accept-Encoding: gzip`,
//!   the stylesheets included — the repository's `style/main.css` served as the site's CSS);
//! - the form page answers with p99 ≤ 10 ms at 50 concurrent connections.

use super::helpers::{ADMIN_EMAIL, TestApp};
use std::time::{Duration, Instant};

/// The requests a page makes: stylesheets, scripts, images, frames (links to click are not).
fn subresources(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for tag in ["<link", "<script", "<img", "<iframe", "<source"] {
        let mut rest = html;
        while let Some(i) = rest.find(tag) {
            let after = &rest[i..];
            let end = after.find('>').unwrap_or(after.len());
            let element = &after[..end];
            for attr in ["href=\"", "src=\""] {
                if let Some(a) = element.find(attr) {
                    let value = &element[a + attr.len()..];
                    out.push(value[..value.find('"').unwrap_or(value.len())].to_owned());
                }
            }
            rest = &after[end..];
        }
    }
    out
}

async fn compressed(app: &TestApp, client: &reqwest::Client, path: &str) -> usize {
    let response = client
        .get(format!("{}{path}", app.base))
        .header(reqwest::header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), reqwest::StatusCode::OK, "{path}");
    let gzipped = response
        .headers()
        .get(reqwest::header::CONTENT_ENCODING)
        .is_some_and(|v| v == "gzip");
    let bytes = response.bytes().await.expect("body");
    assert!(gzipped || bytes.len() < 1024, "{path} is not compressed");
    bytes.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: cargo xtask bench"]
async fn citizen_pages_weight_and_form_latency() {
    // The site root holds the product's stylesheet, as a built site does.
    let site = std::env::temp_dir().join(format!("iclefs-site-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(site.join("pkg")).expect("site");
    let css =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../style/main.css")).expect("css");
    std::fs::write(site.join("pkg/iclefs.css"), css).expect("css");
    let site_root = site.clone();
    let app = TestApp::spawn_dedicated(move |c| c.site_root = site_root).await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let service = admin.publish_library_service("Carte de lecteur").await.1;
    let citizen = app.browser();
    citizen.citizen_login(&service, "test").await;
    // Weight and requests of each page, read as the citizen sees it.
    let form = citizen.get(&format!("{service}/formulaire")).await;
    let names = form.field_names();
    let mut answers: Vec<(String, String)> = Vec::new();
    for name in &names {
        if answers.iter().any(|(k, _)| k == name) {
            continue;
        }
        let value = if form
            .body
            .contains(&format!("name=\"{name}\" value=\"Adultes\""))
        {
            "Adultes"
        } else if form.body.contains(&format!("type=\"email\" id=\"{name}\"")) {
            "lecteur@example.fr"
        } else {
            "B-123456"
        };
        answers.push((name.clone(), value.to_owned()));
    }
    let pairs: Vec<(&str, &str)> = answers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    citizen.post(&format!("{service}/formulaire"), &pairs).await;
    let pages = [
        ("service page", service.clone()),
        ("form", format!("{service}/formulaire")),
        ("recap", format!("{service}/recapitulatif")),
    ];
    for (name, path) in &pages {
        let page = citizen.get(path).await;
        assert_eq!(
            page.status,
            reqwest::StatusCode::OK,
            "{name}: {}",
            page.body
        );
        let resources = subresources(&page.body);
        assert!(
            !resources
                .iter()
                .any(|r| r == "<script>" || r.ends_with(".wasm") || r.ends_with(".js")),
            "{name} loads a script: {resources:?}"
        );
        assert!(
            resources
                .iter()
                .all(|r| r.starts_with('/') && !r.starts_with("//")),
            "{name} makes a third-party request: {resources:?}"
        );
        let html = compressed(&app, &citizen.client, path).await;
        let mut total = html;
        for css in resources.iter().filter(|r| r.ends_with(".css")) {
            total += compressed(&app, &citizen.client, css).await;
        }
        eprintln!(
            "[citizen] {name:<14} HTML {html:>6} B + CSS = {total:>6} B compressed, {} requests",
            resources.len()
        );
        assert!(total <= 40 * 1024, "{name}: {total} bytes compressed");
    }

    // Form page under 50 concurrent connections: 50 citizens, each signed in from its own
    // address, each with a draft, each on its own connection.
    let mut citizens = vec![citizen];
    for i in 1..50u8 {
        let other = app.browser_from(std::net::IpAddr::from([127, 0, 1, i]));
        other.citizen_login(&service, "test").await;
        let saved = other.post(&format!("{service}/formulaire"), &pairs).await;
        assert_eq!(
            saved.status,
            reqwest::StatusCode::SEE_OTHER,
            "{}",
            saved.body
        );
        citizens.push(other);
    }
    let path = format!("{}{service}/formulaire", app.base);
    for c in &citizens {
        for _ in 0..5 {
            c.client.get(&path).send().await.expect("warm-up");
        }
    }
    // One connection first: the cost of one request with nothing else running.
    let mut alone = Vec::new();
    for _ in 0..200 {
        let start = Instant::now();
        let response = citizens[0].client.get(&path).send().await.expect("GET");
        let _ = response.bytes().await;
        alone.push(start.elapsed());
    }
    alone.sort();
    eprintln!(
        "[citizen] form page, one connection: p50 {:.2} ms, p99 {:.2} ms",
        super::bench::percentile(&alone, 0.5).as_secs_f64() * 1e3,
        super::bench::percentile(&alone, 0.99).as_secs_f64() * 1e3
    );
    let per_task: usize = std::env::var("ICLEFS_BENCH_FORM_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let mut tasks = Vec::new();
    let started = Instant::now();
    for c in &citizens {
        let client = c.client.clone();
        let path = path.clone();
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::with_capacity(per_task);
            for _ in 0..per_task {
                let start = Instant::now();
                let response = client.get(&path).send().await.expect("GET");
                assert_eq!(response.status(), reqwest::StatusCode::OK);
                let server_ms = response
                    .headers()
                    .get("server-timing")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.strip_prefix("app;dur="))
                    .and_then(|v| v.parse::<f64>().ok())
                    .expect("Server-Timing");
                let _ = response.bytes().await;
                times.push((start.elapsed(), Duration::from_secs_f64(server_ms / 1e3)));
            }
            times
        }));
    }
    let mut round_trip: Vec<Duration> = Vec::new();
    let mut server: Vec<Duration> = Vec::new();
    for task in tasks {
        for (total, in_server) in task.await.expect("task") {
            round_trip.push(total);
            server.push(in_server);
        }
    }
    let elapsed = started.elapsed();
    round_trip.sort();
    server.sort();
    let at = super::bench::percentile;
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    eprintln!(
        "[citizen] form page, 50 concurrent: {} requests in {:.1} s ({:.0}/s); server time p50 {:.1} ms, p99 {:.1} ms; round trip p50 {:.1} ms, p99 {:.1} ms",
        round_trip.len(),
        elapsed.as_secs_f64(),
        round_trip.len() as f64 / elapsed.as_secs_f64(),
        ms(at(&server, 0.5)),
        ms(at(&server, 0.99)),
        ms(at(&round_trip, 0.5)),
        ms(at(&round_trip, 0.99)),
    );
    assert!(
        at(&round_trip, 0.99) < Duration::from_secs(2),
        "form page far too slow"
    );
    // Issue 5's budget, for the build that ships (a debug build is several times slower).
    if !cfg!(debug_assertions) {
        assert!(
            at(&server, 0.99) <= Duration::from_millis(10),
            "form page: server time p99 {:.1} ms at 50 concurrent connections, budget 10 ms",
            ms(at(&server, 0.99))
        );
    }
    let _ = std::fs::remove_dir_all(&site);
}
