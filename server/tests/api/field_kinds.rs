//! The builder's field kinds beyond text: phone (France, Belgium), multiple choice, consent
//! checkbox, commune (INSEE code or name), section heading and explanation — built through the
//! console, answered by a citizen over HTTP, refused with their own messages, shown in the recap
//! and the agent's detail; text blocks are text, never HTML.

use super::helpers::{ADMIN_EMAIL, TestApp};
use app::db::entities::submission;
use reqwest::StatusCode;
use sea_orm::EntityTrait;

#[tokio::test]
async fn each_kind_is_built_checked_and_shown() {
    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let created = admin
        .post(
            "/admin/services",
            &[
                ("title", "Inscription au centre de loisirs"),
                ("description", ""),
                ("claims", "family_name"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let editor = created
        .location
        .expect("editor")
        .trim_start_matches(&app.base)
        .to_owned();
    for form in [
        vec![("label", "Votre enfant"), ("kind", "section")],
        vec![
            ("label", "À savoir"),
            ("kind", "explanation"),
            (
                "help",
                "Le centre ouvre à 8 h.\n\n<script>alert(1)</script> n'est pas du HTML.",
            ),
        ],
        vec![
            ("label", "Téléphone d'un parent"),
            ("kind", "phone"),
            ("required", "on"),
        ],
        vec![
            ("label", "Jours de présence"),
            ("kind", "multiple_choice"),
            ("options", "Lundi\nMardi\nMercredi"),
            ("required", "on"),
        ],
        vec![
            ("label", "Commune de résidence"),
            ("kind", "commune"),
            ("required", "on"),
        ],
        vec![
            ("label", "J'accepte le règlement du centre"),
            ("kind", "consent"),
            ("required", "on"),
        ],
    ] {
        let added = admin.post(&format!("{editor}/fields"), &form).await;
        assert_eq!(
            added.status,
            StatusCode::SEE_OTHER,
            "{form:?}: {}",
            added.body
        );
    }
    let published = admin.post(&format!("{editor}/publish"), &[]).await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    let service = "/s/demo/inscription-au-centre-de-loisirs";

    let citizen = app.browser();
    let form = citizen.citizen_login(service, "test").await;
    assert!(form.body.contains("<h2 id=\"f-"), "section heading");
    assert!(form.body.contains("Le centre ouvre à 8 h."));
    assert!(form.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!form.body.contains("<script>alert(1)</script>"));
    assert!(form.body.contains("type=\"tel\""));
    assert!(form.body.contains("type=\"checkbox\""));
    // Four inputs (the heading and the explanation take no answer), in form order.
    let names = form.field_names();
    assert_eq!(names.len(), 4, "{names:?}");
    let (phone, days, commune, consent) = (
        names[0].clone(),
        names[1].clone(),
        names[2].clone(),
        names[3].clone(),
    );

    // Every wrong answer, each with its message; what was typed stays.
    let refused = citizen
        .post(
            &format!("{service}/formulaire"),
            &[
                (phone.as_str(), "12 34"),
                (days.as_str(), "Dimanche"),
                (commune.as_str(), "Nulle-Part-sur-Mer"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "numéro de téléphone français ou belge",
        "Choisissez une des options proposées.",
        "Commune inconnue",
        "Ce champ est obligatoire.",
    ] {
        assert!(refused.body.contains(message), "{message}");
    }
    assert!(refused.body.contains("value=\"12 34\""));

    let saved = citizen
        .post(
            &format!("{service}/formulaire"),
            &[
                (phone.as_str(), "06 12 34 56 78"),
                (days.as_str(), "Lundi"),
                (days.as_str(), "Mercredi"),
                (commune.as_str(), "75107"),
                (consent.as_str(), "oui"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let recap = citizen.get(&format!("{service}/recapitulatif")).await;
    for shown in [
        "06 12 34 56 78",
        "Lundi, Mercredi",
        "Paris 7e Arrondissement (75107)",
        "J&#x27;accepte le règlement du centre",
    ] {
        assert!(
            recap.body.contains(shown) || recap.body.contains(&shown.replace("&#x27;", "'")),
            "{shown}"
        );
    }
    assert!(
        !recap.body.contains("Votre enfant"),
        "no answer line for a heading"
    );
    let sent = citizen.post(&format!("{service}/envoyer"), &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);

    let row = submission::Entity::find()
        .one(&app.db)
        .await
        .expect("db")
        .expect("sent");
    let detail = admin.get(&format!("/admin/submissions/{}", row.id)).await;
    assert!(detail.body.contains("Lundi, Mercredi"));
    assert!(detail.body.contains("Paris 7e Arrondissement (75107)"));
    assert!(detail.body.contains("06 12 34 56 78"));
}
