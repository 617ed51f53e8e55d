//! Calendar feeds (RFC 5545): a user's view of the docket's open deadlines, of their
//! institution's venture milestones and of the training programs they may see, as `.ics` files
//! that calendar apps subscribe to.
//!
//! Calendar apps cannot send headers, so a feed is authenticated by a per-user feed token in
//! its URL ([`tokens`]): read-only, good for the feeds only, revocable, and dead once its user
//! is disabled. A feed shows exactly what its user would see through the API ([`feeds`] reads
//! through the access policy as that user); [`ics`] renders it.

pub mod feeds;
pub mod ics;
pub mod tokens;
