//! sea-orm entities, one per table. Relations are expressed as explicit, tenant-scoped queries in
//! the services rather than through the ORM, so every query visibly carries its `municipality_id`.

pub mod admin_invitation;
pub mod admin_membership;
pub mod admin_user;
pub mod agent_auth_request;
pub mod api_idempotency_key;
pub mod api_token;
pub mod audit_event;
pub mod auth_request;
pub mod channel_stat;
pub mod draft;
pub mod field_definition;
pub mod field_value;
pub mod identity_provider_config;
pub mod mail_template;
pub mod municipality;
pub mod municipality_logo;
pub mod outbox;
pub mod procedure;
pub mod procedure_revision;
pub mod session;
pub mod submission;
pub mod submission_acknowledgement;
pub mod submission_count;
pub mod submission_note;
pub mod submission_transition;
pub mod upload;
pub mod webhook_delivery;
pub mod webhook_endpoint;
