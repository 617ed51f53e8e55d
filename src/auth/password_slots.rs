//! A bound on concurrent password hashing. Each argon2 check takes ~19 MiB and a core for tens
//! of milliseconds; without a bound, a flood of `login` calls takes all memory and CPU. A few
//! checks may wait for a free slot; past that the caller is told to retry (`RATE_LIMITED`)
//! instead of queueing without bound.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

pub struct PasswordSlots {
    running: Arc<Semaphore>,
    /// Checks admitted (running or waiting).
    admitted: Arc<AtomicUsize>,
    max_admitted: usize,
}

/// The right to hash one password; hold it for as long as the hashing runs.
pub struct PasswordSlot {
    _permit: OwnedSemaphorePermit,
    _admission: Admission,
}

struct Admission(Arc<AtomicUsize>);

impl Drop for Admission {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl PasswordSlots {
    /// `concurrency` checks run at once (0: one per CPU core); `queue` more may wait.
    pub fn new(concurrency: usize, queue: usize) -> Self {
        let concurrency = if concurrency == 0 {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            concurrency
        };
        PasswordSlots {
            running: Arc::new(Semaphore::new(concurrency)),
            admitted: Arc::new(AtomicUsize::new(0)),
            max_admitted: concurrency + queue,
        }
    }

    /// A slot, after waiting for one if others run; `None` at once when the queue is full.
    pub async fn acquire(&self) -> Option<PasswordSlot> {
        let before = self.admitted.fetch_add(1, Ordering::SeqCst);
        let admission = Admission(self.admitted.clone());
        if before >= self.max_admitted {
            return None;
        }
        let permit = self.running.clone().acquire_owned().await.ok()?;
        Some(PasswordSlot {
            _permit: permit,
            _admission: admission,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn past_the_running_and_waiting_checks_callers_are_refused_until_one_ends() {
        let slots = PasswordSlots::new(1, 1);
        let running = slots.acquire().await.expect("a free slot");
        // One may wait for the running check...
        let mut waiting = Box::pin(slots.acquire());
        assert!(futures_util::poll!(&mut waiting).is_pending());
        // ... a third is refused at once.
        assert!(slots.acquire().await.is_none());
        drop(running);
        let second = waiting.await.expect("the waiting check runs");
        drop(second);
        assert!(slots.acquire().await.is_some());
    }

    #[tokio::test]
    async fn with_no_queue_the_second_concurrent_check_is_refused() {
        let slots = PasswordSlots::new(1, 0);
        let held = slots.acquire().await.expect("a free slot");
        assert!(slots.acquire().await.is_none());
        drop(held);
        assert!(slots.acquire().await.is_some());
    }
}
