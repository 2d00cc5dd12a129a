//! The HPA controller over time (`hpa.md §5`): one reconcile at t = 0 and one
//! every sync period while t < duration, driven by an `HPASimulation`. After
//! each reconcile the target's controller brings its pods to the new
//! `spec.replicas`: new pods go through admission (LimitRange defaults set
//! their requests; a ResourceQuota may refuse them), removed pods free their
//! quota. The `pods:` mode runs a single reconcile over explicit samples.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use k8s_openapi::api::autoscaling::v2::{
    HorizontalPodAutoscaler, HorizontalPodAutoscalerBehavior, MetricSpec, MetricTarget,
};
use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::behavior::effective_behavior;
use super::controller::{Condition, ControllerConfig, HpaController, MetricReading, ReconcileInput, defaulted_metrics};
use super::pods::{ContainerRequests, PodInfo, PodMetric, PodMetrics, PodPhase, PodSamples, ReadyCondition};
use super::replica_calculator::{PodRequests, calculate_pod_requests};
use super::scenario::{HPASimulation, LoadShape, Scenario};
use super::target::{Target, resolve_target};
use crate::admission::{Cluster, MAX_SIMULATED_REPLICAS, PodModel, ResourceList};
use crate::diagnostic::{Area, Diagnostic, Severity};
use crate::model::{Inventory, Loaded, Object, ObjectRef};
use crate::netpol::selector::Selector;
use crate::quantity::{Format, Quantity};

/// The window of every simulated sample, seconds: metrics-server's default
/// `--metric-resolution` (kubeplay's convention, `hpa.md §5`).
pub const METRIC_WINDOW: i64 = 15;

/// Pod samples read over a whole simulation at most (pods × reconciles),
/// about three and a half times a day at 15 s over 50 pods: past it the simulation
/// stops with a warning, so no input makes it run for minutes.
pub const MAX_POD_SAMPLES: usize = 1_000_000;

/// Pods of the input (and the target's first replicas) started and became
/// Ready this long before t = 0: past every start-up rule of `hpa.md §3.1`.
pub const LONG_RUNNING: i64 = 3600;

/// Text that most steps repeat (a metric's name and type, a printed value):
/// steps share one copy. Serialized, compared and debugged as the string.
#[derive(Clone, PartialEq, Eq)]
pub struct SharedText(Arc<str>);

impl Deref for SharedText {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SharedText {
    fn from(text: &str) -> Self {
        SharedText(text.into())
    }
}

impl From<String> for SharedText {
    fn from(text: String) -> Self {
        SharedText(text.into())
    }
}

impl PartialEq<str> for SharedText {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for SharedText {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl fmt::Debug for SharedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for SharedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl Serialize for SharedText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SharedText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(SharedText::from)
    }
}

/// A step's conditions, shared with the steps before it while unchanged;
/// (de)serialized as a list (serde's `rc` feature is not enabled).
mod shared_conditions {
    use std::sync::Arc;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::Condition;

    pub fn serialize<S: Serializer>(conditions: &Arc<[Condition]>, serializer: S) -> Result<S::Ok, S::Error> {
        conditions[..].serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Arc<[Condition]>, D::Error> {
        Vec::<Condition>::deserialize(deserializer).map(Arc::from)
    }
}

/// One metric's outcome at one reconcile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepMetric {
    /// The resource name, or the Pods / Object / External metric's name.
    pub name: SharedText,
    /// `Resource`, `ContainerResource`, `Pods`, `Object` or `External`.
    pub type_: SharedText,
    /// The truncated percent, for Utilization targets.
    pub utilization: Option<i32>,
    /// The per-pod average the controller computed (a quantity).
    pub average: Option<SharedText>,
    /// An Object or External metric's value against a Value target.
    pub value: Option<SharedText>,
    /// The metric's replica count before behavior; `None` when invalid.
    pub proposal: Option<i32>,
    pub error: Option<String>,
}

/// Pods a scale-up asked for that quota refused.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuotaRefusal {
    pub requested: i32,
    pub created: i32,
    pub message: String,
}

/// One reconcile and what followed it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub t: i64,
    /// The target's `spec.replicas` the controller read.
    pub current_replicas: i32,
    pub metrics: Vec<StepMetric>,
    pub metric_desired: Option<i32>,
    pub desired_replicas: i32,
    /// Pods the target has after this reconcile.
    pub replicas: i32,
    /// The HPA's status conditions after this reconcile (they persist from
    /// one reconcile to the next, as in the object's status).
    #[serde(with = "shared_conditions")]
    pub conditions: Arc<[Condition]>,
    pub quota: Option<QuotaRefusal>,
}

/// A finished simulation (its JSON form is `render::hpa`).
#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    pub hpa: ObjectRef,
    pub target: ObjectRef,
    /// After `hpa.md §4.1` defaulting; `None` on the legacy path.
    pub behavior: Option<HorizontalPodAutoscalerBehavior>,
    pub min_replicas: i32,
    pub max_replicas: i32,
    /// Pods of the target at t = 0, before the first reconcile.
    pub initial_replicas: i32,
    /// Seconds simulated, and between reconciles (the flag's value).
    pub duration: i64,
    pub sync_period: i64,
    /// The HPA's metrics after API defaulting, in spec order (what `steps[].metrics` report on).
    pub metrics: Vec<MetricSpec>,
    /// Requests (milli) of one of the target's pods at t = 0 after LimitRange defaulting, summed
    /// over its containers and sidecars: what a utilization target is a percentage of.
    pub pod_requests: BTreeMap<String, i64>,
    pub steps: Vec<Step>,
}

impl Timeline {
    /// The most pods at any point (the initial pods included).
    pub fn peak_replicas(&self) -> i32 {
        self.steps.iter().map(|s| s.replicas).fold(self.initial_replicas, i32::max)
    }

    /// Pods at the end.
    pub fn final_replicas(&self) -> i32 {
        self.steps.last().map_or(self.initial_replicas, |s| s.replicas)
    }

    /// The first reconcile after which the target has `maxReplicas` pods.
    pub fn first_at_max(&self) -> Option<i64> {
        self.steps.iter().find(|s| s.replicas >= self.max_replicas).map(|s| s.t)
    }
}

/// The most replicas added within any `window` seconds: for every reconcile, the
/// highest count reached before `window` seconds have passed, minus the count it started from.
pub fn most_added_within(timeline: &Timeline, window: i64) -> i32 {
    let steps = &timeline.steps;
    steps
        .iter()
        .enumerate()
        .map(|(i, start)| {
            steps[i..]
                .iter()
                .take_while(|later| later.t < start.t.saturating_add(window))
                .map(|later| later.replicas - start.current_replicas)
                .max()
                .unwrap_or(0)
        })
        .max()
        .unwrap_or(0)
}

/// The simulation of the input's `HPASimulation`, with the problems found.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SimulationRun {
    /// `None` when the input has no runnable simulation (see `diagnostics`).
    pub timeline: Option<Timeline>,
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the input has an `HPASimulation` at all.
    pub found: bool,
}

/// How [`simulate_with`] runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Let the controller reuse the last reconcile's metric proposals while the
    /// pods, their groups and the loads stay the same
    /// ([`ReconcileInput::readings_generation`]). The timeline is the same
    /// either way (the tests hold one against the other); off, every reconcile
    /// runs the replica calculator.
    pub reuse_readings: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { reuse_readings: true }
    }
}

/// Runs the first `HPASimulation` of the inventory.
pub fn simulate(inventory: &Inventory) -> SimulationRun {
    simulate_with(inventory, Options::default())
}

/// [`simulate`] with [`Options`].
pub fn simulate_with(inventory: &Inventory, options: Options) -> SimulationRun {
    let mut run = SimulationRun::default();
    let mut sims = inventory.objects.iter().filter_map(|o| match &o.object {
        Object::HPASimulation(sim) => Some((o, sim.as_ref())),
        _ => None,
    });
    let Some((loaded, sim)) = sims.next() else { return run };
    run.found = true;
    for (other, _) in sims {
        run.diagnostics.push(Diagnostic::at(
            Area::Input,
            &other.origin,
            "",
            Severity::Warning,
            "hpasim-several",
            format!("only the first HPASimulation ({}) is run; {} is ignored", loaded.name(), other.name()),
        ));
    }
    run.timeline = run_simulation(inventory, loaded, sim, options, &mut run.diagnostics);
    run
}

fn error(diagnostics: &mut Vec<Diagnostic>, loaded: &Loaded, path: &str, code: &str, message: String) {
    diagnostics.push(Diagnostic::at(Area::Input, &loaded.origin, path, Severity::Error, code, message));
}

/// The HPA the simulation names, or the only one of its namespace.
fn find_hpa<'a>(
    inventory: &'a Inventory,
    loaded: &Loaded,
    scenario: &Scenario,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(&'a Loaded, &'a HorizontalPodAutoscaler)> {
    let in_namespace: Vec<(&Loaded, &HorizontalPodAutoscaler)> = inventory
        .objects
        .iter()
        .filter_map(|o| match &o.object {
            Object::HorizontalPodAutoscaler(h) if o.namespace() == Some(scenario.namespace.as_str()) => {
                Some((o, h.as_ref()))
            }
            _ => None,
        })
        .collect();
    match &scenario.hpa {
        Some(name) => {
            let found = in_namespace.iter().find(|(o, _)| o.name() == name).copied();
            if found.is_none() {
                let known: Vec<&str> = in_namespace.iter().map(|(o, _)| o.name()).collect();
                error(
                    diagnostics,
                    loaded,
                    "spec.hpa",
                    "hpasim-hpa-not-found",
                    format!(
                        "no HorizontalPodAutoscaler {name:?} in namespace {}{}",
                        scenario.namespace,
                        if known.is_empty() { String::new() } else { format!(" (there is {})", known.join(", ")) }
                    ),
                );
            }
            found
        }
        None => match in_namespace.as_slice() {
            [one] => Some(*one),
            [] => {
                error(
                    diagnostics,
                    loaded,
                    "spec",
                    "hpasim-hpa-not-found",
                    format!("there is no HorizontalPodAutoscaler in namespace {} to simulate", scenario.namespace),
                );
                None
            }
            several => {
                let names: Vec<&str> = several.iter().map(|(o, _)| o.name()).collect();
                error(
                    diagnostics,
                    loaded,
                    "spec",
                    "hpasim-hpa-not-found",
                    format!(
                        "namespace {} has several HPAs ({}); name one in `spec.hpa`",
                        scenario.namespace,
                        names.join(", ")
                    ),
                );
                None
            }
        },
    }
}

/// The metric's name as loads and samples name it, and whether it is read per pod.
fn metric_key(metric: &MetricSpec) -> Option<(&str, bool)> {
    match metric.type_.as_str() {
        "Resource" => metric.resource.as_ref().map(|r| (r.name.as_str(), true)),
        "ContainerResource" => metric.container_resource.as_ref().map(|r| (r.name.as_str(), true)),
        "Pods" => metric.pods.as_ref().map(|p| (p.metric.name.as_str(), true)),
        "Object" => metric.object.as_ref().map(|o| (o.metric.name.as_str(), false)),
        "External" => metric.external.as_ref().map(|e| (e.metric.name.as_str(), false)),
        _ => None,
    }
}

/// The resource and container (`""`: every container) whose requests a
/// Utilization metric is a percentage of.
fn utilization_request(metric: &MetricSpec) -> Option<(&str, &str)> {
    let utilization = |target: &MetricTarget| target.average_value.is_none() && target.average_utilization.is_some();
    match metric.type_.as_str() {
        "Resource" => metric.resource.as_ref().filter(|r| utilization(&r.target)).map(|r| (r.name.as_str(), "")),
        "ContainerResource" => metric
            .container_resource
            .as_ref()
            .filter(|r| utilization(&r.target))
            .map(|r| (r.name.as_str(), r.container.as_str())),
        _ => None,
    }
}

/// The label selector of a scalable workload.
fn workload_selector(target: &Loaded) -> Option<Selector> {
    let selector = match &target.object {
        Object::Deployment(d) => d.spec.selector.clone(),
        Object::StatefulSet(s) => s.spec.selector.clone(),
        Object::ReplicaSet(r) => r.spec.selector.clone(),
        Object::ReplicationController(r) => {
            LabelSelector { match_labels: r.spec.as_ref()?.selector.clone(), match_expressions: None }
        }
        _ => return None,
    };
    let compiled = Selector::compile(&selector).ok()?;
    // An empty selector is rejected by the API server for workloads.
    (!compiled.is_empty()).then_some(compiled)
}

/// A pod of the target as the simulation tracks it.
#[derive(Clone, Debug)]
struct SimPod {
    name: String,
    created: i64,
    ready_at: i64,
    containers: Vec<ContainerRequests>,
    init_containers: Vec<ContainerRequests>,
    pod_requests: Option<BTreeMap<String, i64>>,
}

fn milli_list(list: &ResourceList) -> BTreeMap<String, i64> {
    list.iter().filter_map(|(k, v)| v.milli_value().map(|m| (k.clone(), m))).collect()
}

fn sim_pod(name: &str, model: &PodModel, created: i64, ready_at: i64) -> SimPod {
    let requests = |c: &crate::admission::Container| ContainerRequests {
        name: c.name.clone(),
        requests: milli_list(&c.requests),
        restartable: c.sidecar,
    };
    SimPod {
        name: name.to_owned(),
        created,
        ready_at,
        containers: model.containers.iter().map(requests).collect(),
        init_containers: model.init_containers.iter().map(requests).collect(),
        pod_requests: (!model.pod_requests.is_empty()).then(|| milli_list(&model.pod_requests)),
    }
}

/// A milli-value as the HPA status prints it (`NewMilliQuantity(v, DecimalSI)`).
pub fn milli_quantity(milli: i64) -> String {
    Quantity::from_scaled(i128::from(milli), -3, Format::DecimalSI)
        .map_or_else(|| format!("{milli}m"), |q| q.canonical())
}

fn run_simulation(
    inventory: &Inventory,
    loaded: &Loaded,
    sim: &HPASimulation,
    options: Options,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Timeline> {
    let scenario = Scenario::parse(sim, &loaded.origin, diagnostics);
    let scenario = scenario?;
    let (hpa_loaded, hpa) = find_hpa(inventory, loaded, &scenario, diagnostics)?;
    let target = match resolve_target(inventory, hpa_loaded, hpa) {
        Target::Found(target) => target,
        Target::Missing | Target::NotScalable(_) => {
            let reference = &hpa.spec.scale_target_ref;
            diagnostics.push(Diagnostic::at(
                Area::Input,
                &hpa_loaded.origin,
                "spec.scaleTargetRef",
                Severity::Error,
                "hpasim-target-not-found",
                format!(
                    "cannot simulate {}: its target {} {} is not a Deployment, StatefulSet, ReplicaSet or ReplicationController of the input",
                    hpa_loaded.name(),
                    reference.kind,
                    reference.name
                ),
            ));
            return None;
        }
    };
    let metrics = defaulted_metrics(&hpa.spec);
    // Every load must name a metric of the HPA, in the shape its type reads.
    let mut ok = true;
    for load in &scenario.loads {
        let path = format!("spec.load[{}]", load.index);
        let matching: Vec<bool> = metrics
            .iter()
            .filter_map(metric_key)
            .filter(|(name, _)| *name == load.metric)
            .map(|(_, per_pod)| per_pod)
            .collect();
        if matching.is_empty() {
            let known: Vec<&str> = metrics.iter().filter_map(metric_key).map(|(name, _)| name).collect();
            error(
                diagnostics,
                loaded,
                &format!("{path}.metric"),
                "hpasim-unknown-metric",
                format!("{} has no metric {:?} (its metrics: {})", hpa_loaded.name(), load.metric, known.join(", ")),
            );
            ok = false;
        } else if matching.iter().any(|per_pod| *per_pod == (load.shape == LoadShape::Value)) {
            error(
                diagnostics,
                loaded,
                &format!("{path}.{}", load.shape.field()),
                "hpasim-bad-load",
                format!(
                    "{:?} is {}; give its load as {}",
                    load.metric,
                    if load.shape == LoadShape::Value { "read per pod" } else { "an Object or External metric" },
                    if load.shape == LoadShape::Value { "`total` or `perPod`" } else { "`value`" }
                ),
            );
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    if scenario.pods.is_none() {
        for (name, _) in metrics.iter().filter_map(metric_key) {
            if !scenario.loads.iter().any(|l| l.metric == name) {
                diagnostics.push(Diagnostic::at(
                    Area::Input,
                    &loaded.origin,
                    "spec.load",
                    Severity::Warning,
                    "hpasim-no-load",
                    format!("no load for metric {name:?}: the metrics API returns nothing for it, so it is invalid at every reconcile"),
                ));
            }
        }
    }

    let namespace = target.namespace().unwrap_or_default().to_owned();
    let workload = target.workload()?;
    let default_spec = PodSpec::default();
    let template_spec: &PodSpec = workload.template.spec.as_ref().unwrap_or(&default_spec);
    let spec_path = workload.pod_spec_path();
    let mut cluster = Cluster::new(inventory);

    // The target's pods: Pods of the input its selector matches, else the
    // replicas admission made from its template.
    let selector = workload_selector(target);
    let mut pods: Vec<SimPod> = Vec::new();
    if let Some(selector) = &selector {
        for (pod_loaded, _) in inventory.pods() {
            if pod_loaded.namespace() == Some(namespace.as_str())
                && selector.matches(pod_loaded.labels())
                && let Some(model) = cluster.pod(&namespace, pod_loaded.name())
            {
                pods.push(sim_pod(pod_loaded.name(), model, -LONG_RUNNING, -LONG_RUNNING));
            }
        }
    }
    let current_spec = workload.replicas.unwrap_or(1);
    if pods.is_empty() {
        for i in 0..current_spec.clamp(0, MAX_SIMULATED_REPLICAS) {
            let name = format!("{}-{i}", target.name());
            if let Some(model) = cluster.pod(&namespace, &name) {
                pods.push(sim_pod(&name, model, -LONG_RUNNING, -LONG_RUNNING));
            }
        }
    }
    let initial_replicas = i32::try_from(pods.len()).unwrap_or(i32::MAX);
    let mut pod_requests: BTreeMap<String, i64> = BTreeMap::new();
    if let Some(first) = pods.first() {
        let restartable = first.init_containers.iter().filter(|c| c.restartable);
        for container in first.containers.iter().chain(restartable) {
            for (resource, milli) in &container.requests {
                *pod_requests.entry(resource.clone()).or_default() += milli;
            }
        }
    }

    if let Some(samples) = &scenario.pods {
        for sample in samples {
            if !pods.iter().any(|p| p.name == sample.name) {
                diagnostics.push(Diagnostic::at(
                    Area::Input,
                    &loaded.origin,
                    &format!("spec.pods[{}].name", sample.index),
                    Severity::Warning,
                    "hpasim-unknown-pod",
                    format!(
                        "{} is not a pod of {}; its sample is ignored (the pods are {})",
                        sample.name,
                        target.id(),
                        pods.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
        }
    }

    let mut controller = HpaController::new(scenario.config);
    let behavior =
        hpa.spec.behavior.as_ref().map(|b| effective_behavior(b, scenario.config.downscale_stabilization_window));
    let mut conditions: Vec<Condition> = Vec::new();
    // What the steps hold: `conditions`, copied again only when a reconcile changed them.
    let mut shared_conditions: Arc<[Condition]> = Arc::from([]);
    let mut steps = Vec::new();
    let mut current = current_spec;
    let mut next_index = current_spec.max(0);
    let mut truncated = false;
    let end = if scenario.pods.is_some() { 1 } else { scenario.duration };
    let mut t = 0i64;
    // What the controller reads of `pods`, in the same order: rebuilt when pods
    // were removed (the survivors are sorted again), appended to when pods were
    // created; otherwise only their state moves on.
    let mut infos: Vec<PodInfo> = Vec::new();
    let mut pods_removed = false;
    let mut samples_read = 0usize;
    // One reading per metric, refilled in place at every reconcile.
    let mut readings: Vec<MetricReading> = metrics.iter().map(|_| MetricReading::Pods(PodSamples::default())).collect();
    // `calculateRequests` per metric over `infos`, kept while the pods stay.
    let mut requests: Vec<Option<PodRequests>> = metrics.iter().map(|_| None).collect();
    let mut requests_known = false;
    // Per metric, its name, type and whether it reports a value, then the
    // last value printed and its text: most reconciles repeat it.
    let labels: Vec<MetricLabel> = metrics.iter().map(MetricLabel::new).collect();
    let mut formatted: Vec<Option<(i64, SharedText)>> = metrics.iter().map(|_| None).collect();
    // What tells the controller that the readings are those of the last
    // reconcile (`ReconcileInput::readings_generation`): the first instant at
    // which a pod's state or group can change, and each metric's load then.
    let mut next_pod_change = i64::MIN;
    let mut load_values: Vec<Option<Option<i64>>> = metrics.iter().map(|_| None).collect();
    let mut readings_generation = 0u64;
    while t < end {
        samples_read = samples_read.saturating_add(pods.len().max(1));
        if samples_read > MAX_POD_SAMPLES {
            diagnostics.push(Diagnostic::at(
                Area::Input,
                &loaded.origin,
                "spec.duration",
                Severity::Warning,
                "hpasim-stopped",
                format!(
                    "the simulation stopped at t = {t}s: it would read more than {MAX_POD_SAMPLES} pod samples; shorten the duration or lower maxReplicas"
                ),
            ));
            break;
        }
        let rebuilt = std::mem::take(&mut pods_removed);
        if rebuilt {
            infos.clear();
        }
        let known = infos.len();
        // Pod states and their `groupPods` groups move only at instants known
        // in advance; between them (and while no pod comes or goes) they stay.
        let pods_moved = !options.reuse_readings
            || rebuilt
            || known != pods.len()
            || t >= next_pod_change
            || scenario.pods.is_some();
        if pods_moved {
            for (pod, info) in pods.iter().zip(infos.iter_mut()) {
                set_state_at(info, pod, t, &scenario);
            }
            infos.extend(pods.iter().skip(known).map(|p| pod_info(p, t, &scenario)));
            next_pod_change =
                pods.iter().filter_map(|p| next_group_change(p, t, &controller.config)).min().unwrap_or(i64::MAX);
        }
        // The pods' requests change only with the pods: computed again when pods came or went.
        if rebuilt || infos.len() != known || !requests_known {
            requests_known = true;
            for (slot, metric) in requests.iter_mut().zip(&metrics) {
                *slot = utilization_request(metric).map(|(resource, container)| {
                    calculate_pod_requests(&infos, container, resource, controller.config.pod_level_resources)
                });
            }
        }
        let mut loads_moved = false;
        for (metric, last) in metrics.iter().zip(load_values.iter_mut()) {
            let value = load_value(metric, &scenario, t);
            if *last != Some(value) {
                *last = Some(value);
                loads_moved = true;
            }
        }
        // Off, every reconcile reads its pods and loads afresh (the samples' timestamps included).
        if pods_moved || loads_moved || !options.reuse_readings {
            readings_generation += 1;
            for (metric, slot) in metrics.iter().zip(readings.iter_mut()) {
                read_into(slot, metric, &infos, t, &scenario);
            }
        }
        let status_replicas = i32::try_from(pods.len()).unwrap_or(i32::MAX);
        let outcome = controller.reconcile(
            &hpa.spec,
            ReconcileInput {
                now: t,
                namespace: &namespace,
                spec_replicas: current,
                status_replicas,
                pods: &infos,
                metrics: &readings,
                requests: &requests,
                readings_generation: options.reuse_readings.then_some(readings_generation),
            },
        );
        let mut conditions_changed = false;
        for condition in outcome.conditions {
            match conditions.iter_mut().find(|c| c.type_ == condition.type_) {
                Some(slot) if *slot == condition => {}
                Some(slot) => {
                    *slot = condition;
                    conditions_changed = true;
                }
                None => {
                    conditions.push(condition);
                    conditions_changed = true;
                }
            }
        }
        if conditions_changed {
            shared_conditions = Arc::from(conditions.as_slice());
        }
        let new_spec = outcome.desired_replicas;
        // The workload controller brings the pods to the new spec.replicas.
        let wanted = usize::try_from(new_spec.clamp(0, MAX_SIMULATED_REPLICAS)).unwrap_or(0);
        if new_spec > MAX_SIMULATED_REPLICAS && !truncated {
            truncated = true;
            diagnostics.push(Diagnostic::at(
                Area::Input,
                &hpa_loaded.origin,
                "spec.maxReplicas",
                Severity::Info,
                "hpasim-replicas-truncated",
                format!("only the first {MAX_SIMULATED_REPLICAS} of {new_spec} pods are simulated"),
            ));
        }
        let mut quota = None;
        if pods.len() < wanted {
            let requested = wanted - pods.len();
            let mut created = 0usize;
            let mut refusal = None;
            for _ in 0..requested {
                let (index, name) = loop {
                    let candidate = format!("{}-{next_index}", target.name());
                    let index = next_index;
                    next_index = next_index.saturating_add(1);
                    if cluster.pod(&namespace, &candidate).is_none() && !pods.iter().any(|p| p.name == candidate) {
                        break (index, candidate);
                    }
                };
                match cluster.create_pod(&namespace, &name, template_spec, &spec_path) {
                    Ok(model) => {
                        pods.push(sim_pod(&name, model, t, t.saturating_add(scenario.pod_ready_seconds)));
                        created += 1;
                    }
                    Err(message) => {
                        // Every pod of the template is the same: the next one fails
                        // alike. The name is tried again at the next reconcile.
                        next_index = index;
                        refusal = Some(message);
                        break;
                    }
                }
            }
            if let Some(message) = refusal {
                quota = Some(QuotaRefusal {
                    requested: i32::try_from(requested).unwrap_or(i32::MAX),
                    created: i32::try_from(created).unwrap_or(i32::MAX),
                    message,
                });
            }
        } else if pods.len() > wanted {
            // Not yet ready first, then the newest (the ReplicaSet controller's ranking).
            crate::sort::sort_by(&mut pods, |a, b| {
                let ready = |p: &SimPod| p.ready_at <= t;
                ready(a).cmp(&ready(b)).then(b.created.cmp(&a.created)).then(b.name.cmp(&a.name))
            });
            for pod in pods.drain(..pods.len() - wanted) {
                cluster.delete_pod(&namespace, &pod.name);
            }
            pods_removed = true;
            crate::sort::sort_by(&mut pods, |a, b| a.created.cmp(&b.created).then(a.name.cmp(&b.name)));
        }
        steps.push(Step {
            t,
            current_replicas: current,
            metrics: step_metrics(&labels, &outcome.metrics, &mut formatted),
            metric_desired: outcome.metric_desired_replicas,
            desired_replicas: outcome.desired_replicas,
            replicas: i32::try_from(pods.len()).unwrap_or(i32::MAX),
            conditions: Arc::clone(&shared_conditions),
            quota,
        });
        current = new_spec;
        t = t.saturating_add(scenario.config.sync_period.max(1));
    }
    Some(Timeline {
        hpa: hpa_loaded.reference(),
        target: target.reference(),
        behavior,
        min_replicas: hpa.spec.min_replicas.unwrap_or(1),
        max_replicas: hpa.spec.max_replicas,
        initial_replicas,
        duration: scenario.duration,
        sync_period: scenario.config.sync_period,
        metrics: defaulted_metrics(&hpa.spec),
        pod_requests,
        steps,
    })
}

/// What the replica calculator reads of a pod at `now`.
fn pod_info(pod: &SimPod, now: i64, scenario: &Scenario) -> PodInfo {
    let mut info = PodInfo {
        name: pod.name.clone(),
        phase: PodPhase::Running,
        deleting: false,
        start_time: Some(pod.created),
        ready: None,
        containers: pod.containers.clone(),
        init_containers: pod.init_containers.clone(),
        pod_requests: pod.pod_requests.clone(),
    };
    set_state_at(&mut info, pod, now, scenario);
    info
}

/// The first instant after `now` at which [`set_state_at`] or `groupPods`
/// can say something else of a simulated pod (`pods:` samples aside): it
/// turns Ready at `ready_at`; for CPU, its first full metric window after
/// that ends at `ready_at + METRIC_WINDOW`, and its initialization period at
/// `created + cpu_initialization_period` (`hpa.md §3.1`).
fn next_group_change(pod: &SimPod, now: i64, config: &ControllerConfig) -> Option<i64> {
    [
        pod.ready_at,
        pod.ready_at.saturating_add(METRIC_WINDOW),
        pod.created.saturating_add(config.cpu_initialization_period),
    ]
    .into_iter()
    .filter(|at| *at > now)
    .min()
}

/// The load a metric's reading is made from at `now` (`None`: no load or no step yet).
fn load_value(metric: &MetricSpec, scenario: &Scenario, now: i64) -> Option<i64> {
    let (name, _) = metric_key(metric)?;
    scenario.loads.iter().find(|l| l.metric == name)?.at(now)
}

/// The parts of a pod's state that change with time: phase and readiness.
fn set_state_at(info: &mut PodInfo, pod: &SimPod, now: i64, scenario: &Scenario) {
    if let Some(sample) = scenario.pods.iter().flatten().find(|s| s.name == pod.name) {
        info.phase = sample.phase;
        info.deleting = sample.deleting;
        info.start_time = Some(now.saturating_sub(sample.started_seconds_ago));
        info.ready = Some(ReadyCondition {
            status: sample.ready,
            last_transition_time: now.saturating_sub(sample.ready_seconds_ago),
        });
    } else if pod.ready_at > now {
        // Starting: Pending until Ready (`hpa.md §5`).
        info.phase = PodPhase::Pending;
        info.ready = None;
    } else {
        info.phase = PodPhase::Running;
        info.ready = Some(ReadyCondition { status: true, last_transition_time: pod.ready_at });
    }
}

/// What the metrics APIs answer for one metric at `now`, written over `slot`
/// (its buffers are reused): samples in the order of `infos`, the pods.
fn read_into(slot: &mut MetricReading, metric: &MetricSpec, infos: &[PodInfo], now: i64, scenario: &Scenario) {
    let sample = |value: i64| PodMetric { value, timestamp: now, window: METRIC_WINDOW };
    let Some((name, per_pod)) = metric_key(metric) else { return no_samples(slot) };
    if let Some(samples) = &scenario.pods
        && per_pod
    {
        let named: PodMetrics = samples
            .iter()
            .filter(|s| infos.iter().any(|p| p.name == s.name))
            .filter_map(|s| s.usage.get(name).map(|v| (s.name.clone(), sample(*v))))
            .collect();
        *slot = MetricReading::Pods(PodSamples::from_named(infos, &named));
        return;
    }
    let Some(load) = scenario.loads.iter().find(|l| l.metric == name) else { return no_samples(slot) };
    let Some(value) = load.at(now) else { return no_samples(slot) };
    match (load.shape, metric.type_.as_str()) {
        (LoadShape::Value, "External") => match slot {
            MetricReading::External(values) => {
                values.clear();
                values.push(value);
            }
            _ => *slot = MetricReading::External(vec![value]),
        },
        (LoadShape::Value, _) => *slot = MetricReading::Object(value),
        (shape, _) => {
            let mut samples = take_samples(slot);
            // Pods that report metrics: Ready and not being deleted.
            let reports = |p: &PodInfo| p.phase == PodPhase::Running && p.is_ready() && !p.deleting;
            let count = i64::try_from(infos.iter().filter(|p| reports(p)).count()).unwrap_or(i64::MAX).max(1);
            // Divided once per reading, not once per pod.
            let (even, remainder) = (value / count, value % count);
            let mut i = 0i64;
            for pod in infos {
                if !reports(pod) {
                    samples.by_pod.push(None);
                    continue;
                }
                let share = match shape {
                    // Shared evenly; the remainder's milli-units go to the first pods.
                    LoadShape::Total => even + i64::from(i < remainder),
                    _ => value,
                };
                samples.by_pod.push(Some(sample(share)));
                i += 1;
            }
            *slot = MetricReading::Pods(samples);
        }
    }
}

/// The slot's per-pod sample buffers, emptied, to refill and put back.
fn take_samples(slot: &mut MetricReading) -> PodSamples {
    match std::mem::replace(slot, MetricReading::Object(0)) {
        MetricReading::Pods(mut samples) => {
            samples.by_pod.clear();
            samples.extra.clear();
            samples
        }
        _ => PodSamples::default(),
    }
}

/// No sample at all (the metrics API returned nothing).
fn no_samples(slot: &mut MetricReading) {
    *slot = MetricReading::Pods(take_samples(slot));
}

/// What a step reports of a metric whatever its readings: made once per simulation.
struct MetricLabel {
    name: SharedText,
    type_: SharedText,
    /// An Object or External metric against a Value target: its reading is a value, not an average.
    value_target: bool,
}

impl MetricLabel {
    fn new(spec: &MetricSpec) -> Self {
        let value_target = match spec.type_.as_str() {
            "Object" => spec.object.as_ref().is_some_and(|o| o.target.value.is_some()),
            "External" => {
                spec.external.as_ref().is_some_and(|e| e.target.average_value.is_none() && e.target.value.is_some())
            }
            _ => false,
        };
        MetricLabel {
            name: SharedText::from(metric_key(spec).map_or("", |(name, _)| name)),
            type_: SharedText::from(spec.type_.as_str()),
            value_target,
        }
    }
}

fn step_metrics(
    labels: &[MetricLabel],
    proposals: &[super::controller::MetricProposal],
    last: &mut [Option<(i64, SharedText)>],
) -> Vec<StepMetric> {
    labels
        .iter()
        .zip(proposals)
        .zip(last.iter_mut())
        .map(|((label, proposal), last)| {
            let formatted = proposal.value.map(|value| match last {
                Some((milli, text)) if *milli == value => text.clone(),
                _ => {
                    let text = SharedText::from(milli_quantity(value));
                    *last = Some((value, text.clone()));
                    text
                }
            });
            StepMetric {
                name: label.name.clone(),
                type_: label.type_.clone(),
                utilization: proposal.utilization,
                average: if label.value_target { None } else { formatted.clone() },
                value: if label.value_target { formatted } else { None },
                proposal: proposal.replicas,
                error: proposal.error.clone(),
            }
        })
        .collect()
}
