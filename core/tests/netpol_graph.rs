//! Services, the reachability graph and its analyses, and the report section,
//! on the training material's multi-tier policy.

use kubeplay_core::netpol::graph::{self, PortRange};
use kubeplay_core::netpol::service::{explain_via_service, services};
use kubeplay_core::netpol::summary::summarize;
use kubeplay_core::netpol::{Engine, NetpolOptions, Protocol};
use kubeplay_core::{Input, analyze, load};

const SERVICE: &str = "
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {tier: api}
  ports: [{port: 80, targetPort: http}]
";

fn text() -> String {
    format!("{}{SERVICE}", include_str!("netpol-lint/multi-tier.yaml"))
}

#[test]
fn service_resolves_named_target_port_and_flows() {
    let text = text();
    let loading = load(&[Input::new("m.yaml", &text)]);
    let engine = Engine::new(&loading.inventory, &NetpolOptions::default());
    let all = services(&engine, &loading.inventory);
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].id, "default/api[Service]");
    assert_eq!(all[0].ports[0].backends[0].target_port, Some(5000));

    let hops =
        explain_via_service(&engine, &loading.inventory, "default/frontend", "default/api[Service]", 80, Protocol::TCP)
            .unwrap();
    assert_eq!(hops.len(), 1);
    assert_eq!(hops[0].0.flow, "default/frontend → default/api:5000 via Service api:80");
    assert!(hops[0].1.allowed);
    let rule = &hops[0].1.ingress.matches[0];
    assert_eq!((rule.rule, rule.peer, rule.port), (0, Some(0), Some(0)));
    assert_eq!(rule.location.line, 17, "{rule:?}");

    let denied =
        explain_via_service(&engine, &loading.inventory, "default/database", "default/api[Service]", 80, Protocol::TCP)
            .unwrap();
    assert!(!denied[0].1.allowed);
    assert!(denied[0].1.summary.contains("DENIED"), "{}", denied[0].1.summary);

    let summary = summarize(&engine, &loading.inventory);
    assert!(
        summary.service_flows.contains(&"default/frontend → default/api:5000 via Service api:80".to_owned()),
        "{:?}",
        summary.service_flows
    );
    assert!(!summary.service_flows.iter().any(|f| f.starts_with("default/database")));
    assert_eq!(summary.not_isolated_ingress, vec!["default/database", "default/frontend", "monitoring/prometheus"]);
    assert_eq!(summary.namespaces_without_default_deny.len(), 2);
}

#[test]
fn graph_edges_carry_connection_sets() {
    let text = text();
    let loading = load(&[Input::new("m.yaml", &text)]);
    let engine = Engine::new(&loading.inventory, &NetpolOptions::default());
    let g = graph::build(&engine);
    let edge = |from: &str, to: &str| g.edges.iter().find(|e| e.from == from && e.to == to);
    let tcp = |port| PortRange { protocol: Protocol::TCP, first: port, last: port };
    assert_eq!(edge("default/frontend", "default/api").unwrap().connections, vec![tcp(5000)]);
    assert_eq!(edge("default/api", "default/database").unwrap().connections, vec![tcp(53), tcp(5432)]);
    // namespaceSelector {} matches every pod, so api may reach any pod on TCP/53.
    assert_eq!(edge("default/api", "default/frontend").unwrap().connections, vec![tcp(53)]);
    assert!(edge("default/api", "external:any").is_none());
    assert!(edge("default/database", "default/api").is_none());
    assert!(edge("default/frontend", "default/database").unwrap().all);
    assert!(edge("external:any", "default/frontend").unwrap().all);
    assert!(edge("external:any", "default/api").is_none());

    let reach_api = g.who_can_reach("default/api").unwrap();
    assert!(reach_api.contains(&"default/frontend".to_owned()));
    // Everything reaches the unisolated frontend, and it reaches api.
    assert!(reach_api.contains(&"external:any".to_owned()));
    let blast = g.blast_radius("default/api").unwrap();
    assert!(blast.contains(&"default/database".to_owned()) && blast.contains(&"external:any".to_owned()));

    let dot = g.to_dot();
    assert!(dot.starts_with("digraph netpol {"));
    assert!(dot.contains("\"default/frontend\" -> \"default/api\" [label=\"TCP 5000\"];"), "{dot}");
}

#[test]
fn analyze_report_has_the_netpol_section_and_findings() {
    let text = text();
    let report = analyze(&[Input::new("m.yaml", &text)]);
    assert_eq!(report.netpol.policies, 1);
    assert_eq!(report.netpol.endpoints, 4);
    let codes: Vec<(&str, usize)> = report.diagnostics.iter().map(|d| (d.code.as_str(), d.line)).collect();
    assert!(codes.contains(&("netpol-namespace-label-unmatched", 20)), "{codes:?}");
    assert!(codes.contains(&("netpol-dns-tcp-only", 37)), "{codes:?}");
    let json = serde_json::to_value(&report).unwrap();
    assert!(json["netpol"]["reachability"].as_array().unwrap().len() == 4);
}
