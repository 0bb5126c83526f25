//! The short code a citizen keeps to talk about a submission ("K7QP-2M9X").

use super::DomainError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Alphabet without look-alikes (no 0/O, 1/I/L, U/V), so the code can be read over the phone.
pub const REFERENCE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTWXYZ";

/// Eight characters from [`REFERENCE_ALPHABET`] shown as two groups of four: 29^8 ≈ 5·10^11 codes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SubmissionReference(String);

impl SubmissionReference {
    /// Builds a reference from eight random bytes (each reduced into the alphabet).
    pub fn from_random(bytes: [u8; 8]) -> Self {
        let mut code = String::with_capacity(9);
        for (i, b) in bytes.iter().enumerate() {
            if i == 4 {
                code.push('-');
            }
            let idx = usize::from(*b) % REFERENCE_ALPHABET.len();
            code.push(REFERENCE_ALPHABET.get(idx).copied().map_or('2', char::from));
        }
        Self(code)
    }

    /// Parses what a person typed: case and surrounding spaces are forgiven.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let upper = raw.trim().to_ascii_uppercase();
        let (a, b) = upper
            .split_once('-')
            .ok_or_else(|| DomainError::new("Référence invalide (format attendu : ABCD-EFGH)."))?;
        let valid =
            |part: &str| part.len() == 4 && part.bytes().all(|c| REFERENCE_ALPHABET.contains(&c));
        if !valid(a) || !valid(b) {
            return Err(DomainError::new(
                "Référence invalide (format attendu : ABCD-EFGH).",
            ));
        }
        Ok(Self(upper))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for SubmissionReference {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<SubmissionReference> for String {
    fn from(value: SubmissionReference) -> Self {
        value.0
    }
}

impl fmt::Display for SubmissionReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_references_parse_back() {
        for seed in 0u8..=255 {
            let r = SubmissionReference::from_random([
                seed,
                seed.wrapping_mul(7),
                3,
                250,
                9,
                seed,
                1,
                128,
            ]);
            assert_eq!(r.as_str().len(), 9);
            assert_eq!(SubmissionReference::parse(r.as_str()), Ok(r.clone()));
            assert_eq!(
                SubmissionReference::parse(&format!(" {} ", r.as_str().to_lowercase())),
                Ok(r)
            );
        }
    }

    #[test]
    fn look_alikes_and_bad_shapes_are_refused() {
        for bad in ["ABCD", "ABCD-EFG0", "O000-1111", "ABCDE-FGHJ", ""] {
            assert!(SubmissionReference::parse(bad).is_err(), "{bad}");
        }
    }
}
