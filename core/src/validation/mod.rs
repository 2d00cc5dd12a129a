//! What the API server refuses (or warns about) when an object is created, as
//! its validation functions decide it: one module per API group, after
//! `pkg/apis/<group>/validation/validation.go`, and the pod warnings of
//! `pkg/api/pod/warnings.go`. Every rule is one entry of [`RULES`]; each
//! finding carries upstream's field path and message and is located on the
//! offending field.
//!
//! "Refused by the API server" (severity error, area input) is kept apart
//! from "accepted but unwise" (the best practices in `security::practices`).
//! Names and labels are checked by the loader (`load/validate.rs`),
//! NetworkPolicies by their compiler (`netpol/policy.rs`) but for their
//! selectors' keys and values, and requests
//! against limits, a LimitRange's min/default/max comparisons and a
//! ResourceQuota's `spec.scopes` by admission (`admission/`), each in one place.

mod apps;
mod autoscaling;
mod batch;
mod config;
mod core;
mod create_warnings;
mod dns;
mod env;
pub mod field;
mod go_json;
mod in_tree_volumes;
mod networking;
mod node;
mod placement;
mod policy;
mod rbac;
mod resources;
mod scheduling;
mod security_context;
mod selector;
mod service;
mod taints;
mod volumes;
mod warnings;

use crate::diagnostic::{Area, Diagnostic, Severity, go_quote};
use crate::model::{Kind, Object};
use crate::source::Origin;

/// One validation rule: its stable id (the diagnostic's code), what the API
/// server does (refuse or warn), the upstream function that decides it, and
/// what it checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub upstream: &'static str,
    pub checks: &'static str,
    /// The checks of kube-score, Polaris, kubescape and kube-linter that
    /// report the same problem, by tool.
    pub equivalents: &'static [(&'static str, &'static [&'static str])],
}

/// The rules, by id.
pub mod rule {
    use super::Rule;
    use crate::diagnostic::Severity::{Error, Warning};

    pub const SELECTOR_MISMATCH: &Rule = &Rule {
        id: "selector-template-mismatch",
        severity: Error,
        upstream: "apps ValidatePodTemplateSpecForReplicaSet / ForStatefulSet, ValidateDaemonSetSpec; core ValidatePodTemplateSpecForRC; batch ValidateJobSpec",
        checks: "a controller's selector matches its pod template's labels",
        equivalents: &[
            (
                "kube-score",
                &[
                    "deployment-pod-selector-labels-match-template-metadata-labels",
                    "statefulset-pod-selector-labels-match-template-metadata-labels",
                ],
            ),
            ("kube-linter", &["mismatching-selector"]),
        ],
    };
    pub const LABEL_SELECTOR: &Rule = &Rule {
        id: "label-selector",
        severity: Error,
        upstream: "apimachinery ValidateLabelSelector / ValidateLabels, called on the selector of Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, PodDisruptionBudgets, PersistentVolumeClaims, NetworkPolicies (podSelector and peers) and Services",
        checks: "a label selector: matchLabels keys are qualified names and values label values; each matchExpressions entry has the operator In, NotIn, Exists or DoesNotExist with the values it takes (some for In and NotIn, none for the others), a qualified-name key and label values; a controller whose selector is refused has an invalid selector as a whole (its template is not compared)",
        equivalents: &[],
    };
    pub const SELECTOR_EMPTY: &Rule = &Rule {
        id: "selector-empty",
        severity: Error,
        upstream: "apps ValidateDeploymentSpec / ValidateReplicaSetSpec / ValidateDaemonSetSpec / ValidateStatefulSetSpec; core ValidateNonEmptySelector; batch ValidateJobSpec / ValidateJobTemplateSpec",
        checks: "a controller's selector is set and not empty (a CronJob's job template has none: it is generated)",
        equivalents: &[],
    };
    pub const NEGATIVE: &Rule = &Rule {
        id: "negative-value",
        severity: Error,
        upstream: "core ValidateNonnegativeField",
        checks: "replicas, minReadySeconds, history limits, parallelism, completions, deadlines, a Job's backoff limits, maxFailedIndexes, ttlSecondsAfterFinished and a success rule's succeededCount are not negative",
        equivalents: &[],
    };
    pub const RESTART_POLICY: &Rule = &Rule {
        id: "restart-policy-unsupported",
        severity: Error,
        upstream: "core validateRestartPolicy; apps/core controllers (Always only); batch validateJobSpec (OnFailure or Never, Never with a podFailurePolicy)",
        checks: "the pod template's restartPolicy is one its controller runs (the default is Always, which a Job refuses as a missing value); a Job with a podFailurePolicy only Never; no activeDeadlineSeconds under a long-running controller",
        equivalents: &[("kube-score", &["cronjob-restartpolicy"])],
    };
    pub const DEPLOYMENT_STRATEGY: &Rule = &Rule {
        id: "deployment-strategy",
        severity: Error,
        upstream: "apps ValidateDeploymentStrategy / ValidateRollingUpdateDeployment / ValidateDeploymentSpec",
        checks: "rollingUpdate only with RollingUpdate; maxUnavailable and maxSurge not both 0, percentages valid; progressDeadlineSeconds > minReadySeconds",
        equivalents: &[],
    };
    pub const STATEFULSET_SPEC: &Rule = &Rule {
        id: "statefulset-spec",
        severity: Error,
        upstream: "apps ValidateStatefulSetSpec (validateRollingUpdateStatefulSet, ValidatePersistentVolumeClaimRetentionPolicy)",
        checks: "a StatefulSet's podManagementPolicy is OrderedReady or Parallel; updateStrategy RollingUpdate (partition not negative) or OnDelete (without rollingUpdate); PVC retention whenDeleted and whenScaled Retain or Delete",
        equivalents: &[],
    };
    pub const JOB_SPEC: &Rule = &Rule {
        id: "job-spec",
        severity: Error,
        upstream: "batch validateJobSpec / validatePodFailurePolicy (validatePodFailurePolicyRule, validatePodFailurePolicyRuleOnExitCodes, validatePodFailurePolicyRuleOnPodConditions) / validateSuccessPolicy (validateSuccessPolicyRule, validateIndexesFormat) / validatePodReplacementPolicy, ValidateJobTemplateSpec",
        checks: "a Job's (or a CronJob's job template's) completionMode is NonIndexed or Indexed; Indexed needs completions and allows parallelism up to 100000, maxFailedIndexes up to completions and 100000 (above 100000 completions with backoffLimitPerIndex: maxFailedIndexes set, it and parallelism up to 10000); backoffLimitPerIndex and maxFailedIndexes only when Indexed, maxFailedIndexes only with backoffLimitPerIndex; managedBy a domain-prefixed path of at most 63 characters; podFailurePolicy: at most 20 rules, each with an action Count, FailIndex (only with backoffLimitPerIndex), FailJob or Ignore and exactly one of onExitCodes (operator In or NotIn, 1-255 sorted unique values, no 0 with In, a containerName naming a container or init container) and onPodConditions (at most 20, a qualified-name type, status True, False or Unknown); successPolicy only when Indexed, 1-20 rules each with succeededIndexes (at most 64 KiB of increasing intervals like 1,3-5 below completions) or succeededCount (not above completions nor the indexes listed); podReplacementPolicy TerminatingOrFailed or Failed (only Failed with a podFailurePolicy); no manualSelector in a job template",
        equivalents: &[],
    };
    pub const CONTAINER_NAME: &Rule = &Rule {
        id: "container-name",
        severity: Error,
        upstream: "core validateContainers / validateInitContainers",
        checks: "container names are set, DNS-1123 labels, and unique across containers and init containers",
        equivalents: &[],
    };
    pub const CONTAINER_IMAGE: &Rule = &Rule {
        id: "container-image-required",
        severity: Error,
        upstream: "core validateContainerOnlyForPod",
        checks: "a Pod's containers name an image (templates may leave it to a webhook)",
        equivalents: &[],
    };
    pub const CONTAINER_PORT: &Rule = &Rule {
        id: "container-port",
        severity: Error,
        upstream: "core validateContainerPorts",
        checks: "container ports: names valid and unique in the container, containerPort set and 1-65535, hostPort 1-65535, protocol TCP, UDP or SCTP",
        equivalents: &[("kube-score", &["container-ports-check"])],
    };
    pub const INIT_CONTAINER_PROBE: &Rule = &Rule {
        id: "init-container-probe",
        severity: Error,
        upstream: "core validateInitContainers",
        checks: "init containers have no probes or lifecycle hooks unless restartPolicy is Always (a sidecar)",
        equivalents: &[],
    };
    pub const ENV_NAME: &Rule = &Rule {
        id: "env-name",
        severity: Error,
        upstream: "core validateEnv (IsRelaxedEnvVarName)",
        checks: "environment variable names are set and printable ASCII without '='",
        equivalents: &[],
    };
    pub const VOLUME_NAME: &Rule = &Rule {
        id: "volume-name",
        severity: Error,
        upstream: "core ValidateVolumes",
        checks: "volume names are set, DNS-1123 labels and unique",
        equivalents: &[],
    };
    pub const VOLUME_MOUNT: &Rule = &Rule {
        id: "volume-mount",
        severity: Error,
        upstream: "core ValidateVolumeMounts (validateMountPropagation, validateMountRecursiveReadOnly), ValidateVolumeDevices",
        checks: "each volumeMount names a volume of the pod that was accepted and has a mountPath used once; subPath and subPathExpr relative without '..', not both; mountPropagation None, HostToContainer or Bidirectional (only for privileged containers); recursiveReadOnly Disabled, or Enabled / IfPossible on a readOnly mount without propagation; volumeDevices name a PVC or ephemeral volume once, at a unique path without '..', sharing neither name nor path with a mount",
        equivalents: &[],
    };
    pub const PROBE: &Rule = &Rule {
        id: "probe-handler",
        severity: Error,
        upstream: "core validateProbe / validateHandler / validateLifecycle / validateSleepAction",
        checks: "probes and lifecycle hooks have exactly one handler with a valid port; a sleep hook lasts 0 to terminationGracePeriodSeconds; probe numbers not negative; liveness and startup successThreshold 1",
        equivalents: &[],
    };
    pub const SERVICE_PORT: &Rule = &Rule {
        id: "service-port",
        severity: Error,
        upstream: "core ValidateService / validateServicePort",
        checks: "a Service (not headless or ExternalName) has ports; each port 1-65535, protocol TCP, UDP or SCTP, targetPort a valid number or name, appProtocol a qualified name",
        equivalents: &[],
    };
    pub const SERVICE_PORT_NAME: &Rule = &Rule {
        id: "service-port-name",
        severity: Error,
        upstream: "core validateServicePort",
        checks: "with more than one port every port is named; names are DNS-1123 labels and unique",
        equivalents: &[],
    };
    pub const SERVICE_PORT_DUPLICATE: &Rule = &Rule {
        id: "service-port-duplicate",
        severity: Error,
        upstream: "core ValidateService",
        checks: "no two ports of a Service have the same port and protocol",
        equivalents: &[],
    };
    pub const SERVICE_NODE_PORT: &Rule = &Rule {
        id: "service-node-port",
        severity: Error,
        upstream: "core ValidateService",
        checks: "nodePort only on NodePort and LoadBalancer Services, each (nodePort, protocol) once",
        equivalents: &[],
    };
    pub const SERVICE_TYPE: &Rule = &Rule {
        id: "service-type",
        severity: Error,
        upstream: "core ValidateService",
        checks: "type is ClusterIP, NodePort, LoadBalancer or ExternalName; ExternalName needs a DNS name and no cluster IPs, IP families or family policy; NodePort and LoadBalancer are not headless",
        equivalents: &[],
    };
    pub const SERVICE_CLUSTER_IP: &Rule = &Rule {
        id: "service-cluster-ip",
        severity: Error,
        upstream: "core ValidateServiceClusterIPsRelatedFields (run by the Service storage before it allocates)",
        checks: "clusterIPs start with clusterIP (and are empty without it), hold valid IPs (or only 'None'), at most two and one per family, matching ipFamilies; ipFamilies are IPv4 or IPv6 without repeats; ipFamilyPolicy is SingleStack, PreferDualStack or RequireDualStack",
        equivalents: &[],
    };
    pub const SERVICE_EXTERNAL: &Rule = &Rule {
        id: "service-external-access",
        severity: Error,
        upstream: "core ValidateService, ValidateNonSpecialIP, validateLoadBalancerClassField, validateServiceExternalTrafficPolicy",
        checks: "externalIPs are IPs outside the unspecified, loopback and link-local ranges; loadBalancerSourceRanges (or their annotation) are CIDRs; source ranges, allocateLoadBalancerNodePorts and loadBalancerClass (a qualified name) only on LoadBalancer Services; externalTrafficPolicy Cluster or Local and only on externally accessible Services; healthCheckNodePort only on a LoadBalancer with the Local policy, a valid port",
        equivalents: &[],
    };
    pub const SERVICE_ROUTING: &Rule = &Rule {
        id: "service-routing",
        severity: Error,
        upstream: "core ValidateService, validateAffinityTimeout, validateServiceInternalTrafficFieldsValue, validateServiceTrafficDistribution",
        checks: "sessionAffinity ClientIP or None, a ClientIP timeout in (0, 86400] seconds; internalTrafficPolicy Cluster or Local; trafficDistribution PreferClose, PreferSameZone or PreferSameNode; the topology-mode annotation agrees with topology-aware-hints",
        equivalents: &[],
    };
    pub const PDB_BUDGET: &Rule = &Rule {
        id: "pdb-budget",
        severity: Error,
        upstream: "policy ValidatePodDisruptionBudgetSpec",
        checks: "minAvailable and maxUnavailable not both set; each a non-negative number or a percentage up to 100%",
        equivalents: &[],
    };
    pub const HPA_REPLICAS: &Rule = &Rule {
        id: "hpa-replicas",
        severity: Error,
        upstream: "autoscaling validateHorizontalPodAutoscalerSpec",
        checks: "a HorizontalPodAutoscaler's minReplicas is at least 1 (HPAScaleToZero is off by default), maxReplicas at least 1 and at least minReplicas",
        equivalents: &[],
    };
    pub const HPA_SCALE_TARGET: &Rule = &Rule {
        id: "hpa-scale-target",
        severity: Error,
        upstream: "autoscaling ValidateCrossVersionObjectReference (IsValidPathSegmentName, ValidateAPIVersion)",
        checks: "a HorizontalPodAutoscaler's scaleTargetRef has a kind and a name, each a valid path segment (not '.' or '..', without '/' or '%'), and an apiVersion naming an API group (only a ReplicationController may omit it)",
        equivalents: &[],
    };
    pub const HPA_METRIC: &Rule = &Rule {
        id: "hpa-metric",
        severity: Error,
        upstream: "autoscaling validateMetrics / validateMetricSpec (validateObjectSource, validateExternalSource, validatePodsSource, validateResourceSource, validateContainerResourceSource, validateMetricTarget, validateMetricIdentifier)",
        checks: "each metric of a HorizontalPodAutoscaler has a type of Object, Pods, Resource, ContainerResource or External and exactly that source set; metric names and an Object metric's describedObject kind and name are valid path segments, its apiVersion at most one '/'; a target type of Utilization, Value or AverageValue, values and averageValues above zero, averageUtilization at least 1; Object and External metrics a value or an averageValue (External not both), Pods metrics an averageValue, Resource and ContainerResource metrics exactly one of averageUtilization and averageValue; a ContainerResource names a container resource and a DNS-1123 container; minReplicas 0 only with an Object or External metric",
        equivalents: &[],
    };
    pub const HPA_BEHAVIOR: &Rule = &Rule {
        id: "hpa-behavior",
        severity: Error,
        upstream: "autoscaling validateBehavior / validateScalingRules / validateScalingPolicy",
        checks: "each direction of a HorizontalPodAutoscaler's behavior: stabilizationWindowSeconds 0-3600, selectPolicy Max, Min or Disabled, policies not an empty list, each of type Pods or Percent with a value above zero and periodSeconds 1-1800; a tolerance not below zero (HPAConfigurableTolerance, on by default since 1.35)",
        equivalents: &[],
    };
    pub const CRONJOB_SCHEDULE: &Rule = &Rule {
        id: "cronjob-schedule",
        severity: Error,
        upstream: "batch ValidateCronJobSpec / validateScheduleFormat / validateTimeZone / validateConcurrencyPolicy",
        checks: "schedule set, five fields or a descriptor, no TZ in it; timeZone not empty, shaped like an IANA name and not Local (whether the name exists is not checked); concurrencyPolicy Allow, Forbid or Replace (empty is defaulted to Allow)",
        equivalents: &[],
    };
    pub const RBAC_RULE: &Rule = &Rule {
        id: "rbac-rule",
        severity: Error,
        upstream: "rbac ValidatePolicyRule",
        checks: "a Role's or ClusterRole's rule has verbs, and either apiGroups and resources or nonResourceURLs (not both; none in a Role)",
        equivalents: &[],
    };
    pub const RBAC_BINDING: &Rule = &Rule {
        id: "rbac-binding",
        severity: Error,
        upstream: "rbac ValidateRoleBinding / ValidateClusterRoleBinding / ValidateRoleBindingSubject",
        checks: "roleRef names a Role or ClusterRole (a ClusterRoleBinding only a ClusterRole) of rbac.authorization.k8s.io; subjects are a ServiceAccount (with a namespace in a ClusterRoleBinding), User or Group with a name and their API group",
        equivalents: &[],
    };
    pub const CONFIG_KEY: &Rule = &Rule {
        id: "config-key",
        severity: Error,
        upstream: "core ValidateConfigMap / ValidateSecret (IsConfigMapKey)",
        checks: "ConfigMap and Secret keys (stringData's too) are at most 253 characters of letters, digits, '-', '_', '.', not '.' or '..' nor starting with '..'; no key in both data and binaryData",
        equivalents: &[],
    };
    pub const CONFIG_SIZE: &Rule = &Rule {
        id: "config-size",
        severity: Error,
        upstream: "core ValidateConfigMap / ValidateSecret (MaxSecretSize)",
        checks: "a ConfigMap's data and binaryData, or a Secret's data, total at most 1 MiB",
        equivalents: &[],
    };
    pub const SECRET_TYPE_KEYS: &Rule = &Rule {
        id: "secret-type-keys",
        severity: Error,
        upstream: "core ValidateSecret",
        checks: "a Secret has what its type requires: the service-account.name annotation, .dockercfg or .dockerconfigjson holding a JSON object, username or password, a non-empty ssh-privatekey, tls.crt and tls.key",
        equivalents: &[],
    };
    pub const PVC_SPEC: &Rule = &Rule {
        id: "pvc-spec",
        severity: Error,
        upstream: "core ValidatePersistentVolumeClaimSpec (validateDataSource, validateDataSourceRef)",
        checks: "a PersistentVolumeClaim has access modes, each supported and ReadWriteOncePod alone; a storage request above zero; storageClassName a DNS subdomain; volumeMode Filesystem or Block; dataSource and dataSourceRef (each copied to the other when alone) name a kind and an object, a core kind only PersistentVolumeClaim, a DNS-subdomain API group, and agree unless dataSourceRef names another namespace",
        equivalents: &[],
    };
    pub const QUOTA_HARD: &Rule = &Rule {
        id: "quota-hard",
        severity: Error,
        upstream: "core ValidateResourceQuotaSpec (ValidateResourceQuotaResourceName, ValidateResourceQuantityValue)",
        checks: "a ResourceQuota's hard limits name standard quota resources or qualified names, are not negative, and are whole numbers for counts and extended resources",
        equivalents: &[],
    };
    pub const QUOTA_SCOPE_SELECTOR: &Rule = &Rule {
        id: "quota-scope-selector",
        severity: Error,
        upstream: "core validateScopeSelector / validateScopedResourceSelectorRequirement",
        checks: "a ResourceQuota's scopeSelector names supported scopes with operators In, NotIn, Exists or DoesNotExist (Exists for the pod-state scopes), values only with In and NotIn, and no conflicting scopes (spec.scopes are checked by admission)",
        equivalents: &[],
    };
    pub const LIMIT_RANGE_TYPE: &Rule = &Rule {
        id: "limit-range-type",
        severity: Error,
        upstream: "core ValidateLimitRange (validateLimitRangeTypeName)",
        checks: "each LimitRange item's type is Pod, Container, PersistentVolumeClaim or a qualified name, used once; a Pod item has no default or defaultRequest; a PersistentVolumeClaim item has a storage min or max (the value comparisons are checked by admission)",
        equivalents: &[],
    };
    pub const LIMIT_RANGE_RESOURCE: &Rule = &Rule {
        id: "limit-range-resource-name",
        severity: Error,
        upstream: "core ValidateLimitRange (validateLimitRangeResourceName / validateContainerResourceName)",
        checks: "a LimitRange item's resource names are qualified names; cpu, memory, ephemeral-storage, huge pages or an extended resource for Pod and Container items; a standard resource or a domain-qualified name otherwise",
        equivalents: &[],
    };
    pub const PRIORITY_CLASS: &Rule = &Rule {
        id: "priority-class",
        severity: Error,
        upstream: "scheduling ValidatePriorityClass / core ValidatePreemptionPolicy",
        checks: "a user-defined PriorityClass's value is at most 1000000000 (HighestUserDefinablePriority); preemptionPolicy PreemptLowerPriority or Never (system- names are checked by the loader)",
        equivalents: &[],
    };
    pub const RUNTIME_CLASS: &Rule = &Rule {
        id: "runtime-class",
        severity: Error,
        upstream: "node ValidateRuntimeClass / validateOverhead",
        checks: "a RuntimeClass's handler is a DNS-1123 label; its overhead.podFixed names container resources and its quantities are not negative",
        equivalents: &[],
    };
    pub const TOLERATION: &Rule = &Rule {
        id: "toleration",
        severity: Error,
        upstream: "core ValidateTolerations / validateTaintEffect",
        checks: "a pod's tolerations: keys are label names, an empty key only with operator Exists, operator Equal or Exists, a value only with Equal (and a valid label value), tolerationSeconds only with effect NoExecute, effect NoSchedule, PreferNoSchedule or NoExecute",
        equivalents: &[],
    };
    pub const NODE_SELECTOR: &Rule = &Rule {
        id: "node-selector",
        severity: Error,
        upstream: "core ValidatePodSpec: apimachinery ValidateLabels(spec.nodeSelector)",
        checks: "a pod's nodeSelector: keys are qualified names (optional DNS subdomain prefix) and values empty or 63 characters of letters, digits, '-', '_', '.' starting and ending alphanumeric, as node labels must be",
        equivalents: &[],
    };
    pub const NODE_AFFINITY: &Rule = &Rule {
        id: "node-affinity",
        severity: Error,
        upstream: "core ValidateNodeSelector / ValidateNodeSelectorRequirement / ValidatePreferredSchedulingTerms",
        checks: "a pod's node affinity: required terms present; each requirement's operator In, NotIn, Exists, DoesNotExist, Gt or Lt with the values it takes (some for In and NotIn, none for Exists and DoesNotExist, exactly one for Gt and Lt), a qualified-name key and, in required terms, label values; matchFields only metadata.name, In or NotIn with one node name; preferred weights 1-100",
        equivalents: &[],
    };
    pub const POD_AFFINITY: &Rule = &Rule {
        id: "pod-affinity",
        severity: Error,
        upstream: "core validatePodAffinityTerm / validateWeightedPodAffinityTerms",
        checks: "a pod's pod affinity and anti-affinity terms: valid label and namespace selectors, namespaces that are DNS-1123 labels, matchLabelKeys and mismatchLabelKeys only with a labelSelector, label names, not in both lists, and no matchLabelKeys key the selector names twice (a Pod's own label values are merged in first), a topologyKey that is set and a label name, preferred weights 1-100",
        equivalents: &[],
    };
    pub const TOPOLOGY_SPREAD: &Rule = &Rule {
        id: "topology-spread",
        severity: Error,
        upstream: "core validateTopologySpreadConstraints",
        checks: "a pod's topology spread constraints: maxSkew and minDomains above zero, a topologyKey, whenUnsatisfiable DoNotSchedule or ScheduleAnyway (minDomains only with DoNotSchedule), each topologyKey and whenUnsatisfiable pair once, node inclusion policies Honor or Ignore, matchLabelKeys only with a labelSelector, label names not already in it, and a valid labelSelector",
        equivalents: &[("kube-score", &["pod-topology-spread-constraints"])],
    };
    pub const CONTAINER_POLICY: &Rule = &Rule {
        id: "container-policy",
        severity: Error,
        upstream: "core validateContainerCommon (terminationMessagePolicy, validatePullPolicy, validateResizePolicy), validateContainers, validateInitContainerRestartPolicy, validateContainerRestartPolicy",
        checks: "a container's terminationMessagePolicy is File or FallbackToLogsOnError and imagePullPolicy Always, IfNotPresent or Never; resizePolicy names cpu or memory once each with NotRequired or RestartContainer (NotRequired only in a pod with restartPolicy Never); a container's own restartPolicy is Always, OnFailure or Never and is set when it has restartPolicyRules: at most 20, each with the action Restart or RestartAllContainers and exitCodes (operator In or NotIn, at most 255 values)",
        equivalents: &[],
    };
    pub const CONTAINER_RESOURCE: &Rule = &Rule {
        id: "container-resource",
        severity: Error,
        upstream: "core ValidateContainerResourceRequirements (validateContainerResourceName, ValidateResourceQuantityValue, validateResourceQuantityHugePageValue, validateResourceClaimNames), validatePodResourceClaims; the values against each other are checked by admission",
        checks: "a container's requests and limits name cpu, memory, ephemeral-storage, huge pages or an extended resource (a domain-qualified name outside kubernetes.io); extended resources in whole numbers; huge pages in whole pages and only with cpu or memory; pod resource claims named once with one source, and containers' claims naming them",
        equivalents: &[],
    };
    pub const POD_SPEC_FIELD: &Rule = &Rule {
        id: "pod-spec-field",
        severity: Error,
        upstream: "core ValidatePodSpec (validatePodHostNetworkDeps, validateSchedulingGates, activeDeadlineSeconds, ValidatePreemptionPolicy), ValidatePodCreate, ValidatePodTemplateSpec",
        checks: "with hostNetwork a container's hostPort, when set, equals its containerPort; scheduling gates are qualified names, each once; activeDeadlineSeconds 1-2147483647; preemptionPolicy PreemptLowerPriority or Never; no ephemeral containers in a new Pod or a template; no nodeName beside scheduling gates",
        equivalents: &[],
    };
    pub const ENV_SOURCE: &Rule = &Rule {
        id: "env-source",
        severity: Error,
        upstream: "core validateEnvVarValueFrom (validateObjectFieldSelector, validateContainerResourceFieldSelector, validateConfigMapKeySelector, validateSecretKeySelector) and ValidateEnvFrom",
        checks: "an env var's valueFrom has exactly one source and no value beside it: a fieldRef to a field the downward API gives a container, a resourceFieldRef to a container resource with a supported divisor, or a ConfigMap or Secret key (a DNS-subdomain name and a config key); envFrom has exactly one of configMapRef and secretRef, naming its object, and a valid prefix",
        equivalents: &[],
    };
    pub const VOLUME_SOURCE: &Rule = &Rule {
        id: "volume-source",
        severity: Error,
        upstream: "core validateVolumeSource (validateHostPathVolumeSource, validateSecretVolumeSource, validateConfigMapVolumeSource, validateKeyToPath, validateDownwardAPIVolumeSource, validateProjectedVolumeSource, validateNFSVolumeSource, validateCSIVolumeSource, validateEphemeralVolumeSource, validateImageVolumeSource, and the in-tree source validators from validateGitRepoVolumeSource to validateScaleIOVolumeSource)",
        checks: "each volume has exactly one source; hostPath paths set, without '..', of a known type; secret, configMap and projected sources name their objects, with item keys, relative paths without '..' used once per projected volume, and file modes 0-0777; downward API files name one field a volume may read; a PVC source names its claim; NFS has a server and an absolute path; a CSI driver name is a DNS subdomain of at most 63 characters; an ephemeral volume has a claim template whose spec is a valid claim; service account tokens live 10 minutes to 2^32 seconds; the in-tree cloud and network sources (gitRepo, cloud disks, iSCSI, RBD, CephFS, Fibre Channel, FlexVolume, Quobyte, StorageOS, ScaleIO, …) set their required fields (unless defaulted), with disk partitions and LUNs 0-255, iSCSI names in iqn/eui/naa format, FlexVolume options outside kubernetes.io and k8s.io, Quobyte registries of host:port pairs and Azure disk caching modes, kinds and URIs upstream knows",
        equivalents: &[],
    };
    pub const SECURITY_CONTEXT: &Rule = &Rule {
        id: "security-context",
        severity: Error,
        upstream: "core validatePodSpecSecurityContext / ValidateSecurityContext (validateSysctls, ValidateHostSysctl, validateSeccompProfileField, ValidateAppArmorProfileField, validateWindowsSecurityContextOptions), validateHostUsers, validateOS / validateLinux / validateWindows",
        checks: "pod and container security contexts: user and group ids 0-2147483647; shareProcessNamespace not with hostPID; sysctl names valid, unique, and no net.* sysctl with hostNetwork or IPC sysctl with hostIPC; fsGroupChangePolicy, supplementalGroupsPolicy, seLinuxChangePolicy and procMount from their sets (Unmasked only with hostUsers: false); a seccomp or AppArmor profile has a type and a localhostProfile exactly when the type is Localhost (a relative path without '..' for seccomp); allowPrivilegeEscalation: false not with privileged or an added CAP_SYS_ADMIN; Windows GMSA and runAsUserName formats; hostUsers: false not with hostNetwork, hostPID or hostIPC; spec.os linux or windows, without the other system's settings",
        equivalents: &[],
    };
    pub const POD_DNS: &Rule = &Rule {
        id: "pod-dns",
        severity: Error,
        upstream: "core validateDNSPolicy / validatePodDNSConfig / ValidateHostAliases, and ValidatePodSpec's hostname and subdomain",
        checks: "a pod's dnsPolicy is ClusterFirstWithHostNet, ClusterFirst, Default or None; with None a dnsConfig with at least one nameserver; at most 3 nameservers, each an IP address; at most 32 search domains of 2048 characters in all, each a DNS subdomain (underscores allowed); option names set; host aliases with an IP address and DNS-subdomain hostnames; hostname and subdomain DNS labels",
        equivalents: &[],
    };
    pub const POD_REFERENCE: &Rule = &Rule {
        id: "pod-reference",
        severity: Error,
        upstream: "core ValidatePodSpec (serviceAccountName, nodeName, priorityClassName, runtimeClassName) and validateReadinessGates",
        checks: "the names a pod spec refers to: serviceAccountName, nodeName, priorityClassName and runtimeClassName are DNS subdomains, readiness gate condition types qualified names",
        equivalents: &[],
    };
    pub const NAMESPACE_FINALIZER: &Rule = &Rule {
        id: "namespace-finalizer",
        severity: Error,
        upstream: "core ValidateNamespace (validateFinalizerName, validateKubeFinalizerName)",
        checks: "a Namespace's spec.finalizers are qualified names, and a name without a '/' prefix is a standard finalizer (kubernetes, orphan, foregroundDeletion)",
        equivalents: &[],
    };
    pub const NODE_TAINT: &Rule = &Rule {
        id: "node-taint",
        severity: Error,
        upstream: "core ValidateNode (validateNodeTaints / validateTaintEffect)",
        checks: "a Node's taints: keys are label names, values label values, an effect of NoSchedule, PreferNoSchedule or NoExecute, each key and effect pair once",
        equivalents: &[],
    };
    pub const INGRESS_SPEC: &Rule = &Rule {
        id: "ingress-spec",
        severity: Error,
        upstream: "networking ValidateIngressCreate / ValidateIngressSpec / validateIngressBackend",
        checks: "an Ingress has rules or a defaultBackend; hosts are DNS names (or *. wildcards), not IP addresses; every http rule has paths, each with a pathType (Exact, Prefix, ImplementationSpecific) and an absolute path without traversal sequences; each backend is a resource or a Service (a DNS-1035 name and one valid port name or number), not both; TLS secret and ingressClassName are DNS subdomains and agree with the kubernetes.io/ingress.class annotation",
        equivalents: &[],
    };
    pub const INGRESS_CLASS_ANNOTATION: &Rule = &Rule {
        id: "ingress-class-annotation",
        severity: Warning,
        upstream: "pkg/registry/networking/ingress/strategy.go WarningsOnCreate",
        checks: "the deprecated kubernetes.io/ingress.class annotation without spec.ingressClassName",
        equivalents: &[],
    };
    pub const API_VERSION_REMOVED: &Rule = &Rule {
        id: "api-version-removed",
        severity: Error,
        upstream: "the served API versions (kubernetes.io/docs/reference/using-api/deprecation-guide)",
        checks: "the apiVersion is one the API server still serves (extensions/v1beta1, apps/v1beta1 and v1beta2, batch/v1beta1, autoscaling/v2beta1 and v2beta2, policy/v1beta1 PodDisruptionBudget, rbac v1beta1 are removed); checked by the loader, which ignores the object",
        equivalents: &[("kube-score", &["stable-version"])],
    };
    pub const INVALID_LABEL: &Rule = &Rule {
        id: "invalid-label",
        severity: Error,
        upstream: "apimachinery ValidateLabels (IsQualifiedName, IsValidLabelValue) for the object's and its pod template's labels",
        checks: "label keys are qualified names (optional DNS subdomain prefix) and values empty or 63 characters of letters, digits, '-', '_', '.' starting and ending alphanumeric (checked by the loader)",
        equivalents: &[("kube-score", &["label-values"])],
    };
    pub const POD_WARNING: &Rule = &Rule {
        id: "pod-warning",
        severity: Warning,
        upstream: "pkg/api/pod/warnings.go (warningsForPodSpecAndMeta), pkg/api/node/util.go (deprecated node labels)",
        checks: "what the API server accepts but warns about in a pod or template: deprecated node labels in selectors, affinity and topology keys; deprecated annotations (critical-pod, sysctls, seccomp and AppArmor without their fields); deprecated and removed volume plugins; null label selectors in pod affinity terms (in spread constraints: the best practice topology-spread-without-selector); invalid values in preferred node affinity; duplicate host alias IPs and image pull secrets, empty pull secret names; fractional memory and ephemeral-storage bytes; hostIP without hostPort; a negative grace period; projected paths clashing with a service account token",
        equivalents: &[],
    };
    pub const CREATE_WARNING: &Rule = &Rule {
        id: "create-warning",
        severity: Warning,
        upstream: "the registry strategies' WarningsOnCreate (pkg/registry/*/*/strategy.go), pkg/api/job/warnings.go, pkg/api/service/warnings.go, pkg/api/persistentvolumeclaim/util.go, apimachinery GetWarningsForIP / GetWarningsForCIDR",
        checks: "what the API server accepts but warns about beyond the pod spec: a Deployment, ReplicaSet, ReplicationController, Job or CronJob name that is no DNS label (its pods' names and hostnames); an Indexed Job with more than 10^5 completions and a parallelism above 10^4; a PersistentVolumeClaim's beta storage-class annotation and fractional storage bytes (also in StatefulSet claim templates and ephemeral volumes); a StatefulSet's negative revisionHistoryLimit; Service addresses and CIDRs in a non-standard or non-canonical form, fields a headless or non-ExternalName Service ignores, the deprecated topology-aware-hints annotation; NetworkPolicy ipBlock CIDRs with host bits or in a non-standard form; a ServiceAccount's enforce-mountable-secrets annotation; a Node's externalID",
        equivalents: &[],
    };
    pub const ENV_DUPLICATE: &Rule = &Rule {
        id: "env-duplicate",
        severity: Warning,
        upstream: "pkg/api/pod/warnings.go",
        checks: "an env name repeated in a container hides the earlier value (unless it refers to it), and apply may drop one",
        equivalents: &[
            ("kube-score", &["environment-variable-key-duplication"]),
            ("kube-linter", &["duplicate-env-var"]),
        ],
    };
    pub const CONTAINER_PORT_DUPLICATE: &Rule = &Rule {
        id: "container-port-duplicate",
        severity: Warning,
        upstream: "pkg/api/pod/warnings.go",
        checks: "the same containerPort and protocol defined twice in a pod (duplicate, overlapping or ambiguous hostPort/hostIP)",
        equivalents: &[("kube-score", &["container-ports-check"])],
    };
}

/// Every rule, in the order the reference lists them.
pub const RULES: &[&Rule] = &[
    rule::SELECTOR_MISMATCH,
    rule::SELECTOR_EMPTY,
    rule::LABEL_SELECTOR,
    rule::NEGATIVE,
    rule::RESTART_POLICY,
    rule::DEPLOYMENT_STRATEGY,
    rule::STATEFULSET_SPEC,
    rule::JOB_SPEC,
    rule::CONTAINER_NAME,
    rule::CONTAINER_IMAGE,
    rule::CONTAINER_PORT,
    rule::INIT_CONTAINER_PROBE,
    rule::ENV_NAME,
    rule::VOLUME_NAME,
    rule::VOLUME_MOUNT,
    rule::PROBE,
    rule::SERVICE_PORT,
    rule::SERVICE_PORT_NAME,
    rule::SERVICE_PORT_DUPLICATE,
    rule::SERVICE_NODE_PORT,
    rule::SERVICE_TYPE,
    rule::SERVICE_CLUSTER_IP,
    rule::SERVICE_EXTERNAL,
    rule::SERVICE_ROUTING,
    rule::PDB_BUDGET,
    rule::HPA_REPLICAS,
    rule::HPA_SCALE_TARGET,
    rule::HPA_METRIC,
    rule::HPA_BEHAVIOR,
    rule::CRONJOB_SCHEDULE,
    rule::RBAC_RULE,
    rule::RBAC_BINDING,
    rule::CONFIG_KEY,
    rule::CONFIG_SIZE,
    rule::SECRET_TYPE_KEYS,
    rule::PVC_SPEC,
    rule::QUOTA_HARD,
    rule::QUOTA_SCOPE_SELECTOR,
    rule::LIMIT_RANGE_TYPE,
    rule::LIMIT_RANGE_RESOURCE,
    rule::PRIORITY_CLASS,
    rule::RUNTIME_CLASS,
    rule::TOLERATION,
    rule::NODE_SELECTOR,
    rule::NODE_AFFINITY,
    rule::POD_AFFINITY,
    rule::TOPOLOGY_SPREAD,
    rule::CONTAINER_POLICY,
    rule::CONTAINER_RESOURCE,
    rule::ENV_SOURCE,
    rule::VOLUME_SOURCE,
    rule::POD_SPEC_FIELD,
    rule::SECURITY_CONTEXT,
    rule::POD_DNS,
    rule::POD_REFERENCE,
    rule::NODE_TAINT,
    rule::NAMESPACE_FINALIZER,
    rule::INGRESS_SPEC,
    rule::API_VERSION_REMOVED,
    rule::INVALID_LABEL,
    rule::POD_WARNING,
    rule::CREATE_WARNING,
    rule::ENV_DUPLICATE,
    rule::CONTAINER_PORT_DUPLICATE,
    rule::INGRESS_CLASS_ANNOTATION,
];

/// One finding before it is located: the rule, the path of the field it is
/// about (where the diagnostic points), and upstream's text for it
/// (`<path>: <type>: …` for an error, the warning's own text for a warning).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub rule: &'static Rule,
    pub path: String,
    pub message: String,
}

impl Found {
    pub fn new(rule: &'static Rule, path: String, message: String) -> Self {
        Found { rule, path, message }
    }
}

/// Fields Go holds as pointers, so that an unset one (nil) and an empty one
/// are told apart, where the typed objects cannot: k8s-openapi fills a
/// required field the input leaves out with its default. The loader says
/// which of these the input leaves unset (missing or null).
pub fn pointer_fields(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Deployment | Kind::ReplicaSet | Kind::StatefulSet | Kind::DaemonSet => &["spec.selector"],
        _ => &[],
    }
}

/// The validation findings for one object, in upstream's order; `unset` lists
/// the object's [`pointer_fields`] that the input leaves unset.
pub fn check(object: &Object, unset: &[&str]) -> Vec<Found> {
    let selector_set = !unset.contains(&"spec.selector");
    let mut out = Vec::new();
    match object {
        Object::Pod(pod) => {
            if let Some(spec) = &pod.spec {
                core::pod_spec(spec, "spec", Some(&pod.metadata), &mut out);
                core::pod_create(spec, &mut out);
                warnings::pod(spec, "spec", Some(&pod.metadata), "metadata", false, &mut out);
            }
        }
        Object::ReplicationController(rc) => {
            create_warnings::pod_creating_name(rc.metadata.name.as_deref(), &mut out);
            core::replication_controller(rc, &mut out)
        }
        Object::Service(service) => {
            service::service(service, &mut out);
            create_warnings::service(service, &mut out);
        }
        Object::ServiceAccount(account) => create_warnings::service_account(account, &mut out),
        Object::ConfigMap(config_map) => config::config_map(config_map, &mut out),
        Object::Secret(secret) => config::secret(secret, &mut out),
        Object::PersistentVolumeClaim(pvc) => {
            resources::persistent_volume_claim(pvc, &mut out);
            create_warnings::persistent_volume_claim(pvc, &mut out);
        }
        Object::ResourceQuota(quota) => resources::resource_quota(quota, &mut out),
        Object::LimitRange(limit_range) => resources::limit_range(limit_range, &mut out),
        Object::PriorityClass(class) => scheduling::priority_class(class, &mut out),
        Object::RuntimeClass(class) => node::runtime_class(class, &mut out),
        Object::Deployment(deployment) => {
            create_warnings::pod_creating_name(deployment.metadata.name.as_deref(), &mut out);
            apps::deployment(deployment, selector_set, &mut out)
        }
        Object::ReplicaSet(replica_set) => {
            create_warnings::pod_creating_name(replica_set.metadata.name.as_deref(), &mut out);
            apps::replica_set(replica_set, selector_set, &mut out)
        }
        Object::DaemonSet(daemon_set) => apps::daemon_set(daemon_set, selector_set, &mut out),
        Object::StatefulSet(stateful_set) => {
            apps::stateful_set(stateful_set, selector_set, &mut out);
            create_warnings::stateful_set(stateful_set, &mut out);
        }
        Object::Job(job) => {
            create_warnings::pod_creating_name(job.metadata.name.as_deref(), &mut out);
            if let Some(spec) = &job.spec {
                create_warnings::job_spec(spec, "spec", &mut out);
            }
            batch::job(job, &mut out)
        }
        Object::CronJob(cron_job) => {
            create_warnings::pod_creating_name(cron_job.metadata.name.as_deref(), &mut out);
            if let Some(spec) = &cron_job.spec.job_template.spec {
                create_warnings::job_spec(spec, "spec.jobTemplate.spec", &mut out);
            }
            batch::cron_job(cron_job, &mut out)
        }
        Object::Ingress(ingress) => networking::ingress(ingress, &mut out),
        Object::NetworkPolicy(policy) => {
            networking::network_policy_selectors(policy, &mut out);
            create_warnings::network_policy(policy, &mut out);
        }
        Object::Node(node) => {
            taints::node(node, &mut out);
            create_warnings::node(node, &mut out);
        }
        Object::Namespace(namespace) => core::namespace(namespace, &mut out),
        Object::PodDisruptionBudget(pdb) => policy::pod_disruption_budget(pdb, &mut out),
        Object::HorizontalPodAutoscaler(hpa) => autoscaling::horizontal_pod_autoscaler(hpa, &mut out),
        Object::Role(role) => rbac::rules(role.rules.as_ref(), true, &mut out),
        Object::ClusterRole(role) => rbac::rules(role.rules.as_ref(), false, &mut out),
        Object::RoleBinding(binding) => rbac::binding(&binding.role_ref, binding.subjects.as_ref(), true, &mut out),
        Object::ClusterRoleBinding(binding) => {
            rbac::binding(&binding.role_ref, binding.subjects.as_ref(), false, &mut out)
        }
        _ => {}
    }
    // The API server answers with the validation errors and, only for an
    // accepted object, the warnings after them; kubeplay shows both, errors
    // first, each group in upstream's order.
    let (mut errors, warnings): (Vec<Found>, Vec<Found>) =
        out.into_iter().partition(|found| found.rule.severity == Severity::Error);
    errors.extend(warnings);
    errors
}

/// The object's validation findings as located diagnostics (area input). An
/// error reads as kubectl prints the refusal, `Kind "name" is invalid: <field
/// error>`, one diagnostic per field error so each points at its field; a
/// warning reads as kubectl's `Warning:` line. The field errors are also
/// appended to `errors`, for admission's refusal of the object.
pub fn validate(object: &Object, unset: &[&str], origin: &Origin, out: &mut Vec<Diagnostic>, errors: &mut Vec<String>) {
    emit(object, origin, check(object, unset), out, errors);
}

/// [`validate`] for an autoscaling/v1 HorizontalPodAutoscaler, checked on its
/// converted form as the API server does: the messages keep the converted
/// paths, each finding is located on the field the user wrote.
pub fn validate_hpa_v1(object: &Object, origin: &Origin, out: &mut Vec<Diagnostic>, errors: &mut Vec<String>) {
    let mut found = check(object, &[]);
    for f in &mut found {
        f.path = autoscaling::v1_location(&f.path);
    }
    emit(object, origin, found, out, errors);
}

fn emit(object: &Object, origin: &Origin, found: Vec<Found>, out: &mut Vec<Diagnostic>, errors: &mut Vec<String>) {
    let name = object.metadata().name.as_deref().unwrap_or_default();
    for found in found {
        let message = match found.rule.severity {
            Severity::Error => {
                errors.push(found.message.clone());
                format!("{} {} is invalid: {}", object.kind(), go_quote(name), found.message)
            }
            _ => format!("Warning: {}", found.message),
        };
        out.push(Diagnostic::at(Area::Input, origin, &found.path, found.rule.severity, found.rule.id, message));
    }
}
