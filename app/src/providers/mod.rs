//! The municipality's identity provider, as its owner configures it in the console: which
//! FranceConnect environment (or another OpenID Connect issuer), the client id and secret
//! FranceConnect issued to the municipality, the addresses to declare in FranceConnect's partner
//! space, and a "test the connection" that checks discovery and keys before any citizen tries.
//!
//! The OIDC protocol itself lives in `identity/`; this context only stores and checks settings.
//! The secret is encrypted with the instance key when saved and never shown back.

#[cfg(feature = "ssr")]
pub mod service;
pub mod types;
