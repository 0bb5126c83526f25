//! Where a citizen came from: the channel tag carried by the links the municipality publishes.
//!
//! Counting per channel needs no cookie and no personal data: the tag travels in the URL
//! (`?src=qr`), then in the login attempt, then in the submission.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The printed QR code (poster, flyer).
    Qr,
    /// The HTML line pasted into the municipality's website.
    Site,
    /// The short link (`/q/CODE`) shared by email, newsletter, social media.
    Link,
    /// The long address typed or bookmarked.
    Direct,
}

impl Channel {
    pub const ALL: [Self; 4] = [Self::Qr, Self::Site, Self::Link, Self::Direct];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Qr => "qr",
            Self::Site => "site",
            Self::Link => "link",
            Self::Direct => "direct",
        }
    }

    /// Unknown or missing tags count as direct visits (a tag is never trusted for more).
    pub fn parse(raw: Option<&str>) -> Self {
        match raw {
            Some("qr") => Self::Qr,
            Some("site") => Self::Site,
            Some("link") => Self::Link,
            _ => Self::Direct,
        }
    }

    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Qr => "QR code",
            Self::Site => "Site de la commune",
            Self::Link => "Lien court",
            Self::Direct => "Adresse directe",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_round_trip_and_unknown_tags_are_direct() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(Some(c.as_str())), c);
        }
        assert_eq!(Channel::parse(Some("<script>")), Channel::Direct);
        assert_eq!(Channel::parse(None), Channel::Direct);
    }
}
