//! The console's API page: the municipality's tokens (create, shown once; revoke) and the
//! integrators' documentation with curl examples for this instance. Server-rendered; works
//! without JavaScript (the copy button is a comfort).

use super::admin::{AdminHeader, admin_error};
use crate::{
    api::types::{ApiConsole, TokenLine},
    error::AppError,
    ui::{
        AdminLayout, ErrorSummary, Feedback,
        feedback::{labelled_input as input, use_feedback},
        islands::CopyButton,
    },
};
use leptos::prelude::*;

#[server(prefix = "/_fn", endpoint = "admin/api")]
pub async fn load_api_console() -> Result<(AdminHeader, ApiConsole), AppError> {
    super::admin::as_admin(move |state, admin, header| async move {
        Ok((header, crate::api::tokens::console(&state, &admin).await?))
    })
    .await
}

#[component]
pub fn ApiView() -> impl IntoView {
    let feedback = use_feedback();
    let revoked = super::query("revoque").is_some();
    view! {
        <Suspense>
            {move || {
                let feedback = feedback.clone();
                Suspend::new(async move {
                    match load_api_console().await {
                        Ok((header, console)) => api_page(header, console, feedback, revoked).into_any(),
                        Err(e) => admin_error(e),
                    }
                })
            }}
        </Suspense>
    }
}

fn token_row(t: TokenLine, is_owner: bool) -> impl IntoView {
    let state = match (&t.revoked, t.expired) {
        (Some(r), _) => r.clone(),
        (None, true) => "Expiré".to_owned(),
        (None, false) => "Actif".to_owned(),
    };
    let active = t.revoked.is_none() && !t.expired;
    let services = if t.services.is_empty() {
        "Tous les services".to_owned()
    } else {
        t.services.join(", ")
    };
    let networks = if t.networks.is_empty() {
        "Toutes".to_owned()
    } else {
        t.networks.join(", ")
    };
    let name = t.name.clone();
    view! {
        <tr>
            <td>{t.name}<br /><code>{format!("{}…", t.display_prefix)}</code></td>
            <td>{services}</td>
            <td>{if t.can_write { "Lecture et écriture" } else { "Lecture" }}</td>
            <td>{t.expires_at}</td>
            <td>{networks}</td>
            <td>{t.last_used_at.unwrap_or_else(|| "Jamais".to_owned())}</td>
            <td>{t.created}</td>
            <td>
                {state}
                {(active && is_owner).then(|| view! {
                    <form method="post" action=format!("/admin/api/tokens/{}/revoke", t.id) class="inline-form">
                        <button type="submit" class="button button--secondary"
                            aria-label=format!("Révoquer le jeton {name}")>"Révoquer"</button>
                    </form>
                })}
            </td>
        </tr>
    }
}

fn api_page(
    header: AdminHeader,
    console: ApiConsole,
    feedback: Feedback,
    revoked: bool,
) -> impl IntoView {
    let new_token = feedback.value(crate::api::types::NEW_TOKEN_VALUE);
    let summary: Vec<(String, String)> = feedback
        .errors
        .iter()
        .map(|(k, m)| {
            let anchor = match k.as_str() {
                "services" => "services-all".to_owned(),
                "access" => "access-read".to_owned(),
                other => other.to_owned(),
            };
            (anchor, m.clone())
        })
        .collect();
    let checked: Vec<String> = feedback
        .value("services")
        .map(|v| v.split(',').map(str::to_owned).collect())
        .unwrap_or_default();
    let access = feedback
        .value("access")
        .unwrap_or_else(|| "read".to_owned());
    let services_error = feedback.error_for("services");
    let access_error = feedback.error_for("access");
    let base = console.public_url.clone();
    let example_token = new_token
        .clone()
        .unwrap_or_else(|| "iclefs_VOTRE_JETON".to_owned());
    let curl_services =
        format!("curl -H \"Authorization: Bearer {example_token}\" {base}/api/v1/services");
    let curl_list = format!(
        "curl -H \"Authorization: Bearer {example_token}\" \\\n  \"{base}/api/v1/services/ID_DU_SERVICE/submissions?acknowledged=false&limit=50\""
    );
    let curl_ack = format!(
        "curl -X POST -H \"Authorization: Bearer {example_token}\" \\\n  -H \"Idempotency-Key: $(uuidgen)\" {base}/api/v1/submissions/ID_DE_LA_DEMANDE/ack"
    );
    let name_input = input(
        &feedback,
        "name",
        "Nom du jeton",
        "Le logiciel ou le prestataire qui l'utilisera, par exemple « GRC – Éditeur X ».",
        "text",
        String::new(),
        None,
    );
    let expiry_input = input(
        &feedback,
        "expires_on",
        "Date d'expiration",
        "Obligatoire, au plus tard dans un an : le jeton cesse de fonctionner à la fin de ce jour (UTC). Sans calendrier, saisissez la date sous la forme aaaa-mm-jj.",
        "date",
        console.default_expiry.clone(),
        Some((console.min_expiry.clone(), console.max_expiry.clone())),
    );
    let networks_input = input(
        &feedback,
        "networks",
        "Adresses IP autorisées (facultatif)",
        "Adresses ou réseaux CIDR séparés par des virgules, par exemple 203.0.113.0/24, 2001:db8::/32. Vide : toute adresse.",
        "text",
        String::new(),
        None,
    );
    let is_owner = console.is_owner;
    let has_tokens = !console.tokens.is_empty();
    view! {
        <AdminLayout title="API" municipality=header.municipality user=header.user>
            <h1>"API pour les logiciels métier"</h1>
            <p>"L'API permet à un logiciel de la commune (gestion de la relation citoyen, logiciel métier, GED) de lire les services et les demandes reçues, avec l'identité certifiée, et de les marquer traitées. Chaque logiciel reçoit son propre jeton d'accès."</p>
            {revoked.then(|| view! { <p class="notice notice--success" role="status">"Jeton révoqué : il est refusé dès maintenant."</p> })}
            {new_token.clone().map(|token| view! {
                <section class="card" aria-labelledby="new-token-title">
                    <h2 id="new-token-title">"Jeton créé : copiez-le maintenant"</h2>
                    <p class="notice notice--success" role="status">"Il ne sera plus jamais affiché : seule son empreinte est conservée. Transmettez-le au logiciel par un canal sûr (pas par courriel)."</p>
                    <div class="field">
                        <label for="new-token">"Jeton d'accès"</label>
                        <input type="text" id="new-token" readonly="readonly" value=token.clone() autocomplete="off" />
                        <CopyButton text=token label="Copier le jeton".to_owned() />
                    </div>
                </section>
            })}
            <section aria-labelledby="tokens-title">
                <h2 id="tokens-title">"Jetons d'accès"</h2>
                {if has_tokens {
                    view! {
                        <table class="table">
                            <caption class="sr-only">"Jetons d'accès de la commune"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Nom"</th>
                                    <th scope="col">"Services"</th>
                                    <th scope="col">"Accès"</th>
                                    <th scope="col">"Expire le"</th>
                                    <th scope="col">"Adresses IP"</th>
                                    <th scope="col">"Dernière utilisation"</th>
                                    <th scope="col">"Créé"</th>
                                    <th scope="col">"État"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {console.tokens.into_iter().map(|t| token_row(t, is_owner)).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                } else {
                    view! { <p>"Aucun jeton pour l'instant."</p> }.into_any()
                }}
            </section>
            {is_owner.then(|| view! {
                <section class="card" aria-labelledby="create-title">
                    <h2 id="create-title">"Créer un jeton"</h2>
                    <ErrorSummary errors=summary />
                    <form method="post" action="/admin/api/tokens" class="form" novalidate="novalidate">
                        {name_input}
                        <fieldset class=if services_error.is_some() { "field field--error" } else { "field" }>
                            <legend>"Services accessibles"</legend>
                            <p class="hint">"Ne donnez accès qu'aux services dont le logiciel a besoin."</p>
                            {services_error.clone().map(|e| view! { <p class="field-error">{e}</p> })}
                            <div class="choice">
                                <input type="checkbox" id="services-all" name="services" value="all"
                                    checked=checked.iter().any(|v| v == "all") />
                                <label for="services-all">"Tous les services (y compris ceux créés plus tard)"</label>
                            </div>
                            {console.services.iter().map(|(id, title)| {
                                let input_id = format!("services-{id}");
                                let value = id.to_string();
                                let is_checked = checked.contains(&value);
                                view! {
                                    <div class="choice">
                                        <input type="checkbox" id=input_id.clone() name="services" value=value checked=is_checked />
                                        <label for=input_id>{title.clone()}</label>
                                    </div>
                                }
                            }).collect_view()}
                        </fieldset>
                        <fieldset class=if access_error.is_some() { "field field--error" } else { "field" }>
                            <legend>"Niveau d'accès"</legend>
                            {access_error.clone().map(|e| view! { <p class="field-error">{e}</p> })}
                            <div class="choice">
                                <input type="radio" id="access-read" name="access" value="read" checked=access == "read" />
                                <label for="access-read">"Lecture : lire les services et les demandes, accuser réception"</label>
                            </div>
                            <div class="choice">
                                <input type="radio" id="access-write" name="access" value="write" checked=access == "write" />
                                <label for="access-write">"Lecture et écriture : aussi marquer les demandes traitées ou à traiter"</label>
                            </div>
                        </fieldset>
                        {expiry_input}
                        {networks_input}
                        <div class="actions">
                            <button type="submit" class="button">"Créer le jeton"</button>
                        </div>
                    </form>
                </section>
            })}
            <section aria-labelledby="doc-title">
                <h2 id="doc-title">"Utiliser l'API"</h2>
                <p>"Chaque requête envoie le jeton dans l'en-tête "<code>"Authorization: Bearer <jeton>"</code>". Les réponses sont en JSON ; une erreur a toujours la forme "<code>"{\"error\": {\"code\": \"…\", \"message\": \"…\"}}"</code>" avec un code stable. Limite : 600 requêtes par minute et par jeton (au-delà : 429 et l'en-tête Retry-After)."</p>
                <p>"Description complète (OpenAPI 3.1), à importer dans votre outil : "
                    <a href="/api/v1/openapi.json">{format!("{base}/api/v1/openapi.json")}</a>
                </p>
                <table class="table">
                    <caption>"Adresses de l'API"</caption>
                    <thead><tr><th scope="col">"Requête"</th><th scope="col">"Rôle"</th></tr></thead>
                    <tbody>
                        <tr><td><code>"GET /api/v1/services"</code></td><td>"Les services accessibles au jeton, avec les champs de chaque version du formulaire (identifiants stables, type, libellé, caractère obligatoire, options) et les données d'identité demandées."</td></tr>
                        <tr><td><code>"GET /api/v1/services/{id}/submissions"</code></td><td>"Les demandes d'un service, des plus anciennes aux plus récentes, par pages ("<code>"limit"</code>" ≤ 100, "<code>"cursor"</code>" = "<code>"next_cursor"</code>" de la page précédente). Filtres : "<code>"status"</code>", "<code>"created_since"</code>", "<code>"updated_since"</code>" (RFC 3339), "<code>"acknowledged=false"</code>"."</td></tr>
                        <tr><td><code>"GET /api/v1/submissions/{id}"</code></td><td>"Une demande : référence, état, version du formulaire, identité certifiée (fournisseur, niveau eIDAS, date), réponses par identifiant de champ."</td></tr>
                        <tr><td><code>"POST /api/v1/submissions/{id}/ack"</code></td><td>"Accuser réception : la demande n'apparaît plus avec "<code>"acknowledged=false"</code>"."</td></tr>
                        <tr><td><code>"POST /api/v1/submissions/{id}/processed"</code>" et "<code>"…/unprocessed"</code></td><td>"Marquer traitée ou à traiter (jeton en lecture et écriture), inscrit dans l'historique de la demande."</td></tr>
                    </tbody>
                </table>
                <p>"Les requêtes POST acceptent l'en-tête "<code>"Idempotency-Key"</code>" : rejouée avec la même clé, une requête renvoie la même réponse sans rien refaire."</p>
                <h3>"Exemples"</h3>
                <pre class="mail"><code>{curl_services}</code></pre>
                <pre class="mail"><code>{curl_list}</code></pre>
                <pre class="mail"><code>{curl_ack}</code></pre>
            </section>
        </AdminLayout>
    }
}
