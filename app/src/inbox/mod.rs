//! The agents' inbox: submissions of one municipality, filtered by status, with their detail and
//! the processed / unprocessed transitions (each recorded with who and when).

#[cfg(feature = "ssr")]
pub mod counts;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod retention;
#[cfg(feature = "ssr")]
pub mod service;
pub mod types;
