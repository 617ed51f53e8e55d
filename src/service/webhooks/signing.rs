//! Standard Webhooks signatures: secrets are `whsec_` + base64 of 32 random bytes; a message is
//! signed as `v1,` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")), one signature per
//! secret in force, separated by spaces (`webhook-signature`).

use base64::{Engine, engine::general_purpose::STANDARD};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

const PREFIX: &str = "whsec_";

/// A new signing secret, `whsec_…`.
pub fn generate_secret() -> String {
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    format!("{PREFIX}{}", STANDARD.encode(key))
}

/// The key inside a `whsec_…` secret.
fn key_of(secret: &str) -> Option<Vec<u8>> {
    STANDARD.decode(secret.strip_prefix(PREFIX)?).ok()
}

/// `v1,<base64 signature>` of the message `id` sent at `timestamp` (Unix seconds) with `body`.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let mut mac = Hmac::<Sha256>::new_from_slice(&key_of(secret)?).ok()?;
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// The `webhook-signature` header: one signature per secret, in the order given.
pub fn signature_header<'a>(
    secrets: impl IntoIterator<Item = &'a str>,
    id: &str,
    timestamp: i64,
    body: &[u8],
) -> String {
    secrets
        .into_iter()
        .filter_map(|s| sign(s, id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks specification (and of svix's libraries).
    #[test]
    fn matches_the_specification_example() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            sign(secret, id, 1614265330, body).unwrap(),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn secrets_are_fresh_and_usable() {
        let (a, b) = (generate_secret(), generate_secret());
        assert_ne!(a, b);
        assert!(a.starts_with("whsec_"));
        assert_eq!(key_of(&a).unwrap().len(), 32);
        assert!(sign("not-a-secret", "id", 1, b"x").is_none());
    }

    #[test]
    fn the_header_carries_one_signature_per_secret() {
        let (old, new) = (generate_secret(), generate_secret());
        let header = signature_header([new.as_str(), old.as_str()], "id", 7, b"{}");
        let parts: Vec<&str> = header.split(' ').collect();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0], sign(&new, "id", 7, b"{}").unwrap());
        assert_eq!(parts[1], sign(&old, "id", 7, b"{}").unwrap());
        // Any change of id, time or body changes the signature.
        assert_ne!(parts[0], sign(&new, "id", 8, b"{}").unwrap());
        assert_ne!(parts[0], sign(&new, "id2", 7, b"{}").unwrap());
        assert_ne!(parts[0], sign(&new, "id", 7, b"{ }").unwrap());
    }
}
