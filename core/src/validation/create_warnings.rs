//! What the API server accepts but warns about when an object other than a
//! pod spec is created: each kind's registry strategy `WarningsOnCreate`
//! (pkg/registry/<group>/<resource>/strategy.go) and the helpers they call —
//! the DNS-label name of pod-creating controllers, `job.WarningsForJobSpec`
//! (pkg/api/job/warnings.go), `GetWarningsForService`
//! (pkg/api/service/warnings.go), `GetWarningsForPersistentVolumeClaim`
//! (pkg/api/persistentvolumeclaim/util.go), apimachinery's
//! `GetWarningsForIP` / `GetWarningsForCIDR` (as of Kubernetes 1.35, where
//! `StrictIPCIDRValidation` is off), the StatefulSet's claim templates and
//! revision history, a ServiceAccount's and a Node's deprecated fields and a
//! NetworkPolicy's ipBlocks. The pod template's own warnings are `warnings.rs`.
//! docs/semantics/validation.md §11.

use std::net::IpAddr;

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::batch::v1::JobSpec;
use k8s_openapi::api::core::v1::{Node, PersistentVolumeClaim, PersistentVolumeClaimSpec, Service, ServiceAccount};
use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyPeer};

use super::field::{go_to4, parse_ip_sloppy, quoted};
use super::{Found, rule};
use crate::load::NameRule;

fn push(out: &mut Vec<Found>, at: &str, message: String) {
    out.push(Found::new(rule::CREATE_WARNING, at.to_owned(), message));
}

/// Deployments, ReplicaSets, ReplicationControllers, Jobs and CronJobs name
/// their pods after themselves: a name that is no DNS label is accepted, with
/// `IsDNS1123Label`'s messages as Go prints a `[]string`.
pub fn pod_creating_name(name: Option<&str>, out: &mut Vec<Found>) {
    let Some(name) = name.filter(|n| !n.is_empty()) else { return };
    let problems = NameRule::Dns1123Label.problems(name);
    if !problems.is_empty() {
        let message = format!(
            "metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [{}]",
            problems.join(" ")
        );
        push(out, "metadata.name", message);
    }
}

/// `job.WarningsForJobSpec`'s own warning (the pod template's follow): an
/// Indexed Job with more than 10^5 completions and a parallelism above 10^4.
pub fn job_spec(spec: &JobSpec, base: &str, out: &mut Vec<Found>) {
    let indexed = spec.completion_mode.as_deref() == Some("Indexed");
    if indexed && spec.completions.unwrap_or(0) > 100_000 && spec.parallelism.unwrap_or(0) > 10_000 {
        let message = format!(
            "{base}: In Indexed Jobs with a number of completions higher than 10^5 and a parallelism higher than 10^4, Kubernetes might not be able to track completedIndexes when a big number of indexes fail"
        );
        push(out, &format!("{base}.completions"), message);
    }
}

/// `GetWarningsForPersistentVolumeClaimSpec`: a storage request or limit in
/// fractional bytes. `printed` is upstream's path, `located` the field's;
/// under `rule` (a pod's ephemeral volumes report it as a pod warning).
pub fn claim_spec(
    spec: &PersistentVolumeClaimSpec,
    printed: &str,
    located: &str,
    rule: &'static super::Rule,
    out: &mut Vec<Found>,
) {
    let resources = spec.resources.as_ref();
    for (field, list) in [
        ("requests", resources.and_then(|r| r.requests.as_ref())),
        ("limits", resources.and_then(|r| r.limits.as_ref())),
    ] {
        let Some(raw) = list.and_then(|l| l.get("storage")) else { continue };
        let Ok(quantity) = crate::quantity::Quantity::parse(raw.0.trim()) else { continue };
        if quantity.milli_value().is_some_and(|m| m % 1000 != 0) {
            let message = format!(
                "{printed}.resources.{field}[storage]: fractional byte value {} is invalid, must be an integer",
                quoted(&quantity.canonical())
            );
            out.push(Found::new(rule, format!("{located}.resources.{field}.storage"), message));
        }
    }
}

/// `GetWarningsForPersistentVolumeClaim`: the beta storage-class annotation,
/// then the spec's fractional bytes.
pub fn persistent_volume_claim(pvc: &PersistentVolumeClaim, out: &mut Vec<Found>) {
    const BETA_CLASS: &str = "volume.beta.kubernetes.io/storage-class";
    if pvc.metadata.annotations.as_ref().is_some_and(|a| a.contains_key(BETA_CLASS)) {
        let at = format!("metadata.annotations[{BETA_CLASS}]");
        push(out, &at, format!("{at}: deprecated since v1.8; use \"storageClassName\" attribute instead"));
    }
    if let Some(spec) = &pvc.spec {
        claim_spec(spec, "spec", "spec", rule::CREATE_WARNING, out);
    }
}

/// The StatefulSet strategy's warnings: its pod template's (whose spec
/// validation does not check, but whose warnings it gives), each claim
/// template's spec (upstream's path omits the `spec` segment), then a
/// negative revision history limit (which only a StatefulSet accepts).
pub fn stateful_set(set: &StatefulSet, out: &mut Vec<Found>) {
    let spec = &set.spec;
    if let Some(pod_spec) = &spec.template.spec {
        let meta = spec.template.metadata.as_ref();
        super::warnings::pod(pod_spec, "spec.template.spec", meta, "spec.template.metadata", true, out);
    }
    for (i, claim) in spec.volume_claim_templates.iter().flatten().enumerate() {
        if let Some(claim_spec_value) = &claim.spec {
            let printed = format!("spec.volumeClaimTemplates[{i}]");
            claim_spec(claim_spec_value, &printed, &format!("{printed}.spec"), rule::CREATE_WARNING, out);
        }
    }
    if spec.revision_history_limit.is_some_and(|limit| limit < 0) {
        let message =
            "spec.revisionHistoryLimit: a negative value retains all historical revisions; a value >= 0 is recommended";
        push(out, "spec.revisionHistoryLimit", message.to_owned());
    }
}

/// `warnIfHasEnforceMountableSecretsAnnotation`: the annotation is deprecated.
pub fn service_account(account: &ServiceAccount, out: &mut Vec<Found>) {
    const ENFORCE: &str = "kubernetes.io/enforce-mountable-secrets";
    if account.metadata.annotations.as_ref().is_some_and(|a| a.contains_key(ENFORCE)) {
        let at = format!("metadata.annotations[{ENFORCE}]");
        push(
            out,
            &at,
            format!("{at}: deprecated in v1.32+; prefer separate namespaces to isolate access to mounted secrets"),
        );
    }
}

/// The Node strategy's `fieldIsDeprecatedWarnings` on create (`configSource`
/// is dropped before it runs).
pub fn node(node: &Node, out: &mut Vec<Found>) {
    if node.spec.as_ref().and_then(|s| s.external_id.as_deref()).is_some_and(|id| !id.is_empty()) {
        push(out, "spec.externalID", "spec.externalID: this field is deprecated, and is unused by Kubernetes".into());
    }
}

/// `networkPolicyWarnings`: every ipBlock's CIDR and exceptions, ingress
/// rules first.
pub fn network_policy(policy: &NetworkPolicy, out: &mut Vec<Found>) {
    let Some(spec) = &policy.spec else { return };
    for (i, rule) in spec.ingress.iter().flatten().enumerate() {
        ip_blocks(rule.from.as_deref(), &format!("spec.ingress[{i}].from"), out);
    }
    for (i, rule) in spec.egress.iter().flatten().enumerate() {
        ip_blocks(rule.to.as_deref(), &format!("spec.egress[{i}].to"), out);
    }
}

/// The CIDR and exceptions of each ipBlock among `peers` (at `at`).
fn ip_blocks(peers: Option<&[NetworkPolicyPeer]>, at: &str, out: &mut Vec<Found>) {
    for (j, peer) in peers.unwrap_or_default().iter().enumerate() {
        let Some(block) = &peer.ip_block else { continue };
        let block_at = format!("{at}[{j}].ipBlock");
        cidr(&block.cidr, &format!("{block_at}.cidr"), out);
        for (k, except) in block.except.iter().flatten().enumerate() {
            cidr(except, &format!("{block_at}.except[{k}]"), out);
        }
    }
}

/// `GetWarningsForService` (Kubernetes 1.35), after the defaults and the
/// cluster-IP normalisation; allocated addresses are canonical, so only what
/// the user wrote can draw an address warning.
pub fn service(service: &Service, out: &mut Vec<Found>) {
    const HINTS: &str = "service.kubernetes.io/topology-aware-hints";
    if service.metadata.annotations.as_ref().is_some_and(|a| a.contains_key(HINTS)) {
        let at = format!("metadata.annotations[{HINTS}]");
        push(
            out,
            &at,
            format!("annotation {HINTS} is deprecated, please use service.kubernetes.io/topology-mode instead"),
        );
    }
    let Some(spec) = &service.spec else { return };
    let service_type = spec.type_.as_deref().filter(|t| !t.is_empty()).unwrap_or("ClusterIP");
    let cluster_ip = spec.cluster_ip.as_deref().unwrap_or_default();
    // IsServiceIPSet, on the normalised clusterIPs.
    if !cluster_ip.is_empty() && cluster_ip != "None" {
        let ips = super::service::ClusterIps::of(spec);
        for (i, ip) in ips.values.iter().enumerate() {
            ip_warning(ip, &format!("spec.clusterIPs[{i}]"), &ips.index_at(i), out);
        }
    }
    let external_ips: &[String] = spec.external_ips.as_deref().unwrap_or_default();
    // The storage's isHeadlessService: a ClusterIP Service whose clusterIP is None.
    if service_type == "ClusterIP" && cluster_ip == "None" {
        if spec.load_balancer_ip.as_deref().is_some_and(|ip| !ip.is_empty()) {
            push(out, "spec.loadBalancerIP", "spec.loadBalancerIP is ignored for headless services".into());
        }
        if !external_ips.is_empty() {
            push(out, "spec.externalIPs", "spec.externalIPs is ignored for headless services".into());
        }
        if spec.session_affinity.as_deref().is_some_and(|a| !a.is_empty() && a != "None") {
            push(out, "spec.sessionAffinity", "spec.SessionAffinity is ignored for headless services".into());
        }
    }
    for (i, ip) in external_ips.iter().enumerate() {
        let at = format!("spec.externalIPs[{i}]");
        ip_warning(ip, &at, &at, out);
    }
    if let Some(ip) = spec.load_balancer_ip.as_deref().filter(|ip| !ip.is_empty()) {
        ip_warning(ip, "spec.loadBalancerIP", "spec.loadBalancerIP", out);
    }
    for (i, range) in spec.load_balancer_source_ranges.iter().flatten().enumerate() {
        cidr(range, &format!("spec.loadBalancerSourceRanges[{i}]"), out);
    }
    if service_type == "ExternalName" && !external_ips.is_empty() {
        push(out, "spec.externalIPs", "spec.externalIPs is ignored when spec.type is \"ExternalName\"".into());
    }
    if service_type != "ExternalName" && spec.external_name.as_deref().is_some_and(|n| !n.is_empty()) {
        push(out, "spec.externalName", "spec.externalName is ignored when spec.type is not \"ExternalName\"".into());
    }
}

/// Go's `net.IP.String()`: an IPv4-mapped address prints as IPv4.
fn go_ip_string(ip: IpAddr) -> String {
    go_to4(ip).to_string()
}

/// An IPv4 part written with a leading zero, which `netip.ParseAddr` refuses.
fn has_leading_zero(part: &str) -> bool {
    part.len() > 1 && part.starts_with('0')
}

/// Written in a form `ParseIPSloppy` reads but `netip.ParseAddr` does not
/// (leading zeros), or IPv4-mapped IPv6.
fn non_standard(text: &str, ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(_) => text.split('.').any(has_leading_zero),
        IpAddr::V6(v6) => v6.to_ipv4_mapped().is_some(),
    }
}

/// `GetWarningsForIP`: a non-standard form, else a non-canonical IPv6 text.
/// A value that does not parse was refused (or is not checked) elsewhere.
fn ip_warning(text: &str, printed: &str, located: &str, out: &mut Vec<Found>) {
    let Some(ip) = parse_ip_sloppy(text) else { return };
    if non_standard(text, ip) {
        let message = format!(
            "{printed}: non-standard IP address {} will be considered invalid in a future Kubernetes release: use {}",
            quoted(text),
            quoted(&go_ip_string(ip))
        );
        push(out, located, message);
    } else if let IpAddr::V6(v6) = ip
        && v6.to_string() != text
    {
        let message = format!(
            "{printed}: IPv6 address {} should be in RFC 5952 canonical format ({})",
            quoted(text),
            quoted(&v6.to_string())
        );
        push(out, located, message);
    }
}

/// `GetWarningsForCIDR`: host bits after the prefix (ambiguous), a
/// non-standard form, and (only without either) a non-canonical IPv6 text.
fn cidr(text: &str, at: &str, out: &mut Vec<Found>) {
    let Some((address, prefix_text)) = text.split_once('/') else { return };
    let Some(ip) = parse_ip_sloppy(address) else { return };
    let bits: u32 = if matches!(ip, IpAddr::V4(_)) { 32 } else { 128 };
    if prefix_text.is_empty() || !prefix_text.bytes().all(|b| b.is_ascii_digit()) {
        return;
    }
    let Some(prefix) = prefix_text.parse::<u32>().ok().filter(|p| *p <= bits) else { return };
    // Go's ParseCIDR reads an IPv4-mapped address as IPv4 for the network.
    let (network, host, addr_len) = match ip {
        IpAddr::V4(v4) => {
            let mask = if prefix == 0 { 0 } else { u32::MAX << (32 - prefix) };
            (IpAddr::V4((u32::from(v4) & mask).into()), IpAddr::V4(v4), 32)
        }
        IpAddr::V6(v6) => {
            let mask = if prefix == 0 { 0 } else { u128::MAX << (128 - prefix) };
            (IpAddr::V6((u128::from(v6) & mask).into()), IpAddr::V6(v6), 128)
        }
    };
    let network_text = format!("{}/{prefix}", go_ip_string(network));
    let before = out.len();
    if network != host {
        let message = format!(
            "{at}: CIDR value {} is ambiguous in this context (should be {} or {}?)",
            quoted(text),
            quoted(&network_text),
            quoted(&format!("{}/{addr_len}", go_ip_string(host)))
        );
        push(out, at, message);
    }
    if non_standard(address, ip) || has_leading_zero(prefix_text) {
        let message = format!(
            "{at}: non-standard CIDR value {} will be considered invalid in a future Kubernetes release: use {}",
            quoted(text),
            quoted(&network_text)
        );
        push(out, at, message);
    }
    if out.len() == before
        && let IpAddr::V6(v6) = ip
    {
        let canonical = format!("{v6}/{prefix}");
        if canonical != text {
            let message = format!(
                "{at}: IPv6 CIDR value {} should be in RFC 5952 canonical format ({})",
                quoted(text),
                quoted(&canonical)
            );
            push(out, at, message);
        }
    }
}
