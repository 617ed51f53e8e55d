//! What bounds password guessing and the cost of a login flood: failed attempts are throttled
//! per e-mail address and per client address, and password hashing runs in a bounded number of
//! slots (see [`PasswordSlots`]). Over any of them the answer is `RATE_LIMITED` with
//! `retryAfter`, before any hashing is done.

use std::time::Instant;

use crate::{
    auth::{
        client_address::ClientAddress,
        password_slots::{PasswordSlot, PasswordSlots},
        throttle::{self, LoginThrottle},
    },
    config::Config,
    error::{AppError, AppResult},
};

/// When every hashing slot is taken, how long to wait before trying again.
const BUSY_RETRY_AFTER_SECS: u64 = 1;

pub struct LoginLimits {
    per_email: LoginThrottle,
    per_address: LoginThrottle,
    slots: PasswordSlots,
}

/// An admitted attempt: it counts as a failure for its e-mail and client address until
/// [`LoginAttempt::succeeded`].
pub struct LoginAttempt<'a> {
    limits: &'a LoginLimits,
    email: String,
    address: String,
    at: Instant,
}

impl LoginLimits {
    pub fn from_config(c: &Config) -> Self {
        LoginLimits {
            per_email: LoginThrottle::new(
                throttle::MAX_FAILURES,
                throttle::WINDOW,
                c.rate_limit_tracked_keys,
            ),
            per_address: LoginThrottle::new(
                c.login_failures_per_address,
                throttle::WINDOW,
                c.rate_limit_tracked_keys,
            ),
            slots: PasswordSlots::new(c.password_hashing_concurrency, c.password_hashing_queue),
        }
    }

    /// A slot to hash a password in, or `RATE_LIMITED` when all are taken and the queue is full.
    pub async fn password_slot(&self) -> AppResult<PasswordSlot> {
        self.slots.acquire().await.ok_or(AppError::RateLimited {
            retry_after_secs: BUSY_RETRY_AFTER_SECS,
        })
    }

    /// Admits a login attempt for `email` (normalised) from `client`, with the slot to check
    /// its password in.
    pub async fn admit(
        &self,
        email: &str,
        client: ClientAddress,
    ) -> AppResult<(LoginAttempt<'_>, PasswordSlot)> {
        let slot = self.password_slot().await?;
        let at = Instant::now();
        let address = client.0.to_string();
        self.per_address
            .begin(&address, at)
            .map_err(|retry_after_secs| AppError::RateLimited { retry_after_secs })?;
        if let Err(retry_after_secs) = self.per_email.begin(email, at) {
            // Refused before any check: it does not count against the address.
            self.per_address.forgive(&address, at);
            return Err(AppError::RateLimited { retry_after_secs });
        }
        let attempt = LoginAttempt {
            limits: self,
            email: email.to_owned(),
            address,
            at,
        };
        Ok((attempt, slot))
    }

    /// Starts a check of `email`'s current password (changing it): throttled per e-mail.
    pub fn begin_password_check(&self, email: &str) -> AppResult<()> {
        self.per_email
            .begin(email, Instant::now())
            .map_err(|retry_after_secs| AppError::RateLimited { retry_after_secs })
    }

    /// The current password of `email` was right: forget its failures.
    pub fn password_check_succeeded(&self, email: &str) {
        self.per_email.succeeded(email);
    }
}

impl LoginAttempt<'_> {
    /// The password was right: the e-mail's failures are forgotten, and this attempt no longer
    /// counts against the client address (its other failures still do, so that one valid
    /// account does not reset an address's guessing budget).
    pub fn succeeded(self) {
        self.limits.per_email.succeeded(&self.email);
        self.limits.per_address.forgive(&self.address, self.at);
    }
}
