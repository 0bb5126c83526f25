//! i-CLEFS application crate: domain types, Leptos pages, and (behind the `ssr` feature) the
//! services, database entities and HTTP handlers.
//!
//! The crate is compiled twice: with `ssr` into the server, with `hydrate` into the small WASM
//! bundle of the admin console. It uses Leptos *islands*: pages are server-rendered HTML and only
//! the components marked `#[island]` ship code to the browser. Citizen pages contain no island and
//! load no WASM at all, so they work without JavaScript on any phone.

#![recursion_limit = "256"]

pub mod api;
pub mod citizen;
pub mod distribution;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod inbox;
pub mod notifications;
pub mod pages;
pub mod procedures;
pub mod providers;
pub mod ui;
pub mod webhooks;

#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod branding;
#[cfg(feature = "ssr")]
pub mod crypto;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod identity;
#[cfg(feature = "ssr")]
pub mod seed;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod tenancy;
#[cfg(feature = "ssr")]
pub mod uploads;
#[cfg(feature = "ssr")]
pub mod web;

use leptos::prelude::*;
use leptos_meta::{MetaTags, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

/// The HTML document around every page.
pub fn shell(_options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        // `lang` is set by each layout through leptos_meta's <Html> (citizen pages in fr, en or nl).
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="stylesheet" href="/pkg/iclefs.css" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The route table. Every page waits for its data before the first byte (`SsrMode::Async`), so the
/// HTML is complete without JavaScript.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    use pages::{admin, api, citizen, identity_settings, misc, webhooks};
    let ssr = SsrMode::Async;
    view! {
        <Router>
            <Routes fallback=misc::NotFoundPage>
                <Route path=path!("/") view=misc::HomePage ssr=ssr.clone() />
                <Route path=path!("/erreur") view=misc::ErrorPage ssr=ssr.clone() />
                <Route path=path!("/dev/mailbox") view=misc::MailboxPage ssr=ssr.clone() />
                <Route path=path!("/s/:m/:s") view=citizen::LandingView ssr=ssr.clone() />
                <Route path=path!("/s/:m/:s/formulaire") view=citizen::FormView ssr=ssr.clone() />
                <Route path=path!("/s/:m/:s/recapitulatif") view=citizen::RecapView ssr=ssr.clone() />
                <Route path=path!("/s/:m/:s/confirmation") view=citizen::ConfirmationView ssr=ssr.clone() />
                <Route path=path!("/deconnexion/:m") view=citizen::LoggedOutView ssr=ssr.clone() />
                <Route path=path!("/admin/login") view=admin::LoginView ssr=ssr.clone() />
                <Route path=path!("/admin/invitation/:token") view=admin::InvitationView ssr=ssr.clone() />
                <Route path=path!("/admin") view=admin::DashboardView ssr=ssr.clone() />
                <Route path=path!("/admin/services/new") view=admin::NewServiceView ssr=ssr.clone() />
                <Route path=path!("/admin/services/:id") view=admin::EditorView ssr=ssr.clone() />
                <Route path=path!("/admin/services/:id/affiche") view=admin::PosterView ssr=ssr.clone() />
                <Route path=path!("/admin/services/:id/apercu") view=admin::PreviewView ssr=ssr.clone() />
                <Route path=path!("/admin/inbox") view=admin::InboxView ssr=ssr.clone() />
                <Route path=path!("/admin/settings") view=admin::SettingsView ssr=ssr.clone() />
                <Route path=path!("/admin/journal") view=admin::JournalView ssr=ssr.clone() />
                <Route path=path!("/admin/identite") view=identity_settings::IdentitySettingsView ssr=ssr.clone() />
                <Route path=path!("/admin/api") view=api::ApiView ssr=ssr.clone() />
                <Route path=path!("/admin/webhooks") view=webhooks::WebhooksView ssr=ssr.clone() />
                <Route path=path!("/admin/courriels") view=admin::TemplatesView ssr=ssr.clone() />
                <Route path=path!("/admin/courriels/:kind") view=admin::TemplateEditorView ssr=ssr.clone() />
                <Route path=path!("/admin/submissions/:id") view=admin::DetailView ssr=ssr.clone() />
            </Routes>
        </Router>
    }
}
