//! `TestApp`: a server on a free port with its own fresh database, plus request helpers.

use app::db::entities::{admin_membership, admin_user, municipality, submission};
use reqwest::{Client, Response, StatusCode, redirect::Policy};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, Database, DatabaseConnection, EntityTrait, PaginatorTrait,
    Set,
};
use server::config::{Config, ModeArg};
use std::{path::PathBuf, sync::Arc};
use uuid::Uuid;

pub const ADMIN_EMAIL: &str = "admin@demo.iclefs.test";
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";

pub struct TestApp {
    pub base: String,
    pub db: DatabaseConnection,
    pub database_url: String,
    /// The server's memory of citizen sessions and drafts (on: each test server is alone on its
    /// database). A test that changes those rows behind the server's back must say so.
    pub citizens: Arc<app::citizen::live::CitizenMemory>,
    _dir: Arc<tempdir::Dir>,
}

mod tempdir {
    /// A folder removed when the test ends.
    pub struct Dir(pub std::path::PathBuf);
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// A fresh database URL: a temp SQLite file, or a new PostgreSQL database `iclefs_test_…`.
/// The server keeps its connections until the test's runtime ends, so the test cannot drop its
/// database; `cargo xtask test` drops them all before and after the PostgreSQL run (a run by hand
/// leaves them to the next one).
pub async fn fresh_database(dir: &std::path::Path) -> String {
    if std::env::var("ICLEFS_TEST_DATABASE").as_deref() == Ok("postgres") {
        let admin_url = std::env::var("ICLEFS_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://iclefs:iclefs@127.0.0.1:5432/postgres".to_owned());
        let name = format!("iclefs_test_{}", Uuid::now_v7().simple());
        let admin = Database::connect(&admin_url)
            .await
            .expect("connect to PostgreSQL");
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create test database");
        admin.close().await.ok();
        let base = admin_url
            .rsplit_once('/')
            .map(|(b, _)| b.to_owned())
            .expect("postgres url");
        format!("{base}/{name}")
    } else {
        format!("sqlite://{}/test.db?mode=rwc", dir.display())
    }
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Like [`TestApp::spawn`], after `adjust` has changed the configuration.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> Self {
        Self::try_spawn_with(adjust).await.expect("build app")
    }

    /// Like [`TestApp::spawn_with`], returning why the server would not start.
    pub async fn try_spawn_with(adjust: impl FnOnce(&mut Config)) -> anyhow::Result<Self> {
        let dir = std::env::temp_dir().join(format!("iclefs-test-{}", Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let folder = Arc::new(tempdir::Dir(dir.clone()));
        let database_url = fresh_database(&dir).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let base = format!("http://{addr}");
        let mut config = Config {
            mode: ModeArg::Demo,
            listen: addr,
            public_url: base.clone(),
            database_url,
            data_dir: dir.clone(),
            secret_key: None,
            smtp_url: None,
            mail_from: "i-CLEFS <ne-pas-repondre@iclefs.test>".to_owned(),
            site_root: PathBuf::from("target/site"),
            seed_admin_email: ADMIN_EMAIL.to_owned(),
            seed_admin_password: Some(ADMIN_PASSWORD.to_owned()),
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
        adjust(&mut config);
        let built = server::startup::build(&config).await?;
        let db = built.state.db.clone();
        let citizens = built.state.citizens.clone();
        let database_url = config.database_url.clone();
        tokio::spawn(server::startup::serve(built, listener));
        Ok(Self {
            base,
            db,
            database_url,
            citizens,
            _dir: folder,
        })
    }

    /// Like [`TestApp::spawn_with`], with the server on its own runtime of two worker threads, as
    /// the real binary runs on this 2-core machine: benchmarks load it from the test's runtime, so
    /// the load generator's tasks never queue in front of the server's.
    pub async fn spawn_dedicated(adjust: impl FnOnce(&mut Config) + Send + 'static) -> Self {
        let (started, app) = tokio::sync::oneshot::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                // Named apart from the load generator's threads, for profiles.
                .thread_name("iclefs-server")
                .enable_all()
                .build()
                .expect("server runtime");
            runtime.block_on(async move {
                let _ = started.send(Self::spawn_with(adjust).await);
                std::future::pending::<()>().await;
            });
        });
        app.await.expect("server started")
    }

    /// The instance key of this demo instance (`secret.key` in its data folder).
    pub fn secret_key(&self) -> app::crypto::SecretKey {
        let raw = std::fs::read_to_string(self._dir.0.join("secret.key")).expect("secret.key");
        app::crypto::SecretKey::parse(&raw).expect("instance key")
    }

    /// A browser-like client: its own cookie jar, no automatic redirects, same-origin `Origin`.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.base, None)
    }

    /// A browser connecting from another loopback address (another citizen, another IP).
    pub fn browser_from(&self, ip: std::net::IpAddr) -> Browser {
        Browser::new(&self.base, Some(ip))
    }
}

impl Browser {
    /// A client for `base`, optionally from a given local address.
    pub fn new(base: &str, local_address: Option<std::net::IpAddr>) -> Self {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::ORIGIN, base.parse().expect("origin"));
        headers.insert(
            reqwest::header::ACCEPT,
            "text/html,application/xhtml+xml".parse().expect("accept"),
        );
        Browser {
            base: base.to_owned(),
            client: Client::builder()
                .cookie_store(true)
                .redirect(Policy::none())
                .default_headers(headers)
                .local_address(local_address)
                .build()
                .expect("client"),
        }
    }
}

impl TestApp {
    pub async fn submissions(&self) -> u64 {
        submission::Entity::find()
            .count(&self.db)
            .await
            .expect("count")
    }

    /// A second municipality with its own admin, to test isolation.
    pub async fn other_municipality(&self, slug: &str, email: &str) -> Uuid {
        let now = chrono::Utc::now();
        let id = Uuid::now_v7();
        municipality::ActiveModel {
            id: Set(id),
            slug: Set(slug.to_owned()),
            name: Set(format!("Commune {slug}")),
            country: Set("FR".to_owned()),
            contact_email: Set(format!("mairie@{slug}.test")),
            notification_email: Set(format!("accueil@{slug}.test")),
            created_at: Set(now),
            accent_color: Set("#8a1538".to_owned()),
            mail_from: Set(None),
            notice_includes_answers: Set(false),
            dpo_contact: Set(None),
            retention_months: Set(24),
            logo_version: Set(None),
            logo_alt: Set(None),
        }
        .insert(&self.db)
        .await
        .expect("municipality");
        let admin_id = Uuid::now_v7();
        admin_user::ActiveModel {
            id: Set(admin_id),
            email: Set(email.to_owned()),
            display_name: Set("Agent".to_owned()),
            password_hash: Set(password_auth::generate_hash(ADMIN_PASSWORD)),
            created_at: Set(now),
            last_login_at: Set(None),
            proconnect_sub: Set(None),
        }
        .insert(&self.db)
        .await
        .expect("admin");
        admin_membership::ActiveModel {
            admin_user_id: Set(admin_id),
            municipality_id: Set(id),
            role: Set("owner".to_owned()),
            created_at: Set(now),
        }
        .insert(&self.db)
        .await
        .expect("membership");
        id
    }
}

pub struct Browser {
    pub base: String,
    pub client: Client,
}

/// A response with its body read.
pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
}

impl Page {
    pub async fn from(response: Response) -> Self {
        let status = response.status();
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.text().await.unwrap_or_default();
        Self {
            status,
            location,
            body,
        }
    }

    /// The value of the first `name="…" value="…"` pair (hidden inputs of the demo provider).
    pub fn input_value(&self, name: &str) -> Option<String> {
        let needle = format!("name=\"{name}\" value=\"");
        let start = self.body.find(&needle)? + needle.len();
        let rest = self.body.get(start..)?;
        Some(rest.get(..rest.find('"')?)?.replace("&amp;", "&"))
    }

    /// The first link whose `href` starts with `prefix` (e.g. `/admin/submissions/`).
    pub fn link_to(&self, prefix: &str) -> Option<String> {
        let needle = format!("href=\"{prefix}");
        let rest = self.body.split(&needle).nth(1)?;
        Some(format!("{prefix}{}", rest.split('"').next()?))
    }

    /// Every distinct `name="f-…"` input of a citizen form, in order.
    pub fn field_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        for part in self.body.split("name=\"f-").skip(1) {
            if let Some(end) = part.find('"') {
                let name = format!("f-{}", part.get(..end).unwrap_or_default());
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        names
    }
}

impl Browser {
    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        Page::from(self.client.get(self.url(path)).send().await.expect("GET")).await
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Page {
        Page::from(
            self.client
                .post(self.url(path))
                .form(form)
                .send()
                .await
                .expect("POST"),
        )
        .await
    }

    pub async fn post_json(&self, path: &str, body: &'static str) -> Page {
        Page::from(
            self.client
                .post(self.url(path))
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body)
                .send()
                .await
                .expect("POST"),
        )
        .await
    }

    pub async fn admin_login(&self, email: &str) {
        let page = self
            .post(
                "/admin/login",
                &[("email", email), ("password", ADMIN_PASSWORD)],
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "admin login: {}",
            page.body
        );
    }

    /// Creates and publishes a service with a required text field and a choice field; returns
    /// `(editor path, citizen path)`.
    pub async fn publish_library_service(&self, title: &str) -> (String, String) {
        let page = self
            .post(
                "/admin/services",
                &[
                    ("title", title),
                    ("description", "Inscription annuelle"),
                    ("claims", "family_name"),
                    ("claims", "given_name"),
                    ("claims", "birthdate"),
                ],
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "create service: {}",
            page.body
        );
        let editor = page.location.expect("editor location");
        let editor = editor.trim_start_matches(&self.base).to_owned();
        for form in [
            vec![
                ("label", "Numéro de carte de lecteur"),
                ("kind", "short_text"),
                ("required", "on"),
            ],
            vec![
                ("label", "Section préférée"),
                ("kind", "single_choice"),
                ("options", "Jeunesse\nAdultes\nBandes dessinées"),
            ],
            vec![("label", "Courriel de contact"), ("kind", "email")],
        ] {
            let page = self.post(&format!("{editor}/fields"), &form).await;
            assert_eq!(
                page.status,
                StatusCode::SEE_OTHER,
                "add field: {}",
                page.body
            );
        }
        let page = self.post(&format!("{editor}/publish"), &[]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "publish: {}", page.body);
        let editor_page = self.get(&editor).await;
        let marker = "/s/";
        let start = editor_page
            .body
            .find(&format!("{}{marker}", self.base))
            .expect("service link")
            + self.base.len();
        let rest = editor_page.body.get(start..).unwrap_or_default();
        let citizen = rest
            .get(..rest.find('"').unwrap_or(0))
            .unwrap_or_default()
            .to_owned();
        (editor, citizen)
    }

    /// Starts the login on a service page and returns the demo provider's authorize page.
    pub async fn start_login(&self, citizen_path: &str) -> Page {
        let service = citizen_path.rsplit('/').next().unwrap_or_default();
        let municipality = citizen_path.split('/').nth(2).unwrap_or_default();
        let page = self
            .post(
                &format!("/auth/{municipality}/login"),
                &[("service", service)],
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "login start: {}",
            page.body
        );
        self.get(&page.location.expect("authorize url")).await
    }

    /// Picks a persona on the demo provider; returns the callback URL it redirects to.
    pub async fn pick_persona(&self, authorize: &Page, login: &str, action: &str) -> String {
        let fields: Vec<(String, String)> = ["redirect_uri", "scope", "state", "nonce"]
            .into_iter()
            .map(|n| (n.to_owned(), authorize.input_value(n).unwrap_or_default()))
            .chain([
                ("login".to_owned(), login.to_owned()),
                ("action".to_owned(), action.to_owned()),
            ])
            .collect();
        let response = self
            .client
            .post(self.url("/demo-idp/authorize/confirm"))
            .form(&fields)
            .send()
            .await
            .expect("confirm");
        let page = Page::from(response).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "persona: {}", page.body);
        page.location.expect("callback url")
    }

    /// Full login as `login`; returns the form page.
    pub async fn citizen_login(&self, citizen_path: &str, login: &str) -> Page {
        let authorize = self.start_login(citizen_path).await;
        let callback = self.pick_persona(&authorize, login, "login").await;
        let page = self.get(&callback).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "callback: {}",
            page.body
        );
        assert_eq!(
            page.location.as_deref(),
            Some(format!("{citizen_path}/formulaire").as_str())
        );
        self.get(&format!("{citizen_path}/formulaire")).await
    }
}
