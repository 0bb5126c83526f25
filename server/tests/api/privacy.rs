//! GDPR information on the service page (controller, purpose, DPO, retention) set by the owner,
//! and the retention pass that erases processed submissions once their period is over.

use super::helpers::{ADMIN_EMAIL, TestApp};
use app::db::entities::{field_value, outbox, submission, submission_count};
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

#[tokio::test]
async fn the_service_page_says_who_keeps_what_and_how_long_and_it_is_enforced() {
    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let service = admin.publish_library_service("Carte de lecteur").await.1;

    let landing = app.browser().get(&service).await;
    assert!(
        landing
            .body
            .contains("conservée 24 mois après son traitement")
    );
    assert!(landing.body.contains("Finalité : traiter votre demande"));
    assert!(!landing.body.contains("Délégué à la protection des données"));

    // Refused: nothing changes.
    let refused = admin
        .post(
            "/admin/settings",
            &[
                ("accent_color", "#1d4ed8"),
                ("retention_months", "0"),
                ("dpo_contact", "dpo@cdg.test\n<b>"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("entre 1 et 120 mois"));
    assert!(refused.body.contains("tient sur une ligne"));
    assert!(
        app.browser()
            .get(&service)
            .await
            .body
            .contains("conservée 24 mois")
    );

    let saved = admin
        .post(
            "/admin/settings",
            &[
                ("accent_color", "#1d4ed8"),
                ("retention_months", "6"),
                ("dpo_contact", "dpo@cdg.test"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let landing = app.browser().get(&service).await;
    assert!(landing.body.contains("conservée 6 mois"));
    assert!(landing.body.contains("href=\"mailto:dpo@cdg.test\""));
    let english = app.browser().get(&format!("{service}?lang=en")).await;
    assert!(english.body.contains("kept for 6 months"));

    // Two submissions: one processed seven months ago, one still to process.
    for _ in 0..2 {
        let citizen = app.browser();
        let form = citizen.citizen_login(&service, "test").await;
        let names = form.field_names();
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
        let sent = citizen.post(&format!("{service}/envoyer"), &[]).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER);
    }
    let rows = submission::Entity::find().all(&app.db).await.expect("db");
    assert_eq!(rows.len(), 2);
    let (old, kept) = (rows[0].clone(), rows[1].clone());
    let processed = admin
        .post(
            &format!("/admin/submissions/{}/status", old.id),
            &[("status", "processed")],
        )
        .await;
    assert_eq!(
        processed.status,
        StatusCode::SEE_OTHER,
        "{}",
        processed.body
    );
    let now = Utc::now();

    // Not yet: processed today.
    assert_eq!(
        app::inbox::retention::purge(&app.db, now)
            .await
            .expect("purge"),
        0
    );
    let mut aged: submission::ActiveModel = submission::Entity::find_by_id(old.id)
        .one(&app.db)
        .await
        .expect("db")
        .expect("row")
        .into();
    aged.processed_at = Set(Some(now - Duration::days(7 * 31)));
    aged.update(&app.db).await.expect("age it");
    let mails_before = outbox::Entity::find()
        .filter(outbox::Column::SubmissionId.eq(old.id))
        .count(&app.db)
        .await
        .expect("db");
    assert!(mails_before > 0, "the receipt and the notice were queued");

    assert_eq!(
        app::inbox::retention::purge(&app.db, now)
            .await
            .expect("purge"),
        1
    );
    assert!(
        submission::Entity::find_by_id(old.id)
            .one(&app.db)
            .await
            .expect("db")
            .is_none()
    );
    assert!(
        submission::Entity::find_by_id(kept.id)
            .one(&app.db)
            .await
            .expect("db")
            .is_some(),
        "an unprocessed submission is never erased"
    );
    for (what, n) in [
        (
            "answers",
            field_value::Entity::find()
                .filter(field_value::Column::SubmissionId.eq(old.id))
                .count(&app.db)
                .await
                .expect("db"),
        ),
        (
            "mails",
            outbox::Entity::find()
                .filter(outbox::Column::SubmissionId.eq(old.id))
                .count(&app.db)
                .await
                .expect("db"),
        ),
    ] {
        assert_eq!(n, 0, "{what} of the erased submission remain");
    }
    // The counters follow: one to process, none processed.
    let counts = submission_count::Entity::find()
        .all(&app.db)
        .await
        .expect("db");
    let of = |status: &str| {
        counts
            .iter()
            .filter(|c| c.status == status)
            .map(|c| c.count)
            .sum::<i64>()
    };
    assert_eq!((of("unprocessed"), of("processed")), (1, 0));
    let inbox = admin.get("/admin/inbox?status=all").await;
    assert!(!inbox.body.contains(&old.reference));
    assert!(inbox.body.contains(&kept.reference));
}

#[tokio::test]
async fn the_receipt_pdf_carries_the_request_and_only_for_its_sender() {
    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let service = admin.publish_library_service("Carte de lecteur").await.1;
    let citizen = app.browser();
    let form = citizen.citizen_login(&service, "test").await;
    let names = form.field_names();
    citizen
        .post(
            &format!("{service}/formulaire"),
            &[
                (names[0].as_str(), "B-123456"),
                (names[1].as_str(), "Adultes"),
                (names[2].as_str(), ""),
            ],
        )
        .await;
    citizen.post(&format!("{service}/envoyer"), &[]).await;
    let confirmation = citizen.get(&format!("{service}/confirmation")).await;
    assert!(confirmation.body.contains("Télécharger le récépissé (PDF)"));
    let reference = submission::Entity::find()
        .one(&app.db)
        .await
        .expect("db")
        .expect("sent")
        .reference;

    let response = citizen
        .client
        .get(format!("{}{service}/recepisse.pdf?lang=en", app.base))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[reqwest::header::CONTENT_TYPE],
        "application/pdf"
    );
    let pdf = response.bytes().await.expect("pdf");
    // Read back by poppler's pdftotext, a real PDF parser.
    let mut child = std::process::Command::new("pdftotext")
        .args(["-", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("pdftotext (poppler-utils)");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&pdf)
        .expect("write");
    let text =
        String::from_utf8(child.wait_with_output().expect("pdftotext").stdout).expect("utf-8");
    for expected in [
        "Receipt",
        "Carte de lecteur",
        reference.as_str(),
        "Certified by FranceConnect",
        "DUBOIS",
        "24/08/1962",
        "Numéro de carte de lecteur",
        "B-123456",
        "Adultes",
        "Not answered",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    // Tagged: poppler reads a structure tree of headings and paragraphs over the text.
    let file = std::env::temp_dir().join(format!("iclefs-receipt-{}.pdf", uuid::Uuid::now_v7()));
    std::fs::write(&file, &pdf).expect("write pdf");
    let pdfinfo = |args: &[&str]| {
        let out = std::process::Command::new("pdfinfo")
            .args(args)
            .arg(&file)
            .output()
            .expect("pdfinfo (poppler-utils)");
        assert!(out.status.success(), "pdfinfo {args:?} failed");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let info = pdfinfo(&[]);
    assert!(
        info.lines()
            .any(|l| l.starts_with("Tagged:") && l.ends_with("yes")),
        "{info}"
    );
    let tree = pdfinfo(&["-struct-text"]);
    let _ = std::fs::remove_file(&file);
    let element_with = |role: &str, text: &str| {
        let lines: Vec<&str> = tree.lines().collect();
        lines
            .windows(2)
            .any(|w| w[0].trim_start().starts_with(role) && w[1].contains(text))
    };
    assert!(tree.trim_start().starts_with("Document"), "{tree}");
    assert!(element_with("H1", "Receipt"), "{tree}");
    assert!(element_with("H2", "Certified by FranceConnect"), "{tree}");
    assert!(element_with("H3", "Numéro de carte de lecteur"), "{tree}");
    assert!(element_with("P", "B-123456"), "{tree}");

    // Another browser gets nothing.
    let stranger = app.browser().get(&format!("{service}/recepisse.pdf")).await;
    assert_eq!(stranger.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn expired_sessions_and_drafts_are_deleted_and_live_ones_kept() {
    use app::db::entities::{draft, session};
    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let (_, service) = admin.publish_library_service("Carte de bibliothèque").await;
    let citizen = app.browser();
    let names = citizen.citizen_login(&service, "test").await.field_names();
    citizen
        .post(
            &format!("{service}/formulaire"),
            &[(names[0].as_str(), "B-12")],
        )
        .await;
    let rows = || async {
        (
            session::Entity::find().count(&app.db).await.expect("count"),
            draft::Entity::find().count(&app.db).await.expect("count"),
        )
    };
    assert_eq!(
        rows().await,
        (2, 1),
        "the agent's and the citizen's sessions, one draft"
    );
    let now = Utc::now();
    let purge = |at| app::citizen::live::purge_expired(&app.db, at);
    assert_eq!(
        purge(now).await.expect("purge"),
        0,
        "nothing live is removed"
    );
    assert_eq!(rows().await, (2, 1));
    // Past the idle timeout both sessions are over; the draft lives 14 days.
    assert_eq!(purge(now + Duration::hours(1)).await.expect("purge"), 2);
    assert_eq!(rows().await, (0, 1));
    assert_eq!(purge(now + Duration::days(15)).await.expect("purge"), 1);
    assert_eq!(rows().await, (0, 0));
}
