//! The console's identity provider settings: the owner saves an issuer, client id and secret
//! (encrypted, never shown back), citizens then log in through that configuration; bad input
//! is refused with nothing saved; the connection test says what is wrong; agents and other
//! municipalities cannot change or see it.

use super::helpers::{ADMIN_EMAIL, TestApp};
use app::db::entities::identity_provider_config;
use reqwest::StatusCode;
use sea_orm::EntityTrait;

async fn config_rows(app: &TestApp) -> Vec<identity_provider_config::Model> {
    identity_provider_config::Entity::find()
        .all(&app.db)
        .await
        .expect("rows")
}

#[tokio::test]
async fn the_owner_configures_the_provider_and_citizens_log_in_through_it() {
    let app = TestApp::spawn().await;
    let owner = app.browser();
    owner.admin_login(ADMIN_EMAIL).await;
    let service = owner.publish_library_service("Cantine").await.1;

    let page = owner.get("/admin/identite").await;
    assert_eq!(page.status, StatusCode::OK);
    // The addresses to declare, exactly as FranceConnect will compare them.
    assert!(
        page.body
            .contains(&format!("{}/auth/demo/callback", app.base))
    );
    assert!(
        page.body
            .contains(&format!("{}/auth/demo/logout-callback", app.base))
    );
    assert!(!page.body.contains("demo-client-secret"));

    // Refused: nothing changes, the typed values come back, never the secret.
    let before = config_rows(&app).await;
    let refused = owner
        .post(
            "/admin/identite",
            &[
                ("environment", "custom"),
                ("issuer", "ftp://idp.example/api"),
                ("client_id", "has space"),
                ("client_secret", "TYPED-SECRET-CANARY"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("doit commencer par https://"));
    assert!(refused.body.contains("sans espace"));
    assert!(refused.body.contains("ftp://idp.example/api"));
    assert!(!refused.body.contains("TYPED-SECRET-CANARY"));
    let unknown = owner
        .post(
            "/admin/identite",
            &[("environment", "fc-moon"), ("client_id", "abc")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unknown
            .body
            .contains("Choisissez le fournisseur d&#x27;identité et son environnement")
            || unknown
                .body
                .contains("Choisissez le fournisseur d'identité et son environnement")
    );
    assert_eq!(config_rows(&app).await, before);

    // Saved: the same demo provider as a custom issuer, with a new secret the provider does not
    // know; the secret is stored encrypted; the login then fails at the token exchange.
    let issuer = format!("{}/demo-idp", app.base);
    let saved = owner
        .post(
            "/admin/identite",
            &[
                ("environment", "custom"),
                ("issuer", &format!("{issuer}/")),
                ("client_id", "demo-client"),
                ("client_secret", "WRONG-SECRET-CANARY"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let rows = config_rows(&app).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].issuer, issuer);
    assert_eq!(rows[0].preset, "franceconnect");
    assert!(!rows[0].client_secret_encrypted.contains("CANARY"));
    let page = owner.get("/admin/identite?enregistre=1").await;
    assert!(page.body.contains("Réglages enregistrés."));
    assert!(!page.body.contains("WRONG-SECRET-CANARY"));
    let citizen = app.browser();
    let authorize = citizen.start_login(&service).await;
    let callback = citizen.pick_persona(&authorize, "test", "login").await;
    let failed = citizen.get(&callback).await;
    assert_ne!(
        failed.status,
        StatusCode::SEE_OTHER,
        "a wrong secret logged in"
    );

    // The right secret; an empty secret field later keeps it.
    for secret in ["demo-client-secret", ""] {
        let saved = owner
            .post(
                "/admin/identite",
                &[
                    ("environment", "custom"),
                    ("issuer", &issuer),
                    ("client_id", "demo-client"),
                    ("client_secret", secret),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    }
    let form = app.browser().citizen_login(&service, "test").await;
    assert_eq!(form.status, StatusCode::OK);

    // The connection test passes every check on a FranceConnect-shaped provider.
    let tested = owner.get("/admin/identite?test=1").await;
    assert!(
        tested
            .body
            .contains("la connexion au fournisseur est conforme"),
        "{}",
        tested.body
    );
    assert!(!tested.body.contains("Échec"));

    // The same FranceConnect-shaped provider declared as CSAM / FAS: the test says the client
    // authentication does not fit (FAS needs HTTP Basic; this one takes the secret in the body).
    let saved = owner
        .post(
            "/admin/identite",
            &[
                ("environment", "fas-custom"),
                ("issuer", &issuer),
                ("client_id", "demo-client"),
                ("client_secret", ""),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let tested = owner.get("/admin/identite?test=1").await;
    assert!(
        tested.body.contains("2 point(s) en échec"),
        "{}",
        tested.body
    );
    assert!(tested.body.contains("Authentification du client"));
    assert!(tested.body.contains("HTTP Basic (client_secret_basic)"));
    // …and that it offers no FAS assurance level.
    assert!(
        tested
            .body
            .contains("ne propose pas le niveau urn:be:fedict:iam:fas:Level450")
    );
    // The citizen page now shows CSAM's button, not FranceConnect's.
    let landing = app.browser().get(&service).await;
    assert!(
        landing
            .body
            .contains("Se connecter avec eID ou itsme (CSAM)")
    );
    assert!(!landing.body.contains("fr-connect__brand"));
}

#[tokio::test]
async fn the_connection_test_explains_what_is_wrong() {
    let app = TestApp::spawn().await;
    let owner = app.browser();
    owner.admin_login(ADMIN_EMAIL).await;
    let save = |issuer: String| {
        let owner = &owner;
        async move {
            let page = owner
                .post(
                    "/admin/identite",
                    &[
                        ("environment", "custom"),
                        ("issuer", &issuer),
                        ("client_id", "demo-client"),
                        ("client_secret", "x"),
                    ],
                )
                .await;
            assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        }
    };

    // Nothing listens there: a clear message, quickly.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    save(format!("http://127.0.0.1:{port}/api/v2")).await;
    let started = std::time::Instant::now();
    let page = owner.get("/admin/identite?test=1").await;
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert!(page.body.contains("Connexion impossible"), "{}", page.body);
    assert!(page.body.contains("1 point(s) en échec"));

    // An address that is not an OpenID Connect provider (this instance itself).
    save(format!("{}/api/v2", app.base)).await;
    let page = owner.get("/admin/identite?test=1").await;
    assert!(page.body.contains("répond 404"), "{}", page.body);

    // The provider's real issuer differs from the address typed (a path prefix too many is a
    // classic mistake): its discovery answers, but the issuer check fails.
    save(format!(
        "{}/demo-idp",
        app.base.replace("127.0.0.1", "localhost")
    ))
    .await;
    let page = owner.get("/admin/identite?test=1").await;
    assert!(page.body.contains("se présente comme"), "{}", page.body);
    assert!(page.body.contains("Échec"));
}

#[tokio::test]
async fn agents_and_other_municipalities_cannot_change_it() {
    let app = TestApp::spawn().await;
    app.other_municipality("autreville", "agent@autreville.test")
        .await;
    let other = app.browser();
    other.admin_login("agent@autreville.test").await;
    // The other municipality sees its own (empty) settings, never the demo one's.
    let page = other.get("/admin/identite").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Aucun fournisseur d'identité")
            || page.body.contains("Aucun fournisseur d&#x27;identité")
    );
    assert!(!page.body.contains("demo-client"));
    assert!(page.body.contains("/auth/autreville/callback"));
    let before = config_rows(&app).await;
    let role = sea_orm::ConnectionTrait::execute_unprepared(
        &app.db,
        "UPDATE admin_memberships SET role = 'agent'",
    )
    .await;
    assert!(role.is_ok());
    let refused = other
        .post(
            "/admin/identite",
            &[
                ("environment", "fc-integration"),
                ("client_id", "abc"),
                ("client_secret", "def"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(config_rows(&app).await, before);
    let page = other.get("/admin/identite").await;
    assert!(page.body.contains("Seuls les responsables"));
}
