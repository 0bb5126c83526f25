//! Row of `submissions` (see the migration for the meaning of each column).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "submissions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub procedure_id: Uuid,
    pub revision_id: Uuid,
    pub reference: String,
    pub status: String,
    pub idempotency_key: String,
    #[sea_orm(column_type = "Json")]
    pub identity: Json,
    pub identity_provider: String,
    pub identity_sub: String,
    pub identity_acr: String,
    pub identity_authenticated_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub processed_at: Option<DateTimeUtc>,
    pub channel: Option<String>,
    /// "family given", lower-cased: search by family name prefix.
    pub search_name: Option<String>,
    /// Language of the citizen's pages (`fr`, `en`, `nl`): their mails are written in it.
    pub lang: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
