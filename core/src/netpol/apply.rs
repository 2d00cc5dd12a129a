//! A verified fix written into the input's text (netpol.md §45): the page's
//! "Apply" edits the manifests the person typed, so the edit keeps everything
//! the patch does not touch — other documents, comments, key order, quoting.
//!
//! A patch of one operation that adds to a block mapping or sequence inserts
//! one entry after the container's last line; any other patch rewrites only the
//! node its operations share; a new object is appended as a document. Every
//! edit is checked by loading the edited text again: the object must read back
//! exactly as the patched document and no new error may appear. When the small
//! edit does not read back so, the whole object is rewritten; when that does
//! not either, there is no edit ([`None`]) and the page offers the YAML to copy.

use serde_json::Value;

use super::fix::{Fix, PatchOp, apply_patch, document, loaded_id as id, pointer_tokens};
use crate::load::{Input, Loading, load, to_yaml};
use crate::model::{Kind, Loaded};
use crate::source::{Span, join_index, join_key};

/// The text of file `file` (loaded as `loading` from `text`) with `fix` applied.
pub fn apply_fix(text: &str, file: &str, loading: &Loading, fix: &Fix) -> Option<String> {
    let errors_before = errors(loading);
    let inventory = &loading.inventory;
    let verified = |edited: String, patched: &Value| -> Option<String> {
        let loading = load(&[Input::new(file, &edited)]);
        let object = loading.inventory.objects.iter().find(|o| id(o) == fix.object)?;
        (errors(&loading) <= errors_before && document(&object.object).as_ref() == Some(patched)).then_some(edited)
    };
    match fix.file.as_deref() {
        None => {
            // A new object: the patch adds the whole document to `{}`.
            let patched = apply_patch(&Value::Object(Default::default()), &fix.patch)?;
            verified(append_document(text, &to_yaml(&patched)), &patched)
        }
        Some(fix_file) if fix_file == file => {
            let object = inventory.objects.iter().find(|o| o.origin.location.file == file && id(o) == fix.object)?;
            let before = document(&object.object)?;
            let patched = apply_patch(&before, &fix.patch)?;
            let lines = Lines::new(text);
            edit_in_place(text, &lines, object, &fix.patch, &patched)
                .and_then(|edited| verified(edited, &patched))
                .or_else(|| {
                    let span = object.origin.location.span;
                    let edited = replace(text, &lines, span, &block(&to_yaml(&patched), span.column))?;
                    verified(edited, &patched)
                })
        }
        Some(_) => None,
    }
}

/// The text of file `file` with its NetworkPolicies taken out and `policies`
/// (multi-document YAML) appended: generated policies replace the input's own
/// (netpol.md §46). Each policy's lines are removed (a list item with its
/// `- `); the result is loaded again and kept only if every other object is
/// still there, the only NetworkPolicies are the `count` new ones and no new
/// error appears.
pub fn replace_policies(text: &str, file: &str, loading: &Loading, policies: &str, count: usize) -> Option<String> {
    let inventory = &loading.inventory;
    let lines = Lines::new(text);
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    for object in &inventory.objects {
        if object.kind() != Kind::NetworkPolicy || object.origin.location.file != file {
            continue;
        }
        let span = object.origin.location.span;
        let start = lines.offset(span.line, 1)?;
        let end = lines.line_end(lines.offset(span.end_line, span.end_column)?);
        cuts.push((start, (end + 1).min(text.len())));
    }
    cuts.sort_unstable();
    let mut kept = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end) in cuts {
        if start < at {
            return None;
        }
        kept.push_str(&text[at..start]);
        at = end;
    }
    kept.push_str(&text[at..]);
    let edited = append_document(&kept, policies);
    let others = |objects: &mut dyn Iterator<Item = &Loaded>| -> Vec<String> {
        objects.filter(|o| o.kind() != Kind::NetworkPolicy).map(id).collect()
    };
    let after = load(&[Input::new(file, &edited)]);
    let policies_after = after.inventory.objects.iter().filter(|o| o.kind() == Kind::NetworkPolicy).count();
    let same_others = others(&mut after.inventory.objects.iter())
        == others(&mut inventory.objects.iter().filter(|o| o.origin.location.file == file));
    (same_others && policies_after == count && errors(&after) <= errors(loading)).then_some(edited)
}

fn errors(loading: &Loading) -> usize {
    loading.diagnostics.iter().filter(|d| d.is_error()).count()
}

fn append_document(text: &str, yaml: &str) -> String {
    let mut out = text.to_owned();
    if yaml.is_empty() {
        return out;
    }
    if !out.trim().is_empty() {
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str("---\n");
    } else {
        out.clear();
    }
    out.push_str(yaml);
    out
}

/// Byte offsets of line starts, to turn 1-based (line, column in characters) into offsets.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Lines { text, starts }
    }

    fn offset(&self, line: usize, column: usize) -> Option<usize> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        let rest = self.text.get(start..)?;
        let within = rest.char_indices().nth(column.checked_sub(1)?).map_or(rest.len(), |(i, _)| i);
        Some(start + within)
    }

    /// The offset just past the end of the line holding `offset` (before its newline).
    fn line_end(&self, offset: usize) -> usize {
        self.text.get(offset..).and_then(|rest| rest.find('\n')).map_or(self.text.len(), |i| offset + i)
    }

    /// The characters before `column` on `line`.
    fn before(&self, line: usize, column: usize) -> Option<&'a str> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        self.text.get(start..self.offset(line, column)?)
    }
}

/// `yaml` (no trailing newline) with every line after the first indented so it
/// starts at `column` (1-based), as a replacement for a node that starts there.
fn block(yaml: &str, column: usize) -> String {
    let indent = " ".repeat(column.saturating_sub(1));
    let mut out = String::new();
    for (i, line) in yaml.trim_end_matches('\n').lines().enumerate() {
        if i > 0 {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(&indent);
            }
        }
        out.push_str(line);
    }
    out
}

fn replace(text: &str, lines: &Lines<'_>, span: Span, with: &str) -> Option<String> {
    let start = lines.offset(span.line, span.column)?;
    let end = lines.offset(span.end_line, span.end_column)?;
    (start <= end).then(|| format!("{}{with}{}", &text[..start], &text[end..]))
}

/// A step of a JSON Pointer resolved against the patched document: a key or an index.
#[derive(Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
    Append,
}

/// The steps of `pointer`, read against `document` (whose arrays say which tokens are indices).
fn steps(document: &Value, pointer: &str) -> Option<Vec<Step>> {
    let mut node = Some(document);
    let mut out = Vec::new();
    for token in pointer_tokens(pointer) {
        let step = match node {
            Some(Value::Array(_)) if token == "-" => Step::Append,
            Some(Value::Array(items)) => {
                let index: usize = token.parse().ok()?;
                node = items.get(index);
                out.push(Step::Index(index));
                continue;
            }
            Some(Value::Object(map)) => {
                node = map.get(&token);
                Step::Key(token)
            }
            _ => Step::Key(token),
        };
        if let Step::Append = step {
            node = None;
        }
        out.push(step);
    }
    Some(out)
}

fn source_path(steps: &[Step]) -> String {
    steps.iter().fold(String::new(), |path, step| match step {
        Step::Key(key) => join_key(&path, key),
        Step::Index(index) => join_index(&path, *index),
        Step::Append => path,
    })
}

fn value_at<'v>(document: &'v Value, steps: &[Step]) -> Option<&'v Value> {
    steps.iter().try_fold(document, |node, step| match (node, step) {
        (Value::Object(map), Step::Key(key)) => map.get(key),
        (Value::Array(items), Step::Index(index)) => items.get(*index),
        _ => None,
    })
}

/// The small edit: an entry inserted after a block container's last line, or the
/// node all operations share rewritten.
fn edit_in_place(text: &str, lines: &Lines<'_>, object: &Loaded, patch: &[PatchOp], patched: &Value) -> Option<String> {
    let before = document(&object.object)?;
    let all: Vec<Vec<Step>> = patch.iter().map(|op| steps(&before, &op.path)).collect::<Option<_>>()?;
    if let ([op], [path]) = (patch, all.as_slice())
        && op.op == "add"
        && let Some(edited) = insert_entry(text, lines, object, &before, path, op.value.as_ref()?)
    {
        return Some(edited);
    }
    // The deepest container every operation sits in (an operation's own node may be new).
    let mut shared: Vec<&Step> = Vec::new();
    for (depth, step) in all.first()?.iter().enumerate() {
        let same = all.iter().all(|p| p.len() > depth + 1 && p[depth] == *step);
        if !same {
            break;
        }
        shared.push(step);
    }
    // Up to the nearest node the source map knows and the document has.
    loop {
        let steps: Vec<Step> = shared.iter().map(|s| (*s).clone()).collect();
        let path = source_path(&steps);
        if let (Some(node), Some(value)) =
            (object.origin.source_map.get(&object.origin.full_path(&path)), value_at(patched, &steps))
        {
            let flow = lines
                .offset(node.value.line, node.value.column)
                .and_then(|o| text.get(o..))
                .is_some_and(|rest| rest.starts_with('{') || rest.starts_with('['));
            // A flow node keeps its key as written and gets its value as JSON (valid YAML
            // flow); a block node is written again from its key, its value on the lines after.
            if flow {
                return replace(text, lines, node.value, &serde_json::to_string(value).ok()?);
            }
            let with = match (&node.key, steps.last()) {
                (Some(key), Some(Step::Key(name))) => {
                    let mut single = serde_json::Map::new();
                    single.insert(name.clone(), value.clone());
                    block(&to_yaml(&Value::Object(single)), key.column)
                }
                _ => block(&to_yaml(value), node.value.column),
            };
            return replace(text, lines, node.whole(), &with);
        }
        shared.pop()?;
    }
}

/// One `add` of a new key to a block mapping, or of an item at the end of a
/// block sequence: written after the container's last line, at its entries'
/// indentation, so nothing already there changes.
fn insert_entry(
    text: &str,
    lines: &Lines<'_>,
    object: &Loaded,
    before: &Value,
    path: &[Step],
    value: &Value,
) -> Option<String> {
    let (last, container) = path.split_last()?;
    let container_value = value_at(before, container)?;
    let node = object.origin.source_map.get(&object.origin.full_path(&source_path(container)))?;
    let first = lines.offset(node.value.line, node.value.column)?;
    if text.get(first..)?.starts_with(['{', '[']) {
        return None;
    }
    let entry = match (container_value, last) {
        (Value::Object(map), Step::Key(key)) if !map.contains_key(key) && !map.is_empty() => {
            let mut single = serde_json::Map::new();
            single.insert(key.clone(), value.clone());
            let indent = lines.before(node.value.line, node.value.column)?;
            // The first key must stand alone at the start of its line (not after `- `).
            if !indent.chars().all(|c| c == ' ') {
                return None;
            }
            format!("{indent}{}", block(&to_yaml(&Value::Object(single)), node.value.column))
        }
        (Value::Array(items), Step::Append) if !items.is_empty() => {
            // The item's dash: `- ` just before the first item's content.
            let lead = lines.before(node.value.line, node.value.column)?;
            let dash = lead.trim_end_matches(' ');
            if !dash.ends_with('-') || !dash[..dash.len() - 1].chars().all(|c| c == ' ') {
                return None;
            }
            let item_column = lead.chars().count() + 1;
            format!("{lead}{}", block(&to_yaml(value), item_column))
        }
        _ => return None,
    };
    let end = lines.offset(node.value.end_line, node.value.end_column)?;
    let at = lines.line_end(end);
    Some(format!("{}\n{entry}{}", &text[..at], &text[at..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::netpol::fix::{FixQuery, fix};
    use crate::netpol::{NetpolOptions, Protocol};

    /// Every fix for one query, applied to the text: (kind, object, edited text or None).
    fn applied(text: &str, from: &str, to: &str, port: u16, want: bool) -> Vec<(String, String, Option<String>)> {
        let loading = load(&[Input::new("in.yaml", text)]);
        let query = FixQuery { from: from.to_owned(), to: to.to_owned(), port, protocol: Protocol::TCP, want };
        let report = fix(&loading.inventory, &NetpolOptions::default(), &query).unwrap();
        report
            .fixes
            .iter()
            .map(|f| (f.kind.as_str().to_owned(), f.object.clone(), apply_fix(text, "in.yaml", &loading, f)))
            .collect()
    }

    fn changed_lines(before: &str, after: &str) -> (Vec<String>, Vec<String>) {
        let a: Vec<&str> = before.lines().collect();
        let b: Vec<&str> = after.lines().collect();
        let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
        let suffix = a[prefix..].iter().rev().zip(b[prefix..].iter().rev()).take_while(|(x, y)| x == y).count();
        let cut = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        (cut(&a[prefix..a.len() - suffix]), cut(&b[prefix..b.len() - suffix]))
    }

    const MULTI_TIER: &str = include_str!("../examples/multi-tier-policy.yaml");

    #[test]
    fn the_training_example_fix_adds_one_line_and_keeps_every_comment() {
        let fixes = applied(MULTI_TIER, "monitoring/prometheus[Deployment]", "default/api[Deployment]", 5000, true);
        let (kind, object, edited) = &fixes[0];
        assert_eq!((kind.as_str(), object.as_str()), ("add-label", "monitoring[Namespace]"));
        let edited = edited.as_deref().unwrap();
        // metadata had no labels: the key is added under it, after `name`.
        assert_eq!(
            changed_lines(MULTI_TIER, edited),
            (vec![], vec!["  labels:".to_owned(), "    name: monitoring".to_owned()])
        );
        assert!(edited.starts_with("# The training material's multi-tier NetworkPolicy"));
        // Every proposed fix has an edit, and each one reaches the verdict.
        for (kind, object, edited) in &fixes {
            let edited = edited.as_deref().unwrap_or_else(|| panic!("no edit for {kind} on {object}"));
            let loading = load(&[Input::new("in.yaml", edited)]);
            let query = FixQuery {
                from: "monitoring/prometheus[Deployment]".to_owned(),
                to: "default/api[Deployment]".to_owned(),
                port: 5000,
                protocol: Protocol::TCP,
                want: true,
            };
            assert!(fix(&loading.inventory, &NetpolOptions::default(), &query).unwrap().now, "{kind} on {object}");
        }
    }

    #[test]
    fn a_peer_is_appended_as_one_item_of_the_block_sequence() {
        let fixes = applied(MULTI_TIER, "monitoring/prometheus[Deployment]", "default/api[Deployment]", 5000, true);
        let (_, _, edited) = fixes.iter().find(|(kind, _, _)| kind == "add-peer").unwrap();
        assert_eq!(
            changed_lines(MULTI_TIER, edited.as_deref().unwrap()),
            (
                vec![],
                vec![
                    "    - namespaceSelector:".to_owned(),
                    "        matchLabels:".to_owned(),
                    "          kubernetes.io/metadata.name: monitoring".to_owned(),
                ]
            )
        );
    }

    #[test]
    fn a_new_policy_is_a_new_document_at_the_end() {
        let fixes = applied(MULTI_TIER, "monitoring/prometheus[Deployment]", "default/api[Deployment]", 5000, true);
        let (_, object, edited) = fixes.iter().find(|(kind, _, _)| kind == "new-policy").unwrap();
        let edited = edited.as_deref().unwrap();
        assert!(edited.starts_with(MULTI_TIER));
        let added = &edited[MULTI_TIER.len()..];
        assert!(added.starts_with("---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"), "{added}");
        assert_eq!(object, "default/allow-ingress-prometheus-tcp-5000[NetworkPolicy]");
    }

    #[test]
    fn flow_style_nodes_are_rewritten_as_flow_and_deny_fixes_apply_too() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: x, labels: {app: a}}\n---\n\
                    apiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: x, labels: {app: b}}\n---\n\
                    apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: x}\n\
                    spec: {podSelector: {matchLabels: {app: b}}, ingress: [{from: [{podSelector: {matchLabels: {app: a}}}]}]}\n";
        let fixes = applied(text, "x/a", "x/b", 80, false);
        assert!(!fixes.is_empty());
        for (kind, object, edited) in &fixes {
            let edited = edited.as_deref().unwrap_or_else(|| panic!("no edit for {kind} on {object}"));
            let loading = load(&[Input::new("in.yaml", edited)]);
            assert!(loading.diagnostics.iter().all(|d| !d.is_error()), "{edited}");
            let query = FixQuery {
                from: "x/a".to_owned(),
                to: "x/b".to_owned(),
                port: 80,
                protocol: Protocol::TCP,
                want: false,
            };
            assert!(!fix(&loading.inventory, &NetpolOptions::default(), &query).unwrap().now, "{kind}: {edited}");
        }
    }

    #[test]
    fn generated_policies_replace_the_inputs_own() {
        use crate::netpol::generate::{generate, parse_flows, to_yaml};
        let loading = load(&[Input::new("in.yaml", MULTI_TIER)]);
        let flows = parse_flows(
            "flows:\n- {from: 'default/frontend[Deployment]', to: 'default/api[Deployment]', port: 5000}\n\
             - {from: 'monitoring/prometheus[Deployment]', to: 'default/api[Deployment]', port: 5000}\n",
        )
        .unwrap();
        let generated = generate(&loading.inventory, &NetpolOptions::default(), &flows).unwrap();
        let yaml = to_yaml(&generated);
        let edited = replace_policies(MULTI_TIER, "in.yaml", &loading, &yaml, generated.len()).unwrap();
        assert!(edited.ends_with(&yaml));
        assert!(!edited.contains("multi-tier-policy\n"), "the input's policy is gone");
        // Everything before the policy is untouched, comments included.
        let policy_line = MULTI_TIER.find("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy").unwrap();
        assert!(edited.starts_with(&MULTI_TIER[..policy_line]));
        let reloaded = load(&[Input::new("in.yaml", &edited)]);
        let query = |from: &str, port| FixQuery {
            from: from.to_owned(),
            to: "default/api[Deployment]".to_owned(),
            port,
            protocol: Protocol::TCP,
            want: true,
        };
        let now = |from, port| fix(&reloaded.inventory, &NetpolOptions::default(), &query(from, port)).unwrap().now;
        assert!(now("monitoring/prometheus[Deployment]", 5000) && now("default/frontend[Deployment]", 5000));
        assert!(!now("default/database[StatefulSet]", 5000) && !now("default/frontend[Deployment]", 5001));
        // A list whose policy is an item loses that item only.
        let list = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a, labels: {app: a}}\n\
                    - apiVersion: networking.k8s.io/v1\n  kind: NetworkPolicy\n  metadata: {name: p}\n  spec:\n    podSelector: {}\n\
                    - apiVersion: v1\n  kind: Pod\n  metadata: {name: b, labels: {app: b}}\n";
        let loading = load(&[Input::new("in.yaml", list)]);
        let edited = replace_policies(list, "in.yaml", &loading, "", 0).unwrap();
        assert_eq!(edited, list.replace("- apiVersion: networking.k8s.io/v1\n  kind: NetworkPolicy\n  metadata: {name: p}\n  spec:\n    podSelector: {}\n", ""));
    }

    #[test]
    fn an_object_inside_a_list_is_edited_where_it_stands() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: mon\n\
                    - apiVersion: v1\n  kind: Pod\n  metadata:\n    name: p\n    namespace: mon\n    labels: {app: p}\n\
                    - apiVersion: v1\n  kind: Pod\n  metadata:\n    name: q\n    namespace: default\n    labels: {app: q}\n\
                    - apiVersion: networking.k8s.io/v1\n  kind: NetworkPolicy\n  metadata:\n    name: only-team\n    namespace: default\n  \
                    spec:\n    podSelector: {}\n    ingress:\n    - from:\n      - namespaceSelector:\n          matchLabels:\n            team: a\n";
        let fixes = applied(text, "mon/p", "default/q", 80, true);
        let (kind, object, edited) = &fixes[0];
        assert_eq!((kind.as_str(), object.as_str()), ("add-label", "mon[Namespace]"));
        assert_eq!(
            changed_lines(text, edited.as_deref().unwrap()),
            (vec![], vec!["    labels:".to_owned(), "      team: a".to_owned()])
        );
    }
}
