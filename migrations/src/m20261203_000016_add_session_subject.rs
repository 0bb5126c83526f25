//! The identity provider's subject of a citizen session (`sessions.subject`), beside the JSON
//! data that already holds it: as a column, the form and recap pages find the session and the
//! citizen's draft (`drafts.identity_sub`) in one query instead of two. Empty for agents'
//! sessions and for citizen sessions opened before it (those take the two-query path until
//! they end).

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000016_add_session_subject"
    }
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Subject,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .add_column(string_null(Sessions::Subject))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .drop_column(Sessions::Subject)
                    .to_owned(),
            )
            .await
    }
}
