//! Inbox tools: a normalised name column for search by family name (prefix, indexed), an index
//! for the per-service tabs, and agents' private notes on submissions.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000006_add_inbox_tools"
    }
}

#[derive(DeriveIden)]
enum Submissions {
    Table,
    MunicipalityId,
    ProcedureId,
    Status,
    Id,
    SearchName,
    Reference,
}

#[derive(DeriveIden)]
enum SubmissionNotes {
    Table,
    Id,
    MunicipalityId,
    SubmissionId,
    AuthorLabel,
    Body,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Submissions::Table)
                    .add_column(string_null(Submissions::SearchName))
                    .to_owned(),
            )
            .await?;
        // Existing rows: "family given", lower-cased, from the identity snapshot.
        let backfill = match manager.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                "UPDATE submissions SET search_name = lower(trim(coalesce(identity->'claims'->>'family_name', '') || ' ' || coalesce(identity->'claims'->>'given_name', '')))"
            }
            _ => {
                "UPDATE submissions SET search_name = lower(trim(coalesce(json_extract(identity, '$.claims.family_name'), '') || ' ' || coalesce(json_extract(identity, '$.claims.given_name'), '')))"
            }
        };
        manager
            .get_connection()
            .execute_unprepared(backfill)
            .await?;
        // Prefix search must use an index: SQLite's GLOB does on a BINARY-collated index; on
        // PostgreSQL, LIKE 'prefix%' needs `text_pattern_ops` whatever the database collation.
        match manager.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                let db = manager.get_connection();
                db.execute_unprepared(
                    "CREATE INDEX ix_submissions_search_name ON submissions (municipality_id, search_name text_pattern_ops)",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE INDEX ix_submissions_reference_pattern ON submissions (municipality_id, reference text_pattern_ops)",
                )
                .await?;
            }
            _ => {
                manager
                    .create_index(
                        Index::create()
                            .name("ix_submissions_search_name")
                            .table(Submissions::Table)
                            .col(Submissions::MunicipalityId)
                            .col(Submissions::SearchName)
                            .to_owned(),
                    )
                    .await?;
                manager
                    .create_index(
                        Index::create()
                            .name("ix_submissions_reference_pattern")
                            .table(Submissions::Table)
                            .col(Submissions::MunicipalityId)
                            .col(Submissions::Reference)
                            .to_owned(),
                    )
                    .await?;
            }
        }
        manager
            .create_index(
                Index::create()
                    .name("ix_submissions_procedure_status")
                    .table(Submissions::Table)
                    .col(Submissions::MunicipalityId)
                    .col(Submissions::ProcedureId)
                    .col(Submissions::Status)
                    .col(Submissions::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SubmissionNotes::Table)
                    .col(pk_uuid(SubmissionNotes::Id))
                    .col(uuid(SubmissionNotes::MunicipalityId))
                    .col(uuid(SubmissionNotes::SubmissionId))
                    .col(string(SubmissionNotes::AuthorLabel))
                    .col(text(SubmissionNotes::Body))
                    .col(timestamp_with_time_zone(SubmissionNotes::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_submission_notes_submission")
                    .table(SubmissionNotes::Table)
                    .col(SubmissionNotes::SubmissionId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SubmissionNotes::Table).to_owned())
            .await?;
        for name in [
            "ix_submissions_procedure_status",
            "ix_submissions_search_name",
        ] {
            manager
                .drop_index(
                    Index::drop()
                        .name(name)
                        .table(Submissions::Table)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Submissions::Table)
                    .drop_column(Submissions::SearchName)
                    .to_owned(),
            )
            .await
    }
}
