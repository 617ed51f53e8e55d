//! Batching without a timer: a request's loads wait until the execution can go no further
//! without them, then each loader sends the keys it collected as one statement.
//!
//! [`Driven`] wraps the execution of one request. When the execution is pending and has not
//! asked to be polled again, every field it could reach has been polled and has registered its
//! keys, so that is the moment to dispatch — the way JavaScript's DataLoader dispatches on the
//! next tick. (An execution that woke itself while pending merely yielded: the executor's
//! `FuturesUnordered` does after polling each of its futures once, and Tokio's budget makes
//! futures yield; it is polled again before anything is dispatched.) No clock is involved: a
//! level makes one batch however loaded the machine is.
//!
//! Two kinds of batches:
//! - "has many" look-ups (eager) go as soon as the execution is pending: their rows lead to the
//!   next level;
//! - "belongs to" look-ups (deferred) wait until no other batch is pending or in flight. The
//!   same entity — an institution, a person — is asked for at several levels of one query (a
//!   technology's owner, a deal's recipient, an IP co-owner); waiting lets every level share one
//!   statement, and costs no round trip because the deepest level waits for its parents anyway.
//!
//! Outside a [`Driven`] execution (a subscription socket, say) a background task dispatches
//! after yielding to the runtime a few times.

use std::{
    collections::HashMap,
    future::Future,
    pin::Pin,
    sync::{
        Arc, Mutex, Weak,
        atomic::{AtomicBool, Ordering},
    },
    task::{Context, Poll, Wake, Waker},
};

use async_graphql::dataloader::Loader;
use futures_util::{FutureExt, StreamExt, future::BoxFuture, stream::FuturesUnordered};
use tokio::sync::oneshot;
use uuid::Uuid;

/// Keys per statement at most: an `IN` list far below every database's parameter limit.
const MAX_KEYS_PER_STATEMENT: usize = 1024;
/// How often the background dispatcher (outside a [`Driven`] execution) yields to the runtime
/// before it dispatches, so that the execution it serves registers its keys first.
const UNDRIVEN_YIELDS: usize = 4;

/// A batch on its way: loads the keys and hands every waiting load its rows.
type Dispatch = BoxFuture<'static, ()>;

/// A loader with keys waiting.
trait Waiting: Send + Sync {
    /// The batch of the keys registered so far (none when there are none).
    fn take(&self) -> Option<Dispatch>;
}

#[derive(Default)]
struct Queue {
    eager: Vec<Arc<dyn Waiting>>,
    deferred: Vec<Arc<dyn Waiting>>,
    /// A [`Driven`] execution dispatches; otherwise a background task does.
    driven: bool,
    background_task: bool,
}

/// The batches of one request (or one subscription socket).
#[derive(Default)]
pub struct Scheduler {
    queue: Mutex<Queue>,
}

impl Scheduler {
    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn enqueue(self: &Arc<Self>, waiting: Arc<dyn Waiting>, deferred: bool) {
        let start_task = {
            let mut queue = self.lock();
            if deferred {
                queue.deferred.push(waiting);
            } else {
                queue.eager.push(waiting);
            }
            let start = !queue.driven && !queue.background_task;
            queue.background_task |= start;
            start
        };
        if start_task && let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(dispatch_in_background(Arc::downgrade(self)));
        }
    }

    /// The batches to send now: the eager ones, or when there are none and nothing is in
    /// flight, the deferred ones.
    fn ready(&self, in_flight: bool) -> Vec<Dispatch> {
        let waiting = {
            let mut queue = self.lock();
            if !queue.eager.is_empty() {
                std::mem::take(&mut queue.eager)
            } else if !in_flight {
                std::mem::take(&mut queue.deferred)
            } else {
                Vec::new()
            }
        };
        waiting.iter().filter_map(|w| w.take()).collect()
    }

    /// Everything waiting; when nothing is, the background task ends.
    fn all_or_stop(&self) -> Vec<Dispatch> {
        let waiting = {
            let mut queue = self.lock();
            let mut all = std::mem::take(&mut queue.eager);
            all.append(&mut queue.deferred);
            queue.background_task = !all.is_empty();
            all
        };
        waiting.iter().filter_map(|w| w.take()).collect()
    }

    /// Runs `execution`, dispatching the batches it asks for whenever it is pending.
    pub fn drive<F: Future>(self: &Arc<Self>, execution: F) -> Driven<F> {
        self.lock().driven = true;
        Driven {
            execution: Box::pin(execution),
            scheduler: self.clone(),
            in_flight: FuturesUnordered::new(),
        }
    }
}

async fn dispatch_in_background(scheduler: Weak<Scheduler>) {
    loop {
        for _ in 0..UNDRIVEN_YIELDS {
            tokio::task::yield_now().await;
        }
        let Some(batches) = scheduler.upgrade().map(|s| s.all_or_stop()) else {
            return;
        };
        if batches.is_empty() {
            return;
        }
        futures_util::future::join_all(batches).await;
    }
}

/// An execution whose loads are dispatched when it is pending (see the module docs).
pub struct Driven<F: Future> {
    execution: Pin<Box<F>>,
    scheduler: Arc<Scheduler>,
    in_flight: FuturesUnordered<Dispatch>,
}

impl<F: Future> Future for Driven<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        loop {
            let watch = Arc::new(WakeWatch {
                task: cx.waker().clone(),
                woken: AtomicBool::new(false),
            });
            let waker = Waker::from(watch.clone());
            if let Poll::Ready(output) = this
                .execution
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
            {
                return Poll::Ready(output);
            }
            let yielded = watch.woken.load(Ordering::SeqCst);
            if !yielded {
                // Truly waiting: every field it could reach has registered its keys.
                let in_flight = !this.in_flight.is_empty();
                this.in_flight.extend(this.scheduler.ready(in_flight));
            }
            let mut delivered = false;
            while let Poll::Ready(Some(())) = this.in_flight.poll_next_unpin(cx) {
                delivered = true;
            }
            if yielded || !delivered {
                // Woken already when it yielded, or waiting for rows.
                return Poll::Pending;
            }
            // Rows arrived: their fields can resolve further at once.
        }
    }
}

/// Wakes the task, and records that it was woken.
struct WakeWatch {
    task: Waker,
    woken: AtomicBool,
}

impl Wake for WakeWatch {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::SeqCst);
        self.task.wake_by_ref();
    }
}

/// `keys` (sorted, distinct, not empty) padded to a power of two by repeating the last one.
///
/// A loader's statement lists its keys (`id IN ($1, …, $n)`), so every number of keys is another
/// statement text. Unpadded, a query's batches took dozens of texts: each one parsed and planned
/// anew, crowding the connections' statement caches, and on PostgreSQL never executed often
/// enough to get a cached plan. Padded, a loader has at most 11 texts. A repeated key changes no
/// answer: `IN` matches a row once.
fn padded(keys: &[Uuid]) -> Vec<Uuid> {
    let mut padded = Vec::with_capacity(keys.len().next_power_of_two());
    padded.extend_from_slice(keys);
    if let Some(&last) = keys.last() {
        padded.resize(keys.len().next_power_of_two(), last);
    }
    padded
}

/// What one load gets: the values found for its keys, in no particular order.
type Answer<L> = Result<Vec<(Uuid, <L as Loader<Uuid>>::Value)>, <L as Loader<Uuid>>::Error>;

struct Pending<L: Loader<Uuid>> {
    keys: Vec<Uuid>,
    waiters: Vec<(Vec<Uuid>, oneshot::Sender<Answer<L>>)>,
}

impl<L: Loader<Uuid>> Default for Pending<L> {
    fn default() -> Self {
        Pending {
            keys: Vec::new(),
            waiters: Vec::new(),
        }
    }
}

/// One loader of one request: collects keys and loads them in batches.
pub struct Batcher<L: Loader<Uuid>> {
    loader: Arc<L>,
    deferred: bool,
    scheduler: Weak<Scheduler>,
    me: Weak<Batcher<L>>,
    pending: Mutex<Pending<L>>,
}

impl<L: Loader<Uuid>> Batcher<L> {
    /// `deferred`: a "belongs to" look-up that waits for every other batch (see module docs).
    pub fn new(loader: L, deferred: bool, scheduler: &Arc<Scheduler>) -> Arc<Self> {
        Arc::new_cyclic(|me| Batcher {
            loader: Arc::new(loader),
            deferred,
            scheduler: Arc::downgrade(scheduler),
            me: me.clone(),
            pending: Mutex::new(Pending::default()),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pending<L>> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub async fn load_one(&self, key: Uuid) -> Result<Option<L::Value>, L::Error> {
        Ok(self.load(vec![key]).await?.pop().map(|(_, value)| value))
    }

    /// The values found for `keys` (keys without a value are left out).
    pub async fn load_many(
        &self,
        keys: impl IntoIterator<Item = Uuid>,
    ) -> Result<HashMap<Uuid, L::Value>, L::Error> {
        Ok(self
            .load(keys.into_iter().collect())
            .await?
            .into_iter()
            .collect())
    }

    async fn load(&self, keys: Vec<Uuid>) -> Answer<L> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let (answer, wait) = oneshot::channel();
        let first = {
            let mut pending = self.lock();
            let first = pending.keys.is_empty();
            pending.keys.extend_from_slice(&keys);
            pending.waiters.push((keys, answer));
            first
        };
        if first && let (Some(me), Some(scheduler)) = (self.me.upgrade(), self.scheduler.upgrade())
        {
            scheduler.enqueue(me, self.deferred);
        }
        match wait.await {
            Ok(answer) => answer,
            // The batch was dropped unsent: only when the execution itself is being dropped.
            Err(_) => std::future::pending().await,
        }
    }
}

impl<L: Loader<Uuid>> Waiting for Batcher<L> {
    fn take(&self) -> Option<Dispatch> {
        let Pending { mut keys, waiters } = std::mem::take(&mut *self.lock());
        if keys.is_empty() {
            return None;
        }
        // Sorted, so that a batch's statement does not depend on the order fields ran in.
        keys.sort_unstable();
        keys.dedup();
        let loader = self.loader.clone();
        Some(
            async move {
                let mut found = HashMap::with_capacity(keys.len());
                let mut failed = None;
                for chunk in keys.chunks(MAX_KEYS_PER_STATEMENT) {
                    match loader.load(&padded(chunk)).await {
                        Ok(rows) => found.extend(rows),
                        Err(err) => {
                            failed = Some(err);
                            break;
                        }
                    }
                }
                // A value goes to the last load that asked for it, and copies to the others:
                // a "has many" key is asked for by one load, a "belongs to" key by several.
                let mut asked: HashMap<Uuid, usize> = HashMap::with_capacity(found.len());
                for (wanted, _) in &waiters {
                    for key in wanted {
                        *asked.entry(*key).or_default() += 1;
                    }
                }
                for (wanted, answer) in waiters {
                    let mine = match &failed {
                        Some(err) => Err(err.clone()),
                        None => Ok(wanted
                            .iter()
                            .filter_map(|key| {
                                let left = asked.get_mut(key)?;
                                *left -= 1;
                                let value = if *left == 0 {
                                    found.remove(key)
                                } else {
                                    found.get(key).cloned()
                                };
                                Some((*key, value?))
                            })
                            .collect()),
                    };
                    // A waiter that is gone no longer needs its rows.
                    let _ = answer.send(mine);
                }
            }
            .boxed(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_padded_to_a_power_of_two_with_the_last_key() {
        let keys: Vec<Uuid> = (1..=5u128).map(Uuid::from_u128).collect();
        let padded5 = padded(&keys);
        assert_eq!(padded5.len(), 8);
        assert_eq!(&padded5[..5], &keys[..]);
        assert!(padded5[5..].iter().all(|k| *k == keys[4]));
        assert_eq!(padded(&keys[..4]), keys[..4].to_vec());
        assert_eq!(padded(&keys[..1]), keys[..1].to_vec());
        assert!(padded(&[]).is_empty());
        let many: Vec<Uuid> = (0..MAX_KEYS_PER_STATEMENT as u128)
            .map(Uuid::from_u128)
            .collect();
        assert_eq!(padded(&many[..1000]).len(), MAX_KEYS_PER_STATEMENT);
    }
}
