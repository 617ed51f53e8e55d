//! A map from client-chosen keys (e-mail addresses, client addresses, principals) to small
//! values, with a hard cap on its size, so that a flood of invented keys cannot grow memory
//! without bound.
//!
//! Keys are stored as 64-bit keyed hashes (SipHash with a per-process random key): a key of any
//! length costs the same few bytes, and nobody outside can aim two keys at one slot. When the map
//! is full, stale entries go first, then the least recently touched tenth.

use std::{
    collections::HashMap,
    hash::{BuildHasher, RandomState},
    time::Instant,
};

struct Slot<V> {
    value: V,
    touched: Instant,
}

pub struct BoundedMap<V> {
    capacity: usize,
    hasher: RandomState,
    slots: HashMap<u64, Slot<V>>,
}

impl<V> BoundedMap<V> {
    /// At most `capacity` entries (at least one).
    pub fn new(capacity: usize) -> Self {
        BoundedMap {
            capacity: capacity.max(1),
            hasher: RandomState::new(),
            slots: HashMap::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The value of `key`, made by `init` when absent, marked as touched at `now`. To make room,
    /// entries for which `stale(value, now)` holds are dropped first, then the least recently
    /// touched tenth of the map.
    pub fn entry(
        &mut self,
        key: &str,
        now: Instant,
        stale: impl Fn(&V, Instant) -> bool,
        init: impl FnOnce() -> V,
    ) -> &mut V {
        let hash = self.hasher.hash_one(key);
        if !self.slots.contains_key(&hash) && self.slots.len() >= self.capacity {
            self.make_room(now, stale);
        }
        let slot = self.slots.entry(hash).or_insert_with(|| Slot {
            value: init(),
            touched: now,
        });
        slot.touched = slot.touched.max(now);
        &mut slot.value
    }

    /// The value of `key`, if tracked.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        let hash = self.hasher.hash_one(key);
        self.slots.get_mut(&hash).map(|slot| &mut slot.value)
    }

    pub fn remove(&mut self, key: &str) {
        let hash = self.hasher.hash_one(key);
        self.slots.remove(&hash);
    }

    fn make_room(&mut self, now: Instant, stale: impl Fn(&V, Instant) -> bool) {
        self.slots.retain(|_, slot| !stale(&slot.value, now));
        if self.slots.len() < self.capacity {
            return;
        }
        // Evicting a tenth at once keeps the cost per insertion constant on average.
        let evict = (self.capacity / 10).max(1);
        let mut touched: Vec<Instant> = self.slots.values().map(|s| s.touched).collect();
        let (_, cutoff, _) = touched.select_nth_unstable(evict - 1);
        let cutoff = *cutoff;
        self.slots.retain(|_, slot| slot.touched > cutoff);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn never_holds_more_than_its_capacity_and_evicts_the_least_recently_touched() {
        let mut map = BoundedMap::new(100);
        let start = Instant::now();
        for i in 0..10_000u64 {
            let now = start + Duration::from_millis(i);
            *map.entry(&format!("key{i}"), now, |_, _| false, || 0) += 1;
            assert!(map.len() <= 100);
        }
        // The most recent keys survived, the oldest were evicted.
        assert!(map.get_mut("key9999").is_some());
        assert!(map.get_mut("key0").is_none());
    }

    #[test]
    fn stale_entries_make_room_before_live_ones() {
        let mut map = BoundedMap::new(3);
        let now = Instant::now();
        map.entry("live-old", now, |_, _| false, || false);
        map.entry("stale", now + Duration::from_secs(1), |_, _| false, || true);
        map.entry("live", now + Duration::from_secs(2), |_, _| false, || false);
        // Full: the stale entry goes although it is not the least recently touched.
        let stale = |v: &bool, _| *v;
        map.entry("new", now + Duration::from_secs(3), stale, || false);
        assert!(map.get_mut("stale").is_none());
        assert!(map.get_mut("live-old").is_some());
        assert_eq!(map.len(), 3);
    }

    #[test]
    fn long_keys_cost_no_more_than_short_ones() {
        let mut map = BoundedMap::new(10);
        let long = "x".repeat(1 << 20);
        *map.entry(&long, Instant::now(), |_, _| false, || 1) += 1;
        assert_eq!(map.get_mut(&long).copied(), Some(2));
        map.remove(&long);
        assert!(map.is_empty());
    }
}
