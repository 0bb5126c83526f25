//! Data shown by the citizen pages.

use crate::domain::{Channel, FieldDefinition, FieldError, IdentityClaim, ProcedureState};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServiceHeader {
    pub municipality_slug: String,
    pub municipality_name: String,
    pub contact_email: String,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub state: ProcedureState,
    pub claims: Vec<IdentityClaim>,
    /// Which login button and wording the landing page shows; also who certifies the identity.
    pub login: LoginBrand,
    /// The language of the page, among those the municipality offers.
    pub lang: crate::i18n::Lang,
    /// Every language the municipality offers (the language switch).
    pub langs: Vec<crate::i18n::Lang>,
    /// GDPR information: the DPO's contact (none: the municipality's contact address) and how
    /// long a processed request is kept.
    pub dpo_contact: Option<String>,
    pub retention_months: i32,
    /// Shown when the instance runs on the demo identity provider.
    pub demo: bool,
    /// The municipality's logo, if it has one.
    pub logo: Option<Logo>,
}

/// A municipality's logo in the page header: its address and its text alternative (empty: the
/// logo is decorative, the town's name is written beside it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Logo {
    pub src: String,
    pub alt: String,
}

/// The citizen's way in. FranceConnect's button is official (DSFR `fr-connect`, exact wording,
/// help link) and may only be used for FranceConnect; Belgian towns get CSAM's wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoginBrand {
    FranceConnect,
    Csam,
}

impl LoginBrand {
    /// The provider's name in sentences ("Identifiez-vous avec …").
    pub fn name(self, lang: crate::i18n::Lang) -> &'static str {
        use crate::i18n::Lang;
        match (self, lang) {
            (Self::FranceConnect, _) => "FranceConnect",
            (Self::Csam, Lang::Fr) => "CSAM (eID ou itsme)",
            (Self::Csam, Lang::En) => "CSAM (eID or itsme)",
            (Self::Csam, Lang::Nl) => "CSAM (eID of itsme)",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LandingPage {
    pub service: ServiceHeader,
    pub logged_in: bool,
    pub identity_configured: bool,
    /// Carried into the login so the counters know where the citizen came from.
    pub channel: Channel,
}

/// A claim as displayed in the locked identity block.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdentityLine {
    pub claim: IdentityClaim,
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FormPage {
    pub service: ServiceHeader,
    pub identity: Vec<IdentityLine>,
    pub fields: Vec<FieldDefinition>,
    /// What the citizen typed last time (kept even when invalid).
    pub answers: BTreeMap<Uuid, String>,
    pub errors: Vec<FieldError>,
    /// Shown to an agent in the builder: same page, nothing can be sent.
    #[serde(default)]
    pub preview: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecapLine {
    pub stable_id: Uuid,
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecapPage {
    pub service: ServiceHeader,
    pub identity: Vec<IdentityLine>,
    pub answers: Vec<RecapLine>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConfirmationPage {
    pub service: ServiceHeader,
    pub reference: String,
    pub email_sent_to: Option<String>,
}
