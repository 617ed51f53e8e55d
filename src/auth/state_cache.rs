//! What an access JWT's principal depends on besides the token — its institution's membership
//! and region, and whether its user is still active — cached briefly, so that authenticating a
//! request costs no database round trip.
//!
//! Consistency: an entry is trusted for the configured bound (`BIOBRIDGE_AUTH_CACHE_SECS`,
//! [`DEFAULT_TTL`] by default). `disableUser`, `changePassword` and `updateInstitution` evict
//! the entry on the instance that ran them, which therefore refuses the old token from the next
//! request on; every other instance does within the bound.

use std::{
    collections::HashMap,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::PrincipalInstitution;

/// How long a look-up is trusted unless configured otherwise.
pub const DEFAULT_TTL: Duration = Duration::from_secs(5);
/// Past this many entries, stale ones are dropped (and, if that is not enough, all).
const MAX_ENTRIES: usize = 10_000;

/// A user's account state, as far as accepting their tokens goes.
#[derive(Debug, Clone)]
pub struct UserState {
    pub id: Uuid,
    pub institution_id: Option<Uuid>,
    /// A licensee's user: its external organisation.
    pub organization_id: Option<Uuid>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub tokens_valid_after: Option<DateTime<Utc>>,
}

/// Recent look-ups by id; `None` records that the row does not exist.
#[derive(Debug)]
pub struct StateCache<V> {
    ttl: Duration,
    entries: Mutex<HashMap<Uuid, (Instant, Option<V>)>>,
    /// Bumped by every eviction: a look-up that started before one is not cached.
    evictions: AtomicU64,
}

impl<V: Clone> StateCache<V> {
    /// A `ttl` of zero caches nothing.
    pub fn new(ttl: Duration) -> Self {
        StateCache {
            ttl,
            entries: Mutex::new(HashMap::new()),
            evictions: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, (Instant, Option<V>)>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Call before reading the database; pass the result to [`StateCache::put`].
    pub fn generation(&self) -> u64 {
        self.evictions.load(Ordering::SeqCst)
    }

    /// The cached look-up of `id` (`Some(None)`: known not to exist), unless older than the TTL.
    pub fn get(&self, id: Uuid, now: Instant) -> Option<Option<V>> {
        let entries = self.lock();
        let (at, value) = entries.get(&id)?;
        (now.saturating_duration_since(*at) < self.ttl).then(|| value.clone())
    }

    /// Caches the look-up of `id` made at `now`, unless an entry was evicted since
    /// `generation`: the look-up may predate that change.
    pub fn put(&self, id: Uuid, value: Option<V>, generation: u64, now: Instant) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.lock();
        if self.generation() != generation {
            return;
        }
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, (at, _)| now.saturating_duration_since(*at) < self.ttl);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(id, (now, value));
    }

    /// Forgets `id`, so that the next request reads it from the database.
    pub fn evict(&self, id: Uuid) {
        let mut entries = self.lock();
        self.evictions.fetch_add(1, Ordering::SeqCst);
        entries.remove(&id);
    }
}

/// A licensee's external organisation, as far as accepting its credentials goes.
#[derive(Debug, Clone)]
pub struct OrganizationState {
    pub id: Uuid,
    pub suspended: bool,
}

/// The caches an access JWT needs.
#[derive(Debug)]
pub struct PrincipalStates {
    pub institutions: StateCache<PrincipalInstitution>,
    pub organizations: StateCache<OrganizationState>,
    pub users: StateCache<UserState>,
}

impl PrincipalStates {
    pub fn new(ttl: Duration) -> Self {
        PrincipalStates {
            institutions: StateCache::new(ttl),
            organizations: StateCache::new(ttl),
            users: StateCache::new(ttl),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_after_the_bound() {
        let cache = StateCache::<u32>::new(Duration::from_secs(5));
        let id = Uuid::now_v7();
        let now = Instant::now();
        cache.put(id, Some(7), cache.generation(), now);
        assert_eq!(
            cache.get(id, now + Duration::from_millis(4999)),
            Some(Some(7))
        );
        assert_eq!(cache.get(id, now + Duration::from_secs(5)), None);
        let missing = Uuid::now_v7();
        cache.put(missing, None, cache.generation(), now);
        assert_eq!(cache.get(missing, now), Some(None));
    }

    #[test]
    fn an_eviction_wins_over_a_look_up_that_started_before_it() {
        let cache = StateCache::<u32>::new(Duration::from_secs(5));
        let id = Uuid::now_v7();
        let now = Instant::now();
        cache.put(id, Some(1), cache.generation(), now);
        let before = cache.generation();
        cache.evict(id);
        assert_eq!(cache.get(id, now), None);
        // A look-up that read the database before the eviction must not be cached.
        cache.put(id, Some(1), before, now);
        assert_eq!(cache.get(id, now), None);
        cache.put(id, Some(2), cache.generation(), now);
        assert_eq!(cache.get(id, now), Some(Some(2)));
    }

    #[test]
    fn a_zero_bound_caches_nothing() {
        let cache = StateCache::<u32>::new(Duration::ZERO);
        let id = Uuid::now_v7();
        let now = Instant::now();
        cache.put(id, Some(1), cache.generation(), now);
        assert_eq!(cache.get(id, now), None);
    }
}
