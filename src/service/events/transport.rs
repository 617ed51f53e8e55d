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

pub(super) async fn listen_postgres(
    db: DatabaseConnection,
    sender: broadcast::Sender<Arc<ChangeEvent>>,
    ready: Arc<AtomicBool>,
) {
    let pool = db.get_postgres_connection_pool().clone();
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
    loop {
        // `recv` reconnects by itself after a lost connection; events sent while it was down
        // are not replayed (subscriptions are live views, not a log).
        match listener.recv().await {
            Ok(note) => {
                if let Some(event) = ChangeEvent::from_payload(note.payload()) {
                    let _ = sender.send(Arc::new(event));
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, "change-event listener interrupted; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
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
