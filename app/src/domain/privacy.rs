//! GDPR settings a municipality types in: how long processed submissions are kept, and how to
//! reach its data protection officer. Both are shown to citizens before they log in.

use super::DomainError;

/// Months a processed submission is kept before it is erased: 1 to 120 (ten years).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionMonths(u16);

impl RetentionMonths {
    pub const DEFAULT: Self = Self(24);

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        match raw.trim().parse::<u16>() {
            Ok(n) if (1..=120).contains(&n) => Ok(Self(n)),
            _ => Err(DomainError::new(
                "Indiquez une durée de conservation entre 1 et 120 mois.",
            )),
        }
    }

    pub fn months(self) -> u16 {
        self.0
    }
}

/// The data protection officer's contact: an email address, a web address or a postal line;
/// one line of at most 200 characters. Empty means "none given".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DpoContact(String);

impl DpoContact {
    pub fn parse(raw: &str) -> Result<Option<Self>, DomainError> {
        let value = raw.trim();
        if value.is_empty() {
            return Ok(None);
        }
        if value.chars().count() > 200 || value.contains(['\n', '\r', '<', '>']) {
            return Err(DomainError::new(
                "Le contact du délégué à la protection des données tient sur une ligne de 200 caractères au plus (adresse électronique, site ou adresse postale).",
            ));
        }
        Ok(Some(Self(value.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// An email address, to be shown as a `mailto:` link.
    pub fn is_email(&self) -> bool {
        let v = &self.0;
        !v.contains(char::is_whitespace)
            && v.split_once('@')
                .is_some_and(|(l, d)| !l.is_empty() && d.contains('.'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_is_between_one_month_and_ten_years() {
        assert_eq!(RetentionMonths::parse(" 36 ").map(|r| r.months()), Ok(36));
        for bad in ["0", "121", "-3", "deux", "", "1.5"] {
            assert!(RetentionMonths::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dpo_contact_is_one_plain_line() {
        assert_eq!(DpoContact::parse("  "), Ok(None));
        let email = DpoContact::parse("dpo@cdg35.fr")
            .expect("ok")
            .expect("some");
        assert!(email.is_email());
        let postal = DpoContact::parse("DPO, 1 place de la Mairie, 35000 Rennes")
            .expect("ok")
            .expect("some");
        assert!(!postal.is_email());
        assert!(DpoContact::parse("a\nb").is_err());
        assert!(DpoContact::parse("<script>").is_err());
        assert!(DpoContact::parse(&"x".repeat(201)).is_err());
    }
}
