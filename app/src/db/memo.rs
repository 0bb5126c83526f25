//! A write-through memory of rows that only this process writes: citizen sessions and drafts.
//!
//! Why: a citizen's form page needs two rows (the identity session and the draft). Reading them is
//! one indexed query, yet under load that round trip was the largest cost of the page: the request
//! yields, the query hops to the connection's thread (SQLite) or the network (PostgreSQL), and the
//! request resumes behind every other one in the queue (docs/PERFORMANCE.md). Holding the rows in
//! memory makes the page a pure computation.
//!
//! It is correct only under one contract: **while the memory is on, every write of these rows is
//! made by this process and announced here**, before it starts ([`Memo::writing`]) and when it has
//! committed ([`Writing::done`]). `db::instance` enforces the first half — the memory is on only
//! when this server is the sole one on its database — and the code that writes these rows the
//! second. The rules that keep a reader from storing what a writer just replaced:
//! - a value read from the database is kept only if no write of *any* key began or ended since the
//!   read began (a [`Ticket`] names that moment), and none of its key is in progress;
//! - a write removes its key when it begins; when it ends, it stores what it committed, unless
//!   another write of the same key overlapped it (their commit order is unknown here: the key is
//!   left to the next read) or it ended without committing (the guard dropped: the key stays empty).
//!
//! Bounded: past `max` entries the memory is emptied (refilled from the database on next use).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// The moment a database read began, for [`Memo::keep`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket(u64);

struct Inner<K, V> {
    values: HashMap<K, V>,
    /// Keys with writes in progress: how many, and whether two overlapped.
    writing: HashMap<K, InFlight>,
}

#[derive(Default)]
struct InFlight {
    count: u32,
    overlapped: bool,
}

pub struct Memo<K, V> {
    on: AtomicBool,
    generation: AtomicU64,
    max: usize,
    inner: Mutex<Inner<K, V>>,
}

impl<K: Eq + Hash + Clone, V: Clone> Memo<K, V> {
    /// An empty memory, on or off (off: every read goes to the database, writes are not tracked).
    pub fn new(on: bool, max: usize) -> Self {
        Self {
            on: AtomicBool::new(on),
            generation: AtomicU64::new(0),
            max,
            inner: Mutex::new(Inner {
                values: HashMap::new(),
                writing: HashMap::new(),
            }),
        }
    }

    pub fn is_on(&self) -> bool {
        self.on.load(Ordering::Acquire)
    }

    /// Stops using the memory (this process may no longer be the only writer) and empties it.
    pub fn switch_off(&self) {
        self.on.store(false, Ordering::Release);
        self.forget_all();
    }

    /// Starts using the memory again, empty: everything is read afresh from the database.
    pub fn switch_on(&self) {
        self.forget_all();
        self.on.store(true, Ordering::Release);
    }

    /// The value of `key`, when it is known here.
    pub fn get(&self, key: &K) -> Option<V> {
        if !self.is_on() {
            return None;
        }
        self.inner.lock().ok()?.values.get(key).cloned()
    }

    /// Take it *before* reading the database, and give it to [`Self::keep`] with what was read.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.generation.load(Ordering::Acquire))
    }

    /// Keeps `value`, read from the database after `ticket` was taken, unless a write of this
    /// memory began or ended since (the read may predate it) or is in progress on this key.
    pub fn keep(&self, key: K, ticket: Ticket, value: V) {
        if !self.is_on() {
            return;
        }
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if self.generation.load(Ordering::Acquire) != ticket.0 || inner.writing.contains_key(&key) {
            return;
        }
        if inner.values.len() >= self.max {
            inner.values.clear();
        }
        inner.values.entry(key).or_insert(value);
    }

    /// Announces a write of `key`; call [`Writing::done`] once it has committed.
    pub fn writing(&self, key: K) -> Writing<'_, K, V> {
        if let Ok(mut inner) = self.inner.lock() {
            self.generation.fetch_add(1, Ordering::AcqRel);
            inner.values.remove(&key);
            let in_flight = inner.writing.entry(key.clone()).or_default();
            in_flight.count += 1;
            in_flight.overlapped |= in_flight.count > 1;
        }
        Writing {
            memo: self,
            key: Some(key),
        }
    }

    /// Forgets every value (a test or an operator changed the rows behind this process's back).
    pub fn forget_all(&self) {
        if let Ok(mut inner) = self.inner.lock() {
            self.generation.fetch_add(1, Ordering::AcqRel);
            inner.values.clear();
        }
    }

    fn finish(&self, key: K, committed: Option<V>) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        self.generation.fetch_add(1, Ordering::AcqRel);
        let (last, overlapped) = match inner.writing.get_mut(&key) {
            Some(in_flight) => {
                in_flight.count = in_flight.count.saturating_sub(1);
                (in_flight.count == 0, in_flight.overlapped)
            }
            None => (true, true),
        };
        if last {
            inner.writing.remove(&key);
        }
        match committed {
            Some(value) if last && !overlapped && self.is_on() => {
                if inner.values.len() >= self.max {
                    inner.values.clear();
                }
                inner.values.insert(key, value);
            }
            _ => {
                inner.values.remove(&key);
            }
        }
    }
}

/// A write in progress on one key. Dropped without [`Writing::done`] (an error, a deletion),
/// the key is left empty: the next read goes to the database.
pub struct Writing<'a, K: Eq + Hash + Clone, V: Clone> {
    memo: &'a Memo<K, V>,
    key: Option<K>,
}

impl<K: Eq + Hash + Clone, V: Clone> Writing<'_, K, V> {
    /// The write committed and `value` is what the database now holds for the key.
    pub fn done(mut self, value: V) {
        if let Some(key) = self.key.take() {
            self.memo.finish(key, Some(value));
        }
    }
}

impl<K: Eq + Hash + Clone, V: Clone> Drop for Writing<'_, K, V> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            self.memo.finish(key, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memo() -> Memo<&'static str, u32> {
        Memo::new(true, 100)
    }

    #[test]
    fn a_read_is_kept_and_a_write_replaces_it() {
        let m = memo();
        let t = m.ticket();
        m.keep("a", t, 1);
        assert_eq!(m.get(&"a"), Some(1));
        let w = m.writing("a");
        assert_eq!(m.get(&"a"), None, "a write in progress hides the old value");
        w.done(2);
        assert_eq!(m.get(&"a"), Some(2));
    }

    #[test]
    fn a_read_that_began_before_a_write_is_not_kept() {
        let m = memo();
        let t = m.ticket();
        m.writing("a").done(2);
        m.keep("a", t, 1);
        assert_eq!(m.get(&"a"), Some(2));
        // Any write, on any key, makes an older read unsafe to keep.
        let t = m.ticket();
        m.writing("b").done(5);
        m.keep("c", t, 1);
        assert_eq!(m.get(&"c"), None);
    }

    #[test]
    fn a_read_during_a_write_of_its_key_is_not_kept() {
        let m = memo();
        let w = m.writing("a");
        let t = m.ticket();
        m.keep("a", t, 1);
        assert_eq!(m.get(&"a"), None);
        w.done(2);
        assert_eq!(m.get(&"a"), Some(2));
    }

    #[test]
    fn overlapping_writes_of_one_key_leave_it_to_the_database() {
        for first_done_first in [true, false] {
            let m = memo();
            let (w1, w2) = (m.writing("a"), m.writing("a"));
            if first_done_first {
                w1.done(1);
                w2.done(2);
            } else {
                w2.done(2);
                w1.done(1);
            }
            assert_eq!(m.get(&"a"), None, "which commit came last is unknown here");
            let t = m.ticket();
            m.keep("a", t, 2);
            assert_eq!(
                m.get(&"a"),
                Some(2),
                "once both ended, a read is kept again"
            );
        }
    }

    #[test]
    fn a_write_that_did_not_commit_leaves_the_key_empty() {
        let m = memo();
        let t = m.ticket();
        m.keep("a", t, 1);
        drop(m.writing("a"));
        assert_eq!(m.get(&"a"), None);
    }

    #[test]
    fn off_it_remembers_nothing_and_on_again_it_starts_empty() {
        let m = memo();
        let t = m.ticket();
        m.keep("a", t, 1);
        m.switch_off();
        assert_eq!(m.get(&"a"), None);
        let t = m.ticket();
        m.keep("a", t, 1);
        m.writing("b").done(2);
        assert_eq!(m.get(&"b"), None);
        m.switch_on();
        assert_eq!(m.get(&"a"), None);
        let t = m.ticket();
        m.keep("a", t, 3);
        assert_eq!(m.get(&"a"), Some(3));
    }

    #[test]
    fn it_is_bounded() {
        let m: Memo<u32, u32> = Memo::new(true, 10);
        for k in 0..25 {
            let t = m.ticket();
            m.keep(k, t, k);
        }
        assert!((0..25).filter(|k| m.get(k).is_some()).count() <= 10);
        assert_eq!(m.get(&24), Some(24));
    }
}
