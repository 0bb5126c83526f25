//! GDPR information of each municipality, shown on every service page: the contact of its data
//! protection officer, and how long processed submissions are kept before they are erased
//! (`inbox::retention` enforces it).

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000011_add_privacy"
    }
}

#[derive(DeriveIden)]
enum Municipalities {
    Table,
    DpoContact,
    RetentionMonths,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table(Municipalities::Table)
                    .add_column(string_null(Municipalities::DpoContact))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Municipalities::Table)
                    .add_column(integer(Municipalities::RetentionMonths).default(24))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Municipalities::Table)
                    .drop_column(Municipalities::RetentionMonths)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Municipalities::Table)
                    .drop_column(Municipalities::DpoContact)
                    .to_owned(),
            )
            .await
    }
}
