//! Property tests: the answer validator and the display of stored answers never panic, whatever
//! the form definition (any kind, settings, conditions, including ones pointing nowhere) and
//! whatever was posted or stored (arbitrary text, arbitrary JSON).

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests fail loudly")]

use app::domain::field::{FieldDefinition, FieldKind, RawAnswers, validate_answers};
use app::domain::rules::{Condition, ConditionOp, ConditionRule, FieldRules};
use app::domain::schema::answers_schema;
use app::i18n::Lang;
use proptest::prelude::*;
use uuid::Uuid;

fn kind() -> impl Strategy<Value = FieldKind> {
    proptest::sample::select(FieldKind::ALL.to_vec())
}

fn op() -> impl Strategy<Value = ConditionOp> {
    proptest::sample::select(ConditionOp::ALL.to_vec())
}

fn rules() -> impl Strategy<Value = FieldRules> {
    (
        proptest::option::of(any::<f64>()),
        proptest::option::of(any::<f64>()),
        any::<bool>(),
        any::<bool>(),
        proptest::option::of(0u32..5),
        proptest::option::of(0u32..5),
        proptest::option::of(proptest::sample::select(vec![
            "[A-Z]{2}",
            "W[0-9]{9}",
            "(",
            "a|b",
            ".*",
            "",
        ])),
    )
        .prop_map(
            |(min, max, integer, past_only, min_selected, max_selected, pattern)| FieldRules {
                min,
                max,
                integer,
                past_only,
                min_selected,
                max_selected,
                pattern: pattern.map(str::to_owned),
                pattern_message: Some("format".to_owned()),
                ..FieldRules::default()
            },
        )
}

/// Up to 6 fields with ids 1..=6; conditions may point at any id, even later or missing ones.
fn form() -> impl Strategy<Value = Vec<FieldDefinition>> {
    proptest::collection::vec(
        (
            kind(),
            any::<bool>(),
            proptest::collection::vec(
                prop_oneof![
                    proptest::sample::select(vec!["A", "B", "Chat", "a"]).prop_map(str::to_owned),
                    "[a-zA-Z ]{0,6}"
                ],
                0..4,
            ),
            rules(),
            proptest::option::of((
                any::<bool>(),
                proptest::collection::vec((1u128..8, op(), answer()), 0..3),
            )),
        ),
        0..6,
    )
    .prop_map(|fields| {
        fields
            .into_iter()
            .enumerate()
            .map(
                |(i, (kind, required, options, rules, condition))| FieldDefinition {
                    stable_id: Uuid::from_u128(i as u128 + 1),
                    kind,
                    label: format!("Q{i}"),
                    help: String::new(),
                    required,
                    options,
                    rules,
                    condition: condition.map(|(any, rules)| Condition {
                        any,
                        rules: rules
                            .into_iter()
                            .map(|(field, op, value)| ConditionRule {
                                field: Uuid::from_u128(field),
                                op,
                                value,
                            })
                            .collect(),
                    }),
                },
            )
            .collect()
    })
}

/// Plausible answers of every kind (so that many forms are accepted), and arbitrary text.
fn answer() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(vec![
            "", " ", "oui", "non", "A", "B", "Chat", "a", "A\nB", "3", "2,5", "-1", "12",
            "2020-01-01", "2999-12-31", "0612345678", "+32 470 12 34 56", "a@b.fr", "75107",
            "AB", "W123456789", "12 rue de la Paix\n\n75002\nParis", "1 place\nBât. B\n2A000\nAjaccio",
            "\n\n\n", r#"{"id":"0190d8a4-0000-7000-8000-000000000001","name":"a.pdf","size":3,"type":"application/pdf"}"#,
            r#"{"id":"x","name":"","size":-1,"type":"text/html"}"#,
        ])
        .prop_map(str::to_owned),
        1 => ".{0,20}",
    ]
}

fn json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        any::<f64>().prop_map(|n| serde_json::json!(n)),
        ".{0,12}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map(".{0,4}", inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    #[test]
    fn validating_any_answers_against_any_form_never_panics(
        fields in form(),
        answers in proptest::collection::btree_map(1u128..8, answer(), 0..8),
        lang in proptest::sample::select(Lang::ALL.to_vec()),
    ) {
        let raw: RawAnswers = answers.into_iter().map(|(k, v)| (Uuid::from_u128(k), v)).collect();
        let schema = answers_schema(&fields);
        let validator = jsonschema::validator_for(&schema);
        prop_assert!(validator.is_ok(), "invalid schema {schema}: {:?}", validator.err());
        match validate_answers(&fields, &raw, lang) {
            // Every kept value belongs to a field of the form, and what the server accepts is
            // valid against the published schema: one model, two readers.
            Ok(values) => {
                prop_assert!(values.keys().all(|id| fields.iter().any(|f| f.stable_id == *id)));
                let stored = serde_json::to_value(&values).expect("json");
                let validator = validator.expect("checked above");
                let errors: Vec<String> = validator.iter_errors(&stored).map(|e| e.to_string()).collect();
                prop_assert!(errors.is_empty(), "accepted {stored} refused by {schema}: {errors:?}");
            }
            Err(errors) => prop_assert!(errors.iter().all(|e| !e.message.is_empty())),
        }
    }

    #[test]
    fn any_stored_json_is_displayed_without_panicking(fields in form(), value in json()) {
        for field in &fields {
            let _ = field.display_answer_in(Some(&value), Lang::En);
            let _ = field.raw_answer(Some(&value));
        }
    }

    #[test]
    fn a_form_definition_read_from_any_json_never_panics(value in json()) {
        let _ = serde_json::from_value::<Vec<FieldDefinition>>(value.clone());
        let _ = serde_json::from_value::<Condition>(value);
    }
}
