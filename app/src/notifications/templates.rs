//! Email templates: minijinja, edited by each municipality at run time, with built-in defaults.
//!
//! Why this shape:
//! * templates are rendered **when the message is queued**, so a retry days later sends exactly
//!   what was queued, and a template edited in between changes nothing already on its way;
//! * unknown variables are errors (strict mode), so a typo is caught when the template is saved —
//!   the editor renders it against sample data before accepting it;
//! * the HTML part is autoescaped (answers and labels are citizen or agent text); the subject is
//!   rendered as text, then stripped of every line break, so no header can be injected;
//! * rendering is bounded (fuel, size), because templates are written by users;
//! * a stored template that fails at send time falls back to the built-in one: the citizen's
//!   receipt is never lost because of a municipality's typo.

use super::types::MailKind;
use crate::db::entities::mail_template;
use crate::i18n::Lang;
use minijinja::{Environment, ErrorKind, UndefinedBehavior};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde::Serialize;
use uuid::Uuid;

/// Longest accepted template part, in characters.
pub const MAX_SOURCE_CHARS: usize = 20_000;
/// Longest rendered subject (longer ones are cut).
const MAX_SUBJECT_CHARS: usize = 200;
/// Longest rendered body.
const MAX_BODY_BYTES: usize = 200_000;
/// Rendering budget: ample for a mail, small enough to stop a runaway loop.
const FUEL: u64 = 200_000;

/// A template's three parts, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateSource {
    pub subject: String,
    pub text: String,
    /// Optional HTML alternative.
    pub html: Option<String>,
}

/// A rendered message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedMail {
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
}

/// One answer, for the `reponses` loop.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Answer {
    pub libelle: String,
    pub valeur: String,
}

/// The variables of a message. Absent variables are undefined, and using an undefined variable
/// is an error: each kind gets exactly its documented set (see [`MailKind::variables`]).
#[derive(Debug, Clone, Default, Serialize)]
pub struct MailVars {
    pub commune: String,
    pub date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub demarche: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citoyen: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reponses: Option<Vec<Answer>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lien: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invite_par: Option<String>,
}

impl MailVars {
    /// Plausible values for every variable of `kind`, for previews and for checking a template.
    pub fn sample(kind: MailKind, commune: &str) -> Self {
        let mut vars = Self {
            commune: commune.to_owned(),
            date: "22/11/2026 à 10:30".to_owned(),
            ..Self::default()
        };
        let answers = || {
            vec![
                Answer {
                    libelle: "Adresse".to_owned(),
                    valeur: "3 rue de la Mairie".to_owned(),
                },
                Answer {
                    libelle: "Nombre de personnes".to_owned(),
                    valeur: "2".to_owned(),
                },
            ]
        };
        for (name, _) in kind.variables() {
            match *name {
                "demarche" => vars.demarche = Some("Inscription à la bibliothèque".to_owned()),
                "reference" => vars.reference = Some("BIB-7Q4K-2M9X".to_owned()),
                "citoyen" => vars.citoyen = Some("Angela Claire Louise Dubois".to_owned()),
                "reponses" => vars.reponses = Some(answers()),
                "lien" => vars.lien = Some("https://services.example.fr/admin/inbox".to_owned()),
                "message" => {
                    vars.message =
                        Some("Votre carte est prête : passez la retirer en mairie.".into())
                }
                "invite_par" => vars.invite_par = Some("Marie Martin".to_owned()),
                _ => {}
            }
        }
        vars
    }
}

/// Which part of a template an error is in (the editor puts the message next to that field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Subject,
    Text,
    Html,
}

impl Part {
    pub fn field(self) -> &'static str {
        match self {
            Self::Subject => "subject",
            Self::Text => "text",
            Self::Html => "html",
        }
    }
}

/// A template that cannot be used, with a message for the person who wrote it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TemplateError {
    pub part: Part,
    pub message: String,
}

/// The built-in template of `kind` in `lang`. Citizens' messages exist in every language of the
/// citizen pages; the agents' messages are French, like the console.
pub fn default_template_in(kind: MailKind, lang: Lang) -> TemplateSource {
    let (subject, text, html) = match (kind, lang) {
        (MailKind::SubmissionReceipt, Lang::En) => (
            "Your request {{ reference }} has been received",
            "Hello {{ citoyen }},\n\n{{ commune }} received your request \"{{ demarche }}\" on {{ date }}.\nReference: {{ reference }}\n\nYour answers:\n{% for r in reponses %}- {{ r.libelle }}: {{ r.valeur }}\n{% endfor %}\nKeep this reference for any exchange with the town hall.\n\n{{ commune }}\n",
            "<p>Hello {{ citoyen }},</p>\n<p>{{ commune }} received your request \"{{ demarche }}\" on {{ date }}.</p>\n<p>Reference: <strong>{{ reference }}</strong></p>\n<h2 style=\"font-size:1.1em\">Your answers</h2>\n<ul>{% for r in reponses %}<li>{{ r.libelle }}: {{ r.valeur }}</li>{% endfor %}</ul>\n<p>Keep this reference for any exchange with the town hall.</p>\n<p>{{ commune }}</p>\n",
        ),
        (MailKind::SubmissionReceipt, Lang::Nl) => (
            "Uw aanvraag {{ reference }} is goed ontvangen",
            "Beste {{ citoyen }},\n\n{{ commune }} heeft uw aanvraag \"{{ demarche }}\" ontvangen op {{ date }}.\nReferentie: {{ reference }}\n\nUw antwoorden:\n{% for r in reponses %}- {{ r.libelle }}: {{ r.valeur }}\n{% endfor %}\nBewaar deze referentie voor elk contact met het gemeentehuis.\n\n{{ commune }}\n",
            "<p>Beste {{ citoyen }},</p>\n<p>{{ commune }} heeft uw aanvraag \"{{ demarche }}\" ontvangen op {{ date }}.</p>\n<p>Referentie: <strong>{{ reference }}</strong></p>\n<h2 style=\"font-size:1.1em\">Uw antwoorden</h2>\n<ul>{% for r in reponses %}<li>{{ r.libelle }}: {{ r.valeur }}</li>{% endfor %}</ul>\n<p>Bewaar deze referentie voor elk contact met het gemeentehuis.</p>\n<p>{{ commune }}</p>\n",
        ),
        (MailKind::CitizenNotification, Lang::En) => (
            "Your request {{ reference }}: {{ demarche }}",
            "Hello {{ citoyen }},\n\n{{ message }}\n\nReference of your request: {{ reference }} ({{ demarche }}).\n\n{{ commune }}\n",
            "<p>Hello {{ citoyen }},</p>\n<p style=\"white-space:pre-line\">{{ message }}</p>\n<p>Reference of your request: <strong>{{ reference }}</strong> ({{ demarche }}).</p>\n<p>{{ commune }}</p>\n",
        ),
        (MailKind::CitizenNotification, Lang::Nl) => (
            "Uw aanvraag {{ reference }}: {{ demarche }}",
            "Beste {{ citoyen }},\n\n{{ message }}\n\nReferentie van uw aanvraag: {{ reference }} ({{ demarche }}).\n\n{{ commune }}\n",
            "<p>Beste {{ citoyen }},</p>\n<p style=\"white-space:pre-line\">{{ message }}</p>\n<p>Referentie van uw aanvraag: <strong>{{ reference }}</strong> ({{ demarche }}).</p>\n<p>{{ commune }}</p>\n",
        ),
        _ => return default_template(kind),
    };
    TemplateSource {
        subject: subject.to_owned(),
        text: text.to_owned(),
        html: Some(html.to_owned()),
    }
}

/// The built-in French template of `kind`.
pub fn default_template(kind: MailKind) -> TemplateSource {
    let (subject, text, html) = match kind {
        MailKind::SubmissionReceipt => (
            "Votre demande {{ reference }} a bien été reçue",
            "Bonjour {{ citoyen }},\n\n{{ commune }} a bien reçu votre demande « {{ demarche }} » le {{ date }}.\nRéférence : {{ reference }}\n\nVos réponses :\n{% for r in reponses %}- {{ r.libelle }} : {{ r.valeur }}\n{% endfor %}\nConservez cette référence pour tout échange avec la mairie.\n\n{{ commune }}\n",
            "<p>Bonjour {{ citoyen }},</p>\n<p>{{ commune }} a bien reçu votre demande « {{ demarche }} » le {{ date }}.</p>\n<p>Référence : <strong>{{ reference }}</strong></p>\n<h2 style=\"font-size:1.1em\">Vos réponses</h2>\n<ul>{% for r in reponses %}<li>{{ r.libelle }} : {{ r.valeur }}</li>{% endfor %}</ul>\n<p>Conservez cette référence pour tout échange avec la mairie.</p>\n<p>{{ commune }}</p>\n",
        ),
        MailKind::SubmissionNotice => (
            "Nouvelle demande : {{ demarche }} ({{ reference }})",
            "Une nouvelle demande (référence {{ reference }}) a été déposée le {{ date }} pour « {{ demarche }} » ({{ commune }}).\n{% if citoyen %}Demandeur : {{ citoyen }}\n{% endif %}{% for r in reponses %}- {{ r.libelle }} : {{ r.valeur }}\n{% endfor %}\nConsultez-la dans la boîte de réception : {{ lien }}\n",
            "<p>Une nouvelle demande (référence <strong>{{ reference }}</strong>) a été déposée le {{ date }} pour « {{ demarche }} ».</p>\n{% if citoyen %}<p>Demandeur : {{ citoyen }}</p>{% endif %}{% if reponses %}<ul>{% for r in reponses %}<li>{{ r.libelle }} : {{ r.valeur }}</li>{% endfor %}</ul>{% endif %}\n<p><a href=\"{{ lien }}\">Consulter la demande dans la boîte de réception</a></p>\n",
        ),
        MailKind::CitizenNotification => (
            "Votre demande {{ reference }} : {{ demarche }}",
            "Bonjour {{ citoyen }},\n\n{{ message }}\n\nRéférence de votre demande : {{ reference }} ({{ demarche }}).\n\n{{ commune }}\n",
            "<p>Bonjour {{ citoyen }},</p>\n<p style=\"white-space:pre-line\">{{ message }}</p>\n<p>Référence de votre demande : <strong>{{ reference }}</strong> ({{ demarche }}).</p>\n<p>{{ commune }}</p>\n",
        ),
        MailKind::AdminInvitation => (
            "{{ commune }} vous invite sur i-CLEFS",
            "Bonjour,\n\n{{ invite_par }} vous invite à gérer les démarches en ligne de {{ commune }}.\n\nChoisissez votre mot de passe ici (lien valable 7 jours) :\n{{ lien }}\n\nSi vous n'attendiez pas cette invitation, ignorez ce message.\n",
            "<p>Bonjour,</p>\n<p>{{ invite_par }} vous invite à gérer les démarches en ligne de {{ commune }}.</p>\n<p><a href=\"{{ lien }}\">Choisir mon mot de passe</a> (lien valable 7 jours)</p>\n<p>Si vous n'attendiez pas cette invitation, ignorez ce message.</p>\n",
        ),
        MailKind::DeliveryAlert => (
            "Des courriels de {{ commune }} n'ont pas pu être distribués",
            "Bonjour,\n\nDes courriels envoyés par i-CLEFS pour {{ commune }} n'ont pas pu être distribués (constat du {{ date }}).\nLa liste et la raison de chaque échec sont visibles dans la console, sur la page de chaque demande.\n",
            "",
        ),
    };
    TemplateSource {
        subject: subject.to_owned(),
        text: text.to_owned(),
        html: (!html.is_empty()).then(|| html.to_owned()),
    }
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(FUEL));
    env.set_recursion_limit(20);
    // Autoescape follows the template name: `*.html` is escaped, text parts are not.
    env
}

fn explain(part: Part, error: &minijinja::Error) -> TemplateError {
    let line = error
        .line()
        .map(|l| format!(" (ligne {l})"))
        .unwrap_or_default();
    let message = match error.kind() {
        ErrorKind::SyntaxError => format!("Syntaxe du modèle invalide{line} : {}", detail(error)),
        ErrorKind::UndefinedError => format!(
            "Variable inconnue{line}. Utilisez seulement les variables listées sous le formulaire."
        ),
        ErrorKind::OutOfFuel => {
            "Modèle trop coûteux à produire (boucle trop longue) : simplifiez-le.".to_owned()
        }
        _ => format!("Modèle invalide{line} : {}", detail(error)),
    };
    TemplateError { part, message }
}

fn detail(error: &minijinja::Error) -> String {
    error
        .detail()
        .map(str::to_owned)
        .unwrap_or_else(|| error.kind().to_string())
}

fn render_part(
    env: &Environment<'_>,
    part: Part,
    source: &str,
    vars: &minijinja::Value,
) -> Result<String, TemplateError> {
    if source.chars().count() > MAX_SOURCE_CHARS {
        return Err(TemplateError {
            part,
            message: format!("Texte trop long (au plus {MAX_SOURCE_CHARS} caractères)."),
        });
    }
    let name = match part {
        Part::Html => "message.html",
        Part::Subject | Part::Text => "message.txt",
    };
    let out = env
        .render_named_str(name, source, vars.clone())
        .map_err(|e| explain(part, &e))?;
    if out.len() > MAX_BODY_BYTES {
        return Err(TemplateError {
            part,
            message: "Le message produit est trop long.".to_owned(),
        });
    }
    Ok(out)
}

/// A subject as one safe header line: every line break (including U+2028/2029 and other control
/// characters) becomes a space, runs of spaces collapse, length is bounded.
pub fn header_safe(raw: &str) -> String {
    let cleaned: String = raw
        .chars()
        .map(|c| {
            if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
                ' '
            } else {
                c
            }
        })
        .collect();
    cleaned
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(MAX_SUBJECT_CHARS)
        .collect()
}

/// Renders a template with its variables.
pub fn render(source: &TemplateSource, vars: &MailVars) -> Result<RenderedMail, TemplateError> {
    let env = environment();
    let value = minijinja::Value::from(minijinja::value::Serde(vars));
    let subject = header_safe(&render_part(&env, Part::Subject, &source.subject, &value)?);
    if subject.is_empty() {
        return Err(TemplateError {
            part: Part::Subject,
            message: "L'objet du message est vide.".to_owned(),
        });
    }
    let text = render_part(&env, Part::Text, &source.text, &value)?;
    if text.trim().is_empty() {
        return Err(TemplateError {
            part: Part::Text,
            message: "Le texte du message est vide.".to_owned(),
        });
    }
    let html = match source.html.as_deref().filter(|h| !h.trim().is_empty()) {
        Some(html) => Some(render_part(&env, Part::Html, html, &value)?),
        None => None,
    };
    Ok(RenderedMail {
        subject,
        text,
        html,
    })
}

/// Checks a template before saving it, by rendering it against sample data of its kind.
pub fn check(kind: MailKind, source: &TemplateSource) -> Result<RenderedMail, TemplateError> {
    render(source, &MailVars::sample(kind, "Commune exemple"))
}

/// The template in force for a municipality: its own if it has one, the built-in one in `lang`
/// otherwise. A municipality's own template is used whatever the citizen's language: it may say
/// what only the town hall knows, and the console editor says it is sent as written.
pub async fn effective<C: ConnectionTrait>(
    db: &C,
    municipality_id: Uuid,
    kind: MailKind,
    lang: Lang,
) -> Result<(TemplateSource, bool), DbErr> {
    let stored = mail_template::Entity::find()
        .filter(mail_template::Column::MunicipalityId.eq(municipality_id))
        .filter(mail_template::Column::Kind.eq(kind.as_str()))
        .one(db)
        .await?;
    Ok(match stored {
        Some(t) => (
            TemplateSource {
                subject: t.subject,
                text: t.body_text,
                html: t.body_html,
            },
            false,
        ),
        None => (default_template_in(kind, lang), true),
    })
}

/// Renders the municipality's template of `kind`; if it fails (it was valid when saved, but the
/// data may differ), falls back to the built-in template so the message still goes out.
pub async fn render_for<C: ConnectionTrait>(
    db: &C,
    municipality_id: Uuid,
    kind: MailKind,
    vars: &MailVars,
    lang: Lang,
) -> Result<RenderedMail, DbErr> {
    let (source, is_default) = effective(db, municipality_id, kind, lang).await?;
    match render(&source, vars) {
        Ok(mail) => Ok(mail),
        Err(error) if !is_default => {
            tracing::warn!(kind = kind.as_str(), %error, "municipality template failed; default used");
            render(&default_template_in(kind, lang), vars).map_err(|e| DbErr::Custom(e.message))
        }
        Err(error) => Err(DbErr::Custom(error.message)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_template_renders_with_its_sample() {
        for kind in MailKind::EDITABLE
            .into_iter()
            .chain([MailKind::DeliveryAlert])
        {
            let mail = check(kind, &default_template(kind)).expect("default renders");
            assert!(!mail.subject.is_empty());
            assert!(mail.text.contains("Commune exemple"), "{kind:?}");
        }
    }

    #[test]
    fn html_part_is_escaped_and_text_part_is_not() {
        let mut vars = MailVars::sample(MailKind::CitizenNotification, "Ville");
        vars.message = Some("<script>alert(1)</script> & co".to_owned());
        let mail = render(&default_template(MailKind::CitizenNotification), &vars).expect("render");
        let html = mail.html.expect("html part");
        assert!(html.contains("&lt;script&gt;alert(1)") && html.contains("&amp; co"));
        assert!(!html.contains("<script>"));
        assert!(mail.text.contains("<script>alert(1)</script> & co"));
    }

    #[test]
    fn subject_cannot_carry_a_header() {
        let source = TemplateSource {
            subject: "{{ message }}".to_owned(),
            text: "x".to_owned(),
            html: None,
        };
        for evil in [
            "Bonjour\r\nBcc: victim@example.org",
            "Bonjour\nBcc: victim@example.org",
            "Bonjour\u{2028}Bcc: victim@example.org",
            "Bonjour\u{0085}Bcc: victim@example.org",
        ] {
            let mut vars = MailVars::sample(MailKind::CitizenNotification, "Ville");
            vars.message = Some(evil.to_owned());
            let mail = render(&source, &vars).expect("render");
            assert_eq!(mail.subject, "Bonjour Bcc: victim@example.org");
        }
        assert_eq!(header_safe(&"é".repeat(500)).chars().count(), 200);
    }

    #[test]
    fn unknown_variables_and_bad_syntax_are_explained() {
        let typo = TemplateSource {
            subject: "Demande {{ referense }}".to_owned(),
            text: "x".to_owned(),
            html: None,
        };
        let error = check(MailKind::SubmissionReceipt, &typo).expect_err("typo refused");
        assert_eq!(error.part, Part::Subject);
        assert!(error.message.contains("Variable inconnue"), "{error}");

        let broken = TemplateSource {
            subject: "ok".to_owned(),
            text: "{% for r in reponses %}".to_owned(),
            html: None,
        };
        let error = check(MailKind::SubmissionReceipt, &broken).expect_err("syntax refused");
        assert_eq!(error.part, Part::Text);
        assert!(error.message.starts_with("Syntaxe"), "{error}");

        // `message` exists for citizen notifications, not for receipts.
        let wrong_kind = TemplateSource {
            subject: "ok".to_owned(),
            text: "{{ message }}".to_owned(),
            html: None,
        };
        assert!(check(MailKind::SubmissionReceipt, &wrong_kind).is_err());
        assert!(check(MailKind::CitizenNotification, &wrong_kind).is_ok());
    }

    #[test]
    fn runaway_templates_are_stopped() {
        let bomb = TemplateSource {
            subject: "ok".to_owned(),
            text: "{% for a in range(10000) %}{% for b in range(10000) %}x{% endfor %}{% endfor %}"
                .to_owned(),
            html: None,
        };
        let error = check(MailKind::SubmissionReceipt, &bomb).expect_err("bounded");
        assert_eq!(error.part, Part::Text);
        let huge = TemplateSource {
            subject: "ok".to_owned(),
            text: "x".repeat(MAX_SOURCE_CHARS + 1),
            html: None,
        };
        assert!(check(MailKind::SubmissionReceipt, &huge).is_err());
    }
}
