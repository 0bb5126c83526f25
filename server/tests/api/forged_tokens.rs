//! Forged and faulty answers from the identity provider.
//!
//! A rogue OpenID Connect provider runs in the test on its own port (real HTTP, a real P-256 key,
//! a discovery document and a JWKS like FranceConnect v2's). For each fault of FranceConnect's
//! partner checklist it answers the token or userinfo request with a bad token; the municipality
//! is configured to use it. Every fault must end on the "identity could not be verified" page
//! with no citizen session and no submission; the same provider answering correctly logs the
//! citizen in, so the refusals are not an artefact of the stand-in.

use super::helpers::{ADMIN_EMAIL, Browser, TestApp};
use app::db::entities::session;
use axum::{
    Form, Json, Router,
    extract::{Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use p256::ecdsa::SigningKey;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use server::demo_idp::{es256_jwk as jwk, es256_jws as es256};
use sha2::{Digest, Sha256};
use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex},
};

const CLIENT_ID: &str = "rogue-client";
const CLIENT_SECRET: &str = "rogue-client-secret-0123456789";
const SUB: &str = "b6048e95bb134ec5b1d1e1fa69f287172e91722b9354d637a1bcf2ebb0fd2ef5v1";

/// What the provider gets wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    None,
    /// id_token signed by a key that is not in the JWKS, under the JWKS's key id.
    BadSignature,
    /// `alg: none`, empty signature.
    AlgNone,
    /// HS256 with the provider's public key (JWK JSON) as the HMAC secret.
    Hs256WithPublicKey,
    /// A key id the JWKS does not have, even after a refresh.
    UnknownKid,
    /// The key was rotated: the id_token's key id appears only in a fresh JWKS (must succeed).
    RotatedKey,
    Expired,
    WrongIssuer,
    WrongAudience,
    WrongNonce,
    MissingNonce,
    /// `acr: eidas0` when `eidas1` was requested.
    LowerAcr,
    /// userinfo as plain `application/json`.
    UnsignedUserinfo,
    /// userinfo signed correctly but for another `sub`.
    UserinfoOtherSub,
    /// userinfo whose signature does not verify.
    UserinfoBadSignature,
}

struct Rogue {
    issuer: String,
    key: SigningKey,
    kid: String,
    /// The key published only once `rotated` is set.
    next_key: SigningKey,
    stranger: SigningKey,
    fault: Fault,
    rotated: bool,
    codes: HashMap<String, String>,
    used: HashSet<String>,
}

type Shared = Arc<Mutex<Rogue>>;

fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// HMAC-SHA256 (RFC 2104), enough to forge an HS256 token.
fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .to_vec()
}

impl Rogue {
    fn id_token(&self, nonce: &str) -> String {
        let now = chrono::Utc::now().timestamp();
        let mut claims = json!({
            "iss": self.issuer, "sub": SUB, "aud": CLIENT_ID, "exp": now + 60, "iat": now,
            "auth_time": now, "nonce": nonce, "acr": "eidas1", "amr": ["pwd"]
        });
        let set = |claims: &mut Value, name: &str, value: Value| {
            if let Some(obj) = claims.as_object_mut() {
                obj.insert(name.to_owned(), value);
            }
        };
        match self.fault {
            Fault::Expired => {
                set(&mut claims, "exp", json!(now - 600));
                set(&mut claims, "iat", json!(now - 1200));
            }
            Fault::WrongIssuer => set(&mut claims, "iss", json!("https://evil.example/api/v2")),
            Fault::WrongAudience => set(&mut claims, "aud", json!("another-client")),
            Fault::WrongNonce => set(&mut claims, "nonce", json!("x".repeat(43))),
            Fault::MissingNonce => {
                if let Some(obj) = claims.as_object_mut() {
                    obj.remove("nonce");
                }
            }
            Fault::LowerAcr => set(&mut claims, "acr", json!("eidas0")),
            _ => {}
        }
        match self.fault {
            Fault::BadSignature => es256(&self.stranger, &self.kid, &claims),
            Fault::UnknownKid => es256(&self.stranger, "never-published", &claims),
            Fault::RotatedKey => es256(&self.next_key, "rotated", &claims),
            Fault::AlgNone => format!(
                "{}.{}.",
                b64(json!({"alg": "none", "typ": "JWT"}).to_string()),
                b64(claims.to_string())
            ),
            Fault::Hs256WithPublicKey => {
                let message = format!(
                    "{}.{}",
                    b64(json!({"alg": "HS256", "typ": "JWT", "kid": self.kid}).to_string()),
                    b64(claims.to_string())
                );
                let secret = jwk(&self.key, &self.kid).to_string();
                let mac = hmac_sha256(secret.as_bytes(), message.as_bytes());
                format!("{message}.{}", b64(mac))
            }
            _ => es256(&self.key, &self.kid, &claims),
        }
    }

    fn userinfo(&self) -> Response {
        let now = chrono::Utc::now().timestamp();
        let mut claims = json!({
            "iss": self.issuer, "aud": CLIENT_ID, "sub": SUB, "iat": now, "exp": now + 60,
            "given_name": "Angela Claire Louise", "family_name": "DUBOIS", "birthdate": "1962-08-24"
        });
        match self.fault {
            Fault::UnsignedUserinfo => return Json(claims).into_response(),
            Fault::UserinfoOtherSub => {
                if let Some(obj) = claims.as_object_mut() {
                    obj.insert("sub".to_owned(), json!("someone-else"));
                }
            }
            _ => {}
        }
        let jwt = match self.fault {
            Fault::UserinfoBadSignature => es256(&self.stranger, &self.kid, &claims),
            Fault::RotatedKey => es256(&self.next_key, "rotated", &claims),
            _ => es256(&self.key, &self.kid, &claims),
        };
        ([(header::CONTENT_TYPE, "application/jwt")], jwt).into_response()
    }
}

async fn discovery(State(r): State<Shared>) -> Json<Value> {
    let i = r.lock().expect("rogue").issuer.clone();
    Json(json!({
        "issuer": i,
        "authorization_endpoint": format!("{i}/authorize"),
        "token_endpoint": format!("{i}/token"),
        "userinfo_endpoint": format!("{i}/userinfo"),
        "end_session_endpoint": format!("{i}/session/end"),
        "jwks_uri": format!("{i}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["ES256", "RS256", "HS256", "none"],
        "userinfo_signing_alg_values_supported": ["ES256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post"],
        "acr_values_supported": ["eidas1"],
        "scopes_supported": ["openid", "given_name", "family_name", "birthdate"]
    }))
}

async fn jwks(State(r): State<Shared>) -> Json<Value> {
    let r = r.lock().expect("rogue");
    let mut keys = vec![jwk(&r.key, &r.kid)];
    if r.rotated {
        keys.push(jwk(&r.next_key, "rotated"));
    }
    Json(json!({ "keys": keys }))
}

async fn authorize(State(r): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Response {
    let (Some(redirect), Some(state), Some(nonce)) =
        (q.get("redirect_uri"), q.get("state"), q.get("nonce"))
    else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let code = app::crypto::random_token(24);
    let mut rogue = r.lock().expect("rogue");
    rogue.codes.insert(code.clone(), nonce.clone());
    // Once the authorization has started, a rotated key may be published.
    if rogue.fault == Fault::RotatedKey {
        rogue.rotated = true;
    }
    Redirect::to(&format!("{redirect}?code={code}&state={state}")).into_response()
}

async fn token(State(r): State<Shared>, Form(f): Form<HashMap<String, String>>) -> Response {
    let mut rogue = r.lock().expect("rogue");
    if f.get("client_secret").map(String::as_str) != Some(CLIENT_SECRET) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    let code = f.get("code").cloned().unwrap_or_default();
    // Single use, as any provider: a replayed code is refused.
    if !rogue.used.insert(code.clone()) {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid_grant"})),
        )
            .into_response();
    }
    let Some(nonce) = rogue.codes.get(&code).cloned() else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid_grant"})),
        )
            .into_response();
    };
    let id_token = rogue.id_token(&nonce);
    Json(
        json!({"access_token": "rogue-access-token", "token_type": "Bearer",
                "expires_in": 60, "id_token": id_token}),
    )
    .into_response()
}

async fn userinfo(State(r): State<Shared>, _headers: HeaderMap) -> Response {
    r.lock().expect("rogue").userinfo()
}

/// Starts the rogue provider; returns its issuer and a handle to change its fault.
async fn start_rogue() -> (String, Shared) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let issuer = format!("http://{}/api/v2", listener.local_addr().expect("addr"));
    let shared = Arc::new(Mutex::new(Rogue {
        issuer: issuer.clone(),
        key: SigningKey::random(&mut rand::rngs::OsRng),
        kid: "rogue-1".to_owned(),
        next_key: SigningKey::random(&mut rand::rngs::OsRng),
        stranger: SigningKey::random(&mut rand::rngs::OsRng),
        fault: Fault::None,
        rotated: false,
        codes: HashMap::new(),
        used: HashSet::new(),
    }));
    let routes = Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/jwks", get(jwks))
        .route("/authorize", get(authorize))
        .route("/token", post(token))
        .route("/userinfo", get(userinfo))
        .with_state(shared.clone());
    let router = Router::new().nest("/api/v2", routes);
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (issuer, shared)
}

async fn citizen_sessions(app: &TestApp) -> u64 {
    session::Entity::find()
        .filter(session::Column::Kind.eq("citizen"))
        .count(&app.db)
        .await
        .expect("count")
}

/// Starts a login on `service`, lets the provider redirect back, returns the callback's answer
/// and the callback URL.
async fn login(citizen: &Browser, service: &str) -> (super::helpers::Page, String) {
    let callback = citizen
        .start_login(service)
        .await
        .location
        .expect("callback");
    (citizen.get(&callback).await, callback)
}

#[tokio::test]
async fn every_forged_or_faulty_token_is_refused_and_creates_nothing() {
    let (issuer, rogue) = start_rogue().await;
    let app = TestApp::spawn_with(|c| {
        c.seed_fc_issuer = Some(issuer.clone());
        c.seed_fc_client_id = CLIENT_ID.to_owned();
        c.seed_fc_client_secret = CLIENT_SECRET.to_owned();
    })
    .await;
    let admin = app.browser();
    admin.admin_login(ADMIN_EMAIL).await;
    let service = admin.publish_library_service("Carte de lecteur").await.1;

    let faults = [
        Fault::BadSignature,
        Fault::AlgNone,
        Fault::Hs256WithPublicKey,
        Fault::UnknownKid,
        Fault::Expired,
        Fault::WrongIssuer,
        Fault::WrongAudience,
        Fault::WrongNonce,
        Fault::MissingNonce,
        Fault::LowerAcr,
        Fault::UnsignedUserinfo,
        Fault::UserinfoOtherSub,
        Fault::UserinfoBadSignature,
    ];
    for fault in faults {
        rogue.lock().expect("rogue").fault = fault;
        let citizen = app.browser();
        let (page, _) = login(&citizen, &service).await;
        assert_ne!(page.status, StatusCode::SEE_OTHER, "{fault:?} was accepted");
        assert!(page.status.is_client_error() || page.status.is_server_error());
        assert!(
            page.body
                .contains("Votre identité n'a pas pu être vérifiée"),
            "{fault:?}: {}",
            page.body
        );
        assert!(
            page.body.contains("S’identifier avec"),
            "{fault:?}: the login is offered again"
        );
        assert_eq!(
            citizen_sessions(&app).await,
            0,
            "{fault:?} opened a session"
        );
        // The form stays closed to this browser.
        let form = citizen.get(&format!("{service}/formulaire")).await;
        assert_ne!(form.status, StatusCode::OK, "{fault:?}: form reachable");
    }
    assert_eq!(app.submissions().await, 0);

    // A rotated key is found by fetching the JWKS again: that login succeeds.
    rogue.lock().expect("rogue").fault = Fault::RotatedKey;
    let citizen = app.browser();
    let (page, _) = login(&citizen, &service).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(citizen_sessions(&app).await, 1);

    // The same honest provider: a login works, and its code cannot be used twice, even with a
    // fresh state of the same browser.
    rogue.lock().expect("rogue").fault = Fault::None;
    let citizen = app.browser();
    let (page, callback) = login(&citizen, &service).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(citizen_sessions(&app).await, 2);
    let code = url::Url::parse(&callback)
        .expect("callback url")
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("code");
    let attacker = app.browser();
    let municipality = service.split('/').nth(2).unwrap_or_default();
    let slug = service.rsplit('/').next().unwrap_or_default();
    let start = attacker
        .post(&format!("/auth/{municipality}/login"), &[("service", slug)])
        .await;
    let fresh_state = url::Url::parse(&start.location.expect("authorize"))
        .expect("authorize url")
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .expect("state");
    let replay = attacker
        .get(&format!(
            "/auth/{municipality}/callback?code={code}&state={fresh_state}"
        ))
        .await;
    assert_ne!(replay.status, StatusCode::SEE_OTHER);
    assert!(
        replay
            .body
            .contains("Votre identité n'a pas pu être vérifiée")
    );
    assert_eq!(citizen_sessions(&app).await, 2);
    assert_eq!(app.submissions().await, 0);
}
