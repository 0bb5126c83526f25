//! Bad input: each case gets a clear French message, a 4xx status, and stores nothing twice.

use super::helpers::{ADMIN_EMAIL, Browser, TestApp};
use reqwest::StatusCode;

async fn ready(app: &TestApp) -> (Browser, Browser, String, Vec<String>, String) {
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let (editor, service) = admin
        .publish_library_service("Inscription à la médiathèque")
        .await;
    let citizen = app.browser();
    let form = citizen.citizen_login(&service, "test").await;
    let names = form.field_names();
    (admin, citizen, service, names, editor)
}

#[tokio::test]
async fn wrong_types_are_refused_with_field_messages() {
    let app = TestApp::spawn().await;
    let (_, citizen, service, names, _) = ready(&app).await;
    let page = citizen
        .post(
            &format!("{service}/formulaire"),
            &[
                (names[0].as_str(), "B-1"),
                (names[1].as_str(), "Seniors"),
                (names[2].as_str(), "pas-une-adresse"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Choisissez une des options proposées."));
    assert!(
        page.body
            .contains("Saisissez une adresse électronique valide")
    );
    // What was typed is kept for correction.
    assert!(page.body.contains("pas-une-adresse"));
    // The recap refuses an invalid draft and sends back to the form.
    let recap = citizen.get(&format!("{service}/recapitulatif")).await;
    assert_eq!(recap.status, StatusCode::FOUND);
    assert_eq!(app.submissions().await, 0);
}

#[tokio::test]
async fn unknown_and_closed_services_say_so() {
    let app = TestApp::spawn().await;
    let (admin, citizen, service, names, editor_path) = ready(&app).await;
    let unknown = citizen.get("/s/demo/service-inexistant").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.body.contains("Page introuvable"));
    assert_eq!(
        citizen.get("/s/nulle-part/x").await.status,
        StatusCode::NOT_FOUND
    );

    citizen
        .post(
            &format!("{service}/formulaire"),
            &[(names[0].as_str(), "B-1"), (names[1].as_str(), "Adultes")],
        )
        .await;
    assert_eq!(
        admin
            .post(&format!("{editor_path}/close"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    let landing = citizen.get(&service).await;
    assert!(landing.body.contains("Ce service est fermé"));
    let sent = citizen.post(&format!("{service}/envoyer"), &[]).await;
    assert_eq!(sent.status, StatusCode::CONFLICT);
    assert!(sent.body.contains("n'accepte plus de nouvelles demandes"));
    assert_eq!(app.submissions().await, 0);
}

#[tokio::test]
async fn a_replayed_send_stores_one_submission() {
    let app = TestApp::spawn().await;
    let (_, citizen, service, names, _) = ready(&app).await;
    citizen
        .post(
            &format!("{service}/formulaire"),
            &[(names[0].as_str(), "B-1"), (names[1].as_str(), "Adultes")],
        )
        .await;
    let send = format!("{service}/envoyer");
    let (first, second) = tokio::join!(citizen.post(&send, &[]), citizen.post(&send, &[]));
    let statuses = [first.status, second.status];
    assert!(statuses.contains(&StatusCode::SEE_OTHER), "{statuses:?}");
    let replay = citizen.post(&format!("{service}/envoyer"), &[]).await;
    assert_eq!(replay.status, StatusCode::CONFLICT);
    assert!(replay.body.contains("déjà été envoyée"));
    assert_eq!(app.submissions().await, 1);
}

#[tokio::test]
async fn a_tampered_identity_value_is_refused() {
    let app = TestApp::spawn().await;
    let (_, citizen, service, names, _) = ready(&app).await;
    let page = citizen
        .post(
            &format!("{service}/formulaire"),
            &[
                (names[0].as_str(), "B-1"),
                (names[1].as_str(), "Adultes"),
                ("family_name", "MARTIN"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("Les données d'identité certifiées ne peuvent pas être modifiées")
    );
    // The recap (if any) never shows the tampered value.
    let recap = citizen.get(&format!("{service}/recapitulatif")).await;
    assert!(!recap.body.contains("MARTIN"));
    assert_eq!(app.submissions().await, 0);
}

#[tokio::test]
async fn malformed_and_cross_site_posts_are_refused() {
    let app = TestApp::spawn().await;
    let (_, citizen, service, _, _) = ready(&app).await;
    let page = citizen
        .post_json(&format!("{service}/formulaire"), r#"{"family_name":"X"}"#)
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("illisible"));

    let foreign = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let response = foreign
        .post(format!("{}{service}/envoyer", app.base))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.submissions().await, 0);
}

#[tokio::test]
async fn the_builder_refuses_bad_definitions_and_saves_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let empty = admin.post("/admin/services", &[("title", "  ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Le titre du service est obligatoire."));
    assert!(
        empty
            .body
            .contains("Choisissez au moins une donnée d'identité certifiée.")
    );

    let page = admin
        .post(
            "/admin/services",
            &[
                ("title", "<script>alert(1)</script> Cantine"),
                ("claims", "family_name"),
            ],
        )
        .await;
    let editor = page
        .location
        .expect("editor")
        .trim_start_matches(&app.base)
        .to_owned();
    let html = admin.get(&editor).await.body;
    assert!(
        !html.contains("<script>alert(1)</script>"),
        "labels are rendered as text"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; Cantine"));

    let dup = admin
        .post(
            &format!("{editor}/fields"),
            &[
                ("label", "Menu"),
                ("kind", "single_choice"),
                ("options", "Viande\nviande"),
            ],
        )
        .await;
    assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(dup.body.contains("en double"));
    let huge = "x".repeat(2_000);
    let long = admin
        .post(
            &format!("{editor}/fields"),
            &[("label", huge.as_str()), ("kind", "short_text")],
        )
        .await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
    let editor_html = admin.get(&editor).await.body;
    assert!(
        editor_html.contains("Aucun champ pour l'instant."),
        "nothing half-saved"
    );

    let bad_login = app
        .browser()
        .post(
            "/admin/login",
            &[("email", ADMIN_EMAIL), ("password", "wrong")],
        )
        .await;
    assert_eq!(bad_login.status, StatusCode::UNAUTHORIZED);
    assert!(
        bad_login
            .body
            .contains("Adresse électronique ou mot de passe incorrect.")
    );
}

#[tokio::test]
async fn password_guessing_is_rate_limited() {
    let app = TestApp::spawn().await;
    let guesser = app.browser();
    for _ in 0..20 {
        let page = guesser
            .post(
                "/admin/login",
                &[("email", ADMIN_EMAIL), ("password", "guess")],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    }
    let response = guesser
        .client
        .post(format!("{}/admin/login", app.base))
        .form(&[("email", ADMIN_EMAIL), ("password", "guess")])
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=60).contains(&retry));
    assert!(
        response
            .text()
            .await
            .unwrap_or_default()
            .contains("Trop de tentatives")
    );
}
