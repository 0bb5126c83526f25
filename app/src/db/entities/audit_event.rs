//! Row of `audit_events`: one console action (see `audit`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub admin_user_id: Uuid,
    /// The agent's name at the time.
    pub actor: String,
    /// What was done, in French ("Publication d'un service").
    pub action: String,
    /// The address acted on (ids only).
    pub path: String,
    pub status: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
