//! Page data of the identity provider settings, and the environments an owner can pick.

use serde::{Deserialize, Serialize};

/// A known environment of an identity provider: picking it fills the issuer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Environment {
    /// Posted by the form.
    pub key: &'static str,
    pub label: &'static str,
    /// Empty for "custom" (typed by the owner) and "demo" (this instance's built-in provider).
    pub issuer: &'static str,
    /// The provider preset it uses (`identity::presets`).
    pub preset: &'static str,
}

pub const CUSTOM: &str = "custom";
pub const FAS_CUSTOM: &str = "fas-custom";
pub const DEMO: &str = "demo";

/// FranceConnect v2's environments (identity.md §1.1), Belgium's FAS/CSAM (§3.1), a custom
/// issuer of either family, then the demo.
pub const ENVIRONMENTS: [Environment; 8] = [
    Environment {
        key: "fc-production",
        label: "FranceConnect – production",
        issuer: "https://oidc.franceconnect.gouv.fr/api/v2",
        preset: "franceconnect",
    },
    Environment {
        key: "fc-integration",
        label: "FranceConnect – intégration (tests avec les comptes fictifs)",
        issuer: "https://fcp-low.integ01.dev-franceconnect.fr/api/v2",
        preset: "franceconnect",
    },
    Environment {
        key: "fc-sandbox",
        label: "FranceConnect – bac à sable",
        issuer: "https://fcp-low.sbx.dev-franceconnect.fr/api/v2",
        preset: "franceconnect",
    },
    Environment {
        key: CUSTOM,
        label: "Autre adresse (fournisseur conforme à FranceConnect v2)",
        issuer: "",
        preset: "franceconnect",
    },
    Environment {
        key: "fas-production",
        label: "CSAM / FAS (Belgique, eID et itsme) – production",
        issuer: "https://idp.iamfas.belgium.be/fas/oauth2",
        preset: "fas",
    },
    Environment {
        key: "fas-integration",
        label: "CSAM / FAS (Belgique) – intégration",
        issuer: "https://idp.iamfas.int.belgium.be/fas/oauth2",
        preset: "fas",
    },
    Environment {
        key: FAS_CUSTOM,
        label: "Autre adresse (fournisseur conforme à CSAM / FAS)",
        issuer: "",
        preset: "fas",
    },
    Environment {
        key: DEMO,
        label: "Fournisseur de démonstration intégré (mode démonstration seulement)",
        issuer: "",
        preset: "demo",
    },
];

pub fn environment(key: &str) -> Option<Environment> {
    ENVIRONMENTS.into_iter().find(|e| e.key == key)
}

/// The outcome of one check of "Tester la connexion".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckStatus {
    Passed,
    /// Works, but not as FranceConnect recommends.
    Warning,
    Failed,
}

impl CheckStatus {
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Passed => "Conforme",
            Self::Warning => "À vérifier",
            Self::Failed => "Échec",
        }
    }

    pub fn css(self) -> &'static str {
        match self {
            Self::Passed => "badge badge--success",
            Self::Warning => "badge badge--warning",
            Self::Failed => "badge badge--error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckLine {
    pub label: String,
    pub status: CheckStatus,
    /// What was found, in plain French, and what to do when it fails.
    pub detail: String,
}

/// Everything the settings page shows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProviderSettings {
    pub configured: bool,
    pub environment: String,
    pub issuer: String,
    pub client_id: String,
    pub has_secret: bool,
    pub updated_at: Option<String>,
    /// To declare in FranceConnect's partner space, exactly as shown.
    pub callback_url: String,
    pub logout_url: String,
    pub demo_available: bool,
    pub is_owner: bool,
    /// Filled when the owner asked to test the connection.
    pub report: Option<Vec<CheckLine>>,
}
