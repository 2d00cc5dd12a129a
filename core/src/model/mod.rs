//! The typed model of what was loaded: every supported object, typed through
//! k8s-openapi (or our own serde types where it has none), with its [`Origin`].

mod extra;

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{
    ConfigMap, LimitRange, Namespace, PersistentVolumeClaim, Pod, PodTemplateSpec, ReplicationController,
    ResourceQuota, Secret, Service, ServiceAccount,
};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::api::node::v1::RuntimeClass;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
use k8s_openapi::api::scheduling::v1::PriorityClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

pub use extra::*;

use crate::source::Origin;

/// The label every namespace carries with its own name (since Kubernetes 1.21).
pub const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// Namespaced objects without `metadata.namespace` land here, as with kubectl.
pub const DEFAULT_NAMESPACE: &str = "default";

macro_rules! kinds {
    ($( $variant:ident($ty:ty) = $api_version:literal, $namespaced:literal; )*) => {
        /// One typed Kubernetes object.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Object {
            $( $variant(Box<$ty>), )*
        }

        /// Every supported kind: (apiVersion, kind, namespaced).
        pub const SUPPORTED_KINDS: &[(&str, &str, bool)] = &[
            $( ($api_version, stringify!($variant), $namespaced), )*
        ];

        impl Object {
            pub fn kind(&self) -> &'static str {
                match self { $( Object::$variant(_) => stringify!($variant), )* }
            }

            pub fn api_version(&self) -> &'static str {
                match self { $( Object::$variant(_) => $api_version, )* }
            }

            pub fn is_namespaced(&self) -> bool {
                match self { $( Object::$variant(_) => $namespaced, )* }
            }

            pub fn metadata(&self) -> &ObjectMeta {
                match self { $( Object::$variant(o) => &o.metadata, )* }
            }

            pub fn metadata_mut(&mut self) -> &mut ObjectMeta {
                match self { $( Object::$variant(o) => &mut o.metadata, )* }
            }

            /// Deserializes a value of the given kind into its typed form, reporting
            /// the path of the first field that does not fit the schema.
            pub(crate) fn deserialize<'de, D>(kind: &str, value: D)
                -> Option<Result<(Object, serde_json::Value), serde_path_to_error::Error<D::Error>>>
            where
                D: serde::Deserializer<'de>,
            {
                match kind {
                    $( stringify!($variant) => Some(
                        serde_path_to_error::deserialize::<_, $ty>(value).map(|typed| {
                            // The typed object serialised again: whatever the input has that
                            // this lacks is a field the schema does not know.
                            let round_trip = serde_json::to_value(&typed).unwrap_or_default();
                            (Object::$variant(Box::new(typed)), round_trip)
                        })
                    ), )*
                    _ => None,
                }
            }
        }
    };
}

kinds! {
    Namespace(Namespace) = "v1", false;
    Pod(Pod) = "v1", true;
    Service(Service) = "v1", true;
    ReplicationController(ReplicationController) = "v1", true;
    ResourceQuota(ResourceQuota) = "v1", true;
    LimitRange(LimitRange) = "v1", true;
    PersistentVolumeClaim(PersistentVolumeClaim) = "v1", true;
    ServiceAccount(ServiceAccount) = "v1", true;
    ConfigMap(ConfigMap) = "v1", true;
    Secret(Secret) = "v1", true;
    Deployment(Deployment) = "apps/v1", true;
    StatefulSet(StatefulSet) = "apps/v1", true;
    DaemonSet(DaemonSet) = "apps/v1", true;
    ReplicaSet(ReplicaSet) = "apps/v1", true;
    Job(Job) = "batch/v1", true;
    CronJob(CronJob) = "batch/v1", true;
    NetworkPolicy(NetworkPolicy) = "networking.k8s.io/v1", true;
    HorizontalPodAutoscaler(HorizontalPodAutoscaler) = "autoscaling/v2", true;
    PodDisruptionBudget(PodDisruptionBudget) = "policy/v1", true;
    PriorityClass(PriorityClass) = "scheduling.k8s.io/v1", false;
    RuntimeClass(RuntimeClass) = "node.k8s.io/v1", false;
    PodSecurityPolicy(PodSecurityPolicy) = "policy/v1beta1", false;
    Role(Role) = "rbac.authorization.k8s.io/v1", true;
    ClusterRole(ClusterRole) = "rbac.authorization.k8s.io/v1", false;
    RoleBinding(RoleBinding) = "rbac.authorization.k8s.io/v1", true;
    ClusterRoleBinding(ClusterRoleBinding) = "rbac.authorization.k8s.io/v1", false;
    VerticalPodAutoscaler(VerticalPodAutoscaler) = "autoscaling.k8s.io/v1", true;
}

/// A loaded object and where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    pub object: Object,
    pub origin: Origin,
}

impl Loaded {
    pub fn kind(&self) -> &'static str {
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

    /// `ns/name` for Pods, `ns/name[Kind]` for other namespaced kinds, `name[Kind]`
    /// for cluster-scoped ones: the ids the CLI prints.
    pub fn id(&self) -> String {
        match (self.namespace(), self.kind()) {
            (Some(ns), "Pod") => format!("{ns}/{}", self.name()),
            (Some(ns), kind) => format!("{ns}/{}[{kind}]", self.name()),
            (None, kind) => format!("{}[{kind}]", self.name()),
        }
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
    pub kind: &'static str,
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

    pub fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Loaded> + 'a {
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
