//! Loading: named texts in, an [`Inventory`] of typed objects plus diagnostics out.
//!
//! This is the only module that touches serde_yaml (deprecated upstream, still the
//! chosen parser), so the parser can be swapped here alone. Each document goes
//! through three steps:
//! 1. [`events::scan_document`] — span-aware events → source map, input limits;
//! 2. serde_yaml → `serde_yaml::Value` (syntax errors with line and column);
//! 3. typed deserialization through k8s-openapi, with [`typed`]'s deserializer
//!    naming the field that does not fit (a `null` where Go keeps a zero value gets
//!    that value, [`nulls`]); serialising the typed object again and
//!    comparing finds unknown fields (what `kubectl --validate=strict` rejects).

mod events;
mod go_time;
mod nulls;
mod split;
mod typed;
mod validate;
mod value;
mod yaml;
mod yaml11;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use serde_yaml::Value;

use crate::diagnostic::{Area, Diagnostic, Severity};
use crate::model::{DEFAULT_NAMESPACE, Inventory, Kind, Loaded, NAMESPACE_NAME_LABEL, NamespaceInfo, Object};
use crate::source::{Location, Origin, SourceMap, Span, join_index};

pub use split::{RawDocument, split_documents};
pub use validate::NameRule;
pub use yaml::{YamlError, from_yaml, to_yaml};

/// The older HPA version the API server still serves (converted, `hpa.md §2.2`).
const HPA_V1: &str = "autoscaling/v1";

/// How many `\'` escapes one document may have rewritten: each is a parse
/// of the document again, so a hostile one stops here with libyaml's error.
const MAX_QUOTE_ESCAPES: usize = 64;
type HpaV1 = k8s_openapi::api::autoscaling::v1::HorizontalPodAutoscaler;

/// One named input text (a file, stdin, or the editor). Bytes, so that invalid
/// UTF-8 is reported with its position rather than refused wholesale.
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

impl<'a> Input<'a> {
    pub fn new(name: &'a str, text: &'a str) -> Self {
        Input { name, bytes: text.as_bytes() }
    }
}

/// Input limits. Each one answers with a diagnostic, never a panic or a hang;
/// documented in `docs/limits.md` and tested one by one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// All inputs together.
    pub max_total_bytes: usize,
    /// Documents across all inputs; later ones are skipped with one diagnostic.
    pub max_documents: usize,
    /// Nesting of mappings and sequences (Kubernetes objects need about 20).
    pub max_depth: usize,
    /// One scalar; the API server refuses objects over 1.5 MiB anyway.
    pub max_scalar_bytes: usize,
    /// Nodes that aliases may add when expanded ("billion laughs").
    pub max_alias_expansion: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_total_bytes: 256 * 1024 * 1024,
            max_documents: 50_000,
            max_depth: 100,
            max_scalar_bytes: 2 * 1024 * 1024,
            max_alias_expansion: 100_000,
        }
    }
}

/// The result of loading: analysis never fails, it returns what loaded plus diagnostics.
#[derive(Clone, Debug, Default)]
pub struct Loading {
    pub inventory: Inventory,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn load(inputs: &[Input<'_>]) -> Loading {
    load_with_limits(inputs, &Limits::default())
}

pub fn load_with_limits(inputs: &[Input<'_>], limits: &Limits) -> Loading {
    let mut loader =
        Loader { limits, diagnostics: Vec::new(), objects: Vec::new(), documents: 0, bytes: 0, rereads: Vec::new() };
    for input in inputs {
        loader.load_file(input);
    }
    let Loader { mut diagnostics, objects, .. } = loader;
    let objects = validate::deduplicate(objects, &mut diagnostics);
    let namespaces = collect_namespaces(&objects);
    Loading { inventory: Inventory { objects, namespaces }, diagnostics }
}

struct Loader<'l> {
    limits: &'l Limits,
    diagnostics: Vec<Diagnostic>,
    objects: Vec<Loaded>,
    documents: usize,
    bytes: usize,
    /// The current document's scalars read as kubectl reads them (YAML 1.1),
    /// by path, so a type error on one can say why.
    rereads: Vec<(String, yaml11::Reread)>,
}

/// One document being loaded: file name, number, and where its first line is.
struct DocContext<'a> {
    file: &'a str,
    doc: usize,
    first_line: usize,
}

impl DocContext<'_> {
    /// A document-relative line becomes a file line.
    fn span(&self, line: usize, column: usize) -> Span {
        Span::point(line + self.first_line - 1, column)
    }

    fn diagnostic(
        &self,
        severity: Severity,
        code: &str,
        message: impl Into<String>,
        span: Span,
        path: Option<String>,
    ) -> Diagnostic {
        Diagnostic::new(Area::Input, severity, code, message, Location::new(self.file, self.doc, span, path))
    }
}

impl Loader<'_> {
    fn load_file(&mut self, input: &Input<'_>) {
        self.bytes = self.bytes.saturating_add(input.bytes.len());
        if self.bytes > self.limits.max_total_bytes {
            self.diagnostics.push(Diagnostic::new(
                Area::Input,
                Severity::Error,
                "limit-input-size",
                format!(
                    "input is larger than the limit of {} MiB; this file was not loaded",
                    self.limits.max_total_bytes / (1024 * 1024)
                ),
                Location::new(input.name, 0, Span::point(1, 1), None),
            ));
            return;
        }
        let mut doc_number = 0;
        for raw in split_documents(input.bytes) {
            if raw.is_blank() {
                continue;
            }
            doc_number += 1;
            self.documents += 1;
            if self.documents > self.limits.max_documents {
                self.diagnostics.push(Diagnostic::new(
                    Area::Input,
                    Severity::Error,
                    "limit-documents",
                    format!(
                        "more than {} documents; this one and the rest of the file were not loaded",
                        self.limits.max_documents
                    ),
                    Location::new(input.name, doc_number, Span::point(raw.first_line, 1), None),
                ));
                return;
            }
            let ctx = DocContext { file: input.name, doc: doc_number, first_line: raw.first_line };
            self.load_document(&ctx, &raw);
        }
    }

    fn load_document(&mut self, ctx: &DocContext<'_>, raw: &RawDocument<'_>) {
        if let Some(rest) = &raw.bad_separator {
            self.diagnostics.push(ctx.diagnostic(
                Severity::Error,
                "invalid-document-separator",
                format!("only a comment may follow `---` on a separator line, found `{rest}` (kubectl rejects this)"),
                Span::point(ctx.first_line.saturating_sub(1).max(1), 4),
                None,
            ));
        }
        let text = match std::str::from_utf8(raw.bytes) {
            // kubectl reads files through a BOM-stripping decoder
            // (`unicode.BOMOverride` in k8s.io/cli-runtime's FileVisitor), so
            // a UTF-8 byte order mark at the start of a file is no content.
            Ok(text) if raw.first_line == 1 => text.strip_prefix('\u{feff}').unwrap_or(text),
            Ok(text) => text,
            Err(error) => {
                let (line, column) = split::line_column(raw.bytes, error.valid_up_to());
                self.diagnostics.push(ctx.diagnostic(
                    Severity::Error,
                    "invalid-utf8",
                    "the document is not valid UTF-8 (YAML and JSON must be UTF-8); it was not loaded",
                    ctx.span(line, column),
                    None,
                ));
                return;
            }
        };
        if let Some(offset) = oversized_scalar_run(raw.bytes, self.limits.max_scalar_bytes) {
            let (line, column) = split::line_column(raw.bytes, offset);
            self.diagnostics.push(ctx.diagnostic(
                Severity::Error,
                "limit-scalar-size",
                format!(
                    "a scalar longer than the limit of {} bytes; the document was not loaded",
                    self.limits.max_scalar_bytes
                ),
                ctx.span(line, column),
                None,
            ));
            return;
        }
        let events::Scanned { mut source_map, failure, mut rereads, mut repeated_keys } =
            events::scan_document(text, self.limits);
        match failure {
            Some(events::EventFailure::Limit { code, message, at }) => {
                self.diagnostics.push(ctx.diagnostic(
                    Severity::Error,
                    code,
                    format!("{message}; the document was not loaded"),
                    ctx.span(at.line, at.column),
                    None,
                ));
                return;
            }
            Some(events::EventFailure::SlashEscape { at }) => {
                self.diagnostics.push(slash_escape(ctx, at));
                return;
            }
            // serde_yaml is the parser of record; its error is reported below.
            Some(events::EventFailure::Syntax { .. }) | None => {}
        }
        // go-yaml, which kubectl and the API server parse with, reads `\'` in a
        // double-quoted scalar as `'`; libyaml refuses it as an unknown escape.
        // Each one libyaml stops at becomes the equivalent `\x27` and the
        // document is parsed again (docs/semantics/yaml.md §6).
        let mut patched: Option<String> = None;
        let mut escapes: Vec<(usize, usize)> = Vec::new();
        // Whether the text goes on after a `...` document end marker.
        let mut ended_early = false;
        let parsed = loop {
            let source = patched.as_deref().unwrap_or(text);
            match serde_yaml::from_str::<value::LastKeyWins>(source).map(|read| read.0) {
                // kubectl hands go-yaml the text between two `---` lines, and
                // go-yaml's Unmarshal reads its first document only
                // (docs/semantics/yaml.md §8).
                Err(error)
                    if error.to_string().starts_with("deserializing from YAML containing more than one document") =>
                {
                    ended_early = true;
                    break serde_yaml::Deserializer::from_str(source)
                        .next()
                        .map_or(Ok(Value::Null), |first| value::LastKeyWins::deserialize(first).map(|read| read.0));
                }
                Err(error)
                    if escapes.len() < MAX_QUOTE_ESCAPES
                        && error.to_string().starts_with("found unknown escape character") =>
                {
                    // `get`: an index off a character boundary is no escape.
                    let escape =
                        |l: &serde_yaml::Location| source.get(l.index()..).is_some_and(|s| s.starts_with("\\'"));
                    let Some(at) = error.location().filter(escape) else {
                        break Err(error);
                    };
                    let mut rewritten = source.to_owned();
                    rewritten.replace_range(at.index()..at.index() + 2, "\\x27");
                    escapes.push((at.line(), at.column()));
                    patched = Some(rewritten);
                }
                parsed => break parsed,
            }
        };
        // Columns in the patched text back to those the user wrote: two fewer
        // after each rewritten escape on the line.
        let before = |line: usize, column: usize| 2 * escapes.iter().filter(|&&(l, c)| l == line && c < column).count();
        if let Some(patched) = patched.as_deref().filter(|_| parsed.is_ok()) {
            // The spans must be those of the patched text's nodes.
            let rescanned = events::scan_document(patched, self.limits);
            if let Some(events::EventFailure::SlashEscape { at }) = rescanned.failure {
                let at = Span::point(at.line, at.column.saturating_sub(before(at.line, at.column)));
                self.diagnostics.push(slash_escape(ctx, at));
                return;
            }
            source_map = rescanned.source_map;
            rereads = rescanned.rereads;
            repeated_keys = rescanned.repeated_keys;
            for (_, span) in &mut repeated_keys {
                span.column -= before(span.line, span.column);
            }
            source_map.shift(|span| {
                span.column -= before(span.line, span.column);
                span.end_column -= before(span.end_line, span.end_column);
            });
        }
        shift_lines(&mut source_map, ctx.first_line - 1);
        let mut value: Value = match parsed {
            Ok(value) => value,
            Err(error) => {
                let (line, column) =
                    error.location().map_or((1, 1), |l| (l.line(), l.column() - before(l.line(), l.column())));
                // At end of input libyaml points past the last line, which in a split
                // file is the next separator: point at the end of the document instead.
                let (line, column) = clamp_to_text(text, line, column);
                self.diagnostics.push(ctx.diagnostic(
                    Severity::Error,
                    "yaml-syntax",
                    format!("YAML syntax error: {}", strip_location(&error.to_string())),
                    ctx.span(line, column),
                    None,
                ));
                return;
            }
        };
        for (path, span) in &repeated_keys {
            self.diagnostics.push(ctx.diagnostic(
                Severity::Warning,
                "duplicate-key",
                format!(
                    "`{path}` is given again in the same mapping: kubectl and the API server keep the last value given (this one) and drop the earlier one without a word"
                ),
                ctx.span(span.line, span.column),
                Some(path.clone()),
            ));
        }
        if ended_early {
            let (line, column) = document_end_marker(text).unwrap_or((1, 1));
            self.diagnostics.push(ctx.diagnostic(
                Severity::Warning,
                "content-after-document-end",
                "the text after this `...` document end marker is not read: kubectl reads only the first document between two `---` separators (start the next object with `---`)",
                ctx.span(line, column),
                None,
            ));
        }
        // Before merging, so merged copies carry what kubectl would read.
        self.rereads = yaml11::apply(&mut value, rereads);
        if let Err(error) = value.apply_merge() {
            self.diagnostics.push(ctx.diagnostic(
                Severity::Error,
                "yaml-merge",
                format!("cannot apply the `<<` merge key: {}", strip_location(&error.to_string())),
                ctx.span(1, 1),
                None,
            ));
            return;
        }
        yaml11::stringify_keys(&mut value);
        let source_map = Arc::new(source_map);
        let doc_span = source_map.get("").map(|n| n.value).unwrap_or_else(|| ctx.span(1, 1));
        let origin = Origin {
            location: Location::new(ctx.file, ctx.doc, doc_span, Some(String::new())),
            source_map: Arc::clone(&source_map),
        };
        if let Some((path, key)) = yaml11::unsupported_key(&value) {
            let place = if path.is_empty() { "at the top level".to_owned() } else { format!("in `{path}`") };
            let message = match key {
                yaml11::KeyProblem::Null => format!(
                    "a `null` mapping key {place}: kubectl cannot write it as JSON (sigs.k8s.io/yaml: unsupported map key) and refuses the document; quote it (`\"null\"`) if the key is that text"
                ),
                yaml11::KeyProblem::Collection => format!(
                    "a list or a mapping used as a mapping key {place}: go-yaml refuses it (invalid map key), so kubectl refuses the document"
                ),
            };
            self.diagnostics.push(Diagnostic::at(
                Area::Input,
                &origin,
                &path,
                Severity::Error,
                "unsupported-map-key",
                message,
            ));
            return;
        }
        match value {
            Value::Null => {}
            Value::Mapping(_) => self.load_object_or_list(value, origin),
            other => self.diagnostics.push(Diagnostic::at(
                Area::Input,
                &origin,
                "",
                Severity::Error,
                "not-a-mapping",
                format!(
                    "a Kubernetes object must be a mapping (apiVersion, kind, metadata, …), found {}",
                    describe(&other)
                ),
            )),
        }
    }

    fn load_object_or_list(&mut self, value: Value, origin: Origin) {
        let kind = value.get("kind").and_then(Value::as_str).unwrap_or_default().to_owned();
        let is_list = kind.ends_with("List") && matches!(value.get("items"), Some(Value::Sequence(_)));
        if !is_list {
            self.load_object(value, origin);
            return;
        }
        let list_api_version = value.get("apiVersion").and_then(Value::as_str).unwrap_or_default().to_owned();
        // Items of a typed list (PodList) may omit kind and apiVersion; apimachinery
        // infers them from the list. A plain `List` carries them on each item.
        let item_kind = if kind == "List" { None } else { Some(kind.trim_end_matches("List").to_owned()) };
        let Value::Mapping(mut mapping) = value else { return };
        let Some(Value::Sequence(items)) = mapping.remove("items") else { return };
        for (index, mut item) in items.into_iter().enumerate() {
            let prefix = join_index("items", index);
            let span = origin.source_map.get(&prefix).map(|n| n.value).unwrap_or(origin.location.span);
            let item_origin = Origin {
                location: Location { span, path: Some(prefix), ..origin.location.clone() },
                source_map: Arc::clone(&origin.source_map),
            };
            if let (Value::Mapping(item_map), Some(item_kind)) = (&mut item, &item_kind) {
                if !item_map.contains_key("kind") {
                    item_map.insert("kind".into(), item_kind.clone().into());
                }
                if !item_map.contains_key("apiVersion") && !list_api_version.is_empty() {
                    item_map.insert("apiVersion".into(), list_api_version.clone().into());
                }
            }
            match item {
                Value::Mapping(_) => self.load_object(item, item_origin),
                other => self.diagnostics.push(Diagnostic::at(
                    Area::Input,
                    &item_origin,
                    "",
                    Severity::Error,
                    "not-a-mapping",
                    format!("a list item must be a Kubernetes object (a mapping), found {}", describe(&other)),
                )),
            }
        }
    }

    fn load_object(&mut self, value: Value, origin: Origin) {
        let field = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_owned);
        let mut missing = Vec::new();
        let api_version = field("apiVersion");
        let kind = field("kind");
        if api_version.as_deref().unwrap_or_default().is_empty() {
            missing.push("apiVersion");
        }
        if kind.as_deref().unwrap_or_default().is_empty() {
            missing.push("kind");
        }
        for name in &missing {
            let wrong_type = value.get(*name).is_some_and(|v| !v.is_null() && !v.is_string());
            self.diagnostics.push(Diagnostic::at(
                Area::Input,
                &origin,
                name,
                Severity::Error,
                "missing-field",
                if wrong_type {
                    format!("`{name}` must be a string")
                } else {
                    format!(
                        "the object has no `{name}`; every Kubernetes object needs apiVersion, kind and metadata.name"
                    )
                },
            ));
        }
        let (Some(api_version), Some(kind)) = (api_version, kind) else { return };
        if !missing.is_empty() {
            return;
        }
        // A removed version is refused by the API server whether or not
        // kubeplay analyses the kind (kube-score's `stable-version`).
        if let Some((removed, replacement)) = crate::version::removed_api(&api_version, &kind) {
            let rule = crate::validation::rule::API_VERSION_REMOVED;
            self.diagnostics.push(Diagnostic::at(
                Area::Input,
                &origin,
                "apiVersion",
                rule.severity,
                rule.id,
                format!(
                    "no matches for kind {kind:?} in version {api_version:?}: Kubernetes removed {api_version} {kind} in v{removed} and the API server refuses it; use apiVersion {replacement} (kubeplay ignores the object)"
                ),
            ));
            return;
        }
        // A kind of kubeplay's in a group the API server does not serve is
        // another kind, a custom resource's (Knative's Service;
        // docs/semantics/validation.md §16).
        let supported = Kind::from_name(&kind).filter(|supported| {
            !supported.is_built_in()
                || supported.accepts_api_version(&api_version)
                || crate::version::BUILT_IN_GROUPS.contains(&crate::model::api_group(&api_version))
        });
        let Some(supported) = supported else {
            self.diagnostics.push(Diagnostic::at(
                Area::Input,
                &origin,
                "kind",
                Severity::Warning,
                "unsupported-kind",
                format!("kubeplay does not analyse {api_version} {kind}; the object is ignored"),
            ));
            return;
        };
        let served_version = supported.api_version();
        // autoscaling/v1 HPAs are served as v2 by conversion (`hpa.md §2.2`).
        let converted_hpa = supported == Kind::HorizontalPodAutoscaler && api_version == HPA_V1;
        if !supported.accepts_api_version(&api_version) && !converted_hpa {
            // The API server serves a built-in kind at the versions kubeplay
            // reads and no other (removed ones are caught above), so it refuses
            // this; a CRD may serve versions kubeplay does not read.
            let diagnostic = if supported.is_built_in() {
                Diagnostic::at(
                    Area::Input,
                    &origin,
                    "apiVersion",
                    Severity::Error,
                    "api-version-not-served",
                    if supported == Kind::PodSecurityPolicy {
                        // Removed in v1.25: kubeplay reads it to simulate older clusters.
                        format!(
                            "no matches for kind {kind:?} in version {api_version:?}: {kind} was last served as {served_version} (until Kubernetes v1.24), the version kubeplay reads it at; use that apiVersion (kubeplay ignores the object)"
                        )
                    } else {
                        format!(
                            "no matches for kind {kind:?} in version {api_version:?}: Kubernetes {} serves {kind} as {served_version}; use that apiVersion (kubeplay ignores the object)",
                            crate::version::KUBERNETES_VERSION
                        )
                    },
                )
            } else {
                Diagnostic::at(
                    Area::Input,
                    &origin,
                    "apiVersion",
                    Severity::Warning,
                    "unsupported-api-version",
                    format!(
                        "kubeplay reads {kind} as {served_version}, not {api_version}; the object is ignored (change apiVersion to {served_version})"
                    ),
                )
            };
            self.diagnostics.push(diagnostic);
            return;
        }
        if validate::missing_name(&value) {
            self.diagnostics.push(Diagnostic::at(
                Area::Input,
                &origin,
                "metadata",
                Severity::Error,
                "missing-field",
                format!("the {kind} has no `metadata.name`"),
            ));
            return;
        }
        let is_secret = supported == Kind::Secret;
        // Read before nulls are filled: Go leaves a null pointer nil.
        let unset: Vec<&'static str> = crate::validation::pointer_fields(supported)
            .iter()
            .copied()
            .filter(|path| validate::unset(&value, path))
            .collect();
        let mut value = value;
        // The API server decodes `[]byte` fields with Go's base64.StdEncoding,
        // which skips line breaks: base64 wrapped over lines, or a block
        // scalar's final newline, is valid there (docs/semantics/yaml.md §9).
        let bytes_field = match supported {
            Kind::Secret => Some("data"),
            Kind::ConfigMap => Some("binaryData"),
            _ => None,
        };
        if let Some(Value::Mapping(entries)) = bytes_field.and_then(|field| value.get_mut(field)) {
            for entry in entries.values_mut() {
                if let Value::String(text) = entry {
                    text.retain(|c| c != '\r' && c != '\n');
                }
            }
        }
        let mut filled = 0;
        let typed = loop {
            let typed = if converted_hpa {
                typed::read(&value, |reader| HpaV1::deserialize(reader)).map(|v1| {
                    let round_trip = serde_json::to_value(&v1).unwrap_or_default();
                    (Object::HorizontalPodAutoscaler(Box::new(crate::scaling::hpa::v1::to_v2(v1))), round_trip)
                })
            } else {
                typed::read(&value, |reader| Object::deserialize(supported, reader))
            };
            match typed {
                Err(error) if filled < nulls::MAX_FILLED && nulls::fill_zero(&mut value, &error) => filled += 1,
                typed => break typed,
            }
        };
        let (mut object, round_trip) = match typed {
            Ok(pair) => pair,
            Err(error) => {
                let path = error.path.to_string();
                let path = if path == "?" { String::new() } else { path };
                let mut message =
                    type_error_message(&kind, &path, &strip_location(&error.error.to_string()), is_secret);
                let full_path = origin.full_path(&path);
                if let Some((_, reread)) = self.rereads.iter().find(|(p, _)| *p == full_path) {
                    message.push_str(&yaml11_note(reread, is_secret));
                }
                self.diagnostics.push(Diagnostic::at(
                    Area::Input,
                    &origin,
                    &path,
                    Severity::Error,
                    "schema-type",
                    message,
                ));
                return;
            }
        };
        let mut unknown = Vec::new();
        validate::unknown_fields(&value, &round_trip, String::new(), &mut unknown);
        for path in unknown {
            self.diagnostics.push(Diagnostic::at(
                Area::Input,
                &origin,
                &path,
                Severity::Warning,
                "unknown-field",
                format!(
                    "unknown field `{path}` in {kind} (kubectl --validate=strict rejects it; the API server drops it)"
                ),
            ));
        }
        // The API server's field errors for the object, in its order: the
        // object is refused (422) on create when there are any.
        let mut invalid = Vec::new();
        validate::names_and_labels(&object, &origin, &mut self.diagnostics, &mut invalid);
        let namespaced = object.is_namespaced();
        let metadata = object.metadata_mut();
        if metadata.name.is_none() {
            // generateName: the API server appends five random characters.
            let prefix = metadata.generate_name.clone().unwrap_or_default();
            metadata.name = Some(format!("{prefix}xxxxx"));
        }
        if namespaced && metadata.namespace.is_none() {
            metadata.namespace = Some(DEFAULT_NAMESPACE.to_owned());
        }
        if converted_hpa {
            crate::validation::validate_hpa_v1(&object, &origin, &mut self.diagnostics, &mut invalid);
        } else {
            crate::validation::validate(&object, &unset, &origin, &mut self.diagnostics, &mut invalid);
        }
        self.objects.push(Loaded { object, origin, invalid });
    }
}

/// Offset of a run of more than `limit` bytes free of YAML/JSON delimiters: such a
/// run can only be (part of) one scalar. Checked before parsing because the event
/// parser builds a scalar before its length can be checked; scalars with
/// delimiters inside are still caught by the event pass.
fn oversized_scalar_run(bytes: &[u8], limit: usize) -> Option<usize> {
    if bytes.len() <= limit {
        return None;
    }
    let mut run_start = 0;
    for (index, byte) in bytes.iter().enumerate() {
        if matches!(byte, b'\n' | b',' | b'[' | b']' | b'{' | b'}' | b'"' | b'\'' | b'#') {
            run_start = index + 1;
        } else if index - run_start >= limit {
            return Some(run_start);
        }
    }
    None
}

fn shift_lines(map: &mut SourceMap, by: usize) {
    if by == 0 {
        return;
    }
    let shift = |span: &mut Span| {
        span.line += by;
        span.end_line += by;
    };
    map.shift(shift);
}

fn clamp_to_text(text: &str, line: usize, column: usize) -> (usize, usize) {
    let lines: Vec<&str> = text.trim_end().lines().collect();
    if line <= lines.len() || lines.is_empty() {
        return (line, column);
    }
    (lines.len(), lines[lines.len() - 1].chars().count() + 1)
}

/// The line and column of the first `...` that ends a document: at the start
/// of a line, alone or followed by a blank or a comment.
fn document_end_marker(text: &str) -> Option<(usize, usize)> {
    let line = text.lines().position(|line| {
        line.strip_prefix("...").is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '#']))
    })?;
    Some((line + 1, 1))
}

/// A `\/` escape at `at` (in the document's lines), refused as kubectl refuses
/// it (docs/semantics/yaml.md §6), in libyaml's words for an unknown escape.
fn slash_escape(ctx: &DocContext<'_>, at: Span) -> Diagnostic {
    ctx.diagnostic(
        Severity::Error,
        "yaml-syntax",
        "YAML syntax error: found unknown escape character `\\/` (an escape of YAML 1.2, which kubectl's YAML parser, go-yaml v2, refuses: write `/`)",
        ctx.span(at.line, at.column),
        None,
    )
}

/// serde_yaml appends " at line L column C"; diagnostics carry those as fields.
fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

/// Rewords serde's "invalid type: string \"three\", expected i32" for people, and
/// never echoes a Secret's values.
/// Why a field holds what it holds when kubectl's YAML 1.1 reading of an
/// unquoted scalar made it so (docs/semantics/yaml.md §4).
fn yaml11_note(reread: &yaml11::Reread, is_secret: bool) -> String {
    let reading = yaml11::describe(reread.reading);
    if is_secret {
        format!(" (kubectl reads this unquoted value by YAML 1.1 rules, as {reading}; quote it to keep the text)")
    } else {
        let text = &reread.text;
        format!(
            " (kubectl reads the unquoted `{text}` by YAML 1.1 rules, as {reading}; write \"{text}\" to keep the text)"
        )
    }
}

fn type_error_message(kind: &str, path: &str, serde_message: &str, is_secret: bool) -> String {
    let expected = serde_message.rsplit_once("expected ").map(|(_, e)| e);
    let friendly_expected = expected.map(|e| match e {
        "i32" | "i64" | "u32" | "u16" | "i16" => "an integer".to_owned(),
        "f64" | "f32" => "a number".to_owned(),
        "a boolean" | "bool" => "a boolean (true or false)".to_owned(),
        other => other.to_owned(),
    });
    let field = if path.is_empty() { kind.to_owned() } else { format!("`{path}`") };
    match (is_secret, friendly_expected) {
        (true, Some(expected)) => format!("{field} has the wrong type or value (value hidden): expected {expected}"),
        (true, None) => format!("{field} has the wrong type or value (value hidden)"),
        (false, Some(expected)) => {
            let found = serde_message.split_once(", expected").map_or(serde_message, |(found, _)| found);
            format!("{field}: {found}, expected {expected}")
        }
        (false, None) => format!("{field}: {serde_message}"),
    }
}

/// A typed object read from a JSON value (a patched or generated document),
/// through the very deserialisers the loader uses on YAML values. Reading
/// `serde_json::Value` directly would monomorphise every Kubernetes type's
/// reader a second time: about 300 KB brotli more for the page.
pub fn object_from_json(kind: Kind, value: &serde_json::Value) -> Option<Object> {
    let value: Value = serde_yaml::to_value(value).ok()?;
    typed::read(&value, |reader| Object::deserialize(kind, reader)).ok().map(|(object, _)| object)
}

pub(crate) fn collect_namespaces<'a, I>(objects: I) -> Vec<NamespaceInfo>
where
    I: IntoIterator<Item = &'a Loaded>,
    I::IntoIter: Clone,
{
    let objects = objects.into_iter();
    let mut namespaces: BTreeMap<String, NamespaceInfo> = BTreeMap::new();
    for (index, loaded) in objects.clone().enumerate() {
        if let Object::Namespace(ns) = &loaded.object {
            let name = loaded.name().to_owned();
            let mut labels = ns.metadata.labels.clone().unwrap_or_default();
            labels.insert(NAMESPACE_NAME_LABEL.to_owned(), name.clone());
            namespaces.insert(name.clone(), NamespaceInfo { name, labels, declared_by: Some(index) });
        }
    }
    for loaded in objects {
        if let Some(ns) = loaded.namespace() {
            namespaces.entry(ns.to_owned()).or_insert_with(|| NamespaceInfo {
                name: ns.to_owned(),
                labels: BTreeMap::from([(NAMESPACE_NAME_LABEL.to_owned(), ns.to_owned())]),
                declared_by: None,
            });
        }
    }
    namespaces.into_values().collect()
}
