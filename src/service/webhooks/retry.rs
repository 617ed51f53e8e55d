//! When a failed delivery is tried again: exponential back-off with jitter, within a window
//! (24 hours by default) after which the delivery is given up.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// The retry schedule, from configuration.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// The pause after the first failure; it doubles after each further failure…
    pub base: Duration,
    /// …up to this.
    pub max: Duration,
    /// No retry is scheduled later than this after the delivery was queued.
    pub window: Duration,
}

impl RetryPolicy {
    /// The pause after `failed` failed attempts (1 or more): `base · 2^(failed-1)`, capped at
    /// `max`, scaled by `jitter` ∈ [0, 1] into its upper half, so that endpoints that failed
    /// together do not all come back at the same instant.
    pub fn delay(&self, failed: u32, jitter: f64) -> Duration {
        let exponent = failed.saturating_sub(1).min(30);
        let full = self.base.saturating_mul(1 << exponent).min(self.max);
        full.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
    }

    /// When to try again after `failed` failures at `now`, or `None`: give up (the next try
    /// would fall after `retry_until`).
    pub fn next_attempt(
        &self,
        now: DateTime<Utc>,
        retry_until: DateTime<Utc>,
        failed: u32,
        jitter: f64,
    ) -> Option<DateTime<Utc>> {
        let next = now + chrono::Duration::from_std(self.delay(failed, jitter)).ok()?;
        (next <= retry_until).then_some(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            base: Duration::from_secs(5),
            max: Duration::from_secs(3600),
            window: Duration::from_secs(24 * 3600),
        }
    }

    #[test]
    fn the_pause_doubles_up_to_the_cap() {
        let p = policy();
        let full: Vec<u64> = (1..=12).map(|n| p.delay(n, 1.0).as_secs()).collect();
        assert_eq!(
            full,
            [5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600]
        );
        assert_eq!(p.delay(1000, 1.0), Duration::from_secs(3600));
    }

    #[test]
    fn jitter_keeps_the_pause_in_its_upper_half() {
        let p = policy();
        assert_eq!(p.delay(3, 0.0), Duration::from_secs(10));
        assert_eq!(p.delay(3, 0.5), Duration::from_secs(15));
        assert_eq!(p.delay(3, 7.0), Duration::from_secs(20));
    }

    #[test]
    fn retries_stop_at_the_end_of_the_window() {
        let p = policy();
        let start = Utc::now();
        let until = start + chrono::Duration::hours(24);
        assert_eq!(
            p.next_attempt(start, until, 1, 1.0),
            Some(start + chrono::Duration::seconds(5))
        );
        let late = until - chrono::Duration::seconds(10);
        assert_eq!(p.next_attempt(late, until, 20, 1.0), None);
        // A whole day of failures adds up to a few dozen attempts, not thousands.
        let (mut now, mut failed) = (start, 0);
        while let Some(next) = p.next_attempt(now, until, failed + 1, 1.0) {
            now = next;
            failed += 1;
        }
        assert!((25..40).contains(&failed), "{failed} retries in a day");
    }
}
