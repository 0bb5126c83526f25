//! The core tables: tenants, admins, procedures with frozen revisions, submissions with their
//! values and history, identity-provider settings, sessions, pending logins, drafts and the outbox.
//!
//! Identifiers are UUIDv7 (time-ordered, so keyset pagination and B-tree inserts stay cheap, and
//! not guessable across tenants). Every tenant-owned table carries `municipality_id` so each query
//! can be scoped without a join.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000001_create_core_tables"
    }
}

#[derive(DeriveIden)]
enum Municipalities {
    Table,
    Id,
    Slug,
    Name,
    Country,
    ContactEmail,
    NotificationEmail,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AdminUsers {
    Table,
    Id,
    Email,
    DisplayName,
    PasswordHash,
    CreatedAt,
    LastLoginAt,
}

#[derive(DeriveIden)]
enum AdminMemberships {
    Table,
    AdminUserId,
    MunicipalityId,
    Role,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Procedures {
    Table,
    Id,
    MunicipalityId,
    Slug,
    Title,
    Description,
    State,
    IdentityClaims,
    DraftRevisionId,
    PublishedRevisionId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProcedureRevisions {
    Table,
    Id,
    ProcedureId,
    Number,
    IdentityClaims,
    PublishedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum FieldDefinitions {
    Table,
    Id,
    RevisionId,
    StableId,
    Position,
    Kind,
    Label,
    Help,
    Required,
    Options,
}

#[derive(DeriveIden)]
enum Submissions {
    Table,
    Id,
    MunicipalityId,
    ProcedureId,
    RevisionId,
    Reference,
    Status,
    IdempotencyKey,
    Identity,
    IdentityProvider,
    IdentitySub,
    IdentityAcr,
    IdentityAuthenticatedAt,
    CreatedAt,
    UpdatedAt,
    ProcessedAt,
}

#[derive(DeriveIden)]
enum FieldValues {
    Table,
    SubmissionId,
    FieldStableId,
    Value,
}

#[derive(DeriveIden)]
enum SubmissionTransitions {
    Table,
    Id,
    SubmissionId,
    FromStatus,
    ToStatus,
    ActorAdminId,
    ActorLabel,
    CreatedAt,
}

#[derive(DeriveIden)]
enum IdentityProviderConfigs {
    Table,
    Id,
    MunicipalityId,
    Preset,
    Issuer,
    ClientId,
    ClientSecretEncrypted,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    MunicipalityId,
    Kind,
    Payload,
    Status,
    Attempts,
    NextAttemptAt,
    LastError,
    CreatedAt,
    SentAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    Kind,
    MunicipalityId,
    AdminUserId,
    Data,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum AuthRequests {
    Table,
    StateHash,
    MunicipalityId,
    ProcedureSlug,
    Nonce,
    PkceVerifier,
    AcrRequested,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Drafts {
    Table,
    Id,
    MunicipalityId,
    ProcedureId,
    RevisionId,
    IdentitySub,
    Values,
    UpdatedAt,
    ExpiresAt,
}

fn fk(
    from_table: impl IntoIden,
    from_col: impl IntoIden,
    to_table: impl IntoIden,
    to_col: impl IntoIden,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, from_col)
        .to(to_table, to_col)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        // SQLite does not wrap migrations in a transaction by default; a half-applied schema is
        // worse than a failed start.
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Municipalities::Table)
                    .col(pk_uuid(Municipalities::Id))
                    .col(string_uniq(Municipalities::Slug))
                    .col(string(Municipalities::Name))
                    .col(string_len(Municipalities::Country, 2))
                    .col(string(Municipalities::ContactEmail))
                    .col(string(Municipalities::NotificationEmail))
                    .col(timestamp_with_time_zone(Municipalities::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AdminUsers::Table)
                    .col(pk_uuid(AdminUsers::Id))
                    .col(string_uniq(AdminUsers::Email))
                    .col(string(AdminUsers::DisplayName))
                    .col(string(AdminUsers::PasswordHash))
                    .col(timestamp_with_time_zone(AdminUsers::CreatedAt))
                    .col(timestamp_with_time_zone_null(AdminUsers::LastLoginAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AdminMemberships::Table)
                    .col(uuid(AdminMemberships::AdminUserId))
                    .col(uuid(AdminMemberships::MunicipalityId))
                    .col(string(AdminMemberships::Role))
                    .col(timestamp_with_time_zone(AdminMemberships::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(AdminMemberships::AdminUserId)
                            .col(AdminMemberships::MunicipalityId),
                    )
                    .foreign_key(&mut fk(
                        AdminMemberships::Table,
                        AdminMemberships::AdminUserId,
                        AdminUsers::Table,
                        AdminUsers::Id,
                    ))
                    .foreign_key(&mut fk(
                        AdminMemberships::Table,
                        AdminMemberships::MunicipalityId,
                        Municipalities::Table,
                        Municipalities::Id,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Procedures::Table)
                    .col(pk_uuid(Procedures::Id))
                    .col(uuid(Procedures::MunicipalityId))
                    .col(string(Procedures::Slug))
                    .col(string(Procedures::Title))
                    .col(text(Procedures::Description))
                    .col(string(Procedures::State))
                    .col(json(Procedures::IdentityClaims))
                    .col(uuid_null(Procedures::DraftRevisionId))
                    .col(uuid_null(Procedures::PublishedRevisionId))
                    .col(timestamp_with_time_zone(Procedures::CreatedAt))
                    .col(timestamp_with_time_zone(Procedures::UpdatedAt))
                    .foreign_key(&mut fk(
                        Procedures::Table,
                        Procedures::MunicipalityId,
                        Municipalities::Table,
                        Municipalities::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_procedures_municipality_slug")
                    .table(Procedures::Table)
                    .col(Procedures::MunicipalityId)
                    .col(Procedures::Slug)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ProcedureRevisions::Table)
                    .col(pk_uuid(ProcedureRevisions::Id))
                    .col(uuid(ProcedureRevisions::ProcedureId))
                    .col(integer(ProcedureRevisions::Number))
                    .col(json(ProcedureRevisions::IdentityClaims))
                    .col(timestamp_with_time_zone_null(
                        ProcedureRevisions::PublishedAt,
                    ))
                    .col(timestamp_with_time_zone(ProcedureRevisions::CreatedAt))
                    .foreign_key(&mut fk(
                        ProcedureRevisions::Table,
                        ProcedureRevisions::ProcedureId,
                        Procedures::Table,
                        Procedures::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_procedure_revisions_number")
                    .table(ProcedureRevisions::Table)
                    .col(ProcedureRevisions::ProcedureId)
                    .col(ProcedureRevisions::Number)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(FieldDefinitions::Table)
                    .col(pk_uuid(FieldDefinitions::Id))
                    .col(uuid(FieldDefinitions::RevisionId))
                    .col(uuid(FieldDefinitions::StableId))
                    .col(integer(FieldDefinitions::Position))
                    .col(string(FieldDefinitions::Kind))
                    .col(text(FieldDefinitions::Label))
                    .col(text(FieldDefinitions::Help))
                    .col(boolean(FieldDefinitions::Required))
                    .col(json(FieldDefinitions::Options))
                    .foreign_key(&mut fk(
                        FieldDefinitions::Table,
                        FieldDefinitions::RevisionId,
                        ProcedureRevisions::Table,
                        ProcedureRevisions::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_field_definitions_stable")
                    .table(FieldDefinitions::Table)
                    .col(FieldDefinitions::RevisionId)
                    .col(FieldDefinitions::StableId)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Submissions::Table)
                    .col(pk_uuid(Submissions::Id))
                    .col(uuid(Submissions::MunicipalityId))
                    .col(uuid(Submissions::ProcedureId))
                    .col(uuid(Submissions::RevisionId))
                    .col(string_uniq(Submissions::Reference))
                    .col(string(Submissions::Status))
                    .col(string_uniq(Submissions::IdempotencyKey))
                    .col(json(Submissions::Identity))
                    .col(string(Submissions::IdentityProvider))
                    .col(string(Submissions::IdentitySub))
                    .col(string(Submissions::IdentityAcr))
                    .col(timestamp_with_time_zone(
                        Submissions::IdentityAuthenticatedAt,
                    ))
                    .col(timestamp_with_time_zone(Submissions::CreatedAt))
                    .col(timestamp_with_time_zone(Submissions::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Submissions::ProcessedAt))
                    .foreign_key(&mut fk(
                        Submissions::Table,
                        Submissions::MunicipalityId,
                        Municipalities::Table,
                        Municipalities::Id,
                    ))
                    .foreign_key(&mut fk(
                        Submissions::Table,
                        Submissions::ProcedureId,
                        Procedures::Table,
                        Procedures::Id,
                    ))
                    .foreign_key(&mut fk(
                        Submissions::Table,
                        Submissions::RevisionId,
                        ProcedureRevisions::Table,
                        ProcedureRevisions::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        // The inbox lists one municipality's submissions by status, newest first (keyset on id).
        manager
            .create_index(
                Index::create()
                    .name("ix_submissions_inbox")
                    .table(Submissions::Table)
                    .col(Submissions::MunicipalityId)
                    .col(Submissions::Status)
                    .col(Submissions::Id)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(FieldValues::Table)
                    .col(uuid(FieldValues::SubmissionId))
                    .col(uuid(FieldValues::FieldStableId))
                    .col(json(FieldValues::Value))
                    .primary_key(
                        Index::create()
                            .col(FieldValues::SubmissionId)
                            .col(FieldValues::FieldStableId),
                    )
                    .foreign_key(&mut fk(
                        FieldValues::Table,
                        FieldValues::SubmissionId,
                        Submissions::Table,
                        Submissions::Id,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SubmissionTransitions::Table)
                    .col(pk_uuid(SubmissionTransitions::Id))
                    .col(uuid(SubmissionTransitions::SubmissionId))
                    .col(string_null(SubmissionTransitions::FromStatus))
                    .col(string(SubmissionTransitions::ToStatus))
                    .col(uuid_null(SubmissionTransitions::ActorAdminId))
                    .col(string(SubmissionTransitions::ActorLabel))
                    .col(timestamp_with_time_zone(SubmissionTransitions::CreatedAt))
                    .foreign_key(&mut fk(
                        SubmissionTransitions::Table,
                        SubmissionTransitions::SubmissionId,
                        Submissions::Table,
                        Submissions::Id,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(IdentityProviderConfigs::Table)
                    .col(pk_uuid(IdentityProviderConfigs::Id))
                    .col(uuid_uniq(IdentityProviderConfigs::MunicipalityId))
                    .col(string(IdentityProviderConfigs::Preset))
                    .col(string(IdentityProviderConfigs::Issuer))
                    .col(string(IdentityProviderConfigs::ClientId))
                    .col(text(IdentityProviderConfigs::ClientSecretEncrypted))
                    .col(timestamp_with_time_zone(IdentityProviderConfigs::CreatedAt))
                    .col(timestamp_with_time_zone(IdentityProviderConfigs::UpdatedAt))
                    .foreign_key(&mut fk(
                        IdentityProviderConfigs::Table,
                        IdentityProviderConfigs::MunicipalityId,
                        Municipalities::Table,
                        Municipalities::Id,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(pk_uuid(Outbox::Id))
                    .col(uuid_null(Outbox::MunicipalityId))
                    .col(string(Outbox::Kind))
                    .col(json(Outbox::Payload))
                    .col(string(Outbox::Status))
                    .col(integer(Outbox::Attempts))
                    .col(timestamp_with_time_zone(Outbox::NextAttemptAt))
                    .col(text_null(Outbox::LastError))
                    .col(timestamp_with_time_zone(Outbox::CreatedAt))
                    .col(timestamp_with_time_zone_null(Outbox::SentAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_outbox_due")
                    .table(Outbox::Table)
                    .col(Outbox::Status)
                    .col(Outbox::NextAttemptAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(string(Sessions::Id).primary_key())
                    .col(string(Sessions::Kind))
                    .col(uuid_null(Sessions::MunicipalityId))
                    .col(uuid_null(Sessions::AdminUserId))
                    .col(json(Sessions::Data))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuthRequests::Table)
                    .col(string(AuthRequests::StateHash).primary_key())
                    .col(uuid(AuthRequests::MunicipalityId))
                    .col(string(AuthRequests::ProcedureSlug))
                    .col(string(AuthRequests::Nonce))
                    .col(string_null(AuthRequests::PkceVerifier))
                    .col(string(AuthRequests::AcrRequested))
                    .col(timestamp_with_time_zone(AuthRequests::CreatedAt))
                    .col(timestamp_with_time_zone(AuthRequests::ExpiresAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Drafts::Table)
                    .col(pk_uuid(Drafts::Id))
                    .col(uuid(Drafts::MunicipalityId))
                    .col(uuid(Drafts::ProcedureId))
                    .col(uuid(Drafts::RevisionId))
                    .col(string(Drafts::IdentitySub))
                    .col(json(Drafts::Values))
                    .col(timestamp_with_time_zone(Drafts::UpdatedAt))
                    .col(timestamp_with_time_zone(Drafts::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_drafts_owner")
                    .table(Drafts::Table)
                    .col(Drafts::MunicipalityId)
                    .col(Drafts::ProcedureId)
                    .col(Drafts::IdentitySub)
                    .unique()
                    .to_owned(),
            )
            .await?;

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Children before parents, so foreign keys never block the drop.
        let tables = [
            Drafts::Table.into_iden(),
            AuthRequests::Table.into_iden(),
            Sessions::Table.into_iden(),
            Outbox::Table.into_iden(),
            IdentityProviderConfigs::Table.into_iden(),
            SubmissionTransitions::Table.into_iden(),
            FieldValues::Table.into_iden(),
            Submissions::Table.into_iden(),
            FieldDefinitions::Table.into_iden(),
            ProcedureRevisions::Table.into_iden(),
            Procedures::Table.into_iden(),
            AdminMemberships::Table.into_iden(),
            AdminUsers::Table.into_iden(),
            Municipalities::Table.into_iden(),
        ];
        for table in tables {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
