//! The console's audit log: successful console actions are recorded with their agent, newest
//! first, per municipality; refused requests and typed values are not.

use super::helpers::{ADMIN_EMAIL, TestApp};
use reqwest::StatusCode;

#[tokio::test]
async fn console_actions_are_journaled_per_town_without_the_data_typed() {
    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let created = admin
        .post(
            "/admin/services",
            &[
                ("title", "Permis de détention"),
                ("description", ""),
                ("claims", "family_name"),
            ],
        )
        .await;
    let editor = created
        .location
        .expect("editor")
        .trim_start_matches(&app.base)
        .to_owned();
    let added = admin
        .post(
            &format!("{editor}/fields"),
            &[
                ("label", "Question confidentielle XYZ"),
                ("kind", "short_text"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    // Refused (no label): not an action.
    let refused = admin
        .post(
            &format!("{editor}/fields"),
            &[("label", ""), ("kind", "short_text")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        admin.post(&format!("{editor}/publish"), &[]).await.status,
        StatusCode::SEE_OTHER
    );

    let journal = admin.get("/admin/journal").await;
    assert_eq!(journal.status, StatusCode::OK, "{}", journal.body);
    let body = journal.body;
    let (publish, field, create) = (
        body.find("Publication d&#x27;un service")
            .or_else(|| body.find("Publication d'un service"))
            .expect("publish"),
        body.find("Ajout d&#x27;un champ")
            .or_else(|| body.find("Ajout d'un champ"))
            .expect("field"),
        body.find("Création d&#x27;un service")
            .or_else(|| body.find("Création d'un service"))
            .expect("create"),
    );
    assert!(publish < field && field < create, "newest first");
    assert_eq!(
        body.matches("Ajout d").count(),
        1,
        "the refused one is not there"
    );
    assert!(
        !body.contains("Question confidentielle XYZ"),
        "no typed value"
    );
    assert!(
        body.contains(editor.trim_start_matches("/admin/services/")),
        "the object acted on"
    );

    // Another town sees only its own.
    app.other_municipality("autre-ville", "agent@autre.test")
        .await;
    let other = app.browser();
    other.admin_login("agent@autre.test").await;
    let theirs = other.get("/admin/journal").await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(!theirs.body.contains("Publication d"), "{}", theirs.body);
    // Not signed in: sent to the login page.
    let anonymous = app.browser().get("/admin/journal").await;
    assert!(anonymous.status.is_redirection(), "{}", anonymous.status);
    assert!(
        anonymous
            .location
            .unwrap_or_default()
            .contains("/admin/login")
    );
}
