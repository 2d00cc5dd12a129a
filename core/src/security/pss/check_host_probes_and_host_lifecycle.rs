//! `check_hostProbesAndhostLifecycle.go` (v1.34): probes and lifecycle handlers
//! may not name a host. Containers and hosts are sets upstream, so sorted.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::LifecycleHandler;

use super::Level;
use super::helpers::{Outcome, containers_phrase, fail, join_quote, pluralize};
use super::registry::CheckDef;
use super::visitor::PodView;

pub(super) const CHECK: CheckDef = CheckDef::new("hostProbesAndHostLifecycle", Level::Baseline, 34, None, check);

fn check(pod: &PodView<'_>, _minor: u32) -> Outcome {
    let mut names = BTreeSet::new();
    let mut hosts = BTreeSet::new();
    let mut paths = Vec::new();
    for c in &pod.containers {
        let mut visit = |field: &str, http: Option<&Option<String>>, tcp: Option<&Option<String>>| {
            for (kind, host) in [("httpGet", http), ("tcpSocket", tcp)] {
                if let Some(Some(host)) = host
                    && !host.is_empty()
                {
                    names.insert(c.name);
                    hosts.insert(host.clone());
                    paths.push(format!("{}.{field}.{kind}.host", c.path));
                }
            }
        };
        for (field, probe) in [
            ("livenessProbe", c.liveness_probe),
            ("readinessProbe", c.readiness_probe),
            ("startupProbe", c.startup_probe),
        ] {
            if let Some(p) = probe {
                visit(field, p.http_get.as_ref().map(|h| &h.host), p.tcp_socket.as_ref().map(|t| &t.host));
            }
        }
        if let Some(lifecycle) = c.lifecycle {
            let handlers: [(&str, Option<&LifecycleHandler>); 2] = [
                ("lifecycle.postStart", lifecycle.post_start.as_ref()),
                ("lifecycle.preStop", lifecycle.pre_stop.as_ref()),
            ];
            for (field, handler) in handlers {
                if let Some(h) = handler {
                    visit(field, h.http_get.as_ref().map(|x| &x.host), h.tcp_socket.as_ref().map(|t| &t.host));
                }
            }
        }
    }
    if names.is_empty() {
        return None;
    }
    let names: Vec<&str> = names.into_iter().collect();
    let hosts: Vec<String> = hosts.into_iter().collect();
    fail(
        "probe or lifecycle host",
        format!(
            "{} {} {} {}",
            containers_phrase(&names),
            pluralize("uses", "use", names.len()),
            pluralize("probe or lifecycle host", "probe or lifecycle hosts", hosts.len()),
            join_quote(&hosts)
        ),
        paths,
    )
}
