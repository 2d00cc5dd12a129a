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
