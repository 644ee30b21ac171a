//! The executor: runs ordered operations, each as soon as what it depends on is done,
//! with bounded concurrency, and reports what got done, what failed and what was skipped
//! because something it depends on failed, so callers record partial progress in state.

use std::future::Future;

use futures::stream::{FuturesUnordered, StreamExt};

use super::plan::Operation;

/// What an execution did: indices of the operations that succeeded, failed (with their
/// error) and were skipped because something they depend on failed.
#[derive(Debug)]
pub struct Outcome<E> {
    pub done: Vec<usize>,
    pub failed: Vec<(usize, E)>,
    pub skipped: Vec<usize>,
}

impl<E> Outcome<E> {
    #[cfg(test)]
    pub fn ok(&self) -> bool {
        self.failed.is_empty() && self.skipped.is_empty()
    }
}

/// Runs `ops` with `run`, each as soon as its dependencies succeeded, independent ones
/// concurrently but never more than `limit` at once. Never stops early: everything not
/// blocked by a failure runs.
pub async fn execute<'a, E, F, Fut>(ops: &'a [Operation], limit: usize, run: F) -> Outcome<E>
where
    F: Fn(&'a Operation) -> Fut,
    Fut: Future<Output = Result<(), E>>,
{
    #[derive(Clone, Copy, PartialEq)]
    enum St {
        Waiting,
        Running,
        Done,
        Failed,
        Skipped,
    }
    let mut st = vec![St::Waiting; ops.len()];
    let mut outcome = Outcome {
        done: Vec::new(),
        failed: Vec::new(),
        skipped: Vec::new(),
    };
    let mut running = FuturesUnordered::new();
    loop {
        // Skip what can never run; start what is ready.
        let mut changed = true;
        while changed {
            changed = false;
            for i in 0..ops.len() {
                if st[i] != St::Waiting {
                    continue;
                }
                let deps = &ops[i].deps;
                if deps
                    .iter()
                    .any(|&d| matches!(st.get(d), Some(St::Failed | St::Skipped)))
                {
                    st[i] = St::Skipped;
                    outcome.skipped.push(i);
                    changed = true;
                } else if running.len() < limit.max(1)
                    && deps.iter().all(|&d| st.get(d) == Some(&St::Done))
                {
                    st[i] = St::Running;
                    let fut = run(&ops[i]);
                    running.push(async move { (i, fut.await) });
                }
            }
        }
        match running.next().await {
            Some((i, Ok(()))) => {
                st[i] = St::Done;
                outcome.done.push(i);
            }
            Some((i, Err(e))) => {
                st[i] = St::Failed;
                outcome.failed.push((i, e));
            }
            None => break,
        }
    }
    // Anything still waiting has a dependency cycle or out-of-range index: a bug, reported
    // as skipped rather than silently dropped.
    for (i, s) in st.iter().enumerate() {
        if *s == St::Waiting {
            outcome.skipped.push(i);
        }
    }
    outcome
}
