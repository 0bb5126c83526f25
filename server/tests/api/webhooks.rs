//! Webhooks over real HTTP: endpoints added in the console (secret shown once, stored
//! encrypted), events queued in the transaction of the submission or transition, delivered by
//! the worker and **verified by an independent implementation** (`tools/webhook_receiver.py`, the
//! reference `standardwebhooks` library from PyPI), retried with back-off, replayed from the
//! console with the same `webhook-id`, redirects not followed, SSRF targets refused at creation
//! and at delivery, and tenant isolation.

use super::helpers::{ADMIN_EMAIL, Browser, TestApp};
use app::db::entities::{submission, webhook_delivery, webhook_endpoint};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
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

/// The independent receiver, run as a child process.
struct Receiver {
    port: u16,
    log: PathBuf,
    _child: Child,
}

impl Receiver {
    async fn start(mode: &str) -> Self {
        let port = super::smtp::free_port();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../tools/webhook_receiver.py");
        let log = std::env::temp_dir().join(format!("iclefs-hooks-{}.jsonl", Uuid::now_v7()));
        let python = std::env::var("ICLEFS_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned());
        let mut child = Command::new(python)
            .args([script, "--port", &port.to_string(), "--log"])
            .arg(&log)
            .args(["--mode", mode])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("start the webhook receiver (python3 with standardwebhooks: run `cargo xtask test`)");
        let stdout = child.stdout.take().expect("receiver stdout");
        let mut lines = BufReader::new(stdout).lines();
        let ready = tokio::time::timeout(Duration::from_secs(20), lines.next_line()).await;
        assert!(
            matches!(ready, Ok(Ok(Some(ref l))) if l == "ready"),
            "the webhook receiver did not start ({ready:?}); install standardwebhooks==1.1.0 or run `cargo xtask test`"
        );
        Self {
            port,
            log,
            _child: child,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    async fn set_secret(&self, secret: &str) {
        let r = reqwest::Client::new()
            .post(self.url("/secret"))
            .body(secret.to_owned())
            .send()
            .await
            .expect("set secret");
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
    }

    fn requests(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// Waits until `count` requests have arrived (or fails after `within`).
    async fn wait_for(&self, count: usize, within: Duration) -> Vec<Value> {
        let start = Instant::now();
        loop {
            let requests = self.requests();
            if requests.len() >= count {
                return requests;
            }
            assert!(
                start.elapsed() < within,
                "expected {count} webhook requests, got {}: {requests:?}",
                requests.len()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Adds an endpoint through the console form; returns the secret shown once.
async fn add_endpoint(admin: &Browser, url: &str, events: &[&str]) -> String {
    let mut form = vec![("url", url), ("description", "GRC de la mairie")];
    form.extend(events.iter().map(|e| ("events", *e)));
    let page = admin.post("/admin/webhooks", &form).await;
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    let start = page.body.find("value=\"whsec_").expect("secret shown") + "value=\"".len();
    let secret: String = page.body[start..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    assert!(secret.len() > 40, "{secret}");
    secret
}

/// A published service and one real submission through the demo FranceConnect stand-in.
async fn submit(app: &TestApp, admin: &Browser) -> submission::Model {
    let (_, service) = admin
        .publish_library_service(&format!("Bibliothèque {}", Uuid::now_v7().simple()))
        .await;
    let citizen = app.browser();
    let form = citizen.citizen_login(&service, "test").await;
    let names = form.field_names();
    let saved = citizen
        .post(
            &format!("{service}/formulaire"),
            &[
                (names[0].as_str(), "CARTE-42"),
                (names[1].as_str(), "Adultes"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let sent = citizen.post(&format!("{service}/envoyer"), &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let mut rows = submission::Entity::find().all(&app.db).await.unwrap();
    rows.sort_by_key(|s| s.id);
    rows.pop().expect("submission")
}

async fn deliveries(app: &TestApp) -> Vec<webhook_delivery::Model> {
    let mut rows = webhook_delivery::Entity::find().all(&app.db).await.unwrap();
    rows.sort_by_key(|d| d.id);
    rows
}

async fn private_app() -> (TestApp, Browser) {
    let app = TestApp::spawn_with(|c| c.webhook_allow_private_targets = true).await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    (app, admin)
}

#[tokio::test]
async fn events_are_signed_and_verified_by_an_independent_library() {
    let receiver = Receiver::start("ok").await;
    let (app, admin) = private_app().await;
    let secret = add_endpoint(
        &admin,
        &receiver.url("/hooks/iclefs"),
        &["submission.created", "submission.processed"],
    )
    .await;
    receiver.set_secret(&secret).await;
    // Stored encrypted, never in clear.
    let endpoint = webhook_endpoint::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .expect("endpoint");
    assert!(!endpoint.secret_encrypted.contains(&secret[6..]));
    let page = admin.get("/admin/webhooks").await;
    assert!(!page.body.contains(&secret), "secret shown again");

    let s = submit(&app, &admin).await;
    let created = receiver.wait_for(1, Duration::from_secs(10)).await;
    let first = &created[0];
    assert_eq!(first["verified"], true, "{first}");
    assert_eq!(first["path"], "/hooks/iclefs");
    assert_eq!(first["event"]["type"], "submission.created");
    assert_eq!(first["event"]["data"]["id"], s.id.to_string());
    assert_eq!(first["event"]["data"]["reference"], s.reference);
    assert_eq!(first["event"]["data"]["status"], "unprocessed");
    assert!(
        first["headers"]["webhook-id"]
            .as_str()
            .unwrap()
            .starts_with("msg_")
    );
    // No personal data: the body holds identifiers and status only.
    let body = first["body"].as_str().unwrap();
    for personal in [
        "DUBOIS",
        "Angela",
        "CARTE-42",
        "yopmail",
        "family_name",
        "email",
    ] {
        assert!(!body.contains(personal), "{personal} in {body}");
    }

    let moved = admin
        .post(
            &format!("/admin/submissions/{}/status", s.id),
            &[("status", "processed")],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    let both = receiver.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(both[1]["verified"], true, "{}", both[1]);
    assert_eq!(both[1]["event"]["type"], "submission.processed");
    assert_eq!(both[1]["event"]["data"]["status"], "processed");
    assert_ne!(
        both[0]["headers"]["webhook-id"],
        both[1]["headers"]["webhook-id"]
    );

    // The independent verifier does refuse a wrong secret: the check above can fail.
    receiver
        .set_secret(&app::webhooks::signing::WebhookSecret::generate().encode())
        .await;
    let back = admin
        .post(
            &format!("/admin/submissions/{}/status", s.id),
            &[("status", "unprocessed")],
        )
        .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    let moved = admin
        .post(
            &format!("/admin/submissions/{}/status", s.id),
            &[("status", "processed")],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    let all = receiver.wait_for(3, Duration::from_secs(10)).await;
    assert_eq!(all[2]["verified"], false, "{}", all[2]);
    assert_eq!(
        deliveries(&app).await.len(),
        3,
        "no event for the move back"
    );

    let log = admin.get("/admin/webhooks").await;
    assert!(
        log.body.contains(&s.reference),
        "delivery log lists the reference"
    );
    assert!(log.body.contains("submission.processed"));
}

#[tokio::test]
async fn refused_deliveries_are_retried_with_back_off_then_replayed_with_the_same_id() {
    let receiver = Receiver::start("fail:1").await;
    let (app, admin) = private_app().await;
    let secret = add_endpoint(&admin, &receiver.url("/h"), &["submission.created"]).await;
    receiver.set_secret(&secret).await;
    let s = submit(&app, &admin).await;
    receiver.wait_for(1, Duration::from_secs(10)).await;
    // The first try got a 500: the row waits ~5 s for its retry.
    let start = Instant::now();
    let row = loop {
        let row = deliveries(&app).await.pop().expect("delivery");
        if row.attempts == 1 {
            break row;
        }
        assert!(start.elapsed() < Duration::from_secs(5), "{row:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(row.status, "queued");
    assert_eq!(row.last_status_code, Some(500));
    let wait = row.next_attempt_at - row.last_attempt_at.unwrap();
    assert!(
        (4..=6).contains(&wait.num_seconds()),
        "first retry after 5 s: {wait}"
    );
    let requests = receiver.wait_for(2, Duration::from_secs(15)).await;
    assert_eq!(
        requests[0]["headers"]["webhook-id"],
        requests[1]["headers"]["webhook-id"]
    );
    assert_ne!(
        requests[0]["headers"]["webhook-timestamp"], requests[1]["headers"]["webhook-timestamp"],
        "each try is signed afresh"
    );
    assert_eq!(requests[1]["verified"], true);
    let start = Instant::now();
    let delivered = loop {
        let row = deliveries(&app).await.pop().expect("delivery");
        if row.status == "delivered" {
            break row;
        }
        assert!(start.elapsed() < Duration::from_secs(5), "{row:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(delivered.attempts, 2);
    assert_eq!(delivered.last_status_code, Some(204));

    // Replay from the console: a new row, the same message.
    let replayed = admin
        .post(
            &format!("/admin/webhooks/envois/{}/renvoyer", delivered.id),
            &[],
        )
        .await;
    assert_eq!(replayed.status, StatusCode::SEE_OTHER, "{}", replayed.body);
    let requests = receiver.wait_for(3, Duration::from_secs(10)).await;
    assert_eq!(
        requests[2]["headers"]["webhook-id"],
        requests[0]["headers"]["webhook-id"]
    );
    assert_eq!(requests[2]["verified"], true);
    assert_eq!(requests[2]["event"]["data"]["id"], s.id.to_string());
    let rows = deliveries(&app).await;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].replay_of, Some(delivered.id));
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let receiver = Receiver::start("redirect").await;
    let (app, admin) = private_app().await;
    let secret = add_endpoint(&admin, &receiver.url("/h"), &["submission.created"]).await;
    receiver.set_secret(&secret).await;
    submit(&app, &admin).await;
    let start = Instant::now();
    let row = loop {
        let row = deliveries(&app).await.pop().expect("delivery");
        if row.status != "queued" {
            break row;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "{row:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(row.status, "failed");
    assert_eq!(row.last_status_code, Some(302));
    assert!(row.last_error.unwrap().contains("Redirection non suivie"));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let requests = receiver.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert!(requests.iter().all(|r| r["path"] != "/followed"));
}

#[tokio::test]
async fn internal_targets_are_refused_when_saved_and_when_delivered() {
    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    for (url, says) in [
        ("http://203.0.114.7/hook", "https://"),
        ("https://127.0.0.1/hook", "bouclage"),
        ("https://2130706433/hook", "bouclage"),
        ("https://[::ffff:127.0.0.1]/hook", "bouclage"),
        ("https://[::1]:8443/hook", "bouclage"),
        ("https://10.1.2.3/hook", "privé"),
        ("https://192.168.0.10/hook", "privé"),
        ("https://172.20.0.1/hook", "privé"),
        ("https://169.254.169.254/latest/meta-data/", "métadonnées"),
        ("https://[fe80::1]/hook", "lien"),
        ("https://[fd00:ec2::254]/hook", "privé"),
        ("https://100.100.100.200/hook", "CGNAT"),
        ("https://localhost:8443/hook", "se résout en"),
        ("https://user:secret@203.0.114.7/hook", "identifiant"),
        ("gopher://203.0.114.7/", "https://"),
    ] {
        let page = admin
            .post(
                "/admin/webhooks",
                &[("url", url), ("events", "submission.created")],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        let body = page.body.replace("&#x27;", "'");
        assert!(body.contains(says), "{url}: expected « {says} »");
        assert!(
            body.contains("error-summary") || body.contains("field-error"),
            "{url}"
        );
    }
    let none = admin
        .post("/admin/webhooks", &[("url", "https://203.0.114.7/")])
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.body.contains("au moins un événement"));
    assert_eq!(
        webhook_endpoint::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        0
    );

    // An endpoint that became internal after it was saved (DNS rebinding, or a row from an
    // instance that allowed private targets) is refused at delivery: nothing reaches it.
    let receiver = Receiver::start("ok").await;
    let demo = app::db::entities::municipality::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let secret = app::webhooks::signing::WebhookSecret::generate();
    for host in ["localhost", "127.0.0.1"] {
        webhook_endpoint::ActiveModel {
            id: Set(Uuid::now_v7()),
            municipality_id: Set(demo.id),
            url: Set(format!("https://{host}:{}/h", receiver.port)),
            description: Set(String::new()),
            events: Set(serde_json::json!(["submission.created"])),
            secret_encrypted: Set(app.secret_key().encrypt(&secret.encode())),
            enabled: Set(true),
            created_at: Set(chrono::Utc::now()),
            created_by: Set("test".to_owned()),
        }
        .insert(&app.db)
        .await
        .unwrap();
    }
    submit(&app, &admin).await;
    let start = Instant::now();
    loop {
        let rows = deliveries(&app).await;
        if rows.len() == 2 && rows.iter().all(|r| r.attempts >= 1) {
            for row in &rows {
                assert_eq!(row.status, "queued", "retried later, not delivered");
                assert_eq!(row.last_status_code, None);
                let error = row.last_error.clone().unwrap_or_default();
                assert!(error.starts_with("Adresse refusée"), "{error}");
            }
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "{rows:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        receiver.requests().is_empty(),
        "nothing may reach an internal address"
    );
}

#[tokio::test]
async fn municipalities_never_see_or_touch_each_others_webhooks() {
    let receiver = Receiver::start("ok").await;
    let (app, admin) = private_app().await;
    app.other_municipality("autreville", "agent@autreville.test")
        .await;
    let other = app.browser();
    other.admin_login("agent@autreville.test").await;
    let theirs = Receiver::start("ok").await;
    add_endpoint(&other, &theirs.url("/autreville"), &["submission.created"]).await;
    let secret = add_endpoint(&admin, &receiver.url("/demo"), &["submission.created"]).await;
    receiver.set_secret(&secret).await;
    submit(&app, &admin).await;
    receiver.wait_for(1, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(theirs.requests().is_empty(), "B's endpoint got A's event");

    let ours = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::Url.contains("/demo"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let delivery = deliveries(&app).await.pop().unwrap();
    let page = other.get("/admin/webhooks").await;
    assert!(!page.body.contains("/demo"), "B sees A's endpoint");
    for path in [
        format!("/admin/webhooks/{}/pause", ours.id),
        format!("/admin/webhooks/{}/delete", ours.id),
        format!("/admin/webhooks/envois/{}/renvoyer", delivery.id),
    ] {
        let refused = other.post(&path, &[]).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{path}");
    }
    let still = webhook_endpoint::Entity::find_by_id(ours.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(still.enabled);
    assert_eq!(deliveries(&app).await.len(), 1, "no replay happened");

    // Paused: no new delivery is queued; deleted: gone with its log.
    let paused = admin
        .post(&format!("/admin/webhooks/{}/pause", ours.id), &[])
        .await;
    assert_eq!(paused.status, StatusCode::SEE_OTHER);
    submit(&app, &admin).await;
    let queued_for_ours = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::EndpointId.eq(ours.id))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(queued_for_ours, 1);
    let deleted = admin
        .post(&format!("/admin/webhooks/{}/delete", ours.id), &[])
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert!(
        webhook_endpoint::Entity::find_by_id(ours.id)
            .one(&app.db)
            .await
            .unwrap()
            .is_none()
    );
}
