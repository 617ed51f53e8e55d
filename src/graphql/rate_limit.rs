//! The per-principal rate limit in cost points: every operation's cost (the complexity the
//! schema computes in validation) is charged to its payer before it runs, and refused with
//! `RATE_LIMITED` when the budget cannot pay for it. `Query.rateLimit` shows the budget; the
//! HTTP layer repeats it in `X-RateLimit-*` headers.

use std::{
    sync::{Arc, Mutex},
    time::Instant,
};

use async_graphql::{
    Context, Object, ServerError, SimpleObject, ValidationResult, extensions::ExtensionContext,
};
use chrono::Utc;

use crate::graphql::scalars::Timestamp;

use crate::{
    auth::{Principal, PrincipalKind, client_address::ClientAddress},
    error::AppError,
    graphql::RequestCtx,
    rate_limit::cost::{Charge, CostLimiter, Payer},
};

/// What charging this request came to: admitted (`Ok`) or refused (`Err`). Shared by the
/// extension that charges, `Query.rateLimit`, and the HTTP layer that writes the headers.
#[derive(Clone, Default)]
pub struct ChargeOutcome(Arc<Mutex<Option<Result<Charge, Charge>>>>);

impl ChargeOutcome {
    pub fn get(&self) -> Option<Result<Charge, Charge>> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn set(&self, outcome: Result<Charge, Charge>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(outcome);
    }
}

/// Who pays for an operation: a user or API token from its own budget; anonymous callers, and
/// access tokens that name no BioBridge user (operators', an external identity provider's), by
/// client address.
pub fn payer(principal: &Principal, client: ClientAddress) -> Payer {
    let (key, authenticated) = if let Some(id) = principal.user_id {
        (format!("user:{id}"), true)
    } else if let Some(id) = principal.api_token_id {
        (format!("token:{id}"), true)
    } else if principal.kind == PrincipalKind::Anonymous {
        (format!("anonymous:{}", client.0), false)
    } else {
        (format!("subject-less:{}", client.0), true)
    };
    Payer { key, authenticated }
}

/// The caller's budget of query-cost points (`X-RateLimit-*` headers carry the same figures).
#[derive(SimpleObject)]
pub struct RateLimit {
    /// Points the caller may spend per window.
    pub limit: i32,
    /// What this operation cost: its complexity, at least 1.
    pub cost: i32,
    /// Points spent in the current window, this operation included.
    pub used: i32,
    /// Points left in the current window.
    pub remaining: i32,
    /// When the window ends and the budget is whole again.
    pub reset_at: Timestamp,
}

fn int(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

#[derive(Default)]
pub struct RateLimitQuery;

#[Object]
impl RateLimitQuery {
    /// The caller's rate limit after this operation. Every operation costs its complexity in
    /// points (at least 1), charged to the user, API token or (anonymous) client address;
    /// when the budget is spent, operations are refused with `RATE_LIMITED` and
    /// `extensions.retryAfter` until `resetAt`.
    async fn rate_limit(&self, ctx: &Context<'_>) -> Option<RateLimit> {
        let charge = ctx.data_opt::<ChargeOutcome>()?.get()?.ok()?;
        Some(RateLimit {
            limit: int(charge.limit),
            cost: int(charge.cost),
            used: int(charge.used),
            remaining: int(charge.remaining()),
            reset_at: Timestamp(charge.reset_at),
        })
    }
}

/// Charges a validated operation (its complexity) to its payer's budget, when the request
/// carries a [`CostLimiter`]; refused with `RATE_LIMITED` when the budget cannot pay for it. Run
/// by [`super::checks`] after the depth and complexity limits.
pub fn charge(
    ctx: &ExtensionContext<'_>,
    result: &ValidationResult,
) -> Result<(), Vec<ServerError>> {
    let (Some(limiter), Some(req), Some(outcome)) = (
        ctx.data_opt::<Arc<CostLimiter>>(),
        ctx.data_opt::<RequestCtx>(),
        ctx.data_opt::<ChargeOutcome>(),
    ) else {
        return Ok(());
    };
    let client = ctx
        .data_opt::<ClientAddress>()
        .copied()
        .unwrap_or(ClientAddress::UNKNOWN);
    let charged = limiter.charge(
        &payer(&req.principal, client),
        result.complexity as u64,
        Instant::now(),
        Utc::now(),
    );
    outcome.set(charged);
    match charged {
        Ok(_) => Ok(()),
        Err(spent) => {
            let err = AppError::RateLimited {
                retry_after_secs: spent.reset_in_secs,
            }
            .into_graphql();
            let message = format!(
                "rate limit exceeded: this operation costs {} points and {} of the {} points per window are left; retry in {} s",
                spent.cost,
                spent.remaining(),
                spent.limit,
                spent.reset_in_secs
            );
            let mut refused = ServerError::new(message, None);
            refused.extensions = err.extensions;
            Err(vec![refused])
        }
    }
}
