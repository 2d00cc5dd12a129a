//! Admission, object by object in input order, as the API server would do it on
//! `kubectl apply` of each object into an empty cluster: API defaulting, the
//! LimitRanger (mutation, then validation), object validation (request ≤ limit),
//! ResourceQuota. Workloads are admitted as objects, then their pods one by one,
//! as their controllers would create them. See `docs/semantics/admission.md`.

mod limitranger;
mod pod;
pub(crate) mod quota;

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{PodSpec, Service};
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Area, Diagnostic, FieldError, Severity};
use crate::model::{Inventory, Kind, Loaded, Object};
use crate::quantity::Quantity;

pub use limitranger::{EffectiveLimit, LimitItem, LimitRangeModel};
pub use pod::{Aggregate, BadQuantity, Container, PodModel, ResourceList};
pub use quota::{QuotaModel, QuotaObject, ScopeRequirement, Subject, must_specify, usage};

/// Pods simulated per workload at most; replicas beyond are summarised.
pub const MAX_SIMULATED_REPLICAS: i32 = 1000;

/// Workload pods simulated over the whole input at most, so that thousands of
/// large Deployments cannot make an analysis run for minutes.
pub const MAX_SIMULATED_PODS: usize = 20_000;

/// `kubeplay admit` output and `Report.admission`: one decision per object in
/// input order (a workload's pods follow it), then every quota's final usage.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Admission {
    pub objects: Vec<Decision>,
    pub quotas: Vec<QuotaUsage>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Admitted,
    Rejected,
}

/// The API status reason of a rejection: 403 Forbidden (admission) or 422 Invalid (validation).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    Forbidden,
    Invalid,
}

/// What the API server answers to the create of one object.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Decision {
    pub kind: Kind,
    pub namespace: Option<String>,
    pub name: String,
    pub result: Outcome,
    pub reason: Option<Reason>,
    /// The API server's error text, e.g. `pods "web-4" is forbidden: exceeded quota: …`.
    pub message: Option<String>,
    /// The `kubernetes.io/limit-ranger` annotation when the LimitRanger set defaults.
    pub annotation: Option<String>,
    pub effective: Option<Effective>,
    /// Pods: the effective pod requests quota is charged with (init containers, sidecars, overhead).
    pub pod_requests: Option<BTreeMap<String, Quantity>>,
}

/// Resources after defaulting, as a decision reports them.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(untagged)]
pub enum Effective {
    /// A Pod: each container's requests and limits, by container name.
    Pod(BTreeMap<String, ContainerResources>),
    /// A LimitRange: its items after defaulting.
    LimitRange(Vec<EffectiveLimit>),
}

/// One container's requests and limits.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct ContainerResources {
    pub limits: ResourceList,
    pub requests: ResourceList,
}

/// One quota's hard limits and final usage.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct QuotaUsage {
    pub namespace: String,
    pub name: String,
    pub hard: BTreeMap<String, Quantity>,
    pub used: BTreeMap<String, Quantity>,
}

/// Admission decisions plus located findings for every rejection and HPA that cannot scale.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Admitted {
    pub admission: Admission,
    pub findings: Vec<Diagnostic>,
}

/// Everything stored in one namespace so far.
#[derive(Default)]
struct NamespaceState {
    limit_ranges: BTreeMap<String, LimitRangeModel>,
    quotas: BTreeMap<String, QuotaModel>,
    stored: Vec<QuotaObject>,
}

/// A workload's simulated pods, for the HPA cross-check.
struct ScaledWorkload {
    kind: Kind,
    name: String,
    namespace: String,
    admitted: i64,
    pod: QuotaObject,
}

/// Runs admission over the inventory in input order.
pub fn admit(inventory: &Inventory) -> Admitted {
    Cluster::new(inventory).into_admitted()
}

/// The cluster after admitting the input in order: what each namespace stores,
/// its LimitRanges and quotas. Autoscaling simulations create and delete pods
/// in it later, through the same pipeline as every other pod.
pub struct Cluster {
    run: Run,
}

/// What a namespace's quotas hold for one workload's pods (the HPA quota check).
pub struct WorkloadQuotaView<'a> {
    /// Pods of the workload admitted by [`admit`].
    pub admitted: i64,
    /// What quota charges for each of its pods, per matching quota.
    pub quotas: Vec<(&'a QuotaModel, ResourceList)>,
}

impl Cluster {
    pub fn new(inventory: &Inventory) -> Self {
        let mut run = Run::default();
        for loaded in &inventory.objects {
            run.object(loaded);
        }
        Cluster { run }
    }

    /// Decisions, final quota usage and findings, as [`admit`] returns them.
    pub fn into_admitted(self) -> Admitted {
        let run = self.run;
        let mut quotas = Vec::new();
        for (namespace, state) in &run.namespaces {
            for quota in state.quotas.values() {
                quotas.push(QuotaUsage {
                    namespace: namespace.clone(),
                    name: quota.name.clone(),
                    hard: quota.hard.clone(),
                    used: quota.used.clone(),
                });
            }
        }
        Admitted { admission: Admission { objects: run.decisions, quotas }, findings: run.findings }
    }

    /// A stored (admitted, not deleted) pod after defaulting.
    pub fn pod(&self, namespace: &str, name: &str) -> Option<&PodModel> {
        self.run.namespaces.get(namespace)?.stored.iter().find_map(|o| match &o.subject {
            Subject::Pod(pod) if o.resource == "pods" && pod.name == name => Some(pod.as_ref()),
            _ => None,
        })
    }

    /// Creates one pod from a workload's template as its controller would:
    /// defaulting, LimitRanger, validation and quota. `Err` is the API
    /// server's refusal text (`pods "web-4" is forbidden: exceeded quota: …`).
    pub fn create_pod(
        &mut self,
        namespace: &str,
        name: &str,
        spec: &PodSpec,
        spec_path: &str,
    ) -> Result<&PodModel, String> {
        let mut decision = Decision {
            kind: Kind::Pod,
            namespace: Some(namespace.to_owned()),
            name: name.to_owned(),
            result: Outcome::Admitted,
            reason: None,
            message: None,
            annotation: None,
            effective: None,
            pod_requests: None,
        };
        self.run.pod(name, namespace, spec, spec_path, Written::default(), &mut decision).map_err(|r| r.message)?;
        self.pod(namespace, name).ok_or_else(|| format!("pods \"{name}\" was not stored"))
    }

    /// Deletes a stored pod; the namespace's quotas are counted again without it.
    pub fn delete_pod(&mut self, namespace: &str, name: &str) {
        let Some(state) = self.run.namespaces.get_mut(namespace) else { return };
        state.stored.retain(|o| !matches!(&o.subject, Subject::Pod(pod) if o.resource == "pods" && pod.name == name));
        let NamespaceState { quotas, stored, .. } = state;
        for quota in quotas.values_mut() {
            quota.recount(stored.iter());
        }
    }

    /// One pod of a workload admitted from the input, after API defaulting and
    /// the LimitRanger (what every pod of its template is charged).
    pub fn workload_pod(&self, kind: Kind, namespace: &str, name: &str) -> Option<&PodModel> {
        let workload =
            self.run.workloads.iter().find(|w| w.namespace == namespace && w.kind == kind && w.name == name)?;
        match &workload.pod.subject {
            Subject::Pod(pod) => Some(pod),
            _ => None,
        }
    }

    /// For a workload admitted from the input: how many of its pods were
    /// admitted and, per quota that matches its pods, what each pod is charged.
    pub fn workload_quotas(&self, kind: Kind, namespace: &str, name: &str) -> Option<WorkloadQuotaView<'_>> {
        let workload =
            self.run.workloads.iter().find(|w| w.namespace == namespace && w.kind == kind && w.name == name)?;
        let state = self.run.namespaces.get(namespace)?;
        let per_pod = usage(&workload.pod);
        let quotas =
            state.quotas.values().filter(|q| q.matches(&workload.pod)).map(|q| (q, q.charge(&per_pod))).collect();
        Some(WorkloadQuotaView { admitted: workload.admitted, quotas })
    }
}

#[derive(Default)]
struct Run {
    namespaces: BTreeMap<String, NamespaceState>,
    runtime_classes: BTreeMap<String, ResourceList>,
    decisions: Vec<Decision>,
    findings: Vec<Diagnostic>,
    workloads: Vec<ScaledWorkload>,
    /// Workload pods simulated so far (see [`MAX_SIMULATED_PODS`]).
    simulated_pods: usize,
}

/// `NewForbidden`'s text.
fn forbidden(kind: Kind, name: &str, detail: &str) -> String {
    format!("{} \"{name}\" is forbidden: {detail}", kind.resource())
}

/// `NewInvalid`'s text: one error as is, several as `[a, b]` (duplicates dropped).
fn invalid(kind: Kind, name: &str, errors: &[String]) -> String {
    format!("{kind} \"{name}\" is invalid: {}", aggregate(errors))
}

/// `utilerrors.NewAggregate(...).Error()`.
fn aggregate(errors: &[String]) -> String {
    let mut unique: Vec<&String> = Vec::new();
    for e in errors {
        if !unique.contains(&e) {
            unique.push(e);
        }
    }
    match unique.as_slice() {
        [one] => (*one).clone(),
        many => format!("[{}]", many.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")),
    }
}

/// What a Pod written in the input brings beyond its spec; the pods a
/// controller creates bring nothing.
#[derive(Clone, Copy, Default)]
struct Written<'a> {
    /// Succeeded or Failed: quota no longer charges it.
    terminal: bool,
    /// The loader's field errors, which validation reports with its own.
    invalid: &'a [String],
}

/// A rejection: its decision fields and the path to locate it at.
struct Rejection {
    reason: Reason,
    message: String,
    path: String,
}

fn bad_quantities(kind: Kind, name: &str, bad: &[BadQuantity]) -> Option<Rejection> {
    let first = bad.first()?;
    let errors: Vec<String> =
        bad.iter().map(|b| format!("{}: Invalid value: \"{}\": {}", b.path, b.text, b.error)).collect();
    Some(Rejection { reason: Reason::Invalid, message: invalid(kind, name, &errors), path: first.path.clone() })
}

/// Validation's refusal (422) of an object the loader found field errors in.
fn refused(loaded: &Loaded, kind: Kind, name: &str) -> Option<Rejection> {
    (!loaded.invalid.is_empty()).then(|| Rejection {
        reason: Reason::Invalid,
        message: invalid(kind, name, &loaded.invalid),
        path: "metadata.name".to_owned(),
    })
}

/// The quantities of a workload's pod template that do not parse.
fn template_bad_quantities(loaded: &Loaded, kind: Kind, name: &str) -> Option<Rejection> {
    let workload = loaded.workload().filter(|_| kind != Kind::Pod)?;
    let spec = workload.template.spec.as_ref()?;
    let mut bad = Vec::new();
    PodModel::from_spec(name, "", spec, &workload.pod_spec_path(), None, &mut bad);
    bad_quantities(kind, name, &bad)
}

/// Pods and workloads whose pod spec holds a quantity that does not parse:
/// the API server cannot decode them, so they never exist on a cluster. The
/// same `admission-invalid` errors [`admit`] reports, for the labs, which
/// refuse such input rather than run without the objects.
pub fn undecodable(inventory: &Inventory) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for loaded in &inventory.objects {
        let kind = loaded.kind();
        let name = loaded.object.metadata().name.clone().unwrap_or_default();
        let rejection = match &loaded.object {
            Object::Pod(pod) => pod.spec.as_ref().and_then(|spec| {
                let mut bad = Vec::new();
                PodModel::from_spec(&name, "", spec, "spec", None, &mut bad);
                bad_quantities(kind, &name, &bad)
            }),
            _ => template_bad_quantities(loaded, kind, &name),
        };
        if let Some(rejection) = rejection {
            out.push(Diagnostic::at(
                Area::Resources,
                &loaded.origin,
                &rejection.path,
                Severity::Error,
                "admission-invalid",
                &rejection.message,
            ));
        }
    }
    out
}

fn pod_effective(pod: &PodModel) -> Effective {
    Effective::Pod(
        pod.all_containers()
            .map(|c| (c.name.clone(), ContainerResources { limits: c.limits.clone(), requests: c.requests.clone() }))
            .collect(),
    )
}

/// `IsOvercommitAllowed`: native resources other than huge pages. Extended
/// resources and huge pages must have request == limit.
fn overcommit_allowed(name: &str) -> bool {
    let native = !name.contains('/') || name.contains("kubernetes.io/");
    native && !name.starts_with("hugepages-")
}

/// Object validation of container resources (`ValidateResourceRequirements`,
/// pkg/apis/core/validation/validation.go), per container, resources sorted:
/// each quantity ≥ 0 (requests first), request ≤ limit, and request == limit
/// where overcommit is not allowed.
fn validate_requests(pod: &PodModel) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for c in pod.all_containers() {
        let at = |field: &str, name: &str| format!("{}.resources.{field}.{name}", c.path);
        for (field, list) in [("limits", &c.limits), ("requests", &c.requests)] {
            for (name, q) in list {
                if q.sign() < 0 {
                    errors.push(FieldError::new(
                        at(field, name),
                        format!(
                            "{}.resources.{field}[{name}]: Invalid value: \"{q}\": must be greater than or equal to 0",
                            c.path
                        ),
                    ));
                }
            }
        }
        for (name, request) in &c.requests {
            let message = match c.limits.get(name) {
                Some(limit) if request != limit && !overcommit_allowed(name) => Some(format!(
                    "{}.resources.requests: Invalid value: \"{request}\": must be equal to {name} limit of {limit}",
                    c.path
                )),
                Some(limit) if request > limit => Some(format!(
                    "{}.resources.requests: Invalid value: \"{request}\": must be less than or equal to {name} limit of {limit}",
                    c.path
                )),
                Some(_) => None,
                None if !overcommit_allowed(name) => Some(format!(
                    "{}.resources.limits: Required value: Limit must be set for non overcommitable resources",
                    c.path
                )),
                None => None,
            };
            if let Some(message) = message {
                errors.push(FieldError::new(at("requests", name), message));
            }
        }
    }
    errors
}

impl Run {
    fn state(&mut self, namespace: &str) -> &mut NamespaceState {
        self.namespaces.entry(namespace.to_owned()).or_default()
    }

    fn object(&mut self, loaded: &Loaded) {
        let kind = loaded.kind();
        let name = loaded.name().to_owned();
        let Some(namespace) = loaded.namespace().map(str::to_owned) else {
            let refused = !loaded.invalid.is_empty();
            if let Object::RuntimeClass(rc) = &loaded.object
                && !refused
            {
                let mut bad = Vec::new();
                let fixed = rc.overhead.as_ref().and_then(|o| o.pod_fixed.as_ref());
                let overhead = pod::parse_list(fixed, "overhead.podFixed", &mut bad);
                self.runtime_classes.insert(name.clone(), overhead);
            }
            self.decisions.push(Decision {
                kind,
                namespace: None,
                result: if refused { Outcome::Rejected } else { Outcome::Admitted },
                reason: refused.then_some(Reason::Invalid),
                message: refused.then(|| invalid(kind, &name, &loaded.invalid)),
                name,
                annotation: None,
                effective: None,
                pod_requests: None,
            });
            return;
        };
        let mut decision = Decision {
            kind,
            namespace: Some(namespace.clone()),
            name: name.clone(),
            result: Outcome::Admitted,
            reason: None,
            message: None,
            annotation: None,
            effective: None,
            pod_requests: None,
        };
        let outcome = match &loaded.object {
            Object::Pod(p) => {
                let default_spec = PodSpec::default();
                let spec = p.spec.as_ref().unwrap_or(&default_spec);
                let terminal =
                    matches!(p.status.as_ref().and_then(|s| s.phase.as_deref()), Some("Succeeded" | "Failed"));
                let written = Written { terminal, invalid: &loaded.invalid };
                self.pod(&name, &namespace, spec, "spec", written, &mut decision).map(|_| ())
            }
            Object::LimitRange(lr) => {
                let mut bad = Vec::new();
                let model = LimitRangeModel::from_object(lr, &mut bad);
                decision.effective = Some(Effective::LimitRange(model.effective()));
                match bad_quantities(kind, &name, &bad) {
                    Some(rejection) => Err(rejection),
                    None => {
                        // Validation: the loader's field errors, then the
                        // value comparisons only admission makes.
                        let failures = model.validate();
                        let mut messages = loaded.invalid.clone();
                        messages.extend(failures.iter().map(|f| f.message.clone()));
                        if !messages.is_empty() {
                            let path = failures.first().map_or("metadata.name", |f| f.path.as_str());
                            Err(Rejection {
                                reason: Reason::Invalid,
                                message: invalid(kind, &name, &messages),
                                path: path.to_owned(),
                            })
                        } else {
                            let result = self.count_only(&namespace, kind, &name);
                            if result.is_ok() {
                                self.state(&namespace).limit_ranges.insert(name.clone(), model);
                            }
                            result
                        }
                    }
                }
            }
            Object::ResourceQuota(rq) => {
                let mut bad = Vec::new();
                let mut model = QuotaModel::from_object(rq, &mut bad);
                let scopes = rq.spec.as_ref().and_then(|s| s.scopes.clone()).unwrap_or_default();
                let mut messages = loaded.invalid.clone();
                messages.extend(quota::validate_scopes(&scopes, &model.hard));
                match bad_quantities(kind, &name, &bad) {
                    Some(rejection) => Err(rejection),
                    None if !messages.is_empty() => Err(Rejection {
                        reason: Reason::Invalid,
                        message: invalid(kind, &name, &messages),
                        path: "spec.scopes".to_owned(),
                    }),
                    None => {
                        let result = self.count_only(&namespace, kind, &name);
                        if result.is_ok() {
                            // The quota controller computes usage from what already exists.
                            let state = self.state(&namespace);
                            model.recount(state.stored.iter());
                            state.quotas.insert(name.clone(), model);
                        }
                        result
                    }
                }
            }
            Object::Service(svc) => match refused(loaded, kind, &name) {
                Some(rejection) => Err(rejection),
                None => self.charge(&namespace, kind, &name, service_subject(svc), "metadata.name"),
            },
            Object::PersistentVolumeClaim(pvc) => {
                let mut bad = Vec::new();
                let spec = pvc.spec.as_ref();
                let requests = pod::parse_list(
                    spec.and_then(|s| s.resources.as_ref()).and_then(|r| r.requests.as_ref()),
                    "spec.resources.requests",
                    &mut bad,
                );
                if let Some(rejection) = bad_quantities(kind, &name, &bad).or_else(|| refused(loaded, kind, &name)) {
                    Err(rejection)
                } else if let Some(rejection) = self.limit_ranger_pvc(&namespace, &name, &requests) {
                    Err(rejection)
                } else {
                    let storage_class = spec.and_then(|s| s.storage_class_name.clone());
                    let attributes_class = spec.and_then(|s| s.volume_attributes_class_name.clone());
                    let claim = Subject::Claim { requests, storage_class, attributes_class };
                    self.charge(&namespace, kind, &name, claim, "metadata.name")
                }
            }
            // The API server decodes a quantity as it reads the object, so a
            // workload whose template holds one it cannot parse is refused
            // itself and creates no pods; so is one that fails validation.
            _ => match template_bad_quantities(loaded, kind, &name).or_else(|| refused(loaded, kind, &name)) {
                Some(rejection) => Err(rejection),
                None => self.count_only(&namespace, kind, &name),
            },
        };
        if let Err(rejection) = outcome {
            // A refusal for the loader's errors alone repeats what it has
            // already located field by field, so it is no finding of its own.
            let reported = !loaded.invalid.is_empty() && rejection.message == invalid(kind, &name, &loaded.invalid);
            self.reject(loaded, &mut decision, rejection, !reported);
        }
        let admitted = decision.result == Outcome::Admitted;
        self.decisions.push(decision);
        if admitted && let Some(workload) = loaded.workload() {
            if kind == Kind::Pod {
                return;
            }
            let Some(mut replicas) = workload.replicas else {
                return;
            };
            // The Job controller starts min(parallelism, completions) pods at first.
            if let Object::Job(job) = &loaded.object
                && let Some(completions) = job.spec.as_ref().and_then(|s| s.completions)
            {
                replicas = replicas.min(completions);
            }
            let Some(spec) = workload.template.spec.as_ref() else {
                return;
            };
            self.replicas(loaded, &namespace, spec, replicas, &format!("{}.spec", workload.template_path));
        }
    }

    fn reject(&mut self, loaded: &Loaded, decision: &mut Decision, rejection: Rejection, report: bool) {
        decision.result = Outcome::Rejected;
        decision.reason = Some(rejection.reason);
        if report {
            let code = match rejection.reason {
                Reason::Invalid => "admission-invalid",
                Reason::Forbidden => "admission-forbidden",
            };
            self.findings.push(Diagnostic::at(
                Area::Resources,
                &loaded.origin,
                &rejection.path,
                Severity::Error,
                code,
                &rejection.message,
            ));
        }
        decision.message = Some(rejection.message);
    }

    /// Object-count quota only.
    fn count_only(&mut self, namespace: &str, kind: Kind, name: &str) -> Result<(), Rejection> {
        self.charge(namespace, kind, name, Subject::Other, "metadata.name")
    }

    /// Quota check and, when admitted, storage.
    fn charge(
        &mut self,
        namespace: &str,
        kind: Kind,
        name: &str,
        subject: Subject,
        path: &str,
    ) -> Result<(), Rejection> {
        let object = QuotaObject { resource: kind.resource(), subject };
        let state = self.state(namespace);
        match quota::check_and_commit(&mut state.quotas, &object) {
            Ok(()) => {
                state.stored.push(object);
                Ok(())
            }
            Err(refusal) => Err(Rejection {
                reason: Reason::Forbidden,
                message: forbidden(kind, name, &refusal.message),
                path: refusal.path.unwrap_or_else(|| path.to_owned()),
            }),
        }
    }

    fn limit_ranger_pvc(&mut self, namespace: &str, name: &str, requests: &ResourceList) -> Option<Rejection> {
        let state = self.state(namespace);
        for lr in state.limit_ranges.values() {
            let failures = lr.validate_pvc(requests);
            if let Some(first) = failures.first() {
                let messages: Vec<String> = failures.iter().map(|f| f.message.clone()).collect();
                return Some(Rejection {
                    reason: Reason::Forbidden,
                    message: forbidden(Kind::PersistentVolumeClaim, name, &aggregate(&messages)),
                    path: first.path.clone(),
                });
            }
        }
        None
    }

    /// The whole pipeline for one pod; fills the decision's effective fields.
    /// Returns the pod as quota saw it when admitted.
    fn pod(
        &mut self,
        name: &str,
        namespace: &str,
        spec: &PodSpec,
        spec_path: &str,
        written: Written,
        decision: &mut Decision,
    ) -> Result<QuotaObject, Rejection> {
        let mut bad = Vec::new();
        let overhead = spec.runtime_class_name.as_ref().and_then(|rc| self.runtime_classes.get(rc)).cloned();
        let mut model = PodModel::from_spec(name, namespace, spec, spec_path, overhead.as_ref(), &mut bad);
        model.terminal = written.terminal;
        if let Some(rejection) = bad_quantities(Kind::Pod, name, &bad) {
            return Err(rejection);
        }
        // 1. API defaulting: limits → missing requests.
        model.apply_api_defaults();
        // 2. LimitRanger mutation, every LimitRange in turn.
        let state = self.state(namespace);
        for lr in state.limit_ranges.values() {
            if let Some(annotation) = lr.mutate_pod(&mut model) {
                decision.annotation = Some(annotation);
            }
        }
        decision.effective = Some(pod_effective(&model));
        decision.pod_requests = Some(model.requests(true));
        // 3. Object validation: the loader's field errors, then the
        // resource requirements after defaulting.
        let errors = validate_requests(&model);
        let mut messages = written.invalid.to_vec();
        messages.extend(errors.iter().map(|e| e.message.clone()));
        if !messages.is_empty() {
            return Err(Rejection {
                reason: Reason::Invalid,
                message: invalid(Kind::Pod, name, &messages),
                path: errors.first().map_or("metadata.name", |e| e.path.as_str()).to_owned(),
            });
        }
        // 4. LimitRanger validation: the first LimitRange that fails answers.
        for lr in state.limit_ranges.values() {
            let failures = lr.validate_pod(&model);
            if let Some(first) = failures.first() {
                let messages: Vec<String> = failures.iter().map(|f| f.message.clone()).collect();
                return Err(Rejection {
                    reason: Reason::Forbidden,
                    message: forbidden(Kind::Pod, name, &aggregate(&messages)),
                    path: first.path.clone(),
                });
            }
        }
        // 5–7. ResourceQuota.
        let object = QuotaObject { resource: Kind::Pod.resource(), subject: Subject::Pod(Box::new(model)) };
        match quota::check_and_commit(&mut state.quotas, &object) {
            Ok(()) => {
                state.stored.push(object.clone());
                Ok(object)
            }
            Err(refusal) => Err(Rejection {
                reason: Reason::Forbidden,
                message: forbidden(Kind::Pod, name, &refusal.message),
                path: refusal.path.unwrap_or_else(|| spec_path.to_owned()),
            }),
        }
    }

    /// A workload's pods `<name>-<i>`, each through the whole pipeline.
    fn replicas(&mut self, loaded: &Loaded, namespace: &str, spec: &PodSpec, replicas: i32, spec_path: &str) {
        let workload_name = loaded.name().to_owned();
        let budget = i32::try_from(MAX_SIMULATED_PODS.saturating_sub(self.simulated_pods)).unwrap_or(i32::MAX);
        let simulated = replicas.clamp(0, MAX_SIMULATED_REPLICAS).min(budget);
        self.simulated_pods += usize::try_from(simulated).unwrap_or(0);
        let mut admitted = 0i64;
        let mut first_rejection: Option<(i32, String, String)> = None;
        let mut last_pod = None;
        for i in 0..simulated {
            let pod_name = format!("{workload_name}-{i}");
            let mut decision = Decision {
                kind: Kind::Pod,
                namespace: Some(namespace.to_owned()),
                name: pod_name.clone(),
                result: Outcome::Admitted,
                reason: None,
                message: None,
                annotation: None,
                effective: None,
                pod_requests: None,
            };
            match self.pod(&pod_name, namespace, spec, spec_path, Written::default(), &mut decision) {
                Ok(object) => {
                    admitted += 1;
                    last_pod = Some(object);
                }
                Err(rejection) => {
                    decision.result = Outcome::Rejected;
                    decision.reason = Some(rejection.reason);
                    if first_rejection.is_none() {
                        first_rejection = Some((i, rejection.message.clone(), rejection.path.clone()));
                    }
                    decision.message = Some(rejection.message);
                }
            }
            self.decisions.push(decision);
        }
        let replicas_path = if loaded.kind() == Kind::Job { "spec.parallelism" } else { "spec.replicas" };
        if let Some((index, message, path)) = first_rejection {
            let located = if message.contains("exceeded quota") { replicas_path.to_owned() } else { path };
            let summary = format!(
                "{} {workload_name}: {admitted} of {replicas} replicas fit; the {} ({workload_name}-{index}) is rejected: {message}",
                loaded.kind(),
                ordinal(i64::from(index) + 1),
            );
            self.findings.push(Diagnostic::at(
                Area::Resources,
                &loaded.origin,
                &located,
                Severity::Error,
                "admission-replicas-rejected",
                summary,
            ));
        }
        if replicas > MAX_SIMULATED_REPLICAS {
            self.findings.push(Diagnostic::at(
                Area::Resources,
                &loaded.origin,
                replicas_path,
                Severity::Info,
                "admission-replicas-truncated",
                format!("only the first {MAX_SIMULATED_REPLICAS} of {replicas} replicas were simulated"),
            ));
        }
        // Every pod of the template is charged the same; remember one for the HPA check.
        let pod = match last_pod {
            Some(pod) => Some(pod),
            None => self.template_pod(&workload_name, namespace, spec, spec_path),
        };
        if let Some(pod) = pod {
            self.workloads.push(ScaledWorkload {
                kind: loaded.kind(),
                name: workload_name,
                namespace: namespace.to_owned(),
                admitted,
                pod,
            });
        }
    }

    /// The template's pod after defaulting, without admitting it.
    fn template_pod(&mut self, name: &str, namespace: &str, spec: &PodSpec, spec_path: &str) -> Option<QuotaObject> {
        let mut bad = Vec::new();
        let overhead = spec.runtime_class_name.as_ref().and_then(|rc| self.runtime_classes.get(rc)).cloned();
        let mut model = PodModel::from_spec(name, namespace, spec, spec_path, overhead.as_ref(), &mut bad);
        if !bad.is_empty() {
            return None;
        }
        model.apply_api_defaults();
        for lr in self.state(namespace).limit_ranges.values() {
            lr.mutate_pod(&mut model);
        }
        Some(QuotaObject { resource: Kind::Pod.resource(), subject: Subject::Pod(Box::new(model)) })
    }
}

fn service_subject(svc: &Service) -> Subject {
    let spec = svc.spec.as_ref();
    let type_ = spec.and_then(|s| s.type_.clone()).unwrap_or_else(|| "ClusterIP".to_owned());
    let ports = spec.and_then(|s| s.ports.as_ref()).map_or(0, Vec::len);
    // LoadBalancers allocate node ports unless told not to.
    let allocates = spec.and_then(|s| s.allocate_load_balancer_node_ports).unwrap_or(true);
    let ports = if type_ == "LoadBalancer" && !allocates { 0 } else { ports };
    Subject::Service { type_, ports: i64::try_from(ports).unwrap_or(i64::MAX) }
}

fn ordinal(n: i64) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effective_resources_read_back_as_written() {
        let text = "apiVersion: v1\nkind: LimitRange\nmetadata: {name: lr}\nspec:\n  limits:\n  - type: Container\n    max: {cpu: '2'}\n  - type: Pod\n    max: {memory: 1Gi}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: app, image: x}]}\n";
        let loading = crate::load(&[crate::Input::new("m.yaml", text)]);
        let admission = admit(&loading.inventory).admission;
        let json = serde_json::to_string(&admission).unwrap();
        // Pods: containers by name, limits before requests; LimitRanges: items
        // with their lists in name order, Container items always with defaults.
        assert!(json.contains(r#""effective":{"app":{"limits":{"cpu":"2"},"requests":{"cpu":"2"}}}"#), "{json}");
        assert!(
            json.contains(r#""effective":[{"default":{"cpu":"2"},"defaultRequest":{"cpu":"2"},"max":{"cpu":"2"},"type":"Container"},{"max":{"memory":"1Gi"},"type":"Pod"}]"#),
            "{json}"
        );
        let back: Admission = serde_json::from_str(&json).unwrap();
        assert_eq!(back, admission);
    }
}
