//! Mail delivery you can see: each outbox row gets its stable `Message-ID` and, when it concerns a
//! submission, a link to it (the inbox shows queued / sent / failed per message). Municipalities may
//! send from their own address, opt in to personal data in the agents' notice, and edit their own
//! templates (`mail_templates`, one row per municipality and kind; absent = built-in default).
//! Agents are invited by email (`admin_invitations`: hashed single-use token, 7-day expiry).

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000004_add_mail_delivery"
    }
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    MessageId,
    SubmissionId,
}

#[derive(DeriveIden)]
enum Municipalities {
    Table,
    MailFrom,
    NoticeIncludesAnswers,
}

#[derive(DeriveIden)]
enum MailTemplates {
    Table,
    Id,
    MunicipalityId,
    Kind,
    Subject,
    BodyText,
    BodyHtml,
    UpdatedAt,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum AdminInvitations {
    Table,
    Id,
    MunicipalityId,
    AdminUserId,
    TokenHash,
    InvitedBy,
    CreatedAt,
    ExpiresAt,
    AcceptedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(Outbox::Table)
                    .add_column(string_null(Outbox::MessageId))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Outbox::Table)
                    .add_column(uuid_null(Outbox::SubmissionId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_outbox_submission")
                    .table(Outbox::Table)
                    .col(Outbox::SubmissionId)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Municipalities::Table)
                    .add_column(string_null(Municipalities::MailFrom))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Municipalities::Table)
                    .add_column(boolean(Municipalities::NoticeIncludesAnswers).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MailTemplates::Table)
                    .col(pk_uuid(MailTemplates::Id))
                    .col(uuid(MailTemplates::MunicipalityId))
                    .col(string(MailTemplates::Kind))
                    .col(string(MailTemplates::Subject))
                    .col(text(MailTemplates::BodyText))
                    .col(text_null(MailTemplates::BodyHtml))
                    .col(timestamp_with_time_zone(MailTemplates::UpdatedAt))
                    .col(string(MailTemplates::UpdatedBy))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_mail_templates_kind")
                    .table(MailTemplates::Table)
                    .col(MailTemplates::MunicipalityId)
                    .col(MailTemplates::Kind)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AdminInvitations::Table)
                    .col(pk_uuid(AdminInvitations::Id))
                    .col(uuid(AdminInvitations::MunicipalityId))
                    .col(uuid(AdminInvitations::AdminUserId))
                    .col(string(AdminInvitations::TokenHash).unique_key())
                    .col(string(AdminInvitations::InvitedBy))
                    .col(timestamp_with_time_zone(AdminInvitations::CreatedAt))
                    .col(timestamp_with_time_zone(AdminInvitations::ExpiresAt))
                    .col(timestamp_with_time_zone_null(AdminInvitations::AcceptedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AdminInvitations::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(MailTemplates::Table).to_owned())
            .await?;
        for column in [
            Municipalities::NoticeIncludesAnswers.into_iden(),
            Municipalities::MailFrom.into_iden(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Municipalities::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("ix_outbox_submission")
                    .table(Outbox::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            Outbox::SubmissionId.into_iden(),
            Outbox::MessageId.into_iden(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Outbox::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
