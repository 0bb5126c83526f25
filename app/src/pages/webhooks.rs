//! The console's webhooks page: the municipality's receiving addresses (add with a secret shown
//! once, pause, resume, delete), the delivery log with replay, and how to verify a signature.
//! Server-rendered; works without JavaScript.

use super::admin::{AdminHeader, admin_error};
use crate::{
    error::AppError,
    ui::{
        AdminLayout, ErrorSummary, Feedback,
        feedback::{labelled_input as input, use_feedback},
        islands::CopyButton,
    },
    webhooks::types::{DeliveryLine, EndpointLine, EventType, NEW_SECRET_VALUE, WebhooksConsole},
};
use leptos::prelude::*;

#[server(prefix = "/_fn", endpoint = "admin/webhooks")]
pub async fn load_webhooks_console() -> Result<(AdminHeader, WebhooksConsole), AppError> {
    super::admin::as_admin(move |state, admin, header| async move {
        Ok((
            header,
            crate::webhooks::service::console(&state, &admin).await?,
        ))
    })
    .await
}

#[component]
pub fn WebhooksView() -> impl IntoView {
    let feedback = use_feedback();
    let done = super::query("fait");
    view! {
        <Suspense>
            {move || {
                let feedback = feedback.clone();
                let done = done.clone();
                Suspend::new(async move {
                    match load_webhooks_console().await {
                        Ok((header, console)) => page(header, console, feedback, done).into_any(),
                        Err(e) => admin_error(e),
                    }
                })
            }}
        </Suspense>
    }
}

fn event_labels(events: &[String]) -> String {
    events
        .iter()
        .map(|e| EventType::parse(e).map_or_else(|| e.clone(), |ev| ev.label().to_owned()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn endpoint_row(e: EndpointLine, is_owner: bool) -> impl IntoView {
    let action = |what: &str| format!("/admin/webhooks/{}/{what}", e.id);
    let (toggle, toggle_label) = if e.enabled {
        (action("pause"), "Mettre en pause")
    } else {
        (action("resume"), "Réactiver")
    };
    let delete = action("delete");
    let url = e.url.clone();
    view! {
        <tr>
            <td><code>{e.url}</code>{(!e.description.is_empty()).then(|| view! { <br />{e.description} })}</td>
            <td>{event_labels(&e.events)}</td>
            <td>{if e.enabled { "Active" } else { "En pause" }}</td>
            <td>{e.created}</td>
            <td>
                {is_owner.then(|| view! {
                    <form method="post" action=toggle class="inline-form">
                        <button type="submit" class="button button--secondary"
                            aria-label=format!("{toggle_label} : {url}")>{toggle_label}</button>
                    </form>
                    <form method="post" action=delete class="inline-form">
                        <button type="submit" class="button button--secondary"
                            aria-label=format!("Supprimer l'adresse {url} et son journal")>"Supprimer"</button>
                    </form>
                })}
            </td>
        </tr>
    }
}

fn delivery_row(d: DeliveryLine, is_owner: bool) -> impl IntoView {
    let replay = format!("/admin/webhooks/envois/{}/renvoyer", d.id);
    let label = format!(
        "Renvoyer la notification {} {}",
        d.event,
        d.reference.clone().unwrap_or_default()
    );
    let state = match (&d.next_attempt, d.attempts) {
        (Some(next), n) if n > 0 => format!("{} (nouvel essai le {next})", d.state),
        _ => d.state.clone(),
    };
    view! {
        <tr class=if d.failed { "row--alert" } else { "" }>
            <td>{d.created}{d.is_replay.then_some(" (renvoi)")}</td>
            <td><code>{d.event}</code><br /><code class="muted">{d.message_id}</code></td>
            <td>{d.reference.unwrap_or_default()}</td>
            <td><code>{d.endpoint_url}</code></td>
            <td>{state}</td>
            <td>{d.attempts}</td>
            <td>{d.last_outcome.unwrap_or_else(|| "—".to_owned())}</td>
            <td>
                {is_owner.then(|| view! {
                    <form method="post" action=replay class="inline-form">
                        <button type="submit" class="button button--secondary" aria-label=label>"Renvoyer"</button>
                    </form>
                })}
            </td>
        </tr>
    }
}

fn page(
    header: AdminHeader,
    console: WebhooksConsole,
    feedback: Feedback,
    done: Option<String>,
) -> impl IntoView {
    let new_secret = feedback.value(NEW_SECRET_VALUE);
    let summary: Vec<(String, String)> = feedback
        .errors
        .iter()
        .map(|(k, m)| {
            let anchor = match k.as_str() {
                "events" => "events-submission-created".to_owned(),
                other => other.to_owned(),
            };
            (anchor, m.clone())
        })
        .collect();
    let checked: Vec<String> = feedback
        .value("events")
        .map(|v| v.split(',').map(str::to_owned).collect())
        .unwrap_or_else(|| {
            EventType::ALL
                .iter()
                .map(|e| e.as_str().to_owned())
                .collect()
        });
    let events_error = feedback.error_for("events");
    let done_message = done.and_then(|d| match d.as_str() {
        "pause" => Some("Adresse mise en pause : aucune notification ne lui sera envoyée."),
        "reprise" => Some("Adresse réactivée : elle recevra les prochains événements."),
        "supprimee" => Some("Adresse supprimée, avec son journal d'envois."),
        "renvoi" => Some("Notification remise en file d'envoi : elle part dans quelques secondes."),
        _ => None,
    });
    let url_help = if console.allows_private_targets {
        "Adresse complète du logiciel qui recevra les notifications. Cette instance accepte aussi les adresses http:// et les adresses de réseau privé."
    } else {
        "Adresse complète en https:// du logiciel qui recevra les notifications. Les adresses privées, locales ou de bouclage sont refusées."
    };
    let url_input = input(
        &feedback,
        "url",
        "Adresse de réception (URL)",
        url_help,
        "url",
        String::new(),
        None,
    );
    let description_input = input(
        &feedback,
        "description",
        "Description (facultatif)",
        "Par exemple le logiciel ou le prestataire concerné.",
        "text",
        String::new(),
        None,
    );
    let is_owner = console.is_owner;
    let has_endpoints = !console.endpoints.is_empty();
    let has_deliveries = !console.deliveries.is_empty();
    view! {
        <AdminLayout title="Webhooks" municipality=header.municipality user=header.user>
            <h1>"Webhooks : prévenir vos logiciels en temps réel"</h1>
            <p>"Un webhook envoie une notification signée à l'adresse de votre logiciel dès qu'une demande arrive ou qu'elle est marquée traitée. La notification ne contient aucune donnée personnelle : seulement l'identifiant, la référence et l'état de la demande, que le logiciel lit ensuite par l'API avec son jeton."</p>
            {done_message.map(|m| view! { <p class="notice notice--success" role="status">{m}</p> })}
            {new_secret.clone().map(|secret| view! {
                <section class="card" aria-labelledby="new-secret-title">
                    <h2 id="new-secret-title">"Adresse ajoutée : copiez son secret de signature"</h2>
                    <p class="notice notice--success" role="status">"Il ne sera plus affiché. Votre logiciel s'en sert pour vérifier que chaque notification vient bien de cette plateforme."</p>
                    <div class="field">
                        <label for="new-secret">"Secret de signature"</label>
                        <input type="text" id="new-secret" readonly="readonly" value=secret.clone() autocomplete="off" />
                        <CopyButton text=secret label="Copier le secret".to_owned() />
                    </div>
                </section>
            })}
            <section aria-labelledby="endpoints-title">
                <h2 id="endpoints-title">"Adresses de réception"</h2>
                {if has_endpoints {
                    view! {
                        <table class="table">
                            <caption class="sr-only">"Adresses de réception des webhooks"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Adresse"</th>
                                    <th scope="col">"Événements"</th>
                                    <th scope="col">"État"</th>
                                    <th scope="col">"Ajoutée"</th>
                                    <th scope="col">"Actions"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {console.endpoints.into_iter().map(|e| endpoint_row(e, is_owner)).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                } else {
                    view! { <p>"Aucune adresse pour l'instant."</p> }.into_any()
                }}
            </section>
            {is_owner.then(|| view! {
                <section class="card" aria-labelledby="add-title">
                    <h2 id="add-title">"Ajouter une adresse"</h2>
                    <ErrorSummary errors=summary />
                    <form method="post" action="/admin/webhooks" class="form" novalidate="novalidate">
                        {url_input}
                        {description_input}
                        <fieldset class=if events_error.is_some() { "field field--error" } else { "field" }>
                            <legend>"Événements à recevoir"</legend>
                            {events_error.clone().map(|e| view! { <p class="field-error">{e}</p> })}
                            {EventType::ALL.iter().map(|event| {
                                let value = event.as_str();
                                let input_id = format!("events-{}", value.replace(['.', '_'], "-"));
                                view! {
                                    <div class="choice">
                                        <input type="checkbox" id=input_id.clone() name="events" value=value
                                            checked=checked.iter().any(|c| c == value) />
                                        <label for=input_id>{event.label()}" ("<code>{value}</code>")"</label>
                                    </div>
                                }
                            }).collect_view()}
                        </fieldset>
                        <div class="actions">
                            <button type="submit" class="button">"Ajouter l'adresse"</button>
                        </div>
                    </form>
                </section>
            })}
            <section aria-labelledby="log-title">
                <h2 id="log-title">"Journal des envois"</h2>
                <p>"Les 50 derniers envois. Une notification refusée est réessayée après 5 s, 5 min, 30 min, 2 h, 5 h, 10 h et 10 h, puis marquée en échec ; « Renvoyer » la remet en file avec le même identifiant."</p>
                {if has_deliveries {
                    view! {
                        <table class="table">
                            <caption class="sr-only">"Journal des envois de webhooks"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Créé"</th>
                                    <th scope="col">"Événement"</th>
                                    <th scope="col">"Demande"</th>
                                    <th scope="col">"Adresse"</th>
                                    <th scope="col">"État"</th>
                                    <th scope="col">"Essais"</th>
                                    <th scope="col">"Dernière réponse"</th>
                                    <th scope="col">"Actions"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {console.deliveries.into_iter().map(|d| delivery_row(d, is_owner)).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                } else {
                    view! { <p>"Aucun envoi pour l'instant."</p> }.into_any()
                }}
            </section>
            <section aria-labelledby="verify-title">
                <h2 id="verify-title">"Vérifier une notification"</h2>
                <p>"Les notifications suivent la norme Standard Webhooks : requête POST en JSON avec les en-têtes "<code>"webhook-id"</code>", "<code>"webhook-timestamp"</code>" et "<code>"webhook-signature"</code>" ("<code>"v1,"</code>" suivi du HMAC-SHA256 en base64 de "<code>"id.timestamp.corps"</code>", avec le secret décodé). Les bibliothèques de la norme (Python, JavaScript, PHP, Java…) la vérifient en une ligne. Répondez par un code 2xx ; une redirection n'est pas suivie."</p>
                <pre class="mail"><code>"from standardwebhooks.webhooks import Webhook\nevent = Webhook(\"whsec_…\").verify(corps, en_tetes)  # lève une erreur si la signature est fausse"</code></pre>
                <p>"Format complet et exemples : documentation de l'API, section Webhooks."</p>
            </section>
        </AdminLayout>
    }
}
