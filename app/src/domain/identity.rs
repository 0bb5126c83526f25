//! The identity a citizen brings back from FranceConnect, in the formats FranceConnect really uses.
//!
//! Real data is messier than the specification: usage names may be empty, birth dates may contain
//! `00` for an unknown day or month, gender may be neither `male` nor `female`, and people born
//! abroad have an empty birthplace. None of that is an error; it is shown as it is.

use super::IdentityClaim;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Claims certified by the identity provider, keyed by claim. Only the claims the service asked
/// for are kept (data minimisation): anything else returned by the provider is dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertifiedIdentity {
    pub claims: BTreeMap<IdentityClaim, String>,
}

impl CertifiedIdentity {
    /// Keeps the requested claims from a userinfo JSON object; absent claims become empty values.
    pub fn from_userinfo(userinfo: &serde_json::Value, requested: &[IdentityClaim]) -> Self {
        let claims = requested
            .iter()
            .map(|claim| {
                let value = match userinfo.get(claim.as_str()) {
                    Some(serde_json::Value::String(s)) => s.trim().to_owned(),
                    Some(serde_json::Value::Number(n)) => n.to_string(),
                    _ => String::new(),
                };
                (*claim, value)
            })
            .collect();
        Self { claims }
    }

    pub fn get(&self, claim: IdentityClaim) -> Option<&str> {
        self.claims.get(&claim).map(String::as_str)
    }

    /// "DUBOIS Angela" style display name, for inbox rows.
    pub fn display_name(&self) -> String {
        let family = self.get(IdentityClaim::FamilyName).unwrap_or_default();
        let given = self.get(IdentityClaim::GivenName).unwrap_or_default();
        format!("{family} {given}").trim().to_owned()
    }

    /// "Angela Claire Louise DUBOIS": given names then family name, for letters and emails.
    pub fn full_name(&self) -> String {
        let family = self.get(IdentityClaim::FamilyName).unwrap_or_default();
        let given = self.get(IdentityClaim::GivenName).unwrap_or_default();
        format!("{given} {family}").trim().to_owned()
    }

    /// The value as a French reader should read it (dates in French order, gender spelled out).
    pub fn display(&self, claim: IdentityClaim) -> String {
        self.display_in(claim, crate::i18n::Lang::Fr)
    }

    /// The value for a reader of `lang` (dates stay day/month/year, as in all three languages).
    pub fn display_in(&self, claim: IdentityClaim, lang: crate::i18n::Lang) -> String {
        use crate::i18n::catalogue as t;
        let raw = self.get(claim).unwrap_or_default();
        match claim {
            IdentityClaim::Birthdate => display_birthdate(raw),
            IdentityClaim::Gender => match raw {
                "male" => t::MALE,
                "female" => t::FEMALE,
                _ => t::UNSPECIFIED,
            }
            .get(lang)
            .to_owned(),
            IdentityClaim::Birthplace if raw.is_empty() => t::BORN_ABROAD.get(lang).to_owned(),
            IdentityClaim::PreferredUsername if raw.is_empty() => t::NONE.get(lang).to_owned(),
            _ if raw.is_empty() => t::NOT_PROVIDED.get(lang).to_owned(),
            // FranceConnect sends INSEE codes; people read names (the code stays, for agents).
            #[cfg(feature = "ssr")]
            IdentityClaim::Birthplace => named(raw, super::cog::commune_name(raw)),
            #[cfg(feature = "ssr")]
            IdentityClaim::Birthcountry => named(raw, super::cog::country_name(raw)),
            _ => raw.to_owned(),
        }
    }
}

/// "Paris 7e Arrondissement (75107)"; an unknown code is shown as it is.
#[cfg(feature = "ssr")]
fn named(code: &str, name: Option<&str>) -> String {
    match name {
        Some(name) => format!("{name} ({code})"),
        None => code.to_owned(),
    }
}

/// `1962-08-24` → `24/08/1962`; unknown parts (`00`) are shown as `??`.
pub fn display_birthdate(raw: &str) -> String {
    let mut parts = raw.split('-');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d), None) if y.len() == 4 && m.len() == 2 && d.len() == 2 => {
            let unknown = |p: &str| {
                if p == "00" {
                    "??".to_owned()
                } else {
                    p.to_owned()
                }
            };
            format!("{}/{}/{}", unknown(d), unknown(m), y)
        }
        _ if raw.is_empty() => "Non communiquée".to_owned(),
        _ => raw.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_requested_claims_are_kept() {
        let info = json!({"sub": "x", "family_name": "DUBOIS", "given_name": "Angela Claire Louise",
            "birthdate": "1962-08-24", "email": "a@b.fr"});
        let id = CertifiedIdentity::from_userinfo(
            &info,
            &[IdentityClaim::FamilyName, IdentityClaim::Birthdate],
        );
        assert_eq!(id.claims.len(), 2);
        assert_eq!(id.get(IdentityClaim::Email), None);
        assert_eq!(id.display(IdentityClaim::Birthdate), "24/08/1962");
    }

    #[test]
    fn places_and_countries_are_named() {
        let id = CertifiedIdentity::from_userinfo(
            &json!({"birthplace": "75107", "birthcountry": "99131"}),
            &[IdentityClaim::Birthplace, IdentityClaim::Birthcountry],
        );
        assert_eq!(
            id.display(IdentityClaim::Birthplace),
            "Paris 7e Arrondissement (75107)"
        );
        assert_eq!(id.display(IdentityClaim::Birthcountry), "Belgique (99131)");
        let unknown = CertifiedIdentity::from_userinfo(
            &json!({"birthplace": "00000"}),
            &[IdentityClaim::Birthplace],
        );
        assert_eq!(unknown.display(IdentityClaim::Birthplace), "00000");
    }

    #[test]
    fn real_world_formats_are_tolerated() {
        assert_eq!(display_birthdate("1977-00-03"), "03/??/1977");
        assert_eq!(display_birthdate("1992-11-00"), "??/11/1992");
        let info = json!({"gender": "unspecified", "birthplace": "", "preferred_username": ""});
        let id = CertifiedIdentity::from_userinfo(
            &info,
            &[
                IdentityClaim::Gender,
                IdentityClaim::Birthplace,
                IdentityClaim::PreferredUsername,
            ],
        );
        assert_eq!(id.display(IdentityClaim::Gender), "Non précisé");
        assert_eq!(id.display(IdentityClaim::Birthplace), "Né(e) à l'étranger");
        assert_eq!(id.display(IdentityClaim::PreferredUsername), "Aucun");
    }
}
