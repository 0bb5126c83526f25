//! Row of `uploads`: a file a citizen attached (see the migration and `uploads`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "uploads")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub procedure_id: Uuid,
    pub identity_sub: String,
    pub field_stable_id: Uuid,
    /// Set when the request is sent; `None` while the file is in a draft.
    pub submission_id: Option<Uuid>,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    /// `clean` (the antivirus hook passed it) or `not_scanned` (no hook configured).
    pub scan_status: String,
    #[sea_orm(column_type = "Blob")]
    pub bytes: Vec<u8>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
