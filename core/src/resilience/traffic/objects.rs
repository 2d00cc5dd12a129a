//! The objects the traffic lab reads: kubeplay's own `GlobalLoadBalancer`
//! (kubeplay.dev/v1alpha1, `docs/semantics/multi-region.md §2.2`) and the
//! fields of Istio's `DestinationRule` the mesh report needs (field names from
//! istio/api `networking/v1alpha3/destination_rule.proto`). Fields the lab does
//! not read are kept as they are, so a real DestinationRule loads without
//! unknown-field warnings (a CRD's schema is wider than what kubeplay reads).

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};

/// Fields kept as given and not interpreted.
pub type OtherFields = BTreeMap<String, serde_json::Value>;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GlobalLoadBalancer {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: GlobalLoadBalancerSpec,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GlobalLoadBalancerSpec {
    /// `Proxy` (default) or `DNS`; a string so that a wrong value gets the
    /// lab's own message rather than serde's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub backends: Vec<GlbBackend>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub user_regions: Vec<GlbUserRegion>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check: Option<GlbHealthCheck>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns: Option<GlbDns>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_affinity: Option<GlbSessionAffinity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_connection_per_request: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GlbBackend {
    #[serde(default)]
    pub region: String,
    /// `namespace/name` of the Service whose pods in `region` are the endpoints.
    #[serde(default)]
    pub service: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_rate_per_endpoint: Option<serde_json::Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_scaler: Option<serde_json::Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_ms: Option<serde_json::Number>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GlbUserRegion {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rps: Option<serde_json::Number>,
    /// Round trip user → backend region, by region name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rtt_ms: BTreeMap<String, serde_json::Number>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GlbHealthCheck {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unhealthy_threshold: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub healthy_threshold: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GlbDns {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_seconds: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GlbSessionAffinity {
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_seconds: Option<i64>,
}

/// Istio `DestinationRule` (networking.istio.io/v1; v1beta1 and v1alpha3 are
/// the same schema).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DestinationRule {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: DestinationRuleSpec,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DestinationRuleSpec {
    #[serde(default)]
    pub host: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic_policy: Option<TrafficPolicy>,
    /// `subsets`, `exportTo`, `workloadSelector`: not read.
    #[serde(flatten)]
    pub other: OtherFields,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrafficPolicy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_balancer: Option<LoadBalancerSettings>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlier_detection: Option<OutlierDetection>,
    #[serde(flatten)]
    pub other: OtherFields,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoadBalancerSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality_lb_setting: Option<LocalityLbSetting>,
    #[serde(flatten)]
    pub other: OtherFields,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LocalityLbSetting {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distribute: Option<Vec<serde_json::Value>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failover: Vec<LocalityFailover>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failover_priority: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LocalityFailover {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutlierDetection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_ejection_percent: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_health_percent: Option<i64>,
    /// `consecutive5xxErrors`, `interval`, `baseEjectionTime`, …: ejection
    /// timing is not simulated (`multi-region.md §11`).
    #[serde(flatten)]
    pub other: OtherFields,
}
