//! The rule reference (`kubeplay rules`, `docs/rules.md`): every rule of the
//! API server's validation (`validation::RULES`) and of the best practices
//! (`security::practices::rules`), from the same tables the engine uses.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::diagnostic::{Area, Severity};

/// One rule as the reference lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleEntry {
    /// The finding's code.
    pub id: String,
    pub area: Area,
    pub severity: Severity,
    /// What it checks.
    pub checks: String,
    /// For a validation rule, the upstream function that decides it.
    pub upstream: Option<String>,
    /// Corresponding check ids of kube-score, Polaris, kubescape and kube-linter.
    pub equivalents: BTreeMap<String, Vec<String>>,
    /// Why it matters: the API server refuses the object, warns about it, or
    /// accepts it though it is unwise.
    pub why: String,
}

/// A finding of one of the labs' analyses (NetworkPolicy lint, scaling,
/// resilience) that another tool also reports. Each analysis emits its code
/// where it decides it; the test below analyses an input that raises every
/// one and checks code, area and severity against this table.
pub struct AnalysisRule {
    pub id: &'static str,
    pub area: Area,
    pub severity: Severity,
    pub checks: &'static str,
    pub equivalents: &'static [(&'static str, &'static [&'static str])],
}

/// The analyses' findings that have a counterpart in kube-score, Polaris,
/// kubescape or kube-linter.
pub const ANALYSIS_RULES: &[AnalysisRule] = &[
    AnalysisRule {
        id: "netpol-selects-nothing",
        area: Area::NetworkPolicy,
        severity: Severity::Warning,
        checks: "a NetworkPolicy's podSelector matches no pod or pod template of its namespace (hostNetwork ones never match; only when the input has pods)",
        equivalents: &[("kube-score", &["networkpolicy-targets-pod"]), ("kube-linter", &["dangling-networkpolicy"])],
    },
    AnalysisRule {
        id: "hpa-target-missing",
        area: Area::Scaling,
        severity: Severity::Warning,
        checks: "a HorizontalPodAutoscaler's scaleTargetRef names an object of the input",
        equivalents: &[
            ("kube-score", &["horizontalpodautoscaler-has-target"]),
            ("kube-linter", &["dangling-horizontalpodautoscaler"]),
        ],
    },
    AnalysisRule {
        id: "pdb-blocks-drain",
        area: Area::Resilience,
        severity: Severity::Warning,
        checks: "a PodDisruptionBudget allows at least one disruption when all its pods are healthy (the disruption controller's status)",
        equivalents: &[
            ("polaris", &["pdbDisruptionsIsZero"]),
            ("kube-linter", &["pdb-max-unavailable", "pdb-min-available"]),
        ],
    },
    AnalysisRule {
        id: "pdb-min-available-at-hpa-min",
        area: Area::Resilience,
        severity: Severity::Warning,
        checks: "a PodDisruptionBudget's minAvailable stays below the minReplicas of the HPA scaling its pods",
        equivalents: &[("polaris", &["pdbMinAvailableGreaterThanHPAMinReplicas"])],
    },
];

fn equivalents(pairs: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
    pairs.iter().map(|(tool, ids)| ((*tool).to_owned(), ids.iter().map(|id| (*id).to_owned()).collect())).collect()
}

/// Every rule: validation first (in `validation::RULES` order), then best
/// practices, then the analyses' findings that other tools also report.
pub fn rule_reference() -> Vec<RuleEntry> {
    let validation = crate::validation::RULES.iter().map(|rule| RuleEntry {
        id: rule.id.to_owned(),
        area: Area::Input,
        severity: rule.severity,
        checks: rule.checks.to_owned(),
        upstream: Some(rule.upstream.to_owned()),
        equivalents: equivalents(rule.equivalents),
        why: match rule.severity {
            Severity::Error => "the API server refuses the object".to_owned(),
            _ => "the API server accepts the object with a warning".to_owned(),
        },
    });
    let practices = crate::security::practices::rules().into_iter().map(|rule| RuleEntry {
        id: rule.id,
        area: Area::Security,
        severity: rule.severity,
        checks: rule.title,
        upstream: None,
        equivalents: rule.equivalents,
        why: "accepted by the API server, but unwise".to_owned(),
    });
    let analyses = ANALYSIS_RULES.iter().map(|rule| RuleEntry {
        id: rule.id.to_owned(),
        area: rule.area,
        severity: rule.severity,
        checks: rule.checks.to_owned(),
        upstream: None,
        equivalents: equivalents(rule.equivalents),
        why: "accepted by the API server; the cluster would not do what the manifests seem to ask".to_owned(),
    });
    validation.chain(practices).chain(analyses).collect()
}

/// The reference as Markdown: one table per area.
pub fn markdown(rules: &[RuleEntry]) -> String {
    let mut out = String::from(
        "# Rules\n\nGenerated by `kubeplay rules --format md` from the tables the engine uses; \
         `core/tests/rules_doc.rs` checks that this file matches.\n",
    );
    type Section = (fn(Area) -> bool, &'static str, &'static str);
    let sections: [Section; 3] = [
        (
            |area| area == Area::Input,
            "Refused by the API server",
            "Object validation as the API server's validation functions do it; errors are refusals, warnings are the API server's own warnings.",
        ),
        (|area| area == Area::Security, "Best practices", "Accepted by the API server, but unwise."),
        (
            |area| !matches!(area, Area::Input | Area::Security),
            "Found by the other analyses",
            "Findings of the NetworkPolicy, scaling and resilience analyses that another tool also reports.",
        ),
    ];
    for (in_section, heading, intro) in sections {
        let _ = writeln!(out, "\n## {heading}\n\n{intro}\n");
        out.push_str("| id | severity | checks | upstream / equivalents |\n|---|---|---|---|\n");
        for rule in rules.iter().filter(|r| in_section(r.area)) {
            let tools = rule.equivalents.iter().map(|(tool, ids)| format!("{tool}: {}", ids.join(", ")));
            let source: Vec<String> = rule.upstream.iter().cloned().chain(tools).collect();
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} |",
                rule.id,
                rule.severity.as_str(),
                rule.checks.replace('|', "\\|"),
                source.join("; ").replace('|', "\\|")
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_across_tables() {
        let rules = rule_reference();
        let mut ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
        crate::sort::sort(&mut ids);
        let before = ids.len();
        ids.dedup();
        assert_eq!(before, ids.len());
        assert!(rules.iter().any(|r| r.id == "selector-template-mismatch" && r.area == Area::Input));
        assert!(rules.iter().any(|r| r.id == "image-pull-policy-not-always" && r.area == Area::Security));
    }

    /// Every analysis rule of the table is what its analysis emits: same
    /// code, area and severity, on an input that raises each.
    #[test]
    fn analysis_rules_match_what_the_analyses_emit() {
        let text = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: app, image: web:1.0.0}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: nothing}
spec: {podSelector: {matchLabels: {app: gone}}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: lost}
spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: gone}, minReplicas: 2, maxReplicas: 4}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 2, maxReplicas: 4}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec: {minAvailable: 2, selector: {matchLabels: {app: web}}}
";
        let report = crate::analyze(&[crate::Input { name: "rules.yaml", bytes: text.as_bytes() }]);
        let findings = crate::report::findings(&report);
        for rule in ANALYSIS_RULES {
            let found = findings.iter().find(|d| d.code == rule.id);
            assert!(
                found.is_some_and(|d| d.area == rule.area && d.severity == rule.severity),
                "{}: {found:?}",
                rule.id
            );
        }
    }
}
