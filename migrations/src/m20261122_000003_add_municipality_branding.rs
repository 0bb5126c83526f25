//! Municipality branding: one accent colour (contrast checked by the application before saving).

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000003_add_municipality_branding"
    }
}

#[derive(DeriveIden)]
enum Municipalities {
    Table,
    AccentColor,
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
                    .table(Municipalities::Table)
                    .add_column(string_len(Municipalities::AccentColor, 7).default("#1d4ed8"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Municipalities::Table)
                    .drop_column(Municipalities::AccentColor)
                    .to_owned(),
            )
            .await
    }
}
