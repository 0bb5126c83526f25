//! Row of `api_idempotency_keys`: the response given to a token's `Idempotency-Key`, replayed
//! when the same request comes again within the retention window.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "api_idempotency_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub token_id: Uuid,
    pub key: String,
    /// SHA-256 of method, path and body.
    pub fingerprint: String,
    /// 0 while the first request is still being handled.
    pub status_code: i32,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
