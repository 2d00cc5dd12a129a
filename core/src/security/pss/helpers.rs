//! Upstream's wording helpers (`policy/helpers.go`) and the shape of a check's result.

/// A failing check's reason, detail and offending paths; `None` when it passes.
pub(super) type Outcome = Option<(String, String, Vec<String>)>;

pub(super) fn fail(reason: &str, detail: String, paths: Vec<String>) -> Outcome {
    Some((reason.to_owned(), detail, paths))
}

/// `"a", "b"` (empty for no items).
pub(super) fn join_quote(items: &[impl AsRef<str>]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let inner: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    format!("\"{}\"", inner.join("\", \""))
}

pub(super) fn pluralize<'s>(singular: &'s str, plural: &'s str, count: usize) -> &'s str {
    if count == 1 { singular } else { plural }
}

/// `container "a"` / `containers "a", "b"`.
pub(super) fn containers_phrase(names: &[&str]) -> String {
    format!("{} {}", pluralize("container", "containers", names.len()), join_quote(names))
}

/// Go's `%q` for the annotation values upstream formats with `%s=%q`.
pub(super) use crate::diagnostic::go_quote;
