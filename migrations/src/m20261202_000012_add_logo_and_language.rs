//! The municipality's logo, and the language each submission was made in.
//!
//! The image lives in its own table so that the many queries reading a municipality never carry
//! its bytes; the municipality row only holds a version (a digest of the stored image) for the
//! page's `<img>` address, so a new logo is never hidden by a cached old one, and the
//! alternative text. The submission's language is the one of the pages the citizen used: the
//! receipt and later messages from the town hall are written in it.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000012_add_logo_and_language"
    }
}

#[derive(DeriveIden)]
enum Municipalities {
    Table,
    Id,
    LogoVersion,
    LogoAlt,
}

#[derive(DeriveIden)]
enum MunicipalityLogos {
    Table,
    MunicipalityId,
    ContentType,
    Bytes,
    Width,
    Height,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Submissions {
    Table,
    Lang,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MunicipalityLogos::Table)
                    .col(uuid(MunicipalityLogos::MunicipalityId).primary_key())
                    .col(string(MunicipalityLogos::ContentType))
                    .col(blob(MunicipalityLogos::Bytes))
                    .col(integer(MunicipalityLogos::Width))
                    .col(integer(MunicipalityLogos::Height))
                    .col(timestamp_with_time_zone(MunicipalityLogos::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MunicipalityLogos::Table, MunicipalityLogos::MunicipalityId)
                            .to(Municipalities::Table, Municipalities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // SQLite adds one column per ALTER TABLE.
        for column in [
            string_null(Municipalities::LogoVersion),
            string_null(Municipalities::LogoAlt),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Municipalities::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Submissions::Table)
                    .add_column(string(Submissions::Lang).default("fr"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Submissions::Table)
                    .drop_column(Submissions::Lang)
                    .to_owned(),
            )
            .await?;
        for column in [Municipalities::LogoAlt, Municipalities::LogoVersion] {
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
            .drop_table(Table::drop().table(MunicipalityLogos::Table).to_owned())
            .await
    }
}
