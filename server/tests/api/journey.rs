//! The first journey of the product, over HTTP: build, publish, log in through OIDC, fill,
//! check, send, see it in the inbox, process it.

use super::helpers::{ADMIN_EMAIL, TestApp};
use reqwest::StatusCode;

#[tokio::test]
async fn a_citizen_submits_and_an_agent_processes_it() {
    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let (_, service) = admin
        .publish_library_service("Inscription à la bibliothèque")
        .await;
    assert_eq!(service, "/s/demo/inscription-a-la-bibliotheque");

    // The service page is public and offers FranceConnect first.
    let citizen = app.browser();
    let landing = citizen.get(&service).await;
    assert_eq!(landing.status, StatusCode::OK);
    assert!(landing.body.contains("S’identifier avec"));
    assert!(landing.body.contains("Qu’est-ce que FranceConnect ?"));

    // Real OIDC code flow against the built-in provider; identity shown locked.
    let form = citizen.citizen_login(&service, "test").await;
    assert_eq!(form.status, StatusCode::OK);
    for certified in [
        "DUBOIS",
        "Angela Claire Louise",
        "24/08/1962",
        "Certifié par FranceConnect",
    ] {
        assert!(
            form.body.contains(certified),
            "form should show {certified}"
        );
    }
    let names = form.field_names();
    assert_eq!(names.len(), 3, "{names:?}");

    // Missing required field: 422, the error summary, nothing lost.
    let refused = citizen
        .post(
            &format!("{service}/formulaire"),
            &[(names[1].as_str(), "Adultes")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Le formulaire contient des erreurs"));
    assert!(refused.body.contains("Ce champ est obligatoire."));
    assert!(
        refused.body.contains(r#"value="Adultes" checked"#),
        "the typed answer is kept"
    );

    let saved = citizen
        .post(
            &format!("{service}/formulaire"),
            &[
                (names[0].as_str(), "B-123456"),
                (names[1].as_str(), "Adultes"),
                (names[2].as_str(), ""),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let recap = citizen.get(&format!("{service}/recapitulatif")).await;
    assert_eq!(recap.status, StatusCode::OK);
    assert!(recap.body.contains("B-123456") && recap.body.contains("Adultes"));
    assert!(recap.body.contains("Envoyer ma demande") && recap.body.contains("Abandonner"));

    let sent = citizen.post(&format!("{service}/envoyer"), &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    let confirmation = citizen.get(&format!("{service}/confirmation")).await;
    assert!(confirmation.body.contains("Demande envoyée"));
    let reference = confirmation
        .body
        .split("id=\"reference\">")
        .nth(1)
        .and_then(|r| r.get(..9))
        .expect("reference")
        .to_owned();
    assert!(
        app::domain::SubmissionReference::parse(&reference).is_ok(),
        "{reference}"
    );
    assert_eq!(app.submissions().await, 1);

    // The agent sees it as unprocessed, processes it, and it moves tabs.
    let inbox = admin.get("/admin/inbox").await;
    assert!(inbox.body.contains(&reference));
    assert!(inbox.body.contains("À traiter (1)"));
    let detail_path = inbox.link_to("/admin/submissions/").expect("detail link");
    let detail = admin.get(&detail_path).await;
    assert!(detail.body.contains("DUBOIS") && detail.body.contains("B-123456"));
    let processed = admin
        .post(&format!("{detail_path}/status"), &[("status", "processed")])
        .await;
    assert_eq!(processed.status, StatusCode::SEE_OTHER);
    let detail = admin.get(&detail_path).await;
    assert!(detail.body.contains("Traitée") && detail.body.contains("Secrétariat de mairie"));
    assert!(
        admin
            .get("/admin/inbox?status=processed")
            .await
            .body
            .contains(&reference)
    );
    assert!(
        !admin
            .get("/admin/inbox?status=unprocessed")
            .await
            .body
            .contains(&reference)
    );

    // Processing twice is refused and writes no second history line.
    let again = admin
        .post(&format!("{detail_path}/status"), &[("status", "processed")])
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_submission_queues_a_receipt_and_a_notice_without_personal_data() {
    use app::db::entities::outbox;
    use sea_orm::EntityTrait;

    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let page = admin
        .post(
            "/admin/services",
            &[
                ("title", "Carte de stationnement"),
                ("claims", "family_name"),
                ("claims", "email"),
            ],
        )
        .await;
    let editor = page
        .location
        .expect("editor")
        .trim_start_matches(&app.base)
        .to_owned();
    admin
        .post(
            &format!("{editor}/fields"),
            &[
                ("label", "Immatriculation"),
                ("kind", "short_text"),
                ("required", "on"),
            ],
        )
        .await;
    admin.post(&format!("{editor}/publish"), &[]).await;
    let service = "/s/demo/carte-de-stationnement";
    let citizen = app.browser();
    let form = citizen.citizen_login(service, "test").await;
    let field = form.field_names().remove(0);
    citizen
        .post(
            &format!("{service}/formulaire"),
            &[(field.as_str(), "AB-123-CD")],
        )
        .await;
    assert_eq!(
        citizen
            .post(&format!("{service}/envoyer"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    let mails = outbox::Entity::find().all(&app.db).await.expect("outbox");
    assert_eq!(mails.len(), 2);
    let receipt = mails
        .iter()
        .find(|m| m.kind == "submission_receipt")
        .expect("receipt");
    assert_eq!(receipt.payload["to"], "wossewodda-3728@yopmail.com");
    assert!(
        receipt.payload["text"]
            .as_str()
            .unwrap_or_default()
            .contains("AB-123-CD")
    );
    let notice = mails
        .iter()
        .find(|m| m.kind == "submission_notice")
        .expect("notice");
    let notice_text = notice.payload.to_string();
    assert!(
        !notice_text.contains("DUBOIS") && !notice_text.contains("AB-123-CD"),
        "{notice_text}"
    );
}

#[tokio::test]
async fn stopping_at_the_recap_discards_the_draft_and_says_so() {
    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let (_, service) = admin.publish_library_service("Location de salle").await;
    let citizen = app.browser();
    let names = citizen.citizen_login(&service, "test").await.field_names();
    citizen
        .post(
            &format!("{service}/formulaire"),
            &[(names[0].as_str(), "B-9"), (names[1].as_str(), "Jeunesse")],
        )
        .await;
    assert_eq!(
        citizen
            .get(&format!("{service}/recapitulatif"))
            .await
            .status,
        StatusCode::OK
    );

    let stopped = citizen.post(&format!("{service}/abandonner"), &[]).await;
    assert_eq!(stopped.status, StatusCode::OK);
    assert!(stopped.body.contains("Votre demande a été abandonnée"));
    // The draft is gone: the recap sends back to an empty form, and nothing was submitted.
    assert_eq!(
        citizen
            .get(&format!("{service}/recapitulatif"))
            .await
            .status,
        StatusCode::FOUND
    );
    let form = citizen.get(&format!("{service}/formulaire")).await;
    assert!(!form.body.contains("B-9"));
    assert_eq!(app.submissions().await, 0);
}

#[tokio::test]
async fn a_draft_survives_the_end_of_the_identity_session() {
    use app::db::entities::session;
    use sea_orm::EntityTrait;

    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let (_, service) = admin.publish_library_service("Inscription scolaire").await;
    let citizen = app.browser();
    let names = citizen.citizen_login(&service, "test").await.field_names();
    citizen
        .post(
            &format!("{service}/formulaire"),
            &[(names[0].as_str(), "Classe de CE2")],
        )
        .await;
    // The FranceConnect session ends (expiry or logout): every session row disappears, and the
    // server (which keeps sessions in memory, being alone on its database) is told so.
    session::Entity::delete_many()
        .exec(&app.db)
        .await
        .expect("delete sessions");
    app.citizens.forget_all();
    let page = citizen.get(&format!("{service}/formulaire")).await;
    assert_eq!(
        page.status,
        StatusCode::FOUND,
        "back to the service page to log in again"
    );
    // Logging in again finds what was typed.
    let form = citizen.citizen_login(&service, "test").await;
    assert!(form.body.contains("Classe de CE2"));
}

#[tokio::test]
async fn the_form_reads_only_this_citizens_draft_of_this_service() {
    use app::db::entities::session;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};

    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let (_, library) = admin.publish_library_service("Carte de bibliothèque").await;
    let (_, pool) = admin.publish_library_service("Piscine municipale").await;
    let alice = app.browser();
    let names = alice.citizen_login(&library, "test").await.field_names();
    alice
        .post(
            &format!("{library}/formulaire"),
            &[(names[0].as_str(), "Réponse de la bibliothèque")],
        )
        .await;
    // The citizen's session carries the provider's subject, which joins the draft.
    let row = session::Entity::find()
        .filter(session::Column::Kind.eq("citizen"))
        .one(&app.db)
        .await
        .expect("query")
        .expect("session");
    assert!(row.subject.as_deref().is_some_and(|s| !s.is_empty()));
    // The same citizen's draft of another service stays with that service, both ways.
    let other = alice.get(&format!("{pool}/formulaire")).await;
    assert_eq!(other.status, StatusCode::OK);
    assert!(!other.body.contains("Réponse de la bibliothèque"));
    let pool_names = other.field_names();
    alice
        .post(
            &format!("{pool}/formulaire"),
            &[(pool_names[0].as_str(), "Réponse de la piscine")],
        )
        .await;
    for (service, mine, theirs) in [
        (&pool, "Réponse de la piscine", "Réponse de la bibliothèque"),
        (
            &library,
            "Réponse de la bibliothèque",
            "Réponse de la piscine",
        ),
    ] {
        let form = alice.get(&format!("{service}/formulaire")).await;
        assert!(
            form.body.contains(mine) && !form.body.contains(theirs),
            "{service}"
        );
    }
    // Another citizen sees an empty form for the same service.
    let bob = app.browser();
    let form = bob.citizen_login(&library, "avec_nom_dusage").await;
    assert!(!form.body.contains("Réponse de la bibliothèque"));
    // A session opened before `sessions.subject` existed still finds its draft.
    session::Entity::update_many()
        .col_expr(
            session::Column::Subject,
            Expr::value(Option::<String>::None),
        )
        .exec(&app.db)
        .await
        .expect("clear subjects");
    app.citizens.forget_all();
    let form = alice.get(&format!("{library}/formulaire")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Réponse de la bibliothèque"));
    let recap = alice.get(&format!("{library}/recapitulatif")).await;
    assert_eq!(recap.status, StatusCode::OK, "{}", recap.body);
    assert!(recap.body.contains("Réponse de la bibliothèque"));
}

#[tokio::test]
async fn logging_out_ends_both_sessions_and_lands_on_a_page() {
    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let (_, service) = admin.publish_library_service("Recensement citoyen").await;
    let citizen = app.browser();
    citizen.citizen_login(&service, "test").await;

    // RP-initiated logout: to the provider's end_session with id_token_hint, then back.
    let out = citizen.post("/auth/demo/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let end_session = url::Url::parse(&out.location.expect("end_session")).expect("url");
    assert_eq!(end_session.path(), "/demo-idp/session/end");
    let params: std::collections::HashMap<_, _> = end_session.query_pairs().into_owned().collect();
    assert!(params.contains_key("id_token_hint") && params["state"].len() >= 32);
    let back = citizen
        .get(end_session.as_str())
        .await
        .location
        .expect("back");
    let done = citizen.get(&back).await.location.expect("done page");
    let page = citizen.get(&done).await;
    assert_eq!(page.status, StatusCode::OK, "{done}");
    assert!(page.body.contains("Vous êtes déconnecté"));
    // The local session is gone: the form asks to log in again.
    assert_eq!(
        citizen.get(&format!("{service}/formulaire")).await.status,
        StatusCode::FOUND
    );
}
