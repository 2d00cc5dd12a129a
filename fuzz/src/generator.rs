//! A structure-aware generator: libFuzzer's bytes, read through
//! `arbitrary::Unstructured`, choose among small vocabularies to write mostly valid
//! manifests of every kind core reads, so that selectors match, names collide and
//! the engines behind the loader (NetworkPolicy, admission, Pod Security, PSP, the
//! autoscalers, the disruption and failover labs) have something to work on. Now
//! and then a field takes a hostile value (a bad quantity, a negative count, an
//! unknown enum) so the engines' input checks are reached too.
//!
//! Documents are built as JSON values and written as YAML text (block style, or
//! JSON, which YAML 1.2 reads), because core's public API takes text.

use arbitrary::Unstructured;
use serde_json::{Map, Value, json};

/// Choices drawn from the fuzzer's bytes; when they run out every choice is the first.
pub struct Gen<'a, 'b> {
    u: &'b mut Unstructured<'a>,
    /// Whether fields may take values the API server refuses (the `netpol` target
    /// turns it off: its reference evaluator reads only valid policies).
    pub hostile: bool,
}

pub const NAMESPACES: &[&str] = &["default", "ns1", "ns2"];
pub const NAMES: &[&str] = &["a", "b", "web", "db"];
pub const LABEL_KEYS: &[&str] = &["app", "tier", "env"];
pub const LABEL_VALUES: &[&str] = &["a", "b", "web"];
const QUANTITIES: &[&str] = &[
    "100m",
    "250m",
    "1",
    "2",
    "500m",
    "64Mi",
    "128Mi",
    "1Gi",
    "2Gi",
    "0",
    "1500m",
    "1e3",
    "0.5",
    "1k",
    "10",
    "100",
    "3Ti",
    "1.5Gi",
    "0.000000001",
    "-1",
    "1Ei",
    "12345678901234567890",
    "9223372036854775807",
    "1E",
];
const PORT_NUMBERS: &[i64] = &[80, 443, 53, 8080, 9090, 65535, 0, 70000];
const PORT_NAMES: &[&str] = &["http", "dns", "metrics"];
const PROTOCOLS: &[&str] = &["TCP", "UDP", "SCTP", "tcp"];
const NODES: &[&str] = &["n1", "n2", "n3"];
const ZONES: &[&str] = &["z-a", "z-b", "z-c"];
const REGIONS: &[&str] = &["east", "west"];
const DURATIONS: &[&str] = &["0s", "15s", "60s", "90s", "5m", "10m", "1h", "2h", "1d", "-5s", "x"];
const PSS_LEVELS: &[&str] = &["privileged", "baseline", "restricted", "bogus"];
const PSS_VERSIONS: &[&str] = &["latest", "v1.0", "v1.22", "v1.25", "v1.31", "v9.99", "junk"];

impl<'a, 'b> Gen<'a, 'b> {
    pub fn new(u: &'b mut Unstructured<'a>) -> Self {
        Gen { u, hostile: true }
    }

    /// Uniform in `0..n` (0 when the bytes run out).
    pub fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        self.u.int_in_range(0..=n - 1).unwrap_or(0)
    }

    /// True with probability about `percent` / 100.
    pub fn chance(&mut self, percent: u8) -> bool {
        self.u.int_in_range(0u8..=99).unwrap_or(100) < percent
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    pub fn pick_value(&mut self, items: &[Value]) -> Value {
        items[self.below(items.len())].clone()
    }

    /// Like [`Gen::pick`], but only among the first `valid` items unless hostile.
    pub fn pick_valid<T: Copy>(&mut self, items: &[T], valid: usize) -> T {
        if self.hostile { self.pick(items) } else { self.pick(&items[..valid.min(items.len())]) }
    }

    fn port_number(&mut self) -> i64 {
        self.pick_valid(PORT_NUMBERS, 6)
    }

    fn protocol(&mut self) -> &'static str {
        self.pick_valid(PROTOCOLS, 3)
    }

    pub fn int(&mut self, low: i64, high: i64) -> i64 {
        self.u.int_in_range(low..=high).unwrap_or(low)
    }

    /// Any text the bytes spell, up to `max` bytes (hostile values).
    pub fn text(&mut self, max: usize) -> String {
        let len = self.below(max + 1);
        let bytes = self.u.bytes(len).unwrap_or_default();
        String::from_utf8_lossy(bytes).into_owned()
    }

    pub fn name(&mut self) -> String {
        if self.hostile && self.chance(3) { self.text(12) } else { self.pick(NAMES).to_owned() }
    }

    pub fn namespace(&mut self) -> String {
        self.pick(NAMESPACES).to_owned()
    }

    pub fn quantity(&mut self) -> Value {
        match self.below(20) {
            0 => json!(self.text(10)),
            1 => json!(self.int(-3, 1_000_000)),
            _ => json!(self.pick(QUANTITIES)),
        }
    }

    pub fn labels(&mut self, max: usize) -> Value {
        let mut labels = Map::new();
        for _ in 0..self.below(max + 1) {
            labels.insert(self.pick(LABEL_KEYS).to_owned(), json!(self.pick(LABEL_VALUES)));
        }
        Value::Object(labels)
    }

    pub fn metadata(&mut self, namespaced: bool) -> Value {
        let mut meta = Map::new();
        meta.insert("name".into(), json!(self.name()));
        if namespaced && self.chance(85) {
            meta.insert("namespace".into(), json!(self.namespace()));
        }
        if self.chance(60) {
            meta.insert("labels".into(), self.labels(2));
        }
        Value::Object(meta)
    }

    /// A label selector: empty, matchLabels, matchExpressions or both.
    pub fn selector(&mut self) -> Value {
        let mut selector = Map::new();
        if self.chance(60) {
            selector.insert("matchLabels".into(), self.labels(2));
        }
        if self.chance(30) {
            let mut expressions = Vec::new();
            for _ in 0..1 + self.below(2) {
                let operator = self.pick_valid(&["In", "NotIn", "Exists", "DoesNotExist", "Bogus"], 4);
                let mut e = json!({"key": self.pick(LABEL_KEYS), "operator": operator});
                if matches!(operator, "In" | "NotIn") || (self.hostile && self.chance(10)) {
                    let values: Vec<&str> = (0..self.below(3)).map(|_| self.pick(LABEL_VALUES)).collect();
                    e["values"] = json!(values);
                }
                expressions.push(e);
            }
            selector.insert("matchExpressions".into(), json!(expressions));
        }
        Value::Object(selector)
    }

    fn resources(&mut self) -> Value {
        let mut resources = Map::new();
        for part in ["requests", "limits"] {
            if self.chance(60) {
                let mut list = Map::new();
                for resource in ["cpu", "memory", "ephemeral-storage"] {
                    if self.chance(60) {
                        list.insert(resource.into(), self.quantity());
                    }
                }
                resources.insert(part.into(), Value::Object(list));
            }
        }
        Value::Object(resources)
    }

    fn security_context(&mut self, container: bool) -> Value {
        let mut sc = Map::new();
        if self.chance(40) {
            sc.insert("runAsNonRoot".into(), json!(self.chance(70)));
        }
        if self.chance(30) {
            sc.insert("runAsUser".into(), json!(self.pick(&[0, 1000, 65534, -1])));
        }
        if self.chance(40) {
            let kind = self.pick(&["RuntimeDefault", "Localhost", "Unconfined", "Bogus"]);
            let mut profile = json!({"type": kind});
            if kind == "Localhost" {
                profile["localhostProfile"] = json!("p.json");
            }
            sc.insert("seccompProfile".into(), profile);
        }
        if container {
            if self.chance(30) {
                sc.insert("privileged".into(), json!(self.chance(30)));
            }
            if self.chance(40) {
                sc.insert("allowPrivilegeEscalation".into(), json!(self.chance(30)));
            }
            if self.chance(30) {
                sc.insert("readOnlyRootFilesystem".into(), json!(self.chance(60)));
            }
            if self.chance(40) {
                let caps = ["ALL", "NET_ADMIN", "NET_BIND_SERVICE", "SYS_ADMIN", "CHOWN"];
                let mut c = Map::new();
                c.insert("drop".into(), json!((0..self.below(3)).map(|_| self.pick(&caps)).collect::<Vec<_>>()));
                if self.chance(40) {
                    c.insert("add".into(), json!((0..self.below(3)).map(|_| self.pick(&caps)).collect::<Vec<_>>()));
                }
                sc.insert("capabilities".into(), Value::Object(c));
            }
            if self.chance(10) {
                sc.insert("procMount".into(), json!(self.pick(&["Default", "Unmasked"])));
            }
        } else if self.chance(20) {
            sc.insert("fsGroup".into(), json!(self.pick(&[0, 2000])));
        }
        Value::Object(sc)
    }

    fn container(&mut self, index: usize, sidecar: bool) -> Value {
        let mut c = Map::new();
        c.insert("name".into(), json!(format!("c{index}")));
        c.insert("image".into(), json!(self.pick(&["nginx:1.27", "app:1", "busybox", "redis:7"])));
        if sidecar {
            c.insert("restartPolicy".into(), json!("Always"));
        }
        if self.chance(60) {
            let mut ports = Vec::new();
            for _ in 0..1 + self.below(2) {
                let mut p = json!({"containerPort": self.port_number()});
                if self.chance(50) {
                    p["name"] = json!(self.pick(PORT_NAMES));
                }
                if self.chance(40) {
                    p["protocol"] = json!(self.protocol());
                }
                if self.chance(5) {
                    p["hostPort"] = json!(self.port_number());
                }
                ports.push(p);
            }
            c.insert("ports".into(), json!(ports));
        }
        if self.chance(70) {
            c.insert("resources".into(), self.resources());
        }
        if self.chance(50) {
            c.insert("securityContext".into(), self.security_context(true));
        }
        if self.chance(20) {
            c.insert("livenessProbe".into(), json!({"httpGet": {"path": "/", "port": self.pick_value(&[json!(80), json!("http")])}, "periodSeconds": self.int(-1, 30)}));
        }
        if self.chance(15) {
            c.insert("readinessProbe".into(), json!({"tcpSocket": {"port": 8080}}));
        }
        if self.chance(10) {
            c.insert("imagePullPolicy".into(), json!(self.pick(&["Always", "IfNotPresent", "Never", "Sometimes"])));
        }
        Value::Object(c)
    }

    pub fn pod_spec(&mut self) -> Value {
        let mut spec = Map::new();
        let containers: Vec<Value> = (0..1 + self.below(2)).map(|i| self.container(i, false)).collect();
        spec.insert("containers".into(), json!(containers));
        if self.chance(15) {
            let init: Vec<Value> = (0..1 + self.below(2))
                .map(|i| {
                    let sidecar = self.chance(50);
                    self.container(10 + i, sidecar)
                })
                .collect();
            spec.insert("initContainers".into(), json!(init));
        }
        if self.chance(40) {
            spec.insert("securityContext".into(), self.security_context(false));
        }
        for flag in ["hostNetwork", "hostPID", "hostIPC"] {
            if self.chance(5) {
                spec.insert(flag.into(), json!(true));
            }
        }
        if self.chance(15) {
            let volume = match self.below(4) {
                0 => json!({"name": "v", "hostPath": {"path": "/var/run"}}),
                1 => json!({"name": "v", "emptyDir": {}}),
                2 => json!({"name": "v", "configMap": {"name": "cm"}}),
                _ => json!({"name": "v", "persistentVolumeClaim": {"claimName": "data"}}),
            };
            spec.insert("volumes".into(), json!([volume]));
        }
        if self.chance(20) {
            spec.insert("nodeName".into(), json!(self.pick(NODES)));
        }
        if self.chance(15) {
            let key = self.pick(&["topology.kubernetes.io/zone", "topology.kubernetes.io/region", "disk"]);
            let value = if key.ends_with("zone") { self.pick(ZONES) } else { self.pick(REGIONS) };
            spec.insert("nodeSelector".into(), json!({key: value}));
        }
        if self.chance(10) {
            spec.insert(
                "tolerations".into(),
                json!([{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": self.int(-1, 600)}]),
            );
        }
        if self.chance(10) {
            let operator = self.pick(&["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "Equals"]);
            let values: Vec<&str> = (0..self.below(3)).map(|_| self.pick(ZONES)).collect();
            let requirement = json!({"key": "topology.kubernetes.io/zone", "operator": operator, "values": values});
            spec.insert(
                "affinity".into(),
                json!({"nodeAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [requirement]}]},
                    "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": self.int(0, 101), "preference": {"matchExpressions": [requirement]}}]}}),
            );
        }
        if self.chance(15) {
            spec.insert("serviceAccountName".into(), json!(self.pick(NAMES)));
        }
        if self.chance(10) {
            spec.insert("priorityClassName".into(), json!(self.pick(&["high", "system-cluster-critical"])));
        }
        if self.chance(10) {
            spec.insert("restartPolicy".into(), json!(self.pick(&["Always", "OnFailure", "Never"])));
        }
        if self.chance(10) {
            spec.insert(
                "topologySpreadConstraints".into(),
                json!([{"maxSkew": self.int(0, 2), "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": self.pick(&["DoNotSchedule", "ScheduleAnyway"]), "labelSelector": self.selector()}]),
            );
        }
        Value::Object(spec)
    }

    pub fn pod(&mut self) -> Value {
        let mut pod =
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": self.metadata(true), "spec": self.pod_spec()});
        if self.chance(40) {
            let mut status = json!({"podIP": format!("10.0.{}.{}", self.below(2), 1 + self.below(6))});
            if self.chance(15) {
                status["phase"] = json!(self.pick(&["Running", "Pending", "Succeeded", "Failed"]));
            }
            pod["status"] = status;
        }
        pod
    }

    fn template(&mut self, labels: &Value) -> Value {
        let mut spec = self.pod_spec();
        json!({"metadata": {"labels": labels}, "spec": spec.take()})
    }

    pub fn workload(&mut self) -> Value {
        let kind = self.pick(&[
            "Deployment",
            "StatefulSet",
            "DaemonSet",
            "ReplicaSet",
            "Job",
            "CronJob",
            "ReplicationController",
        ]);
        let labels = {
            let l = self.labels(2);
            if l.as_object().is_some_and(|m| m.is_empty()) { json!({"app": self.pick(LABEL_VALUES)}) } else { l }
        };
        let selector_labels = if self.chance(90) { labels.clone() } else { self.labels(2) };
        let template = self.template(&labels);
        let api = match kind {
            "Job" | "CronJob" => "batch/v1",
            "ReplicationController" => "v1",
            _ => "apps/v1",
        };
        let mut spec = Map::new();
        match kind {
            "CronJob" => {
                let mut job_template = template;
                job_template["spec"]["restartPolicy"] = json!("OnFailure");
                spec.insert("schedule".into(), json!(self.pick(&["*/5 * * * *", "@hourly", "bad"])));
                spec.insert("jobTemplate".into(), json!({"spec": {"template": job_template}}));
            }
            "Job" => {
                let mut template = template;
                template["spec"]["restartPolicy"] = json!(self.pick(&["Never", "OnFailure", "Always"]));
                spec.insert("template".into(), template);
                if self.chance(30) {
                    spec.insert("parallelism".into(), json!(self.int(-1, 5)));
                }
            }
            "ReplicationController" => {
                spec.insert("selector".into(), selector_labels);
                spec.insert("template".into(), template);
                spec.insert("replicas".into(), json!(self.int(0, 4)));
            }
            _ => {
                spec.insert("selector".into(), json!({"matchLabels": selector_labels}));
                spec.insert("template".into(), template);
                if kind != "DaemonSet" && self.chance(80) {
                    spec.insert(
                        "replicas".into(),
                        json!(if self.chance(5) { self.int(-2, 20_000) } else { self.int(0, 4) }),
                    );
                }
                if kind == "StatefulSet" {
                    spec.insert("serviceName".into(), json!(self.pick(NAMES)));
                }
            }
        }
        json!({"apiVersion": api, "kind": kind, "metadata": self.metadata(true), "spec": Value::Object(spec)})
    }

    pub fn service(&mut self) -> Value {
        let mut ports = Vec::new();
        for i in 0..1 + self.below(2) {
            let mut p = json!({"port": self.port_number(), "name": format!("p{i}")});
            if self.chance(60) {
                p["targetPort"] =
                    if self.chance(50) { json!(self.pick(PORT_NAMES)) } else { json!(self.port_number()) };
            }
            if self.chance(30) {
                p["protocol"] = json!(self.protocol());
            }
            ports.push(p);
        }
        let mut spec = json!({"ports": ports});
        if self.chance(85) {
            spec["selector"] = self.labels(2);
        }
        if self.chance(20) {
            spec["type"] = json!(self.pick(&["ClusterIP", "NodePort", "LoadBalancer", "ExternalName", "Bogus"]));
        }
        json!({"apiVersion": "v1", "kind": "Service", "metadata": self.metadata(true), "spec": spec})
    }

    /// An Ingress whose backends name the generator's Services and ports (or
    /// not), with every path type, hosts, TLS and the class annotation.
    pub fn ingress(&mut self) -> Value {
        let backend = |g: &mut Self| -> Value {
            if g.chance(10) {
                return json!({"resource": {"apiGroup": "k8s.example.com", "kind": "Bucket", "name": g.pick(NAMES)}});
            }
            let port =
                if g.chance(40) { json!({"name": g.pick(PORT_NAMES)}) } else { json!({"number": g.port_number()}) };
            json!({"service": {"name": g.pick(NAMES), "port": port}})
        };
        let mut spec = Map::new();
        if self.chance(30) {
            spec.insert("defaultBackend".into(), backend(self));
        }
        let mut rules = Vec::new();
        for _ in 0..self.below(3) {
            let mut rule = Map::new();
            if self.chance(60) {
                rule.insert(
                    "host".into(),
                    json!(self.pick(&["shop.example.com", "*.example.com", "10.0.0.1", "Bad_Host", "*"])),
                );
            }
            if self.chance(90) {
                let mut paths = Vec::new();
                for _ in 0..self.below(3) {
                    let path_type = self.pick(&["Prefix", "Exact", "ImplementationSpecific", "", "Regex"]);
                    let path = self.pick(&["/", "/api", "api", "/a//b", "/a/..", ""]);
                    paths.push(json!({"path": path, "pathType": path_type, "backend": backend(self)}));
                }
                rule.insert("http".into(), json!({"paths": paths}));
            }
            rules.push(Value::Object(rule));
        }
        if !rules.is_empty() || self.chance(10) {
            spec.insert("rules".into(), json!(rules));
        }
        if self.chance(20) {
            spec.insert(
                "tls".into(),
                json!([{"hosts": ["shop.example.com"], "secretName": self.pick(&["shop-tls", "Bad_Name"])}]),
            );
        }
        if self.chance(30) {
            spec.insert("ingressClassName".into(), json!(self.pick(&["nginx", "traefik"])));
        }
        let mut metadata = self.metadata(true);
        if self.chance(20) {
            metadata["annotations"] = json!({"kubernetes.io/ingress.class": "nginx"});
        }
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": metadata, "spec": Value::Object(spec)})
    }

    fn cidr(&mut self) -> String {
        let choice = if self.hostile { self.below(8) } else { [0, 1, 2, 5, 6, 7][self.below(6)] };
        match choice {
            0 => "0.0.0.0/0".into(),
            1 => "::/0".into(),
            2 => "fd00::/8".into(),
            3 => "10.0.0.0/33".into(),
            4 => "10.0.0.1".into(),
            _ => format!("10.{}.{}.0/{}", self.below(2), self.below(4), self.pick(&[8, 16, 24, 30, 32])),
        }
    }

    fn peer(&mut self) -> Value {
        match self.below(if self.hostile { 5 } else { 4 }) {
            0 => json!({"podSelector": self.selector()}),
            1 => json!({"namespaceSelector": self.namespace_selector()}),
            2 => json!({"podSelector": self.selector(), "namespaceSelector": self.namespace_selector()}),
            3 => {
                let cidr = self.cidr();
                let mut block = json!({"cidr": cidr});
                if self.chance(50) {
                    let except: Vec<String> = if self.hostile {
                        (0..1 + self.below(2)).map(|_| self.cidr()).collect()
                    } else {
                        within(&cidr).into_iter().collect()
                    };
                    block["except"] = json!(except);
                }
                json!({"ipBlock": block})
            }
            // An empty peer, or ipBlock mixed with a selector: both refused by validation.
            _ => {
                if self.chance(50) {
                    json!({})
                } else {
                    json!({"ipBlock": {"cidr": self.cidr()}, "podSelector": {}})
                }
            }
        }
    }

    fn namespace_selector(&mut self) -> Value {
        if self.chance(40) {
            json!({"matchLabels": {"kubernetes.io/metadata.name": self.namespace()}})
        } else {
            self.selector()
        }
    }

    fn netpol_port(&mut self) -> Value {
        let mut p = Map::new();
        if self.chance(60) {
            p.insert("protocol".into(), json!(self.protocol()));
        }
        if self.chance(85) {
            if self.chance(30) {
                p.insert("port".into(), json!(self.pick(PORT_NAMES)));
            } else {
                let port = self.port_number();
                p.insert("port".into(), json!(port));
                if self.chance(25) {
                    let low = if self.hostile { -10 } else { 0 };
                    p.insert("endPort".into(), json!(port + self.int(low, 1000)));
                }
            }
        }
        Value::Object(p)
    }

    fn netpol_rule(&mut self, peers_key: &str) -> Value {
        let mut rule = Map::new();
        if self.chance(75) {
            let peers: Vec<Value> = (0..self.below(3)).map(|_| self.peer()).collect();
            rule.insert(peers_key.into(), json!(peers));
        }
        if self.chance(55) {
            let ports: Vec<Value> = (0..self.below(3)).map(|_| self.netpol_port()).collect();
            rule.insert("ports".into(), json!(ports));
        }
        Value::Object(rule)
    }

    pub fn network_policy(&mut self) -> Value {
        let mut spec = Map::new();
        spec.insert("podSelector".into(), if self.chance(30) { json!({}) } else { self.selector() });
        if self.chance(50) {
            let rules: Vec<Value> = (0..self.below(3)).map(|_| self.netpol_rule("from")).collect();
            spec.insert("ingress".into(), json!(rules));
        }
        if self.chance(40) {
            let rules: Vec<Value> = (0..self.below(3)).map(|_| self.netpol_rule("to")).collect();
            spec.insert("egress".into(), json!(rules));
        }
        if self.chance(40) {
            let types = match self.below(4) {
                0 => json!(["Ingress"]),
                1 => json!(["Egress"]),
                2 => json!(["Ingress", "Egress"]),
                _ => json!([]),
            };
            spec.insert("policyTypes".into(), types);
        }
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": self.metadata(true), "spec": Value::Object(spec)})
    }

    pub fn namespace_object(&mut self) -> Value {
        let mut labels = self.labels(2);
        for mode in ["enforce", "warn", "audit"] {
            if self.chance(25) {
                labels[format!("pod-security.kubernetes.io/{mode}")] = json!(self.pick(PSS_LEVELS));
                if self.chance(40) {
                    labels[format!("pod-security.kubernetes.io/{mode}-version")] = json!(self.pick(PSS_VERSIONS));
                }
            }
        }
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": self.namespace(), "labels": labels}})
    }

    fn resource_map(&mut self, keys: &[&str]) -> Value {
        let mut map = Map::new();
        for key in keys {
            if self.chance(50) {
                map.insert((*key).into(), self.quantity());
            }
        }
        Value::Object(map)
    }

    pub fn limit_range(&mut self) -> Value {
        let mut limits = Vec::new();
        for _ in 0..1 + self.below(2) {
            let kind = self.pick(&["Container", "Pod", "PersistentVolumeClaim"]);
            let mut item = json!({"type": kind});
            for field in ["default", "defaultRequest", "min", "max", "maxLimitRequestRatio"] {
                if self.chance(40) {
                    item[field] = self.resource_map(&["cpu", "memory", "storage"]);
                }
            }
            limits.push(item);
        }
        json!({"apiVersion": "v1", "kind": "LimitRange", "metadata": self.metadata(true), "spec": {"limits": limits}})
    }

    pub fn resource_quota(&mut self) -> Value {
        let hard = self.resource_map(&[
            "pods",
            "cpu",
            "memory",
            "requests.cpu",
            "requests.memory",
            "limits.cpu",
            "limits.memory",
            "count/deployments.apps",
            "services",
            "requests.storage",
        ]);
        let mut spec = json!({"hard": hard});
        if self.chance(30) {
            let scopes: Vec<&str> = (0..1 + self.below(2))
                .map(|_| {
                    self.pick(&[
                        "Terminating",
                        "NotTerminating",
                        "BestEffort",
                        "NotBestEffort",
                        "PriorityClass",
                        "Bogus",
                    ])
                })
                .collect();
            spec["scopes"] = json!(scopes);
        }
        if self.chance(20) {
            let operator = self.pick(&["In", "NotIn", "Exists", "DoesNotExist"]);
            let mut expression = json!({"scopeName": self.pick(&["PriorityClass", "BestEffort", "CrossNamespacePodAffinity"]), "operator": operator});
            if matches!(operator, "In" | "NotIn") {
                expression["values"] = json!([self.pick(&["high", "low"])]);
            }
            spec["scopeSelector"] = json!({"matchExpressions": [expression]});
        }
        json!({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": self.metadata(true), "spec": spec})
    }

    pub fn psp(&mut self) -> Value {
        let rule = |g: &mut Self, rules: &[&'static str]| -> Value {
            let rule = g.pick(rules);
            let mut v = json!({"rule": rule});
            if rule.starts_with("Must") || rule == "MayRunAs" {
                v["ranges"] = json!([{"min": g.int(0, 1000), "max": g.int(0, 70000)}]);
            }
            v
        };
        let mut spec = json!({
            "runAsUser": rule(self, &["RunAsAny", "MustRunAsNonRoot", "MustRunAs"]),
            "seLinux": {"rule": self.pick(&["RunAsAny", "MustRunAs"])},
            "supplementalGroups": rule(self, &["RunAsAny", "MustRunAs", "MayRunAs"]),
            "fsGroup": rule(self, &["RunAsAny", "MustRunAs", "MayRunAs"]),
        });
        if self.chance(50) {
            spec["privileged"] = json!(self.chance(50));
        }
        if self.chance(50) {
            spec["allowPrivilegeEscalation"] = json!(self.chance(50));
        }
        if self.chance(40) {
            spec["volumes"] = json!([self.pick(&["*", "configMap", "emptyDir", "hostPath", "secret"])]);
        }
        if self.chance(30) {
            spec["requiredDropCapabilities"] = json!(["ALL"]);
        }
        if self.chance(20) {
            spec["allowedCapabilities"] = json!([self.pick(&["*", "NET_ADMIN"])]);
        }
        if self.chance(20) {
            spec["readOnlyRootFilesystem"] = json!(true);
        }
        if self.chance(20) {
            spec["hostNetwork"] = json!(self.chance(50));
            spec["hostPorts"] = json!([{"min": 0, "max": self.int(0, 65535)}]);
        }
        json!({"apiVersion": "policy/v1beta1", "kind": "PodSecurityPolicy", "metadata": {"name": self.name()}, "spec": spec})
    }

    pub fn rbac(&mut self) -> Value {
        let cluster = self.chance(50);
        if self.chance(50) {
            let kind = if cluster { "ClusterRole" } else { "Role" };
            let mut rule = json!({"apiGroups": [self.pick(&["policy", "extensions", "*"])], "resources": [self.pick(&["podsecuritypolicies", "*"])], "verbs": [self.pick(&["use", "*", "get"])]});
            if self.chance(50) {
                rule["resourceNames"] = json!([self.pick(NAMES)]);
            }
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": self.metadata(!cluster), "rules": [rule]})
        } else {
            let kind = if cluster { "ClusterRoleBinding" } else { "RoleBinding" };
            let subject = match self.below(3) {
                0 => json!({"kind": "ServiceAccount", "name": self.pick(NAMES), "namespace": self.namespace()}),
                1 => {
                    json!({"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": self.pick(&["system:serviceaccounts", "system:authenticated", "system:serviceaccounts:ns1"])})
                }
                _ => json!({"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": "alice"}),
            };
            let role_kind = if cluster || self.chance(50) { "ClusterRole" } else { "Role" };
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": self.metadata(!cluster),
                   "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": self.pick(NAMES)}, "subjects": [subject]})
        }
    }

    pub fn service_account(&mut self) -> Value {
        json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": self.metadata(true)})
    }

    fn scale_rules(&mut self) -> Value {
        let mut rules = Map::new();
        if self.chance(50) {
            rules.insert("stabilizationWindowSeconds".into(), json!(self.pick(&[0, 30, 60, 300, 3601, -1])));
        }
        if self.chance(30) {
            rules.insert("selectPolicy".into(), json!(self.pick(&["Max", "Min", "Disabled", "Bogus"])));
        }
        if self.chance(60) {
            let policies: Vec<Value> = (0..self.below(3))
                .map(|_| json!({"type": self.pick(&["Pods", "Percent", "Bogus"]), "value": self.pick(&[1, 4, 100, 0, -1]), "periodSeconds": self.pick(&[15, 60, 1800, 0])}))
                .collect();
            rules.insert("policies".into(), json!(policies));
        }
        Value::Object(rules)
    }

    fn hpa_metric(&mut self) -> Value {
        let target = |g: &mut Self| -> Value {
            match g.below(3) {
                0 => json!({"type": "Utilization", "averageUtilization": g.pick(&[50, 70, 80, 0, 1000])}),
                1 => json!({"type": "AverageValue", "averageValue": g.quantity()}),
                _ => json!({"type": "Value", "value": g.quantity()}),
            }
        };
        match self.below(5) {
            0 | 1 => {
                json!({"type": "Resource", "resource": {"name": self.pick(&["cpu", "memory"]), "target": target(self)}})
            }
            2 => json!({"type": "Pods", "pods": {"metric": {"name": "requests"}, "target": target(self)}}),
            3 => {
                json!({"type": "Object", "object": {"metric": {"name": "hits"}, "describedObject": {"apiVersion": "v1", "kind": "Service", "name": "web"}, "target": target(self)}})
            }
            _ => json!({"type": "External", "external": {"metric": {"name": "queue"}, "target": target(self)}}),
        }
    }

    /// A HorizontalPodAutoscaler named `name` (autoscaling/v2, sometimes v1).
    pub fn hpa(&mut self, name: &str, target: &str, namespace: &str) -> Value {
        let min = self.pick(&[1, 2, 3, 0, -1]);
        let max = self.pick(&[5, 10, 1, 100, 0]);
        let target_kind = self.pick(&["Deployment", "StatefulSet", "ReplicaSet", "Bogus"]);
        if self.chance(20) {
            return json!({"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": name, "namespace": namespace},
                "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": target_kind, "name": target}, "minReplicas": min, "maxReplicas": max, "targetCPUUtilizationPercentage": self.pick(&[50, 80, 0])}});
        }
        let mut spec = json!({"scaleTargetRef": {"apiVersion": "apps/v1", "kind": target_kind, "name": target}, "maxReplicas": max});
        if self.chance(80) {
            spec["minReplicas"] = json!(min);
        }
        if self.chance(85) {
            let metrics: Vec<Value> = (0..1 + self.below(3)).map(|_| self.hpa_metric()).collect();
            spec["metrics"] = json!(metrics);
        }
        if self.chance(50) {
            let mut behavior = Map::new();
            for direction in ["scaleUp", "scaleDown"] {
                if self.chance(60) {
                    behavior.insert(direction.into(), self.scale_rules());
                }
            }
            spec["behavior"] = Value::Object(behavior);
        }
        json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": name, "namespace": namespace}, "spec": spec})
    }

    pub fn vpa(&mut self, name: &str, target: &str, namespace: &str) -> Value {
        let mut spec = json!({"targetRef": {"apiVersion": "apps/v1", "kind": self.pick(&["Deployment", "StatefulSet", "Bogus"]), "name": target}});
        if self.chance(80) {
            let mut policy =
                json!({"updateMode": self.pick(&["Off", "Initial", "Recreate", "Auto", "InPlaceOrRecreate", "Bogus"])});
            if self.chance(30) {
                policy["minReplicas"] = json!(self.int(-1, 3));
            }
            spec["updatePolicy"] = policy;
        }
        if self.chance(40) {
            let mut p = json!({"containerName": self.pick(&["*", "c0", "c1"])});
            if self.chance(30) {
                p["mode"] = json!(self.pick(&["Auto", "Off"]));
            }
            for field in ["minAllowed", "maxAllowed"] {
                if self.chance(40) {
                    p[field] = self.resource_map(&["cpu", "memory"]);
                }
            }
            if self.chance(30) {
                p["controlledValues"] = json!(self.pick(&["RequestsOnly", "RequestsAndLimits"]));
            }
            if self.chance(20) {
                p["controlledResources"] = json!([self.pick(&["cpu", "memory"])]);
            }
            spec["resourcePolicy"] = json!({"containerPolicies": [p]});
        }
        json!({"apiVersion": "autoscaling.k8s.io/v1", "kind": "VerticalPodAutoscaler", "metadata": {"name": name, "namespace": namespace}, "spec": spec})
    }

    pub fn pdb(&mut self) -> Value {
        let mut spec = json!({"selector": self.selector()});
        let budget = match self.below(4) {
            0 => json!(self.int(0, 3)),
            1 => json!(self.pick(&["50%", "0%", "100%", "150%", "x%"])),
            _ => json!(1),
        };
        spec[if self.chance(50) { "minAvailable" } else { "maxUnavailable" }] = budget;
        if self.chance(20) {
            spec["unhealthyPodEvictionPolicy"] = json!(self.pick(&["IfHealthyBudget", "AlwaysAllow", "Bogus"]));
        }
        json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": self.metadata(true), "spec": spec})
    }

    pub fn node(&mut self, name: &str) -> Value {
        let zone = self.pick(ZONES);
        let region = if zone == "z-c" { "west" } else { self.pick(REGIONS) };
        let mut node = json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": {
            "topology.kubernetes.io/region": region, "topology.kubernetes.io/zone": zone}}});
        if self.chance(60) {
            node["status"] = json!({"allocatable": {"cpu": self.pick(&["4", "2", "500m", "0"]), "memory": self.pick(&["16Gi", "1Gi"]), "pods": self.pick(&["110", "2", "0"])}});
        }
        if self.chance(15) {
            node["spec"] = json!({"unschedulable": true});
        }
        if self.chance(10) {
            node["spec"] = json!({"taints": [{"key": "dedicated", "value": "x", "effect": self.pick(&["NoSchedule", "NoExecute", "PreferNoSchedule"])}]});
        }
        if self.chance(10) {
            node["metadata"]["labels"]["node-role.kubernetes.io/control-plane"] = json!("");
        }
        node
    }

    fn load_steps(&mut self) -> Value {
        let steps: Vec<Value> =
            (0..1 + self.below(3)).map(|_| json!({"at": self.pick(DURATIONS), "value": self.quantity()})).collect();
        json!(steps)
    }

    pub fn hpa_simulation(&mut self, hpa: &str, namespace: &str) -> Value {
        let mut spec = json!({"hpa": hpa});
        if self.chance(90) {
            spec["duration"] = json!(if self.chance(3) { "1000000h" } else { self.pick(DURATIONS) });
        }
        if self.chance(30) {
            let mut flags = Map::new();
            for flag in [
                "horizontal-pod-autoscaler-sync-period",
                "horizontal-pod-autoscaler-tolerance",
                "horizontal-pod-autoscaler-downscale-stabilization",
                "horizontal-pod-autoscaler-cpu-initialization-period",
                "horizontal-pod-autoscaler-initial-readiness-delay",
            ] {
                if self.chance(40) {
                    let value = if flag.ends_with("tolerance") {
                        json!(self.pick(&["0.1", "0.05", "0", "-1", "x"]))
                    } else {
                        json!(self.pick(DURATIONS))
                    };
                    flags.insert(flag.into(), value);
                }
            }
            spec["flags"] = Value::Object(flags);
        }
        if self.chance(30) {
            spec["podReadySeconds"] = json!(self.pick_value(&[json!(0), json!(20), json!(-5), json!("30s")]));
        }
        if self.chance(80) {
            let loads: Vec<Value> = (0..1 + self.below(2))
                .map(|_| {
                    let mut load =
                        json!({"metric": self.pick(&["cpu", "memory", "requests", "hits", "queue", "bogus"])});
                    load[self.pick(&["total", "perPod", "value"])] = self.load_steps();
                    load
                })
                .collect();
            spec["load"] = json!(loads);
        }
        if self.chance(15) {
            let pods: Vec<Value> = (0..1 + self.below(3))
                .map(|i| json!({"name": format!("p{i}"), "usage": {"cpu": self.quantity()}, "ready": self.chance(80), "phase": self.pick(&["Running", "Pending", "Failed"]), "startedSecondsAgo": self.int(-1, 600)}))
                .collect();
            spec["pods"] = json!(pods);
        }
        json!({"apiVersion": "kubeplay.dev/v1alpha1", "kind": "HPASimulation", "metadata": {"name": "sim", "namespace": namespace}, "spec": spec})
    }

    pub fn vpa_simulation(&mut self) -> Value {
        let offsets = &["0s", "1h", "12h", "1d", "2d", "8d", "30d", "5m", "-1h", "x"];
        let mut spec = Map::new();
        if self.chance(80) {
            let usage: Vec<Value> = (0..1 + self.below(2))
                .map(|_| {
                    let mut u = json!({"container": self.pick(&["c0", "c1", "app"]), "to": self.pick(offsets)});
                    if self.chance(30) {
                        u["from"] = json!(self.pick(offsets));
                    }
                    if self.chance(30) {
                        u["every"] = json!(self.pick(&["1m", "10s", "1h", "0s", "1ms"]));
                    }
                    if self.chance(80) {
                        u["cpu"] = self.quantity();
                    }
                    if self.chance(80) {
                        u["memory"] = self.quantity();
                    }
                    if self.chance(20) {
                        u["pod"] = json!(self.pick(NAMES));
                    }
                    u
                })
                .collect();
            spec.insert("usage".into(), json!(usage));
        }
        if self.chance(25) {
            spec.insert("samples".into(), json!([{"container": "c0", "t": self.pick(offsets), "cpu": self.quantity(), "memory": self.quantity()}]));
        }
        if self.chance(25) {
            let mut oom = json!({"container": self.pick(&["c0", "app"]), "t": self.pick(offsets)});
            if self.chance(30) {
                oom["memoryRequest"] = self.quantity();
            }
            spec.insert("ooms".into(), json!([oom]));
        }
        if self.chance(20) {
            spec.insert("now".into(), json!(self.pick(offsets)));
        }
        if self.chance(20) {
            let flag = self.pick(&[
                "recommendation-margin-fraction",
                "pod-recommendation-min-cpu-millicores",
                "memory-aggregation-interval",
                "cpu-histogram-decay-half-life",
                "target-cpu-percentile",
                "eviction-tolerance",
            ]);
            spec.insert(
                "flags".into(),
                json!({flag: self.pick_value(&[json!(0.15), json!("24h"), json!(-1), json!("x"), json!(1e300)])}),
            );
        }
        json!({"apiVersion": "kubeplay.dev/v1alpha1", "kind": "VPASimulation", "metadata": {"name": "sim"}, "spec": Value::Object(spec)})
    }

    pub fn chaos_scenario(&mut self, pods: &[(String, String)]) -> Value {
        let mut actions: Vec<&str> = kubeplay_core::resilience::scenario::ACTIONS.to_vec();
        actions.push("Bogus");
        let mut steps = Vec::new();
        let mut at = 0;
        for _ in 0..self.below(5) {
            at += if self.chance(5) { self.int(-10, 20_000_000) } else { self.int(0, 120) };
            let action = self.pick(&actions);
            let mut step = json!({"at": at, "action": action});
            match action {
                "Drain" | "Cordon" | "Uncordon" | "NodeFailure" | "NodeRecover" => {
                    step["node"] = json!(self.pick(NODES));
                    if action == "Drain" {
                        for flag in ["ignoreDaemonsets", "deleteEmptydirData", "force", "disableEviction", "dryRun"] {
                            if self.chance(20) {
                                step[flag] = json!(true);
                            }
                        }
                        if self.chance(30) {
                            step["timeoutSeconds"] = json!(self.int(0, 600));
                        }
                        if self.chance(20) {
                            step["gracePeriodSeconds"] = json!(self.int(-1, 60));
                        }
                        if self.chance(20) {
                            step["podSelector"] = json!(self.pick(&["app=a", "app!=b", "bad selector ="]));
                        }
                    }
                }
                "ZoneFailure" => step["zone"] = json!(self.pick(ZONES)),
                "RegionFailure" => step["region"] = json!(self.pick(REGIONS)),
                "Evict" | "KillPod" => {
                    if let Some((namespace, name)) = pods.get(self.below(pods.len().max(1))) {
                        step["namespace"] = json!(namespace);
                        step["pod"] = json!(name);
                    } else {
                        step["pod"] = json!(self.pick(NAMES));
                    }
                    if action == "KillPod" && self.chance(40) {
                        step["labelSelector"] = self.selector();
                        step["seed"] = json!(self.int(0, 1000));
                    }
                }
                "NetemDelay" | "FailRequests" => {
                    step[self.pick(&["node", "zone", "region"])] = json!(self.pick(&["n1", "z-a", "east"]));
                    step["delayMs"] = json!(self.int(-1, 500));
                    if self.chance(30) {
                        step["jitterMs"] = json!(self.int(0, 50));
                    }
                }
                _ => {}
            }
            steps.push(step);
        }
        let mut spec = json!({"steps": steps});
        if self.chance(50) {
            let mut settings = Map::new();
            if self.chance(60) {
                settings.insert(
                    "horizonSeconds".into(),
                    json!(if self.chance(5) { self.int(-1, 20_000_000) } else { self.int(0, 900) }),
                );
            }
            for (key, low, high) in [
                ("nodeMonitorGracePeriodSeconds", -1, 120),
                ("defaultUnreachableTolerationSeconds", -1, 600),
                ("podStartupSeconds", -1, 60),
                ("podShutdownSeconds", -1, 60),
                ("largeClusterSizeThreshold", 0, 60),
                ("alertEvaluationIntervalSeconds", -1, 60),
            ] {
                if self.chance(20) {
                    settings.insert(key.into(), json!(self.int(low, high)));
                }
            }
            if self.chance(20) {
                settings.insert("nodeEvictionRate".into(), json!(self.pick(&[0.1, 0.0, 1.0, -1.0, 1e9])));
            }
            if self.chance(20) {
                settings.insert("unhealthyZoneThreshold".into(), json!(self.pick(&[0.55, 0.0, 1.0, 2.0])));
            }
            if self.chance(20) {
                settings.insert("topology".into(), json!(self.pick(&["SingleCluster", "ClusterPerRegion", "Bogus"])));
            }
            spec["settings"] = Value::Object(settings);
        }
        if self.chance(40) {
            let observe: Vec<i64> = (0..self.below(4)).map(|_| self.int(-1, 1000)).collect();
            spec["observeAt"] = json!(observe);
        }
        if self.chance(25) {
            spec["alerts"] = json!([{"name": "Low", "condition": self.pick(&["ReadyReplicasBelow", "PodsNotReady", "Bogus"]), "threshold": self.int(-1, 4),
                "workload": {"kind": self.pick(&["Deployment", "StatefulSet"]), "namespace": self.namespace(), "name": self.pick(NAMES)}, "forSeconds": self.int(0, 120)}]);
        }
        if self.chance(20)
            && let Some((namespace, name)) = pods.first()
        {
            spec["meshClients"] = json!([{"namespace": namespace, "pod": name}]);
        }
        if self.chance(10) {
            spec["sendUnhealthyEndpoints"] = json!(true);
        }
        json!({"apiVersion": "kubeplay.dev/v1alpha1", "kind": "ChaosScenario", "metadata": {"name": "lab", "namespace": "default"}, "spec": spec})
    }

    pub fn global_load_balancer(&mut self) -> Value {
        let mut backends = Vec::new();
        for region in REGIONS {
            if self.chance(85) {
                let mut b = json!({"region": region, "service": format!("{}/{}", self.namespace(), self.pick(NAMES))});
                if self.chance(70) {
                    b["maxRatePerEndpoint"] =
                        json!(self.pick_value(&[json!(100), json!(0), json!(-1), json!(1.5), json!(1e15)]));
                }
                if self.chance(20) {
                    b["capacityScaler"] = json!(self.pick_value(&[json!(1), json!(0.5), json!(0), json!(2)]));
                }
                if self.chance(20) {
                    b["processingMs"] = json!(self.int(-1, 100));
                }
                backends.push(b);
            }
        }
        let users: Vec<Value> = (0..1 + self.below(2))
            .map(|i| json!({"name": format!("users-{i}"), "rps": self.pick_value(&[json!(250), json!(0), json!(-5), json!(1e12)]), "rttMs": {"east": self.int(0, 100), "west": self.int(0, 100)}}))
            .collect();
        let mut spec = json!({"backends": backends, "userRegions": users});
        if self.chance(70) {
            spec["mode"] = json!(self.pick(&["Proxy", "DNS", "Bogus"]));
        }
        if self.chance(30) {
            spec["healthCheck"] = json!({"intervalSeconds": self.int(-1, 30), "unhealthyThreshold": self.int(0, 5), "healthyThreshold": self.int(0, 5)});
        }
        if self.chance(30) {
            spec["dns"] = json!({"ttlSeconds": self.int(-1, 300)});
        }
        if self.chance(20) {
            spec["sessionAffinity"] =
                json!({"type": self.pick(&["ClientIP", "None", "Bogus"]), "ttlSeconds": self.int(0, 600)});
        }
        json!({"apiVersion": "kubeplay.dev/v1alpha1", "kind": "GlobalLoadBalancer", "metadata": {"name": "glb"}, "spec": spec})
    }

    pub fn destination_rule(&mut self) -> Value {
        let namespace = self.namespace();
        let service = self.pick(NAMES);
        let mut policy = json!({"outlierDetection": {"consecutive5xxErrors": self.int(0, 5), "interval": "1s", "baseEjectionTime": "1m"}});
        if self.chance(50) {
            policy["outlierDetection"]["maxEjectionPercent"] = json!(self.int(-1, 100));
        }
        if self.chance(50) {
            let setting = match self.below(3) {
                0 => json!({"enabled": true, "failover": [{"from": "east", "to": "west"}]}),
                1 => json!({"failoverPriority": ["topology.kubernetes.io/region", "topology.kubernetes.io/zone"]}),
                _ => json!({"distribute": [{"from": "east/*", "to": {"east/*": 80, "west/*": 20}}]}),
            };
            policy["loadBalancer"] = json!({"localityLbSetting": setting});
        }
        json!({"apiVersion": "networking.istio.io/v1", "kind": "DestinationRule", "metadata": {"name": "dr", "namespace": namespace},
            "spec": {"host": format!("{service}.{namespace}.svc.cluster.local"), "trafficPolicy": policy}})
    }

    /// One object of any kind core reads (not the simulation kinds).
    pub fn any_object(&mut self) -> Value {
        match self.below(18) {
            0 | 1 => self.pod(),
            2 | 3 => self.workload(),
            4 => self.service(),
            17 => self.ingress(),
            5 | 6 => self.network_policy(),
            7 => self.namespace_object(),
            8 => self.limit_range(),
            9 => self.resource_quota(),
            10 => self.psp(),
            11 => self.rbac(),
            12 => self.service_account(),
            13 => {
                let ns = self.namespace();
                let name = self.pick(NAMES);
                let target = self.pick(NAMES);
                self.hpa(name, target, &ns)
            }
            14 => {
                let ns = self.namespace();
                let name = self.pick(NAMES);
                let target = self.pick(NAMES);
                self.vpa(name, target, &ns)
            }
            15 => self.pdb(),
            _ => {
                let name = self.pick(NODES);
                self.node(name)
            }
        }
    }

    /// A Deployment `name` in `namespace` whose pods request resources (what the autoscalers read).
    pub fn scaled_deployment(&mut self, name: &str, namespace: &str) -> Value {
        let mut template = json!({"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": "c0", "image": "app:1",
            "resources": {"requests": {"cpu": self.pick(&["500m", "100m", "1", "0"]), "memory": self.pick(&["256Mi", "64Mi"])}}}]}});
        if self.chance(20) {
            template["spec"]["containers"][0]["resources"] = self.resources();
        }
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": namespace},
            "spec": {"replicas": self.int(0, 5), "selector": {"matchLabels": {"app": name}}, "template": template}})
    }
}

/// A range strictly inside `cidr` (as the API server requires of `except`), if any.
fn within(cidr: &str) -> Option<String> {
    match cidr {
        "0.0.0.0/0" => Some("10.0.0.0/16".into()),
        "::/0" => Some("fd00::/8".into()),
        "fd00::/8" => Some("fd00::/16".into()),
        _ => {
            let (network, prefix) = cidr.split_once('/')?;
            let prefix: u8 = prefix.parse().ok()?;
            (prefix < 32).then(|| format!("{network}/{}", (prefix + 4).min(32)))
        }
    }
}

/// Documents as one multi-document YAML text; each written in block style, or
/// now and then as JSON (which YAML 1.2 reads too).
pub fn to_text(g: &mut Gen<'_, '_>, documents: &[Value]) -> String {
    let mut out = String::new();
    for (i, document) in documents.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        if g.chance(10) {
            out.push_str(&serde_json::to_string(document).unwrap_or_default());
            out.push('\n');
        } else {
            write_block(&mut out, document, 0);
        }
    }
    out
}

/// A key written plain when YAML reads it back as the same string, else quoted.
fn key(text: &str) -> String {
    let plain = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'/' | b'-' | b'_'))
        && text.bytes().next().is_some_and(|b| b.is_ascii_alphabetic());
    if plain { text.to_owned() } else { serde_json::to_string(text).unwrap_or_default() }
}

/// A scalar in flow position: numbers and booleans bare, strings double-quoted with
/// JSON's escapes (a subset of YAML's).
fn scalar(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => serde_json::to_string(s).unwrap_or_default(),
        Value::Array(a) if a.is_empty() => "[]".into(),
        Value::Object(o) if o.is_empty() => "{}".into(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

fn is_container(value: &Value) -> bool {
    matches!(value, Value::Array(a) if !a.is_empty()) || matches!(value, Value::Object(o) if !o.is_empty())
}

/// Block-style YAML for `value` at `indent` spaces (a mapping or sequence at the top).
fn write_block(out: &mut String, value: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                if is_container(v) {
                    out.push_str(&format!("{pad}{}:\n", key(k)));
                    let child = if v.is_array() { indent } else { indent + 2 };
                    write_block(out, v, child);
                } else {
                    out.push_str(&format!("{pad}{}: {}\n", key(k), scalar(v)));
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                if is_container(item) {
                    // `- ` then the item's first line on the same line, the rest indented by 2.
                    let mut inner = String::new();
                    write_block(&mut inner, item, indent + 2);
                    let trimmed = inner.get(indent + 2..).unwrap_or_default();
                    if item.is_array() {
                        out.push_str(&format!("{pad}-\n{inner}"));
                    } else {
                        out.push_str(&format!("{pad}- {trimmed}"));
                    }
                } else {
                    out.push_str(&format!("{pad}- {}\n", scalar(item)));
                }
            }
        }
        other => {
            out.push_str(&format!("{pad}{}\n", scalar(other)));
        }
    }
}

/// The cluster the disruption and failover labs run on: Nodes in zones and
/// regions, pods (some pinned to nodes), workloads, budgets, Services; returns
/// the documents and the (namespace, name) of every Pod written.
pub fn lab_cluster(g: &mut Gen<'_, '_>) -> (Vec<Value>, Vec<(String, String)>) {
    let mut documents = Vec::new();
    let mut pods = Vec::new();
    for node in NODES.iter().take(1 + g.below(NODES.len())) {
        documents.push(g.node(node));
    }
    for _ in 0..g.below(5) {
        let pod = g.pod();
        let namespace = pod["metadata"]["namespace"].as_str().unwrap_or("default").to_owned();
        let name = pod["metadata"]["name"].as_str().unwrap_or_default().to_owned();
        pods.push((namespace, name));
        documents.push(pod);
    }
    for _ in 0..g.below(3) {
        documents.push(g.workload());
    }
    for _ in 0..g.below(2) {
        documents.push(g.pdb());
    }
    if g.chance(50) {
        documents.push(g.service());
    }
    (documents, pods)
}
