//! Submission counters per municipality, service and status, kept in the same transaction as
//! every insert and transition.
//!
//! The inbox tabs and the dashboard show counts on every page; counting a million rows costs
//! tens of milliseconds on either database, which alone would exceed the inbox budget (p99 ≤
//! 50 ms). A few counter rows per service make those counts constant-time. Filtered views
//! (search, dates) count with a cap instead (see `app/src/inbox/counts.rs`).

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000007_add_submission_counts"
    }
}

#[derive(DeriveIden)]
enum SubmissionCounts {
    Table,
    MunicipalityId,
    ProcedureId,
    Status,
    Count,
}

#[derive(DeriveIden)]
enum ProceduresRef {
    #[sea_orm(iden = "procedures")]
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
                    .table(SubmissionCounts::Table)
                    .col(uuid(SubmissionCounts::MunicipalityId))
                    .col(uuid(SubmissionCounts::ProcedureId))
                    .col(string_len(SubmissionCounts::Status, 16))
                    .col(big_integer(SubmissionCounts::Count).default(0))
                    .primary_key(
                        Index::create()
                            .col(SubmissionCounts::MunicipalityId)
                            .col(SubmissionCounts::ProcedureId)
                            .col(SubmissionCounts::Status),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SubmissionCounts::Table, SubmissionCounts::ProcedureId)
                            .to(ProceduresRef::Table, ProceduresRef::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Existing submissions (same SQL on both databases).
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO submission_counts (municipality_id, procedure_id, status, count) \
                 SELECT municipality_id, procedure_id, status, COUNT(*) FROM submissions \
                 GROUP BY municipality_id, procedure_id, status",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SubmissionCounts::Table).to_owned())
            .await
    }
}
