//! Data shown by the inbox pages.

use crate::domain::{CertifiedIdentity, IdentityClaim, SubmissionStatus};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The normalised name searched by the inbox: "family given", lower-cased.
pub fn search_name(identity: &CertifiedIdentity) -> String {
    let family = identity.get(IdentityClaim::FamilyName).unwrap_or_default();
    let given = identity.get(IdentityClaim::GivenName).unwrap_or_default();
    format!("{family} {given}").trim().to_lowercase()
}

/// Newest or oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum InboxSort {
    #[default]
    Newest,
    Oldest,
}

/// Everything that selects the rows of the inbox (and of its exports). Lives in the URL, so a
/// filtered view can be bookmarked, shared with a colleague, and paged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct InboxQuery {
    pub status: Option<SubmissionStatus>,
    pub service: Option<Uuid>,
    /// A reference (or its beginning) or the beginning of a family name.
    pub search: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub sort: InboxSort,
    /// Keyset cursor: the last row of the previous page.
    pub after: Option<Uuid>,
}

impl InboxQuery {
    /// Reads the URL query; a malformed value is ignored and explained in the returned notices.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> (Self, Vec<String>) {
        let mut notices = Vec::new();
        let mut date = |name: &str, label: &str| {
            let raw = get(name).filter(|v| !v.trim().is_empty())?;
            match NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    notices.push(format!(
                        "Date « {label} » illisible ({raw}) : filtre ignoré. Format attendu : AAAA-MM-JJ."
                    ));
                    None
                }
            }
        };
        let from = date("du", "du");
        let to = date("au", "au");
        let status = match get("status").as_deref() {
            Some("processed") => Some(SubmissionStatus::Processed),
            Some("all") => None,
            _ => Some(SubmissionStatus::Unprocessed),
        };
        let search = get("q")
            .map(|q| q.trim().chars().take(100).collect::<String>())
            .filter(|q| !q.is_empty());
        let query = Self {
            status,
            service: get("service").and_then(|s| Uuid::parse_str(&s).ok()),
            search,
            from,
            to,
            sort: if get("tri").as_deref() == Some("anciennes") {
                InboxSort::Oldest
            } else {
                InboxSort::Newest
            },
            after: get("apres").and_then(|s| Uuid::parse_str(&s).ok()),
        };
        (query, notices)
    }

    /// The URL query of this selection (without the cursor unless `with_cursor`).
    pub fn to_params(&self, with_cursor: bool) -> String {
        let mut parts = vec![format!(
            "status={}",
            match self.status {
                Some(SubmissionStatus::Unprocessed) => "unprocessed",
                Some(SubmissionStatus::Processed) => "processed",
                None => "all",
            }
        )];
        if let Some(s) = self.service {
            parts.push(format!("service={s}"));
        }
        if let Some(q) = &self.search {
            parts.push(format!("q={}", urlencode(q)));
        }
        if let Some(d) = self.from {
            parts.push(format!("du={d}"));
        }
        if let Some(d) = self.to {
            parts.push(format!("au={d}"));
        }
        if self.sort == InboxSort::Oldest {
            parts.push("tri=anciennes".to_owned());
        }
        if let (true, Some(a)) = (with_cursor, self.after) {
            parts.push(format!("apres={a}"));
        }
        parts.join("&")
    }

    /// The same selection with another status tab (first page).
    pub fn with_status(&self, status: Option<SubmissionStatus>) -> Self {
        Self {
            status,
            after: None,
            ..self.clone()
        }
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters kept).
fn urlencode(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Which tab of the inbox is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InboxFilter {
    Unprocessed,
    Processed,
    All,
}

impl InboxFilter {
    pub fn parse(raw: Option<&str>) -> Self {
        match raw {
            Some("processed") => Self::Processed,
            Some("all") => Self::All,
            _ => Self::Unprocessed,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unprocessed => "unprocessed",
            Self::Processed => "processed",
            Self::All => "all",
        }
    }

    pub fn status(self) -> Option<SubmissionStatus> {
        match self {
            Self::Unprocessed => Some(SubmissionStatus::Unprocessed),
            Self::Processed => Some(SubmissionStatus::Processed),
            Self::All => None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InboxRow {
    pub id: Uuid,
    pub reference: String,
    pub procedure_title: String,
    pub citizen_name: String,
    pub created_at: String,
    pub status: SubmissionStatus,
}

/// Largest count a filtered view computes.
///
/// A thousand keeps a dense search (a common family-name prefix) within the page budget: each
/// counted row of a search costs a table lookup for its status.
pub const CAP: u64 = 1_000;

/// How many submissions a selection holds, per status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCounts {
    pub unprocessed: u64,
    pub processed: u64,
    /// True when the numbers were counted up to [`CAP`] only (filtered views).
    pub capped: bool,
}

impl StatusCounts {
    pub fn all(&self) -> u64 {
        self.unprocessed.saturating_add(self.processed)
    }

    /// "3", or "1 000+" when a capped count reached the cap.
    pub fn label(&self, n: u64) -> String {
        if self.capped && n >= CAP {
            format!("{}+", group_thousands(CAP))
        } else {
            group_thousands(n)
        }
    }

    #[cfg(feature = "ssr")]
    pub(crate) fn add(&mut self, status: SubmissionStatus, n: u64) {
        match status {
            SubmissionStatus::Unprocessed => self.unprocessed += n,
            SubmissionStatus::Processed => self.processed += n,
        }
    }
}

/// French digit grouping with a narrow no-break space: 1 234 567.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InboxPage {
    pub query: InboxQuery,
    pub counts: StatusCounts,
    pub rows: Vec<InboxRow>,
    /// Cursor for the next page (the last row's id), when there is one.
    pub next_cursor: Option<Uuid>,
    /// The municipality's services, for the service filter.
    pub services: Vec<(Uuid, String)>,
    /// Why part of the URL was ignored.
    pub notices: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DetailLine {
    pub label: String,
    pub value: String,
    /// For an attached file: where agents download it.
    #[serde(default)]
    pub download: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TransitionLine {
    pub at: String,
    pub from: Option<String>,
    pub to: String,
    pub actor: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SubmissionDetail {
    pub id: Uuid,
    pub reference: String,
    pub procedure_title: String,
    pub revision_number: i32,
    pub status: SubmissionStatus,
    pub created_at: String,
    pub identity_provider: String,
    pub identity_acr: String,
    pub identity_authenticated_at: String,
    pub identity: Vec<DetailLine>,
    pub answers: Vec<DetailLine>,
    pub history: Vec<TransitionLine>,
    /// Every message about this submission, with its delivery state.
    pub deliveries: Vec<crate::notifications::types::DeliveryLine>,
    /// Whether the service asked for the citizen's email (they can be notified).
    pub citizen_reachable: bool,
    /// Agents' private notes, oldest first.
    pub notes: Vec<NoteLine>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NoteLine {
    pub at: String,
    pub author: String,
    pub body: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(pairs: &[(&str, &str)]) -> (InboxQuery, Vec<String>) {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        InboxQuery::from_params(|k| map.get(k).cloned())
    }

    #[test]
    fn the_query_round_trips_through_the_url() {
        let service = Uuid::nil();
        let (q, notices) = parse(&[
            ("status", "all"),
            ("service", &service.to_string()),
            ("q", "dubois & fils"),
            ("du", "2026-01-01"),
            ("au", "2026-12-31"),
            ("tri", "anciennes"),
        ]);
        assert!(notices.is_empty());
        let params = q.to_params(false);
        assert!(params.contains("q=dubois%20%26%20fils"), "{params}");
        let decoded: Vec<(String, String)> = params
            .split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.replace("%20", " ").replace("%26", "&")))
            .collect();
        let map: HashMap<String, String> = decoded.into_iter().collect();
        let (again, _) = InboxQuery::from_params(|k| map.get(k).cloned());
        assert_eq!(again, q);
    }

    #[test]
    fn bad_values_are_ignored_and_explained() {
        let (q, notices) = parse(&[("du", "31/12/2026"), ("service", "x"), ("apres", "y")]);
        assert_eq!(q.from, None);
        assert_eq!(q.service, None);
        assert_eq!(q.after, None);
        assert_eq!(q.status, Some(SubmissionStatus::Unprocessed));
        assert_eq!(notices.len(), 1);
        assert!(notices[0].contains("AAAA-MM-JJ"));
    }

    #[test]
    fn counts_are_grouped_the_french_way_and_capped_ones_say_so() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1_000), "1\u{202f}000");
        assert_eq!(group_thousands(1_234_567), "1\u{202f}234\u{202f}567");
        let exact = StatusCounts {
            unprocessed: 12_000,
            processed: 3,
            capped: false,
        };
        assert_eq!(exact.label(exact.unprocessed), "12\u{202f}000");
        let capped = StatusCounts {
            capped: true,
            ..exact
        };
        assert_eq!(capped.label(CAP), "1\u{202f}000+");
        assert_eq!(capped.label(3), "3");
        assert_eq!(capped.all(), 12_003);
    }
}
