//! The console's "Connexion des citoyens" page: the FranceConnect environment, client id and
//! secret of the municipality, the addresses to declare at FranceConnect, and the connection
//! test. Server-rendered, works without JavaScript (copy buttons are a comfort).

use super::admin::{AdminHeader, admin_error};
use crate::{
    providers::types::{CUSTOM, DEMO, ENVIRONMENTS, FAS_CUSTOM, ProviderSettings},
    ui::{
        AdminLayout, ErrorSummary, Feedback,
        feedback::{labelled_input, use_feedback},
        islands::CopyButton,
    },
};
use leptos::prelude::*;

#[server(prefix = "/_fn", endpoint = "admin/identite")]
pub async fn load_identity_settings(
    test: bool,
) -> Result<(AdminHeader, ProviderSettings), crate::error::AppError> {
    super::admin::as_admin(move |state, admin, header| async move {
        Ok((
            header,
            crate::providers::service::page(&state, &admin, test).await?,
        ))
    })
    .await
}

#[component]
pub fn IdentitySettingsView() -> impl IntoView {
    let feedback = use_feedback();
    let test = super::query("test").is_some();
    let saved = super::query("enregistre").is_some();
    view! {
        <Suspense>
            {move || {
                let feedback = feedback.clone();
                Suspend::new(async move {
                    match load_identity_settings(test).await {
                        Ok((header, s)) => page(header, s, feedback, saved).into_any(),
                        Err(e) => admin_error(e),
                    }
                })
            }}
        </Suspense>
    }
}

fn page(
    header: AdminHeader,
    s: ProviderSettings,
    feedback: Feedback,
    saved: bool,
) -> impl IntoView {
    let chosen = feedback
        .value("environment")
        .unwrap_or_else(|| s.environment.clone());
    let environment_error = feedback.error_for("environment");
    let options = ENVIRONMENTS
        .into_iter()
        .filter(|e| e.key != DEMO || s.demo_available)
        .map(|e| {
            let id = format!("environment-{}", e.key);
            let checked = e.key == chosen;
            view! {
                <div class="choice">
                    <input type="radio" id=id.clone() name="environment" value=e.key checked=checked />
                    <label for=id>{e.label}</label>
                </div>
            }
        })
        .collect_view();
    // The secret is never sent back to the browser, not even after a refused post.
    let issuer = if s.environment == CUSTOM || s.environment == FAS_CUSTOM {
        s.issuer.clone()
    } else {
        String::new()
    };
    let client_id = s.client_id.clone();
    let secret_help = if s.has_secret {
        "Un secret est enregistré (chiffré) ; il n'est jamais affiché. Laissez vide pour le conserver."
    } else {
        "Fourni avec l'identifiant par le fournisseur d'identité. Il est enregistré chiffré et n'est jamais affiché."
    };
    let status = if s.configured {
        format!(
            "Configuré : {} (client {}), modifié le {}.",
            ENVIRONMENTS
                .into_iter()
                .find(|e| e.key == s.environment)
                .map_or("", |e| e.label),
            s.client_id,
            s.updated_at.clone().unwrap_or_default()
        )
    } else {
        "Aucun fournisseur d'identité n'est configuré : les citoyens ne peuvent pas encore s'identifier.".to_owned()
    };
    let report = s.report.clone();
    let callback = s.callback_url.clone();
    let logout = s.logout_url.clone();
    view! {
        <AdminLayout title="Connexion des citoyens" municipality=header.municipality user=header.user>
            <h1>"Connexion des citoyens"</h1>
            <p class="lead">"Les citoyens s'identifient avec FranceConnect (communes françaises) ou avec CSAM — eID ou itsme — (communes belges). La commune obtient son identifiant et son secret en déclarant i-CLEFS comme fournisseur de service dans l'espace partenaires du fournisseur."</p>
            {saved.then(|| view! { <p class="notice notice--success" role="status">"Réglages enregistrés."</p> })}
            <p class="status-line">{status}</p>

            <section aria-labelledby="urls-title" class="card">
                <h2 id="urls-title">"Adresses à déclarer auprès du fournisseur d'identité"</h2>
                <p>"Copiez-les telles quelles dans l'espace partenaires : FranceConnect comme CSAM refusent toute adresse qui diffère d'un caractère."</p>
                <div class="field">
                    <label for="callback-url">"URL de redirection de connexion (redirect_uri)"</label>
                    <input type="text" id="callback-url" readonly value=callback.clone() spellcheck="false" />
                    <CopyButton text=callback label="Copier l'URL de connexion".to_owned() />
                </div>
                <div class="field">
                    <label for="logout-url">"URL de redirection de déconnexion (post_logout_redirect_uri)"</label>
                    <input type="text" id="logout-url" readonly value=logout.clone() spellcheck="false" />
                    <CopyButton text=logout label="Copier l'URL de déconnexion".to_owned() />
                </div>
                <p class="hint">"Algorithme de signature à choisir : ES256 (recommandé) ou RS256, pour le jeton d'identité et pour les informations d'identité (userinfo)."</p>
            </section>

            {if s.is_owner {
                view! {
                    <section aria-labelledby="provider-title" class="card">
                        <h2 id="provider-title">"Fournisseur d'identité"</h2>
                        <ErrorSummary errors=feedback.errors.clone() />
                        <form method="post" action="/admin/identite" novalidate>
                            <fieldset id="environment" aria-describedby=environment_error.as_ref().map(|_| "environment-error")>
                                <legend>"Environnement"</legend>
                                {environment_error.clone().map(|m| view! { <p class="field-error" id="environment-error">{m}</p> })}
                                {options}
                            </fieldset>
                            {labelled_input(&feedback, "issuer", "Adresse de l'émetteur (seulement pour « Autre adresse »)",
                                "Par exemple https://oidc.franceconnect.gouv.fr/api/v2 ou https://idp.iamfas.belgium.be/fas/oauth2 : l'adresse avant /.well-known/openid-configuration.",
                                "url", issuer, None)}
                            {labelled_input(&feedback, "client_id", "Identifiant client (client_id)",
                                "Fourni par le fournisseur pour cet environnement (les clés d'un environnement ne marchent pas dans un autre).",
                                "text", client_id, None)}
                            {labelled_input(&feedback, "client_secret", "Secret client (client_secret)", secret_help, "password", String::new(), None)}
                            <div class="actions"><button type="submit" class="button">"Enregistrer"</button></div>
                        </form>
                    </section>
                }
                .into_any()
            } else {
                view! { <p class="notice">"Seuls les responsables de la commune peuvent modifier ces réglages."</p> }.into_any()
            }}

            {s.configured.then(|| view! {
                <section aria-labelledby="test-title" class="card">
                    <h2 id="test-title">"Tester la connexion"</h2>
                    <p>"Vérifie que l'adresse enregistrée répond comme le fournisseur choisi l'exige : document de découverte, émetteur, authentification du client, signatures, niveau de garantie, clés publiques."</p>
                    <form method="get" action="/admin/identite">
                        <input type="hidden" name="test" value="1" />
                        <button type="submit" class="button button--secondary">"Tester la connexion"</button>
                    </form>
                    {report.map(|checks| {
                        let failed = checks.iter().filter(|c| c.status == crate::providers::types::CheckStatus::Failed).count();
                        let summary = if failed == 0 {
                            "Résultat : la connexion au fournisseur est conforme.".to_owned()
                        } else {
                            format!("Résultat : {failed} point(s) en échec.")
                        };
                        view! {
                            <h3 id="report-title">"Résultat du test"</h3>
                            <p role="status">{summary}</p>
                            <ul class="checks" aria-labelledby="report-title">
                                {checks.into_iter().map(|c| view! {
                                    <li>
                                        <strong class=c.status.css()>{c.status.label_fr()}</strong>
                                        " " <strong>{c.label}</strong> " : " {c.detail}
                                    </li>
                                }).collect_view()}
                            </ul>
                        }
                    })}
                </section>
            })}
        </AdminLayout>
    }
}
