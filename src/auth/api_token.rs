//! API tokens of partner systems: the secret's format and hash, a short-lived in-process cache
//! of look-ups, and the in-memory record of when each token was last used.
//!
//! The secret is `bbt_` followed by the unpadded base64url of 32 random bytes. Only its SHA-256
//! (hex) is stored; a request's token is looked up by that hash.
//!
//! Consistency: a look-up is cached for [`CACHE_TTL`]. Revoking evicts the token on this
//! instance at once; other instances notice within [`CACHE_TTL`]. Uses are recorded in memory
//! and written to `api_tokens.last_used_at` every [`USAGE_FLUSH_INTERVAL`], so the column is at
//! most that much (plus one flush) behind; this instance's GraphQL answers merge the pending
//! uses in and are current. Uses not yet flushed when the process dies are lost.

use std::{
    collections::HashMap,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use entity::enums::Role;
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{Principal, PrincipalInstitution, PrincipalKind};

/// What every API-token secret starts with.
pub const SECRET_PREFIX: &str = "bbt_";
/// Random bytes in a secret.
const SECRET_BYTES: usize = 32;
/// Characters of the secret kept in clear (`prefix`), to recognise a token in lists.
pub const DISPLAY_PREFIX_LEN: usize = 12;
/// How long a look-up is trusted without asking the database again.
pub const CACHE_TTL: Duration = Duration::from_secs(30);
/// How often recorded uses are written to the database.
pub const USAGE_FLUSH_INTERVAL: Duration = Duration::from_secs(30);
/// Past this many cached tokens, stale entries are dropped (and, if that is not enough, all).
const CACHE_MAX: usize = 10_000;

/// A fresh secret: `bbt_` + base64url of 32 random bytes (47 characters).
pub fn generate_secret() -> String {
    let mut bytes = [0u8; SECRET_BYTES];
    rand::rng().fill_bytes(&mut bytes);
    format!("{SECRET_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The stored form of a secret: hex SHA-256.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The part of a secret shown in lists.
pub fn display_prefix(secret: &str) -> String {
    secret.chars().take(DISPLAY_PREFIX_LEN).collect()
}

/// Whether a bearer credential is an API token (and not a JWT).
pub fn is_api_token(credential: &str) -> bool {
    credential.starts_with(SECRET_PREFIX)
}

/// What a request needs to know about a token, as loaded from the database.
#[derive(Debug, Clone)]
pub struct TokenRecord {
    pub id: Uuid,
    /// The institution the token acts for; none for a licensee's token.
    pub institution: Option<PrincipalInstitution>,
    /// A licensee's token: its external organisation.
    pub licensee_of: Option<Uuid>,
    pub scopes: Vec<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl TokenRecord {
    /// Neither revoked nor expired at `now`.
    pub fn is_usable_at(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|exp| now < exp)
    }

    /// The token acts as a MEMBER of its institution — or as its licensee organisation —
    /// limited to its scopes.
    pub fn principal(&self) -> Principal {
        Principal {
            kind: PrincipalKind::ApiToken,
            user_id: None,
            api_token_id: Some(self.id),
            institution: self.institution.clone(),
            licensee_of: self.licensee_of,
            role: Some(if self.licensee_of.is_some() {
                Role::Licensee
            } else {
                Role::Member
            }),
            scopes: self.scopes.clone(),
        }
    }
}

/// Recent look-ups by secret hash.
#[derive(Debug)]
pub struct TokenCache {
    ttl: Duration,
    entries: Mutex<HashMap<String, (Instant, TokenRecord)>>,
    /// Bumped by every eviction: a look-up that started before one is not cached.
    evictions: AtomicU64,
}

impl TokenCache {
    pub fn new(ttl: Duration) -> Self {
        TokenCache {
            ttl,
            entries: Mutex::new(HashMap::new()),
            evictions: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, TokenRecord)>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Call before reading the database; pass the result to [`TokenCache::put`].
    pub fn generation(&self) -> u64 {
        self.evictions.load(Ordering::SeqCst)
    }

    /// The cached record for `hash`, unless older than the TTL.
    pub fn get(&self, hash: &str, now: Instant) -> Option<TokenRecord> {
        let entries = self.lock();
        let (at, record) = entries.get(hash)?;
        (now.duration_since(*at) < self.ttl).then(|| record.clone())
    }

    /// Caches `record`, loaded at `now`, unless a token was evicted since `generation`: the
    /// record may predate that revocation.
    pub fn put(&self, hash: String, record: TokenRecord, generation: u64, now: Instant) {
        let mut entries = self.lock();
        if self.generation() != generation {
            return;
        }
        if entries.len() >= CACHE_MAX {
            entries.retain(|_, (at, _)| now.duration_since(*at) < self.ttl);
            if entries.len() >= CACHE_MAX {
                entries.clear();
            }
        }
        entries.insert(hash, (now, record));
    }

    /// Forgets every token (an organisation was suspended): the next requests read the database.
    pub fn clear(&self) {
        let mut entries = self.lock();
        self.evictions.fetch_add(1, Ordering::SeqCst);
        entries.clear();
    }

    /// Forgets token `id` (it was revoked): the next request reads the database.
    pub fn evict(&self, id: Uuid) {
        let mut entries = self.lock();
        self.evictions.fetch_add(1, Ordering::SeqCst);
        entries.retain(|_, (_, record)| record.id != id);
    }
}

/// When each token was last used, not yet written to the database.
#[derive(Debug, Default)]
pub struct TokenUsage {
    pending: Mutex<HashMap<Uuid, DateTime<Utc>>>,
}

impl TokenUsage {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, DateTime<Utc>>> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn record(&self, id: Uuid, at: DateTime<Utc>) {
        let mut pending = self.lock();
        let last = pending.entry(id).or_insert(at);
        *last = (*last).max(at);
    }

    /// The latest use of `id` not yet written to the database.
    pub fn pending(&self, id: Uuid) -> Option<DateTime<Utc>> {
        self.lock().get(&id).copied()
    }

    /// Takes every pending use, to write them.
    pub fn take(&self) -> HashMap<Uuid, DateTime<Utc>> {
        std::mem::take(&mut *self.lock())
    }

    /// Puts back uses whose write failed, keeping any newer ones recorded meanwhile.
    pub fn restore(&self, uses: HashMap<Uuid, DateTime<Utc>>) {
        for (id, at) in uses {
            self.record(id, at);
        }
    }
}

#[cfg(test)]
mod tests {
    use entity::enums::{Membership, Region};

    use super::*;

    fn record(id: Uuid) -> TokenRecord {
        TokenRecord {
            id,
            licensee_of: None,
            institution: Some(PrincipalInstitution {
                id: Uuid::now_v7(),
                membership: Membership::Member,
                region: Region::BalkanPeninsula,
            }),
            scopes: vec!["technology:read".into()],
            expires_at: None,
            revoked_at: None,
        }
    }

    #[test]
    fn secrets_are_long_random_and_stored_only_as_a_hash() {
        let a = generate_secret();
        let b = generate_secret();
        assert_ne!(a, b);
        assert!(is_api_token(&a));
        assert_eq!(a.len(), 4 + 43);
        assert_eq!(URL_SAFE_NO_PAD.decode(&a[4..]).unwrap().len(), 32);
        let h = hash_secret(&a);
        assert_eq!(h.len(), 64);
        assert!(!h.contains(&a[4..]));
        assert_eq!(display_prefix(&a), &a[..12]);
    }

    #[test]
    fn usability_follows_expiry_and_revocation() {
        let now = Utc::now();
        let mut r = record(Uuid::now_v7());
        assert!(r.is_usable_at(now));
        r.expires_at = Some(now);
        assert!(!r.is_usable_at(now));
        r.expires_at = Some(now + chrono::Duration::seconds(1));
        assert!(r.is_usable_at(now));
        r.revoked_at = Some(now);
        assert!(!r.is_usable_at(now));
        let p = record(Uuid::now_v7()).principal();
        assert_eq!(p.kind, PrincipalKind::ApiToken);
        assert_eq!(p.role, Some(Role::Member));
        assert!(p.has_scope("technology:read") && !p.has_scope("ip:read"));
    }

    #[test]
    fn the_cache_expires_evicts_and_ignores_lookups_older_than_an_eviction() {
        let cache = TokenCache::new(Duration::from_secs(30));
        let now = Instant::now();
        let id = Uuid::now_v7();
        let generation = cache.generation();
        cache.put("h".into(), record(id), generation, now);
        assert!(cache.get("h", now + Duration::from_secs(29)).is_some());
        assert!(cache.get("h", now + Duration::from_secs(30)).is_none());
        cache.evict(id);
        assert!(cache.get("h", now).is_none());
        // A look-up that began before the eviction must not resurrect the token.
        cache.put("h".into(), record(id), generation, now);
        assert!(cache.get("h", now).is_none());
        cache.put("h".into(), record(id), cache.generation(), now);
        assert!(cache.get("h", now).is_some());
    }

    #[test]
    fn usage_keeps_the_latest_use_until_taken() {
        let usage = TokenUsage::default();
        let id = Uuid::now_v7();
        let t1 = Utc::now();
        let t2 = t1 + chrono::Duration::seconds(5);
        usage.record(id, t2);
        usage.record(id, t1);
        assert_eq!(usage.pending(id), Some(t2));
        let taken = usage.take();
        assert_eq!(taken.get(&id), Some(&t2));
        assert_eq!(usage.pending(id), None);
        usage.record(id, t1);
        usage.restore(taken);
        assert_eq!(usage.pending(id), Some(t2));
    }
}
