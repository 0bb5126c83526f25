//! Row of `api_tokens`: a bearer token of the business API, stored only as its SHA-256 hash.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "api_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub name: String,
    /// The first characters of the token, to recognise it in the console and in a leak.
    pub display_prefix: String,
    pub token_hash: String,
    /// `None`: every service of the municipality; otherwise a JSON array of procedure ids.
    #[sea_orm(column_type = "Json", nullable)]
    pub services: Option<Json>,
    pub can_write: bool,
    /// JSON array of CIDR strings; empty: any address.
    #[sea_orm(column_type = "Json")]
    pub allowed_networks: Json,
    pub expires_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub created_by: String,
    pub last_used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_by: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
