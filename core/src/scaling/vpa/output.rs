//! The JSON contract of `kubeplay vpa` (`vpa.md §7`): one object per VPA,
//! field names and order as other tools parse them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::estimator::ContainerRecommendation;
use super::simulation::quantities;

/// `{"namespace", "name"}`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct VpaId {
    pub namespace: String,
    pub name: String,
}

/// `status.recommendation` with canonical quantities.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RecommendationOutput {
    #[serde(rename = "containerRecommendations")]
    pub container_recommendations: Vec<ContainerRecommendationOutput>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerRecommendationOutput {
    pub container_name: String,
    pub target: BTreeMap<String, String>,
    pub lower_bound: BTreeMap<String, String>,
    pub upper_bound: BTreeMap<String, String>,
    pub uncapped_target: BTreeMap<String, String>,
}

impl RecommendationOutput {
    /// Sorted by container name, as the recommender writes it.
    pub fn of(recommendations: &[ContainerRecommendation]) -> Self {
        let mut container_recommendations: Vec<ContainerRecommendationOutput> = recommendations
            .iter()
            .map(|r| ContainerRecommendationOutput {
                container_name: r.container_name.clone(),
                target: quantities(&r.target),
                lower_bound: quantities(&r.lower_bound),
                upper_bound: quantities(&r.upper_bound),
                uncapped_target: quantities(&r.uncapped_target),
            })
            .collect();
        crate::sort::sort_by(&mut container_recommendations, |a, b| a.container_name.cmp(&b.container_name));
        RecommendationOutput { container_recommendations }
    }
}

/// The updater's verdict on one pod.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateOutput {
    pub candidate: bool,
    /// `evict`, `in-place` or `none`: what this loop does to the pod.
    pub action: String,
    pub outside_recommended_range: bool,
    pub scale_up: bool,
    pub resource_diff: f64,
    #[serde(rename = "quickOOM")]
    pub quick_oom: bool,
    pub reason: String,
}

/// One pod: what admission writes into it if (re)created now, and the updater's verdict.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PodOutput {
    pub name: String,
    pub requests: BTreeMap<String, BTreeMap<String, String>>,
    pub limits: BTreeMap<String, BTreeMap<String, String>>,
    pub annotations: BTreeMap<String, Vec<String>>,
    pub update: UpdateOutput,
}

/// One VPA's result.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VpaOutput {
    pub vpa: VpaId,
    pub recommendation: Option<RecommendationOutput>,
    pub pods: Vec<PodOutput>,
    /// Candidates in priority order.
    pub update_order: Vec<String>,
    /// Pods evicted or resized this loop.
    pub acted: Vec<String>,
    /// `<pod>/<container>` → `[windowEndSeconds, bytes, fromOOM]` per memory window.
    pub peaks: BTreeMap<String, Vec<(i64, i64, bool)>>,
    /// The recommender's histograms behind `recommendation`, per container and
    /// resource, when usage was simulated; for views, not part of the JSON contract.
    #[serde(skip)]
    pub usage: Vec<UsageHistogram>,
}

/// One resource's usage as the recommender holds it for one container (`vpa.md §2–3`):
/// the decayed weights of its non-empty buckets and the percentiles the estimator
/// reads, before margin, confidence and minimums.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UsageHistogram {
    pub container: String,
    /// `cpu` (values in cores) or `memory` (values in bytes, the peaks per aggregation window).
    pub resource: String,
    pub buckets: Vec<UsageBucket>,
    /// `(lowerBound | target | upperBound, percentile, value)`, in that order.
    pub percentiles: Vec<(String, f64, f64)>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct UsageBucket {
    pub start: f64,
    pub end: f64,
    pub weight: f64,
}

impl UsageHistogram {
    /// The non-empty buckets of `histogram` (lighter than its epsilon counts as empty,
    /// as upstream's `IsEmpty` does) and its value at each named percentile.
    pub fn of(
        container: &str,
        resource: &str,
        histogram: &super::histogram::DecayingHistogram,
        percentiles: [(&str, f64); 3],
    ) -> Self {
        let options = histogram.histogram().options();
        let epsilon = options.epsilon();
        let buckets = histogram
            .histogram()
            .bucket_weights()
            .iter()
            .enumerate()
            .filter(|(_, weight)| **weight >= epsilon)
            .map(|(i, weight)| UsageBucket {
                start: options.bucket_start(i),
                end: options.bucket_start(i + 1),
                weight: *weight,
            })
            .collect();
        UsageHistogram {
            container: container.to_owned(),
            resource: resource.to_owned(),
            buckets,
            percentiles: percentiles
                .iter()
                .map(|(name, p)| ((*name).to_owned(), *p, histogram.percentile(*p)))
                .collect(),
        }
    }
}

impl VpaOutput {
    /// A VPA nothing could be simulated for (its target is missing).
    pub fn empty(vpa: VpaId, status: Option<&[ContainerRecommendation]>) -> Self {
        VpaOutput { vpa, recommendation: status.map(RecommendationOutput::of), ..VpaOutput::default() }
    }
}

/// The whole output: one object for one VPA, else `{"vpas": [...]}`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "VpaReport"))]
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(untagged)]
pub enum VpaJson<'a> {
    One(&'a VpaOutput),
    Many { vpas: &'a [VpaOutput] },
}

pub fn to_json(vpas: &[VpaOutput]) -> VpaJson<'_> {
    match vpas {
        [one] => VpaJson::One(one),
        many => VpaJson::Many { vpas: many },
    }
}
