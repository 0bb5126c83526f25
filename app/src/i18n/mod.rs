//! Languages of the citizen pages: French first, English for everyone, Dutch for Belgian towns.
//!
//! A message is a [`Text`] constant holding every language, so a missing translation is a compile
//! error rather than a blank on a citizen's phone, and the catalogue is plain Rust: no runtime
//! files, nothing to load, the same in the server and in the browser bundle. Messages with values
//! use `{name}` placeholders filled by [`Text::with`].
//!
//! The language of a request is chosen by [`negotiate`]: an explicit `?lang=` (remembered in a
//! cookie), then the cookie, then the browser's `Accept-Language`, always among the languages the
//! municipality offers ([`Lang::offered`]), French by default. The admin console stays French.

pub mod catalogue;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Fr,
    En,
    Nl,
}

/// Cookie remembering an explicit choice (`?lang=`), one year, no personal data.
pub const COOKIE: &str = "iclefs-lang";

impl Lang {
    pub const ALL: [Self; 3] = [Self::Fr, Self::En, Self::Nl];

    /// BCP 47 code, for `<html lang>` and `hreflang`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Fr => "fr",
            Self::En => "en",
            Self::Nl => "nl",
        }
    }

    /// The language's own name, for the language switch.
    pub fn name(self) -> &'static str {
        match self {
            Self::Fr => "Français",
            Self::En => "English",
            Self::Nl => "Nederlands",
        }
    }

    /// `fr`, `en-GB`, `nl-BE`… (case-insensitive, region ignored).
    pub fn parse(raw: &str) -> Option<Self> {
        let primary = raw.trim().split(['-', '_']).next().unwrap_or_default();
        Self::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(primary))
    }

    /// What a municipality of `country` (ISO code) offers: Belgian towns add Dutch.
    pub fn offered(country: &str) -> &'static [Self] {
        if country.eq_ignore_ascii_case("BE") {
            &[Self::Fr, Self::Nl, Self::En]
        } else {
            &[Self::Fr, Self::En]
        }
    }
}

/// The language of a request, among `offered` (whose first entry is the default).
pub fn negotiate(
    query: Option<&str>,
    cookie: Option<&str>,
    accept_language: Option<&str>,
    offered: &[Lang],
) -> Lang {
    let default = offered.first().copied().unwrap_or_default();
    let allowed = |l: Lang| offered.contains(&l).then_some(l);
    if let Some(l) = query.and_then(Lang::parse).and_then(allowed) {
        return l;
    }
    if let Some(l) = cookie.and_then(Lang::parse).and_then(allowed) {
        return l;
    }
    // `Accept-Language: nl-BE,nl;q=0.9,fr;q=0.8`: the best-weighted language offered.
    let mut best: Option<(f32, Lang)> = None;
    for part in accept_language.unwrap_or_default().split(',') {
        let mut pieces = part.split(';');
        let Some(lang) = pieces.next().and_then(Lang::parse).and_then(allowed) else {
            continue;
        };
        let q = pieces
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
            best = Some((q, lang));
        }
    }
    best.map_or(default, |(_, l)| l)
}

/// The language of a request among `offered`: the language cookie (which `?lang=` sets, see
/// `web::i18n`), then `Accept-Language`.
#[cfg(feature = "ssr")]
pub fn from_headers(headers: &http::HeaderMap, offered: &[Lang]) -> Lang {
    let cookie = crate::auth::session::read_cookie(headers, COOKIE);
    let accept = headers
        .get(http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    negotiate(None, cookie.as_deref(), accept, offered)
}

/// One message in every language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    pub fr: &'static str,
    pub en: &'static str,
    pub nl: &'static str,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Fr => self.fr,
            Lang::En => self.en,
            Lang::Nl => self.nl,
        }
    }

    /// The message with its `{name}` placeholders filled.
    pub fn with(&self, lang: Lang, values: &[(&str, &str)]) -> String {
        let mut out = self.get(lang).to_owned();
        for (name, value) in values {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_is_negotiated_among_what_the_town_offers() {
        let fr = Lang::offered("FR");
        let be = Lang::offered("BE");
        assert_eq!(negotiate(None, None, None, fr), Lang::Fr);
        assert_eq!(negotiate(Some("en"), Some("fr"), None, fr), Lang::En);
        // Dutch is not offered by a French town: the next clue decides.
        assert_eq!(
            negotiate(Some("nl"), None, Some("en-GB,en;q=0.9"), fr),
            Lang::En
        );
        assert_eq!(negotiate(None, Some("nl"), None, be), Lang::Nl);
        assert_eq!(
            negotiate(None, None, Some("de-DE,nl-BE;q=0.8,fr;q=0.5"), be),
            Lang::Nl
        );
        assert_eq!(negotiate(None, None, Some("nl;q=0,de"), be), Lang::Fr);
        assert_eq!(negotiate(Some("xx"), Some("yy"), Some("*"), be), Lang::Fr);
    }

    #[test]
    fn placeholders_are_filled_in_every_language() {
        let t = Text {
            fr: "Référence {r}",
            en: "Reference {r}",
            nl: "Referentie {r}",
        };
        assert_eq!(t.with(Lang::Nl, &[("r", "AB12")]), "Referentie AB12");
        assert_eq!(t.get(Lang::Fr), "Référence {r}");
    }
}
