//! The JSON contracts, frozen: every machine-readable output of the CLI (`analyze`,
//! `admit`, `check` JSON and SARIF, `probe`, `explain`, `graph` JSON and DOT,
//! `quantity`, `failover` on its scenarios, `hpa` on the HPA simulation cases) on every case file in the repository,
//! compared by SHA-256 against
//! `tests/contracts/manifest.tsv`. A refactoring must leave them byte-identical;
//! a deliberate verdict change rewrites the manifest with `UPDATE_CONTRACTS=1`
//! and is reviewed with `scripts/contracts-diff.sh` (see `tests/contracts/README.md`).
//!
//! Two more variables serve that script: `KUBEPLAY_CONTRACTS_BIN` runs another
//! binary (an older build) and `KUBEPLAY_CONTRACTS_DUMP=DIR` writes every output
//! under DIR instead of comparing.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use kubeplay_tests::netpol_cases;
use serde::Deserialize as _;
use sha2::{Digest, Sha256};

/// Quantities beyond those of `core/tests/cases/quantity.yaml`: suffix edges,
/// out-of-table exponents, overflow and malformed text.
const EXTRA_QUANTITIES: &[&str] = &[
    "1000E",
    "1E",
    "1e21",
    "1e18",
    "8Ei",
    "9223372036854775807",
    "9223372036854775808",
    "123456789012345678901234567890",
    "1.5Gi",
    "250m",
    "0.1",
    ".5",
    "5.",
    "+1",
    "-1",
    "1e-3",
    "1n",
    "100Mi",
    "abc",
    "1Q",
    "",
];

/// Directories whose files are case files (expectations around embedded
/// manifests) rather than manifests: they are loaded as they are (`analyze`)
/// and their embedded manifests get every contract.
const CASE_FORMAT_DIRS: &[&str] = &["tests/netpol/", "core/tests/netpol/", "core/tests/cases/"];

/// Directories searched (recursively) for case files.
const CASE_ROOTS: &[&str] = &["core/tests", "tests/cases", "tests/netpol", "core/src/examples"];

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("cli/ has a parent").to_path_buf()
}

fn manifest_path() -> PathBuf {
    repo_root().join("tests/contracts/manifest.tsv")
}

/// One set of files given to the CLI together, run from `dir` with relative
/// names so every output is the same on any machine.
struct Input {
    /// `path` for a file of the repository, `path#part` for embedded manifests.
    label: String,
    dir: PathBuf,
    files: Vec<String>,
    /// Loaded only (`analyze`), for case files that are not manifests.
    analyze_only: bool,
    /// Probes beyond 80/TCP: (port, protocol, externals), from the case's expectations.
    probes: Vec<(u16, String, Vec<String>)>,
    /// The previous step's files (relative to `dir`), for a connectivity diff from it.
    previous: Option<Vec<String>>,
}

/// One run of the binary and the digest of what it printed on stdout.
struct Outcome {
    label: String,
    command: String,
    exit: i32,
    sha256: String,
    stdout: Vec<u8>,
}

#[test]
fn json_contracts_are_unchanged() {
    let binary = std::env::var_os("KUBEPLAY_CONTRACTS_BIN")
        .map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_kubeplay")), PathBuf::from);
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("contracts");
    let _ = std::fs::remove_dir_all(&scratch);
    let inputs = collect_inputs(&scratch);
    let outcomes = run_all(&binary, &inputs);

    if let Some(dump) = std::env::var_os("KUBEPLAY_CONTRACTS_DUMP") {
        write_dump(Path::new(&dump), &outcomes);
        return;
    }
    let rendered = render_manifest(&outcomes);
    if std::env::var_os("UPDATE_CONTRACTS").is_some_and(|v| v == "1") {
        std::fs::write(manifest_path(), rendered).expect("write tests/contracts/manifest.tsv");
        eprintln!("rewrote tests/contracts/manifest.tsv ({} invocations)", outcomes.len());
        return;
    }
    let expected = std::fs::read_to_string(manifest_path()).expect("read tests/contracts/manifest.tsv");
    let mismatches = compare(&expected, &outcomes);
    assert!(
        mismatches.is_empty(),
        "{} JSON contract(s) differ from tests/contracts/manifest.tsv \
         (review with `scripts/contracts-diff.sh <base>`; if intended, rerun with UPDATE_CONTRACTS=1):\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

// ---- inputs ----

fn collect_inputs(scratch: &Path) -> Vec<Input> {
    let root = repo_root();
    let mut files = Vec::new();
    for case_root in CASE_ROOTS {
        walk(&root, &root.join(case_root), &mut files);
    }
    files.sort();
    files.dedup();
    let mut inputs = Vec::new();
    for file in &files {
        let analyze_only = CASE_FORMAT_DIRS.iter().any(|d| file.starts_with(d));
        inputs.push(Input {
            label: file.clone(),
            dir: root.clone(),
            files: vec![file.clone()],
            analyze_only,
            probes: Vec::new(),
            previous: None,
        });
        if file.starts_with("tests/netpol/") {
            inputs.extend(netpol_corpus_inputs(scratch, file));
        } else if file.starts_with("core/tests/netpol/") {
            inputs.extend(netpol_rule_inputs(scratch, file));
        } else if file.starts_with("core/tests/cases/failover/") {
            inputs.extend(failover_inputs(scratch, file));
        } else if file.starts_with("core/tests/cases/")
            // Plain multi-document inputs (`kubeplay disrupt` cases, resilience findings), not case format.
            && !file.starts_with("core/tests/cases/disruption/")
            && !file.starts_with("core/tests/cases/resilience-findings/")
            && let Some(manifests) = read_yaml(file).get("manifests").and_then(|m| m.as_str())
        {
            // As core/tests/admission.rs loads them.
            inputs.push(materialize(scratch, format!("{file}#manifests"), &[("manifests.yaml", manifests)], vec![]));
        }
    }
    inputs
}

/// Manifests (`.yaml`, `.yml`, `.json`) under `dir`, relative to the repository
/// root; expectation files (`*.expect.json`) are not inputs.
fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, out);
            continue;
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let is_manifest = [".yaml", ".yml", ".json"].iter().any(|ext| name.ends_with(ext));
        if is_manifest && !name.ends_with(".expect.json") {
            let relative = path.strip_prefix(root).expect("under the root");
            out.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// The first document of a case file (the VPA lab's cases are multi-document manifests).
fn read_yaml(file: &str) -> serde_yaml::Value {
    let text = std::fs::read_to_string(repo_root().join(file)).expect("read case file");
    let first = serde_yaml::Deserializer::from_str(&text).next().expect("a document");
    serde_yaml::Value::deserialize(first).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// One input per step of a conformance case, as `netpol_cases::step_inventory`
/// builds it: `model.yaml` (the e2e model, possibly empty) and `objects.yaml`.
fn netpol_corpus_inputs(scratch: &Path, file: &str) -> Vec<Input> {
    let case = netpol_cases::load_case(&repo_root().join(file)).unwrap_or_else(|e| panic!("{e}"));
    let mut inputs = Vec::new();
    for (index, step) in case.steps.iter().enumerate() {
        let model = match &case.model_pods {
            Some(pods) => netpol_cases::model_objects(pods, &step.pod_labels, &step.namespace_labels)
                .unwrap_or_else(|e| panic!("{file} step {index}: {e}")),
            None => String::new(),
        };
        let probes = step.probes.iter().map(|p| (p.port, p.protocol.clone(), p.externals.clone())).collect();
        let mut input = materialize(
            scratch,
            format!("{file}#step{index}"),
            &[("model.yaml", &model), ("objects.yaml", &step.objects)],
            probes,
        );
        // `kubeplay diff` from the step before (a sibling directory).
        if let Some(before) = index.checked_sub(1) {
            input.previous = Some(input.files.iter().map(|f| format!("../step{before}/{f}")).collect());
        }
        inputs.push(input);
    }
    inputs
}

/// One input per case of a rule file under `core/tests/netpol/`, with the ports of its expectations.
fn netpol_rule_inputs(scratch: &Path, file: &str) -> Vec<Input> {
    let document = read_yaml(file);
    let Some(cases) = document.get("cases").and_then(|c| c.as_sequence()) else { return Vec::new() };
    let mut inputs = Vec::new();
    for case in cases {
        let name = case.get("name").and_then(|n| n.as_str()).expect("a case has a name");
        let manifests = case.get("manifests").and_then(|m| m.as_str()).unwrap_or_default();
        let probes = case
            .get("expect")
            .and_then(|e| e.as_sequence())
            .into_iter()
            .flatten()
            .map(|e| {
                let port = e.get("port").and_then(serde_yaml::Value::as_u64).expect("an expectation has a port");
                let protocol = e.get("protocol").and_then(|p| p.as_str()).unwrap_or("TCP").to_owned();
                let externals = e
                    .get("externals")
                    .and_then(|x| x.as_sequence())
                    .into_iter()
                    .flatten()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect();
                (u16::try_from(port).expect("a port fits u16"), protocol, externals)
            })
            .collect();
        inputs.push(materialize(scratch, format!("{file}#{name}"), &[(&format!("{name}.yaml"), manifests)], probes));
    }
    inputs
}

/// One input per scenario of a `core/tests/cases/failover/` file, as
/// `core/tests/failover.rs` assembles it: `bases[base]` then its own manifests.
fn failover_inputs(scratch: &Path, file: &str) -> Vec<Input> {
    let document = read_yaml(file);
    let Some(cases) = document.get("cases").and_then(|c| c.as_sequence()) else { return Vec::new() };
    let mut inputs = Vec::new();
    for case in cases {
        let Some(manifests) = case.get("manifests").and_then(|m| m.as_str()) else { continue };
        let name = case.get("name").and_then(|n| n.as_str()).expect("a scenario has a name");
        let base = case
            .get("base")
            .and_then(|b| b.as_str())
            .and_then(|b| document.get("bases")?.get(b)?.as_str())
            .unwrap_or_default();
        let text = format!("{base}{manifests}");
        inputs.push(materialize(scratch, format!("{file}#{name}"), &[(&format!("{name}.yaml"), &text)], vec![]));
    }
    inputs
}

/// Writes embedded manifests under the scratch directory, one directory per input.
fn materialize(
    scratch: &Path,
    label: String,
    files: &[(&str, &str)],
    probes: Vec<(u16, String, Vec<String>)>,
) -> Input {
    let dir = scratch.join(label.replace('#', "/"));
    std::fs::create_dir_all(&dir).expect("create scratch directory");
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("write scratch manifest");
    }
    Input {
        label,
        dir,
        files: files.iter().map(|(name, _)| (*name).to_owned()).collect(),
        analyze_only: false,
        probes,
        previous: None,
    }
}

fn quantities() -> Vec<String> {
    let mut found = Vec::new();
    collect_in_values(&read_yaml("core/tests/cases/quantity.yaml"), &mut found);
    found.extend(EXTRA_QUANTITIES.iter().map(|q| (*q).to_owned()));
    let mut seen = BTreeSet::new();
    found.retain(|q| seen.insert(q.clone()));
    found
}

/// Every string under an `in` key, in document order.
fn collect_in_values(value: &serde_yaml::Value, out: &mut Vec<String>) {
    match value {
        serde_yaml::Value::Mapping(map) => {
            for (key, value) in map {
                match (key.as_str(), value.as_str()) {
                    (Some("in"), Some(text)) => out.push(text.to_owned()),
                    _ => collect_in_values(value, out),
                }
            }
        }
        serde_yaml::Value::Sequence(items) => items.iter().for_each(|item| collect_in_values(item, out)),
        _ => {}
    }
}

// ---- running ----

/// Every input's invocations, inputs spread over a few threads; outcomes in input order.
fn run_all(binary: &Path, inputs: &[Input]) -> Vec<Outcome> {
    let quantities = quantities();
    let jobs = inputs.len() + quantities.len();
    let next = AtomicUsize::new(0);
    let results: Mutex<BTreeMap<usize, Vec<Outcome>>> = Mutex::new(BTreeMap::new());
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 4);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let job = next.fetch_add(1, Ordering::Relaxed);
                    if job >= jobs {
                        break;
                    }
                    let outcomes = match inputs.get(job) {
                        Some(input) => run_input(binary, input),
                        None => {
                            let quantity = &quantities[job - inputs.len()];
                            let args = ["quantity", "--format", "json", "--", quantity.as_str()].map(str::to_owned);
                            vec![run(binary, &repo_root(), "quantity", &args)]
                        }
                    };
                    results.lock().expect("no thread panicked").insert(job, outcomes);
                }
            });
        }
    });
    results.into_inner().expect("no thread panicked").into_values().flatten().collect()
}

fn run_input(binary: &Path, input: &Input) -> Vec<Outcome> {
    let with_files = |args: &[&str]| -> Vec<String> {
        args.iter().map(|a| (*a).to_owned()).chain(input.files.iter().cloned()).collect()
    };
    let invoke = |args: &[&str]| run(binary, &input.dir, &input.label, &with_files(args));
    let mut outcomes = vec![invoke(&["analyze", "--format", "json"])];
    // The VPA lab's simulations and the manifests with a VPA.
    let vpa_case = input.label.starts_with("core/tests/cases/vpa/");
    if input.label.starts_with("core/tests/cases/vpa/sim/") || (input.label.contains("vpa") && !vpa_case) {
        outcomes.push(invoke(&["vpa", "--format", "json"]));
    }
    // Disruption cases are plain inputs of `kubeplay disrupt` (docs/semantics/disruption.md §10).
    if input.label.starts_with("core/tests/cases/disruption/") {
        outcomes.push(invoke(&["disrupt", "--format", "json"]));
    }
    if input.analyze_only {
        return outcomes;
    }
    for args in [
        &["admit", "--format", "json"][..],
        &["check", "--format", "json"],
        &["check", "--format", "sarif"],
        &["graph", "--format", "json"],
        &["graph", "--format", "dot"],
        &["graph", "--format", "json", "--group", "namespace"],
    ] {
        outcomes.push(invoke(args));
    }
    if input.label.starts_with("core/tests/cases/failover/") {
        outcomes.push(invoke(&["failover", "--format", "json"]));
    }
    if input.label.starts_with("core/tests/cases/hpa-sim/") {
        outcomes.push(invoke(&["hpa", "--format", "json"]));
    }
    let probe = invoke(&["probe", "--format", "json", "--port", "80", "--protocol", "TCP"]);
    let pods = pod_ids(&probe.stdout);
    // The training examples: `fix` for the opposite of the first pair's 80/TCP verdict.
    if input.label.starts_with("core/src/examples/")
        && let (Some(from), Some(to)) = (pods.first(), pods.get(1))
    {
        let allowed = serde_json::from_slice::<serde_json::Value>(&probe.stdout)
            .ok()
            .and_then(|v| v["allowed"][0][1].as_bool())
            .unwrap_or(true);
        let want = if allowed { "deny" } else { "allow" };
        outcomes
            .push(invoke(&["fix", "--format", "json", "--from", from, "--to", to, "--port", "80/TCP", "--want", want]));
    }
    outcomes.push(probe);
    let mut extra: Vec<&(u16, String, Vec<String>)> = Vec::new();
    for probe in &input.probes {
        let is_default = probe.0 == 80 && probe.1.eq_ignore_ascii_case("TCP") && probe.2.is_empty();
        if !is_default && !extra.contains(&probe) {
            extra.push(probe);
        }
    }
    for (port, protocol, externals) in extra {
        let port = port.to_string();
        let mut args = vec!["probe", "--format", "json", "--port", &port, "--protocol", protocol];
        for external in externals {
            args.extend(["--external", external]);
        }
        outcomes.push(invoke(&args));
    }
    if let Some(previous) = &input.previous {
        let mut args: Vec<String> = ["diff", "--format", "json", "--before"].map(str::to_owned).to_vec();
        args.extend(previous.iter().cloned());
        args.push("--after".to_owned());
        args.extend(input.files.iter().cloned());
        outcomes.push(run(binary, &input.dir, &input.label, &args));
    }
    // The first two ids of the 80/TCP probe (the same one twice if there is only one).
    if let Some(from) = pods.first() {
        let to = pods.get(1).unwrap_or(from);
        outcomes.push(invoke(&["explain", "--format", "json", "--from", from, "--to", to, "--port", "80/TCP"]));
        outcomes.push(invoke(&["graph", "--format", "json", "--blast-radius", from]));
        outcomes.push(invoke(&["graph", "--format", "json", "--who-can-reach", to]));
        // Through the first Service's first port, when there is one: the `via_service` shape.
        if let Some((service, port)) = first_service_port(input) {
            outcomes.push(invoke(&["explain", "--format", "json", "--from", from, "--to", &service, "--port", &port]));
        }
    }
    outcomes
}

/// `ns/name[Service]` and `port/PROTOCOL` of the first Service (in file and
/// document order) that declares a port.
fn first_service_port(input: &Input) -> Option<(String, String)> {
    for file in &input.files {
        let text = std::fs::read_to_string(input.dir.join(file)).ok()?;
        for document in serde_yaml::Deserializer::from_str(&text) {
            let Ok(object) = serde_yaml::Value::deserialize(document) else { continue };
            if object.get("kind").and_then(|k| k.as_str()) != Some("Service") {
                continue;
            }
            let metadata = object.get("metadata");
            let name = metadata.and_then(|m| m.get("name")).and_then(|n| n.as_str());
            let namespace = metadata.and_then(|m| m.get("namespace")).and_then(|n| n.as_str()).unwrap_or("default");
            let port = object.get("spec").and_then(|s| s.get("ports")).and_then(|p| p.get(0));
            let number = port.and_then(|p| p.get("port")).and_then(serde_yaml::Value::as_u64);
            let protocol = port.and_then(|p| p.get("protocol")).and_then(|p| p.as_str()).unwrap_or("TCP");
            if let (Some(name), Some(number)) = (name, number) {
                return Some((format!("{namespace}/{name}[Service]"), format!("{number}/{protocol}")));
            }
        }
    }
    None
}

fn pod_ids(probe_stdout: &[u8]) -> Vec<String> {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(probe_stdout) else { return Vec::new() };
    value["pods"].as_array().into_iter().flatten().filter_map(|p| p.as_str().map(str::to_owned)).collect()
}

fn run(binary: &Path, dir: &Path, label: &str, args: &[String]) -> Outcome {
    let output = Command::new(binary)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", binary.display()));
    Outcome {
        label: label.to_owned(),
        command: args.iter().map(|a| quote(a)).collect::<Vec<_>>().join(" "),
        exit: output.status.code().unwrap_or(-1),
        sha256: hex(&Sha256::digest(&output.stdout)),
        stdout: output.stdout,
    }
}

/// Shell-style quoting for the manifest's command column (no tabs or newlines in it).
fn quote(arg: &str) -> String {
    let plain = !arg.is_empty() && arg.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=[]+,@%".contains(c));
    if plain { arg.to_owned() } else { format!("'{}'", arg.replace('\'', r"'\''")) }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

// ---- the manifest ----

const HEADER: &str = "# The JSON contracts: input, command (run from the repository root, or for `#` inputs\n\
# from a directory holding the embedded manifests), exit status (informative only,\n\
# never compared), SHA-256 of stdout. Generated: UPDATE_CONTRACTS=1 cargo test -p kubeplay-cli --test contracts\n\
input\tcommand\texit\tsha256\n";

fn render_manifest(outcomes: &[Outcome]) -> String {
    let mut out = HEADER.to_owned();
    for o in outcomes {
        let _ = writeln!(out, "{}\t{}\t{}\t{}", o.label, o.command, o.exit, o.sha256);
    }
    out
}

/// Every difference: changed digests, invocations gone and invocations new.
fn compare(expected: &str, outcomes: &[Outcome]) -> Vec<String> {
    let mut want: BTreeMap<(&str, &str), &str> = BTreeMap::new();
    for line in expected.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let fields: Vec<&str> = line.split('\t').collect();
        if let [label, command, _exit, sha256] = fields[..] {
            want.insert((label, command), sha256);
        }
    }
    let mut mismatches = Vec::new();
    for o in outcomes {
        match want.remove(&(o.label.as_str(), o.command.as_str())) {
            Some(sha256) if sha256 == o.sha256 => {}
            Some(sha256) => mismatches.push(format!(
                "  {}: kubeplay {}\n    expected {sha256}\n    actual   {}",
                o.label, o.command, o.sha256
            )),
            None => mismatches
                .push(format!("  {}: kubeplay {}\n    not in the manifest (new invocation)", o.label, o.command)),
        }
    }
    for ((label, command), _) in want {
        mismatches.push(format!("  {label}: kubeplay {command}\n    in the manifest but no longer run"));
    }
    mismatches
}

/// One file per invocation, `DIR/<input>/<command>`, for `diff -ru` between two binaries.
fn write_dump(dump: &Path, outcomes: &[Outcome]) {
    for o in outcomes {
        let name: String =
            o.command.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
        let dir = dump.join(o.label.replace('#', "/"));
        std::fs::create_dir_all(&dir).expect("create dump directory");
        // Sanitising can merge commands (`' 1'` and `'1 '`): a digest of the command keeps them apart.
        let mut name = name;
        name.truncate(160);
        let tag = hex(&Sha256::digest(o.command.as_bytes()));
        std::fs::write(dir.join(format!("{name}.{}", &tag[..8])), &o.stdout).expect("write dump");
    }
}
