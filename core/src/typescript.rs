//! The npm package's TypeScript declarations (feature `ts`), generated from the
//! Rust types the JS API reads and writes: the options of every function, the
//! `{name, text}` files, the diagnostics' contract shape, and every function's
//! `value`, the CLI's `--format json` document, through the Rust types
//! `render::json` serialises it from. Where a contract's serde form is not the
//! derived one (a location printed with fewer keys, a diagnostic without its
//! area) the holder names its shape (`render::contract::shapes`,
//! `ConnectionsShape`); k8s-openapi objects and `serde_json::Value`s inside a
//! document are `JsonValue` (any JSON), and the NetworkPolicies `generate`
//! builds as JSON are declared by hand here (`GENERATED_POLICY`), as is
//! `check`'s SARIF log (`JsonValue`). `scripts/build-npm.sh` writes
//! [`declarations`] next to the package's entry module
//! (`core/examples/typescript.rs`); nothing at run time uses it, and
//! `scripts/test.sh` type-checks the CLI's documents on every example against it.

use std::any::TypeId;
use std::collections::BTreeMap;

use ts_rs::{Config, TS, TypeVisitor};

use crate::admission::Admission;
use crate::api::{
    CheckOptions, ExplainOptions, FixOptions, GraphOptions, NamedText, PolicyOptions, ProbeOptions, ShareOptions,
    Versions,
};
use crate::netpol::Probe;
use crate::netpol::diff::Diff;
use crate::netpol::fix::FixReport;
use crate::netpol::graph::Graph;
use crate::netpol::service::ConnectionExplanation;
use crate::quantity::QuantityReport;
use crate::render::check::CheckOutput;
use crate::render::contract::diagnostics::Contract as Diagnostic;
use crate::render::hpa::HpaJson;
use crate::render::json::{GeneratedPolicies, Refusal};
use crate::report::Report;
use crate::resilience::Disruption;
use crate::resilience::traffic::lab::FailoverReport;
use crate::scaling::vpa::output::VpaJson;
use crate::source::{Location, Span};

/// i64 fields (a quantity's value) are JSON numbers to JavaScript, never BigInts.
fn config() -> Config {
    Config::new().with_large_int("number")
}

fn name<T: TS + ?Sized>() -> String {
    T::name(&config())
}

/// `index.d.ts` as it is written: the text, the name of every type declared so
/// far (with its Rust type), so that a type is declared once, and the names two
/// Rust types would share.
#[derive(Default)]
struct Out {
    text: String,
    declared: BTreeMap<String, TypeId>,
    clashes: Vec<String>,
}

impl Out {
    fn push_str(&mut self, text: &str) {
        self.text.push_str(text);
    }
}

/// Declares `T` (once), with its doc comment.
fn declare<T: TS + 'static + ?Sized>(out: &mut Out) -> bool {
    let cfg = config();
    let name = T::ident(&cfg);
    match out.declared.get(&name) {
        Some(id) if *id == TypeId::of::<T>() => return false,
        Some(_) => {
            out.clashes.push(name);
            return false;
        }
        None => {}
    }
    out.declared.insert(name, TypeId::of::<T>());
    if let Some(docs) = T::docs() {
        out.push_str(docs.trim_end());
        out.push_str("\n");
    }
    out.push_str("export ");
    out.push_str(&T::decl(&cfg));
    out.push_str("\n\n");
    true
}

/// Declares `T` and every type its declaration names, depth first, the names of
/// each type in alphabetical order: ts-rs visits them in the order of a
/// `HashSet` in its derive, which changes from one compilation to the next,
/// and `index.d.ts` is to be the same on every build.
fn declare_all<T: TS + 'static + ?Sized>(out: &mut Out) {
    /// A type's TypeScript name, and what declares it.
    type Dependency = (String, fn(&mut Out));
    struct Dependencies(Vec<Dependency>);
    impl TypeVisitor for Dependencies {
        fn visit<U: TS + 'static + ?Sized>(&mut self) {
            // Types without a declaration of their own (strings, arrays, maps) name none.
            if U::output_path().is_some() {
                self.0.push((U::ident(&config()), declare_all::<U>));
            }
        }
    }
    if declare::<T>(out) {
        let mut dependencies = Dependencies(Vec::new());
        T::visit_dependencies(&mut dependencies);
        crate::sort::sort_by(&mut dependencies.0, |a, b| a.0.cmp(&b.0));
        for (_, declare) in dependencies.0 {
            declare(out);
        }
    }
}

/// One exported function: its name, what it is, its parameters, its value's
/// type, and the overloads declared before that signature (narrower parameters,
/// a narrower value).
struct Function {
    name: &'static str,
    doc: &'static str,
    parameters: Vec<(&'static str, String)>,
    value: String,
    overloads: Vec<(Vec<(&'static str, String)>, String)>,
}

const FILES: &str = "Files";
const JSON: &str = "JsonValue";

fn files() -> (&'static str, String) {
    ("files", FILES.to_owned())
}

/// `options?: T | null` (every field has a default) or `options: T`.
fn options<T: TS>(optional: bool) -> (&'static str, String) {
    if optional { ("options?", format!("{} | null", name::<T>())) } else { ("options", name::<T>()) }
}

fn functions() -> Vec<Function> {
    let function = |name, doc, parameters, value| Function { name, doc, parameters, value, overloads: Vec::new() };
    // `disrupt` and `failover` answer `{error}` for input their lab cannot run on.
    let or_refusal = |value: String| format!("{value} | {}", name::<Refusal>());
    vec![
        function("analyze", "`kubeplay analyze --format json`: the report.", vec![files()], name::<Report>()),
        function("analyzeFiles", "The first name of `analyze`; the same answer.", vec![files()], name::<Report>()),
        function(
            "probe",
            "`kubeplay probe --format json`: the truth table of one port and protocol.",
            vec![files(), options::<ProbeOptions>(false)],
            name::<Probe>(),
        ),
        function(
            "explain",
            "`kubeplay explain --format json`: why one connection is allowed or denied (one explanation, \
             or one per backend when `to` is a Service).",
            vec![files(), options::<ExplainOptions>(false)],
            name::<ConnectionExplanation>(),
        ),
        function(
            "graph",
            "`kubeplay graph --format json`: the graph, or the node ids `blastRadius`/`whoCanReach` found.",
            vec![files(), options::<GraphOptions>(true)],
            format!("{} | string[]", name::<Graph>()),
        ),
        Function {
            name: "check",
            doc: "`kubeplay check --format json` (or `sarif`: the SARIF 2.1.0 log, as any JSON): the security findings.",
            parameters: vec![files(), options::<CheckOptions>(true)],
            value: format!("{} | {JSON}", name::<CheckOutput>()),
            overloads: vec![
                (
                    vec![files(), ("options", format!("{} & {{ format: \"sarif\" }}", name::<CheckOptions>()))],
                    JSON.to_owned(),
                ),
                (
                    vec![
                        files(),
                        ("options?", format!("({} & {{ format?: \"json\" }}) | null", name::<CheckOptions>())),
                    ],
                    name::<CheckOutput>(),
                ),
            ],
        },
        function(
            "admit",
            "`kubeplay admit --format json`: every object applied in order, and the quotas.",
            vec![files()],
            name::<Admission>(),
        ),
        function(
            "quantity",
            "`kubeplay quantity --format json`: how Kubernetes reads each quantity.",
            vec![("quantities", "string[] | string".to_owned())],
            format!("{}[]", name::<QuantityReport>()),
        ),
        function(
            "hpa",
            "`kubeplay hpa --format json`: the HPASimulation's steps (every field `null` without one).",
            vec![files()],
            name::<HpaJson>(),
        ),
        function(
            "vpa",
            "`kubeplay vpa --format json`: one VPA's output, or `{vpas}`.",
            vec![files()],
            name::<VpaJson>(),
        ),
        function(
            "disrupt",
            "`kubeplay disrupt --format json`: the ChaosScenario's report, or `{error}`.",
            vec![files()],
            or_refusal(name::<Disruption>()),
        ),
        function(
            "failover",
            "`kubeplay failover --format json`: the traffic lab's report, or `{error}`.",
            vec![files()],
            or_refusal(name::<FailoverReport>()),
        ),
        function(
            "diff",
            "`kubeplay diff --format json`: how connectivity changes from `before` to `after`.",
            vec![("before", FILES.to_owned()), ("after", FILES.to_owned()), options::<PolicyOptions>(true)],
            name::<Diff>(),
        ),
        function(
            "fix",
            "`kubeplay fix --format json`: the smallest policy changes that give the wanted verdict.",
            vec![files(), options::<FixOptions>(false)],
            name::<FixReport>(),
        ),
        function(
            "generate",
            "`kubeplay generate --format json`: NetworkPolicies allowing exactly the flows \
             (`flows`: the `--flows` document, as its YAML or JSON text or as an object).",
            vec![files(), ("flows", format!("string | {JSON}")), options::<PolicyOptions>(true)],
            name::<GeneratedPolicies>(),
        ),
        function(
            "shareFragment",
            "The fragment (after `#`) of a link that opens the playground on `state`, as its Share button writes.",
            vec![("state", name::<ShareOptions>())],
            "string".to_owned(),
        ),
        function("version", "kubeplay's version and the Kubernetes version it models.", Vec::new(), name::<Versions>()),
    ]
}

/// The names the package exports, in order (its entry module re-exports them).
pub fn function_names() -> Vec<&'static str> {
    functions().iter().map(|f| f.name).collect()
}

/// The NetworkPolicies `generate` writes, declared by hand: `netpol::generate`
/// builds them as `serde_json` values (`json!`), so no Rust type says their
/// shape. Keep in step with `policy`, `exact_selector`, `peer`, `port_entry` and
/// `dns_rule` there; `scripts/test.sh` type-checks `generate`'s documents
/// against it.
const GENERATED_POLICY: &str = "\
/** A NetworkPolicy `generate` writes (`networking.k8s.io/v1`), only the fields it sets. */
export type GeneratedPolicy = {
  apiVersion: \"networking.k8s.io/v1\";
  kind: \"NetworkPolicy\";
  metadata: { name: string; namespace: string };
  spec: {
    podSelector: GeneratedSelector;
    ingress?: { from: GeneratedPeer[]; ports: GeneratedPort[] }[];
    egress?: { to: GeneratedPeer[]; ports: GeneratedPort[] }[];
    policyTypes: (\"Ingress\" | \"Egress\")[];
  };
};

/** A label selector of a generated policy: exact labels, and `DoesNotExist` for the keys other pods carry. */
export type GeneratedSelector = {
  matchLabels?: { [key: string]: string };
  matchExpressions?: { key: string; operator: \"DoesNotExist\" }[];
};

/** A peer of a generated rule: pods, in the policy's namespace or in the one `namespaceSelector` names. */
export type GeneratedPeer = { podSelector?: GeneratedSelector; namespaceSelector?: GeneratedSelector };

/** A port of a generated rule: the number, or the destination's port name when its pods agree on one. */
export type GeneratedPort = { protocol: Protocol; port: number | string };

";

/// The whole `index.d.ts` of the npm package; `Err` names the TypeScript names
/// two Rust types would share (one wants a `#[ts(rename = …)]`).
pub fn declarations() -> Result<String, String> {
    let mut out = Out::default();
    out.push_str(
        "// The TypeScript declarations of the kubeplay npm package, generated from\n\
         // kubeplay-core's Rust types (feature `ts`, core/src/typescript.rs). Do not edit.\n\n\
         /** Any JSON value: the Kubernetes objects inside the documents (as given, or as the API server\n \
         * would store them), `check`'s SARIF log and `generate`'s `flows` argument. */\n\
         export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };\n\n",
    );
    declare::<NamedText>(&mut out);
    out.push_str(&format!(
        "/** The manifests, as the CLI's files: `{{name, text}}` each, or one text (named `input.yaml`). */\n\
         export type {FILES} = {}[] | string;\n\n",
        name::<NamedText>()
    ));
    out.push_str(&format!(
        "/** Every function's answer: `value` is the CLI's `--format json` document; `ok: false` is for\n \
         * arguments that cannot be run (`\"probe: options.port: …\"`). No function throws. */\n\
         export type Answer<T> =\n  | {{ ok: true; value: T; diagnostics: {}[] }}\n  | {{ ok: false; error: string }};\n\n",
        name::<Diagnostic>()
    ));
    // Every option and value type, each with every type it names (`Severity`,
    // `Grouping`, `Protocol`, a diff's connection shapes, …); `Location` and
    // `Span` are what a diagnostic's location is made of in the Rust API.
    declare_all::<Diagnostic>(&mut out);
    declare_all::<Location>(&mut out);
    declare_all::<Span>(&mut out);
    declare_all::<ProbeOptions>(&mut out);
    declare_all::<ExplainOptions>(&mut out);
    declare_all::<GraphOptions>(&mut out);
    declare_all::<CheckOptions>(&mut out);
    declare_all::<PolicyOptions>(&mut out);
    declare_all::<FixOptions>(&mut out);
    declare_all::<ShareOptions>(&mut out);
    declare_all::<Probe>(&mut out);
    declare_all::<Graph>(&mut out);
    declare_all::<Diff>(&mut out);
    declare_all::<FixReport>(&mut out);
    declare_all::<QuantityReport>(&mut out);
    declare_all::<Versions>(&mut out);
    declare_all::<Report>(&mut out);
    declare_all::<ConnectionExplanation>(&mut out);
    declare_all::<CheckOutput>(&mut out);
    declare_all::<Admission>(&mut out);
    declare_all::<HpaJson>(&mut out);
    declare_all::<VpaJson>(&mut out);
    declare_all::<Disruption>(&mut out);
    declare_all::<FailoverReport>(&mut out);
    declare_all::<Refusal>(&mut out);
    declare_all::<GeneratedPolicies>(&mut out);
    out.push_str(GENERATED_POLICY);
    for function in functions() {
        let last = (function.parameters, function.value);
        for (parameters, value) in function.overloads.iter().chain([&last]) {
            let parameters: Vec<String> = parameters.iter().map(|(name, ty)| format!("{name}: {ty}")).collect();
            out.push_str(&format!(
                "/** {} */\nexport function {}({}): Answer<{}>;\n\n",
                function.doc,
                function.name,
                parameters.join(", "),
                value
            ));
        }
    }
    if out.clashes.is_empty() {
        Ok(out.text)
    } else {
        Err(format!("two Rust types are declared as each of {}: rename one (`#[ts(rename)]`)", out.clashes.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The declarations' code, without their doc comments.
    fn code(declarations: &str) -> Vec<&str> {
        declarations
            .lines()
            .filter(|l| !(l.starts_with("/**") || l.starts_with(" *") || l.starts_with("//") || l.is_empty()))
            .collect()
    }

    #[test]
    fn no_type_is_any() {
        let declarations = declarations().unwrap();
        for line in code(&declarations) {
            let words: Vec<&str> = line.split(|c: char| !(c.is_alphanumeric() || c == '_')).collect();
            assert!(!words.contains(&"any") && !words.contains(&"unknown"), "{line}");
        }
    }

    #[test]
    fn every_value_but_the_sarif_log_has_its_own_type() {
        let declarations = declarations().unwrap();
        let signatures: Vec<&str> =
            code(&declarations).into_iter().filter(|l| l.starts_with("export function")).collect();
        assert_eq!(signatures.len(), functions().len() + 2, "one line per function, check's two overloads");
        for line in signatures {
            let value = line.split("Answer<").nth(1).unwrap_or_default();
            let sarif = line.contains("format: \"sarif\"") || line.contains("CheckOutput | JsonValue");
            assert!(sarif || !value.contains(JSON), "{line}");
        }
    }

    #[test]
    fn every_type_named_is_declared() {
        let declarations = declarations().unwrap();
        let declared: Vec<&str> = code(&declarations)
            .iter()
            .filter_map(|l| l.strip_prefix("export type "))
            .filter_map(|l| l.split([' ', '<']).next())
            .collect();
        for line in code(&declarations) {
            for word in line.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
                let capitalised = word.starts_with(|c: char| c.is_ascii_uppercase());
                // Capitalised words that are not types: string literals' contents, keys
                // (`AbleToScale:`) and TypeScript's own.
                let literal = line.contains(&format!("\"{word}")) || ["Array", "T"].contains(&word);
                let key = line.contains(&format!("{word}:")) || line.contains(&format!("{word}?:"));
                assert!(!capitalised || literal || key || declared.contains(&word), "{word} in {line}");
            }
        }
    }
}
