//! Mail over real SMTP (`aiosmtpd`, see `smtp.rs`): who receives what, templates, the agent's
//! message to a citizen, and the faults: server down, 4xx then 250, 5xx, 72 h dead letter, a
//! crash between commit and send, two instances on one PostgreSQL database.

use super::{
    helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, Browser, TestApp, fresh_database},
    smtp::{SmtpSink, free_port},
};
use app::db::entities::outbox;
use reqwest::StatusCode;
use sea_orm::{
    ColumnTrait, ConnectionTrait, Database, EntityTrait, PaginatorTrait, QueryFilter,
    sea_query::Expr,
};
use std::{
    collections::{HashMap, HashSet},
    net::{IpAddr, Ipv4Addr},
    time::{Duration, Instant},
};

const CITIZEN_EMAIL: &str = "wossewodda-3728@yopmail.com";

/// Publishes a service asking for the citizen's name and email, with one required text field.
async fn publish_parking_service(admin: &Browser, title: &str) -> String {
    let page = admin
        .post(
            "/admin/services",
            &[
                ("title", title),
                ("claims", "family_name"),
                ("claims", "given_name"),
                ("claims", "email"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let editor = page
        .location
        .expect("editor")
        .trim_start_matches(&admin.base)
        .to_owned();
    let field = admin
        .post(
            &format!("{editor}/fields"),
            &[
                ("label", "Immatriculation"),
                ("kind", "short_text"),
                ("required", "on"),
            ],
        )
        .await;
    assert_eq!(field.status, StatusCode::SEE_OTHER);
    let published = admin.post(&format!("{editor}/publish"), &[]).await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    let slug = title
        .to_lowercase()
        .replace(' ', "-")
        .replace(['é', 'è'], "e");
    format!("/s/demo/{slug}")
}

/// A logged-in citizen fills and sends the form once.
async fn send(citizen: &Browser, service: &str, plate: &str) -> Duration {
    let form = citizen.get(&format!("{service}/formulaire")).await;
    let field = form.field_names().remove(0);
    let saved = citizen
        .post(&format!("{service}/formulaire"), &[(field.as_str(), plate)])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let start = Instant::now();
    let sent = citizen.post(&format!("{service}/envoyer"), &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    start.elapsed()
}

async fn outbox_rows(db: &impl ConnectionTrait) -> Vec<outbox::Model> {
    outbox::Entity::find().all(db).await.expect("outbox")
}

async fn wait_until<F, Fut>(what: &str, within: Duration, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while !done().await {
        assert!(start.elapsed() < within, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn detail_path(admin: &Browser) -> String {
    admin
        .get("/admin/inbox?status=all")
        .await
        .link_to("/admin/submissions/")
        .expect("detail link")
}

#[tokio::test]
async fn the_citizen_and_the_municipality_receive_the_right_mails() {
    let sink = SmtpSink::start("normal").await;
    let url = sink.url();
    let app = TestApp::spawn_with(|c| c.smtp_url = Some(url)).await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let settings = admin
        .post(
            "/admin/settings",
            &[
                ("accent_color", "#1d4ed8"),
                ("notification_email", "accueil@demo.test ; maire@demo.test"),
                ("mail_from", "Mairie de Démo <mairie@demo.test>"),
            ],
        )
        .await;
    assert_eq!(settings.status, StatusCode::SEE_OTHER, "{}", settings.body);
    let service = publish_parking_service(&admin, "Carte de stationnement").await;
    let citizen = app.browser();
    citizen.citizen_login(&service, "test").await;
    send(&citizen, &service, "AB-123-CD <b>").await;

    let mails = sink.wait_for("accepted", 3, Duration::from_secs(20)).await;
    let rows = outbox_rows(&app.db).await;
    assert_eq!(rows.len(), 3);
    let ids: HashSet<String> = rows.iter().filter_map(|r| r.message_id.clone()).collect();
    for mail in &mails {
        let id = mail["message_id"].as_str().unwrap_or_default();
        assert!(ids.contains(id), "{id} is an outbox Message-ID");
        assert!(
            mail["from"]
                .as_str()
                .unwrap_or_default()
                .contains("mairie@demo.test")
        );
    }
    let receipt = mails
        .iter()
        .find(|m| m["rcpt_tos"][0] == CITIZEN_EMAIL)
        .expect("receipt to the citizen");
    assert!(
        receipt["subject"]
            .as_str()
            .unwrap_or_default()
            .contains("a bien été reçue")
    );
    assert!(
        receipt["text"]
            .as_str()
            .unwrap_or_default()
            .contains("AB-123-CD <b>")
    );
    assert!(
        receipt["html"]
            .as_str()
            .unwrap_or_default()
            .contains("AB-123-CD &lt;b&gt;")
    );
    assert_eq!(
        receipt["reply_to"], "mairie@demo.iclefs.test",
        "replies go to the town hall"
    );
    let notices: Vec<_> = mails
        .iter()
        .filter(|m| m["rcpt_tos"][0] != CITIZEN_EMAIL)
        .collect();
    let recipients: HashSet<&str> = notices
        .iter()
        .filter_map(|m| m["rcpt_tos"][0].as_str())
        .collect();
    assert_eq!(
        recipients,
        HashSet::from(["accueil@demo.test", "maire@demo.test"])
    );
    for notice in &notices {
        let whole = notice.to_string();
        assert!(whole.contains("/admin/submissions/"), "link to the inbox");
        assert!(
            !whole.contains("DUBOIS") && !whole.contains("AB-123-CD"),
            "{whole}"
        );
    }

    // Every message shows as sent on the submission's page.
    wait_until("rows marked sent", Duration::from_secs(5), || async {
        outbox_rows(&app.db)
            .await
            .iter()
            .all(|r| r.status == "sent")
    })
    .await;
    let detail = admin.get(&detail_path(&admin).await).await;
    assert_eq!(detail.body.matches("delivery delivery--sent").count(), 3);

    // Explicit opt-in: the notice then carries the name and the answers.
    admin
        .post(
            "/admin/settings",
            &[
                ("accent_color", "#1d4ed8"),
                ("notification_email", "accueil@demo.test"),
                ("notice_includes_answers", "1"),
            ],
        )
        .await;
    send(&citizen, &service, "EF-456-GH").await;
    let mails = sink.wait_for("accepted", 5, Duration::from_secs(20)).await;
    let notice = mails
        .iter()
        .find(|m| m["rcpt_tos"][0] == "accueil@demo.test" && m.to_string().contains("EF-456-GH"))
        .expect("notice with answers");
    assert!(
        notice["text"]
            .as_str()
            .unwrap_or_default()
            .contains("DUBOIS")
    );
}

#[tokio::test]
async fn settings_refuse_bad_addresses_and_keep_the_input() {
    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let page = admin
        .post(
            "/admin/settings",
            &[
                ("accent_color", "#1d4ed8"),
                ("notification_email", "accueil@demo.test, pas-une-adresse"),
                ("mail_from", "Mairie\r\nBcc: x@y.fr"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("« pas-une-adresse » n&#x27;est pas une adresse")
            || page
                .body
                .contains("« pas-une-adresse » n'est pas une adresse"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Adresse d&#x27;expédition invalide")
            || page.body.contains("Adresse d'expédition invalide")
    );
    let m = app::db::entities::municipality::Entity::find()
        .one(&app.db)
        .await
        .expect("db")
        .expect("municipality");
    assert!(
        !m.notification_email.contains("pas-une-adresse"),
        "nothing saved"
    );
}

#[tokio::test]
async fn an_agent_previews_then_notifies_the_citizen() {
    let sink = SmtpSink::start("normal").await;
    let url = sink.url();
    let app = TestApp::spawn_with(|c| c.smtp_url = Some(url)).await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let service = publish_parking_service(&admin, "Carte de stationnement").await;
    let citizen = app.browser();
    citizen.citizen_login(&service, "test").await;
    send(&citizen, &service, "AB-123-CD").await;
    sink.wait_for("accepted", 2, Duration::from_secs(20)).await;
    let detail = detail_path(&admin).await;
    let action = format!("{detail}/notifier");

    let empty = admin
        .post(&action, &[("action", "preview"), ("message", " ")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Écrivez le message"));

    let message =
        "Votre carte est prête <script>alert(1)</script></textarea><script>alert(2)</script>";
    let preview = admin
        .post(&action, &[("action", "preview"), ("message", message)])
        .await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(
        preview.body.contains("Aperçu du courriel") && preview.body.contains("Envoyer ce courriel")
    );
    assert!(preview.body.contains(CITIZEN_EMAIL));
    // Leptos writes <textarea> children unescaped: the page escapes them itself, so the
    // message cannot close the textarea and inject a script.
    assert!(
        !preview.body.contains("</textarea><script>"),
        "textarea break-out"
    );
    assert!(!preview.body.contains(">Votre carte est prête <script>"));
    assert_eq!(
        outbox_rows(&app.db).await.len(),
        2,
        "a preview queues nothing"
    );

    let sent = admin
        .post(&action, &[("action", "send"), ("message", message)])
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    let mails = sink.wait_for("accepted", 3, Duration::from_secs(20)).await;
    let to_citizen: Vec<_> = mails
        .iter()
        .filter(|m| {
            m["rcpt_tos"][0] == CITIZEN_EMAIL && m.to_string().contains("Votre carte est prête")
        })
        .collect();
    assert_eq!(to_citizen.len(), 1);
    assert!(
        to_citizen[0]["html"]
            .as_str()
            .unwrap_or_default()
            .contains("&lt;script&gt;")
    );
    wait_until("notification sent", Duration::from_secs(5), || async {
        outbox_rows(&app.db)
            .await
            .iter()
            .all(|r| r.status == "sent")
    })
    .await;
    let page = admin.get(&detail).await;
    assert!(
        page.body
            .contains("Message au citoyen depuis la boîte de réception")
    );
    assert_eq!(page.body.matches("delivery delivery--sent").count(), 3);

    // Another municipality's agent cannot preview or send anything about this submission.
    app.other_municipality("autreville", "agent@autreville.test")
        .await;
    let other = app.browser();
    other.admin_login("agent@autreville.test").await;
    for step in ["preview", "send"] {
        let refused = other
            .post(&action, &[("action", step), ("message", "x")])
            .await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND);
    }
    assert_eq!(outbox_rows(&app.db).await.len(), 3);
}

#[tokio::test]
async fn a_citizen_without_email_cannot_be_notified() {
    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let (_, service) = admin.publish_library_service("Bibliothèque").await;
    let citizen = app.browser();
    let form = citizen.citizen_login(&service, "test").await;
    let names = form.field_names();
    citizen
        .post(
            &format!("{service}/formulaire"),
            &[(names[0].as_str(), "B-1"), (names[1].as_str(), "Adultes")],
        )
        .await;
    citizen.post(&format!("{service}/envoyer"), &[]).await;
    let detail = detail_path(&admin).await;
    assert!(
        admin
            .get(&detail)
            .await
            .body
            .contains("ne peut pas être prévenu")
    );
    let refused = admin
        .post(
            &format!("{detail}/notifier"),
            &[("action", "send"), ("message", "Bonjour")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn templates_are_checked_previewed_used_and_reset() {
    use app::db::entities::mail_template;
    let sink = SmtpSink::start("normal").await;
    let url = sink.url();
    let app = TestApp::spawn_with(|c| c.smtp_url = Some(url)).await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let path = "/admin/courriels/submission_receipt";
    assert!(
        admin
            .get("/admin/courriels")
            .await
            .body
            .contains("Accusé de réception au citoyen")
    );
    assert_eq!(
        admin.get("/admin/courriels/delivery_alert").await.status,
        StatusCode::NOT_FOUND
    );

    let typo = admin
        .post(
            path,
            &[
                ("action", "save"),
                ("subject", "Reçu {{ referense }}"),
                ("text", "Bonjour"),
            ],
        )
        .await;
    assert_eq!(typo.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(typo.body.contains("Variable inconnue"));
    assert!(
        typo.body.contains("Reçu {{ referense }}"),
        "the input is kept"
    );
    let broken = admin
        .post(
            path,
            &[
                ("action", "save"),
                ("subject", "ok"),
                ("text", "{% for r in reponses %}"),
            ],
        )
        .await;
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        mail_template::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        0
    );

    let fields = [
        ("subject", "Bien reçu : {{ reference }} ({{ commune }})"),
        (
            "text",
            "Merci {{ citoyen }}.\n{% for r in reponses %}{{ r.libelle }} = {{ r.valeur }}\n{% endfor %}",
        ),
        ("html", "<p>Merci <b>{{ citoyen }}</b></p>"),
    ];
    let preview = admin
        .post(
            path,
            &[[("action", "preview")].as_slice(), &fields].concat(),
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(
        preview.body.contains("Bien reçu : BIB-7Q4K-2M9X"),
        "{}",
        preview.body
    );
    let saved = admin
        .post(path, &[[("action", "save")].as_slice(), &fields].concat())
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);

    let service = publish_parking_service(&admin, "Carte de stationnement").await;
    let citizen = app.browser();
    citizen.citizen_login(&service, "test").await;
    send(&citizen, &service, "AB-123-CD").await;
    let mails = sink.wait_for("accepted", 2, Duration::from_secs(20)).await;
    let receipt = mails
        .iter()
        .find(|m| m["rcpt_tos"][0] == CITIZEN_EMAIL)
        .expect("receipt");
    assert!(
        receipt["subject"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Bien reçu : ")
    );
    assert!(
        receipt["subject"]
            .as_str()
            .unwrap_or_default()
            .ends_with("(Commune de Démo-sur-Loire)")
    );
    assert!(
        receipt["text"]
            .as_str()
            .unwrap_or_default()
            .contains("Immatriculation = AB-123-CD")
    );

    let reset = admin.post(path, &[("action", "reset")]).await;
    assert_eq!(reset.status, StatusCode::SEE_OTHER);
    assert_eq!(
        mail_template::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        0
    );
}

#[tokio::test]
async fn smtp_down_during_200_submissions_then_back_delivers_each_mail_once() {
    let port = free_port();
    let app = TestApp::spawn_with(|c| c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"))).await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let service = publish_parking_service(&admin, "Carte de stationnement").await;

    // 200 submissions from 8 addresses (8 families: the per-IP limit is not what is tested here).
    let mut slowest = Duration::ZERO;
    for family in 0..8u8 {
        let citizen = app.browser_from(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 10 + family)));
        citizen.citizen_login(&service, "test").await;
        for n in 0..25 {
            slowest = slowest.max(send(&citizen, &service, &format!("AA-{family}{n:02}-ZZ")).await);
        }
    }
    assert_eq!(app.submissions().await, 200, "no submission lost");
    // Sending is not on the request path: a dead mail server does not slow citizens down.
    assert!(
        slowest < Duration::from_secs(2),
        "slowest send took {slowest:?}"
    );
    let rows = outbox_rows(&app.db).await;
    assert_eq!(rows.len(), 400);
    assert!(rows.iter().all(|r| r.status == "pending"));

    let sink = SmtpSink::start_on(port, "normal").await;
    let mails = sink
        .wait_for("accepted", 400, Duration::from_secs(90))
        .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mails_after = sink.accepted();
    assert_eq!(mails_after.len(), 400, "no duplicate after the drain");
    let unique: HashSet<&str> = mails
        .iter()
        .filter_map(|m| m["message_id"].as_str())
        .collect();
    assert_eq!(unique.len(), 400, "each message once");
    wait_until("all rows sent", Duration::from_secs(10), || async {
        outbox_rows(&app.db)
            .await
            .iter()
            .all(|r| r.status == "sent")
    })
    .await;
}

#[tokio::test]
async fn a_temporary_refusal_is_retried_with_the_same_message_id() {
    let sink = SmtpSink::start("tempfail:1").await;
    let url = sink.url();
    let app = TestApp::spawn_with(|c| c.smtp_url = Some(url)).await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let service = publish_parking_service(&admin, "Carte de stationnement").await;
    let citizen = app.browser();
    citizen.citizen_login(&service, "test").await;
    send(&citizen, &service, "AB-123-CD").await;

    let refused = sink.wait_for("tempfail", 1, Duration::from_secs(20)).await;
    let accepted = sink.wait_for("accepted", 2, Duration::from_secs(30)).await;
    let retried = refused[0]["message_id"].as_str().expect("message id");
    assert_eq!(
        accepted
            .iter()
            .filter(|m| m["message_id"] == retried)
            .count(),
        1,
        "the refused message arrives once, with the same Message-ID"
    );
    wait_until("rows sent", Duration::from_secs(5), || async {
        outbox_rows(&app.db)
            .await
            .iter()
            .all(|r| r.status == "sent")
    })
    .await;
    let row = outbox::Entity::find()
        .filter(outbox::Column::MessageId.eq(retried))
        .one(&app.db)
        .await
        .expect("db")
        .expect("row");
    assert_eq!(row.attempts, 2);
}

#[tokio::test]
async fn a_permanent_refusal_fails_the_message_and_alerts_the_admins() {
    let sink = SmtpSink::start("permfail").await;
    let url = sink.url();
    let app = TestApp::spawn_with(|c| c.smtp_url = Some(url)).await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let service = publish_parking_service(&admin, "Carte de stationnement").await;
    let citizen = app.browser();
    citizen.citizen_login(&service, "test").await;
    send(&citizen, &service, "AB-123-CD").await;

    wait_until(
        "two failures and their alerts",
        Duration::from_secs(20),
        || async {
            let rows = outbox_rows(&app.db).await;
            rows.iter().filter(|r| r.status == "failed").count() == 4
        },
    )
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rows = outbox_rows(&app.db).await;
    let alerts: Vec<_> = rows.iter().filter(|r| r.kind == "delivery_alert").collect();
    assert_eq!(
        alerts.len(),
        2,
        "one alert per failed message, alerts never alert"
    );
    assert!(alerts.iter().all(|a| a.payload["to"] == ADMIN_EMAIL));
    let failed = rows
        .iter()
        .find(|r| r.kind == "submission_receipt")
        .expect("receipt");
    assert!(
        failed
            .last_error
            .as_deref()
            .unwrap_or_default()
            .contains("550")
    );
    let detail = admin.get(&detail_path(&admin).await).await;
    assert!(detail.body.contains("Refusé par le serveur de messagerie"));
    assert!(detail.body.contains("550"));
}

#[tokio::test]
async fn mail_still_undelivered_after_72_hours_is_dead_lettered_with_an_alert() {
    let port = free_port();
    let app = TestApp::spawn_with(|c| c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"))).await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let service = publish_parking_service(&admin, "Carte de stationnement").await;
    let citizen = app.browser();
    citizen.citizen_login(&service, "test").await;
    send(&citizen, &service, "AB-123-CD").await;
    // Three days pass with the server down.
    outbox::Entity::update_many()
        .col_expr(
            outbox::Column::CreatedAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::hours(73)),
        )
        .exec(&app.db)
        .await
        .expect("age rows");
    wait_until("dead letters", Duration::from_secs(10), || async {
        outbox_rows(&app.db)
            .await
            .iter()
            .filter(|r| r.status == "dead")
            .count()
            == 2
    })
    .await;
    let rows = outbox_rows(&app.db).await;
    let alerts: Vec<_> = rows.iter().filter(|r| r.kind == "delivery_alert").collect();
    assert_eq!(alerts.len(), 1, "one alert for the municipality");
    assert_eq!(
        alerts[0].status, "pending",
        "the alert waits for the server"
    );
    let detail = admin.get(&detail_path(&admin).await).await;
    assert_eq!(detail.body.matches("Abandonné après 72 h").count(), 2);
}

/// The real binary, as a child process that can be killed with SIGKILL.
struct Process {
    base: String,
    child: tokio::process::Child,
}

impl Process {
    async fn start(database_url: &str, data_dir: &std::path::Path, smtp_url: &str) -> Self {
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_iclefs"))
            .env("ICLEFS_LISTEN", format!("127.0.0.1:{port}"))
            .env("ICLEFS_PUBLIC_URL", &base)
            .env("DATABASE_URL", database_url)
            .env("ICLEFS_DATA_DIR", data_dir)
            .env("ICLEFS_SMTP_URL", smtp_url)
            .env("ICLEFS_SEED_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("ICLEFS_SEED_ADMIN_EMAIL", ADMIN_EMAIL)
            .stdout(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start iclefs");
        let client = reqwest::Client::new();
        wait_until("the server to listen", Duration::from_secs(30), || async {
            client.get(format!("{base}/healthz")).send().await.is_ok()
        })
        .await;
        Self { base, child }
    }
}

#[tokio::test]
async fn a_crash_between_commit_and_send_resends_the_same_message_after_restart() {
    let dir = std::env::temp_dir().join(format!("iclefs-crash-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let database_url = fresh_database(&dir).await;
    // First life: the mail server takes the message but never answers the final ".".
    let stalling = SmtpSink::start("stall").await;
    let mut first = Process::start(&database_url, &dir, &stalling.url()).await;
    let admin = Browser::new(&first.base, None);
    admin.admin_login(ADMIN_EMAIL).await;
    let service = publish_parking_service(&admin, "Carte de stationnement").await;
    let citizen = Browser::new(&first.base, None);
    citizen.citizen_login(&service, "test").await;
    send(&citizen, &service, "AB-123-CD").await;
    let stalled = stalling
        .wait_for("stalled", 1, Duration::from_secs(20))
        .await;
    let in_flight = stalled[0]["message_id"].as_str().expect("id").to_owned();
    first.child.start_kill().expect("SIGKILL");
    first.child.wait().await.expect("killed");

    let db = Database::connect(&database_url).await.expect("db");
    let rows = outbox_rows(&db).await;
    assert_eq!(
        rows.len(),
        2,
        "both mails were committed with the submission"
    );
    assert!(
        rows.iter().all(|r| r.status == "pending"),
        "nothing marked sent"
    );

    // Second life: a working server; everything is delivered, the interrupted one with its id.
    let sink = SmtpSink::start("normal").await;
    let _second = Process::start(&database_url, &dir, &sink.url()).await;
    let mails = sink.wait_for("accepted", 2, Duration::from_secs(30)).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(sink.accepted().len(), 2, "each delivered once");
    assert!(mails.iter().any(|m| m["message_id"] == in_flight.as_str()));
    let expected: HashSet<String> = rows.iter().filter_map(|r| r.message_id.clone()).collect();
    let got: HashSet<String> = mails
        .iter()
        .filter_map(|m| m["message_id"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(got, expected);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn two_instances_on_one_postgresql_database_never_send_a_row_twice() {
    if std::env::var("ICLEFS_TEST_DATABASE").as_deref() != Ok("postgres") {
        // SQLite is a single-instance database by design (see ARCHITECTURE.md); this property
        // belongs to the PostgreSQL run of this binary.
        return;
    }
    let port = free_port();
    let smtp = format!("smtp://127.0.0.1:{port}");
    // Two servers on one database say so (`ICLEFS_SHARED_DATABASE`), or the second would refuse.
    let first = TestApp::spawn_with(|c| {
        c.smtp_url = Some(smtp.clone());
        c.shared_database = true;
    })
    .await;
    let url = first.database_url.clone();
    let _second = TestApp::spawn_with(|c| {
        c.smtp_url = Some(smtp.clone());
        c.database_url = url;
        c.shared_database = true;
    })
    .await;
    let admin = first.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let service = publish_parking_service(&admin, "Carte de stationnement").await;
    let citizen = first.browser();
    citizen.citizen_login(&service, "test").await;
    for n in 0..25 {
        send(&citizen, &service, &format!("AA-{n:03}-ZZ")).await;
    }
    // Both workers find 50 due rows at once when the server comes back.
    let sink = SmtpSink::start_on(port, "normal").await;
    sink.wait_for("accepted", 50, Duration::from_secs(60)).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut seen: HashMap<String, usize> = HashMap::new();
    for m in sink.accepted() {
        *seen
            .entry(m["message_id"].as_str().unwrap_or_default().to_owned())
            .or_default() += 1;
    }
    assert_eq!(seen.len(), 50);
    assert!(
        seen.values().all(|&n| n == 1),
        "a row was sent twice: {seen:?}"
    );
}

#[tokio::test]
async fn an_invited_agent_receives_a_link_and_chooses_a_password() {
    let sink = SmtpSink::start("normal").await;
    let url = sink.url();
    let app = TestApp::spawn_with(|c| c.smtp_url = Some(url)).await;
    let owner = app.browser();
    owner.admin_login(ADMIN_EMAIL).await;

    let refused = owner
        .post(
            "/admin/agents",
            &[("invite_email", "pas une adresse"), ("invite_name", "")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Indiquez le nom de l"));
    let taken = owner
        .post(
            "/admin/agents",
            &[("invite_email", ADMIN_EMAIL), ("invite_name", "Moi")],
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);

    let invited = owner
        .post(
            "/admin/agents",
            &[
                ("invite_email", "Camille.Agent@demo.test"),
                ("invite_name", "Camille Agent"),
            ],
        )
        .await;
    assert_eq!(invited.status, StatusCode::SEE_OTHER, "{}", invited.body);
    let settings = owner.get("/admin/settings").await;
    assert!(
        settings.body.contains("camille.agent@demo.test")
            && settings.body.contains("invitation en attente")
    );

    // Not usable before the invitation is accepted.
    let early = app.browser();
    let login = early
        .post(
            "/admin/login",
            &[("email", "camille.agent@demo.test"), ("password", "")],
        )
        .await;
    assert_eq!(login.status, StatusCode::UNAUTHORIZED);

    let mails = sink.wait_for("accepted", 1, Duration::from_secs(20)).await;
    let invitation = &mails[0];
    assert_eq!(invitation["rcpt_tos"][0], "camille.agent@demo.test");
    let text = invitation["text"].as_str().unwrap_or_default();
    let link = text
        .split_whitespace()
        .find(|w| w.contains("/admin/invitation/"))
        .expect("link in the mail");
    let path = link.trim_start_matches(&app.base).to_owned();
    assert!(
        app::db::entities::admin_invitation::Entity::find()
            .all(&app.db)
            .await
            .expect("db")
            .iter()
            .all(|i| !path.contains(&i.token_hash)),
        "only the hash is stored"
    );

    let agent = app.browser();
    let page = agent.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Commune de Démo-sur-Loire"));
    let short = agent
        .post(&path, &[("password", "court"), ("confirm", "court")])
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.body.contains("au moins 12 caractères"));
    let accepted = agent
        .post(
            &path,
            &[
                ("password", "un long mot de passe"),
                ("confirm", "un long mot de passe"),
            ],
        )
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    assert_eq!(agent.get("/admin/inbox").await.status, StatusCode::OK);

    // Single use; and an agent (not owner) cannot invite.
    let again = app.browser().get(&path).await;
    assert!(
        again.body.contains("Lien d&#x27;invitation invalide")
            || again.body.contains("Lien d'invitation invalide")
    );
    let replay = app
        .browser()
        .post(
            &path,
            &[
                ("password", "un autre mot de passe"),
                ("confirm", "un autre mot de passe"),
            ],
        )
        .await;
    assert_eq!(replay.status, StatusCode::NOT_FOUND);
    let forbidden = agent
        .post(
            "/admin/agents",
            &[("invite_email", "x@demo.test"), ("invite_name", "X")],
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_citizen_who_used_english_pages_gets_english_mails_and_agents_keep_french() {
    let sink = SmtpSink::start("normal").await;
    let url = sink.url();
    let app = TestApp::spawn_with(|c| c.smtp_url = Some(url)).await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let service = publish_parking_service(&admin, "Carte de stationnement").await;
    let citizen = app.browser();
    // The choice made on the service page is remembered for the whole journey.
    let landing = citizen.get(&format!("{service}?lang=en")).await;
    assert!(landing.body.contains("<html lang=\"en\""));
    citizen.citizen_login(&service, "test").await;
    send(&citizen, &service, "AB-123-CD").await;
    let mails = sink.wait_for("accepted", 2, Duration::from_secs(20)).await;
    let receipt = mails
        .iter()
        .find(|m| m["rcpt_tos"][0] == CITIZEN_EMAIL)
        .expect("receipt to the citizen");
    let subject = receipt["subject"].as_str().unwrap_or_default();
    assert!(subject.contains("has been received"), "{subject}");
    let text = receipt["text"].as_str().unwrap_or_default();
    assert!(
        text.contains("Your answers:") && text.contains(" at "),
        "{text}"
    );
    assert!(!text.contains("Vos réponses"), "{text}");
    let notice = mails
        .iter()
        .find(|m| m["rcpt_tos"][0] != CITIZEN_EMAIL)
        .expect("notice to the town hall");
    assert!(
        notice["subject"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Nouvelle demande"),
        "the agents' notice stays French"
    );

    // Later, the agent's message goes out in the language the request was made in.
    let detail = detail_path(&admin).await;
    let sent = admin
        .post(
            &format!("{detail}/notifier"),
            &[("action", "send"), ("message", "Your card is ready.")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let mails = sink.wait_for("accepted", 3, Duration::from_secs(20)).await;
    let message = mails
        .iter()
        .find(|m| m.to_string().contains("Your card is ready."))
        .expect("the agent's message");
    let text = message["text"].as_str().unwrap_or_default();
    assert!(text.starts_with("Hello "), "{text}");
    assert!(text.contains("Reference of your request"), "{text}");

    // A template the town wrote is sent as written, whatever the language.
    let custom = admin
        .post(
            "/admin/courriels/submission_receipt",
            &[
                ("action", "save"),
                ("subject", "Mairie : demande {{ reference }} reçue"),
                ("text", "Bonjour {{ citoyen }}, merci. {{ commune }}"),
                ("html", ""),
            ],
        )
        .await;
    assert_eq!(custom.status, StatusCode::SEE_OTHER, "{}", custom.body);
    let other = app.browser();
    other.get(&format!("{service}?lang=en")).await;
    other.citizen_login(&service, "test").await;
    send(&other, &service, "EF-456-GH").await;
    let mails = sink.wait_for("accepted", 5, Duration::from_secs(20)).await;
    assert!(
        mails.iter().any(|m| m["subject"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Mairie : demande")),
        "custom template used"
    );
}
