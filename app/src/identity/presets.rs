//! Identity providers are data, not code branches: a preset says how to talk to one family of
//! providers (scopes, client authentication, assurance level), and a municipality's configuration
//! picks a preset and adds its issuer and credentials.

use crate::domain::IdentityClaim;
use openidconnect::AuthType;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderPreset {
    /// Stored in `identity_provider_configs.preset`.
    pub key: &'static str,
    pub label: &'static str,
    /// `acr_values` sent at authorization and the minimum accepted back (FranceConnect: `eidas1`).
    pub acr_value: Option<&'static str>,
    /// FranceConnect refuses HTTP Basic; FAS requires it.
    pub client_secret_basic: bool,
    /// Shown in the locked identity block ("Certifié par FranceConnect").
    pub certified_by: &'static str,
}

pub const FRANCECONNECT: ProviderPreset = ProviderPreset {
    key: "franceconnect",
    label: "FranceConnect",
    acr_value: Some("eidas1"),
    client_secret_basic: false,
    certified_by: "FranceConnect",
};

/// The built-in demo provider behaves exactly like FranceConnect v2 (demo mode only).
pub const DEMO: ProviderPreset = ProviderPreset {
    key: "demo",
    label: "Fournisseur d'identité de démonstration",
    acr_value: Some("eidas1"),
    client_secret_basic: false,
    certified_by: "FranceConnect",
};

pub const ALL: [ProviderPreset; 2] = [FRANCECONNECT, DEMO];

impl ProviderPreset {
    pub fn find(key: &str) -> Option<Self> {
        ALL.into_iter().find(|p| p.key == key)
    }

    pub fn auth_type(&self) -> AuthType {
        if self.client_secret_basic {
            AuthType::BasicAuth
        } else {
            AuthType::RequestBody
        }
    }

    /// Only the scopes the service needs (one FranceConnect scope per claim); `openid` is added
    /// by the client library.
    pub fn scopes_for(&self, claims: &[IdentityClaim]) -> Vec<String> {
        claims.iter().map(|c| c.as_str().to_owned()).collect()
    }

    /// eIDAS levels are ordered: `eidas2` satisfies a request for `eidas1`, never the reverse.
    pub fn acr_satisfies(&self, returned: &str) -> bool {
        let Some(required) = self.acr_value else {
            return true;
        };
        let level = |acr: &str| acr.strip_prefix("eidas").and_then(|n| n.parse::<u8>().ok());
        match (level(required), level(returned)) {
            (Some(req), Some(got)) => got >= req,
            _ => required == returned,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_assurance_levels_are_refused() {
        assert!(FRANCECONNECT.acr_satisfies("eidas1"));
        assert!(FRANCECONNECT.acr_satisfies("eidas2"));
        assert!(!FRANCECONNECT.acr_satisfies("eidas0"));
        assert!(!FRANCECONNECT.acr_satisfies(""));
        assert!(!FRANCECONNECT.acr_satisfies("something"));
    }

    #[test]
    fn only_needed_scopes_are_requested() {
        assert_eq!(
            FRANCECONNECT.scopes_for(&[IdentityClaim::FamilyName, IdentityClaim::Birthdate]),
            vec!["family_name".to_owned(), "birthdate".to_owned()]
        );
    }
}
