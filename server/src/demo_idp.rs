//! The built-in demo identity provider: a small but real OpenID Connect provider shaped like
//! FranceConnect v2 (code flow, `acr_values=eidas1` required, 32+ character state and nonce,
//! `client_secret_post`, ES256 id_token, ES256-signed `application/jwt` userinfo, pairwise `sub`,
//! RP-initiated logout). It serves FranceConnect's test personas (identity.md §1.7).
//!
//! It is mounted only in demo mode, so a newcomer can try the whole journey without any account
//! anywhere; production refuses the `demo` preset. Its state lives in memory: restarting the
//! server ends pending logins, which is fine for a demo.

use axum::{
    Form, Json, Router,
    extract::{Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{Html, IntoResponse, Response},
    routing::{get, post},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use p256::ecdsa::{Signature, SigningKey, signature::Signer};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

pub const MOUNT: &str = "/demo-idp";
pub const CLIENT_ID: &str = "demo-client";
pub const CLIENT_SECRET: &str = "demo-client-secret";
const CODE_TTL: Duration = Duration::from_secs(30);
const TOKEN_TTL: Duration = Duration::from_secs(60);

/// FranceConnect's test personas, with their real-world quirks.
pub const PERSONAS: &[(&str, &str)] = &[
    (
        "test",
        r#"{"given_name":"Angela Claire Louise","family_name":"DUBOIS","preferred_username":"","gender":"female","birthdate":"1962-08-24","birthplace":"75107","birthcountry":"99100","email":"wossewodda-3728@yopmail.com"}"#,
    ),
    (
        "avec_nom_dusage",
        r#"{"given_name":"Pierre","family_name":"MERCIER","preferred_username":"DUBOIS","gender":"male","birthdate":"1969-03-17","birthplace":"95277","birthcountry":"99100","email":"pierre.mercier@yopmail.com"}"#,
    ),
    (
        "naissance_Belgique",
        r#"{"given_name":"Lucie","family_name":"PEETERS","preferred_username":"","gender":"female","birthdate":"1985-05-12","birthplace":"","birthcountry":"99131","email":"lucie.peeters@yopmail.com"}"#,
    ),
    (
        "mois_00",
        r#"{"given_name":"Jean","family_name":"MARTIN","preferred_username":"","gender":"male","birthdate":"1977-00-03","birthplace":"2A004","birthcountry":"99100","email":"jean.martin@yopmail.com"}"#,
    ),
    (
        "genre_indefini",
        r#"{"given_name":"Camille","family_name":"PETIT","preferred_username":"","gender":"unspecified","birthdate":"1992-11-00","birthplace":"69123","birthcountry":"99100","email":"camille.petit@yopmail.com"}"#,
    ),
];

struct Grant {
    login: String,
    scopes: Vec<String>,
    nonce: String,
    redirect_uri: String,
    at: Instant,
}

struct Idp {
    issuer: String,
    key: SigningKey,
    kid: String,
    codes: Mutex<HashMap<String, Grant>>,
    tokens: Mutex<HashMap<String, Grant>>,
}

type Shared = Arc<Idp>;

/// The provider's routes, to nest under [`MOUNT`]; `issuer` is its absolute URL.
pub fn router(issuer: &str) -> anyhow::Result<Router<app::state::AppState>> {
    let key = SigningKey::random(&mut rand::rngs::OsRng);
    let idp = Arc::new(Idp {
        issuer: issuer.to_owned(),
        key,
        kid: format!(
            "demo-{}",
            &hex_digest(&uuid::Uuid::now_v7().to_string())[..8]
        ),
        codes: Mutex::default(),
        tokens: Mutex::default(),
    });
    Ok(Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/jwks", get(jwks))
        .route("/authorize", get(authorize))
        .route("/authorize/confirm", post(confirm))
        .route("/token", post(token))
        .route("/userinfo", get(userinfo))
        .route("/session/end", get(end_session))
        .with_state(idp))
}

fn hex_digest(input: &str) -> String {
    Sha256::digest(input.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn random(bytes: usize) -> String {
    app::crypto::random_token(bytes)
}

impl Idp {
    fn sign(&self, claims: &Value) -> String {
        es256_jws(&self.key, &self.kid, claims)
    }

    /// Pairwise subject: a different `sub` for each client, as FranceConnect does.
    fn sub(login: &str) -> String {
        format!("{}v1", hex_digest(&format!("{CLIENT_ID}:{login}")))
    }
}

async fn discovery(State(idp): State<Shared>) -> Json<Value> {
    let i = &idp.issuer;
    Json(json!({
        "issuer": i,
        "authorization_endpoint": format!("{i}/authorize"),
        "token_endpoint": format!("{i}/token"),
        "userinfo_endpoint": format!("{i}/userinfo"),
        "end_session_endpoint": format!("{i}/session/end"),
        "jwks_uri": format!("{i}/jwks"),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "userinfo_signing_alg_values_supported": ["ES256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post"],
        "acr_values_supported": ["eidas1"],
        "scopes_supported": ["openid", "given_name", "family_name", "birthdate", "gender", "birthplace", "birthcountry", "email", "preferred_username"],
        "claims_supported": ["sub", "given_name", "family_name", "birthdate", "gender", "birthplace", "birthcountry", "email", "preferred_username", "acr", "amr"]
    }))
}

/// A compact JWS of `claims` signed with ES256 under key id `kid` (also used by the tests'
/// rogue provider to forge tokens).
pub fn es256_jws(key: &SigningKey, kid: &str, claims: &Value) -> String {
    let header = json!({"alg": "ES256", "typ": "JWT", "kid": kid});
    let h = URL_SAFE_NO_PAD.encode(header.to_string());
    let p = URL_SAFE_NO_PAD.encode(claims.to_string());
    let message = format!("{h}.{p}");
    let signature: Signature = key.sign(message.as_bytes());
    format!("{message}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
}

/// The public JWK of a P-256 signing key, as published in a JWKS.
pub fn es256_jwk(key: &SigningKey, kid: &str) -> Value {
    let point = key.verifying_key().to_encoded_point(false);
    let coord =
        |c: Option<&p256::FieldBytes>| c.map(|b| URL_SAFE_NO_PAD.encode(b)).unwrap_or_default();
    json!({
        "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": kid,
        "x": coord(point.x()), "y": coord(point.y())
    })
}

async fn jwks(State(idp): State<Shared>) -> Json<Value> {
    Json(json!({"keys": [es256_jwk(&idp.key, &idp.kid)]}))
}

fn bad_request(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Html(page(
            "Requête refusée",
            &format!("<p>{}</p>", escape(message)),
        )),
    )
        .into_response()
}

fn escape(raw: &str) -> String {
    raw.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn page(title: &str, body: &str) -> String {
    format!(
        r#"<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} – fournisseur d'identité de démonstration</title><link rel="stylesheet" href="/pkg/iclefs.css"></head><body><header class="site-header"><div class="container"><p class="site-header__municipality">Fournisseur d'identité de démonstration</p><p class="site-header__tagline">Comme FranceConnect, avec des identités de test</p></div></header><main id="contenu" class="container main"><h1>{title}</h1>{body}</main></body></html>"#
    )
}

#[derive(Debug, Deserialize)]
struct AuthorizeQuery {
    response_type: Option<String>,
    client_id: Option<String>,
    redirect_uri: Option<String>,
    scope: Option<String>,
    state: Option<String>,
    nonce: Option<String>,
    acr_values: Option<String>,
}

/// Shows the persona picker after checking the request as FranceConnect would.
async fn authorize(State(idp): State<Shared>, Query(q): Query<AuthorizeQuery>) -> Response {
    if q.client_id.as_deref() != Some(CLIENT_ID) {
        return bad_request("client_id inconnu.");
    }
    let Some(redirect_uri) = q.redirect_uri.filter(|r| same_origin(r, &idp.issuer)) else {
        return bad_request("redirect_uri non enregistrée.");
    };
    if q.response_type.as_deref() != Some("code") {
        return bad_request("Seul response_type=code est accepté.");
    }
    let scope = q.scope.unwrap_or_default();
    if !scope.split(' ').any(|s| s == "openid") {
        return bad_request("Le scope doit contenir openid.");
    }
    if q.acr_values.as_deref() != Some("eidas1") {
        return bad_request("acr_values=eidas1 est obligatoire.");
    }
    let (Some(state), Some(nonce)) = (q.state, q.nonce) else {
        return bad_request("state et nonce sont obligatoires.");
    };
    if state.len() < 32 || nonce.len() < 32 {
        return bad_request("state et nonce doivent compter au moins 32 caractères.");
    }
    let hidden = |name: &str, value: &str| {
        format!(
            r#"<input type="hidden" name="{name}" value="{}">"#,
            escape(value)
        )
    };
    let personas: String = PERSONAS
        .iter()
        .enumerate()
        .map(|(i, (login, claims))| {
            let c: Value = serde_json::from_str(claims).unwrap_or_default();
            let name = format!(
                "{} {} – né(e) le {}",
                c.get("family_name").and_then(Value::as_str).unwrap_or_default(),
                c.get("given_name").and_then(Value::as_str).unwrap_or_default(),
                c.get("birthdate").and_then(Value::as_str).unwrap_or_default()
            );
            let checked = if i == 0 { " checked" } else { "" };
            format!(
                r#"<div class="choice"><input type="radio" id="p{i}" name="login" value="{login}"{checked}><label for="p{i}">{} <span class="hint">({login})</span></label></div>"#,
                escape(&name)
            )
        })
        .collect();
    let body = format!(
        r#"<p>Choisissez l'identité de test avec laquelle vous connecter. Aucune donnée réelle n'est utilisée.</p>
<form method="post" action="{mount}/authorize/confirm" class="form">
{h1}{h2}{h3}{h4}
<fieldset class="field"><legend>Identité de test</legend>{personas}</fieldset>
<div class="actions"><button type="submit" name="action" value="login" class="button">Se connecter</button>
<button type="submit" name="action" value="cancel" class="button button--secondary">Annuler</button></div>
</form>"#,
        mount = MOUNT,
        h1 = hidden("redirect_uri", &redirect_uri),
        h2 = hidden("scope", &scope),
        h3 = hidden("state", &state),
        h4 = hidden("nonce", &nonce),
    );
    Html(page("Connexion de démonstration", &body)).into_response()
}

fn same_origin(url: &str, issuer: &str) -> bool {
    match (url::Url::parse(url), url::Url::parse(issuer)) {
        (Ok(a), Ok(b)) => a.origin() == b.origin(),
        _ => false,
    }
}

#[derive(Debug, Deserialize)]
struct ConfirmForm {
    redirect_uri: String,
    scope: String,
    state: String,
    nonce: String,
    login: Option<String>,
    action: Option<String>,
}

async fn confirm(State(idp): State<Shared>, Form(f): Form<ConfirmForm>) -> Response {
    let Ok(mut target) = url::Url::parse(&f.redirect_uri) else {
        return bad_request("redirect_uri invalide.");
    };
    if !same_origin(&f.redirect_uri, &idp.issuer) {
        return bad_request("redirect_uri non enregistrée.");
    }
    if f.action.as_deref() == Some("cancel") {
        target
            .query_pairs_mut()
            .append_pair("error", "access_denied")
            .append_pair("error_description", "User auth aborted")
            .append_pair("state", &f.state);
    } else {
        let login = f.login.unwrap_or_default();
        if !PERSONAS.iter().any(|(l, _)| *l == login) {
            return bad_request("Identité de test inconnue.");
        }
        let code = random(32);
        if let Ok(mut codes) = idp.codes.lock() {
            codes.retain(|_, g| g.at.elapsed() < CODE_TTL);
            codes.insert(
                code.clone(),
                Grant {
                    login,
                    scopes: f.scope.split(' ').map(str::to_owned).collect(),
                    nonce: f.nonce,
                    redirect_uri: f.redirect_uri.clone(),
                    at: Instant::now(),
                },
            );
        }
        target
            .query_pairs_mut()
            .append_pair("code", &code)
            .append_pair("state", &f.state);
    }
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, target.to_string())],
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
struct TokenForm {
    grant_type: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

fn oauth_error(code: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({"error": code}))).into_response()
}

async fn token(State(idp): State<Shared>, Form(f): Form<TokenForm>) -> Response {
    // client_secret_post only, like FranceConnect.
    if f.client_id.as_deref() != Some(CLIENT_ID)
        || f.client_secret.as_deref() != Some(CLIENT_SECRET)
    {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    if f.grant_type.as_deref() != Some("authorization_code") {
        return oauth_error("unsupported_grant_type");
    }
    // A code is single use: removed whether or not the rest is valid.
    let grant = idp
        .codes
        .lock()
        .ok()
        .and_then(|mut codes| codes.remove(f.code.as_deref().unwrap_or_default()));
    let Some(grant) = grant.filter(|g| g.at.elapsed() < CODE_TTL) else {
        return oauth_error("invalid_grant");
    };
    if f.redirect_uri.as_deref() != Some(grant.redirect_uri.as_str()) {
        return oauth_error("invalid_grant");
    }
    let now = chrono::Utc::now().timestamp();
    let id_token = idp.sign(&json!({
        "iss": idp.issuer, "sub": Idp::sub(&grant.login), "aud": CLIENT_ID,
        "exp": now + 60, "iat": now, "auth_time": now, "nonce": grant.nonce,
        "acr": "eidas1", "amr": ["pwd"]
    }));
    let access_token = random(32);
    if let Ok(mut tokens) = idp.tokens.lock() {
        tokens.retain(|_, g| g.at.elapsed() < TOKEN_TTL);
        tokens.insert(
            access_token.clone(),
            Grant {
                at: Instant::now(),
                ..grant
            },
        );
    }
    Json(json!({"access_token": access_token, "token_type": "Bearer", "expires_in": 60, "id_token": id_token})).into_response()
}

async fn userinfo(State(idp): State<Shared>, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let grant = idp.tokens.lock().ok().and_then(|t| {
        t.get(token)
            .filter(|g| g.at.elapsed() < TOKEN_TTL)
            .map(|g| (g.login.clone(), g.scopes.clone()))
    });
    let Some((login, scopes)) = grant else {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")],
        )
            .into_response();
    };
    let persona: Value = PERSONAS
        .iter()
        .find(|(l, _)| *l == login)
        .and_then(|(_, c)| serde_json::from_str(c).ok())
        .unwrap_or_default();
    let now = chrono::Utc::now().timestamp();
    let mut claims = json!({"iss": idp.issuer, "aud": CLIENT_ID, "sub": Idp::sub(&login), "iat": now, "exp": now + 60});
    // Only the claims whose scope was granted (data minimisation, as FranceConnect).
    for scope in &scopes {
        if let (Some(v), Some(obj)) = (persona.get(scope.as_str()), claims.as_object_mut()) {
            obj.insert(scope.clone(), v.clone());
        }
    }
    (
        [(header::CONTENT_TYPE, "application/jwt")],
        idp.sign(&claims),
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
struct EndSession {
    state: Option<String>,
    post_logout_redirect_uri: Option<String>,
}

async fn end_session(State(idp): State<Shared>, Query(q): Query<EndSession>) -> Response {
    let Some(mut target) = q
        .post_logout_redirect_uri
        .filter(|u| same_origin(u, &idp.issuer))
        .and_then(|u| url::Url::parse(&u).ok())
    else {
        return bad_request("post_logout_redirect_uri non enregistrée.");
    };
    if let Some(state) = q.state {
        target.query_pairs_mut().append_pair("state", &state);
    }
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, target.to_string())],
    )
        .into_response()
}
