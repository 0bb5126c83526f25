//! The identity data a service may ask FranceConnect for (data minimisation per service).
//!
//! Each claim maps to exactly one FranceConnect v2 scope of the same name, so a service asking for
//! the birth date only requests `openid birthdate` and nothing else.

use super::DomainError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityClaim {
    FamilyName,
    GivenName,
    Birthdate,
    Gender,
    Birthplace,
    Birthcountry,
    PreferredUsername,
    Email,
}

impl IdentityClaim {
    pub const ALL: [Self; 8] = [
        Self::FamilyName,
        Self::GivenName,
        Self::Birthdate,
        Self::Gender,
        Self::Birthplace,
        Self::Birthcountry,
        Self::PreferredUsername,
        Self::Email,
    ];

    /// The claim and scope name in FranceConnect v2.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FamilyName => "family_name",
            Self::GivenName => "given_name",
            Self::Birthdate => "birthdate",
            Self::Gender => "gender",
            Self::Birthplace => "birthplace",
            Self::Birthcountry => "birthcountry",
            Self::PreferredUsername => "preferred_username",
            Self::Email => "email",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == raw)
            .ok_or_else(|| DomainError::new(format!("Donnée d'identité inconnue : {raw}")))
    }

    pub fn label_fr(self) -> &'static str {
        self.label(crate::i18n::Lang::Fr)
    }

    /// The claim's name for a reader of `lang`.
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        use crate::i18n::catalogue as t;
        match self {
            Self::FamilyName => t::FAMILY_NAME,
            Self::GivenName => t::GIVEN_NAME,
            Self::Birthdate => t::BIRTHDATE,
            Self::Gender => t::GENDER,
            Self::Birthplace => t::BIRTHPLACE,
            Self::Birthcountry => t::BIRTHCOUNTRY,
            Self::PreferredUsername => t::USAGE_NAME,
            Self::Email => t::EMAIL,
        }
        .get(lang)
    }

    /// Plain-French help for the admin: what the claim is and when to ask for it.
    pub fn help_fr(self) -> &'static str {
        match self {
            Self::FamilyName => "Le nom inscrit à l'état civil à la naissance.",
            Self::GivenName => "Tous les prénoms de l'état civil, séparés par des espaces.",
            Self::Birthdate => {
                "Utile pour vérifier un âge ; un jour ou un mois inconnu de l'état civil apparaît comme « ?? »."
            }
            Self::Gender => "À ne demander que si le service en a réellement besoin.",
            Self::Birthplace => {
                "Code officiel de la commune de naissance ; vide pour une naissance à l'étranger."
            }
            Self::Birthcountry => "Pays de naissance (code officiel INSEE).",
            Self::PreferredUsername => "Le nom d'usage (par exemple nom d'épouse), souvent vide.",
            Self::Email => {
                "L'adresse du compte FranceConnect ; permet d'envoyer l'accusé de réception."
            }
        }
    }
}

/// Parses a list of claim names, keeping the canonical order and dropping duplicates.
pub fn parse_claims<'a>(
    raw: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<IdentityClaim>, DomainError> {
    let mut claims = raw
        .into_iter()
        .map(IdentityClaim::parse)
        .collect::<Result<Vec<_>, _>>()?;
    claims.sort();
    claims.dedup();
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_round_trip_and_are_deduplicated() {
        for c in IdentityClaim::ALL {
            assert_eq!(IdentityClaim::parse(c.as_str()), Ok(c));
        }
        assert_eq!(
            parse_claims(["birthdate", "family_name", "birthdate"]),
            Ok(vec![IdentityClaim::FamilyName, IdentityClaim::Birthdate])
        );
        assert!(parse_claims(["address"]).is_err());
    }
}
