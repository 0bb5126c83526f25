//! The municipality's logo: uploaded by an owner, checked and re-encoded, shown on every citizen
//! page, served under an address that changes with the image, and refused with a reason when
//! the file is not a usable picture (nothing changes then).

use super::helpers::{ADMIN_EMAIL, Browser, TestApp};
use reqwest::{StatusCode, multipart};
use std::io::Cursor;

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, _| {
        image::Rgb([u8::try_from(x % 256).unwrap_or(0), 40, 90])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("png");
    out
}

async fn upload(admin: &Browser, file: Option<(&str, Vec<u8>)>, alt: &str) -> (StatusCode, String) {
    let mut form = multipart::Form::new().text("logo_alt", alt.to_owned());
    if let Some((name, bytes)) = file {
        form = form.part(
            "logo",
            multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
    }
    let response = admin
        .client
        .post(format!("{}/admin/settings/logo", admin.base))
        .multipart(form)
        .send()
        .await
        .expect("POST");
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response.text().await.unwrap_or_default();
    (status, format!("{location}{body}"))
}

/// The `src` of the logo in a page, if there is one.
fn logo_src(body: &str) -> Option<String> {
    let header = &body[body.find("<header class=\"site-header\"")?..];
    let header = &header[..header.find("</header>")?];
    let img = &header[header.find("<img ")?..];
    let img = &img[..img.find('>')?];
    assert!(img.contains("class=\"site-header__logo\""), "{img}");
    let src = img.find("src=\"")? + 5;
    let end = img[src..].find('"')?;
    Some(img[src..src + end].to_owned())
}

#[tokio::test]
async fn an_owner_sets_a_logo_that_every_citizen_page_shows() {
    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let service = admin.publish_library_service("Carte de lecteur").await.1;
    let citizen = app.browser();
    assert_eq!(logo_src(&citizen.get(&service).await.body), None);

    // A large photo-sized logo: accepted, scaled into the header's box, served as PNG.
    let (status, body) = upload(&admin, Some(("blason.png", png(1500, 500))), "").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert!(body.starts_with("/admin/settings?enregistre=1"), "{body}");
    let page = citizen.get(&service).await;
    let src =
        logo_src(&page.body).unwrap_or_else(|| panic!("logo on the service page: {}", page.body));
    assert!(
        src.starts_with("/logo/demo/") && src.ends_with(".png"),
        "{src}"
    );
    // No alternative given: decorative, since the town's name is written beside it.
    assert!(
        page.body.contains(&format!("src=\"{src}\" alt=\"\"")),
        "{}",
        page.body
    );
    let served = citizen
        .client
        .get(format!("{}{src}", app.base))
        .send()
        .await
        .expect("GET logo");
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert!(
        served.headers()["cache-control"]
            .to_str()
            .unwrap_or_default()
            .contains("immutable")
    );
    let bytes = served.bytes().await.expect("bytes");
    let decoded = image::load_from_memory(&bytes).expect("a PNG");
    assert_eq!((decoded.width(), decoded.height()), (480, 160));

    // The form page after login shows it too.
    let form = citizen.citizen_login(&service, "test").await;
    assert_eq!(logo_src(&form.body).as_deref(), Some(src.as_str()));

    // Changing only the alternative keeps the image.
    let (status, _) = upload(&admin, None, "Blason de la commune : un lion d'or").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let page = citizen.get(&service).await;
    assert_eq!(logo_src(&page.body).as_deref(), Some(src.as_str()));
    assert!(
        page.body
            .contains("alt=\"Blason de la commune : un lion d&#x27;or\"")
            || page
                .body
                .contains("alt=\"Blason de la commune : un lion d'or\""),
        "{}",
        page.body
    );

    // A new image gets a new address; the old one is gone (never a different picture under it).
    let (status, _) = upload(&admin, Some(("nouveau.png", png(200, 100))), "").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let newer = logo_src(&citizen.get(&service).await.body).expect("new logo");
    assert_ne!(newer, src);
    let old = citizen
        .client
        .get(format!("{}{src}", app.base))
        .send()
        .await
        .expect("GET");
    assert_eq!(old.status(), StatusCode::NOT_FOUND);
    // Another town's address with this version is not this logo.
    let version = newer.rsplit('/').next().unwrap_or_default();
    let foreign = citizen
        .client
        .get(format!("{}/logo/autre-commune/{version}", app.base))
        .send()
        .await
        .expect("GET");
    assert_eq!(foreign.status(), StatusCode::NOT_FOUND);

    // Removed: gone from the pages.
    let removed = admin.post("/admin/settings/logo/supprimer", &[]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(logo_src(&citizen.get(&service).await.body), None);
}

#[tokio::test]
async fn a_file_that_is_not_a_usable_picture_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let service = admin.publish_library_service("Carte de lecteur").await.1;
    let (status, _) = upload(&admin, Some(("logo.png", png(300, 100))), "").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let citizen = app.browser();
    let before = logo_src(&citizen.get(&service).await.body).expect("logo");

    let svg =
        br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>"#.to_vec();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("logo.svg", svg, "Seules les images PNG et JPEG"),
        (
            "logo.png",
            b"not really a png".to_vec(),
            "Seules les images PNG et JPEG",
        ),
        ("logo.png", png(300, 100)[..80].to_vec(), "endommagée"),
        ("logo.png", png(8, 8), "trop petite"),
        ("logo.png", vec![0x89; 2 * 1024 * 1024 + 10], "2 Mo"),
    ];
    for (name, bytes, message) in cases {
        let (status, body) = upload(&admin, Some((name, bytes)), "Blason").await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}: {message}"
        );
        assert!(body.contains(message), "{message}: {body}");
        assert!(body.contains("value=\"Blason\""), "what was typed is kept");
    }
    // Far beyond the limit: cut off before it is read, still a clear refusal.
    let (status, _) = upload(&admin, Some(("huge.png", vec![0; 8 * 1024 * 1024])), "").await;
    assert!(
        status == StatusCode::PAYLOAD_TOO_LARGE || status == StatusCode::UNPROCESSABLE_ENTITY,
        "{status}"
    );
    let (status, body) = upload(&admin, Some(("logo.png", png(100, 50))), &"x".repeat(151)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("trop long"));
    assert_eq!(logo_src(&citizen.get(&service).await.body), Some(before));

    // Not an owner's request: refused (the session is gone after logout).
    let stranger = app.browser();
    let (status, _) = upload(&stranger, Some(("logo.png", png(100, 50))), "").await;
    assert!(status == StatusCode::SEE_OTHER || status == StatusCode::FORBIDDEN);
}
