//! The pod as the checks read it: containers in upstream's visiting order
//! (`policy/visitor.go`: init, regular, then ephemeral), each with its path, and
//! the one walk shared by the checks that read a field set on the pod's
//! securityContext and overridable on each container's.

use k8s_openapi::api::core::v1::{ContainerPort, Lifecycle, PodSecurityContext, PodSpec, Probe, SecurityContext};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::helpers::containers_phrase;

/// The fields every check reads from one container (regular, init or ephemeral).
pub(super) struct ContainerView<'a> {
    pub(super) name: &'a str,
    /// `spec.initContainers[0]`, `spec.containers[1]`, `spec.ephemeralContainers[0]`.
    pub(super) path: String,
    pub(super) security_context: Option<&'a SecurityContext>,
    pub(super) ports: &'a [ContainerPort],
    pub(super) liveness_probe: Option<&'a Probe>,
    pub(super) readiness_probe: Option<&'a Probe>,
    pub(super) startup_probe: Option<&'a Probe>,
    pub(super) lifecycle: Option<&'a Lifecycle>,
}

impl ContainerView<'_> {
    pub(super) fn sc_path(&self, field: &str) -> String {
        format!("{}.securityContext.{field}", self.path)
    }
}

pub(super) struct PodView<'a> {
    pub(super) metadata: &'a ObjectMeta,
    pub(super) spec: &'a PodSpec,
    pub(super) containers: Vec<ContainerView<'a>>,
}

impl<'a> PodView<'a> {
    pub(super) fn new(metadata: &'a ObjectMeta, spec: &'a PodSpec) -> Self {
        let mut containers = Vec::new();
        for (field, list) in
            [("initContainers", spec.init_containers.as_deref()), ("containers", Some(spec.containers.as_slice()))]
        {
            for (i, c) in list.unwrap_or_default().iter().enumerate() {
                containers.push(ContainerView {
                    name: &c.name,
                    path: format!("spec.{field}[{i}]"),
                    security_context: c.security_context.as_ref(),
                    ports: c.ports.as_deref().unwrap_or_default(),
                    liveness_probe: c.liveness_probe.as_ref(),
                    readiness_probe: c.readiness_probe.as_ref(),
                    startup_probe: c.startup_probe.as_ref(),
                    lifecycle: c.lifecycle.as_ref(),
                });
            }
        }
        for (i, c) in spec.ephemeral_containers.as_deref().unwrap_or_default().iter().enumerate() {
            containers.push(ContainerView {
                name: &c.name,
                path: format!("spec.ephemeralContainers[{i}]"),
                security_context: c.security_context.as_ref(),
                ports: c.ports.as_deref().unwrap_or_default(),
                liveness_probe: c.liveness_probe.as_ref(),
                readiness_probe: c.readiness_probe.as_ref(),
                startup_probe: c.startup_probe.as_ref(),
                lifecycle: c.lifecycle.as_ref(),
            });
        }
        PodView { metadata, spec, containers }
    }

    pub(super) fn is_windows(&self) -> bool {
        self.spec.os.as_ref().is_some_and(|os| os.name == "windows")
    }

    /// `relaxPolicyForUserNamespacePod`: `hostUsers: false`.
    pub(super) fn user_namespaced(&self) -> bool {
        self.spec.host_users == Some(false)
    }

    pub(super) fn security_context(&self) -> Option<&'a PodSecurityContext> {
        self.spec.security_context.as_ref()
    }

    pub(super) fn annotations(&self) -> impl Iterator<Item = (&'a String, &'a String)> {
        self.metadata.annotations.iter().flatten()
    }

    pub(super) fn annotation(&self, key: &str) -> Option<&'a String> {
        self.metadata.annotations.as_ref().and_then(|a| a.get(key))
    }

    /// The pod-then-containers walk: the field on the pod's securityContext, then
    /// on each container's in visiting order, keeping those `offends` picks.
    /// `field` is the path under `securityContext` (`seccompProfile.type`).
    pub(super) fn pod_then_containers<T: ?Sized + 'a>(
        &self,
        field: &str,
        on_pod: impl FnOnce(&'a PodSecurityContext) -> Option<&'a T>,
        on_container: impl Fn(&'a SecurityContext) -> Option<&'a T>,
        mut offends: impl FnMut(&'a T) -> bool,
    ) -> Offenders<'a> {
        let mut offenders = Offenders::default();
        if self.security_context().and_then(on_pod).is_some_and(&mut offends) {
            offenders.pod = true;
            offenders.paths.push(format!("spec.securityContext.{field}"));
        }
        for c in &self.containers {
            if c.security_context.and_then(&on_container).is_some_and(&mut offends) {
                offenders.containers.push(c.name);
                offenders.paths.push(c.sc_path(field));
            }
        }
        offenders
    }

    /// The containers that leave the field unset (restricted checks that need a
    /// value when the pod gives none), with the path the value should have.
    pub(super) fn containers_without<T: ?Sized + 'a>(
        &self,
        field: &str,
        on_container: impl Fn(&'a SecurityContext) -> Option<&'a T>,
    ) -> Offenders<'a> {
        let mut offenders = Offenders::default();
        for c in &self.containers {
            if c.security_context.and_then(&on_container).is_none() {
                offenders.containers.push(c.name);
                offenders.paths.push(c.sc_path(field));
            }
        }
        offenders
    }
}

/// Who set (or failed to set) a field: the pod and the containers, in visiting
/// order, with the offending paths in the same order.
#[derive(Default)]
pub(super) struct Offenders<'a> {
    pub(super) pod: bool,
    pub(super) containers: Vec<&'a str>,
    pub(super) paths: Vec<String>,
}

impl Offenders<'_> {
    pub(super) fn is_empty(&self) -> bool {
        !self.pod && self.containers.is_empty()
    }

    /// Upstream's subjects, to be joined with ` and `: `pod`, `containers "a", "b"`.
    pub(super) fn setters(&self) -> Vec<String> {
        let mut setters = Vec::new();
        if self.pod {
            setters.push("pod".to_owned());
        }
        if !self.containers.is_empty() {
            setters.push(containers_phrase(&self.containers));
        }
        setters
    }
}
