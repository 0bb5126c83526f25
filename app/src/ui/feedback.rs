//! Validation feedback: what a refused form post hands to the page that is shown again.
//!
//! The handler of a refused post renders the same page with this value in context and a 4xx
//! status, so the person sees their input and every error at once (RGAA: an error summary with
//! links to each field, and the message next to the field).

use crate::domain::FieldError;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// Errors and the values that were posted, by input name.
#[derive(Debug, Clone, Default)]
pub struct Feedback {
    /// `(input name or "form", message)`, in display order.
    pub errors: Vec<(String, String)>,
    pub values: BTreeMap<String, String>,
    /// Errors on a citizen form, with the field labels.
    pub field_errors: Vec<FieldError>,
    /// A whole-page error (wrong state, not found...).
    pub page_error: Option<crate::error::AppError>,
    /// A message rendered for review before it is sent or saved.
    pub preview: Option<crate::notifications::types::MailPreview>,
}

impl Feedback {
    pub fn error_for(&self, name: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, m)| m.clone())
    }

    pub fn value(&self, name: &str) -> Option<String> {
        self.values.get(name).cloned()
    }
}

/// Reads the feedback of the current render, if any.
pub fn use_feedback() -> Feedback {
    use_context::<Feedback>().unwrap_or_default()
}

/// The list of errors at the top of a form; each entry links to its field.
#[component]
pub fn ErrorSummary(
    errors: Vec<(String, String)>,
    /// Citizen pages pass theirs; the console is French.
    #[prop(optional)]
    lang: crate::i18n::Lang,
) -> impl IntoView {
    (!errors.is_empty()).then(|| {
        view! {
            <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
                <h2 id="error-summary-title">{crate::i18n::catalogue::ERROR_SUMMARY.get(lang)}</h2>
                <ul>
                    {errors
                        .into_iter()
                        .map(|(anchor, message)| {
                            view! {
                                <li>
                                    <a href=format!("#{anchor}")>{message}</a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </div>
        }
    })
}

/// A labelled input with its hint and its error, as every console form shows them: the posted
/// value comes back after a refusal, else `saved`. `range` sets `min`/`max` (dates, numbers).
/// Password inputs ask browsers not to fill in a saved password.
pub fn labelled_input(
    feedback: &Feedback,
    name: &'static str,
    label: &'static str,
    help: &'static str,
    kind: &'static str,
    saved: String,
    range: Option<(String, String)>,
) -> impl IntoView + use<> {
    let (min, max) = range.unzip();
    let error = feedback.error_for(name);
    let value = feedback.value(name).unwrap_or(saved);
    let help_id = format!("{name}-help");
    let described = if error.is_some() {
        format!("{help_id} {name}-error")
    } else {
        help_id.clone()
    };
    let autocomplete = if kind == "password" {
        "new-password"
    } else {
        "off"
    };
    view! {
        <div class=if error.is_some() { "field field--error" } else { "field" }>
            <label for=name>{label}</label>
            <p class="hint" id=help_id>{help}</p>
            {error.clone().map(|m| view! { <p class="field-error" id=format!("{name}-error")>{m}</p> })}
            <input type=kind id=name name=name value=value autocomplete=autocomplete min=min max=max
                aria-describedby=described aria-invalid=error.is_some().then_some("true") />
        </div>
    }
}
