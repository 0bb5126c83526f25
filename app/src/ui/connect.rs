//! The State's official "S’identifier avec …" button (DSFR `fr-connect`) and its mandatory help
//! link opening in a new window (identity.md §1.6), for FranceConnect (citizens) and ProConnect
//! (agents). Its wording may not change: it stays French on English and Dutch pages.

use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Federation {
    FranceConnect,
    ProConnect,
}

/// The button and its help link, to put inside the form that starts the login.
pub fn connect_button(federation: Federation) -> impl IntoView {
    let (class, brand, help) = match federation {
        Federation::FranceConnect => (
            "fr-connect",
            "FranceConnect",
            "https://franceconnect.gouv.fr/",
        ),
        Federation::ProConnect => (
            "fr-connect fr-connect--pro",
            "ProConnect",
            "https://www.proconnect.gouv.fr/",
        ),
    };
    let question = format!("Qu’est-ce que {brand} ?");
    view! {
        <button class=class type="submit">
            <span class="fr-connect__login">"S’identifier avec"</span>
            " "
            <span class="fr-connect__brand">{brand}</span>
        </button>
        <p>
            <a href=help target="_blank" rel="noopener" title=format!("{question} - nouvelle fenêtre")>
                {question.clone()}
            </a>
        </p>
    }
}
