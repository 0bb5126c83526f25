//! The agents' inbox: filters and search in the URL, bulk transitions, private notes, exports
//! read back by real spreadsheet parsers (openpyxl, odfpy, Python csv) with a formula-injection
//! corpus, and tenant isolation of all of it.

use super::helpers::{ADMIN_EMAIL, Browser, TestApp};
use reqwest::StatusCode;
use serde_json::Value;

/// What citizens type that a spreadsheet would run (OWASP CSV injection corpus).
const CORPUS: [&str; 5] = [
    "=HYPERLINK(\"http://evil.example\",\"clic\")",
    "+33612345678",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=1+1\t",
];

/// A published service with one required short text, plus an optional note field.
async fn publish(admin: &Browser, title: &str) -> String {
    let page = admin
        .post(
            "/admin/services",
            &[
                ("title", title),
                ("claims", "family_name"),
                ("claims", "given_name"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let editor = page
        .location
        .expect("editor")
        .trim_start_matches(&admin.base)
        .to_owned();
    let added = admin
        .post(
            &format!("{editor}/fields"),
            &[
                ("label", "Réponse libre"),
                ("kind", "short_text"),
                ("required", "on"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    assert_eq!(
        admin.post(&format!("{editor}/publish"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    editor
}

fn service_path(title: &str) -> String {
    format!("/s/demo/{}", title.to_lowercase().replace(' ', "-"))
}

/// Logs `persona` in and sends one answer per value; returns the references.
async fn submit(app: &TestApp, service: &str, persona: &str, answers: &[&str]) -> Vec<String> {
    let citizen = app.browser();
    citizen.citizen_login(service, persona).await;
    let mut references = Vec::new();
    for answer in answers {
        let form = citizen.get(&format!("{service}/formulaire")).await;
        let names = form.field_names();
        let filled: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), *answer)).collect();
        let saved = citizen
            .post(&format!("{service}/formulaire"), &filled)
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        assert_eq!(
            citizen
                .post(&format!("{service}/envoyer"), &[])
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        let confirmation = citizen.get(&format!("{service}/confirmation")).await;
        let reference = confirmation
            .body
            .split("id=\"reference\">")
            .nth(1)
            .and_then(|r| r.split('<').next())
            .expect("reference")
            .to_owned();
        references.push(reference);
    }
    references
}

async fn download(admin: &Browser, path: &str) -> (StatusCode, String, Vec<u8>) {
    let response = admin
        .client
        .get(format!("{}{path}", admin.base))
        .send()
        .await
        .expect("GET");
    let status = response.status();
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, kind, response.bytes().await.expect("body").to_vec())
}

/// Parses a downloaded spreadsheet with `tools/read_spreadsheet.py`.
fn read_sheet(bytes: &[u8], extension: &str) -> Vec<Vec<String>> {
    let path = std::env::temp_dir().join(format!(
        "iclefs-export-{}.{extension}",
        uuid::Uuid::now_v7()
    ));
    std::fs::write(&path, bytes).expect("write export");
    let python = std::env::var("ICLEFS_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let out = std::process::Command::new(python)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tools/read_spreadsheet.py"
        ))
        .arg(&path)
        .output()
        .expect("run the spreadsheet reader (openpyxl, odfpy: run `cargo xtask test`)");
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "reader failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<Vec<Value>> = serde_json::from_slice(&out.stdout).expect("json");
    rows.into_iter()
        .map(|r| {
            r.into_iter()
                .map(|c| c.as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn filters_search_sort_and_dates_live_in_the_url() {
    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    publish(&admin, "Cantine scolaire").await;
    publish(&admin, "Permis de louer").await;
    let dubois = submit(&app, &service_path("Cantine scolaire"), "test", &["a", "b"]).await;
    let mercier = submit(
        &app,
        &service_path("Permis de louer"),
        "avec_nom_dusage",
        &["c"],
    )
    .await;

    let all = admin.get("/admin/inbox?status=all").await;
    assert!(all.body.contains("Toutes (3)"));
    for r in dubois.iter().chain(&mercier) {
        assert!(all.body.contains(r.as_str()));
    }
    // Family name prefix, any case; reference prefix.
    let found = admin.get("/admin/inbox?status=all&q=merc").await;
    assert!(found.body.contains(&mercier[0]) && !found.body.contains(&dubois[0]));
    assert!(
        found.body.contains("Toutes (1)"),
        "counts follow the filters"
    );
    let prefix = &dubois[1][..6];
    let by_reference = admin
        .get(&format!(
            "/admin/inbox?status=all&q={}",
            prefix.to_lowercase()
        ))
        .await;
    assert!(by_reference.body.contains(&dubois[1]));
    // Service filter; tabs keep it.
    let services = app::db::entities::procedure::Entity::find()
        .all(&app.db)
        .await
        .expect("procedures");
    use sea_orm::EntityTrait;
    let permis = services
        .iter()
        .find(|p| p.title == "Permis de louer")
        .expect("service")
        .id;
    let filtered = admin
        .get(&format!("/admin/inbox?status=all&service={permis}"))
        .await;
    assert!(filtered.body.contains(&mercier[0]) && !filtered.body.contains(&dubois[0]));
    assert!(
        filtered
            .body
            .contains(&format!("status=processed&amp;service={permis}"))
    );
    // Dates: today holds everything, yesterday nothing; a bad date is explained and ignored.
    let today = chrono::Utc::now().date_naive();
    let yesterday = today.pred_opt().expect("yesterday");
    let in_range = admin
        .get(&format!("/admin/inbox?status=all&du={today}&au={today}"))
        .await;
    assert!(in_range.body.contains("Toutes (3)"));
    let before = admin
        .get(&format!("/admin/inbox?status=all&au={yesterday}"))
        .await;
    assert!(before.body.contains("Toutes (0)"));
    let bad = admin.get("/admin/inbox?status=all&du=31/12/2026").await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.body.contains("Format attendu : AAAA-MM-JJ") && bad.body.contains("Toutes (3)"));
    // Oldest first puts the first submission before the last.
    let oldest = admin.get("/admin/inbox?status=all&tri=anciennes").await;
    let first = oldest.body.find(&dubois[0]).expect("first");
    let last = oldest.body.find(&mercier[0]).expect("last");
    assert!(first < last);
    let newest = admin.get("/admin/inbox?status=all").await;
    assert!(newest.body.find(&mercier[0]) < newest.body.find(&dubois[0]));
}

/// `submission_counts` equals a `GROUP BY` over the submissions.
async fn assert_counters_match_the_rows(app: &TestApp) {
    use sea_orm::{ConnectionTrait, Statement};
    let read = |sql: &str| {
        let stmt = Statement::from_string(app.db.get_database_backend(), sql.to_owned());
        async move {
            let mut rows: Vec<(String, String, i64)> = app
                .db
                .query_all_raw(stmt)
                .await
                .expect("query")
                .into_iter()
                .map(|r| {
                    (
                        r.try_get_by_index::<uuid::Uuid>(0).expect("m").to_string()
                            + &r.try_get_by_index::<uuid::Uuid>(1).expect("p").to_string(),
                        r.try_get_by_index::<String>(2).expect("status"),
                        r.try_get_by_index::<i64>(3).expect("n"),
                    )
                })
                .filter(|(_, _, n)| *n != 0)
                .collect();
            rows.sort();
            rows
        }
    };
    let counters =
        read("SELECT municipality_id, procedure_id, status, count FROM submission_counts").await;
    let real = read(
        "SELECT municipality_id, procedure_id, status, COUNT(*) FROM submissions \
         GROUP BY municipality_id, procedure_id, status",
    )
    .await;
    assert!(!real.is_empty());
    assert_eq!(counters, real);
}

#[tokio::test]
async fn bulk_actions_notes_and_their_isolation() {
    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    publish(&admin, "Cantine scolaire").await;
    submit(
        &app,
        &service_path("Cantine scolaire"),
        "test",
        &["a", "b", "c"],
    )
    .await;
    use app::db::entities::{submission, submission_transition};
    use sea_orm::{EntityTrait, PaginatorTrait};
    let ids: Vec<String> = submission::Entity::find()
        .all(&app.db)
        .await
        .expect("rows")
        .iter()
        .map(|s| s.id.to_string())
        .collect();

    let none = admin
        .post(
            "/admin/inbox/lot",
            &[("status", "processed"), ("retour", "/admin/inbox")],
        )
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.body.contains("Cochez au moins une demande"));

    // Another municipality's agent cannot touch them (nothing changes, no history line).
    app.other_municipality("autreville", "agent@autreville.test")
        .await;
    let other = app.browser();
    other.admin_login("agent@autreville.test").await;
    let foreign = other
        .post(
            "/admin/inbox/lot",
            &[("status", "processed"), ("ids", &ids[0]), ("ids", &ids[1])],
        )
        .await;
    assert_eq!(foreign.location.as_deref(), Some("/admin/inbox?traitees=0"));
    let note = other
        .post(
            &format!("/admin/submissions/{}/notes", ids[0]),
            &[("note", "x")],
        )
        .await;
    assert_eq!(note.status, StatusCode::NOT_FOUND);
    assert_eq!(
        submission_transition::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        3
    );

    // Two of three, and the return address cannot leave the inbox.
    let done = admin
        .post(
            "/admin/inbox/lot",
            &[
                ("status", "processed"),
                ("ids", &ids[0]),
                ("ids", &ids[1]),
                ("retour", "https://evil.example/admin/inbox?"),
            ],
        )
        .await;
    assert_eq!(
        done.location.as_deref(),
        Some("/admin/inbox?traitees=2"),
        "{} {}",
        done.status,
        done.body
    );
    let inbox = admin.get("/admin/inbox?traitees=2").await;
    assert!(inbox.body.contains("À traiter (1)") && inbox.body.contains("Traitées (2)"));
    assert!(inbox.body.contains("2 demande(s) mise(s) à jour."));
    let again = admin
        .post(
            "/admin/inbox/lot",
            &[
                ("status", "processed"),
                ("ids", &ids[0]),
                ("retour", "/admin/inbox?status=processed"),
            ],
        )
        .await;
    assert_eq!(
        again.location.as_deref(),
        Some("/admin/inbox?status=processed&traitees=0")
    );

    // The tab counts come from counters kept in each transaction: they match a real count, and
    // the other municipality counts none of these.
    assert_counters_match_the_rows(&app).await;
    assert!(
        other
            .get("/admin/inbox?status=all")
            .await
            .body
            .contains("Toutes (0)")
    );
    let searched = admin.get("/admin/inbox?status=all&q=dub").await;
    assert!(searched.body.contains("À traiter (1)") && searched.body.contains("Traitées (2)"));

    // Private notes: refused when empty, kept, escaped.
    let path = format!("/admin/submissions/{}", ids[2]);
    let empty = admin
        .post(&format!("{path}/notes"), &[("note", "  ")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let saved = admin
        .post(
            &format!("{path}/notes"),
            &[("note", "Pièce manquante <b>relancer</b>")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let detail = admin.get(&path).await;
    assert!(
        detail
            .body
            .contains("Pièce manquante &lt;b&gt;relancer&lt;/b&gt;")
    );
    assert!(!other.get(&path).await.body.contains("Pièce manquante"));
}

#[tokio::test]
async fn exports_are_read_by_real_spreadsheet_parsers_and_neutralise_formulas() {
    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let editor = publish(&admin, "Cantine scolaire").await;
    let service = service_path("Cantine scolaire");
    let refs = submit(&app, &service, "test", &CORPUS).await;
    // A new revision adds a field: one more column; older rows leave it empty.
    let added = admin
        .post(
            &format!("{editor}/fields"),
            &[("label", "Allergies"), ("kind", "short_text")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    assert_eq!(
        admin.post(&format!("{editor}/publish"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let late = submit(&app, &service, "mois_00", &["Arachides"]).await;

    for (path, extension, kind) in [
        ("/admin/inbox/export.csv?status=all", "csv", "text/csv"),
        (
            "/admin/inbox/export.csv?status=all&sep=pointvirgule",
            "csv",
            "text/csv",
        ),
        (
            "/admin/inbox/export.xlsx?status=all",
            "xlsx",
            "spreadsheetml",
        ),
        (
            "/admin/inbox/export.ods?status=all",
            "ods",
            "opendocument.spreadsheet",
        ),
    ] {
        let (status, content_type, bytes) = download(&admin, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(content_type.contains(kind), "{path}: {content_type}");
        if extension == "csv" {
            assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 BOM");
            let text = String::from_utf8_lossy(&bytes);
            let separator = if path.contains("pointvirgule") {
                "\";\""
            } else {
                "\",\""
            };
            assert!(
                text.lines().next().unwrap_or_default().contains(separator),
                "{path}"
            );
        }
        let rows = read_sheet(&bytes, extension);
        let header = &rows[0];
        let col = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .unwrap_or_else(|| panic!("{name} in {header:?}"))
        };
        let (reference, answer, allergies, family) = (
            col("Référence"),
            col("Réponse libre"),
            col("Allergies"),
            col("Nom de naissance"),
        );
        assert_eq!(rows.len(), 1 + CORPUS.len() + 1, "{path}");
        for (row, expected) in rows[1..=CORPUS.len()].iter().zip(CORPUS) {
            assert!(refs.contains(&row[reference]), "{path}");
            // The answer is kept, made inert by a leading apostrophe.
            assert_eq!(row[answer], format!("'{}", expected.trim()), "{path}");
            assert_eq!(
                row[allergies], "",
                "{path}: older revision has no such field"
            );
            assert_eq!(row[family], "DUBOIS");
        }
        let last = &rows[CORPUS.len() + 1];
        assert_eq!(last[reference], late[0]);
        assert_eq!(last[allergies], "Arachides");
        assert_eq!(last[family], "MARTIN");
        for row in &rows {
            for cell in row {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@']),
                    "{path}: live formula {cell:?}"
                );
            }
        }
    }

    // Filters apply to exports; another municipality exports nothing of ours.
    let (_, _, bytes) = download(
        &admin,
        &format!("/admin/inbox/export.csv?status=all&q={}", late[0]),
    )
    .await;
    assert_eq!(read_sheet(&bytes, "csv").len(), 2);
    app.other_municipality("autreville", "agent@autreville.test")
        .await;
    let other = app.browser();
    other.admin_login("agent@autreville.test").await;
    let (status, _, bytes) = download(&other, "/admin/inbox/export.csv?status=all").await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8_lossy(&bytes);
    assert!(refs.iter().chain(&late).all(|r| !text.contains(r.as_str())));
    assert_eq!(read_sheet(&bytes, "csv").len(), 1, "headers only");
    let anonymous = app.browser();
    let (status, _, _) = download(&anonymous, "/admin/inbox/export.csv").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}
