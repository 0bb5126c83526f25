//! The municipality's accent colour, accepted only if white text on it reaches the WCAG AA
//! contrast ratio of 4.5:1 (RGAA criterion 3.2): buttons and the embedded link use white text.

use super::DomainError;
use serde::{Deserialize, Serialize};
use std::fmt;

pub const MIN_CONTRAST: f64 = 4.5;
pub const DEFAULT_ACCENT: &str = "#1d4ed8";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccentColor([u8; 3]);

fn channel_luminance(c: u8) -> f64 {
    let c = f64::from(c) / 255.0;
    if c <= 0.039_28 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

impl AccentColor {
    /// Parses `#rrggbb` and checks the contrast with white.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let hex = raw.trim().strip_prefix('#').unwrap_or_default();
        let bytes: Vec<u8> = (0..3)
            .filter_map(|i| {
                hex.get(i * 2..i * 2 + 2)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            })
            .collect();
        let rgb: [u8; 3] = match (hex.len(), bytes.try_into()) {
            (6, Ok(rgb)) => rgb,
            _ => {
                return Err(DomainError::new(
                    "Indiquez une couleur au format #RRVVBB, par exemple #1d4ed8.",
                ));
            }
        };
        let color = Self(rgb);
        let ratio = color.contrast_with_white();
        if ratio < MIN_CONTRAST {
            return Err(DomainError::new(format!(
                "Cette couleur est trop claire : le texte blanc posé dessus n'aurait qu'un contraste de {ratio:.1}:1 (il faut au moins 4,5:1). Choisissez une teinte plus foncée."
            )));
        }
        Ok(color)
    }

    pub fn default_accent() -> Self {
        Self([0x1d, 0x4e, 0xd8])
    }

    /// WCAG 2.1 relative luminance.
    pub fn luminance(&self) -> f64 {
        let [r, g, b] = self.0;
        0.2126 * channel_luminance(r)
            + 0.7152 * channel_luminance(g)
            + 0.0722 * channel_luminance(b)
    }

    pub fn contrast_with_white(&self) -> f64 {
        1.05 / (self.luminance() + 0.05)
    }

    /// A darker shade for hover states (75 % of each channel keeps the contrast above the minimum).
    pub fn darker(&self) -> Self {
        let [r, g, b] = self.0;
        let d = |c: u8| u8::try_from(u16::from(c) * 3 / 4).unwrap_or(c);
        Self([d(r), d(g), d(b)])
    }
}

impl fmt::Display for AccentColor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [r, g, b] = self.0;
        write!(f, "#{r:02x}{g:02x}{b:02x}")
    }
}

impl TryFrom<String> for AccentColor {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<AccentColor> for String {
    fn from(value: AccentColor) -> Self {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dark_colours_pass_and_light_ones_are_refused() {
        assert_eq!(
            AccentColor::parse("#1D4ED8").map(|c| c.to_string()),
            Ok("#1d4ed8".to_owned())
        );
        assert!(AccentColor::parse("#8a1538").is_ok());
        assert!(AccentColor::parse("#000000").is_ok());
        for light in ["#ffff00", "#ffffff", "#7fbfff", "#949494"] {
            assert!(AccentColor::parse(light).is_err(), "{light}");
        }
        for bad in ["", "1d4ed8", "#1d4ed", "#zzzzzz", "#1d4ed8ff", "red"] {
            assert!(AccentColor::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_contrast_formula_matches_wcag_reference_values() {
        let black = AccentColor([0, 0, 0]);
        assert!((black.contrast_with_white() - 21.0).abs() < 0.01);
        // #767676 is the lightest grey that passes 4.5:1 on white.
        assert!(AccentColor::parse("#767676").is_ok());
        assert!(AccentColor::parse("#777777").is_err());
        assert!(AccentColor::default_accent().darker().contrast_with_white() >= MIN_CONTRAST);
    }
}
