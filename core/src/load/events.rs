//! The span-aware pass over one document: saphyr-parser's events, with their
//! spans, become a [`SourceMap`]; the same pass enforces the input limits
//! (nesting depth, scalar size, alias expansion) before serde_yaml builds a value,
//! so hostile input is refused in linear time and bounded memory.

use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Parser, ScalarStyle, Span as SaphyrSpan};

use super::Limits;
use super::yaml11::{self, Reread, Step};
use crate::source::{NodeSpan, SourceMap, Span, join_index, join_key};

/// Why a document was refused before value parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventFailure {
    /// The scanner or parser stopped: message, and the point within the document.
    Syntax { message: String, at: Span },
    /// An input limit was exceeded at this point of the document.
    Limit { code: &'static str, message: String, at: Span },
    /// A `\/` escape in a double-quoted scalar, at its backslash: YAML 1.2
    /// parsers (this one, and libyaml behind serde_yaml) read it as `/`;
    /// go-yaml v2, which kubectl parses with, refuses it as an unknown escape.
    SlashEscape { at: Span },
}

struct Frame {
    path: String,
    is_map: bool,
    /// Mapping: the key awaiting its value. Sequence: unused.
    pending_key: Option<(String, Span)>,
    /// Span of the collection start and the furthest end seen so far.
    span: Span,
    /// Key span of this collection in its parent mapping.
    key_span: Option<Span>,
    next_index: usize,
    anchor: usize,
    /// Nodes inside, counting what aliases expand to.
    expanded: u64,
    /// This collection's step from its parent; None for the root and for
    /// collections inside a complex key (those have no path in the value).
    step: Option<Step>,
    /// Whether the collection lies on a path of the value (not in a complex key).
    on_path: bool,
    /// Index into the rereads where this collection's own begin.
    rereads_from: usize,
    /// Mapping: the scalar keys seen so far, to find repeats.
    keys: HashSet<String>,
}

/// What one pass over a document found.
pub struct Scanned {
    pub source_map: SourceMap,
    pub failure: Option<EventFailure>,
    /// Plain scalars that kubectl reads by YAML 1.1 rules and serde_yaml may
    /// read otherwise (see [`yaml11`]), aliases' copies included.
    pub rereads: Vec<Reread>,
    /// Keys given again in the same mapping (on a path of the value), with
    /// the path and the span of each repeat: go-yaml keeps the last value.
    pub repeated_keys: Vec<(String, Span)>,
}

fn to_span(span: SaphyrSpan) -> Span {
    Span {
        line: span.start.line(),
        column: span.start.col() + 1,
        end_line: span.end.line(),
        end_column: span.end.col() + 1,
    }
}

/// Where the next node goes: its path, its step from its parent and, inside
/// a mapping, its key span.
enum Slot {
    Key,
    Value { path: String, step: Option<Step>, key_span: Option<Span> },
}

/// The steps from the root to the current collection, or None inside a complex key.
fn trail(stack: &[Frame]) -> Option<Vec<Step>> {
    if stack.last().is_some_and(|f| !f.on_path) {
        return None;
    }
    Some(stack.iter().filter_map(|f| f.step.clone()).collect())
}

/// The byte offset of the character at `index`, counted on from `cursor` (a
/// character index and its byte offset) when it is not past it.
fn byte_offset(text: &str, cursor: &mut (usize, usize), index: usize) -> Option<usize> {
    if index < cursor.0 {
        *cursor = (0, 0);
    }
    let (mut chars, mut bytes) = *cursor;
    let mut rest = text.get(bytes..)?.chars();
    while chars < index {
        bytes += rest.next()?.len_utf8();
        chars += 1;
    }
    *cursor = (chars, bytes);
    Some(bytes)
}

/// The first `\/` escape in the double-quoted scalar written at `span`, as a
/// point at its backslash (where go-yaml and libyaml point at an unknown escape).
fn slash_escape(text: &str, cursor: &mut (usize, usize), span: SaphyrSpan) -> Option<Span> {
    let start = byte_offset(text, cursor, span.start.index())?;
    let end = byte_offset(text, cursor, span.end.index())?;
    let written = text.get(start..end)?;
    if !written.starts_with('"') {
        return None;
    }
    let (mut line, mut column) = (span.start.line(), span.start.col() + 1);
    let mut chars = written.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'/') => return Some(Span::point(line, column)),
            // Any other escape: its character is no backslash or quote.
            '\\' if chars.peek().is_some_and(|&next| next != '\n' && next != '\r') => {
                chars.next();
                column += 2;
            }
            // A line break (an escaped one too): CR LF, a lone CR or LF.
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                line += 1;
                column = 1;
            }
            _ => column += 1,
        }
    }
    None
}

pub fn scan_document(text: &str, limits: &Limits) -> Scanned {
    let mut repeated_keys = Vec::new();
    let (source_map, failure, rereads) = scan(text, limits, &mut repeated_keys);
    Scanned { source_map, failure, rereads, repeated_keys }
}

fn scan(
    text: &str,
    limits: &Limits,
    repeated_keys: &mut Vec<(String, Span)>,
) -> (SourceMap, Option<EventFailure>, Vec<Reread>) {
    let mut map = SourceMap::default();
    let mut stack: Vec<Frame> = Vec::new();
    // Anchor → the nodes its node expands to, and the rereads inside it with
    // paths relative to it (an alias's copy is read as kubectl reads the original).
    let mut anchors: HashMap<usize, (u64, Vec<Reread>)> = HashMap::new();
    let mut alias_expansion: u64 = 0;
    let mut rereads: Vec<Reread> = Vec::new();
    let mut parser = Parser::new_from_str(text);
    // The character index and byte offset of the last double-quoted scalar
    // looked into: scalars come in the order of the text.
    let mut cursor = (0, 0);

    let limit = |code: &'static str, message: String, span: Span| EventFailure::Limit {
        code,
        message,
        at: Span::point(span.line, span.column),
    };

    while let Some(next) = parser.next_event() {
        let (event, raw_span) = match next {
            Ok(pair) => pair,
            Err(error) => {
                let marker = error.marker();
                if error.info().contains("recursion limit") {
                    // The scanner looks ahead and meets its own depth guard first.
                    let at = Span::point(marker.line(), marker.col() + 1);
                    return (
                        map,
                        Some(limit("limit-depth", format!("nesting deeper than {} levels", limits.max_depth), at)),
                        rereads,
                    );
                }
                return (
                    map,
                    Some(EventFailure::Syntax {
                        message: error.info().to_owned(),
                        at: Span::point(marker.line(), marker.col() + 1),
                    }),
                    rereads,
                );
            }
        };
        let span = to_span(raw_span);
        let slot = match stack.last_mut() {
            None => Slot::Value { path: String::new(), step: None, key_span: None },
            Some(frame) if frame.is_map => match frame.pending_key.take() {
                None => Slot::Key,
                Some((key, key_span)) => Slot::Value {
                    path: join_key(&frame.path, &key),
                    key_span: Some(key_span),
                    step: Some(Step::Key(key)),
                },
            },
            Some(frame) => {
                let path = join_index(&frame.path, frame.next_index);
                Slot::Value { path, step: Some(Step::Index(frame.next_index)), key_span: None }
            }
        };
        // Completes a leaf node (scalar or alias) of `size` expanded nodes.
        let finish_leaf = |stack: &mut Vec<Frame>,
                           repeated_keys: &mut Vec<(String, Span)>,
                           slot: Slot,
                           key_text: Option<String>,
                           size: u64| {
            if let Some(parent) = stack.last_mut() {
                parent.expanded = parent.expanded.saturating_add(size);
                if (span.end_line, span.end_column) > (parent.span.end_line, parent.span.end_column) {
                    parent.span.end_line = span.end_line;
                    parent.span.end_column = span.end_column;
                }
                match slot {
                    Slot::Key => {
                        let key = key_text.unwrap_or_else(|| "?".to_owned());
                        // `<<` merge keys may repeat (each merges its own).
                        if key != "?" && key != "<<" && !parent.keys.insert(key.clone()) && parent.on_path {
                            repeated_keys.push((join_key(&parent.path, &key), span));
                        }
                        parent.pending_key = Some((key, span));
                    }
                    Slot::Value { .. } if !parent.is_map => parent.next_index += 1,
                    Slot::Value { .. } => {}
                }
            }
        };
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                if value.len() > limits.max_scalar_bytes {
                    return (
                        map,
                        Some(limit(
                            "limit-scalar-size",
                            format!(
                                "a scalar of {} bytes exceeds the limit of {} bytes",
                                value.len(),
                                limits.max_scalar_bytes
                            ),
                            span,
                        )),
                        rereads,
                    );
                }
                // go-yaml v2 knows no `\/` escape (docs/semantics/yaml.md §6). Only
                // a value with a `/` can have one.
                if style == ScalarStyle::DoubleQuoted
                    && value.contains('/')
                    && let Some(at) = slash_escape(text, &mut cursor, raw_span)
                {
                    return (map, Some(EventFailure::SlashEscape { at }), rereads);
                }
                if anchor != 0 {
                    // An anchor named again replaces the first (its reread is added below).
                    anchors.insert(anchor, (1, Vec::new()));
                }
                if let Slot::Value { path, step, key_span } = &slot {
                    map.insert(path.clone(), NodeSpan { key: *key_span, value: span });
                    if style == ScalarStyle::Plain && tag.is_none() {
                        let reading = yaml11::read_plain(&value);
                        if yaml11::needs_rereading(&value, reading)
                            && let Some(mut path) = trail(&stack)
                        {
                            path.extend(step.clone());
                            if let Some((_, own)) = anchors.get_mut(&anchor) {
                                own.push(Reread { path: Vec::new(), text: value.to_string(), reading });
                            }
                            rereads.push(Reread { path, text: value.to_string(), reading });
                        }
                    }
                }
                let key_text = matches!(slot, Slot::Key).then(|| value.into_owned());
                finish_leaf(&mut stack, repeated_keys, slot, key_text, 1);
            }
            Event::Alias(anchor) => {
                let size = anchors.get(&anchor).map_or(1, |a| a.0);
                alias_expansion = alias_expansion.saturating_add(size);
                if alias_expansion > limits.max_alias_expansion {
                    return (
                        map,
                        Some(limit(
                            "limit-alias-expansion",
                            format!(
                                "aliases expand to more than {} nodes (an alias bomb?)",
                                limits.max_alias_expansion
                            ),
                            span,
                        )),
                        rereads,
                    );
                }
                if let Slot::Value { path, step, key_span } = &slot {
                    map.insert(path.clone(), NodeSpan { key: *key_span, value: span });
                    if let (Some((_, copied)), Some(mut base)) = (anchors.get(&anchor), trail(&stack)) {
                        base.extend(step.clone());
                        for reread in copied {
                            let mut path = base.clone();
                            path.extend(reread.path.iter().cloned());
                            rereads.push(Reread { path, ..reread.clone() });
                        }
                    }
                }
                finish_leaf(&mut stack, repeated_keys, slot, None, size);
            }
            Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                if stack.len() >= limits.max_depth {
                    return (
                        map,
                        Some(limit("limit-depth", format!("nesting deeper than {} levels", limits.max_depth), span)),
                        rereads,
                    );
                }
                let is_map = matches!(event, Event::MappingStart(..));
                let parent_on_path = stack.last().is_none_or(|f| f.on_path);
                let (path, key_span, step, on_path) = match slot {
                    // A complex (collection) key: track it under a placeholder path.
                    Slot::Key => ("?".to_owned(), None, None, false),
                    Slot::Value { path, step, key_span } => (path, key_span, step, parent_on_path),
                };
                stack.push(Frame {
                    path,
                    is_map,
                    pending_key: None,
                    span,
                    key_span,
                    next_index: 0,
                    anchor,
                    expanded: 1,
                    step,
                    on_path,
                    rereads_from: rereads.len(),
                    keys: HashSet::new(),
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let Some(mut frame) = stack.pop() else { continue };
                if !raw_span.is_empty()
                    && (span.end_line, span.end_column) > (frame.span.end_line, frame.span.end_column)
                {
                    // Flow collections end at their closing bracket; block ones at their last child.
                    frame.span.end_line = span.end_line;
                    frame.span.end_column = span.end_column;
                }
                if frame.anchor != 0 {
                    // The rereads inside, relative to this collection.
                    let depth = stack.iter().filter(|f| f.step.is_some()).count() + usize::from(frame.step.is_some());
                    let inside: Vec<Reread> = rereads
                        .get(frame.rereads_from..)
                        .unwrap_or_default()
                        .iter()
                        .map(|r| Reread { path: r.path.get(depth..).unwrap_or_default().to_vec(), ..r.clone() })
                        .collect();
                    anchors.insert(frame.anchor, (frame.expanded, inside));
                }
                let was_key = frame.path == "?" && frame.key_span.is_none();
                if !was_key {
                    map.insert(frame.path.clone(), NodeSpan { key: frame.key_span, value: frame.span });
                }
                if let Some(parent) = stack.last_mut() {
                    parent.expanded = parent.expanded.saturating_add(frame.expanded);
                    if (frame.span.end_line, frame.span.end_column) > (parent.span.end_line, parent.span.end_column) {
                        parent.span.end_line = frame.span.end_line;
                        parent.span.end_column = frame.span.end_column;
                    }
                    if parent.is_map {
                        if was_key && parent.pending_key.is_none() {
                            parent.pending_key = Some(("?".to_owned(), frame.span));
                        }
                    } else {
                        parent.next_index += 1;
                    }
                }
            }
            // The first document is what kubectl reads (`...` then more: the
            // rest is never parsed, docs/semantics/yaml.md §8).
            Event::DocumentEnd => break,
            Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) | Event::Nothing => {}
        }
    }
    (map, None, rereads)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &str) -> SourceMap {
        let Scanned { source_map: map, failure, .. } = scan_document(text, &Limits::default());
        assert_eq!(failure, None);
        map
    }

    #[test]
    fn records_paths_with_key_and_value_spans() {
        let map = spans("kind: Pod\nspec:\n  containers:\n  - name: app\n    ports:\n    - containerPort: 80\n");
        let port = map.get("spec.containers[0].ports[0].containerPort").unwrap();
        assert_eq!(port.key.unwrap().line, 6);
        assert_eq!(port.key.unwrap().column, 7);
        assert_eq!(port.value.line, 6);
        assert_eq!(port.value.column, 22);
        let container = map.get("spec.containers[0]").unwrap();
        assert_eq!((container.value.line, container.value.end_line), (4, 6));
        assert_eq!(map.get("").unwrap().value.line, 1);
    }

    #[test]
    fn a_slash_escape_is_found_at_its_backslash_across_line_breaks() {
        let at = |text: &str| match scan_document(text, &Limits::default()).failure {
            Some(EventFailure::SlashEscape { at }) => Some((at.line, at.column)),
            _ => None,
        };
        // CR LF, a lone CR and an escaped line break each end a line; `é` is one column.
        assert_eq!(at("a: \"x\r\n  \\/\"\r\n"), Some((2, 3)));
        assert_eq!(at("a: \"x\r é\\/\"\n"), Some((2, 3)));
        assert_eq!(at("a: \"x \\\n  y \\/\"\n"), Some((2, 5)));
        assert_eq!(at("x: 1\n\"k\\/\": v\n"), Some((2, 3)));
        // An escaped backslash, then a slash; other escapes; other styles.
        assert_eq!(at("a: \"\\\\/ \\x2F \\\"/\"\n"), None);
        assert_eq!(at("a: '\\/'\nb: \\/\n"), None);
    }

    #[test]
    fn flow_collections_are_located() {
        let map = spans("a: {b: [1, 2], c: {}}\n");
        assert_eq!(map.get("a.b[1]").unwrap().value.column, 12);
        assert_eq!(map.get("a.c").unwrap().value.column, 19);
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = i - 1;
            text.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
        }
        let Scanned { failure, .. } = scan_document(&text, &Limits::default());
        assert!(matches!(failure, Some(EventFailure::Limit { code: "limit-alias-expansion", .. })), "{failure:?}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = "[".repeat(10_000);
        let Scanned { failure, .. } = scan_document(&text, &Limits::default());
        assert!(matches!(failure, Some(EventFailure::Limit { code: "limit-depth", .. })), "{failure:?}");
    }

    #[test]
    fn syntax_error_has_a_position() {
        let Scanned { failure, .. } = scan_document("a: 1\nb: [1, 2\nc: 3\n", &Limits::default());
        assert!(matches!(failure, Some(EventFailure::Syntax { .. })), "{failure:?}");
    }
}
