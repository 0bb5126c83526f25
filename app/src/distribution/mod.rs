//! Distribution of a published service: the short link, the HTML line for the municipality's
//! website, the QR code (SVG and PNG), the printable poster (page and PDF) and per-channel
//! activation counters.
//!
//! Every entry point carries a channel tag (`?src=qr|site|link`) so that visits, logins and
//! submissions can be counted per channel without cookies and without personal data.

#[cfg(feature = "ssr")]
pub mod poster;
#[cfg(feature = "ssr")]
pub mod service;
pub mod types;
