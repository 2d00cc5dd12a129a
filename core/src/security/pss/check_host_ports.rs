//! `check_hostPorts.go`: no non-zero hostPort. The ports are collected in a
//! string set, so they are listed sorted as strings.

use std::collections::BTreeSet;

use super::Level;
use super::helpers::{Outcome, containers_phrase, fail, pluralize};
use super::registry::CheckDef;
use super::visitor::PodView;

pub(super) const CHECK: CheckDef = CheckDef::new("hostPorts", Level::Baseline, 0, None, check);

fn check(pod: &PodView<'_>, _minor: u32) -> Outcome {
    let mut names = Vec::new();
    let mut ports = BTreeSet::new();
    let mut paths = Vec::new();
    for c in &pod.containers {
        let mut valid = true;
        for (i, p) in c.ports.iter().enumerate() {
            if let Some(host_port) = p.host_port.filter(|&hp| hp != 0) {
                valid = false;
                ports.insert(host_port.to_string());
                paths.push(format!("{}.ports[{i}].hostPort", c.path));
            }
        }
        if !valid {
            names.push(c.name);
        }
    }
    if names.is_empty() {
        return None;
    }
    let ports: Vec<String> = ports.into_iter().collect();
    fail(
        "hostPort",
        format!(
            "{} {} {} {}",
            containers_phrase(&names),
            pluralize("uses", "use", names.len()),
            pluralize("hostPort", "hostPorts", ports.len()),
            ports.join(", ")
        ),
        paths,
    )
}
