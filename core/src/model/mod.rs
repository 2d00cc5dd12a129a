//! The typed model of what was loaded: every supported object, typed through
//! k8s-openapi (or our own serde types where it has none), with its [`Origin`].

mod extra;

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{
    ConfigMap, LimitRange, Namespace, Node, PersistentVolumeClaim, Pod, PodTemplateSpec, ReplicationController,
    ResourceQuota, Secret, Service, ServiceAccount,
};
use k8s_openapi::api::networking::v1::{Ingress, NetworkPolicy};
use k8s_openapi::api::node::v1::RuntimeClass;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
use k8s_openapi::api::scheduling::v1::PriorityClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

pub use extra::*;
use serde::{Deserialize, Serialize};

use crate::source::Origin;

/// The label every namespace carries with its own name (since Kubernetes 1.21).
pub const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// Namespaced objects without `metadata.namespace` land here, as with kubectl.
pub const DEFAULT_NAMESPACE: &str = "default";

macro_rules! kinds {
    ($( $variant:ident($ty:ty) = $api_version:literal, $plural:literal, $namespaced:literal; )*) => {
        /// One typed Kubernetes object.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Object {
            $( $variant(Box<$ty>), )*
        }

        /// Every supported kind. Serialised as its name (`"Pod"`).
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        #[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Kind {
            $( $variant, )*
        }

        impl Kind {
            /// Every supported kind, in the order the model declares them.
            pub const ALL: &'static [Kind] = &[ $( Kind::$variant, )* ];

            /// The kind's name as manifests spell it: `Pod`, `NetworkPolicy`.
            pub fn as_str(self) -> &'static str {
                match self { $( Kind::$variant => stringify!($variant), )* }
            }

            /// The one apiVersion kubeplay reads the kind as (the served version).
            pub fn api_version(self) -> &'static str {
                match self { $( Kind::$variant => $api_version, )* }
            }

            /// The resource name in URLs and RBAC rules: `pods`, `networkpolicies`.
            pub fn plural(self) -> &'static str {
                match self { $( Kind::$variant => $plural, )* }
            }

            /// Whether objects of the kind live in a namespace.
            pub fn is_namespaced(self) -> bool {
                match self { $( Kind::$variant => $namespaced, )* }
            }

            /// The kind named exactly so (kinds are case-sensitive), if supported.
            pub fn from_name(name: &str) -> Option<Kind> {
                match name { $( stringify!($variant) => Some(Kind::$variant), )* _ => None }
            }
        }

        impl Object {
            pub fn kind(&self) -> Kind {
                match self { $( Object::$variant(_) => Kind::$variant, )* }
            }

            pub fn api_version(&self) -> &'static str {
                self.kind().api_version()
            }

            pub fn is_namespaced(&self) -> bool {
                self.kind().is_namespaced()
            }

            pub fn metadata(&self) -> &ObjectMeta {
                match self { $( Object::$variant(o) => &o.metadata, )* }
            }

            pub fn metadata_mut(&mut self) -> &mut ObjectMeta {
                match self { $( Object::$variant(o) => &mut o.metadata, )* }
            }

            /// Deserializes a value of the given kind into its typed form (the
            /// loader's deserializer names the field of a type error).
            pub(crate) fn deserialize<'de, D>(kind: Kind, value: D)
                -> Result<(Object, serde_json::Value), D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                match kind {
                    $( Kind::$variant =>
                        <$ty>::deserialize(value).map(|typed| {
                            // The typed object serialised again: whatever the input has that
                            // this lacks is a field the schema does not know.
                            let round_trip = serde_json::to_value(&typed).unwrap_or_default();
                            (Object::$variant(Box::new(typed)), round_trip)
                        }),
                    )*
                }
            }
        }
    };
}

/// The group of an `apiVersion` (`apps` of `apps/v1`); empty for the core group (`v1`).
pub fn api_group(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(group, _)| group)
}

impl Kind {
    /// The API group: `apps`, `networking.k8s.io`; empty for the core group.
    pub fn group(self) -> &'static str {
        api_group(self.api_version())
    }

    /// `<plural>[.<group>]`, as quota (`count/<resource>`) and API errors
    /// (`pods "web" is forbidden`) name the resource.
    pub fn resource(self) -> String {
        match self.group() {
            "" => self.plural().to_owned(),
            group => format!("{}.{group}", self.plural()),
        }
    }
}

impl Kind {
    /// Whether kubeplay reads objects written with this apiVersion as the kind:
    /// the served version, or an older one with the same schema (Istio serves
    /// DestinationRule as v1, v1beta1 and v1alpha3 alike).
    /// Whether the API server itself serves the kind (not a CRD, nor one of
    /// kubeplay's own kinds): a version it does not list is then refused.
    pub fn is_built_in(self) -> bool {
        !matches!(
            self,
            Kind::VerticalPodAutoscaler
                | Kind::DestinationRule
                | Kind::VPASimulation
                | Kind::GlobalLoadBalancer
                | Kind::HPASimulation
                | Kind::ChaosScenario
        )
    }

    pub fn accepts_api_version(self, api_version: &str) -> bool {
        api_version == self.api_version()
            || matches!(
                (self, api_version),
                (Kind::DestinationRule, "networking.istio.io/v1beta1" | "networking.istio.io/v1alpha3")
            )
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

kinds! {
    Namespace(Namespace) = "v1", "namespaces", false;
    Pod(Pod) = "v1", "pods", true;
    Service(Service) = "v1", "services", true;
    ReplicationController(ReplicationController) = "v1", "replicationcontrollers", true;
    ResourceQuota(ResourceQuota) = "v1", "resourcequotas", true;
    LimitRange(LimitRange) = "v1", "limitranges", true;
    PersistentVolumeClaim(PersistentVolumeClaim) = "v1", "persistentvolumeclaims", true;
    ServiceAccount(ServiceAccount) = "v1", "serviceaccounts", true;
    ConfigMap(ConfigMap) = "v1", "configmaps", true;
    Secret(Secret) = "v1", "secrets", true;
    Deployment(Deployment) = "apps/v1", "deployments", true;
    StatefulSet(StatefulSet) = "apps/v1", "statefulsets", true;
    DaemonSet(DaemonSet) = "apps/v1", "daemonsets", true;
    ReplicaSet(ReplicaSet) = "apps/v1", "replicasets", true;
    Job(Job) = "batch/v1", "jobs", true;
    CronJob(CronJob) = "batch/v1", "cronjobs", true;
    NetworkPolicy(NetworkPolicy) = "networking.k8s.io/v1", "networkpolicies", true;
    Ingress(Ingress) = "networking.k8s.io/v1", "ingresses", true;
    HorizontalPodAutoscaler(HorizontalPodAutoscaler) = "autoscaling/v2", "horizontalpodautoscalers", true;
    PodDisruptionBudget(PodDisruptionBudget) = "policy/v1", "poddisruptionbudgets", true;
    PriorityClass(PriorityClass) = "scheduling.k8s.io/v1", "priorityclasses", false;
    RuntimeClass(RuntimeClass) = "node.k8s.io/v1", "runtimeclasses", false;
    PodSecurityPolicy(PodSecurityPolicy) = "policy/v1beta1", "podsecuritypolicies", false;
    Role(Role) = "rbac.authorization.k8s.io/v1", "roles", true;
    ClusterRole(ClusterRole) = "rbac.authorization.k8s.io/v1", "clusterroles", false;
    RoleBinding(RoleBinding) = "rbac.authorization.k8s.io/v1", "rolebindings", true;
    ClusterRoleBinding(ClusterRoleBinding) = "rbac.authorization.k8s.io/v1", "clusterrolebindings", false;
    VerticalPodAutoscaler(VerticalPodAutoscaler) = "autoscaling.k8s.io/v1", "verticalpodautoscalers", true;
    VPASimulation(crate::scaling::vpa::VpaSimulation) = "kubeplay.dev/v1alpha1", "vpasimulations", false;
    GlobalLoadBalancer(crate::resilience::traffic::GlobalLoadBalancer) = "kubeplay.dev/v1alpha1", "globalloadbalancers", false;
    DestinationRule(crate::resilience::traffic::DestinationRule) = "networking.istio.io/v1", "destinationrules", true;
    HPASimulation(crate::scaling::hpa::scenario::HPASimulation) = "kubeplay.dev/v1alpha1", "hpasimulations", true;
    Node(Node) = "v1", "nodes", false;
    ChaosScenario(crate::resilience::scenario::ChaosScenario) = "kubeplay.dev/v1alpha1", "chaosscenarios", true;
}

/// One object by kind, namespace and name. Its text form is the id the CLI
/// prints and reads: `ns/name` for Pods, `ns/name[Kind]` for other namespaced
/// kinds, `name[Kind]` for cluster-scoped ones.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ObjectRef {
    pub kind: Kind,
    /// `None` for cluster-scoped kinds.
    pub namespace: Option<String>,
    pub name: String,
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.namespace, self.kind) {
            (Some(ns), Kind::Pod) => write!(f, "{ns}/{}", self.name),
            (Some(ns), kind) => write!(f, "{ns}/{}[{kind}]", self.name),
            (None, kind) => write!(f, "{}[{kind}]", self.name),
        }
    }
}

/// Text that is not an object id (see [`ObjectRef`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectRefError {
    pub text: String,
}

impl fmt::Display for ObjectRefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not an object id (ids look like `ns/name` for Pods, `ns/name[Kind]` for other namespaced kinds, `name[Kind]` for cluster-scoped ones)",
            self.text
        )
    }
}

impl std::error::Error for ObjectRefError {}

impl FromStr for ObjectRef {
    type Err = ObjectRefError;

    /// The inverse of `Display`: every id it accepts prints back as given. A
    /// namespace that does not fit the kind's scope parses, and names nothing.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = || ObjectRefError { text: text.to_owned() };
        let (path, kind) = match text.strip_suffix(']').and_then(|rest| rest.rsplit_once('[')) {
            // A Pod's id has no suffix, so `[Pod]` would not print back.
            Some((path, kind)) => (path, Kind::from_name(kind).filter(|k| *k != Kind::Pod).ok_or_else(error)?),
            None => (text, Kind::Pod),
        };
        match path.split_once('/') {
            Some((namespace, name)) => {
                Ok(ObjectRef { kind, namespace: Some(namespace.to_owned()), name: name.to_owned() })
            }
            // `name` alone would print back as `name[Pod]`.
            None if kind == Kind::Pod => Err(error()),
            None => Ok(ObjectRef { kind, namespace: None, name: path.to_owned() }),
        }
    }
}

/// A loaded object and where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    pub object: Object,
    pub origin: Origin,
    /// The API server's validation errors for the object (field errors such
    /// as `spec.replicas: Invalid value: -1: must be greater than or equal to
    /// 0`, in its order). Empty when it would accept the object; otherwise
    /// the loader has reported each one and admission refuses the object.
    pub invalid: Vec<String>,
}

impl Loaded {
    pub fn kind(&self) -> Kind {
        self.object.kind()
    }

    pub fn name(&self) -> &str {
        self.object.metadata().name.as_deref().unwrap_or("")
    }

    /// The namespace (after defaulting); `None` for cluster-scoped kinds.
    pub fn namespace(&self) -> Option<&str> {
        if self.object.is_namespaced() {
            Some(self.object.metadata().namespace.as_deref().unwrap_or(DEFAULT_NAMESPACE))
        } else {
            None
        }
    }

    pub fn labels(&self) -> &BTreeMap<String, String> {
        static EMPTY: BTreeMap<String, String> = BTreeMap::new();
        self.object.metadata().labels.as_ref().unwrap_or(&EMPTY)
    }

    /// Which object this is: kind, namespace (after defaulting) and name.
    pub fn reference(&self) -> ObjectRef {
        ObjectRef { kind: self.kind(), namespace: self.namespace().map(str::to_owned), name: self.name().to_owned() }
    }

    /// The id the CLI prints ([`ObjectRef`]'s text form).
    pub fn id(&self) -> String {
        self.reference().to_string()
    }

    /// The pod template and replica count of a workload kind (Pod included, as a
    /// workload of one with its own spec).
    pub fn workload(&self) -> Option<Workload<'_>> {
        Workload::of(self)
    }
}

/// A pod-producing object: its pod template, how many pods it asks for, and the
/// path of the template inside the object (for locating findings).
#[derive(Clone, Debug)]
pub struct Workload<'a> {
    pub kind: Kind,
    pub name: &'a str,
    pub namespace: &'a str,
    /// Pod metadata and spec. For a bare Pod this is built from the Pod itself.
    pub template: std::borrow::Cow<'a, PodTemplateSpec>,
    /// Desired pods: `spec.replicas` (default 1), `parallelism` for Jobs (default 1),
    /// `None` for DaemonSets (one per node) and CronJobs (one Job per schedule).
    pub replicas: Option<i32>,
    /// Path of the pod template relative to the object, e.g. `spec.template`
    /// (`spec.jobTemplate.spec.template` for CronJobs, `` for Pods).
    pub template_path: &'static str,
    pub loaded: &'a Loaded,
}

impl<'a> Workload<'a> {
    fn of(loaded: &'a Loaded) -> Option<Self> {
        use std::borrow::Cow;
        let namespace = loaded.namespace().unwrap_or(DEFAULT_NAMESPACE);
        let name = loaded.name();
        let make = |template: Cow<'a, PodTemplateSpec>, replicas, template_path| Workload {
            kind: loaded.kind(),
            name,
            namespace,
            template,
            replicas,
            template_path,
            loaded,
        };
        Some(match &loaded.object {
            Object::Pod(pod) => make(
                Cow::Owned(PodTemplateSpec { metadata: Some(pod.metadata.clone()), spec: pod.spec.clone() }),
                Some(1),
                "",
            ),
            Object::Deployment(o) => {
                let spec = &o.spec;
                make(Cow::Borrowed(&spec.template), Some(spec.replicas.unwrap_or(1)), "spec.template")
            }
            Object::StatefulSet(o) => {
                let spec = &o.spec;
                make(Cow::Borrowed(&spec.template), Some(spec.replicas.unwrap_or(1)), "spec.template")
            }
            Object::ReplicaSet(o) => {
                let spec = &o.spec;
                make(Cow::Borrowed(spec.template.as_ref()?), Some(spec.replicas.unwrap_or(1)), "spec.template")
            }
            Object::ReplicationController(o) => {
                let spec = o.spec.as_ref()?;
                make(Cow::Borrowed(spec.template.as_ref()?), Some(spec.replicas.unwrap_or(1)), "spec.template")
            }
            Object::DaemonSet(o) => {
                let spec = &o.spec;
                make(Cow::Borrowed(&spec.template), None, "spec.template")
            }
            Object::Job(o) => {
                let spec = o.spec.as_ref()?;
                make(Cow::Borrowed(&spec.template), Some(spec.parallelism.unwrap_or(1)), "spec.template")
            }
            Object::CronJob(o) => {
                let spec = &o.spec;
                let job = spec.job_template.spec.as_ref()?;
                make(Cow::Borrowed(&job.template), None, "spec.jobTemplate.spec.template")
            }
            _ => return None,
        })
    }

    /// Path of a pod-spec field relative to the object: `spec` for a Pod,
    /// `spec.template.spec` for a Deployment.
    pub fn pod_spec_path(&self) -> String {
        if self.template_path.is_empty() { "spec".to_owned() } else { format!("{}.spec", self.template_path) }
    }
}

/// A namespace as analyses see it: declared or implied by a reference, always
/// carrying `kubernetes.io/metadata.name`.
#[derive(Clone, Debug, PartialEq)]
pub struct NamespaceInfo {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    /// Index into [`Inventory::objects`] of the declaring Namespace, if any.
    pub declared_by: Option<usize>,
}

/// Everything loaded from the input, in input order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Inventory {
    pub objects: Vec<Loaded>,
    /// Declared and implicit namespaces, sorted by name.
    pub namespaces: Vec<NamespaceInfo>,
}

impl Inventory {
    pub fn namespace(&self, name: &str) -> Option<&NamespaceInfo> {
        self.namespaces.binary_search_by(|ns| ns.name.as_str().cmp(name)).ok().map(|i| &self.namespaces[i])
    }

    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Loaded> + '_ {
        self.objects.iter().filter(move |o| o.kind() == kind)
    }

    pub fn pods(&self) -> impl Iterator<Item = (&Loaded, &Pod)> {
        self.objects.iter().filter_map(|o| match &o.object {
            Object::Pod(p) => Some((o, p.as_ref())),
            _ => None,
        })
    }

    pub fn network_policies(&self) -> impl Iterator<Item = (&Loaded, &NetworkPolicy)> {
        self.objects.iter().filter_map(|o| match &o.object {
            Object::NetworkPolicy(p) => Some((o, p.as_ref())),
            _ => None,
        })
    }

    pub fn services(&self) -> impl Iterator<Item = (&Loaded, &Service)> {
        self.objects.iter().filter_map(|o| match &o.object {
            Object::Service(s) => Some((o, s.as_ref())),
            _ => None,
        })
    }

    /// Pods and every pod-producing workload, in input order.
    pub fn workloads(&self) -> impl Iterator<Item = Workload<'_>> {
        self.objects.iter().filter_map(Loaded::workload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_name_their_resources_as_the_api_server_does() {
        assert_eq!(Kind::Pod.resource(), "pods");
        assert_eq!(Kind::NetworkPolicy.resource(), "networkpolicies.networking.k8s.io");
        assert_eq!(Kind::Role.resource(), "roles.rbac.authorization.k8s.io");
        assert_eq!(Kind::VerticalPodAutoscaler.group(), "autoscaling.k8s.io");
        assert!(!Kind::ClusterRole.is_namespaced() && Kind::RoleBinding.is_namespaced());
        for kind in Kind::ALL {
            assert_eq!(Kind::from_name(kind.as_str()), Some(*kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
        assert_eq!(Kind::from_name("pod"), None, "kinds are case-sensitive");
    }

    #[test]
    fn object_ids_print_back_as_read() {
        for id in ["default/web", "default/api[Deployment]", "psp-restricted[PodSecurityPolicy]", "a/b/c", "x[Service]"]
        {
            let reference: ObjectRef = id.parse().unwrap();
            assert_eq!(reference.to_string(), id);
        }
        let pod: ObjectRef = "ns/name".parse().unwrap();
        assert_eq!(pod, ObjectRef { kind: Kind::Pod, namespace: Some("ns".into()), name: "name".into() });
        // Would not print back (`web[Pod]`, `ns/web`), or names no kind.
        for text in ["web", "ns/web[Pod]", "ns/web[Foo]", "ns/web[deployment]"] {
            assert!(text.parse::<ObjectRef>().is_err(), "{text}");
        }
    }
}
