//! What the console shows about mail: the kinds of message, their template variables, and the
//! delivery state of each message. Shared by the server and the pages.

use serde::{Deserialize, Serialize};

/// The kinds of email the product sends. Each has a built-in French template that a municipality
/// may replace with its own (except the delivery alert, which is the instance's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MailKind {
    /// To the citizen, right after a submission.
    SubmissionReceipt,
    /// To the municipality's recipients, for each new submission (no personal data by default).
    SubmissionNotice,
    /// To the citizen, written by an agent from the inbox.
    CitizenNotification,
    /// To a new agent, with a link to choose a password.
    AdminInvitation,
    /// To the municipality's admins when a message could not be delivered.
    DeliveryAlert,
}

impl MailKind {
    /// The kinds a municipality can edit, in the console's order.
    pub const EDITABLE: [MailKind; 4] = [
        Self::SubmissionReceipt,
        Self::SubmissionNotice,
        Self::CitizenNotification,
        Self::AdminInvitation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SubmissionReceipt => "submission_receipt",
            Self::SubmissionNotice => "submission_notice",
            Self::CitizenNotification => "citizen_notification",
            Self::AdminInvitation => "admin_invitation",
            Self::DeliveryAlert => "delivery_alert",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            Self::SubmissionReceipt,
            Self::SubmissionNotice,
            Self::CitizenNotification,
            Self::AdminInvitation,
            Self::DeliveryAlert,
        ]
        .into_iter()
        .find(|k| k.as_str() == raw)
    }

    pub fn label_fr(self) -> &'static str {
        match self {
            Self::SubmissionReceipt => "Accusé de réception au citoyen",
            Self::SubmissionNotice => "Avis de nouvelle demande à la mairie",
            Self::CitizenNotification => "Message au citoyen depuis la boîte de réception",
            Self::AdminInvitation => "Invitation d'un agent",
            Self::DeliveryAlert => "Alerte de non-distribution",
        }
    }

    /// The variables a template of this kind may use, with their meaning (shown in the editor).
    pub fn variables(self) -> &'static [(&'static str, &'static str)] {
        const COMMON: [(&str, &str); 2] = [
            ("commune", "nom de la commune"),
            ("date", "date et heure d'envoi"),
        ];
        match self {
            Self::SubmissionReceipt => &[
                ("commune", "nom de la commune"),
                ("date", "date et heure d'envoi"),
                ("demarche", "titre de la démarche"),
                ("reference", "référence de la demande"),
                ("citoyen", "prénoms et nom certifiés du demandeur"),
                (
                    "reponses",
                    "liste des réponses : {% for r in reponses %}{{ r.libelle }} : {{ r.valeur }}{% endfor %}",
                ),
            ],
            Self::SubmissionNotice => &[
                ("commune", "nom de la commune"),
                ("date", "date et heure d'envoi"),
                ("demarche", "titre de la démarche"),
                ("reference", "référence de la demande"),
                ("lien", "lien vers la demande dans la boîte de réception"),
                (
                    "citoyen",
                    "nom du demandeur – vide sauf si la commune a choisi d'inclure les données personnelles",
                ),
                (
                    "reponses",
                    "réponses – liste vide sauf si la commune a choisi d'inclure les données personnelles",
                ),
            ],
            Self::CitizenNotification => &[
                ("commune", "nom de la commune"),
                ("date", "date et heure d'envoi"),
                ("demarche", "titre de la démarche"),
                ("reference", "référence de la demande"),
                ("citoyen", "prénoms et nom certifiés du demandeur"),
                ("message", "le message libre écrit par l'agent"),
            ],
            Self::AdminInvitation => &[
                ("commune", "nom de la commune"),
                ("date", "date et heure d'envoi"),
                ("invite_par", "nom de l'agent qui invite"),
                (
                    "lien",
                    "lien pour choisir son mot de passe (valable 7 jours)",
                ),
            ],
            Self::DeliveryAlert => &COMMON,
        }
    }
}

/// Where a message stands, as the inbox shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryStatus {
    /// Waiting in the outbox (first try or a retry).
    Queued,
    /// Accepted by the SMTP server.
    Sent,
    /// Refused for good by the SMTP server (5xx).
    Failed,
    /// Still not delivered after 72 hours of retries.
    Dead,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "pending",
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::Dead => "dead",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Queued, Self::Sent, Self::Failed, Self::Dead]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }

    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Queued => "En file d'attente",
            Self::Sent => "Envoyé",
            Self::Failed => "Refusé par le serveur de messagerie",
            Self::Dead => "Abandonné après 72 h d'essais",
        }
    }
}

/// One message about a submission, for the detail page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeliveryLine {
    pub kind: MailKind,
    pub to: String,
    pub subject: String,
    pub status: DeliveryStatus,
    pub queued_at: String,
    pub sent_at: Option<String>,
    pub attempts: i32,
    pub last_error: Option<String>,
}

/// A template as the editor shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TemplateView {
    pub kind: MailKind,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// `true` when the municipality uses the built-in template.
    pub is_default: bool,
}

/// A rendered message, for previews.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MailPreview {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_statuses_round_trip() {
        for kind in MailKind::EDITABLE {
            assert_eq!(MailKind::parse(kind.as_str()), Some(kind));
            assert!(!kind.variables().is_empty());
        }
        assert_eq!(MailKind::parse("other"), None);
        for status in [
            DeliveryStatus::Queued,
            DeliveryStatus::Sent,
            DeliveryStatus::Failed,
            DeliveryStatus::Dead,
        ] {
            assert_eq!(DeliveryStatus::parse(status.as_str()), Some(status));
        }
    }
}
