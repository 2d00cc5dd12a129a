//! The VPA engine (`core/src/scaling/vpa`) against upstream's own cases,
//! transcribed into `core/tests/cases/vpa/*.yaml` (each names the upstream test
//! it comes from), the worked example of `docs/semantics/vpa.md §5`, and the
//! lab's bad input (`core/tests/cases/vpa/sim/`).

use std::collections::BTreeMap;

use kubeplay_core::load::{Input, load};
use kubeplay_core::quantity::Quantity;
use kubeplay_core::scaling::vpa::aggregate::{AggregateContainerState, AggregationsConfig, scale_amount};
use kubeplay_core::scaling::vpa::capping::{
    ContainerPolicy, ContainerResources, LimitRangeItem, PodResourcePolicy, process_for_pod, proportional_limit,
};
use kubeplay_core::scaling::vpa::estimator::{
    ContainerRecommendation, cpu_amount_from_cores, with_confidence, with_margin,
};
use kubeplay_core::scaling::vpa::histogram::{DecayingHistogram, Histogram, HistogramOptions};
use kubeplay_core::scaling::vpa::updater::{self, GroupStats, PodPriority, Termination, UpdaterConfig, UpdaterPod};
use kubeplay_core::scaling::vpa::{findings, simulate, to_json};
use serde::Deserialize;

const HOUR_MS: i64 = 3_600_000;
/// decaying_histogram_test.go's `startTime` (time.Unix(1234567890, 0)).
const START_MS: i64 = 1_234_567_890_000;

fn load_case<T: for<'de> Deserialize<'de>>(file: &str) -> T {
    let path = format!("{}/tests/cases/vpa/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn close(actual: f64, expected: f64, relative: f64) -> bool {
    if expected == 0.0 { actual.abs() <= relative } else { ((actual - expected) / expected).abs() <= relative }
}

// ---------------------------------------------------------------- histograms

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HistogramCases {
    options: Vec<OptionsCase>,
    histograms: Vec<HistogramCase>,
    merges: Vec<MergeCase>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OptionsCase {
    name: String,
    linear: Option<[f64; 3]>,
    exponential: Option<[f64; 4]>,
    num_buckets: usize,
    bucket_start: Vec<(usize, f64)>,
    find_bucket: Vec<(f64, usize)>,
}

fn options(linear: Option<[f64; 3]>, exponential: Option<[f64; 4]>) -> HistogramOptions {
    match (linear, exponential) {
        (Some([max, size, epsilon]), _) => HistogramOptions::linear(max, size, epsilon).unwrap(),
        (_, Some([max, first, ratio, epsilon])) => HistogramOptions::exponential(max, first, ratio, epsilon).unwrap(),
        _ => panic!("a case needs linear or exponential options"),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HistogramCase {
    name: String,
    linear: [f64; 3],
    half_life_hours: Option<i64>,
    steps: Vec<Step>,
}

/// One step: exactly one field is set.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    add: Option<(f64, f64, i64)>,
    subtract: Option<(f64, f64, i64)>,
    percentile: Option<(f64, f64)>,
    empty: Option<bool>,
}

/// A plain or decaying histogram behind one interface, as upstream's tests use them.
enum Any {
    Plain(Histogram),
    Decaying(DecayingHistogram),
}

impl Any {
    fn new(options: HistogramOptions, half_life_hours: Option<i64>) -> Self {
        match half_life_hours {
            Some(hours) => Any::Decaying(DecayingHistogram::new(options, hours * HOUR_MS)),
            None => Any::Plain(Histogram::new(options)),
        }
    }
    fn add(&mut self, (value, weight, hours): (f64, f64, i64)) {
        match self {
            Any::Plain(h) => h.add_sample(value, weight),
            Any::Decaying(h) => h.add_sample(value, weight, START_MS + hours * HOUR_MS),
        }
    }
    fn subtract(&mut self, (value, weight, hours): (f64, f64, i64)) {
        match self {
            Any::Plain(h) => h.subtract_sample(value, weight),
            Any::Decaying(h) => h.subtract_sample(value, weight, START_MS + hours * HOUR_MS),
        }
    }
    fn percentile(&self, p: f64) -> f64 {
        match self {
            Any::Plain(h) => h.percentile(p),
            Any::Decaying(h) => h.percentile(p),
        }
    }
    fn is_empty(&self) -> bool {
        match self {
            Any::Plain(h) => h.is_empty(),
            Any::Decaying(h) => h.is_empty(),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MergeCase {
    name: String,
    linear: [f64; 3],
    half_life_hours: Option<i64>,
    first: Vec<(f64, f64, i64)>,
    second: Vec<(f64, f64, i64)>,
    expected: Vec<(f64, f64, i64)>,
}

#[test]
fn upstream_histogram_options_cases() {
    let cases: HistogramCases = load_case("histogram.yaml");
    for case in &cases.options {
        let o = options(case.linear, case.exponential);
        assert_eq!(o.num_buckets(), case.num_buckets, "{}", case.name);
        for &(bucket, start) in &case.bucket_start {
            assert!(
                close(o.bucket_start(bucket), start, 1e-12),
                "{}: bucket {bucket} starts at {}",
                case.name,
                o.bucket_start(bucket)
            );
        }
        for &(value, bucket) in &case.find_bucket {
            assert_eq!(o.find_bucket(value), bucket, "{}: FindBucket({value})", case.name);
        }
    }
}

#[test]
fn upstream_histogram_and_decaying_histogram_cases() {
    let cases: HistogramCases = load_case("histogram.yaml");
    for case in &cases.histograms {
        let [max, size, epsilon] = case.linear;
        let mut h = Any::new(HistogramOptions::linear(max, size, epsilon).unwrap(), case.half_life_hours);
        for (index, step) in case.steps.iter().enumerate() {
            if let Some(sample) = step.add {
                h.add(sample);
            }
            if let Some(sample) = step.subtract {
                h.subtract(sample);
            }
            if let Some((p, expected)) = step.percentile {
                let actual = h.percentile(p);
                assert!(
                    close(actual, expected, 1e-12),
                    "{} step {index}: Percentile({p}) = {actual}, want {expected}",
                    case.name
                );
            }
            if let Some(expected) = step.empty {
                assert_eq!(h.is_empty(), expected, "{} step {index}", case.name);
            }
        }
    }
}

#[test]
fn upstream_histogram_merge_cases() {
    let cases: HistogramCases = load_case("histogram.yaml");
    for case in &cases.merges {
        let [max, size, epsilon] = case.linear;
        let o = HistogramOptions::linear(max, size, epsilon).unwrap();
        let build = |samples: &[(f64, f64, i64)]| {
            let mut h = Any::new(o, case.half_life_hours);
            for s in samples {
                h.add(*s);
            }
            h
        };
        let (mut first, second, expected) = (build(&case.first), build(&case.second), build(&case.expected));
        let equal = match (&mut first, &second, &expected) {
            (Any::Plain(a), Any::Plain(b), Any::Plain(e)) => {
                a.merge(b);
                a.equals(e)
            }
            (Any::Decaying(a), Any::Decaying(b), Any::Decaying(e)) => {
                a.merge(b);
                a.equals(e)
            }
            _ => unreachable!(),
        };
        assert!(equal, "{}", case.name);
    }
}

// ---------------------------------------------------------------- estimator

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EstimatorCases {
    percentile: PercentileCase,
    confidence: Vec<ConfidenceCase>,
    margin: Vec<ScalarCase>,
    minimum: Vec<MinimumCase>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PercentileCase {
    cpu_cores: Vec<f64>,
    memory_bytes: Vec<f64>,
    cpu_percentile: f64,
    memory_percentile: f64,
    expected_cpu_cores: f64,
    expected_memory_bytes: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConfidenceCase {
    name: String,
    interval_minutes: i64,
    samples: i64,
    every_minutes: i64,
    confidence: f64,
    multiplier: f64,
    exponent: f64,
    cpu: i64,
    memory: i64,
    expected_cpu: i64,
    expected_memory: i64,
}

#[derive(Deserialize)]
struct ScalarCase {
    fraction: f64,
    base: i64,
    expected: i64,
}

#[derive(Deserialize)]
struct MinimumCase {
    base: i64,
    minimum: i64,
    expected: i64,
}

#[test]
fn upstream_estimator_cases() {
    let cases: EstimatorCases = load_case("estimator.yaml");
    let p = &cases.percentile;
    let mut cpu = Histogram::new(HistogramOptions::cpu());
    let mut memory = Histogram::new(HistogramOptions::memory());
    p.cpu_cores.iter().for_each(|v| cpu.add_sample(*v, 1.0));
    p.memory_bytes.iter().for_each(|v| memory.add_sample(*v, 1.0));
    let cpu_estimate = cpu_amount_from_cores(cpu.percentile(p.cpu_percentile)) as f64 / 1000.0;
    assert!(close(cpu_estimate, p.expected_cpu_cores, 0.05), "cpu {cpu_estimate}");
    let memory_estimate = memory.percentile(p.memory_percentile) as i64 as f64;
    assert!(close(memory_estimate, p.expected_memory_bytes, 0.05), "memory {memory_estimate}");

    for case in &cases.confidence {
        let mut state = AggregateContainerState::new(&AggregationsConfig::default());
        for i in 0..case.samples {
            state.add_cpu_sample(1000, i * case.every_minutes * 60_000);
        }
        let confidence = state.confidence(case.interval_minutes * 60_000);
        assert_eq!(confidence, case.confidence, "{}", case.name);
        assert_eq!(
            with_confidence(case.cpu, case.multiplier, case.exponent, confidence),
            case.expected_cpu,
            "{}",
            case.name
        );
        assert_eq!(
            with_confidence(case.memory, case.multiplier, case.exponent, confidence),
            case.expected_memory,
            "{}",
            case.name
        );
    }
    for case in &cases.margin {
        assert_eq!(with_margin(case.base, case.fraction), case.expected);
    }
    for case in &cases.minimum {
        assert_eq!(scale_amount(case.base, 1.0).max(case.minimum), case.expected);
    }
}

// ---------------------------------------------------------------- capping

#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase")]
struct ContainerCase {
    name: String,
    #[serde(default)]
    requests: BTreeMap<String, String>,
    #[serde(default)]
    limits: BTreeMap<String, String>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase")]
struct RecommendationCase {
    container_name: String,
    #[serde(default)]
    target: BTreeMap<String, String>,
    lower_bound: Option<BTreeMap<String, String>>,
    upper_bound: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase")]
struct PolicyCase {
    container_name: String,
    min_allowed: Option<BTreeMap<String, String>>,
    max_allowed: Option<BTreeMap<String, String>>,
    controlled_values: Option<String>,
}

#[derive(Deserialize, Default)]
struct LimitRangeCase {
    min: Option<BTreeMap<String, String>>,
    max: Option<BTreeMap<String, String>>,
    default: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApplyCase {
    name: String,
    pod: Vec<ContainerCase>,
    policy: Option<Vec<PolicyCase>>,
    container_limit_range: Option<LimitRangeCase>,
    pod_limit_range: Option<LimitRangeCase>,
    recommendation: Option<Vec<RecommendationCase>>,
    #[serde(default)]
    expected: Vec<RecommendationCase>,
    #[serde(default)]
    expected_none: bool,
    #[serde(default)]
    annotations: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    no_annotations: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProportionalCase {
    name: String,
    resource: String,
    limit: String,
    request: String,
    recommendation: String,
    #[serde(default)]
    default: String,
    expected: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CappingCases {
    apply: Vec<ApplyCase>,
    proportional_limit: Vec<ProportionalCase>,
}

fn q(text: &str) -> Quantity {
    Quantity::parse(text).unwrap_or_else(|e| panic!("`{text}`: {e}"))
}

fn list(map: &BTreeMap<String, String>) -> BTreeMap<String, Quantity> {
    map.iter().map(|(k, v)| (k.clone(), q(v))).collect()
}

fn pod_of(containers: &[ContainerCase]) -> Vec<ContainerResources> {
    containers
        .iter()
        .map(|c| ContainerResources { name: c.name.clone(), requests: list(&c.requests), limits: list(&c.limits) })
        .collect()
}

fn recommendations(cases: &[RecommendationCase]) -> Vec<ContainerRecommendation> {
    cases
        .iter()
        .map(|r| ContainerRecommendation {
            container_name: r.container_name.clone(),
            target: list(&r.target),
            lower_bound: r.lower_bound.as_ref().map(list).unwrap_or_default(),
            upper_bound: r.upper_bound.as_ref().map(list).unwrap_or_default(),
            uncapped_target: list(&r.target),
        })
        .collect()
}

fn policy_of(cases: Option<&Vec<PolicyCase>>) -> PodResourcePolicy {
    match cases {
        None => PodResourcePolicy::default(),
        Some(cases) => PodResourcePolicy {
            present: true,
            containers: cases
                .iter()
                .map(|p| ContainerPolicy {
                    container_name: p.container_name.clone(),
                    min_allowed: p.min_allowed.as_ref().map(list),
                    max_allowed: p.max_allowed.as_ref().map(list),
                    requests_only: p.controlled_values.as_deref() == Some("RequestsOnly"),
                    ..ContainerPolicy::default()
                })
                .collect(),
        },
    }
}

fn limit_range(case: Option<&LimitRangeCase>) -> Option<LimitRangeItem> {
    let case = case?;
    LimitRangeItem::merge(&[(
        case.min.as_ref().map(list),
        case.max.as_ref().map(list),
        case.default.as_ref().map(list),
    )])
}

#[test]
fn upstream_capping_cases() {
    let cases: CappingCases = load_case("capping.yaml");
    for case in &cases.apply {
        let status = case.recommendation.as_deref().map(recommendations);
        let processed = process_for_pod(
            status.as_deref(),
            &policy_of(case.policy.as_ref()),
            &pod_of(&case.pod),
            limit_range(case.container_limit_range.as_ref()).as_ref(),
            limit_range(case.pod_limit_range.as_ref()).as_ref(),
        );
        if case.expected_none {
            assert!(processed.is_none(), "{}", case.name);
            continue;
        }
        let processed = processed.unwrap_or_else(|| panic!("{}: no recommendation", case.name));
        for expected in &case.expected {
            let actual = processed
                .recommendations
                .iter()
                .find(|r| r.container_name == expected.container_name)
                .unwrap_or_else(|| panic!("{}: no {}", case.name, expected.container_name));
            assert_eq!(actual.target, list(&expected.target), "{}: target", case.name);
            if let Some(lower) = &expected.lower_bound {
                assert_eq!(actual.lower_bound, list(lower), "{}: lowerBound", case.name);
            }
            if let Some(upper) = &expected.upper_bound {
                assert_eq!(actual.upper_bound, list(upper), "{}: upperBound", case.name);
            }
        }
        for (container, wanted) in &case.annotations {
            let got = processed.annotations.get(container).cloned().unwrap_or_default();
            for note in wanted {
                assert!(got.contains(note), "{}: {container} lacks `{note}` in {got:?}", case.name);
            }
        }
        for container in &case.no_annotations {
            assert!(!processed.annotations.contains_key(container), "{}: {container} annotated", case.name);
        }
    }
    for case in &cases.proportional_limit {
        let parse = |t: &str| if t.is_empty() { Quantity::zero() } else { q(t) };
        let actual = proportional_limit(
            &case.resource,
            &parse(&case.limit),
            &parse(&case.request),
            &q(&case.recommendation),
            &parse(&case.default),
        );
        match case.expected.as_str() {
            "none" => assert!(actual.is_err(), "{}: {actual:?}", case.name),
            expected => {
                assert_eq!(actual.as_ref().map(Quantity::canonical), Ok(q(expected).canonical()), "{}", case.name)
            }
        }
    }
}

// ---------------------------------------------------------------- updater

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PriorityCase {
    name: String,
    pod: Vec<ContainerCase>,
    observed: Option<Vec<String>>,
    recommendation: Vec<RecommendationCase>,
    outside: bool,
    scale_up: bool,
    diff: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OrderCase {
    pods: Vec<OrderPod>,
    expected: Vec<usize>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OrderPod {
    scale_up: bool,
    diff: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RestrictionCase {
    name: String,
    replicas: i64,
    live: i64,
    min_replicas: i64,
    tolerance: f64,
    evicted: usize,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CalculatorCase {
    name: String,
    age_hours: Option<i64>,
    oom_run_minutes: Option<i64>,
    candidate: bool,
    #[serde(default, rename = "quickOOM")]
    quick_oom: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdaterCases {
    priority: Vec<PriorityCase>,
    order: Vec<OrderCase>,
    restriction: Vec<RestrictionCase>,
    calculator: Vec<CalculatorCase>,
}

#[test]
fn upstream_updater_cases() {
    let cases: UpdaterCases = load_case("updater.yaml");
    for case in &cases.priority {
        let pod = UpdaterPod {
            name: "pod".to_owned(),
            containers: pod_of(&case.pod),
            observed_containers: case.observed.clone(),
            ..UpdaterPod::default()
        };
        let processed = process_for_pod(
            Some(&recommendations(&case.recommendation)),
            &PodResourcePolicy::default(),
            &pod.containers,
            None,
            None,
        );
        let priority = updater::update_priority(&pod, processed.as_ref());
        assert_eq!(priority.outside_recommended_range, case.outside, "{}", case.name);
        assert_eq!(priority.scale_up, case.scale_up, "{}", case.name);
        assert!(close(priority.resource_diff, case.diff, 1e-9), "{}: diff {}", case.name, priority.resource_diff);
    }
    for case in &cases.order {
        let candidates: Vec<(usize, PodPriority)> = case
            .pods
            .iter()
            .enumerate()
            .map(|(i, p)| (i, PodPriority { scale_up: p.scale_up, resource_diff: p.diff, ..PodPriority::default() }))
            .collect();
        assert_eq!(updater::order(&candidates), case.expected);
    }
    for case in &cases.restriction {
        let pods: Vec<UpdaterPod> =
            (0..case.live).map(|i| UpdaterPod { name: format!("pod{i}"), ..UpdaterPod::default() }).collect();
        let ordered: Vec<usize> = (0..pods.len()).collect();
        let mut stats = GroupStats::new(case.replicas, case.live, 0, case.tolerance);
        let acted = updater::act(&ordered, &pods, &mut stats, case.live < case.min_replicas);
        assert_eq!(acted.len(), case.evicted, "{}", case.name);
    }
    let now = 100 * HOUR_MS;
    for case in &cases.calculator {
        let recommendation = RecommendationCase {
            container_name: "c".to_owned(),
            target: BTreeMap::from([("cpu".to_owned(), "2".to_owned())]),
            lower_bound: Some(BTreeMap::from([("cpu".to_owned(), "1".to_owned())])),
            upper_bound: Some(BTreeMap::from([("cpu".to_owned(), "5".to_owned())])),
        };
        let pod = UpdaterPod {
            name: "pod".to_owned(),
            containers: vec![ContainerResources {
                name: "c".to_owned(),
                requests: list(&BTreeMap::from([("cpu".to_owned(), "4".to_owned())])),
                limits: BTreeMap::new(),
            }],
            start_time_ms: case.age_hours.map(|h| now - h * HOUR_MS),
            terminations: case
                .oom_run_minutes
                .map(|m| Termination {
                    container: "c".to_owned(),
                    reason: "OOMKilled".to_owned(),
                    started_ms: Some(now - HOUR_MS),
                    finished_ms: Some(now - HOUR_MS + m * 60_000),
                })
                .into_iter()
                .collect(),
            ..UpdaterPod::default()
        };
        let policy = PodResourcePolicy::default();
        let processed =
            process_for_pod(Some(&recommendations(&[recommendation])), &policy, &pod.containers, None, None);
        let verdict = updater::evaluate(&pod, processed.as_ref(), &policy, &UpdaterConfig::default(), now);
        assert_eq!(verdict.candidate, case.candidate, "{}: {}", case.name, verdict.reason);
        assert_eq!(verdict.quick_oom, case.quick_oom, "{}", case.name);
    }
}

// ---------------------------------------------------------------- simulations

fn run_file(path: &str) -> (serde_json::Value, Vec<kubeplay_core::diagnostic::Diagnostic>) {
    let text = std::fs::read_to_string(path).unwrap();
    run_text(path, &text)
}

fn run_text(name: &str, text: &str) -> (serde_json::Value, Vec<kubeplay_core::diagnostic::Diagnostic>) {
    let loading = load(&[Input::new(name, text)]);
    let run = simulate(&loading.inventory);
    let mut diagnostics = loading.diagnostics.clone();
    diagnostics.extend(findings(&loading.inventory));
    diagnostics.extend(run.diagnostics);
    (serde_json::to_value(to_json(&run.vpas)).unwrap(), diagnostics)
}

/// Every key of `expected` is in `actual` with the same value (arrays element by element).
fn assert_subset(actual: &serde_json::Value, expected: &serde_json::Value, at: &str) {
    match (actual, expected) {
        (serde_json::Value::Object(a), serde_json::Value::Object(e)) => {
            for (key, value) in e {
                let child = a.get(key).unwrap_or_else(|| panic!("{at}.{key} missing in {actual}"));
                assert_subset(child, value, &format!("{at}.{key}"));
            }
        }
        (serde_json::Value::Array(a), serde_json::Value::Array(e)) => {
            assert_eq!(a.len(), e.len(), "{at}: {actual}");
            for (i, (x, y)) in a.iter().zip(e).enumerate() {
                assert_subset(x, y, &format!("{at}[{i}]"));
            }
        }
        _ => assert_eq!(actual, expected, "{at}"),
    }
}

/// Each `sim/*.yaml` with a `*.expect.json` beside it: the output holds the
/// expectation's `output` and the diagnostics' codes are exactly `codes`.
#[test]
fn simulation_cases_match_their_expectations() {
    let dir = format!("{}/tests/cases/vpa/sim", env!("CARGO_MANIFEST_DIR"));
    let mut count = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries.iter().filter(|p| p.extension().is_some_and(|e| e == "yaml")) {
        let expect_path = path.with_extension("expect.json");
        let expect: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&expect_path).unwrap_or_else(|_| panic!("{expect_path:?}")))
                .unwrap();
        let (output, diagnostics) = run_file(path.to_str().unwrap());
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if let Some(expected) = expect.get("output") {
            assert_subset(&output, expected, &name);
        }
        let mut codes: Vec<String> =
            diagnostics.iter().map(|d| format!("{}:{}", d.code, d.location.span.line)).collect();
        codes.sort();
        let mut wanted: Vec<String> =
            expect["codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect();
        wanted.sort();
        assert_eq!(codes, wanted, "{name}: {:#?}", diagnostics.iter().map(|d| d.to_text()).collect::<Vec<_>>());
        count += 1;
    }
    assert!(count >= 5, "only {count} simulation cases");
}

/// vpa.md §5: steady-state targets of one container after eight days.
#[test]
fn steady_state_targets_match_the_semantics_table() {
    let cases = [("5m", "25m"), ("100m", "126m"), ("250m", "296m"), ("500m", "587m"), ("1", "1168m")];
    for (usage, target) in cases {
        let text = format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: w}}\nspec:\n  replicas: 1\n  selector: {{matchLabels: {{app: w}}}}\n  template:\n    metadata: {{labels: {{app: w}}}}\n    spec:\n      containers: [{{name: c, image: x}}]\n---\napiVersion: autoscaling.k8s.io/v1\nkind: VerticalPodAutoscaler\nmetadata: {{name: v}}\nspec:\n  targetRef: {{kind: Deployment, name: w}}\n---\napiVersion: kubeplay.dev/v1alpha1\nkind: VPASimulation\nmetadata: {{name: s}}\nspec:\n  usage: [{{container: c, to: 8d, cpu: \"{usage}\", memory: 1Gi}}]\n"
        );
        let (output, diagnostics) = run_text("steady.yaml", &text);
        assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
        let rec = &output["recommendation"]["containerRecommendations"][0];
        assert_eq!(rec["target"]["cpu"], target, "usage {usage}");
    }
    let memory = [("256Mi", 308.5), ("400Mi", 488.1), ("1Gi", 1181.3), ("4Gi", 4760.8)];
    for (usage, mebibytes) in memory {
        let text = format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: w}}\nspec:\n  replicas: 1\n  selector: {{matchLabels: {{app: w}}}}\n  template:\n    metadata: {{labels: {{app: w}}}}\n    spec:\n      containers: [{{name: c, image: x}}]\n---\napiVersion: autoscaling.k8s.io/v1\nkind: VerticalPodAutoscaler\nmetadata: {{name: v}}\nspec:\n  targetRef: {{kind: Deployment, name: w}}\n---\napiVersion: kubeplay.dev/v1alpha1\nkind: VPASimulation\nmetadata: {{name: s}}\nspec:\n  usage: [{{container: c, to: 8d, cpu: 100m, memory: \"{usage}\"}}]\n"
        );
        let (output, _) = run_text("steady.yaml", &text);
        let target =
            output["recommendation"]["containerRecommendations"][0]["target"]["memory"].as_str().unwrap().to_owned();
        let bytes = q(&target).value().unwrap() as f64;
        assert!((bytes / 1_048_576.0 - mebibytes).abs() < 0.05, "usage {usage}: target {target}");
    }
}

/// A million-sample cap answers at once, whatever the requested range.
#[test]
fn a_huge_simulation_is_refused_without_running() {
    let text = "apiVersion: kubeplay.dev/v1alpha1\nkind: VPASimulation\nmetadata: {name: s}\nspec:\n  usage: [{container: c, to: 100000d, every: 1ms, cpu: 1m}]\n";
    let started = std::time::Instant::now();
    let (_, diagnostics) = run_text("huge.yaml", text);
    assert!(diagnostics.iter().any(|d| d.code == "limit-vpa-samples"), "{diagnostics:?}");
    assert!(started.elapsed().as_secs() < 5);
}

/// Samples count once per pod they apply to: 2 000 samples over 600 replicas is
/// past the limit, refused before any is applied.
#[test]
fn samples_times_pods_past_the_limit_are_refused() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec:\n  replicas: 600\n  selector: {matchLabels: {app: w}}\n  template:\n    metadata: {labels: {app: w}}\n    spec:\n      containers: [{name: c, image: x}]\n---\napiVersion: autoscaling.k8s.io/v1\nkind: VerticalPodAutoscaler\nmetadata: {name: v}\nspec:\n  targetRef: {kind: Deployment, name: w}\n---\napiVersion: kubeplay.dev/v1alpha1\nkind: VPASimulation\nmetadata: {name: s}\nspec:\n  usage: [{container: c, to: 2000m, cpu: 10m}]\n";
    let started = std::time::Instant::now();
    let (output, diagnostics) = run_text("wide.yaml", text);
    let limit = diagnostics.iter().find(|d| d.code == "limit-vpa-samples").expect("the limit answers");
    assert!(limit.message.contains("1200000 samples"), "{}", limit.message);
    assert_eq!(output["recommendation"], serde_json::Value::Null);
    assert!(started.elapsed().as_secs() < 10);
}

/// A VPA of a kind upstream follows but the lab does not simulate is told so, not called missing.
#[test]
fn a_cronjob_target_is_not_simulated_rather_than_missing() {
    let text = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly}\nspec:\n  schedule: '0 1 * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers: [{name: c, image: x}]\n---\napiVersion: autoscaling.k8s.io/v1\nkind: VerticalPodAutoscaler\nmetadata: {name: v}\nspec:\n  targetRef: {apiVersion: batch/v1, kind: CronJob, name: nightly}\n";
    let (_, diagnostics) = run_text("cronjob.yaml", text);
    let codes: Vec<&str> = diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["vpa-target-not-simulated"], "{diagnostics:?}");
    assert_eq!(diagnostics[0].severity, kubeplay_core::diagnostic::Severity::Info);
}
