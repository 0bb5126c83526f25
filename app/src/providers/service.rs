//! Reading, checking and saving the municipality's identity provider settings.

use super::types::{CUSTOM, DEMO, Environment, FAS_CUSTOM, ProviderSettings, environment};
use crate::{
    auth::CurrentAdmin,
    db::entities::identity_provider_config,
    error::{AppError, AppResult},
    inbox::service::display_time,
    state::{AppState, Mode},
};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// Longest client id and secret accepted (FranceConnect's are 64 hexadecimal characters).
const MAX_CLIENT_ID: usize = 200;
const MAX_SECRET: usize = 500;

/// The built-in demo provider's issuer on this instance.
fn demo_issuer(state: &AppState) -> String {
    state.settings.url("/demo-idp")
}

/// Which environment a stored issuer belongs to.
fn environment_of(state: &AppState, row: &identity_provider_config::Model) -> &'static str {
    if row.preset == "demo" && row.issuer == demo_issuer(state) {
        return DEMO;
    }
    super::types::ENVIRONMENTS
        .into_iter()
        .find(|e| !e.issuer.is_empty() && e.issuer == row.issuer && e.preset == row.preset)
        .map_or(
            if row.preset == "fas" {
                FAS_CUSTOM
            } else {
                CUSTOM
            },
            |e| e.key,
        )
}

async fn current_row(
    state: &AppState,
    admin: &CurrentAdmin,
) -> AppResult<Option<identity_provider_config::Model>> {
    Ok(identity_provider_config::Entity::find()
        .filter(identity_provider_config::Column::MunicipalityId.eq(admin.municipality_id))
        .one(&state.db)
        .await?)
}

/// The settings page; with `test`, the connection to the saved issuer is checked too.
pub async fn page(
    state: &AppState,
    admin: &CurrentAdmin,
    test: bool,
) -> AppResult<ProviderSettings> {
    let row = current_row(state, admin).await?;
    let report = match (&row, test) {
        (Some(r), true) => {
            let preset = crate::identity::ProviderPreset::find(&r.preset)
                .unwrap_or(crate::identity::presets::FRANCECONNECT);
            Some(state.oidc.diagnose(&r.issuer, &preset).await)
        }
        _ => None,
    };
    let m = &admin.municipality_slug;
    Ok(ProviderSettings {
        configured: row.is_some(),
        environment: row
            .as_ref()
            .map_or("fc-integration", |r| environment_of(state, r))
            .to_owned(),
        issuer: row.as_ref().map(|r| r.issuer.clone()).unwrap_or_default(),
        client_id: row
            .as_ref()
            .map(|r| r.client_id.clone())
            .unwrap_or_default(),
        has_secret: row
            .as_ref()
            .is_some_and(|r| !r.client_secret_encrypted.is_empty()),
        updated_at: row.as_ref().map(|r| display_time(r.updated_at)),
        callback_url: state.settings.url(&format!("/auth/{m}/callback")),
        logout_url: state.settings.url(&format!("/auth/{m}/logout-callback")),
        demo_available: state.settings.mode == Mode::Demo,
        is_owner: admin.is_owner(),
        report,
    })
}

/// An issuer typed by the owner: an absolute `https` URL without query or fragment. Plain
/// `http` is accepted only in demo mode and only on this machine (local tests).
pub fn parse_issuer(raw: &str, mode: Mode) -> Result<String, String> {
    let raw = raw.trim().trim_end_matches('/');
    let refused = || {
        "Saisissez l'adresse de l'émetteur, par exemple https://oidc.franceconnect.gouv.fr/api/v2."
            .to_owned()
    };
    let url = url::Url::parse(raw).map_err(|_| refused())?;
    if url.query().is_some() || url.fragment().is_some() || url.host_str().is_none() {
        return Err(refused());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("L'adresse ne doit pas contenir d'identifiant ni de mot de passe.".to_owned());
    }
    let loopback = matches!(url.host(), Some(url::Host::Domain("localhost")))
        || matches!(url.host(), Some(url::Host::Ipv4(ip)) if ip.is_loopback())
        || matches!(url.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback());
    match (url.scheme(), mode) {
        ("https", Mode::Production) if loopback => Err(
            "Cette adresse désigne le serveur lui-même : saisissez celle du fournisseur."
                .to_owned(),
        ),
        ("https", _) => Ok(raw.to_owned()),
        ("http", Mode::Demo) if loopback => Ok(raw.to_owned()),
        _ => Err("L'adresse de l'émetteur doit commencer par https://.".to_owned()),
    }
}

fn parse_client_id(raw: &str) -> Result<String, String> {
    let id = raw.trim();
    if id.is_empty()
        || id.chars().count() > MAX_CLIENT_ID
        || id.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(format!(
            "Saisissez l'identifiant client (client_id) fourni par FranceConnect : 1 à {MAX_CLIENT_ID} caractères, sans espace."
        ));
    }
    Ok(id.to_owned())
}

fn parse_secret(raw: &str) -> Result<Option<String>, String> {
    let secret = raw.trim();
    if secret.is_empty() {
        return Ok(None);
    }
    if secret.chars().count() > MAX_SECRET
        || secret.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(format!(
            "Le secret client fait au plus {MAX_SECRET} caractères, sans espace."
        ));
    }
    Ok(Some(secret.to_owned()))
}

/// Checks and saves the owner's form. Errors are `(input name, message)`; nothing is saved
/// unless every input is valid.
pub async fn save(
    state: &AppState,
    admin: &CurrentAdmin,
    form: &[(String, String)],
) -> AppResult<Result<(), Vec<(String, String)>>> {
    if !admin.is_owner() {
        return Err(AppError::Forbidden);
    }
    let value = |name: &str| crate::web::form_value(form, name).unwrap_or_default();
    let mut errors = Vec::new();
    let mode = state.settings.mode;
    let env: Option<Environment> =
        environment(value("environment")).filter(|e| e.key != DEMO || mode == Mode::Demo);
    if env.is_none() {
        errors.push((
            "environment".to_owned(),
            "Choisissez le fournisseur d'identité et son environnement.".to_owned(),
        ));
    }
    let issuer = match env {
        Some(e) if e.issuer.is_empty() && e.key != DEMO => parse_issuer(value("issuer"), mode)
            .map_err(|m| errors.push(("issuer".to_owned(), m)))
            .ok(),
        Some(e) if e.key == DEMO => Some(demo_issuer(state)),
        Some(e) => Some(e.issuer.to_owned()),
        None => None,
    };
    let client_id = parse_client_id(value("client_id"))
        .map_err(|m| errors.push(("client_id".to_owned(), m)))
        .ok();
    let existing = current_row(state, admin).await?;
    let secret = match parse_secret(value("client_secret")) {
        Ok(None) if existing.is_none() => {
            errors.push((
                "client_secret".to_owned(),
                "Saisissez le secret client (client_secret) fourni par le fournisseur d'identité."
                    .to_owned(),
            ));
            None
        }
        Ok(s) => Some(s),
        Err(m) => {
            errors.push(("client_secret".to_owned(), m));
            None
        }
    };
    let (Some(env), Some(issuer), Some(client_id), Some(secret), true) =
        (env, issuer, client_id, secret, errors.is_empty())
    else {
        return Ok(Err(errors));
    };
    let now = Utc::now();
    let encrypted = secret.map(|s| state.settings.secret_key.encrypt(&s));
    match existing {
        Some(row) => {
            let mut active: identity_provider_config::ActiveModel = row.into();
            active.preset = Set(env.preset.to_owned());
            active.issuer = Set(issuer);
            active.client_id = Set(client_id);
            if let Some(e) = encrypted {
                active.client_secret_encrypted = Set(e);
            }
            active.updated_at = Set(now);
            active.update(&state.db).await?;
        }
        None => {
            identity_provider_config::ActiveModel {
                id: Set(Uuid::now_v7()),
                municipality_id: Set(admin.municipality_id),
                preset: Set(env.preset.to_owned()),
                issuer: Set(issuer),
                client_id: Set(client_id),
                client_secret_encrypted: Set(encrypted.unwrap_or_default()),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&state.db)
            .await?;
        }
    }
    tracing::info!(
        municipality.id = %admin.municipality_id,
        admin.id = %admin.admin_id,
        environment = env.key,
        "identity provider settings changed"
    );
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuers_are_https_urls_and_http_only_for_local_demos() {
        assert_eq!(
            parse_issuer(
                " https://oidc.franceconnect.gouv.fr/api/v2/ ",
                Mode::Production
            ),
            Ok("https://oidc.franceconnect.gouv.fr/api/v2".to_owned())
        );
        assert!(
            parse_issuer("http://oidc.franceconnect.gouv.fr/api/v2", Mode::Production).is_err()
        );
        assert!(parse_issuer("http://127.0.0.1:4100/api/v2", Mode::Production).is_err());
        assert!(parse_issuer("https://localhost/api/v2", Mode::Production).is_err());
        assert!(parse_issuer("http://127.0.0.1:4100/api/v2", Mode::Demo).is_ok());
        assert!(parse_issuer("http://example.org/api/v2", Mode::Demo).is_err());
        assert!(parse_issuer("https://a.example/api?x=1", Mode::Demo).is_err());
        assert!(parse_issuer("https://user:pw@a.example/api", Mode::Demo).is_err());
        assert!(parse_issuer("franceconnect", Mode::Demo).is_err());
        assert!(parse_issuer("ftp://a.example/api", Mode::Demo).is_err());
    }

    #[test]
    fn client_ids_and_secrets_are_single_tokens() {
        assert!(parse_client_id("  ").is_err());
        assert!(parse_client_id("abc def").is_err());
        assert!(parse_client_id(&"a".repeat(201)).is_err());
        assert_eq!(
            parse_client_id(" 6925fb8143c7 "),
            Ok("6925fb8143c7".to_owned())
        );
        assert_eq!(parse_secret(""), Ok(None));
        assert!(parse_secret("a\u{7}b").is_err());
        assert_eq!(parse_secret("s3cr3t"), Ok(Some("s3cr3t".to_owned())));
    }
}
