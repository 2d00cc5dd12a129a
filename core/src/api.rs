//! The JS API as pure functions over JSON values, one per CLI analysis: the
//! arguments are what JavaScript passes (named texts, an options object), the
//! answer is tagged — `{ok: true, value, diagnostics}` or `{ok: false, error}`.
//! `wasm.rs` only converts JS values; everything here runs (and is tested)
//! natively.
//!
//! - `value` is the document `kubeplay <command> --format json` prints, written
//!   by the same `render::json` function, so the two cannot drift.
//! - `diagnostics` are the problems the CLI reports for the same input (the
//!   loader's, the engine's, the lab's), in `analyze`'s diagnostic shape.
//!   Problems in the manifests never make an answer `ok: false`.
//! - `ok: false` is for arguments that cannot be run: the wrong type, an
//!   unknown option, an id the input does not have, a port outside 1–65535.
//!   The error names the function and the argument
//!   (`probe: options.port: …`), with the CLI's own message for the rule.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::load::{Input, Loading, load};
use crate::netpol::graph::{self, Graph};
use crate::netpol::ip::parse_ip_or_cidr;
use crate::netpol::{Engine, NetpolOptions, Protocol, UnknownProtocol};
use crate::render::json;
use crate::security::pss::PolicyVersion;

/// A function's answer: the tagged result JavaScript receives.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    Ok {
        /// The JSON text the CLI prints with `--format json`.
        value: String,
        diagnostics: Vec<Diagnostic>,
    },
    Err {
        /// `function: argument: what is wrong`.
        error: String,
    },
}

impl Answer {
    /// `{"ok":true,"value":…,"diagnostics":[…]}` or `{"ok":false,"error":"…"}`.
    pub fn to_json(&self) -> String {
        match self {
            Answer::Ok { value, diagnostics } => {
                // The diagnostics' contract shape cannot fail to serialise; an
                // empty list stands in rather than a panic.
                let diagnostics =
                    serde_json::to_string(&ContractDiagnostics(diagnostics)).unwrap_or_else(|_| "[]".to_owned());
                format!(r#"{{"ok":true,"value":{value},"diagnostics":{diagnostics}}}"#)
            }
            Answer::Err { error } => {
                let error = serde_json::to_string(error).unwrap_or_else(|_| r#""""#.to_owned());
                format!(r#"{{"ok":false,"error":{error}}}"#)
            }
        }
    }

    /// The value's JSON text, when the answer is `ok`.
    pub fn value(&self) -> Option<&str> {
        match self {
            Answer::Ok { value, .. } => Some(value),
            Answer::Err { .. } => None,
        }
    }

    /// The error message, when the answer is not `ok`.
    pub fn error(&self) -> Option<&str> {
        match self {
            Answer::Ok { .. } => None,
            Answer::Err { error } => Some(error),
        }
    }

    /// The diagnostics of an `ok` answer (none otherwise).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Answer::Ok { diagnostics, .. } => diagnostics,
            Answer::Err { .. } => &[],
        }
    }
}

struct ContractDiagnostics<'a>(&'a [Diagnostic]);

impl serde::Serialize for ContractDiagnostics<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        crate::render::contract::diagnostics::serialize(self.0, serializer)
    }
}

/// What a function computed, before it is tagged.
struct Output {
    value: String,
    diagnostics: Vec<Diagnostic>,
}

/// Runs one function's body and tags its result; errors get the function's name.
fn answer(function: &str, body: impl FnOnce() -> Result<Output, String>) -> Answer {
    match body() {
        Ok(Output { value, diagnostics }) => Answer::Ok { value, diagnostics },
        Err(message) => Answer::Err { error: format!("{function}: {message}") },
    }
}

fn written(json: Result<String, serde_json::Error>) -> Result<String, String> {
    json.map_err(|e| format!("the result cannot be written as JSON: {e}"))
}

/// The labs' answer for input they refuse (`resilience::load_refusal`):
/// `{"error": …}` with the loader's diagnostics and the refusal's own.
fn lab_refusal(loading: &Loading) -> Result<Option<Output>, String> {
    let Some(refusal) = crate::resilience::load_refusal(loading) else { return Ok(None) };
    let mut diagnostics = loading.diagnostics.clone();
    diagnostics.extend(refusal.undecodable);
    Ok(Some(Output { value: written(json::refusal(&refusal.message))?, diagnostics }))
}

/// `argument` followed by serde_path_to_error's path (`.`: the argument itself).
fn place(argument: &str, path: &serde_path_to_error::Path) -> String {
    let path = path.to_string();
    match path.as_str() {
        "." => argument.to_owned(),
        p if p.starts_with('[') => format!("{argument}{p}"),
        p => format!("{argument}.{p}"),
    }
}

fn read<T: DeserializeOwned>(argument: &str, value: &Value) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(|e| format!("{}: {}", place(argument, e.path()), e.inner()))
}

/// One input text, as a file of the CLI.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct NamedText {
    pub name: String,
    pub text: String,
}

/// The name a text passed alone (not in a `{name, text}` list) gets.
pub const DEFAULT_NAME: &str = "input.yaml";

/// The texts of `argument`: an array of `{name, text}`, or one string (named
/// [`DEFAULT_NAME`]).
fn texts(argument: &str, value: &Value) -> Result<Vec<NamedText>, String> {
    if let Value::String(text) = value {
        return Ok(vec![NamedText { name: DEFAULT_NAME.to_owned(), text: text.clone() }]);
    }
    read(argument, value)
        .map_err(|e| format!("{e} (expected an array of {{name, text}} objects with string values, or one string)"))
}

fn load_texts(texts: &[NamedText]) -> Loading {
    let inputs: Vec<Input<'_>> = texts.iter().map(|t| Input::new(&t.name, &t.text)).collect();
    load(&inputs)
}

fn load_argument(argument: &str, value: &Value) -> Result<Loading, String> {
    Ok(load_texts(&texts(argument, value)?))
}

/// Options are an object; `null` (or `undefined` in JavaScript) means all
/// defaults. Only an object: serde would also read a struct from an array.
fn options<T: DeserializeOwned>(value: &Value) -> Result<T, String> {
    match value {
        Value::Null => read("options", &Value::Object(serde_json::Map::new())),
        Value::Object(_) => read("options", value),
        other => Err(format!("options: invalid type: {}, expected an object", json_type(other))),
    }
}

/// A JSON value's type, as serde's messages name it.
fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "sequence",
        Value::Object(_) => "map",
    }
}

fn port(port: i64) -> Result<u16, String> {
    crate::netpol::port_number(port, &port.to_string()).map_err(|e| format!("options.port: {e}"))
}

fn protocol(protocol: Option<&str>) -> Result<Protocol, String> {
    match protocol {
        None => Ok(Protocol::TCP),
        Some(text) => text.parse().map_err(|e: UnknownProtocol| format!("options.protocol: {e}")),
    }
}

fn netpol_options(ipblock_ignores_pod_ips: bool) -> NetpolOptions {
    NetpolOptions { ip_block_matches_pod_ips: !ipblock_ignores_pod_ips }
}

fn joined(lists: &[&[Diagnostic]]) -> Vec<Diagnostic> {
    lists.iter().flat_map(|list| list.iter().cloned()).collect()
}

/// `version()`'s value: kubeplay's version and the Kubernetes version it models.
#[derive(serde::Serialize, Debug)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Versions {
    pub kubeplay: &'static str,
    pub kubernetes: &'static str,
}

/// `{kubeplay, kubernetes}`: the versions, as an answer like every other.
pub fn version() -> Answer {
    answer("version", || {
        let versions = Versions { kubeplay: crate::VERSION, kubernetes: crate::KUBERNETES_VERSION };
        Ok(Output { value: written(serde_json::to_string(&versions))?, diagnostics: Vec::new() })
    })
}

/// `kubeplay analyze`: the report; its diagnostics are also the answer's.
pub fn analyze(files: &Value) -> Answer {
    answer("analyze", || {
        let report = crate::analyze_loading(&load_argument("files", files)?);
        Ok(Output { value: written(json::analyze(&report))?, diagnostics: report.diagnostics })
    })
}

/// `kubeplay probe --port P --protocol PROTO --external …`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProbeOptions {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub port: i64,
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub protocol: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub externals: Vec<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub ipblock_ignores_pod_ips: bool,
}

pub fn probe(files: &Value, options: &Value) -> Answer {
    answer("probe", || {
        let options: ProbeOptions = self::options(options)?;
        let query = crate::netpol::ProbeQuery {
            port: port(options.port)?,
            protocol: protocol(options.protocol.as_deref())?,
            externals: options.externals,
        };
        for (i, external) in query.externals.iter().enumerate() {
            parse_ip_or_cidr(external).map_err(|e| format!("options.externals[{i}]: {e}"))?;
        }
        let loading = load_argument("files", files)?;
        let engine = Engine::new(&loading.inventory, &netpol_options(options.ipblock_ignores_pod_ips));
        let probe = crate::netpol::probe_engine(&engine, &query);
        Ok(Output {
            value: written(json::probe(&probe))?,
            diagnostics: joined(&[&loading.diagnostics, &engine.diagnostics]),
        })
    })
}

/// `kubeplay explain --from ID --to ID --port P/PROTO`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ExplainOptions {
    pub from: String,
    pub to: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub port: i64,
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub protocol: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub ipblock_ignores_pod_ips: bool,
}

pub fn explain(files: &Value, options: &Value) -> Answer {
    answer("explain", || {
        let options: ExplainOptions = self::options(options)?;
        let (port, protocol) = (port(options.port)?, protocol(options.protocol.as_deref())?);
        let loading = load_argument("files", files)?;
        let engine = Engine::new(&loading.inventory, &netpol_options(options.ipblock_ignores_pod_ips));
        let explanation = crate::netpol::service::explain_connection(
            &engine,
            &loading.inventory,
            &options.from,
            &options.to,
            port,
            protocol,
        )
        .map_err(|failure| format!("options.{}: {}", failure.argument, failure.error))?;
        Ok(Output {
            value: written(json::explain(&explanation))?,
            diagnostics: joined(&[&loading.diagnostics, &engine.diagnostics]),
        })
    })
}

/// What a graph node stands for (`--group`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Grouping {
    #[default]
    Pod,
    Namespace,
    /// Per Pod or workload up to `graph::DRAWN_NODES_MAX` nodes, else per
    /// namespace: the graph worth drawing (`graph::picture`).
    Auto,
}

/// `kubeplay graph --format json [--group pod|namespace|auto] [--blast-radius ID | --who-can-reach ID]`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GraphOptions {
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub group: Grouping,
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub blast_radius: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub who_can_reach: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub ipblock_ignores_pod_ips: bool,
}

pub fn graph(files: &Value, options: &Value) -> Answer {
    answer("graph", || {
        let options: GraphOptions = self::options(options)?;
        if options.blast_radius.is_some() && options.who_can_reach.is_some() {
            return Err("options: blastRadius and whoCanReach cannot be given together".to_owned());
        }
        let loading = load_argument("files", files)?;
        let engine = Engine::new(&loading.inventory, &netpol_options(options.ipblock_ignores_pod_ips));
        let diagnostics = joined(&[&loading.diagnostics, &engine.diagnostics]);
        let g: Graph = match options.group {
            Grouping::Pod => graph::build(&engine).map_err(|e| format!("options.group: {e}: use \"namespace\""))?,
            Grouping::Namespace => graph::build_by_namespace(&engine),
            Grouping::Auto => graph::picture(&engine, &loading.inventory, graph::DRAWN_NODES_MAX).graph,
        };
        let listing = match (&options.blast_radius, &options.who_can_reach) {
            (Some(id), _) => Some(("blastRadius", id, g.blast_radius(id))),
            (_, Some(id)) => Some(("whoCanReach", id, g.who_can_reach(id))),
            _ => None,
        };
        let value = match listing {
            Some((argument, id, found)) => {
                let found = found.ok_or_else(|| format!("options.{argument}: no node `{id}` in the graph"))?;
                written(json::graph_nodes(&found))?
            }
            None => written(json::graph(&g))?,
        };
        Ok(Output { value, diagnostics })
    })
}

/// Which of `kubeplay check`'s JSON documents (`--format json|sarif`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum CheckFormat {
    #[default]
    Json,
    Sarif,
}

/// `kubeplay check [--pss-version vX.Y|latest] [--format json|sarif]`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CheckOptions {
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub pss_version: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub format: CheckFormat,
}

pub fn check(files: &Value, options: &Value) -> Answer {
    answer("check", || {
        let options: CheckOptions = self::options(options)?;
        let pss_version = match &options.pss_version {
            None => PolicyVersion::Latest,
            Some(text) => PolicyVersion::parse_argument(text).map_err(|e| format!("options.pssVersion: {e}"))?,
        };
        let loading = load_argument("files", files)?;
        let engine = Engine::new(&loading.inventory, &NetpolOptions::default());
        let section = crate::security::analyze(&loading.inventory, &engine, &crate::security::Options { pss_version });
        let value = match options.format {
            CheckFormat::Json => json::check(&section),
            CheckFormat::Sarif => json::sarif(&section),
        };
        Ok(Output { value: written(value)?, diagnostics: loading.diagnostics })
    })
}

/// `kubeplay admit`: every object applied in order, and the quotas.
pub fn admit(files: &Value) -> Answer {
    answer("admit", || {
        let loading = load_argument("files", files)?;
        let admission = crate::admission::admit(&loading.inventory).admission;
        Ok(Output { value: written(json::admit(&admission))?, diagnostics: loading.diagnostics })
    })
}

/// `kubeplay quantity Q…`: an array of quantity strings (one string is one quantity).
pub fn quantity(quantities: &Value) -> Answer {
    answer("quantity", || {
        let list: Vec<String> = match quantities {
            Value::String(one) => vec![one.clone()],
            value => read("quantities", value).map_err(|e| format!("{e} (expected an array of strings)"))?,
        };
        let reports: Vec<_> = list.iter().map(|q| crate::quantity::QuantityReport::of(q)).collect();
        Ok(Output { value: written(json::quantity(&reports))?, diagnostics: Vec::new() })
    })
}

/// `kubeplay hpa`: the input's HPASimulation.
pub fn hpa(files: &Value) -> Answer {
    answer("hpa", || {
        let loading = load_argument("files", files)?;
        let run = crate::scaling::hpa::simulation::simulate(&loading.inventory);
        Ok(Output {
            value: written(json::hpa(run.timeline.as_ref()))?,
            diagnostics: joined(&[&loading.diagnostics, &run.diagnostics]),
        })
    })
}

/// `kubeplay vpa`: every VerticalPodAutoscaler over the input's VPASimulation.
pub fn vpa(files: &Value) -> Answer {
    answer("vpa", || {
        let loading = load_argument("files", files)?;
        let run = crate::scaling::vpa::simulate(&loading.inventory);
        Ok(Output {
            value: written(json::vpa(&run.vpas))?,
            diagnostics: crate::scaling::vpa::run_diagnostics(&loading, &run),
        })
    })
}

/// `kubeplay disrupt`: the ChaosScenario played; `{"error": …}` as the value
/// for input the lab cannot run on, as the CLI prints it.
pub fn disrupt(files: &Value) -> Answer {
    answer("disrupt", || {
        let loading = load_argument("files", files)?;
        if let Some(refused) = lab_refusal(&loading)? {
            return Ok(refused);
        }
        match crate::resilience::simulate(&loading.inventory, crate::resilience::Options::default()) {
            Ok(report) => Ok(Output { value: written(json::disrupt(&report))?, diagnostics: loading.diagnostics }),
            Err(error) => {
                let mut diagnostics = loading.diagnostics;
                diagnostics.extend(error.to_diagnostic());
                Ok(Output { value: written(json::refusal(&error.message))?, diagnostics })
            }
        }
    })
}

/// `kubeplay failover`: the traffic lab; `{"error": …}` as `disrupt`.
pub fn failover(files: &Value) -> Answer {
    answer("failover", || {
        let loading = load_argument("files", files)?;
        if let Some(refused) = lab_refusal(&loading)? {
            return Ok(refused);
        }
        match crate::resilience::traffic::lab::failover_inventory(&loading.inventory) {
            Ok(report) => Ok(Output { value: written(json::failover(&report))?, diagnostics: loading.diagnostics }),
            Err(error) => {
                let mut diagnostics = loading.diagnostics;
                diagnostics.extend(error.diagnostic.map(|d| *d));
                Ok(Output { value: written(json::refusal(&error.message))?, diagnostics })
            }
        }
    })
}

/// The NetworkPolicy convention every traffic function shares
/// (`--ipblock-ignores-pod-ips`), alone: `diff` and `generate` take no other.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PolicyOptions {
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub ipblock_ignores_pod_ips: bool,
}

/// `kubeplay diff --before … --after …`: the connectivity diff.
pub fn diff(before: &Value, after: &Value, options: &Value) -> Answer {
    answer("diff", || {
        let options: PolicyOptions = self::options(options)?;
        let (old, new) = (load_argument("before", before)?, load_argument("after", after)?);
        let netpol = netpol_options(options.ipblock_ignores_pod_ips);
        let (before, after) = (Engine::new(&old.inventory, &netpol), Engine::new(&new.inventory, &netpol));
        let result = crate::netpol::diff::diff(&before, &after);
        Ok(Output {
            value: written(json::diff(&result))?,
            diagnostics: joined(&[&old.diagnostics, &before.diagnostics, &new.diagnostics, &after.diagnostics]),
        })
    })
}

/// The verdict `fix` is asked for (`--want`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Want {
    Allow,
    Deny,
}

/// `kubeplay fix --from ID --to ID --port P/PROTO --want allow|deny`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FixOptions {
    pub from: String,
    pub to: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub port: i64,
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub protocol: Option<String>,
    pub want: Want,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub ipblock_ignores_pod_ips: bool,
}

pub fn fix(files: &Value, options: &Value) -> Answer {
    answer("fix", || {
        let options: FixOptions = self::options(options)?;
        let query = crate::netpol::fix::FixQuery {
            from: options.from,
            to: options.to,
            port: port(options.port)?,
            protocol: protocol(options.protocol.as_deref())?,
            want: options.want == Want::Allow,
        };
        let loading = load_argument("files", files)?;
        let netpol = netpol_options(options.ipblock_ignores_pod_ips);
        let engine = Engine::new(&loading.inventory, &netpol);
        let report =
            crate::netpol::fix::fix_with_engine(&loading.inventory, &engine, &netpol, &query).map_err(|error| {
                use crate::netpol::fix::FixError;
                match &error {
                    FixError::Endpoint { argument, error } => format!("options.{argument}: {error}"),
                    FixError::SameEndpoint { .. } | FixError::BothExternal => format!("options: {error}"),
                }
            })?;
        Ok(Output {
            value: written(json::fix(&report))?,
            diagnostics: joined(&[&loading.diagnostics, &engine.diagnostics]),
        })
    })
}

/// `kubeplay generate --flows FLOWS.yaml --format json`: `flows` is that
/// document, as its text (YAML or JSON) or as an object.
pub fn generate(files: &Value, flows: &Value, options: &Value) -> Answer {
    answer("generate", || {
        let options: PolicyOptions = self::options(options)?;
        let text = match flows {
            Value::String(text) => text.clone(),
            // JSON is YAML: the object goes through the flows file's own reader,
            // so its messages are the CLI's.
            value => value.to_string(),
        };
        let flows = crate::netpol::generate::parse_flows(&text).map_err(|e| format!("flows: {e}"))?;
        let loading = load_argument("files", files)?;
        let generated = crate::netpol::generate::generate(
            &loading.inventory,
            &netpol_options(options.ipblock_ignores_pod_ips),
            &flows,
        )
        .map_err(|e| format!("flows: {e}"))?;
        Ok(Output { value: written(json::generate(&generated))?, diagnostics: loading.diagnostics })
    })
}

/// `shareFragment`'s argument: what the playground opens from the link.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ShareOptions {
    /// The manifests, as the editor will show them.
    pub text: String,
    /// The view the playground opens: `traffic`, `matrix`, `findings`,
    /// `resources`, `security`, `scaling`, `resilience` (the page opens
    /// `traffic` for a name it does not know).
    pub tab: String,
    /// The training example the text came from, if any.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub example: Option<String>,
    /// The line to select (1-based).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable, type = "number"))]
    pub line: Option<usize>,
}

/// The fragment (without `#`) of a playground share link: append it to the
/// playground's address after `#`. What the page's Share button writes.
pub fn share_fragment(state: &Value) -> Answer {
    answer("shareFragment", || {
        let ShareOptions { text, tab, example, line } = read("state", state)?;
        let fragment = crate::render::share::encode(&crate::render::share::SharedState { text, tab, example, line });
        Ok(Output { value: written(serde_json::to_string(&fragment))?, diagnostics: Vec::new() })
    })
}
