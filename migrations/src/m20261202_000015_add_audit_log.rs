//! The console's audit log (`audit_events`): who changed what, when, in each municipality.
//! Written after every state-changing console request that succeeded; it names the agent and the
//! action, never the data typed (no answers, no secrets).

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000015_add_audit_log"
    }
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    MunicipalityId,
    AdminUserId,
    Actor,
    Action,
    Path,
    Status,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(uuid(AuditEvents::Id).primary_key())
                    .col(uuid(AuditEvents::MunicipalityId))
                    .col(uuid(AuditEvents::AdminUserId))
                    .col(string(AuditEvents::Actor))
                    .col(string(AuditEvents::Action))
                    .col(string(AuditEvents::Path))
                    .col(integer(AuditEvents::Status))
                    .col(timestamp_with_time_zone(AuditEvents::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_events_municipality")
                    .table(AuditEvents::Table)
                    .col(AuditEvents::MunicipalityId)
                    .col(AuditEvents::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditEvents::Table).to_owned())
            .await
    }
}
