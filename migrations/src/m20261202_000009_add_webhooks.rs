//! Webhooks of the business API, and the indexes of the API's change feeds.
//!
//! * `webhook_endpoints`: a municipality's receiving URLs, the events each wants, and its signing
//!   secret (AES-256-GCM under the instance key, like the identity providers' secrets: the worker
//!   needs it back to sign, so it cannot be a hash).
//! * `webhook_deliveries`: the webhook outbox. A row is written in the transaction of the event
//!   it announces (a submission, a transition), so an event is announced if and only if it
//!   happened; the worker delivers it with retries. The row *is* the delivery log shown in the
//!   console; a replay is a new row carrying the same `message_id`, so a receiver that
//!   de-duplicates on `webhook-id` sees it as the same event.
//! * Indexes for `/api/v1/services/{id}/submissions?updated_since=…` (read in `updated_at`
//!   order instead of walking the id order) and for `acknowledged=false` (the acknowledgements
//!   of a municipality, in submission order).

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000009_add_webhooks"
    }
}

#[derive(DeriveIden)]
enum WebhookEndpoints {
    Table,
    Id,
    MunicipalityId,
    Url,
    Description,
    /// JSON array of event types (`submission.created`, `submission.processed`).
    Events,
    SecretEncrypted,
    Enabled,
    CreatedAt,
    CreatedBy,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    MunicipalityId,
    EndpointId,
    /// The `webhook-id` header: the event's identity, kept by replays.
    MessageId,
    EventType,
    /// The exact JSON body sent (no personal data: ids, reference, status, times).
    Payload,
    /// queued · delivered · failed
    Status,
    Attempts,
    NextAttemptAt,
    LastAttemptAt,
    /// HTTP status of the last answer; null when none came (refused address, timeout…).
    LastStatusCode,
    LastError,
    CreatedAt,
    DeliveredAt,
    /// The delivery this one replays, if any.
    ReplayOf,
}

#[derive(DeriveIden)]
enum Municipalities {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Submissions {
    Table,
    MunicipalityId,
    ProcedureId,
    UpdatedAt,
    Id,
}

#[derive(DeriveIden)]
enum SubmissionAcknowledgements {
    Table,
    MunicipalityId,
    SubmissionId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(WebhookEndpoints::Table)
                    .col(pk_uuid(WebhookEndpoints::Id))
                    .col(uuid(WebhookEndpoints::MunicipalityId))
                    .col(text(WebhookEndpoints::Url))
                    .col(string(WebhookEndpoints::Description))
                    .col(json(WebhookEndpoints::Events))
                    .col(text(WebhookEndpoints::SecretEncrypted))
                    .col(boolean(WebhookEndpoints::Enabled))
                    .col(timestamp_with_time_zone(WebhookEndpoints::CreatedAt))
                    .col(string(WebhookEndpoints::CreatedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookEndpoints::Table, WebhookEndpoints::MunicipalityId)
                            .to(Municipalities::Table, Municipalities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_webhook_endpoints_municipality")
                    .table(WebhookEndpoints::Table)
                    .col(WebhookEndpoints::MunicipalityId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookDeliveries::Table)
                    .col(pk_uuid(WebhookDeliveries::Id))
                    .col(uuid(WebhookDeliveries::MunicipalityId))
                    .col(uuid(WebhookDeliveries::EndpointId))
                    .col(string(WebhookDeliveries::MessageId))
                    .col(string(WebhookDeliveries::EventType))
                    .col(json(WebhookDeliveries::Payload))
                    .col(string(WebhookDeliveries::Status))
                    .col(integer(WebhookDeliveries::Attempts))
                    .col(timestamp_with_time_zone(WebhookDeliveries::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(
                        WebhookDeliveries::LastAttemptAt,
                    ))
                    .col(integer_null(WebhookDeliveries::LastStatusCode))
                    .col(text_null(WebhookDeliveries::LastError))
                    .col(timestamp_with_time_zone(WebhookDeliveries::CreatedAt))
                    .col(timestamp_with_time_zone_null(
                        WebhookDeliveries::DeliveredAt,
                    ))
                    .col(uuid_null(WebhookDeliveries::ReplayOf))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookDeliveries::Table, WebhookDeliveries::EndpointId)
                            .to(WebhookEndpoints::Table, WebhookEndpoints::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_webhook_deliveries_due")
                    .table(WebhookDeliveries::Table)
                    .col(WebhookDeliveries::Status)
                    .col(WebhookDeliveries::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_webhook_deliveries_log")
                    .table(WebhookDeliveries::Table)
                    .col(WebhookDeliveries::MunicipalityId)
                    .col(WebhookDeliveries::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_submissions_service_by_update")
                    .table(Submissions::Table)
                    .col(Submissions::MunicipalityId)
                    .col(Submissions::ProcedureId)
                    .col(Submissions::UpdatedAt)
                    .col(Submissions::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_submission_acknowledgements_municipality")
                    .table(SubmissionAcknowledgements::Table)
                    .col(SubmissionAcknowledgements::MunicipalityId)
                    .col(SubmissionAcknowledgements::SubmissionId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_submission_acknowledgements_municipality")
                    .table(SubmissionAcknowledgements::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_submissions_service_by_update")
                    .table(Submissions::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(WebhookDeliveries::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(WebhookEndpoints::Table).to_owned())
            .await
    }
}
