//! Tenant isolation: an agent of one municipality never sees another's objects, and a citizen
//! session opened for one municipality cannot be used in another.

use super::helpers::{ADMIN_EMAIL, TestApp};
use reqwest::StatusCode;

#[tokio::test]
async fn agents_only_see_their_municipality() {
    let app = TestApp::spawn().await;
    app.other_municipality("autreville", "agent@autreville.test")
        .await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let (editor, service) = admin.publish_library_service("Portage de repas").await;
    let citizen = app.browser();
    let form = citizen.citizen_login(&service, "test").await;
    let names = form.field_names();
    citizen
        .post(
            &format!("{service}/formulaire"),
            &[(names[0].as_str(), "X"), (names[1].as_str(), "Adultes")],
        )
        .await;
    citizen.post(&format!("{service}/envoyer"), &[]).await;
    let inbox = admin.get("/admin/inbox").await;
    let detail = inbox.link_to("/admin/submissions/").expect("detail");

    let other = app.browser();
    other.admin_login("agent@autreville.test").await;
    let other_inbox = other.get("/admin/inbox?status=all").await;
    assert!(other_inbox.body.contains("Toutes (0)"));
    assert!(!other_inbox.body.contains("DUBOIS"));
    assert_eq!(other.get(&detail).await.status, StatusCode::NOT_FOUND);
    assert_eq!(other.get(&editor).await.status, StatusCode::NOT_FOUND);
    let refused = other
        .post(&format!("{detail}/status"), &[("status", "processed")])
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(
        other.post(&format!("{editor}/publish"), &[]).await.status,
        StatusCode::NOT_FOUND
    );
    // Still unprocessed for its own municipality.
    assert!(
        admin
            .get("/admin/inbox")
            .await
            .body
            .contains("À traiter (1)")
    );
    // Anonymous visitors are sent to the login page.
    let anonymous = app.browser().get("/admin/inbox").await;
    assert_eq!(anonymous.status, StatusCode::FOUND);
    assert_eq!(anonymous.location.as_deref(), Some("/admin/login"));
}

#[tokio::test]
async fn a_citizen_session_is_bound_to_its_municipality() {
    use app::db::entities::{identity_provider_config, municipality};
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

    let app = TestApp::spawn().await;
    let other_id = app
        .other_municipality("autreville", "agent@autreville.test")
        .await;
    // The other municipality uses the same demo provider with its own configuration row.
    let demo = municipality::Entity::find()
        .filter(municipality::Column::Slug.eq("demo"))
        .one(&app.db)
        .await
        .expect("q")
        .expect("demo");
    let mut provider: identity_provider_config::ActiveModel =
        identity_provider_config::Entity::find()
            .filter(identity_provider_config::Column::MunicipalityId.eq(demo.id))
            .one(&app.db)
            .await
            .expect("q")
            .expect("provider")
            .into();
    provider.id = Set(uuid::Uuid::now_v7());
    provider.municipality_id = Set(other_id);
    provider.insert(&app.db).await.expect("insert");

    let admin_a = app.browser();
    admin_a.admin_login(ADMIN_EMAIL).await;
    let (_, service_a) = admin_a.publish_library_service("Piscine").await;
    let admin_b = app.browser();
    admin_b.admin_login("agent@autreville.test").await;
    let (_, service_b) = admin_b.publish_library_service("Piscine").await;
    assert_eq!(service_b, "/s/autreville/piscine");

    let citizen = app.browser();
    citizen.citizen_login(&service_a, "test").await;
    // Logged in for A: B's form sends back to B's service page to log in there.
    let form_b = citizen.get(&format!("{service_b}/formulaire")).await;
    assert_eq!(form_b.status, StatusCode::FOUND);
    assert_eq!(form_b.location.as_deref(), Some(service_b.as_str()));
    let post_b = citizen.post(&format!("{service_b}/envoyer"), &[]).await;
    assert_eq!(post_b.status, StatusCode::SEE_OTHER);
    assert_eq!(post_b.location.as_deref(), Some(service_b.as_str()));
    assert_eq!(app.submissions().await, 0);
}
