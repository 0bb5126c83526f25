//! Servers and their database: one alone (the default, with citizen sessions and drafts in
//! memory), or several that all say they share it. A server that would break that rule refuses
//! to start, with the reason, before touching the database.

use super::helpers::{ADMIN_EMAIL, TestApp};
use reqwest::StatusCode;

fn refusal(started: anyhow::Result<TestApp>) -> String {
    match started {
        Ok(_) => panic!("a second server started on a database it may not share"),
        Err(e) => format!("{e:#}"),
    }
}

#[tokio::test]
async fn a_second_server_on_a_database_refuses_to_start_and_says_why() {
    let alone = TestApp::spawn().await;
    for shared in [false, true] {
        let url = alone.database_url.clone();
        let why = refusal(
            TestApp::try_spawn_with(|c| {
                c.database_url = url;
                c.shared_database = shared;
            })
            .await,
        );
        assert!(
            why.contains("another i-CLEFS server already uses this database")
                && why.contains("ICLEFS_SHARED_DATABASE"),
            "{why}"
        );
    }
    // The first server is unaffected.
    let admin = alone.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    assert_eq!(admin.get("/admin").await.status, StatusCode::OK);

    // Shared servers admit each other, and refuse one that wants the database alone.
    let first = TestApp::spawn_with(|c| c.shared_database = true).await;
    let url = first.database_url.clone();
    let second = TestApp::try_spawn_with(|c| {
        c.database_url = url.clone();
        c.shared_database = true;
    })
    .await;
    assert!(second.is_ok(), "{:?}", second.err());
    let why = refusal(TestApp::try_spawn_with(|c| c.database_url = url).await);
    assert!(why.contains("a server is running on it"), "{why}");
}

#[tokio::test]
async fn servers_sharing_a_database_each_show_the_draft_saved_through_the_other() {
    let a = TestApp::spawn_with(|c| c.shared_database = true).await;
    let url = a.database_url.clone();
    let b = TestApp::spawn_with(|c| {
        c.database_url = url;
        c.shared_database = true;
    })
    .await;
    let admin = a.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let (_, service) = admin.publish_library_service("Carte de bibliothèque").await;
    let citizen = a.browser();
    let names = citizen.citizen_login(&service, "test").await.field_names();
    let field = names[0].clone();
    // Cookies do not depend on the port: the same browser is signed in on both servers.
    let on = |base: &str, answer: &str| {
        let (client, base, field) = (citizen.client.clone(), base.to_owned(), field.clone());
        let (path, answer) = (format!("{service}/formulaire"), answer.to_owned());
        async move {
            let saved = client
                .post(format!("{base}{path}"))
                .header(reqwest::header::ORIGIN, base.as_str())
                .form(&[(field.as_str(), answer.as_str())])
                .send()
                .await
                .expect("save");
            assert_eq!(saved.status(), StatusCode::SEE_OTHER);
        }
    };
    let shows = |base: &str| {
        let (client, url) = (
            citizen.client.clone(),
            format!("{base}{service}/formulaire"),
        );
        async move {
            let page = client.get(url).send().await.expect("form");
            assert_eq!(page.status(), StatusCode::OK);
            page.text().await.expect("body")
        }
    };
    on(&a.base, "Première réponse, par A").await;
    assert!(shows(&b.base).await.contains("Première réponse, par A"));
    on(&b.base, "Deuxième réponse, par B").await;
    let seen_by_a = shows(&a.base).await;
    assert!(
        seen_by_a.contains("Deuxième réponse, par B") && !seen_by_a.contains("Première réponse"),
        "A shows what B saved"
    );
    on(&a.base, "Troisième réponse, par A").await;
    assert!(shows(&b.base).await.contains("Troisième réponse, par A"));
}

#[tokio::test]
async fn a_lost_postgresql_lock_is_taken_again_and_still_keeps_a_second_server_out() {
    use sea_orm::{ConnectionTrait, Statement};
    if std::env::var("ICLEFS_TEST_DATABASE").as_deref() != Ok("postgres") {
        // A file lock cannot be lost while its process lives (SQLite).
        return;
    }
    let app = TestApp::spawn().await;
    let holder = || async {
        let row = app
            .db
            .query_one_raw(Statement::from_string(
                app.db.get_database_backend(),
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted \
                 AND objid = x'69434C45'::bigint::oid AND database = \
                 (SELECT oid FROM pg_database WHERE datname = current_database())",
            ))
            .await
            .expect("pg_locks");
        row.and_then(|r| r.try_get_by_index::<i32>(0).ok())
    };
    let first = holder().await.expect("the server holds the lock");
    // The lock's connection is cut (a DBA, a proxy's idle timeout): the server takes it again.
    app.db
        .execute_unprepared(&format!("SELECT pg_terminate_backend({first})"))
        .await
        .expect("terminate");
    let mut again = None;
    for _ in 0..40 {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        again = holder().await.filter(|pid| *pid != first);
        if again.is_some() {
            break;
        }
    }
    assert!(again.is_some(), "the lock was not taken again");
    assert!(
        app.citizens.sessions.is_on(),
        "back alone, the memory is on"
    );
    let url = app.database_url.clone();
    let why = refusal(TestApp::try_spawn_with(|c| c.database_url = url).await);
    assert!(why.contains("ICLEFS_SHARED_DATABASE"), "{why}");
}
