//! Source locations: where every node of every document stands in its file.
//!
//! The YAML parser of record gives values but no node positions, so the loader also runs a
//! span-aware event parser (saphyr-parser) over each document and records the
//! span of every node under its field path. Later analyses (a policy rule, a
//! container's securityContext) locate their findings through [`Origin::locate`].

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// A region of a file. Lines and columns are 1-based; the end is exclusive.
/// Read back from a contract that prints only some of its fields, the others are 0.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug, Default, Hash)]
#[serde(default)]
pub struct Span {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Span {
    pub fn point(line: usize, column: usize) -> Self {
        Span { line, column, end_line: line, end_column: column + 1 }
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        let (line, column) = (self.line, self.column).min((other.line, other.column));
        let (end_line, end_column) = (self.end_line, self.end_column).max((other.end_line, other.end_column));
        Span { line, column, end_line, end_column }
    }
}

/// A place in the input: the file, the document in it, the region and the field.
/// Every diagnostic, finding, explanation and summary that points into the input
/// holds one; no other type spells out a file, line or column.
///
/// It serialises flat (`file, doc, line, column, end_line, end_column, path`)
/// where it is `#[serde(flatten)]`ed into its holder. JSON contracts that print
/// fewer of these keys pick a shape from `render::contract`; read back from such
/// a shape, the missing fields are empty (`#[serde(default)]`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug, Default, Hash)]
#[serde(default)]
pub struct Location {
    pub file: String,
    /// 1-based number of the document in its file; 0 for the whole file.
    pub doc: usize,
    #[serde(flatten)]
    pub span: Span,
    /// Field path inside the document, in serde_path_to_error's syntax
    /// (`items[3].spec.ingress[0].from[1]`); `None` when the place is not a
    /// field (a syntax error, a file too large to read).
    pub path: Option<String>,
}

impl Location {
    pub fn new(file: &str, doc: usize, span: Span, path: Option<String>) -> Self {
        Location { file: file.to_owned(), doc, span, path }
    }

    /// Where it points, for sorting: file, line, column.
    pub fn position(&self) -> (&str, usize, usize) {
        (self.file.as_str(), self.span.line, self.span.column)
    }
}

/// Spans of one node: its key (for mapping values) and its value.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct NodeSpan {
    pub key: Option<Span>,
    pub value: Span,
}

impl NodeSpan {
    /// Key and value together: what an editor should highlight for the field.
    pub fn whole(&self) -> Span {
        match self.key {
            Some(key) => key.cover(self.value),
            None => self.value,
        }
    }
}

/// Field path → span for one document. Paths use the same syntax as
/// serde_path_to_error: `spec.containers[0].ports[1].containerPort`; the root is `""`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SourceMap {
    nodes: HashMap<String, NodeSpan>,
}

impl SourceMap {
    pub fn insert(&mut self, path: String, span: NodeSpan) {
        self.nodes.entry(path).or_insert(span);
    }

    pub fn get(&self, path: &str) -> Option<&NodeSpan> {
        self.nodes.get(path)
    }

    /// Applies `shift` to every span (documents are parsed alone, then placed in their file).
    pub fn shift(&mut self, shift: impl Fn(&mut Span)) {
        for node in self.nodes.values_mut() {
            if let Some(key) = node.key.as_mut() {
                shift(key);
            }
            shift(&mut node.value);
        }
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The node at `path`, or the nearest ancestor the map knows (aliases and
    /// defaulted fields have no node of their own).
    pub fn locate(&self, path: &str) -> Option<NodeSpan> {
        let mut current = path;
        loop {
            if let Some(span) = self.nodes.get(current) {
                return Some(*span);
            }
            if current.is_empty() {
                return None;
            }
            current = parent_path(current);
        }
    }
}

/// `a.b[2].c` → `a.b[2]` → `a.b` → `a` → ``.
pub fn parent_path(path: &str) -> &str {
    if path.ends_with(']')
        && let Some(open) = path.rfind('[')
    {
        return &path[..open];
    }
    match path.rfind('.') {
        Some(dot) => &path[..dot],
        None => "",
    }
}

/// Appends a mapping key to a path, in serde_path_to_error's syntax.
pub fn join_key(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") }
}

/// Appends a sequence index to a path.
pub fn join_index(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

/// Where a loaded object came from: its [`Location`] (file, document, the span
/// of the whole object and its path inside the document — `items[3]` for list
/// items, empty for a whole document) and the document's source map.
#[derive(Clone, Debug, PartialEq)]
pub struct Origin {
    pub location: Location,
    pub source_map: Arc<SourceMap>,
}

impl Origin {
    /// The object's path inside its document (empty for a whole document).
    pub fn prefix(&self) -> &str {
        self.location.path.as_deref().unwrap_or("")
    }

    /// Path relative to the document root.
    pub fn full_path(&self, path: &str) -> String {
        let prefix = self.prefix();
        match (prefix.is_empty(), path.is_empty()) {
            (true, _) => path.to_owned(),
            (false, true) => prefix.to_owned(),
            (false, false) => format!("{prefix}.{path}"),
        }
    }

    /// The span of a field of this object, given its path relative to the object
    /// (`spec.ingress[0].from[1]`); falls back to the nearest enclosing node.
    pub fn locate(&self, path: &str) -> Span {
        self.locate_node(path).map(|node| node.whole()).unwrap_or(self.location.span)
    }

    /// The [`Location`] of a field of this object (path relative to the object),
    /// located as [`Origin::locate`] does; its path is relative to the document.
    pub fn location(&self, path: &str) -> Location {
        Location::new(&self.location.file, self.location.doc, self.locate(path), Some(self.full_path(path)))
    }

    /// Like [`Origin::locate`] but only the value, without the key.
    pub fn locate_value(&self, path: &str) -> Span {
        self.locate_node(path).map(|node| node.value).unwrap_or(self.location.span)
    }

    fn locate_node(&self, path: &str) -> Option<NodeSpan> {
        self.source_map.locate(&self.full_path(path))
    }
}
