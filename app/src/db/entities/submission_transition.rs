//! Row of `submission_transitions` (see the migration for the meaning of each column).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "submission_transitions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub submission_id: Uuid,
    pub from_status: Option<String>,
    pub to_status: String,
    pub actor_admin_id: Option<Uuid>,
    pub actor_label: String,
    /// The API token that made the change, when it came through `/api/v1`.
    pub actor_api_token_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
