//! Every version kubeplay states, in one leaf module: bumping Kubernetes means
//! reading this file (and the tables each constant's comment names).

/// The kubeplay version, as printed in reports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The Kubernetes version whose semantics kubeplay follows (k8s-openapi's newest).
pub const KUBERNETES_VERSION: &str = "1.37";

/// The newest Pod Security Standards policy version, `v1.37`: what `latest`
/// means and where newer versions are clamped. `k8s.io/pod-security-admission`
/// defines policies up to its own Kubernetes release; the per-check history is
/// in `security/pss/check_*.rs` (e.g. the v1.37 safe sysctls).
pub const PSS_NEWEST_POLICY_MINOR: u32 = 37;

/// API versions Kubernetes has removed, for the kinds kubeplay reads (and
/// Ingress, which it does not analyse): `(apiVersion, kind, removed in, use
/// instead)`, from the Kubernetes deprecated API migration guide
/// (kubernetes.io/docs/reference/using-api/deprecation-guide). The API server
/// of [`KUBERNETES_VERSION`] serves none of them, so it refuses such an object
/// (`no matches for kind … in version …`). policy/v1beta1 PodSecurityPolicy,
/// removed in 1.25 without a replacement, is not listed: kubeplay reads it to
/// simulate a cluster of 1.24 or older (`security/psp`).
pub const REMOVED_APIS: &[(&str, &str, &str, &str)] = &[
    ("extensions/v1beta1", "Deployment", "1.16", "apps/v1"),
    ("apps/v1beta1", "Deployment", "1.16", "apps/v1"),
    ("apps/v1beta2", "Deployment", "1.16", "apps/v1"),
    ("apps/v1beta1", "StatefulSet", "1.16", "apps/v1"),
    ("apps/v1beta2", "StatefulSet", "1.16", "apps/v1"),
    ("extensions/v1beta1", "DaemonSet", "1.16", "apps/v1"),
    ("apps/v1beta2", "DaemonSet", "1.16", "apps/v1"),
    ("extensions/v1beta1", "ReplicaSet", "1.16", "apps/v1"),
    ("apps/v1beta1", "ReplicaSet", "1.16", "apps/v1"),
    ("apps/v1beta2", "ReplicaSet", "1.16", "apps/v1"),
    ("extensions/v1beta1", "NetworkPolicy", "1.16", "networking.k8s.io/v1"),
    ("extensions/v1beta1", "PodSecurityPolicy", "1.16", "policy/v1beta1"),
    ("extensions/v1beta1", "Ingress", "1.22", "networking.k8s.io/v1"),
    ("networking.k8s.io/v1beta1", "Ingress", "1.22", "networking.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "Role", "1.22", "rbac.authorization.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRole", "1.22", "rbac.authorization.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "RoleBinding", "1.22", "rbac.authorization.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding", "1.22", "rbac.authorization.k8s.io/v1"),
    ("scheduling.k8s.io/v1beta1", "PriorityClass", "1.22", "scheduling.k8s.io/v1"),
    ("batch/v1beta1", "CronJob", "1.25", "batch/v1"),
    ("policy/v1beta1", "PodDisruptionBudget", "1.25", "policy/v1"),
    ("autoscaling/v2beta1", "HorizontalPodAutoscaler", "1.25", "autoscaling/v2"),
    ("node.k8s.io/v1beta1", "RuntimeClass", "1.25", "node.k8s.io/v1"),
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.26", "autoscaling/v2"),
];

/// The release that removed `api_version` for `kind`, and what to use instead.
pub fn removed_api(api_version: &str, kind: &str) -> Option<(&'static str, &'static str)> {
    REMOVED_APIS
        .iter()
        .find(|(v, k, _, _)| *v == api_version && *k == kind)
        .map(|(_, _, removed, new)| (*removed, *new))
}

/// The SARIF version `kubeplay check --format sarif` writes, and its schema.
pub const SARIF_VERSION: &str = "2.1.0";
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_pss_policy_is_the_kubernetes_release_followed() {
        assert_eq!(KUBERNETES_VERSION, format!("1.{PSS_NEWEST_POLICY_MINOR}"));
        assert!(SARIF_SCHEMA.contains(SARIF_VERSION));
    }
}
