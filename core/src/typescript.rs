//! The npm package's TypeScript declarations (feature `ts`), generated from the
//! Rust types the JS API reads and writes: the options of every function, the
//! `{name, text}` files, the diagnostics' contract shape, and the `value`s whose
//! Rust types are plain serde types (`probe`, `graph`, `quantity`, `diff`,
//! `fix`, `version`; `diff`'s connection sets through `ConnectionsShape`, the
//! declaration of their hand-written serde form).
//! Every other `value` is declared `JsonValue` (any JSON): those documents hold
//! k8s-openapi objects or `serde_json::Value`s, or have hand-written serde
//! forms. `scripts/build-npm.sh` writes [`declarations`] next to the package's
//! entry module (`core/examples/typescript.rs`); nothing at run time uses it.

use ts_rs::{Config, TS};

use crate::api::{
    CheckFormat, CheckOptions, ExplainOptions, FixOptions, GraphOptions, Grouping, NamedText, PolicyOptions,
    ProbeOptions, ShareOptions, Versions, Want,
};
use crate::diagnostic::Severity;
use crate::netpol::connections::{ConnectionsShape, PortSpan};
use crate::netpol::diff::{Change, ChangeKind, Diff, EndpointChange, EndpointChanges};
use crate::netpol::fix::{Fix, FixKind, FixReport, PatchOp, SideEffect};
use crate::netpol::graph::{Graph, GraphEdge, GraphNode, PortRange};
use crate::netpol::{Probe, Protocol};
use crate::quantity::QuantityReport;
use crate::render::contract::diagnostics::Contract as Diagnostic;
use crate::source::{Location, Span};

/// i64 fields (a quantity's value) are JSON numbers to JavaScript, never BigInts.
fn config() -> Config {
    Config::new().with_large_int("number")
}

fn name<T: TS + ?Sized>() -> String {
    T::name(&config())
}

fn declare<T: TS + ?Sized>(out: &mut String) {
    let cfg = config();
    if let Some(docs) = T::docs() {
        out.push_str(docs.trim_end());
        out.push('\n');
    }
    out.push_str("export ");
    out.push_str(&T::decl(&cfg));
    out.push_str("\n\n");
}

/// One exported function: its name, what it is, its parameters, its value's type.
struct Function {
    name: &'static str,
    doc: &'static str,
    parameters: Vec<(&'static str, String)>,
    value: String,
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
    let loose = || JSON.to_owned();
    vec![
        Function {
            name: "analyze",
            doc: "`kubeplay analyze --format json`: the report.",
            parameters: vec![files()],
            value: loose(),
        },
        Function {
            name: "analyzeFiles",
            doc: "The first name of `analyze`; the same answer.",
            parameters: vec![files()],
            value: loose(),
        },
        Function {
            name: "probe",
            doc: "`kubeplay probe --format json`: the truth table of one port and protocol.",
            parameters: vec![files(), options::<ProbeOptions>(false)],
            value: name::<Probe>(),
        },
        Function {
            name: "explain",
            doc: "`kubeplay explain --format json`: why one connection is allowed or denied.",
            parameters: vec![files(), options::<ExplainOptions>(false)],
            value: loose(),
        },
        Function {
            name: "graph",
            doc: "`kubeplay graph --format json`: the graph, or the node ids `blastRadius`/`whoCanReach` found.",
            parameters: vec![files(), options::<GraphOptions>(true)],
            value: format!("{} | string[]", name::<Graph>()),
        },
        Function {
            name: "check",
            doc: "`kubeplay check --format json` (or `sarif`): the security findings.",
            parameters: vec![files(), options::<CheckOptions>(true)],
            value: loose(),
        },
        Function {
            name: "admit",
            doc: "`kubeplay admit --format json`: every object applied in order, and the quotas.",
            parameters: vec![files()],
            value: loose(),
        },
        Function {
            name: "quantity",
            doc: "`kubeplay quantity --format json`: how Kubernetes reads each quantity.",
            parameters: vec![("quantities", "string[] | string".to_owned())],
            value: format!("{}[]", name::<QuantityReport>()),
        },
        Function {
            name: "hpa",
            doc: "`kubeplay hpa --format json`: the HPASimulation's steps.",
            parameters: vec![files()],
            value: loose(),
        },
        Function {
            name: "vpa",
            doc: "`kubeplay vpa --format json`: one VPA's output, or `{vpas}`.",
            parameters: vec![files()],
            value: loose(),
        },
        Function {
            name: "disrupt",
            doc: "`kubeplay disrupt --format json`: the ChaosScenario's report, or `{error}`.",
            parameters: vec![files()],
            value: loose(),
        },
        Function {
            name: "failover",
            doc: "`kubeplay failover --format json`: the traffic lab's report, or `{error}`.",
            parameters: vec![files()],
            value: loose(),
        },
        Function {
            name: "diff",
            doc: "`kubeplay diff --format json`: how connectivity changes from `before` to `after`.",
            parameters: vec![("before", FILES.to_owned()), ("after", FILES.to_owned()), options::<PolicyOptions>(true)],
            value: name::<Diff>(),
        },
        Function {
            name: "fix",
            doc: "`kubeplay fix --format json`: the smallest policy changes that give the wanted verdict.",
            parameters: vec![files(), options::<FixOptions>(false)],
            value: name::<FixReport>(),
        },
        Function {
            name: "generate",
            doc: "`kubeplay generate --format json`: NetworkPolicies allowing exactly the flows \
                  (`flows`: the `--flows` document, as its YAML or JSON text or as an object).",
            parameters: vec![files(), ("flows", format!("string | {JSON}")), options::<PolicyOptions>(true)],
            value: format!("{{ policies: {JSON}[] }}"),
        },
        Function {
            name: "shareFragment",
            doc: "The fragment (after `#`) of a link that opens the playground on `state`, as its Share button writes.",
            parameters: vec![("state", name::<ShareOptions>())],
            value: "string".to_owned(),
        },
        Function {
            name: "version",
            doc: "kubeplay's version and the Kubernetes version it models.",
            parameters: Vec::new(),
            value: name::<Versions>(),
        },
    ]
}

/// The names the package exports, in order (its entry module re-exports them).
pub fn function_names() -> Vec<&'static str> {
    functions().iter().map(|f| f.name).collect()
}

/// The whole `index.d.ts` of the npm package.
pub fn declarations() -> String {
    let mut out = String::from(
        "// The TypeScript declarations of the kubeplay npm package, generated from\n\
         // kubeplay-core's Rust types (feature `ts`, core/src/typescript.rs). Do not edit.\n\n\
         /** Any JSON value: the type of the `value`s not generated from Rust types (see the README). */\n\
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
    declare::<Diagnostic>(&mut out);
    declare::<Severity>(&mut out);
    declare::<Location>(&mut out);
    declare::<Span>(&mut out);
    declare::<ProbeOptions>(&mut out);
    declare::<ExplainOptions>(&mut out);
    declare::<GraphOptions>(&mut out);
    declare::<Grouping>(&mut out);
    declare::<CheckOptions>(&mut out);
    declare::<CheckFormat>(&mut out);
    declare::<PolicyOptions>(&mut out);
    declare::<FixOptions>(&mut out);
    declare::<Want>(&mut out);
    declare::<Probe>(&mut out);
    declare::<Protocol>(&mut out);
    declare::<Graph>(&mut out);
    declare::<GraphNode>(&mut out);
    declare::<GraphEdge>(&mut out);
    declare::<PortRange>(&mut out);
    declare::<Diff>(&mut out);
    declare::<Change>(&mut out);
    declare::<ChangeKind>(&mut out);
    declare::<EndpointChange>(&mut out);
    declare::<EndpointChanges>(&mut out);
    declare::<ConnectionsShape>(&mut out);
    declare::<PortSpan>(&mut out);
    declare::<FixReport>(&mut out);
    declare::<Fix>(&mut out);
    declare::<FixKind>(&mut out);
    declare::<PatchOp>(&mut out);
    declare::<SideEffect>(&mut out);
    declare::<QuantityReport>(&mut out);
    declare::<ShareOptions>(&mut out);
    declare::<Versions>(&mut out);
    for function in functions() {
        let parameters: Vec<String> = function.parameters.iter().map(|(name, ty)| format!("{name}: {ty}")).collect();
        out.push_str(&format!(
            "/** {} */\nexport function {}({}): Answer<{}>;\n\n",
            function.doc,
            function.name,
            parameters.join(", "),
            function.value
        ));
    }
    out
}
