//! Distribution kit: short link, QR codes that decode to the service URL, the poster PDF that
//! renders, the HTML line, and per-channel counters.

use super::helpers::{ADMIN_EMAIL, Browser, TestApp};
use reqwest::StatusCode;

async fn bytes(browser: &Browser, path: &str) -> (StatusCode, String, Vec<u8>) {
    let response = browser
        .client
        .get(format!("{}{path}", browser.base))
        .send()
        .await
        .expect("GET");
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (
        status,
        content_type,
        response.bytes().await.expect("body").to_vec(),
    )
}

fn decode_qr(image: image::GrayImage) -> Vec<String> {
    let mut prepared = rqrr::PreparedImage::prepare(image);
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, content)| content))
        .collect()
}

fn short_url(editor_html: &str) -> String {
    editor_html
        .split("id=\"short-url\" readonly=\"readonly\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("short url on the editor page")
        .to_owned()
}

fn stat(editor_html: &str, channel: &str) -> Vec<i64> {
    let row = editor_html
        .split(&format!("data-channel=\"{channel}\""))
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .expect("stats row");
    row.split("<td>")
        .skip(1)
        .filter_map(|c| c.split('<').next()?.parse().ok())
        .collect()
}

#[tokio::test]
async fn the_short_link_and_qr_code_lead_to_the_service() {
    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let (editor, service) = admin
        .publish_library_service("Inscription à la bibliothèque")
        .await;
    let page = admin.get(&editor).await;
    let short = short_url(&page.body);
    let code = short.rsplit('/').next().expect("code").to_owned();
    assert_eq!(code.len(), 6);

    // Short link: human-typable, case-insensitive, tagged as the "link" channel.
    let visitor = app.browser();
    let hop = visitor.get(&format!("/q/{code}")).await;
    assert_eq!(hop.status, StatusCode::SEE_OTHER);
    assert_eq!(
        hop.location.as_deref(),
        Some(format!("{service}?src=link").as_str())
    );
    let lower = visitor.get(&format!("/q/{}", code.to_lowercase())).await;
    assert_eq!(lower.status, StatusCode::SEE_OTHER);
    assert_eq!(visitor.get("/q/ZZZZZZ").await.status, StatusCode::NOT_FOUND);

    // The PNG QR code decodes to exactly the QR channel's URL.
    let (status, content_type, png) = bytes(&admin, &format!("{editor}/qr.png?taille=800")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "image/png");
    let img = image::load_from_memory(&png).expect("png").to_luma8();
    assert!(img.width() >= 800);
    assert_eq!(decode_qr(img), vec![format!("{short}?src=qr")]);
    let (_, svg_type, svg) = bytes(&admin, &format!("{editor}/qr.svg")).await;
    assert_eq!(svg_type, "image/svg+xml");
    assert!(String::from_utf8_lossy(&svg).contains("<svg"));

    // The HTML line: one link, no script, to the "site" channel.
    let embed = page
        .body
        .split("<textarea id=\"embed\"")
        .nth(1)
        .and_then(|r| r.split("</textarea>").next())
        .expect("embed");
    assert!(embed.contains(&format!("{short}?src=site")), "{embed}");
    assert!(!embed.to_lowercase().contains("&lt;script"));
}

#[tokio::test]
async fn the_poster_pdf_renders_and_its_qr_code_scans() {
    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let (editor, _) = admin
        .publish_library_service("Carte de cantine scolaire")
        .await;
    let short = short_url(&admin.get(&editor).await.body);
    for (format, width_points) in [("a4", "595.28"), ("a5", "419.53")] {
        let (status, content_type, pdf) =
            bytes(&admin, &format!("{editor}/affiche.pdf?format={format}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(content_type, "application/pdf");
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains(width_points), "{format} media box");

        // Render it as a printer would (poppler's pdftoppm), then scan the printed QR code.
        let dir =
            std::env::temp_dir().join(format!("iclefs-poster-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).expect("dir");
        let pdf_path = dir.join("poster.pdf");
        std::fs::write(&pdf_path, &pdf).expect("write pdf");
        let rendered = std::process::Command::new("pdftoppm")
            .args(["-png", "-r", "100", "-singlefile"])
            .arg(&pdf_path)
            .arg(dir.join("page"))
            .status()
            .expect("pdftoppm is required (Debian package poppler-utils)");
        assert!(rendered.success(), "pdftoppm could not render the poster");
        let page = image::open(dir.join("page.png"))
            .expect("rendered page")
            .to_luma8();
        assert_eq!(decode_qr(page), vec![format!("{short}?src=qr")]);
        let _ = std::fs::remove_dir_all(dir);
    }
    let printable = admin.get(&format!("{editor}/affiche?format=a5")).await;
    assert_eq!(printable.status, StatusCode::OK);
    assert!(printable.body.contains("poster--a5") && printable.body.contains(&short));
}

#[tokio::test]
async fn activations_are_counted_per_channel() {
    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let (editor, service) = admin.publish_library_service("Permis de végétaliser").await;
    let code = short_url(&admin.get(&editor).await.body)
        .rsplit('/')
        .next()
        .expect("code")
        .to_owned();

    // A citizen scans the QR code, logs in and submits.
    let citizen = app.browser();
    let landing = citizen
        .get(&format!("/q/{code}?src=qr"))
        .await
        .location
        .expect("redirect");
    assert!(
        citizen
            .get(&landing)
            .await
            .body
            .contains(r#"name="src" value="qr""#)
    );
    let slug = service.rsplit('/').next().expect("slug");
    let start = citizen
        .post("/auth/demo/login", &[("service", slug), ("src", "qr")])
        .await;
    let authorize = citizen.get(&start.location.expect("authorize")).await;
    let callback = citizen.pick_persona(&authorize, "test", "login").await;
    citizen.get(&callback).await;
    let names = citizen
        .get(&format!("{service}/formulaire"))
        .await
        .field_names();
    citizen
        .post(
            &format!("{service}/formulaire"),
            &[(names[0].as_str(), "X-1"), (names[1].as_str(), "Adultes")],
        )
        .await;
    assert_eq!(
        citizen
            .post(&format!("{service}/envoyer"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // Someone else opens the long address directly; a forged tag counts as direct.
    app.browser().get(&service).await;
    app.browser().get(&format!("{service}?src=evil")).await;

    let page = admin.get(&editor).await.body;
    assert_eq!(stat(&page, "qr"), vec![1, 1, 1]);
    assert_eq!(stat(&page, "direct"), vec![2, 0, 0]);
    assert_eq!(stat(&page, "site"), vec![0, 0, 0]);
}

#[tokio::test]
async fn another_municipality_cannot_download_the_kit() {
    let app = TestApp::spawn().await;
    app.other_municipality("autreville", "agent@autreville.test")
        .await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let (editor, _) = admin.publish_library_service("Salle des fêtes").await;
    let other = app.browser();
    other.admin_login("agent@autreville.test").await;
    for path in [
        "qr.png",
        "qr.svg",
        "affiche.pdf?format=a4",
        "affiche?format=a4",
    ] {
        let (status, _, _) = bytes(&other, &format!("{editor}/{path}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let anonymous = app.browser().get(&format!("{editor}/qr.png")).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_accent_colour_is_contrast_checked_and_used_everywhere() {
    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let (editor, service) = admin.publish_library_service("Jardins familiaux").await;

    let refused = admin
        .post("/admin/settings", &[("accent_color", "#ffff00")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("trop claire") && refused.body.contains("4,5:1"));
    let malformed = admin
        .post("/admin/settings", &[("accent_color", "rouge")])
        .await;
    assert_eq!(malformed.status, StatusCode::UNPROCESSABLE_ENTITY);
    let saved = admin
        .post("/admin/settings", &[("accent_color", "#8A1538")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);

    let embed = admin.get(&editor).await.body;
    assert!(
        embed.contains("background:#8a1538"),
        "the HTML line uses the accent colour"
    );
    let landing = app.browser().get(&service).await.body;
    assert!(landing.contains(r#"href="/theme/demo.css""#));
    let (status, content_type, css) = bytes(&app.browser(), "/theme/demo.css").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("text/css"));
    assert!(String::from_utf8_lossy(&css).contains("--color-accent:#8a1538"));
    assert_eq!(
        bytes(&app.browser(), "/theme/nowhere.css").await.0,
        StatusCode::NOT_FOUND
    );
}
