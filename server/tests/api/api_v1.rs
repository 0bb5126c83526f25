//! The business REST API over real HTTP: tokens made in the console (shown once, hashed, scoped,
//! read or read-write, expiring, IP-restricted, revocable), every endpoint, a tenant-isolation
//! matrix with canaries, Idempotency-Key replays, cursor pagination, the per-token rate limit,
//! the committed OpenAPI document, and schemathesis run against the live document.

use super::helpers::{ADMIN_EMAIL, Browser, TestApp};
use app::db::entities::{
    api_token, field_definition, procedure, procedure_revision, submission, submission_transition,
};
use reqwest::{Method, StatusCode, header::HeaderMap};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::Value;
use uuid::Uuid;

const OTHER_ADMIN: &str = "agent@autreville.test";
/// Personal data of the other municipality: must never appear in a response to municipality A.
const CANARY: &str = "CANARY-AUTREVILLE";

/// One API response.
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("JSON body: {}", self.body))
    }

    fn code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

/// A non-browser client: no cookies, no `Origin`.
async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    extra: &[(&str, &str)],
) -> Reply {
    let mut request = reqwest::Client::new().request(method, format!("{}{path}", app.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("API call");
    Reply {
        status: response.status(),
        headers: response.headers().clone(),
        body: response.text().await.unwrap_or_default(),
    }
}

async fn get(app: &TestApp, path: &str, token: &str) -> Reply {
    call(app, Method::GET, path, Some(token), &[]).await
}

async fn post(app: &TestApp, path: &str, token: &str) -> Reply {
    call(app, Method::POST, path, Some(token), &[]).await
}

fn in_a_month() -> String {
    (chrono::Utc::now() + chrono::Duration::days(30))
        .format("%Y-%m-%d")
        .to_string()
}

/// Creates a token through the console form; returns the secret shown once.
async fn create_token(admin: &Browser, form: &[(&str, &str)]) -> String {
    let page = admin.post("/admin/api/tokens", form).await;
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    let start = page.body.find("value=\"iclefs_").expect("token shown") + "value=\"".len();
    let token: String = page.body[start..].chars().take(7 + 43).collect();
    assert!(token.starts_with("iclefs_") && token.len() == 50, "{token}");
    token
}

async fn token_with(admin: &Browser, services: &str, access: &str, networks: &str) -> String {
    let expires = in_a_month();
    create_token(
        admin,
        &[
            ("name", "Logiciel métier"),
            ("services", services),
            ("access", access),
            ("expires_on", &expires),
            ("networks", networks),
        ],
    )
    .await
}

/// A submission row written directly (for volume and for the other municipality).
async fn insert_submission(
    app: &TestApp,
    municipality_id: Uuid,
    procedure_id: Uuid,
    revision_id: Uuid,
    reference: &str,
    family: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Uuid {
    let id = Uuid::now_v7();
    submission::ActiveModel {
        id: Set(id),
        municipality_id: Set(municipality_id),
        procedure_id: Set(procedure_id),
        revision_id: Set(revision_id),
        reference: Set(reference.to_owned()),
        status: Set("unprocessed".to_owned()),
        idempotency_key: Set(id.to_string()),
        identity: Set(serde_json::json!({"claims": {"family_name": family, "given_name": "Test"}})),
        identity_provider: Set("demo".to_owned()),
        identity_sub: Set(format!("sub-{id}")),
        identity_acr: Set("eidas1".to_owned()),
        identity_authenticated_at: Set(at),
        created_at: Set(at),
        updated_at: Set(at),
        processed_at: Set(None),
        channel: Set(None),
        search_name: Set(Some(family.to_lowercase())),
        lang: Set("fr".to_owned()),
    }
    .insert(&app.db)
    .await
    .expect("submission");
    id
}

/// A published service written directly; returns `(procedure, revision)`.
async fn insert_service(app: &TestApp, municipality_id: Uuid, title: &str) -> (Uuid, Uuid) {
    let now = chrono::Utc::now();
    let (procedure_id, revision_id) = (Uuid::now_v7(), Uuid::now_v7());
    procedure::ActiveModel {
        id: Set(procedure_id),
        municipality_id: Set(municipality_id),
        slug: Set(format!("s-{}", procedure_id.simple())),
        title: Set(title.to_owned()),
        description: Set(String::new()),
        state: Set("online".to_owned()),
        identity_claims: Set(serde_json::json!(["family_name"])),
        draft_revision_id: Set(None),
        published_revision_id: Set(Some(revision_id)),
        created_at: Set(now),
        updated_at: Set(now),
        short_code: Set(None),
    }
    .insert(&app.db)
    .await
    .expect("procedure");
    procedure_revision::ActiveModel {
        id: Set(revision_id),
        procedure_id: Set(procedure_id),
        number: Set(1),
        identity_claims: Set(serde_json::json!(["family_name"])),
        published_at: Set(Some(now)),
        created_at: Set(now),
    }
    .insert(&app.db)
    .await
    .expect("revision");
    field_definition::ActiveModel {
        id: Set(Uuid::now_v7()),
        revision_id: Set(revision_id),
        stable_id: Set(Uuid::now_v7()),
        position: Set(0),
        kind: Set("short_text".to_owned()),
        label: Set(format!("Question {title}")),
        help: Set(String::new()),
        required: Set(true),
        options: Set(serde_json::json!([])),
        settings: Set(None),
        removed_at: Set(None),
    }
    .insert(&app.db)
    .await
    .expect("field");
    (procedure_id, revision_id)
}

/// Municipality A (demo) with a real submission through FranceConnect's demo stand-in and a
/// second service; municipality B with its own service and submission full of canaries.
struct World {
    app: TestApp,
    admin: Browser,
    other_admin: Browser,
    demo_id: Uuid,
    service_id: Uuid,
    submission_id: Uuid,
    reference: String,
    second_service_id: Uuid,
    second_submission_id: Uuid,
    foreign_service_id: Uuid,
    foreign_submission_id: Uuid,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let foreign_id = app.other_municipality("autreville", OTHER_ADMIN).await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let (editor, service) = admin
        .publish_library_service("Inscription bibliothèque")
        .await;
    let service_id: Uuid = editor.rsplit('/').next().unwrap().parse().unwrap();
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
    assert_eq!(
        citizen
            .post(&format!("{service}/envoyer"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let row = submission::Entity::find()
        .filter(submission::Column::ProcedureId.eq(service_id))
        .one(&app.db)
        .await
        .unwrap()
        .expect("submission");
    let demo_id = row.municipality_id;
    let (second_service_id, second_revision) =
        insert_service(&app, demo_id, "Piscine municipale").await;
    let second_submission_id = insert_submission(
        &app,
        demo_id,
        second_service_id,
        second_revision,
        "PISCINE0001",
        "NAGEUR",
        chrono::Utc::now(),
    )
    .await;
    let (foreign_service_id, foreign_revision) =
        insert_service(&app, foreign_id, &format!("Service {CANARY}")).await;
    let foreign_submission_id = insert_submission(
        &app,
        foreign_id,
        foreign_service_id,
        foreign_revision,
        "CANARYB00001",
        CANARY,
        chrono::Utc::now(),
    )
    .await;
    let other_admin = app.browser();
    other_admin.admin_login(OTHER_ADMIN).await;
    World {
        app,
        admin,
        other_admin,
        demo_id,
        service_id,
        submission_id: row.id,
        reference: row.reference,
        second_service_id,
        second_submission_id,
        foreign_service_id,
        foreign_submission_id,
    }
}

#[tokio::test]
async fn tokens_are_shown_once_stored_hashed_and_validated() {
    let w = world().await;
    let token = token_with(&w.admin, "all", "read", "").await;
    let rows = api_token::Entity::find().all(&w.app.db).await.unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.token_hash, app::crypto::sha256_hex(&token));
    assert_eq!(row.display_prefix, token[..11]);
    assert!(row.created_by.contains(ADMIN_EMAIL));
    assert_eq!(row.services, None);
    assert!(!row.can_write);
    // Not in any column, and never shown again.
    let dump = format!("{rows:?}");
    assert!(!dump.contains(&token));
    let page = w.admin.get("/admin/api").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains(&token));
    assert!(page.body.contains(&format!("{}…", &token[..11])));
    assert!(page.body.contains("/api/v1/openapi.json"));
    assert!(
        page.body.contains(&format!(
            "curl -H &quot;Authorization: Bearer iclefs_VOTRE_JETON&quot; {}/api/v1/services",
            w.app.base
        )) || page
            .body
            .contains(&format!("{}/api/v1/services", w.app.base))
    );
    // Every rule of the form, reported at once.
    let too_late = (chrono::Utc::now() + chrono::Duration::days(400))
        .format("%Y-%m-%d")
        .to_string();
    for (form, field) in [
        (
            vec![
                ("name", "X"),
                ("services", "all"),
                ("access", "read"),
                ("expires_on", "2020-01-01"),
            ],
            "La date d'expiration est déjà passée.",
        ),
        (
            vec![
                ("name", "X"),
                ("services", "all"),
                ("access", "read"),
                ("expires_on", too_late.as_str()),
            ],
            "au plus tard dans un an",
        ),
        (
            vec![
                ("name", "X"),
                ("services", "all"),
                ("access", "read"),
                ("expires_on", ""),
            ],
            "Indiquez une date",
        ),
        (
            vec![
                ("name", "X"),
                ("services", "all"),
                ("access", "read"),
                ("expires_on", &in_a_month()),
                ("networks", "10.0.0.0/33"),
            ],
            "préfixe",
        ),
        (
            vec![
                ("name", "X"),
                ("access", "read"),
                ("expires_on", &in_a_month()),
            ],
            "Choisissez les services",
        ),
        (
            vec![
                ("name", "X"),
                ("services", &w.foreign_service_id.to_string()),
                ("access", "read"),
                ("expires_on", &in_a_month()),
            ],
            "n'existe pas",
        ),
        (
            vec![
                ("name", ""),
                ("services", "all"),
                ("access", "admin"),
                ("expires_on", &in_a_month()),
            ],
            "niveau d'accès",
        ),
    ] {
        let page = w.admin.post("/admin/api/tokens", &form).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{form:?}");
        assert!(page.body.contains(field), "{form:?}: {field}");
        assert!(!page.body.contains("value=\"iclefs_"));
    }
    assert_eq!(
        api_token::Entity::find()
            .all(&w.app.db)
            .await
            .unwrap()
            .len(),
        1
    );
    // Agents who are not owners cannot create tokens; anonymous visitors are sent to log in.
    let anonymous = w
        .app
        .browser()
        .post("/admin/api/tokens", &[("name", "X")])
        .await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn services_list_their_published_forms_and_claims() {
    let w = world().await;
    let token = token_with(&w.admin, "all", "read", "").await;
    let reply = get(&w.app, "/api/v1/services", &token).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.headers["cache-control"], "no-store");
    assert!(
        reply.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let data = reply.json()["data"].as_array().unwrap().clone();
    assert_eq!(data.len(), 2);
    let library = data
        .iter()
        .find(|s| s["id"] == w.service_id.to_string())
        .unwrap();
    assert_eq!(library["title"], "Inscription bibliothèque");
    assert_eq!(library["state"], "online");
    assert_eq!(library["current_revision"], 1);
    assert_eq!(
        library["identity_claims"],
        serde_json::json!(["family_name", "given_name", "birthdate"])
    );
    let fields = library["revisions"][0]["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 3);
    assert_eq!(fields[0]["label"], "Numéro de carte de lecteur");
    assert_eq!(fields[0]["kind"], "short_text");
    assert_eq!(fields[0]["required"], true);
    assert_eq!(fields[1]["kind"], "single_choice");
    assert_eq!(
        fields[1]["options"],
        serde_json::json!(["Jeunesse", "Adultes", "Bandes dessinées"])
    );
    assert!(Uuid::parse_str(fields[2]["stable_id"].as_str().unwrap()).is_ok());
    assert!(!reply.body.contains(CANARY));

    let scoped = token_with(&w.admin, &w.second_service_id.to_string(), "read", "").await;
    let reply = get(&w.app, "/api/v1/services", &scoped).await;
    let data = reply.json()["data"].as_array().unwrap().clone();
    assert_eq!(data.len(), 1);
    assert_eq!(data[0]["id"], w.second_service_id.to_string());
    assert!(!reply.body.contains("bibliothèque"));
}

#[tokio::test]
async fn a_submission_carries_its_certified_identity_and_answers() {
    let w = world().await;
    let token = token_with(&w.admin, "all", "read", "").await;
    let reply = get(
        &w.app,
        &format!("/api/v1/submissions/{}", w.submission_id),
        &token,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let s = reply.json();
    assert_eq!(s["reference"], w.reference.as_str());
    assert_eq!(s["status"], "unprocessed");
    assert_eq!(s["service_id"], w.service_id.to_string());
    assert_eq!(s["revision_number"], 1);
    assert_eq!(s["acknowledged_at"], Value::Null);
    assert_eq!(s["identity"]["provider"], "demo");
    assert_eq!(s["identity"]["acr"], "eidas1");
    assert_eq!(s["identity"]["claims"]["family_name"], "DUBOIS");
    assert_eq!(s["identity"]["claims"]["birthdate"], "1962-08-24");
    assert!(
        s["identity"]["authenticated_at"]
            .as_str()
            .unwrap()
            .contains('T')
    );
    let answers = s["answers"].as_object().unwrap();
    assert_eq!(answers.len(), 2, "the optional email was left empty");
    let card = answers
        .values()
        .find(|a| a["label"] == "Numéro de carte de lecteur")
        .unwrap();
    assert_eq!(card["value"], "CARTE-42");
    assert_eq!(card["kind"], "short_text");
    // The service list returns the same documents, page by page.
    let list = get(
        &w.app,
        &format!("/api/v1/services/{}/submissions", w.service_id),
        &token,
    )
    .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert_eq!(list.json()["data"][0], s);
    assert_eq!(list.json()["next_cursor"], Value::Null);
}

#[tokio::test]
async fn write_tokens_move_the_status_through_the_inbox_history() {
    let w = world().await;
    let writer = token_with(&w.admin, "all", "write", "").await;
    let reader = token_with(&w.admin, "all", "read", "").await;
    let path = format!("/api/v1/submissions/{}/processed", w.submission_id);
    let refused = post(&w.app, &path, &reader).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.code(), "insufficient_scope");
    // A server-side tool that sends an Origin of its own is not taken for a forged form.
    let done = call(
        &w.app,
        Method::POST,
        &path,
        Some(&writer),
        &[("origin", "https://grc.example")],
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.json()["status"], "processed");
    assert!(done.json()["processed_at"].is_string());
    // The inbox counters follow (same transaction as the transition).
    assert!(
        w.admin
            .get("/admin/inbox")
            .await
            .body
            .contains("À traiter (0)")
    );
    let again = post(&w.app, &path, &writer).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.code(), "status_unchanged");
    let back = post(
        &w.app,
        &format!("/api/v1/submissions/{}/unprocessed", w.submission_id),
        &writer,
    )
    .await;
    assert_eq!(back.status, StatusCode::OK);
    assert_eq!(back.json()["status"], "unprocessed");
    assert_eq!(back.json()["processed_at"], Value::Null);
    let history = submission_transition::Entity::find()
        .filter(submission_transition::Column::SubmissionId.eq(w.submission_id))
        .all(&w.app.db)
        .await
        .unwrap();
    assert_eq!(history.len(), 3, "submitted, processed, unprocessed");
    let token_id = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(app::crypto::sha256_hex(&writer)))
        .one(&w.app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let by_api: Vec<_> = history
        .iter()
        .filter(|t| t.actor_api_token_id == Some(token_id))
        .collect();
    assert_eq!(by_api.len(), 2);
    assert!(
        by_api
            .iter()
            .all(|t| t.actor_label == "API – Logiciel métier" && t.actor_admin_id.is_none())
    );
    // The agents see who did it.
    let detail = w
        .admin
        .get(&format!("/admin/submissions/{}", w.submission_id))
        .await;
    assert!(detail.body.contains("API – Logiciel métier"));
    // Last use is recorded.
    let row = api_token::Entity::find_by_id(token_id)
        .one(&w.app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(row.last_used_at.is_some());
}

#[tokio::test]
async fn idempotency_keys_replay_the_first_response() {
    let w = world().await;
    let writer = token_with(&w.admin, "all", "write", "").await;
    let path = format!("/api/v1/submissions/{}/processed", w.submission_id);
    let key = [("idempotency-key", "5b0c7b4e-key-1")];
    let first = call(&w.app, Method::POST, &path, Some(&writer), &key).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert!(first.headers.get("idempotent-replayed").is_none());
    let replay = call(&w.app, Method::POST, &path, Some(&writer), &key).await;
    assert_eq!(
        replay.status,
        StatusCode::OK,
        "the same response, not a 409"
    );
    assert_eq!(replay.json(), first.json());
    assert_eq!(replay.headers["idempotent-replayed"], "true");
    let history = submission_transition::Entity::find()
        .filter(submission_transition::Column::SubmissionId.eq(w.submission_id))
        .all(&w.app.db)
        .await
        .unwrap();
    assert_eq!(history.len(), 2, "one transition for two calls");
    // What is kept for replays holds no personal data.
    let kept = app::db::entities::api_idempotency_key::Entity::find()
        .all(&w.app.db)
        .await
        .unwrap();
    assert_eq!(kept.len(), 1);
    assert!(!kept[0].body.contains("DUBOIS") && !kept[0].body.contains(&w.reference));
    // The same key for another request is refused; another token has its own keys.
    let reused = call(
        &w.app,
        Method::POST,
        &format!("/api/v1/submissions/{}/unprocessed", w.submission_id),
        Some(&writer),
        &key,
    )
    .await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reused.code(), "idempotency_key_reused");
    let other = token_with(&w.admin, "all", "write", "").await;
    let theirs = call(&w.app, Method::POST, &path, Some(&other), &key).await;
    assert_eq!(theirs.status, StatusCode::CONFLICT, "{}", theirs.body);
    assert_eq!(theirs.code(), "status_unchanged");
    // A refusal is replayed too.
    let theirs_again = call(&w.app, Method::POST, &path, Some(&other), &key).await;
    assert_eq!(theirs_again.status, StatusCode::CONFLICT);
    assert_eq!(theirs_again.headers["idempotent-replayed"], "true");
    let long = "k".repeat(256);
    let bad = call(
        &w.app,
        Method::POST,
        &path,
        Some(&writer),
        &[("idempotency-key", &long)],
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.code(), "invalid_parameter");
    // Acknowledgements accept keys as well.
    let ack = format!("/api/v1/submissions/{}/ack", w.submission_id);
    let a = call(
        &w.app,
        Method::POST,
        &ack,
        Some(&writer),
        &[("idempotency-key", "ack-1")],
    )
    .await;
    let b = call(
        &w.app,
        Method::POST,
        &ack,
        Some(&writer),
        &[("idempotency-key", "ack-1")],
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json(), b.json());
}

#[tokio::test]
async fn acknowledged_submissions_leave_the_unacknowledged_list() {
    let w = world().await;
    let reader = token_with(&w.admin, "all", "read", "").await;
    let list = format!(
        "/api/v1/services/{}/submissions?acknowledged=false",
        w.service_id
    );
    assert_eq!(
        get(&w.app, &list, &reader).await.json()["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let ack = post(
        &w.app,
        &format!("/api/v1/submissions/{}/ack", w.submission_id),
        &reader,
    )
    .await;
    assert_eq!(
        ack.status,
        StatusCode::OK,
        "read tokens may acknowledge: {}",
        ack.body
    );
    let at = ack.json()["acknowledged_at"].clone();
    assert!(at.is_string());
    assert_eq!(
        get(&w.app, &list, &reader).await.json()["data"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let acked = get(
        &w.app,
        &format!(
            "/api/v1/services/{}/submissions?acknowledged=true",
            w.service_id
        ),
        &reader,
    )
    .await;
    assert_eq!(acked.json()["data"][0]["acknowledged_at"], at);
    let again = post(
        &w.app,
        &format!("/api/v1/submissions/{}/ack", w.submission_id),
        &reader,
    )
    .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(
        again.json()["acknowledged_at"],
        at,
        "the first time is kept"
    );
}

#[tokio::test]
async fn cursor_pagination_walks_every_row_exactly_once() {
    let w = world().await;
    let token = token_with(&w.admin, "all", "read", "").await;
    let revision = procedure::Entity::find_by_id(w.second_service_id)
        .one(&w.app.db)
        .await
        .unwrap()
        .unwrap()
        .published_revision_id
        .unwrap();
    let start = chrono::Utc::now() - chrono::Duration::days(10);
    let mut expected = vec![w.second_submission_id];
    for i in 0..120 {
        let at = start + chrono::Duration::minutes(i);
        expected.push(
            insert_submission(
                &w.app,
                w.demo_id,
                w.second_service_id,
                revision,
                &format!("PAGE{i:04}"),
                "LECTEUR",
                at,
            )
            .await,
        );
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut path = format!(
            "/api/v1/services/{}/submissions?limit=7",
            w.second_service_id
        );
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let reply = get(&w.app, &path, &token).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let page = reply.json();
        let data = page["data"].as_array().unwrap();
        assert!(data.len() <= 7);
        seen.extend(
            data.iter()
                .map(|s| Uuid::parse_str(s["id"].as_str().unwrap()).unwrap()),
        );
        pages += 1;
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 18, "121 rows by 7");
    let mut sorted = expected.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "every row once, oldest id first");
    assert!(!seen.contains(&w.submission_id), "another service's row");
    // Default and maximum page sizes; filters.
    let path = format!("/api/v1/services/{}/submissions", w.second_service_id);
    assert_eq!(
        get(&w.app, &path, &token).await.json()["data"]
            .as_array()
            .unwrap()
            .len(),
        50
    );
    assert_eq!(
        get(&w.app, &format!("{path}?limit=100"), &token)
            .await
            .json()["data"]
            .as_array()
            .unwrap()
            .len(),
        100
    );
    let since = (start + chrono::Duration::minutes(100))
        .to_rfc3339()
        .replace('+', "%2B");
    let recent = get(
        &w.app,
        &format!("{path}?created_since={since}&limit=100"),
        &token,
    )
    .await;
    assert_eq!(
        recent.json()["data"].as_array().unwrap().len(),
        21,
        "20 paged rows plus the first one (now)"
    );
    let none = get(&w.app, &format!("{path}?status=processed"), &token).await;
    assert_eq!(none.json()["data"].as_array().unwrap().len(), 0);
    let updated = get(
        &w.app,
        &format!("{path}?updated_since=2999-01-01T00:00:00Z"),
        &token,
    )
    .await;
    assert_eq!(updated.json()["data"].as_array().unwrap().len(), 0);
    for bad in [
        "limit=0",
        "limit=101",
        "limit=-1",
        "cursor=nope",
        "created_since=2026-13-01",
        "updated_since=hier",
        "status=done",
        "acknowledged=maybe",
    ] {
        let reply = get(&w.app, &format!("{path}?{bad}"), &token).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(reply.code(), "invalid_parameter", "{bad}");
        assert!(
            !reply.json()["error"]["message"]
                .as_str()
                .unwrap()
                .is_empty()
        );
    }
}

/// Every API route, with the ids of a service and a submission.
fn routes(service: Uuid, submission: Uuid) -> Vec<(Method, String)> {
    vec![
        (Method::GET, "/api/v1/services".to_owned()),
        (
            Method::GET,
            format!("/api/v1/services/{service}/submissions"),
        ),
        (Method::GET, format!("/api/v1/submissions/{submission}")),
        (
            Method::POST,
            format!("/api/v1/submissions/{submission}/processed"),
        ),
        (
            Method::POST,
            format!("/api/v1/submissions/{submission}/unprocessed"),
        ),
        (
            Method::POST,
            format!("/api/v1/submissions/{submission}/ack"),
        ),
    ]
}

#[tokio::test]
async fn tenant_isolation_matrix_refuses_and_leaks_nothing() {
    let w = world().await;
    let a_routes = routes(w.service_id, w.submission_id);
    let secrets_of_a = [
        w.reference.as_str(),
        "DUBOIS",
        "bibliothèque",
        "CARTE-42",
        "Piscine",
        "PISCINE0001",
    ];
    let not_found = get(
        &w.app,
        &format!("/api/v1/submissions/{}", Uuid::now_v7()),
        &token_with(&w.admin, "all", "write", "").await,
    )
    .await;
    assert_eq!(not_found.status, StatusCode::NOT_FOUND);
    assert_eq!(not_found.code(), "not_found");

    // Municipality B's write token on A's objects: 404, the very body of a missing id.
    let b_token = token_with(&w.other_admin, "all", "write", "").await;
    for (method, path) in &a_routes {
        let reply = call(&w.app, method.clone(), path, Some(&b_token), &[]).await;
        for secret in secrets_of_a {
            assert!(
                !reply.body.contains(secret),
                "{method} {path} leaks {secret}"
            );
        }
        if path == "/api/v1/services" {
            assert_eq!(reply.status, StatusCode::OK);
            assert!(reply.body.contains(CANARY), "B sees its own service");
        } else {
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{method} {path}");
            assert_eq!(reply.body, not_found.body, "{method} {path}");
        }
    }
    // And A's token on B's objects.
    let a_token = token_with(&w.admin, "all", "write", "").await;
    for (method, path) in routes(w.foreign_service_id, w.foreign_submission_id) {
        let reply = call(&w.app, method.clone(), &path, Some(&a_token), &[]).await;
        assert!(!reply.body.contains(CANARY), "{method} {path} leaks B");
        assert!(!reply.body.contains("CANARYB00001"));
        if path != "/api/v1/services" {
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{method} {path}");
            assert_eq!(reply.body, not_found.body);
        }
    }

    // A token scoped to the pool service: the library's objects do not exist for it.
    let scoped = token_with(&w.admin, &w.second_service_id.to_string(), "write", "").await;
    for (method, path) in &a_routes {
        let reply = call(&w.app, method.clone(), path, Some(&scoped), &[]).await;
        for secret in [w.reference.as_str(), "DUBOIS", "bibliothèque", "CARTE-42"] {
            assert!(
                !reply.body.contains(secret),
                "{method} {path} leaks {secret}"
            );
        }
        if path != "/api/v1/services" {
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{method} {path}");
            assert_eq!(reply.body, not_found.body);
        }
    }
    let own = get(
        &w.app,
        &format!("/api/v1/submissions/{}", w.second_submission_id),
        &scoped,
    )
    .await;
    assert_eq!(own.status, StatusCode::OK, "in scope: {}", own.body);

    // Read-only tokens cannot write (acknowledging is allowed).
    let reader = token_with(&w.admin, "all", "read", "").await;
    for (method, path) in a_routes.iter().filter(|(_, p)| p.ends_with("processed")) {
        let reply = call(&w.app, method.clone(), path, Some(&reader), &[]).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(reply.code(), "insufficient_scope");
        assert!(!reply.body.contains(&w.reference));
    }

    // From an address outside the allow-list: 403 everywhere.
    let elsewhere = token_with(&w.admin, "all", "write", "192.0.2.0/24, 2001:db8::/32").await;
    let here = token_with(&w.admin, "all", "read", "127.0.0.0/8").await;
    assert_eq!(
        get(&w.app, "/api/v1/services", &here).await.status,
        StatusCode::OK
    );

    // Expired (moved into the past in the database) and revoked (from the console) tokens.
    let expired = token_with(&w.admin, "all", "write", "").await;
    let mut row: api_token::ActiveModel = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(app::crypto::sha256_hex(&expired)))
        .one(&w.app.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    row.expires_at = Set(chrono::Utc::now() - chrono::Duration::seconds(1));
    row.update(&w.app.db).await.unwrap();
    let revoked = token_with(&w.admin, "all", "write", "").await;
    assert_eq!(
        get(&w.app, "/api/v1/services", &revoked).await.status,
        StatusCode::OK
    );
    let revoked_id = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(app::crypto::sha256_hex(&revoked)))
        .one(&w.app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    // B's admin cannot revoke A's token.
    let foreign_revoke = w
        .other_admin
        .post(&format!("/admin/api/tokens/{revoked_id}/revoke"), &[])
        .await;
    assert_eq!(foreign_revoke.status, StatusCode::NOT_FOUND);
    let revoke = w
        .admin
        .post(&format!("/admin/api/tokens/{revoked_id}/revoke"), &[])
        .await;
    assert_eq!(revoke.status, StatusCode::SEE_OTHER);
    let console = w.admin.get("/admin/api").await;
    assert!(console.body.contains("Révoqué le"));

    let malformed = "iclefs_not-a-real-token";
    let unknown = format!("iclefs_{}", "A".repeat(43));
    for (method, path) in &a_routes {
        for (token, status, code) in [
            (
                Some(elsewhere.as_str()),
                StatusCode::FORBIDDEN,
                "ip_not_allowed",
            ),
            (
                Some(expired.as_str()),
                StatusCode::UNAUTHORIZED,
                "token_expired",
            ),
            (
                Some(revoked.as_str()),
                StatusCode::UNAUTHORIZED,
                "token_revoked",
            ),
            (Some(malformed), StatusCode::UNAUTHORIZED, "invalid_token"),
            (
                Some(unknown.as_str()),
                StatusCode::UNAUTHORIZED,
                "invalid_token",
            ),
            (None, StatusCode::UNAUTHORIZED, "missing_token"),
        ] {
            let reply = call(&w.app, method.clone(), path, token, &[]).await;
            assert_eq!(reply.status, status, "{method} {path} {code}");
            assert_eq!(reply.code(), code, "{method} {path}");
            for secret in secrets_of_a {
                assert!(
                    !reply.body.contains(secret),
                    "{method} {path} {code} leaks {secret}"
                );
            }
            if status == StatusCode::UNAUTHORIZED {
                let challenge = reply.headers["www-authenticate"].to_str().unwrap();
                assert!(challenge.starts_with("Bearer"), "{challenge}");
            }
        }
    }
    // A cookie session is not an API credential.
    let with_cookie = w
        .admin
        .client
        .get(format!("{}/api/v1/services", w.app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(with_cookie.status(), StatusCode::UNAUTHORIZED);
    // Nothing moved.
    let s = submission::Entity::find_by_id(w.submission_id)
        .one(&w.app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.status, "unprocessed");
    let f = submission::Entity::find_by_id(w.foreign_submission_id)
        .one(&w.app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(f.status, "unprocessed");
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_in_the_envelope() {
    let w = world().await;
    let token = token_with(&w.admin, "all", "read", "").await;
    let missing = get(&w.app, "/api/v1/nothing-here", &token).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.code(), "not_found");
    let bad_id = get(&w.app, "/api/v1/submissions/not-a-uuid", &token).await;
    assert_eq!(bad_id.status, StatusCode::NOT_FOUND);
    assert_eq!(bad_id.code(), "not_found");
    let wrong = call(
        &w.app,
        Method::DELETE,
        "/api/v1/services",
        Some(&token),
        &[],
    )
    .await;
    assert_eq!(wrong.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong.code(), "method_not_allowed");
}

#[tokio::test]
async fn the_rate_limit_is_per_token_with_retry_after() {
    let w = world().await;
    let token = token_with(&w.admin, "all", "read", "").await;
    let other = token_with(&w.admin, "all", "read", "").await;
    let limit = app::api::auth::PER_TOKEN.max;
    let client = reqwest::Client::new();
    let url = format!("{}/api/v1/services", w.app.base);
    for i in 0..limit {
        let status = client
            .get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, StatusCode::OK, "request {i}");
    }
    let limited = get(&w.app, "/api/v1/services", &token).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.code(), "rate_limited");
    let wait: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert_eq!(
        get(&w.app, "/api/v1/services", &other).await.status,
        StatusCode::OK,
        "other tokens are not affected"
    );
}

#[tokio::test]
async fn openapi_document_matches_the_committed_copy() {
    let app = TestApp::spawn().await;
    let reply = call(&app, Method::GET, "/api/v1/openapi.json", None, &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    let served = reply.json();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/api/openapi.json");
    let expected = app::api::openapi::pretty();
    if std::env::var("ICLEFS_UPDATE_OPENAPI").is_ok() {
        std::fs::write(&path, &expected).expect("write docs/api/openapi.json");
    }
    let committed = std::fs::read_to_string(&path).expect("docs/api/openapi.json");
    assert_eq!(
        committed, expected,
        "docs/api/openapi.json is out of date: run ICLEFS_UPDATE_OPENAPI=1 cargo test -p server --test api openapi_document"
    );
    assert_eq!(served, serde_json::from_str::<Value>(&committed).unwrap());
    assert_eq!(served["openapi"], "3.1.0");
    // Every route of the router is described (and nothing else).
    let paths: Vec<&String> = served["paths"].as_object().unwrap().keys().collect();
    assert_eq!(
        paths,
        [
            "/api/v1/openapi.json",
            "/api/v1/services",
            "/api/v1/services/{service_id}/submissions",
            "/api/v1/submissions/{submission_id}",
            "/api/v1/submissions/{submission_id}/ack",
            "/api/v1/submissions/{submission_id}/files/{file_id}",
            "/api/v1/submissions/{submission_id}/processed",
            "/api/v1/submissions/{submission_id}/unprocessed",
        ]
    );
}

/// schemathesis (PyPI, pinned in tools/python-requirements.txt) against the live document, with a
/// write token of municipality A and real data; 0 failures expected.
#[tokio::test]
async fn schemathesis_finds_no_failure() {
    let Ok(python) = std::env::var("ICLEFS_TEST_PYTHON") else {
        eprintln!(
            "SKIPPED: ICLEFS_TEST_PYTHON is not set (cargo xtask test sets it to the virtualenv with schemathesis)"
        );
        return;
    };
    let schemathesis = std::path::Path::new(&python).with_file_name("schemathesis");
    if !schemathesis.exists() {
        eprintln!("SKIPPED: {} not found", schemathesis.display());
        return;
    }
    let w = world().await;
    let token = token_with(&w.admin, "all", "write", "").await;
    let report =
        std::env::temp_dir().join(format!("iclefs-schemathesis-{}", Uuid::now_v7().simple()));
    std::fs::create_dir_all(&report).expect("report dir");
    let config =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tools/schemathesis.toml");
    let output = tokio::process::Command::new(&schemathesis)
        .arg("--config-file")
        .arg(&config)
        .arg("run")
        .arg(format!("{}/api/v1/openapi.json", w.app.base))
        .args(["--url", &w.app.base])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args(["--max-examples", "15", "--seed", "1", "--workers", "1"])
        .args(["--phases", "examples,coverage,fuzzing"])
        .args(["--request-timeout", "10"])
        .arg("--report-dir")
        .arg(&report)
        // Its cache folder goes there too, not into the source tree.
        .current_dir(&report)
        .env("NO_COLOR", "1")
        .env("SCHEMATHESIS_HOOKS", "")
        .output()
        .await
        .expect("run schemathesis");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let _ = std::fs::remove_dir_all(&report);
    assert!(
        output.status.success(),
        "schemathesis failed:\n{stdout}\n{stderr}"
    );
    assert!(
        !stdout.contains(CANARY),
        "a response leaked another municipality's data"
    );
}

#[tokio::test]
async fn updated_since_reads_a_change_feed_in_change_order() {
    let w = world().await;
    let token = token_with(&w.admin, "all", "read", "").await;
    let revision = procedure::Entity::find_by_id(w.second_service_id)
        .one(&w.app.db)
        .await
        .unwrap()
        .unwrap()
        .published_revision_id
        .unwrap();
    let start = chrono::Utc::now() - chrono::Duration::days(10);
    let mut ids = Vec::new();
    for i in 0..12 {
        ids.push(
            insert_submission(
                &w.app,
                w.demo_id,
                w.second_service_id,
                revision,
                &format!("FEED{i:04}"),
                "LECTEUR",
                start + chrono::Duration::hours(i),
            )
            .await,
        );
    }
    // Old rows changed recently, three of them at the very same instant (ties broken by id).
    let changed_at = chrono::Utc::now() - chrono::Duration::hours(1);
    for (n, id) in [ids[2], ids[0], ids[7], ids[5]].iter().enumerate() {
        let at = if n < 3 {
            changed_at
        } else {
            changed_at + chrono::Duration::minutes(5)
        };
        submission::ActiveModel {
            id: Set(*id),
            updated_at: Set(at),
            ..Default::default()
        }
        .update(&w.app.db)
        .await
        .unwrap();
    }
    let since = (chrono::Utc::now() - chrono::Duration::days(1))
        .to_rfc3339()
        .replace('+', "%2B");
    let base = format!(
        "/api/v1/services/{}/submissions?updated_since={since}&limit=2",
        w.second_service_id
    );
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("{base}&cursor={c}"),
            None => base.clone(),
        };
        let reply = get(&w.app, &path, &token).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let page = reply.json();
        seen.extend(
            page["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| Uuid::parse_str(s["id"].as_str().unwrap()).unwrap()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => {
                assert!(c.starts_with("c2"), "{c}");
                cursor = Some(c.to_owned());
            }
            None => break,
        }
    }
    // The second service's first row (created now by `world`) changed "now" as well.
    let mut tied = vec![ids[0], ids[2], ids[7]];
    tied.sort();
    let mut expected = tied;
    expected.push(ids[5]);
    expected.push(w.second_submission_id);
    assert_eq!(seen, expected, "change order, ties by id, each once");
    // A cursor of one ordering continues the other after the same submission.
    let by_id = get(
        &w.app,
        &format!(
            "/api/v1/services/{}/submissions?limit=1&cursor=c1{}",
            w.second_service_id,
            expected[1].simple()
        ),
        &token,
    )
    .await;
    assert_eq!(by_id.status, StatusCode::OK);
    let mixed = get(
        &w.app,
        &format!("{base}&cursor=c1{}", expected[1].simple()),
        &token,
    )
    .await;
    assert_eq!(mixed.status, StatusCode::OK, "{}", mixed.body);
    let next: Vec<String> = mixed.json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        next,
        [expected[2].to_string(), expected[3].to_string()],
        "after the same submission in change order"
    );
    let c2 = cursor_of_feed(&w, &base, &token).await;
    let plain = get(
        &w.app,
        &format!(
            "/api/v1/services/{}/submissions?cursor={c2}",
            w.second_service_id
        ),
        &token,
    )
    .await;
    assert_eq!(plain.status, StatusCode::OK);
}

async fn cursor_of_feed(w: &World, base: &str, token: &str) -> String {
    get(&w.app, base, token).await.json()["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned()
}
