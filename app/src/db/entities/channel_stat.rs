//! Row of `channel_stats`: per service and channel, how many visits, logins and submissions.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "channel_stats")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub procedure_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub channel: String,
    pub visits: i64,
    pub logins: i64,
    pub submissions: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
