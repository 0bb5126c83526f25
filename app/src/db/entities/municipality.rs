//! Row of `municipalities` (see the migration for the meaning of each column).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "municipalities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub country: String,
    pub contact_email: String,
    pub notification_email: String,
    pub created_at: DateTimeUtc,
    pub accent_color: String,
    /// Sender of this municipality's mail (`Mairie <mairie@ville.fr>`); the instance's otherwise.
    pub mail_from: Option<String>,
    /// Explicit opt-in: the agents' notice carries the citizen's name and answers.
    pub notice_includes_answers: bool,
    /// How to reach the data protection officer (shown to citizens); the contact address if none.
    pub dpo_contact: Option<String>,
    /// Processed submissions are erased this many months after processing.
    pub retention_months: i32,
    /// Digest of the stored logo (`municipality_logos`), for its address; `None`: no logo.
    pub logo_version: Option<String>,
    /// The logo's text alternative; empty or `None`: decorative (the name is written beside it).
    pub logo_alt: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
