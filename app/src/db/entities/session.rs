//! Row of `sessions` (see the migration for the meaning of each column).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub kind: String,
    pub municipality_id: Option<Uuid>,
    pub admin_user_id: Option<Uuid>,
    #[sea_orm(column_type = "Json")]
    pub data: Json,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    /// The identity provider's subject, for citizen sessions (joins `drafts.identity_sub`).
    pub subject: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
