//! Custom inputs of a service and the server-side check of the citizen's answers.
//!
//! A field is identified by a `stable_id` that survives edits across revisions, so answers given
//! under revision 1 still line up with the same question in revision 2. One `FieldKind` enum with a
//! `match` per behaviour (parse, display) replaces a class hierarchy.

use super::DomainError;
use crate::i18n::{Lang, catalogue as t};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

pub const MAX_LABEL_CHARS: usize = 300;
pub const MAX_HELP_CHARS: usize = 1_000;
pub const MAX_OPTION_CHARS: usize = 200;
pub const MAX_OPTIONS: usize = 100;
pub const MAX_SHORT_TEXT_CHARS: usize = 200;
pub const MAX_LONG_TEXT_CHARS: usize = 5_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    ShortText,
    LongText,
    Email,
    Number,
    Date,
    SingleChoice,
    YesNo,
}

impl FieldKind {
    pub const ALL: [Self; 7] = [
        Self::ShortText,
        Self::LongText,
        Self::Email,
        Self::Number,
        Self::Date,
        Self::SingleChoice,
        Self::YesNo,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ShortText => "short_text",
            Self::LongText => "long_text",
            Self::Email => "email",
            Self::Number => "number",
            Self::Date => "date",
            Self::SingleChoice => "single_choice",
            Self::YesNo => "yes_no",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == raw)
            .ok_or_else(|| DomainError::new("Type de champ inconnu."))
    }

    pub fn label_fr(self) -> &'static str {
        match self {
            Self::ShortText => "Texte court",
            Self::LongText => "Texte long",
            Self::Email => "Adresse électronique",
            Self::Number => "Nombre",
            Self::Date => "Date",
            Self::SingleChoice => "Choix unique",
            Self::YesNo => "Oui / non",
        }
    }

    pub fn has_options(self) -> bool {
        matches!(self, Self::SingleChoice)
    }
}

/// One question of a frozen revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldDefinition {
    pub stable_id: Uuid,
    pub kind: FieldKind,
    pub label: String,
    pub help: String,
    pub required: bool,
    pub options: Vec<String>,
}

impl FieldDefinition {
    /// Parses what the admin typed in the builder into a valid definition.
    pub fn parse_new(
        stable_id: Uuid,
        kind: &str,
        label: &str,
        help: &str,
        required: bool,
        options_text: &str,
    ) -> Result<Self, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let kind = FieldKind::parse(kind).map_err(|e| errors.push(("kind", e.0)));
        let label = label.trim();
        if label.is_empty() {
            errors.push(("label", "Le libellé est obligatoire.".to_owned()));
        } else if label.chars().count() > MAX_LABEL_CHARS {
            errors.push((
                "label",
                format!("Le libellé ne peut dépasser {MAX_LABEL_CHARS} caractères."),
            ));
        }
        let help = help.trim();
        if help.chars().count() > MAX_HELP_CHARS {
            errors.push((
                "help",
                format!("Le texte d'aide ne peut dépasser {MAX_HELP_CHARS} caractères."),
            ));
        }
        let mut options: Vec<String> = Vec::new();
        if let Ok(k) = kind
            && k.has_options()
        {
            for line in options_text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
            {
                if line.chars().count() > MAX_OPTION_CHARS {
                    errors.push((
                        "options",
                        format!("Une option ne peut dépasser {MAX_OPTION_CHARS} caractères."),
                    ));
                    break;
                }
                if options.iter().any(|o| o.eq_ignore_ascii_case(line)) {
                    errors.push(("options", format!("L'option « {line} » est en double.")));
                    break;
                }
                options.push(line.to_owned());
            }
            if options.len() < 2 {
                errors.push((
                    "options",
                    "Indiquez au moins deux options, une par ligne.".to_owned(),
                ));
            } else if options.len() > MAX_OPTIONS {
                errors.push(("options", format!("{MAX_OPTIONS} options au plus.")));
            }
        }
        match kind {
            Ok(kind) if errors.is_empty() => Ok(Self {
                stable_id,
                kind,
                label: label.to_owned(),
                help: help.to_owned(),
                required,
                options,
            }),
            _ => Err(errors),
        }
    }

    /// The name of the HTML input carrying this field's answer.
    pub fn input_name(&self) -> String {
        format!("f-{}", self.stable_id)
    }

    /// Parses one raw answer. `Ok(None)` means "left empty" (allowed when not required).
    pub fn parse_answer(&self, raw: &str) -> Result<Option<serde_json::Value>, AnswerError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return if self.required {
                Err(AnswerError::Required)
            } else {
                Ok(None)
            };
        }
        let value = match self.kind {
            FieldKind::ShortText => {
                if raw.chars().count() > MAX_SHORT_TEXT_CHARS {
                    return Err(AnswerError::TooLong(MAX_SHORT_TEXT_CHARS));
                }
                if raw.contains(['\n', '\r']) {
                    return Err(AnswerError::OneLine);
                }
                serde_json::Value::String(raw.to_owned())
            }
            FieldKind::LongText => {
                if raw.chars().count() > MAX_LONG_TEXT_CHARS {
                    return Err(AnswerError::TooLong(MAX_LONG_TEXT_CHARS));
                }
                serde_json::Value::String(raw.replace("\r\n", "\n"))
            }
            FieldKind::Email => {
                let valid = raw.len() <= 254
                    && raw.split_once('@').is_some_and(|(local, domain)| {
                        !local.is_empty()
                            && domain.contains('.')
                            && !domain.starts_with('.')
                            && !domain.ends_with('.')
                            && !raw.contains(char::is_whitespace)
                    });
                if !valid {
                    return Err(AnswerError::BadEmail);
                }
                serde_json::Value::String(raw.to_owned())
            }
            FieldKind::Number => {
                let normalized = raw.replace(',', ".").replace([' ', '\u{a0}'], "");
                match normalized.parse::<f64>() {
                    Ok(n) if n.is_finite() && normalized.len() <= 30 => {
                        serde_json::Number::from_f64(n)
                            .map(serde_json::Value::Number)
                            .ok_or(AnswerError::BadNumber)?
                    }
                    _ => return Err(AnswerError::BadNumber),
                }
            }
            FieldKind::Date => match chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
                Ok(d) => serde_json::Value::String(d.format("%Y-%m-%d").to_string()),
                Err(_) => return Err(AnswerError::BadDate),
            },
            FieldKind::SingleChoice => {
                if !self.options.iter().any(|o| o == raw) {
                    return Err(AnswerError::BadChoice);
                }
                serde_json::Value::String(raw.to_owned())
            }
            FieldKind::YesNo => match raw {
                "oui" => serde_json::Value::Bool(true),
                "non" => serde_json::Value::Bool(false),
                _ => return Err(AnswerError::BadYesNo),
            },
        };
        Ok(Some(value))
    }

    /// How a stored answer reads in the inbox, exports and emails (French).
    pub fn display_answer(&self, value: Option<&serde_json::Value>) -> String {
        self.display_answer_in(value, Lang::Fr)
    }

    /// How a stored answer reads for a reader of `lang` (the citizen's recap).
    pub fn display_answer_in(&self, value: Option<&serde_json::Value>, lang: Lang) -> String {
        match (self.kind, value) {
            (_, None) | (_, Some(serde_json::Value::Null)) => t::NOT_ANSWERED.get(lang).to_owned(),
            (FieldKind::YesNo, Some(serde_json::Value::Bool(b))) => {
                if *b { t::YES } else { t::NO }.get(lang).to_owned()
            }
            (FieldKind::Date, Some(serde_json::Value::String(s))) => {
                super::identity::display_birthdate(s)
            }
            (FieldKind::Number, Some(serde_json::Value::Number(n))) => {
                n.to_string().replace('.', ",")
            }
            (_, Some(serde_json::Value::String(s))) => s.clone(),
            (_, Some(other)) => other.to_string(),
        }
    }

    /// The raw text to put back into the input when the form is shown again.
    pub fn raw_answer(&self, value: Option<&serde_json::Value>) -> String {
        match value {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Bool(true)) => "oui".to_owned(),
            Some(serde_json::Value::Bool(false)) => "non".to_owned(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => String::new(),
        }
    }
}

/// Answers keyed by field stable id.
pub type FieldValues = BTreeMap<Uuid, serde_json::Value>;

/// An answer that was refused, with the sentence to show next to the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub stable_id: Uuid,
    pub label: String,
    pub message: String,
}

/// Why an answer was refused; worded in the citizen's language by [`AnswerError::message`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerError {
    Required,
    /// More characters than the limit.
    TooLong(usize),
    OneLine,
    BadEmail,
    BadNumber,
    BadDate,
    BadChoice,
    BadYesNo,
}

impl AnswerError {
    pub fn message(self, lang: Lang) -> String {
        match self {
            Self::Required => t::REQUIRED.get(lang).to_owned(),
            Self::TooLong(max) => t::TOO_LONG.with(lang, &[("max", &max.to_string())]),
            Self::OneLine => t::ONE_LINE.get(lang).to_owned(),
            Self::BadEmail => t::BAD_EMAIL.get(lang).to_owned(),
            Self::BadNumber => t::BAD_NUMBER.get(lang).to_owned(),
            Self::BadDate => t::BAD_DATE.get(lang).to_owned(),
            Self::BadChoice => t::BAD_CHOICE.get(lang).to_owned(),
            Self::BadYesNo => t::BAD_YES_NO.get(lang).to_owned(),
        }
    }
}

impl std::fmt::Display for AnswerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::Fr))
    }
}

/// The raw text the citizen typed, kept even when invalid so that nothing is lost.
pub type RawAnswers = BTreeMap<Uuid, String>;

/// Checks every answer of a form. Returns the parsed values, or every error at once (an error
/// summary lists them all, in form order).
pub fn validate_answers(
    fields: &[FieldDefinition],
    raw: &RawAnswers,
    lang: Lang,
) -> Result<FieldValues, Vec<FieldError>> {
    let mut values = FieldValues::new();
    let mut errors = Vec::new();
    for field in fields {
        let answer = raw
            .get(&field.stable_id)
            .map(String::as_str)
            .unwrap_or_default();
        match field.parse_answer(answer) {
            Ok(Some(v)) => {
                values.insert(field.stable_id, v);
            }
            Ok(None) => {}
            Err(error) => errors.push(FieldError {
                stable_id: field.stable_id,
                label: field.label.clone(),
                message: error.message(lang),
            }),
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(kind: FieldKind, required: bool, options: &[&str]) -> FieldDefinition {
        FieldDefinition {
            stable_id: Uuid::from_u128(u128::from(kind as u8) + 1),
            kind,
            label: "Q".into(),
            help: String::new(),
            required,
            options: options.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn each_kind_accepts_good_and_refuses_bad_answers() {
        let cases: &[(FieldKind, &[&str], &str, &str)] = &[
            (FieldKind::ShortText, &[], "B-123456", "a\nb"),
            (
                FieldKind::LongText,
                &[],
                "ligne 1\nligne 2",
                &"x".repeat(MAX_LONG_TEXT_CHARS + 1),
            ),
            (FieldKind::Email, &[], "jeanne@exemple.fr", "jeanne@"),
            (FieldKind::Number, &[], "3,5", "trois"),
            (FieldKind::Date, &[], "2026-02-28", "2026-02-30"),
            (
                FieldKind::SingleChoice,
                &["Jeunesse", "Adultes"],
                "Adultes",
                "Seniors",
            ),
            (FieldKind::YesNo, &[], "oui", "peut-être"),
        ];
        for (kind, options, good, bad) in cases {
            let f = field(*kind, true, options);
            assert!(
                matches!(f.parse_answer(good), Ok(Some(_))),
                "{kind:?} should accept {good:?}"
            );
            assert!(
                f.parse_answer(bad).is_err(),
                "{kind:?} should refuse {bad:?}"
            );
            assert_eq!(f.parse_answer("  "), Err(AnswerError::Required));
            assert_eq!(field(*kind, false, options).parse_answer(""), Ok(None));
        }
    }

    #[test]
    fn validation_reports_every_error_and_keeps_good_values() {
        let a = field(FieldKind::ShortText, true, &[]);
        let b = field(FieldKind::Email, true, &[]);
        let raw = RawAnswers::from([(b.stable_id, "pas-une-adresse".to_owned())]);
        let errors = validate_answers(&[a.clone(), b.clone()], &raw, Lang::Fr)
            .err()
            .unwrap_or_default();
        assert_eq!(errors.len(), 2);
        let ok = RawAnswers::from([
            (a.stable_id, "x".to_owned()),
            (b.stable_id, "a@b.fr".to_owned()),
        ]);
        assert_eq!(
            validate_answers(&[a, b], &ok, Lang::Nl).map(|v| v.len()),
            Ok(2)
        );
    }

    #[test]
    fn builder_input_is_checked() {
        let id = Uuid::nil();
        assert!(FieldDefinition::parse_new(id, "short_text", "  ", "", true, "").is_err());
        assert!(FieldDefinition::parse_new(id, "single_choice", "Q", "", true, "A\na").is_err());
        assert!(FieldDefinition::parse_new(id, "single_choice", "Q", "", true, "A").is_err());
        assert!(FieldDefinition::parse_new(id, "nope", "Q", "", true, "").is_err());
        let ok = FieldDefinition::parse_new(id, "single_choice", " Q ", "", false, "A\n\n B \n");
        assert_eq!(
            ok.map(|f| (f.label, f.options)),
            Ok(("Q".to_owned(), vec!["A".to_owned(), "B".to_owned()]))
        );
    }
}
