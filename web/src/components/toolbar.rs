//! The top bar: brand, versions, lessons and examples menus, share link, report downloads.

use kubeplay_core::examples::EXAMPLES;
use yew::prelude::*;

use crate::worker::protocol::ExportFormat;

#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    pub example: Option<&'static str>,
    pub lesson: Option<&'static str>,
    pub on_lesson: Callback<&'static str>,
    pub on_example: Callback<&'static str>,
    /// Builds the share link for the current state.
    pub share_link: Callback<(), String>,
    /// Asks for the full report as a download (it lives with the analysis, not in the page).
    pub on_download: Callback<ExportFormat>,
    /// Whether there is an analysis to download.
    pub can_download: bool,
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
    let on_lesson_pick = {
        let on_lesson = props.on_lesson.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>()
                && let Some(lesson) = kubeplay_core::lessons::lesson(&select.value())
            {
                on_lesson.emit(lesson.id);
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
        let on_download = props.on_download.clone();
        Callback::from(move |_: MouseEvent| on_download.emit(ExportFormat::Json))
    };
    let on_markdown = {
        let on_download = props.on_download.clone();
        Callback::from(move |_: MouseEvent| on_download.emit(ExportFormat::Markdown))
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
            <label class="lesson-picker">
                <span class="visually-hidden">{"Lesson"}</span>
                <select aria-label="Open a lesson" data-testid="lesson-picker" onchange={on_lesson_pick}>
                    <option selected={props.lesson.is_none()} value="">{"Lessons…"}</option>
                    { for kubeplay_core::lessons::LESSONS.iter().enumerate().map(|(i, l)| html! {
                        <option value={l.id} selected={props.lesson == Some(l.id)}>{format!("{}. {}", i + 1, l.section)}</option>
                    }) }
                </select>
            </label>
            <span class="spacer"></span>
            <button class="action" onclick={on_theme} aria-label="Switch between light and dark" data-testid="theme">{"◐ Theme"}</button>
            <button class="action" onclick={on_share} data-testid="share">{"Copy link"}</button>
            <button class="action" onclick={on_json} disabled={!props.can_download} aria-label="Download the report as JSON">{"JSON"}</button>
            <button class="action" onclick={on_markdown} disabled={!props.can_download} aria-label="Download the report as Markdown">{"Markdown"}</button>
            <span class="version" title="kubeplay version and the Kubernetes version whose semantics it follows">
                {format!("v{} · Kubernetes {}", kubeplay_core::VERSION, kubeplay_core::KUBERNETES_VERSION)}
            </span>
            if let Some(url) = &*link {
                <input class="share-link" readonly=true value={url.clone()} aria-label="Share link (copied)" data-testid="share-link" />
            }
        </header>
    }
}
