//! Production mode refuses the demo conveniences: no demo provider, no captured mailbox, no
//! generated secret key, no seed.

use super::helpers::TestApp;
use reqwest::StatusCode;
use server::config::{Config, ModeArg};

fn production(config: &mut Config) {
    config.mode = ModeArg::Production;
    config.secret_key = Some("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".to_owned());
    config.smtp_url = Some("smtp://127.0.0.1:9".to_owned());
}

#[tokio::test]
async fn production_mode_has_no_demo_features() {
    let app = TestApp::spawn_with(production).await;
    let visitor = app.browser();
    assert_eq!(
        visitor
            .get("/demo-idp/.well-known/openid-configuration")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        visitor.get("/dev/mailbox").await.status,
        StatusCode::NOT_FOUND
    );
    // Nothing was seeded: the demo admin does not exist.
    let login = visitor
        .post(
            "/admin/login",
            &[
                ("email", super::helpers::ADMIN_EMAIL),
                ("password", super::helpers::ADMIN_PASSWORD),
            ],
        )
        .await;
    assert_eq!(login.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn production_mode_requires_a_secret_key_and_smtp() {
    let dir = std::env::temp_dir().join(format!("iclefs-prod-{}", uuid::Uuid::now_v7().simple()));
    let mut config = Config {
        mode: ModeArg::Production,
        listen: "127.0.0.1:0".parse().expect("addr"),
        public_url: "https://mairie.example".to_owned(),
        database_url: format!("sqlite://{}/db.sqlite?mode=rwc", dir.display()),
        data_dir: dir.clone(),
        secret_key: None,
        smtp_url: Some("smtp://127.0.0.1:9".to_owned()),
        mail_from: "x <x@example.org>".to_owned(),
        site_root: "target/site".into(),
        seed_admin_email: String::new(),
        seed_admin_password: None,
        seed_fc_issuer: None,
        seed_fc_client_id: String::new(),
        seed_fc_client_secret: String::new(),
        webhook_allow_private_targets: false,
        proconnect_issuer: None,
        proconnect_client_id: String::new(),
        proconnect_client_secret: String::new(),
        virus_scan_command: None,
        shared_database: false,
    };
    let error = server::startup::build(&config)
        .await
        .err()
        .expect("refused")
        .to_string();
    assert!(error.contains("ICLEFS_SECRET_KEY"), "{error}");
    config.secret_key = Some("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".to_owned());
    config.smtp_url = None;
    let error = server::startup::build(&config)
        .await
        .err()
        .expect("refused")
        .to_string();
    assert!(error.contains("ICLEFS_SMTP_URL"), "{error}");
    let _ = std::fs::remove_dir_all(dir);
}
