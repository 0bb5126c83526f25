//! Published services, kept in memory for the citizen pages.
//!
//! Why: a citizen page needs the municipality, the service, its published revision with its
//! fields, and the identity provider — five queries on every request, for data that changes a
//! few times a year. Under load those round trips, not the rendering, were the cost of a page
//! (docs/PERFORMANCE.md). A published revision is immutable, so only the service and town rows
//! can go stale, and two rules bound that:
//! - **in this process**, every state-changing request of the console or the API drops the whole
//!   cache when it completes ([`PublishedCache::invalidate`], called by `web::invalidate_published`):
//!   an agent who closes a service sees it closed on the next citizen page;
//! - **across processes** (two instances on one PostgreSQL database, or the operator command), an
//!   entry lives at most [`TTL`].
//!
//! An entry records the generation it was read under; one read before an invalidation is never
//! stored after it. Only found services are kept (a miss costs its queries, a typo cannot fill
//! memory), and the map is bounded.

use super::service::Resolved;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How long another instance's change can go unseen here.
pub const TTL: Duration = Duration::from_secs(5);
/// Past this many services the map is emptied (each entry is a few kilobytes).
const MAX_ENTRIES: usize = 20_000;

struct Entry {
    read_at: Instant,
    generation: u64,
    value: Arc<Resolved>,
}

#[derive(Default)]
pub struct PublishedCache {
    generation: AtomicU64,
    entries: RwLock<HashMap<(String, String), Entry>>,
}

impl PublishedCache {
    /// The generation to pass to [`Self::put`]: read it *before* querying the database.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The service `s` of town `m`, if it is known, recent, and nothing changed since.
    pub fn get(&self, m: &str, s: &str) -> Option<Arc<Resolved>> {
        let current = self.generation();
        let entries = self.entries.read().ok()?;
        let entry = entries.get(&(m.to_owned(), s.to_owned()))?;
        (entry.generation == current && entry.read_at.elapsed() < TTL)
            .then(|| Arc::clone(&entry.value))
    }

    /// Keeps what was read under `generation`, unless something changed meanwhile.
    pub fn put(&self, m: &str, s: &str, generation: u64, value: Arc<Resolved>) {
        if generation != self.generation() {
            return;
        }
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            (m.to_owned(), s.to_owned()),
            Entry {
                read_at: Instant::now(),
                generation,
                value,
            },
        );
    }

    /// Forgets everything: something a citizen page shows may have changed.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut entries) = self.entries.write() {
            entries.clear();
        }
    }
}
