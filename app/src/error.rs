//! The one error type of the application layer.
//!
//! Server functions and services return `AppError`; HTTP handlers turn it into a French page or a
//! status code. Internal causes are logged once where they happen and never shown to users.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    #[error("Page introuvable.")]
    NotFound,
    #[error("Vous devez vous identifier pour continuer.")]
    Unauthorized,
    #[error("Vous n'avez pas accès à cette page.")]
    Forbidden,
    /// A request that cannot be understood (malformed body, foreign login attempt).
    #[error("{0}")]
    BadRequest(String),
    /// Input refused; the message is meant for the person who typed it.
    #[error("{0}")]
    Validation(String),
    /// The action conflicts with the current state (already sent, already processed...).
    #[error("{0}")]
    Conflict(String),
    /// A service we depend on (identity provider, mail relay) is unavailable.
    #[error("{0}")]
    Unavailable(String),
    #[error("Une erreur technique est survenue. Réessayez dans un instant.")]
    Internal,
    #[error("{0}")]
    ServerFn(String),
}

impl AppError {
    pub fn status_code(&self) -> u16 {
        match self {
            Self::NotFound => 404,
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::BadRequest(_) => 400,
            Self::Validation(_) => 422,
            Self::Conflict(_) => 409,
            Self::Unavailable(_) => 503,
            Self::Internal | Self::ServerFn(_) => 500,
        }
    }

    /// The page title that goes with the error.
    pub fn title_fr(&self) -> &'static str {
        match self {
            Self::NotFound => "Page introuvable",
            Self::Unauthorized => "Identification nécessaire",
            Self::Forbidden => "Accès refusé",
            Self::BadRequest(_) => "Requête invalide",
            Self::Validation(_) => "Données refusées",
            Self::Conflict(_) => "Action impossible",
            Self::Unavailable(_) => "Service momentanément indisponible",
            Self::Internal | Self::ServerFn(_) => "Erreur technique",
        }
    }
}

impl From<crate::domain::DomainError> for AppError {
    fn from(value: crate::domain::DomainError) -> Self {
        Self::Validation(value.0)
    }
}

impl leptos::server_fn::error::FromServerFnError for AppError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        Self::ServerFn(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    #[track_caller]
    fn from(err: sea_orm::DbErr) -> Self {
        let caller = std::panic::Location::caller();
        tracing::error!(error = %err, at = %caller, "database error");
        Self::Internal
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(err: sea_orm::TransactionError<AppError>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(app) => app,
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
