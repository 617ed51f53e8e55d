//! Login throttling: repeated failures for one key (an e-mail address, a client address) are
//! refused for a while.
//!
//! In memory, per server instance (a restart or another instance starts afresh), and bounded:
//! at most a configured number of keys are tracked, the least recently used forgotten first
//! (see [`BoundedMap`]). It slows down password guessing, it is not a complete defence against
//! a botnet.

use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

use crate::rate_limit::bounded::BoundedMap;

/// Failures allowed per e-mail address within [`WINDOW`].
pub const MAX_FAILURES: usize = 5;
/// How long a failure counts.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// Recent failed attempts per key.
pub struct LoginThrottle {
    max_failures: usize,
    window: Duration,
    failures: Mutex<BoundedMap<Vec<Instant>>>,
}

impl LoginThrottle {
    /// At most `max_failures` per `window` for each of at most `max_keys` keys.
    pub fn new(max_failures: usize, window: Duration, max_keys: usize) -> Self {
        LoginThrottle {
            max_failures,
            window,
            failures: Mutex::new(BoundedMap::new(max_keys)),
        }
    }

    /// Starts an attempt for `key` at `now`: refused with the seconds to wait when `key` already
    /// has too many recent failures. An admitted attempt counts as a failure until
    /// [`LoginThrottle::succeeded`] says otherwise, so concurrent guesses cannot slip past the limit.
    pub fn begin(&self, key: &str, now: Instant) -> Result<(), u64> {
        let window = self.window;
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let stale = |times: &Vec<Instant>, now: Instant| {
            times.iter().all(|t| now.duration_since(*t) >= window)
        };
        let times = failures.entry(key, now, stale, Vec::new);
        times.retain(|t| now.duration_since(*t) < self.window);
        if times.len() >= self.max_failures {
            let oldest = times.iter().min().copied().unwrap_or(now);
            let wait = self.window.saturating_sub(now.duration_since(oldest));
            // Round up: retrying after the advertised number of seconds must succeed.
            return Err(wait.as_secs() + u64::from(wait.subsec_nanos() > 0));
        }
        times.push(now);
        Ok(())
    }

    /// The attempt succeeded: forget the failures of `key`.
    pub fn succeeded(&self, key: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }

    /// The attempt begun at `at` succeeded: it no longer counts, the other failures of `key` do.
    pub fn forgive(&self, key: &str, at: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(times) = failures.get_mut(key)
            && let Some(i) = times.iter().position(|t| *t == at)
        {
            times.swap_remove(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_failure_within_the_window_is_refused_until_the_oldest_expires() {
        let t = LoginThrottle::new(5, Duration::from_secs(900), 100);
        let start = Instant::now();
        for i in 0..5 {
            assert!(t.begin("a@x", start + Duration::from_secs(i)).is_ok());
        }
        let wait = t.begin("a@x", start + Duration::from_secs(10)).unwrap_err();
        assert_eq!(wait, 890);
        // Other addresses are unaffected.
        assert!(t.begin("b@x", start + Duration::from_secs(10)).is_ok());
        // Once the oldest failure is older than the window, one more attempt is admitted.
        assert!(t.begin("a@x", start + Duration::from_secs(900)).is_ok());
        assert_eq!(t.begin("a@x", start + Duration::from_secs(900)), Err(1));
    }

    #[test]
    fn success_resets() {
        let t = LoginThrottle::new(2, Duration::from_secs(60), 100);
        let now = Instant::now();
        assert!(t.begin("a@x", now).is_ok());
        assert!(t.begin("a@x", now).is_ok());
        t.succeeded("a@x");
        assert!(t.begin("a@x", now).is_ok());
        assert!(t.begin("a@x", now).is_ok());
        assert_eq!(t.begin("a@x", now), Err(60));
    }

    #[test]
    fn forgiving_an_attempt_leaves_the_other_failures() {
        let t = LoginThrottle::new(2, Duration::from_secs(60), 100);
        let start = Instant::now();
        let later = start + Duration::from_secs(1);
        assert!(t.begin("192.0.2.1", start).is_ok());
        assert!(t.begin("192.0.2.1", later).is_ok());
        t.forgive("192.0.2.1", later);
        assert!(t.begin("192.0.2.1", later).is_ok());
        assert!(t.begin("192.0.2.1", later).is_err());
    }

    #[test]
    fn a_flood_of_distinct_keys_stays_within_the_bound() {
        let t = LoginThrottle::new(5, Duration::from_secs(900), 1000);
        let now = Instant::now();
        for i in 0..20_000 {
            assert!(t.begin(&format!("ghost{i}@flood.example"), now).is_ok());
        }
        assert!(t.failures.lock().unwrap().len() <= 1000);
    }
}
