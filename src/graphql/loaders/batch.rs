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
use futures_util::{
    FutureExt, StreamExt, future::BoxFuture, stream::FuturesUnordered, task::AtomicWaker,
};
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
        Driven::new(execution, self.clone())
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
///
/// The execution is polled only when something in it was woken — a load's rows delivered, its
/// own statement's socket, a yield —, not on every wake-up of the task: the batches in flight
/// are polled with the task's waker, and each of their statements wakes the task several times
/// (the pool, the socket) before its rows arrive, and polling an execution descends its whole
/// tree of pending fields. (On the benchmark's nested query this took the execution's polls
/// from 19.7 to 18 per request: most of them have other causes.)
pub struct Driven<F: Future> {
    execution: Pin<Box<F>>,
    scheduler: Arc<Scheduler>,
    in_flight: FuturesUnordered<Dispatch>,
    /// Set when the execution is woken; wakes the task.
    watch: Arc<WakeWatch>,
    /// The execution's waker: `watch`'s.
    waker: Waker,
}

impl<F: Future> Driven<F> {
    fn new(execution: F, scheduler: Arc<Scheduler>) -> Self {
        let watch = Arc::new(WakeWatch {
            task: AtomicWaker::new(),
            // Polled first without being woken.
            woken: AtomicBool::new(true),
        });
        Driven {
            execution: Box::pin(execution),
            scheduler,
            in_flight: FuturesUnordered::new(),
            waker: Waker::from(watch.clone()),
            watch,
        }
    }
}

impl<F: Future> Future for Driven<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        this.watch.task.register(cx.waker());
        loop {
            // Rows first: handing them over wakes the loads that wait for them.
            let mut delivered = false;
            while let Poll::Ready(Some(())) = this.in_flight.poll_next_unpin(cx) {
                delivered = true;
            }
            if this.watch.woken.swap(false, Ordering::SeqCst) {
                if let Poll::Ready(output) = this
                    .execution
                    .as_mut()
                    .poll(&mut Context::from_waker(&this.waker))
                {
                    return Poll::Ready(output);
                }
                if this.watch.woken.load(Ordering::SeqCst) {
                    // It woke itself (a yield): the task is woken, and the execution is
                    // polled again before anything is dispatched.
                    return Poll::Pending;
                }
            } else if !delivered {
                // Nothing in the execution was woken and no batch came back: nothing to do.
                return Poll::Pending;
            }
            // Truly waiting — just polled, or not woken since it last was (rows whose loads
            // are gone wake nobody) —: every field it could reach has registered its keys.
            let in_flight = !this.in_flight.is_empty();
            this.in_flight.extend(this.scheduler.ready(in_flight));
            // The new batches are polled (and may deliver) at the top of the loop.
        }
    }
}

/// The execution's waker: records that it was woken, and wakes the task.
struct WakeWatch {
    task: AtomicWaker,
    woken: AtomicBool,
}

impl Wake for WakeWatch {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::SeqCst);
        self.task.wake();
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
    use std::sync::atomic::AtomicUsize;

    use super::*;

    /// Answers every key with its number after yielding `yields` times (each yield wakes the
    /// task, as a statement's socket does), and counts its batches.
    struct Counting {
        batches: Arc<AtomicUsize>,
        yields: usize,
    }

    impl Loader<Uuid> for Counting {
        type Value = u128;
        type Error = Arc<String>;

        async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, u128>, Arc<String>> {
            self.batches.fetch_add(1, Ordering::SeqCst);
            for _ in 0..self.yields {
                tokio::task::yield_now().await;
            }
            Ok(keys.iter().map(|k| (*k, k.as_u128())).collect())
        }
    }

    fn counting(
        scheduler: &Arc<Scheduler>,
        deferred: bool,
        yields: usize,
    ) -> (Arc<Batcher<Counting>>, Arc<AtomicUsize>) {
        let batches = Arc::new(AtomicUsize::new(0));
        let loader = Counting {
            batches: batches.clone(),
            yields,
        };
        (Batcher::new(loader, deferred, scheduler), batches)
    }

    /// Counts the polls of the future it wraps.
    struct Polls<F> {
        inner: Pin<Box<F>>,
        polls: Arc<AtomicUsize>,
    }

    impl<F: Future> Future for Polls<F> {
        type Output = F::Output;
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
            self.polls.fetch_add(1, Ordering::SeqCst);
            self.inner.as_mut().poll(cx)
        }
    }

    const ONE: Uuid = Uuid::from_u128(1);
    const TWO: Uuid = Uuid::from_u128(2);
    const THREE: Uuid = Uuid::from_u128(3);

    #[tokio::test]
    async fn levels_make_one_batch_each_and_belongs_to_waits_for_them() {
        let scheduler = Arc::new(Scheduler::default());
        let (many, many_batches) = counting(&scheduler, false, 2);
        let (one, one_batches) = counting(&scheduler, true, 2);
        let execution = async {
            let (a, b) = tokio::join!(many.load_one(ONE), many.load_one(TWO));
            let (c, d) = tokio::join!(one.load_one(ONE), async {
                let three = many.load_one(THREE).await.unwrap();
                (three, one.load_one(TWO).await.unwrap())
            });
            (a.unwrap(), b.unwrap(), c.unwrap(), d)
        };
        let answer = scheduler.drive(execution).await;
        assert_eq!(answer, (Some(1), Some(2), Some(1), (Some(3), Some(2))));
        // Two levels of "has many"; one "belongs to" batch for both of its levels.
        assert_eq!(many_batches.load(Ordering::SeqCst), 2);
        assert_eq!(one_batches.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_batch_waking_the_task_does_not_poll_the_execution() {
        let scheduler = Arc::new(Scheduler::default());
        let (many, _) = counting(&scheduler, false, 5);
        let polls = Arc::new(AtomicUsize::new(0));
        let execution = Polls {
            inner: Box::pin(async { many.load_one(ONE).await.unwrap() }),
            polls: polls.clone(),
        };
        assert_eq!(scheduler.drive(execution).await, Some(1));
        // Once to register the key, once when its rows arrive: not once per wake-up of the
        // batch (five yields).
        assert_eq!(polls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn rows_nobody_waits_for_still_let_the_deferred_batches_go() {
        let scheduler = Arc::new(Scheduler::default());
        let (many, many_batches) = counting(&scheduler, false, 2);
        let (one, _) = counting(&scheduler, true, 2);
        let execution = async {
            // A load that registers its key and is then dropped (a sibling field failed, say):
            // its batch goes, and its rows wake nobody when they come back.
            let mut gone = Box::pin(many.load_one(THREE));
            assert!(futures_util::poll!(gone.as_mut()).is_pending());
            drop(gone);
            one.load_one(ONE).await.unwrap()
        };
        let answer = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            scheduler.drive(execution),
        )
        .await
        .expect("the deferred batch went");
        assert_eq!(answer, Some(1));
        assert_eq!(many_batches.load(Ordering::SeqCst), 1);
    }

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
