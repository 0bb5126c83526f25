//! Row of `auth_requests` (see the migration for the meaning of each column).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "auth_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub state_hash: String,
    pub municipality_id: Uuid,
    pub procedure_slug: String,
    pub nonce: String,
    pub pkce_verifier: Option<String>,
    pub acr_requested: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub channel: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
