//! pkg/apis/rbac/validation/validation.go: the rules of Roles and
//! ClusterRoles (`ValidatePolicyRule`) and the role reference and subjects of
//! bindings (`ValidateRoleBinding`, `ValidateClusterRoleBinding`,
//! `ValidateRoleBindingSubject`), after the v1 defaults (`SetDefaults_RoleBinding`,
//! `SetDefaults_Subject`: an empty apiGroup becomes rbac.authorization.k8s.io,
//! or "" for a ServiceAccount). Names of subjects and roles are not checked here.

use k8s_openapi::api::rbac::v1::{PolicyRule, RoleRef, Subject};

use super::field::{invalid, not_supported, quoted, required};
use super::{Found, rule};

const GROUP: &str = "rbac.authorization.k8s.io";

/// `ValidatePolicyRule` for each rule of a Role (namespaced) or ClusterRole.
pub fn rules(rules: Option<&Vec<PolicyRule>>, namespaced: bool, out: &mut Vec<Found>) {
    for (i, policy_rule) in rules.into_iter().flatten().enumerate() {
        let at = format!("rules[{i}]");
        let mut push = |field: &str, message: String| {
            out.push(Found::new(rule::RBAC_RULE, format!("{at}.{field}"), message));
        };
        if policy_rule.verbs.is_empty() {
            push("verbs", required(&format!("{at}.verbs"), "verbs must contain at least one value"));
        }
        let non_empty = |list: &Option<Vec<String>>| list.as_ref().is_some_and(|l| !l.is_empty());
        if let Some(urls) = policy_rule.non_resource_urls.as_ref().filter(|u| !u.is_empty()) {
            let path = format!("{at}.nonResourceURLs");
            let value = serde_json::to_string(urls).unwrap_or_default();
            if namespaced {
                push("nonResourceURLs", invalid(&path, &value, "namespaced rules cannot apply to non-resource URLs"));
            }
            if non_empty(&policy_rule.api_groups)
                || non_empty(&policy_rule.resources)
                || non_empty(&policy_rule.resource_names)
            {
                push(
                    "nonResourceURLs",
                    invalid(&path, &value, "rules cannot apply to both regular resources and non-resource URLs"),
                );
            }
            continue;
        }
        if !non_empty(&policy_rule.api_groups) {
            push(
                "apiGroups",
                required(&format!("{at}.apiGroups"), "resource rules must supply at least one api group"),
            );
        }
        if !non_empty(&policy_rule.resources) {
            push("resources", required(&format!("{at}.resources"), "resource rules must supply at least one resource"));
        }
    }
}

/// A RoleBinding's (`namespaced`) or ClusterRoleBinding's roleRef and subjects.
pub fn binding(role_ref: &RoleRef, subjects: Option<&Vec<Subject>>, namespaced: bool, out: &mut Vec<Found>) {
    let mut push = |path: String, message: String| out.push(Found::new(rule::RBAC_BINDING, path, message));
    let api_group = role_ref.api_group.as_deref().filter(|g| !g.is_empty()).unwrap_or(GROUP);
    if api_group != GROUP {
        push("roleRef.apiGroup".into(), not_supported("roleRef.apiGroup", &quoted(api_group), &[GROUP]));
    }
    let kinds: &[&str] = if namespaced { &["Role", "ClusterRole"] } else { &["ClusterRole"] };
    if !kinds.contains(&role_ref.kind.as_str()) {
        push("roleRef.kind".into(), not_supported("roleRef.kind", &quoted(&role_ref.kind), kinds));
    }
    if role_ref.name.is_empty() {
        push("roleRef.name".into(), required("roleRef.name", ""));
    }
    for (i, subject) in subjects.into_iter().flatten().enumerate() {
        let at = format!("subjects[{i}]");
        if subject.name.is_empty() {
            push(format!("{at}.name"), required(&format!("{at}.name"), ""));
        }
        let group = subject.api_group.as_deref().unwrap_or_default();
        let api_group_path = format!("{at}.apiGroup");
        match subject.kind.as_str() {
            "ServiceAccount" => {
                if !group.is_empty() {
                    push(api_group_path.clone(), not_supported(&api_group_path, &quoted(group), &[""]));
                }
                if !namespaced && subject.namespace.as_deref().unwrap_or_default().is_empty() {
                    push(format!("{at}.namespace"), required(&format!("{at}.namespace"), ""));
                }
            }
            "User" | "Group" => {
                let group = if group.is_empty() { GROUP } else { group };
                if group != GROUP {
                    push(api_group_path.clone(), not_supported(&api_group_path, &quoted(group), &[GROUP]));
                }
            }
            other => push(
                format!("{at}.kind"),
                not_supported(&format!("{at}.kind"), &quoted(other), &["ServiceAccount", "User", "Group"]),
            ),
        }
    }
}
