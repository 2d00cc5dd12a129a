//! Typed reading of a `serde_yaml::Value` that names the field a type error
//! is at (`spec.containers[0].ports[1].containerPort`).
//!
//! One layer: a deserializer over `&Value` that carries its path, in place of
//! serde_yaml's value deserializer wrapped in serde_path_to_error. The wrapper
//! instantiated a forwarding visitor and map and sequence accessors for every
//! Kubernetes type's visitor, about 35 KB brotli of the page
//! (`docs/performance.md`). What it reads, and every error text, is serde_yaml
//! 0.9's `impl Deserializer for &Value` (`src/value/de.rs`, `tagged.rs`); the
//! path is serde_path_to_error 0.1's: the deepest failing field wins, a key
//! that is not a string is `?`, an enum's variant is a segment, `Some` and
//! newtypes add none. The contracts print both, so both are kept as they were.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

use serde::Deserializer;
use serde::de::value::{BorrowedStrDeserializer, StrDeserializer};
use serde::de::{
    Deserialize, DeserializeSeed, EnumAccess, Error as _, Expected, MapAccess, SeqAccess, Unexpected, VariantAccess,
    Visitor,
};
use serde_yaml::value::TaggedValue;
use serde_yaml::{Error, Mapping, Value};

/// A type error and the field it is at.
#[derive(Debug)]
pub struct TypedError {
    pub path: Path,
    pub error: Error,
}

/// Where in the value a type error is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Path {
    pub segments: Vec<Segment>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Segment {
    Seq {
        index: usize,
    },
    Map {
        key: String,
    },
    Enum {
        variant: String,
    },
    /// A mapping key that is not a string.
    Unknown,
}

impl fmt::Display for Path {
    /// `.` for the root, then keys joined by `.`, indexes as `[i]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.segments.is_empty() {
            return f.write_str(".");
        }
        let mut separator = "";
        for segment in &self.segments {
            match segment {
                Segment::Seq { index } => write!(f, "[{index}]")?,
                Segment::Map { key } | Segment::Enum { variant: key } => write!(f, "{separator}{key}")?,
                Segment::Unknown => write!(f, "{separator}?")?,
            }
            separator = ".";
        }
        Ok(())
    }
}

/// Reads `value` with `read` (a type's `deserialize`, given the path-keeping
/// deserializer), naming the field of the first type error.
pub fn read<'de, T>(
    value: &'de Value,
    read: impl FnOnce(Reader<'de, '_>) -> Result<T, Error>,
) -> Result<T, TypedError> {
    let track = Track { path: Cell::new(None) };
    let reader = Reader { value, chain: &Chain::Root, track: &track };
    read(reader).map_err(|error| TypedError { path: track.path.take().unwrap_or_default(), error })
}

/// The path to the value being read, on the stack: a step per level.
enum Chain<'c> {
    Root,
    Seq {
        parent: &'c Chain<'c>,
        index: usize,
    },
    /// `None`: a key that is not a string.
    Map {
        parent: &'c Chain<'c>,
        key: Option<&'c str>,
    },
    Enum {
        parent: &'c Chain<'c>,
        variant: &'c str,
    },
}

/// The path of the first (deepest) failure; the levels it passes on the way
/// out leave it as it is.
struct Track {
    path: Cell<Option<Path>>,
}

impl Track {
    fn fail(&self, chain: &Chain<'_>, error: Error) -> Error {
        let path = match self.path.take() {
            Some(path) => path,
            None => {
                let mut segments = Vec::new();
                let mut step = chain;
                loop {
                    step = match step {
                        Chain::Root => break,
                        Chain::Seq { parent, index } => {
                            segments.push(Segment::Seq { index: *index });
                            parent
                        }
                        Chain::Map { parent, key } => {
                            segments.push(key.map_or(Segment::Unknown, |key| Segment::Map { key: key.to_owned() }));
                            parent
                        }
                        Chain::Enum { parent, variant } => {
                            segments.push(Segment::Enum { variant: (*variant).to_owned() });
                            parent
                        }
                    };
                }
                segments.reverse();
                Path { segments }
            }
        };
        self.path.set(Some(path));
        error
    }
}

fn untag(mut value: &Value) -> &Value {
    while let Value::Tagged(tagged) = value {
        value = &tagged.value;
    }
    value
}

#[cold]
fn invalid_type(value: &Value, expected: &dyn Expected) -> Error {
    let unexpected = match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Unexpected::Unsigned(u),
            (None, Some(i)) => Unexpected::Signed(i),
            (None, None) => Unexpected::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Sequence(_) => Unexpected::Seq,
        Value::Mapping(_) => Unexpected::Map,
        Value::Tagged(_) => Unexpected::Enum,
    };
    Error::invalid_type(unexpected, expected)
}

/// A tag as serde_yaml names the variant: without its leading `!`.
fn variant_name(tagged: &TaggedValue) -> String {
    let tag = tagged.tag.to_string();
    tag.strip_prefix('!').map(str::to_owned).unwrap_or(tag)
}

/// The key as the path names it: a string key (through tags), else unknown.
fn key_name(key: &Value) -> Option<&str> {
    match untag(key) {
        Value::String(key) => Some(key),
        _ => None,
    }
}

/// The path-keeping deserializer for one value. Its own failures are given
/// their path by whoever made it (a sequence, a mapping, an enum's variant or
/// [`read`]), which knows the chain too: one place per level instead of one
/// per method and visitor type, and less code in the page.
pub struct Reader<'de, 'c> {
    value: &'de Value,
    chain: &'c Chain<'c>,
    track: &'c Track,
}

impl<'de, 'c> Reader<'de, 'c> {
    fn number<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match untag(self.value) {
            Value::Number(n) => n.deserialize_any(visitor),
            other => Err(invalid_type(other, &visitor)),
        }
    }

    fn string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match untag(self.value) {
            Value::String(s) => visitor.visit_borrowed_str(s),
            other => Err(invalid_type(other, &visitor)),
        }
    }

    fn sequence<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        static EMPTY: Vec<Value> = Vec::new();
        match untag(self.value) {
            Value::Sequence(items) => visit_sequence(items, self.chain, self.track, visitor),
            Value::Null => visit_sequence(&EMPTY, self.chain, self.track, visitor),
            other => Err(invalid_type(other, &visitor)),
        }
    }

    fn mapping<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match untag(self.value) {
            Value::Mapping(entries) => visit_mapping(entries, self.chain, self.track, visitor),
            Value::Null => {
                visitor.visit_map(&mut MapReader { entries: None, pending: None, chain: self.chain, track: self.track })
            }
            other => Err(invalid_type(other, &visitor)),
        }
    }

    fn unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            other => Err(invalid_type(other, &visitor)),
        }
    }
}

/// A sequence all of whose items the visitor must take.
fn visit_sequence<'de, V: Visitor<'de>>(
    items: &'de [Value],
    chain: &Chain<'_>,
    track: &Track,
    visitor: V,
) -> Result<V::Value, Error> {
    let mut reader = SeqReader { items: items.iter(), index: 0, chain, track };
    let out = visitor.visit_seq(&mut reader)?;
    match reader.items.len() {
        0 => Ok(out),
        _ => Err(Error::invalid_length(items.len(), &"fewer elements in sequence")),
    }
}

/// A mapping all of whose entries the visitor must take.
fn visit_mapping<'de, V: Visitor<'de>>(
    entries: &'de Mapping,
    chain: &Chain<'_>,
    track: &Track,
    visitor: V,
) -> Result<V::Value, Error> {
    let mut reader = MapReader { entries: Some(entries.iter()), pending: None, chain, track };
    let out = visitor.visit_map(&mut reader)?;
    match reader.entries.map_or(0, |rest| rest.len()) {
        0 => Ok(out),
        _ => Err(Error::invalid_length(entries.len(), &"fewer elements in map")),
    }
}

impl<'de, 'c> Deserializer<'de> for Reader<'de, 'c> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let (chain, track) = (self.chain, self.track);
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => n.deserialize_any(visitor),
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Sequence(items) => visit_sequence(items, chain, track, visitor),
            Value::Mapping(entries) => visit_mapping(entries, chain, track, visitor),
            Value::Tagged(tagged) => visitor.visit_enum(EnumReader {
                variant: Cow::Owned(variant_name(tagged)),
                value: Some(&tagged.value),
                chain,
                track,
            }),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match untag(self.value) {
            Value::Bool(b) => visitor.visit_bool(*b),
            other => Err(invalid_type(other, &visitor)),
        }
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }
    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }
    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }
    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }
    fn deserialize_i128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }
    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }
    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }
    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }
    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }
    fn deserialize_u128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }
    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }
    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.string(visitor)
    }
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.string(visitor)
    }
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.string(visitor)
    }
    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.string(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let (chain, track) = (self.chain, self.track);
        match untag(self.value) {
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Sequence(items) => visit_sequence(items, chain, track, visitor),
            other => Err(invalid_type(other, &visitor)),
        }
    }
    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.unit(visitor)
    }
    fn deserialize_unit_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, Error> {
        self.unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, Error> {
        // Not serde_yaml's: `metav1.Time` and `MicroTime` are read as the API
        // server reads them, and jiff gets the instant written canonically
        // (`go_time`, docs/semantics/yaml.md §11).
        if let (Some(layout), Value::String(text)) = (super::go_time::Layout::of(name), untag(self.value)) {
            let canonical = super::go_time::canonical(layout, text).map_err(Error::custom)?;
            return visitor.visit_newtype_struct(StrDeserializer::<Error>::new(&canonical));
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.sequence(visitor)
    }
    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.sequence(visitor)
    }
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.sequence(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.mapping(visitor)
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.mapping(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let (chain, track) = (self.chain, self.track);
        let access = match self.value {
            Value::Tagged(tagged) => {
                EnumReader { variant: Cow::Owned(variant_name(tagged)), value: Some(&tagged.value), chain, track }
            }
            Value::String(variant) => EnumReader { variant: Cow::Borrowed(variant), value: None, chain, track },
            other => return Err(invalid_type(other, &"a Value::Tagged enum")),
        };
        visitor.visit_enum(access)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

struct SeqReader<'de, 'c> {
    items: std::slice::Iter<'de, Value>,
    index: usize,
    chain: &'c Chain<'c>,
    track: &'c Track,
}

impl<'de> SeqAccess<'de> for SeqReader<'de, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        let Some(value) = self.items.next() else { return Ok(None) };
        let chain = Chain::Seq { parent: self.chain, index: self.index };
        self.index += 1;
        let track = self.track;
        seed.deserialize(Reader { value, chain: &chain, track }).map(Some).map_err(|e| track.fail(&chain, e))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapReader<'de, 'c> {
    /// `None`: a `null` read as an empty mapping.
    entries: Option<serde_yaml::mapping::Iter<'de>>,
    /// The entry whose key was read and whose value was not yet.
    pending: Option<(&'de Value, &'de Value)>,
    chain: &'c Chain<'c>,
    track: &'c Track,
}

impl<'de> MapAccess<'de> for MapReader<'de, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.entries.as_mut().and_then(Iterator::next) else { return Ok(None) };
        self.pending = Some((key, value));
        // The key itself is read without a path below it, as a key is one step.
        let track = self.track;
        seed.deserialize(key)
            .map(Some)
            .map_err(|e| track.fail(&Chain::Map { parent: self.chain, key: key_name(key) }, e))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some((key, value)) = self.pending.take() else {
            return Err(Error::custom("a mapping value was read before its key"));
        };
        let chain = Chain::Map { parent: self.chain, key: key_name(key) };
        let track = self.track;
        seed.deserialize(Reader { value, chain: &chain, track }).map_err(|e| track.fail(&chain, e))
    }

    fn size_hint(&self) -> Option<usize> {
        self.entries.as_ref().map(ExactSizeIterator::len)
    }
}

/// An enum: `!Variant value` (a tagged value) or `Variant` (a string). A
/// tag's name is made for the reader; a string's is borrowed.
struct EnumReader<'de, 'c> {
    variant: Cow<'de, str>,
    value: Option<&'de Value>,
    chain: &'c Chain<'c>,
    track: &'c Track,
}

impl<'de, 'c> EnumAccess<'de> for EnumReader<'de, 'c> {
    type Error = Error;
    type Variant = VariantReader<'de, 'c>;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Self::Variant), Error> {
        let variant = match &self.variant {
            Cow::Borrowed(name) => seed.deserialize(BorrowedStrDeserializer::<Error>::new(name))?,
            Cow::Owned(name) => seed.deserialize(StrDeserializer::<Error>::new(name))?,
        };
        Ok((variant, VariantReader { name: self.variant, value: self.value, parent: self.chain, track: self.track }))
    }
}

struct VariantReader<'de, 'c> {
    name: Cow<'de, str>,
    value: Option<&'de Value>,
    parent: &'c Chain<'c>,
    track: &'c Track,
}

impl<'de> VariantAccess<'de> for VariantReader<'de, '_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        let chain = Chain::Enum { parent: self.parent, variant: &self.name };
        match self.value {
            Some(value) => <()>::deserialize(value).map_err(|e| self.track.fail(&chain, e)),
            None => Ok(()),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        let chain = Chain::Enum { parent: self.parent, variant: &self.name };
        let track = self.track;
        let result = match self.value {
            Some(value) => seed.deserialize(Reader { value, chain: &chain, track }),
            None => Err(Error::invalid_type(Unexpected::UnitVariant, &"newtype variant")),
        };
        result.map_err(|e| track.fail(&chain, e))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        let chain = Chain::Enum { parent: self.parent, variant: &self.name };
        let track = self.track;
        let result = match self.value {
            // serde_yaml reads an empty sequence here as a unit.
            Some(Value::Sequence(items)) if items.is_empty() => visitor.visit_unit(),
            Some(Value::Sequence(items)) => visit_sequence(items, &chain, track, visitor),
            Some(other) => Err(invalid_type(other, &"tuple variant")),
            None => Err(Error::invalid_type(Unexpected::UnitVariant, &"tuple variant")),
        };
        result.map_err(|e| track.fail(&chain, e))
    }

    fn struct_variant<V: Visitor<'de>>(self, _fields: &'static [&'static str], visitor: V) -> Result<V::Value, Error> {
        let chain = Chain::Enum { parent: self.parent, variant: &self.name };
        let track = self.track;
        let result = match self.value {
            // serde_yaml does not check here that every entry was taken.
            Some(Value::Mapping(entries)) => {
                visitor.visit_map(&mut MapReader { entries: Some(entries.iter()), pending: None, chain: &chain, track })
            }
            Some(other) => Err(invalid_type(other, &"struct variant")),
            None => Err(Error::invalid_type(Unexpected::UnitVariant, &"struct variant")),
        };
        result.map_err(|e| track.fail(&chain, e))
    }
}

#[cfg(test)]
mod tests {
    //! The deserializer against what it replaces, serde_yaml's value
    //! deserializer wrapped in serde_path_to_error: every manifest in the
    //! repository, each mutated many times (a node replaced by a value of
    //! another shape, a key that is not a string added), must read the same
    //! object or fail with the same path and the same message; a time (a
    //! `metav1.Time` or `MicroTime`) is the one exception, read as the API
    //! server reads it (`go_time`).
    use std::path::Path as FsPath;

    use super::*;
    use crate::model::{Kind, Object};

    type Outcome = Result<(Object, serde_json::Value), (String, String)>;

    fn before(kind: Kind, value: &Value) -> Outcome {
        let mut track = serde_path_to_error::Track::new();
        let reader = serde_path_to_error::Deserializer::new(value.clone(), &mut track);
        Object::deserialize(kind, reader).map_err(|e| (track.path().to_string(), e.to_string()))
    }

    fn after(kind: Kind, value: &Value) -> Outcome {
        read(value, |reader| Object::deserialize(kind, reader)).map_err(|e| (e.path.to_string(), e.error.to_string()))
    }

    fn manifests(dir: &FsPath, out: &mut Vec<(Kind, Value)>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if !path.ends_with("target") && !path.ends_with("node_modules") && !path.ends_with(".git") {
                    manifests(&path, out);
                }
            } else if path.ends_with("load/times.yaml") {
                // The times jiff and Go read differently, on purpose (`go_time`).
                continue;
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                let Ok(text) = std::fs::read_to_string(&path) else { continue };
                for document in serde_yaml::Deserializer::from_str(&text) {
                    let Ok(value) = Value::deserialize(document) else { break };
                    let kind = value.get("kind").and_then(Value::as_str).and_then(Kind::from_name);
                    if let Some(kind) = kind {
                        out.push((kind, value));
                    }
                }
            }
        }
    }

    /// xorshift64*: the same mutations on every run.
    struct Dice(u64);
    impl Dice {
        fn next(&mut self, below: usize) -> usize {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % below.max(1)
        }
    }

    fn alien(dice: &mut Dice) -> Value {
        let tagged = |tag: &str, value: Value| {
            Value::Tagged(Box::new(TaggedValue { tag: serde_yaml::value::Tag::new(tag), value }))
        };
        let mut odd_keys = Mapping::new();
        odd_keys.insert(Value::Null, Value::from(1));
        let mut one = Mapping::new();
        one.insert(Value::from("a"), Value::from("b"));
        match dice.next(16) {
            0 => Value::Null,
            1 => Value::Bool(true),
            2 => Value::from(5),
            3 => Value::from(-3),
            4 => Value::from(1.5),
            5 => Value::from("x"),
            6 => Value::from("80"),
            7 => Value::Sequence(vec![]),
            8 => Value::Sequence(vec![Value::Null, Value::from("y")]),
            9 => Value::Mapping(Mapping::new()),
            10 => Value::Mapping(odd_keys),
            11 => Value::Mapping(one),
            12 => tagged("Foo", Value::from("x")),
            13 => tagged("!Bar", Value::Mapping(Mapping::new())),
            14 => Value::from(u64::MAX),
            _ => Value::from("100m"),
        }
    }

    /// Replaces a node found by a random walk, or adds an odd key on the way.
    fn mutate(node: &mut Value, dice: &mut Dice) {
        let stop = dice.next(4) == 0;
        match node {
            Value::Mapping(map) if !map.is_empty() && !stop => {
                if dice.next(12) == 0 {
                    let key = match dice.next(3) {
                        0 => Value::Null,
                        1 => Value::Sequence(vec![]),
                        _ => Value::from("unknownField"),
                    };
                    map.insert(key, alien(dice));
                } else {
                    let index = dice.next(map.len());
                    if let Some((_, next)) = map.iter_mut().nth(index) {
                        mutate(next, dice);
                    }
                }
            }
            Value::Sequence(items) if !items.is_empty() && !stop => {
                let index = dice.next(items.len());
                mutate(&mut items[index], dice);
            }
            _ => *node = alien(dice),
        }
    }

    #[test]
    fn reads_as_serde_yaml_with_serde_path_to_error_did() {
        let root = FsPath::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut corpus = Vec::new();
        manifests(&root, &mut corpus);
        assert!(corpus.len() > 300, "{} manifests", corpus.len());
        let mut dice = Dice(0x9E37_79B9_7F4A_7C15);
        let (mut failures, mut compared) = (0, 0);
        for (kind, value) in &corpus {
            assert_eq!(before(*kind, value), after(*kind, value), "{kind} unmutated: {value:?}");
            for _ in 0..40 {
                let mut mutated = value.clone();
                for _ in 0..=dice.next(3) {
                    mutate(&mut mutated, &mut dice);
                }
                let (old, new) = (before(*kind, &mutated), after(*kind, &mutated));
                failures += usize::from(old.is_err());
                compared += 1;
                // Times are read as the API server reads them (`go_time`), not
                // as jiff does: where the new reader refuses one, the old one
                // read it or refused it at the same field in jiff's words.
                if let Err((path, message)) = &new
                    && message.starts_with("parsing time ")
                {
                    if let Err((old_path, _)) = &old {
                        assert_eq!(old_path, path, "{kind}: {mutated:?}");
                    }
                    continue;
                }
                assert_eq!(old, new, "{kind}: {mutated:?}");
            }
        }
        // The mutations must reach errors, and not only errors.
        assert!(failures > compared / 4 && failures < compared, "{failures} of {compared} failed");
    }
}
