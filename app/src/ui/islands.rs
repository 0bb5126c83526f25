//! The only components that run in the browser (admin console). Each one enhances a page that
//! already works without it.

use leptos::prelude::*;

/// A button that copies `text` to the clipboard. Without JavaScript the text stays selectable in
/// the field next to it.
#[island]
pub fn CopyButton(text: String, label: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let on_click = move |_| {
        #[cfg(feature = "hydrate")]
        {
            if let Some(window) = web_sys_window() {
                let _ = window.navigator().clipboard().write_text(&text);
                copied.set(true);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = &text;
        }
    };
    view! {
        <button type="button" class="button button--secondary" on:click=on_click>
            {move || if copied.get() { "Copié !".to_owned() } else { label.clone() }}
        </button>
    }
}

#[cfg(feature = "hydrate")]
fn web_sys_window() -> Option<web_sys::Window> {
    web_sys::window()
}
