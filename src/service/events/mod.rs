//! Change events for live subscribers: what changed (kind and ids only — never the data, which
//! each subscriber re-reads under its own principal), and how an event travels from the
//! transaction that made it to every instance's subscribers.
//!
//! The audit trail is the event log: every mutation appends one audit event in its transaction
//! ([`crate::service::audit::record`]), so an event exists exactly when its change committed.
//! - PostgreSQL: the same transaction calls `pg_notify` ([`notify_in_txn`]), which PostgreSQL
//!   delivers to every listening instance only on commit, and never on rollback. When the
//!   `LISTEN` connection is lost, the instance listens again and then reads the log from a
//!   margin before the last event it saw, so events committed meanwhile are not lost (ids it
//!   delivered already are skipped).
//! - SQLite (one process, one writer at a time): [`EventBus::start`] reads audit events newer
//!   than the last one seen every `poll` interval; writers take turns, so ids grow in commit
//!   order and none is skipped.
//!
//! Each instance fans events out in process through a bounded broadcast channel: a subscriber
//! that falls more than its queue (`BIOBRIDGE_LIVE_QUEUE`, [`QUEUE`] by default) behind is told so (see `graphql::live`).

mod transport;

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use sea_orm::DatabaseConnection;
use tokio::sync::broadcast;
use uuid::Uuid;

pub use transport::notify_in_txn;

/// How many events one subscriber may fall behind before it is cut off, by default
/// (`BIOBRIDGE_LIVE_QUEUE`).
pub const QUEUE: usize = 256;
/// The PostgreSQL channel events are published on.
pub const CHANNEL: &str = "biobridge_events";

/// One committed change: the audit event's id, its action (`royaltyReport.decide`), and the
/// changed entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeEvent {
    pub id: Uuid,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Uuid,
}

impl ChangeEvent {
    /// The `pg_notify` payload: `id action entityType entityId` (ids and kind only).
    pub fn to_payload(&self) -> String {
        format!(
            "{} {} {} {}",
            self.id, self.action, self.entity_type, self.entity_id
        )
    }

    pub fn from_payload(payload: &str) -> Option<ChangeEvent> {
        let mut parts = payload.split(' ');
        let event = ChangeEvent {
            id: Uuid::parse_str(parts.next()?).ok()?,
            action: parts.next()?.to_owned(),
            entity_type: parts.next()?.to_owned(),
            entity_id: Uuid::parse_str(parts.next()?).ok()?,
        };
        parts.next().is_none().then_some(event)
    }
}

/// This instance's fan-out of committed change events.
#[derive(Clone)]
pub struct EventBus {
    sender: broadcast::Sender<Arc<ChangeEvent>>,
    ready: Arc<AtomicBool>,
}

impl EventBus {
    /// A bus fed by nothing (the SDL printer, tests of pure logic).
    pub fn detached() -> Self {
        EventBus {
            sender: broadcast::channel(QUEUE).0,
            ready: Arc::new(AtomicBool::new(false)),
        }
    }

    /// A bus fed from `db`'s event log (see the module docs) by a background task, when called
    /// inside a Tokio runtime. Events committed from now on are delivered; a subscriber that
    /// falls more than `queue` events behind is cut off.
    pub fn start(db: &DatabaseConnection, poll: Duration, queue: usize) -> Self {
        let bus = EventBus {
            sender: broadcast::channel(queue.max(1)).0,
            ready: Arc::new(AtomicBool::new(false)),
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return bus;
        };
        let (db, sender, ready) = (db.clone(), bus.sender.clone(), bus.ready.clone());
        match db.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                runtime.spawn(transport::listen_postgres(db, sender, ready))
            }
            _ => {
                // Time-ordered ids: every audit event written after this instant sorts later.
                let start = Uuid::now_v7();
                ready.store(true, Ordering::SeqCst);
                runtime.spawn(transport::poll_log(db, sender, start, poll))
            }
        };
        bus
    }

    /// Whether events are flowing in (PostgreSQL: the `LISTEN` is in place).
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst)
    }

    /// How many subscriptions of this instance are listening.
    pub fn subscriber_count(&self) -> usize {
        self.sender.receiver_count()
    }

    /// A new receiver, starting with the next event.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<ChangeEvent>> {
        self.sender.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_round_trips_and_rejects_garbage() {
        let event = ChangeEvent {
            id: Uuid::now_v7(),
            action: "royaltyReport.decide".into(),
            entity_type: "RoyaltyReport".into(),
            entity_id: Uuid::now_v7(),
        };
        assert_eq!(ChangeEvent::from_payload(&event.to_payload()), Some(event));
        assert_eq!(ChangeEvent::from_payload("not an event"), None);
        assert_eq!(ChangeEvent::from_payload(""), None);
    }
}
