//! The axum server of i-CLEFS: configuration, start-up (router, middleware, background worker)
//! and the built-in demo identity provider. Pages, services and handlers live in the `app` crate.

pub mod config;
pub mod demo_idp;
pub mod startup;

/// mimalloc instead of glibc's allocator: a server-rendered page allocates a few hundred small
/// strings and frees them on another thread as often as not, and glibc's arenas spent ~15 % of
/// the CPU of the form page under load in `perf` (malloc, free, consolidation). Declared in the
/// library so the integration tests and benchmarks run with the allocator the binary ships.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
