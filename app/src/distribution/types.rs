//! Data shown in the console's distribution section and on the poster page.

use crate::domain::Channel;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChannelLine {
    pub channel: Channel,
    pub visits: i64,
    pub logins: i64,
    pub submissions: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Distribution {
    /// `https://…/q/CODE`: short, human-typable, stable across renames.
    pub short_url: String,
    /// What the QR code encodes (`…/q/CODE?src=qr`).
    pub qr_url: String,
    /// The self-contained HTML line for the municipality's website.
    pub embed_html: String,
    pub qr_svg: String,
    pub stats: Vec<ChannelLine>,
}

/// Paper size of the poster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaperSize {
    A4,
    A5,
}

impl PaperSize {
    pub fn parse(raw: Option<&str>) -> Self {
        match raw {
            Some("a5" | "A5") => Self::A5,
            _ => Self::A4,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::A4 => "a4",
            Self::A5 => "a5",
        }
    }

    /// Width and height in PDF points (1/72 inch).
    pub fn points(self) -> (f32, f32) {
        match self {
            Self::A4 => (595.28, 841.89),
            Self::A5 => (419.53, 595.28),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Poster {
    pub title: String,
    pub municipality: String,
    pub short_url: String,
    pub qr_svg: String,
    pub size: PaperSize,
}

/// The sentence printed under the QR code.
pub const POSTER_INSTRUCTIONS: &str =
    "Scannez le QR code avec l’appareil photo de votre téléphone, ou tapez l’adresse ci-dessous.";
