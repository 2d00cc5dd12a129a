//! pkg/apis/networking/validation/validation.go: Ingresses (`ValidateIngressCreate`,
//! `ValidateIngressSpec` and the functions it calls), and the warning of
//! pkg/registry/networking/ingress/strategy.go (`WarningsOnCreate`).
//! NetworkPolicies are validated by their compiler (`netpol/policy.rs`), except
//! the keys and values of their label selectors (`network_policy_selectors`).
//!
//! Two things read differently from the Go types: k8s-openapi reads an
//! absent `pathType` or backend `service.name` as an empty string, so an
//! empty one is reported as missing (upstream's `Required`, which is what a
//! manifest without the field gets); and a Service name is checked as a
//! DNS-1035 label, since the relaxed check (`RelaxedServiceNameValidation`) is
//! an alpha feature gate, off by default.

use k8s_openapi::api::core::v1::TypedLocalObjectReference;
use k8s_openapi::api::networking::v1::{HTTPIngressPath, Ingress, IngressBackend, NetworkPolicy, NetworkPolicyPeer};

use super::field::{invalid, is_ip_sloppy, not_supported, port_name_problems, port_num_problems, quoted, required};
use super::selector::{Checks, label_selector};
use super::{Found, rule};
use crate::load::NameRule;

/// The `kubernetes.io/ingress.class` annotation `spec.ingressClassName` replaced.
pub const INGRESS_CLASS_ANNOTATION: &str = "kubernetes.io/ingress.class";

/// `supportedPathTypes`, as `sets.List` sorts them.
const PATH_TYPES: [&str; 3] = ["Exact", "ImplementationSpecific", "Prefix"];
/// `invalidPathSequences` and `invalidPathSuffixes`: directory traversal.
const INVALID_PATH_SEQUENCES: [&str; 5] = ["//", "/./", "/../", "%2f", "%2F"];
const INVALID_PATH_SUFFIXES: [&str; 2] = ["/..", "/."];

/// `ValidateIngressCreate`: the spec, then the annotation that must agree
/// with `ingressClassName`; and the create warning for the annotation alone.
pub fn ingress(ingress: &Ingress, out: &mut Vec<Found>) {
    let spec = ingress.spec.as_ref();
    let no_rules = spec.and_then(|s| s.rules.as_ref()).is_none_or(Vec::is_empty);
    if no_rules && spec.and_then(|s| s.default_backend.as_ref()).is_none() {
        // Upstream prints the (nil or empty) rules list as the value.
        let value = if spec.and_then(|s| s.rules.as_ref()).is_some() { "[]" } else { "null" };
        out.push(Found::new(
            rule::INGRESS_SPEC,
            "spec".into(),
            invalid("spec", value, "either `defaultBackend` or `rules` must be specified"),
        ));
    }
    if let Some(spec) = spec {
        if let Some(backend) = &spec.default_backend {
            self::backend(backend, "spec.defaultBackend", out);
        }
        for (i, ingress_rule) in spec.rules.iter().flatten().enumerate() {
            let base = format!("spec.rules[{i}]");
            if let Some(host) = ingress_rule.host.as_deref().filter(|h| !h.is_empty()) {
                host_problems(host, &format!("{base}.host"), true, out);
            }
            // Rules of a wildcard host are checked too on create
            // (`AllowInvalidWildcardHostRule` only keeps old objects valid).
            if let Some(http) = &ingress_rule.http {
                let at = format!("{base}.http.paths");
                if http.paths.is_empty() {
                    out.push(Found::new(rule::INGRESS_SPEC, at.clone(), required(&at, "")));
                }
                for (j, path) in http.paths.iter().enumerate() {
                    http_path(path, &format!("{at}[{j}]"), out);
                }
            }
        }
        for (i, tls) in spec.tls.iter().flatten().enumerate() {
            for (j, host) in tls.hosts.iter().flatten().enumerate() {
                host_problems(host, &format!("spec.tls[{i}].hosts[{j}]"), false, out);
            }
            // `validateTLSSecretName`: an empty name is allowed (the
            // controller's default certificate).
            if let Some(secret) = tls.secret_name.as_deref().filter(|s| !s.is_empty()) {
                let at = format!("spec.tls[{i}].secretName");
                for problem in NameRule::Dns1123Subdomain.problems(secret) {
                    out.push(Found::new(rule::INGRESS_SPEC, at.clone(), invalid(&at, &quoted(secret), &problem)));
                }
            }
        }
        if let Some(class) = &spec.ingress_class_name {
            let at = "spec.ingressClassName";
            for problem in NameRule::Dns1123Subdomain.problems(class) {
                out.push(Found::new(rule::INGRESS_SPEC, at.into(), invalid(at, &quoted(class), &problem)));
            }
        }
    }
    let class_name = spec.and_then(|s| s.ingress_class_name.as_deref());
    let annotation = ingress.metadata.annotations.as_ref().and_then(|a| a.get(INGRESS_CLASS_ANNOTATION));
    let annotation_at = format!("metadata.annotations.{INGRESS_CLASS_ANNOTATION}");
    match (annotation, class_name) {
        (Some(value), Some(class)) if value != class => out.push(Found::new(
            rule::INGRESS_SPEC,
            annotation_at,
            invalid(
                &format!("annotations.{INGRESS_CLASS_ANNOTATION}"),
                &quoted(value),
                "must match `ingressClassName` when both are specified",
            ),
        )),
        (Some(_), None) => out.push(Found::new(
            rule::INGRESS_CLASS_ANNOTATION,
            annotation_at,
            format!(
                "annotation {} is deprecated, please use 'spec.ingressClassName' instead",
                quoted(INGRESS_CLASS_ANNOTATION)
            ),
        )),
        _ => {}
    }
}

/// A rule's host (`validateIngressRules`: not an IP address, a DNS subdomain
/// or a wildcard one) or a TLS host (`validateIngressTLS`: no IP check).
fn host_problems(host: &str, at: &str, rule_host: bool, out: &mut Vec<Found>) {
    let mut push =
        |problem: &str| out.push(Found::new(rule::INGRESS_SPEC, at.into(), invalid(at, &quoted(host), problem)));
    if rule_host && is_ip_sloppy(host) {
        push("must be a DNS name, not an IP address");
    }
    if host.contains('*') {
        for problem in wildcard_subdomain_problems(host) {
            push(&problem);
        }
    } else {
        for problem in NameRule::Dns1123Subdomain.problems(host) {
            push(&problem);
        }
    }
}

/// `IsWildcardDNS1123Subdomain`: `*.` then a DNS subdomain, 253 characters at most.
fn wildcard_subdomain_problems(host: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if host.len() > 253 {
        problems.push("must be no more than 253 characters".to_owned());
    }
    let valid = host.strip_prefix("*.").is_some_and(|rest| {
        rest.split('.').all(|label| {
            let bytes = label.as_bytes();
            !bytes.is_empty()
                && bytes[0].is_ascii_alphanumeric()
                && bytes[bytes.len() - 1].is_ascii_alphanumeric()
                && bytes.iter().all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
    });
    if !valid {
        problems.push(
            "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')".to_owned(),
        );
    }
    problems
}

/// `validateHTTPIngressPath`: the path type and the path it allows, then the backend.
fn http_path(path: &HTTPIngressPath, base: &str, out: &mut Vec<Found>) {
    let type_at = format!("{base}.pathType");
    let at = format!("{base}.path");
    let text = path.path.as_deref().unwrap_or_default();
    let mut push = |message: String| out.push(Found::new(rule::INGRESS_SPEC, at.clone(), message));
    match path.path_type.as_str() {
        "" => {
            // Upstream stops here: without a type the path means nothing.
            out.push(Found::new(rule::INGRESS_SPEC, type_at.clone(), required(&type_at, "pathType must be specified")));
            return;
        }
        "Exact" | "Prefix" => {
            if !text.starts_with('/') {
                push(invalid(&at, &quoted(text), "must be an absolute path"));
            }
            if !text.is_empty() {
                for sequence in INVALID_PATH_SEQUENCES.iter().filter(|s| text.contains(**s)) {
                    push(invalid(&at, &quoted(text), &format!("must not contain '{sequence}'")));
                }
                for suffix in INVALID_PATH_SUFFIXES.iter().filter(|s| text.ends_with(**s)) {
                    push(invalid(&at, &quoted(text), &format!("cannot end with '{suffix}'")));
                }
            }
        }
        "ImplementationSpecific" => {
            if !text.is_empty() && !text.starts_with('/') {
                push(invalid(&at, &quoted(text), "must be an absolute path"));
            }
        }
        other => out.push(Found::new(
            rule::INGRESS_SPEC,
            type_at.clone(),
            not_supported(&type_at, &quoted(other), &PATH_TYPES),
        )),
    }
    backend(&path.backend, &format!("{base}.backend"), out);
}

/// `validateIngressBackend`: exactly one of a resource and a Service; a
/// Service backend names a valid Service and exactly one valid port.
fn backend(backend: &IngressBackend, at: &str, out: &mut Vec<Found>) {
    let mut push = |path: String, message: String| out.push(Found::new(rule::INGRESS_SPEC, path, message));
    match (&backend.resource, &backend.service) {
        (Some(_), Some(_)) => push(at.into(), invalid(at, "\"\"", "cannot set both resource and service backends")),
        (Some(resource), None) => typed_local_object_reference(resource, &format!("{at}.resource"), out),
        (None, Some(service)) => {
            let name_at = format!("{at}.service.name");
            if service.name.is_empty() {
                push(name_at.clone(), required(&name_at, ""));
            } else {
                for problem in NameRule::Dns1035Label.problems(&service.name) {
                    push(name_at.clone(), invalid(&name_at, &quoted(&service.name), &problem));
                }
            }
            let port = service.port.as_ref();
            let name = port.and_then(|p| p.name.as_deref()).unwrap_or_default();
            let number = port.and_then(|p| p.number).unwrap_or_default();
            match (!name.is_empty(), number != 0) {
                (true, true) => push(at.into(), invalid(at, "\"\"", "cannot set both port name & port number")),
                (true, false) => {
                    let port_at = format!("{at}.service.port.name");
                    for problem in port_name_problems(name) {
                        push(port_at.clone(), invalid(&port_at, &quoted(name), &problem));
                    }
                }
                (false, true) => {
                    let port_at = format!("{at}.service.port.number");
                    for problem in port_num_problems(i64::from(number)) {
                        push(port_at.clone(), invalid(&port_at, &number.to_string(), &problem));
                    }
                }
                (false, false) => push(at.into(), required(at, "port name or number is required")),
            }
        }
        (None, None) => push(at.into(), invalid(at, "\"\"", "resource or service backend is required")),
    }
}

/// `validateIngressTypedLocalObjectReference`.
fn typed_local_object_reference(reference: &TypedLocalObjectReference, at: &str, out: &mut Vec<Found>) {
    if let Some(group) = &reference.api_group {
        let group_at = format!("{at}.apiGroup");
        for problem in NameRule::Dns1123Subdomain.problems(group) {
            out.push(Found::new(rule::INGRESS_SPEC, group_at.clone(), invalid(&group_at, &quoted(group), &problem)));
        }
    }
    for (field, value) in [("kind", &reference.kind), ("name", &reference.name)] {
        let field_at = format!("{at}.{field}");
        if value.is_empty() {
            out.push(Found::new(rule::INGRESS_SPEC, field_at.clone(), required(&field_at, "")));
        } else {
            for problem in NameRule::PathSegment.problems(value) {
                out.push(Found::new(
                    rule::INGRESS_SPEC,
                    field_at.clone(),
                    invalid(&field_at, &quoted(value), &problem),
                ));
            }
        }
    }
}

/// `ValidateNetworkPolicySpec` / `ValidateNetworkPolicyPeer`: the label
/// selectors of the policy and of every peer, in upstream's order (podSelector,
/// then each ingress rule's peers, then each egress rule's). Only their keys
/// and values: an unknown operator or a wrong number of values is refused by
/// the policy compiler (`netpol-invalid`), which leaves the policy out.
pub fn network_policy_selectors(policy: &NetworkPolicy, out: &mut Vec<Found>) {
    let Some(spec) = &policy.spec else { return };
    let rule = rule::LABEL_SELECTOR;
    if let Some(selector) = &spec.pod_selector {
        label_selector(selector, "spec.podSelector", Checks::Names, rule, out);
    }
    let peers = |peers: Option<&Vec<NetworkPolicyPeer>>, at: String, out: &mut Vec<Found>| {
        for (j, peer) in peers.into_iter().flatten().enumerate() {
            if let Some(selector) = &peer.pod_selector {
                label_selector(selector, &format!("{at}[{j}].podSelector"), Checks::Names, rule, out);
            }
            if let Some(selector) = &peer.namespace_selector {
                label_selector(selector, &format!("{at}[{j}].namespaceSelector"), Checks::Names, rule, out);
            }
        }
    };
    for (i, ingress) in spec.ingress.iter().flatten().enumerate() {
        peers(ingress.from.as_ref(), format!("spec.ingress[{i}].from"), out);
    }
    for (i, egress) in spec.egress.iter().flatten().enumerate() {
        peers(egress.to.as_ref(), format!("spec.egress[{i}].to"), out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sloppy_ip_parsing_accepts_leading_zeros_and_ipv6() {
        assert!(is_ip_sloppy("127.0.0.1"));
        assert!(is_ip_sloppy("010.001.000.001"));
        assert!(is_ip_sloppy("::1"));
        assert!(!is_ip_sloppy("256.0.0.1"));
        assert!(!is_ip_sloppy("1.2.3"));
        assert!(!is_ip_sloppy("foo.bar.com"));
        assert!(!is_ip_sloppy("foobar:80"));
    }

    #[test]
    fn wildcard_hosts_need_a_star_label_then_a_subdomain() {
        assert!(wildcard_subdomain_problems("*.bar.com").is_empty());
        assert_eq!(wildcard_subdomain_problems("foo.*.bar.com").len(), 1);
        assert_eq!(wildcard_subdomain_problems("*").len(), 1);
        assert_eq!(wildcard_subdomain_problems("*.*.bar.com").len(), 1);
    }
}
