//! Editing the editor's text one YAML document at a time, for controls that
//! rewrite an object of our own (the `HPASimulation` a preset or a slider sets).
//! Documents are split as kubectl splits them: at a line starting with `---`.

/// The text with the first document whose top-level `kind:` is `kind` replaced by
/// `document`, or with `document` appended as a new document when there is none.
pub fn replace_document(text: &str, kind: &str, document: &str) -> String {
    let document = document.trim_end_matches('\n');
    let mut starts = vec![0];
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if offset > 0 && line.starts_with("---") {
            starts.push(offset);
        }
        offset += line.len();
    }
    if text.starts_with("---") {
        starts[0] = 0;
    }
    let ends: Vec<usize> = starts.iter().skip(1).copied().chain([text.len()]).collect();
    for (start, end) in starts.into_iter().zip(ends) {
        let chunk = &text[start..end];
        // The separator line stays; the document's body is what follows it.
        let body_start = if chunk.starts_with("---") { chunk.find('\n').map_or(chunk.len(), |i| i + 1) } else { 0 };
        let body = &chunk[body_start..];
        if declares_kind(body, kind) {
            let tail = if end < text.len() || body.ends_with('\n') { "\n" } else { "" };
            return format!("{}{}{}{}", &text[..start], &chunk[..body_start], document, tail) + &text[end..];
        }
    }
    let separator = if text.trim().is_empty() {
        ""
    } else if text.ends_with('\n') {
        "---\n"
    } else {
        "\n---\n"
    };
    format!("{text}{separator}{document}\n")
}

/// Whether a document's top-level mapping has `kind: <kind>` (unindented, optionally quoted).
fn declares_kind(body: &str, kind: &str) -> bool {
    body.lines().any(|line| {
        line.strip_prefix("kind:").is_some_and(|value| {
            let value = value.split('#').next().unwrap_or("").trim().trim_matches(|c| c == '"' || c == '\'');
            value == kind
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIM: &str = "kind: HPASimulation\nspec: {duration: 60s}\n";

    #[test]
    fn appends_a_document_when_the_kind_is_absent() {
        assert_eq!(replace_document("kind: Pod\n", "HPASimulation", SIM), format!("kind: Pod\n---\n{SIM}"));
        assert_eq!(replace_document("kind: Pod", "HPASimulation", SIM), format!("kind: Pod\n---\n{SIM}"));
        assert_eq!(replace_document("", "HPASimulation", SIM), SIM);
    }

    #[test]
    fn replaces_the_document_in_place_and_keeps_the_others() {
        let text = "kind: Pod\n---\nkind: HPASimulation\nspec: {duration: 30s}\n---\nkind: Service\n";
        assert_eq!(replace_document(text, "HPASimulation", SIM), format!("kind: Pod\n---\n{SIM}---\nkind: Service\n"));
    }

    #[test]
    fn replaces_a_last_or_first_document() {
        let last = "kind: Pod\n---\nkind: 'HPASimulation' # ours\n";
        assert_eq!(replace_document(last, "HPASimulation", SIM), format!("kind: Pod\n---\n{SIM}"));
        let first = "---\nkind: HPASimulation\n---\nkind: Pod\n";
        assert_eq!(replace_document(first, "HPASimulation", SIM), format!("---\n{SIM}---\nkind: Pod\n"));
    }

    #[test]
    fn a_nested_kind_is_not_the_document_kind() {
        let text = "kind: Deployment\nspec:\n  kind: HPASimulation\n";
        assert_eq!(replace_document(text, "HPASimulation", SIM), format!("{text}---\n{SIM}"));
    }

    #[test]
    fn a_separator_with_a_comment_still_splits() {
        let text = "kind: Pod\n--- # next\nkind: HPASimulation\n";
        assert_eq!(replace_document(text, "HPASimulation", SIM), format!("kind: Pod\n--- # next\n{SIM}"));
    }
}
