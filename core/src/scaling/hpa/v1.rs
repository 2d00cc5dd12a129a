//! autoscaling/v1 HorizontalPodAutoscalers read as autoscaling/v2, as the API
//! server converts them (`pkg/apis/autoscaling/v1/conversion.go`,
//! `pkg/apis/autoscaling/v1/defaults.go`; `hpa.md §2.2`): the v1 defaults
//! first (`minReplicas` 1), then `targetCPUUtilizationPercentage` becomes one
//! cpu `Utilization` metric. Without it the metrics stay empty, and the v2
//! default (cpu at 80%, `hpa.md §2.1`) applies as for any v2 object. The
//! annotations upstream uses to round-trip v2-only fields are not read.

use k8s_openapi::api::autoscaling::{v1, v2};

/// The v2 object the API server serves for a v1 one.
pub fn to_v2(hpa: v1::HorizontalPodAutoscaler) -> v2::HorizontalPodAutoscaler {
    let spec = hpa.spec;
    let metrics = spec.target_cpu_utilization_percentage.map(|percent| {
        vec![v2::MetricSpec {
            type_: "Resource".to_owned(),
            resource: Some(v2::ResourceMetricSource {
                name: "cpu".to_owned(),
                target: v2::MetricTarget {
                    type_: "Utilization".to_owned(),
                    average_utilization: Some(percent),
                    ..v2::MetricTarget::default()
                },
            }),
            ..v2::MetricSpec::default()
        }]
    });
    let target = spec.scale_target_ref;
    let status = hpa.status.map(|status| v2::HorizontalPodAutoscalerStatus {
        conditions: None,
        current_metrics: status.current_cpu_utilization_percentage.map(|percent| {
            vec![v2::MetricStatus {
                type_: "Resource".to_owned(),
                resource: Some(v2::ResourceMetricStatus {
                    name: "cpu".to_owned(),
                    current: v2::MetricValueStatus { average_utilization: Some(percent), ..Default::default() },
                }),
                ..v2::MetricStatus::default()
            }]
        }),
        current_replicas: Some(status.current_replicas),
        desired_replicas: status.desired_replicas,
        last_scale_time: status.last_scale_time,
        observed_generation: status.observed_generation,
    });
    v2::HorizontalPodAutoscaler {
        metadata: hpa.metadata,
        spec: v2::HorizontalPodAutoscalerSpec {
            behavior: None,
            max_replicas: spec.max_replicas,
            // SetDefaults_HorizontalPodAutoscaler (v1).
            min_replicas: Some(spec.min_replicas.unwrap_or(1)),
            metrics,
            scale_target_ref: v2::CrossVersionObjectReference {
                api_version: target.api_version,
                kind: target.kind,
                name: target.name,
            },
        },
        status,
    }
}
