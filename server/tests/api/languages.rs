//! Citizen pages in French, English and Dutch: `?lang=` is remembered, `Accept-Language` is
//! followed, and only the languages the municipality offers are served (Dutch for Belgian towns).

use super::helpers::{ADMIN_EMAIL, Page, TestApp};
use app::db::entities::municipality;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

async fn get_with_language(app: &TestApp, path: &str, accept: &str) -> Page {
    let browser = app.browser();
    Page::from(
        browser
            .client
            .get(format!("{}{path}", app.base))
            .header(reqwest::header::ACCEPT_LANGUAGE, accept)
            .send()
            .await
            .expect("GET"),
    )
    .await
}

#[tokio::test]
async fn citizen_pages_speak_the_language_asked_for_among_those_offered() {
    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let service = admin.publish_library_service("Carte de lecteur").await.1;

    // French by default, with a switch to English (no Dutch for a French town).
    let default = app.browser().get(&service).await;
    assert!(
        default.body.contains("<html lang=\"fr\""),
        "{}",
        default.body
    );
    assert!(default.body.contains("Commencer la démarche"));
    assert!(default.body.contains("?lang=en"));
    assert!(!default.body.contains("?lang=nl"));

    // An explicit choice is remembered for the next pages.
    let citizen = app.browser();
    let english = citizen.get(&format!("{service}?lang=en")).await;
    assert!(english.body.contains("<html lang=\"en\""));
    assert!(english.body.contains("Start your request"));
    assert!(english.body.contains("Birth name"));
    assert!(!english.body.contains("Commencer la démarche"));
    // FranceConnect's button keeps its official French wording, marked as French.
    assert!(english.body.contains("S’identifier avec"));
    let again = citizen.get(&service).await;
    assert!(again.body.contains("Start your request"));

    // The form and its errors follow.
    let form = citizen.citizen_login(&service, "test").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Step 1 of 2"), "{}", form.body);
    assert!(form.body.contains("Certified by FranceConnect"));
    assert!(form.body.contains("24/08/1962"));
    let refused = citizen.post(&format!("{service}/formulaire"), &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("There is a problem with your answers")
    );
    assert!(refused.body.contains("This field is required."));

    // The browser's preference, when offered; Dutch is not, for this town.
    let by_browser = get_with_language(&app, &service, "en-GB,en;q=0.9").await;
    assert!(by_browser.body.contains("Start your request"));
    let not_offered = get_with_language(&app, &format!("{service}?lang=nl"), "nl-BE").await;
    assert!(not_offered.body.contains("<html lang=\"fr\""));
    assert!(not_offered.body.contains("Commencer la démarche"));

    // A Belgian town offers Dutch, and Dutch-speaking browsers get it.
    let other = app
        .other_municipality("gent-essai", "agent@gent.test")
        .await;
    let mut row: municipality::ActiveModel = municipality::Entity::find_by_id(other)
        .one(&app.db)
        .await
        .expect("db")
        .expect("town")
        .into();
    row.country = Set("BE".to_owned());
    row.update(&app.db).await.expect("update");
    let agent = app.browser();
    agent.admin_login("agent@gent.test").await;
    let belgian = agent.publish_library_service("Bibliotheekkaart").await.1;
    let dutch = get_with_language(&app, &belgian, "nl-BE,nl;q=0.9,fr;q=0.5").await;
    assert!(dutch.body.contains("<html lang=\"nl\""), "{}", dutch.body);
    // No provider configured yet for this town: said in Dutch.
    assert!(
        dutch
            .body
            .contains("is nog niet geactiveerd voor deze gemeente")
    );
    assert!(dutch.body.contains("Gebruikte gegevens"));
    assert!(dutch.body.contains("Geboortenaam"));
    assert!(dutch.body.contains("?lang=fr") && dutch.body.contains("?lang=en"));
    // The console stays French.
    let console = agent.get("/admin").await;
    assert!(console.body.contains("<html lang=\"fr\""));
}
