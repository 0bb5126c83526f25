//! The builder beyond adding fields: per-field settings (number and date limits, how many boxes,
//! a pattern with its own message), conditional display, and the list's buttons — move, duplicate,
//! delete with undo. Each is driven through the console and answered by a citizen over HTTP;
//! bad settings are refused with a reason and nothing is half-saved.

use super::helpers::{ADMIN_EMAIL, Browser, TestApp};
use reqwest::StatusCode;

/// Creates a draft service and returns its editor path.
async fn new_service(admin: &Browser, title: &str) -> String {
    let created = admin
        .post(
            "/admin/services",
            &[
                ("title", title),
                ("description", ""),
                ("claims", "family_name"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    created
        .location
        .expect("editor")
        .trim_start_matches(&admin.base)
        .to_owned()
}

async fn add(admin: &Browser, editor: &str, form: &[(&str, &str)]) -> super::helpers::Page {
    admin.post(&format!("{editor}/fields"), form).await
}

/// The fields listed by the editor, in order: (stable id, label).
async fn listed(admin: &Browser, editor: &str) -> Vec<(String, String)> {
    let page = admin.get(editor).await;
    let mut out = Vec::new();
    let mut rest = page.body.as_str();
    while let Some(at) = rest.find("id=\"champ-") {
        rest = &rest[at + 10..];
        let id = rest[..36].to_owned();
        let label_at = rest.find("field-list__label\">").expect("label") + 19;
        let label = rest[label_at..label_at + rest[label_at..].find('<').expect("end")].to_owned();
        out.push((id, label));
    }
    out
}

#[tokio::test]
async fn per_field_settings_are_enforced_on_the_citizen_side() {
    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let editor = new_service(&admin, "Location de salle").await;

    // Bad settings: refused with a reason, nothing added.
    for (form, message) in [
        (
            vec![
                ("label", "Invités"),
                ("kind", "number"),
                ("min", "50"),
                ("max", "10"),
            ],
            "supérieur au minimum",
        ),
        (
            vec![
                ("label", "Code"),
                ("kind", "short_text"),
                ("pattern", "([A-Z]"),
                ("pattern_message", "x"),
            ],
            "pas une expression régulière valide",
        ),
        (
            vec![
                ("label", "Code"),
                ("kind", "short_text"),
                ("pattern", "(a+)+$"),
                ("pattern_message", "x"),
            ],
            "répète une partie",
        ),
        (
            vec![
                ("label", "Code"),
                ("kind", "short_text"),
                ("pattern", "[0-9]{5}"),
            ],
            "Écrivez le message",
        ),
        (
            vec![
                ("label", "Options"),
                ("kind", "multiple_choice"),
                ("options", "A\nB"),
                ("min_selected", "3"),
            ],
            "dépasse le nombre d'options",
        ),
        (
            vec![
                ("label", "Options"),
                ("kind", "multiple_choice"),
                ("options", "A\na"),
            ],
            "en double",
        ),
        (
            vec![("label", "  "), ("kind", "short_text")],
            "libellé est obligatoire",
        ),
    ] {
        let refused = add(&admin, &editor, &form).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{form:?}");
        assert!(
            refused.body.contains(message),
            "{message}: {}",
            refused.body
        );
    }
    assert!(
        listed(&admin, &editor).await.is_empty(),
        "nothing half-saved"
    );

    for form in [
        vec![
            ("label", "Nombre d'invités"),
            ("kind", "number"),
            ("min", "1"),
            ("max", "80"),
            ("integer", "on"),
            ("required", "on"),
        ],
        vec![
            ("label", "Date de l'événement"),
            ("kind", "date"),
            ("date_min", "2020-01-01"),
            ("date_max", "2099-12-31"),
            ("required", "on"),
        ],
        vec![
            ("label", "Date de naissance de l'organisateur"),
            ("kind", "date"),
            ("past_only", "on"),
            ("required", "on"),
        ],
        vec![
            ("label", "Équipements"),
            ("kind", "multiple_choice"),
            ("options", "Tables\nChaises\nSono"),
            ("min_selected", "1"),
            ("max_selected", "2"),
            ("required", "on"),
        ],
        vec![
            ("label", "Numéro d'association"),
            ("kind", "short_text"),
            ("pattern", "W[0-9]{9}"),
            (
                "pattern_message",
                "Le numéro RNA commence par W suivi de 9 chiffres.",
            ),
            ("required", "on"),
        ],
    ] {
        let added = add(&admin, &editor, &form).await;
        assert_eq!(
            added.status,
            StatusCode::SEE_OTHER,
            "{form:?}: {}",
            added.body
        );
    }
    let page = admin.get(&editor).await;
    assert!(
        page.body.contains("au moins 1, au plus 80, nombre entier"),
        "{}",
        page.body
    );
    assert_eq!(
        admin.post(&format!("{editor}/publish"), &[]).await.status,
        StatusCode::SEE_OTHER
    );

    let service = "/s/demo/location-de-salle";
    let citizen = app.browser();
    let form = citizen.citizen_login(service, "test").await;
    let names = form.field_names();
    assert_eq!(names.len(), 5, "{names:?}");
    let post = |values: [&'static str; 5], extra: Option<&'static str>| {
        let mut pairs: Vec<(String, String)> = names
            .iter()
            .zip(values)
            .map(|(n, v)| (n.clone(), v.to_owned()))
            .collect();
        if let Some(second) = extra {
            pairs.push((names[3].clone(), second.to_owned()));
        }
        pairs
    };
    let send = |pairs: Vec<(String, String)>| {
        let citizen = &citizen;
        async move {
            let refs: Vec<(&str, &str)> = pairs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            citizen.post(&format!("{service}/formulaire"), &refs).await
        }
    };
    let refused = send(post(
        ["12,5", "2019-06-01", "2999-01-01", "Tables", "W12"],
        Some("Chaises"),
    ))
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "Saisissez un nombre entier",
        "à partir du 01/01/2020",
        "ne peut pas être dans le futur",
        "Le numéro RNA commence par W suivi de 9 chiffres.",
    ] {
        assert!(
            refused.body.contains(message),
            "{message}: {}",
            refused.body
        );
    }
    let refused = send(post(
        ["81", "2026-06-01", "1980-01-01", "", "W123456789"],
        None,
    ))
    .await;
    assert!(refused.body.contains("inférieur ou égal à 80"));
    assert!(
        refused.body.contains("Ce champ est obligatoire")
            || refused.body.contains("Cochez au moins 1")
    );
    let mut three = post(
        ["40", "2026-06-01", "1980-01-01", "Tables", "W123456789"],
        Some("Chaises"),
    );
    three.push((names[3].clone(), "Sono".to_owned()));
    let refused = send(three).await;
    assert!(
        refused.body.contains("Cochez au plus 2 réponses"),
        "{}",
        refused.body
    );
    // What was typed is kept after a refusal.
    assert!(refused.body.contains("W123456789"));
    let accepted = send(post(
        ["40", "2026-06-01", "1980-01-01", "Tables", "W123456789"],
        Some("Sono"),
    ))
    .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let sent = citizen.post(&format!("{service}/envoyer"), &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    assert_eq!(app.submissions().await, 1);
}

#[tokio::test]
async fn a_condition_shows_a_question_only_when_it_applies() {
    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let editor = new_service(&admin, "Inscription cantine").await;
    assert_eq!(
        add(
            &admin,
            &editor,
            &[
                ("label", "Allergies ?"),
                ("kind", "yes_no"),
                ("required", "on")
            ]
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    let allergy = listed(&admin, &editor).await[0].0.clone();

    // A condition on a question that does not exist, or with a value that cannot be answered.
    let missing = add(
        &admin,
        &editor,
        &[
            ("label", "Lesquelles"),
            ("kind", "long_text"),
            ("condition_field", "0190d8a4-0000-7000-8000-000000000000"),
            ("condition_op", "equals"),
            ("condition_value", "oui"),
        ],
    )
    .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("posée avant"), "{}", missing.body);
    let bad_value = add(
        &admin,
        &editor,
        &[
            ("label", "Lesquelles"),
            ("kind", "long_text"),
            ("condition_field", &allergy),
            ("condition_op", "equals"),
            ("condition_value", "peut-être"),
        ],
    )
    .await;
    assert!(bad_value.body.contains("« oui » ou « non »"));
    assert_eq!(listed(&admin, &editor).await.len(), 1, "nothing half-saved");

    let added = add(
        &admin,
        &editor,
        &[
            ("label", "Lesquelles"),
            ("kind", "long_text"),
            ("required", "on"),
            ("condition_field", &allergy),
            ("condition_op", "equals"),
            ("condition_value", "oui"),
        ],
    )
    .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let page = admin.get(&editor).await;
    assert!(
        page.body
            .contains("Affiché seulement si « Allergies ? » est égale à « oui »")
    );
    // The live preview beside the list draws the questions as the citizen page does.
    assert!(page.body.contains("Aperçu des questions"));
    assert!(
        page.body
            .contains("À remplir seulement si : vous avez répondu « Oui » à « Allergies ? ».")
    );
    let fields = listed(&admin, &editor).await;
    let which = fields[1].0.clone();

    // The question a condition depends on cannot be removed, nor the dependent moved above it.
    let delete = admin
        .post(&format!("{editor}/fields/{allergy}/delete"), &[])
        .await;
    assert_eq!(delete.status, StatusCode::CONFLICT);
    assert!(delete.body.contains("retirez d'abord"), "{}", delete.body);
    let up = admin
        .post(&format!("{editor}/fields/{which}/up"), &[])
        .await;
    assert_eq!(up.status, StatusCode::CONFLICT);
    assert_eq!(listed(&admin, &editor).await, fields, "order unchanged");
    assert_eq!(
        admin.post(&format!("{editor}/publish"), &[]).await.status,
        StatusCode::SEE_OTHER
    );

    let service = "/s/demo/inscription-cantine";
    let citizen = app.browser();
    let form = citizen.citizen_login(service, "test").await;
    assert!(
        form.body
            .contains("À remplir seulement si : vous avez répondu « Oui » à « Allergies ? »."),
        "{}",
        form.body
    );
    let names = form.field_names();
    // "Oui" and nothing said: the conditional question is required.
    let refused = citizen
        .post(
            &format!("{service}/formulaire"),
            &[(names[0].as_str(), "oui"), (names[1].as_str(), "")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    // "Non": not required, and what was typed in it is not kept.
    let accepted = citizen
        .post(
            &format!("{service}/formulaire"),
            &[(names[0].as_str(), "non"), (names[1].as_str(), "Arachides")],
        )
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let recap = citizen.get(&format!("{service}/recapitulatif")).await;
    assert!(!recap.body.contains("Arachides"), "{}", recap.body);
    assert_eq!(
        citizen
            .post(&format!("{service}/envoyer"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let detail = admin
        .get("/admin/inbox?status=all")
        .await
        .link_to("/admin/submissions/")
        .expect("detail");
    assert!(!admin.get(&detail).await.body.contains("Arachides"));
}

#[tokio::test]
async fn fields_move_duplicate_and_come_back_after_a_deletion() {
    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let editor = new_service(&admin, "Demande de badge").await;
    for label in ["Premier", "Deuxième", "Troisième"] {
        assert_eq!(
            add(&admin, &editor, &[("label", label), ("kind", "short_text")])
                .await
                .status,
            StatusCode::SEE_OTHER
        );
    }
    let labels =
        |fields: Vec<(String, String)>| fields.into_iter().map(|(_, l)| l).collect::<Vec<_>>();
    let fields = listed(&admin, &editor).await;
    let (first, third) = (fields[0].0.clone(), fields[2].0.clone());

    let moved = admin
        .post(&format!("{editor}/fields/{third}/up"), &[])
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    assert!(
        moved
            .location
            .unwrap_or_default()
            .ends_with(&format!("#champ-{third}")),
        "focus returns to the field"
    );
    assert_eq!(
        labels(listed(&admin, &editor).await),
        ["Premier", "Troisième", "Deuxième"]
    );
    admin
        .post(&format!("{editor}/fields/{first}/down"), &[])
        .await;
    assert_eq!(
        labels(listed(&admin, &editor).await),
        ["Troisième", "Premier", "Deuxième"]
    );
    // The first cannot go further up: nothing changes.
    admin
        .post(&format!("{editor}/fields/{third}/up"), &[])
        .await;
    assert_eq!(
        labels(listed(&admin, &editor).await),
        ["Troisième", "Premier", "Deuxième"]
    );

    admin
        .post(&format!("{editor}/fields/{first}/duplicate"), &[])
        .await;
    let after = listed(&admin, &editor).await;
    assert_eq!(
        labels(after.clone()),
        ["Troisième", "Premier", "Premier (copie)", "Deuxième"]
    );
    assert_ne!(after[1].0, after[2].0, "the copy is a new question");

    let removed = admin
        .post(&format!("{editor}/fields/{first}/delete"), &[])
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    let page = admin
        .get(
            &removed
                .location
                .expect("back to the editor")
                .trim_start_matches(&app.base)
                .replace("#champs-retires", ""),
        )
        .await;
    assert!(page.body.contains("Champ supprimé"), "{}", page.body);
    assert!(page.body.contains("Annuler la suppression"));
    assert_eq!(
        labels(listed(&admin, &editor).await),
        ["Troisième", "Premier (copie)", "Deuxième"]
    );
    let restored = admin
        .post(&format!("{editor}/fields/{first}/restore"), &[])
        .await;
    assert_eq!(restored.status, StatusCode::SEE_OTHER);
    assert_eq!(
        labels(listed(&admin, &editor).await),
        ["Troisième", "Premier", "Premier (copie)", "Deuxième"],
        "back at its place"
    );

    // Removed, then published: gone for good.
    admin
        .post(&format!("{editor}/fields/{first}/delete"), &[])
        .await;
    assert_eq!(
        admin.post(&format!("{editor}/publish"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        admin
            .post(&format!("{editor}/fields/{first}/restore"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let citizen = app.browser();
    let form = citizen
        .citizen_login("/s/demo/demande-de-badge", "test")
        .await;
    assert_eq!(form.field_names().len(), 3);
    assert!(!form.body.contains(">Premier<") && !form.body.contains("Premier *"));
}

async fn import(admin: &Browser, bytes: Vec<u8>) -> super::helpers::Page {
    let form = reqwest::multipart::Form::new().part(
        "document",
        reqwest::multipart::Part::bytes(bytes).file_name("service.json"),
    );
    super::helpers::Page::from(
        admin
            .client
            .post(format!("{}/admin/services/import", admin.base))
            .multipart(form)
            .send()
            .await
            .expect("POST import"),
    )
    .await
}

#[tokio::test]
async fn a_service_is_exported_imported_and_duplicated_with_its_conditions() {
    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let editor = new_service(&admin, "Permis de végétaliser").await;
    add(
        &admin,
        &editor,
        &[
            ("label", "Jardinière existante ?"),
            ("kind", "yes_no"),
            ("required", "on"),
        ],
    )
    .await;
    let first = listed(&admin, &editor).await[0].0.clone();
    add(
        &admin,
        &editor,
        &[
            ("label", "Adresse de la jardinière"),
            ("kind", "short_text"),
            ("pattern", "[0-9]+ .+"),
            ("pattern_message", "Numéro puis rue."),
            ("condition_field", &first),
            ("condition_op", "equals"),
            ("condition_value", "oui"),
        ],
    )
    .await;

    let exported = admin
        .client
        .get(format!("{}{editor}/export.json", app.base))
        .send()
        .await
        .expect("GET export");
    assert_eq!(exported.status(), StatusCode::OK);
    assert!(
        exported.headers()["content-disposition"]
            .to_str()
            .unwrap_or_default()
            .contains("permis-de-vegetaliser.json")
    );
    let bytes = exported.bytes().await.expect("body").to_vec();
    let document: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
    assert_eq!(document["format"], "i-clefs.service");
    assert_eq!(document["version"], 1);
    assert_eq!(document["fields"][1]["rules"]["pattern"], "[0-9]+ .+");
    assert_eq!(
        document["fields"][1]["condition"]["rules"][0]["field"],
        first.as_str()
    );

    // Another town imports it: a new draft, new ids, the condition following them.
    app.other_municipality("autre-ville", "agent@autre.test")
        .await;
    let other = app.browser();
    other.admin_login("agent@autre.test").await;
    let imported = import(&other, bytes.clone()).await;
    assert_eq!(imported.status, StatusCode::SEE_OTHER, "{}", imported.body);
    let copy = imported
        .location
        .expect("editor")
        .split('?')
        .next()
        .unwrap_or_default()
        .trim_start_matches(&app.base)
        .to_owned();
    let fields = listed(&other, &copy).await;
    assert_eq!(
        fields.iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>(),
        ["Jardinière existante ?", "Adresse de la jardinière"]
    );
    assert_ne!(fields[0].0, first, "new stable ids");
    assert!(
        other
            .get(&copy)
            .await
            .body
            .contains("Affiché seulement si « Jardinière existante ? » est égale à « oui »")
    );
    // The first town's service is not reachable from the other town.
    assert_eq!(other.get(&editor).await.status, StatusCode::NOT_FOUND);

    // Bad documents: a reason, and nothing created.
    let before = other
        .get("/admin")
        .await
        .body
        .matches("/admin/services/0")
        .count();
    let mut forward = document.clone();
    forward["fields"] =
        serde_json::json!([document["fields"][1].clone(), document["fields"][0].clone()]);
    let mut catastrophic = document.clone();
    catastrophic["fields"][1]["rules"]["pattern"] = serde_json::json!("(a*)*b");
    let mut html_label = document.clone();
    html_label["fields"][0]["label"] = serde_json::json!("");
    let mut future = document.clone();
    future["version"] = serde_json::json!(2);
    for (bytes, message) in [
        (b"{not json".to_vec(), "JSON invalide"),
        (serde_json::to_vec(&forward).expect("json"), "posée avant"),
        (
            serde_json::to_vec(&catastrophic).expect("json"),
            "répète une partie",
        ),
        (
            serde_json::to_vec(&html_label).expect("json"),
            "libellé est obligatoire",
        ),
        (
            serde_json::to_vec(&future).expect("json"),
            "lit la version 1",
        ),
        (Vec::new(), "Choisissez le fichier"),
    ] {
        let refused = import(&other, bytes).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{message}"
        );
        assert!(
            refused.body.contains(message),
            "{message}: {}",
            refused.body
        );
    }
    assert_eq!(
        other
            .get("/admin")
            .await
            .body
            .matches("/admin/services/0")
            .count(),
        before,
        "nothing created"
    );

    // Duplicate in the same town.
    let duplicated = admin.post(&format!("{editor}/duplicate"), &[]).await;
    assert_eq!(duplicated.status, StatusCode::SEE_OTHER);
    let twin = duplicated
        .location
        .expect("editor")
        .trim_start_matches(&app.base)
        .to_owned();
    assert_ne!(twin, editor);
    let page = admin.get(&twin).await;
    assert!(page.body.contains("Permis de végétaliser (copie)"));
    assert_eq!(listed(&admin, &twin).await.len(), 2);
}

#[tokio::test]
async fn a_french_postal_address_is_asked_in_four_parts_and_checked() {
    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let editor = new_service(&admin, "Changement d'adresse").await;
    add(
        &admin,
        &editor,
        &[
            ("label", "Nouvelle adresse"),
            ("kind", "address"),
            ("required", "on"),
        ],
    )
    .await;
    add(
        &admin,
        &editor,
        &[("label", "Ancienne adresse"), ("kind", "address")],
    )
    .await;
    assert_eq!(
        admin.post(&format!("{editor}/publish"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let service = "/s/demo/changement-d-adresse";
    let citizen = app.browser();
    let form = citizen.citizen_login(service, "test").await;
    for autocomplete in [
        "address-line1",
        "address-line2",
        "postal-code",
        "address-level2",
    ] {
        assert!(
            form.body
                .contains(&format!("autocomplete=\"{autocomplete}\"")),
            "{autocomplete}"
        );
    }
    let names = form.field_names();
    assert_eq!(names.len(), 2, "one name per address: {names:?}");
    let post = |new: [&'static str; 4], old: [&'static str; 4]| {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for (name, parts) in [(&names[0], new), (&names[1], old)] {
            for part in parts {
                pairs.push((name.clone(), part.to_owned()));
            }
        }
        pairs
    };
    let send = |pairs: Vec<(String, String)>| {
        let citizen = &citizen;
        async move {
            let refs: Vec<(&str, &str)> = pairs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            citizen.post(&format!("{service}/formulaire"), &refs).await
        }
    };
    let refused = send(post(
        ["12 rue de la Paix", "", "7500", "Paris"],
        ["", "", "", ""],
    ))
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("code postal français de 5 chiffres"));
    assert!(
        refused.body.contains("value=\"12 rue de la Paix\""),
        "what was typed is kept"
    );
    let refused = send(post(
        ["12 rue de la Paix", "", "75002", ""],
        ["", "", "", ""],
    ))
    .await;
    assert!(refused.body.contains("le code postal et la commune"));
    let refused = send(post(["", "", "", ""], ["", "", "", ""])).await;
    assert!(refused.body.contains("Ce champ est obligatoire"));
    // The optional one may stay empty; a complement is kept; spaces are tidied.
    let accepted = send(post(
        ["12  rue de la Paix", "Bât. B", "75 002", "Paris"],
        ["", "", "", ""],
    ))
    .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let recap = citizen.get(&format!("{service}/recapitulatif")).await;
    assert!(
        recap
            .body
            .contains("12 rue de la Paix, Bât. B, 75002 Paris"),
        "{}",
        recap.body
    );
    assert_eq!(
        citizen
            .post(&format!("{service}/envoyer"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let detail = admin
        .get("/admin/inbox?status=all")
        .await
        .link_to("/admin/submissions/")
        .expect("detail");
    assert!(
        admin
            .get(&detail)
            .await
            .body
            .contains("12 rue de la Paix, Bât. B, 75002 Paris")
    );
}

/// Posts the form as a browser does when it has a file input (multipart, in document order).
async fn post_multipart(
    citizen: &Browser,
    path: &str,
    texts: &[(&str, &str)],
    files: &[(&str, &str, Vec<u8>)],
) -> super::helpers::Page {
    let mut form = reqwest::multipart::Form::new();
    for (name, value) in texts {
        form = form.text((*name).to_owned(), (*value).to_owned());
    }
    for (name, filename, bytes) in files {
        form = form.part(
            (*name).to_owned(),
            reqwest::multipart::Part::bytes(bytes.clone()).file_name((*filename).to_owned()),
        );
    }
    super::helpers::Page::from(
        citizen
            .client
            .post(format!("{}{path}", citizen.base))
            .multipart(form)
            .send()
            .await
            .expect("POST multipart"),
    )
    .await
}

#[tokio::test]
async fn a_citizen_attaches_a_document_that_only_the_town_can_download() {
    let app = TestApp::spawn_with(|c| {
        // The antivirus hook: refuses what contains the EICAR test string.
        c.virus_scan_command = Some("if grep -q EICAR-STANDARD; then exit 1; fi".to_owned());
    })
    .await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let editor = new_service(&admin, "Demande de carte de stationnement").await;
    add(
        &admin,
        &editor,
        &[
            ("label", "Immatriculation"),
            ("kind", "short_text"),
            ("required", "on"),
        ],
    )
    .await;
    add(
        &admin,
        &editor,
        &[
            ("label", "Carte grise"),
            ("kind", "file"),
            ("required", "on"),
            ("max_size_mb", "1"),
        ],
    )
    .await;
    let refused = add(
        &admin,
        &editor,
        &[("label", "Autre"), ("kind", "file"), ("max_size_mb", "50")],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Entre 1 et 10 Mo"));
    assert_eq!(
        admin.post(&format!("{editor}/publish"), &[]).await.status,
        StatusCode::SEE_OTHER
    );

    let service = "/s/demo/demande-de-carte-de-stationnement";
    let citizen = app.browser();
    let form = citizen.citizen_login(service, "test").await;
    assert!(form.body.contains("enctype=\"multipart/form-data\""));
    assert!(form.body.contains("type=\"file\""));
    assert!(form.body.contains("PDF, JPEG ou PNG, 1 Mo au plus."));
    let names = form.field_names();
    let (plate, file) = (names[0].as_str(), names[1].as_str());
    let path = format!("{service}/formulaire");
    let pdf = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".to_vec();

    // What is not a usable file is refused on its field; the other answer is kept.
    for (name, bytes, message) in [
        (
            "virus.pdf",
            b"%PDF-1.4 X5O!P%@AP EICAR-STANDARD-ANTIVIRUS-TEST-FILE".to_vec(),
            "refusé par l'antivirus",
        ),
        (
            "page.html",
            b"<html><script>alert(1)</script>".to_vec(),
            "Seuls les fichiers PDF, JPEG et PNG",
        ),
        (
            "renamed.pdf",
            b"MZ\x90\x00 not a pdf".to_vec(),
            "Seuls les fichiers PDF, JPEG et PNG",
        ),
        (
            "gros.pdf",
            [b"%PDF-1.7\n".to_vec(), vec![b'0'; 1024 * 1024 + 1]].concat(),
            "dépasse 1 Mo",
        ),
    ] {
        let page = post_multipart(
            &citizen,
            &path,
            &[(plate, "AB-123-CD")],
            &[(file, name, bytes)],
        )
        .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(page.body.contains(message), "{name}: {message}");
        assert!(
            page.body.contains("value=\"AB-123-CD\""),
            "the other answer is kept"
        );
    }
    // Nothing attached yet: the file is required.
    let page = post_multipart(&citizen, &path, &[(plate, "AB-123-CD")], &[]).await;
    assert!(
        page.body.contains("Joignez le fichier demandé")
            || page.body.contains("Ce champ est obligatoire")
    );

    // A real PDF: kept; posting again without choosing a file keeps it.
    let page = post_multipart(
        &citizen,
        &path,
        &[(plate, "AB-123-CD")],
        &[(file, "C:\\scans\\carte grise \"2026\".pdf", pdf.clone())],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let again = citizen.get(&path).await;
    assert!(
        again.body.contains("Fichier joint : carte grise 2026.pdf"),
        "{}",
        again.body
    );
    let page = post_multipart(
        &citizen,
        &path,
        &[(plate, "AB-123-CD")],
        &[(file, "", Vec::new())],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let recap = citizen.get(&format!("{service}/recapitulatif")).await;
    assert!(
        recap.body.contains("carte grise 2026.pdf (1 Ko)"),
        "{}",
        recap.body
    );
    assert_eq!(
        citizen
            .post(&format!("{service}/envoyer"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // The agent downloads exactly the bytes sent, as an attachment.
    let detail = admin
        .get("/admin/inbox?status=all")
        .await
        .link_to("/admin/submissions/")
        .expect("detail");
    let page = admin.get(&detail).await;
    let href_at = page.body.find("/fichiers/").expect("download link");
    let start = page.body[..href_at].rfind('"').expect("href start") + 1;
    let end = href_at + page.body[href_at..].find('"').expect("href end");
    let href = page.body[start..end].to_owned();
    assert!(!page.body.contains("non analysé"), "scanned by the hook");
    let download = admin
        .client
        .get(format!("{}{href}", app.base))
        .send()
        .await
        .expect("GET file");
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(download.headers()["content-type"], "application/pdf");
    assert_eq!(download.headers()["x-content-type-options"], "nosniff");
    assert!(
        download.headers()["content-disposition"]
            .to_str()
            .unwrap_or_default()
            .starts_with("attachment;")
    );
    assert_eq!(download.bytes().await.expect("bytes").to_vec(), pdf);

    // Nobody else: another town's agent, the citizen, a stranger.
    app.other_municipality("autre-ville", "agent@autre.test")
        .await;
    let other = app.browser();
    other.admin_login("agent@autre.test").await;
    assert_eq!(other.get(&href).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        citizen.get(&href).await.status,
        StatusCode::SEE_OTHER,
        "the citizen is not an agent"
    );

    // Business tools fetch it through the API, by the id in the answer.
    let expires = (chrono::Utc::now() + chrono::Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    let page = admin
        .post(
            "/admin/api/tokens",
            &[
                ("name", "GED"),
                ("services", "all"),
                ("access", "read"),
                ("expires_on", &expires),
                ("networks", ""),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    let start = page.body.find("value=\"iclefs_").expect("token shown") + "value=\"".len();
    let token: String = page.body[start..].chars().take(50).collect();
    let api = reqwest::Client::new();
    let submission_id = detail.rsplit('/').next().unwrap_or_default().to_owned();
    let document: serde_json::Value = api
        .get(format!("{}/api/v1/submissions/{submission_id}", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .expect("GET submission")
        .json()
        .await
        .expect("json");
    let answer = document["answers"]
        .as_object()
        .and_then(|a| a.values().find(|v| v["kind"] == "file"))
        .expect("file answer")
        .clone();
    assert_eq!(answer["value"]["name"], "carte grise 2026.pdf");
    assert_eq!(answer["value"]["type"], "application/pdf");
    let file_id = answer["value"]["id"].as_str().expect("id").to_owned();
    let fetched = api
        .get(format!(
            "{}/api/v1/submissions/{submission_id}/files/{file_id}",
            app.base
        ))
        .bearer_auth(&token)
        .send()
        .await
        .expect("GET file");
    assert_eq!(fetched.status(), StatusCode::OK);
    assert!(
        fetched.headers()["x-content-sha256"]
            .to_str()
            .unwrap_or_default()
            .starts_with("sha-256=")
    );
    assert_eq!(fetched.bytes().await.expect("bytes").to_vec(), pdf);
    let unknown = api
        .get(format!(
            "{}/api/v1/submissions/{submission_id}/files/{}",
            app.base,
            uuid::Uuid::now_v7()
        ))
        .bearer_auth(&token)
        .send()
        .await
        .expect("GET");
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_single_choice_can_be_a_drop_down_list() {
    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let editor = new_service(&admin, "Prêt de matériel").await;
    let options = "Barnum\nTables\nChaises\nSono\nGrilles\nPodium";
    add(
        &admin,
        &editor,
        &[
            ("label", "Matériel"),
            ("kind", "single_choice"),
            ("options", options),
            ("as_list", "on"),
            ("required", "on"),
        ],
    )
    .await;
    assert!(admin.get(&editor).await.body.contains("liste déroulante"));
    assert_eq!(
        admin.post(&format!("{editor}/publish"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let service = "/s/demo/pret-de-materiel";
    let citizen = app.browser();
    let form = citizen.citizen_login(service, "test").await;
    let name = form.field_names()[0].clone();
    assert!(
        form.body
            .contains(&format!("<select id=\"{name}\" name=\"{name}\"")),
        "{}",
        form.body
    );
    assert!(
        form.body
            .contains("<option value=\"\">— Choisir —</option>")
    );
    let refused = citizen
        .post(&format!("{service}/formulaire"), &[(name.as_str(), "")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let refused = citizen
        .post(
            &format!("{service}/formulaire"),
            &[(name.as_str(), "Piano")],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not an option"
    );
    let accepted = citizen
        .post(&format!("{service}/formulaire"), &[(name.as_str(), "Sono")])
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    // Shown again with the choice selected.
    assert!(
        citizen
            .get(&format!("{service}/formulaire"))
            .await
            .body
            .contains("<option value=\"Sono\" selected")
    );
}
