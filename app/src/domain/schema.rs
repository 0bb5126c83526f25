//! The JSON Schema (2020-12) of a revision's answers: what integrators validate against.
//!
//! Generated from the same definitions the server validates with ([`super::field`],
//! [`super::rules`]), and published with each revision in the REST API (`answers_schema`). The
//! property tests check that every set of answers the server accepts is valid against it, with
//! the `jsonschema` crate. It describes the *stored* values — keyed by `stable_id`, as
//! `Submission.answers[id].value` — not what a citizen types.
//!
//! A few rules cannot be said in JSON Schema and are described instead (`description`): date
//! limits (JSON Schema cannot compare dates), and conditions other than a yes/no or a choice
//! being (or not being) a given answer, a question answered or not, or a number above or below a
//! value. For those, the schema does not constrain whether the conditional answer is present.

use super::field::{FieldDefinition, FieldKind, MAX_LONG_TEXT_CHARS, MAX_SHORT_TEXT_CHARS};
use super::rules::{Condition, ConditionOp, ConditionRule};
use serde_json::{Map, Value, json};

/// Sets `key` on a schema object (the schemas built here are objects).
fn set(schema: &mut Value, key: &str, value: Value) {
    if let Value::Object(map) = schema {
        map.insert(key.to_owned(), value);
    }
}

fn property(field: &FieldDefinition) -> Value {
    let r = &field.rules;
    let mut schema = match field.kind {
        FieldKind::ShortText => {
            let mut s =
                json!({ "type": "string", "minLength": 1, "maxLength": MAX_SHORT_TEXT_CHARS });
            // A pattern that no longer compiles refuses nothing on the server: left out here.
            if let Some(pattern) = r
                .pattern
                .as_ref()
                .filter(|p| super::rules::check_pattern(p).is_ok())
            {
                set(&mut s, "pattern", json!(format!("^(?:{pattern})$")));
            }
            s
        }
        FieldKind::LongText => {
            json!({ "type": "string", "minLength": 1, "maxLength": MAX_LONG_TEXT_CHARS })
        }
        FieldKind::Email => json!({ "type": "string", "format": "email", "maxLength": 254 }),
        FieldKind::Phone => json!({
            "type": "string",
            "pattern": "^(?:\\+33[1-9][0-9]{8}|\\+32[1-9][0-9]{7,8}|0[1-9][0-9]{7,8})$",
            "description": "French or Belgian number without spaces; international numbers start with +33 or +32."
        }),
        FieldKind::Number => {
            let mut s = json!({ "type": if r.integer { "integer" } else { "number" } });
            if let Some(min) = r.min.filter(|n| n.is_finite()) {
                set(&mut s, "minimum", json!(min));
            }
            if let Some(max) = r.max.filter(|n| n.is_finite()) {
                set(&mut s, "maximum", json!(max));
            }
            s
        }
        FieldKind::Date => {
            let mut limits = Vec::new();
            if let Some(d) = r.date_min {
                limits.push(format!("on or after {d}"));
            }
            if let Some(d) = r.date_max {
                limits.push(format!("on or before {d}"));
            }
            if r.past_only {
                limits.push("not after the day it was sent".to_owned());
            }
            let mut s = json!({ "type": "string", "format": "date", "pattern": "^[+-]?[0-9]{4,}-[0-9]{2}-[0-9]{2}$" });
            if !limits.is_empty() {
                set(
                    &mut s,
                    "description",
                    json!(format!("YYYY-MM-DD, {}.", limits.join(", "))),
                );
            }
            s
        }
        // No option: nothing can be answered.
        FieldKind::SingleChoice | FieldKind::MultipleChoice if field.options.is_empty() => {
            return json!(false);
        }
        FieldKind::SingleChoice => json!({ "enum": field.options }),
        FieldKind::MultipleChoice => {
            let mut s =
                json!({ "type": "array", "items": { "enum": field.options }, "uniqueItems": true });
            // The server stores no empty list: at least one box once answered.
            set(
                &mut s,
                "minItems",
                json!(r.min_selected.unwrap_or(1).max(1)),
            );
            if let Some(max) = r.max_selected {
                set(&mut s, "maxItems", json!(max));
            }
            s
        }
        FieldKind::YesNo => json!({ "type": "boolean" }),
        FieldKind::Consent => json!({ "const": true }),
        FieldKind::Commune => {
            json!({ "type": "string", "pattern": "^[0-9][0-9AB][0-9]{3}$", "description": "INSEE code of a French commune." })
        }
        FieldKind::Address => {
            let part = |max: usize| json!({ "type": "string", "minLength": 1, "maxLength": max });
            json!({
                "type": "object",
                "required": ["street", "postcode", "city"],
                "additionalProperties": false,
                "properties": {
                    "street": part(100),
                    "complement": part(100),
                    "postcode": { "type": "string", "pattern": "^[0-9]{5}$" },
                    "city": part(100)
                }
            })
        }
        FieldKind::File => json!({
            "type": "object",
            "required": ["id", "name", "size", "type"],
            "properties": {
                "id": { "type": "string", "format": "uuid" },
                "name": { "type": "string", "minLength": 1 },
                "size": { "type": "integer", "minimum": 0 },
                "type": { "enum": ["application/pdf", "image/jpeg", "image/png"] }
            },
            "description": "An attached document; agents download it from the console."
        }),
        FieldKind::Section | FieldKind::Explanation => json!(false),
    };
    if let Value::Object(map) = &mut schema {
        map.insert("title".to_owned(), json!(field.label));
    }
    schema
}

/// The rule as a schema over the answers object, when JSON Schema can say it exactly.
fn rule_schema(rule: &ConditionRule, earlier: &[FieldDefinition]) -> Option<Value> {
    // Only a question asked before counts; anything else reads as unanswered on the server.
    let target = earlier
        .iter()
        .find(|f| f.stable_id == rule.field && f.kind.takes_answer())?;
    let id = target.stable_id.to_string();
    let value = rule.value.trim();
    // Compared as the server does: ASCII case ignored.
    let matching: Vec<&String> = target
        .options
        .iter()
        .filter(|o| o.eq_ignore_ascii_case(value))
        .collect();
    let equals = match target.kind {
        FieldKind::YesNo => match value.to_ascii_lowercase().as_str() {
            "oui" => Some(json!({ "const": true })),
            "non" => Some(json!({ "const": false })),
            _ => None,
        },
        FieldKind::SingleChoice => Some(json!({ "enum": matching })),
        FieldKind::MultipleChoice => Some(json!({ "contains": { "enum": matching } })),
        _ => None,
    }
    // An empty `enum` is not a valid schema: no option matches, so the rule never holds.
    .map(|e| {
        if matching.is_empty() && target.kind != FieldKind::YesNo {
            json!(false)
        } else {
            e
        }
    });
    let has = |inner: Value| json!({ "required": [id], "properties": { (id.clone()): inner } });
    let number = || {
        value
            .replace(',', ".")
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
    };
    match rule.op {
        ConditionOp::Equals => equals.map(has),
        ConditionOp::NotEquals => equals.map(|e| json!({ "not": has(e) })),
        ConditionOp::Empty => Some(json!({ "not": { "required": [id] } })),
        ConditionOp::NotEmpty => Some(json!({ "required": [id] })),
        ConditionOp::Greater if target.kind == FieldKind::Number => {
            number().map(|n| has(json!({ "exclusiveMinimum": n })))
        }
        ConditionOp::Less if target.kind == FieldKind::Number => {
            number().map(|n| has(json!({ "exclusiveMaximum": n })))
        }
        _ => None,
    }
}

fn condition_schema(condition: &Condition, earlier: &[FieldDefinition]) -> Option<Value> {
    let rules: Option<Vec<Value>> = condition
        .rules
        .iter()
        .map(|r| rule_schema(r, earlier))
        .collect();
    let rules = rules?;
    Some(match (rules.is_empty(), condition.any) {
        // No rule: "all" holds, "any" does not.
        (true, any) => json!(!any),
        (false, true) => json!({ "anyOf": rules }),
        (false, false) => json!({ "allOf": rules }),
    })
}

/// The schema of the answers of a revision with these fields.
pub fn answers_schema(fields: &[FieldDefinition]) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut conditional = Vec::new();
    // The section a field is in, with its condition and position (it covers its fields).
    let mut section: Option<(&Condition, usize)> = None;
    for (at, field) in fields.iter().enumerate() {
        if field.kind == FieldKind::Section {
            section = field.condition.as_ref().map(|c| (c, at));
            continue;
        }
        if !field.kind.takes_answer() {
            continue;
        }
        let id = field.stable_id.to_string();
        let mut schema = property(field);
        // Each condition may only use the questions before what it is attached to.
        let conditions: Vec<(&Condition, usize)> = section
            .into_iter()
            .chain(field.condition.as_ref().map(|c| (c, at)))
            .collect();
        if conditions.is_empty() {
            if field.required {
                required.push(json!(id));
            }
        } else {
            let exact: Option<Vec<Value>> = conditions
                .iter()
                .map(|(c, before)| condition_schema(c, fields.get(..*before).unwrap_or_default()))
                .collect();
            match exact {
                // Shown: answered if required; not shown: never kept.
                Some(all) => {
                    let shown = json!({ "allOf": all });
                    let then = if field.required {
                        json!({ "required": [id] })
                    } else {
                        json!(true)
                    };
                    conditional.push(json!({
                        "if": shown,
                        "then": then,
                        "else": { "not": { "required": [id] } }
                    }));
                }
                None => {
                    if let Value::Object(map) = &mut schema {
                        map.insert(
                            "description".to_owned(),
                            json!("Present only when the question's display condition holds (see the form)."),
                        );
                    }
                }
            }
        }
        properties.insert(id, schema);
    }
    let mut schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    });
    if !conditional.is_empty() {
        set(&mut schema, "allOf", json!(conditional));
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rules::FieldRules;
    use uuid::Uuid;

    fn def(id: u128, kind: FieldKind, required: bool) -> FieldDefinition {
        FieldDefinition {
            stable_id: Uuid::from_u128(id),
            kind,
            label: format!("Q{id}"),
            help: String::new(),
            required,
            options: Vec::new(),
            rules: FieldRules::default(),
            condition: None,
        }
    }

    #[test]
    fn limits_choices_and_a_conditional_question_are_in_the_schema() {
        let mut number = def(1, FieldKind::Number, true);
        number.rules.min = Some(1.0);
        number.rules.integer = true;
        let pet = def(2, FieldKind::YesNo, true);
        let mut name = def(3, FieldKind::ShortText, true);
        name.condition = Some(Condition {
            any: false,
            rules: vec![ConditionRule {
                field: pet.stable_id,
                op: ConditionOp::Equals,
                value: "oui".into(),
            }],
        });
        let schema = answers_schema(&[number, pet, name, def(4, FieldKind::Section, false)]);
        let id = |n: u128| Uuid::from_u128(n).to_string();
        assert_eq!(schema["properties"][id(1)]["type"], "integer");
        assert_eq!(schema["properties"][id(1)]["minimum"], 1.0);
        assert_eq!(schema["required"], json!([id(1), id(2)]));
        assert!(
            schema["properties"].get(id(4)).is_none(),
            "a heading has no answer"
        );
        let conditional = &schema["allOf"][0];
        assert_eq!(
            conditional["if"]["allOf"][0]["allOf"][0]["properties"][id(2)]["const"],
            true
        );
        assert_eq!(conditional["then"]["required"], json!([id(3)]));
        assert_eq!(conditional["else"]["not"]["required"], json!([id(3)]));
    }
}
