//! Identity providers are data, not code branches: a preset says how to talk to one family of
//! providers (client authentication, assurance level, which scope yields which claim and under
//! which name), and a municipality's configuration picks a preset and adds its issuer and
//! credentials. FranceConnect v2 is the reference shape; Belgium's FAS/CSAM (eID, itsme) differs
//! in client authentication (HTTP Basic), assurance levels (`urn:be:fedict:iam:fas:LevelNNN`) and
//! claim names (`surname`, `givenName`, `mail`), and encodes birth date and gender in the national
//! register number instead of sending them.

use crate::domain::{IdentityClaim, nrn::NationalRegisterNumber};
use openidconnect::AuthType;

/// Where a claim the service needs is found in the provider's userinfo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimSource {
    /// A userinfo member of this name.
    Field(&'static str),
    /// Birth date read from the Belgian national register number (`egovNRN`).
    NrnBirthdate,
    /// Gender read from the Belgian national register number (`egovNRN`).
    NrnGender,
}

/// One claim a preset can provide: the scope that grants it and where to read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimMapping {
    pub claim: IdentityClaim,
    pub scope: &'static str,
    pub source: ClaimSource,
}

/// Which login button the citizen sees (the page type, shared with the browser bundle).
pub use crate::citizen::types::LoginBrand as Brand;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderPreset {
    /// Stored in `identity_provider_configs.preset`.
    pub key: &'static str,
    pub label: &'static str,
    /// The minimum assurance level accepted back (FranceConnect: `eidas1`), sent as
    /// `acr_values` unless `acr_claims_request` says how this provider wants it asked.
    pub acr_value: Option<&'static str>,
    /// ProConnect refuses `acr_values` (any unknown parameter is an error there): the level is
    /// asked through the `claims` parameter instead, with this JSON.
    pub acr_claims_request: Option<&'static str>,
    /// FranceConnect refuses HTTP Basic; FAS requires it.
    pub client_secret_basic: bool,
    /// Shown in the locked identity block ("Certifié par FranceConnect").
    pub certified_by: &'static str,
    pub brand: Brand,
    /// The claims this provider can give; a claim absent from the list is never requested.
    pub claims: &'static [ClaimMapping],
}

const fn same_name(claim: IdentityClaim, name: &'static str) -> ClaimMapping {
    ClaimMapping {
        claim,
        scope: name,
        source: ClaimSource::Field(name),
    }
}

/// FranceConnect v2: one scope per claim, of the claim's own name (identity.md §1.5).
const FC_CLAIMS: [ClaimMapping; 8] = [
    same_name(IdentityClaim::FamilyName, "family_name"),
    same_name(IdentityClaim::GivenName, "given_name"),
    same_name(IdentityClaim::Birthdate, "birthdate"),
    same_name(IdentityClaim::Gender, "gender"),
    same_name(IdentityClaim::Birthplace, "birthplace"),
    same_name(IdentityClaim::Birthcountry, "birthcountry"),
    same_name(IdentityClaim::PreferredUsername, "preferred_username"),
    same_name(IdentityClaim::Email, "email"),
];

/// FAS/CSAM (identity.md §3.1): names and email under `profile`, birth date and gender through the
/// register number under `egovnrn`. No birthplace, birth country or usage name.
const FAS_CLAIMS: [ClaimMapping; 5] = [
    ClaimMapping {
        claim: IdentityClaim::FamilyName,
        scope: "profile",
        source: ClaimSource::Field("surname"),
    },
    ClaimMapping {
        claim: IdentityClaim::GivenName,
        scope: "profile",
        source: ClaimSource::Field("givenName"),
    },
    ClaimMapping {
        claim: IdentityClaim::Email,
        scope: "profile",
        source: ClaimSource::Field("mail"),
    },
    ClaimMapping {
        claim: IdentityClaim::Birthdate,
        scope: "egovnrn",
        source: ClaimSource::NrnBirthdate,
    },
    ClaimMapping {
        claim: IdentityClaim::Gender,
        scope: "egovnrn",
        source: ClaimSource::NrnGender,
    },
];

pub const FRANCECONNECT: ProviderPreset = ProviderPreset {
    key: "franceconnect",
    label: "FranceConnect",
    acr_value: Some("eidas1"),
    acr_claims_request: None,
    client_secret_basic: false,
    certified_by: "FranceConnect",
    brand: Brand::FranceConnect,
    claims: &FC_CLAIMS,
};

/// Belgium's Federal Authentication Service. Level 450 admits itsme (450) and the eID card (500).
pub const FAS: ProviderPreset = ProviderPreset {
    key: "fas",
    label: "CSAM (FAS) – eID ou itsme",
    acr_value: Some("urn:be:fedict:iam:fas:Level450"),
    acr_claims_request: None,
    client_secret_basic: true,
    certified_by: "CSAM (eID ou itsme)",
    brand: Brand::Csam,
    claims: &FAS_CLAIMS,
};

/// The built-in demo provider behaves exactly like FranceConnect v2 (demo mode only).
pub const DEMO: ProviderPreset = ProviderPreset {
    key: "demo",
    label: "Fournisseur d'identité de démonstration",
    acr_value: Some("eidas1"),
    acr_claims_request: None,
    client_secret_basic: false,
    certified_by: "FranceConnect",
    brand: Brand::FranceConnect,
    claims: &FC_CLAIMS,
};

/// ProConnect claims for agents: the professional email, given name and usual name.
const PROCONNECT_CLAIMS: [ClaimMapping; 3] = [
    same_name(IdentityClaim::Email, "email"),
    same_name(IdentityClaim::GivenName, "given_name"),
    ClaimMapping {
        claim: IdentityClaim::FamilyName,
        scope: "usual_name",
        source: ClaimSource::Field("usual_name"),
    },
];

/// ProConnect, the State's federation for public agents (identity.md §2): the optional login of
/// the console. One client for the whole instance, not per municipality; it is not offered to
/// citizens (not in [`ALL`]).
pub const PROCONNECT: ProviderPreset = ProviderPreset {
    key: "proconnect",
    label: "ProConnect",
    acr_value: Some("eidas1"),
    acr_claims_request: Some(
        r#"{"id_token":{"acr":{"essential":true,"values":["eidas1","eidas1-mfa","eidas2","eidas3"]}}}"#,
    ),
    client_secret_basic: false,
    certified_by: "ProConnect",
    brand: Brand::FranceConnect,
    claims: &PROCONNECT_CLAIMS,
};

/// The presets a municipality can choose for its citizens.
pub const ALL: [ProviderPreset; 3] = [FRANCECONNECT, FAS, DEMO];

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

    fn mapping(&self, claim: IdentityClaim) -> Option<&'static ClaimMapping> {
        self.claims.iter().find(|m| m.claim == claim)
    }

    /// Whether this provider can certify `claim` at all.
    pub fn provides(&self, claim: IdentityClaim) -> bool {
        self.mapping(claim).is_some()
    }

    /// Only the scopes the service needs, each once, in the order of the claims; `openid` is added
    /// by the client library. A claim the provider cannot give requests nothing.
    pub fn scopes_for(&self, claims: &[IdentityClaim]) -> Vec<String> {
        let mut scopes: Vec<String> = Vec::new();
        for mapping in claims.iter().filter_map(|c| self.mapping(*c)) {
            if !scopes.iter().any(|s| s == mapping.scope) {
                scopes.push(mapping.scope.to_owned());
            }
        }
        scopes
    }

    /// The userinfo in FranceConnect's shape (`family_name`, `birthdate`…), so that the rest of
    /// the product knows one vocabulary. Only the claims asked for are produced; the register
    /// number and any other member are left behind.
    pub fn to_franceconnect_shape(
        &self,
        userinfo: &serde_json::Value,
        claims: &[IdentityClaim],
    ) -> serde_json::Value {
        let text = |name: &str| match userinfo.get(name) {
            Some(serde_json::Value::String(s)) => s.trim().to_owned(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        let nrn = || NationalRegisterNumber::parse(&text("egovNRN"));
        let out: serde_json::Map<String, serde_json::Value> = claims
            .iter()
            .filter_map(|c| self.mapping(*c))
            .map(|m| {
                let value = match m.source {
                    ClaimSource::Field(name) => text(name),
                    ClaimSource::NrnBirthdate => nrn().map(|n| n.birthdate()).unwrap_or_default(),
                    ClaimSource::NrnGender => {
                        nrn().map(|n| n.gender().to_owned()).unwrap_or_default()
                    }
                };
                (
                    m.claim.as_str().to_owned(),
                    serde_json::Value::String(value),
                )
            })
            .collect();
        serde_json::Value::Object(out)
    }

    /// Levels are ordered (`eidas2` satisfies a request for `eidas1`, FAS `Level500` one for
    /// `Level450`), never the reverse; an unknown value satisfies only itself.
    pub fn acr_satisfies(&self, returned: &str) -> bool {
        let Some(required) = self.acr_value else {
            return true;
        };
        fn level(acr: &str) -> Option<(&'static str, u16)> {
            ["eidas", "urn:be:fedict:iam:fas:Level"]
                .into_iter()
                .find_map(|family| {
                    // `eidas1-mfa` is level 1 (with a second factor).
                    let rest = acr.strip_prefix(family)?;
                    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                    let suffix_ok = rest.len() == digits.len() || rest == format!("{digits}-mfa");
                    digits
                        .parse::<u16>()
                        .ok()
                        .filter(|_| suffix_ok)
                        .map(|n| (family, n))
                })
        }
        match (level(required), level(returned)) {
            (Some((f1, req)), Some((f2, got))) => f1 == f2 && got >= req,
            _ => required == returned,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lower_assurance_levels_are_refused() {
        assert!(FRANCECONNECT.acr_satisfies("eidas1"));
        assert!(FRANCECONNECT.acr_satisfies("eidas2"));
        assert!(!FRANCECONNECT.acr_satisfies("eidas0"));
        assert!(!FRANCECONNECT.acr_satisfies(""));
        assert!(!FRANCECONNECT.acr_satisfies("something"));
        assert!(FAS.acr_satisfies("urn:be:fedict:iam:fas:Level500"));
        assert!(FAS.acr_satisfies("urn:be:fedict:iam:fas:Level450"));
        assert!(!FAS.acr_satisfies("urn:be:fedict:iam:fas:Level200"));
        // A level of another family never counts.
        assert!(!FAS.acr_satisfies("eidas3"));
        assert!(!FRANCECONNECT.acr_satisfies("urn:be:fedict:iam:fas:Level500"));
        assert!(PROCONNECT.acr_satisfies("eidas1-mfa"));
        assert!(!PROCONNECT.acr_satisfies("eidas0-mfa"));
        assert!(!PROCONNECT.acr_satisfies("eidas1-other"));
    }

    #[test]
    fn only_needed_scopes_are_requested() {
        assert_eq!(
            FRANCECONNECT.scopes_for(&[IdentityClaim::FamilyName, IdentityClaim::Birthdate]),
            vec!["family_name".to_owned(), "birthdate".to_owned()]
        );
        assert_eq!(
            FAS.scopes_for(&[
                IdentityClaim::FamilyName,
                IdentityClaim::GivenName,
                IdentityClaim::Birthplace
            ]),
            vec!["profile".to_owned()]
        );
        assert_eq!(
            FAS.scopes_for(&[IdentityClaim::GivenName, IdentityClaim::Gender]),
            vec!["profile".to_owned(), "egovnrn".to_owned()]
        );
    }

    #[test]
    fn fas_userinfo_is_mapped_and_the_register_number_dropped() {
        let info = json!({"sub": "x", "surname": "Peeters", "givenName": "Lucie Anna",
            "egovNRN": "85.07.30-033.28", "mail": "lucie@example.be", "prefLanguage": "nl"});
        let shaped = FAS.to_franceconnect_shape(
            &info,
            &[
                IdentityClaim::FamilyName,
                IdentityClaim::GivenName,
                IdentityClaim::Birthdate,
                IdentityClaim::Gender,
                IdentityClaim::Birthplace,
            ],
        );
        assert_eq!(
            shaped,
            json!({"family_name": "Peeters", "given_name": "Lucie Anna",
                "birthdate": "1985-07-30", "gender": "male"})
        );
        assert!(!shaped.to_string().contains("85.07"));
        // A wrong register number gives no date rather than a wrong one.
        let shaped = FAS.to_franceconnect_shape(
            &json!({"egovNRN": "85073003329"}),
            &[IdentityClaim::Birthdate],
        );
        assert_eq!(shaped, json!({"birthdate": ""}));
    }

    #[test]
    fn franceconnect_userinfo_keeps_its_names() {
        let info = json!({"family_name": " DUBOIS ", "birthplace": "", "email": "a@b.fr"});
        assert_eq!(
            FRANCECONNECT.to_franceconnect_shape(
                &info,
                &[IdentityClaim::FamilyName, IdentityClaim::Birthplace]
            ),
            json!({"family_name": "DUBOIS", "birthplace": ""})
        );
    }
}
