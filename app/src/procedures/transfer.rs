//! A service as a JSON document: exported from one town's console, imported into another's (or
//! the same, to start from a copy), and behind "Dupliquer ce service".
//!
//! The document is versioned (`format`, `version`) and documented in docs/SERVICE-FORMAT.md. An
//! import goes through the same checks as the builder — each field through
//! [`FieldDefinition::parse_new`] and [`FieldRules::parse`], each condition through
//! [`Condition::check_against`] the fields before it — and everything is checked before anything
//! is written, so a bad document creates nothing. Imported fields get new stable ids (they are
//! new questions of a new service); conditions are renumbered to follow them.

use super::service::{self, NewProcedure};
use crate::{
    auth::CurrentAdmin,
    domain::{
        FieldDefinition,
        rules::{Condition, FieldRules, RulesInput},
    },
    error::AppError,
    state::AppState,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

/// The `format` of every document.
pub const FORMAT: &str = "i-clefs.service";
/// The version this instance writes and reads.
pub const VERSION: u32 = 1;
/// Largest document accepted.
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

/// One service, as exported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceDocument {
    pub format: String,
    pub version: u32,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Identity claims, FranceConnect names (`family_name`, `birthdate`…).
    pub claims: Vec<String>,
    pub fields: Vec<FieldDefinition>,
}

/// The document of the revision being edited (the draft if any, else the published one).
pub async fn export(
    state: &AppState,
    admin: &CurrentAdmin,
    id: Uuid,
) -> Result<ServiceDocument, AppError> {
    let editor = service::editor(state, admin, id).await?;
    Ok(ServiceDocument {
        format: FORMAT.to_owned(),
        version: VERSION,
        title: editor.title,
        description: editor.description,
        claims: editor
            .claims
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect(),
        fields: editor.fields,
    })
}

/// Why a document was refused, for the agent who sent it (every problem at once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError(pub Vec<String>);

/// Reads and checks a document; returns the fields ready to insert (new stable ids).
pub fn check(document: &ServiceDocument) -> Result<Vec<FieldDefinition>, ImportError> {
    let mut problems = Vec::new();
    if document.format != FORMAT {
        problems.push(format!(
            "Ce fichier n'est pas un service i-CLEFS (format « {} » au lieu de « {FORMAT} »).",
            document.format
        ));
    }
    if document.version != VERSION {
        problems.push(format!(
            "Version {} du format : cette instance lit la version {VERSION}.",
            document.version
        ));
    }
    if document.fields.len() > 200 {
        problems.push("Un service ne peut compter plus de 200 champs.".to_owned());
    }
    if !problems.is_empty() {
        return Err(ImportError(problems));
    }
    let mut renamed: HashMap<Uuid, Uuid> = HashMap::new();
    let mut out: Vec<FieldDefinition> = Vec::new();
    for (i, source) in document.fields.iter().enumerate() {
        let at = |message: &str| format!("Champ n° {} (« {} ») : {message}", i + 1, source.label);
        if renamed.contains_key(&source.stable_id) {
            problems.push(at("son identifiant est déjà celui d'un autre champ."));
            continue;
        }
        let new_id = Uuid::now_v7();
        renamed.insert(source.stable_id, new_id);
        let mut field = match FieldDefinition::parse_new(
            new_id,
            source.kind.as_str(),
            &source.label,
            &source.help,
            source.required,
            &source.options.join("\n"),
        ) {
            Ok(f) => f,
            Err(errors) => {
                problems.extend(errors.into_iter().map(|(_, m)| at(&m)));
                continue;
            }
        };
        // The settings go through the builder's own parser, from their text form.
        let r = &source.rules;
        let text = |n: Option<f64>| n.map(|v| v.to_string()).unwrap_or_default();
        let (min, max) = (text(r.min), text(r.max));
        let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let (date_min, date_max) = (date(r.date_min), date(r.date_max));
        let count = |n: Option<u32>| n.map(|v| v.to_string()).unwrap_or_default();
        let (min_selected, max_selected) = (count(r.min_selected), count(r.max_selected));
        let max_size_mb = count(r.max_size_mb);
        let input = RulesInput {
            min: &min,
            max: &max,
            integer: r.integer,
            date_min: &date_min,
            date_max: &date_max,
            past_only: r.past_only,
            min_selected: &min_selected,
            max_selected: &max_selected,
            pattern: r.pattern.as_deref().unwrap_or_default(),
            pattern_message: r.pattern_message.as_deref().unwrap_or_default(),
            max_size_mb: &max_size_mb,
            as_list: r.as_list,
        };
        match FieldRules::parse(field.kind, field.options.len(), &input) {
            Ok(rules) => field.rules = rules,
            Err(errors) => problems.extend(errors.into_iter().map(|(_, m)| at(&m))),
        }
        if let Some(condition) = &source.condition {
            let renumbered = Condition {
                any: condition.any,
                rules: condition
                    .rules
                    .iter()
                    .map(|rule| {
                        let mut rule = rule.clone();
                        // An unknown id stays unknown: `check_against` refuses it.
                        if let Some(id) = renamed.get(&rule.field).filter(|id| **id != new_id) {
                            rule.field = *id;
                        }
                        rule
                    })
                    .collect(),
            };
            match renumbered.check_against(&out) {
                Ok(()) => field.condition = Some(renumbered),
                Err(m) => problems.push(at(&m)),
            }
        }
        out.push(field);
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(ImportError(problems))
    }
}

/// Parses the bytes of an uploaded document.
pub fn parse(bytes: &[u8]) -> Result<ServiceDocument, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError(vec![
            "Choisissez le fichier JSON d'un service exporté.".to_owned(),
        ]));
    }
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(ImportError(vec!["Le fichier dépasse 1 Mo.".to_owned()]));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        ImportError(vec![format!(
            "Ce fichier n'est pas un service i-CLEFS lisible (ligne {}, colonne {}) : {}.",
            e.line(),
            e.column(),
            match e.classify() {
                serde_json::error::Category::Syntax | serde_json::error::Category::Eof =>
                    "JSON invalide".to_owned(),
                _ => e
                    .to_string()
                    .split(" at line")
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
            }
        )])
    })
}

/// Creates a new draft service from a document; nothing is created if anything is wrong.
pub async fn import(
    state: &AppState,
    admin: &CurrentAdmin,
    document: ServiceDocument,
) -> Result<Uuid, ImportError> {
    let fields = check(&document)?;
    let id = service::create(
        state,
        admin,
        NewProcedure {
            title: document.title,
            description: document.description,
            claims: document.claims,
        },
    )
    .await
    .map_err(|errors| ImportError(errors.into_iter().map(|(_, m)| m).collect()))?;
    if let Err(e) = service::insert_fields(state, admin, id, &fields).await {
        tracing::error!(error = %e, "importing the fields of a service");
        // The service was created a moment ago and is still empty: remove it.
        let _ = service::delete_empty_draft(state, admin, id).await;
        return Err(ImportError(vec![AppError::Internal.to_string()]));
    }
    tracing::info!(admin.id = %admin.admin_id, procedure.id = %id, "service imported");
    Ok(id)
}

/// "Dupliquer ce service": a new draft with the same identity claims and fields.
pub async fn duplicate(
    state: &AppState,
    admin: &CurrentAdmin,
    id: Uuid,
) -> Result<Uuid, ImportError> {
    let mut document = export(state, admin, id)
        .await
        .map_err(|e| ImportError(vec![e.to_string()]))?;
    document.title = format!("{} (copie)", document.title)
        .chars()
        .take(service::MAX_TITLE_CHARS)
        .collect();
    import(state, admin, document).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        FieldKind,
        rules::{ConditionOp, ConditionRule},
    };

    fn field(id: u128, kind: FieldKind, label: &str) -> FieldDefinition {
        FieldDefinition {
            stable_id: Uuid::from_u128(id),
            kind,
            label: label.to_owned(),
            help: String::new(),
            required: false,
            options: Vec::new(),
            rules: FieldRules::default(),
            condition: None,
        }
    }

    fn document(fields: Vec<FieldDefinition>) -> ServiceDocument {
        ServiceDocument {
            format: FORMAT.to_owned(),
            version: VERSION,
            title: "Test".to_owned(),
            description: String::new(),
            claims: vec!["family_name".to_owned()],
            fields,
        }
    }

    #[test]
    fn conditions_follow_the_new_ids_and_must_point_backwards() {
        let mut later = field(2, FieldKind::ShortText, "Nom de l'animal");
        later.condition = Some(Condition {
            any: false,
            rules: vec![ConditionRule {
                field: Uuid::from_u128(1),
                op: ConditionOp::Equals,
                value: "oui".to_owned(),
            }],
        });
        let fields = check(&document(vec![
            field(1, FieldKind::YesNo, "Animal ?"),
            later.clone(),
        ]))
        .expect("valid");
        assert_ne!(fields[0].stable_id, Uuid::from_u128(1), "new ids");
        let condition = fields[1].condition.as_ref().expect("kept");
        assert_eq!(condition.rules[0].field, fields[0].stable_id);

        // The same condition on the first field: it points forward, refused.
        let mut first = later;
        first.stable_id = Uuid::from_u128(3);
        let error = check(&document(vec![
            first,
            field(1, FieldKind::YesNo, "Animal ?"),
        ]))
        .expect_err("forward condition");
        assert!(error.0[0].contains("Champ n° 1"), "{error:?}");
    }

    #[test]
    fn every_problem_is_reported_and_a_wrong_format_is_refused_first() {
        let mut bad = field(1, FieldKind::ShortText, " ");
        bad.rules.pattern = Some("(a+)+".to_owned());
        let mut dup = field(2, FieldKind::SingleChoice, "Choix");
        dup.options = vec!["A".to_owned(), "a".to_owned()];
        let error = check(&document(vec![bad, dup])).expect_err("bad fields");
        assert!(
            error
                .0
                .iter()
                .any(|m| m.contains("libellé est obligatoire")),
            "{error:?}"
        );
        assert!(error.0.iter().any(|m| m.contains("en double")), "{error:?}");
        let mut future = document(Vec::new());
        future.version = 2;
        assert!(check(&future).expect_err("version").0[0].contains("version 1"));
        assert!(parse(b"{\"format\": ").is_err());
        assert!(parse(br#"{"format":"i-clefs.service","version":1,"title":"x","claims":[],"fields":[],"extra":1}"#).is_err());
    }

    #[test]
    fn an_exported_document_round_trips() {
        let doc = document(vec![field(1, FieldKind::Number, "Âge")]);
        let json = serde_json::to_vec(&doc).expect("json");
        assert_eq!(parse(&json).expect("read back"), doc);
    }
}
