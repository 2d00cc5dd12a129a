//! A `GlobalLoadBalancer` with its defaults applied and its values checked
//! (`multi-region.md §2.2`). Invalid input is a located error diagnostic;
//! `kubeplay failover` turns the first one into exit status 2.

use std::collections::BTreeMap;

use super::objects::GlobalLoadBalancer;
use super::ratio::Ratio;
use crate::diagnostic::{Area, Diagnostic, Severity};
use crate::model::{Inventory, Kind, Loaded, Object};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Anycast L7 proxy, after GCP `WATERFALL_BY_REGION` (§4).
    Proxy,
    /// Latency-based DNS records with health checks, after Route 53 (§5).
    Dns,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Proxy => "Proxy",
            Mode::Dns => "DNS",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Affinity {
    None,
    ClientIp,
    GeneratedCookie,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HealthCheck {
    pub interval_seconds: i64,
    pub unhealthy_threshold: i64,
    pub healthy_threshold: i64,
}

impl HealthCheck {
    /// When a change at `c` is recognised: at the `threshold`-th check after it
    /// (checks run at `k·interval`, k ≥ 1, and see the state before any change
    /// at the same instant) — `multi-region.md §4.1`.
    pub fn detect(&self, c: i64, threshold: i64) -> i64 {
        let interval = self.interval_seconds.max(1);
        // Checks start at one interval: a change before the first check is seen by it.
        let first = if c < 0 { 0 } else { c.div_euclid(interval) };
        first.saturating_add(threshold).saturating_mul(interval)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct BackendConfig {
    pub region: String,
    pub service_namespace: String,
    pub service_name: String,
    /// The Service's selector; `None` when the Service is missing or selects
    /// nothing by selector (no endpoints).
    pub selector: Option<BTreeMap<String, String>>,
    pub max_rate_per_endpoint: Ratio,
    pub capacity_scaler: Ratio,
    pub processing_ms: Ratio,
}

impl BackendConfig {
    /// Rate one LB-healthy endpoint carries: `maxRatePerEndpoint × capacityScaler`.
    pub fn per_endpoint(&self) -> Ratio {
        self.max_rate_per_endpoint * self.capacity_scaler
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct UserRegionConfig {
    pub name: String,
    pub rps: Ratio,
    pub rtt_ms: BTreeMap<String, Ratio>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GlbConfig {
    pub name: String,
    pub mode: Mode,
    pub backends: Vec<BackendConfig>,
    pub user_regions: Vec<UserRegionConfig>,
    pub health_check: HealthCheck,
    pub ttl_seconds: i64,
    pub affinity: Affinity,
    pub affinity_ttl_seconds: i64,
    pub new_connection_per_request: bool,
}

impl GlbConfig {
    pub fn total_demand(&self) -> Ratio {
        self.user_regions.iter().map(|u| u.rps).sum()
    }
}

/// Values above this are refused: rates, latencies and seconds of a lab stay
/// far below it, and exact arithmetic stays exact.
const MAX_VALUE: i64 = 1_000_000_000_000;

/// The input's GlobalLoadBalancer, checked, with its diagnostics: `None` when
/// there is none or it is invalid (the diagnostics then hold an error).
pub fn configure(inventory: &Inventory) -> (Option<(GlbConfig, &Loaded)>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let all: Vec<(&Loaded, &GlobalLoadBalancer)> = inventory
        .objects
        .iter()
        .filter_map(|o| match &o.object {
            Object::GlobalLoadBalancer(glb) => Some((o, glb.as_ref())),
            _ => None,
        })
        .collect();
    if all.len() > 1 {
        for (loaded, _) in &all[1..] {
            diagnostics.push(Diagnostic::at(
                Area::Input,
                &loaded.origin,
                "",
                Severity::Error,
                "glb-too-many",
                format!("at most one GlobalLoadBalancer per input, got {}", all.len()),
            ));
        }
        return (None, diagnostics);
    }
    let Some((loaded, glb)) = all.first().copied() else { return (None, diagnostics) };
    let mut errors: Vec<(String, &'static str, String)> = Vec::new();
    let config = read(glb, inventory, &mut errors);
    for (path, code, message) in errors {
        diagnostics.push(Diagnostic::at(Area::Input, &loaded.origin, &path, Severity::Error, code, message));
    }
    let valid = !diagnostics.iter().any(Diagnostic::is_error);
    (valid.then_some((config, loaded)), diagnostics)
}

fn read(
    glb: &GlobalLoadBalancer,
    inventory: &Inventory,
    errors: &mut Vec<(String, &'static str, String)>,
) -> GlbConfig {
    let spec = &glb.spec;
    let mut invalid = |path: String, message: String| errors.push((path, "glb-invalid-field", message));
    let mode = match spec.mode.as_deref() {
        None | Some("Proxy") => Mode::Proxy,
        Some("DNS") => Mode::Dns,
        Some(other) => {
            invalid("spec.mode".into(), format!("GlobalLoadBalancer spec.mode must be Proxy or DNS, got {other}"));
            Mode::Proxy
        }
    };
    let mut number = |path: String, value: Option<&serde_json::Number>, default: i64| -> Ratio {
        let Some(value) = value else { return Ratio::int(default) };
        match Ratio::parse_decimal(&value.to_string()) {
            Some(r) if !r.is_negative() && r <= Ratio::int(MAX_VALUE) => r,
            _ => {
                invalid(
                    path.clone(),
                    format!("GlobalLoadBalancer {path} must be a number from 0 to {MAX_VALUE}, got {value}"),
                );
                Ratio::int(default)
            }
        }
    };
    let mut backends = Vec::new();
    let mut regions_seen = BTreeMap::new();
    for (index, backend) in spec.backends.iter().enumerate() {
        let path = format!("spec.backends[{index}]");
        let max_rate = number(format!("{path}.maxRatePerEndpoint"), backend.max_rate_per_endpoint.as_ref(), 0);

        let scaler = number(format!("{path}.capacityScaler"), backend.capacity_scaler.as_ref(), 1);
        let processing = number(format!("{path}.processingMs"), backend.processing_ms.as_ref(), 0);
        backends.push((path, backend, max_rate, scaler, processing));
    }
    let mut user_regions = Vec::new();
    for (index, user) in spec.user_regions.iter().enumerate() {
        let path = format!("spec.userRegions[{index}]");
        let rps = number(format!("{path}.rps"), user.rps.as_ref(), 0);
        let rtt_ms = user
            .rtt_ms
            .iter()
            .map(|(region, rtt)| (region.clone(), number(format!("{path}.rttMs.{region}"), Some(rtt), 0)))
            .collect();
        user_regions.push((path, user, rps, rtt_ms));
    }
    let mut invalid = |path: String, message: String| errors.push((path, "glb-invalid-field", message));
    let backends = backends
        .into_iter()
        .map(|(path, backend, max_rate_per_endpoint, capacity_scaler, processing_ms)| {
            if mode == Mode::Proxy && backend.max_rate_per_endpoint.is_none() {
                // GCP's RATE balancing mode needs it: capacity is what Proxy mode routes by.
                invalid(
                    format!("{path}.maxRatePerEndpoint"),
                    format!("GlobalLoadBalancer {path}.maxRatePerEndpoint is required in Proxy mode (capacity = maxRatePerEndpoint × capacityScaler × healthy endpoints)"),
                );
            }
            if backend.region.is_empty() {
                invalid(format!("{path}.region"), "GlobalLoadBalancer backend needs a region".into());
            } else if let Some(first) = regions_seen.insert(backend.region.clone(), path.clone()) {
                invalid(
                    format!("{path}.region"),
                    format!("GlobalLoadBalancer has one backend per region; {} already names {}", first, backend.region),
                );
            }
            let (service_namespace, service_name) = match backend.service.split_once('/') {
                Some((ns, name)) if !ns.is_empty() && !name.is_empty() && !name.contains('/') => {
                    (ns.to_owned(), name.to_owned())
                }
                _ => {
                    invalid(
                        format!("{path}.service"),
                        format!("GlobalLoadBalancer backend service must be namespace/name, got {:?}", backend.service),
                    );
                    (String::new(), String::new())
                }
            };
            let selector = service_selector(inventory, &service_namespace, &service_name);
            BackendConfig {
                region: backend.region.clone(),
                service_namespace,
                service_name,
                selector,
                max_rate_per_endpoint,
                capacity_scaler,
                processing_ms,
            }
        })
        .collect();
    let mut names_seen = BTreeMap::new();
    let user_regions = user_regions
        .into_iter()
        .map(|(path, user, rps, rtt_ms)| {
            if user.name.is_empty() {
                invalid(format!("{path}.name"), "GlobalLoadBalancer user region needs a name".into());
            } else if let Some(first) = names_seen.insert(user.name.clone(), path.clone()) {
                invalid(format!("{path}.name"), format!("user region {} is already defined at {first}", user.name));
            }
            if user.rps.is_none() {
                invalid(format!("{path}.rps"), format!("user region {} needs rps (its demand)", user.name));
            }
            UserRegionConfig { name: user.name.clone(), rps, rtt_ms }
        })
        .collect();
    let check = spec.health_check.clone().unwrap_or_default();
    let (default_interval, default_threshold) = match mode {
        Mode::Proxy => (5, 2),
        Mode::Dns => (30, 3),
    };
    let mut positive = |path: &str, value: Option<i64>, default: i64| -> i64 {
        match value {
            None => default,
            Some(v) if (1..=86_400).contains(&v) => v,
            Some(v) => {
                invalid(path.into(), format!("GlobalLoadBalancer {path} must be from 1 to 86400, got {v}"));
                default
            }
        }
    };
    let interval_seconds = positive("spec.healthCheck.intervalSeconds", check.interval_seconds, default_interval);
    let unhealthy_threshold =
        positive("spec.healthCheck.unhealthyThreshold", check.unhealthy_threshold, default_threshold);
    // Route 53 has a single failure threshold: in DNS mode the healthy one follows it.
    let healthy_default = if mode == Mode::Dns { unhealthy_threshold } else { default_threshold };
    let healthy_threshold = positive("spec.healthCheck.healthyThreshold", check.healthy_threshold, healthy_default);
    let mut seconds = |path: &str, value: Option<i64>, default: i64| -> i64 {
        match value {
            None => default,
            Some(v) if (0..=10_000_000).contains(&v) => v,
            Some(v) => {
                invalid(path.into(), format!("GlobalLoadBalancer {path} must be from 0 to 10000000, got {v}"));
                default
            }
        }
    };
    let ttl_seconds = seconds("spec.dns.ttlSeconds", spec.dns.as_ref().and_then(|d| d.ttl_seconds), 60);
    let affinity_spec = spec.session_affinity.clone().unwrap_or_default();
    let affinity_ttl_seconds = seconds("spec.sessionAffinity.ttlSeconds", affinity_spec.ttl_seconds, 3600);
    let affinity = match affinity_spec.kind.as_deref() {
        None | Some("None") => Affinity::None,
        Some("ClientIP") => Affinity::ClientIp,
        Some("GeneratedCookie") => Affinity::GeneratedCookie,
        Some(other) => {
            invalid(
                "spec.sessionAffinity.type".into(),
                format!(
                    "GlobalLoadBalancer spec.sessionAffinity.type must be None, ClientIP or GeneratedCookie, got {other}"
                ),
            );
            Affinity::None
        }
    };
    GlbConfig {
        name: glb.metadata.name.clone().unwrap_or_default(),
        mode,
        backends,
        user_regions,
        health_check: HealthCheck { interval_seconds, unhealthy_threshold, healthy_threshold },
        ttl_seconds,
        affinity,
        affinity_ttl_seconds,
        new_connection_per_request: spec.new_connection_per_request.unwrap_or(false),
    }
}

/// The selector of Service `namespace/name`; `None` when it is missing or has
/// no selector (its endpoints are managed by hand, which kubeplay does not read).
pub fn service_selector(inventory: &Inventory, namespace: &str, name: &str) -> Option<BTreeMap<String, String>> {
    inventory
        .services()
        .find(|(o, _)| o.kind() == Kind::Service && o.namespace() == Some(namespace) && o.name() == name)
        .and_then(|(_, service)| service.spec.as_ref()?.selector.clone().filter(|s| !s.is_empty()))
}

/// Whether `labels` carry every `selector` entry (a Service selector is an exact match).
pub fn selects(selector: &BTreeMap<String, String>, labels: &BTreeMap<String, String>) -> bool {
    selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_is_the_threshold_th_check_after_the_change() {
        let proxy = HealthCheck { interval_seconds: 5, unhealthy_threshold: 2, healthy_threshold: 2 };
        assert_eq!(proxy.detect(0, 2), 10);
        assert_eq!(proxy.detect(100, 2), 110);
        // A change between checks: the next check is the first to see it.
        assert_eq!(proxy.detect(3, 2), 10);
        assert_eq!(proxy.detect(5, 2), 15, "a check at 5 sees the state before a change at 5");
        let dns = HealthCheck { interval_seconds: 30, unhealthy_threshold: 3, healthy_threshold: 3 };
        assert_eq!(dns.detect(0, 3), 90);
        assert_eq!(dns.detect(100, 3), 180);
    }
}
