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
    /// French or Belgian number, national or international; stored without spaces.
    Phone,
    /// Checkboxes, any number of the options; stored as an array.
    MultipleChoice,
    /// One checkbox the citizen ticks to agree to the label's statement; stored as `true`.
    Consent,
    /// A French commune by INSEE code or unambiguous name; stored as the code.
    Commune,
    /// A French postal address: street, optional complement, postcode, town; stored as an
    /// object. Its four inputs post under the field's one name, in that order.
    Address,
    /// A document (PDF, JPEG or PNG) checked and stored by `uploads`; the answer is its
    /// reference `{id, name, size, type}`, written by the server, never typed.
    File,
    /// A heading that opens a section of the form (no answer).
    Section,
    /// A paragraph of explanation (no answer): plain text, shown as text, never as HTML.
    Explanation,
}

impl FieldKind {
    pub const ALL: [Self; 15] = [
        Self::ShortText,
        Self::LongText,
        Self::Email,
        Self::Phone,
        Self::Number,
        Self::Date,
        Self::SingleChoice,
        Self::MultipleChoice,
        Self::YesNo,
        Self::Consent,
        Self::Commune,
        Self::Address,
        Self::File,
        Self::Section,
        Self::Explanation,
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
            Self::Phone => "phone",
            Self::MultipleChoice => "multiple_choice",
            Self::Consent => "consent",
            Self::Commune => "commune",
            Self::Address => "address",
            Self::File => "file",
            Self::Section => "section",
            Self::Explanation => "explanation",
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
            Self::Phone => "Téléphone (France, Belgique)",
            Self::MultipleChoice => "Choix multiple",
            Self::Consent => "Case à cocher (accord, consentement)",
            Self::Commune => "Commune (code officiel INSEE)",
            Self::Address => "Adresse postale (France)",
            Self::File => "Pièce jointe (PDF, JPEG, PNG)",
            Self::Section => "Titre de section",
            Self::Explanation => "Texte explicatif",
        }
    }

    pub fn has_options(self) -> bool {
        matches!(self, Self::SingleChoice | Self::MultipleChoice)
    }

    /// Headings and explanations are shown, not answered.
    pub fn takes_answer(self) -> bool {
        !matches!(self, Self::Section | Self::Explanation)
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
    /// What the answer must also satisfy (limits, pattern), for this field's kind.
    #[serde(default)]
    pub rules: super::rules::FieldRules,
    /// When the field is shown; `None`: always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<super::rules::Condition>,
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
                // A heading or an explanation cannot be "required".
                required: required && kind.takes_answer(),
                options,
                rules: super::rules::FieldRules::default(),
                condition: None,
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
        if !self.kind.takes_answer() {
            return Ok(None);
        }
        // Its parts are positional: read before anything is trimmed.
        if self.kind == FieldKind::Address {
            return parse_address(raw, self.required);
        }
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
                #[cfg(feature = "ssr")]
                if let Some(pattern) = &self.rules.pattern {
                    // Checked when saved; a pattern that no longer compiles refuses nothing.
                    if let Ok(re) = super::rules::compile_pattern(pattern)
                        && !re.is_match(raw)
                    {
                        return Err(AnswerError::Pattern);
                    }
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
                let n = match normalized.parse::<f64>() {
                    Ok(n) if n.is_finite() && normalized.len() <= 30 => n,
                    _ => return Err(AnswerError::BadNumber),
                };
                let rules = &self.rules;
                if rules.integer && n.fract() != 0.0 {
                    return Err(AnswerError::NotInteger);
                }
                if let Some(min) = rules.min.filter(|min| n < *min) {
                    return Err(AnswerError::BelowMin(min));
                }
                if let Some(max) = rules.max.filter(|max| n > *max) {
                    return Err(AnswerError::AboveMax(max));
                }
                serde_json::Number::from_f64(n)
                    .map(serde_json::Value::Number)
                    .ok_or(AnswerError::BadNumber)?
            }
            FieldKind::Date => {
                let d = chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                    .map_err(|_| AnswerError::BadDate)?;
                let rules = &self.rules;
                if let Some(min) = rules.date_min.filter(|min| d < *min) {
                    return Err(AnswerError::DateTooEarly(min));
                }
                if let Some(max) = rules.date_max.filter(|max| d > *max) {
                    return Err(AnswerError::DateTooLate(max));
                }
                if rules.past_only && d > chrono::Utc::now().date_naive() {
                    return Err(AnswerError::DateInFuture);
                }
                serde_json::Value::String(d.format("%Y-%m-%d").to_string())
            }
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
            FieldKind::Consent => match raw {
                "oui" => serde_json::Value::Bool(true),
                _ => return Err(AnswerError::BadChoice),
            },
            FieldKind::Phone => serde_json::Value::String(parse_phone(raw)?),
            FieldKind::MultipleChoice => {
                // The browser posts one value per ticked box; they arrive joined by newlines.
                let mut picked: Vec<serde_json::Value> = Vec::new();
                for choice in raw.lines().map(str::trim).filter(|l| !l.is_empty()) {
                    if !self.options.iter().any(|o| o == choice) {
                        return Err(AnswerError::BadChoice);
                    }
                    let value = serde_json::Value::String(choice.to_owned());
                    if !picked.contains(&value) {
                        picked.push(value);
                    }
                }
                let count = u32::try_from(picked.len()).unwrap_or(u32::MAX);
                if let Some(min) = self.rules.min_selected.filter(|min| count < *min) {
                    return Err(AnswerError::TooFewChoices(min));
                }
                if let Some(max) = self.rules.max_selected.filter(|max| count > *max) {
                    return Err(AnswerError::TooManyChoices(max));
                }
                serde_json::Value::Array(picked)
            }
            FieldKind::Commune => serde_json::Value::String(parse_commune(raw)?),
            FieldKind::File => file_reference(raw)?,
            FieldKind::Section | FieldKind::Explanation | FieldKind::Address => return Ok(None),
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
            (FieldKind::Consent, Some(serde_json::Value::Bool(true))) => {
                t::YES.get(lang).to_owned()
            }
            (_, Some(serde_json::Value::Array(items))) => items
                .iter()
                .filter_map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            (FieldKind::Phone, Some(serde_json::Value::String(s))) => display_phone(s),
            (FieldKind::File, Some(serde_json::Value::Object(file))) => {
                let name = file
                    .get("name")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default();
                let size = file
                    .get("size")
                    .and_then(serde_json::Value::as_u64)
                    .unwrap_or(0);
                format!("{name} ({})", display_size(size))
            }
            (FieldKind::Address, Some(serde_json::Value::Object(parts))) => {
                let part = |k: &str| parts.get(k).and_then(|v| v.as_str()).unwrap_or_default();
                let town = format!("{} {}", part("postcode"), part("city"));
                [part("street"), part("complement"), town.trim()]
                    .into_iter()
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
            #[cfg(feature = "ssr")]
            (FieldKind::Commune, Some(serde_json::Value::String(code))) => {
                match super::cog::commune_name(code) {
                    Some(name) => format!("{name} ({code})"),
                    None => code.clone(),
                }
            }
            (_, Some(serde_json::Value::String(s))) => s.clone(),
            (_, Some(other)) => other.to_string(),
        }
    }

    /// The raw text to put back into the input when the form is shown again.
    pub fn raw_answer(&self, value: Option<&serde_json::Value>) -> String {
        match value {
            // A file's reference is kept as written by the server.
            Some(v @ serde_json::Value::Object(_)) if self.kind == FieldKind::File => v.to_string(),
            Some(serde_json::Value::Object(parts)) => ADDRESS_PARTS
                .iter()
                .map(|k| parts.get(*k).and_then(|v| v.as_str()).unwrap_or_default())
                .collect::<Vec<_>>()
                .join("\n"),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Bool(true)) => "oui".to_owned(),
            Some(serde_json::Value::Bool(false)) => "non".to_owned(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
            _ => String::new(),
        }
    }
}

/// `06 12 34 56 78`, `+33 6 12 34 56 78`, `0032 470 12 34 56`, `02/123.45.67`… → digits with a
/// leading `+` for international numbers: French (+33, 9 digits after it) and Belgian (+32, 8
/// or 9 digits) numbers, or a national number of 9 or 10 digits starting with 0.
fn parse_phone(raw: &str) -> Result<String, AnswerError> {
    let mut compact: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '/' | '(' | ')' | '\u{a0}'))
        .collect();
    if let Some(rest) = compact.strip_prefix("00") {
        compact = format!("+{rest}");
    }
    let digits_only = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let international = |country: &str, rest: &str, lengths: std::ops::RangeInclusive<usize>| {
        // "+33 (0)6…" is common: drop the national 0.
        let rest = rest.strip_prefix('0').unwrap_or(rest);
        (digits_only(rest) && lengths.contains(&rest.len()) && !rest.starts_with('0'))
            .then(|| format!("{country}{rest}"))
    };
    let normalised = if let Some(rest) = compact.strip_prefix("+33") {
        international("+33", rest, 9..=9)
    } else if let Some(rest) = compact.strip_prefix("+32") {
        international("+32", rest, 8..=9)
    } else {
        (digits_only(&compact)
            && compact.starts_with('0')
            && (9..=10).contains(&compact.len())
            && !compact.starts_with("00"))
        .then(|| compact.clone())
    };
    normalised.ok_or(AnswerError::BadPhone)
}

/// A stored phone number as people write it: `06 12 34 56 78`, `+33 6 12 34 56 78`.
fn display_phone(stored: &str) -> String {
    let pairs = |digits: &str| {
        digits
            .as_bytes()
            .chunks(2)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    };
    if let Some(rest) = stored.strip_prefix("+33") {
        let (first, others) = rest.split_at(rest.len().min(1));
        format!("+33 {first} {}", pairs(others))
    } else if stored.starts_with('0') && stored.len() == 10 && !stored.starts_with("04") {
        pairs(stored)
    } else {
        stored.to_owned()
    }
}

/// An INSEE commune code (`75107`, `2A004`), `Name (code)` as the recap shows it, or a name that
/// only one commune has. On the server the code must exist in the COG tables.
fn parse_commune(raw: &str) -> Result<String, AnswerError> {
    let in_brackets = raw
        .rsplit_once('(')
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .map(str::trim);
    let candidate = in_brackets.unwrap_or(raw).trim().to_ascii_uppercase();
    let looks_like_code = candidate.len() == 5
        && candidate
            .bytes()
            .enumerate()
            .all(|(i, b)| b.is_ascii_digit() || (i == 1 && (b == b'A' || b == b'B')));
    #[cfg(feature = "ssr")]
    {
        if looks_like_code {
            return super::cog::commune_name(&candidate)
                .map(|_| candidate.clone())
                .ok_or(AnswerError::BadCommune);
        }
        match super::cog::communes_named(raw).as_slice() {
            [only] => Ok((*only).to_owned()),
            [] => Err(AnswerError::BadCommune),
            _ => Err(AnswerError::AmbiguousCommune),
        }
    }
    #[cfg(not(feature = "ssr"))]
    {
        if looks_like_code {
            Ok(candidate)
        } else {
            Err(AnswerError::BadCommune)
        }
    }
}

/// "12 Ko", "1,4 Mo".
pub fn display_size(bytes: u64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} Ko", bytes.div_ceil(1024))
    } else {
        let tenths = bytes * 10 / (1024 * 1024);
        format!("{},{} Mo", tenths / 10, tenths % 10)
    }
}

/// The reference of a stored file, as the server wrote it into the draft.
fn file_reference(raw: &str) -> Result<serde_json::Value, AnswerError> {
    let value: serde_json::Value = serde_json::from_str(raw).map_err(|_| AnswerError::BadFile)?;
    let ok = value
        .get("id")
        .and_then(|v| v.as_str())
        .is_some_and(|id| Uuid::parse_str(id).is_ok())
        && value
            .get("name")
            .and_then(|v| v.as_str())
            .is_some_and(|n| !n.is_empty())
        && value
            .get("size")
            .and_then(serde_json::Value::as_u64)
            .is_some()
        && value
            .get("type")
            .and_then(|v| v.as_str())
            .is_some_and(|t| ["application/pdf", "image/jpeg", "image/png"].contains(&t));
    if !ok {
        return Err(AnswerError::BadFile);
    }
    Ok(serde_json::json!({
        "id": value.get("id"),
        "name": value.get("name"),
        "size": value.get("size"),
        "type": value.get("type"),
    }))
}

/// The parts of a postal address, in the order of its inputs.
pub const ADDRESS_PARTS: [&str; 4] = ["street", "complement", "postcode", "city"];
/// Longest part of an address (a French address line is at most 38 characters by the AFNOR
/// standard; more is accepted, within reason).
const MAX_ADDRESS_PART_CHARS: usize = 100;

/// `street\ncomplement\npostcode\ncity` → `{"street", "complement"?, "postcode", "city"}`.
fn parse_address(raw: &str, required: bool) -> Result<Option<serde_json::Value>, AnswerError> {
    let normalised = raw.replace("\r\n", "\n");
    let parts: Vec<String> = normalised
        .split('\n')
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let part = |i: usize| parts.get(i).cloned().unwrap_or_default();
    let (street, complement, postcode, city) =
        (part(0), part(1), part(2).replace(' ', ""), part(3));
    if parts.len() > ADDRESS_PARTS.len() {
        return Err(AnswerError::BadAddress);
    }
    if [&street, &complement, &postcode, &city]
        .iter()
        .all(|p| p.is_empty())
    {
        return if required {
            Err(AnswerError::Required)
        } else {
            Ok(None)
        };
    }
    if [&street, &complement, &city]
        .iter()
        .any(|p| p.chars().count() > MAX_ADDRESS_PART_CHARS)
    {
        return Err(AnswerError::TooLong(MAX_ADDRESS_PART_CHARS));
    }
    if street.is_empty() || city.is_empty() || postcode.is_empty() {
        return Err(AnswerError::BadAddress);
    }
    // Five digits, from 01000 (Ain) to 98890 (overseas collectivities); 20xxx is Corsica.
    let valid_postcode = postcode.len() == 5
        && postcode.bytes().all(|b| b.is_ascii_digit())
        && ("01000"..="98899").contains(&postcode.as_str());
    if !valid_postcode {
        return Err(AnswerError::BadPostcode);
    }
    let mut value = serde_json::json!({ "street": street, "postcode": postcode, "city": city });
    if !complement.is_empty()
        && let serde_json::Value::Object(map) = &mut value
    {
        map.insert(
            "complement".to_owned(),
            serde_json::Value::String(complement),
        );
    }
    Ok(Some(value))
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
#[derive(Debug, Clone, Copy, PartialEq)]
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
    BadPhone,
    BadCommune,
    AmbiguousCommune,
    BelowMin(f64),
    AboveMax(f64),
    NotInteger,
    DateTooEarly(chrono::NaiveDate),
    DateTooLate(chrono::NaiveDate),
    DateInFuture,
    TooFewChoices(u32),
    TooManyChoices(u32),
    /// The answer does not match the field's pattern: the admin's own message is shown.
    Pattern,
    BadAddress,
    BadPostcode,
    BadFile,
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
            Self::BadPhone => t::BAD_PHONE.get(lang).to_owned(),
            Self::BadCommune => t::BAD_COMMUNE.get(lang).to_owned(),
            Self::AmbiguousCommune => t::AMBIGUOUS_COMMUNE.get(lang).to_owned(),
            Self::BelowMin(min) => t::BELOW_MIN.with(lang, &[("min", &decimal(min))]),
            Self::AboveMax(max) => t::ABOVE_MAX.with(lang, &[("max", &decimal(max))]),
            Self::NotInteger => t::NOT_INTEGER.get(lang).to_owned(),
            Self::DateTooEarly(d) => t::DATE_TOO_EARLY.with(lang, &[("date", &day(d))]),
            Self::DateTooLate(d) => t::DATE_TOO_LATE.with(lang, &[("date", &day(d))]),
            Self::DateInFuture => t::DATE_IN_FUTURE.get(lang).to_owned(),
            Self::TooFewChoices(n) => t::TOO_FEW_CHOICES.with(lang, &[("min", &n.to_string())]),
            Self::TooManyChoices(n) => t::TOO_MANY_CHOICES.with(lang, &[("max", &n.to_string())]),
            // Replaced by the field's own message in `validate_answers`.
            Self::Pattern => t::BAD_CHOICE.get(lang).to_owned(),
            Self::BadAddress => t::BAD_ADDRESS.get(lang).to_owned(),
            Self::BadPostcode => t::BAD_POSTCODE.get(lang).to_owned(),
            Self::BadFile => t::FILE_MISSING.get(lang).to_owned(),
        }
    }
}

fn decimal(n: f64) -> String {
    n.to_string().replace('.', ",")
}

fn day(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
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
    let shown = super::rules::shown(fields, raw);
    for (field, shown) in fields.iter().zip(shown) {
        // A field whose condition is false is neither required nor kept.
        if !shown {
            continue;
        }
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
                message: match (error, &field.rules.pattern_message) {
                    (AnswerError::Pattern, Some(own)) => own.clone(),
                    _ => error.message(lang),
                },
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
            rules: crate::domain::rules::FieldRules::default(),
            condition: None,
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
            (FieldKind::Phone, &[], "06 12 34 56 78", "12 34"),
            (
                FieldKind::MultipleChoice,
                &["Lundi", "Mardi"],
                "Lundi\nMardi",
                "Dimanche",
            ),
            (FieldKind::Consent, &[], "oui", "non"),
            (FieldKind::Commune, &[], "75107", "99999"),
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
    fn phone_numbers_of_france_and_belgium_are_normalised() {
        let f = field(FieldKind::Phone, true, &[]);
        let parsed = |raw: &str| {
            f.parse_answer(raw)
                .ok()
                .flatten()
                .and_then(|v| v.as_str().map(str::to_owned))
        };
        assert_eq!(parsed("06 12 34 56 78").as_deref(), Some("0612345678"));
        assert_eq!(
            parsed("+33 (0)6 12 34 56 78").as_deref(),
            Some("+33612345678")
        );
        assert_eq!(
            parsed("0033 6.12.34.56.78").as_deref(),
            Some("+33612345678")
        );
        assert_eq!(parsed("+32 470 12 34 56").as_deref(), Some("+32470123456"));
        assert_eq!(parsed("02/123.45.67").as_deref(), Some("021234567"));
        for bad in [
            "+33 6 12",
            "+44 20 7946 0000",
            "6 12 34 56 78",
            "06 12 34 56 7a",
            "+320470",
        ] {
            assert_eq!(f.parse_answer(bad), Err(AnswerError::BadPhone), "{bad}");
        }
        assert_eq!(
            f.display_answer(Some(&serde_json::json!("0612345678"))),
            "06 12 34 56 78"
        );
        assert_eq!(
            f.display_answer(Some(&serde_json::json!("+33612345678"))),
            "+33 6 12 34 56 78"
        );
    }

    #[test]
    fn choices_consent_commune_and_text_blocks() {
        let multi = field(FieldKind::MultipleChoice, false, &["Lundi", "Mardi"]);
        assert_eq!(
            multi.parse_answer("Mardi\nLundi\nMardi"),
            Ok(Some(serde_json::json!(["Mardi", "Lundi"])))
        );
        assert_eq!(
            multi.display_answer(Some(&serde_json::json!(["Mardi", "Lundi"]))),
            "Mardi, Lundi"
        );
        assert_eq!(
            multi.raw_answer(Some(&serde_json::json!(["Mardi", "Lundi"]))),
            "Mardi\nLundi"
        );
        let consent = field(FieldKind::Consent, true, &[]);
        assert_eq!(consent.parse_answer(""), Err(AnswerError::Required));
        assert_eq!(
            consent.parse_answer("oui"),
            Ok(Some(serde_json::json!(true)))
        );
        let commune = field(FieldKind::Commune, true, &[]);
        assert_eq!(
            commune.parse_answer("2a004"),
            Ok(Some(serde_json::json!("2A004")))
        );
        assert_eq!(
            commune.parse_answer("Paris 7e Arrondissement (75107)"),
            Ok(Some(serde_json::json!("75107")))
        );
        assert_eq!(
            commune.parse_answer("saint-etienne"),
            Ok(Some(serde_json::json!("42218")))
        );
        assert_eq!(
            commune.parse_answer("Nulle-Part"),
            Err(AnswerError::BadCommune)
        );
        assert_eq!(
            commune.display_answer(Some(&serde_json::json!("75107"))),
            "Paris 7e Arrondissement (75107)"
        );
        // Headings and explanations take no answer, even "required".
        for kind in [FieldKind::Section, FieldKind::Explanation] {
            let f =
                FieldDefinition::parse_new(Uuid::nil(), kind.as_str(), "Vos enfants", "", true, "")
                    .expect("valid");
            assert!(!f.required);
            assert_eq!(f.parse_answer("anything"), Ok(None));
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
