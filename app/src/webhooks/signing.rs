//! Standard Webhooks signatures (<https://www.standardwebhooks.com>): the receiver checks
//! `HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")` against the `v1,` entry of the
//! `webhook-signature` header, and refuses a timestamp far from its clock. Any of the spec's
//! libraries (Python `standardwebhooks`, Svix…) verifies our messages; the test suite uses one.
//!
//! The secret is `whsec_` followed by the standard base64 of 32 random bytes, the form those
//! libraries accept as is.

use base64::{Engine, engine::general_purpose::STANDARD};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;

const PREFIX: &str = "whsec_";

/// A webhook signing secret. Its `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(Vec<u8>);

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(..)")
    }
}

impl WebhookSecret {
    pub fn generate() -> Self {
        Self(crate::crypto::random_bytes::<32>().to_vec())
    }

    /// `whsec_…`: shown once to the admin, stored encrypted.
    pub fn encode(&self) -> String {
        format!("{PREFIX}{}", STANDARD.encode(&self.0))
    }

    /// Accepts what [`WebhookSecret::encode`] produces (24 to 64 key bytes, as the spec allows).
    pub fn parse(raw: &str) -> Option<Self> {
        let key = STANDARD.decode(raw.strip_prefix(PREFIX)?).ok()?;
        (24..=64).contains(&key.len()).then_some(Self(key))
    }

    /// The `webhook-signature` header value for one message.
    pub fn sign(&self, message_id: &str, timestamp: i64, body: &[u8]) -> String {
        // HMAC accepts keys of any length: this cannot fail.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            return String::new();
        };
        mac.update(message_id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_reference_vector_of_the_specification() {
        // The example of the Standard Webhooks libraries' own test suites.
        let secret = WebhookSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert_eq!(
            secret.sign(
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330,
                br#"{"test": 2432232314}"#
            ),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn secrets_round_trip_and_differ() {
        let secret = WebhookSecret::generate();
        assert!(secret.encode().starts_with("whsec_"));
        assert_eq!(WebhookSecret::parse(&secret.encode()), Some(secret.clone()));
        assert_ne!(secret, WebhookSecret::generate());
        assert!(!format!("{secret:?}").contains(&secret.encode()[6..]));
        for bad in [
            "",
            "whsec_",
            "whsec_!!!!",
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsec_AAAA",
        ] {
            assert_eq!(WebhookSecret::parse(bad), None, "{bad}");
        }
        let a = secret.sign("msg_1", 1, b"{}");
        assert_ne!(a, secret.sign("msg_1", 2, b"{}"));
        assert_ne!(a, secret.sign("msg_2", 1, b"{}"));
        assert_ne!(a, secret.sign("msg_1", 1, b"{ }"));
    }
}
