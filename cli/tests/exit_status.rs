//! The documented exit statuses, the same for every subcommand: 0 clean, 1 when
//! the input has an error diagnostic (the output is still printed), 2 for usage
//! or I/O errors.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// Two pods that pass Pod Security Standards restricted, so `check` has no
/// finding of its own that exits 1.
const CLEAN: &str = "\
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: x, labels: {pod: a}}
spec:
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: c
    image: registry.example/app:1.0
    ports: [{containerPort: 80}]
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: x, labels: {pod: b}}
spec:
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: c
    image: registry.example/app:1.0
    ports: [{containerPort: 80}]
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
";

/// A load error: a field of the wrong type (`schema-type`).
const LOAD_ERROR: &str = "\
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: x}
spec:
  replicas: three
";

/// A NetworkPolicy that loads but that the API server rejects (`netpol-invalid`).
const INVALID_POLICY: &str = "\
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: x}
spec:
  podSelector: {}
  ingress:
  - from:
    - ipBlock: {cidr: 10.0.0.0/99}
";

fn write_case(name: &str, text: &str) -> String {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, text).expect("write case");
    path.to_str().expect("utf-8 path").to_owned()
}

fn kubeplay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kubeplay")).args(args).stdin(Stdio::null()).output().expect("run kubeplay")
}

/// Every subcommand that reads manifests, with arguments that are valid for the
/// manifests above; the file goes last.
const SUBCOMMANDS: &[&[&str]] = &[
    &["analyze", "--format", "json"],
    &["admit", "--format", "json"],
    &["check", "--format", "json"],
    &["check", "--format", "sarif"],
    &["probe", "--format", "json", "--port", "80"],
    &["explain", "--format", "json", "--from", "x/a", "--to", "x/b", "--port", "80/TCP"],
    &["graph", "--format", "json"],
    &["graph", "--format", "dot"],
    &["graph", "--format", "json", "--blast-radius", "x/a"],
];

fn run(subcommand: &[&str], file: &str) -> Output {
    let mut args = subcommand.to_vec();
    args.push(file);
    kubeplay(&args)
}

#[test]
fn clean_input_exits_0_everywhere() {
    let file = write_case("exit-clean.yaml", CLEAN);
    for subcommand in SUBCOMMANDS {
        let output = run(subcommand, &file);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{subcommand:?}: {stderr}");
        assert!(!output.stdout.is_empty(), "{subcommand:?} printed its output");
    }
}

#[test]
fn a_load_error_exits_1_everywhere_with_the_output_printed() {
    let file = write_case("exit-load-error.yaml", &format!("{CLEAN}{LOAD_ERROR}"));
    for subcommand in SUBCOMMANDS {
        let output = run(subcommand, &file);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{subcommand:?}: {stderr}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(!stdout.trim().is_empty(), "{subcommand:?} still printed its output");
        if subcommand.contains(&"json") || subcommand.contains(&"sarif") {
            serde_json::from_str::<serde_json::Value>(&stdout)
                .unwrap_or_else(|e| panic!("{subcommand:?}: stdout is JSON ({e})"));
        }
        // The report carries its diagnostics; the other subcommands name the error on stderr.
        let where_told = if subcommand[0] == "analyze" { stdout.as_ref() } else { stderr.as_ref() };
        assert!(where_told.contains("schema-type"), "{subcommand:?} names the error:\n{where_told}");
    }
}

#[test]
fn an_invalid_network_policy_exits_1_in_the_network_policy_subcommands() {
    let file = write_case("exit-invalid-policy.yaml", &format!("{CLEAN}{INVALID_POLICY}"));
    for subcommand in SUBCOMMANDS.iter().filter(|s| ["analyze", "probe", "explain", "graph"].contains(&s[0])) {
        let output = run(subcommand, &file);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{subcommand:?}: {stderr}");
        assert!(!output.stdout.is_empty(), "{subcommand:?} still printed its output");
    }
}

#[test]
fn an_unreadable_file_exits_2_everywhere() {
    let missing = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("exit-no-such-file.yaml");
    let missing = missing.to_str().expect("utf-8 path");
    for subcommand in SUBCOMMANDS {
        let output = run(subcommand, missing);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{subcommand:?}: {stderr}");
        assert!(stderr.contains("cannot read"), "{subcommand:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{subcommand:?} printed nothing");
    }
}

#[test]
fn quantity_exits_1_for_an_invalid_quantity_and_2_for_usage() {
    assert_eq!(kubeplay(&["quantity", "--format", "json", "1Gi"]).status.code(), Some(0));
    let invalid = kubeplay(&["quantity", "--format", "json", "1Gi", "abc"]);
    assert_eq!(invalid.status.code(), Some(1));
    assert!(serde_json::from_slice::<serde_json::Value>(&invalid.stdout).is_ok(), "still printed as JSON");
    assert_eq!(kubeplay(&["quantity", "--format", "yaml", "1Gi"]).status.code(), Some(2));
}

#[test]
fn an_unknown_id_is_a_usage_error() {
    let file = write_case("exit-unknown-id.yaml", CLEAN);
    let explain = kubeplay(&["explain", "--from", "x/nope", "--to", "x/b", "--port", "80", &file]);
    assert_eq!(explain.status.code(), Some(2), "{}", String::from_utf8_lossy(&explain.stderr));
    let graph = kubeplay(&["graph", "--blast-radius", "x/nope", &file]);
    assert_eq!(graph.status.code(), Some(2), "{}", String::from_utf8_lossy(&graph.stderr));
}

/// A reader that closed the pipe (`kubeplay … | head`) wanted no more: every
/// subcommand ends quietly with status 0, not with a panic about the broken
/// pipe. The pipe's read end is closed before the process writes anything.
#[test]
fn a_closed_standard_output_ends_quietly() {
    let file = write_case("closed-stdout.yaml", CLEAN);
    for subcommand in SUBCOMMANDS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kubeplay"))
            .args(*subcommand)
            .arg(&file)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run kubeplay");
        drop(child.stdout.take());
        let output = child.wait_with_output().expect("wait for kubeplay");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{subcommand:?}: {stderr}");
        assert_eq!(output.status.code(), Some(0), "{subcommand:?}: {stderr}");
    }
}
