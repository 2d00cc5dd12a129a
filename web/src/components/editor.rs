//! The manifest editor: a textarea with a line-number gutter that marks lines
//! carrying diagnostics. Selecting a finding moves the cursor to its line.

use std::collections::BTreeMap;

use kubeplay_core::{Diagnostic, Severity};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::state::LineSelection;

/// Must match `--line-height` in style.css (pixels).
const LINE_HEIGHT_PX: f64 = 20.0;

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
    pub selection: Option<LineSelection>,
    pub on_edit: Callback<String>,
}

/// Character offset of the start of a 1-based line, plus a column.
fn offset_of(text: &str, line: usize, column: usize) -> u32 {
    let mut offset = 0usize;
    for (index, content) in text.split('\n').enumerate() {
        if index + 1 == line {
            let within = column.saturating_sub(1).min(content.chars().count());
            return u32::try_from(offset + within).unwrap_or(u32::MAX);
        }
        offset += content.chars().count() + 1;
    }
    u32::try_from(offset).unwrap_or(u32::MAX)
}

#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let textarea = use_node_ref();
    let gutter = use_node_ref();

    // Worst severity per line, for the gutter markers.
    let marks: BTreeMap<usize, Severity> = props.diagnostics.iter().fold(BTreeMap::new(), |mut marks, d| {
        let entry = marks.entry(d.line).or_insert(d.severity);
        *entry = (*entry).min(d.severity);
        marks
    });

    {
        let textarea = textarea.clone();
        let text = props.text.clone();
        use_effect_with(props.selection, move |selection| {
            if let (Some(selection), Some(area)) = (selection, textarea.cast::<HtmlTextAreaElement>()) {
                let start = offset_of(&text, selection.line, 1);
                let end = offset_of(&text, selection.line + 1, 1).saturating_sub(1).max(start);
                let _ = area.focus();
                let _ = area.set_selection_range(start, end);
                let target = (selection.line as f64 - 3.0).max(0.0) * LINE_HEIGHT_PX;
                area.set_scroll_top(target as i32);
            }
        });
    }

    let oninput = {
        let on_edit = props.on_edit.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(area) = event.target_dyn_into::<HtmlTextAreaElement>() {
                on_edit.emit(area.value());
            }
        })
    };
    let onscroll = {
        let gutter = gutter.clone();
        let textarea = textarea.clone();
        Callback::from(move |_: Event| {
            if let (Some(area), Some(gutter)) =
                (textarea.cast::<HtmlTextAreaElement>(), gutter.cast::<web_sys::Element>())
            {
                gutter.set_scroll_top(area.scroll_top());
            }
        })
    };

    let line_count = props.text.split('\n').count();
    let selected_line = props.selection.map(|s| s.line);
    html! {
        <div class="editor">
            <div class="gutter" ref={gutter} aria-hidden="true">
                { for (1..=line_count).map(|line| {
                    let mark = marks.get(&line).map(|s| s.as_str());
                    let class = classes!(
                        "gutter-line",
                        mark.map(|m| format!("mark-{m}")),
                        (selected_line == Some(line)).then_some("selected"),
                    );
                    html! { <div class={class} data-line={line.to_string()}>{line}</div> }
                }) }
            </div>
            <textarea
                ref={textarea}
                class="code"
                aria-label="Kubernetes manifests (YAML or JSON)"
                spellcheck="false"
                autocomplete="off"
                autocapitalize="off"
                wrap="off"
                value={props.text.clone()}
                {oninput}
                {onscroll}
            />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::offset_of;

    #[test]
    fn offsets_count_characters_per_line() {
        let text = "ab\ncdé\nf";
        assert_eq!(offset_of(text, 1, 1), 0);
        assert_eq!(offset_of(text, 2, 1), 3);
        assert_eq!(offset_of(text, 3, 1), 7);
        assert_eq!(offset_of(text, 2, 3), 5);
    }
}
