//! What the page and the analysis worker say to each other. Depends on nothing
//! of the app: both ends import it, it imports only core's vocabulary
//! (severities, areas, protocols, analysis stages, exercise verdicts).
//!
//! The page never receives the report: each view gets a type made for it,
//! built in the worker from the report (`analyser`), already cut to what the
//! page draws and with every count kept. So the page's wasm carries readers for
//! these small types only — not for the report, the graph or the explanation.

use std::rc::Rc;

use kubeplay_core::Severity;
use kubeplay_core::examples::ExerciseStatus;
use kubeplay_core::lessons::Shown;
use kubeplay_core::lessons::checklist::Verdict;
use kubeplay_core::netpol::Protocol;
use kubeplay_core::netpol::diff::{ChangeKind, EndpointChange};
use kubeplay_core::report::Stage;
use kubeplay_core::source::Span;
use kubeplay_core::{Area, Location};
use serde::{Deserialize, Serialize};

/// The page lists at most this many findings, and the editor marks at most this many diagnostics.
pub const FINDINGS_SHOWN: usize = 2_000;
/// Security cards drawn; the rest are counted.
pub const WORKLOADS_SHOWN: usize = 200;
/// Admission decisions listed; the rest are counted.
pub const ADMISSIONS_SHOWN: usize = 500;
/// Multi-container pods drawn in the Resources tab (a cluster dump can have thousands).
pub const PODS_SHOWN: usize = 50;
/// A truth table is drawn up to this many endpoints (the CLI prints any size).
pub const MATRIX_MAX_ENDPOINTS: usize = 80;
/// Fixes listed in the explain panel (the best first; the rest are counted).
pub const FIXES_SHOWN: usize = 5;
/// Changed flows listed in compare mode; the rest are counted.
pub const CHANGES_SHOWN: usize = 500;
/// Side effects listed per fix; the rest are counted.
pub const SIDE_EFFECTS_SHOWN: usize = 8;

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Json,
    Markdown,
}

/// A connection to explain: from, to, port, protocol.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowQuery {
    pub from: String,
    pub to: String,
    pub port: u16,
    pub protocol: Protocol,
}

/// What the page asks. `run` numbers analyses; answers name the run they are about.
/// Every request is answered: with its result, or with the reason there is none.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub enum Request {
    Analyze {
        run: u32,
        text: String,
        example: Option<String>,
    },
    Probe {
        run: u32,
        port: u16,
        protocol: Protocol,
    },
    Explain {
        run: u32,
        query: FlowQuery,
    },
    Export {
        run: u32,
        format: ExportFormat,
    },
    /// The smallest verified edits that give the flow the wanted verdict (`kubeplay fix`).
    Fix {
        run: u32,
        query: FlowQuery,
        want: bool,
    },
    /// The editor's text with fix `index` of the last [`Request::Fix`] answer applied.
    ApplyFix {
        run: u32,
        index: usize,
    },
    /// NetworkPolicies for exactly these flows (`kubeplay generate`), replacing the input's own.
    Generate {
        run: u32,
        flows: Vec<FlowQuery>,
        dns: bool,
    },
    /// Compare every analysis from now on with this text (the "before"; `None` stops comparing).
    Compare {
        run: u32,
        before: Option<String>,
    },
    /// The Scaling view of `text` alone (a load control rewrote its `HPASimulation`):
    /// answered before the whole analysis of the same text, so the chart follows
    /// a slider at once. Numbered apart from analyses.
    Simulate {
        preview: u32,
        text: String,
    },
}

/// One step of an analysis, for the progress bar.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Reading,
    Analysing(Stage),
    Drawing,
}

impl Step {
    pub const COUNT: usize = 2 + Stage::ALL.len();

    /// 0-based position among [`Step::COUNT`] steps.
    pub fn index(self) -> usize {
        match self {
            Step::Reading => 0,
            Step::Analysing(stage) => 1 + Stage::ALL.iter().position(|s| *s == stage).unwrap_or(0),
            Step::Drawing => Step::COUNT - 1,
        }
    }

    pub fn label(self) -> String {
        match self {
            Step::Reading => "reading manifests".to_owned(),
            Step::Analysing(stage) => format!("checking {}", stage.label()),
            Step::Drawing => "laying out the traffic graph".to_owned(),
        }
    }
}

/// What the worker says. `web/worker.js` writes [`Response::StartFailed`] itself
/// (as `{"StartFailed":{"message":…}}`) when the module cannot start there.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
pub enum Response {
    /// The worker has started and answers requests from now on.
    Ready,
    /// The worker could not start (no module workers, a blocked import, …).
    StartFailed {
        message: String,
    },
    Progress {
        run: u32,
        step: Step,
        elapsed_ms: u32,
    },
    Analyzed(Box<Outcome>),
    /// The analysis did not finish (the worker stopped, out of memory most likely).
    Failed {
        run: u32,
        message: String,
    },
    Probed {
        run: u32,
        port: u16,
        protocol: Protocol,
        answer: Result<MatrixView, String>,
    },
    Explained {
        run: u32,
        query: FlowQuery,
        explanation: Result<ExplainView, String>,
        /// The same flow in the baseline, when comparing.
        before: Option<Box<Result<ExplainView, String>>>,
    },
    /// The connectivity diff of the baseline and the analysis `run` (`kubeplay diff`);
    /// `None` once comparing has stopped.
    Compared {
        run: u32,
        comparison: Option<Result<DiffView, String>>,
    },
    Exported {
        run: u32,
        format: ExportFormat,
        text: Result<String, String>,
    },
    Fixed {
        run: u32,
        query: FlowQuery,
        want: bool,
        answer: Result<FixView, String>,
    },
    Generated {
        run: u32,
        answer: Result<GeneratedView, String>,
    },
    /// The whole text with the fix applied, or why it could not be written into it.
    FixApplied {
        run: u32,
        text: Result<String, String>,
    },
    /// The Scaling view of the text of [`Request::Simulate`] `preview`.
    Simulated {
        preview: u32,
        scaling: Rc<ScalingView>,
    },
    /// A message that is no request (so no run to answer about).
    Unreadable {
        message: String,
    },
}

/// Full sizes of the lists the views may cut, for the tab counts and the notes.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Counts {
    pub objects: usize,
    /// Endpoints the NetworkPolicy engine sees (pods and workload templates).
    pub endpoints: usize,
    /// Every finding: diagnostics and best-practice findings.
    pub findings: usize,
    /// Errors, warnings, info.
    pub findings_by_severity: [usize; 3],
    /// In `Area::ALL` order.
    pub findings_by_area: [usize; Area::ALL.len()],
    pub workloads: usize,
    pub restricted_failing: usize,
    pub admissions: usize,
    pub rejected: usize,
}

/// What one analysis gives the page: one view type per tab.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Outcome {
    pub run: u32,
    pub counts: Counts,
    pub exercise: Option<ExerciseStatus>,
    /// What each "material says / Kubernetes does" note of the example's lesson shows, in note order.
    pub notes: Vec<Shown>,
    /// Interview questions on this example: (question id, its task done on this text).
    pub tasks: Vec<(String, bool)>,
    /// The material's checklist on this text, in its order.
    pub checklist: Vec<Verdict>,
    /// The diagnostics the editor marks (loading and lint), errors kept first when cut.
    pub marks: Vec<Mark>,
    /// Every finding with its area, cut fairly between areas (errors first).
    pub findings: Vec<FindingRow>,
    /// The rule reference entry of every code among `findings` that has one
    /// (`kubeplay rules`, core's tables), in reference order.
    pub rules: Vec<RuleCard>,
    pub traffic: TrafficView,
    pub resources: ResourcesView,
    pub security: SecurityView,
    /// Shared (not copied) with the page's components, which compare it by address.
    pub scaling: Rc<ScalingView>,
    pub resilience: ResilienceView,
    /// The port the matrix opens at.
    pub suggested_port: (u16, Protocol),
    /// Wall time of the analysis in the worker, and of each step in [`Step`] order.
    pub elapsed_ms: u32,
    pub step_ms: Vec<u32>,
}

/// A located diagnostic the editor marks in its gutter and underlines.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Mark {
    pub severity: Severity,
    pub message: String,
    pub span: Span,
}

/// One row of the findings list.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct FindingRow {
    pub area: Area,
    pub severity: Severity,
    pub code: String,
    pub message: String,
    pub location: Location,
    /// A YAML snippet that fixes it, where the analysis knows one.
    pub fix: Option<String>,
}

/// One rule of the reference, as a finding's card shows it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct RuleCard {
    pub id: String,
    pub severity: Severity,
    /// What it checks.
    pub checks: String,
    /// The upstream function that decides it (validation rules).
    pub upstream: Option<String>,
    /// `kube-score: id, id` per tool with a counterpart.
    pub equivalents: Vec<String>,
    /// Refused, warned about, or accepted but unwise.
    pub why: String,
}

/// The traffic picture: geometry from `crate::layout`, plus what the page
/// needs to light a blast radius and explain an edge.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct TrafficView {
    pub width: f64,
    pub height: f64,
    /// One node per namespace (the input is too large for workloads).
    pub aggregated: bool,
    pub groups: Vec<GroupBox>,
    pub nodes: Vec<NodeBox>,
    /// Allowed flows.
    pub edges: Vec<EdgeCurve>,
    /// Pairs with no allowed connection at all (drawn on demand).
    pub denied: Vec<EdgeCurve>,
    /// Namespace pairs where every workload of one reaches every workload of the
    /// other on every port: one arrow between the boxes stands for all those edges.
    pub group_edges: Vec<GroupEdge>,
}

/// Every member of `from` reaches every member of `to` on every port and protocol.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct GroupEdge {
    pub from: String,
    pub to: String,
    pub path: String,
    /// How many workload edges it stands for.
    pub edges: usize,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct GroupBox {
    pub name: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub external: bool,
    /// Every member reaches every other on every port: the edges inside are not drawn.
    pub open: bool,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct NodeBox {
    pub id: String,
    pub label: String,
    /// Kind, replica count and isolation, e.g. `Deployment ×3 · ingress isolated`.
    pub detail: String,
    pub group: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub ingress_isolated: bool,
    pub egress_isolated: bool,
}

/// A port range an allowed edge carries.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ports {
    pub protocol: Protocol,
    pub first: u16,
    pub last: u16,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct EdgeCurve {
    pub from: String,
    pub to: String,
    /// SVG path data from the source's border to the destination's border.
    pub path: String,
    /// Allowed connections, e.g. `TCP 5000` or `all ports`.
    pub label: String,
    pub allowed: bool,
    /// Every port and protocol (allowed edges that carry all).
    pub all: bool,
    pub ports: Vec<Ports>,
    /// Drawn as part of an open namespace or a [`GroupEdge`], not on its own.
    pub bundled: bool,
}

impl EdgeCurve {
    pub fn carries(&self, port: u16, protocol: Protocol) -> bool {
        self.all || self.ports.iter().any(|p| p.protocol == protocol && (p.first..=p.last).contains(&port))
    }
}

impl TrafficView {
    /// Every node reachable from `id` along allowed edges (`forward`), or every
    /// node that reaches it (`!forward`), without `id` itself.
    pub fn reachable(&self, id: &str, forward: bool) -> std::collections::BTreeSet<String> {
        let mut found = std::collections::BTreeSet::new();
        let mut queue = vec![id];
        while let Some(at) = queue.pop() {
            for edge in &self.edges {
                let (here, there) = if forward { (&edge.from, &edge.to) } else { (&edge.to, &edge.from) };
                if here == at && there != id && found.insert(there.clone()) {
                    queue.push(there);
                }
            }
        }
        found
    }
}

/// Quota bars and admission decisions in apply order.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct ResourcesView {
    pub quotas: Vec<QuotaView>,
    /// The first [`ADMISSIONS_SHOWN`] decisions.
    pub decisions: Vec<DecisionView>,
    /// The first [`PODS_SHOWN`] pods with more than one container, as the kubelet runs them.
    pub pods: Vec<kubeplay_core::pods::PodAnatomy>,
    /// How many such pods the input has.
    pub pods_total: usize,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct QuotaView {
    pub namespace: String,
    pub name: String,
    pub rows: Vec<QuotaRow>,
}

/// One resource of a quota: `used / hard`, exactly as Kubernetes prints them.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct QuotaRow {
    pub resource: String,
    pub used: String,
    pub hard: String,
    /// used / hard for the bar, 0–100 (display only).
    pub percent: f64,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct DecisionView {
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
    pub admitted: bool,
    pub message: Option<String>,
    pub annotation: Option<String>,
    /// A pod's containers after LimitRange defaulting.
    pub containers: Vec<ContainerResources>,
}

/// `requests` and `limits` of one container, e.g. `cpu 250m, memory 256Mi`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ContainerResources {
    pub name: String,
    pub requests: String,
    pub limits: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct SecurityView {
    pub pss_version: String,
    /// The first [`WORKLOADS_SHOWN`] pods and templates.
    pub workloads: Vec<WorkloadView>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct WorkloadView {
    pub id: String,
    pub line: usize,
    pub baseline_pass: bool,
    pub restricted_pass: bool,
    /// Upstream's message when restricted fails.
    pub restricted_message: Option<String>,
    pub failures: Vec<CheckFailure>,
    /// PodSecurityPolicy: the rejection, or the policy that admitted it.
    pub psp: Option<PspView>,
    pub practices: Vec<PracticeView>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct CheckFailure {
    pub id: String,
    pub reason: String,
    pub line: usize,
    pub end_line: usize,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub enum PspView {
    Rejected(String),
    AdmittedBy(String),
    NoneApplies,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct PracticeView {
    pub severity: Severity,
    pub id: String,
    pub message: String,
    pub fix: String,
    pub line: usize,
    pub end_line: usize,
}

/// The truth table for one port, or how many endpoints there are when too many to draw.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub enum MatrixView {
    Table { endpoints: Vec<String>, allowed: Vec<Vec<bool>> },
    TooMany { endpoints: usize },
}

/// One connection explained, as the panel shows it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ExplainView {
    pub from: String,
    pub to: String,
    pub port: u16,
    pub protocol: Protocol,
    pub allowed: bool,
    pub summary: String,
    /// Egress from the source, ingress to the destination; empty when no policy decided.
    pub sides: Vec<SideView>,
    pub notes: Vec<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct SideView {
    pub title: String,
    pub allowed: bool,
    pub text: String,
    /// The rules that allowed it, or (when none did) the policies that select the endpoint.
    pub lines: Vec<RuleLine>,
}

/// A clickable rule or policy: its text and the YAML lines it selects.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct RuleLine {
    pub text: String,
    pub line: usize,
    pub end_line: usize,
}

/// The Scaling tab: the HPA timeline of the input's `HPASimulation`, when it has one.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct ScalingView {
    /// Shared with the chart's components, which compare it by address: a re-render
    /// neither copies the steps nor walks them to see they are the same.
    pub hpa: Option<Rc<HpaTimelineView>>,
    /// Why there is no timeline (no HPA, no simulation, an invalid one), for the empty state.
    pub note: Option<String>,
    /// An HPA (`namespace/name`) the input has but does not simulate: the page offers to add one.
    pub unsimulated: Option<String>,
    /// One panel per VerticalPodAutoscaler of the input, in input order.
    pub vpas: Vec<Rc<VpaPanelView>>,
}

/// One VerticalPodAutoscaler: the recommender's usage histograms and bounds per
/// container, what admission would write into a new pod, and the updater's verdicts.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct VpaPanelView {
    /// `namespace/name` of the VPA, and its target as `Kind/name`.
    pub vpa: String,
    pub target: String,
    /// `updateMode` as written (the default when absent), and whether the CRD accepts it.
    pub mode: String,
    pub mode_valid: bool,
    /// The recommendation comes from simulated usage (a `VPASimulation`), not the VPA's status.
    pub simulated: bool,
    pub containers: Vec<VpaContainerView>,
    pub pods: Vec<VpaPodView>,
    /// Pods the updater evicts or resizes in this loop, in its priority order.
    pub acted: Vec<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct VpaContainerView {
    pub name: String,
    /// CPU, then memory.
    pub resources: Vec<VpaResourceView>,
}

/// One resource of one container: quantities as text for the table, and as
/// numbers in base units (cores, bytes) for the histogram's marks.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct VpaResourceView {
    pub resource: String,
    /// The request the target's pod template sets today.
    pub request: Option<BoundView>,
    pub lower_bound: Option<BoundView>,
    pub target: Option<BoundView>,
    pub upper_bound: Option<BoundView>,
    /// The target before the resource policy and LimitRange capped it.
    pub uncapped_target: Option<BoundView>,
    /// Non-empty buckets `[start, end, share of the total weight]`, in base units.
    pub buckets: Vec<[f64; 3]>,
    /// `(name, percentile, value)` the estimator reads, before margin and minimums.
    pub percentiles: Vec<(String, f64, f64)>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct BoundView {
    pub text: String,
    pub value: f64,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct VpaPodView {
    pub name: String,
    /// What admission writes into the pod when it is (re)created, e.g. `api: cpu 63m, memory 250Mi`.
    pub admitted: Vec<String>,
    /// `evict`, `in-place` or `none`, and why.
    pub action: String,
    pub reason: String,
}

/// One simulated HPA over time, as the chart draws it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct HpaTimelineView {
    /// `namespace/name` of the HPA and the target's id.
    pub hpa: String,
    pub target: String,
    pub min_replicas: i32,
    pub max_replicas: i32,
    /// Seconds simulated (the chart's x extent) and between reconciles.
    pub duration: u32,
    pub sync_period: u32,
    /// The effective behavior in words (one line per direction), or the legacy path's rule.
    pub behavior: Vec<String>,
    /// No `behavior`: the legacy path.
    pub legacy: bool,
    /// One per metric of the HPA, in spec order.
    pub metrics: Vec<MetricTrack>,
    pub steps: Vec<HpaStepView>,
    pub peak_replicas: i32,
    pub final_replicas: i32,
    pub first_at_max: Option<u32>,
    /// The most replicas added within any 60 s of the run.
    pub most_added_in_a_minute: i32,
}

/// A metric's name and what it aims at, e.g. `cpu` at `70 %` (utilization) or `30` (value).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct MetricTrack {
    pub name: String,
    pub kind: String,
    /// The target as a number on the metric's own axis: a utilization percent, or the value.
    pub target: Option<f64>,
    pub target_label: String,
    /// `true` when `value` in the steps is a utilization percent.
    pub utilization: bool,
    /// How an `HPASimulation` feeds this metric, and the load that puts it exactly on target
    /// with `minReplicas` ready pods (what the presets scale); `None` when no load can express it.
    pub load: Option<LoadKnob>,
}

/// A metric's load in the `HPASimulation`'s terms: `total` shared by the ready pods
/// (resource and Pods metrics) or a `value` (Object and External metrics).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct LoadKnob {
    pub shape: LoadShape,
    pub at_target: f64,
    pub unit: LoadUnit,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadShape {
    Total,
    Value,
}

/// How a load number is written: millicores (`2100m`), bytes in Mi (`300Mi`), or a plain number.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadUnit {
    Milli,
    Mebibytes,
    Plain,
}

impl LoadUnit {
    /// `amount` is in millis for `Milli`, in Mi for `Mebibytes`.
    pub fn format(self, amount: f64) -> String {
        let whole = amount.round().max(0.0) as u64;
        match self {
            LoadUnit::Milli => format!("{whole}m"),
            LoadUnit::Mebibytes => format!("{whole}Mi"),
            LoadUnit::Plain => whole.to_string(),
        }
    }
}

/// One reconcile.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct HpaStepView {
    pub t: u32,
    pub current: i32,
    pub metric_desired: Option<i32>,
    pub desired: i32,
    pub replicas: i32,
    /// In [`HpaTimelineView::metrics`] order.
    pub metrics: Vec<MetricPoint>,
    /// The condition that held the count back this reconcile (`ScaleUpLimit`, `ScaleDownStabilized`, …), with its message.
    pub limited_by: Option<(String, String)>,
    /// Quota refused some of the pods this reconcile: upstream's message.
    pub quota: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct MetricPoint {
    /// The utilization percent (truncated, as upstream) or the metric's value as a number.
    pub value: Option<f64>,
    /// As Kubernetes prints it (`644m`, `92%`).
    pub label: String,
    pub proposal: Option<i32>,
    pub error: Option<String>,
}

/// Dots the Resilience map draws at most per instant, times instants (the rest of the run is cut, and said).
pub const RESILIENCE_DOTS: usize = 200_000;
/// Events and console lines listed at most.
pub const RESILIENCE_LINES: usize = 2_000;

/// The Resilience tab: the disruption lab played back — where every pod is and
/// how it is doing at each instant, the load balancer's traffic, budgets,
/// alerts, the drain's console — and what the fault palette may target.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct ResilienceView {
    /// Why there is nothing to play (no nodes, an invalid scenario), for the empty state.
    pub note: Option<String>,
    /// The scenario as the input has it (a new one when it has none): the palette adds steps to it.
    pub scenario: Option<kubeplay_core::resilience::scenario::ChaosScenario>,
    /// `SingleCluster` or `ClusterPerRegion`.
    pub topology: String,
    pub horizon: i64,
    pub regions: Vec<RegionBox>,
    pub frames: Vec<Frame>,
    /// Instants cut to keep the page light.
    pub cut: bool,
    pub events: Vec<TimedLine>,
    /// What `kubectl drain` printed, with the command lines.
    pub console: Vec<TimedLine>,
    pub alerts: Vec<AlertView>,
    /// `namespace/name` of each budget, in the order of [`Frame::pdbs`].
    pub pdbs: Vec<String>,
    /// `Proxy` or `DNS` when the input has a valid GlobalLoadBalancer.
    pub mode: Option<String>,
    pub user_regions: Vec<String>,
    pub failover: Vec<FailoverView>,
    pub mesh: Vec<MeshView>,
    pub targets: Targets,
    /// The specs' simplifications that apply to this run.
    pub simplifications: Vec<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct RegionBox {
    pub name: String,
    pub zones: Vec<ZoneBox>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ZoneBox {
    pub name: String,
    pub nodes: Vec<String>,
}

/// The cluster and its traffic at one instant (`t = -1`: at rest, before the scenario).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Frame {
    pub t: i64,
    pub pods: Vec<PodDot>,
    /// Per node (by name): `Ready` as the API shows it, cordoned, tainted.
    pub nodes: Vec<NodeLook>,
    /// In [`ResilienceView::pdbs`] order.
    pub pdbs: Vec<PdbGauge>,
    pub regions: Vec<RegionLoad>,
    /// In [`ResilienceView::user_regions`] order.
    pub routing: Vec<UserRoute>,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PodLook {
    /// Ready and answering.
    Ready,
    /// Created or rescheduled, not Ready yet.
    Starting,
    /// Not bound to a node (the scheduler found none).
    Pending,
    Terminating,
    /// Its node is down but the API still says Ready (before detection, or a dead region's API).
    Unreachable,
    /// Its node is down and the API knows it.
    Down,
    /// Answers every request with a 5xx.
    Failing,
}

impl PodLook {
    pub fn class(self) -> &'static str {
        match self {
            PodLook::Ready => "ready",
            PodLook::Starting => "starting",
            PodLook::Pending => "pending",
            PodLook::Terminating => "terminating",
            PodLook::Unreachable => "unreachable",
            PodLook::Down => "down",
            PodLook::Failing => "failing",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PodLook::Ready => "Ready",
            PodLook::Starting => "starting",
            PodLook::Pending => "Pending",
            PodLook::Terminating => "terminating",
            PodLook::Unreachable => "node lost, API still says Ready",
            PodLook::Down => "node lost",
            PodLook::Failing => "answers 5xx",
        }
    }

    pub const ALL: [PodLook; 7] = [
        PodLook::Ready,
        PodLook::Starting,
        PodLook::Pending,
        PodLook::Terminating,
        PodLook::Unreachable,
        PodLook::Down,
        PodLook::Failing,
    ];
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct PodDot {
    pub namespace: String,
    pub name: String,
    pub node: Option<String>,
    pub look: PodLook,
    /// netem delay on its packets, ms.
    pub delay_ms: i64,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct NodeLook {
    pub name: String,
    /// `True` or `Unknown`, as the node's Ready condition.
    pub ready: String,
    pub cordoned: bool,
    pub taints: Vec<String>,
    /// The node itself is down (failed and not recovered).
    pub down: bool,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct PdbGauge {
    pub allowed: i64,
    pub current: i64,
    pub desired: i64,
    pub expected: i64,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct RegionLoad {
    pub region: String,
    pub ready_endpoints: usize,
    pub capacity_rps: f64,
    pub load_rps: f64,
    pub utilization: Option<f64>,
    pub healthy: bool,
    pub serving: bool,
    pub api_reachable: bool,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct UserRoute {
    pub user_region: String,
    /// rps per backend region.
    pub allocations: Vec<(String, f64)>,
    pub error_rps: f64,
    pub unserved_rps: f64,
    pub latency_ms: Option<f64>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct TimedLine {
    pub t: i64,
    pub text: String,
    /// An error or warning line (stderr, a failure event).
    pub bad: bool,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct AlertView {
    pub name: String,
    pub pending_at: Option<i64>,
    pub firing_at: Option<i64>,
    pub resolved_at: Option<i64>,
}

impl AlertView {
    /// `inactive`, `pending`, `firing` or `resolved` at second `t`.
    pub fn state_at(&self, t: i64) -> &'static str {
        let reached = |at: Option<i64>| at.is_some_and(|at| at <= t);
        if reached(self.resolved_at) {
            "resolved"
        } else if reached(self.firing_at) {
            "firing"
        } else if reached(self.pending_at) {
            "pending"
        } else {
            "inactive"
        }
    }
}

/// One region's failover, with the numbers the material's story turns on.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct FailoverView {
    pub region: String,
    pub failed_at: i64,
    pub detected_at: i64,
    pub complete_by: i64,
    pub moved_rps: f64,
    pub total_demand_rps: f64,
    pub survivor_capacity_rps: f64,
    pub shortfall_rps: f64,
    /// Survivor load over capacity once the failover is complete, e.g. 1.5.
    pub survivor_load: Option<f64>,
    pub endpoints_needed: Vec<(String, Option<i64>)>,
}

/// One mesh client's view of a DestinationRule's host at the end of the run.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct MeshView {
    pub host: String,
    pub client: String,
    pub ejected: Vec<String>,
    /// `(priority, localities, healthy/hosts, load %)`.
    pub priorities: Vec<(usize, String, String, u64)>,
    pub error_fraction: f64,
}

/// What the fault palette can aim at.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Targets {
    pub nodes: Vec<String>,
    pub zones: Vec<String>,
    pub regions: Vec<String>,
    pub workloads: Vec<WorkloadTarget>,
}

/// A workload whose pods a step selects by their template's labels.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct WorkloadTarget {
    pub namespace: String,
    pub name: String,
    pub labels: std::collections::BTreeMap<String, String>,
}

/// The fixes proposed for one flow (`kubeplay fix`'s answer, cut for the explain panel).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct FixView {
    /// The verdict now.
    pub now: bool,
    pub fixes: Vec<FixOption>,
    /// Verified fixes not listed.
    pub more: usize,
}

/// One verified fix: what it changes, where, and what else it changes.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct FixOption {
    /// Its position in the worker's answer, for [`Request::ApplyFix`].
    pub index: usize,
    /// `kubeplay fix`'s kind (`add-label`, `new-policy`, …).
    pub kind: String,
    /// What it does, in a sentence.
    pub title: String,
    /// The changed YAML fragment.
    pub yaml: String,
    /// The object's first line in the editor (none for a new object).
    pub line: Option<usize>,
    /// Every other flow whose verdict on the port changes, as sentences.
    pub side_effects: Vec<String>,
}

/// The connectivity diff of the baseline ("before") and the text analysed ("after").
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct DiffView {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    /// At most [`CHANGES_SHOWN`] changed pairs, sorted by source then destination.
    pub rows: Vec<ChangeRow>,
    pub endpoints_added: Vec<String>,
    pub endpoints_removed: Vec<String>,
    /// Error diagnostics in the baseline (what loaded is compared).
    pub baseline_errors: usize,
}

/// One ordered pair whose allowed connections changed.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ChangeRow {
    pub kind: ChangeKind,
    pub source: String,
    pub destination: String,
    /// `TCP 9090,UDP 53`, `All Connections` or `No Connections`.
    pub before: String,
    pub after: String,
    pub endpoint: Option<EndpointChange>,
    /// A port and protocol whose verdict changed: where the change is explained.
    pub at: Option<(u16, Protocol)>,
}

/// Policies generated for picked flows.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct GeneratedView {
    /// The policies, ready to apply, each under a comment saying what it allows.
    pub yaml: String,
    pub policies: usize,
    /// The input's own NetworkPolicies they replace.
    pub replaced: usize,
    /// The editor's text with its policies replaced by these (none when the
    /// text could not be edited so; the YAML can still be copied).
    pub text: Option<String>,
}
