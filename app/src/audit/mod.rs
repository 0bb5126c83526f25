//! The console's audit log: every state-changing console request that succeeded is recorded
//! with its municipality, its agent and what it did, and owners read the log under *Journal*.
//!
//! Why a middleware rather than a line in each handler: no new console action can forget it.
//! The entry says *what kind* of action was done to *which object* (the address, ids only) —
//! never the values typed, so the log holds no citizen data and no secret. Refused requests
//! (4xx, 5xx) are not actions and are not recorded; sign-ins are in the server's log.

use crate::db::entities::audit_event;
use crate::error::AppResult;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

/// How many entries the console page shows.
pub const PAGE: u64 = 200;

/// What a console request did, in French, from its method and address.
pub fn describe(path: &str) -> String {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let what = match parts.as_slice() {
        ["admin", "logout"] => "Déconnexion",
        ["admin", "services"] => "Création d'un service",
        ["admin", "services", "import"] => "Import d'un service (JSON)",
        ["admin", "services", _, "fields"] => "Ajout d'un champ",
        ["admin", "services", _, "fields", _, "delete"] => "Suppression d'un champ",
        ["admin", "services", _, "fields", _, "restore"] => {
            "Annulation de la suppression d'un champ"
        }
        ["admin", "services", _, "fields", _, "up" | "down"] => "Déplacement d'un champ",
        ["admin", "services", _, "fields", _, "duplicate"] => "Duplication d'un champ",
        ["admin", "services", _, "publish"] => "Publication d'un service",
        ["admin", "services", _, "close"] => "Fermeture d'un service",
        ["admin", "services", _, "duplicate"] => "Duplication d'un service",
        ["admin", "submissions", _, "status"] => "Changement de statut d'une demande",
        ["admin", "submissions", _, "notes"] => "Note sur une demande",
        ["admin", "submissions", _, "notifier"] => "Message au citoyen (aperçu ou envoi)",
        ["admin", "inbox", "lot"] => "Traitement par lot",
        ["admin", "settings"] => "Modification des paramètres",
        ["admin", "settings", "logo"] => "Modification du logo",
        ["admin", "settings", "logo", "supprimer"] => "Retrait du logo",
        ["admin", "identite"] => "Connexion des citoyens (fournisseur d'identité)",
        ["admin", "courriels", _] => "Modèle de courriel",
        ["admin", "agents"] => "Invitation d'un agent",
        ["admin", "api", "tokens"] => "Création d'un jeton d'API",
        ["admin", "api", "tokens", _, "revoke"] => "Révocation d'un jeton d'API",
        ["admin", "webhooks"] => "Création d'un webhook",
        ["admin", "webhooks", "envois", _, "renvoyer"] => "Renvoi d'un webhook",
        ["admin", "webhooks", _, _] => "Modification d'un webhook",
        _ => "",
    };
    if what.is_empty() {
        format!("Action sur {path}")
    } else {
        what.to_owned()
    }
}

/// Records one action.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    municipality_id: Uuid,
    admin_user_id: Uuid,
    actor: &str,
    path: &str,
    status: u16,
) -> AppResult<()> {
    audit_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        municipality_id: Set(municipality_id),
        admin_user_id: Set(admin_user_id),
        actor: Set(actor.to_owned()),
        action: Set(describe(path)),
        path: Set(path.chars().take(300).collect()),
        status: Set(i32::from(status)),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The latest entries of a municipality, newest first.
pub async fn latest<C: ConnectionTrait>(
    db: &C,
    municipality_id: Uuid,
) -> AppResult<Vec<audit_event::Model>> {
    Ok(audit_event::Entity::find()
        .filter(audit_event::Column::MunicipalityId.eq(municipality_id))
        .order_by_desc(audit_event::Column::Id)
        .limit(PAGE)
        .all(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_addresses_read_as_actions() {
        assert_eq!(
            describe("/admin/services/0190/publish"),
            "Publication d'un service"
        );
        assert_eq!(
            describe("/admin/services/1/fields/2/up"),
            "Déplacement d'un champ"
        );
        assert_eq!(
            describe("/admin/api/tokens/9/revoke"),
            "Révocation d'un jeton d'API"
        );
        assert_eq!(describe("/admin/nouveau"), "Action sur /admin/nouveau");
    }
}
