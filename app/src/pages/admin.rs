//! Admin console pages. They work without JavaScript; the islands bundle only adds comfort
//! (copy buttons).

use super::{ErrorBlock, param, query, redirect};
use crate::{
    distribution::types::{Distribution, POSTER_INSTRUCTIONS, PaperSize, Poster},
    domain::{FieldDefinition, FieldKind, IdentityClaim, ProcedureState, SubmissionStatus},
    error::AppError,
    inbox::types::{InboxPage, InboxQuery, InboxSort, SubmissionDetail},
    notifications::types::TemplateView,
    procedures::types::{ProcedureEditor, ProcedureSummary},
    ui::{
        AdminLayout, ErrorSummary,
        feedback::{labelled_input, use_feedback},
        islands::CopyButton,
        layout::PlainLayout,
    },
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Who is logged in, for the page frame.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AdminHeader {
    pub user: String,
    pub municipality: String,
}

/// Runs a console loader as the current admin, on its own task (see [`crate::web::detached`]:
/// a loader dropped by Leptos must not cancel a query half-way).
#[cfg(feature = "ssr")]
pub(crate) async fn as_admin<T, F, Fut>(work: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(crate::state::AppState, crate::auth::CurrentAdmin, AdminHeader) -> Fut
        + Send
        + 'static,
    Fut: std::future::Future<Output = Result<T, AppError>> + Send,
{
    let (state, headers) = crate::web::request_context()?;
    crate::web::detached(async move {
        let admin = crate::auth::admin::current(&state.db, &state.settings, &headers).await?;
        let header = AdminHeader {
            user: admin.display_name.clone(),
            municipality: admin.municipality_name.clone(),
        };
        work(state, admin, header).await
    })
    .await
}

#[server(prefix = "/_fn", endpoint = "admin/dashboard")]
pub async fn load_dashboard() -> Result<(AdminHeader, Vec<ProcedureSummary>), AppError> {
    as_admin(move |state, admin, header| async move {
        Ok((
            header,
            crate::procedures::service::list(&state, &admin).await?,
        ))
    })
    .await
}

#[server(prefix = "/_fn", endpoint = "admin/whoami")]
pub async fn load_header() -> Result<AdminHeader, AppError> {
    as_admin(|_, _, header| async move { Ok(header) }).await
}

#[server(prefix = "/_fn", endpoint = "admin/editor")]
pub async fn load_editor(
    id: Uuid,
) -> Result<(AdminHeader, ProcedureEditor, Option<Distribution>), AppError> {
    as_admin(move |state, admin, header| async move {
        let editor = crate::procedures::service::editor(&state, &admin, id).await?;
        let distribution = match editor.published_revision_number {
            Some(_) => Some(crate::distribution::service::distribution(&state, &admin, id).await?),
            None => None,
        };
        Ok((header, editor, distribution))
    })
    .await
}

/// One line of the audit log, as the console shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditLine {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub path: String,
}

#[server(prefix = "/_fn", endpoint = "admin/journal")]
pub async fn load_journal() -> Result<(AdminHeader, Vec<AuditLine>), AppError> {
    as_admin(move |state, admin, header| async move {
        if !admin.is_owner() {
            return Err(AppError::Forbidden);
        }
        let lines = crate::audit::latest(&state.db, admin.municipality_id)
            .await?
            .into_iter()
            .map(|e| AuditLine {
                at: crate::notifications::service::french_date(e.created_at),
                actor: e.actor,
                action: e.action,
                path: e.path,
            })
            .collect();
        Ok((header, lines))
    })
    .await
}

/// The audit log (`/admin/journal`, owners): who did what in the console, newest first.
#[component]
pub fn JournalView() -> impl IntoView {
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match load_journal().await {
                    Ok((header, lines)) => view! {
                        <AdminLayout title="Journal des actions" municipality=header.municipality user=header.user>
                            <h1>"Journal des actions"</h1>
                            <p>"Les dernières actions faites dans la console de la commune (200 au plus), les plus récentes d'abord. Le journal dit qui a fait quoi et sur quel objet, jamais les données saisies."</p>
                            {if lines.is_empty() {
                                view! { <p>"Aucune action enregistrée pour l'instant."</p> }.into_any()
                            } else {
                                view! {
                                    <table class="table">
                                        <caption class="sr-only">"Actions de la console"</caption>
                                        <thead><tr><th scope="col">"Date"</th><th scope="col">"Agent"</th><th scope="col">"Action"</th><th scope="col">"Objet"</th></tr></thead>
                                        <tbody>
                                            {lines.into_iter().map(|l| view! {
                                                <tr><td>{l.at}</td><td>{l.actor}</td><td>{l.action}</td><td><code>{l.path}</code></td></tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any()
                            }}
                        </AdminLayout>
                    }.into_any(),
                    Err(e) => admin_error(e),
                }
            })}
        </Suspense>
    }
}

#[server(prefix = "/_fn", endpoint = "admin/preview")]
pub async fn load_preview(id: Uuid) -> Result<crate::citizen::types::FormPage, AppError> {
    as_admin(move |state, admin, _header| async move {
        crate::citizen::service::preview(&state, &admin, id).await
    })
    .await
}

/// The citizen's form page drawn from the revision being edited (`/admin/services/:id/apercu`).
#[component]
pub fn PreviewView() -> impl IntoView {
    let id = param("id");
    view! {
        <Suspense>
            {move || {
                let id = id.clone();
                Suspend::new(async move {
                    let result = match parse_id(&id) {
                        Ok(id) => load_preview(id).await.map(|page| (id, page)),
                        Err(e) => Err(e),
                    };
                    match result {
                        Ok((id, page)) => super::citizen::form_page(page, Some(id)).into_any(),
                        Err(e) => admin_error(e),
                    }
                })
            }}
        </Suspense>
    }
}

#[server(prefix = "/_fn", endpoint = "admin/poster")]
pub async fn load_poster(id: Uuid, format: Option<String>) -> Result<Poster, AppError> {
    as_admin(move |state, admin, _header| async move {
        let size = PaperSize::parse(format.as_deref());
        crate::distribution::service::poster(&state, &admin, id, size).await
    })
    .await
}

#[server(prefix = "/_fn", endpoint = "admin/inbox")]
pub async fn load_inbox(
    q: InboxQuery,
    notices: Vec<String>,
) -> Result<(AdminHeader, InboxPage), AppError> {
    as_admin(move |state, admin, header| async move {
        Ok((
            header,
            crate::inbox::service::list(&state, &admin, q, notices).await?,
        ))
    })
    .await
}

#[server(prefix = "/_fn", endpoint = "admin/submission")]
pub async fn load_detail(id: Uuid) -> Result<(AdminHeader, SubmissionDetail), AppError> {
    as_admin(move |state, admin, header| async move {
        Ok((
            header,
            crate::inbox::service::detail(&state, &admin, id).await?,
        ))
    })
    .await
}

/// Unauthenticated admins go to the login page; other errors get an error page.
pub(crate) fn admin_error(error: AppError) -> AnyView {
    if error == AppError::Unauthorized {
        redirect("/admin/login");
        return ().into_any();
    }
    view! {
        <PlainLayout title=error.title_fr()>
            <ErrorBlock error />
        </PlainLayout>
    }
    .into_any()
}

fn parse_id(raw: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw).map_err(|_| AppError::NotFound)
}

#[component]
pub fn LoginView() -> impl IntoView {
    let feedback = use_feedback();
    let summary: Vec<(String, String)> = feedback
        .error_for("form")
        .map(|m| vec![("email".to_owned(), m)])
        .unwrap_or_default();
    let email = feedback.value("email").unwrap_or_default();
    #[cfg(feature = "ssr")]
    let proconnect =
        use_context::<crate::state::AppState>().is_some_and(|s| s.settings.proconnect.is_some());
    #[cfg(not(feature = "ssr"))]
    let proconnect = false;
    view! {
        <PlainLayout title="Connexion agent">
            <h1>"Connexion à l'administration"</h1>
            <ErrorSummary errors=summary />
            // ProConnect first, separated by "ou", as the button's rules ask (identity.md §1.6).
            {proconnect.then(|| view! {
                <form method="post" action="/admin/proconnect/login" class="fr-connect-group">
                    {crate::ui::connect::connect_button(crate::ui::connect::Federation::ProConnect)}
                </form>
                <p class="separator">"ou"</p>
            })}
            <form method="post" action="/admin/login" class="form form--narrow">
                <div class="field">
                    <label for="email">"Adresse électronique"</label>
                    <input type="email" id="email" name="email" autocomplete="username" value=email required />
                </div>
                <div class="field">
                    <label for="password">"Mot de passe"</label>
                    <input type="password" id="password" name="password" autocomplete="current-password" required />
                </div>
                <div class="actions">
                    <button type="submit" class="button">"Se connecter"</button>
                </div>
            </form>
        </PlainLayout>
    }
}

#[component]
pub fn DashboardView() -> impl IntoView {
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match load_dashboard().await {
                    Ok((header, services)) => dashboard(header, services).into_any(),
                    Err(e) => admin_error(e),
                }
            })}
        </Suspense>
    }
}

fn dashboard(header: AdminHeader, services: Vec<ProcedureSummary>) -> impl IntoView {
    let empty = services.is_empty();
    view! {
        <AdminLayout title="Tableau de bord" municipality=header.municipality.clone() user=header.user>
            <h1>{format!("Tableau de bord – {}", header.municipality)}</h1>
            <p><a class="button" href="/admin/services/new">"Créer un service"</a></p>
            <h2>"Vos services"</h2>
            {if empty {
                view! { <p>"Aucun service pour l'instant. Créez le premier en quelques minutes."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <caption class="sr-only">"Services de la commune"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Service"</th>
                                <th scope="col">"État"</th>
                                <th scope="col">"À traiter"</th>
                                <th scope="col">"Demandes reçues"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {services
                                .into_iter()
                                .map(|s| view! {
                                    <tr>
                                        <td><a href=format!("/admin/services/{}", s.id)>{s.title}</a></td>
                                        <td>{s.state.label_fr()}</td>
                                        <td>{s.unprocessed}</td>
                                        <td>{s.total}</td>
                                    </tr>
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
        </AdminLayout>
    }
}

#[component]
pub fn NewServiceView() -> impl IntoView {
    let feedback = use_feedback();
    view! {
        <Suspense>
            {move || {
                let feedback = feedback.clone();
                Suspend::new(async move {
                    match load_header().await {
                        Ok(header) => new_service(header, feedback).into_any(),
                        Err(e) => admin_error(e),
                    }
                })
            }}
        </Suspense>
    }
}

fn new_service(header: AdminHeader, feedback: crate::ui::Feedback) -> impl IntoView {
    let summary: Vec<(String, String)> = feedback
        .errors
        .iter()
        .map(|(k, m)| {
            (
                if k == "claims" {
                    "claim-family_name".to_owned()
                } else {
                    k.clone()
                },
                m.clone(),
            )
        })
        .collect();
    let checked: Vec<String> = feedback
        .values
        .get("claims")
        .map(|v| v.split(',').map(str::to_owned).collect())
        .unwrap_or_default();
    let title_error = feedback.error_for("title");
    let claims_error = feedback.error_for("claims");
    // Every problem of an imported file, one per line.
    let document_error = {
        let all: Vec<String> = feedback
            .errors
            .iter()
            .filter(|(k, _)| k == "document")
            .map(|(_, m)| m.clone())
            .collect();
        (!all.is_empty()).then(|| all.join(" "))
    };
    view! {
        <AdminLayout title="Créer un service" municipality=header.municipality user=header.user>
            <h1>"Créer un service"</h1>
            <ErrorSummary errors=summary />
            <form method="post" action="/admin/services" class="form" novalidate="novalidate">
                <div class=if title_error.is_some() { "field field--error" } else { "field" }>
                    <label for="title">"Titre du service"</label>
                    <p class="hint" id="title-help">"Par exemple : Inscription à la bibliothèque. Il sert aussi à construire l'adresse du service."</p>
                    {title_error.clone().map(|e| view! { <p class="field-error" id="title-error">{e}</p> })}
                    <input type="text" id="title" name="title" value=feedback.value("title").unwrap_or_default()
                        aria-describedby=if title_error.is_some() { "title-help title-error" } else { "title-help" }
                        aria-invalid=title_error.is_some().then_some("true") />
                </div>
                <div class="field">
                    <label for="description">"Description"</label>
                    <p class="hint" id="description-help">"Ce que le citoyen obtient, les délais, les pièces éventuelles."</p>
                    <textarea id="description" name="description" rows="4" aria-describedby="description-help">
                        {crate::ui::escape_raw_text(&feedback.value("description").unwrap_or_default())}
                    </textarea>
                </div>
                <fieldset class=if claims_error.is_some() { "field field--error" } else { "field" }>
                    <legend>"Données d'identité certifiées demandées à FranceConnect"</legend>
                    <p class="hint">"Ne demandez que ce qui est nécessaire au service : chaque donnée cochée sera transmise par l'État."</p>
                    {claims_error.clone().map(|e| view! { <p class="field-error">{e}</p> })}
                    {IdentityClaim::ALL
                        .into_iter()
                        .map(|c| {
                            let id = format!("claim-{}", c.as_str());
                            let is_checked = checked.iter().any(|v| v == c.as_str());
                            let help_id = format!("{id}-help");
                            view! {
                                <div class="choice">
                                    <input type="checkbox" id=id.clone() name="claims" value=c.as_str() checked=is_checked aria-describedby=help_id.clone() />
                                    <label for=id>{c.label_fr()}</label>
                                    <p class="hint" id=help_id>{c.help_fr()}</p>
                                </div>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <div class="actions">
                    <button type="submit" class="button">"Créer le service"</button>
                </div>
            </form>
            <section aria-labelledby="import-title" class="card">
                <h2 id="import-title">"Ou importer un service"</h2>
                <p>"Un fichier JSON exporté depuis i-CLEFS (par votre commune ou une autre) devient un nouveau service en préparation, que vous pouvez relire avant de le publier."</p>
                <form method="post" action="/admin/services/import" enctype="multipart/form-data" class="form" novalidate="novalidate">
                    <div class=if document_error.is_some() { "field field--error" } else { "field" }>
                        <label for="document">"Fichier du service (JSON)"</label>
                        <p class="hint" id="document-help">"1 Mo au plus. Le format est décrit dans la documentation (docs/SERVICE-FORMAT.md)."</p>
                        {document_error.clone().map(|e| view! { <p class="field-error" id="document-error">{e}</p> })}
                        <input type="file" id="document" name="document" accept="application/json,.json"
                            aria-describedby=if document_error.is_some() { "document-help document-error" } else { "document-help" }
                            aria-invalid=document_error.is_some().then_some("true") />
                    </div>
                    <div class="actions">
                        <button type="submit" class="button button--secondary">"Importer"</button>
                    </div>
                </form>
            </section>
        </AdminLayout>
    }
}

#[component]
pub fn EditorView() -> impl IntoView {
    let id = param("id");
    let feedback = use_feedback();
    view! {
        <Suspense>
            {move || {
                let (id, feedback) = (id.clone(), feedback.clone());
                Suspend::new(async move {
                    let result = match parse_id(&id) {
                        Ok(id) => load_editor(id).await,
                        Err(e) => Err(e),
                    };
                    match result {
                        Ok((header, editor, distribution)) => {
                            editor_page(header, editor, distribution, feedback).into_any()
                        }
                        Err(e) => admin_error(e),
                    }
                })
            }}
        </Suspense>
    }
}

fn editor_page(
    header: AdminHeader,
    e: ProcedureEditor,
    distribution: Option<Distribution>,
    feedback: crate::ui::Feedback,
) -> impl IntoView {
    let base = format!("/admin/services/{}", e.id);
    let online = e.state.accepts_submissions();
    let can_publish = e.state == ProcedureState::Draft
        || e.has_unpublished_changes
        || e.state == ProcedureState::Closed;
    let summary = feedback.errors.clone();
    let label_error = feedback.error_for("label");
    let options_error = feedback.error_for("options");
    let kind_value = feedback
        .value("kind")
        .unwrap_or_else(|| "short_text".to_owned());
    let retired = query("retire").is_some();
    let settings = field_settings_inputs(&feedback);
    let condition = condition_inputs(&feedback, &e.fields);
    view! {
        <AdminLayout title=e.title.clone() municipality=header.municipality user=header.user>
            <p><a href="/admin">"← Tableau de bord"</a></p>
            <h1>{e.title.clone()}</h1>
            <p class="status-line">
                "État : " <strong class="status">{e.state.label_fr()}</strong>
                {e.published_revision_number.map(|n| format!(" – version publiée : {n}"))}
                {e.has_unpublished_changes.then_some(" – modifications non publiées")}
            </p>
            <ErrorSummary errors=summary />

            <section aria-labelledby="claims-title" class="card">
                <h2 id="claims-title">"Identité certifiée demandée"</h2>
                <ul>{e.claims.iter().map(|c| view! { <li>{c.label_fr()}</li> }).collect_view()}</ul>
            </section>

            <section aria-labelledby="fields-title" class="card">
                <h2 id="fields-title">{format!("Champs du formulaire (version {})", e.revision_number)}</h2>
                {if e.fields.is_empty() {
                    view! { <p>"Aucun champ pour l'instant."</p> }.into_any()
                } else {
                    let count = e.fields.len();
                    view! {
                        <ol class="field-list">
                            {e.fields
                                .iter()
                                .enumerate()
                                .map(|(i, f)| field_item(&base, f, i, count, &e.fields))
                                .collect_view()}
                        </ol>
                    }
                    .into_any()
                }}
                {(!e.removed.is_empty()).then(|| view! {
                    <div id="champs-retires" class="removed-fields" tabindex="-1">
                        {retired.then(|| view! { <p class="notice notice--success" role="status">"Champ supprimé. Vous pouvez l'annuler ci-dessous jusqu'à la prochaine publication."</p> })}
                        <h3>"Champs supprimés"</h3>
                        <ul>
                            {e.removed.iter().map(|f| {
                                let restore = format!("{base}/fields/{}/restore", f.stable_id);
                                view! {
                                    <li>
                                        {f.label.clone()}
                                        <form method="post" action=restore class="inline-form">
                                            <button type="submit" class="link-button">
                                                "Annuler la suppression" <span class="sr-only">{format!(" du champ {}", f.label)}</span>
                                            </button>
                                        </form>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </div>
                })}
                <h3>"Ajouter un champ"</h3>
                <form method="post" action=format!("{base}/fields") class="form" novalidate="novalidate">
                    <div class=if label_error.is_some() { "field field--error" } else { "field" }>
                        <label for="label">"Libellé du champ"</label>
                        {label_error.clone().map(|m| view! { <p class="field-error" id="label-error">{m}</p> })}
                        <input type="text" id="label" name="label" value=feedback.value("label").unwrap_or_default()
                            aria-invalid=label_error.is_some().then_some("true")
                            aria-describedby=label_error.is_some().then_some("label-error") />
                    </div>
                    <div class="field">
                        <label for="kind">"Type de champ"</label>
                        <select id="kind" name="kind">
                            {FieldKind::ALL
                                .into_iter()
                                .map(|k| view! { <option value=k.as_str() selected=k.as_str() == kind_value>{k.label_fr()}</option> })
                                .collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="help">"Texte d'aide (facultatif)"</label>
                        <p class="hint" id="help-help">"Pour un texte explicatif : une ligne vide sépare les paragraphes, une ligne commençant par « - » fait une liste, **gras** met en gras et [texte](https://…) fait un lien. Aucun HTML n'est interprété."</p>
                        <textarea id="help" name="help" rows="3" aria-describedby="help-help">
                            {crate::ui::escape_raw_text(&feedback.value("help").unwrap_or_default())}
                        </textarea>
                    </div>
                    <div class=if options_error.is_some() { "field field--error" } else { "field" }>
                        <label for="options">"Options (une par ligne)"</label>
                        <p class="hint" id="options-help">"Uniquement pour un choix unique ou multiple."</p>
                        {options_error.clone().map(|m| view! { <p class="field-error" id="options-error">{m}</p> })}
                        <textarea id="options" name="options" rows="4"
                            aria-describedby=if options_error.is_some() { "options-help options-error" } else { "options-help" }>
                            {crate::ui::escape_raw_text(&feedback.value("options").unwrap_or_default())}
                        </textarea>
                    </div>
                    <div class="choice">
                        <input type="checkbox" id="required" name="required" value="on" />
                        <label for="required">"Réponse obligatoire"</label>
                    </div>
                    {settings}
                    {condition}
                    <div class="actions">
                        <button type="submit" class="button button--secondary">"Ajouter le champ"</button>
                    </div>
                </form>
            </section>

            {(!e.fields.is_empty()).then(|| live_preview(&e.fields))}

            <section aria-labelledby="publish-title" class="card">
                <h2 id="publish-title">"Publication"</h2>
                <p><a class="button button--secondary" href=format!("{base}/apercu")>"Aperçu du formulaire"</a>
                    " – tel que le citoyen le verra, avec les changements pas encore publiés."</p>
                <p class="actions">
                    <a href=format!("{base}/export.json") download="">"Exporter ce service (JSON)"</a>
                </p>
                <form method="post" action=format!("{base}/duplicate")>
                    <button type="submit" class="button button--secondary">"Dupliquer ce service"</button>
                </form>
                {can_publish.then(|| view! {
                    <form method="post" action=format!("{base}/publish")>
                        <button type="submit" class="button">"Publier"</button>
                    </form>
                })}
                {(online && !e.has_unpublished_changes).then(|| view! {
                    <form method="post" action=format!("{base}/close")>
                        <button type="submit" class="button button--secondary">"Fermer le service"</button>
                    </form>
                })}
                {distribution.map(|d| distribution_kit(base.clone(), e.public_url.clone(), d))}
            </section>
        </AdminLayout>
    }
}

/// The questions as citizens will see them, drawn by the citizen page's own component and
/// redrawn after every change in the builder (each change reloads the page). The full page,
/// with the header and the identity block, is *Aperçu du formulaire*.
fn live_preview(fields: &[FieldDefinition]) -> impl IntoView + use<> {
    let lang = crate::i18n::Lang::Fr;
    view! {
        <section aria-labelledby="live-preview-title" class="card live-preview">
            <h2 id="live-preview-title">"Aperçu des questions"</h2>
            <p class="hint">"Tel que le citoyen les verra, mis à jour à chaque modification. Rien ne peut être envoyé d'ici."</p>
            <div class="form live-preview__form">
                {super::citizen::with_condition_hints(fields.to_vec(), lang)
                    .into_iter()
                    .map(|field| super::citizen::field_input(field, String::new(), None, lang))
                    .collect_view()}
            </div>
        </section>
    }
}

/// One field of the builder's list, with its settings, its condition and its buttons (plain
/// forms: keyboard, mouse and no-script alike; each names its field for screen readers).
fn field_item(
    base: &str,
    f: &FieldDefinition,
    index: usize,
    count: usize,
    all: &[FieldDefinition],
) -> impl IntoView + use<> {
    let action = |what: &str| format!("{base}/fields/{}/{what}", f.stable_id);
    let label = f.label.clone();
    let button = move |text: &'static str, what: String| {
        let label = label.clone();
        view! {
            <form method="post" action=what class="inline-form">
                <button type="submit" class="link-button">
                    {text} <span class="sr-only">{format!(" le champ {label}")}</span>
                </button>
            </form>
        }
    };
    let rules = f.rules.summary_fr();
    let condition = f.condition.as_ref().map(|c| condition_summary_fr(c, all));
    view! {
        <li class="field-list__item" id=format!("champ-{}", f.stable_id) tabindex="-1">
            <span class="field-list__label">{f.label.clone()}</span>
            <span class="field-list__meta">
                {f.kind.label_fr()}
                {if !f.kind.takes_answer() { "" } else if f.required { " – obligatoire" } else { " – facultatif" }}
                {(!rules.is_empty()).then(|| format!(" – {}", rules.join(", ")))}
            </span>
            {condition.map(|c| view! { <span class="field-list__condition">{c}</span> })}
            <span class="field-list__actions">
                {(index > 0).then(|| button("Monter", action("up")))}
                {(index + 1 < count).then(|| button("Descendre", action("down")))}
                {button("Dupliquer", action("duplicate"))}
                {button("Supprimer", action("delete"))}
            </span>
        </li>
    }
}

/// "Affiché si « Animal ? » est égale à « oui »", as the builder lists it.
fn condition_summary_fr(c: &crate::domain::rules::Condition, all: &[FieldDefinition]) -> String {
    let rules: Vec<String> = c
        .rules
        .iter()
        .map(|r| {
            let question = all
                .iter()
                .find(|f| f.stable_id == r.field)
                .map_or("?", |f| f.label.as_str());
            if r.op.needs_value() {
                format!("« {question} » {} « {} »", r.op.label_fr(), r.value)
            } else {
                format!("« {question} » {}", r.op.label_fr())
            }
        })
        .collect();
    format!(
        "Affiché seulement si {}",
        rules.join(if c.any { " ou " } else { " et " })
    )
}

/// A small labelled input of the field settings (its error, if any, beside it).
fn setting_input(
    feedback: &crate::ui::Feedback,
    name: &'static str,
    label: &'static str,
    kind: &'static str,
) -> impl IntoView + use<> {
    let error = feedback.error_for(name);
    view! {
        <div class=if error.is_some() { "field field--error" } else { "field" }>
            <label for=name>{label}</label>
            {error.clone().map(|m| view! { <p class="field-error" id=format!("{name}-error")>{m}</p> })}
            <input type=kind id=name name=name value=feedback.value(name).unwrap_or_default()
                aria-invalid=error.is_some().then_some("true")
                aria-describedby=error.is_some().then(|| format!("{name}-error")) />
        </div>
    }
}

fn setting_check(
    feedback: &crate::ui::Feedback,
    name: &'static str,
    label: &'static str,
) -> impl IntoView + use<> {
    view! {
        <div class="choice">
            <input type="checkbox" id=name name=name value="on" checked=feedback.value(name).is_some() />
            <label for=name>{label}</label>
        </div>
    }
}

/// The settings of the field being added, grouped by the kind they apply to (the others are
/// ignored), so the form works without script.
fn field_settings_inputs(feedback: &crate::ui::Feedback) -> impl IntoView + use<> {
    view! {
        <details class="settings">
            <summary>"Réglages selon le type (facultatif)"</summary>
            <fieldset class="fieldset">
                <legend>"Nombre"</legend>
                {setting_input(feedback, "min", "Valeur minimale", "text")}
                {setting_input(feedback, "max", "Valeur maximale", "text")}
                {setting_check(feedback, "integer", "Nombre entier seulement")}
            </fieldset>
            <fieldset class="fieldset">
                <legend>"Date"</legend>
                {setting_input(feedback, "date_min", "Date la plus précoce", "date")}
                {setting_input(feedback, "date_max", "Date la plus tardive", "date")}
                {setting_check(feedback, "past_only", "Pas de date dans le futur (date de naissance, de perte…)")}
            </fieldset>
            <fieldset class="fieldset">
                <legend>"Choix unique"</legend>
                {setting_check(feedback, "as_list", "Afficher en liste déroulante (pour une longue liste ; sinon, boutons radio)")}
            </fieldset>
            <fieldset class="fieldset">
                <legend>"Choix multiple"</legend>
                {setting_input(feedback, "min_selected", "Nombre minimal de cases cochées", "text")}
                {setting_input(feedback, "max_selected", "Nombre maximal de cases cochées", "text")}
            </fieldset>
            <fieldset class="fieldset">
                <legend>"Pièce jointe"</legend>
                {setting_input(feedback, "max_size_mb", "Taille maximale en Mo (5 par défaut, 10 au plus)", "text")}
            </fieldset>
            <fieldset class="fieldset">
                <legend>"Texte court : format imposé"</legend>
                <p class="hint">"Une expression régulière que toute la réponse doit respecter, par exemple [A-Z]-[0-9]{6} pour « B-123456 », et le message affiché sinon."</p>
                {setting_input(feedback, "pattern", "Motif (expression régulière)", "text")}
                {setting_input(feedback, "pattern_message", "Message si la réponse ne respecte pas le motif", "text")}
            </fieldset>
        </details>
    }
}

/// "Afficher ce champ seulement si…": up to two rules on questions already in the form.
fn condition_inputs(
    feedback: &crate::ui::Feedback,
    fields: &[FieldDefinition],
) -> impl IntoView + use<> {
    use crate::domain::rules::ConditionOp;
    let questions: Vec<(String, String)> = fields
        .iter()
        .filter(|f| f.kind.takes_answer())
        .map(|f| (f.stable_id.to_string(), f.label.clone()))
        .collect();
    let error = feedback.error_for("condition_field");
    let rule = |prefix: &'static str, title: &'static str| {
        let field_name = format!("{prefix}_field");
        let op_name = format!("{prefix}_op");
        let value_name = format!("{prefix}_value");
        let picked = feedback.value(&field_name).unwrap_or_default();
        let op = feedback.value(&op_name).unwrap_or_default();
        let value = feedback.value(&value_name).unwrap_or_default();
        view! {
            <fieldset class="fieldset condition-rule">
                <legend>{title}</legend>
                <div class="field">
                    <label for=field_name.clone()>"Question"</label>
                    <select id=field_name.clone() name=field_name.clone()>
                        <option value="">"— toujours afficher —"</option>
                        {questions.iter().map(|(id, label)| view! {
                            <option value=id.clone() selected=*id == picked>{label.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for=op_name.clone()>"Sa réponse"</label>
                    <select id=op_name.clone() name=op_name.clone()>
                        {ConditionOp::ALL.into_iter().map(|o| view! {
                            <option value=o.as_str() selected=o.as_str() == op>{o.label_fr()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for=value_name.clone()>"Valeur (pour un oui/non : oui ou non)"</label>
                    <input type="text" id=value_name.clone() name=value_name.clone() value=value />
                </div>
            </fieldset>
        }
    };
    let any = feedback.value("condition_join").as_deref() == Some("any");
    (!questions.is_empty()).then(|| view! {
        <details class="settings" open=error.is_some()>
            <summary>"Affichage conditionnel (facultatif)"</summary>
            <p class="hint">"Le champ n'est demandé que si la condition est remplie ; sinon il n'est ni obligatoire ni conservé. Pour un titre de section, la condition vaut pour toute la section. Seules les questions déjà présentes (placées avant) peuvent servir."</p>
            {error.clone().map(|m| view! { <p class="field-error" id="condition_field-error">{m}</p> })}
            {rule("condition", "Condition")}
            <div class="field">
                <label for="condition_join">"Si deux conditions"</label>
                <select id="condition_join" name="condition_join">
                    <option value="all" selected=!any>"les deux doivent être remplies (ET)"</option>
                    <option value="any" selected=any>"une seule suffit (OU)"</option>
                </select>
            </div>
            {rule("condition2", "Seconde condition (facultative)")}
        </details>
    })
}

/// The distribution kit: address, HTML line, QR code, posters, and activations per channel.
fn distribution_kit(base: String, public_url: String, d: Distribution) -> impl IntoView {
    let embed = d.embed_html.clone();
    let short = d.short_url.clone();
    view! {
        <h3>"Diffuser le service"</h3>
        <p>
            "Adresse du service : " <a href=public_url.clone()>"Ouvrir le service"</a> " "
            <code>{public_url}</code>
        </p>
        <div class="field">
            <label for="short-url">"Adresse courte (stable, même si le titre change)"</label>
            <input type="text" id="short-url" readonly="readonly" value=short.clone() />
            <CopyButton text=short label="Copier l'adresse courte".to_owned() />
        </div>
        <div class="field">
            <label for="embed">"Ligne HTML à coller dans le site de la commune"</label>
            <p class="hint" id="embed-help">"Un simple lien mis en forme, sans script : il s'affiche dans tout site (WordPress, Drupal, Joomla…)."</p>
            <textarea id="embed" rows="4" readonly="readonly" aria-describedby="embed-help">{crate::ui::escape_raw_text(&embed)}</textarea>
            <CopyButton text=embed label="Copier la ligne HTML".to_owned() />
        </div>
        <figure class="qr">
            <img src=format!("{base}/qr.svg") alt=format!("QR code ouvrant {}", d.qr_url) width="200" height="200" />
            <figcaption>"QR code à imprimer : il ouvre directement le service (correction d'erreur renforcée)."</figcaption>
        </figure>
        <ul class="downloads">
            <li><a href=format!("{base}/qr.svg") download="">"QR code (SVG, pour l'impression)"</a></li>
            <li><a href=format!("{base}/qr.png?taille=1000") download="">"QR code (PNG, 1000 pixels)"</a></li>
            <li><a href=format!("{base}/affiche.pdf?format=a4") download="">"Affiche A4 (PDF)"</a></li>
            <li><a href=format!("{base}/affiche.pdf?format=a5") download="">"Affiche A5 (PDF)"</a></li>
            <li><a href=format!("{base}/affiche?format=a4")>"Affiche à imprimer depuis le navigateur"</a></li>
        </ul>
        <table class="table">
            <caption>"Activations par canal (sans cookie ni donnée personnelle)"</caption>
            <thead>
                <tr>
                    <th scope="col">"Canal"</th>
                    <th scope="col">"Visites"</th>
                    <th scope="col">"Connexions"</th>
                    <th scope="col">"Demandes"</th>
                </tr>
            </thead>
            <tbody>
                {d.stats.into_iter().map(|l| view! {
                    <tr data-channel=l.channel.as_str()>
                        <th scope="row">{l.channel.label_fr()}</th>
                        <td>{l.visits}</td>
                        <td>{l.logins}</td>
                        <td>{l.submissions}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The printable poster (A4 or A5): print it from the browser, or download the PDF.
#[component]
pub fn PosterView() -> impl IntoView {
    let id = param("id");
    let format = query("format");
    view! {
        <Suspense>
            {move || {
                let (id, format) = (id.clone(), format.clone());
                Suspend::new(async move {
                    let result = match parse_id(&id) {
                        Ok(id) => load_poster(id, format).await,
                        Err(e) => Err(e),
                    };
                    match result {
                        Ok(p) => poster_page(id, p).into_any(),
                        Err(e) => admin_error(e),
                    }
                })
            }}
        </Suspense>
    }
}

fn poster_page(id: String, p: Poster) -> impl IntoView {
    let class = format!("poster poster--{}", p.size.as_str());
    let other = match p.size {
        PaperSize::A4 => ("a5", "Version A5"),
        PaperSize::A5 => ("a4", "Version A4"),
    };
    view! {
        <leptos_meta::Html {..} lang="fr" />
        <leptos_meta::Title text=crate::ui::escape_raw_text(&format!("Affiche – {}", p.title)) />
        <nav class="poster-tools" aria-label="Affiche">
            <a href=format!("/admin/services/{id}")>"← Retour au service"</a>
            " · "
            <a href=format!("/admin/services/{id}/affiche?format={}", other.0)>{other.1}</a>
            " · "
            <a href=format!("/admin/services/{id}/affiche.pdf?format={}", p.size.as_str())>"Télécharger le PDF"</a>
            " · Imprimez cette page (Ctrl+P) : la mise en page est prévue pour le papier."
        </nav>
        <main id="contenu" class=class>
            <p class="poster__municipality">{p.municipality}</p>
            <h1 class="poster__title">{p.title.clone()}</h1>
            <img class="poster__qr" src=format!("/admin/services/{id}/qr.svg") alt=format!("QR code ouvrant {}", p.short_url) />
            <p class="poster__instructions">{POSTER_INSTRUCTIONS}</p>
            <p class="poster__url">{p.short_url}</p>
        </main>
    }
}

#[component]
pub fn InboxView() -> impl IntoView {
    let (q, notices) = InboxQuery::from_params(query);
    let feedback = use_feedback();
    let bulk_done = query("traitees");
    view! {
        <Suspense>
            {move || {
                let (q, notices, feedback, bulk_done) = (q.clone(), notices.clone(), feedback.clone(), bulk_done.clone());
                Suspend::new(async move {
                    match load_inbox(q, notices).await {
                        Ok((header, page)) => inbox_page(header, page, feedback, bulk_done).into_any(),
                        Err(e) => admin_error(e),
                    }
                })
            }}
        </Suspense>
    }
}

fn inbox_page(
    header: AdminHeader,
    page: InboxPage,
    feedback: crate::ui::Feedback,
    bulk_done: Option<String>,
) -> impl IntoView {
    let q = page.query.clone();
    let tab = |status: Option<SubmissionStatus>, label: &str, count: String| {
        let current = (q.status == status).then_some("page");
        view! {
            <li>
                <a href=format!("/admin/inbox?{}", q.with_status(status).to_params(false)) aria-current=current class="tabs__tab">
                    {format!("{label} ({count})")}
                </a>
            </li>
        }
    };
    let tabs = view! {
        {tab(Some(SubmissionStatus::Unprocessed), "À traiter", page.counts.label(page.counts.unprocessed))}
        {tab(Some(SubmissionStatus::Processed), "Traitées", page.counts.label(page.counts.processed))}
        {tab(None, "Toutes", page.counts.label(page.counts.all()))}
    };
    let status_value = match q.status {
        Some(SubmissionStatus::Unprocessed) => "unprocessed",
        Some(SubmissionStatus::Processed) => "processed",
        None => "all",
    };
    let params = q.to_params(false);
    let empty = page.rows.is_empty();
    let next = page.next_cursor.map(|c| {
        let next = InboxQuery {
            after: Some(c),
            ..q.clone()
        };
        format!("/admin/inbox?{}", next.to_params(true))
    });
    let return_to = format!("/admin/inbox?{}", q.to_params(true));
    view! {
        <AdminLayout title="Boîte de réception" municipality=header.municipality user=header.user>
            <h1>"Boîte de réception"</h1>
            {page.notices.into_iter().map(|n| view! { <p class="notice notice--warning" role="status">{n}</p> }).collect_view()}
            {feedback.error_for("form").map(|m| view! { <p class="notice notice--error" role="alert">{m}</p> })}
            {bulk_done.map(|n| view! { <p class="notice notice--success" role="status">{format!("{n} demande(s) mise(s) à jour.")}</p> })}
            <form method="get" action="/admin/inbox" class="filters" role="search" aria-label="Filtrer les demandes">
                <input type="hidden" name="status" value=status_value />
                <div class="field">
                    <label for="q">"Référence ou nom de famille"</label>
                    <input type="search" id="q" name="q" value=q.search.clone().unwrap_or_default() autocomplete="off" />
                </div>
                <div class="field">
                    <label for="service">"Service"</label>
                    <select id="service" name="service">
                        <option value="">"Tous les services"</option>
                        {page.services.into_iter().map(|(id, title)| view! {
                            <option value=id.to_string() selected=q.service == Some(id)>{title}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="du">"Reçues à partir du"</label>
                    <input type="date" id="du" name="du" value=q.from.map(|d| d.to_string()).unwrap_or_default() />
                </div>
                <div class="field">
                    <label for="au">"jusqu'au"</label>
                    <input type="date" id="au" name="au" value=q.to.map(|d| d.to_string()).unwrap_or_default() />
                </div>
                <div class="field">
                    <label for="tri">"Ordre"</label>
                    <select id="tri" name="tri">
                        <option value="recentes" selected=q.sort == InboxSort::Newest>"Plus récentes d'abord"</option>
                        <option value="anciennes" selected=q.sort == InboxSort::Oldest>"Plus anciennes d'abord"</option>
                    </select>
                </div>
                <div class="actions"><button type="submit" class="button button--secondary">"Filtrer"</button></div>
            </form>
            <nav aria-label="Statut des demandes">
                <ul class="tabs">{tabs}</ul>
            </nav>
            <p class="downloads">
                "Exporter cette sélection : "
                <a href=format!("/admin/inbox/export.csv?{params}")>"CSV"</a> " · "
                <a href=format!("/admin/inbox/export.csv?{params}&sep=pointvirgule")>"CSV (Excel, point-virgule)"</a> " · "
                <a href=format!("/admin/inbox/export.xlsx?{params}")>"Excel (XLSX)"</a> " · "
                <a href=format!("/admin/inbox/export.ods?{params}")>"LibreOffice (ODS)"</a>
            </p>
            {if empty {
                view! { <p>"Aucune demande dans cette liste."</p> }.into_any()
            } else {
                view! {
                    <form method="post" action="/admin/inbox/lot">
                        <input type="hidden" name="retour" value=return_to.clone() />
                        <table class="table">
                            <caption class="sr-only">"Demandes reçues"</caption>
                            <thead>
                                <tr>
                                    <th scope="col"><span class="sr-only">"Sélection"</span></th>
                                    <th scope="col">"Référence"</th>
                                    <th scope="col">"Service"</th>
                                    <th scope="col">"Demandeur"</th>
                                    <th scope="col">"Reçue le"</th>
                                    <th scope="col">"Statut"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {page.rows.into_iter().map(|r| {
                                    let check = format!("sel-{}", r.id);
                                    view! {
                                        <tr>
                                            <td><input type="checkbox" name="ids" value=r.id.to_string() id=check.clone()
                                                aria-label=format!("Sélectionner la demande {}", r.reference) /></td>
                                            <td><a href=format!("/admin/submissions/{}", r.id)>{r.reference}</a></td>
                                            <td>{r.procedure_title}</td>
                                            <td>{r.citizen_name}</td>
                                            <td>{r.created_at}</td>
                                            <td>{r.status.label_fr()}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        <div class="actions">
                            <button type="submit" name="status" value="processed" class="button">"Marquer la sélection comme traitée"</button>
                            <button type="submit" name="status" value="unprocessed" class="button button--secondary">"Remettre la sélection à traiter"</button>
                        </div>
                    </form>
                }
                .into_any()
            }}
            {next.map(|href| view! { <p><a href=href>"Page suivante"</a></p> })}
        </AdminLayout>
    }
}

#[component]
pub fn DetailView() -> impl IntoView {
    let id = param("id");
    let feedback = use_feedback();
    view! {
        <Suspense>
            {move || {
                let (id, feedback) = (id.clone(), feedback.clone());
                Suspend::new(async move {
                    let result = match parse_id(&id) {
                        Ok(id) => load_detail(id).await,
                        Err(e) => Err(e),
                    };
                    match result {
                        Ok((header, d)) => detail_page(header, d, feedback).into_any(),
                        Err(e) => admin_error(e),
                    }
                })
            }}
        </Suspense>
    }
}

fn detail_page(
    header: AdminHeader,
    d: SubmissionDetail,
    feedback: crate::ui::Feedback,
) -> impl IntoView {
    let notice = feedback.error_for("form");
    let notified = query("notifie").is_some();
    let (target, button) = match d.status {
        SubmissionStatus::Unprocessed => ("processed", "Marquer comme traitée"),
        SubmissionStatus::Processed => ("unprocessed", "Remettre à traiter"),
    };
    view! {
        <AdminLayout title=format!("Demande {}", d.reference) municipality=header.municipality user=header.user>
            <p><a href="/admin/inbox">"← Boîte de réception"</a></p>
            <h1>{format!("Demande {}", d.reference)}</h1>
            {notice.map(|n| view! { <p class="notice notice--error" role="alert">{n}</p> })}
            <p class="status-line">
                {d.procedure_title.clone()} " – version " {d.revision_number} " – reçue le " {d.created_at.clone()}
                " – statut : " <strong class="status">{d.status.label_fr()}</strong>
            </p>
            <form method="post" action=format!("/admin/submissions/{}/status", d.id)>
                <input type="hidden" name="status" value=target />
                <button type="submit" class="button">{button}</button>
            </form>
            <section aria-labelledby="identity-title" class="card">
                <h2 id="identity-title">"Identité certifiée"</h2>
                <p class="hint">{format!("Fournie par {} (niveau {}) le {}", d.identity_provider, d.identity_acr, d.identity_authenticated_at)}</p>
                <dl class="recap">
                    {d.identity.into_iter().map(|l| view! { <div class="recap__row"><dt>{l.label}</dt><dd>{l.value}</dd></div> }).collect_view()}
                </dl>
            </section>
            <section aria-labelledby="answers-title" class="card">
                <h2 id="answers-title">"Réponses"</h2>
                <dl class="recap">
                    {d.answers.into_iter().map(|l| {
                        let label = l.label.clone();
                        view! {
                            <div class="recap__row"><dt>{l.label}</dt><dd>{l.value}
                                {l.download.map(|href| view! {
                                    " " <a href=href download="">"Télécharger" <span class="sr-only">{format!(" la pièce jointe « {label} »")}</span></a>
                                })}
                            </dd></div>
                        }
                    }).collect_view()}
                </dl>
            </section>
            <section aria-labelledby="history-title" class="card">
                <h2 id="history-title">"Historique"</h2>
                <ul>
                    {d.history.into_iter().map(|t| view! {
                        <li>{format!("{} – {}{} – {}", t.at, t.from.map(|f| format!("{f} → ")).unwrap_or_default(), t.to, t.actor)}</li>
                    }).collect_view()}
                </ul>
            </section>
            <Notes id=d.id notes=d.notes feedback=feedback.clone() />
            <DeliveryList deliveries=d.deliveries />
            {notified.then(|| view! { <p class="notice notice--success" role="status">"Le message au citoyen est en file d'attente : son état s'affiche ci-dessus."</p> })}
            <NotifyCitizen id=d.id reachable=d.citizen_reachable feedback=feedback />
        </AdminLayout>
    }
}

/// Agents' private notes on a submission, and the form to add one.
#[component]
fn Notes(
    id: Uuid,
    notes: Vec<crate::inbox::types::NoteLine>,
    feedback: crate::ui::Feedback,
) -> impl IntoView {
    let error = feedback.error_for("note");
    let value = feedback.value("note").unwrap_or_default();
    view! {
        <section aria-labelledby="notes-title" class="card">
            <h2 id="notes-title">"Notes internes"</h2>
            <p class="hint">"Visibles des seuls agents de la commune ; jamais envoyées au citoyen."</p>
            {if notes.is_empty() {
                view! { <p>"Aucune note."</p> }.into_any()
            } else {
                view! {
                    <ul class="notes">
                        {notes.into_iter().map(|n| view! {
                            <li><p class="hint">{format!("{} – {}", n.at, n.author)}</p><p class="note-body">{n.body}</p></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <form method="post" action=format!("/admin/submissions/{id}/notes") class="form" novalidate="novalidate">
                <div class=if error.is_some() { "field field--error" } else { "field" }>
                    <label for="note">"Ajouter une note"</label>
                    {error.clone().map(|m| view! { <p class="field-error" id="note-error">{m}</p> })}
                    <textarea id="note" name="note" rows="3"
                        aria-describedby=error.is_some().then_some("note-error")
                        aria-invalid=error.is_some().then_some("true")>{crate::ui::escape_raw_text(&value)}</textarea>
                </div>
                <div class="actions"><button type="submit" class="button button--secondary">"Enregistrer la note"</button></div>
            </form>
        </section>
    }
}

/// The messages sent about a submission and where each one stands.
#[component]
fn DeliveryList(deliveries: Vec<crate::notifications::types::DeliveryLine>) -> impl IntoView {
    use crate::notifications::types::DeliveryStatus;
    view! {
        <section aria-labelledby="mail-title" class="card">
            <h2 id="mail-title">"Courriels"</h2>
            {if deliveries.is_empty() {
                view! { <p>"Aucun courriel pour cette demande."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <caption class="sr-only">"Courriels envoyés pour cette demande"</caption>
                        <thead><tr>
                            <th scope="col">"Message"</th>
                            <th scope="col">"Destinataire"</th>
                            <th scope="col">"Mis en file"</th>
                            <th scope="col">"État"</th>
                        </tr></thead>
                        <tbody>
                            {deliveries.into_iter().map(|l| {
                                let status_class = match l.status {
                                    DeliveryStatus::Sent => "delivery delivery--sent",
                                    DeliveryStatus::Queued => "delivery delivery--queued",
                                    DeliveryStatus::Failed | DeliveryStatus::Dead => "delivery delivery--failed",
                                };
                                let detail = match (l.status, l.sent_at, l.last_error) {
                                    (DeliveryStatus::Sent, Some(at), _) => format!("le {at}"),
                                    (_, _, Some(error)) => format!("{} essai(s) – {error}", l.attempts),
                                    _ => String::new(),
                                };
                                view! {
                                    <tr>
                                        <td>{l.kind.label_fr()}<br/><span class="hint">{l.subject}</span></td>
                                        <td>{l.to}</td>
                                        <td>{l.queued_at}</td>
                                        <td><strong class=status_class>{l.status.label_fr()}</strong>
                                            {(!detail.is_empty()).then(|| view! { <br/><span class="hint">{detail}</span> })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

/// Writing to the citizen: write, preview, then send (the send button only appears on the preview).
#[component]
fn NotifyCitizen(id: Uuid, reachable: bool, feedback: crate::ui::Feedback) -> impl IntoView {
    let action = format!("/admin/submissions/{id}/notifier");
    let error = feedback.error_for("message");
    let message = feedback.value("message").unwrap_or_default();
    view! {
        <section aria-labelledby="notify-title" class="card">
            <h2 id="notify-title">"Prévenir le citoyen par courriel"</h2>
            {if !reachable {
                view! { <p>"Ce service ne demande pas l'adresse électronique du citoyen : il ne peut pas être prévenu par courriel."</p> }.into_any()
            } else {
                view! {
                    <form method="post" action=action.clone() class="form" novalidate="novalidate">
                        <input type="hidden" name="action" value="preview" />
                        <div class=if error.is_some() { "field field--error" } else { "field" }>
                            <label for="message">"Message"</label>
                            <p class="hint" id="message-help">"Inséré dans le modèle « Message au citoyen » (paramètres des courriels). Vous verrez le courriel avant de l'envoyer."</p>
                            {error.clone().map(|m| view! { <p class="field-error" id="message-error">{m}</p> })}
                            <textarea id="message" name="message" rows="5"
                                aria-describedby=if error.is_some() { "message-help message-error" } else { "message-help" }
                                aria-invalid=error.is_some().then_some("true")>{crate::ui::escape_raw_text(&message)}</textarea>
                        </div>
                        <div class="actions"><button type="submit" class="button button--secondary">"Prévisualiser"</button></div>
                    </form>
                    {feedback.preview.clone().map(|p| view! {
                        <MailPreviewView preview=p />
                        <form method="post" action=action.clone() class="form">
                            <input type="hidden" name="action" value="send" />
                            <input type="hidden" name="message" value=message.clone() />
                            <div class="actions"><button type="submit" class="button">"Envoyer ce courriel"</button></div>
                        </form>
                    })}
                }.into_any()
            }}
        </section>
    }
}

/// A rendered message as its recipient will see it (HTML in a sandboxed frame: no script runs).
#[component]
fn MailPreviewView(preview: crate::notifications::types::MailPreview) -> impl IntoView {
    view! {
        <div class="mail-preview" role="region" aria-labelledby="mail-preview-title">
            <h3 id="mail-preview-title">"Aperçu du courriel"</h3>
            <dl class="recap">
                <div class="recap__row"><dt>"Destinataire"</dt><dd>{preview.to}</dd></div>
                <div class="recap__row"><dt>"Objet"</dt><dd class="mail-preview__subject">{preview.subject}</dd></div>
            </dl>
            <h4>"Version texte"</h4>
            <pre class="mail-preview__text">{preview.text}</pre>
            {preview.html.map(|html| view! {
                <h4>"Version mise en forme"</h4>
                <iframe class="mail-preview__html" title="Aperçu de la version mise en forme" sandbox="" srcdoc=html></iframe>
            })}
        </div>
    }
}

/// The municipality's settings shown to its admins.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MunicipalitySettings {
    pub name: String,
    pub accent_color: String,
    pub notification_email: String,
    pub mail_from: String,
    pub notice_includes_answers: bool,
    pub dpo_contact: String,
    pub retention_months: i32,
    /// Address of the current logo, if any.
    pub logo_url: Option<String>,
    pub logo_alt: String,
    pub agents: Vec<AgentLine>,
    pub is_owner: bool,
}

/// An agent of the municipality, as the settings page lists them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AgentLine {
    pub email: String,
    pub name: String,
    pub role: String,
    pub pending: bool,
}

#[server(prefix = "/_fn", endpoint = "admin/settings")]
pub async fn load_settings() -> Result<(AdminHeader, MunicipalitySettings), AppError> {
    as_admin(move |state, admin, header| async move {
        use sea_orm::EntityTrait;
        let m = crate::db::entities::municipality::Entity::find_by_id(admin.municipality_id)
            .one(&state.db)
            .await?
            .ok_or(AppError::NotFound)?;
        let agents = crate::auth::invitations::agents(&state, &admin)
            .await?
            .into_iter()
            .map(|a| AgentLine {
                email: a.email,
                name: a.display_name,
                role: a.role,
                pending: a.pending,
            })
            .collect();
        let logo_url = crate::branding::logo::address(&m);
        Ok((
            header,
            MunicipalitySettings {
                name: m.name,
                accent_color: m.accent_color,
                notification_email: m.notification_email,
                mail_from: m.mail_from.unwrap_or_default(),
                notice_includes_answers: m.notice_includes_answers,
                dpo_contact: m.dpo_contact.unwrap_or_default(),
                retention_months: m.retention_months,
                logo_url,
                logo_alt: m.logo_alt.unwrap_or_default(),
                agents,
                is_owner: admin.is_owner(),
            },
        ))
    })
    .await
}

/// Municipality settings: the accent colour used on citizen pages and in the HTML line.
#[component]
pub fn SettingsView() -> impl IntoView {
    let feedback = use_feedback();
    let saved = query("enregistre").is_some();
    view! {
        <Suspense>
            {move || {
                let feedback = feedback.clone();
                Suspend::new(async move {
                    match load_settings().await {
                        Ok((header, settings)) => settings_page(header, settings, feedback, saved).into_any(),
                        Err(e) => admin_error(e),
                    }
                })
            }}
        </Suspense>
    }
}

fn settings_page(
    header: AdminHeader,
    settings: MunicipalitySettings,
    feedback: crate::ui::Feedback,
    saved: bool,
) -> impl IntoView {
    let error = feedback.error_for("accent_color");
    let summary = feedback.errors.clone();
    let value = feedback
        .value("accent_color")
        .unwrap_or(settings.accent_color);
    let invited = query("invite").is_some();
    let logo = logo_section(
        &feedback,
        settings.logo_url.clone(),
        settings.logo_alt.clone(),
        settings.name.clone(),
    );
    let invite_name = labelled_input(
        &feedback,
        "invite_name",
        "Nom",
        "Prénom et nom de l'agent.",
        "text",
        String::new(),
        None,
    );
    let invite_email = labelled_input(
        &feedback,
        "invite_email",
        "Adresse électronique",
        "Son adresse professionnelle : l'invitation y est envoyée.",
        "text",
        String::new(),
        None,
    );
    let checked = if feedback.errors.is_empty() {
        settings.notice_includes_answers
    } else {
        feedback.value("notice_includes_answers").is_some()
    };
    view! {
        <AdminLayout title="Paramètres de la commune" municipality=header.municipality user=header.user>
            <h1>{format!("Paramètres – {}", settings.name)}</h1>
            {saved.then(|| view! { <p class="notice notice--success" role="status">"Paramètres enregistrés."</p> })}
            <ErrorSummary errors=summary />
            <form method="post" action="/admin/settings" class="form" novalidate="novalidate">
                <div class=if error.is_some() { "field field--error" } else { "field" }>
                    <label for="accent_color">"Couleur principale"</label>
                    <p class="hint" id="accent-help">
                        "Utilisée pour les boutons des pages citoyennes et pour la ligne HTML du site de la commune. Le texte y est blanc : la couleur doit être assez foncée (contraste d'au moins 4,5:1, exigence RGAA)."
                    </p>
                    {error.clone().map(|m| view! { <p class="field-error" id="accent_color-error">{m}</p> })}
                    <input type="text" id="accent_color" name="accent_color" value=value inputmode="text" autocomplete="off"
                        aria-describedby=if error.is_some() { "accent-help accent_color-error" } else { "accent-help" }
                        aria-invalid=error.is_some().then_some("true") />
                </div>
                <fieldset class="fieldset">
                    <legend>"Courriels"</legend>
                    {labelled_input(&feedback, "notification_email", "Adresses qui reçoivent l'avis de chaque nouvelle demande",
                        "Une ou plusieurs adresses, séparées par des virgules.", "text", settings.notification_email, None)}
                    {labelled_input(&feedback, "mail_from", "Adresse d'expédition (facultative)",
                        "Par exemple « Mairie de Villeneuve <mairie@villeneuve.fr> ». Vide : l'adresse de la plateforme. Le serveur d'envoi doit être autorisé pour ce domaine (SPF, DKIM).", "text", settings.mail_from, None)}
                    <div class="choice">
                        <input type="checkbox" id="notice_includes_answers" name="notice_includes_answers" value="1"
                            checked=checked aria-describedby="notice-help" />
                        <label for="notice_includes_answers">"Inclure le nom du demandeur et ses réponses dans l'avis envoyé à la mairie"</label>
                        <p class="hint" id="notice-help">"Par défaut l'avis ne contient qu'un lien vers la boîte de réception : le courriel n'est pas un canal sûr pour des données personnelles. Ne cochez que si vos adresses de réception sont protégées."</p>
                    </div>
                </fieldset>
                <fieldset class="fieldset">
                    <legend>"Protection des données (affiché sur chaque page de service)"</legend>
                    {labelled_input(&feedback, "dpo_contact", "Contact du délégué à la protection des données (facultatif)",
                        "Adresse électronique, site ou adresse postale du DPO (souvent celui du centre de gestion). Vide : l'adresse de contact de la commune est indiquée.", "text", settings.dpo_contact, None)}
                    {labelled_input(&feedback, "retention_months", "Durée de conservation des demandes traitées (en mois)",
                        "Une demande traitée est effacée automatiquement après ce délai, avec ses réponses, son historique et ses courriels. Les demandes non traitées ne sont jamais effacées.", "number", settings.retention_months.to_string(), Some(("1".to_owned(), "120".to_owned())))}
                </fieldset>
                <div class="actions">
                    <button type="submit" class="button">"Enregistrer"</button>
                </div>
            </form>
            {logo}
            <section aria-labelledby="agents-title" class="card">
                <h2 id="agents-title">"Agents de la commune"</h2>
                {invited.then(|| view! { <p class="notice notice--success" role="status">"Invitation envoyée : l'agent reçoit un lien valable 7 jours pour choisir son mot de passe."</p> })}
                <table class="table">
                    <caption class="sr-only">"Agents ayant accès à la console"</caption>
                    <thead><tr><th scope="col">"Nom"</th><th scope="col">"Adresse"</th><th scope="col">"Rôle"</th></tr></thead>
                    <tbody>
                        {settings.agents.into_iter().map(|a| view! {
                            <tr>
                                <td>{a.name}</td>
                                <td>{a.email}</td>
                                <td>{if a.role == "owner" { "Administrateur" } else { "Agent" }}
                                    {a.pending.then_some(" – invitation en attente")}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                {settings.is_owner.then(|| view! {
                    <form method="post" action="/admin/agents" class="form" novalidate="novalidate">
                        <h3>"Inviter un agent"</h3>
                        {invite_name}
                        {invite_email}
                        <div class="actions"><button type="submit" class="button button--secondary">"Envoyer l'invitation"</button></div>
                    </form>
                })}
            </section>
        </AdminLayout>
    }
}

/// The logo form: a file and its text alternative, sent as multipart (the only such form).
fn logo_section(
    feedback: &crate::ui::Feedback,
    current: Option<String>,
    alt: String,
    town: String,
) -> impl IntoView + use<> {
    let error = feedback.error_for("logo");
    let alt_error = feedback.error_for("logo_alt");
    let alt_value = feedback.value("logo_alt").unwrap_or(alt.clone());
    let has_logo = current.is_some();
    view! {
        <section aria-labelledby="logo-title" class="card">
            <h2 id="logo-title">"Logo de la commune"</h2>
            <p>"Affiché en haut de chaque page citoyenne, à côté du nom de la commune."</p>
            {current.map(|src| view! {
                <p class="logo-current">
                    <img src=src alt=format!("Logo actuel de {town}") class="logo-current__image" />
                </p>
            })}
            <form method="post" action="/admin/settings/logo" enctype="multipart/form-data" class="form" novalidate="novalidate">
                <div class=if error.is_some() { "field field--error" } else { "field" }>
                    <label for="logo">{if has_logo { "Remplacer le logo (facultatif)" } else { "Fichier du logo" }}</label>
                    <p class="hint" id="logo-help">"Image PNG ou JPEG, 2 Mo au plus. Elle est réduite à 480 × 160 pixels et enregistrée à nouveau : ses métadonnées (position GPS, auteur) sont supprimées."</p>
                    {error.clone().map(|m| view! { <p class="field-error" id="logo-error">{m}</p> })}
                    <input type="file" id="logo" name="logo" accept="image/png,image/jpeg"
                        aria-describedby=if error.is_some() { "logo-help logo-error" } else { "logo-help" }
                        aria-invalid=error.is_some().then_some("true") />
                </div>
                <div class=if alt_error.is_some() { "field field--error" } else { "field" }>
                    <label for="logo_alt">"Texte de remplacement (facultatif)"</label>
                    <p class="hint" id="logo_alt-help">"Ce que le logo dit à qui ne le voit pas. Laissez vide si le logo ne fait que reprendre le nom de la commune (écrit à côté) : il sera alors ignoré par les lecteurs d'écran."</p>
                    {alt_error.clone().map(|m| view! { <p class="field-error" id="logo_alt-error">{m}</p> })}
                    <input type="text" id="logo_alt" name="logo_alt" value=alt_value autocomplete="off"
                        aria-describedby=if alt_error.is_some() { "logo_alt-help logo_alt-error" } else { "logo_alt-help" }
                        aria-invalid=alt_error.is_some().then_some("true") />
                </div>
                <div class="actions">
                    <button type="submit" class="button button--secondary">"Enregistrer le logo"</button>
                </div>
            </form>
            {has_logo.then(|| view! {
                <form method="post" action="/admin/settings/logo/supprimer" class="form">
                    <button type="submit" class="button button--danger">"Retirer le logo"</button>
                </form>
            })}
        </section>
    }
}

#[server(prefix = "/_fn", endpoint = "admin/templates")]
pub async fn load_templates() -> Result<(AdminHeader, Vec<TemplateView>), AppError> {
    as_admin(move |state, admin, header| async move {
        Ok((
            header,
            crate::notifications::service::template_views(&state, &admin).await?,
        ))
    })
    .await
}

#[server(prefix = "/_fn", endpoint = "admin/template")]
pub async fn load_template(kind: String) -> Result<(AdminHeader, TemplateView), AppError> {
    as_admin(move |state, admin, header| async move {
        let kind = crate::notifications::service::editable_kind(&kind)?;
        Ok((
            header,
            crate::notifications::service::template_view(&state, &admin, kind).await?,
        ))
    })
    .await
}

/// The municipality's email templates, one line per kind.
#[component]
pub fn TemplatesView() -> impl IntoView {
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match load_templates().await {
                    Ok((header, templates)) => templates_page(header, templates).into_any(),
                    Err(e) => admin_error(e),
                }
            })}
        </Suspense>
    }
}

fn templates_page(header: AdminHeader, templates: Vec<TemplateView>) -> impl IntoView {
    let saved = query("enregistre").is_some();
    view! {
        <AdminLayout title="Courriels" municipality=header.municipality user=header.user>
            <h1>"Modèles de courriels"</h1>
            {saved.then(|| view! { <p class="notice notice--success" role="status">"Modèle enregistré."</p> })}
            <p>"Chaque courriel envoyé par la commune part d'un modèle. Vous pouvez adapter le texte ; les données entre accolades sont remplacées à l'envoi. L'avis de nouvelle demande ne contient aucune donnée personnelle, sauf choix contraire dans les paramètres."</p>
            <p>"Les modèles par défaut des courriels au citoyen sont envoyés dans la langue de ses pages (français, anglais, et néerlandais pour les communes belges). Un modèle personnalisé est envoyé tel que vous l'avez écrit, quelle que soit la langue du citoyen."</p>
            <ul class="card-list">
                {templates.into_iter().map(|t| view! {
                    <li class="card">
                        <h2><a href=format!("/admin/courriels/{}", t.kind.as_str())>{t.kind.label_fr()}</a></h2>
                        <p class="hint">{if t.is_default { "Modèle par défaut" } else { "Modèle personnalisé par la commune" }}</p>
                        <p>"Objet : " {t.subject}</p>
                    </li>
                }).collect_view()}
            </ul>
        </AdminLayout>
    }
}

/// Editing one template: subject, text, optional HTML; preview against sample data; save only
/// when it renders.
#[component]
pub fn TemplateEditorView() -> impl IntoView {
    let kind = param("kind");
    let feedback = use_feedback();
    view! {
        <Suspense>
            {move || {
                let (kind, feedback) = (kind.clone(), feedback.clone());
                Suspend::new(async move {
                    match load_template(kind).await {
                        Ok((header, t)) => template_editor(header, t, feedback).into_any(),
                        Err(e) => admin_error(e),
                    }
                })
            }}
        </Suspense>
    }
}

fn template_editor(
    header: AdminHeader,
    t: TemplateView,
    feedback: crate::ui::Feedback,
) -> impl IntoView {
    let action = format!("/admin/courriels/{}", t.kind.as_str());
    let subject = feedback.value("subject").unwrap_or(t.subject);
    let text = feedback.value("text").unwrap_or(t.text);
    let html = feedback.value("html").unwrap_or(t.html);
    let summary = feedback.errors.clone();
    let preview = feedback.preview.clone();
    let field = move |name: &'static str,
                      label: &'static str,
                      help: &'static str,
                      value: String,
                      rows: Option<u32>| {
        let error = feedback.error_for(name);
        let help_id = format!("{name}-help");
        let described = if error.is_some() {
            format!("{help_id} {name}-error")
        } else {
            help_id.clone()
        };
        view! {
            <div class=if error.is_some() { "field field--error" } else { "field" }>
                <label for=name>{label}</label>
                <p class="hint" id=help_id>{help}</p>
                {error.clone().map(|m| view! { <p class="field-error" id=format!("{name}-error")>{m}</p> })}
                {match rows {
                    None => view! { <input type="text" id=name name=name value=value autocomplete="off"
                        aria-describedby=described.clone() aria-invalid=error.is_some().then_some("true") /> }.into_any(),
                    Some(rows) => view! { <textarea id=name name=name rows=rows class="code"
                        aria-describedby=described.clone() aria-invalid=error.is_some().then_some("true")>{crate::ui::escape_raw_text(&value)}</textarea> }.into_any(),
                }}
            </div>
        }
    };
    view! {
        <AdminLayout title=format!("Modèle – {}", t.kind.label_fr()) municipality=header.municipality user=header.user>
            <p><a href="/admin/courriels">"← Modèles de courriels"</a></p>
            <h1>{t.kind.label_fr()}</h1>
            <p class="hint">{if t.is_default { "Modèle par défaut d'i-CLEFS." } else { "Modèle personnalisé par la commune." }}</p>
            <ErrorSummary errors=summary />
            <form method="post" action=action.clone() class="form" novalidate="novalidate">
                {field("subject", "Objet", "Une seule ligne ; les retours à la ligne sont supprimés à l'envoi.", subject, None)}
                {field("text", "Texte", "Version texte, lue par toutes les messageries.", text, Some(12))}
                {field("html", "Version mise en forme (HTML, facultative)", "Les données insérées sont échappées : un texte saisi par un citoyen ne peut pas devenir du code.", html, Some(12))}
                <div class="actions">
                    <button type="submit" name="action" value="preview" class="button button--secondary">"Prévisualiser"</button>
                    <button type="submit" name="action" value="save" class="button">"Enregistrer"</button>
                </div>
            </form>
            {preview.map(|p| view! { <MailPreviewView preview=p /> })}
            <section aria-labelledby="vars-title" class="card">
                <h2 id="vars-title">"Données disponibles"</h2>
                <p>"Écrivez " <code>"{{ nom }}"</code> " pour insérer une donnée, par exemple " <code>"{{ reference }}"</code> "."</p>
                <dl class="recap">
                    {t.kind.variables().iter().map(|(name, meaning)| view! {
                        <div class="recap__row"><dt><code>{*name}</code></dt><dd>{*meaning}</dd></div>
                    }).collect_view()}
                </dl>
            </section>
            {(!t.is_default).then(|| view! {
                <form method="post" action=action.clone()>
                    <input type="hidden" name="action" value="reset" />
                    <button type="submit" class="button button--secondary">"Revenir au modèle par défaut"</button>
                </form>
            })}
        </AdminLayout>
    }
}

#[server(prefix = "/_fn", endpoint = "admin/invitation")]
pub async fn load_invitation(token: String) -> Result<String, AppError> {
    let (state, _) = crate::web::request_context()?;
    crate::web::detached(
        async move { Ok(crate::auth::invitations::pending(&state, &token).await?.1) },
    )
    .await
}

/// An invited agent chooses their password.
#[component]
pub fn InvitationView() -> impl IntoView {
    let token = param("token");
    let feedback = use_feedback();
    view! {
        <Suspense>
            {move || {
                let (token, feedback) = (token.clone(), feedback.clone());
                Suspend::new(async move {
                    match load_invitation(token.clone()).await {
                        Ok(municipality) => invitation_page(token, municipality, feedback).into_any(),
                        Err(AppError::NotFound) => view! {
                            <PlainLayout title="Invitation">
                                <h1>"Lien d'invitation invalide"</h1>
                                <p>"Ce lien a déjà servi ou a expiré (il est valable 7 jours). Demandez une nouvelle invitation à l'administrateur de votre commune."</p>
                                <p><a href="/admin/login">"Se connecter"</a></p>
                            </PlainLayout>
                        }.into_any(),
                        Err(e) => admin_error(e),
                    }
                })
            }}
        </Suspense>
    }
}

fn invitation_page(
    token: String,
    municipality: String,
    feedback: crate::ui::Feedback,
) -> impl IntoView {
    let summary = feedback.errors.clone();
    let password_error = feedback.error_for("password");
    let confirm_error = feedback.error_for("confirm");
    view! {
        <PlainLayout title="Choisir votre mot de passe">
            <h1>"Bienvenue"</h1>
            <p>{format!("Vous êtes invité à gérer les démarches en ligne de {municipality}. Choisissez votre mot de passe.")}</p>
            <ErrorSummary errors=summary />
            <form method="post" action=format!("/admin/invitation/{token}") class="form form--narrow" novalidate="novalidate">
                <div class=if password_error.is_some() { "field field--error" } else { "field" }>
                    <label for="password">"Mot de passe"</label>
                    <p class="hint" id="password-help">"Au moins 12 caractères. Une phrase de plusieurs mots est facile à retenir et difficile à deviner."</p>
                    {password_error.clone().map(|m| view! { <p class="field-error" id="password-error">{m}</p> })}
                    <input type="password" id="password" name="password" autocomplete="new-password"
                        aria-describedby=if password_error.is_some() { "password-help password-error" } else { "password-help" }
                        aria-invalid=password_error.is_some().then_some("true") />
                </div>
                <div class=if confirm_error.is_some() { "field field--error" } else { "field" }>
                    <label for="confirm">"Confirmez le mot de passe"</label>
                    {confirm_error.clone().map(|m| view! { <p class="field-error" id="confirm-error">{m}</p> })}
                    <input type="password" id="confirm" name="confirm" autocomplete="new-password"
                        aria-describedby=confirm_error.is_some().then_some("confirm-error")
                        aria-invalid=confirm_error.is_some().then_some("true") />
                </div>
                <div class="actions"><button type="submit" class="button">"Enregistrer et se connecter"</button></div>
            </form>
        </PlainLayout>
    }
}
