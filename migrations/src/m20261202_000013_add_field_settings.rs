//! Per-field settings and conditional display (`domain::rules`): one JSON object per field,
//! `{"rules": {...}, "condition": {...}}`, absent for fields created before it. And the undo of
//! a deletion in the builder: a field removed from a draft is only marked (`removed_at`) until the
//! draft is published, so "Annuler" can bring it back where it was.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000013_add_field_settings"
    }
}

#[derive(DeriveIden)]
enum FieldDefinitions {
    Table,
    Settings,
    RemovedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(FieldDefinitions::Table)
                    .add_column(json_null(FieldDefinitions::Settings))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(FieldDefinitions::Table)
                    .add_column(timestamp_with_time_zone_null(FieldDefinitions::RemovedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(FieldDefinitions::Table)
                    .drop_column(FieldDefinitions::RemovedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(FieldDefinitions::Table)
                    .drop_column(FieldDefinitions::Settings)
                    .to_owned(),
            )
            .await
    }
}
