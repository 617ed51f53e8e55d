//! Login throttling: repeated failures for one e-mail address are refused for a while.
//!
//! In memory, per server instance (a restart or another instance starts afresh): it slows down
//! password guessing against one account, it is not a complete defence against a botnet.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

/// Failures allowed per e-mail address within [`WINDOW`].
pub const MAX_FAILURES: usize = 5;
/// How long a failure counts.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Past this many tracked addresses, addresses without a recent failure are forgotten.
const PRUNE_ABOVE: usize = 10_000;

/// Recent failed attempts per key (a lower-cased e-mail address).
#[derive(Debug)]
pub struct LoginThrottle {
    max_failures: usize,
    window: Duration,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self::new(MAX_FAILURES, WINDOW)
    }
}

impl LoginThrottle {
    pub fn new(max_failures: usize, window: Duration) -> Self {
        LoginThrottle {
            max_failures,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Starts an attempt for `key` at `now`: refused with the seconds to wait when `key` already
    /// has too many recent failures. An admitted attempt counts as a failure until
    /// [`LoginThrottle::succeeded`] says otherwise, so concurrent guesses cannot slip past the limit.
    pub fn begin(&self, key: &str, now: Instant) -> Result<(), u64> {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if failures.len() > PRUNE_ABOVE {
            failures.retain(|_, times| times.iter().any(|t| now.duration_since(*t) < self.window));
        }
        let times = failures.entry(key.to_owned()).or_default();
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_failure_within_the_window_is_refused_until_the_oldest_expires() {
        let t = LoginThrottle::new(5, Duration::from_secs(900));
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
        let t = LoginThrottle::new(2, Duration::from_secs(60));
        let now = Instant::now();
        assert!(t.begin("a@x", now).is_ok());
        assert!(t.begin("a@x", now).is_ok());
        t.succeeded("a@x");
        assert!(t.begin("a@x", now).is_ok());
        assert!(t.begin("a@x", now).is_ok());
        assert_eq!(t.begin("a@x", now), Err(60));
    }
}
