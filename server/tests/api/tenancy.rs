//! Operator command `iclefs municipality add`: the real binary against the test instance's
//! database. Bad input is refused with every reason and writes nothing; a good one creates the
//! town, its owner and a single-use invitation that opens the town's own console.

use super::helpers::TestApp;
use app::db::entities::{admin_user, municipality, outbox};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use std::process::Command;

fn cli(app: &TestApp, args: &[&str]) -> std::process::Output {
    let data = std::env::temp_dir().join(format!("iclefs-cli-{}", uuid::Uuid::now_v7().simple()));
    Command::new(env!("CARGO_BIN_EXE_iclefs"))
        .args(["municipality", "add"])
        .args(args)
        .env("DATABASE_URL", &app.database_url)
        .env("ICLEFS_PUBLIC_URL", &app.base)
        .env("ICLEFS_DATA_DIR", &data)
        .env("ICLEFS_SECRET_KEY", app.secret_key().encode())
        .env("RUST_LOG", "error")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run iclefs")
}

const GOOD: [&str; 12] = [
    "--slug",
    "bruxelles-essai",
    "--name",
    "Commune de Bruxelles-Essai",
    "--country",
    "BE",
    "--contact-email",
    "info@bruxelles-essai.test",
    "--owner-email",
    "Anne.Peeters@Bruxelles-Essai.test",
    "--owner-name",
    "Anne Peeters",
];

#[tokio::test]
async fn the_operator_adds_a_town_and_its_owner_signs_in() {
    let app = TestApp::spawn().await;
    let towns = || async {
        municipality::Entity::find()
            .count(&app.db)
            .await
            .expect("db")
    };
    assert_eq!(towns().await, 1);

    // Every problem at once, nothing written.
    let bad = cli(
        &app,
        &[
            "--slug",
            "Bad Slug",
            "--name",
            " ",
            "--country",
            "DE",
            "--contact-email",
            "pas-une-adresse",
            "--owner-email",
            "owner@x.test",
            "--owner-name",
            "A",
        ],
    );
    assert!(!bad.status.success());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    for expected in [
        "Identifiant de la commune",
        "Nom de la commune",
        "Pays « DE » inconnu",
        "Adresse de contact : adresse électronique invalide",
    ] {
        assert!(stderr.contains(expected), "{expected}: {stderr}");
    }
    assert_eq!(towns().await, 1);
    assert_eq!(
        admin_user::Entity::find().count(&app.db).await.expect("db"),
        1
    );

    // A good one.
    let ok = cli(&app, &GOOD);
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert!(
        ok.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let link = stdout
        .lines()
        .find(|l| l.contains("/admin/invitation/"))
        .expect("invitation link printed")
        .trim()
        .to_owned();
    assert!(link.starts_with(&app.base));
    let town = municipality::Entity::find()
        .filter(municipality::Column::Slug.eq("bruxelles-essai"))
        .one(&app.db)
        .await
        .expect("db")
        .expect("created");
    assert_eq!(town.country, "BE");
    // The invitation mail is queued for the owner (the server's worker sends it).
    let mails = outbox::Entity::find()
        .filter(outbox::Column::MunicipalityId.eq(town.id))
        .all(&app.db)
        .await
        .expect("db");
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0]
            .payload
            .to_string()
            .contains("anne.peeters@bruxelles-essai.test")
    );

    // Same slug or same owner again: refused, nothing more.
    let again = cli(&app, &GOOD);
    assert!(!again.status.success());
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.contains("déjà celui d'une autre commune"),
        "{stderr}"
    );
    assert!(stderr.contains("a déjà un compte"), "{stderr}");
    assert_eq!(towns().await, 2);

    // The owner accepts and lands in their own town's console, not the demo's.
    let path = link.trim_start_matches(&app.base).to_owned();
    let owner = app.browser();
    let accepted = owner
        .post(
            &path,
            &[
                ("password", "une phrase de passe solide"),
                ("confirm", "une phrase de passe solide"),
            ],
        )
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let dashboard = owner.get("/admin").await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(dashboard.body.contains("Commune de Bruxelles-Essai"));
    assert!(!dashboard.body.contains("Démo-sur-Loire"));
    // Owner rights: the identity provider page offers the form (FAS environments included).
    let settings = owner.get("/admin/identite").await;
    assert!(
        settings
            .body
            .contains("CSAM / FAS (Belgique, eID et itsme) – production")
    );
    assert!(settings.body.contains("/auth/bruxelles-essai/callback"));
}
