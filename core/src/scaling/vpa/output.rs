//! The JSON contract of `kubeplay vpa` (`vpa.md §7`): one object per VPA,
//! field names and order as other tools parse them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::estimator::ContainerRecommendation;
use super::simulation::quantities;

/// `{"namespace", "name"}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct VpaId {
    pub namespace: String,
    pub name: String,
}

/// `status.recommendation` with canonical quantities.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RecommendationOutput {
    #[serde(rename = "containerRecommendations")]
    pub container_recommendations: Vec<ContainerRecommendationOutput>,
}

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
        container_recommendations.sort_by(|a, b| a.container_name.cmp(&b.container_name));
        RecommendationOutput { container_recommendations }
    }
}

/// The updater's verdict on one pod.
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
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PodOutput {
    pub name: String,
    pub requests: BTreeMap<String, BTreeMap<String, String>>,
    pub limits: BTreeMap<String, BTreeMap<String, String>>,
    pub annotations: BTreeMap<String, Vec<String>>,
    pub update: UpdateOutput,
}

/// One VPA's result.
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
}

impl VpaOutput {
    /// A VPA nothing could be simulated for (its target is missing).
    pub fn empty(vpa: VpaId, status: Option<&[ContainerRecommendation]>) -> Self {
        VpaOutput { vpa, recommendation: status.map(RecommendationOutput::of), ..VpaOutput::default() }
    }
}

/// The whole output: one object for one VPA, else `{"vpas": [...]}`.
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
