//! Row of `field_definitions` (see the migration for the meaning of each column).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "field_definitions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub revision_id: Uuid,
    pub stable_id: Uuid,
    pub position: i32,
    pub kind: String,
    #[sea_orm(column_type = "Text")]
    pub label: String,
    #[sea_orm(column_type = "Text")]
    pub help: String,
    pub required: bool,
    #[sea_orm(column_type = "Json")]
    pub options: Json,
    /// `{"rules": …, "condition": …}` (`domain::rules`); `None` for fields without any.
    #[sea_orm(column_type = "Json", nullable)]
    pub settings: Option<Json>,
    /// Removed from a draft, restorable until it is published (never set on a published one).
    pub removed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
