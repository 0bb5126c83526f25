//! Identity flow failures: each leaves a clear page offering to retry and creates no session.

use super::helpers::{ADMIN_EMAIL, TestApp};
use app::db::entities::session;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

async fn citizen_sessions(app: &TestApp) -> u64 {
    session::Entity::find()
        .filter(session::Column::Kind.eq("citizen"))
        .count(&app.db)
        .await
        .expect("count")
}

async fn published(app: &TestApp) -> String {
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    admin.publish_library_service("État civil").await.1
}

#[tokio::test]
async fn a_cancelled_login_shows_a_retry_page() {
    let app = TestApp::spawn().await;
    let service = published(&app).await;
    let citizen = app.browser();
    let authorize = citizen.start_login(&service).await;
    let callback = citizen.pick_persona(&authorize, "test", "cancel").await;
    assert!(callback.contains("error=access_denied"));
    let page = citizen.get(&callback).await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    assert!(page.body.contains("La connexion a été annulée"));
    assert!(
        page.body.contains("S’identifier avec"),
        "the button is offered again"
    );
    assert_eq!(citizen_sessions(&app).await, 0);
}

#[tokio::test]
async fn a_foreign_or_replayed_state_or_code_is_refused() {
    let app = TestApp::spawn().await;
    let service = published(&app).await;
    let victim = app.browser();
    let authorize = victim.start_login(&service).await;
    let callback = victim.pick_persona(&authorize, "test", "login").await;

    // Another browser (no state cookie) cannot use the callback.
    let attacker = app.browser();
    let page = attacker.get(&callback).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("Recommencez la connexion"));
    // The state was consumed by that attempt: the victim must start again.
    let page = victim.get(&callback).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    // A made-up state.
    let page = victim
        .get("/auth/demo/callback?code=abc&state=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert_eq!(citizen_sessions(&app).await, 0);
}

#[tokio::test]
async fn only_the_scopes_the_service_needs_are_requested() {
    let app = TestApp::spawn().await;
    let service = published(&app).await;
    let citizen = app.browser();
    let municipality = service.split('/').nth(2).unwrap_or_default();
    let slug = service.rsplit('/').next().unwrap_or_default();
    let page = citizen
        .post(&format!("/auth/{municipality}/login"), &[("service", slug)])
        .await;
    let url = url::Url::parse(&page.location.expect("authorize")).expect("url");
    let params: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(params["scope"], "openid family_name given_name birthdate");
    assert_eq!(params["acr_values"], "eidas1");
    assert!(params["state"].len() >= 32 && params["nonce"].len() >= 32);
    assert_ne!(params["state"], params["nonce"]);
}

#[tokio::test]
async fn an_unreachable_provider_fails_fast_with_a_clear_message() {
    use app::db::entities::identity_provider_config;
    use sea_orm::{ActiveModelTrait, Set};

    let app = TestApp::spawn().await;
    let service = published(&app).await;
    let row = identity_provider_config::Entity::find()
        .one(&app.db)
        .await
        .expect("q")
        .expect("row");
    let mut active: identity_provider_config::ActiveModel = row.into();
    // A closed port on loopback.
    active.issuer = Set("http://127.0.0.1:9/api/v2".to_owned());
    active.update(&app.db).await.expect("update");
    let citizen = app.browser();
    let started = std::time::Instant::now();
    let page = citizen
        .post(
            "/auth/demo/login",
            &[("service", service.rsplit('/').next().unwrap_or_default())],
        )
        .await;
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(page.status, StatusCode::BAD_GATEWAY);
    assert!(page.body.contains("ne répond pas pour le moment"));
}
