//! Reading and writing the page URL: `?example=<id>`, `?view=<tab>`, `?embed`,
//! `?readonly`, and share links in the fragment.

use crate::share::{self, SharedState};

/// What the URL asks for when the page opens.
pub struct Start {
    pub example: Option<String>,
    pub view: Option<String>,
    pub embed: bool,
    pub read_only: bool,
    pub shared: Option<SharedState>,
}

pub fn read_start() -> Start {
    let location = web_sys::window().map(|w| w.location());
    let search = location.as_ref().and_then(|l| l.search().ok()).unwrap_or_default();
    let hash = location.as_ref().and_then(|l| l.hash().ok()).unwrap_or_default();
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok();
    let get = |key: &str| params.as_ref().and_then(|p| p.get(key));
    let has = |key: &str| params.as_ref().is_some_and(|p| p.has(key));
    Start {
        example: get("example"),
        view: get("view"),
        embed: has("embed"),
        read_only: has("readonly"),
        shared: share::decode(hash.trim_start_matches('#')),
    }
}

/// Replaces the address with `?example=…&view=…` (no history entry, no reload).
pub fn show_view(example: Option<&str>, view: &str) {
    let Some(window) = web_sys::window() else { return };
    let mut query = String::from("?");
    if let Some(example) = example {
        query.push_str(&format!("example={example}&"));
    }
    query.push_str(&format!("view={view}"));
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&query));
    }
}

/// The full link for a share fragment, relative to wherever the page is hosted.
pub fn share_url(fragment: &str) -> String {
    let location = web_sys::window().map(|w| w.location());
    let base = location.and_then(|l| Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?))).unwrap_or_default();
    format!("{base}#{fragment}")
}
