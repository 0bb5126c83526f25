//! ProConnect for agents: the pending agent logins (hashed state and nonce, single use, like the
//! citizens' `auth_requests` but not tied to a municipality — the agent's account says which)
//! and the ProConnect `sub` an account is bound to after its first ProConnect login.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000010_add_agent_login"
    }
}

#[derive(DeriveIden)]
enum AgentAuthRequests {
    Table,
    StateHash,
    Nonce,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum AdminUsers {
    Table,
    ProconnectSub,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AgentAuthRequests::Table)
                    .col(string(AgentAuthRequests::StateHash).primary_key())
                    .col(string(AgentAuthRequests::Nonce))
                    .col(timestamp_with_time_zone(AgentAuthRequests::CreatedAt))
                    .col(timestamp_with_time_zone(AgentAuthRequests::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AdminUsers::Table)
                    .add_column(string_null(AdminUsers::ProconnectSub))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_admin_users_proconnect_sub")
                    .table(AdminUsers::Table)
                    .col(AdminUsers::ProconnectSub)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ux_admin_users_proconnect_sub")
                    .table(AdminUsers::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AdminUsers::Table)
                    .drop_column(AdminUsers::ProconnectSub)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(AgentAuthRequests::Table).to_owned())
            .await
    }
}
