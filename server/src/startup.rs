//! Start-up: database, seed, router, middleware, background worker, listener.

use crate::config::{Config, ModeArg};
use anyhow::Context;
use app::{
    crypto::SecretKey,
    identity::OidcClients,
    notifications::{self, Mailer},
    seed::{SeedPlan, Seeded},
    state::{AppState, MailTransport, Mode, Settings},
    webhooks::target::TargetPolicy,
};
use axum::{Router, middleware};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::{sync::Arc, time::Duration};
use tokio::net::TcpListener;
use tower_http::{
    catch_panic::CatchPanicLayer, compression::CompressionLayer, limit::RequestBodyLimitLayer,
    services::ServeDir, timeout::TimeoutLayer,
};

/// Largest accepted request body: forms are small; uploads have their own limit
/// (`app::web::upload_routes`).
const BODY_LIMIT: usize = 256 * 1024;

/// A built application, ready to serve.
pub struct Built {
    pub router: Router,
    pub state: AppState,
    pub seeded: Option<Seeded>,
    /// This server's lock on its database, watched while it serves (`app::db::instance`); none
    /// for an operator command.
    pub claim: Option<app::db::instance::Claim>,
}

fn secret_key(config: &Config, mode: Mode) -> anyhow::Result<SecretKey> {
    if let Some(raw) = &config.secret_key {
        return SecretKey::parse(raw).context("ICLEFS_SECRET_KEY");
    }
    anyhow::ensure!(
        mode == Mode::Demo,
        "ICLEFS_SECRET_KEY is required in production mode"
    );
    let path = config.data_dir.join("secret.key");
    if let Ok(raw) = std::fs::read_to_string(&path) {
        return SecretKey::parse(&raw).with_context(|| format!("reading {}", path.display()));
    }
    std::fs::create_dir_all(&config.data_dir)?;
    let key = SecretKey::generate();
    std::fs::write(&path, key.encode())?;
    Ok(key)
}

/// Builds the state and the router from the configuration.
pub async fn build(config: &Config) -> anyhow::Result<Built> {
    assemble(config, true).await
}

/// The state and router; `serving` takes the database's instance lock (the operator commands
/// do not: they never write sessions or drafts, and run beside the server).
async fn assemble(config: &Config, serving: bool) -> anyhow::Result<Built> {
    let mode = match config.mode {
        ModeArg::Demo => Mode::Demo,
        ModeArg::Production => Mode::Production,
    };
    let public_url = url::Url::parse(&config.public_url).context("ICLEFS_PUBLIC_URL")?;
    if config.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir).ok();
    }
    let mail_transport = match (&config.smtp_url, mode) {
        (Some(url), _) => MailTransport::Smtp(url.clone()),
        (None, Mode::Demo) => MailTransport::Captured(config.data_dir.join("mail")),
        (None, Mode::Production) => anyhow::bail!("ICLEFS_SMTP_URL is required in production mode"),
    };
    let settings = Arc::new(Settings {
        public_url: public_url.clone(),
        mode,
        secret_key: secret_key(config, mode)?,
        mail_transport: mail_transport.clone(),
        mail_from: config.mail_from.clone(),
        citizen_idle_minutes: 30,
        admin_idle_minutes: 30,
        webhook_targets: if config.webhook_allow_private_targets {
            TargetPolicy::AllowPrivate
        } else {
            TargetPolicy::PublicOnly
        },
        proconnect: match &config.proconnect_issuer {
            Some(issuer) if !issuer.trim().is_empty() => {
                if config.proconnect_client_id.is_empty()
                    || config.proconnect_client_secret.is_empty()
                {
                    anyhow::bail!(
                        "ICLEFS_PROCONNECT_ISSUER needs ICLEFS_PROCONNECT_CLIENT_ID and ICLEFS_PROCONNECT_CLIENT_SECRET"
                    );
                }
                Some(app::identity::ProviderConfig {
                    preset: app::identity::presets::PROCONNECT,
                    issuer: issuer.trim().trim_end_matches('/').to_owned(),
                    client_id: config.proconnect_client_id.clone(),
                    client_secret: config.proconnect_client_secret.clone(),
                })
            }
            _ => None,
        },
        virus_scan_command: config.virus_scan_command.clone(),
    });
    let sharing = if config.shared_database {
        app::db::instance::Sharing::Shared
    } else {
        app::db::instance::Sharing::Alone
    };
    // Before migrating: a second server on the database stops here, having changed nothing.
    let claim = match serving {
        true => Some(app::db::instance::Claim::take(&config.database_url, sharing).await?),
        false => None,
    };
    let db = app::db::connect_and_migrate(&config.database_url)
        .await
        .context("opening the database")?;
    let mailer = match &mail_transport {
        MailTransport::Captured(dir) => Mailer::captured(dir.clone()),
        MailTransport::Smtp(url) => Mailer::smtp(url).context("ICLEFS_SMTP_URL")?,
    };

    let seeded = if mode == Mode::Demo {
        let (preset, issuer, client_id, client_secret) = match &config.seed_fc_issuer {
            Some(issuer) => (
                "franceconnect",
                issuer.clone(),
                config.seed_fc_client_id.clone(),
                config.seed_fc_client_secret.clone(),
            ),
            None => (
                "demo",
                settings.url(crate::demo_idp::MOUNT),
                crate::demo_idp::CLIENT_ID.to_owned(),
                crate::demo_idp::CLIENT_SECRET.to_owned(),
            ),
        };
        let plan = SeedPlan {
            municipality_slug: "demo".to_owned(),
            municipality_name: "Commune de Démo-sur-Loire".to_owned(),
            admin_email: config.seed_admin_email.clone(),
            admin_password: config.seed_admin_password.clone(),
            provider_preset: preset.to_owned(),
            provider_issuer: issuer,
            provider_client_id: client_id,
            provider_client_secret: client_secret,
        };
        app::seed::seed_if_empty(&db, &settings, plan).await?
    } else {
        None
    };

    let leptos_options = LeptosOptions::builder()
        .output_name("iclefs")
        .site_root(config.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(config.listen)
        .build();
    let state = AppState {
        leptos_options: leptos_options.clone(),
        db,
        settings: settings.clone(),
        oidc: OidcClients::new().context("building the HTTP client")?,
        mailer,
        published: Arc::default(),
        citizens: Arc::new(app::citizen::live::CitizenMemory::new(
            serving && sharing == app::db::instance::Sharing::Alone,
        )),
    };

    let routes = generate_route_list(app::App);
    let render_state = state.clone();
    let mut router = Router::new()
        .leptos_routes_with_context(
            &state,
            routes,
            move || app::web::provide_render_context(&render_state),
            {
                let options = leptos_options.clone();
                move || app::shell(options.clone())
            },
        )
        .merge(app::web::routes())
        .merge(app::api::routes())
        .merge(app::webhooks::routes());
    if mode == Mode::Demo && config.seed_fc_issuer.is_none() {
        router = router.nest(
            crate::demo_idp::MOUNT,
            crate::demo_idp::router(&settings.url(crate::demo_idp::MOUNT))?,
        );
    }
    let router = router
        .nest_service("/pkg", ServeDir::new(config.site_root.join("pkg")))
        .fallback_service(ServeDir::new(&config.site_root))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .merge(app::web::upload_routes())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            app::web::distribution::count_visits,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            app::web::invalidate_published,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            app::web::audit_console,
        ))
        .layer(middleware::from_fn(app::web::i18n::remember_choice))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            app::web::security::csrf,
        ))
        .layer(middleware::from_fn_with_state(
            Arc::new(app::web::rate_limit::RateLimiter::default()),
            app::web::rate_limit::middleware,
        ))
        .layer(middleware::from_fn(app::web::security::headers))
        .layer(middleware::from_fn(app::web::security::server_timing))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(CatchPanicLayer::new())
        .with_state(state.clone());
    Ok(Built {
        router,
        state,
        seeded,
        claim,
    })
}

/// Serves on an already bound listener; spawns the mail and webhook workers.
pub async fn serve(built: Built, listener: TcpListener) -> anyhow::Result<()> {
    let host = built
        .state
        .settings
        .public_url
        .host_str()
        .unwrap_or("iclefs.local")
        .to_owned();
    tokio::spawn(notifications::run_worker(
        notifications::outbox::Worker::new(
            built.state.db.clone(),
            built.state.mailer.clone(),
            built.state.settings.mail_from.clone(),
            host,
        ),
    ));
    tokio::spawn(app::webhooks::worker::run(
        app::webhooks::worker::Worker::new(
            built.state.db.clone(),
            built.state.settings.secret_key.clone(),
            built.state.settings.webhook_targets,
        )
        .context("building the webhook HTTP client")?,
    ));
    tokio::spawn(app::inbox::retention::run(built.state.db.clone()));
    let claim = built
        .claim
        .context("a server needs its lock on the database")?;
    let (lost, back) = (built.state.citizens.clone(), built.state.citizens.clone());
    let watch = claim.watch(move || lost.switch_off(), move || back.switch_on());
    // The peer address feeds the rate limits (never a client-supplied header).
    let serving = axum::serve(
        listener,
        built
            .router
            .into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    });
    tokio::select! {
        served = serving => served?,
        // Another server took the database while this one had lost its lock: stop writing.
        taken = watch => return Err(anyhow::Error::new(taken)),
    }
    Ok(())
}

/// `iclefs municipality add`: creates the town and prints its owner's invitation link. The
/// invitation mail leaves with the running server's outbox worker.
pub async fn add_municipality(
    config: Config,
    args: crate::config::AddMunicipality,
) -> anyhow::Result<()> {
    let built = assemble(&config, false).await?;
    let input = app::tenancy::NewMunicipality {
        slug: args.slug,
        name: args.name,
        country: args.country,
        contact_email: args.contact_email,
        owner_email: args.owner_email,
        owner_name: args.owner_name,
    };
    match app::tenancy::create(&built.state, &input).await {
        Ok(created) => {
            println!("Commune créée : {}", created.slug);
            println!("Lien d'invitation du responsable (7 jours, usage unique) :");
            println!("{}", created.invitation_link);
            Ok(())
        }
        Err(app::tenancy::TenancyError::Invalid(errors)) => {
            for e in &errors {
                eprintln!("{e}");
            }
            anyhow::bail!("nothing was created")
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn run(config: Config) -> anyhow::Result<()> {
    let built = build(&config).await?;
    if let Some(seeded) = &built.seeded {
        println!();
        println!("  Première exécution : commune de démonstration créée.");
        println!("  Administration : {}/admin/login", config.public_url);
        println!("  Identifiant    : {}", seeded.admin_email);
        println!("  Mot de passe   : {}", seeded.admin_password);
        println!();
    }
    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("binding {}", config.listen))?;
    tracing::info!(url = %config.public_url, mode = ?config.mode, "i-CLEFS listening");
    serve(built, listener).await
}
