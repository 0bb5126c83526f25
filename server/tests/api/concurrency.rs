//! Concurrent requests never see another request's context (state, headers, session).

use super::helpers::{ADMIN_EMAIL, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_renders_keep_their_own_context() {
    let a = TestApp::spawn().await;
    let b = TestApp::spawn().await;
    let admin_a = a.browser();
    admin_a.admin_login(ADMIN_EMAIL).await;
    let (_, service) = admin_a.publish_library_service("Service alpha").await;
    let admin_b = b.browser();
    admin_b.admin_login(ADMIN_EMAIL).await;
    let (_, service_b) = admin_b.publish_library_service("Service beta").await;
    assert_eq!(service.rsplit('/').next(), Some("service-alpha"));

    let mut tasks = Vec::new();
    for i in 0..40 {
        let (browser, path, expected) = if i % 2 == 0 {
            (a.browser(), service.clone(), "Service alpha")
        } else {
            (b.browser(), service_b.clone(), "Service beta")
        };
        tasks.push(tokio::spawn(async move {
            let page = browser.get(&path).await;
            (page.status, page.body.contains(expected))
        }));
        let (admin, expected) = if i % 2 == 0 {
            (&admin_a, "Service alpha")
        } else {
            (&admin_b, "Service beta")
        };
        let dash = admin.get("/admin").await;
        assert!(
            dash.body.contains(expected),
            "admin dashboard of the other instance leaked"
        );
    }
    for t in tasks {
        let (status, own) = t.await.expect("task");
        assert_eq!(status, reqwest::StatusCode::OK);
        assert!(own, "a page rendered another instance's data");
    }
}
