//! Row of `webhook_endpoints`: a municipality's receiving URL, its events and its signing secret
//! (encrypted under the instance key; the worker decrypts it to sign).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_endpoints")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub url: String,
    pub description: String,
    /// JSON array of event types.
    #[sea_orm(column_type = "Json")]
    pub events: Json,
    #[sea_orm(column_type = "Text")]
    pub secret_encrypted: String,
    pub enabled: bool,
    pub created_at: DateTimeUtc,
    pub created_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
