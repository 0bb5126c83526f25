//! Small cryptographic helpers: random tokens, hashing of bearer secrets, and AES-256-GCM for
//! secrets kept at rest (identity-provider client secrets).
//!
//! Session and state tokens are stored only as SHA-256 hashes, so a leaked database does not
//! yield usable cookies.

use aes_gcm::{
    Aes256Gcm, Key, Nonce,
    aead::{Aead, KeyInit},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A random URL-safe token carrying `bytes` bytes of entropy (32 bytes → 43 characters).
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    buf
}

/// Hex SHA-256, used to store tokens without storing the tokens themselves.
pub fn sha256_hex(input: &str) -> String {
    hex::encode(Sha256::digest(input.as_bytes()))
}

/// The instance key that encrypts secrets at rest.
#[derive(Clone)]
pub struct SecretKey([u8; 32]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("the secret key must be 32 bytes encoded in URL-safe base64 (43 characters)")]
    BadKey,
    #[error("the stored secret cannot be decrypted with this key")]
    Decrypt,
}

impl SecretKey {
    pub fn parse(encoded: &str) -> Result<Self, CryptoError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(encoded.trim())
            .map_err(|_| CryptoError::BadKey)?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| CryptoError::BadKey)?;
        Ok(Self(key))
    }

    pub fn generate() -> Self {
        Self(random_bytes())
    }

    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0)
    }

    /// `v1.<nonce>.<ciphertext>`; the prefix leaves room for key rotation.
    pub fn encrypt(&self, plaintext: &str) -> String {
        let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&self.0));
        let nonce_bytes: [u8; 12] = random_bytes();
        let nonce = Nonce::from_slice(&nonce_bytes);
        // Encryption with a fresh nonce and a 32-byte key cannot fail for inputs below 64 GiB.
        let ciphertext = cipher
            .encrypt(nonce, plaintext.as_bytes())
            .unwrap_or_default();
        format!(
            "v1.{}.{}",
            URL_SAFE_NO_PAD.encode(nonce_bytes),
            URL_SAFE_NO_PAD.encode(ciphertext)
        )
    }

    pub fn decrypt(&self, stored: &str) -> Result<String, CryptoError> {
        let mut parts = stored.split('.');
        let (Some("v1"), Some(nonce), Some(ct), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(CryptoError::Decrypt);
        };
        let nonce = URL_SAFE_NO_PAD
            .decode(nonce)
            .map_err(|_| CryptoError::Decrypt)?;
        let ct = URL_SAFE_NO_PAD
            .decode(ct)
            .map_err(|_| CryptoError::Decrypt)?;
        if nonce.len() != 12 {
            return Err(CryptoError::Decrypt);
        }
        let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&self.0));
        let plain = cipher
            .decrypt(Nonce::from_slice(&nonce), ct.as_slice())
            .map_err(|_| CryptoError::Decrypt)?;
        String::from_utf8(plain).map_err(|_| CryptoError::Decrypt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_round_trip_and_do_not_appear_in_clear() {
        let key = SecretKey::generate();
        let stored = key.encrypt("client-secret-CANARY");
        assert!(!stored.contains("CANARY"));
        assert_eq!(
            key.decrypt(&stored).ok().as_deref(),
            Some("client-secret-CANARY")
        );
        assert!(SecretKey::generate().decrypt(&stored).is_err());
        assert!(key.decrypt("v1.AAAA.BBBB").is_err());
        assert_eq!(
            SecretKey::parse(&key.encode()).map(|k| k.0).ok(),
            Some(key.0)
        );
    }

    #[test]
    fn tokens_have_the_requested_entropy() {
        assert_eq!(random_token(32).len(), 43);
        assert_ne!(random_token(32), random_token(32));
    }
}
