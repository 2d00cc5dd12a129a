//! The manifest editor: a textarea over a highlight layer that underlines the
//! spans of findings, with a line-number gutter that marks lines carrying
//! findings. Selecting a finding selects its lines.
//!
//! Only the lines in view (and a margin) are drawn in the gutter and the
//! highlight layer, with spacers above and below, so a pasted cluster dump of
//! a hundred thousand lines costs what a screenful does.

use std::collections::BTreeMap;
use std::rc::Rc;

use kubeplay_core::Severity;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::state::{Analysis, LineSelection};
use crate::worker::protocol::Mark;

/// Must match `--line-height` in style.css (pixels).
const LINE_HEIGHT_PX: f64 = 20.0;
/// Lines drawn above and below the visible ones, so fast scrolling shows no gap.
const MARGIN_LINES: usize = 40;

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub text: Rc<str>,
    /// The last analysis: its diagnostics mark the gutter and underline spans.
    pub analysis: Option<Analysis>,
    pub selection: Option<LineSelection>,
    pub read_only: bool,
    pub on_edit: Callback<String>,
}

/// Byte offset where each line starts (line 1 at index 0).
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect()
}

/// The text of 1-based `line`, without its newline.
fn line_text<'a>(text: &'a str, starts: &[usize], line: usize) -> &'a str {
    let Some(&start) = starts.get(line.wrapping_sub(1)) else { return "" };
    let end = starts.get(line).map_or(text.len(), |next| next - 1);
    text.get(start..end).unwrap_or("")
}

/// Offset of a 1-based line and column in UTF-16 code units, as
/// `setSelectionRange` counts them.
fn offset_of(text: &str, starts: &[usize], line: usize, column: usize) -> u32 {
    let Some(&start) = starts.get(line.wrapping_sub(1)) else {
        return u32::try_from(text.encode_utf16().count()).unwrap_or(u32::MAX);
    };
    let before: usize = text.get(..start).map_or(0, |t| t.encode_utf16().count());
    let within: usize = line_text(text, starts, line).chars().take(column.saturating_sub(1)).map(char::len_utf16).sum();
    u32::try_from(before + within).unwrap_or(u32::MAX)
}

/// One underlined stretch of one line: [start, end) in characters.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Underline {
    start: usize,
    end: usize,
    severity: Severity,
}

/// Splits each diagnostic's span into per-line underlines, for lines in
/// `first..=last` only (worst severity is painted on top by `highlight_line`).
fn underlines(
    text: &str,
    starts: &[usize],
    diagnostics: &[Mark],
    first: usize,
    last: usize,
) -> BTreeMap<usize, Vec<Underline>> {
    let mut out: BTreeMap<usize, Vec<Underline>> = BTreeMap::new();
    for mark in diagnostics {
        let d = &mark.span;
        let end_line = d.end_line.max(d.line).min(d.line + 200);
        for line in d.line.max(first)..=end_line.min(last) {
            if line > starts.len() {
                break;
            }
            let content = line_text(text, starts, line);
            let length = content.chars().count();
            let indent = content.chars().take_while(|c| *c == ' ').count();
            let start = if line == d.line { d.column.saturating_sub(1) } else { indent };
            let end = if line == end_line && d.end_line == end_line { d.end_column.saturating_sub(1) } else { length };
            let (start, end) = (start.min(length), end.min(length).max(start.min(length) + 1));
            out.entry(line).or_default().push(Underline { start, end, severity: mark.severity });
        }
    }
    for marks in out.values_mut() {
        kubeplay_core::sort::sort_by_key(marks, |u| (std::cmp::Reverse(u.severity), u.start));
    }
    out
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

/// Which lines to draw: 1-based, inclusive, for a scroll position and viewport height.
fn window(scroll_top: f64, viewport: f64, lines: usize) -> (usize, usize) {
    let first_visible = (scroll_top / LINE_HEIGHT_PX).floor().max(0.0) as usize + 1;
    let visible = (viewport / LINE_HEIGHT_PX).ceil().max(1.0) as usize;
    let first = first_visible.saturating_sub(MARGIN_LINES).max(1);
    let last = (first_visible + visible + MARGIN_LINES).min(lines.max(1));
    (first.min(last), last)
}

/// Sets an inline style property through the CSSOM: the page's Content-Security-Policy
/// (`style-src 'self'`) refuses `style` attributes in markup, not this.
fn set_style(node: &NodeRef, property: &str, value: &str) {
    if let Some(element) = node.cast::<web_sys::HtmlElement>() {
        let _ = element.style().set_property(property, value);
    }
}

/// The gutter and the highlight layer scrolled as the textarea is.
fn sync_scroll(area: &HtmlTextAreaElement, gutter: &NodeRef, layer: &NodeRef) {
    if let Some(gutter) = gutter.cast::<web_sys::Element>() {
        gutter.set_scroll_top(area.scroll_top());
    }
    if let Some(layer) = layer.cast::<web_sys::Element>() {
        layer.set_scroll_top(area.scroll_top());
        layer.set_scroll_left(area.scroll_left());
    }
}

#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let textarea = use_node_ref();
    let gutter = use_node_ref();
    let layer = use_node_ref();
    // (scrollTop, clientHeight) of the textarea, for the window of lines drawn.
    let viewport = use_state(|| (0.0_f64, 1200.0_f64));

    let starts = use_memo(props.text.clone(), |text| line_starts(text));
    // Widest line in characters: the highlight layer must scroll as far right as the textarea.
    let widest = use_memo(props.text.clone(), |text| text.split('\n').map(|l| l.chars().count()).max().unwrap_or(0));
    let no_diagnostics = Vec::new();
    let diagnostics = props.analysis.as_ref().map_or(&no_diagnostics, |a| &a.outcome.marks);

    // Worst severity per line, for the gutter markers.
    let marks: BTreeMap<usize, Severity> = diagnostics.iter().fold(BTreeMap::new(), |mut marks, d| {
        let entry = marks.entry(d.span.line).or_insert(d.severity);
        *entry = (*entry).min(d.severity);
        marks
    });
    let lines = starts.len();
    let (first, last) = window(viewport.0, viewport.1, lines);
    let underlined = underlines(&props.text, &starts, diagnostics, first, last);

    {
        let textarea = textarea.clone();
        let text = props.text.clone();
        let starts = starts.clone();
        use_effect_with(props.selection, move |selection| {
            if let (Some(selection), Some(area)) = (selection, textarea.cast::<HtmlTextAreaElement>()) {
                let start = offset_of(&text, &starts, selection.line, 1);
                let end = offset_of(&text, &starts, selection.end_line + 1, 1).saturating_sub(1).max(start);
                let _ = area.focus();
                let _ = area.set_selection_range(start, end);
                let target = (selection.line as f64 - 3.0).max(0.0) * LINE_HEIGHT_PX;
                area.set_scroll_top(target as i32);
            }
        });
    }
    // Learn the real viewport height once mounted.
    {
        let (textarea, viewport) = (textarea.clone(), viewport.clone());
        use_effect_with((), move |_| {
            if let Some(area) = textarea.cast::<HtmlTextAreaElement>() {
                viewport.set((f64::from(area.scroll_top()), f64::from(area.client_height()).max(200.0)));
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
        let (gutter, layer, textarea, viewport) = (gutter.clone(), layer.clone(), textarea.clone(), viewport.clone());
        Callback::from(move |_: Event| {
            if let Some(area) = textarea.cast::<HtmlTextAreaElement>() {
                sync_scroll(&area, &gutter, &layer);
                let now = (f64::from(area.scroll_top()), f64::from(area.client_height()).max(200.0));
                // Redraw only when the window of drawn lines would move.
                if window(now.0, now.1, usize::MAX) != window(viewport.0, viewport.1, usize::MAX) {
                    viewport.set(now);
                }
            }
        })
    };

    // Spacers above and below the drawn lines keep the scroll height of the whole text.
    // The drawn lines sit in their own box, so the diff never turns a spacer (and the
    // height set on it) into a line; the heights are set after every render.
    let spacers = [use_node_ref(), use_node_ref(), use_node_ref(), use_node_ref()];
    let lines_box = use_node_ref();
    {
        let (spacers, lines_box) = (spacers.clone(), lines_box.clone());
        let (textarea, gutter, layer, viewport) = (textarea.clone(), gutter.clone(), layer.clone(), viewport.clone());
        let (below, widest) = (lines.saturating_sub(last), *widest);
        use_effect(move || {
            let px = |lines: usize| format!("{}px", lines as f64 * LINE_HEIGHT_PX);
            for (index, spacer) in spacers.iter().enumerate() {
                set_style(spacer, "height", &px(if index % 2 == 0 { first - 1 } else { below }));
            }
            set_style(&lines_box, "min-width", &format!("{}ch", widest + 2));
            // A paste or a long edit scrolls the textarea while the gutter and the layer are
            // still short (their spacers grow only now), so the scroll event's sync was
            // clamped: align them again, and move the drawn window if it is behind.
            if let Some(area) = textarea.cast::<HtmlTextAreaElement>() {
                sync_scroll(&area, &gutter, &layer);
                let now = (f64::from(area.scroll_top()), f64::from(area.client_height()).max(200.0));
                if window(now.0, now.1, usize::MAX) != window(viewport.0, viewport.1, usize::MAX) {
                    viewport.set(now);
                }
            }
        });
    }

    let selected = props.selection.map(|s| (s.line, s.end_line));
    let is_selected = |line: usize| selected.is_some_and(|(a, b)| line >= a && line <= b);
    html! {
        <div class="editor">
            <div class="gutter" ref={gutter} aria-hidden="true">
                <div class="spacer-lines" ref={spacers[0].clone()}></div>
                <div class="drawn-lines">
                    { for (first..=last).map(|line| {
                        let mark = marks.get(&line).map(|s| s.as_str());
                        let class = classes!("gutter-line", mark.map(|m| format!("mark-{m}")), is_selected(line).then_some("selected"));
                        html! { <div class={class} data-line={line.to_string()}>{line}</div> }
                    }) }
                </div>
                <div class="spacer-lines" ref={spacers[1].clone()}></div>
            </div>
            <div class="code-stack">
                <pre class="highlight" ref={layer} aria-hidden="true">
                    <div class="highlight-lines" ref={lines_box}>
                        <div class="spacer-lines" ref={spacers[2].clone()}></div>
                        <div class="drawn-lines">
                            { for (first..=last).map(|line| html! {
                                <div class={classes!("hl-line", is_selected(line).then_some("selected"))}>{highlight_line(line_text(&props.text, &starts, line), underlined.get(&line))}{"\u{200b}"}</div>
                            }) }
                        </div>
                        <div class="spacer-lines" ref={spacers[3].clone()}></div>
                    </div>
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
                    value={AttrValue::from(props.text.clone())}
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
    fn offsets_count_utf16_units_per_line() {
        let text = "ab\ncdé\nf😀g";
        let starts = line_starts(text);
        assert_eq!(offset_of(text, &starts, 1, 1), 0);
        assert_eq!(offset_of(text, &starts, 2, 1), 3);
        assert_eq!(offset_of(text, &starts, 3, 1), 7);
        assert_eq!(offset_of(text, &starts, 2, 3), 5);
        // The emoji is two UTF-16 units, as the textarea counts.
        assert_eq!(offset_of(text, &starts, 3, 3), 10);
        assert_eq!(offset_of(text, &starts, 4, 1), 11);
    }

    #[test]
    fn only_the_window_of_lines_is_drawn() {
        assert_eq!(window(0.0, 400.0, 100_000), (1, 61));
        // Scrolled to line 5 001: 40 lines of margin either side of 20 visible.
        assert_eq!(window(100_000.0, 400.0, 100_000), (4_961, 5_061));
        assert_eq!(window(0.0, 400.0, 3), (1, 3));
    }

    #[test]
    fn multi_line_spans_underline_each_line_without_indentation() {
        let text = "a:\n  b: 1\n  c: 2\n";
        let d = Mark {
            severity: Severity::Warning,
            message: String::new(),
            span: kubeplay_core::source::Span { line: 2, column: 3, end_line: 3, end_column: 7 },
        };
        let marks = underlines(text, &line_starts(text), &[d], 1, 3);
        assert_eq!(marks[&2], vec![Underline { start: 2, end: 6, severity: Severity::Warning }]);
        assert_eq!(marks[&3], vec![Underline { start: 2, end: 6, severity: Severity::Warning }]);
    }
}
