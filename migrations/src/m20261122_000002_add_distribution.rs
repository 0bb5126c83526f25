//! Distribution channels: a short, stable code per service (`/q/{code}`), the channel a login and
//! a submission came through, and per-channel counters (no cookie, no personal data).

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000002_add_distribution"
    }
}

#[derive(DeriveIden)]
enum Procedures {
    Table,
    ShortCode,
}

#[derive(DeriveIden)]
enum AuthRequests {
    Table,
    Channel,
}

#[derive(DeriveIden)]
enum Submissions {
    Table,
    Channel,
}

#[derive(DeriveIden)]
enum ChannelStats {
    Table,
    ProcedureId,
    Channel,
    Visits,
    Logins,
    Submissions,
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
        // SQLite adds one column per ALTER TABLE; nullable so existing rows need no default
        // (a code is assigned the first time the service is opened in the console).
        manager
            .alter_table(
                Table::alter()
                    .table(Procedures::Table)
                    .add_column(string_len_null(Procedures::ShortCode, 16))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_procedures_short_code")
                    .table(Procedures::Table)
                    .col(Procedures::ShortCode)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AuthRequests::Table)
                    .add_column(string_len_null(AuthRequests::Channel, 16))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Submissions::Table)
                    .add_column(string_len_null(Submissions::Channel, 16))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ChannelStats::Table)
                    .col(uuid(ChannelStats::ProcedureId))
                    .col(string_len(ChannelStats::Channel, 16))
                    .col(big_integer(ChannelStats::Visits).default(0))
                    .col(big_integer(ChannelStats::Logins).default(0))
                    .col(big_integer(ChannelStats::Submissions).default(0))
                    .primary_key(
                        Index::create()
                            .col(ChannelStats::ProcedureId)
                            .col(ChannelStats::Channel),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ChannelStats::Table, ChannelStats::ProcedureId)
                            .to(ProceduresRef::Table, ProceduresRef::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ChannelStats::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ux_procedures_short_code")
                    .table(Procedures::Table)
                    .to_owned(),
            )
            .await?;
        for (table, column) in [
            (
                Submissions::Table.into_iden(),
                Submissions::Channel.into_iden(),
            ),
            (
                AuthRequests::Table.into_iden(),
                AuthRequests::Channel.into_iden(),
            ),
            (
                Procedures::Table.into_iden(),
                Procedures::ShortCode.into_iden(),
            ),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
