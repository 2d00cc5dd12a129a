//! The top bar: brand, versions, examples menu, share link, report downloads.

use kubeplay_core::Report;
use kubeplay_core::examples::EXAMPLES;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    pub example: Option<&'static str>,
    pub on_example: Callback<&'static str>,
    /// Builds the share link for the current state.
    pub share_link: Callback<(), String>,
    pub report: Option<Report>,
}

/// Offers `contents` as a file download (a Blob URL; nothing leaves the browser).
fn download(name: &str, mime: &str, contents: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(contents));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Some(anchor) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        anchor.set_href(&url);
        anchor.set_download(name);
        anchor.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

#[function_component(Toolbar)]
pub fn toolbar(props: &ToolbarProps) -> Html {
    let link = use_state(|| None::<String>);
    let onchange = {
        let on_example = props.on_example.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>()
                && let Some(example) = EXAMPLES.iter().find(|x| x.id == select.value())
            {
                on_example.emit(example.id);
            }
        })
    };
    let on_share = {
        let share_link = props.share_link.clone();
        let link = link.clone();
        Callback::from(move |_: MouseEvent| {
            let url = share_link.emit(());
            if let Some(window) = web_sys::window() {
                let _ = window.navigator().clipboard().write_text(&url);
            }
            link.set(Some(url));
        })
    };
    // Light or dark: follows the system until chosen here (kept for the session).
    let on_theme = Callback::from(|_: MouseEvent| {
        if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let dark = match root.get_attribute("data-theme").as_deref() {
                Some("dark") => false,
                Some("light") => true,
                _ => !web_sys::window()
                    .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
                    .is_some_and(|m| m.matches()),
            };
            let _ = root.set_attribute("data-theme", if dark { "dark" } else { "light" });
        }
    });
    let on_json = {
        let report = props.report.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(report) = &report {
                download(
                    "kubeplay-report.json",
                    "application/json",
                    &serde_json::to_string_pretty(report).unwrap_or_default(),
                );
            }
        })
    };
    let on_markdown = {
        let report = props.report.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(report) = &report {
                download("kubeplay-report.md", "text/markdown", &kubeplay_core::report::to_markdown(report));
            }
        })
    };
    html! {
        <header class="topbar">
            <h1 class="brand">{"kubeplay"}</h1>
            <label class="example-picker">
                <span class="visually-hidden">{"Example"}</span>
                <select aria-label="Open an example" {onchange}>
                    if props.example.is_none() { <option selected=true value="">{"Your manifests"}</option> }
                    { for EXAMPLES.iter().map(|e| html! { <option value={e.id} selected={props.example == Some(e.id)}>{e.title}</option> }) }
                </select>
            </label>
            <span class="spacer"></span>
            <button class="action" onclick={on_theme} aria-label="Switch between light and dark" data-testid="theme">{"◐ Theme"}</button>
            <button class="action" onclick={on_share} data-testid="share">{"Copy link"}</button>
            <button class="action" onclick={on_json}>{"JSON"}</button>
            <button class="action" onclick={on_markdown}>{"Markdown"}</button>
            <span class="version" title="kubeplay version and the Kubernetes version whose semantics it follows">
                {format!("v{} · Kubernetes {}", kubeplay_core::VERSION, kubeplay_core::KUBERNETES_VERSION)}
            </span>
            if let Some(url) = &*link {
                <input class="share-link" readonly=true value={url.clone()} aria-label="Share link (copied)" data-testid="share-link" />
            }
        </header>
    }
}
