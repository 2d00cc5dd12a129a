//! Reading and writing the page URL: `?lesson=<id>`, `?example=<id>`, `?view=<tab>`, `?embed`,
//! `?readonly`, and share links in the fragment.

use kubeplay_core::render::share::{self, SharedState};

/// What the URL asks for when the page opens.
pub struct Start {
    pub lesson: Option<String>,
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
        lesson: get("lesson"),
        example: get("example"),
        view: get("view"),
        embed: has("embed"),
        read_only: has("readonly"),
        shared: share::decode(hash.trim_start_matches('#')),
    }
}

/// Replaces the address with `?lesson=…` in a lesson's view, else `?example=…&view=…`
/// (no history entry, no reload).
pub fn show_view(example: Option<&str>, view: &str, lesson: Option<&str>) {
    let Some(window) = web_sys::window() else { return };
    let query = match lesson {
        Some(lesson) if view == "lesson" => {
            let main = kubeplay_core::lessons::lesson(lesson).and_then(|l| l.example);
            match example {
                // A variant of the lesson's example stays in the link.
                Some(example) if main.is_some() && main != Some(example) => {
                    format!("?lesson={lesson}&example={example}")
                }
                _ => format!("?lesson={lesson}"),
            }
        }
        _ => {
            let mut query = String::from("?");
            if let Some(example) = example {
                query.push_str(&format!("example={example}&"));
            }
            query.push_str(&format!("view={view}"));
            query
        }
    };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&query));
    }
}

/// Where the interview progress is kept in the browser (local storage, this origin only).
const PROGRESS_KEY: &str = "kubeplay.interview.solved";

/// The interview questions solved in this browser, as stored.
pub fn read_progress() -> Vec<String> {
    let stored = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(PROGRESS_KEY).ok().flatten());
    stored.map(|text| text.split(',').filter(|id| !id.is_empty()).map(str::to_owned).collect()).unwrap_or_default()
}

/// Stores the solved questions (removes the entry when there are none).
pub fn write_progress(ids: &[&str]) {
    let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) else { return };
    let _ =
        if ids.is_empty() { storage.remove_item(PROGRESS_KEY) } else { storage.set_item(PROGRESS_KEY, &ids.join(",")) };
}

/// The full link for a share fragment, relative to wherever the page is hosted.
pub fn share_url(fragment: &str) -> String {
    let location = web_sys::window().map(|w| w.location());
    let base = location.and_then(|l| Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?))).unwrap_or_default();
    format!("{base}#{fragment}")
}
