//! Interview mode: the material's four questions and the ones its sections
//! raise, each with a short model answer, the live example that demonstrates
//! it, and a task checked against the analysis of the edited example (one goal
//! of that example's exercise, so the page and the lesson agree on "done").

use serde::Serialize;

use crate::examples::check_exercise;
use crate::model::Inventory;
use crate::report::Analysis;

#[derive(Clone, Copy, Debug, Serialize)]
pub struct Question {
    /// Stable id: the page's `data-question` attribute and progress key.
    pub id: &'static str,
    /// From the material itself (`true`) or raised by its sections.
    pub from_material: bool,
    pub question: &'static str,
    pub answer: &'static str,
    /// The example that demonstrates the answer, and the lesson it belongs to.
    pub example: &'static str,
    pub lesson: &'static str,
    pub task: &'static str,
    /// The goal of the example's exercise the task is checked by.
    #[serde(skip)]
    pub goal: usize,
}

pub const QUESTIONS: &[Question] = &[
    Question {
        id: "ha-across-regions",
        from_material: true,
        question: "How do you make an application HA across regions?",
        answer: "Run it in several regions behind a global load balancer with health checks, replicate its state, and give every region the capacity to carry a failed region's users (N+1): otherwise a region loss overloads the survivors.",
        example: "multi-region-proxy",
        lesson: "multi-region",
        task: "Size west so that losing east drops no request.",
        goal: 0,
    },
    Question {
        id: "purpose-of-sidecar",
        from_material: true,
        question: "What's the purpose of a sidecar?",
        answer: "To add a cross-cutting concern (log shipping, metrics, a proxy) beside the app without changing it, sharing its network namespace and volumes. Since 1.29 native sidecars (init containers with restartPolicy: Always) start before the app and stop after it.",
        example: "sidecars",
        lesson: "sidecars",
        task: "Turn log-forwarder into a native sidecar.",
        goal: 0,
    },
    Question {
        id: "sidecar-ports-under-policy",
        from_material: false,
        question: "A metrics sidecar listens on 9095 beside an app whose NetworkPolicy admits port 5000. Can Prometheus scrape it?",
        answer: "No: a NetworkPolicy sees the pod's ports, not which container serves them. Containers share the pod's network, so 9095 is a port of the pod, and an ingress rule must admit it from Prometheus's namespace (by kubernetes.io/metadata.name) or the scrape times out. The same holds for a proxy's port and for a sidecar's egress under a default deny.",
        example: "sidecars",
        lesson: "sidecars",
        task: "Let Prometheus in monitoring scrape the metrics sidecar on 9095.",
        goal: 2,
    },
    Question {
        id: "multi-region-no-downtime",
        from_material: true,
        question: "How do you handle deployments across multi-region without downtime?",
        answer: "Roll out gradually (one region, then canaries), gate on health checks, keep instant rollback, and make sure any one region can be taken out of rotation: the others must carry its traffic while it is drained.",
        example: "multi-region-proxy",
        lesson: "multi-region",
        task: "Make losing either region drop no request (no N+1 warning).",
        goal: 1,
    },
    Question {
        id: "hpa-vs-vpa",
        from_material: true,
        question: "What's the difference between HPA and VPA?",
        answer: "HPA changes the number of pods from observed metrics; VPA changes the pods' requests from their usage history (and recreates or resizes pods to apply them). Do not let both act on the same CPU or memory metric: each VPA change moves the HPA's utilization.",
        example: "vpa",
        lesson: "vpa",
        task: "Leave CPU to the HPA: no HPA and VPA on the same resource.",
        goal: 1,
    },
    Question {
        id: "quota-rejection",
        from_material: false,
        question: "Why did this pod get rejected by quota?",
        answer: "ResourceQuota admission adds the new pod's requests to the namespace's usage and refuses the pod when any hard limit would be crossed; the Deployment itself is accepted and its ReplicaSet keeps retrying the missing pods.",
        example: "production-quota",
        lesson: "quotas-limits",
        task: "Make every api replica fit without raising the quota.",
        goal: 0,
    },
    Question {
        id: "limitrange-max",
        from_material: false,
        question: "What does a LimitRange do to a container that sets limits above its max?",
        answer: "It refuses the pod at admission (`maximum cpu usage per Container is 4, but limit is 5`); defaults only fill what is missing, they never lower what is set.",
        example: "production-quota",
        lesson: "quotas-limits",
        task: "Get batch-job admitted.",
        goal: 1,
    },
    Question {
        id: "psp-replacement",
        from_material: false,
        question: "What replaced PodSecurityPolicy, and how do you enforce the restricted level?",
        answer: "Pod Security Admission (PSP was removed in 1.25): label the namespace `pod-security.kubernetes.io/enforce: restricted` (pin a version), and make pods set runAsNonRoot, allowPrivilegeEscalation: false, drop ALL capabilities and a RuntimeDefault seccomp profile.",
        example: "restricted-psp",
        lesson: "pod-security",
        task: "Make secure-app pass the restricted Pod Security Standard.",
        goal: 0,
    },
    Question {
        id: "hpa-scale-up-speed",
        from_material: false,
        question: "How fast does an HPA scale up by default, and how do you slow it down?",
        answer: "With no behavior, each 15 s reconcile may go to max(2 × current, current + 4) replicas, so 3 → 10 in one step; a scaleUp policy such as 4 pods per 60 s caps it.",
        example: "hpa",
        lesson: "hpa",
        task: "Hold scale-up to 4 pods per minute while still reaching maxReplicas.",
        goal: 2,
    },
    Question {
        id: "hpa-invalid-metric",
        from_material: false,
        question: "Why does this HPA never scale back down?",
        answer: "Its memory metric is a utilization of a request the container does not set: that metric is invalid, and with any metric invalid the controller will not scale down (it cannot know the invalid one agrees).",
        example: "hpa",
        lesson: "hpa",
        task: "Give the api container a memory request.",
        goal: 0,
    },
    Question {
        id: "vpa-update-mode",
        from_material: false,
        question: "Why is `updateMode: \"auto\"` a problem?",
        answer: "The VPA CRD's enum is Off, Initial, Recreate, InPlaceOrRecreate, Auto: the API server refuses the object, so nothing is recommended or applied.",
        example: "vpa",
        lesson: "vpa",
        task: "Make the VerticalPodAutoscaler valid.",
        goal: 0,
    },
    Question {
        id: "vpa-applies-to-new-pods",
        from_material: false,
        question: "When does a VPA's recommendation reach a pod?",
        answer: "Its admission webhook writes the target into pods as they are created; with Recreate or Auto the updater also evicts pods outside the bounds (respecting budgets), with Off it only recommends.",
        example: "vpa",
        lesson: "vpa",
        task: "Make new api pods get the VPA's memory target.",
        goal: 2,
    },
    Question {
        id: "namespace-selector-labels",
        from_material: false,
        question: "Why does `namespaceSelector: {matchLabels: {name: monitoring}}` let nothing in?",
        answer: "Selectors match labels, and namespaces are labelled `kubernetes.io/metadata.name: <name>` automatically, not `name`: use that label or label the namespace yourself.",
        example: "multi-tier-policy",
        lesson: "network-policies",
        task: "Let Prometheus in monitoring reach the api on 5000.",
        goal: 0,
    },
    Question {
        id: "dns-over-tcp",
        from_material: false,
        question: "Why is DNS egress on TCP alone a bug?",
        answer: "Resolvers query over UDP 53 and fall back to TCP only for large answers: allowing TCP alone breaks most lookups. Allow both.",
        example: "multi-tier-policy",
        lesson: "network-policies",
        task: "Let the api resolve DNS over UDP.",
        goal: 1,
    },
    Question {
        id: "hpa-scale-down",
        from_material: false,
        question: "How does an HPA decide to scale down after a spike?",
        answer: "Every reconcile proposes replicas from each metric (current × utilization / target, within a 10 % tolerance) and takes the largest; scaling down uses the highest proposal of the last 5 minutes (the stabilization window), and needs every metric valid.",
        example: "hpa",
        lesson: "hpa",
        task: "Make the HPA scale back down to minReplicas after the spike.",
        goal: 1,
    },
    Question {
        id: "pdb-protects",
        from_material: false,
        question: "What does a PodDisruptionBudget protect against, and what not?",
        answer: "Voluntary evictions through the Eviction API (drains, the VPA updater, cluster autoscaler): they are refused while the budget would be broken. Not node or region failures, kills or deletes — and a budget that allows no disruption blocks every drain.",
        example: "chaos-engineering",
        lesson: "chaos",
        task: "Make `kubectl drain node-1` finish.",
        goal: 0,
    },
    Question {
        id: "seccomp-annotation",
        from_material: false,
        question: "The pod carries `seccomp.security.alpha.kubernetes.io/pod: runtime/default`. Why does it still fail the restricted standard?",
        answer: "The annotation was replaced by `securityContext.seccompProfile` in 1.19 and is ignored since 1.27: set `seccompProfile: {type: RuntimeDefault}` on the pod or each container.",
        example: "restricted-psp",
        lesson: "pod-security",
        task: "Make secure-app pass the restricted Pod Security Standard.",
        goal: 0,
    },
    Question {
        id: "alert-in-failed-region",
        from_material: false,
        question: "Why did no alert fire when the east region failed?",
        answer: "The alert ran in east's own Prometheus, which died with the region. Evaluate availability from outside the failure domain (another region, or the global load balancer's health checks).",
        example: "chaos-engineering",
        lesson: "chaos",
        task: "Make the alert fire when east fails.",
        goal: 2,
    },
    Question {
        id: "region-loss-capacity",
        from_material: false,
        question: "Does a region failure affect the other regions?",
        answer: "Yes, through load: the survivors get the failed region's users. With three replicas each, west runs at 150 % after east fails; size every region for its own users plus the largest region's.",
        example: "chaos-engineering",
        lesson: "chaos",
        task: "Make losing east drop no request.",
        goal: 3,
    },
    Question {
        id: "dns-failover-time",
        from_material: false,
        question: "Why does DNS-based failover take minutes when a proxy takes seconds?",
        answer: "DNS needs the health checker to mark the region unhealthy (interval × threshold) and then every resolver's cached answer to expire (the TTL); a proxy stops sending on its next failed health checks.",
        example: "multi-region-dns",
        lesson: "multi-region",
        task: "Make users-east fail over within 60 s of east failing.",
        goal: 0,
    },
    Question {
        id: "mesh-outlier-ejection",
        from_material: false,
        question: "Why does the mesh keep sending requests to failing pods?",
        answer: "Outlier detection ejects at most maxEjectionPercent of the hosts (Istio's default 10 %): with 6 hosts not even one may be ejected. Raise it so the failing locality empties and traffic fails over.",
        example: "multi-region-mesh",
        lesson: "multi-region",
        task: "Make the frontend in east get no errors once api-east fails.",
        goal: 0,
    },
];

pub fn question(id: &str) -> Option<&'static Question> {
    QUESTIONS.iter().find(|q| q.id == id)
}

/// Whether the task of `question` is done on the analysis of its (edited) example.
pub fn task_done(question: &Question, inventory: &Inventory, analysis: &Analysis) -> bool {
    check_exercise(question.example, inventory, analysis)
        .and_then(|status| status.goals.get(question.goal).map(|g| g.met))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Input;

    #[test]
    fn every_question_has_a_live_example_whose_task_starts_undone() {
        assert!(QUESTIONS.len() >= 20);
        assert_eq!(QUESTIONS.iter().filter(|q| q.from_material).count(), 4);
        let mut ids: Vec<&str> = QUESTIONS.iter().map(|q| q.id).collect();
        crate::sort::sort(&mut ids);
        ids.dedup();
        assert_eq!(ids.len(), QUESTIONS.len(), "ids are unique");
        for question in QUESTIONS {
            let example = crate::examples::example(question.example).expect(question.example);
            assert!(super::super::lesson(question.lesson).is_some(), "{}", question.id);
            let loading = crate::load(&[Input::new("example.yaml", example.yaml)]);
            let analysis = crate::report::analyze_keeping_engine(&loading);
            let status = check_exercise(question.example, &loading.inventory, &analysis).expect("an exercise");
            assert!(question.goal < status.goals.len(), "{}: goal {}", question.id, question.goal);
            assert!(!task_done(question, &loading.inventory, &analysis), "{} starts done", question.id);
        }
    }
}
