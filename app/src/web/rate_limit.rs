//! Per-IP rate limits on the actions worth guessing or flooding: admin login (password
//! guessing), citizen login starts and form posts (resource exhaustion).
//!
//! A fixed window per (client IP, bucket), kept in memory: enough for one instance; a shared
//! store is needed once several instances serve the same municipality. The client IP is the TCP
//! peer: `X-Forwarded-For` is ignored, so it cannot be spoofed to dodge the limit.

use axum::{
    extract::{ConnectInfo, Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::{
    collections::HashMap,
    net::{IpAddr, SocketAddr},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

/// A limit: at most `max` requests per `window`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub bucket: &'static str,
    pub max: u32,
    pub window: Duration,
}

/// Admin login: 20 attempts a minute per IP (démarches-simplifiées allows 25 per 15 s); a
/// town hall's agents often share one public address.
pub const ADMIN_LOGIN: Limit = Limit {
    bucket: "admin-login",
    max: 20,
    window: Duration::from_secs(60),
};

/// Citizen posts (login start, form, send): generous for a family sharing one connection.
pub const CITIZEN_POSTS: Limit = Limit {
    bucket: "citizen",
    max: 60,
    window: Duration::from_secs(60),
};

/// Who a limit counts: a client address, or an API token (`/api/v1` limits per token, since
/// one integration may call from several addresses and several from one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RateKey {
    Ip(IpAddr),
    Token(uuid::Uuid),
}

/// Start and count of the current window, per (key, bucket).
type Windows = HashMap<(RateKey, &'static str), (Instant, u32)>;

#[derive(Debug, Default)]
pub struct RateLimiter {
    windows: Mutex<Windows>,
}

impl RateLimiter {
    /// Counts one request; `Err(seconds)` tells how long to wait when over the limit.
    pub fn check(&self, ip: IpAddr, limit: Limit) -> Result<(), u64> {
        self.check_key(RateKey::Ip(ip), limit)
    }

    /// Counts one request for `key`; `Err(seconds)` when over the limit.
    pub fn check_key(&self, key: RateKey, limit: Limit) -> Result<(), u64> {
        let now = Instant::now();
        let Ok(mut windows) = self.windows.lock() else {
            return Ok(());
        };
        if windows.len() > 100_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(3600));
        }
        let entry = windows.entry((key, limit.bucket)).or_insert((now, 0));
        if now.duration_since(entry.0) >= limit.window {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        if entry.1 > limit.max {
            let wait = limit.window.saturating_sub(now.duration_since(entry.0));
            return Err(wait.as_secs().max(1));
        }
        Ok(())
    }
}

fn limit_for(method: &Method, path: &str) -> Option<Limit> {
    if method != Method::POST {
        return None;
    }
    if path == "/admin/login" {
        Some(ADMIN_LOGIN)
    } else if path.starts_with("/auth/") || path.starts_with("/s/") {
        Some(CITIZEN_POSTS)
    } else {
        None
    }
}

pub async fn middleware(
    State(limiter): State<Arc<RateLimiter>>,
    request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    if let (Some(ip), Some(limit)) = (peer, limit_for(request.method(), request.uri().path()))
        && let Err(wait) = limiter.check(ip, limit)
    {
        tracing::warn!(bucket = limit.bucket, "rate limit reached");
        let mut response = (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("Trop de tentatives en peu de temps. Réessayez dans {wait} secondes."),
        )
            .into_response();
        if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return response;
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_applies_per_ip_and_per_bucket() {
        let limiter = RateLimiter::default();
        let a: IpAddr = [192, 0, 2, 1].into();
        let b: IpAddr = [192, 0, 2, 2].into();
        for _ in 0..ADMIN_LOGIN.max {
            assert!(limiter.check(a, ADMIN_LOGIN).is_ok());
        }
        let wait = limiter.check(a, ADMIN_LOGIN).err();
        assert!(wait.is_some_and(|w| (1..=60).contains(&w)));
        assert!(
            limiter.check(b, ADMIN_LOGIN).is_ok(),
            "another address is not affected"
        );
        assert!(
            limiter.check(a, CITIZEN_POSTS).is_ok(),
            "another bucket is not affected"
        );
        assert_eq!(
            limit_for(&Method::GET, "/admin/login").map(|l| l.bucket),
            None
        );
        assert_eq!(
            limit_for(&Method::POST, "/s/demo/x/envoyer").map(|l| l.bucket),
            Some("citizen")
        );
    }
}
