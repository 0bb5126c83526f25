//! The business REST API (`/api/v1`): bearer tokens per municipality, stored only as SHA-256
//! hashes and scoped to services, read or read-write, with a mandatory expiry and an optional IP
//! allow-list; the responses kept for `Idempotency-Key` replays; acknowledgements of submissions
//! fetched by an integration; and the token that moved a submission in its history.
//!
//! Acknowledgements live in their own table (one row per submission) rather than in a column of
//! `submissions`, so the hot table and the code that inserts into it are left untouched.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000008_add_api_tokens"
    }
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    MunicipalityId,
    Name,
    /// The first characters of the token (`iclefs_AbCd`), shown in the console to recognise it.
    DisplayPrefix,
    TokenHash,
    /// `null`: every service of the municipality; otherwise a JSON array of procedure ids.
    Services,
    CanWrite,
    /// JSON array of CIDR strings; empty: any address.
    AllowedNetworks,
    ExpiresAt,
    CreatedAt,
    CreatedBy,
    LastUsedAt,
    RevokedAt,
    RevokedBy,
}

#[derive(DeriveIden)]
enum ApiIdempotencyKeys {
    Table,
    Id,
    TokenId,
    Key,
    /// SHA-256 of method, path and body: the same key with another request is refused.
    Fingerprint,
    /// 0 while the first request is in flight.
    StatusCode,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SubmissionAcknowledgements {
    Table,
    SubmissionId,
    MunicipalityId,
    TokenId,
    AcknowledgedAt,
}

#[derive(DeriveIden)]
enum SubmissionTransitions {
    Table,
    ActorApiTokenId,
}

#[derive(DeriveIden)]
enum Municipalities {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Submissions {
    Table,
    Id,
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
                    .table(ApiTokens::Table)
                    .col(pk_uuid(ApiTokens::Id))
                    .col(uuid(ApiTokens::MunicipalityId))
                    .col(string(ApiTokens::Name))
                    .col(string(ApiTokens::DisplayPrefix))
                    .col(string_uniq(ApiTokens::TokenHash))
                    .col(json_null(ApiTokens::Services))
                    .col(boolean(ApiTokens::CanWrite))
                    .col(json(ApiTokens::AllowedNetworks))
                    .col(timestamp_with_time_zone(ApiTokens::ExpiresAt))
                    .col(timestamp_with_time_zone(ApiTokens::CreatedAt))
                    .col(string(ApiTokens::CreatedBy))
                    .col(timestamp_with_time_zone_null(ApiTokens::LastUsedAt))
                    .col(timestamp_with_time_zone_null(ApiTokens::RevokedAt))
                    .col(string_null(ApiTokens::RevokedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ApiTokens::Table, ApiTokens::MunicipalityId)
                            .to(Municipalities::Table, Municipalities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_api_tokens_municipality")
                    .table(ApiTokens::Table)
                    .col(ApiTokens::MunicipalityId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiIdempotencyKeys::Table)
                    .col(pk_uuid(ApiIdempotencyKeys::Id))
                    .col(uuid(ApiIdempotencyKeys::TokenId))
                    .col(string(ApiIdempotencyKeys::Key))
                    .col(string(ApiIdempotencyKeys::Fingerprint))
                    .col(integer(ApiIdempotencyKeys::StatusCode))
                    .col(text(ApiIdempotencyKeys::Body))
                    .col(timestamp_with_time_zone(ApiIdempotencyKeys::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ApiIdempotencyKeys::Table, ApiIdempotencyKeys::TokenId)
                            .to(ApiTokens::Table, ApiTokens::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_api_idempotency_keys_token_key")
                    .table(ApiIdempotencyKeys::Table)
                    .col(ApiIdempotencyKeys::TokenId)
                    .col(ApiIdempotencyKeys::Key)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SubmissionAcknowledgements::Table)
                    .col(pk_uuid(SubmissionAcknowledgements::SubmissionId))
                    .col(uuid(SubmissionAcknowledgements::MunicipalityId))
                    .col(uuid_null(SubmissionAcknowledgements::TokenId))
                    .col(timestamp_with_time_zone(
                        SubmissionAcknowledgements::AcknowledgedAt,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                SubmissionAcknowledgements::Table,
                                SubmissionAcknowledgements::SubmissionId,
                            )
                            .to(Submissions::Table, Submissions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SubmissionTransitions::Table)
                    .add_column(uuid_null(SubmissionTransitions::ActorApiTokenId))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SubmissionTransitions::Table)
                    .drop_column(SubmissionTransitions::ActorApiTokenId)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(
                Table::drop()
                    .table(SubmissionAcknowledgements::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(ApiIdempotencyKeys::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ApiTokens::Table).to_owned())
            .await
    }
}
