//! Citizen identity through OpenID Connect: FranceConnect v2 and the providers shaped like it.
//!
//! The rules follow FranceConnect's partner checklist (`shared/reference/identity.md` §7):
//! authorization code flow, `state` and `nonce` of 32+ random bytes stored server side, only the
//! scopes the service needs, `client_secret_post`, signing algorithms pinned to ES256/RS256,
//! id_token checked for `iss`, `aud`, `exp`, `nonce` and `acr`, the JWKS fetched again once when a
//! key id is unknown, and userinfo accepted only as a signed JWT whose `sub` matches the id_token.
//! The `openidconnect` crate verifies the id_token; it only accepts RS256 userinfo, so userinfo is
//! verified here by hand with the provider's JWKS (ES256 or RS256).

pub mod presets;

use crate::domain::IdentityClaim;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use openidconnect::{
    AuthenticationContextClass, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl,
    JsonWebKey, Nonce, OAuth2TokenResponse, ProviderMetadataWithLogout, RedirectUrl, Scope,
    core::{CoreAuthenticationFlow, CoreClient, CoreJwsSigningAlgorithm},
};
pub use presets::ProviderPreset;
use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};
use tokio::sync::RwLock;

/// Discovery documents are cached this long; an unknown key id forces a refresh before it.
const METADATA_TTL: Duration = Duration::from_secs(600);
/// A provider that does not answer within this delay is reported as unavailable.
pub const PROVIDER_TIMEOUT: Duration = Duration::from_secs(4);

/// Why a login did not complete. Every variant leaves the citizen on a page that offers to retry;
/// none of them creates a session.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("identity provider unreachable: {0}")]
    Unavailable(String),
    #[error("the citizen or the provider cancelled the login: {0}")]
    Denied(String),
    #[error("unknown, expired or foreign state")]
    BadState,
    #[error("token exchange refused: {0}")]
    TokenExchange(String),
    #[error("id_token rejected: {0}")]
    IdToken(String),
    #[error("userinfo rejected: {0}")]
    UserInfo(String),
    #[error("identity provider not configured for this municipality")]
    NotConfigured,
}

impl IdentityError {
    /// The sentence shown to the citizen (no technical detail: those go to the logs).
    pub fn message_fr(&self) -> &'static str {
        self.message(crate::i18n::Lang::Fr)
    }

    pub fn message(&self, lang: crate::i18n::Lang) -> &'static str {
        use crate::i18n::catalogue as t;
        match self {
            Self::Unavailable(_) => t::IDP_UNAVAILABLE,
            Self::Denied(_) => t::IDP_DENIED,
            Self::BadState => t::IDP_BAD_STATE,
            Self::TokenExchange(_) | Self::IdToken(_) | Self::UserInfo(_) => t::IDP_REFUSED,
            Self::NotConfigured => t::IDP_NOT_CONFIGURED,
        }
        .get(lang)
    }
}

/// A provider as configured for one municipality (secret already decrypted, in memory only).
#[derive(Clone)]
pub struct ProviderConfig {
    pub preset: ProviderPreset,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
}

/// The secret never reaches a log, even through `{:?}`.
impl std::fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderConfig")
            .field("preset", &self.preset.key)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .finish()
    }
}

/// What a verified login yields.
#[derive(Debug, Clone)]
pub struct VerifiedLogin {
    pub sub: String,
    pub acr: String,
    pub authenticated_at: chrono::DateTime<chrono::Utc>,
    /// Kept only to send it back as `id_token_hint` at logout.
    pub id_token: String,
    pub userinfo: serde_json::Value,
}

type Metadata = ProviderMetadataWithLogout;
/// Discovery documents by issuer, with the time they were fetched.
type MetadataCache = Arc<RwLock<HashMap<String, (Instant, Arc<Metadata>)>>>;

/// The HTTP client and the discovery cache shared by every municipality.
#[derive(Clone)]
pub struct OidcClients {
    http: reqwest::Client,
    cache: MetadataCache,
}

impl OidcClients {
    pub fn new() -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            // Following redirects on back-channel calls would open the door to SSRF.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(PROVIDER_TIMEOUT)
            .connect_timeout(PROVIDER_TIMEOUT)
            .build()?;
        Ok(Self {
            http,
            cache: Arc::default(),
        })
    }

    /// The provider's discovery document (and JWKS), from cache unless `refresh`.
    pub async fn metadata(
        &self,
        issuer: &str,
        refresh: bool,
    ) -> Result<Arc<Metadata>, IdentityError> {
        if !refresh
            && let Some((at, meta)) = self.cache.read().await.get(issuer)
            && at.elapsed() < METADATA_TTL
        {
            return Ok(meta.clone());
        }
        let issuer_url = IssuerUrl::new(issuer.to_owned())
            .map_err(|e| IdentityError::Unavailable(e.to_string()))?;
        let meta = tokio::time::timeout(
            PROVIDER_TIMEOUT,
            Metadata::discover_async(issuer_url, &self.http),
        )
        .await
        .map_err(|_| IdentityError::Unavailable("discovery timed out".to_owned()))?
        .map_err(|e| IdentityError::Unavailable(format!("discovery failed: {e}")))?;
        let meta = Arc::new(meta);
        self.cache
            .write()
            .await
            .insert(issuer.to_owned(), (Instant::now(), meta.clone()));
        Ok(meta)
    }

    /// "Tester la connexion": fetches the discovery document and the JWKS of `issuer` and says,
    /// check by check and in plain French, what is wrong. The client id and secret cannot be
    /// checked without a real login; the report says so.
    pub async fn diagnose(
        &self,
        issuer: &str,
        preset: &ProviderPreset,
    ) -> Vec<crate::providers::types::CheckLine> {
        let acr = preset.acr_value;
        use crate::providers::types::CheckStatus;
        use serde_json::Value;
        let mut out = Vec::new();
        let push = check;
        let discovery = format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        );
        let Some(doc) = self
            .fetch_json(&discovery, &mut out, "Adresse joignable")
            .await
        else {
            return out;
        };
        push(
            &mut out,
            "Adresse joignable",
            CheckStatus::Passed,
            format!("{discovery} répond."),
        );
        let text = |v: &Value, name: &str| v.get(name).and_then(Value::as_str).map(str::to_owned);
        let list = |name: &str| -> Vec<String> {
            doc.get(name)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        match text(&doc, "issuer") {
            Some(i) if i == issuer => push(
                &mut out,
                "Émetteur",
                CheckStatus::Passed,
                format!("Le fournisseur se présente bien comme {i}."),
            ),
            Some(i) => push(
                &mut out,
                "Émetteur",
                CheckStatus::Failed,
                format!(
                    "Le fournisseur se présente comme « {i} », pas comme l'adresse saisie : les jetons seraient refusés. Corrigez l'adresse."
                ),
            ),
            None => push(
                &mut out,
                "Émetteur",
                CheckStatus::Failed,
                "Le document de découverte n'indique pas d'émetteur (issuer).".to_owned(),
            ),
        }
        let missing: Vec<&str> = [
            "authorization_endpoint",
            "token_endpoint",
            "userinfo_endpoint",
            "jwks_uri",
        ]
        .into_iter()
        .filter(|n| text(&doc, n).is_none())
        .collect();
        if missing.is_empty() {
            push(
                &mut out,
                "Points d'accès",
                CheckStatus::Passed,
                "Autorisation, jeton, informations d'identité et clés publiques sont annoncés."
                    .to_owned(),
            );
        } else {
            push(
                &mut out,
                "Points d'accès",
                CheckStatus::Failed,
                format!("Points d'accès manquants : {}.", missing.join(", ")),
            );
        }
        // FranceConnect takes the secret in the form body only; FAS takes HTTP Basic only.
        let (method, method_label) = if preset.client_secret_basic {
            ("client_secret_basic", "HTTP Basic (client_secret_basic)")
        } else {
            (
                "client_secret_post",
                "dans le formulaire (client_secret_post)",
            )
        };
        let methods = list("token_endpoint_auth_methods_supported");
        // OpenID Connect Discovery: an absent list means client_secret_basic only.
        let accepted = if methods.is_empty() {
            method == "client_secret_basic"
        } else {
            methods.iter().any(|m| m == method)
        };
        if accepted {
            push(
                &mut out,
                "Authentification du client",
                CheckStatus::Passed,
                format!(
                    "Le secret client est envoyé {method_label}, comme le fournisseur l'accepte."
                ),
            );
        } else {
            push(
                &mut out,
                "Authentification du client",
                CheckStatus::Failed,
                format!(
                    "Le fournisseur n'accepte pas le secret client envoyé {method_label} (il accepte : {}). Vérifiez que le bon fournisseur est choisi.",
                    if methods.is_empty() {
                        "client_secret_basic".to_owned()
                    } else {
                        methods.join(", ")
                    }
                ),
            );
        }
        let pinned = |algs: &[String]| algs.iter().any(|a| a == "ES256" || a == "RS256");
        if pinned(&list("id_token_signing_alg_values_supported")) {
            push(
                &mut out,
                "Signature des jetons d'identité",
                CheckStatus::Passed,
                "ES256 ou RS256 proposé (i-CLEFS refuse HS256 et les jetons non signés)."
                    .to_owned(),
            );
        } else {
            push(
                &mut out,
                "Signature des jetons d'identité",
                CheckStatus::Failed,
                "Ni ES256 ni RS256 proposé : i-CLEFS n'accepte que ces signatures.".to_owned(),
            );
        }
        if pinned(&list("userinfo_signing_alg_values_supported")) {
            push(
                &mut out,
                "Informations d'identité signées",
                CheckStatus::Passed,
                "Le fournisseur signe les informations d'identité (userinfo) ; i-CLEFS refuse celles qui ne sont pas signées."
                    .to_owned(),
            );
        } else {
            push(
                &mut out,
                "Informations d'identité signées",
                CheckStatus::Failed,
                "Le fournisseur n'annonce pas de signature ES256 ou RS256 des informations d'identité : elles seraient refusées."
                    .to_owned(),
            );
        }
        if let Some(acr) = acr {
            let offered = list("acr_values_supported");
            if offered.is_empty() || offered.iter().any(|a| a == acr) {
                push(
                    &mut out,
                    "Niveau de garantie",
                    CheckStatus::Passed,
                    format!("Le niveau {acr} est demandé à chaque connexion."),
                );
            } else {
                push(
                    &mut out,
                    "Niveau de garantie",
                    CheckStatus::Failed,
                    format!(
                        "Le fournisseur ne propose pas le niveau {acr} (il propose : {}).",
                        offered.join(", ")
                    ),
                );
            }
        }
        if text(&doc, "end_session_endpoint").is_some() {
            push(
                &mut out,
                "Déconnexion",
                CheckStatus::Passed,
                "La déconnexion du fournisseur est proposée en fin de démarche.".to_owned(),
            );
        } else {
            push(
                &mut out,
                "Déconnexion",
                CheckStatus::Warning,
                "Pas de point de déconnexion : seule la session i-CLEFS sera fermée.".to_owned(),
            );
        }
        if let Some(jwks_uri) = text(&doc, "jwks_uri")
            && let Some(jwks) = self.fetch_json(&jwks_uri, &mut out, "Clés publiques").await
        {
            let usable = jwks
                .get("keys")
                .and_then(Value::as_array)
                .map(|keys| {
                    keys.iter()
                        .filter(|k| {
                            let kty = text(k, "kty");
                            let for_signing = text(k, "use").is_none_or(|u| u == "sig");
                            for_signing
                                && (kty.as_deref() == Some("RSA")
                                    || (kty.as_deref() == Some("EC")
                                        && text(k, "crv").as_deref() == Some("P-256")))
                        })
                        .count()
                })
                .unwrap_or(0);
            if usable > 0 {
                push(
                    &mut out,
                    "Clés publiques",
                    CheckStatus::Passed,
                    format!("{usable} clé(s) de signature utilisable(s) publiée(s)."),
                );
            } else {
                push(
                    &mut out,
                    "Clés publiques",
                    CheckStatus::Failed,
                    "Aucune clé EC P-256 ou RSA de signature n'est publiée : aucune signature ne pourrait être vérifiée."
                        .to_owned(),
                );
            }
        }
        push(
            &mut out,
            "Identifiant et secret client",
            CheckStatus::Warning,
            "Ils ne peuvent être vérifiés que par une vraie connexion : faites un essai depuis un service publié (environnement d'intégration : comptes fictifs du fournisseur)."
                .to_owned(),
        );
        out
    }

    /// GETs a JSON document for [`Self::diagnose`]; reports the failure under `label`.
    async fn fetch_json(
        &self,
        url: &str,
        out: &mut Vec<crate::providers::types::CheckLine>,
        label: &str,
    ) -> Option<serde_json::Value> {
        use crate::providers::types::CheckStatus;
        let mut push =
            |label: &str, status: CheckStatus, detail: String| check(out, label, status, detail);
        let response = match tokio::time::timeout(PROVIDER_TIMEOUT, self.http.get(url).send()).await
        {
            Err(_) => {
                push(
                    label,
                    CheckStatus::Failed,
                    format!(
                        "{url} ne répond pas en {} secondes.",
                        PROVIDER_TIMEOUT.as_secs()
                    ),
                );
                return None;
            }
            Ok(Err(_)) => {
                push(
                    label,
                    CheckStatus::Failed,
                    format!("Connexion impossible à {url} : vérifiez l'adresse."),
                );
                return None;
            }
            Ok(Ok(r)) => r,
        };
        if !response.status().is_success() {
            push(
                label,
                CheckStatus::Failed,
                format!(
                    "{url} répond {} : ce n'est pas l'adresse d'un fournisseur OpenID Connect.",
                    response.status().as_u16()
                ),
            );
            return None;
        }
        match response.json::<serde_json::Value>().await {
            Ok(v) => Some(v),
            Err(_) => {
                push(
                    label,
                    CheckStatus::Failed,
                    format!("{url} ne renvoie pas un document JSON."),
                );
                None
            }
        }
    }

    /// Builds the authorization URL for the claims a service needs.
    pub async fn authorize_url(
        &self,
        cfg: &ProviderConfig,
        redirect_uri: &str,
        claims: &[IdentityClaim],
        state: &str,
        nonce: &str,
    ) -> Result<url::Url, IdentityError> {
        let meta = self.metadata(&cfg.issuer, false).await?;
        let client = client(&meta, cfg, redirect_uri)?;
        let state = state.to_owned();
        let nonce = nonce.to_owned();
        let mut request = client.authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            move || CsrfToken::new(state),
            move || Nonce::new(nonce),
        );
        for scope in cfg.preset.scopes_for(claims) {
            request = request.add_scope(Scope::new(scope));
        }
        match (cfg.preset.acr_claims_request, cfg.preset.acr_value) {
            (Some(claims), _) => request = request.add_extra_param("claims", claims),
            (None, Some(acr)) => {
                request =
                    request.add_auth_context_value(AuthenticationContextClass::new(acr.to_owned()));
            }
            (None, None) => {}
        }
        let (url, _, _) = request.url();
        Ok(url)
    }

    /// Exchanges the code and verifies everything the provider sent back.
    pub async fn complete(
        &self,
        cfg: &ProviderConfig,
        redirect_uri: &str,
        code: &str,
        nonce: &str,
    ) -> Result<VerifiedLogin, IdentityError> {
        let meta = self.metadata(&cfg.issuer, false).await?;
        let client = client(&meta, cfg, redirect_uri)?;
        let token = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| IdentityError::TokenExchange(e.to_string()))?
            .request_async(&self.http)
            .await
            .map_err(|e| IdentityError::TokenExchange(e.to_string()))?;
        let id_token = token.extra_fields().id_token().ok_or_else(|| {
            IdentityError::IdToken("no id_token in the token response".to_owned())
        })?;
        let nonce = Nonce::new(nonce.to_owned());

        // Verify with the cached JWKS; on an unknown key id, fetch the JWKS once more.
        let claims = match id_token.claims(&verifier(&client), &nonce) {
            Ok(c) => c.clone(),
            Err(openidconnect::ClaimsVerificationError::SignatureVerification(
                openidconnect::SignatureVerificationError::NoMatchingKey,
            )) => {
                let fresh = self.metadata(&cfg.issuer, true).await?;
                let client = self::client(&fresh, cfg, redirect_uri)?;
                id_token
                    .claims(&verifier(&client), &nonce)
                    .map_err(|e| IdentityError::IdToken(e.to_string()))?
                    .clone()
            }
            Err(e) => return Err(IdentityError::IdToken(e.to_string())),
        };
        let acr = claims
            .auth_context_ref()
            .map(|a| a.as_str().to_owned())
            .unwrap_or_default();
        if !cfg.preset.acr_satisfies(&acr) {
            return Err(IdentityError::IdToken(format!(
                "acr {acr:?} is below the requested level"
            )));
        }
        let sub = claims.subject().as_str().to_owned();
        let authenticated_at = claims.auth_time().unwrap_or_else(chrono::Utc::now);

        let access_token = token.access_token().secret().clone();
        let userinfo = self.signed_userinfo(cfg, &access_token, &sub).await?;
        Ok(VerifiedLogin {
            sub,
            acr,
            authenticated_at,
            id_token: id_token.to_string(),
            userinfo,
        })
    }

    /// Fetches userinfo as `application/jwt` and checks signature, `iss`, `aud`, `exp` and `sub`.
    async fn signed_userinfo(
        &self,
        cfg: &ProviderConfig,
        access_token: &str,
        expected_sub: &str,
    ) -> Result<serde_json::Value, IdentityError> {
        let meta = self.metadata(&cfg.issuer, false).await?;
        let endpoint = meta.userinfo_endpoint().ok_or_else(|| {
            IdentityError::UserInfo("provider has no userinfo endpoint".to_owned())
        })?;
        let response = self
            .http
            .get(endpoint.url().clone())
            .bearer_auth(access_token)
            .header(reqwest::header::ACCEPT, "application/jwt")
            .send()
            .await
            .map_err(|e| IdentityError::Unavailable(format!("userinfo: {e}")))?;
        if !response.status().is_success() {
            return Err(IdentityError::UserInfo(format!(
                "status {}",
                response.status()
            )));
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        if !content_type.starts_with("application/jwt") {
            return Err(IdentityError::UserInfo(format!(
                "unsigned userinfo ({content_type})"
            )));
        }
        let jwt = response
            .text()
            .await
            .map_err(|e| IdentityError::UserInfo(e.to_string()))?;
        let payload = match verify_jws(&meta, jwt.trim()) {
            Err(JwsError::UnknownKey) => {
                let fresh = self.metadata(&cfg.issuer, true).await?;
                verify_jws(&fresh, jwt.trim())
            }
            other => other,
        }
        .map_err(|e| IdentityError::UserInfo(e.to_string()))?;

        let str_claim = |name: &str| {
            payload
                .get(name)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
        };
        if str_claim("iss") != meta.issuer().as_str() {
            return Err(IdentityError::UserInfo("wrong iss".to_owned()));
        }
        let aud_ok = match payload.get("aud") {
            Some(serde_json::Value::String(a)) => a == &cfg.client_id,
            Some(serde_json::Value::Array(a)) => {
                a.iter().any(|v| v.as_str() == Some(cfg.client_id.as_str()))
            }
            _ => false,
        };
        if !aud_ok {
            return Err(IdentityError::UserInfo("wrong aud".to_owned()));
        }
        if let Some(exp) = payload.get("exp").and_then(|v| v.as_i64())
            && exp < chrono::Utc::now().timestamp() - 30
        {
            return Err(IdentityError::UserInfo("expired".to_owned()));
        }
        if str_claim("sub") != expected_sub {
            return Err(IdentityError::UserInfo(
                "sub differs from the id_token".to_owned(),
            ));
        }
        Ok(payload)
    }

    /// The provider's `end_session` URL for RP-initiated logout, when it has one.
    pub async fn logout_url(
        &self,
        cfg: &ProviderConfig,
        id_token: &str,
        post_logout_redirect_uri: &str,
        state: &str,
    ) -> Result<Option<url::Url>, IdentityError> {
        let meta = self.metadata(&cfg.issuer, false).await?;
        let Some(end) = meta.additional_metadata().end_session_endpoint.as_ref() else {
            return Ok(None);
        };
        let mut url = end.url().clone();
        url.query_pairs_mut()
            .append_pair("id_token_hint", id_token)
            .append_pair("state", state)
            .append_pair("post_logout_redirect_uri", post_logout_redirect_uri);
        Ok(Some(url))
    }
}

/// Appends one line to a connection report.
fn check(
    out: &mut Vec<crate::providers::types::CheckLine>,
    label: &str,
    status: crate::providers::types::CheckStatus,
    detail: String,
) {
    out.push(crate::providers::types::CheckLine {
        label: label.to_owned(),
        status,
        detail,
    });
}

fn client(
    meta: &Metadata,
    cfg: &ProviderConfig,
    redirect_uri: &str,
) -> Result<
    CoreClient<
        openidconnect::EndpointSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointMaybeSet,
        openidconnect::EndpointMaybeSet,
    >,
    IdentityError,
> {
    let redirect = RedirectUrl::new(redirect_uri.to_owned())
        .map_err(|e| IdentityError::TokenExchange(e.to_string()))?;
    Ok(CoreClient::from_provider_metadata(
        meta.clone(),
        ClientId::new(cfg.client_id.clone()),
        Some(ClientSecret::new(cfg.client_secret.clone())),
    )
    .set_redirect_uri(redirect)
    .set_auth_type(cfg.preset.auth_type()))
}

fn verifier<'a, TE, AU, DE, IN, RE, UI>(
    client: &'a CoreClient<TE, AU, DE, IN, RE, UI>,
) -> openidconnect::core::CoreIdTokenVerifier<'a>
where
    TE: openidconnect::EndpointState,
    AU: openidconnect::EndpointState,
    DE: openidconnect::EndpointState,
    IN: openidconnect::EndpointState,
    RE: openidconnect::EndpointState,
    UI: openidconnect::EndpointState,
{
    // Pinned: never HS256 (which would accept a token "signed" with the client secret or the
    // public key) and never `none`.
    client.id_token_verifier().set_allowed_algs([
        CoreJwsSigningAlgorithm::EcdsaP256Sha256,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
    ])
}

#[derive(Debug, thiserror::Error)]
enum JwsError {
    #[error("malformed JWS")]
    Malformed,
    #[error("algorithm not allowed: {0}")]
    Alg(String),
    #[error("no key with this kid")]
    UnknownKey,
    #[error("bad signature")]
    Signature,
}

/// Verifies a compact JWS against the provider's JWKS; returns its JSON payload.
fn verify_jws(meta: &Metadata, jwt: &str) -> Result<serde_json::Value, JwsError> {
    let mut parts = jwt.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwsError::Malformed);
    };
    let header: serde_json::Value = URL_SAFE_NO_PAD
        .decode(h)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(JwsError::Malformed)?;
    let alg_name = header
        .get("alg")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    let alg = match alg_name {
        "ES256" => CoreJwsSigningAlgorithm::EcdsaP256Sha256,
        "RS256" => CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        other => return Err(JwsError::Alg(other.to_owned())),
    };
    let kid = header.get("kid").and_then(|v| v.as_str());
    let signature = URL_SAFE_NO_PAD.decode(s).map_err(|_| JwsError::Malformed)?;
    let message = format!("{h}.{p}");
    let candidates: Vec<_> = meta
        .jwks()
        .keys()
        .iter()
        .filter(|k| kid.is_none() || k.key_id().map(|id| id.as_str()) == kid)
        .collect();
    if candidates.is_empty() {
        return Err(JwsError::UnknownKey);
    }
    if !candidates.iter().any(|k| {
        k.verify_signature(&alg, message.as_bytes(), &signature)
            .is_ok()
    }) {
        return Err(JwsError::Signature);
    }
    URL_SAFE_NO_PAD
        .decode(p)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(JwsError::Malformed)
}
