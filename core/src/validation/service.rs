//! pkg/apis/core/validation/validation.go `ValidateService`, as a Service is
//! created: after `SetDefaults_Service` (pkg/apis/core/v1/defaults.go) and
//! the Service storage's `beginCreate` (pkg/registry/core/service/storage),
//! which first copies `clusterIP` into an empty `clusterIPs`
//! (`normalizeClusterIPs`) and then runs `ValidateServiceClusterIPsRelatedFields`
//! on the request before it allocates anything: a request that fails there is
//! refused with those errors alone. docs/semantics/validation.md §15.

use std::collections::BTreeSet;
use std::net::IpAddr;

use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::field::{
    duplicate, forbidden, go_to4, invalid, not_supported, parse_ip_sloppy, port_num_or_name, port_num_problems,
    qualified_name_problems, quoted, required,
};
use super::{Found, Rule, rule};
use crate::load::NameRule;

/// `supportedServiceType`, sorted as `sets.List` returns it.
const SERVICE_TYPES: [&str; 4] = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
const SESSION_AFFINITIES: [&str; 2] = ["ClientIP", "None"];
const IP_FAMILIES: [&str; 2] = ["IPv4", "IPv6"];
const IP_FAMILY_POLICIES: [&str; 3] = ["PreferDualStack", "RequireDualStack", "SingleStack"];
const TRAFFIC_POLICIES: [&str; 2] = ["Cluster", "Local"];
/// With `PreferSameTrafficDistribution` (beta, on by default since 1.34),
/// in upstream's order.
const TRAFFIC_DISTRIBUTIONS: [&str; 3] = ["PreferClose", "PreferSameZone", "PreferSameNode"];
/// `core.MaxClientIPServiceAffinitySeconds`: one day.
const MAX_AFFINITY_SECONDS: i32 = 86_400;
const TOPOLOGY_MODE: &str = "service.kubernetes.io/topology-mode";
const TOPOLOGY_HINTS: &str = "service.kubernetes.io/topology-aware-hints";
const SOURCE_RANGES_ANNOTATION: &str = "service.beta.kubernetes.io/load-balancer-source-ranges";
const IP_EXAMPLE: &str = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
const CIDR_EXAMPLE: &str = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

fn push(out: &mut Vec<Found>, rule: &'static Rule, at: &str, message: String) {
    out.push(Found::new(rule, at.to_owned(), message));
}

/// `ValidateService` on the defaulted, normalised Service.
pub fn service(service: &Service, out: &mut Vec<Found>) {
    let empty = ServiceSpec::default();
    let spec = service.spec.as_ref().unwrap_or(&empty);
    // SetDefaults_Service: an empty type is ClusterIP, an empty affinity None.
    let service_type = spec.type_.as_deref().filter(|t| !t.is_empty()).unwrap_or("ClusterIP");
    let cluster_ips = ClusterIps::of(spec);
    if service_type != "ExternalName" {
        let before = out.len();
        cluster_ips_related_fields(spec, &cluster_ips, out);
        if out.len() > before {
            // The storage refuses the request before validation runs.
            return;
        }
    }
    topology_annotations(service, out);
    let ports: &[ServicePort] = spec.ports.as_deref().unwrap_or_default();
    let headless = cluster_ips.headless();
    if ports.is_empty() && !headless && service_type != "ExternalName" {
        push(out, rule::SERVICE_PORT, "spec.ports", required("spec.ports", ""));
    }
    match service_type {
        "LoadBalancer" | "NodePort" if headless => {
            let at = cluster_ips.index_at(0);
            let detail = format!("may not be set to 'None' for {service_type} services");
            push(out, rule::SERVICE_TYPE, &at, invalid("spec.clusterIPs[0]", &quoted("None"), &detail));
        }
        "ExternalName" => external_name(spec, &cluster_ips, out),
        _ => {}
    }
    let require_name = ports.len() > 1;
    let mut names = BTreeSet::new();
    for (i, port) in ports.iter().enumerate() {
        service_port(port, &format!("spec.ports[{i}]"), require_name, &mut names, out);
    }
    super::selector::labels(spec.selector.as_ref(), "spec.selector", rule::LABEL_SELECTOR, out);
    session_affinity(spec, out);
    external_ips(spec, out);
    match service_type {
        "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName" => {}
        other => push(out, rule::SERVICE_TYPE, "spec.type", not_supported("spec.type", &quoted(other), &SERVICE_TYPES)),
    }
    if service_type == "ClusterIP" {
        for (i, port) in ports.iter().enumerate() {
            if port.node_port.is_some_and(|p| p != 0) {
                let at = format!("spec.ports[{i}].nodePort");
                push(out, rule::SERVICE_NODE_PORT, &at, forbidden(&at, "may not be used when `type` is 'ClusterIP'"));
            }
        }
    }
    duplicate_ports(ports, out);
    load_balancer_fields(service, spec, service_type, out);
    traffic_policies(spec, service_type, out);
}

/// `clusterIPs` after `normalizeClusterIPs`, and where the user wrote them.
pub(super) struct ClusterIps<'a> {
    pub values: Vec<&'a str>,
    /// The user wrote `clusterIPs` (else only `clusterIP`, or nothing).
    written_as_list: bool,
}

impl<'a> ClusterIps<'a> {
    pub fn of(spec: &'a ServiceSpec) -> Self {
        let list: Vec<&str> = spec.cluster_ips.iter().flatten().map(String::as_str).collect();
        match spec.cluster_ip.as_deref().filter(|ip| !ip.is_empty()) {
            Some(ip) if list.is_empty() => ClusterIps { values: vec![ip], written_as_list: false },
            _ => ClusterIps { values: list, written_as_list: spec.cluster_ips.is_some() },
        }
    }

    /// `isHeadlessService`: exactly `["None"]`.
    fn headless(&self) -> bool {
        self.values.as_slice() == ["None"]
    }

    fn at(&self) -> String {
        if self.written_as_list { "spec.clusterIPs".into() } else { "spec.clusterIP".into() }
    }

    pub fn index_at(&self, i: usize) -> String {
        if self.written_as_list { format!("spec.clusterIPs[{i}]") } else { "spec.clusterIP".into() }
    }

    fn printed(&self) -> String {
        super::field::string_list(&self.values)
    }
}

/// Go's `ip.To4() == nil` after `ParseIPSloppy` (`netutils.IsIPv6String`):
/// an IPv4-mapped IPv6 address counts as IPv4.
fn is_ipv6(ip: &IpAddr) -> bool {
    matches!(go_to4(*ip), IpAddr::V6(_))
}

/// `ValidateServiceClusterIPsRelatedFields` (not called for ExternalName).
fn cluster_ips_related_fields(spec: &ServiceSpec, ips: &ClusterIps, out: &mut Vec<Found>) {
    let list = "spec.clusterIPs";
    let cluster_ip = spec.cluster_ip.as_deref().unwrap_or_default();
    if !cluster_ip.is_empty() {
        if ips.values.first().is_some_and(|first| *first != cluster_ip) {
            let message = invalid(list, &ips.printed(), "first value must match `clusterIP`");
            push(out, rule::SERVICE_CLUSTER_IP, &ips.at(), message);
        }
    } else if !ips.values.is_empty() {
        let message = invalid(list, &ips.printed(), "must be empty when `clusterIP` is not specified");
        push(out, rule::SERVICE_CLUSTER_IP, &ips.at(), message);
    }
    let families: &[String] = spec.ip_families.as_deref().unwrap_or_default();
    let mut seen = BTreeSet::new();
    for (i, family) in families.iter().enumerate() {
        let at = format!("spec.ipFamilies[{i}]");
        if !IP_FAMILIES.contains(&family.as_str()) {
            push(out, rule::SERVICE_CLUSTER_IP, &at, not_supported(&at, &quoted(family), &IP_FAMILIES));
        }
        if !seen.insert(family.as_str()) {
            push(out, rule::SERVICE_CLUSTER_IP, &at, duplicate(&at, &quoted(family)));
        }
    }
    // A nil policy is chosen by the allocator.
    if let Some(policy) = spec.ip_family_policy.as_deref()
        && !IP_FAMILY_POLICIES.contains(&policy)
    {
        let at = "spec.ipFamilyPolicy";
        push(out, rule::SERVICE_CLUSTER_IP, at, not_supported(at, &quoted(policy), &IP_FAMILY_POLICIES));
    }
    let mut has_invalid_ips = false;
    let mut parsed = Vec::new();
    for (i, ip) in ips.values.iter().enumerate() {
        if i == 0 && *ip == "None" {
            if ips.values.len() > 1 {
                has_invalid_ips = true;
                let message = invalid(list, &ips.printed(), "'None' must be the first and only value");
                push(out, rule::SERVICE_CLUSTER_IP, &ips.at(), message);
            }
            continue;
        }
        match parse_ip_sloppy(ip) {
            Some(address) => parsed.push(address),
            None => {
                has_invalid_ips = true;
                let at = format!("{list}[{i}]");
                push(out, rule::SERVICE_CLUSTER_IP, &ips.index_at(i), invalid(&at, &quoted(ip), IP_EXAMPLE));
            }
        }
    }
    if ips.values.len() > 2 {
        push(out, rule::SERVICE_CLUSTER_IP, &ips.at(), invalid(list, &ips.printed(), "may only hold up to 2 values"));
    }
    if has_invalid_ips {
        return;
    }
    // netutils.IsDualStackIPStrings: one of each family.
    if ips.values.len() > 1 {
        let v6 = parsed.iter().filter(|ip| is_ipv6(ip)).count();
        if v6 == 0 || v6 == parsed.len() {
            let message = invalid(list, &ips.printed(), "may specify no more than one IP for each IP family");
            push(out, rule::SERVICE_CLUSTER_IP, &ips.at(), message);
        }
    }
    if !ips.headless() && !families.is_empty() {
        for (i, (ip, address)) in ips.values.iter().zip(&parsed).enumerate() {
            let Some(family) = families.get(i) else { break };
            let expected = match (family.as_str(), is_ipv6(address)) {
                ("IPv4", true) => "IPv4",
                ("IPv6", false) => "IPv6",
                _ => continue,
            };
            let at = format!("{list}[{i}]");
            let detail = format!("expected an {expected} value as indicated by `ipFamilies[{i}]`");
            push(out, rule::SERVICE_CLUSTER_IP, &ips.index_at(i), invalid(&at, &quoted(ip), &detail));
        }
    }
}

/// Both topology annotations set must agree.
fn topology_annotations(service: &Service, out: &mut Vec<Found>) {
    let annotations = service.metadata.annotations.as_ref();
    let mode = annotations.and_then(|a| a.get(TOPOLOGY_MODE));
    let hints = annotations.and_then(|a| a.get(TOPOLOGY_HINTS));
    if let (Some(mode), Some(hints)) = (mode, hints)
        && mode != hints
    {
        let at = format!("metadata.annotations[{TOPOLOGY_MODE}]");
        let detail = format!("must match annotations[{TOPOLOGY_HINTS}] when both are specified");
        push(out, rule::SERVICE_ROUTING, &at, invalid(&at, &quoted(mode), &detail));
    }
}

/// An ExternalName Service has no cluster IPs or families, and a DNS name
/// (a trailing dot, an FQDN's, is allowed).
fn external_name(spec: &ServiceSpec, ips: &ClusterIps, out: &mut Vec<Found>) {
    const DETAIL: &str = "may not be set for ExternalName services";
    if !ips.values.is_empty() {
        push(out, rule::SERVICE_TYPE, &ips.at(), forbidden("spec.clusterIPs", DETAIL));
    }
    if spec.ip_families.as_ref().is_some_and(|f| !f.is_empty()) {
        push(out, rule::SERVICE_TYPE, "spec.ipFamilies", forbidden("spec.ipFamilies", DETAIL));
    }
    if spec.ip_family_policy.is_some() {
        push(out, rule::SERVICE_TYPE, "spec.ipFamilyPolicy", forbidden("spec.ipFamilyPolicy", DETAIL));
    }
    let at = "spec.externalName";
    let name = spec.external_name.as_deref().unwrap_or_default();
    let cname = name.strip_suffix('.').unwrap_or(name);
    if cname.is_empty() {
        push(out, rule::SERVICE_TYPE, at, required(at, ""));
        return;
    }
    for problem in NameRule::Dns1123Subdomain.problems(cname) {
        push(out, rule::SERVICE_TYPE, at, invalid(at, &quoted(cname), &problem));
    }
}

/// `validateServicePort`: name, number, protocol (defaulted to TCP when
/// empty), target port (defaulted to the port when 0 or empty), appProtocol.
fn service_port(port: &ServicePort, at: &str, require_name: bool, names: &mut BTreeSet<String>, out: &mut Vec<Found>) {
    let name_path = format!("{at}.name");
    match port.name.as_deref().filter(|n| !n.is_empty()) {
        None if require_name => push(out, rule::SERVICE_PORT_NAME, &name_path, required(&name_path, "")),
        None => {}
        Some(name) => {
            for problem in NameRule::Dns1123Label.problems(name) {
                push(out, rule::SERVICE_PORT_NAME, &name_path, invalid(&name_path, &quoted(name), &problem));
            }
            if !names.insert(name.to_owned()) {
                push(out, rule::SERVICE_PORT_NAME, &name_path, duplicate(&name_path, &quoted(name)));
            }
        }
    }
    let port_path = format!("{at}.port");
    for problem in port_num_problems(i64::from(port.port)) {
        push(out, rule::SERVICE_PORT, &port_path, invalid(&port_path, &port.port.to_string(), &problem));
    }
    super::core::protocol(port.protocol.as_deref(), &format!("{at}.protocol"), rule::SERVICE_PORT, out);
    match &port.target_port {
        Some(IntOrString::Int(0)) | None => {}
        Some(IntOrString::String(s)) if s.is_empty() => {}
        Some(target) => {
            let target_path = format!("{at}.targetPort");
            for message in port_num_or_name(&target_path, target) {
                push(out, rule::SERVICE_PORT, &target_path, message);
            }
        }
    }
    if let Some(app_protocol) = &port.app_protocol {
        let app_path = format!("{at}.appProtocol");
        for problem in qualified_name_problems(app_protocol) {
            push(out, rule::SERVICE_PORT, &app_path, invalid(&app_path, &quoted(app_protocol), &problem));
        }
    }
}

/// Session affinity after defaulting: None drops any config; ClientIP gets
/// the default timeout (three hours) when none is given, so only a written
/// timeout outside (0, 86400] is refused (`validateAffinityTimeout`).
fn session_affinity(spec: &ServiceSpec, out: &mut Vec<Found>) {
    let at = "spec.sessionAffinity";
    match spec.session_affinity.as_deref().filter(|a| !a.is_empty()).unwrap_or("None") {
        "None" => {}
        "ClientIP" => {
            let timeout = spec
                .session_affinity_config
                .as_ref()
                .and_then(|c| c.client_ip.as_ref())
                .and_then(|c| c.timeout_seconds);
            if let Some(seconds) = timeout.filter(|s| *s <= 0 || *s > MAX_AFFINITY_SECONDS) {
                let at = "spec.sessionAffinityConfig.clientIP.timeoutSeconds";
                let detail = format!("must be greater than 0 and less than {MAX_AFFINITY_SECONDS}");
                push(out, rule::SERVICE_ROUTING, at, invalid(at, &seconds.to_string(), &detail));
            }
        }
        other => push(out, rule::SERVICE_ROUTING, at, not_supported(at, &quoted(other), &SESSION_AFFINITIES)),
    }
}

/// `externalIPs`: each an IP (`IsValidIPForLegacyField`, sloppy parsing while
/// `StrictIPCIDRValidation` is off) and then `ValidateNonSpecialIP`.
fn external_ips(spec: &ServiceSpec, out: &mut Vec<Found>) {
    for (i, ip) in spec.external_ips.iter().flatten().enumerate() {
        let at = format!("spec.externalIPs[{i}]");
        match parse_ip_sloppy(ip) {
            None => push(out, rule::SERVICE_EXTERNAL, &at, invalid(&at, &quoted(ip), IP_EXAMPLE)),
            Some(address) => {
                for problem in special_ip_problems(ip, address) {
                    push(out, rule::SERVICE_EXTERNAL, &at, invalid(&at, &quoted(ip), &problem));
                }
            }
        }
    }
}

/// `ValidateNonSpecialIP`'s messages, with Go's `net.IP` predicates (an
/// IPv4-mapped IPv6 address is judged as IPv4).
fn special_ip_problems(text: &str, address: IpAddr) -> Vec<String> {
    let (unspecified, loopback, link_local, link_local_multicast) = match go_to4(address) {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            (v4.is_unspecified(), o[0] == 127, o[0] == 169 && o[1] == 254, o[0] == 224 && o[1] == 0 && o[2] == 0)
        }
        IpAddr::V6(v6) => {
            let o = v6.octets();
            (
                v6.is_unspecified(),
                v6.is_loopback(),
                o[0] == 0xfe && o[1] & 0xc0 == 0x80,
                o[0] == 0xff && o[1] & 0x0f == 0x02,
            )
        }
    };
    let mut problems = Vec::new();
    if unspecified {
        problems.push(format!("may not be unspecified ({text})"));
    }
    if loopback {
        problems.push("may not be in the loopback range (127.0.0.0/8, ::1/128)".to_owned());
    }
    if link_local {
        problems.push("may not be in the link-local range (169.254.0.0/16, fe80::/10)".to_owned());
    }
    if link_local_multicast {
        problems.push("may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)".to_owned());
    }
    problems
}

/// Duplicate nodePorts and then duplicate ports, each by (protocol, number).
fn duplicate_ports(ports: &[ServicePort], out: &mut Vec<Found>) {
    let protocol_of =
        |port: &ServicePort| port.protocol.clone().filter(|p| !p.is_empty()).unwrap_or_else(|| "TCP".into());
    let mut node_ports: BTreeSet<(String, i32)> = BTreeSet::new();
    for (i, port) in ports.iter().enumerate() {
        if let Some(node_port) = port.node_port.filter(|p| *p != 0)
            && !node_ports.insert((protocol_of(port), node_port))
        {
            let at = format!("spec.ports[{i}].nodePort");
            push(out, rule::SERVICE_NODE_PORT, &at, duplicate(&at, &node_port.to_string()));
        }
    }
    let mut keys: BTreeSet<(String, i32)> = BTreeSet::new();
    for (i, port) in ports.iter().enumerate() {
        let protocol = protocol_of(port);
        if !keys.insert((protocol.clone(), port.port)) {
            let at = format!("spec.ports[{i}]");
            // The internal type has no JSON tags: Go's field names.
            let key = format!(
                "{{\"Name\":\"\",\"Protocol\":{},\"AppProtocol\":null,\"Port\":{},\"TargetPort\":0,\"NodePort\":0}}",
                super::field::json_string(&protocol),
                port.port
            );
            push(out, rule::SERVICE_PORT_DUPLICATE, &at, duplicate(&at, &key));
        }
    }
}

/// `loadBalancerSourceRanges` (or its annotation), `allocateLoadBalancerNodePorts`
/// and `loadBalancerClass`: LoadBalancer Services only.
fn load_balancer_fields(service: &Service, spec: &ServiceSpec, service_type: &str, out: &mut Vec<Found>) {
    const ONLY_LB: &str = "may only be used when `type` is 'LoadBalancer'";
    let load_balancer = service_type == "LoadBalancer";
    let ranges: &[String] = spec.load_balancer_source_ranges.as_deref().unwrap_or_default();
    let annotation = service.metadata.annotations.as_ref().and_then(|a| a.get(SOURCE_RANGES_ANNOTATION));
    if !ranges.is_empty() {
        // Upstream's path keeps a capital L (the field's Go name).
        let printed = "spec.LoadBalancerSourceRanges";
        if !load_balancer {
            push(out, rule::SERVICE_EXTERNAL, "spec.loadBalancerSourceRanges", forbidden(printed, ONLY_LB));
        }
        for (i, value) in ranges.iter().enumerate() {
            // Space padding is tolerated (a leftover of the annotation).
            let value = value.trim();
            if !is_cidr_sloppy(value) {
                let at = format!("spec.loadBalancerSourceRanges[{i}]");
                push(
                    out,
                    rule::SERVICE_EXTERNAL,
                    &at,
                    invalid(&format!("{printed}[{i}]"), &quoted(value), CIDR_EXAMPLE),
                );
            }
        }
    } else if let Some(value) = annotation {
        let at = format!("metadata.annotations[{SOURCE_RANGES_ANNOTATION}]");
        if !load_balancer {
            push(out, rule::SERVICE_EXTERNAL, &at, forbidden(&at, ONLY_LB));
        }
        let value = value.trim();
        if !value.is_empty() {
            for cidr in value.split(',').map(str::trim) {
                if !is_cidr_sloppy(cidr) {
                    push(out, rule::SERVICE_EXTERNAL, &at, invalid(&at, &quoted(cidr), CIDR_EXAMPLE));
                }
            }
        }
    }
    if spec.allocate_load_balancer_node_ports.is_some() && !load_balancer {
        let at = "spec.allocateLoadBalancerNodePorts";
        push(out, rule::SERVICE_EXTERNAL, at, forbidden(at, ONLY_LB));
    }
    if let Some(class) = &spec.load_balancer_class {
        let at = "spec.loadBalancerClass";
        if load_balancer {
            for problem in qualified_name_problems(class) {
                push(out, rule::SERVICE_EXTERNAL, at, invalid(at, &quoted(class), &problem));
            }
        } else {
            push(out, rule::SERVICE_EXTERNAL, at, forbidden(at, ONLY_LB));
        }
    }
}

/// `netutils.ParseCIDRSloppy`: an address (IPv4 parts may have leading
/// zeros), `/`, and a decimal prefix length within the address's size.
fn is_cidr_sloppy(value: &str) -> bool {
    let Some((address, prefix)) = value.split_once('/') else { return false };
    let Some(ip) = parse_ip_sloppy(address) else { return false };
    // Written as IPv4 or not decides the size (Go's `Is4`).
    let bits = if matches!(ip, IpAddr::V4(_)) { 32 } else { 128 };
    !prefix.is_empty() && prefix.bytes().all(|b| b.is_ascii_digit()) && prefix.parse::<u32>().is_ok_and(|n| n <= bits)
}

/// `validateServiceExternalTrafficPolicy`, `validateServiceInternalTrafficFieldsValue`
/// and `validateServiceTrafficDistribution`, after defaulting (an externally
/// accessible Service's empty policy is Cluster; ClusterIP, NodePort and
/// LoadBalancer Services get an internal policy of Cluster; the allocator
/// assigns the health check port a Local LoadBalancer needs).
fn traffic_policies(spec: &ServiceSpec, service_type: &str, out: &mut Vec<Found>) {
    let has_external_ips = spec.external_ips.as_ref().is_some_and(|ips| !ips.is_empty());
    // pkg/api/service/util.go ExternallyAccessible.
    let externally_accessible =
        matches!(service_type, "LoadBalancer" | "NodePort") || (service_type == "ClusterIP" && has_external_ips);
    let external = spec.external_traffic_policy.as_deref().unwrap_or_default();
    let at = "spec.externalTrafficPolicy";
    if !externally_accessible {
        if !external.is_empty() {
            let message = invalid(at, &quoted(external), "may only be set for externally-accessible services");
            push(out, rule::SERVICE_EXTERNAL, at, message);
        }
    } else if !external.is_empty() && !TRAFFIC_POLICIES.contains(&external) {
        push(out, rule::SERVICE_EXTERNAL, at, not_supported(at, &quoted(external), &TRAFFIC_POLICIES));
    }
    // NeedsHealthCheck: a LoadBalancer with the Local policy.
    let needs_health_check = service_type == "LoadBalancer" && external == "Local";
    let health_port = spec.health_check_node_port.unwrap_or(0);
    let at = "spec.healthCheckNodePort";
    if !needs_health_check {
        if health_port != 0 {
            let detail = "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'";
            push(out, rule::SERVICE_EXTERNAL, at, invalid(at, &health_port.to_string(), detail));
        }
    } else if health_port != 0 {
        for problem in port_num_problems(i64::from(health_port)) {
            push(out, rule::SERVICE_EXTERNAL, at, invalid(at, &health_port.to_string(), &problem));
        }
    }
    if let Some(policy) = spec.internal_traffic_policy.as_deref()
        && !TRAFFIC_POLICIES.contains(&policy)
    {
        let at = "spec.internalTrafficPolicy";
        push(out, rule::SERVICE_ROUTING, at, not_supported(at, &quoted(policy), &TRAFFIC_POLICIES));
    }
    if let Some(distribution) = spec.traffic_distribution.as_deref()
        && !TRAFFIC_DISTRIBUTIONS.contains(&distribution)
    {
        let at = "spec.trafficDistribution";
        push(out, rule::SERVICE_ROUTING, at, not_supported(at, &quoted(distribution), &TRAFFIC_DISTRIBUTIONS));
    }
}
