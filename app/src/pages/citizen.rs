//! Citizen pages. None of them contains an island: they are plain HTML and work without
//! JavaScript. Each step posts a form to a handler in `web::citizen`.

use super::{ErrorBlock, param, redirect};
use crate::{
    citizen::types::{
        ConfirmationPage, FormPage, IdentityLine, LandingPage, LoginBrand, RecapPage, ServiceHeader,
    },
    domain::{FieldDefinition, FieldKind},
    error::AppError,
    i18n::{Lang, catalogue as t},
    ui::{CitizenLayout, ErrorSummary, feedback::use_feedback},
};
use leptos::prelude::*;
use uuid::Uuid;

#[server(prefix = "/_fn", endpoint = "citizen/landing")]
pub async fn load_landing(
    m: String,
    s: String,
    src: Option<String>,
) -> Result<LandingPage, AppError> {
    let (state, headers) = crate::web::request_context()?;
    let channel = crate::domain::Channel::parse(src.as_deref());
    crate::web::detached(async move {
        crate::citizen::service::landing(&state, &headers, &m, &s, channel).await
    })
    .await
}

#[server(prefix = "/_fn", endpoint = "citizen/form")]
pub async fn load_form(m: String, s: String) -> Result<FormPage, AppError> {
    let (state, headers) = crate::web::request_context()?;
    if let Some(page) = crate::citizen::service::form_in_memory(&state, &headers, &m, &s) {
        return page;
    }
    crate::web::detached(async move {
        crate::citizen::service::form(&state, &headers, &m, &s, Vec::new()).await
    })
    .await
}

#[server(prefix = "/_fn", endpoint = "citizen/recap")]
pub async fn load_recap(m: String, s: String) -> Result<RecapPage, AppError> {
    let (state, headers) = crate::web::request_context()?;
    crate::web::detached(
        async move { crate::citizen::service::recap(&state, &headers, &m, &s).await },
    )
    .await
}

#[server(prefix = "/_fn", endpoint = "citizen/confirmation")]
pub async fn load_confirmation(m: String, s: String) -> Result<ConfirmationPage, AppError> {
    let (state, headers) = crate::web::request_context()?;
    crate::web::detached(async move {
        crate::citizen::service::confirmation(&state, &headers, &m, &s).await
    })
    .await
}

fn service_path(service: &ServiceHeader) -> String {
    format!("/s/{}/{}", service.municipality_slug, service.slug)
}

/// A citizen page whose data failed to load: not found, closed service, or not logged in.
fn citizen_error(error: AppError, m: &str, s: &str) -> AnyView {
    if error == AppError::Unauthorized {
        // The identity session is missing or expired: back to the service page to log in again;
        // the draft is kept and will be found after login.
        redirect(&format!("/s/{m}/{s}"));
        return ().into_any();
    }
    view! {
        <CitizenLayout title=error.title_fr() municipality="i-CLEFS" lang=Lang::Fr>
            <ErrorBlock error />
        </CitizenLayout>
    }
    .into_any()
}

/// The service page: what it is, what data is used, and the FranceConnect button first.
#[component]
pub fn LandingView() -> impl IntoView {
    let (m, s) = (param("m"), param("s"));
    let src = super::query("src");
    let feedback = use_feedback();
    view! {
        <Suspense>
            {move || {
                let (m, s, src, feedback) = (m.clone(), s.clone(), src.clone(), feedback.clone());
                Suspend::new(async move {
                    match load_landing(m.clone(), s.clone(), src).await {
                        Ok(page) => landing(page, feedback.error_for("login"), feedback.error_for("notice")).into_any(),
                        Err(e) => citizen_error(e, &m, &s),
                    }
                })
            }}
        </Suspense>
    }
}

fn landing(
    page: LandingPage,
    login_error: Option<String>,
    notice: Option<String>,
) -> impl IntoView {
    let service = page.service;
    let path = service_path(&service);
    let open = service.state.accepts_submissions();
    let claims = service.claims.clone();
    let l = service.lang;
    let provider = service.login.name(l);
    view! {
        <CitizenLayout title=service.title.clone() municipality=service.municipality_name.clone() demo=service.demo theme=service.municipality_slug.clone() lang=l langs=service.langs.clone() logo=service.logo.clone()>
            <h1>{service.title.clone()}</h1>
            {(!service.description.is_empty())
                .then(|| view! { <p class="lead">{service.description.clone()}</p> })}
            {notice.map(|message| view! { <p class="notice" role="status">{message}</p> })}
            {login_error.map(|message| view! {
                <div class="notice notice--error" role="alert">
                    <h2>{t::LOGIN_FAILED_TITLE.get(l)}</h2>
                    <p>{message}</p>
                    <p>{t::LOGIN_RETRY.get(l)}</p>
                </div>
            })}
            {if !open {
                view! {
                    <div class="notice notice--warning">
                        <h2>{t::CLOSED_TITLE.get(l)}</h2>
                        <p>{t::CLOSED_TEXT.get(l)}
                            <a href=format!("mailto:{}", service.contact_email)>{service.contact_email.clone()}</a>
                        </p>
                    </div>
                }
                .into_any()
            } else if !page.identity_configured {
                view! {
                    <p class="notice notice--warning">
                        {t::LOGIN_NOT_CONFIGURED.with(l, &[("provider", provider)])}
                    </p>
                }
                .into_any()
            } else {
                view! {
                    <section class="card" aria-labelledby="start-title">
                        <h2 id="start-title">{t::START_TITLE.get(l)}</h2>
                        <p>{t::START_TEXT.with(l, &[("provider", provider)])}</p>
                        {page.logged_in.then(|| view! {
                            <p><a class="button" href=format!("{path}/formulaire")>{t::CONTINUE_REQUEST.get(l)}</a></p>
                            <p class="separator">{t::OR.get(l)}</p>
                        })}
                        {login_button(&service, page.channel)}
                    </section>
                }
                .into_any()
            }}
            <section aria-labelledby="data-title">
                <h2 id="data-title">{t::DATA_TITLE.get(l)}</h2>
                <p>{t::DATA_INTRO.with(l, &[("provider", provider)])}</p>
                <ul>
                    {claims.into_iter().map(|c| view! { <li><strong>{c.label(l)}</strong></li> }).collect_view()}
                </ul>
                <p>{t::PURPOSE_LINE.with(l, &[("title", &service.title)])}</p>
                <p>
                    {t::PRIVACY.with(l, &[("municipality", &service.municipality_name)])}
                    <a href=format!("mailto:{}", service.contact_email)>{service.contact_email.clone()}</a> "."
                </p>
                {service.dpo_contact.clone().map(|dpo| {
                    let is_email = crate::domain::privacy::DpoContact::parse(&dpo)
                        .ok()
                        .flatten()
                        .is_some_and(|d| d.is_email());
                    view! {
                        <p>
                            {t::DPO_LINE.get(l)}
                            {if is_email {
                                view! { <a href=format!("mailto:{dpo}")>{dpo.clone()}</a> }.into_any()
                            } else {
                                view! { <span>{dpo.clone()}</span> }.into_any()
                            }}
                        </p>
                    }
                })}
                <p>{t::RETENTION_LINE.with(l, &[("months", &service.retention_months.to_string())])}</p>
            </section>
        </CitizenLayout>
    }
}

/// The login form. FranceConnect's button is the official DSFR markup with its mandatory help link
/// opening in a new window (identity.md §1.6); CSAM's is a plain button of our theme with CSAM's
/// own help link, never a look-alike of FranceConnect's.
fn login_button(service: &ServiceHeader, channel: crate::domain::Channel) -> impl IntoView + use<> {
    let action = format!("/auth/{}/login", service.municipality_slug);
    let hidden = view! {
        <input type="hidden" name="service" value=service.slug.clone() />
        <input type="hidden" name="src" value=channel.as_str() />
    };
    let l = service.lang;
    match service.login {
        // The official button's wording may not change: French whatever the page's language.
        LoginBrand::FranceConnect => view! {
            <form method="post" action=action class="fr-connect-group" lang="fr">
                {hidden}
                {crate::ui::connect::connect_button(crate::ui::connect::Federation::FranceConnect)}
            </form>
        }
        .into_any(),
        LoginBrand::Csam => view! {
            <form method="post" action=action class="csam-group">
                {hidden}
                <button class="button csam-button" type="submit">{t::CSAM_BUTTON.get(l)}</button>
                <p>
                    <a href="https://www.csam.be/" target="_blank" rel="noopener" title=format!("{} - {}", t::CSAM_HELP.get(l), t::NEW_WINDOW.get(l))>
                        {t::CSAM_HELP.get(l)}
                    </a>
                </p>
            </form>
        }
        .into_any(),
    }
}

fn identity_block(lines: Vec<IdentityLine>, service: &ServiceHeader) -> impl IntoView + use<> {
    let l = service.lang;
    let provider = service.login.name(l);
    view! {
        <section class="identity" aria-labelledby="identity-title identity-badge">
            <h2 id="identity-title">{t::IDENTITY_TITLE.get(l)}</h2>
            <p id="identity-badge" class="badge">{t::CERTIFIED_BY.with(l, &[("provider", provider)])}</p>
            <p class="hint">{t::IDENTITY_LOCKED.with(l, &[("provider", provider)])}</p>
            <dl class="identity__list">
                {lines
                    .into_iter()
                    .map(|l| view! {
                        <div class="identity__row">
                            <dt>{l.label}</dt>
                            <dd>{l.value}</dd>
                        </div>
                    })
                    .collect_view()}
            </dl>
        </section>
    }
}

/// The form: locked identity, then the service's own questions.
#[component]
pub fn FormView() -> impl IntoView {
    let (m, s) = (param("m"), param("s"));
    let feedback = use_feedback();
    view! {
        <Suspense>
            {move || {
                let (m, s, feedback) = (m.clone(), s.clone(), feedback.clone());
                Suspend::new(async move {
                    match load_form(m.clone(), s.clone()).await {
                        Ok(mut page) => {
                            if !feedback.field_errors.is_empty() {
                                page.errors = feedback.field_errors.clone();
                            }
                            form_page(page, None).into_any()
                        }
                        Err(e) => citizen_error(e, &m, &s),
                    }
                })
            }}
        </Suspense>
    }
}

pub fn form_page(page: FormPage, preview_id: Option<Uuid>) -> impl IntoView {
    let preview = page.preview;
    let preview_id = preview_id.map(|id| id.to_string()).unwrap_or_default();
    let service = page.service;
    let path = service_path(&service);
    let summary: Vec<(String, String)> = page
        .errors
        .iter()
        .map(|e| {
            (
                format!("f-{}", e.stable_id),
                format!("{} : {}", e.label, e.message),
            )
        })
        .collect();
    let l = service.lang;
    let title = if summary.is_empty() {
        service.title.clone()
    } else {
        t::ERROR_TITLE_PREFIX.with(l, &[("title", &service.title)])
    };
    let errors = page.errors.clone();
    let answers = page.answers.clone();
    let has_files = page.fields.iter().any(|f| f.kind == FieldKind::File);
    let fields = with_condition_hints(page.fields, l);
    view! {
        <CitizenLayout title municipality=service.municipality_name.clone() demo=service.demo theme=service.municipality_slug.clone() lang=l langs=service.langs.clone() logo=service.logo.clone()>
            {preview.then(|| view! {
                <p class="notice preview-banner" role="note" lang="fr">
                    "Aperçu : le formulaire tel que le citoyen le verra, après sa connexion. Rien ne peut être envoyé d'ici. "
                    <a href=format!("/admin/services/{preview_id}")>"Retour au formulaire en construction"</a>
                </p>
            })}
            <p class="step">{t::STEP_FORM.get(l)}</p>
            <h1>{service.title.clone()}</h1>
            <ErrorSummary errors=summary lang=l />
            {identity_block(page.identity, &service)}
            <form method="post" action=format!("{path}/formulaire") novalidate="novalidate" class="form"
                enctype=has_files.then_some("multipart/form-data")>
                <p class="hint">{t::REQUIRED_HINT.get(l)}</p>
                {fields
                    .into_iter()
                    .map(|field| {
                        let error = errors.iter().find(|e| e.stable_id == field.stable_id).map(|e| e.message.clone());
                        let value = answers.get(&field.stable_id).cloned().unwrap_or_default();
                        field_input(field, value, error, l)
                    })
                    .collect_view()}
                <div class="actions">
                    <button type="submit" class="button" disabled=preview>{t::CONTINUE.get(l)}</button>
                </div>
            </form>
        </CitizenLayout>
    }
}

/// An explanation's text as elements (`domain::rich_text`): text nodes only, never markup.
fn rich_text(source: &str) -> impl IntoView + use<> {
    use crate::domain::rich_text::{Block, Inline, parse};
    let inlines = |parts: Vec<Inline>| {
        parts
            .into_iter()
            .map(|part| match part {
                Inline::Text(t) => t.into_any(),
                Inline::Bold(t) => view! { <strong>{t}</strong> }.into_any(),
                Inline::Link { text, href } => view! { <a href=href>{text}</a> }.into_any(),
            })
            .collect_view()
    };
    parse(source)
        .into_iter()
        .map(|block| match block {
            Block::Paragraph(parts) => view! { <p>{inlines(parts)}</p> }.into_any(),
            Block::List(items) => view! {
                <ul>{items.into_iter().map(|i| view! { <li>{inlines(i)}</li> }).collect_view()}</ul>
            }
            .into_any(),
        })
        .collect_view()
}

/// A conditional question says when to answer it (no script shows or hides it): the sentence
/// joins its help text.
pub fn with_condition_hints(fields: Vec<FieldDefinition>, lang: Lang) -> Vec<FieldDefinition> {
    let all = fields.clone();
    fields
        .into_iter()
        .map(|mut field| {
            if let Some(condition) = &field.condition {
                let hint = condition.describe(&all, lang);
                field.help = if field.help.is_empty() {
                    hint
                } else {
                    format!("{} {hint}", field.help)
                };
            }
            field
        })
        .collect()
}

/// One question, as the kind of input that fits it.
pub fn field_input(
    field: FieldDefinition,
    value: String,
    error: Option<String>,
    lang: Lang,
) -> AnyView {
    let name = field.input_name();
    let help_id = format!("{name}-help");
    let error_id = format!("{name}-error");
    let described = [
        (!field.help.is_empty()).then(|| help_id.clone()),
        error.is_some().then(|| error_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let described = (!described.is_empty()).then_some(described);
    let invalid = error.is_some().then_some("true");
    let required = field.required.then_some("true");
    let star = field.required.then_some(" *");
    let help = (!field.help.is_empty())
        .then(|| view! { <p class="hint" id=help_id.clone()>{field.help.clone()}</p> });
    let error_view = error.map(|e| view! { <p class="field-error" id=error_id.clone()>{e}</p> });
    let group_class = if invalid.is_some() {
        "field field--error"
    } else {
        "field"
    };

    match field.kind {
        FieldKind::Section => view! {
            <div class="form-section">
                <h2 id=name.clone()>{field.label.clone()}</h2>
                {help}
            </div>
        }
        .into_any(),
        // Plain text, never HTML: the admin's text is escaped like everything else; blank lines
        // separate paragraphs.
        FieldKind::Explanation => view! {
            <div class="explanation" id=name.clone()>
                <p><strong>{field.label.clone()}</strong></p>
                {rich_text(&field.help)}
            </div>
        }
        .into_any(),
        FieldKind::Consent => {
            let id = format!("{name}-yes");
            view! {
                <div class=group_class id=name.clone()>
                    {error_view}
                    <div class="choice">
                        <input type="checkbox" id=id.clone() name=name.clone() value="oui" checked={value == "oui"}
                            aria-describedby=described aria-invalid=invalid aria-required=required />
                        <label for=id>{field.label.clone()}{star}</label>
                    </div>
                    {help}
                </div>
            }
            .into_any()
        }
        FieldKind::MultipleChoice => {
            let picked: Vec<String> = value.lines().map(str::to_owned).collect();
            // `aria-required` is not allowed on a group: the legend's star and the form's
            // "* obligatoire" line say it (a `required` box would mean "this box must be ticked").
            view! {
                <fieldset class=group_class id=name.clone() aria-describedby=described>
                    <legend>{field.label.clone()}{star}</legend>
                    {help}
                    {error_view}
                    {field
                        .options
                        .iter()
                        .enumerate()
                        .map(|(i, option)| {
                            let id = format!("{name}-{i}");
                            let checked = picked.iter().any(|p| p == option);
                            view! {
                                <div class="choice">
                                    <input type="checkbox" id=id.clone() name=name.clone() value=option.clone() checked=checked />
                                    <label for=id>{option.clone()}</label>
                                </div>
                            }
                        })
                        .collect_view()}
                </fieldset>
            }
            .into_any()
        }
        FieldKind::SingleChoice if field.rules.as_list => view! {
            <div class=group_class>
                <label for=name.clone()>{field.label.clone()}{star}</label>
                {help}
                {error_view}
                <select id=name.clone() name=name.clone() aria-describedby=described aria-invalid=invalid aria-required=required>
                    <option value="">{t::CHOOSE.get(lang)}</option>
                    {field.options.iter().map(|o| view! {
                        <option value=o.clone() selected=*o == value>{o.clone()}</option>
                    }).collect_view()}
                </select>
            </div>
        }
        .into_any(),
        FieldKind::SingleChoice | FieldKind::YesNo => {
            let options: Vec<(String, String)> = if field.kind == FieldKind::YesNo {
                vec![
                    ("oui".into(), t::YES.get(lang).into()),
                    ("non".into(), t::NO.get(lang).into()),
                ]
            } else {
                field.options.iter().map(|o| (o.clone(), o.clone())).collect()
            };
            // Required radios carry the native `required` (exposed to assistive technologies);
            // `aria-required` is not allowed on the group itself.
            let radio_required = field.required;
            view! {
                <fieldset class=group_class id=name.clone() aria-describedby=described>
                    <legend>{field.label.clone()}{star}</legend>
                    {help}
                    {error_view}
                    {options
                        .into_iter()
                        .enumerate()
                        .map(|(i, (v, label))| {
                            let id = format!("{name}-{i}");
                            let checked = v == value;
                            view! {
                                <div class="choice">
                                    <input type="radio" id=id.clone() name=name.clone() value=v checked=checked required=radio_required />
                                    <label for=id>{label}</label>
                                </div>
                            }
                        })
                        .collect_view()}
                </fieldset>
            }
            .into_any()
        }
        FieldKind::File => {
            let max = (field.rules.max_file_bytes() / (1024 * 1024)).to_string();
            let hint_id = format!("{name}-limits");
            // A file input cannot be filled again: the draft's file is named, and kept unless
            // another is chosen.
            let attached = serde_json::from_str::<serde_json::Value>(&value)
                .ok()
                .map(|v| field.display_answer_in(Some(&v), lang));
            let described = [described.clone(), Some(hint_id.clone())]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            view! {
                <div class=group_class>
                    <label for=name.clone()>{field.label.clone()}{star}</label>
                    {help}
                    <p class="hint" id=hint_id>{t::FILE_HINT.with(lang, &[("max", &max)])}</p>
                    {attached.map(|f| view! { <p class="file-attached">{t::FILE_ATTACHED.with(lang, &[("file", &f)])}</p> })}
                    {error_view}
                    <input type="file" id=name.clone() name=name.clone()
                        accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
                        aria-describedby=described aria-invalid=invalid aria-required=required />
                </div>
            }
            .into_any()
        }
        FieldKind::Address => {
            // Four inputs under the field's one name, in order: the server reads them by position.
            let parts: Vec<String> = value.split('\n').map(str::to_owned).collect();
            let part = |i: usize| parts.get(i).cloned().unwrap_or_default();
            let input = |key: &str, label: &'static str, autocomplete: &'static str, value: String, width: &'static str| {
                let id = format!("{name}-{key}");
                view! {
                    <div class="field">
                        <label for=id.clone()>{label}</label>
                        <input type="text" id=id name=name.clone() value=value autocomplete=autocomplete
                            class=width aria-invalid=invalid />
                    </div>
                }
            };
            view! {
                <fieldset class=group_class id=name.clone() aria-describedby=described>
                    <legend>{field.label.clone()}{star}</legend>
                    {help}
                    {error_view}
                    {input("street", t::ADDRESS_STREET.get(lang), "address-line1", part(0), "input--wide")}
                    {input("complement", t::ADDRESS_COMPLEMENT.get(lang), "address-line2", part(1), "input--wide")}
                    {input("postcode", t::ADDRESS_POSTCODE.get(lang), "postal-code", part(2), "input--short")}
                    {input("city", t::ADDRESS_CITY.get(lang), "address-level2", part(3), "input--wide")}
                </fieldset>
            }
            .into_any()
        }
        FieldKind::LongText => view! {
            <div class=group_class>
                <label for=name.clone()>{field.label.clone()}{star}</label>
                {help}
                {error_view}
                <textarea id=name.clone() name=name.clone() rows="5" aria-describedby=described aria-invalid=invalid aria-required=required>
                    {crate::ui::escape_raw_text(&value)}
                </textarea>
            </div>
        }
        .into_any(),
        kind => {
            let (input_type, autocomplete, inputmode) = match kind {
                FieldKind::Email => ("email", "email", None),
                FieldKind::Phone => ("tel", "tel", Some("tel")),
                FieldKind::Date => ("date", "off", None),
                FieldKind::Number => ("text", "off", Some("decimal")),
                _ => ("text", "off", None),
            };
            view! {
                <div class=group_class>
                    <label for=name.clone()>{field.label.clone()}{star}</label>
                    {help}
                    {error_view}
                    <input
                        type=input_type
                        id=name.clone()
                        name=name.clone()
                        value=value
                        autocomplete=autocomplete
                        inputmode=inputmode
                        aria-describedby=described
                        aria-invalid=invalid
                        aria-required=required
                    />
                </div>
            }
            .into_any()
        }
    }
}

/// Check before sending: send, or stop and discard.
#[component]
pub fn RecapView() -> impl IntoView {
    let (m, s) = (param("m"), param("s"));
    view! {
        <Suspense>
            {move || {
                let (m, s) = (m.clone(), s.clone());
                Suspend::new(async move {
                    match load_recap(m.clone(), s.clone()).await {
                        Ok(page) => recap_page(page).into_any(),
                        Err(AppError::NotFound) => {
                            // No valid draft (already sent, discarded, or invalid): back to the form.
                            redirect(&format!("/s/{m}/{s}/formulaire"));
                            ().into_any()
                        }
                        Err(e) => citizen_error(e, &m, &s),
                    }
                })
            }}
        </Suspense>
    }
}

fn recap_page(page: RecapPage) -> impl IntoView {
    let service = page.service;
    let path = service_path(&service);
    let l = service.lang;
    view! {
        <CitizenLayout title=t::RECAP_TITLE.with(l, &[("title", &service.title)]) municipality=service.municipality_name.clone() demo=service.demo theme=service.municipality_slug.clone() lang=l langs=service.langs.clone() logo=service.logo.clone()>
            <p class="step">{t::STEP_RECAP.get(l)}</p>
            <h1>{t::RECAP_HEADING.get(l)}</h1>
            <p class="lead">{service.title.clone()}</p>
            {identity_block(page.identity, &service)}
            <section aria-labelledby="answers-title">
                <h2 id="answers-title">{t::YOUR_ANSWERS.get(l)}</h2>
                <dl class="recap">
                    {page
                        .answers
                        .into_iter()
                        .map(|a| {
                            let edit = format!("{path}/formulaire#f-{}", a.stable_id);
                            view! {
                                <div class="recap__row">
                                    <dt>{a.label.clone()}</dt>
                                    <dd>{a.value}</dd>
                                    <dd class="recap__edit">
                                        <a href=edit>{t::EDIT.get(l)} <span class="sr-only">{format!(" : {}", a.label)}</span></a>
                                    </dd>
                                </div>
                            }
                        })
                        .collect_view()}
                </dl>
            </section>
            <div class="actions actions--split">
                <form method="post" action=format!("{path}/envoyer")>
                    <button type="submit" class="button">{t::SEND.get(l)}</button>
                </form>
                <form method="post" action=format!("{path}/abandonner")>
                    <button type="submit" class="button button--secondary">{t::DISCARD.get(l)}</button>
                </form>
            </div>
            <p class="hint">{t::DISCARD_HINT.get(l)}</p>
        </CitizenLayout>
    }
}

/// After sending: the reference and what happens next.
#[component]
pub fn ConfirmationView() -> impl IntoView {
    let (m, s) = (param("m"), param("s"));
    let feedback = use_feedback();
    view! {
        <Suspense>
            {move || {
                let (m, s, feedback) = (m.clone(), s.clone(), feedback.clone());
                Suspend::new(async move {
                    match load_confirmation(m.clone(), s.clone()).await {
                        Ok(page) => confirmation_page(page, feedback.error_for("form")).into_any(),
                        Err(e) => citizen_error(e, &m, &s),
                    }
                })
            }}
        </Suspense>
    }
}

fn confirmation_page(page: ConfirmationPage, notice: Option<String>) -> impl IntoView {
    let service = page.service;
    let l = service.lang;
    view! {
        <CitizenLayout title=t::SENT_TITLE.with(l, &[("title", &service.title)]) municipality=service.municipality_name.clone() demo=service.demo theme=service.municipality_slug.clone() lang=l langs=service.langs.clone() logo=service.logo.clone()>
            {notice.map(|n| view! { <p class="notice notice--warning" role="alert">{n}</p> })}
            <div class="notice notice--success">
                <h1>{t::SENT_HEADING.get(l)}</h1>
                <p>{t::SENT_TEXT.with(l, &[("municipality", &service.municipality_name), ("title", &service.title)])}</p>
                <p class="reference-line">{t::YOUR_REFERENCE.get(l)} <strong id="reference">{page.reference.clone()}</strong></p>
            </div>
            <p>
                {match page.email_sent_to {
                    Some(email) => t::RECEIPT_SENT.with(l, &[("email", &email)]),
                    None => t::KEEP_REFERENCE.get(l).to_owned(),
                }}
            </p>
            <p><a class="button button--secondary" href=format!("{}/recepisse.pdf", service_path(&service)) download="">{t::RECEIPT_LINK.get(l)}</a></p>
            <form method="post" action=format!("/auth/{}/logout", service.municipality_slug)>
                <button type="submit" class="button button--secondary">{t::LOGOUT_FROM.with(l, &[("provider", service.login.name(l))])}</button>
            </form>
        </CitizenLayout>
    }
}

/// Shown after the identity provider has ended the session.
#[component]
pub fn LoggedOutView() -> impl IntoView {
    // No municipality data here: the language comes from the cookie or the browser.
    #[cfg(feature = "ssr")]
    let l = crate::web::request_context()
        .map(|(_, headers)| crate::i18n::from_headers(&headers, &Lang::ALL))
        .unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    let l = Lang::Fr;
    view! {
        <CitizenLayout title=t::LOGGED_OUT_TITLE.get(l) municipality="i-CLEFS" lang=l>
            <h1>{t::LOGGED_OUT_HEADING.get(l)}</h1>
            <p>{t::LOGGED_OUT_TEXT.get(l)}</p>
        </CitizenLayout>
    }
}
