//! The Belgian national register number (numéro de registre national, `egovNRN` at FAS/CSAM).
//!
//! Belgium's identity provider does not send a birth date or a gender: both are encoded in the
//! register number (`YYMMDD SSS CC`), which FAS gives only to services with the legal
//! authorisation. When a Belgian service asks for the birth date or the gender, they are read from
//! the number, the number itself is dropped (it is never stored: data minimisation), and a number
//! whose check digits are wrong yields nothing rather than a wrong date.

/// A register number whose check digits are right (BIS numbers included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NationalRegisterNumber {
    year: u16,
    /// `0` when unknown to the register.
    month: u8,
    /// `0` when unknown to the register.
    day: u8,
    /// `None` for a BIS number assigned while the gender was unknown.
    male: Option<bool>,
}

impl NationalRegisterNumber {
    /// Accepts the 11 digits with or without the usual `.` `-` and space separators.
    pub fn parse(raw: &str) -> Option<Self> {
        let digits: String = raw
            .chars()
            .filter(|c| !matches!(c, '.' | '-' | ' '))
            .collect();
        if digits.len() != 11 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let number = |range: std::ops::Range<usize>| -> Option<u64> {
            digits.get(range).and_then(|s| s.parse().ok())
        };
        let body = number(0..9)?;
        let check = number(9..11)?;
        // The check is 97 - (body mod 97); people born from 2000 on have a `2` put in front.
        let century = if 97 - body % 97 == check {
            1900
        } else if 97 - (2_000_000_000 + body) % 97 == check {
            2000
        } else {
            return None;
        };
        let yy = u16::try_from(number(0..2)?).ok()?;
        let mut month = u8::try_from(number(2..4)?).ok()?;
        let day = u8::try_from(number(4..6)?).ok()?;
        let sequence = number(6..9)?;
        // BIS numbers add 20 (gender unknown) or 40 (gender known) to the month.
        let mut gender_known = true;
        if month >= 40 {
            month -= 40;
        } else if month >= 20 {
            month -= 20;
            gender_known = false;
        }
        if month > 12 || day > 31 {
            return None;
        }
        Some(Self {
            year: century + yy,
            month,
            day,
            male: gender_known.then_some(sequence % 2 == 1),
        })
    }

    /// `YYYY-MM-DD`, with `00` for a part the register does not know (as FranceConnect does).
    pub fn birthdate(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// FranceConnect's values: `male`, `female`, or empty when the register does not say.
    pub fn gender(&self) -> &'static str {
        match self.male {
            Some(true) => "male",
            Some(false) => "female",
            None => "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_gender_are_read_from_valid_numbers() {
        // 85.07.30-033.28: born 30 July 1985, sequence 033 (odd: male); 97 - 850730033 % 97 = 28.
        let n = NationalRegisterNumber::parse("85.07.30-033.28").expect("valid");
        assert_eq!(n.birthdate(), "1985-07-30");
        assert_eq!(n.gender(), "male");
        // Born in 2001: the check digits are computed with a leading 2.
        let body = 10_203_004u64;
        let check = 97 - (2_000_000_000 + body) % 97;
        let n = NationalRegisterNumber::parse(&format!("0{body}{check:02}")).expect("valid");
        assert_eq!(n.birthdate(), "2001-02-03");
        assert_eq!(n.gender(), "female");
    }

    #[test]
    fn bis_numbers_and_unknown_parts_are_tolerated() {
        let bis = |body: u64| format!("{body:09}{:02}", 97 - body % 97);
        // Month + 20: gender unknown when the number was assigned.
        let n = NationalRegisterNumber::parse(&bis(652_715_001)).expect("bis");
        assert_eq!(n.birthdate(), "1965-07-15");
        assert_eq!(n.gender(), "");
        // Month + 40, unknown day.
        let n = NationalRegisterNumber::parse(&bis(704_100_002)).expect("bis");
        assert_eq!(n.birthdate(), "1970-01-00");
        assert_eq!(n.gender(), "female");
    }

    #[test]
    fn wrong_numbers_yield_nothing() {
        assert_eq!(NationalRegisterNumber::parse("85073003329"), None);
        assert_eq!(NationalRegisterNumber::parse("8507300332"), None);
        assert_eq!(NationalRegisterNumber::parse("85a73003328"), None);
        assert_eq!(NationalRegisterNumber::parse(""), None);
        // Right check digits but month 13.
        let body = 851_330_033u64;
        assert_eq!(
            NationalRegisterNumber::parse(&format!("{body}{:02}", 97 - body % 97)),
            None
        );
    }
}
