//! The per-principal budget of query-cost points, GitHub-style: each query's cost (the
//! complexity the schema computes) is charged to its principal; a principal spends at most
//! `limit` points in a window that starts with its first charged query and lasts `window`.

use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};

use super::bounded::BoundedMap;

/// Who pays for a query. Users and API tokens pay from their own budget wherever they call
/// from; anonymous callers (and access tokens that name no BioBridge user) from their client
/// address's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payer {
    pub key: String,
    pub authenticated: bool,
}

/// The state of a budget after a charge (or a refused one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Charge {
    /// Points per window.
    pub limit: u64,
    /// Points spent in the current window, this query included when it was admitted.
    pub used: u64,
    /// When the window ends and the budget is whole again.
    pub reset_at: DateTime<Utc>,
    /// What this query costs.
    pub cost: u64,
    /// Whole seconds until the window ends (rounded up).
    pub reset_in_secs: u64,
}

impl Charge {
    pub fn remaining(&self) -> u64 {
        self.limit.saturating_sub(self.used)
    }
}

struct Window {
    started: Instant,
    started_at: DateTime<Utc>,
    used: u64,
}

pub struct CostLimiter {
    window: Duration,
    authenticated_limit: u64,
    anonymous_limit: u64,
    windows: Mutex<BoundedMap<Window>>,
}

impl CostLimiter {
    /// Budgets of `authenticated_limit` / `anonymous_limit` points per `window`, for at most
    /// `max_tracked` payers at once.
    pub fn new(
        window: Duration,
        authenticated_limit: u64,
        anonymous_limit: u64,
        max_tracked: usize,
    ) -> Self {
        CostLimiter {
            window,
            authenticated_limit,
            anonymous_limit,
            windows: Mutex::new(BoundedMap::new(max_tracked)),
        }
    }

    /// Charges `cost` points (at least one) to `payer`. `Err` when the budget cannot pay for the
    /// query: nothing is charged then, and the charge says when to retry.
    pub fn charge(
        &self,
        payer: &Payer,
        cost: u64,
        now: Instant,
        now_utc: DateTime<Utc>,
    ) -> Result<Charge, Charge> {
        let cost = cost.max(1);
        let limit = if payer.authenticated {
            self.authenticated_limit
        } else {
            self.anonymous_limit
        };
        let length = self.window;
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let ended = |w: &Window, now: Instant| now.duration_since(w.started) >= length;
        let window = windows.entry(&payer.key, now, ended, || Window {
            started: now,
            started_at: now_utc,
            used: 0,
        });
        if ended(window, now) {
            *window = Window {
                started: now,
                started_at: now_utc,
                used: 0,
            };
        }
        let left = length.saturating_sub(now.duration_since(window.started));
        let mut charge = Charge {
            limit,
            used: window.used,
            reset_at: window.started_at + chrono::Duration::from_std(length).unwrap_or_default(),
            cost,
            reset_in_secs: left.as_secs() + u64::from(left.subsec_nanos() > 0),
        };
        if window.used.saturating_add(cost) > limit {
            return Err(charge);
        }
        window.used += cost;
        charge.used = window.used;
        Ok(charge)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payer(key: &str, authenticated: bool) -> Payer {
        Payer {
            key: key.into(),
            authenticated,
        }
    }

    #[test]
    fn charges_until_spent_then_refuses_until_the_window_ends() {
        let limiter = CostLimiter::new(Duration::from_secs(3600), 100, 10, 1000);
        let start = Instant::now();
        let utc = Utc::now();
        let user = payer("user:1", true);
        let first = limiter.charge(&user, 60, start, utc).unwrap();
        assert_eq!((first.used, first.remaining(), first.cost), (60, 40, 60));
        assert_eq!(first.reset_at, utc + chrono::Duration::hours(1));
        let later = start + Duration::from_secs(600);
        let refused = limiter.charge(&user, 41, later, utc).unwrap_err();
        assert_eq!((refused.used, refused.remaining()), (60, 40));
        assert_eq!(refused.reset_in_secs, 3000);
        // What is left can still be spent.
        assert_eq!(
            limiter.charge(&user, 40, later, utc).unwrap().remaining(),
            0
        );
        // A new window starts once the old one has ended.
        let next = start + Duration::from_secs(3600);
        let renewed = limiter.charge(&user, 41, next, utc).unwrap();
        assert_eq!(renewed.used, 41);
    }

    #[test]
    fn anonymous_callers_have_the_smaller_budget_and_every_query_costs_a_point() {
        let limiter = CostLimiter::new(Duration::from_secs(60), 100, 10, 1000);
        let now = Instant::now();
        let anon = payer("addr:192.0.2.1", false);
        for _ in 0..10 {
            limiter.charge(&anon, 0, now, Utc::now()).unwrap();
        }
        assert!(limiter.charge(&anon, 0, now, Utc::now()).is_err());
        // Another payer is unaffected.
        assert!(
            limiter
                .charge(&payer("addr:192.0.2.2", false), 10, now, Utc::now())
                .is_ok()
        );
    }
}
