//! pkg/apis/core/validation/validation.go: how a pod resolves and names hosts
//! (`validateDNSPolicy`, `validatePodDNSConfig`, `ValidateHostAliases`, and
//! the `hostname` / `subdomain` checks of `ValidatePodSpec`) and the other
//! names a pod spec refers to (`serviceAccountName`, `nodeName`,
//! `priorityClassName`, readiness gates).

use k8s_openapi::api::core::v1::PodSpec;

use super::field::{invalid, is_ip_sloppy, not_supported, qualified_name_problems, quoted, required};
use super::{Found, Rule, rule};
use crate::load::NameRule;

/// `MaxDNSNameservers`, `MaxDNSSearchPaths`, `MaxDNSSearchListChars`.
const MAX_NAMESERVERS: usize = 3;
const MAX_SEARCH_PATHS: usize = 32;
const MAX_SEARCH_LIST_CHARS: usize = 2048;
const DNS_POLICIES: [&str; 4] = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];

fn push(out: &mut Vec<Found>, rule: &'static Rule, at: &str, message: String) {
    out.push(Found::new(rule, at.to_owned(), message));
}

/// `validateDNSPolicy` (an absent or empty policy is defaulted to ClusterFirst
/// before validation, so only an unknown one is refused).
pub fn dns_policy(spec: &PodSpec, base: &str, out: &mut Vec<Found>) {
    if let Some(policy) = spec.dns_policy.as_deref().filter(|p| !p.is_empty() && !DNS_POLICIES.contains(p)) {
        let at = format!("{base}.dnsPolicy");
        push(out, rule::POD_DNS, &at, not_supported(&at, &quoted(policy), &DNS_POLICIES));
    }
}

/// `validatePodDNSConfig`, with the relaxed search validation of Kubernetes
/// 1.33+ (`RelaxedDNSSearchValidation`, on by default: `_` allowed, `.` alone
/// accepted; docs/semantics/validation.md §6).
pub fn dns_config(spec: &PodSpec, base: &str, out: &mut Vec<Found>) {
    let at = format!("{base}.dnsConfig");
    let config = spec.dns_config.as_ref();
    let nameservers = config.and_then(|c| c.nameservers.as_deref()).unwrap_or_default();
    if spec.dns_policy.as_deref() == Some("None") {
        match config {
            None => {
                return push(
                    out,
                    rule::POD_DNS,
                    &at,
                    required(&at, "must provide `dnsConfig` when `dnsPolicy` is None"),
                );
            }
            Some(_) if nameservers.is_empty() => {
                let ns_at = format!("{at}.nameservers");
                let detail = "must provide at least one DNS nameserver when `dnsPolicy` is None";
                return push(out, rule::POD_DNS, &ns_at, required(&ns_at, detail));
            }
            Some(_) => {}
        }
    }
    let Some(config) = config else { return };
    let ns_at = format!("{at}.nameservers");
    if nameservers.len() > MAX_NAMESERVERS {
        let detail = format!("must not have more than {MAX_NAMESERVERS} nameservers");
        push(out, rule::POD_DNS, &ns_at, invalid(&ns_at, &super::field::string_list(nameservers), &detail));
    }
    for (i, nameserver) in nameservers.iter().enumerate() {
        ip(nameserver, &format!("{ns_at}[{i}]"), rule::POD_DNS, out);
    }
    let searches = config.searches.as_deref().unwrap_or_default();
    let search_at = format!("{at}.searches");
    if searches.len() > MAX_SEARCH_PATHS {
        let detail = format!("must not have more than {MAX_SEARCH_PATHS} search paths");
        push(out, rule::POD_DNS, &search_at, invalid(&search_at, &super::field::string_list(searches), &detail));
    }
    if searches.join(" ").len() > MAX_SEARCH_LIST_CHARS {
        let detail =
            format!("must not have more than {MAX_SEARCH_LIST_CHARS} characters (including spaces) in the search list");
        push(out, rule::POD_DNS, &search_at, invalid(&search_at, &super::field::string_list(searches), &detail));
    }
    for (i, search) in searches.iter().enumerate() {
        if search == "." {
            continue;
        }
        let search = search.strip_suffix('.').unwrap_or(search);
        let one_at = format!("{search_at}[{i}]");
        for problem in subdomain_with_underscore_problems(search) {
            push(out, rule::POD_DNS, &one_at, invalid(&one_at, &quoted(search), &problem));
        }
    }
    for (i, option) in config.options.iter().flatten().enumerate() {
        if option.name.as_deref().unwrap_or_default().is_empty() {
            let option_at = format!("{at}.options[{i}]");
            push(out, rule::POD_DNS, &option_at, required(&option_at, "must not be empty"));
        }
    }
}

/// `IsValidIPForLegacyField` without strict validation (the
/// `StrictIPCIDRValidation` feature is off by default): anything
/// `netutils.ParseIPSloppy` reads.
fn ip(value: &str, at: &str, rule: &'static Rule, out: &mut Vec<Found>) {
    if !is_ip_sloppy(value) {
        push(
            out,
            rule,
            at,
            invalid(at, &quoted(value), "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"),
        );
    }
}

/// `IsDNS1123SubdomainWithUnderscore`: labels `_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?`
/// joined by dots, 253 characters at most.
fn subdomain_with_underscore_problems(value: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if value.len() > 253 {
        problems.push("must be no more than 253 characters".to_owned());
    }
    let label_ok = |label: &str| {
        let label = label.strip_prefix('_').unwrap_or(label).as_bytes();
        let end = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        !label.is_empty()
            && end(label[0])
            && end(label[label.len() - 1])
            && label.iter().all(|&b| end(b) || b == b'-' || b == b'_')
    };
    if !value.split('.').all(label_ok) {
        problems.push("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*')".to_owned());
    }
    problems
}

/// `ValidateHostAliases`: each IP, and each hostname a DNS subdomain.
pub fn host_aliases(spec: &PodSpec, base: &str, out: &mut Vec<Found>) {
    for (i, alias) in spec.host_aliases.iter().flatten().enumerate() {
        let at = format!("{base}.hostAliases[{i}]");
        ip(&alias.ip, &format!("{at}.ip"), rule::POD_DNS, out);
        for (j, hostname) in alias.hostnames.iter().flatten().enumerate() {
            let name_at = format!("{at}.hostnames[{j}]");
            for problem in NameRule::Dns1123Subdomain.problems(hostname) {
                push(out, rule::POD_DNS, &name_at, invalid(&name_at, &quoted(hostname), &problem));
            }
        }
    }
}

/// `validateReadinessGates`: each condition type a qualified name.
pub fn readiness_gates(spec: &PodSpec, base: &str, out: &mut Vec<Found>) {
    for (i, gate) in spec.readiness_gates.iter().flatten().enumerate() {
        let at = format!("{base}.readinessGates[{i}].conditionType");
        for problem in qualified_name_problems(&gate.condition_type) {
            push(out, rule::POD_REFERENCE, &at, invalid(&at, &quoted(&gate.condition_type), &problem));
        }
    }
}

/// The names `ValidatePodSpec` checks after the placement rules, in its order:
/// `serviceAccountName` and `nodeName` (DNS subdomains), `hostname` and
/// `subdomain` (DNS labels); then, after the tolerations, host aliases, and
/// `priorityClassName` (a DNS subdomain).
pub fn names(spec: &PodSpec, base: &str, out: &mut Vec<Found>) {
    let mut check = |rule: &'static Rule, field: &str, value: Option<&str>, name_rule: NameRule| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            let at = format!("{base}.{field}");
            for problem in name_rule.problems(value) {
                push(out, rule, &at, invalid(&at, &quoted(value), &problem));
            }
        }
    };
    check(rule::POD_REFERENCE, "serviceAccountName", spec.service_account_name.as_deref(), NameRule::Dns1123Subdomain);
    check(rule::POD_REFERENCE, "nodeName", spec.node_name.as_deref(), NameRule::Dns1123Subdomain);
    check(rule::POD_DNS, "hostname", spec.hostname.as_deref(), NameRule::Dns1123Label);
    check(rule::POD_DNS, "subdomain", spec.subdomain.as_deref(), NameRule::Dns1123Label);
}

/// `priorityClassName` and `runtimeClassName`, which `ValidatePodSpec` checks
/// after the host aliases.
pub fn priority_class_name(spec: &PodSpec, base: &str, out: &mut Vec<Found>) {
    if let Some(name) = spec.priority_class_name.as_deref().filter(|n| !n.is_empty()) {
        let at = format!("{base}.priorityClassName");
        for problem in NameRule::Dns1123Subdomain.problems(name) {
            push(out, rule::POD_REFERENCE, &at, invalid(&at, &quoted(name), &problem));
        }
    }
    if let Some(name) = spec.runtime_class_name.as_deref() {
        let at = format!("{base}.runtimeClassName");
        for problem in NameRule::Dns1123Subdomain.problems(name) {
            push(out, rule::POD_REFERENCE, &at, invalid(&at, &quoted(name), &problem));
        }
    }
}
