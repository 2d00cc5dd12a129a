//! Security analysis: Pod Security Standards (as the admission library evaluates
//! them), what Pod Security Admission does on apply, PodSecurityPolicy simulation,
//! and best-practice findings — per Pod and per workload pod template.
//!
//! [`analyze`] builds the full [`SecuritySection`] (the `security` field of the
//! report); `render::check` and `render::sarif` write it out for `kubeplay check`.

pub mod admission;
pub mod practices;
pub mod psp;
pub mod pss;
pub mod rbac;

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::model::{Inventory, Kind, Object, Workload};
use crate::netpol::Engine;
use crate::source::Location;
use admission::{AdmissionOutcome, NamespacePolicy};
use practices::Rule;
use psp::{MigrationRow, PolicyRef, PspDecision};
use pss::{Evaluation, Level, PolicyVersion};

/// Options of the security analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Version at which the `pss` verdicts are computed (`kubeplay check --pss-version`).
    pub pss_version: PolicyVersion,
}

impl Default for Options {
    fn default() -> Self {
        Options { pss_version: PolicyVersion::Latest }
    }
}

/// A failing PSS check located in its file.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocatedFailure {
    pub id: String,
    pub reason: String,
    pub detail: String,
    /// The first offending field.
    #[serde(flatten)]
    pub location: Location,
}

/// One level's verdict for a workload, with locations.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelVerdict {
    pub pass: bool,
    pub failing: Vec<String>,
    /// `violates PodSecurity "restricted:latest": …`, or `None` when passing.
    pub message: Option<String>,
    pub failures: Vec<LocatedFailure>,
}

/// Everything the security analysis says about one Pod or workload template.
// TypeScript: declared as `render::contract::shapes::WorkloadSecurity` (the location keys its contract prints).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(as = "crate::render::contract::shapes::WorkloadSecurity"))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkloadSecurity {
    /// `ns/name` for Pods, `ns/name[Kind]` for workloads.
    pub id: String,
    pub kind: Kind,
    pub namespace: String,
    pub name: String,
    /// Where the Pod or workload starts; the contract prints `file, doc, line`.
    #[serde(flatten, serialize_with = "crate::render::contract::object_start")]
    pub location: Location,
    pub baseline: LevelVerdict,
    pub restricted: LevelVerdict,
    /// What Pod Security Admission does on apply, from the namespace's labels.
    pub admission: AdmissionOutcome,
    /// Other warnings the API server returns on apply (`pkg/api/pod/warnings.go`).
    pub api_warnings: Vec<String>,
    /// PodSecurityPolicy decision (only when policies are given). For workload
    /// templates it describes the Pods the controller will create: PSP never
    /// checks the controller object itself.
    pub psp: Option<PspDecision>,
    /// Best-practice findings (area security, code = the rule id, with a fix).
    #[serde(with = "crate::render::contract::practice_findings")]
    pub findings: Vec<Diagnostic>,
}

/// A PodSecurityPolicy of the input and the API validation problems of the object.
// TypeScript: declared as `render::contract::shapes::PolicySummary` (the location keys its contract prints).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(as = "crate::render::contract::shapes::PolicySummary"))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicySummary {
    pub name: String,
    /// Where the policy starts; the contract prints `file, line`.
    #[serde(flatten, serialize_with = "crate::render::contract::file_line")]
    pub location: Location,
    /// Why the API server would refuse this PSP object (evaluated with `RunAsAny` in place).
    pub problems: Vec<String>,
}

/// A namespace whose labels select a Pod Security policy.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespaceSecurity {
    pub name: String,
    pub policy: NamespacePolicy,
    /// What labelling the namespace prints when its Pods (those of the input)
    /// already exist: `existing pods in namespace "x" violate the new PodSecurity
    /// enforce level "restricted:latest"`, then one line per reason list.
    pub label_warnings: Vec<String>,
}

/// The `security` section of the report.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SecuritySection {
    pub pss_version: PolicyVersion,
    pub workloads: Vec<WorkloadSecurity>,
    /// Namespaces carrying `pod-security.kubernetes.io/*` labels.
    pub namespaces: Vec<NamespaceSecurity>,
    pub psp_policies: Vec<PolicySummary>,
    /// For each PSP field, the PSS level and checks that cover it.
    pub psp_migration: Vec<MigrationRow>,
    /// The best-practice rule catalogue with equivalent tool ids.
    pub rules: Vec<Rule>,
    /// Best-practice findings of objects that are not workloads (Services,
    /// PodDisruptionBudgets, HorizontalPodAutoscalers), objects without
    /// findings left out.
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objects: Vec<practices::ObjectFindings>,
}

impl Default for SecuritySection {
    fn default() -> Self {
        SecuritySection {
            pss_version: PolicyVersion::Latest,
            workloads: Vec::new(),
            namespaces: Vec::new(),
            psp_policies: Vec::new(),
            psp_migration: psp::migration_table(),
            rules: practices::rules(),
            objects: Vec::new(),
        }
    }
}

/// Runs the whole security analysis over an inventory. `engine` is the
/// NetworkPolicy engine built over the same inventory: the NetworkPolicy
/// findings ask it which pods are isolated and where a default deny stands.
pub fn analyze(inventory: &Inventory, engine: &Engine, options: &Options) -> SecuritySection {
    let network = practices::NetworkContext::new(engine);
    let policies: Vec<(&crate::model::Loaded, PolicyRef<'_>)> = inventory
        .objects
        .iter()
        .filter_map(|o| match &o.object {
            Object::PodSecurityPolicy(p) => p
                .spec
                .as_ref()
                .map(|spec| (o, PolicyRef { name: o.name(), annotations: p.metadata.annotations.as_ref(), spec })),
            _ => None,
        })
        .collect();
    let psp_policies = policies
        .iter()
        .map(|(loaded, p)| PolicySummary {
            name: p.name.to_owned(),
            location: loaded.origin.location.clone(),
            problems: psp::policy_problems(p.spec),
        })
        .collect();
    let refs: Vec<PolicyRef<'_>> = policies.iter().map(|(_, p)| *p).collect();
    let grants = rbac::PspGrants::from_inventory(inventory);
    let workloads =
        inventory.workloads().map(|w| workload_security(inventory, &network, &w, options, &refs, &grants)).collect();
    let namespaces = inventory
        .namespaces
        .iter()
        .filter(|ns| ns.labels.keys().any(|k| k.starts_with("pod-security.kubernetes.io/")))
        .map(|ns| {
            let policy = NamespacePolicy::from_labels(&ns.labels);
            let pods: Vec<(&str, &ObjectMeta, &PodSpec)> = inventory
                .pods()
                .filter(|(loaded, _)| loaded.namespace() == Some(ns.name.as_str()))
                .filter_map(|(loaded, pod)| pod.spec.as_ref().map(|spec| (loaded.name(), &pod.metadata, spec)))
                .collect();
            let label_warnings = admission::existing_pods_warnings(&ns.name, policy.enforce, &pods);
            NamespaceSecurity { name: ns.name.clone(), policy, label_warnings }
        })
        .collect();
    SecuritySection {
        pss_version: options.pss_version,
        workloads,
        namespaces,
        psp_policies,
        objects: practices::object_findings(inventory, &network),
        ..SecuritySection::default()
    }
}

fn verdict(workload: &Workload<'_>, evaluation: &Evaluation) -> LevelVerdict {
    let origin = &workload.loaded.origin;
    let prefix = if workload.template_path.is_empty() { String::new() } else { format!("{}.", workload.template_path) };
    let failures = evaluation
        .failures
        .iter()
        .map(|f| {
            let path = format!("{prefix}{}", f.paths.first().map_or("spec", String::as_str));
            LocatedFailure {
                id: f.id.clone(),
                reason: f.reason.clone(),
                detail: f.detail.clone(),
                location: origin.location(&path),
            }
        })
        .collect();
    LevelVerdict {
        pass: evaluation.allowed(),
        failing: evaluation.failing_ids(),
        message: evaluation.violation_message(),
        failures,
    }
}

fn workload_security(
    inventory: &Inventory,
    network: &practices::NetworkContext<'_>,
    w: &Workload<'_>,
    options: &Options,
    policies: &[PolicyRef<'_>],
    grants: &rbac::PspGrants,
) -> WorkloadSecurity {
    let metadata = w.template.metadata.clone().unwrap_or_default();
    let spec = w.template.spec.clone().unwrap_or_default();
    let baseline = pss::evaluate(&metadata, &spec, Level::Baseline, options.pss_version);
    let restricted = pss::evaluate(&metadata, &spec, Level::Restricted, options.pss_version);
    let labels = inventory.namespace(w.namespace).map(|ns| ns.labels.clone()).unwrap_or_default();
    let ns_policy = NamespacePolicy::from_labels(&labels);
    let is_pod = w.kind == Kind::Pod;
    let admission = admission::admit(&ns_policy, w.name, &metadata, &spec, is_pod);
    let psp = (!policies.is_empty()).then(|| psp_decision(w, &metadata, &spec, policies, grants));
    WorkloadSecurity {
        id: w.loaded.id(),
        kind: w.kind,
        namespace: w.namespace.to_owned(),
        name: w.name.to_owned(),
        location: w.loaded.origin.location.clone(),
        baseline: verdict(w, &baseline),
        restricted: verdict(w, &restricted),
        admission,
        api_warnings: api_warnings(w, &metadata, &spec),
        psp,
        findings: practices::findings(inventory, network, w),
    }
}

/// The PSP decision for one pod, among the policies its service account may use
/// when the input carries RBAC grants for them, else among all.
fn psp_decision(
    w: &Workload<'_>,
    metadata: &ObjectMeta,
    spec: &PodSpec,
    policies: &[PolicyRef<'_>],
    grants: &rbac::PspGrants,
) -> PspDecision {
    // The ServiceAccount admission plugin, which runs first, fills in "default".
    let account = spec
        .service_account_name
        .as_deref()
        .or(spec.service_account.as_deref())
        .filter(|s| !s.is_empty())
        .unwrap_or("default");
    let service_account = format!("{}/{account}", w.namespace);
    let authorized = |policy: &str| !grants.modelled || !grants.granting(w.namespace, account, policy).is_empty();
    let mut decision = psp::decide(w.name, metadata, spec, policies, &authorized);
    let note = if grants.modelled {
        let mut names: Vec<&str> = policies.iter().map(|p| p.name).collect();
        crate::sort::sort(&mut names);
        let usable: Vec<String> = names
            .iter()
            .filter_map(|p| {
                let by = grants.granting(w.namespace, account, p);
                (!by.is_empty()).then(|| format!("{p} (through {})", by.join(", ")))
            })
            .collect();
        let usable = if usable.is_empty() { "none of the policies".to_owned() } else { usable.join(", ") };
        format!(
            "RBAC in the input: service account {service_account:?} may use {usable}; grants to the user or controller creating the pod are not known and not counted"
        )
    } else {
        "no Role or ClusterRole in the input grants `use` on podsecuritypolicies: every given policy is assumed usable"
            .to_owned()
    };
    decision.access = Some(rbac::PolicyAccess { assumed: !grants.modelled, service_account, note });
    decision
}

/// The seccomp-annotation warnings of `GetWarningsForPodTemplate`: a workload
/// template with the alpha annotation but no `seccompProfile` field. Pods get none:
/// on create the API server copies a Pod's annotation into the field
/// (`applySeccompVersionSkew`) before computing warnings, and PSA, which runs
/// earlier, still judges the Pod without the field.
fn api_warnings(w: &Workload<'_>, metadata: &ObjectMeta, spec: &PodSpec) -> Vec<String> {
    if w.template_path.is_empty() {
        return Vec::new();
    }
    let annotations = metadata.annotations.clone().unwrap_or_default();
    let note = "non-functional in v1.27+; use the \"seccompProfile\" field instead";
    let mut out = Vec::new();
    let pod_field = spec.security_context.as_ref().is_some_and(|sc| sc.seccomp_profile.is_some());
    if !pod_field && annotations.contains_key("seccomp.security.alpha.kubernetes.io/pod") {
        out.push(format!("{}.metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]: {note}", w.template_path));
    }
    let containers = spec
        .init_containers
        .iter()
        .flatten()
        .chain(spec.containers.iter())
        .map(|c| (c.name.as_str(), c.security_context.as_ref()))
        .chain(spec.ephemeral_containers.iter().flatten().map(|c| (c.name.as_str(), c.security_context.as_ref())));
    for (name, sc) in containers {
        let key = format!("container.seccomp.security.alpha.kubernetes.io/{name}");
        if sc.is_none_or(|sc| sc.seccomp_profile.is_none()) && annotations.contains_key(&key) {
            out.push(format!("{}.metadata.annotations[{key}]: {note}", w.template_path));
        }
    }
    out
}
