//! In-memory rate limiting shared by the login throttle and the per-principal cost budget:
//! keyed state whose memory stays bounded however many distinct keys clients invent
//! ([`bounded::BoundedMap`]), and the GitHub-style budget of query-cost points per principal
//! and window ([`cost::CostLimiter`]).
//!
//! The state lives in each server instance: a restart or a second instance starts afresh.

pub mod bounded;
pub mod cost;
