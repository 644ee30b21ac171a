//! Coalescing of concurrent single-object reads into batch calls.
//!
//! Terraform refreshes up to `-parallelism` resources at once (10 by default), as
//! concurrent ReadResource calls into this one process. A read that arrives while no batch
//! is gathering becomes the batch's leader: it waits [`WINDOW`] for other reads of the same
//! kind, then makes one batch call for all of them (split at the API's limit) and hands
//! every follower its answer. A follower whose leader goes away (a cancelled read) reads
//! alone, so no read ever waits on another's fate.
//!
//! A batch the service refuses (denied, unsupported, malformed) degrades to single reads;
//! only a batch that failed for a reason a single read would share (throttled or
//! unreachable past its retries) returns that error, so a refresh never fails because it
//! was batched.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::oneshot;

use super::{AwsError, ErrorKind};

/// How long a leader gathers reads. Terraform starts its concurrent reads within a few
/// milliseconds of each other (measured with `make bench`'s scale workload, where 20 ms
/// gathered nearly every wave); a read waits at most this long before its call goes out.
pub const WINDOW: Duration = Duration::from_millis(20);

/// One key's answer from a batch.
#[derive(Debug)]
pub enum Answer<V> {
    /// The batch returned the object.
    Found(V),
    /// The batch said the object does not exist.
    Missing,
    /// No batch answer: read this one alone.
    Unbatched,
    /// The batch failed in a way a single read would too.
    Failed(AwsError),
}

type Waiters<V> = Vec<(String, oneshot::Sender<Answer<V>>)>;

/// The result of one batch call: objects found by key; keys neither found nor listed as
/// missing are answered [`Answer::Unbatched`].
#[derive(Debug)]
pub struct BatchResult<V> {
    pub found: HashMap<String, V>,
    pub missing: Vec<String>,
}

/// Gathers concurrent reads of one kind (`V`: the observed object).
pub struct Coalescer<V> {
    /// The batch operation's name, for the log.
    operation: &'static str,
    /// The most keys one batch call takes.
    limit: usize,
    /// Reads waiting for the current leader; `None` when no batch is gathering.
    pending: Mutex<Option<Waiters<V>>>,
    /// Set when the service refused a batch call (denied, or not offered): every later
    /// read goes alone rather than paying for a refused call first.
    refused: AtomicBool,
}

impl<V> std::fmt::Debug for Coalescer<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Coalescer")
            .field("operation", &self.operation)
            .field("limit", &self.limit)
            .finish()
    }
}

impl<V: Clone + Send + 'static> Coalescer<V> {
    pub fn new(operation: &'static str, limit: usize) -> Self {
        Coalescer {
            operation,
            limit: limit.max(1),
            pending: Mutex::new(None),
            refused: AtomicBool::new(false),
        }
    }

    /// The answer for `key`, from a batch shared with the reads that arrive within
    /// [`WINDOW`]. `batch` makes one batch call for at most `limit` keys.
    pub async fn get<F, Fut>(&self, key: &str, batch: F) -> Answer<V>
    where
        F: Fn(Vec<String>) -> Fut,
        Fut: Future<Output = Result<BatchResult<V>, AwsError>>,
    {
        if self.refused.load(Ordering::Relaxed) {
            return Answer::Unbatched;
        }
        let (tx, rx) = oneshot::channel();
        let leader = {
            let mut slot = self.pending.lock().unwrap_or_else(|p| p.into_inner());
            match slot.as_mut() {
                Some(waiters) => {
                    waiters.push((key.to_string(), tx));
                    false
                }
                None => {
                    *slot = Some(vec![(key.to_string(), tx)]);
                    true
                }
            }
        };
        if leader {
            // Should this read be cancelled while gathering, the guard hands the gathered
            // reads back (dropping their senders), so they read alone instead of waiting.
            let mut guard = Gathering {
                coalescer: self,
                taken: false,
            };
            tokio::time::sleep(WINDOW).await;
            let waiters = guard.take();
            self.run(waiters, &batch).await;
        }
        rx.await.unwrap_or(Answer::Unbatched)
    }

    /// Makes the batch calls for `waiters` (concurrently, `limit` keys each) and answers
    /// every waiter.
    async fn run<F, Fut>(&self, waiters: Waiters<V>, batch: &F)
    where
        F: Fn(Vec<String>) -> Fut,
        Fut: Future<Output = Result<BatchResult<V>, AwsError>>,
    {
        let mut keys: Vec<String> = waiters.iter().map(|(k, _)| k.clone()).collect();
        keys.sort();
        keys.dedup();
        tracing::debug!(
            operation = self.operation,
            reads = waiters.len(),
            keys = keys.len(),
            "coalesced reads into batch calls"
        );
        let calls = keys.chunks(self.limit).map(|c| batch(c.to_vec()));
        let results = futures::future::join_all(calls).await;
        let mut found = HashMap::new();
        let mut missing = std::collections::HashSet::new();
        let mut failed: Option<AwsError> = None;
        for r in results {
            match r {
                Ok(b) => {
                    found.extend(b.found);
                    missing.extend(b.missing);
                }
                Err(e) if shared_failure(&e) => failed = Some(e),
                Err(e) => {
                    if !self.refused.swap(true, Ordering::Relaxed) {
                        tracing::warn!(
                            operation = self.operation,
                            error = %e,
                            "batch read refused; reading one object at a time from now on \
                             (grant the deployer this operation for fewer calls)"
                        );
                    }
                }
            }
        }
        for (key, tx) in waiters {
            let answer = if let Some(v) = found.get(&key) {
                Answer::Found(v.clone())
            } else if missing.contains(&key) {
                Answer::Missing
            } else if let Some(e) = &failed {
                Answer::Failed(e.clone())
            } else {
                Answer::Unbatched
            };
            // A waiter that went away needs no answer.
            let _ = tx.send(answer);
        }
    }
}

/// The leader's hold on the reads it gathers.
struct Gathering<'a, V> {
    coalescer: &'a Coalescer<V>,
    taken: bool,
}

impl<V> Gathering<'_, V> {
    fn take(&mut self) -> Waiters<V> {
        self.taken = true;
        let mut slot = self
            .coalescer
            .pending
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        slot.take().unwrap_or_default()
    }
}

impl<V> Drop for Gathering<'_, V> {
    fn drop(&mut self) {
        // A leader cancelled while gathering: its followers read alone. (Once taken, the
        // slot may hold the next leader's reads, which are not this one's to drop.)
        if !self.taken {
            drop(self.take());
        }
    }
}

/// Whether a single read would fail the same way (so reading one by one would only
/// multiply the calls).
fn shared_failure(e: &AwsError) -> bool {
    matches!(e.kind, ErrorKind::Transient | ErrorKind::Unreachable)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;
    use std::sync::Arc;

    use super::*;

    fn error(kind: ErrorKind) -> AwsError {
        AwsError {
            service: "glue",
            operation: "BatchGetJobs",
            target: "x".into(),
            kind,
            code: None,
            message: "no".into(),
            status: None,
        }
    }

    /// A batch call that knows the keys starting with "a" and calls those starting with
    /// "gone" missing, counting its calls and remembering what each asked.
    fn service(
        calls: Arc<Mutex<Vec<Vec<String>>>>,
    ) -> impl Fn(Vec<String>) -> std::future::Ready<Result<BatchResult<String>, AwsError>> {
        move |keys: Vec<String>| {
            calls.lock().unwrap().push(keys.clone());
            std::future::ready(Ok(BatchResult {
                found: keys
                    .iter()
                    .filter(|k| k.starts_with('a'))
                    .map(|k| (k.clone(), format!("{k}!")))
                    .collect(),
                missing: keys
                    .iter()
                    .filter(|k| k.starts_with("gone"))
                    .cloned()
                    .collect(),
            }))
        }
    }

    fn found(a: Answer<String>) -> Option<String> {
        match a {
            Answer::Found(v) => Some(v),
            _ => None,
        }
    }

    #[tokio::test]
    async fn concurrent_reads_share_one_batch_call() {
        let c = Coalescer::new("BatchGetJobs", 100);
        let calls = Arc::new(Mutex::new(Vec::new()));
        let batch = service(calls.clone());
        let (a, b, gone, other) = tokio::join!(
            c.get("a1", &batch),
            c.get("a2", &batch),
            c.get("gone", &batch),
            c.get("zzz", &batch),
        );
        assert_eq!(found(a).as_deref(), Some("a1!"));
        assert_eq!(found(b).as_deref(), Some("a2!"));
        assert!(matches!(gone, Answer::Missing));
        // Neither found nor listed missing: read alone.
        assert!(matches!(other, Answer::Unbatched));
        let calls = calls.lock().unwrap();
        assert_eq!(calls.len(), 1, "{calls:?}");
        assert_eq!(calls[0], ["a1", "a2", "gone", "zzz"]);
    }

    #[tokio::test]
    async fn a_batch_is_split_at_the_limit_and_keys_asked_twice_go_once() {
        let c = Coalescer::new("BatchGetCrawlers", 2);
        let calls = Arc::new(Mutex::new(Vec::new()));
        let batch = service(calls.clone());
        let answers = futures::future::join_all(
            ["a1", "a2", "a3", "a4", "a5", "a1"].map(|k| c.get(k, &batch)),
        )
        .await;
        assert!(answers.into_iter().all(|a| found(a).is_some()));
        let calls = calls.lock().unwrap();
        assert_eq!(calls.len(), 3, "{calls:?}");
        assert!(calls.iter().all(|c| c.len() <= 2));
    }

    #[tokio::test]
    async fn reads_further_apart_than_the_window_make_separate_calls() {
        let c = Coalescer::new("BatchGetJobs", 100);
        let calls = Arc::new(Mutex::new(Vec::new()));
        let batch = service(calls.clone());
        assert!(found(c.get("a1", &batch).await).is_some());
        assert!(found(c.get("a2", &batch).await).is_some());
        assert_eq!(calls.lock().unwrap().len(), 2);
    }

    #[tokio::test]
    async fn a_refused_batch_degrades_to_single_reads_and_is_not_asked_again() {
        let c: Coalescer<String> = Coalescer::new("BatchGetJobs", 100);
        let calls = AtomicUsize::new(0);
        let refuse = |_keys: Vec<String>| {
            calls.fetch_add(1, Ordering::SeqCst);
            std::future::ready(Err(error(ErrorKind::Fatal)))
        };
        let (a, b) = tokio::join!(c.get("a1", &refuse), c.get("a2", &refuse));
        assert!(matches!(a, Answer::Unbatched));
        assert!(matches!(b, Answer::Unbatched));
        assert!(matches!(c.get("a3", &refuse).await, Answer::Unbatched));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_batch_out_of_retries_fails_its_reads_with_that_error() {
        let c: Coalescer<String> = Coalescer::new("BatchGetJobs", 100);
        let throttled = |_keys: Vec<String>| std::future::ready(Err(error(ErrorKind::Transient)));
        let (a, b) = tokio::join!(c.get("a1", &throttled), c.get("a2", &throttled));
        assert!(matches!(a, Answer::Failed(e) if e.kind == ErrorKind::Transient));
        assert!(matches!(b, Answer::Failed(_)));
        // Not a refusal: the next read is batched again.
        let calls = Arc::new(Mutex::new(Vec::new()));
        assert!(found(c.get("a3", &service(calls.clone())).await).is_some());
        assert_eq!(calls.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn followers_of_a_cancelled_leader_read_alone() {
        let c = Arc::new(Coalescer::new("BatchGetJobs", 100));
        let calls = Arc::new(Mutex::new(Vec::new()));
        let leader = {
            let (c, calls) = (c.clone(), calls.clone());
            tokio::spawn(async move { c.get("a1", service(calls)).await })
        };
        tokio::time::sleep(Duration::from_millis(2)).await;
        let follower = {
            let (c, calls) = (c.clone(), calls.clone());
            tokio::spawn(async move { c.get("a2", service(calls)).await })
        };
        tokio::time::sleep(Duration::from_millis(2)).await;
        leader.abort();
        let answer = follower.await.unwrap();
        assert!(matches!(answer, Answer::Unbatched), "{answer:?}");
        assert!(calls.lock().unwrap().is_empty());
    }
}
