//! The NetworkPolicy conformance corpus: case files under `tests/netpol/`
//! (format in `tests/netpol/README.md`), the upstream e2e model they build on,
//! and a runner that checks any evaluator against their truth tables.
//!
//! Run the corpus against an evaluator with one line:
//! `netpol_cases::assert_corpus("engine.passing", &my_evaluator)`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use kubeplay_core::model::Inventory;
use kubeplay_core::{Input, Severity};
use serde::Deserialize;

/// Anything that answers a probe: inventory, destination port, protocol
/// (`TCP`/`UDP`/`SCTP`) and external peers in; sorted ids and the matrix out.
pub type Evaluator<'a> = dyn Fn(&Inventory, u16, &str, &[String]) -> (Vec<String>, Vec<Vec<bool>>) + 'a;

/// The corpus root: `tests/netpol`.
pub fn corpus_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("netpol")
}

/// One case file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Short kebab-case name; equals the file stem.
    pub name: String,
    /// The upstream test or recipe this transcribes.
    pub upstream: String,
    /// For the e2e model: which model pods exist (`x/a`, `y/b`, …). When absent,
    /// the steps' `objects` are the whole cluster.
    #[serde(default)]
    pub model_pods: Option<Vec<String>>,
    pub steps: Vec<Step>,
}

/// One state of the cluster and what is expected of it. Each step is complete:
/// nothing carries over from the previous step.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    #[serde(default)]
    pub note: String,
    /// Manifests (policies, and for recipes the pods and namespaces too).
    #[serde(default)]
    pub objects: String,
    /// Extra labels on model pods (`x/b: {pod2: updated}`), as upstream's AddPodLabels.
    #[serde(default)]
    pub pod_labels: BTreeMap<String, BTreeMap<String, String>>,
    /// Extra labels on model namespaces (`y: {ns2: updated}`), as upstream's AddNamespaceLabel.
    #[serde(default)]
    pub namespace_labels: BTreeMap<String, BTreeMap<String, String>>,
    pub probes: Vec<ProbeCase>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProbeCase {
    pub port: u16,
    pub protocol: String,
    #[serde(default)]
    pub externals: Vec<String>,
    /// The truth table: a header line `-` and the destination ids, then one line per
    /// source id followed by `.` (allowed) or `X` (denied) per column.
    pub table: String,
}

/// A parsed truth table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<(String, Vec<bool>)>,
}

/// Parses the grid format described in the README.
pub fn parse_table(text: &str) -> Result<Table, String> {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'));
    let header = lines.next().ok_or("empty table")?;
    // The header starts with a corner token (`-`) so the grid's left edge stays
    // aligned, which YAML block scalars need; then the destination ids.
    let mut header_tokens = header.split_whitespace();
    if header_tokens.next() != Some("-") {
        return Err("the header line must start with `-` and then list the destination ids".to_owned());
    }
    let columns: Vec<String> = header_tokens.map(str::to_owned).collect();
    let mut rows = Vec::new();
    for line in lines {
        let mut tokens = line.split_whitespace();
        let Some(id) = tokens.next() else { continue };
        let cells = tokens
            .map(|t| match t {
                "." => Ok(true),
                "X" => Ok(false),
                other => Err(format!("row {id}: cell {other:?} is neither `.` nor `X`")),
            })
            .collect::<Result<Vec<bool>, String>>()?;
        if cells.len() != columns.len() {
            return Err(format!("row {id} has {} cells for {} columns", cells.len(), columns.len()));
        }
        rows.push((id.to_owned(), cells));
    }
    let row_ids: BTreeSet<&str> = rows.iter().map(|(id, _)| id.as_str()).collect();
    let column_ids: BTreeSet<&str> = columns.iter().map(String::as_str).collect();
    if row_ids != column_ids || row_ids.len() != rows.len() || column_ids.len() != columns.len() {
        return Err("rows and columns must list the same ids, each once".to_owned());
    }
    Ok(Table { columns, rows })
}

/// Renders a matrix in the same grid format (for failure messages and new cases).
pub fn render_table(ids: &[String], allowed: &[Vec<bool>]) -> String {
    let width = ids.iter().map(String::len).max().unwrap_or(1);
    let mut out = format!("{:width$}", "-");
    for id in ids {
        let _ = write!(out, " {id}");
    }
    out.push('\n');
    for (id, row) in ids.iter().zip(allowed) {
        let _ = write!(out, "{id:width$}");
        for (column, cell) in ids.iter().zip(row) {
            let _ = write!(out, " {:<w$}", if *cell { "." } else { "X" }, w = column.len());
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
    }
    out
}

pub fn load_case(path: &Path) -> Result<Case, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let case: Case = serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    if case.name != stem {
        return Err(format!("{}: name {:?} differs from the file name", path.display(), case.name));
    }
    Ok(case)
}

/// Every case file under the corpus root, as paths relative to it, sorted.
pub fn case_files() -> Vec<String> {
    let root = corpus_root();
    let mut files = Vec::new();
    for dir in ["e2e", "recipes", "spec"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".yaml") {
                files.push(format!("{dir}/{name}"));
            }
        }
    }
    files.sort();
    files
}

// ---- the upstream e2e model (test/e2e/network/netpol/model.go) ----

/// Model namespaces: `x`, `y`, `z`, labelled `ns=<name>`; all three always exist.
pub const MODEL_NAMESPACES: [&str; 3] = ["x", "y", "z"];
/// Every model pod serves these ports on TCP, UDP and SCTP, named `serve-<port>-<proto>`.
pub const MODEL_PORTS: [u16; 2] = [80, 81];
pub const MODEL_PROTOCOLS: [&str; 3] = ["TCP", "UDP", "SCTP"];

/// The pod IP of a model pod: `10.0.<namespace 1..3>.<pod 1..>` (x/b is 10.0.1.2),
/// so cases with ipBlock can name pod IPs.
pub fn model_pod_ip(pod: &str) -> Option<String> {
    let (namespace, name) = pod.split_once('/')?;
    let ns_index = MODEL_NAMESPACES.iter().position(|n| *n == namespace)? + 1;
    let mut chars = name.chars();
    let (Some(letter), None) = (chars.next(), chars.next()) else {
        return None;
    };
    if !letter.is_ascii_lowercase() {
        return None;
    }
    let pod_index = (letter as u8 - b'a') + 1;
    Some(format!("10.0.{ns_index}.{pod_index}"))
}

/// YAML for the model namespaces and the given pods, with extra labels applied.
pub fn model_objects(
    pods: &[String],
    pod_labels: &BTreeMap<String, BTreeMap<String, String>>,
    namespace_labels: &BTreeMap<String, BTreeMap<String, String>>,
) -> Result<String, String> {
    let mut out = String::new();
    let labels_yaml =
        |labels: &BTreeMap<String, String>| labels.iter().map(|(k, v)| format!("    {k}: {v:?}\n")).collect::<String>();
    for namespace in MODEL_NAMESPACES {
        let mut labels = BTreeMap::from([("ns".to_owned(), namespace.to_owned())]);
        labels.extend(namespace_labels.get(namespace).cloned().unwrap_or_default());
        let _ = write!(
            out,
            "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: {namespace:?}\n  labels:\n{}",
            labels_yaml(&labels)
        );
    }
    for key in namespace_labels.keys() {
        if !MODEL_NAMESPACES.contains(&key.as_str()) {
            return Err(format!("namespace_labels: {key} is not a model namespace"));
        }
    }
    for key in pod_labels.keys() {
        if !pods.contains(key) {
            return Err(format!("pod_labels: {key} is not among model_pods"));
        }
    }
    for pod in pods {
        let ip = model_pod_ip(pod).ok_or_else(|| format!("model pod {pod:?} is not <x|y|z>/<letter>"))?;
        let (namespace, name) = pod.split_once('/').unwrap_or_default();
        let mut labels = BTreeMap::from([("pod".to_owned(), name.to_owned())]);
        labels.extend(pod_labels.get(pod).cloned().unwrap_or_default());
        let _ = write!(
            out,
            "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {name:?}\n  namespace: {namespace:?}\n  labels:\n{}spec:\n  containers:\n",
            labels_yaml(&labels)
        );
        for port in MODEL_PORTS {
            for protocol in MODEL_PROTOCOLS {
                let lower = protocol.to_lowercase();
                let _ = write!(
                    out,
                    "  - name: cont-{port}-{lower}\n    image: agnhost\n    ports:\n    - containerPort: {port}\n      name: serve-{port}-{lower}\n      protocol: {protocol}\n"
                );
            }
        }
        let _ = write!(out, "status:\n  phase: Running\n  podIP: {ip}\n  podIPs:\n  - ip: {ip}\n");
    }
    Ok(out)
}

/// The inventory of one step: the model (if any) plus the step's objects. Any
/// error diagnostic fails the case, so a typo cannot silently change a policy.
pub fn step_inventory(case: &Case, step: &Step) -> Result<Inventory, String> {
    let model = match &case.model_pods {
        Some(pods) => model_objects(pods, &step.pod_labels, &step.namespace_labels)?,
        None => {
            if !step.pod_labels.is_empty() || !step.namespace_labels.is_empty() {
                return Err("pod_labels/namespace_labels need model_pods".to_owned());
            }
            String::new()
        }
    };
    let loading = kubeplay_core::load(&[Input::new("model.yaml", &model), Input::new("objects.yaml", &step.objects)]);
    let errors: Vec<String> = loading
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error || d.code == "unknown-field")
        .map(|d| format!("{}:{}: {} ({})", d.location.file, d.location.span.line, d.message, d.code))
        .collect();
    if !errors.is_empty() {
        return Err(format!("the manifests do not load cleanly:\n  {}", errors.join("\n  ")));
    }
    Ok(loading.inventory)
}

/// Runs every probe of a case; `Ok(number of probes)` or a report of every
/// differing cell.
pub fn run_case(case: &Case, evaluate: &Evaluator<'_>) -> Result<usize, String> {
    let mut report = String::new();
    let mut probes = 0;
    for (step_index, step) in case.steps.iter().enumerate() {
        let inventory = match step_inventory(case, step) {
            Ok(inventory) => inventory,
            Err(error) => {
                let _ = writeln!(report, "step {step_index}: {error}");
                continue;
            }
        };
        for probe in &step.probes {
            probes += 1;
            let label = format!("step {step_index} ({}) {}/{}", step.note, probe.protocol, probe.port);
            if let Err(error) = check_probe(&inventory, probe, evaluate) {
                let _ = writeln!(report, "{label}: {error}");
            }
        }
    }
    if report.is_empty() { Ok(probes) } else { Err(report) }
}

fn check_probe(inventory: &Inventory, probe: &ProbeCase, evaluate: &Evaluator<'_>) -> Result<(), String> {
    let expected = parse_table(&probe.table)?;
    let (ids, allowed) = evaluate(inventory, probe.port, &probe.protocol, &probe.externals);
    if allowed.len() != ids.len() || allowed.iter().any(|row| row.len() != ids.len()) {
        return Err(format!("the evaluator returned a {}-row matrix for {} ids", allowed.len(), ids.len()));
    }
    let got_ids: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
    let want_ids: BTreeSet<&str> = expected.columns.iter().map(String::as_str).collect();
    if got_ids != want_ids {
        return Err(format!("ids differ: expected {want_ids:?}, evaluator gave {got_ids:?}"));
    }
    let index: BTreeMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    let mut differences = Vec::new();
    for (from, cells) in &expected.rows {
        for (to, want) in expected.columns.iter().zip(cells) {
            let got = allowed[index[from.as_str()]][index[to.as_str()]];
            if got != *want {
                let show = |b: bool| if b { "allowed" } else { "denied" };
                differences.push(format!("{from} -> {to}: expected {}, got {}", show(*want), show(got)));
            }
        }
    }
    if differences.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} cell(s) differ:\n    {}\n  evaluator's table:\n{}",
            differences.len(),
            differences.join("\n    "),
            render_table(&ids, &allowed)
        ))
    }
}

/// Outcome of every case file: relative path → probes checked or the report.
pub fn run_corpus(evaluate: &Evaluator<'_>) -> BTreeMap<String, Result<usize, String>> {
    case_files()
        .into_iter()
        .map(|file| {
            let outcome = load_case(&corpus_root().join(&file)).and_then(|case| run_case(&case, evaluate));
            (file, outcome)
        })
        .collect()
}

/// Reads a passing list (one suite per line, `#` comments) from the corpus root.
pub fn read_passing_list(name: &str) -> Result<Vec<String>, String> {
    let path = corpus_root().join(name);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_owned).collect())
}

/// The regorus-style gate: every suite in the passing list `list_name` (under
/// `tests/netpol/`) must exist and pass; suites that pass but are not listed
/// are reported so the list can grow. Panics with every failure.
pub fn assert_corpus(list_name: &str, evaluate: &Evaluator<'_>) {
    let listed = match read_passing_list(list_name) {
        Ok(listed) => listed,
        Err(error) => panic!("{error}"),
    };
    let outcomes = run_corpus(evaluate);
    let mut failures = String::new();
    for suite in &listed {
        match outcomes.get(suite) {
            None => {
                let _ = writeln!(failures, "{suite}: listed in {list_name} but no such case file");
            }
            Some(Err(report)) => {
                let _ = writeln!(failures, "{suite}: FAILED\n{report}");
            }
            Some(Ok(_)) => {}
        }
    }
    let newly_passing: Vec<&String> =
        outcomes.iter().filter(|(suite, outcome)| outcome.is_ok() && !listed.contains(suite)).map(|(s, _)| s).collect();
    if !newly_passing.is_empty() {
        eprintln!("passing but not yet in {list_name} (add them):");
        for suite in newly_passing {
            eprintln!("{suite}");
        }
    }
    assert!(failures.is_empty(), "conformance failures:\n{failures}");
}
