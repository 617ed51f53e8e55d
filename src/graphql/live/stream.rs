//! From the instance's event bus to one subscription: keep the events about one entity type,
//! re-read each row through the access policy with the socket's principal, and stop the socket
//! when the subscriber falls too far behind.

use std::sync::Arc;

use async_graphql::{Context, ErrorExtensions, Result};
use futures_util::{Stream, StreamExt, future::BoxFuture, stream};
use tokio::sync::{broadcast, watch};

use crate::{
    error::{AppError, AppResult},
    graphql::request,
    policy::{self, Policy},
    service::events::{ChangeEvent, EventBus},
};

pub type Event = Arc<ChangeEvent>;

/// Close code for a subscriber that fell behind the event stream.
pub const TOO_SLOW: u16 = 1013;

/// Asks the socket a subscription runs on to close, with a code and a reason (the first request
/// wins). The socket layer attaches one to every connection.
#[derive(Clone)]
pub struct Hangup(Arc<watch::Sender<Option<(u16, String)>>>);

impl Default for Hangup {
    fn default() -> Self {
        Hangup(Arc::new(watch::channel(None).0))
    }
}

impl Hangup {
    pub fn close(&self, code: u16, reason: impl Into<String>) {
        let reason = reason.into();
        self.0.send_if_modified(|current| {
            if current.is_some() {
                return false;
            }
            *current = Some((code, reason));
            true
        });
    }

    /// The close requested so far, if any.
    pub fn requested(&self) -> Option<(u16, String)> {
        self.0.borrow().clone()
    }

    /// Resolves once a close is requested.
    pub fn watch(&self) -> watch::Receiver<Option<(u16, String)>> {
        self.0.subscribe()
    }
}

fn unavailable(message: String) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, ext| ext.set("code", "UNAVAILABLE"))
}

/// A further test of a row the subscriber may see, that needs the database (e.g. whether a
/// reminded deadline is still open): `Ok(false)` skips the event.
pub type Check<M> = Arc<
    dyn Fn(
            sea_orm::DatabaseConnection,
            Arc<crate::auth::Principal>,
            M,
        ) -> BoxFuture<'static, AppResult<bool>>
        + Send
        + Sync,
>;

struct Follower<E: Policy, K> {
    events: broadcast::Receiver<Event>,
    entity_type: &'static str,
    db: sea_orm::DatabaseConnection,
    principal: Arc<crate::auth::Principal>,
    hangup: Option<Hangup>,
    keep: K,
    check: Option<Check<E::Model>>,
    entity: std::marker::PhantomData<fn() -> E>,
}

impl<E: Policy, K> Follower<E, K>
where
    E::Model: Send + Sync,
    K: Fn(&E::Model) -> bool,
{
    /// The next event this subscriber may see, or an error (and the end) when it fell behind.
    async fn next(&mut self) -> Option<Result<(Event, E::Model)>> {
        loop {
            let event = match self.events.recv().await {
                Ok(event) => event,
                Err(broadcast::error::RecvError::Closed) => return None,
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    let reason = format!(
                        "the subscriber fell {missed} events behind; resubscribe and re-read"
                    );
                    if let Some(hangup) = &self.hangup {
                        hangup.close(TOO_SLOW, "too slow: events were dropped");
                    }
                    return Some(Err(unavailable(reason)));
                }
            };
            if event.entity_type != self.entity_type {
                continue;
            }
            // Re-read now, as the subscriber: only what it may see at delivery reaches it.
            let row =
                match policy::find_visible::<E>(&self.db, &self.principal, event.entity_id, "row")
                    .await
                {
                    Ok(row) if (self.keep)(&row) => row,
                    Ok(_) | Err(AppError::NotFound(_)) => continue,
                    Err(err) => return Some(Err(err.into_graphql())),
                };
            let Some(check) = &self.check else {
                return Some(Ok((event, row)));
            };
            match check(self.db.clone(), self.principal.clone(), row.clone()).await {
                Ok(true) => return Some(Ok((event, row))),
                Ok(false) => continue,
                Err(err) => return Some(Err(err.into_graphql())),
            }
        }
    }
}

/// The changes to rows of `E` (audit entity type `entity_type`) that the viewer may see and
/// `keep` selects, as GraphQL payloads `T`.
pub fn follow<E, T, K>(
    ctx: &Context<'_>,
    entity_type: &'static str,
    keep: K,
) -> Result<impl Stream<Item = Result<T>> + use<E, T, K>>
where
    E: Policy,
    E::Model: Send + Sync,
    T: From<(Event, E::Model)> + Send + 'static,
    K: Fn(&E::Model) -> bool + Send + Sync + 'static,
{
    follow_checked::<E, T, K>(ctx, entity_type, keep, None)
}

/// [`follow`], with a further `check` of each row that passed `keep`.
pub fn follow_checked<E, T, K>(
    ctx: &Context<'_>,
    entity_type: &'static str,
    keep: K,
    check: Option<Check<E::Model>>,
) -> Result<impl Stream<Item = Result<T>> + use<E, T, K>>
where
    E: Policy,
    E::Model: Send + Sync,
    T: From<(Event, E::Model)> + Send + 'static,
    K: Fn(&E::Model) -> bool + Send + Sync + 'static,
{
    let req = request(ctx);
    let bus = ctx
        .data_opt::<EventBus>()
        .ok_or_else(|| unavailable("live updates are not available".into()))?;
    let follower = Follower::<E, K> {
        events: bus.subscribe(),
        entity_type,
        db: req.db.clone(),
        principal: req.principal.clone(),
        hangup: ctx.data_opt::<Hangup>().cloned(),
        keep,
        check,
        entity: std::marker::PhantomData,
    };
    Ok(stream::unfold(Some(follower), |follower| async move {
        let mut follower = follower?;
        match follower.next().await? {
            Ok(found) => Some((Ok(T::from(found)), Some(follower))),
            // An error ends the subscription.
            Err(err) => Some((Err(err), None)),
        }
    })
    .boxed())
}
