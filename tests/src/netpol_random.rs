//! Deterministic random clusters for the property test "the engine agrees with
//! the reference evaluator": namespaces with labels, pods and workloads with
//! labels, named container ports and pod IPs, and NetworkPolicies drawing on
//! every construct of `docs/semantics/netpol.md` (selectors with matchExpressions, AND/OR peers,
//! ipBlocks with except, ports with protocols, names and endPort, policyTypes
//! defaulting). Everything generated is valid, so it loads without errors.
//!
//! Small vocabularies on purpose: selectors, names and ports must collide often
//! for the interesting cases (named ports resolving differently per pod, NotIn on
//! a missing key, overlapping ipBlocks) to come up.

use serde_json::{Value, json};

/// SplitMix64: tiny, deterministic, good enough to spread choices.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const LABEL_KEYS: [&str; 4] = ["app", "tier", "env", "team"];
const LABEL_VALUES: [&str; 3] = ["a", "b", "c"];
const PORT_NUMBERS: [u16; 6] = [53, 80, 81, 443, 8080, 9090];
const PORT_NAMES: [&str; 4] = ["http", "dns", "metrics", "web"];
const PROTOCOLS: [&str; 3] = ["TCP", "UDP", "SCTP"];
const NODES: [&str; 2] = ["node-1", "node-2"];

/// A probe to run on a random cluster: destination port, protocol, externals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RandomProbe {
    pub port: u16,
    pub protocol: &'static str,
    pub externals: Vec<String>,
}

/// Upper bounds for a random cluster (each count is drawn below its bound).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RandomShape {
    pub max_namespaces: usize,
    pub max_pods: usize,
    pub max_policies: usize,
}

impl Default for RandomShape {
    /// Small enough for a pair-by-pair evaluator, big enough for interactions.
    fn default() -> Self {
        RandomShape { max_namespaces: 3, max_pods: 8, max_policies: 5 }
    }
}

/// One random cluster of the default shape as multi-document YAML.
pub fn random_cluster(seed: u64) -> String {
    random_cluster_with(seed, &RandomShape::default())
}

/// One random cluster as multi-document YAML: 1..=max_namespaces namespaces,
/// 2..=max_pods pods and workloads, 0..=max_policies policies.
pub fn random_cluster_with(seed: u64, shape: &RandomShape) -> String {
    let mut rng = Rng::new(seed);
    let mut documents: Vec<Value> = Vec::new();
    let namespace_count = 1 + rng.below(shape.max_namespaces.max(1));
    let namespaces: Vec<String> = (0..namespace_count).map(|i| format!("ns{i}")).collect();
    for name in &namespaces {
        // Some namespaces stay implicit (only referenced by pods): they still
        // carry their name label.
        if rng.chance(80) {
            documents.push(json!({
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": {"name": name, "labels": random_labels(&mut rng, 2)},
            }));
        }
    }
    let pod_count = 2 + rng.below(shape.max_pods.saturating_sub(1).max(1));
    for index in 0..pod_count {
        let namespace = rng.pick(&namespaces).clone();
        documents.push(random_pod(&mut rng, index, &namespace));
    }
    let policy_count = rng.below(shape.max_policies + 1);
    for index in 0..policy_count {
        let namespace = rng.pick(&namespaces).clone();
        documents.push(random_policy(&mut rng, index, &namespace));
    }
    documents.iter().map(|d| serde_yaml::to_string(d).unwrap_or_default()).collect::<Vec<_>>().join("---\n")
}

/// A probe for the cluster of the same seed (any seed works with any cluster).
pub fn random_probe(seed: u64) -> RandomProbe {
    let mut rng = Rng::new(seed ^ 0x5EED_0F9A_0B00);
    let port = if rng.chance(85) { *rng.pick(&PORT_NUMBERS) } else { 1 + rng.below(65535) as u16 };
    let protocol = *rng.pick(&PROTOCOLS);
    let externals = (0..rng.below(3)).map(|_| random_external(&mut rng)).collect();
    RandomProbe { port, protocol, externals }
}

fn random_labels(rng: &mut Rng, max: usize) -> Value {
    let mut labels = serde_json::Map::new();
    for _ in 0..rng.below(max + 1) {
        labels.insert((*rng.pick(&LABEL_KEYS)).to_owned(), json!(*rng.pick(&LABEL_VALUES)));
    }
    Value::Object(labels)
}

/// An address in the pod network 10.0.0.0/8, most often in 10.0.0.0/16 so that
/// ipBlocks and externals overlap pods.
fn pod_ip(rng: &mut Rng) -> String {
    format!("10.{}.{}.{}", rng.below(2), rng.below(4), 1 + rng.below(250))
}

/// Port names and (number, protocol) pairs already used in one pod: both are
/// unique per pod, as containers share the pod's network namespace.
#[derive(Default)]
struct UsedPorts {
    names: Vec<&'static str>,
    numbers: Vec<(u16, &'static str)>,
}

fn random_container_ports(rng: &mut Rng, used: &mut UsedPorts) -> Vec<Value> {
    let mut ports = Vec::new();
    let UsedPorts { names: names_used, numbers: numbers_used } = used;
    for _ in 0..rng.below(4) {
        let number = *rng.pick(&PORT_NUMBERS);
        let protocol = *rng.pick(&PROTOCOLS);
        if numbers_used.contains(&(number, protocol)) {
            continue;
        }
        numbers_used.push((number, protocol));
        let mut port = serde_json::Map::new();
        port.insert("containerPort".into(), json!(number));
        let name = *rng.pick(&PORT_NAMES);
        if rng.chance(70) && !names_used.contains(&name) {
            names_used.push(name);
            port.insert("name".into(), json!(name));
        }
        // Omitted protocol defaults to TCP.
        if protocol != "TCP" || rng.chance(50) {
            port.insert("protocol".into(), json!(protocol));
        }
        ports.push(Value::Object(port));
    }
    ports
}

fn pod_spec(rng: &mut Rng) -> Value {
    let mut used = UsedPorts::default();
    let mut containers = vec![json!({"name": "main", "image": "app", "ports": random_container_ports(rng, &mut used)})];
    if rng.chance(20) {
        containers.push(json!({"name": "extra", "image": "extra", "ports": random_container_ports(rng, &mut used)}));
    }
    let mut spec = json!({"containers": containers});
    if rng.chance(15) {
        // A native sidecar (restartPolicy Always) or a plain init container.
        let restart = if rng.chance(50) { json!("Always") } else { Value::Null };
        let mut init = json!({"name": "init", "image": "init", "ports": random_container_ports(rng, &mut used)});
        if !restart.is_null() {
            init["restartPolicy"] = restart;
        }
        spec["initContainers"] = json!([init]);
    }
    spec
}

fn random_pod(rng: &mut Rng, index: usize, namespace: &str) -> Value {
    let labels = random_labels(rng, 3);
    let name = format!("p{index}");
    if rng.chance(15) {
        // A workload: one representative from its template, no IP.
        let kind = *rng.pick(&["Deployment", "StatefulSet", "DaemonSet"]);
        let mut spec = json!({
            "selector": {"matchLabels": {"gen": name}},
            "template": {"metadata": {"labels": labels}, "spec": pod_spec(rng)},
        });
        spec["template"]["metadata"]["labels"]["gen"] = json!(name);
        if kind != "DaemonSet" {
            spec["replicas"] = json!(1 + rng.below(3));
        }
        if kind == "StatefulSet" {
            spec["serviceName"] = json!(name);
        }
        return json!({"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name, "namespace": namespace}, "spec": spec});
    }
    let mut spec = pod_spec(rng);
    let mut status = serde_json::Map::new();
    let host_network = rng.chance(10);
    if host_network {
        spec["hostNetwork"] = json!(true);
    }
    if host_network || rng.chance(50) {
        spec["nodeName"] = json!(*rng.pick(&NODES));
    }
    let phase = if rng.chance(8) { *rng.pick(&["Succeeded", "Failed"]) } else { "Running" };
    status.insert("phase".into(), json!(phase));
    if host_network {
        // A hostNetwork pod's IP is its node's.
        let node = spec["nodeName"].as_str().unwrap_or("node-1");
        let ip = if node == "node-1" { "192.168.0.1" } else { "192.168.0.2" };
        status.insert("podIP".into(), json!(ip));
        status.insert("podIPs".into(), json!([{"ip": ip}]));
    } else if rng.chance(85) {
        // Unique per pod (the index picks the last octet and the third octet's
        // high bits), random otherwise.
        let third = rng.below(4) + 4 * (index / 250);
        let ip = format!("10.{}.{}.{}", rng.below(2), third % 256, index % 250 + 1);
        status.insert("podIP".into(), json!(ip));
        status.insert("podIPs".into(), json!([{"ip": ip}]));
    }
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": spec,
        "status": Value::Object(status),
    })
}

fn random_selector(rng: &mut Rng) -> Value {
    let mut selector = serde_json::Map::new();
    if rng.chance(50) {
        selector.insert("matchLabels".into(), random_labels(rng, 2));
    }
    if rng.chance(40) {
        let expressions: Vec<Value> = (0..1 + rng.below(2))
            .map(|_| {
                let key = *rng.pick(&LABEL_KEYS);
                match rng.below(4) {
                    0 => json!({"key": key, "operator": "In", "values": random_values(rng)}),
                    1 => json!({"key": key, "operator": "NotIn", "values": random_values(rng)}),
                    2 => json!({"key": key, "operator": "Exists"}),
                    _ => json!({"key": key, "operator": "DoesNotExist"}),
                }
            })
            .collect();
        selector.insert("matchExpressions".into(), Value::Array(expressions));
    }
    Value::Object(selector)
}

fn random_values(rng: &mut Rng) -> Value {
    let mut values: Vec<&str> = (0..1 + rng.below(2)).map(|_| *rng.pick(&LABEL_VALUES)).collect();
    values.sort_unstable();
    values.dedup();
    json!(values)
}

/// A CIDR and `except` entries that are strict subsets of it (netpol.md §20).
fn random_ip_block(rng: &mut Rng) -> Value {
    let (cidr, prefix, base) = match rng.below(6) {
        0 => ("0.0.0.0/0".to_owned(), 0, [0u8, 0, 0, 0]),
        1 => ("10.0.0.0/8".to_owned(), 8, [10, 0, 0, 0]),
        2 => {
            let b = rng.below(2) as u8;
            (format!("10.{b}.0.0/16"), 16, [10, b, 0, 0])
        }
        3 => {
            let (b, c) = (rng.below(2) as u8, rng.below(4) as u8);
            (format!("10.{b}.{c}.0/24"), 24, [10, b, c, 0])
        }
        4 => {
            let ip = pod_ip(rng);
            (format!("{ip}/32"), 32, [0, 0, 0, 0])
        }
        _ => ("192.168.0.0/30".to_owned(), 30, [192, 168, 0, 0]),
    };
    let mut block = json!({"cidr": cidr});
    if prefix < 32 && rng.chance(50) {
        let excepts: Vec<Value> = (0..1 + rng.below(2))
            .map(|_| {
                // A longer prefix inside the block: keep the block's leading bits,
                // randomise the rest, then mask.
                let longer = (prefix + 1 + rng.below((32 - prefix) as usize) as u32).min(32);
                let random = rng.next_u64() as u32;
                let keep_mask: u32 = if prefix == 0 { 0 } else { u32::MAX << (32 - prefix) };
                let inner_mask: u32 = if longer == 32 { u32::MAX } else { !(u32::MAX >> longer) };
                let address = ((u32::from_be_bytes(base) & keep_mask) | (random & !keep_mask)) & inner_mask;
                json!(format!("{}/{longer}", std::net::Ipv4Addr::from(address)))
            })
            .collect();
        block["except"] = Value::Array(excepts);
    }
    block
}

fn random_peer(rng: &mut Rng) -> Value {
    match rng.below(5) {
        0 => json!({"podSelector": random_selector(rng)}),
        1 => json!({"namespaceSelector": random_selector(rng)}),
        2 => {
            json!({"podSelector": random_selector(rng), "namespaceSelector": random_selector(rng)})
        }
        _ => json!({"ipBlock": random_ip_block(rng)}),
    }
}

fn random_port_entry(rng: &mut Rng) -> Value {
    let mut entry = serde_json::Map::new();
    if rng.chance(60) {
        entry.insert("protocol".into(), json!(*rng.pick(&PROTOCOLS)));
    }
    match rng.below(5) {
        0 => {}
        1 | 2 => {
            entry.insert("port".into(), json!(*rng.pick(&PORT_NUMBERS)));
        }
        3 => {
            entry.insert("port".into(), json!(*rng.pick(&PORT_NAMES)));
        }
        _ => {
            let start = *rng.pick(&PORT_NUMBERS);
            entry.insert("port".into(), json!(start));
            entry.insert("endPort".into(), json!(start as usize + rng.below(9000)));
        }
    }
    Value::Object(entry)
}

/// `None` (omitted), `[]`, or 1–3 items.
fn random_list(rng: &mut Rng, make: impl Fn(&mut Rng) -> Value) -> Option<Value> {
    match rng.below(5) {
        0 => None,
        1 => Some(json!([])),
        _ => Some(Value::Array((0..1 + rng.below(3)).map(|_| make(rng)).collect())),
    }
}

fn random_rule(rng: &mut Rng, peers_key: &str) -> Value {
    let mut rule = serde_json::Map::new();
    if let Some(peers) = random_list(rng, random_peer) {
        rule.insert(peers_key.into(), peers);
    }
    if let Some(ports) = random_list(rng, random_port_entry) {
        rule.insert("ports".into(), ports);
    }
    Value::Object(rule)
}

fn random_policy(rng: &mut Rng, index: usize, namespace: &str) -> Value {
    let mut spec = serde_json::Map::new();
    if rng.chance(85) {
        spec.insert("podSelector".into(), random_selector(rng));
    }
    match rng.below(5) {
        0 => {
            spec.insert("policyTypes".into(), json!(["Ingress"]));
        }
        1 => {
            spec.insert("policyTypes".into(), json!(["Egress"]));
        }
        2 => {
            spec.insert("policyTypes".into(), json!(["Ingress", "Egress"]));
        }
        _ => {} // defaulted from the presence of egress rules (netpol.md §4)
    }
    if let Some(ingress) = random_list(rng, |r| random_rule(r, "from")) {
        spec.insert("ingress".into(), ingress);
    }
    if let Some(egress) = random_list(rng, |r| random_rule(r, "to")) {
        spec.insert("egress".into(), egress);
    }
    json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": format!("np{index}"), "namespace": namespace},
        "spec": Value::Object(spec),
    })
}

fn random_external(rng: &mut Rng) -> String {
    match rng.below(5) {
        0 => pod_ip(rng),
        1 => format!("10.{}.{}.0/24", rng.below(2), rng.below(4)),
        2 => "203.0.113.7".to_owned(),
        3 => "198.51.100.0/24".to_owned(),
        _ => format!("10.{}.0.0/16", rng.below(2)),
    }
}
