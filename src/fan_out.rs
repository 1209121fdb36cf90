//! The one fan-out: every parallel pass over files goes through here (the gate's queue, the
//! budget's ranking, `analyze`, the census of `init`, the warm pass), so parallelism lives in one
//! place and output never depends on scheduling.
//!
//! One worker per thread of the pool (sized by `--jobs`) pulls the next item by an atomic cursor,
//! so items start in their order: what a budget ranked first runs first, and a refused
//! [`queue`] has taken exactly a prefix. Results come back in item order. A worker measures with
//! its thread's analyzer (`analysis::with_thread_analyzer`), which keeps parsers per thread.

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

/// Runs `work` on every item, on every worker; the results in item order.
pub fn map<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    queue(items, || true, work).0
}

/// Works through `items` on every worker, each taking the next item in order while `admit` agrees
/// to one more (asked before each item; once it refuses it must keep refusing). Returns the
/// results of the items taken, in item order, and how many were taken — always the first ones:
/// the rest were not reached.
pub fn queue<T: Sync, R: Send>(
    items: &[T],
    admit: impl Fn() -> bool + Sync,
    work: impl Fn(&T) -> R + Sync,
) -> (Vec<R>, usize) {
    let next = AtomicUsize::new(0);
    let per_worker: Vec<Vec<(usize, R)>> = (0..rayon::current_num_threads())
        .into_par_iter()
        .map(|_| {
            let mut out = Vec::new();
            // Admitted first, then taken: the items taken are a prefix of the queue.
            while admit() {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else {
                    break;
                };
                out.push((i, work(item)));
            }
            out
        })
        .collect();
    let taken = next.load(Ordering::Relaxed).min(items.len());
    let mut done: Vec<(usize, R)> = per_worker.into_iter().flatten().collect();
    done.sort_unstable_by_key(|(i, _)| *i);
    (done.into_iter().map(|(_, r)| r).collect(), taken)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_item_order() {
        let items: Vec<u32> = (0..1000).collect();
        assert_eq!(
            map(&items, |n| n * 2),
            (0..1000).map(|n| n * 2).collect::<Vec<_>>()
        );
        assert!(map(&[] as &[u32], |n| *n).is_empty());
    }

    #[test]
    fn a_refused_queue_has_taken_a_prefix() {
        let items: Vec<u32> = (0..100).collect();
        let admitted = AtomicUsize::new(0);
        let (done, taken) = queue(
            &items,
            || admitted.fetch_add(1, Ordering::Relaxed) < 10,
            |n| *n,
        );
        assert_eq!(taken, 10);
        assert_eq!(done, (0..taken as u32).collect::<Vec<_>>());
    }
}
