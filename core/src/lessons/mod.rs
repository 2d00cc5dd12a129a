//! The training material as lessons: one per section, in the material's order,
//! each opening a live example, with the places where the material and
//! Kubernetes disagree as [`Note`]s whose [`Evidence`] the analysis of the
//! example must show (a finding, a goal the example misses as written, or a
//! simulated figure). [`interview`] holds the interview questions and
//! [`checklist`] the material's best practices, run against any input.
//!
//! Content only: every verdict comes from the engines through [`Analysis`].

pub mod checklist;
pub mod interview;

use serde::{Deserialize, Serialize};

use crate::examples::check_exercise;
use crate::model::Inventory;
use crate::report::Analysis;

/// One section of the material.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Lesson {
    /// Stable id, used in `?lesson=<id>` links.
    pub id: &'static str,
    /// The material's heading for the section.
    pub section: &'static str,
    /// What the section teaches, in a sentence.
    pub summary: &'static str,
    /// The example the lesson opens (an id of [`crate::examples::EXAMPLES`]), when it has one.
    pub example: Option<&'static str>,
    /// Other examples of the same section (the material's alternatives).
    pub variants: &'static [&'static str],
    pub notes: &'static [Note],
}

/// Where the material and Kubernetes differ.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Note {
    pub material_says: &'static str,
    pub kubernetes_does: &'static str,
    /// What the lesson's example, as shipped, shows for it.
    #[serde(skip)]
    pub evidence: Evidence,
}

/// An observation on the analysis of a lesson's example.
#[derive(Clone, Copy, Debug)]
pub enum Evidence {
    /// A finding with this code is reported.
    Finding(&'static str),
    /// The example's exercise goal at this index is not met as written.
    GoalUnmet(usize),
    /// A named check on the analysis (see [`check`]).
    Check(Check),
}

/// Observations that are neither a finding nor a goal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// The HPA simulation adds more than 4 replicas within some minute.
    HpaAddsMoreThanFourPerMinute,
    /// The VPA simulation's first target is 63m CPU and 250Mi memory.
    VpaTargetIsTheWorkedExample,
    /// A Pod fails the restricted Pod Security Standard on its seccomp profile.
    SeccompAnnotationIgnored,
    /// A PodSecurityPolicy of the input refuses a Pod.
    PspRefusesAPod,
    /// A container with no resources got the LimitRange's defaults.
    LimitRangeDefaultsPerContainer,
}

pub const LESSONS: &[Lesson] = &[
    Lesson {
        id: "multi-region",
        section: "Multi-Region Deployments",
        summary: "Two clusters behind a global load balancer: proximity, health checks, session affinity; DNS, proxy or mesh.",
        example: Some("multi-region-proxy"),
        variants: &["multi-region-dns", "multi-region-mesh"],
        notes: &[
            Note {
                material_says: "High availability — region failure doesn't affect others.",
                kubernetes_does: "Only with spare capacity: with three replicas per region, west gets east's users too and runs at 150 %; requests are dropped until each region can carry everyone.",
                evidence: Evidence::GoalUnmet(0),
            },
            Note {
                material_says: "api.example.com → Global LB (routes to nearest), with health checks.",
                kubernetes_does: "A proxy notices a dead region within seconds; DNS-based routing waits for its health checks and then for resolvers' caches (the TTL): minutes, not seconds (open the DNS variant).",
                evidence: Evidence::Finding("glb-n-plus-one"),
            },
        ],
    },
    Lesson {
        id: "sidecars",
        section: "Sidecars in Depth",
        summary: "Logging, metrics and network sidecars beside the app: start and stop order, requests, shared volumes, and the traffic each sidecar needs under the material's policies.",
        example: Some("sidecars"),
        variants: &[],
        notes: &[
            Note {
                material_says: "Sidecars are extra entries under `containers`.",
                kubernetes_does: "Entries of `containers` are started one after the other without waiting and all get SIGTERM at once; since 1.29 a native sidecar (an init container with `restartPolicy: Always`) starts before the app and stops after it.",
                evidence: Evidence::GoalUnmet(0),
            },
            Note {
                material_says: "Metrics sidecar: `curl http://localhost:9095/metrics`.",
                kubernetes_does: "From inside the pod, yes. Prometheus scrapes from another namespace, and the multi-tier policy only admits 5000: 9095 needs its own ingress rule.",
                evidence: Evidence::Finding("netpol-scrape-blocked"),
            },
            Note {
                material_says: "Network sidecar (Envoy) on 8001 in front of the app.",
                kubernetes_does: "A NetworkPolicy sees ports, not roles: opening the app's 5000 and not Envoy's 8001 drops the traffic meant for the proxy and lets clients bypass it.",
                evidence: Evidence::Finding("netpol-service-port-unreachable"),
            },
            Note {
                material_says: "The sidecar parses and ships to Loki (`LOKI_URL: http://loki:3100`).",
                kubernetes_does: "Under a default-deny egress policy the sidecar's connection is dropped like the app's: it needs an egress rule to loki:3100, and DNS.",
                evidence: Evidence::Finding("netpol-env-endpoint-blocked"),
            },
        ],
    },
    Lesson {
        id: "pod-security",
        section: "Pod Security Policies",
        summary: "The restricted PodSecurityPolicy and the secure-app pod, against Pod Security Standards.",
        example: Some("restricted-psp"),
        variants: &[],
        notes: &[
            Note {
                material_says: "`seccomp.security.alpha.kubernetes.io/pod: runtime/default` applies a seccomp profile.",
                kubernetes_does: "The annotation has been ignored since 1.27 (the field `securityContext.seccompProfile` replaced it in 1.19), so the pod fails the restricted standard on seccomp.",
                evidence: Evidence::Check(Check::SeccompAnnotationIgnored),
            },
            Note {
                material_says: "Apply the PodSecurityPolicy to restrict what pods can do.",
                kubernetes_does: "PodSecurityPolicy was removed in 1.25; Pod Security Admission replaces it, chosen per namespace with `pod-security.kubernetes.io/enforce` labels. Under the training PSP itself, secure-app would be refused (it allows no seccomp profile).",
                evidence: Evidence::Check(Check::PspRefusesAPod),
            },
        ],
    },
    Lesson {
        id: "quotas-limits",
        section: "Resource Quotas & Limits",
        summary: "The production ResourceQuota and LimitRange applied in order: defaults, admission, usage.",
        example: Some("production-quota"),
        variants: &[],
        notes: &[
            Note {
                material_says: "LimitRange: per pod defaults if not specified.",
                kubernetes_does: "`type: Container` defaults each container, not the pod: every container without resources gets 250m/256Mi requests and 500m/512Mi limits.",
                evidence: Evidence::Check(Check::LimitRangeDefaultsPerContainer),
            },
            Note {
                material_says: "The quota prevents a namespace from consuming too much.",
                kubernetes_does: "It refuses the pod that would cross it, at creation: a Deployment scales partly (24 of 30 replicas) and its ReplicaSet keeps retrying with `exceeded quota`.",
                evidence: Evidence::Finding("admission-replicas-rejected"),
            },
        ],
    },
    Lesson {
        id: "hpa",
        section: "Horizontal Pod Autoscaling (HPA)",
        summary: "api-hpa on CPU 70 % and memory 80 %, watched through a load spike.",
        example: Some("hpa"),
        variants: &[],
        notes: &[
            Note {
                material_says: "HPA scales up (add 1–4 pods per minute).",
                kubernetes_does: "Without `behavior`, every 15 s reconcile may double the replicas (at least +4): 3 → 6 → 10 within 15 s of the spike.",
                evidence: Evidence::Check(Check::HpaAddsMoreThanFourPerMinute),
            },
            Note {
                material_says: "CPU normalizes, HPA scales down (remove 1 pod per minute).",
                kubernetes_does: "Down-scaling waits for a 5-minute stabilization window, then may drop to the recommendation at once — and here never happens: the memory metric has no request to compare to, and one invalid metric blocks scaling down.",
                evidence: Evidence::Finding("hpa-utilization-without-request"),
            },
        ],
    },
    Lesson {
        id: "vpa",
        section: "Vertical Pod Autoscaling (VPA)",
        summary: "api-vpa's recommendation from the material's usage, beside the HPA on the same Deployment.",
        example: Some("vpa"),
        variants: &[],
        notes: &[
            Note {
                material_says: "Actual usage 45m / 180Mi → recommendation: reduce requests.",
                kubernetes_does: "The recommender's target is 63m / 250Mi: the 90th percentile plus a 15 % margin, and at least 250Mi per pod.",
                evidence: Evidence::Check(Check::VpaTargetIsTheWorkedExample),
            },
            Note {
                material_says: "`updateMode: \"auto\"`.",
                kubernetes_does: "The CRD accepts Off, Initial, Recreate, InPlaceOrRecreate and Auto only: the API server refuses this VPA.",
                evidence: Evidence::Finding("vpa-update-mode"),
            },
        ],
    },
    Lesson {
        id: "network-policies",
        section: "Network Policies (In-Depth)",
        summary: "The multi-tier policy: frontend → api:5000 → database:5432, Prometheus in monitoring, DNS.",
        example: Some("multi-tier-policy"),
        variants: &[],
        notes: &[
            Note {
                material_says: "`namespaceSelector: {matchLabels: {name: monitoring}}` admits the monitoring namespace.",
                kubernetes_does: "Namespaces carry `kubernetes.io/metadata.name`, not `name`, unless someone labels them: the selector matches nothing.",
                evidence: Evidence::Finding("netpol-namespace-label-unmatched"),
            },
            Note {
                material_says: "Egress to TCP 53 allows DNS.",
                kubernetes_does: "Most lookups use UDP 53: with TCP alone, name resolution fails for the api.",
                evidence: Evidence::Finding("netpol-dns-tcp-only"),
            },
        ],
    },
    Lesson {
        id: "chaos",
        section: "Chaos Engineering",
        summary: "A game day played offline: pod kills, netem delay, a drain, a region loss.",
        example: Some("chaos-engineering"),
        variants: &[],
        notes: &[
            Note {
                material_says: "Simulate node failure: `kubectl drain node-1 --ignore-daemonsets`.",
                kubernetes_does: "A drain is an eviction per pod, refused while the PodDisruptionBudget allows no disruption: with `minAvailable: 3` and 3 replicas it retries forever.",
                evidence: Evidence::GoalUnmet(0),
            },
            Note {
                material_says: "Test failover: an alert fires, no manual intervention needed.",
                kubernetes_does: "An alert evaluated inside the failed region's cluster dies with it and never fires.",
                evidence: Evidence::GoalUnmet(2),
            },
        ],
    },
    Lesson {
        id: "interview",
        section: "Interview Questions",
        summary: "The material's questions and more, each with a live example and a task checked against it.",
        example: None,
        variants: &[],
        notes: &[],
    },
    Lesson {
        id: "best-practices",
        section: "Best Practices Summary",
        summary: "The material's checklist, run against whatever is in the editor.",
        example: None,
        variants: &[],
        notes: &[],
    },
    Lesson {
        id: "key-takeaways",
        section: "Key Takeaways",
        summary: "The material's takeaways, run against whatever is in the editor.",
        example: None,
        variants: &[],
        notes: &[],
    },
];

pub fn lesson(id: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.id == id)
}

/// Whether `evidence` shows in the analysis of `example`'s (edited) text.
pub fn evidence_holds(example: &str, evidence: Evidence, inventory: &Inventory, analysis: &Analysis) -> bool {
    match evidence {
        Evidence::Finding(code) => crate::report::findings(&analysis.report).iter().any(|d| d.code == code),
        Evidence::GoalUnmet(index) => check_exercise(example, inventory, analysis)
            .and_then(|status| status.goals.get(index).map(|g| !g.met))
            .unwrap_or(false),
        Evidence::Check(check) => holds(check, inventory, analysis),
    }
}

/// What a note's evidence shows on the analysis of the (edited) example: whether
/// it still holds, what it is (a finding, a goal, a simulated figure), and the
/// engine's own words or numbers for it. The page renders this as is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shown {
    pub holds: bool,
    /// `finding <code>`, `exercise goal <n>` or `simulation` / `admission` / `security`.
    pub source: String,
    /// The finding's message, the goal and its state, or the figure.
    pub detail: String,
    /// The finding's code, when the evidence is one.
    pub code: Option<String>,
}

/// [`Shown`] for every note of the lesson that opens `example` (empty for other examples).
pub fn notes_shown(example: &str, inventory: &Inventory, analysis: &Analysis) -> Vec<Shown> {
    LESSONS
        .iter()
        .find(|l| l.example == Some(example))
        .map(|lesson| lesson.notes.iter().map(|n| evidence_shown(example, n.evidence, inventory, analysis)).collect())
        .unwrap_or_default()
}

pub fn evidence_shown(example: &str, evidence: Evidence, inventory: &Inventory, analysis: &Analysis) -> Shown {
    let holds = evidence_holds(example, evidence, inventory, analysis);
    let (source, detail, code) = match evidence {
        Evidence::Finding(code) => {
            let findings = crate::report::findings(&analysis.report);
            let detail = findings
                .iter()
                .find(|d| d.code == code)
                .map_or_else(|| "not reported for the text as it is now".to_owned(), |d| d.message.clone());
            (format!("finding {code}"), detail, Some(code.to_owned()))
        }
        Evidence::GoalUnmet(index) => {
            let goal = check_exercise(example, inventory, analysis).and_then(|s| s.goals.get(index).cloned());
            let detail = goal.map_or_else(String::new, |g| {
                format!("{} — {}", g.text, if g.met { "met now" } else { "not met as written" })
            });
            (format!("exercise goal {}", index + 1), detail, None)
        }
        Evidence::Check(check) => {
            let (source, detail) = figure(check, analysis);
            (source.to_owned(), detail, None)
        }
    };
    Shown { holds, source, detail, code }
}

/// The engine's figure behind a [`Check`], in its own words.
fn figure(check: Check, analysis: &Analysis) -> (&'static str, String) {
    let report = &analysis.report;
    match check {
        Check::HpaAddsMoreThanFourPerMinute => {
            let added = analysis
                .hpa_simulation
                .as_ref()
                .and_then(|run| run.timeline.as_ref())
                .map(|t| crate::scaling::hpa::simulation::most_added_within(t, 60));
            let detail = added.map_or_else(
                || "no HPA simulation".to_owned(),
                |n| format!("the HPA simulation adds {n} replicas within one minute"),
            );
            ("simulation", detail)
        }
        Check::VpaTargetIsTheWorkedExample => {
            let target = analysis
                .vpa_simulation
                .as_ref()
                .and_then(|run| run.vpas.first())
                .and_then(|vpa| vpa.recommendation.as_ref())
                .and_then(|r| r.container_recommendations.first())
                .map(|c| {
                    let get = |key: &str| c.target.get(key).map_or("—", String::as_str).to_owned();
                    format!(
                        "the recommender's target for {}: cpu {}, memory {}",
                        c.container_name,
                        get("cpu"),
                        get("memory")
                    )
                });
            ("simulation", target.unwrap_or_else(|| "no VPA recommendation".to_owned()))
        }
        Check::SeccompAnnotationIgnored => {
            let failure = report.security.workloads.iter().find_map(|w| {
                w.restricted
                    .failures
                    .iter()
                    .find(|f| f.id.starts_with("seccompProfile"))
                    .map(|f| format!("{} fails restricted: {} ({})", w.id, f.reason, f.detail))
            });
            ("security", failure.unwrap_or_else(|| "no pod fails restricted on seccomp".to_owned()))
        }
        Check::PspRefusesAPod => {
            let rejection =
                report.security.workloads.iter().find_map(|w| w.psp.as_ref().and_then(|p| p.rejection.clone()));
            ("security", rejection.unwrap_or_else(|| "no PodSecurityPolicy refuses a pod".to_owned()))
        }
        Check::LimitRangeDefaultsPerContainer => {
            let annotation =
                report.admission.objects.iter().find_map(|d| {
                    d.annotation.as_ref().map(|a| format!("{}: kubernetes.io/limit-ranger: {a}", d.name))
                });
            ("admission", annotation.unwrap_or_else(|| "the LimitRanger set no defaults".to_owned()))
        }
    }
}

fn holds(check: Check, inventory: &Inventory, analysis: &Analysis) -> bool {
    let report = &analysis.report;
    match check {
        Check::HpaAddsMoreThanFourPerMinute => analysis
            .hpa_simulation
            .as_ref()
            .and_then(|run| run.timeline.as_ref())
            .is_some_and(|t| crate::scaling::hpa::simulation::most_added_within(t, 60) > 4),
        Check::VpaTargetIsTheWorkedExample => analysis
            .vpa_simulation
            .as_ref()
            .and_then(|run| run.vpas.first())
            .and_then(|vpa| vpa.recommendation.as_ref())
            .and_then(|r| r.container_recommendations.first())
            .is_some_and(|c| {
                c.target.get("cpu").map(String::as_str) == Some("63m")
                    && c.target.get("memory").map(String::as_str) == Some("250Mi")
            }),
        Check::SeccompAnnotationIgnored => report.security.workloads.iter().any(|w| {
            let annotated = inventory.objects.iter().any(|o| {
                o.kind() == crate::model::Kind::Pod
                    && o.namespace() == Some(w.namespace.as_str())
                    && o.name() == w.name
                    && o.object
                        .metadata()
                        .annotations
                        .iter()
                        .flatten()
                        .any(|(key, _)| key.starts_with("seccomp.security.alpha.kubernetes.io/"))
            });
            annotated && w.restricted.failing.iter().any(|id| id.starts_with("seccompProfile"))
        }),
        Check::PspRefusesAPod => {
            report.security.workloads.iter().any(|w| w.psp.as_ref().is_some_and(|p| p.rejection.is_some()))
        }
        // The LimitRanger annotates what it set, per container.
        Check::LimitRangeDefaultsPerContainer => report
            .admission
            .objects
            .iter()
            .any(|d| d.annotation.as_deref().is_some_and(|a| a.contains("for container"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Input;

    fn analysis_of(example: &str) -> (crate::load::Loading, Analysis) {
        let text = crate::examples::example(example).map(|e| e.yaml).unwrap_or_default();
        let loading = crate::load(&[Input::new("example.yaml", text)]);
        let analysis = crate::report::analyze_keeping_engine(&loading);
        (loading, analysis)
    }

    /// Every "material says / Kubernetes does" note is shown by its lesson's example as shipped.
    #[test]
    fn every_note_is_backed_by_its_example() {
        for lesson in LESSONS {
            let Some(example) = lesson.example else {
                assert!(lesson.notes.is_empty(), "{}", lesson.id);
                continue;
            };
            assert!(crate::examples::example(example).is_some(), "{}: no example {example}", lesson.id);
            for variant in lesson.variants {
                assert!(crate::examples::example(variant).is_some(), "{}: no example {variant}", lesson.id);
            }
            let (loading, analysis) = analysis_of(example);
            for note in lesson.notes {
                assert!(
                    evidence_holds(example, note.evidence, &loading.inventory, &analysis),
                    "{}: {:?} does not hold for {example}",
                    lesson.id,
                    note.evidence
                );
            }
        }
    }

    /// What the page shows for each note is the engine's own output, and it holds as shipped.
    #[test]
    fn every_note_shows_the_engines_words_or_figures() {
        for lesson in LESSONS {
            let Some(example) = lesson.example else { continue };
            let (loading, analysis) = analysis_of(example);
            let shown = notes_shown(example, &loading.inventory, &analysis);
            assert_eq!(shown.len(), lesson.notes.len(), "{}", lesson.id);
            for (note, shown) in lesson.notes.iter().zip(&shown) {
                assert!(shown.holds, "{}: {shown:?}", lesson.id);
                assert!(!shown.detail.is_empty(), "{}: {shown:?}", lesson.id);
                if let Evidence::Finding(code) = note.evidence {
                    assert_eq!(shown.code.as_deref(), Some(code));
                }
            }
        }
        let (loading, analysis) = analysis_of("hpa");
        let shown = notes_shown("hpa", &loading.inventory, &analysis);
        assert!(
            shown[0].detail.starts_with("the HPA simulation adds ")
                && shown[0].detail.ends_with(" replicas within one minute"),
            "{shown:?}"
        );
        let (loading, analysis) = analysis_of("vpa");
        assert!(notes_shown("vpa", &loading.inventory, &analysis)[0].detail.ends_with("cpu 63m, memory 250Mi"));
        assert!(notes_shown("multi-region-dns", &loading.inventory, &analysis).is_empty());
    }

    /// Lessons follow the material's order, with stable, unique ids.
    #[test]
    fn lessons_follow_the_material() {
        let sections: Vec<&str> = LESSONS.iter().map(|l| l.section).collect();
        assert_eq!(
            sections,
            [
                "Multi-Region Deployments",
                "Sidecars in Depth",
                "Pod Security Policies",
                "Resource Quotas & Limits",
                "Horizontal Pod Autoscaling (HPA)",
                "Vertical Pod Autoscaling (VPA)",
                "Network Policies (In-Depth)",
                "Chaos Engineering",
                "Interview Questions",
                "Best Practices Summary",
                "Key Takeaways",
            ]
        );
        let mut ids: Vec<&str> = LESSONS.iter().map(|l| l.id).collect();
        crate::sort::sort(&mut ids);
        ids.dedup();
        assert_eq!(ids.len(), LESSONS.len());
    }
}
