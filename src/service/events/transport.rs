//! How change events reach this instance: `LISTEN` on PostgreSQL, reading the log on SQLite.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use entity::audit_event;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement, sqlx::postgres::PgListener,
};
use tokio::sync::broadcast;
use uuid::Uuid;

use super::{CHANNEL, ChangeEvent};
use crate::error::AppResult;

/// Publishes `event` when (and only if) `txn` commits. PostgreSQL only; elsewhere the log itself
/// is read (see the module docs of `events`).
pub async fn notify_in_txn(txn: &impl ConnectionTrait, event: &ChangeEvent) -> AppResult<()> {
    if txn.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_notify($1, $2)",
        [CHANNEL.into(), event.to_payload().into()],
    ))
    .await?;
    Ok(())
}

/// How far before the last event it saw the listener reads the log again after a lost
/// connection: ids are taken when an event is written, not when it commits, so an event can
/// commit (and be notified) after later ones did.
const CATCH_UP_MARGIN_MS: u64 = 60_000;
/// How many recent event ids the listener remembers, so that an event read again when catching
/// up is not delivered twice.
const REMEMBERED: usize = 4096;

/// Event ids delivered lately, and the latest time among them.
struct Seen {
    ids: std::collections::HashSet<Uuid>,
    order: std::collections::VecDeque<Uuid>,
    latest_ms: u64,
    /// When listening began: nothing older is caught up on.
    started_ms: u64,
}

impl Seen {
    fn new(now_ms: u64) -> Self {
        Seen {
            ids: std::collections::HashSet::new(),
            order: std::collections::VecDeque::new(),
            latest_ms: now_ms,
            started_ms: now_ms,
        }
    }

    /// Remembers `id`; `false` when it was delivered already.
    fn first_time(&mut self, id: Uuid) -> bool {
        if !self.ids.insert(id) {
            return false;
        }
        self.order.push_back(id);
        if self.order.len() > REMEMBERED
            && let Some(old) = self.order.pop_front()
        {
            self.ids.remove(&old);
        }
        self.latest_ms = self.latest_ms.max(millis_of(id));
        true
    }

    /// Where to read the log from after a lost connection.
    fn catch_up_from(&self) -> Uuid {
        first_id_at(
            self.latest_ms
                .saturating_sub(CATCH_UP_MARGIN_MS)
                .max(self.started_ms),
        )
    }
}

/// The Unix time in milliseconds a time-ordered (v7) id was made at.
fn millis_of(id: Uuid) -> u64 {
    let b = id.as_bytes();
    b[..6]
        .iter()
        .fold(0, |ms, byte| (ms << 8) | u64::from(*byte))
}

/// The smallest v7 id of millisecond `ms`: every event written from then on sorts after it.
fn first_id_at(ms: u64) -> Uuid {
    let mut b = [0u8; 16];
    b[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
    b[6] = 0x70;
    b[8] = 0x80;
    Uuid::from_bytes(b)
}

fn now_ms() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or_default()
}

/// `LISTEN`s for change events; when the connection is lost (a restarted database, a
/// terminated backend), listens again and then reads the events committed meanwhile from the
/// log, so none is lost (and none delivered twice).
pub(super) async fn listen_postgres(
    db: DatabaseConnection,
    sender: broadcast::Sender<Arc<ChangeEvent>>,
    ready: Arc<AtomicBool>,
) {
    let pool = db.get_postgres_connection_pool().clone();
    let mut seen = Seen::new(now_ms());
    let mut lost = false;
    loop {
        let mut listener = loop {
            match connect(&pool).await {
                Ok(listener) => break listener,
                Err(err) => {
                    tracing::warn!(error = %err, "cannot LISTEN for change events; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        };
        ready.store(true, Ordering::SeqCst);
        if lost {
            // Listening again: what committed while the connection was down is in the log.
            let mut from = seen.catch_up_from();
            loop {
                match newer_than(&db, from).await {
                    Ok(events) => {
                        let Some(last) = events.last().map(|e| e.id) else {
                            break;
                        };
                        for event in events {
                            if seen.first_time(event.id) {
                                let _ = sender.send(Arc::new(event));
                            }
                        }
                        from = last;
                    }
                    Err(err) => {
                        tracing::warn!(error = ?err, "cannot read the events missed while the listener was down");
                        break;
                    }
                }
            }
            tracing::info!("change-event listener reconnected and caught up");
        }
        loop {
            match listener.try_recv().await {
                Ok(Some(note)) => {
                    if let Some(event) = ChangeEvent::from_payload(note.payload())
                        && seen.first_time(event.id)
                    {
                        let _ = sender.send(Arc::new(event));
                    }
                }
                // The connection was lost: listen anew, then catch up.
                Ok(None) => break,
                Err(err) => {
                    tracing::warn!(error = %err, "change-event listener interrupted; reconnecting");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    break;
                }
            }
        }
        lost = true;
    }
}

async fn connect(pool: &sea_orm::sqlx::PgPool) -> Result<PgListener, sea_orm::sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

pub(super) async fn poll_log(
    db: DatabaseConnection,
    sender: broadcast::Sender<Arc<ChangeEvent>>,
    start: Uuid,
    every: Duration,
) {
    let mut last = start;
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match newer_than(&db, last).await {
            Ok(events) => {
                for event in events {
                    last = event.id;
                    let _ = sender.send(Arc::new(event));
                }
            }
            Err(err) => tracing::warn!(error = ?err, "cannot read the event log; retrying"),
        }
    }
}

async fn newer_than(db: &DatabaseConnection, last: Uuid) -> AppResult<Vec<ChangeEvent>> {
    Ok(audit_event::Entity::find()
        .filter(audit_event::Column::Id.gt(last))
        .order_by_asc(audit_event::Column::Id)
        .limit(500)
        .all(db)
        .await?
        .into_iter()
        .map(|e| ChangeEvent {
            id: e.id,
            action: e.action,
            entity_type: e.entity_type,
            entity_id: e.entity_id,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catch_up_starts_a_margin_before_the_last_event_seen() {
        let id = Uuid::now_v7();
        let ms = millis_of(id);
        assert!(ms.abs_diff(now_ms()) < 10_000, "{ms}");
        let floor = first_id_at(ms);
        assert!(floor <= id && first_id_at(ms + 1) > id);
        let mut seen = Seen::new(0);
        assert!(seen.first_time(id));
        assert!(!seen.first_time(id), "delivered twice");
        assert_eq!(seen.catch_up_from(), first_id_at(ms - CATCH_UP_MARGIN_MS));
        // Nothing from before listening began.
        let late = Seen::new(ms);
        assert_eq!(late.catch_up_from(), first_id_at(ms));
        for _ in 0..REMEMBERED {
            seen.first_time(Uuid::now_v7());
        }
        assert_eq!(seen.ids.len(), REMEMBERED);
    }
}
