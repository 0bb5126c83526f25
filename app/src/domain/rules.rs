//! What a field accepts beyond its kind (number and date limits, how many choices, a pattern),
//! and when it is shown at all (conditions on earlier answers).
//!
//! Why conditions are evaluated on the server, on the page's one form: citizen pages carry no
//! script, so a field cannot appear as the citizen types. A conditional field is shown with the
//! sentence that says when to answer it ("À remplir seulement si vous avez répondu « Oui » à
//! « Avez-vous un animal ? »"), and on submission a field whose condition is false is neither
//! required nor kept. A section's condition covers every field up to the next section.
//!
//! Patterns are checked with the `regex` crate, whose matching time is linear in the input, and
//! compiled within a size limit. They are also published in the service's JSON Schema, where
//! integrators' validators may backtrack, so a pattern with a repetition nested in another
//! repetition — the shape of catastrophic backtracking, like `(a+)+` — is refused at design time.

use super::field::{FieldDefinition, FieldKind};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Longest pattern and pattern message an admin may write.
pub const MAX_PATTERN_CHARS: usize = 300;
pub const MAX_PATTERN_MESSAGE_CHARS: usize = 200;
/// Most rules in one condition.
pub const MAX_CONDITION_RULES: usize = 5;

fn is_false(b: &bool) -> bool {
    !*b
}

/// Per-field settings; each applies to one kind (the builder only offers the relevant ones, and
/// [`FieldRules::parse`] drops the others).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldRules {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Numbers: whole numbers only.
    #[serde(default, skip_serializing_if = "is_false")]
    pub integer: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_min: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_max: Option<NaiveDate>,
    /// Dates: today or before (a birth date, the date of a loss).
    #[serde(default, skip_serializing_if = "is_false")]
    pub past_only: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_selected: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_selected: Option<u32>,
    /// Short texts: the whole answer must match this pattern.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// What to tell the citizen when it does not (the admin's words).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern_message: Option<String>,
    /// Files: the largest accepted, in megabytes ([`DEFAULT_FILE_MB`] if not set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_size_mb: Option<u32>,
    /// Single choice: a drop-down list instead of radio buttons (for long lists).
    #[serde(default, skip_serializing_if = "is_false")]
    pub as_list: bool,
}

/// Largest attached file when the admin set nothing, and the most they may allow, in MB.
pub const DEFAULT_FILE_MB: u32 = 5;
pub const MAX_FILE_MB: u32 = 10;

impl FieldRules {
    /// The largest file this field accepts, in bytes.
    pub fn max_file_bytes(&self) -> usize {
        let mb = self
            .max_size_mb
            .unwrap_or(DEFAULT_FILE_MB)
            .clamp(1, MAX_FILE_MB);
        usize::try_from(mb).unwrap_or(1) * 1024 * 1024
    }
}

/// The raw settings typed in the builder, by input name.
#[derive(Debug, Clone, Default)]
pub struct RulesInput<'a> {
    pub min: &'a str,
    pub max: &'a str,
    pub integer: bool,
    pub date_min: &'a str,
    pub date_max: &'a str,
    pub past_only: bool,
    pub min_selected: &'a str,
    pub max_selected: &'a str,
    pub pattern: &'a str,
    pub pattern_message: &'a str,
    pub max_size_mb: &'a str,
    pub as_list: bool,
}

fn parse_number(raw: &str) -> Option<Result<f64, ()>> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let n = raw.replace(',', ".").replace([' ', '\u{a0}'], "");
    Some(n.parse::<f64>().ok().filter(|v| v.is_finite()).ok_or(()))
}

fn parse_date(raw: &str) -> Option<Result<NaiveDate, ()>> {
    let raw = raw.trim();
    (!raw.is_empty()).then(|| NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| ()))
}

fn parse_count(raw: &str) -> Option<Result<u32, ()>> {
    let raw = raw.trim();
    (!raw.is_empty()).then(|| raw.parse::<u32>().map_err(|_| ()))
}

impl FieldRules {
    /// Checks the settings typed for a field of `kind` with `options` choices. Errors are keyed
    /// by input name.
    pub fn parse(
        kind: FieldKind,
        options: usize,
        input: &RulesInput<'_>,
    ) -> Result<Self, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let mut rules = Self::default();
        match kind {
            FieldKind::Number => {
                let bad = "Saisissez un nombre, par exemple 0 ou 12,5.".to_owned();
                rules.min = parse_number(input.min)
                    .transpose()
                    .map_err(|()| errors.push(("min", bad.clone())))
                    .ok()
                    .flatten();
                rules.max = parse_number(input.max)
                    .transpose()
                    .map_err(|()| errors.push(("max", bad)))
                    .ok()
                    .flatten();
                rules.integer = input.integer;
                if let (Some(min), Some(max)) = (rules.min, rules.max)
                    && min > max
                {
                    errors.push(("max", "Le maximum doit être supérieur au minimum.".into()));
                }
            }
            FieldKind::Date => {
                let bad = "Saisissez une date complète (jour, mois, année).".to_owned();
                rules.date_min = parse_date(input.date_min)
                    .transpose()
                    .map_err(|()| errors.push(("date_min", bad.clone())))
                    .ok()
                    .flatten();
                rules.date_max = parse_date(input.date_max)
                    .transpose()
                    .map_err(|()| errors.push(("date_max", bad)))
                    .ok()
                    .flatten();
                rules.past_only = input.past_only;
                if let (Some(min), Some(max)) = (rules.date_min, rules.date_max)
                    && min > max
                {
                    errors.push((
                        "date_max",
                        "La date la plus tardive doit suivre la plus précoce.".into(),
                    ));
                }
            }
            FieldKind::MultipleChoice => {
                let bad = "Saisissez un nombre entier de cases, par exemple 1.".to_owned();
                rules.min_selected = parse_count(input.min_selected)
                    .transpose()
                    .map_err(|()| errors.push(("min_selected", bad.clone())))
                    .ok()
                    .flatten();
                rules.max_selected = parse_count(input.max_selected)
                    .transpose()
                    .map_err(|()| errors.push(("max_selected", bad)))
                    .ok()
                    .flatten();
                let too_many = |n: u32| usize::try_from(n).map_or(true, |n| n > options);
                if rules.min_selected.is_some_and(too_many) {
                    errors.push((
                        "min_selected",
                        "Le minimum dépasse le nombre d'options proposées.".into(),
                    ));
                }
                if rules.max_selected == Some(0) {
                    errors.push(("max_selected", "Le maximum doit être au moins 1.".into()));
                }
                if let (Some(min), Some(max)) = (rules.min_selected, rules.max_selected)
                    && min > max
                {
                    errors.push((
                        "max_selected",
                        "Le maximum doit être supérieur ou égal au minimum.".into(),
                    ));
                }
            }
            FieldKind::ShortText => {
                let pattern = input.pattern.trim();
                if !pattern.is_empty() {
                    match check_pattern(pattern) {
                        Ok(()) => rules.pattern = Some(pattern.to_owned()),
                        Err(e) => errors.push(("pattern", e)),
                    }
                    let message = input.pattern_message.trim();
                    if message.is_empty() {
                        errors.push((
                            "pattern_message",
                            "Écrivez le message montré au citoyen quand sa réponse ne convient pas, par exemple « Saisissez un numéro de carte comme B-123456 ».".into(),
                        ));
                    } else if message.chars().count() > MAX_PATTERN_MESSAGE_CHARS {
                        errors.push((
                            "pattern_message",
                            format!("Le message ne peut dépasser {MAX_PATTERN_MESSAGE_CHARS} caractères."),
                        ));
                    } else {
                        rules.pattern_message = Some(message.to_owned());
                    }
                }
            }
            FieldKind::SingleChoice => rules.as_list = input.as_list,
            FieldKind::File => {
                rules.max_size_mb = parse_count(input.max_size_mb)
                    .transpose()
                    .map_err(|()| {
                        errors.push((
                            "max_size_mb",
                            "Saisissez un nombre entier de mégaoctets.".into(),
                        ))
                    })
                    .ok()
                    .flatten();
                if rules
                    .max_size_mb
                    .is_some_and(|mb| mb == 0 || mb > MAX_FILE_MB)
                {
                    errors.push(("max_size_mb", format!("Entre 1 et {MAX_FILE_MB} Mo.")));
                }
            }
            _ => {}
        }
        if errors.is_empty() {
            Ok(rules)
        } else {
            Err(errors)
        }
    }

    /// A short description for the builder's list ("entre 1 et 10, entier").
    pub fn summary_fr(&self) -> Vec<String> {
        let number = |n: f64| n.to_string().replace('.', ",");
        let date = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
        let mut out = Vec::new();
        if let Some(min) = self.min {
            out.push(format!("au moins {}", number(min)));
        }
        if let Some(max) = self.max {
            out.push(format!("au plus {}", number(max)));
        }
        if self.integer {
            out.push("nombre entier".to_owned());
        }
        if let Some(d) = self.date_min {
            out.push(format!("à partir du {}", date(d)));
        }
        if let Some(d) = self.date_max {
            out.push(format!("jusqu'au {}", date(d)));
        }
        if self.past_only {
            out.push("pas dans le futur".to_owned());
        }
        if let Some(n) = self.min_selected {
            out.push(format!("au moins {n} case(s)"));
        }
        if let Some(n) = self.max_selected {
            out.push(format!("au plus {n} case(s)"));
        }
        if let Some(p) = &self.pattern {
            out.push(format!("motif {p}"));
        }
        if let Some(mb) = self.max_size_mb {
            out.push(format!("{mb} Mo au plus"));
        }
        if self.as_list {
            out.push("liste déroulante".to_owned());
        }
        out
    }
}

/// A pattern an admin may use: it compiles, within size limits, and has no repetition nested in
/// another (see the module documentation).
pub fn check_pattern(pattern: &str) -> Result<(), String> {
    if pattern.chars().count() > MAX_PATTERN_CHARS {
        return Err(format!(
            "Le motif ne peut dépasser {MAX_PATTERN_CHARS} caractères."
        ));
    }
    #[cfg(feature = "ssr")]
    {
        let hir = regex_syntax::ParserBuilder::new()
            .nest_limit(30)
            .build()
            .parse(pattern)
            .map_err(|e| {
                format!(
                    "Ce motif n'est pas une expression régulière valide : {}. Les références arrière et les assertions (lookahead) ne sont pas prises en charge.",
                    first_line(&e.to_string())
                )
            })?;
        if nested_repetition(&hir, false) {
            return Err("Ce motif répète une partie qui se répète déjà (comme « (a+)+ ») : certains validateurs mettraient des heures à le vérifier. Simplifiez-le, par exemple « a+ ».".to_owned());
        }
        compile_pattern(pattern).map(|_| ())?;
    }
    Ok(())
}

#[cfg(feature = "ssr")]
fn first_line(message: &str) -> String {
    message
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with("error:"))
        .map_or_else(
            || message.lines().next().unwrap_or_default().to_owned(),
            |l| {
                l.trim_start()
                    .trim_start_matches("error:")
                    .trim()
                    .to_owned()
            },
        )
}

/// True when a repetition that can repeat more than once contains another such repetition.
#[cfg(feature = "ssr")]
fn nested_repetition(hir: &regex_syntax::hir::Hir, inside: bool) -> bool {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Repetition(rep) => {
            let repeats = rep.max.is_none_or(|m| m > 1);
            if repeats && inside {
                return true;
            }
            nested_repetition(&rep.sub, inside || repeats)
        }
        HirKind::Capture(cap) => nested_repetition(&cap.sub, inside),
        HirKind::Concat(items) | HirKind::Alternation(items) => {
            items.iter().any(|h| nested_repetition(h, inside))
        }
        _ => false,
    }
}

/// The pattern as the server matches it: anchored on the whole answer, size-bounded.
#[cfg(feature = "ssr")]
pub fn compile_pattern(pattern: &str) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(&format!("^(?:{pattern})$"))
        .size_limit(256 * 1024)
        .dfa_size_limit(1024 * 1024)
        .nest_limit(30)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => {
                "Ce motif est trop complexe (trop de répétitions imbriquées ou trop longues) : simplifiez-le.".to_owned()
            }
            other => format!(
                "Ce motif n'est pas une expression régulière valide : {}.",
                first_line(&other.to_string())
            ),
        })
}

/// How an earlier answer is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConditionOp {
    Equals,
    NotEquals,
    Greater,
    Less,
    Contains,
    Empty,
    NotEmpty,
}

impl ConditionOp {
    pub const ALL: [Self; 7] = [
        Self::Equals,
        Self::NotEquals,
        Self::Greater,
        Self::Less,
        Self::Contains,
        Self::Empty,
        Self::NotEmpty,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Equals => "equals",
            Self::NotEquals => "not_equals",
            Self::Greater => "greater",
            Self::Less => "less",
            Self::Contains => "contains",
            Self::Empty => "empty",
            Self::NotEmpty => "not_empty",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == raw)
    }

    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Equals => "est égale à",
            Self::NotEquals => "est différente de",
            Self::Greater => "est supérieure à",
            Self::Less => "est inférieure à",
            Self::Contains => "contient",
            Self::Empty => "est vide",
            Self::NotEmpty => "est remplie",
        }
    }

    /// Whether the rule compares with a value the admin types.
    pub fn needs_value(self) -> bool {
        !matches!(self, Self::Empty | Self::NotEmpty)
    }
}

/// One comparison with an earlier answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConditionRule {
    pub field: Uuid,
    pub op: ConditionOp,
    #[serde(default)]
    pub value: String,
}

/// When a field (or a whole section) is shown: all its rules hold, or any of them (`any`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    #[serde(default)]
    pub any: bool,
    pub rules: Vec<ConditionRule>,
}

fn number_of(raw: &str) -> Option<f64> {
    parse_number(raw).and_then(Result::ok)
}

impl ConditionRule {
    /// Evaluates the rule on the raw answer (as typed; several ticked boxes are one per line).
    pub fn holds(&self, answer: &str) -> bool {
        let answer = answer.trim();
        let value = self.value.trim();
        let lines = || answer.lines().map(str::trim).filter(|l| !l.is_empty());
        match self.op {
            ConditionOp::Empty => answer.is_empty(),
            ConditionOp::NotEmpty => !answer.is_empty(),
            ConditionOp::Equals => lines().any(|l| l.eq_ignore_ascii_case(value)),
            ConditionOp::NotEquals => !lines().any(|l| l.eq_ignore_ascii_case(value)),
            ConditionOp::Contains => answer.to_lowercase().contains(&value.to_lowercase()),
            ConditionOp::Greater | ConditionOp::Less => {
                let ordering = match (number_of(answer), number_of(value)) {
                    (Some(a), Some(b)) => a.partial_cmp(&b),
                    _ => match (parse_date(answer), parse_date(value)) {
                        (Some(Ok(a)), Some(Ok(b))) => Some(a.cmp(&b)),
                        _ => None,
                    },
                };
                matches!(
                    (self.op, ordering),
                    (ConditionOp::Greater, Some(std::cmp::Ordering::Greater))
                        | (ConditionOp::Less, Some(std::cmp::Ordering::Less))
                )
            }
        }
    }
}

impl Condition {
    pub fn holds(&self, answer_of: impl Fn(Uuid) -> String) -> bool {
        let mut results = self.rules.iter().map(|r| r.holds(&answer_of(r.field)));
        if self.any {
            results.any(|b| b)
        } else {
            results.all(|b| b)
        }
    }

    /// Checks the condition against the fields placed before the one it is attached to.
    pub fn check_against(&self, earlier: &[FieldDefinition]) -> Result<(), String> {
        if self.rules.is_empty() {
            return Err("Une condition a besoin d'au moins une règle.".to_owned());
        }
        if self.rules.len() > MAX_CONDITION_RULES {
            return Err(format!(
                "Une condition compte au plus {MAX_CONDITION_RULES} règles."
            ));
        }
        for rule in &self.rules {
            let Some(target) = earlier.iter().find(|f| f.stable_id == rule.field) else {
                return Err("La condition porte sur une question qui n'existe pas, ou qui vient après ce champ : elle ne peut dépendre que d'une question posée avant.".to_owned());
            };
            if !target.kind.takes_answer() {
                return Err(format!(
                    "« {} » est un texte, pas une question : une condition ne peut pas en dépendre.",
                    target.label
                ));
            }
            let value = rule.value.trim();
            if rule.op.needs_value() && value.is_empty() {
                return Err(format!(
                    "Indiquez la valeur à comparer à la réponse à « {} ».",
                    target.label
                ));
            }
            let equality = matches!(rule.op, ConditionOp::Equals | ConditionOp::NotEquals);
            let order = matches!(rule.op, ConditionOp::Greater | ConditionOp::Less);
            let refusal = match target.kind {
                k if equality
                    && k.has_options()
                    && !target.options.iter().any(|o| o.eq_ignore_ascii_case(value)) =>
                {
                    Some(format!(
                        "« {value} » n'est pas une des options de « {} » ({}).",
                        target.label,
                        target.options.join(", ")
                    ))
                }
                FieldKind::YesNo if equality && !matches!(value, "oui" | "non") => Some(format!(
                    "La réponse à « {} » est « oui » ou « non ».",
                    target.label
                )),
                FieldKind::Number if order && number_of(value).is_none() => {
                    Some("Comparez à un nombre, par exemple 3.".to_owned())
                }
                FieldKind::Date if order && !matches!(parse_date(value), Some(Ok(_))) => Some(
                    "Comparez à une date au format AAAA-MM-JJ, par exemple 2026-01-31.".to_owned(),
                ),
                FieldKind::Number | FieldKind::Date => None,
                _ if order => Some(format!(
                    "« supérieure / inférieure à » ne s'applique qu'aux nombres et aux dates, pas à « {} ».",
                    target.label
                )),
                _ => None,
            };
            if let Some(refusal) = refusal {
                return Err(refusal);
            }
        }
        Ok(())
    }
}

impl Condition {
    /// The sentence shown to the citizen under a conditional field, in their language.
    pub fn describe(&self, fields: &[FieldDefinition], lang: crate::i18n::Lang) -> String {
        use crate::i18n::catalogue as t;
        let parts: Vec<String> = self
            .rules
            .iter()
            .map(|r| {
                let target = fields.iter().find(|f| f.stable_id == r.field);
                let question = target.map_or("?", |f| f.label.as_str());
                // Yes/no answers are stored as "oui"/"non": said in the reader's language.
                let value = match (target.map(|f| f.kind), r.value.as_str()) {
                    (Some(FieldKind::YesNo), "oui") => t::YES.get(lang).to_owned(),
                    (Some(FieldKind::YesNo), "non") => t::NO.get(lang).to_owned(),
                    _ => r.value.clone(),
                };
                let text = match r.op {
                    ConditionOp::Equals => &t::OP_EQUALS,
                    ConditionOp::NotEquals => &t::OP_NOT_EQUALS,
                    ConditionOp::Greater => &t::OP_GREATER,
                    ConditionOp::Less => &t::OP_LESS,
                    ConditionOp::Contains => &t::OP_CONTAINS,
                    ConditionOp::Empty => &t::OP_EMPTY,
                    ConditionOp::NotEmpty => &t::OP_NOT_EMPTY,
                };
                text.with(lang, &[("question", question), ("value", &value)])
            })
            .collect();
        let join = if self.any {
            t::CONDITION_OR.get(lang)
        } else {
            t::CONDITION_AND.get(lang)
        };
        t::CONDITION_HINT.with(lang, &[("condition", &parts.join(join))])
    }
}

/// Which fields are shown, given the raw answers: a field is shown when its condition holds and
/// its section is shown; an answer to a field not shown counts as empty for later conditions.
pub fn shown(fields: &[FieldDefinition], raw: &super::field::RawAnswers) -> Vec<bool> {
    let mut out: Vec<bool> = Vec::with_capacity(fields.len());
    let mut section_shown = true;
    for field in fields {
        let answer_of = |id: Uuid| {
            fields
                .iter()
                .zip(out.iter())
                .find(|(f, _)| f.stable_id == id)
                .filter(|(_, visible)| **visible)
                .and_then(|(f, _)| raw.get(&f.stable_id).cloned())
                .unwrap_or_default()
        };
        let own = field.condition.as_ref().is_none_or(|c| c.holds(answer_of));
        let visible = if field.kind == FieldKind::Section {
            section_shown = own;
            own
        } else {
            section_shown && own
        };
        out.push(visible);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> RulesInput<'static> {
        RulesInput::default()
    }

    #[test]
    fn number_limits_are_parsed_and_checked() {
        let rules = FieldRules::parse(
            FieldKind::Number,
            0,
            &RulesInput {
                min: "1",
                max: "12,5",
                integer: true,
                ..input()
            },
        )
        .expect("valid");
        assert_eq!(
            (rules.min, rules.max, rules.integer),
            (Some(1.0), Some(12.5), true)
        );
        let errors = FieldRules::parse(
            FieldKind::Number,
            0,
            &RulesInput {
                min: "10",
                max: "2",
                ..input()
            },
        )
        .unwrap_err();
        assert_eq!(errors[0].0, "max");
        assert!(
            FieldRules::parse(
                FieldKind::Number,
                0,
                &RulesInput {
                    min: "abc",
                    ..input()
                }
            )
            .is_err()
        );
    }

    #[test]
    fn settings_of_another_kind_are_dropped() {
        let rules = FieldRules::parse(
            FieldKind::Email,
            0,
            &RulesInput {
                min: "3",
                pattern: "(",
                ..input()
            },
        )
        .expect("ignored");
        assert_eq!(rules, FieldRules::default());
    }

    #[test]
    fn patterns_that_do_not_compile_or_would_backtrack_are_refused() {
        assert!(check_pattern("[A-Z]-[0-9]{6}").is_ok());
        assert!(
            check_pattern("(")
                .unwrap_err()
                .contains("pas une expression")
        );
        assert!(
            check_pattern("(?=a)b")
                .unwrap_err()
                .contains("pas une expression")
        );
        assert!(
            check_pattern(r"(a)\1")
                .unwrap_err()
                .contains("pas une expression")
        );
        assert!(check_pattern("(a+)+$").unwrap_err().contains("répète"));
        assert!(check_pattern("(x*y?)*").unwrap_err().contains("répète"));
        assert!(check_pattern("((ab){2,})+").unwrap_err().contains("répète"));
        assert!(check_pattern("a{1000}{1000}").is_err());
        assert!(check_pattern(&"a".repeat(MAX_PATTERN_CHARS + 1)).is_err());
        // A bounded optional inside a repetition is fine (`?` repeats at most once).
        assert!(check_pattern("(-?[0-9])+").is_ok());
        let errors = FieldRules::parse(
            FieldKind::ShortText,
            0,
            &RulesInput {
                pattern: "[0-9]{5}",
                ..input()
            },
        )
        .unwrap_err();
        assert_eq!(
            errors[0].0, "pattern_message",
            "a pattern needs its message"
        );
    }

    #[test]
    fn multiple_choice_limits_fit_the_options() {
        assert!(
            FieldRules::parse(
                FieldKind::MultipleChoice,
                3,
                &RulesInput {
                    min_selected: "4",
                    ..input()
                }
            )
            .is_err()
        );
        let rules = FieldRules::parse(
            FieldKind::MultipleChoice,
            3,
            &RulesInput {
                min_selected: "1",
                max_selected: "2",
                ..input()
            },
        )
        .expect("valid");
        assert_eq!((rules.min_selected, rules.max_selected), (Some(1), Some(2)));
    }

    fn def(id: u128, kind: FieldKind, options: &[&str]) -> FieldDefinition {
        FieldDefinition {
            stable_id: Uuid::from_u128(id),
            kind,
            label: format!("Q{id}"),
            help: String::new(),
            required: true,
            options: options.iter().map(|s| (*s).to_owned()).collect(),
            rules: FieldRules::default(),
            condition: None,
        }
    }

    fn when(field: u128, op: ConditionOp, value: &str) -> Condition {
        Condition {
            any: false,
            rules: vec![ConditionRule {
                field: Uuid::from_u128(field),
                op,
                value: value.to_owned(),
            }],
        }
    }

    #[test]
    fn conditions_must_point_at_an_earlier_question_with_a_fitting_value() {
        let earlier = vec![
            def(1, FieldKind::YesNo, &[]),
            def(2, FieldKind::SingleChoice, &["Chat", "Chien"]),
            def(3, FieldKind::Number, &[]),
            def(4, FieldKind::Section, &[]),
        ];
        assert!(
            when(1, ConditionOp::Equals, "oui")
                .check_against(&earlier)
                .is_ok()
        );
        assert!(
            when(1, ConditionOp::Equals, "peut-être")
                .check_against(&earlier)
                .is_err()
        );
        assert!(
            when(2, ConditionOp::Equals, "Poisson")
                .check_against(&earlier)
                .unwrap_err()
                .contains("Chat, Chien")
        );
        assert!(
            when(3, ConditionOp::Greater, "2")
                .check_against(&earlier)
                .is_ok()
        );
        assert!(
            when(2, ConditionOp::Greater, "2")
                .check_against(&earlier)
                .is_err()
        );
        assert!(
            when(9, ConditionOp::Empty, "")
                .check_against(&earlier)
                .unwrap_err()
                .contains("avant")
        );
        assert!(
            when(4, ConditionOp::Empty, "")
                .check_against(&earlier)
                .is_err()
        );
        assert!(
            when(3, ConditionOp::Equals, " ")
                .check_against(&earlier)
                .is_err()
        );
    }

    #[test]
    fn a_false_condition_hides_the_field_and_a_hidden_section_hides_its_fields() {
        let mut fields = vec![
            def(1, FieldKind::YesNo, &[]),
            def(2, FieldKind::ShortText, &[]),
            def(3, FieldKind::Section, &[]),
            def(4, FieldKind::ShortText, &[]),
            def(5, FieldKind::Section, &[]),
            def(6, FieldKind::ShortText, &[]),
        ];
        fields[1].condition = Some(when(1, ConditionOp::Equals, "oui"));
        fields[2].condition = Some(when(1, ConditionOp::Equals, "non"));
        // Depends on a field inside the hidden section: counts as empty.
        fields[5].condition = Some(when(4, ConditionOp::Empty, ""));
        let mut raw = super::super::field::RawAnswers::new();
        raw.insert(Uuid::from_u128(1), "oui".into());
        raw.insert(
            Uuid::from_u128(4),
            "typed before changing the first answer".into(),
        );
        assert_eq!(
            shown(&fields, &raw),
            vec![true, true, false, false, true, true]
        );
        raw.insert(Uuid::from_u128(1), "non".into());
        assert_eq!(
            shown(&fields, &raw),
            vec![true, false, true, true, true, false]
        );
    }

    #[test]
    fn rules_compare_numbers_dates_and_choices() {
        let rule = |op, value: &str| ConditionRule {
            field: Uuid::nil(),
            op,
            value: value.to_owned(),
        };
        assert!(rule(ConditionOp::Greater, "2").holds("2,5"));
        assert!(!rule(ConditionOp::Greater, "2").holds("abc"));
        assert!(rule(ConditionOp::Less, "2026-01-01").holds("2025-12-31"));
        assert!(rule(ConditionOp::Equals, "Chien").holds("Chat\nChien"));
        assert!(rule(ConditionOp::NotEquals, "Chien").holds("Chat"));
        assert!(rule(ConditionOp::Contains, "rue").holds("3 RUE de la Paix"));
        assert!(rule(ConditionOp::Empty, "").holds("  "));
        let any = Condition {
            any: true,
            rules: vec![rule(ConditionOp::Empty, ""), rule(ConditionOp::Equals, "x")],
        };
        assert!(any.holds(|_| "x".to_owned()));
        let all = Condition { any: false, ..any };
        assert!(!all.holds(|_| "x".to_owned()));
    }
}
