//! Lint findings about NetworkPolicies, each a located
//! [`Diagnostic`] with a stable code and a hint on how to fix it.
//!
//! | code | severity |
//! |---|---|
//! | `netpol-invalid` | error (from compiling, see [`super::policy`]) |
//! | `netpol-selects-nothing` | warning |
//! | `netpol-peer-selects-nothing` | warning |
//! | `netpol-namespace-label-unmatched` | warning |
//! | `netpol-namespace-not-in-input` | info |
//! | `netpol-dns-tcp-only` | warning |
//! | `netpol-dns-blocked` | warning |
//! | `netpol-named-port-unresolved` | warning |
//! | `netpol-rules-ignored` | warning |
//! | `netpol-egress-not-enforced` | warning |
//! | `netpol-allow-all-shadows` | info |
//! | `netpol-service-port-unreachable` | info (see [`super::needs`]) |
//! | `netpol-scrape-blocked` | warning (see [`super::needs`]) |
//! | `netpol-env-endpoint-blocked` | warning (see [`super::needs`]) |

use std::collections::BTreeSet;

use super::Protocol;
use super::classes::FastMap;
use super::engine::Engine;
use super::explain::peer_matches;
use super::policy::{Direction, NamespaceScope, PeerKind, Policy, PortMatch, PortSpec};
use super::selector::{Op, Selector};
use crate::diagnostic::{Area, Diagnostic, Severity};
use crate::model::{Inventory, NAMESPACE_NAME_LABEL, Object};

/// Every finding, including the `netpol-invalid` errors from compiling.
pub fn lint(engine: &Engine, inventory: &Inventory) -> Vec<Diagnostic> {
    let mut out = engine.diagnostics.clone();
    let has_endpoints = !engine.endpoints.is_empty();
    // Computed once: DNS views (only if some policy restricts egress) and a
    // (label key, value) → classes index for "does this peer match anything".
    let dns_ports = dns_marks(engine);
    let mut namespace_classes: Vec<Vec<u32>> = vec![Vec::new(); engine.namespaces.len()];
    for (id, class) in engine.classes().iter().enumerate() {
        if let Some(list) = namespace_classes.get_mut(class.namespace) {
            list.push(id as u32);
        }
    }
    let mut label_index: FastMap<(&str, &str), Vec<u32>> = FastMap::default();
    for (id, class) in engine.classes().iter().enumerate() {
        if let Some(rep) = engine.endpoints.get(class.representative) {
            for (k, v) in &rep.labels {
                label_index.entry((k.as_str(), v.as_str())).or_default().push(id as u32);
            }
        }
    }
    // The hostNetwork classes, so that a selector matching nothing can say
    // whether it would have matched one (usually none, so checking is free).
    let host_network: Vec<u32> =
        (0..engine.class_count() as u32).filter(|&c| engine.class_is_host_network(c)).collect();
    for (pi, policy) in engine.policies.iter().enumerate() {
        let selected = engine.selected.get(pi).map(|s| s.to_vec()).unwrap_or_default();
        if has_endpoints && selected.is_empty() {
            let own = engine.namespaces.iter().position(|n| n.name == policy.namespace);
            let host_network = host_network_matches(engine, &host_network, |n| Some(n) == own, &policy.selector);
            let message = if host_network.is_empty() {
                format!(
                    "NetworkPolicy {} selects no pod: nothing in namespace {} matches podSelector {}, so the policy has no effect. Check the selector against the pods' (or pod templates') labels and the policy's namespace.",
                    policy.id(),
                    policy.namespace,
                    policy.selector.describe()
                )
            } else {
                format!(
                    "NetworkPolicy {} selects no pod: in namespace {} only hostNetwork pods match podSelector {} ({host_network}), and NetworkPolicy never selects those (their traffic is the node's), so the policy has no effect.",
                    policy.id(),
                    policy.namespace,
                    policy.selector.describe()
                )
            };
            out.push(Diagnostic::at(
                Area::NetworkPolicy,
                &policy.origin,
                "spec.podSelector",
                Severity::Warning,
                "netpol-selects-nothing",
                message,
            ));
        }
        peers(engine, policy, has_endpoints, &label_index, &namespace_classes, &host_network, &mut out);
        named_ports(engine, policy, &selected, &mut out);
        ignored_rules(policy, inventory, &mut out);
        dns(policy, &selected, &dns_ports, &mut out);
        shadows(engine, pi, policy, &mut out);
    }
    out.extend(super::needs::findings(engine, inventory));
    out
}

/// The hostNetwork pods (the first three ids, comma-separated, then how many
/// more, as a cluster dump can hold one per node; empty when none) of the
/// classes `host_network` lists, in the namespaces (by index) `in_scope`
/// takes, whose labels `selector` matches. Selectors never match them
/// (netpol.md §35), so when they are all a selector would have matched, the
/// finding says so rather than that nothing has the labels.
fn host_network_matches(
    engine: &Engine,
    host_network: &[u32],
    in_scope: impl Fn(usize) -> bool,
    selector: &Selector,
) -> String {
    let mut ids: Vec<&str> = Vec::new();
    for &class in host_network {
        let Some(c) = engine.classes().get(class as usize) else { continue };
        if in_scope(c.namespace) && engine.endpoints.get(c.representative).is_some_and(|r| selector.matches(&r.labels))
        {
            ids.extend(
                engine.members(class).iter().filter_map(|&e| engine.endpoints.get(e as usize)).map(|e| e.id.as_str()),
            );
        }
    }
    match ids.len() {
        0..=3 => ids.join(", "),
        n => format!("{} and {} more", ids[..3].join(", "), n - 3),
    }
}

fn peers(
    engine: &Engine,
    policy: &Policy,
    has_endpoints: bool,
    label_index: &FastMap<(&str, &str), Vec<u32>>,
    namespace_classes: &[Vec<u32>],
    host_network: &[u32],
    out: &mut Vec<Diagnostic>,
) {
    for direction in [Direction::Ingress, Direction::Egress] {
        for rule in policy.rules(direction).into_iter().flatten() {
            for peer in rule.peers.iter().flatten() {
                let PeerKind::Pods { namespaces, pods } = &peer.kind else {
                    continue;
                };
                let path =
                    format!("spec.{}[{}].{}[{}]", direction.field(), rule.index, direction.peers_field(), peer.index);
                if let NamespaceScope::Selector(selector) = namespaces
                    && !engine.namespaces.iter().any(|n| selector.matches(&n.labels))
                {
                    // Selected by name: right on any cluster that has the
                    // namespace (the API server labels each with its name), so
                    // this only says the input does not hold it.
                    let (severity, code, message) = match names_selected(selector) {
                        Some(names) => (Severity::Info, "netpol-namespace-not-in-input", absent_message(&names, pods)),
                        None => {
                            (Severity::Warning, "netpol-namespace-label-unmatched", namespace_message(engine, selector))
                        }
                    };
                    let at = format!("{path}.namespaceSelector");
                    out.push(Diagnostic::at(Area::NetworkPolicy, &policy.origin, &at, severity, code, message));
                    continue;
                }
                if !has_endpoints {
                    continue;
                }
                // Candidates: the smallest posting list of an `In` requirement.
                let candidates: Option<Vec<u32>> = pods
                    .requirements
                    .iter()
                    .filter_map(|r| match &r.op {
                        Op::In(values) => Some(
                            values
                                .iter()
                                .filter_map(|v| label_index.get(&(r.key.as_str(), v.as_str())))
                                .flatten()
                                .copied()
                                .collect::<Vec<u32>>(),
                        ),
                        _ => None,
                    })
                    .min_by_key(Vec::len);
                // Namespaces in scope, by index, so candidates are checked without
                // string comparisons (classes are ordered by namespace).
                let in_scope: Vec<bool> = engine
                    .namespaces
                    .iter()
                    .map(|n| match namespaces {
                        NamespaceScope::Own => n.name == policy.namespace,
                        NamespaceScope::Selector(selector) => selector.matches(&n.labels),
                    })
                    .collect();
                let matches = |class: u32| {
                    engine.classes().get(class as usize).is_some_and(|c| {
                        in_scope.get(c.namespace).copied().unwrap_or(false)
                            && engine
                                .endpoints
                                .get(c.representative)
                                .is_some_and(|rep| !rep.host_network && pods.matches(&rep.labels))
                    })
                };
                let matches_any = match candidates {
                    Some(ids) => ids.into_iter().any(matches),
                    None => namespace_classes
                        .iter()
                        .enumerate()
                        .filter(|(n, _)| in_scope.get(*n).copied().unwrap_or(false))
                        .flat_map(|(_, ids)| ids.iter().copied())
                        .any(matches),
                };
                if !matches_any {
                    let scope = match namespaces {
                        NamespaceScope::Own => format!("namespace {}", policy.namespace),
                        NamespaceScope::Selector(s) => {
                            format!("namespaces matching {}", s.describe())
                        }
                    };
                    let host_network =
                        host_network_matches(engine, host_network, |n| in_scope.get(n).copied().unwrap_or(false), pods);
                    let message = if host_network.is_empty() {
                        format!(
                            "this {} peer matches no pod: nothing in {scope} has labels {}. It allows nothing; check the labels (a podSelector without namespaceSelector only looks in the policy's own namespace).",
                            direction.peers_field(),
                            pods.describe()
                        )
                    } else {
                        format!(
                            "this {} peer matches no pod: in {scope} only hostNetwork pods have labels {} ({host_network}), and peers never match those (their traffic is the node's). It allows nothing; an ipBlock of the nodes' addresses does.",
                            direction.peers_field(),
                            pods.describe()
                        )
                    };
                    out.push(Diagnostic::at(
                        Area::NetworkPolicy,
                        &policy.origin,
                        &path,
                        Severity::Warning,
                        "netpol-peer-selects-nothing",
                        message,
                    ));
                }
            }
        }
    }
}

/// The namespaces a selector picks by name alone (every requirement an `In` on
/// `kubernetes.io/metadata.name`), or None when it selects by other labels.
fn names_selected(selector: &Selector) -> Option<Vec<&str>> {
    fn by_name(r: &super::selector::Requirement) -> Option<&Vec<String>> {
        match &r.op {
            Op::In(values) if r.key == NAMESPACE_NAME_LABEL => Some(values),
            _ => None,
        }
    }
    let (first, rest) = selector.requirements.split_first()?;
    let mut names: Vec<&str> = by_name(first)?.iter().map(String::as_str).collect();
    for requirement in rest {
        let values = by_name(requirement)?;
        names.retain(|name| values.iter().any(|v| v == name));
    }
    names.sort_unstable();
    names.dedup();
    Some(names)
}

fn absent_message(names: &[&str], pods: &Selector) -> String {
    let which = match names {
        [] => "no namespace (its name requirements exclude each other)".to_owned(),
        [one] => format!("namespace {one}, which is not in the input"),
        many => format!("namespaces {}, none of which is in the input", many.join(", ")),
    };
    let pods = if pods.requirements.is_empty() {
        "every pod there".to_owned()
    } else {
        format!("the pods there with labels {}", pods.describe())
    };
    format!(
        "namespaceSelector selects {which}, so here this peer matches nothing. On a cluster that has it, the API server's `{NAMESPACE_NAME_LABEL}` label makes the peer match {pods}: add those objects to the input to see that traffic."
    )
}

fn namespace_message(engine: &Engine, selector: &Selector) -> String {
    let missing_keys: BTreeSet<&str> = selector
        .requirements
        .iter()
        .filter(|r| r.needs_key() && !engine.namespaces.iter().any(|n| n.labels.contains_key(&r.key)))
        .map(|r| r.key.as_str())
        .collect();
    let wanted_name = selector.requirements.iter().find_map(|r| match &r.op {
        Op::In(values) if values.len() == 1 => values.first().map(String::as_str),
        _ => None,
    });
    let mut message = format!("namespaceSelector {} matches no namespace", selector.describe());
    if !missing_keys.is_empty() {
        let keys: Vec<String> = missing_keys.iter().map(|k| format!("`{k}`")).collect();
        message.push_str(&format!(
            ": no namespace carries the label {}. Real namespaces only carry `{NAMESPACE_NAME_LABEL}: <name>` unless someone labels them",
            keys.join(", ")
        ));
    }
    match wanted_name {
        Some(name) => message.push_str(&format!(
            ". To select a namespace by name write `namespaceSelector: {{matchLabels: {{{NAMESPACE_NAME_LABEL}: {name}}}}}`, or label it (`kubectl label namespace {name} {}`) and declare that label in its manifest",
            selector
                .requirements
                .iter()
                .map(|r| match &r.op {
                    Op::In(v) => format!("{}={}", r.key, v.join("")),
                    _ => r.key.clone(),
                })
                .collect::<Vec<_>>()
                .join(" ")
        )),
        None => message.push_str(". Label the namespaces you mean, or select them by `kubernetes.io/metadata.name`"),
    }
    message.push('.');
    message
}

fn named_ports(engine: &Engine, policy: &Policy, selected: &[u32], out: &mut Vec<Diagnostic>) {
    if engine.endpoints.is_empty() {
        return;
    }
    for direction in [Direction::Ingress, Direction::Egress] {
        for rule in policy.rules(direction).into_iter().flatten() {
            for entry in rule.ports.iter().flatten() {
                let PortSpec::Named(name) = &entry.spec else {
                    continue;
                };
                // Named ports resolve on the destination (netpol.md §28): the selected pods
                // for ingress, the rule's peers for egress.
                let destinations: Vec<u32> = match direction {
                    Direction::Ingress => selected.to_vec(),
                    Direction::Egress => (0..engine.class_count() as u32)
                        .filter(|c| {
                            engine.representative(*c).is_some_and(|rep| match &rule.peers {
                                None => true,
                                Some(peers) => peers.iter().any(|p| peer_matches(engine, policy, p, rep)),
                            })
                        })
                        .collect(),
                };
                if destinations.is_empty() {
                    continue;
                }
                let resolves = destinations
                    .iter()
                    .any(|c| engine.representative(*c).is_some_and(|rep| rep.resolve(name, entry.protocol).is_some()));
                if resolves {
                    continue;
                }
                let mut available: BTreeSet<String> = BTreeSet::new();
                for c in &destinations {
                    if let Some(rep) = engine.representative(*c) {
                        for p in rep.ports.iter().filter(|p| !p.name.is_empty()) {
                            available.insert(format!("{} ({}/{})", p.name, p.number, p.protocol));
                        }
                    }
                }
                let available = if available.is_empty() {
                    "they declare no named ports".to_owned()
                } else {
                    format!("they have {}", available.into_iter().collect::<Vec<_>>().join(", "))
                };
                let who = match direction {
                    Direction::Ingress => "pod this policy selects",
                    Direction::Egress => "destination of this rule",
                };
                out.push(Diagnostic::at(
                    Area::NetworkPolicy,
                    &policy.origin,
                    &format!("spec.{}[{}].ports[{}].port", direction.field(), rule.index, entry.index),
                    Severity::Warning,
                    "netpol-named-port-unresolved",
                    format!(
                        "named port `{name}` ({}) matches nothing: no {who} has a container port named `{name}` with protocol {} ({available}). Named ports resolve on the destination pod's `ports[].name`; fix the name or the protocol, or use the port number.",
                        entry.protocol, entry.protocol
                    ),
                ));
            }
        }
    }
}

fn ignored_rules(policy: &Policy, inventory: &Inventory, out: &mut Vec<Diagnostic>) {
    let Some(Object::NetworkPolicy(raw)) = inventory.objects.get(policy.object).map(|o| &o.object) else {
        return;
    };
    let Some(spec) = &raw.spec else { return };
    let types = spec.policy_types.clone().unwrap_or_default().join(", ");
    if policy.ingress.is_none() && spec.ingress.as_ref().is_some_and(|r| !r.is_empty()) {
        out.push(Diagnostic::at(
            Area::NetworkPolicy,
            &policy.origin,
            "spec.ingress",
            Severity::Warning,
            "netpol-rules-ignored",
            format!(
                "these ingress rules are ignored: policyTypes is [{types}], which does not include Ingress. Add Ingress to policyTypes to enforce them, or delete them."
            ),
        ));
    }
    if policy.egress.is_none() && spec.egress.as_ref().is_some_and(|r| !r.is_empty()) {
        out.push(Diagnostic::at(
            Area::NetworkPolicy,
            &policy.origin,
            "spec.egress",
            Severity::Warning,
            "netpol-rules-ignored",
            format!(
                "these egress rules are ignored: policyTypes is [{types}], which does not include Egress. Add Egress to policyTypes to enforce them, or delete them."
            ),
        ));
    }
    // netpol.md §4: `egress: []` without policyTypes defaults to [Ingress] only.
    let wrote_egress = policy.origin.source_map.get(&policy.origin.full_path("spec.egress")).is_some();
    if !policy.explicit_types && policy.egress.is_none() && wrote_egress {
        out.push(Diagnostic::at(
            Area::NetworkPolicy,
            &policy.origin,
            "spec.egress",
            Severity::Warning,
            "netpol-egress-not-enforced",
            "an empty `egress` list without policyTypes does not restrict egress: policyTypes then defaults to [Ingress] (Egress is added only when egress rules exist). Write `policyTypes: [Ingress, Egress]` to deny all egress.",
        ));
    }
}

/// Per class: whether some egress rule of a policy selecting it has ports that
/// match UDP/53, and TCP/53 (peers aside: a DNS server is often not among the
/// manifests, so its peer may select nothing here).
fn dns_marks(engine: &Engine) -> (Vec<bool>, Vec<bool>) {
    let mut udp = vec![false; engine.class_count()];
    let mut tcp = vec![false; engine.class_count()];
    for (pi, policy) in engine.policies.iter().enumerate() {
        let Some(rules) = &policy.egress else {
            continue;
        };
        // A named port counts when some pod resolves it to 53, or when it is one of
        // kube-dns's own port names (`dns`, `dns-tcp`), whose pods are rarely in the input.
        let allows = |protocol| {
            rules.iter().any(|r| match r.port_match(53, protocol) {
                PortMatch::All => true,
                PortMatch::None => false,
                PortMatch::Named(names) => names.iter().any(|(name, p)| {
                    name.starts_with("dns") || engine.endpoints.iter().any(|e| e.has_named_port(name, *p, 53))
                }),
            })
        };
        let (u, t) = (allows(Protocol::UDP), allows(Protocol::TCP));
        for class in engine.selected.get(pi).map(|s| s.to_vec()).unwrap_or_default() {
            if let Some(flag) = udp.get_mut(class as usize) {
                *flag |= u;
            }
            if let Some(flag) = tcp.get_mut(class as usize) {
                *flag |= t;
            }
        }
    }
    (udp, tcp)
}

fn dns(policy: &Policy, selected: &[u32], marks: &(Vec<bool>, Vec<bool>), out: &mut Vec<Diagnostic>) {
    let (udp, tcp) = marks;
    let marked = |list: &Vec<bool>, c: &u32| list.get(*c as usize).copied().unwrap_or(false);
    let Some(rules) = &policy.egress else { return };
    if selected.is_empty() {
        return;
    }
    // Would other policies (or this one) let these pods send UDP/53 anywhere?
    if selected.iter().all(|c| marked(udp, c)) {
        return;
    }
    let tcp_entry = rules.iter().find_map(|rule| match rule.port_match(53, Protocol::TCP) {
        PortMatch::All => Some(match &rule.ports {
            Some(ports) => {
                let index = ports.iter().position(|e| e.matches_number(53, Protocol::TCP)).unwrap_or(0);
                format!("spec.egress[{}].ports[{index}]", rule.index)
            }
            None => format!("spec.egress[{}]", rule.index),
        }),
        _ => None,
    });
    let fix = "DNS uses UDP port 53 (and TCP 53 only for large answers). Add a ports entry `{protocol: UDP, port: 53}` next to the TCP one, ideally with a `to` peer for kube-dns (`namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}` with `podSelector: {matchLabels: {k8s-app: kube-dns}}`)";
    if let Some(path) = tcp_entry {
        out.push(Diagnostic::at(
            Area::NetworkPolicy,
            &policy.origin,
            &path,
            Severity::Warning,
            "netpol-dns-tcp-only",
            format!("DNS is allowed over TCP only: {} allows egress to TCP port 53 but no policy lets the pods it selects send UDP/53, so name lookups (which use UDP first) will time out. {fix}.", policy.id()),
        ));
        return;
    }
    if selected.iter().all(|c| !marked(tcp, c)) {
        let path = if policy.origin.source_map.get(&policy.origin.full_path("spec.egress")).is_some() {
            "spec.egress"
        } else {
            "spec.policyTypes"
        };
        out.push(Diagnostic::at(
            Area::NetworkPolicy,
            &policy.origin,
            path,
            Severity::Warning,
            "netpol-dns-blocked",
            format!("DNS is blocked: {} restricts egress, and no policy lets the pods it selects reach port 53 (UDP or TCP), so they cannot resolve names. If they need DNS, add an egress rule for it. {fix}.", policy.id()),
        ));
    }
}

fn shadows(engine: &Engine, pi: usize, policy: &Policy, out: &mut Vec<Diagnostic>) {
    let universe = engine.class_count();
    let Some(mine) = engine.selected.get(pi) else {
        return;
    };
    if mine.is_empty() {
        return;
    }
    for direction in [Direction::Ingress, Direction::Egress] {
        let Some(rule) = policy.rules(direction).and_then(|rules| rules.iter().find(|r| r.allows_all())) else {
            continue;
        };
        let mut shadowed = Vec::new();
        for (qi, other) in engine.policies.iter().enumerate() {
            let Some(theirs) = engine.selected.get(qi) else {
                continue;
            };
            if theirs.intersect(mine, universe).is_empty() {
                continue;
            }
            for other_rule in other.rules(direction).into_iter().flatten() {
                if other_rule.allows_all() {
                    continue;
                }
                let span = other.origin.locate(&format!("spec.{}[{}]", direction.field(), other_rule.index));
                shadowed.push(format!(
                    "{} {} rule {} (line {})",
                    other.id(),
                    direction.field(),
                    other_rule.index,
                    span.line
                ));
            }
        }
        if shadowed.is_empty() {
            continue;
        }
        out.push(Diagnostic::at(
            Area::NetworkPolicy,
            &policy.origin,
            &format!("spec.{}[{}]", direction.field(), rule.index),
            Severity::Info,
            "netpol-allow-all-shadows",
            format!(
                "this {0} rule has no peers and no ports, so it allows all {0} traffic for the pods {1} selects; policies only add allowances, so these narrower rules change nothing for those pods: {2}. Remove the allow-all rule or narrow it if the others are meant to restrict.",
                direction.field(),
                policy.id(),
                shadowed.join(", ")
            ),
        ));
    }
}
