//! Page frames: the citizen frame (no script at all) and the admin console frame (which loads the
//! islands bundle).

use crate::i18n::{Lang, catalogue as t};
use leptos::prelude::*;
use leptos_meta::{Html, Title};

/// Frame of every citizen page: skip link, municipality header with the language switch, main
/// landmark, footer. `lang` sets `<html lang>`; `langs` are the municipality's languages.
#[component]
pub fn CitizenLayout(
    #[prop(into)] title: String,
    #[prop(into)] municipality: String,
    #[prop(optional)] demo: bool,
    /// Municipality slug: loads its colours (`/theme/{slug}.css`).
    #[prop(optional)]
    theme: Option<String>,
    #[prop(optional)] lang: Lang,
    #[prop(optional)] langs: Vec<Lang>,
    /// The municipality's logo, shown before its name.
    #[prop(default = None)]
    logo: Option<crate::citizen::types::Logo>,
    children: Children,
) -> impl IntoView {
    let here = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    let switch = (langs.len() > 1).then(|| {
        view! {
            <nav class="lang-switch" aria-label=t::LANGUAGE.get(lang)>
                <ul>
                    {langs
                        .iter()
                        .map(|l| {
                            let current = (*l == lang).then_some("true");
                            view! {
                                <li>
                                    <a href=format!("{here}?lang={}", l.code()) lang=l.code() hreflang=l.code() aria-current=current>
                                        {l.name()}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
        }
    });
    view! {
        <Html {..} lang=lang.code() />
        <Title text=escape_raw_text(&format!("{title} – {municipality}")) />
        {theme.map(|slug| view! { <leptos_meta::Stylesheet href=format!("/theme/{slug}.css") /> })}
        <a class="skip-link" href="#contenu">{t::SKIP_LINK.get(lang)}</a>
        {demo
            .then(|| {
                view! {
                    <p class="demo-banner" role="note">{t::DEMO_BANNER.get(lang)}</p>
                }
            })}
        <header class="site-header">
            <div class="container site-header__row">
                {logo.map(|l| view! { <img class="site-header__logo" src=l.src alt=l.alt /> })}
                <div class="site-header__names">
                    <p class="site-header__municipality">{municipality}</p>
                    <p class="site-header__tagline">{t::TAGLINE.get(lang)}</p>
                </div>
                {switch}
            </div>
        </header>
        <main id="contenu" class="container main" tabindex="-1">
            {children()}
        </main>
        <footer class="site-footer">
            <div class="container">
                <p>{t::FOOTER.get(lang)}</p>
            </div>
        </footer>
    }
}

/// Frame of the admin console.
#[component]
pub fn AdminLayout(
    #[prop(into)] title: String,
    #[prop(into)] municipality: String,
    #[prop(into)] user: String,
    children: Children,
) -> impl IntoView {
    let options = use_context::<LeptosOptions>();
    view! {
        <Html {..} lang="fr" />
        <Title text=escape_raw_text(&format!("{title} – administration i-CLEFS")) />
        <a class="skip-link" href="#contenu">"Aller au contenu"</a>
        <header class="site-header site-header--admin">
            <div class="container site-header__row">
                <div>
                    <p class="site-header__municipality">{municipality}</p>
                    <p class="site-header__tagline">"Administration i-CLEFS"</p>
                </div>
                <nav aria-label="Menu principal" class="admin-nav">
                    <ul>
                        <li><a href="/admin">"Tableau de bord"</a></li>
                        <li><a href="/admin/inbox">"Boîte de réception"</a></li>
                        <li><a href="/admin/courriels">"Courriels"</a></li>
                        <li><a href="/admin/identite">"Connexion des citoyens"</a></li>
                        <li><a href="/admin/settings">"Paramètres"</a></li>
                        <li><a href="/admin/api">"API"</a></li>
                        <li><a href="/admin/webhooks">"Webhooks"</a></li>
                        <li><a href="/admin/journal">"Journal"</a></li>
                        <li>
                            <form method="post" action="/admin/logout" class="inline-form">
                                <button type="submit" class="link-button">
                                    {format!("Se déconnecter ({user})")}
                                </button>
                            </form>
                        </li>
                    </ul>
                </nav>
            </div>
        </header>
        <main id="contenu" class="container main" tabindex="-1">
            {children()}
        </main>
        {options.map(|options| view! { <HydrationScripts options islands=true /> })}
    }
}

/// Frame for pages outside any municipality (home, errors, admin login).
#[component]
pub fn PlainLayout(#[prop(into)] title: String, children: Children) -> impl IntoView {
    view! {
        <Html {..} lang="fr" />
        <Title text=escape_raw_text(&format!("{title} – i-CLEFS")) />
        <a class="skip-link" href="#contenu">"Aller au contenu"</a>
        <header class="site-header">
            <div class="container">
                <p class="site-header__municipality">"i-CLEFS"</p>
                <p class="site-header__tagline">"Démarches en ligne des communes"</p>
            </div>
        </header>
        <main id="contenu" class="container main" tabindex="-1">
            {children()}
        </main>
    }
}

/// Leptos 0.8 writes the text of `<title>` (leptos_meta) and of `<textarea>` (tachys: its
/// children are not escaped) as is, so a value such as `</textarea><script>…` would inject
/// markup. Both elements are RCDATA: entities are decoded there, so escaping shows the text
/// unchanged. Every `<title>` and `<textarea>` content goes through this function.
pub fn escape_raw_text(raw: &str) -> String {
    raw.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
