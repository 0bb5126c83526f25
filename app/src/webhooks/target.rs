//! Where a webhook may be sent: a public HTTPS address, never this server's neighbours.
//!
//! A webhook makes the server send requests to a URL an admin typed, so a careless (or hostile)
//! URL could reach the loopback interface, the private network behind the instance, or a cloud
//! metadata service (`169.254.169.254`). The rule is applied twice:
//!
//! * when the endpoint is saved ([`TargetUrl::parse`] then [`TargetUrl::check_resolution`]),
//!   so the admin gets a clear message at once;
//! * at every delivery, by [`GuardedResolver`], the HTTP client's only DNS resolver: it resolves
//!   the name, refuses the lot if any address is forbidden, and hands the client exactly the
//!   addresses it checked. A name that resolved to a public address at creation and to
//!   `127.0.0.1` later (DNS rebinding) is refused then. Redirects are never followed.
//!
//! [`TargetPolicy::AllowPrivate`] lifts the address rule (and allows plain HTTP) for instances
//! whose business tools live on the same private network; it is an explicit setting
//! (`ICLEFS_WEBHOOK_ALLOW_PRIVATE_TARGETS`), off by default.

use std::{
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    sync::Arc,
};
use url::{Host, Url};

/// Longest accepted URL.
pub const MAX_URL_CHARS: usize = 2_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetPolicy {
    /// Public HTTPS addresses only (the default).
    PublicOnly,
    /// Any address, HTTP or HTTPS (private deployments; explicit setting).
    AllowPrivate,
}

/// Why an address is not a public one, in the words shown to the admin; `None` if it is public.
pub fn forbidden_reason(ip: IpAddr) -> Option<&'static str> {
    match ip.to_canonical() {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    if ip.is_loopback() {
        Some("adresse de bouclage (cette machine)")
    } else if ip.is_private() {
        Some("adresse de réseau privé")
    } else if ip.is_link_local() {
        Some(
            "adresse locale de lien (dont le service de métadonnées des hébergeurs, 169.254.169.254)",
        )
    } else if ip.is_unspecified() || a == 0 {
        Some("adresse non spécifiée")
    } else if ip.is_broadcast() || ip.is_multicast() || a >= 240 {
        Some("adresse de diffusion ou réservée")
    } else if a == 100 && (64..128).contains(&b) {
        Some("adresse de réseau d'opérateur (CGNAT)")
    } else if ip.is_documentation() || (a == 198 && (b == 18 || b == 19)) {
        Some("adresse réservée à la documentation ou aux tests")
    } else if a == 192 && b == 0 && c == 0 {
        Some("adresse réservée (IETF)")
    } else {
        None
    }
}

fn forbidden_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let [first, second, s2, s3, s4, s5, _, _] = ip.segments();
    let low_zero = [s2, s3, s4, s5] == [0, 0, 0, 0];
    // Addresses that embed an IPv4 address: judge the embedded one.
    let embedded = |high: usize| -> Ipv4Addr {
        let octets = ip.octets();
        let at = |i: usize| octets.get(i).copied().unwrap_or_default();
        Ipv4Addr::new(at(high), at(high + 1), at(high + 2), at(high + 3))
    };
    if ip.is_loopback() {
        Some("adresse de bouclage (cette machine)")
    } else if ip.is_unspecified() {
        Some("adresse non spécifiée")
    } else if ip.is_multicast() {
        Some("adresse de diffusion ou réservée")
    } else if first & 0xffc0 == 0xfe80 {
        Some("adresse locale de lien")
    } else if first & 0xfe00 == 0xfc00 {
        Some("adresse de réseau privé (ULA)")
    } else if first == 0x2001 && second == 0x0db8 {
        Some("adresse réservée à la documentation ou aux tests")
    } else if first == 0x0064 && second == 0xff9b && low_zero {
        // NAT64: 64:ff9b::a.b.c.d reaches a.b.c.d.
        forbidden_v4(embedded(12))
    } else if first == 0x2002 {
        // 6to4: 2002:aabb:ccdd::/48 reaches aa.bb.cc.dd.
        forbidden_v4(embedded(2))
    } else if first == 0 && second == 0 && low_zero {
        // Deprecated IPv4-compatible form ::a.b.c.d.
        forbidden_v4(embedded(12))
    } else {
        None
    }
}

/// A webhook URL that passed the syntax rules of its policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetUrl(Url);

impl TargetUrl {
    pub fn parse(raw: &str, policy: TargetPolicy) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("Indiquez l'adresse (URL) qui recevra les notifications.".to_owned());
        }
        if raw.chars().count() > MAX_URL_CHARS {
            return Err(format!("L'adresse dépasse {MAX_URL_CHARS} caractères."));
        }
        let url = Url::parse(raw).map_err(|_| {
            "Adresse illisible : saisissez une URL complète, par exemple https://logiciel.exemple.fr/webhooks/iclefs.".to_owned()
        })?;
        match (url.scheme(), policy) {
            ("https", _) | ("http", TargetPolicy::AllowPrivate) => {}
            ("http", TargetPolicy::PublicOnly) => {
                return Err(
                    "L'adresse doit commencer par https:// : les notifications sont signées, mais leur contenu doit aussi voyager chiffré."
                        .to_owned(),
                );
            }
            _ => return Err("Seules les adresses https:// sont acceptées.".to_owned()),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(
                "L'adresse ne doit pas contenir d'identifiant ni de mot de passe : la signature suffit à authentifier les notifications."
                    .to_owned(),
            );
        }
        if url.fragment().is_some() {
            return Err("L'adresse ne doit pas contenir de fragment (#…).".to_owned());
        }
        let ip = match url.host() {
            None => return Err("L'adresse doit désigner un serveur.".to_owned()),
            Some(Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
            Some(Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
            Some(Host::Domain(_)) => None,
        };
        if policy == TargetPolicy::PublicOnly
            && let Some(reason) = ip.and_then(forbidden_reason)
        {
            return Err(format!(
                "Adresse refusée : {} est une {reason}. Les notifications ne partent que vers des adresses publiques.",
                url.host_str().unwrap_or_default()
            ));
        }
        Ok(Self(url))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    pub fn url(&self) -> &Url {
        &self.0
    }

    /// Resolves a host name and applies the address rule to every address it yields.
    pub async fn check_resolution(&self, policy: TargetPolicy) -> Result<(), String> {
        let Some(Host::Domain(name)) = self.0.host() else {
            return Ok(());
        };
        resolve_guarded(name, policy).await.map(|_| ())
    }
}

/// Resolves `name` and refuses it if any address is not public (under `PublicOnly`).
async fn resolve_guarded(name: &str, policy: TargetPolicy) -> Result<Vec<SocketAddr>, String> {
    let resolved = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        tokio::net::lookup_host((name, 0)),
    )
    .await
    .map_err(|_| format!("Le nom « {name} » n'a pas pu être résolu à temps."))?
    .map_err(|_| format!("Le nom « {name} » est introuvable (DNS)."))?;
    let addresses: Vec<SocketAddr> = resolved.collect();
    if addresses.is_empty() {
        return Err(format!("Le nom « {name} » ne désigne aucune adresse."));
    }
    if policy == TargetPolicy::PublicOnly {
        for address in &addresses {
            if let Some(reason) = forbidden_reason(address.ip()) {
                return Err(format!(
                    "Adresse refusée : « {name} » se résout en {}, une {reason}. Les notifications ne partent que vers des adresses publiques.",
                    address.ip()
                ));
            }
        }
    }
    Ok(addresses)
}

/// The webhook client's DNS resolver: only checked addresses reach the connector.
#[derive(Debug, Clone, Copy)]
pub struct GuardedResolver(pub TargetPolicy);

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.0;
        let name = name.as_str().to_owned();
        Box::pin(async move {
            match resolve_guarded(&name, policy).await {
                Ok(addresses) => Ok(Box::new(addresses.into_iter()) as reqwest::dns::Addrs),
                Err(message) => Err(message.into()),
            }
        })
    }
}

/// The HTTP client of webhook deliveries: guarded resolver, no redirects, no proxy from the
/// environment (a proxy would resolve names itself), short timeouts.
pub fn client(policy: TargetPolicy) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .dns_resolver(Arc::new(GuardedResolver(policy)))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .connect_timeout(std::time::Duration::from_secs(5))
        .timeout(std::time::Duration::from_secs(10))
        .user_agent(concat!("i-CLEFS-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(raw: &str) -> Result<TargetUrl, String> {
        TargetUrl::parse(raw, TargetPolicy::PublicOnly)
    }

    #[test]
    fn public_https_addresses_are_accepted() {
        for ok in [
            "https://grc.exemple.fr/webhooks/iclefs",
            "https://203.0.114.7:8443/hook?x=1",
            "https://[2a01:e0a::1]/hook",
            "https://8.8.8.8/",
        ] {
            assert!(public(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn internal_addresses_are_refused_in_every_spelling() {
        for bad in [
            "https://127.0.0.1/",
            "https://127.1.2.3/",
            "https://2130706433/",
            "https://0x7f.0.0.1/",
            "https://0177.0.0.1/",
            "https://10.0.0.1/",
            "https://172.16.5.4/",
            "https://192.168.1.1/",
            "https://169.254.169.254/latest/meta-data/",
            "https://100.64.0.1/",
            "https://0.0.0.0/",
            "https://255.255.255.255/",
            "https://[::1]/",
            "https://[::]/",
            "https://[::ffff:127.0.0.1]/",
            "https://[::ffff:169.254.169.254]/",
            "https://[fe80::1]/",
            "https://[fd00:ec2::254]/",
            "https://[64:ff9b::a00:1]/",
            "https://[2002:c0a8:101::1]/",
            "https://[::7f00:1]/",
            "https://192.0.2.1/",
        ] {
            let refused = public(bad).expect_err(bad);
            assert!(refused.starts_with("Adresse refusée"), "{bad}: {refused}");
        }
    }

    #[test]
    fn syntax_rules_are_explained() {
        for (bad, says) in [
            ("", "Indiquez"),
            ("grc.exemple.fr/hook", "illisible"),
            ("http://grc.exemple.fr/hook", "https://"),
            ("ftp://grc.exemple.fr/", "https://"),
            ("javascript:alert(1)", "https://"),
            ("https://user:pw@grc.exemple.fr/", "identifiant"),
            ("https://grc.exemple.fr/#x", "fragment"),
        ] {
            let message = public(bad).expect_err(bad);
            assert!(message.contains(says), "{bad}: {message}");
        }
        let long = format!("https://grc.exemple.fr/{}", "a".repeat(MAX_URL_CHARS));
        assert!(public(&long).is_err());
    }

    #[test]
    fn the_private_policy_allows_http_and_internal_addresses() {
        let private = TargetPolicy::AllowPrivate;
        assert!(TargetUrl::parse("http://127.0.0.1:9000/hook", private).is_ok());
        assert!(TargetUrl::parse("http://10.1.2.3/hook", private).is_ok());
        assert!(TargetUrl::parse("ftp://10.1.2.3/", private).is_err());
        assert!(TargetUrl::parse("http://u:p@10.1.2.3/", private).is_err());
    }

    #[tokio::test]
    async fn names_are_judged_by_what_they_resolve_to() {
        let url = public("https://localhost:8443/hook").expect("syntax is fine");
        let refused = url
            .check_resolution(TargetPolicy::PublicOnly)
            .await
            .expect_err("localhost is loopback");
        assert!(refused.contains("se résout en"), "{refused}");
        assert!(
            url.check_resolution(TargetPolicy::AllowPrivate)
                .await
                .is_ok()
        );
    }
}
