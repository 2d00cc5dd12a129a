//! `check_capabilities_restricted.go` (v1.22): `drop` must contain the literal
//! `ALL`; only `NET_BIND_SERVICE` may be added. Windows pods exempt from v1.25.

use std::collections::BTreeSet;

use super::Level;
use super::helpers::{Outcome, containers_phrase, fail, join_quote};
use super::registry::CheckDef;
use super::visitor::PodView;

pub(super) const CHECK: CheckDef =
    CheckDef::new("capabilities_restricted", Level::Restricted, 22, Some("capabilities_baseline"), check);

fn check(pod: &PodView<'_>, minor: u32) -> Outcome {
    if minor >= 25 && pod.is_windows() {
        return None;
    }
    let mut missing_drop = Vec::new();
    let mut adding = Vec::new();
    let mut forbidden = BTreeSet::new();
    let mut paths = Vec::new();
    for c in &pod.containers {
        let Some(capabilities) = c.security_context.and_then(|sc| sc.capabilities.as_ref()) else {
            missing_drop.push(c.name);
            paths.push(c.sc_path("capabilities.drop"));
            continue;
        };
        if !capabilities.drop.iter().flatten().any(|d| d == "ALL") {
            missing_drop.push(c.name);
            paths.push(c.sc_path("capabilities.drop"));
        }
        let mut added_forbidden = false;
        for (i, cap) in capabilities.add.iter().flatten().enumerate() {
            if cap != "NET_BIND_SERVICE" {
                added_forbidden = true;
                forbidden.insert(cap.as_str());
                paths.push(c.sc_path(&format!("capabilities.add[{i}]")));
            }
        }
        if added_forbidden {
            adding.push(c.name);
        }
    }
    let mut details = Vec::new();
    if !missing_drop.is_empty() {
        details
            .push(format!("{} must set securityContext.capabilities.drop=[\"ALL\"]", containers_phrase(&missing_drop)));
    }
    if !adding.is_empty() {
        let caps: Vec<&str> = forbidden.into_iter().collect();
        details.push(format!(
            "{} must not include {} in securityContext.capabilities.add",
            containers_phrase(&adding),
            join_quote(&caps)
        ));
    }
    if details.is_empty() { None } else { fail("unrestricted capabilities", details.join("; "), paths) }
}
