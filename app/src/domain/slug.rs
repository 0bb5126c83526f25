//! URL-safe identifiers for municipalities and services (`/s/{municipality}/{service}`).

use super::DomainError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A lowercase ASCII slug: letters, digits and single hyphens, 2 to 60 characters.
///
/// Slugs appear in printed QR codes and posters, so they must stay short, readable and stable.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    pub const MAX_LEN: usize = 60;

    /// Accepts an already well-formed slug.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let ok_chars = raw
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if raw.len() < 2
            || raw.len() > Self::MAX_LEN
            || !ok_chars
            || raw.starts_with('-')
            || raw.ends_with('-')
            || raw.contains("--")
        {
            return Err(DomainError::new(
                "L'identifiant doit contenir de 2 à 60 lettres minuscules, chiffres ou tirets.",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// Derives a slug from a title: accents folded, other characters turned into hyphens.
    pub fn from_title(title: &str) -> Result<Self, DomainError> {
        let mut out = String::with_capacity(title.len());
        for c in title.chars().flat_map(fold_accent) {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
        }
        let trimmed: String = out.trim_matches('-').chars().take(Self::MAX_LEN).collect();
        Self::parse(trimmed.trim_end_matches('-'))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn fold_accent(c: char) -> impl Iterator<Item = char> {
    let folded: &str = match c {
        'à' | 'â' | 'ä' | 'á' | 'ã' | 'À' | 'Â' | 'Ä' | 'Á' => "a",
        'ç' | 'Ç' => "c",
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => "e",
        'î' | 'ï' | 'í' | 'Î' | 'Ï' => "i",
        'ô' | 'ö' | 'ó' | 'õ' | 'Ô' | 'Ö' => "o",
        'ù' | 'û' | 'ü' | 'ú' | 'Ù' | 'Û' | 'Ü' => "u",
        'ÿ' | 'Ÿ' => "y",
        'œ' | 'Œ' => "oe",
        'æ' | 'Æ' => "ae",
        _ => "",
    };
    let single = folded.is_empty().then_some(c);
    folded.chars().chain(single)
}

impl TryFrom<String> for Slug {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Slug> for String {
    fn from(value: Slug) -> Self {
        value.0
    }
}

impl AsRef<str> for Slug {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_become_readable_slugs() {
        let slug = Slug::from_title("Inscription à la bibliothèque — Été 2026 !");
        assert_eq!(
            slug.map(|s| s.0),
            Ok("inscription-a-la-bibliotheque-ete-2026".to_owned())
        );
        assert_eq!(
            Slug::from_title("Œuvres d'art").map(|s| s.0),
            Ok("oeuvres-d-art".to_owned())
        );
    }

    #[test]
    fn malformed_slugs_are_refused() {
        for bad in [
            "",
            "a",
            "Majuscule",
            "a--b",
            "-a",
            "a-",
            "é",
            "a b",
            &"x".repeat(61),
        ] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(Slug::from_title("!!!").is_err());
    }
}
