//! The one error type of `/api/v1` and its one JSON envelope:
//! `{"error": {"code": "...", "message": "..."}}`.
//!
//! `code` is stable, English snake_case, for programs; `message` is French, for the person
//! reading the integration's logs. No handler builds an error body by hand. A foreign or
//! out-of-scope id gets exactly the `not_found` body of an id that does not exist.

use crate::error::AppError;
use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Seconds, for 429.
    pub retry_after: Option<u64>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn missing_token() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "missing_token",
            "Jeton d'accès absent : envoyez l'en-tête « Authorization: Bearer <jeton> ».",
        )
    }

    pub fn invalid_token() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "Jeton d'accès inconnu ou mal formé.",
        )
    }

    pub fn token_expired() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "token_expired",
            "Ce jeton d'accès a expiré : demandez-en un nouveau à la commune.",
        )
    }

    pub fn token_revoked() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "token_revoked",
            "Ce jeton d'accès a été révoqué par la commune.",
        )
    }

    pub fn ip_not_allowed() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "ip_not_allowed",
            "Ce jeton ne peut pas être utilisé depuis cette adresse IP.",
        )
    }

    pub fn write_scope_required() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "insufficient_scope",
            "Ce jeton est en lecture seule : l'écriture demande un jeton en lecture et écriture.",
        )
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "Ressource introuvable.")
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "Méthode HTTP non prise en charge sur cette adresse.",
        )
    }

    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_parameter",
            message,
        )
    }

    pub fn status_unchanged(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "status_unchanged", message)
    }

    pub fn idempotency_key_reused() -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "Cette clé d'idempotence a déjà servi pour une autre requête.",
        )
    }

    pub fn idempotency_in_progress() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "idempotency_in_progress",
            "Une requête avec cette clé d'idempotence est en cours de traitement.",
        )
    }

    pub fn rate_limited(wait: u64) -> Self {
        Self {
            retry_after: Some(wait),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("Trop de requêtes pour ce jeton. Réessayez dans {wait} secondes."),
            )
        }
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "Erreur technique. Réessayez dans un instant.",
        )
    }

    pub fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Service momentanément indisponible. Réessayez dans un instant.",
        )
    }

    pub fn body(&self) -> serde_json::Value {
        json!({ "error": { "code": self.code, "message": self.message } })
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::NotFound | AppError::Forbidden => Self::not_found(),
            AppError::Unauthorized => Self::invalid_token(),
            AppError::Validation(m) | AppError::Conflict(m) => Self::status_unchanged(m),
            AppError::BadRequest(m) => Self::invalid_parameter(m),
            AppError::Unavailable(_) => Self::unavailable(),
            AppError::Internal | AppError::ServerFn(_) => Self::internal(),
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    #[track_caller]
    fn from(error: sea_orm::DbErr) -> Self {
        AppError::from(error).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body())).into_response();
        let headers = response.headers_mut();
        if self.status == StatusCode::UNAUTHORIZED {
            // RFC 6750 §3: no error attribute when no credentials were sent.
            let challenge = if self.code == "missing_token" {
                "Bearer realm=\"i-CLEFS\"".to_owned()
            } else {
                format!(
                    "Bearer realm=\"i-CLEFS\", error=\"invalid_token\", error_description=\"{}\"",
                    self.code
                )
            };
            if let Ok(v) = HeaderValue::from_str(&challenge) {
                headers.insert(header::WWW_AUTHENTICATE, v);
            }
        }
        if let Some(wait) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&wait.to_string())
        {
            headers.insert(header::RETRY_AFTER, v);
        }
        response
    }
}
