//! The material's "Best Practices Summary" and "Key Takeaways" as a checklist
//! run against whatever is in the editor: each item says whether the input
//! follows it, and which findings say why not. The checks read the analysis;
//! none repeats a rule of an engine.

use serde::{Deserialize, Serialize};

use crate::model::{Inventory, Kind};
use crate::report::Analysis;

#[derive(Clone, Copy, Debug, Serialize)]
pub struct Item {
    pub id: &'static str,
    /// The material's line.
    pub text: &'static str,
    /// `best-practices` or `key-takeaways`: the lesson that lists it.
    pub lesson: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    Followed,
    NotFollowed,
    /// Nothing in the input the item applies to.
    NotApplicable,
}

/// One item's verdict on the input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub id: String,
    pub state: State,
    pub detail: String,
    /// Codes of the findings that show why not.
    pub findings: Vec<String>,
}

pub const ITEMS: &[Item] = &[
    Item { id: "multi-region", text: "Multi-region for HA and compliance", lesson: "best-practices" },
    Item {
        id: "sidecars",
        text: "Sidecars for cross-cutting concerns (logging, metrics, security)",
        lesson: "best-practices",
    },
    Item { id: "network-policies", text: "Network policies restrict pod-to-pod traffic", lesson: "best-practices" },
    Item { id: "resource-quotas", text: "Resource quotas prevent resource hoarding", lesson: "best-practices" },
    Item { id: "hpa", text: "HPA for dynamic workloads", lesson: "best-practices" },
    Item { id: "pod-security", text: "Pod security policies enforce security", lesson: "best-practices" },
    Item { id: "chaos", text: "Chaos engineering validates resilience", lesson: "best-practices" },
    Item {
        id: "region-capacity",
        text: "Multi-region deployments provide HA and low latency",
        lesson: "key-takeaways",
    },
    Item { id: "zero-trust", text: "Network policies enforce zero-trust networking", lesson: "key-takeaways" },
    Item { id: "scaling-valid", text: "HPA/VPA automate scaling decisions", lesson: "key-takeaways" },
    Item {
        id: "security-layers",
        text: "Security layers: pod policies, RBAC, secrets encryption",
        lesson: "key-takeaways",
    },
];

/// Every item's verdict on the analysed input, in [`ITEMS`] order.
pub fn evaluate(inventory: &Inventory, analysis: &Analysis) -> Vec<Verdict> {
    ITEMS.iter().map(|item| verdict(item, inventory, analysis)).collect()
}

fn verdict(item: &Item, inventory: &Inventory, analysis: &Analysis) -> Verdict {
    let findings = crate::report::findings(&analysis.report);
    let codes = |wanted: &[&str]| -> Vec<String> {
        let mut found: Vec<String> =
            findings.iter().filter(|d| wanted.contains(&d.code.as_str())).map(|d| d.code.clone()).collect();
        found.dedup();
        found
    };
    let has = |kind: Kind| inventory.of_kind(kind).next().is_some();
    let workloads = inventory.workloads().count();
    let (state, detail, found) = match item.id {
        "multi-region" | "region-capacity" => {
            let regions: std::collections::BTreeSet<String> = inventory
                .of_kind(Kind::Node)
                .filter_map(|n| n.labels().get("topology.kubernetes.io/region").cloned())
                .collect();
            let shortfall = codes(&["glb-n-plus-one"]);
            if regions.len() < 2 && !has(Kind::GlobalLoadBalancer) {
                (
                    State::NotApplicable,
                    "no Nodes in two regions and no GlobalLoadBalancer in the input".to_owned(),
                    vec![],
                )
            } else if item.id == "region-capacity" && !shortfall.is_empty() {
                (
                    State::NotFollowed,
                    "a region's loss drops requests: the survivors cannot carry its users".to_owned(),
                    shortfall,
                )
            } else if regions.len() >= 2 {
                (State::Followed, format!("Nodes in {} regions", regions.len()), vec![])
            } else {
                (State::Followed, "a GlobalLoadBalancer routes users between regions".to_owned(), vec![])
            }
        }
        "sidecars" => {
            let with_sidecars = inventory
                .workloads()
                .filter(|w| {
                    w.template.spec.as_ref().is_some_and(|s| {
                        s.containers.len() > 1
                            || s.init_containers.iter().flatten().any(|c| c.restart_policy.as_deref() == Some("Always"))
                    })
                })
                .count();
            let blocked = codes(&["sidecar-shared-volume-writable"]);
            if workloads == 0 {
                (State::NotApplicable, "no pods or workloads".to_owned(), vec![])
            } else if with_sidecars == 0 {
                (State::NotApplicable, "no pod runs a sidecar".to_owned(), vec![])
            } else if blocked.is_empty() {
                (
                    State::Followed,
                    format!("{with_sidecars} pod(s) with sidecars, none writing where it should read"),
                    vec![],
                )
            } else {
                (State::NotFollowed, "a sidecar mounts a shared volume writable".to_owned(), blocked)
            }
        }
        "network-policies" | "zero-trust" => {
            let open = codes(&["pod-not-selected-by-ingress-policy", "namespace-without-default-deny"]);
            if workloads == 0 {
                (State::NotApplicable, "no pods or workloads".to_owned(), vec![])
            } else if !has(Kind::NetworkPolicy) {
                (State::NotFollowed, "no NetworkPolicy: every pod accepts traffic from anywhere".to_owned(), open)
            } else if open.is_empty() {
                (State::Followed, "every pod is isolated for ingress".to_owned(), vec![])
            } else {
                (State::NotFollowed, "some pods are selected by no ingress policy".to_owned(), open)
            }
        }
        "resource-quotas" => {
            let namespaces: std::collections::BTreeSet<&str> = inventory.workloads().map(|w| w.namespace).collect();
            let quoted: std::collections::BTreeSet<&str> =
                inventory.of_kind(Kind::ResourceQuota).map(|q| q.namespace().unwrap_or("default")).collect();
            let missing: Vec<&str> = namespaces.difference(&quoted).copied().collect();
            if namespaces.is_empty() {
                (State::NotApplicable, "no pods or workloads".to_owned(), vec![])
            } else if missing.is_empty() {
                (State::Followed, "every namespace with workloads has a ResourceQuota".to_owned(), vec![])
            } else {
                (State::NotFollowed, format!("no ResourceQuota in {}", missing.join(", ")), vec![])
            }
        }
        "hpa" | "scaling-valid" => {
            let errors: Vec<String> = findings
                .iter()
                .filter(|d| {
                    d.area == crate::diagnostic::Area::Scaling && d.severity == crate::diagnostic::Severity::Error
                })
                .map(|d| d.code.clone())
                .collect();
            if !has(Kind::HorizontalPodAutoscaler) && !has(Kind::VerticalPodAutoscaler) {
                (State::NotApplicable, "no HorizontalPodAutoscaler or VerticalPodAutoscaler".to_owned(), vec![])
            } else if errors.is_empty() {
                (State::Followed, "the autoscalers can act as written".to_owned(), vec![])
            } else {
                (State::NotFollowed, "an autoscaler cannot act as written".to_owned(), errors)
            }
        }
        "pod-security" | "security-layers" => {
            let security = &analysis.report.security;
            let failing = security.workloads.iter().filter(|w| !w.restricted.pass).count();
            let enforced = inventory
                .of_kind(Kind::Namespace)
                .any(|n| n.labels().contains_key(crate::security::admission::ENFORCE_LEVEL_LABEL));
            if security.workloads.is_empty() {
                (State::NotApplicable, "no pods or workloads".to_owned(), vec![])
            } else if has(Kind::PodSecurityPolicy) && !enforced {
                (
                    State::NotFollowed,
                    "PodSecurityPolicy was removed in 1.25: label namespaces with pod-security.kubernetes.io/enforce instead".to_owned(),
                    vec![],
                )
            } else if failing == 0 {
                (State::Followed, "every pod passes the restricted Pod Security Standard".to_owned(), vec![])
            } else {
                (State::NotFollowed, format!("{failing} pod(s) or workload(s) fail the restricted standard"), vec![])
            }
        }
        "chaos" => {
            if has(Kind::ChaosScenario) {
                (State::Followed, "a ChaosScenario plays faults against the input".to_owned(), vec![])
            } else if workloads == 0 {
                (State::NotApplicable, "no pods or workloads".to_owned(), vec![])
            } else {
                (
                    State::NotFollowed,
                    "no ChaosScenario: add one (the Resilience tab's fault palette writes it)".to_owned(),
                    vec![],
                )
            }
        }
        _ => (State::NotApplicable, String::new(), vec![]),
    };
    Verdict { id: item.id.to_owned(), state, detail, findings: found }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Input;

    fn states(text: &str) -> Vec<(String, State)> {
        let loading = crate::load(&[Input::new("input.yaml", text)]);
        let analysis = crate::report::analyze_keeping_engine(&loading);
        evaluate(&loading.inventory, &analysis).into_iter().map(|v| (v.id, v.state)).collect()
    }

    fn state_of(text: &str, id: &str) -> State {
        states(text).into_iter().find(|(i, _)| i == id).map(|(_, s)| s).expect(id)
    }

    #[test]
    fn an_empty_input_has_nothing_to_follow() {
        assert!(states("").iter().all(|(_, s)| *s == State::NotApplicable));
    }

    #[test]
    fn the_examples_show_what_the_material_leaves_out() {
        let example = |id: &str| crate::examples::example(id).expect(id).yaml;
        // The multi-tier policy isolates only the api.
        assert_eq!(state_of(example("multi-tier-policy"), "network-policies"), State::NotFollowed);
        // The restricted PSP example: PSP without Pod Security Admission labels.
        assert_eq!(state_of(example("restricted-psp"), "pod-security"), State::NotFollowed);
        // The material's HPA cannot compute its memory metric; its VPA is refused.
        assert_eq!(state_of(example("hpa"), "hpa"), State::NotFollowed);
        assert_eq!(state_of(example("vpa"), "scaling-valid"), State::NotFollowed);
        // The production namespace has its quota.
        assert_eq!(state_of(example("production-quota"), "resource-quotas"), State::Followed);
        assert_eq!(state_of(example("chaos-engineering"), "chaos"), State::Followed);
    }

    #[test]
    fn a_default_deny_and_a_quota_are_followed() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: web, labels: {app: web}}\nspec:\n  containers: [{name: web, image: nginx:1.27}]\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n---\napiVersion: v1\nkind: ResourceQuota\nmetadata: {name: q}\nspec:\n  hard: {pods: \"10\"}\n";
        assert_eq!(state_of(text, "network-policies"), State::Followed);
        assert_eq!(state_of(text, "resource-quotas"), State::Followed);
        assert_eq!(state_of(text, "hpa"), State::NotApplicable);
    }
}
