//! The manifest editor: a textarea over a highlight layer that underlines the
//! spans of findings, with a line-number gutter that marks lines carrying
//! findings. Selecting a finding selects its lines.

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
    pub read_only: bool,
    pub on_edit: Callback<String>,
}

/// Character offset of a 1-based line and column.
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

/// One underlined stretch of one line: [start, end) in characters.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Underline {
    start: usize,
    end: usize,
    severity: Severity,
}

/// Splits each diagnostic's span into per-line underlines (worst severity wins
/// where they overlap is left to CSS: later spans draw over earlier ones).
fn underlines(text: &str, diagnostics: &[Diagnostic]) -> BTreeMap<usize, Vec<Underline>> {
    let lengths: Vec<usize> = text.split('\n').map(|l| l.chars().count()).collect();
    let mut out: BTreeMap<usize, Vec<Underline>> = BTreeMap::new();
    for d in diagnostics {
        let end_line = d.end_line.max(d.line).min(d.line + 200);
        for line in d.line..=end_line {
            let Some(&length) = lengths.get(line.wrapping_sub(1)) else { continue };
            let start = if line == d.line { d.column.saturating_sub(1) } else { indent_of(text, line) };
            let end = if line == end_line && d.end_line == end_line { d.end_column.saturating_sub(1) } else { length };
            let (start, end) = (start.min(length), end.min(length).max(start.min(length) + 1));
            out.entry(line).or_default().push(Underline { start, end, severity: d.severity });
        }
    }
    for marks in out.values_mut() {
        marks.sort_by_key(|u| (std::cmp::Reverse(u.severity), u.start));
    }
    out
}

fn indent_of(text: &str, line: usize) -> usize {
    text.split('\n').nth(line - 1).map_or(0, |l| l.chars().take_while(|c| *c == ' ').count())
}

fn highlight_line(content: &str, marks: Option<&Vec<Underline>>) -> Html {
    let Some(marks) = marks else { return html! { {content} } };
    // Paint per character with the worst severity covering it.
    let chars: Vec<char> = content.chars().collect();
    let mut paint: Vec<Option<Severity>> = vec![None; chars.len().max(1)];
    for mark in marks {
        for slot in paint.iter_mut().take(mark.end.min(chars.len().max(1))).skip(mark.start) {
            *slot = Some(slot.map_or(mark.severity, |s| s.min(mark.severity)));
        }
    }
    let mut pieces = Vec::new();
    let mut index = 0;
    while index < chars.len() {
        let severity = paint[index];
        let start = index;
        while index < chars.len() && paint[index] == severity {
            index += 1;
        }
        let piece: String = chars[start..index].iter().collect();
        pieces.push(match severity {
            Some(s) => html! { <mark class={format!("ul-{}", s.as_str())}>{piece}</mark> },
            None => html! { {piece} },
        });
    }
    html! { <>{ for pieces }</> }
}

#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let textarea = use_node_ref();
    let gutter = use_node_ref();
    let layer = use_node_ref();

    // Worst severity per line, for the gutter markers.
    let marks: BTreeMap<usize, Severity> = props.diagnostics.iter().fold(BTreeMap::new(), |mut marks, d| {
        let entry = marks.entry(d.line).or_insert(d.severity);
        *entry = (*entry).min(d.severity);
        marks
    });
    let underlined = underlines(&props.text, &props.diagnostics);

    {
        let textarea = textarea.clone();
        let text = props.text.clone();
        use_effect_with(props.selection, move |selection| {
            if let (Some(selection), Some(area)) = (selection, textarea.cast::<HtmlTextAreaElement>()) {
                let start = offset_of(&text, selection.line, 1);
                let end = offset_of(&text, selection.end_line + 1, 1).saturating_sub(1).max(start);
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
        let (gutter, layer, textarea) = (gutter.clone(), layer.clone(), textarea.clone());
        Callback::from(move |_: Event| {
            if let Some(area) = textarea.cast::<HtmlTextAreaElement>() {
                if let Some(gutter) = gutter.cast::<web_sys::Element>() {
                    gutter.set_scroll_top(area.scroll_top());
                }
                if let Some(layer) = layer.cast::<web_sys::Element>() {
                    layer.set_scroll_top(area.scroll_top());
                    layer.set_scroll_left(area.scroll_left());
                }
            }
        })
    };

    let lines: Vec<&str> = props.text.split('\n').collect();
    let selected = props.selection.map(|s| (s.line, s.end_line));
    let is_selected = |line: usize| selected.is_some_and(|(a, b)| line >= a && line <= b);
    html! {
        <div class="editor">
            <div class="gutter" ref={gutter} aria-hidden="true">
                { for (1..=lines.len()).map(|line| {
                    let mark = marks.get(&line).map(|s| s.as_str());
                    let class = classes!("gutter-line", mark.map(|m| format!("mark-{m}")), is_selected(line).then_some("selected"));
                    html! { <div class={class} data-line={line.to_string()}>{line}</div> }
                }) }
            </div>
            <div class="code-stack">
                <pre class="highlight" ref={layer} aria-hidden="true">
                    { for lines.iter().enumerate().map(|(i, content)| html! {
                        <div class={classes!("hl-line", is_selected(i + 1).then_some("selected"))}>{highlight_line(content, underlined.get(&(i + 1)))}{"\u{200b}"}</div>
                    }) }
                </pre>
                <textarea
                    ref={textarea}
                    class="code"
                    aria-label="Kubernetes manifests (YAML or JSON)"
                    spellcheck="false"
                    autocomplete="off"
                    autocapitalize="off"
                    wrap="off"
                    readonly={props.read_only}
                    value={props.text.clone()}
                    {oninput}
                    {onscroll}
                />
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_characters_per_line() {
        let text = "ab\ncdé\nf";
        assert_eq!(offset_of(text, 1, 1), 0);
        assert_eq!(offset_of(text, 2, 1), 3);
        assert_eq!(offset_of(text, 3, 1), 7);
        assert_eq!(offset_of(text, 2, 3), 5);
    }

    #[test]
    fn multi_line_spans_underline_each_line_without_indentation() {
        let text = "a:\n  b: 1\n  c: 2\n";
        let d = Diagnostic {
            severity: Severity::Warning,
            code: "x".into(),
            message: String::new(),
            file: String::new(),
            doc: 1,
            line: 2,
            column: 3,
            end_line: 3,
            end_column: 7,
            path: None,
        };
        let marks = underlines(text, &[d]);
        assert_eq!(marks[&2], vec![Underline { start: 2, end: 6, severity: Severity::Warning }]);
        assert_eq!(marks[&3], vec![Underline { start: 2, end: 6, severity: Severity::Warning }]);
    }
}
