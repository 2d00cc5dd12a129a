//! Which keys of a [`Location`] each JSON contract prints.
//!
//! Data types hold a whole [`Location`]; serialised flat it gives
//! `file, doc, line, column, end_line, end_column, path`, the shape of a
//! diagnostic. Some contracts were written with fewer keys (an object's
//! `file, doc, line`; an explanation's `file, line, column, end_line, path`),
//! and they stay byte-identical: the holder names one of the shapes below with
//! `#[serde(serialize_with = …)]` (plus `flatten` where the keys sit inline).
//! Reading such a contract back gives empty values for the keys it lacks.

use serde::ser::{SerializeMap, Serializer};

use crate::source::Location;

#[derive(Clone, Copy)]
enum Key {
    File,
    Doc,
    Line,
    Column,
    EndLine,
    Path,
}

fn keys<S: Serializer>(location: &Location, keys: &[Key], serializer: S) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(keys.len()))?;
    for key in keys {
        match key {
            Key::File => map.serialize_entry("file", &location.file)?,
            Key::Doc => map.serialize_entry("doc", &location.doc)?,
            Key::Line => map.serialize_entry("line", &location.span.line)?,
            Key::Column => map.serialize_entry("column", &location.span.column)?,
            Key::EndLine => map.serialize_entry("end_line", &location.span.end_line)?,
            Key::Path => map.serialize_entry("path", &location.path)?,
        }
    }
    map.end()
}

/// `file, doc, line`: where an object starts (analyze `objects[]`,
/// `security.workloads[]`).
pub fn object_start<S: Serializer>(location: &Location, serializer: S) -> Result<S::Ok, S::Error> {
    keys(location, &[Key::File, Key::Doc, Key::Line], serializer)
}

/// `file, line`: analyze `security.psp_policies[]`.
pub fn file_line<S: Serializer>(location: &Location, serializer: S) -> Result<S::Ok, S::Error> {
    keys(location, &[Key::File, Key::Line], serializer)
}

/// `file, doc, line, column`: a `kubeplay check` finding.
pub fn check_finding<S: Serializer>(location: &Location, serializer: S) -> Result<S::Ok, S::Error> {
    keys(location, &[Key::File, Key::Doc, Key::Line, Key::Column], serializer)
}

/// `{file, line, column, end_line, path}`: a policy, rule or Service in an
/// explanation (`explain`), as a nested object.
pub fn explanation<S: Serializer>(location: &Location, serializer: S) -> Result<S::Ok, S::Error> {
    keys(location, &[Key::File, Key::Line, Key::Column, Key::EndLine, Key::Path], serializer)
}
