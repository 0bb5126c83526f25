//! Browser entry point of the admin islands bundle.
//!
//! Only `#[island]` components of the `app` crate run here; the `use` below keeps their exported
//! hydration functions from being dropped by the linker.

#[allow(unused_imports, reason = "links the islands of `app` into the bundle")]
use app::ui::islands as _;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
