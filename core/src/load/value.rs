//! A YAML document read into a `serde_yaml::Value` as go-yaml reads it: a key
//! given twice in a mapping keeps its last value. serde_yaml refuses the
//! document instead ("duplicate entry with key"); kubectl (go-yaml v2 through
//! sigs.k8s.io/yaml, not strict) and the API server take the last one, and
//! the event pass warns about each repeat (docs/semantics/yaml.md §10).

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};
use serde_yaml::value::{Tag, TaggedValue};
use serde_yaml::{Mapping, Value};

/// A `Value` whose mappings keep the last of repeated keys.
pub struct LastKeyWins(pub Value);

impl<'de> Deserialize<'de> for LastKeyWins {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor).map(LastKeyWins)
    }
}

/// A `<<` value as the list of what it merges.
fn merge_list(value: Value) -> Vec<Value> {
    match value {
        Value::Sequence(items) => items,
        other => vec![other],
    }
}

/// serde_yaml's own value visitor (`value/de.rs`), but for mappings.
struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E: de::Error>(self, i: i64) -> Result<Value, E> {
        Ok(Value::Number(i.into()))
    }

    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Value, E> {
        Ok(Value::Number(u.into()))
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Value, E> {
        Ok(Value::Number(f.into()))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Value, A::Error> {
        let mut sequence = Vec::with_capacity(items.size_hint().unwrap_or(0).min(4096));
        while let Some(LastKeyWins(item)) = items.next_element()? {
            sequence.push(item);
        }
        Ok(Value::Sequence(sequence))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Value, A::Error> {
        let mut mapping = Mapping::new();
        while let Some((LastKeyWins(key), LastKeyWins(value))) = entries.next_entry()? {
            let value = match mapping.get_mut(&key) {
                // Every `<<` merges, a later one over an earlier (go-yaml v2's
                // `decoder.merge`): as one `<<` list, where the first wins,
                // the later one's mappings come first.
                Some(Value::Sequence(earlier)) if key.as_str() == Some("<<") => {
                    let mut merged = merge_list(value);
                    merged.append(earlier);
                    Value::Sequence(merged)
                }
                Some(earlier) if key.as_str() == Some("<<") => {
                    let mut merged = merge_list(value);
                    merged.push(std::mem::take(earlier));
                    Value::Sequence(merged)
                }
                // Otherwise the first occurrence keeps its place, the last its value.
                _ => value,
            };
            mapping.insert(key, value);
        }
        Ok(Value::Mapping(mapping))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        let (tag, contents): (String, _) = data.variant()?;
        if tag.is_empty() {
            // serde_yaml's `TagStringVisitor` refuses it too (and `Tag::new` would panic).
            return Err(de::Error::custom("empty YAML tag is not allowed"));
        }
        let LastKeyWins(value) = contents.newtype_variant()?;
        Ok(Value::Tagged(Box::new(TaggedValue { tag: Tag::new(tag), value })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Value {
        let mut value = serde_yaml::from_str::<LastKeyWins>(text).map(|read| read.0).unwrap();
        value.apply_merge().unwrap();
        value
    }

    #[test]
    fn a_repeated_key_keeps_its_last_value_in_its_first_place() {
        let value = read("a: 1\nb: 2\na: 3\n");
        let keys: Vec<_> = value.as_mapping().unwrap().keys().filter_map(Value::as_str).collect();
        assert_eq!(keys, ["a", "b"]);
        assert_eq!(value["a"], Value::from(3));
    }

    #[test]
    fn every_merge_key_merges_a_later_one_over_an_earlier() {
        let value = read("<<: {a: 1, c: first}\n<<: [{b: 2}, {c: second}]\nd: 4\n");
        assert_eq!(value, serde_yaml::from_str::<Value>("{a: 1, b: 2, c: second, d: 4}").unwrap());
        let value = read("<<: {a: 1}\n<<: {a: 2}\n");
        assert_eq!(value["a"], Value::from(2));
    }

    #[test]
    fn reads_what_serde_yaml_reads_otherwise() {
        let text = "a: [1, -2, 1.5, x, null, true, !tag {b: c}]\n'k': ~\n";
        assert_eq!(serde_yaml::from_str::<LastKeyWins>(text).unwrap().0, serde_yaml::from_str::<Value>(text).unwrap());
    }
}
