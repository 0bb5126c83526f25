//! API tokens: the secret format, the CIDR allow-list, the expiry rule, and their life cycle in
//! the console (create, list, revoke).
//!
//! A token is `iclefs_` followed by 32 random bytes in URL-safe base64 (256 bits), so a leaked one
//! can be found with `grep iclefs_` and guessing is hopeless. Only its SHA-256 is stored: a hash of
//! a high-entropy secret needs no slow password hash, and lookups stay one indexed query. It is
//! shown once, at creation.

use crate::{
    auth::CurrentAdmin,
    crypto::{random_token, sha256_hex},
    db::entities::{api_token, procedure},
    error::{AppError, AppResult},
    inbox::service::display_time,
    state::AppState,
};
use chrono::{DateTime, Months, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, sea_query::Expr,
};
use std::{fmt, net::IpAddr, str::FromStr};
use uuid::Uuid;

/// What every token starts with.
pub const TOKEN_PREFIX: &str = "iclefs_";

/// Random part: 32 bytes in URL-safe base64 without padding.
const SECRET_CHARS: usize = 43;

/// A token secret as generated or as presented by a client. Its `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenSecret(String);

impl fmt::Debug for TokenSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenSecret({}…)", self.display_prefix())
    }
}

impl TokenSecret {
    pub fn generate() -> Self {
        Self(format!("{TOKEN_PREFIX}{}", random_token(32)))
    }

    /// Accepts exactly the shape [`TokenSecret::generate`] produces.
    pub fn parse(raw: &str) -> Option<Self> {
        let rest = raw.strip_prefix(TOKEN_PREFIX)?;
        let valid = rest.len() == SECRET_CHARS
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        valid.then(|| Self(raw.to_owned()))
    }

    /// What is stored and looked up.
    pub fn hash(&self) -> String {
        sha256_hex(&self.0)
    }

    /// `iclefs_` and four characters: enough to tell tokens apart, useless to an attacker.
    pub fn display_prefix(&self) -> String {
        self.0.chars().take(TOKEN_PREFIX.len() + 4).collect()
    }

    /// The secret itself, to show once to the person who created it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// An IPv4 or IPv6 network (`192.0.2.0/24`, `2001:db8::/32`; a bare address is a /32 or /128).
/// Host bits are cleared, so `192.0.2.7/24` is stored as `192.0.2.0/24`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn contains(&self, ip: IpAddr) -> bool {
        // A v4 client reached over a dual-stack socket shows up as ::ffff:a.b.c.d.
        match (self.network, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = mask_v4(self.prefix);
                u32::from(ip) & mask == u32::from(net) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = mask_v6(self.prefix);
                u128::from(ip) & mask == u128::from(net) & mask
            }
            _ => false,
        }
    }
}

fn mask_v4(prefix: u8) -> u32 {
    u32::MAX
        .checked_shl(32 - u32::from(prefix.min(32)))
        .unwrap_or(0)
}

fn mask_v6(prefix: u8) -> u128 {
    u128::MAX
        .checked_shl(128 - u32::from(prefix.min(128)))
        .unwrap_or(0)
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let raw = raw.trim();
        let refused = || format!("« {raw} » n'est pas une adresse IP ni un réseau (CIDR).");
        let (address, prefix) = match raw.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (raw, None),
        };
        let address: IpAddr = address.parse().map_err(|_| refused())?;
        let max = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && p.len() <= 3 => {
                p.parse::<u8>().map_err(|_| refused())?
            }
            Some(_) => return Err(refused()),
        };
        if prefix > max {
            return Err(format!(
                "« {raw} » : la longueur de préfixe ne peut dépasser {max}."
            ));
        }
        let network = match address {
            IpAddr::V4(a) => IpAddr::V4((u32::from(a) & mask_v4(prefix)).into()),
            IpAddr::V6(a) => IpAddr::V6((u128::from(a) & mask_v6(prefix)).into()),
        };
        Ok(Self { network, prefix })
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// Most networks on one token.
pub const MAX_NETWORKS: usize = 20;

/// The addresses a token may be used from; empty means any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowList(Vec<Cidr>);

impl AllowList {
    /// Networks separated by commas, spaces or new lines.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let networks = raw
            .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .filter(|p| !p.is_empty())
            .map(Cidr::from_str)
            .collect::<Result<Vec<_>, _>>()?;
        if networks.len() > MAX_NETWORKS {
            return Err(format!("{MAX_NETWORKS} réseaux au plus."));
        }
        Ok(Self(networks))
    }

    pub fn allows(&self, ip: IpAddr) -> bool {
        self.0.is_empty() || self.0.iter().any(|n| n.contains(ip))
    }

    pub fn to_strings(&self) -> Vec<String> {
        self.0.iter().map(ToString::to_string).collect()
    }

    /// From the stored JSON array; an unreadable entry denies everything rather than nothing.
    pub fn from_stored(value: &serde_json::Value) -> Self {
        let entries: Vec<String> = serde_json::from_value(value.clone()).unwrap_or_default();
        let parsed: Result<Vec<Cidr>, _> = entries.iter().map(|e| e.parse()).collect();
        match parsed {
            Ok(list) => Self(list),
            // 0.0.0.0/32 and ::/128 are never a client address.
            Err(_) => Self(vec![Cidr {
                network: IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED),
                prefix: 128,
            }]),
        }
    }
}

/// The last day a token works: today at the earliest, one year ahead at the latest (no eternal
/// tokens). It stops working at the end of that day (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expiry(NaiveDate);

impl Expiry {
    pub fn latest(today: NaiveDate) -> NaiveDate {
        today.checked_add_months(Months::new(12)).unwrap_or(today)
    }

    pub fn parse(raw: &str, today: NaiveDate) -> Result<Self, String> {
        let date = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
            .map_err(|_| "Indiquez une date d'expiration, sous la forme aaaa-mm-jj.".to_owned())?;
        if date < today {
            return Err("La date d'expiration est déjà passée.".to_owned());
        }
        if date > Self::latest(today) {
            return Err("Un jeton expire au plus tard dans un an.".to_owned());
        }
        Ok(Self(date))
    }

    pub fn expires_at(self) -> DateTime<Utc> {
        self.0
            .and_hms_opt(23, 59, 59)
            .map(|t| t.and_utc())
            .unwrap_or_default()
    }
}

/// The services a token can see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceScope {
    All,
    Only(Vec<Uuid>),
}

impl ServiceScope {
    pub fn contains(&self, procedure_id: Uuid) -> bool {
        match self {
            Self::All => true,
            Self::Only(ids) => ids.contains(&procedure_id),
        }
    }

    pub fn from_stored(value: Option<&serde_json::Value>) -> Self {
        match value {
            None | Some(serde_json::Value::Null) => Self::All,
            Some(v) => Self::Only(serde_json::from_value(v.clone()).unwrap_or_default()),
        }
    }
}

/// Longest token name.
pub const MAX_NAME_CHARS: usize = 100;

/// The console's "new token" form, parsed.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub name: String,
    pub scope: ServiceScope,
    pub can_write: bool,
    pub expiry: Expiry,
    pub networks: AllowList,
}

/// Field errors of the form, by input name.
pub type FormErrors = Vec<(String, String)>;

impl NewToken {
    /// `services` holds the checked values: `all` or service ids.
    pub fn parse(
        name: &str,
        services: &[&str],
        access: &str,
        expires_on: &str,
        networks: &str,
        today: NaiveDate,
    ) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::new();
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            errors.push((
                "name".to_owned(),
                format!("Donnez un nom au jeton (1 à {MAX_NAME_CHARS} caractères), par exemple le logiciel qui l'utilise."),
            ));
        }
        let scope = if services.contains(&"all") {
            Some(ServiceScope::All)
        } else {
            let ids: Result<Vec<Uuid>, _> = services.iter().map(|s| Uuid::parse_str(s)).collect();
            match ids {
                Ok(mut ids) if !ids.is_empty() => {
                    ids.sort();
                    ids.dedup();
                    Some(ServiceScope::Only(ids))
                }
                _ => {
                    errors.push((
                        "services".to_owned(),
                        "Choisissez les services accessibles, ou « Tous les services ».".to_owned(),
                    ));
                    None
                }
            }
        };
        let can_write = match access {
            "read" => Some(false),
            "write" => Some(true),
            _ => {
                errors.push((
                    "access".to_owned(),
                    "Choisissez le niveau d'accès.".to_owned(),
                ));
                None
            }
        };
        let expiry = Expiry::parse(expires_on, today)
            .map_err(|m| errors.push(("expires_on".to_owned(), m)))
            .ok();
        let networks = AllowList::parse(networks)
            .map_err(|m| errors.push(("networks".to_owned(), m)))
            .ok();
        match (scope, can_write, expiry, networks) {
            (Some(scope), Some(can_write), Some(expiry), Some(networks)) if errors.is_empty() => {
                Ok(Self {
                    name: name.to_owned(),
                    scope,
                    can_write,
                    expiry,
                    networks,
                })
            }
            _ => Err(errors),
        }
    }
}

fn admin_label(admin: &CurrentAdmin) -> String {
    format!("{} ({})", admin.display_name, admin.email)
}

/// Creates a token of the admin's municipality; returns the secret, to be shown once.
pub async fn create(
    state: &AppState,
    admin: &CurrentAdmin,
    input: NewToken,
) -> Result<TokenSecret, FormErrors> {
    let services = match &input.scope {
        ServiceScope::All => None,
        ServiceScope::Only(ids) => {
            // Only this municipality's services can be put in scope.
            let owned = procedure::Entity::find()
                .filter(procedure::Column::MunicipalityId.eq(admin.municipality_id))
                .filter(procedure::Column::Id.is_in(ids.clone()))
                .all(&state.db)
                .await
                .map_err(|e| vec![("form".to_owned(), AppError::from(e).to_string())])?;
            if owned.len() != ids.len() {
                return Err(vec![(
                    "services".to_owned(),
                    "Un des services choisis n'existe pas.".to_owned(),
                )]);
            }
            Some(serde_json::to_value(ids).unwrap_or_default())
        }
    };
    let secret = TokenSecret::generate();
    let id = Uuid::now_v7();
    api_token::ActiveModel {
        id: Set(id),
        municipality_id: Set(admin.municipality_id),
        name: Set(input.name),
        display_prefix: Set(secret.display_prefix()),
        token_hash: Set(secret.hash()),
        services: Set(services),
        can_write: Set(input.can_write),
        allowed_networks: Set(serde_json::to_value(input.networks.to_strings()).unwrap_or_default()),
        expires_at: Set(input.expiry.expires_at()),
        created_at: Set(Utc::now()),
        created_by: Set(admin_label(admin)),
        last_used_at: Set(None),
        revoked_at: Set(None),
        revoked_by: Set(None),
    }
    .insert(&state.db)
    .await
    .map_err(|e| vec![("form".to_owned(), AppError::from(e).to_string())])?;
    tracing::info!(api_token.id = %id, admin.id = %admin.admin_id, "API token created");
    Ok(secret)
}

/// Revokes a token of the admin's municipality; effective for the next request.
pub async fn revoke(state: &AppState, admin: &CurrentAdmin, id: Uuid) -> AppResult<()> {
    let token = api_token::Entity::find_by_id(id)
        .filter(api_token::Column::MunicipalityId.eq(admin.municipality_id))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    if token.revoked_at.is_some() {
        return Ok(());
    }
    api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(Utc::now()))
        .col_expr(
            api_token::Column::RevokedBy,
            Expr::value(admin_label(admin)),
        )
        .filter(api_token::Column::Id.eq(token.id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(&state.db)
        .await?;
    tracing::info!(api_token.id = %id, admin.id = %admin.admin_id, "API token revoked");
    Ok(())
}

/// The console's API page data.
pub async fn console(
    state: &AppState,
    admin: &CurrentAdmin,
) -> AppResult<super::types::ApiConsole> {
    let services: Vec<(Uuid, String)> = procedure::Entity::find()
        .filter(procedure::Column::MunicipalityId.eq(admin.municipality_id))
        .order_by_asc(procedure::Column::Title)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.title))
        .collect();
    let now = Utc::now();
    let tokens = api_token::Entity::find()
        .filter(api_token::Column::MunicipalityId.eq(admin.municipality_id))
        .order_by_desc(api_token::Column::Id)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|t| super::types::TokenLine {
            id: t.id,
            services: match ServiceScope::from_stored(t.services.as_ref()) {
                ServiceScope::All => Vec::new(),
                ServiceScope::Only(ids) => ids
                    .iter()
                    .map(|id| {
                        services
                            .iter()
                            .find(|(s, _)| s == id)
                            .map(|(_, title)| title.clone())
                            .unwrap_or_else(|| "(service supprimé)".to_owned())
                    })
                    .collect(),
            },
            networks: AllowList::from_stored(&t.allowed_networks).to_strings(),
            expires_at: t.expires_at.format("%d/%m/%Y").to_string(),
            created: format!("{} par {}", display_time(t.created_at), t.created_by),
            last_used_at: t.last_used_at.map(display_time),
            revoked: t.revoked_at.map(|at| {
                format!(
                    "Révoqué le {} par {}",
                    display_time(at),
                    t.revoked_by.clone().unwrap_or_default()
                )
            }),
            expired: t.expires_at < now,
            name: t.name,
            display_prefix: t.display_prefix,
            can_write: t.can_write,
        })
        .collect();
    let today = now.date_naive();
    let fmt = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    Ok(super::types::ApiConsole {
        municipality: admin.municipality_name.clone(),
        public_url: state.settings.url(""),
        is_owner: admin.is_owner(),
        tokens,
        services,
        default_expiry: fmt(today
            .checked_add_days(chrono::Days::new(90))
            .unwrap_or(today)),
        max_expiry: fmt(Expiry::latest(today)),
        min_expiry: fmt(today),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_have_the_prefix_and_round_trip() {
        let secret = TokenSecret::generate();
        assert!(secret.expose().starts_with("iclefs_"));
        assert_eq!(secret.expose().len(), 7 + 43);
        assert_eq!(TokenSecret::parse(secret.expose()), Some(secret.clone()));
        assert_eq!(secret.hash().len(), 64);
        assert_ne!(secret.hash(), TokenSecret::generate().hash());
        assert!(!format!("{secret:?}").contains(&secret.expose()[12..]));
        assert_eq!(secret.display_prefix().len(), 11);
        for bad in [
            "",
            "iclefs_",
            "iclefs_short",
            "other_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "iclefs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "iclefs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ] {
            assert_eq!(TokenSecret::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn cidrs_parse_normalise_and_match() {
        let net: Cidr = "192.0.2.7/24".parse().unwrap();
        assert_eq!(net.to_string(), "192.0.2.0/24");
        assert!(net.contains("192.0.2.200".parse().unwrap()));
        assert!(!net.contains("192.0.3.1".parse().unwrap()));
        assert!(
            net.contains("::ffff:192.0.2.9".parse().unwrap()),
            "v4-mapped"
        );
        let host: Cidr = "127.0.0.1".parse().unwrap();
        assert_eq!(host.to_string(), "127.0.0.1/32");
        assert!(!host.contains("127.0.0.2".parse().unwrap()));
        let any: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(any.contains("203.0.113.5".parse().unwrap()));
        assert!(
            !any.contains("::1".parse().unwrap()),
            "v4 network, v6 client"
        );
        let v6: Cidr = "2001:db8::1/32".parse().unwrap();
        assert_eq!(v6.to_string(), "2001:db8::/32");
        assert!(v6.contains("2001:db8:ffff::1".parse().unwrap()));
        assert!(!v6.contains("2001:db9::1".parse().unwrap()));
        for bad in [
            "",
            "192.0.2.0/33",
            "::/129",
            "192.0.2.0/",
            "192.0.2.0/+8",
            "192.0.2/24",
            "example.org",
            "10.0.0.0/8/8",
            "1.2.3.4/0024",
        ] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
    }

    #[test]
    fn allow_lists_are_any_when_empty() {
        let empty = AllowList::parse("  ").unwrap();
        assert!(empty.allows("198.51.100.1".parse().unwrap()));
        let list = AllowList::parse("192.0.2.0/24, 2001:db8::/32\n198.51.100.4").unwrap();
        assert_eq!(
            list.to_strings(),
            ["192.0.2.0/24", "2001:db8::/32", "198.51.100.4/32"]
        );
        assert!(list.allows("198.51.100.4".parse().unwrap()));
        assert!(!list.allows("127.0.0.1".parse().unwrap()));
        assert!(AllowList::parse("192.0.2.0/24, nope").is_err());
        let stored = serde_json::json!(list.to_strings());
        assert_eq!(AllowList::from_stored(&stored), list);
        let corrupt = AllowList::from_stored(&serde_json::json!(["garbage"]));
        assert!(!corrupt.allows("127.0.0.1".parse().unwrap()));
        assert!(!corrupt.allows("::1".parse().unwrap()));
    }

    #[test]
    fn expiry_is_mandatory_and_at_most_a_year() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert!(Expiry::parse("2026-12-02", today).is_ok());
        assert!(Expiry::parse("2027-12-02", today).is_ok());
        assert!(Expiry::parse("2027-12-03", today).is_err());
        assert!(Expiry::parse("2026-12-01", today).is_err());
        assert!(Expiry::parse("", today).is_err());
        assert!(Expiry::parse("02/12/2027", today).is_err());
        let e = Expiry::parse("2027-01-31", today).unwrap();
        assert_eq!(e.expires_at().to_rfc3339(), "2027-01-31T23:59:59+00:00");
    }

    #[test]
    fn the_new_token_form_reports_every_error() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let errors = NewToken::parse("", &[], "admin", "2020-01-01", "x", today).unwrap_err();
        let names: Vec<&str> = errors.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            ["name", "services", "access", "expires_on", "networks"]
        );
        let ok = NewToken::parse("GRC", &["all"], "read", "2027-03-01", "", today).unwrap();
        assert_eq!(ok.scope, ServiceScope::All);
        assert!(!ok.can_write);
        let id = Uuid::now_v7();
        let only =
            NewToken::parse("GRC", &[&id.to_string()], "write", "2027-03-01", "", today).unwrap();
        assert_eq!(only.scope, ServiceScope::Only(vec![id]));
        assert!(only.scope.contains(id));
        assert!(!only.scope.contains(Uuid::now_v7()));
    }
}
