//! Files attached by citizens to a request (`uploads`): the bytes themselves, in the database,
//! so they are in the same backups, transactions and tenant checks as the answers that name
//! them. A file belongs to its town, service and citizen (`identity_sub`) while it is in a draft,
//! and to its submission once sent (`submission_id`); draft files not sent are purged.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000014_add_uploads"
    }
}

#[derive(DeriveIden)]
enum Uploads {
    Table,
    Id,
    MunicipalityId,
    ProcedureId,
    IdentitySub,
    FieldStableId,
    SubmissionId,
    Filename,
    ContentType,
    Size,
    Sha256,
    ScanStatus,
    Bytes,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Municipalities {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Uploads::Table)
                    .col(uuid(Uploads::Id).primary_key())
                    .col(uuid(Uploads::MunicipalityId))
                    .col(uuid(Uploads::ProcedureId))
                    .col(string(Uploads::IdentitySub))
                    .col(uuid(Uploads::FieldStableId))
                    .col(uuid_null(Uploads::SubmissionId))
                    .col(string(Uploads::Filename))
                    .col(string(Uploads::ContentType))
                    .col(big_integer(Uploads::Size))
                    .col(string(Uploads::Sha256))
                    .col(string(Uploads::ScanStatus))
                    .col(blob(Uploads::Bytes))
                    .col(timestamp_with_time_zone(Uploads::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Uploads::Table, Uploads::MunicipalityId)
                            .to(Municipalities::Table, Municipalities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_uploads_submission")
                    .table(Uploads::Table)
                    .col(Uploads::SubmissionId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Uploads::Table).to_owned())
            .await
    }
}
