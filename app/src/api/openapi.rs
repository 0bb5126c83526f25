//! The OpenAPI 3.1 document of `/api/v1`, written by hand next to the code it describes.
//!
//! It is static (no instance URL inside: paths are relative to the host serving it), so the copy
//! committed in `docs/api/openapi.json` is byte for byte what `GET /api/v1/openapi.json` serves;
//! the test `api_v1::openapi_document_matches_the_committed_copy` checks it, and
//! `ICLEFS_UPDATE_OPENAPI=1 cargo test -p server --test api openapi_document` rewrites the copy.

use serde_json::{Value, json};

fn error_response(description: &str, codes: &[&str]) -> Value {
    json!({
        "description": format!("{description} Codes : {}.", codes.join(", ")),
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
    })
}

fn ok(description: &str, schema: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } }
    })
}

fn with_common_errors(mut responses: Value) -> Value {
    if let Some(map) = responses.as_object_mut() {
        for (status, name) in [
            ("401", "Unauthorized"),
            ("403", "Forbidden"),
            ("404", "NotFound"),
            ("429", "TooManyRequests"),
        ] {
            map.insert(
                status.to_owned(),
                json!({ "$ref": format!("#/components/responses/{name}") }),
            );
        }
    }
    responses
}

fn transition(target: &str, summary: &str) -> Value {
    json!({
        "post": {
            "operationId": format!("mark_{target}"),
            "summary": summary,
            "description": "Needs a read-write token. Recorded in the submission's history with the token as actor. Send an `Idempotency-Key` to retry safely: the same key and request get the first response again (header `Idempotent-Replayed: true`).",
            "tags": ["submissions"],
            "parameters": [
                { "$ref": "#/components/parameters/SubmissionId" },
                { "$ref": "#/components/parameters/IdempotencyKey" }
            ],
            "responses": with_common_errors(json!({
                "200": ok("The new status.", "StatusChange"),
                "409": error_response("Already in that status, or an idempotent request with this key is in progress.", &["status_unchanged", "idempotency_in_progress"]),
                "422": { "$ref": "#/components/responses/Unprocessable" }
            }))
        }
    })
}

/// The webhooks (OpenAPI 3.1 `webhooks`): what the instance POSTs to a municipality's endpoints.
fn webhooks() -> Value {
    let operation = |event: &str, summary: &str| {
        json!({
            "post": {
                "operationId": event.replace('.', "_"),
                "summary": summary,
                "description": "Signed as Standard Webhooks: verify `webhook-signature` (`v1,` + base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}` with the base64-decoded part of the `whsec_` secret) and refuse timestamps more than 5 minutes away. `webhook-id` is the same across retries and replays: de-duplicate on it. Answer 2xx within 10 seconds; other answers are retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h; redirects are not followed. No personal data is sent: fetch the submission with `GET /api/v1/submissions/{id}`.",
                "security": [],
                "parameters": [
                    { "name": "webhook-id", "in": "header", "required": true, "schema": { "type": "string", "pattern": "^msg_[0-9a-f]{32}$" } },
                    { "name": "webhook-timestamp", "in": "header", "required": true, "description": "Unix time of this try, in seconds.", "schema": { "type": "integer" } },
                    { "name": "webhook-signature", "in": "header", "required": true, "schema": { "type": "string", "pattern": "^v1,[A-Za-z0-9+/=]+$" } }
                ],
                "requestBody": {
                    "required": true,
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/WebhookEvent" } } }
                },
                "responses": { "2XX": { "description": "Received; no retry." } }
            }
        })
    };
    json!({
        "submission.created": operation("submission.created", "A citizen sent a submission"),
        "submission.processed": operation("submission.processed", "A submission was marked processed (console or API)")
    })
}

fn webhook_event_schema() -> Value {
    let timestamp = json!({ "type": "string", "format": "date-time" });
    let uuid = json!({ "type": "string", "format": "uuid" });
    json!({
        "type": "object",
        "required": ["type", "timestamp", "data"],
        "properties": {
            "type": { "type": "string", "enum": ["submission.created", "submission.processed"] },
            "timestamp": timestamp,
            "data": {
                "type": "object",
                "required": ["id", "service_id", "reference", "status", "created_at", "updated_at", "processed_at"],
                "properties": {
                    "id": uuid,
                    "service_id": uuid,
                    "reference": { "type": "string" },
                    "status": { "type": "string", "enum": ["unprocessed", "processed"] },
                    "created_at": timestamp,
                    "updated_at": timestamp,
                    "processed_at": { "type": ["string", "null"], "format": "date-time" }
                }
            }
        }
    })
}

/// The document, as served and as committed.
pub fn document() -> Value {
    let mut document = paths_and_components();
    if let Some(map) = document.as_object_mut() {
        map.insert("webhooks".to_owned(), webhooks());
    }
    if let Some(schemas) = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        schemas.insert("WebhookEvent".to_owned(), webhook_event_schema());
    }
    document
}

fn paths_and_components() -> Value {
    let timestamp = json!({ "type": "string", "format": "date-time" });
    let nullable_timestamp = json!({ "type": ["string", "null"], "format": "date-time" });
    let uuid = json!({ "type": "string", "format": "uuid" });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "i-CLEFS API",
            "version": "1.0.0",
            "summary": "Services and submissions of a municipality, for its business tools.",
            "description": "Read the services of a municipality and the submissions citizens sent with their FranceConnect-certified identity; mark them processed. Authenticate with a bearer token created in the console (Administration → API). Every error has the body `{\"error\": {\"code\": \"...\", \"message\": \"...\"}}`: `code` is stable, `message` is French. Ids of another municipality or outside the token's services are answered exactly like ids that do not exist (404).",
            "license": { "name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later" }
        },
        "security": [{ "bearerAuth": [] }],
        "tags": [
            { "name": "services", "description": "Services (procedures) and their forms." },
            { "name": "submissions", "description": "What citizens sent." }
        ],
        "paths": {
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "get_openapi",
                    "summary": "This document",
                    "tags": ["services"],
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "The OpenAPI document.",
                            "content": { "application/json": { "schema": { "type": "object" } } }
                        }
                    }
                }
            },
            "/api/v1/services": {
                "get": {
                    "operationId": "list_services",
                    "summary": "List the services the token can see",
                    "description": "Each service with every published revision of its form: fields with their stable ids (the keys of `answers`), kinds, labels, required flag and options, and the identity data requested.",
                    "tags": ["services"],
                    "responses": with_common_errors(json!({
                        "200": ok("The services.", "ServiceList")
                    }))
                }
            },
            "/api/v1/services/{service_id}/submissions": {
                "get": {
                    "operationId": "list_submissions",
                    "summary": "List a service's submissions, oldest first",
                    "description": "Cursor pagination: follow `next_cursor` until it is `null`. Stable under new submissions (keyset on time-ordered ids). With `updated_since`, the list is a change feed: ordered by `updated_at` then id, so a submission changed again later appears again at the end; its cursors (`c2…`) only continue an `updated_since` list.",
                    "tags": ["submissions"],
                    "parameters": [
                        { "$ref": "#/components/parameters/ServiceId" },
                        { "name": "status", "in": "query", "required": false, "schema": { "type": "string", "enum": ["processed", "unprocessed"] } },
                        { "name": "created_since", "in": "query", "required": false, "description": "RFC 3339; submissions created at or after.", "schema": timestamp },
                        { "name": "updated_since", "in": "query", "required": false, "description": "RFC 3339; submissions created or whose status changed at or after.", "schema": timestamp },
                        { "name": "acknowledged", "in": "query", "required": false, "description": "`false`: only submissions not yet acknowledged with `POST /ack`.", "schema": { "type": "boolean" } },
                        { "name": "limit", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1, "maximum": 100, "default": 50 } },
                        { "name": "cursor", "in": "query", "required": false, "description": "The `next_cursor` of the previous page of the same query (opaque).", "schema": { "type": "string", "pattern": "^(c1[0-9a-f]{32}|c2[0-9a-f]{48})$" } }
                    ],
                    "responses": with_common_errors(json!({
                        "200": ok("One page.", "SubmissionList"),
                        "422": { "$ref": "#/components/responses/Unprocessable" }
                    }))
                }
            },
            "/api/v1/submissions/{submission_id}": {
                "get": {
                    "operationId": "get_submission",
                    "summary": "One submission",
                    "tags": ["submissions"],
                    "parameters": [{ "$ref": "#/components/parameters/SubmissionId" }],
                    "responses": with_common_errors(json!({
                        "200": ok("The submission.", "Submission")
                    }))
                }
            },
            "/api/v1/submissions/{submission_id}/files/{file_id}": {
                "get": {
                    "operationId": "get_file",
                    "summary": "A file the citizen attached",
                    "description": "`file_id` is the `id` in the value of a `file` answer. The body is the file as sent (PDF, JPEG or PNG); `Content-Disposition` carries its name and `X-Content-SHA256` its digest.",
                    "tags": ["submissions"],
                    "parameters": [
                        { "$ref": "#/components/parameters/SubmissionId" },
                        { "name": "file_id", "in": "path", "required": true, "schema": uuid }
                    ],
                    "responses": with_common_errors(json!({
                        "200": {
                            "description": "The file.",
                            "content": {
                                "application/pdf": { "schema": { "type": "string", "format": "binary" } },
                                "image/jpeg": { "schema": { "type": "string", "format": "binary" } },
                                "image/png": { "schema": { "type": "string", "format": "binary" } }
                            }
                        }
                    }))
                }
            },
            "/api/v1/submissions/{submission_id}/processed": transition("processed", "Mark a submission processed"),
            "/api/v1/submissions/{submission_id}/unprocessed": transition("unprocessed", "Mark a submission unprocessed again"),
            "/api/v1/submissions/{submission_id}/ack": {
                "post": {
                    "operationId": "acknowledge_submission",
                    "summary": "Acknowledge that a submission was fetched",
                    "description": "Read tokens may acknowledge. Idempotent: acknowledging again keeps the first time. Then `acknowledged=false` on the list leaves it out.",
                    "tags": ["submissions"],
                    "parameters": [
                        { "$ref": "#/components/parameters/SubmissionId" },
                        { "$ref": "#/components/parameters/IdempotencyKey" }
                    ],
                    "responses": with_common_errors(json!({
                        "200": ok("Acknowledged.", "Acknowledgement"),
                        "409": error_response("An idempotent request with this key is in progress.", &["idempotency_in_progress"]),
                        "422": { "$ref": "#/components/responses/Unprocessable" }
                    }))
                }
            }
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "iclefs_<43 characters>",
                    "description": "A token created by the municipality in the console: scoped to services, read or read-write, with an expiry date and optionally an IP allow-list."
                }
            },
            "parameters": {
                "ServiceId": { "name": "service_id", "in": "path", "required": true, "schema": uuid },
                "SubmissionId": { "name": "submission_id", "in": "path", "required": true, "schema": uuid },
                "IdempotencyKey": {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": false,
                    "description": "Any unique value per intended action (a UUID), kept 24 hours per token.",
                    "schema": { "type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$" }
                }
            },
            "responses": {
                "Unauthorized": {
                    "description": "Token missing, unknown, expired or revoked. Codes : missing_token, invalid_token, token_expired, token_revoked.",
                    "headers": { "WWW-Authenticate": { "schema": { "type": "string" } } },
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
                },
                "Forbidden": error_response("Not allowed for this token.", &["insufficient_scope", "ip_not_allowed"]),
                "NotFound": error_response("No such object for this token (also for objects of another municipality or out of scope).", &["not_found"]),
                "Unprocessable": error_response("A parameter or header is invalid.", &["invalid_parameter", "idempotency_key_reused"]),
                "TooManyRequests": {
                    "description": "Rate limit of the token (600 requests a minute) reached. Codes : rate_limited.",
                    "headers": { "Retry-After": { "description": "Seconds to wait.", "schema": { "type": "integer" } } },
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
                }
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {
                                "code": { "type": "string", "description": "Stable, English snake_case." },
                                "message": { "type": "string", "description": "For people, in French." }
                            }
                        }
                    }
                },
                "ServiceList": {
                    "type": "object",
                    "required": ["data"],
                    "properties": { "data": { "type": "array", "items": { "$ref": "#/components/schemas/Service" } } }
                },
                "Service": {
                    "type": "object",
                    "required": ["id", "slug", "title", "state", "identity_claims", "current_revision", "revisions"],
                    "properties": {
                        "id": uuid,
                        "slug": { "type": "string" },
                        "title": { "type": "string" },
                        "state": { "type": "string", "enum": ["draft", "online", "online_restricted", "closed"] },
                        "identity_claims": { "type": "array", "items": { "$ref": "#/components/schemas/IdentityClaim" } },
                        "current_revision": { "type": ["integer", "null"], "description": "Number of the revision citizens fill in today." },
                        "revisions": { "type": "array", "items": { "$ref": "#/components/schemas/Revision" } }
                    }
                },
                "Revision": {
                    "type": "object",
                    "required": ["id", "number", "published_at", "identity_claims", "fields", "answers_schema"],
                    "properties": {
                        "id": uuid,
                        "number": { "type": "integer" },
                        "published_at": nullable_timestamp,
                        "identity_claims": { "type": "array", "items": { "$ref": "#/components/schemas/IdentityClaim" } },
                        "fields": { "type": "array", "items": { "$ref": "#/components/schemas/Field" } },
                        "answers_schema": { "type": "object", "description": "JSON Schema (draft 2020-12) of this revision's answers: an object keyed by `stable_id` whose values are `Submission.answers[id].value`. Generated from the same rules the server checks (limits, patterns, choices, conditional questions); date limits and some conditions are described rather than enforced." }
                    }
                },
                "Field": {
                    "type": "object",
                    "required": ["stable_id", "kind", "label", "help", "required", "options"],
                    "properties": {
                        "stable_id": { "type": "string", "format": "uuid", "description": "Same across revisions; keys the answers." },
                        "kind": { "$ref": "#/components/schemas/FieldKind" },
                        "label": { "type": "string" },
                        "help": { "type": "string" },
                        "required": { "type": "boolean" },
                        "options": { "type": "array", "items": { "type": "string" }, "description": "Choices of a `single_choice` or `multiple_choice` field." }
                    }
                },
                "FieldKind": { "type": "string", "enum": ["short_text", "long_text", "email", "phone", "number", "date", "single_choice", "multiple_choice", "yes_no", "consent", "commune", "address", "file", "section", "explanation"], "description": "`section` and `explanation` are text blocks of the form: they never carry an answer." },
                "IdentityClaim": { "type": "string", "enum": ["family_name", "given_name", "birthdate", "gender", "birthplace", "birthcountry", "preferred_username", "email"] },
                "SubmissionList": {
                    "type": "object",
                    "required": ["data", "next_cursor"],
                    "properties": {
                        "data": { "type": "array", "items": { "$ref": "#/components/schemas/Submission" } },
                        "next_cursor": { "type": ["string", "null"], "description": "Pass as `cursor` for the next page; `null` on the last page." }
                    }
                },
                "Submission": {
                    "type": "object",
                    "required": ["id", "reference", "status", "service_id", "revision_id", "revision_number", "created_at", "updated_at", "processed_at", "acknowledged_at", "identity", "answers"],
                    "properties": {
                        "id": uuid,
                        "reference": { "type": "string", "description": "The reference the citizen was given." },
                        "status": { "type": "string", "enum": ["unprocessed", "processed"] },
                        "service_id": uuid,
                        "revision_id": uuid,
                        "revision_number": { "type": "integer" },
                        "created_at": timestamp,
                        "updated_at": timestamp,
                        "processed_at": nullable_timestamp,
                        "acknowledged_at": nullable_timestamp,
                        "identity": { "$ref": "#/components/schemas/Identity" },
                        "answers": {
                            "type": "object",
                            "description": "Keyed by field `stable_id`; unanswered optional fields are absent.",
                            "additionalProperties": { "$ref": "#/components/schemas/Answer" }
                        }
                    }
                },
                "Identity": {
                    "type": "object",
                    "required": ["provider", "acr", "authenticated_at", "claims"],
                    "properties": {
                        "provider": { "type": "string", "description": "Identity provider preset (`franceconnect`, `demo`...)." },
                        "acr": { "type": "string", "description": "eIDAS level (`eidas1`...)." },
                        "authenticated_at": timestamp,
                        "claims": {
                            "type": "object",
                            "description": "Certified values by claim name (`family_name`, `birthdate` as `YYYY-MM-DD` where `00` marks an unknown part...).",
                            "additionalProperties": { "type": "string" }
                        }
                    }
                },
                "Answer": {
                    "type": "object",
                    "required": ["label", "kind", "value"],
                    "properties": {
                        "label": { "type": "string", "description": "The question, in the submission's revision." },
                        "kind": { "$ref": "#/components/schemas/FieldKind" },
                        "value": { "type": ["string", "number", "boolean", "array", "object"], "items": { "type": "string" }, "description": "Text, `YYYY-MM-DD` for dates, a number, a boolean for `yes_no` and `consent`, the chosen options for `multiple_choice`, digits with an optional leading `+` for `phone`, the INSEE code for `commune`, an object `{street, complement?, postcode, city}` for `address`, an object `{id, name, size, type}` for `file` (the document is downloaded by agents from the console). The revision's `answers_schema` says exactly which." }
                    }
                },
                "StatusChange": {
                    "type": "object",
                    "required": ["id", "status", "updated_at", "processed_at"],
                    "properties": {
                        "id": uuid,
                        "status": { "type": "string", "enum": ["unprocessed", "processed"] },
                        "updated_at": timestamp,
                        "processed_at": nullable_timestamp
                    }
                },
                "Acknowledgement": {
                    "type": "object",
                    "required": ["id", "acknowledged_at"],
                    "properties": { "id": uuid, "acknowledged_at": timestamp }
                }
            }
        }
    })
}

/// The document as committed: pretty-printed, with a final new line.
pub fn pretty() -> String {
    let mut text = serde_json::to_string_pretty(&document()).unwrap_or_default();
    text.push('\n');
    text
}
