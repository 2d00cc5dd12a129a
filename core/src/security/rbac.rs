//! Which PodSecurityPolicies a pod may use: RBAC verb `use` on
//! `podsecuritypolicies` (API group `policy`, or `extensions` for old grants),
//! checked as the PSP admission plugin does (`admission.go` `isAuthorizedForPolicy`:
//! the pod's service account, then the requesting user, in the pod's namespace, so a
//! RoleBinding grants only for pods of its namespace). Subjects match as in the RBAC
//! authorizer (`appliesToUser`): a ServiceAccount subject without namespace means the
//! RoleBinding's own; a service account is also the user
//! `system:serviceaccount:<ns>:<name>` and in the groups `system:serviceaccounts`,
//! `system:serviceaccounts:<ns>` and `system:authenticated`.
//!
//! Only the service account can be judged from manifests: who sends the request
//! (a person for a bare Pod, a controller for a workload's Pods) is not known, so
//! grants to users other than the service account are not counted. ClusterRole
//! aggregation is not followed. See `docs/semantics/pod-security-policy.md` §1.2.

use k8s_openapi::api::rbac::v1::{PolicyRule, RoleRef, Subject};
use serde::{Deserialize, Serialize};

use crate::model::{Inventory, Kind, Object};

/// A role rule that lets its subjects `use` some PodSecurityPolicies.
#[derive(Clone, Debug)]
struct UseRule {
    /// Empty: every policy.
    resource_names: Vec<String>,
}

/// A binding whose role grants `use` on PodSecurityPolicies.
#[derive(Clone, Debug)]
struct UseBinding {
    /// `RoleBinding ns/name` or `ClusterRoleBinding name`.
    id: String,
    /// `None` for a ClusterRoleBinding (every namespace).
    namespace: Option<String>,
    subjects: Vec<Subject>,
    rules: Vec<UseRule>,
}

/// The `use` grants on PodSecurityPolicies found in the input.
#[derive(Clone, Debug, Default)]
pub struct PspGrants {
    bindings: Vec<UseBinding>,
    /// Some Role or ClusterRole grants `use` on PodSecurityPolicies: RBAC is then
    /// taken to be what the input shows, not assumed to allow everything.
    pub modelled: bool,
}

/// How a pod came to the policies it may use, for the report.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyAccess {
    /// Every given policy counts: the input has no Role or ClusterRole granting `use`.
    pub assumed: bool,
    /// `namespace/name` of the pod's service account.
    pub service_account: String,
    /// One sentence on how the candidates were chosen.
    pub note: String,
}

fn rule_grants_use(rule: &PolicyRule) -> Option<UseRule> {
    let has = |list: Option<&Vec<String>>, wanted: &[&str]| {
        list.is_some_and(|l| l.iter().any(|v| v == "*" || wanted.contains(&v.as_str())))
    };
    let grants = rule.verbs.iter().any(|v| v == "use" || v == "*")
        && has(rule.api_groups.as_ref(), &["policy", "extensions"])
        && has(rule.resources.as_ref(), &[Kind::PodSecurityPolicy.plural()]);
    grants.then(|| UseRule { resource_names: rule.resource_names.clone().unwrap_or_default() })
}

impl PspGrants {
    pub fn from_inventory(inventory: &Inventory) -> Self {
        let role_rules = |role_ref: &RoleRef, namespace: Option<&str>| -> Vec<UseRule> {
            inventory
                .objects
                .iter()
                .filter(|o| o.name() == role_ref.name)
                .filter_map(|o| match (&o.object, Kind::from_name(&role_ref.kind)) {
                    (Object::Role(role), Some(Kind::Role)) if o.namespace() == namespace => role.rules.clone(),
                    (Object::ClusterRole(role), Some(Kind::ClusterRole)) => role.rules.clone(),
                    _ => None,
                })
                .flatten()
                .filter_map(|r| rule_grants_use(&r))
                .collect()
        };
        let mut grants = PspGrants::default();
        for loaded in &inventory.objects {
            let (id, namespace, role_ref, subjects) = match &loaded.object {
                Object::Role(role) => {
                    grants.modelled |= role.rules.iter().flatten().any(|r| rule_grants_use(r).is_some());
                    continue;
                }
                Object::ClusterRole(role) => {
                    grants.modelled |= role.rules.iter().flatten().any(|r| rule_grants_use(r).is_some());
                    continue;
                }
                Object::RoleBinding(b) => (
                    format!("RoleBinding {}/{}", loaded.namespace().unwrap_or_default(), loaded.name()),
                    loaded.namespace().map(str::to_owned),
                    &b.role_ref,
                    b.subjects.clone().unwrap_or_default(),
                ),
                // A ClusterRoleBinding can only refer to a ClusterRole.
                Object::ClusterRoleBinding(b) if Kind::from_name(&b.role_ref.kind) == Some(Kind::ClusterRole) => (
                    format!("ClusterRoleBinding {}", loaded.name()),
                    None,
                    &b.role_ref,
                    b.subjects.clone().unwrap_or_default(),
                ),
                _ => continue,
            };
            let rules = role_rules(role_ref, namespace.as_deref());
            if !rules.is_empty() {
                grants.bindings.push(UseBinding { id, namespace, subjects, rules });
            }
        }
        grants
    }

    /// The bindings that let service account `namespace/name` use `policy` for pods
    /// in `namespace`.
    pub fn granting(&self, namespace: &str, service_account: &str, policy: &str) -> Vec<String> {
        let user = format!("system:serviceaccount:{namespace}:{service_account}");
        let groups = [
            "system:serviceaccounts".to_owned(),
            format!("system:serviceaccounts:{namespace}"),
            "system:authenticated".to_owned(),
        ];
        self.bindings
            .iter()
            .filter(|b| b.namespace.as_deref().is_none_or(|n| n == namespace))
            .filter(|b| {
                b.rules.iter().any(|r| r.resource_names.is_empty() || r.resource_names.iter().any(|n| n == policy))
            })
            .filter(|b| {
                b.subjects.iter().any(|s| match s.kind.as_str() {
                    "User" => s.name == user,
                    "Group" => groups.contains(&s.name),
                    "ServiceAccount" => {
                        let subject_namespace = s.namespace.as_deref().or(b.namespace.as_deref());
                        s.name == service_account && subject_namespace == Some(namespace)
                    }
                    _ => false,
                })
            })
            .map(|b| b.id.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(verbs: &[&str], groups: &[&str], resources: &[&str], names: &[&str]) -> PolicyRule {
        let list = |v: &[&str]| Some(v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
        PolicyRule {
            verbs: verbs.iter().map(|s| (*s).to_owned()).collect(),
            api_groups: list(groups),
            resources: list(resources),
            resource_names: if names.is_empty() { None } else { list(names) },
            non_resource_urls: None,
        }
    }

    #[test]
    fn use_rules_need_the_verb_the_group_and_the_resource() {
        assert!(rule_grants_use(&rule(&["use"], &["policy"], &[Kind::PodSecurityPolicy.plural()], &[])).is_some());
        assert!(rule_grants_use(&rule(&["*"], &["*"], &["*"], &[])).is_some());
        assert!(
            rule_grants_use(&rule(&["use"], &["extensions"], &[Kind::PodSecurityPolicy.plural()], &["x"])).is_some()
        );
        assert!(rule_grants_use(&rule(&["get"], &["policy"], &[Kind::PodSecurityPolicy.plural()], &[])).is_none());
        assert!(rule_grants_use(&rule(&["use"], &["apps"], &[Kind::PodSecurityPolicy.plural()], &[])).is_none());
        assert!(rule_grants_use(&rule(&["use"], &["policy"], &["pods"], &[])).is_none());
    }
}
