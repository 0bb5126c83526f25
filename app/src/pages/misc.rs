//! Pages outside the two journeys: home, errors, and the demo mailbox.

use super::{ErrorBlock, set_status};
use crate::{
    error::AppError,
    ui::{feedback::use_feedback, layout::PlainLayout},
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <PlainLayout title="Accueil">
            <h1>"i-CLEFS"</h1>
            <p class="lead">"Les démarches en ligne des communes, avec l'identité certifiée par l'État."</p>
            <p>"Citoyen : utilisez le lien ou le QR code publié par votre commune."</p>
            <p><a class="button" href="/admin/login">"Espace agents"</a></p>
        </PlainLayout>
    }
}

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <PlainLayout title="Page introuvable">
            <ErrorBlock error=AppError::NotFound />
        </PlainLayout>
    }
}

/// Rendered by handlers for a refused action: the error travels in the render context.
#[component]
pub fn ErrorPage() -> impl IntoView {
    let error = use_feedback().page_error.unwrap_or(AppError::NotFound);
    view! {
        <PlainLayout title=error.title_fr()>
            <ErrorBlock error />
        </PlainLayout>
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MailboxEntry {
    pub file: String,
    pub raw: String,
}

#[server(prefix = "/_fn", endpoint = "dev/mailbox")]
pub async fn load_mailbox() -> Result<Vec<MailboxEntry>, AppError> {
    let (state, _) = crate::web::request_context()?;
    match (&state.settings.mode, &state.settings.mail_transport) {
        (crate::state::Mode::Demo, crate::state::MailTransport::Captured(dir)) => {
            Ok(crate::notifications::outbox::read_captured(dir)
                .await
                .into_iter()
                .map(|m| MailboxEntry {
                    file: m.file,
                    raw: m.raw,
                })
                .collect())
        }
        _ => Err(AppError::NotFound),
    }
}

/// Demo mode only: the emails the instance would have sent.
#[component]
pub fn MailboxPage() -> impl IntoView {
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match load_mailbox().await {
                    Ok(mails) => view! {
                        <PlainLayout title="Boîte aux lettres de démonstration">
                            <h1>"Boîte aux lettres de démonstration"</h1>
                            <p>"En mode démonstration, les courriels ne partent pas : ils sont rangés ici."</p>
                            {if mails.is_empty() {
                                view! { <p>"Aucun courriel pour l'instant."</p> }.into_any()
                            } else {
                                mails.into_iter().map(|m| view! {
                                    <article class="card">
                                        <h2>{m.file}</h2>
                                        <pre class="mail">{m.raw}</pre>
                                    </article>
                                }).collect_view().into_any()
                            }}
                        </PlainLayout>
                    }.into_any(),
                    Err(e) => {
                        set_status(e.status_code());
                        view! { <PlainLayout title="Page introuvable"><ErrorBlock error=e /></PlainLayout> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
