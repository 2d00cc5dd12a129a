//! Services, the reachability graph and its analyses, and the report section,
//! on the training material's multi-tier policy.

use kubeplay_core::model::ObjectRef;
use kubeplay_core::netpol::graph::{self, PortRange};
use kubeplay_core::netpol::service::{explain_via_service, services};
use kubeplay_core::netpol::summary::summarize;
use kubeplay_core::netpol::{EndpointRef, Engine, NetpolOptions, Protocol};
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

    let service: ObjectRef = "default/api[Service]".parse().unwrap();
    let from = |id: &str| id.parse::<EndpointRef>().unwrap();
    let hops = explain_via_service(&engine, &loading.inventory, &from("default/frontend"), &service, 80, Protocol::TCP)
        .unwrap();
    assert_eq!(hops.len(), 1);
    assert_eq!(hops[0].0.flow, "default/frontend → default/api:5000 via Service api:80");
    assert!(hops[0].1.allowed);
    let rule = &hops[0].1.ingress.matches[0];
    assert_eq!((rule.rule, rule.peer, rule.port), (0, Some(0), Some(0)));
    assert_eq!(rule.location.span.line, 17, "{rule:?}");

    let denied =
        explain_via_service(&engine, &loading.inventory, &from("default/database"), &service, 80, Protocol::TCP)
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
    let g = graph::build(&engine).expect("a small graph");
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

    let dot = kubeplay_core::render::dot::graph(&g);
    assert!(dot.starts_with("digraph netpol {"));
    assert!(dot.contains("\"default/frontend\" -> \"default/api\" [label=\"TCP 5000\"];"), "{dot}");
}

#[test]
fn analyze_report_has_the_netpol_section_and_findings() {
    let text = text();
    let report = analyze(&[Input::new("m.yaml", &text)]);
    assert_eq!(report.netpol.policies, 1);
    assert_eq!(report.netpol.endpoints, 4);
    let codes: Vec<(&str, usize)> =
        report.diagnostics.iter().map(|d| (d.code.as_str(), d.location.span.line)).collect();
    assert!(codes.contains(&("netpol-namespace-label-unmatched", 20)), "{codes:?}");
    assert!(codes.contains(&("netpol-dns-tcp-only", 37)), "{codes:?}");
    let json = serde_json::to_value(&report).unwrap();
    assert!(json["netpol"]["reachability"].as_array().unwrap().len() == 4);
}

/// `count` bare pods spread over `namespaces` namespaces (no policies: all-to-all).
fn open_cluster(count: usize, namespaces: usize) -> String {
    (0..count)
        .map(|i| format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}, namespace: ns{}}}\nspec: {{containers: [{{name: c, image: x}}]}}\n", i % namespaces))
        .collect::<Vec<_>>()
        .join("---\n")
}

#[test]
fn the_pod_graph_is_refused_past_its_edge_limit_counted_at_class_level() {
    let text = open_cluster(1100, 3);
    let loading = load(&[Input::new("m.yaml", &text)]);
    let engine = Engine::new(&loading.inventory, &NetpolOptions::default());
    // Every ordered pair of distinct pods: 1100 × 1099 edges.
    assert_eq!(graph::pod_edge_count(&engine), 1100 * 1099);
    assert_eq!(graph::build(&engine), Err(graph::TooLarge { edges: 1100 * 1099 }));

    let g = graph::build_by_namespace(&engine);
    let ids: Vec<&str> = g.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["ns0/367 endpoints", "ns1/367 endpoints", "ns2/366 endpoints", "external:any"]);
    // Every namespace to every other and to and from outside, on every port; none within one.
    assert_eq!(g.edges.len(), 3 * 2 + 3 * 2);
    assert!(g.edges.iter().all(|e| e.all && e.from != e.to));
}

#[test]
fn the_namespace_graph_agrees_with_the_pod_graph() {
    let text = text();
    let loading = load(&[Input::new("m.yaml", &text)]);
    let engine = Engine::new(&loading.inventory, &NetpolOptions::default());
    let pods = graph::build(&engine).expect("a small graph");
    let grouped = graph::build_by_namespace(&engine);
    let group = |id: &str| -> String {
        match pods.nodes.iter().find(|n| n.id == id).and_then(|n| n.namespace.clone()) {
            Some(ns) => grouped.nodes.iter().find(|n| n.namespace.as_deref() == Some(&ns)).unwrap().id.clone(),
            None => id.to_owned(),
        }
    };
    // Each namespace edge carries exactly the union of its pod edges' ports.
    let mut expected: std::collections::BTreeMap<(String, String), Vec<(Protocol, u16)>> = Default::default();
    for edge in &pods.edges {
        let (from, to) = (group(&edge.from), group(&edge.to));
        if from != to {
            for port in [53, 80, 5000, 5432, 9090] {
                for protocol in [Protocol::TCP, Protocol::UDP] {
                    if edge.carries(port, protocol) {
                        expected.entry((from.clone(), to.clone())).or_default().push((protocol, port));
                    }
                }
            }
        }
    }
    let mut actual: std::collections::BTreeMap<(String, String), Vec<(Protocol, u16)>> = Default::default();
    for edge in &grouped.edges {
        for port in [53, 80, 5000, 5432, 9090] {
            for protocol in [Protocol::TCP, Protocol::UDP] {
                if edge.carries(port, protocol) {
                    actual.entry((edge.from.clone(), edge.to.clone())).or_default().push((protocol, port));
                }
            }
        }
    }
    for list in expected.values_mut() {
        list.sort();
        list.dedup();
    }
    for list in actual.values_mut() {
        list.sort();
    }
    assert_eq!(actual, expected);
    assert!(grouped.edges.iter().any(|e| e.from.starts_with("default/") && e.to.starts_with("monitoring/")));
}

#[test]
fn the_traffic_picture_groups_large_clusters_by_namespace() {
    use kubeplay_core::netpol::graph::picture;
    let text = open_cluster(100, 4);
    let loading = load(&[Input::new("m.yaml", &text)]);
    let engine = Engine::new(&loading.inventory, &NetpolOptions::default());
    let grouped = picture(&engine, &loading.inventory, 60);
    assert!(grouped.by_namespace);
    assert!(grouped.replicas.is_empty());
    let ids: Vec<&str> = grouped.graph.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids.len(), 5);
    assert!(ids.contains(&"ns0/25 endpoints"), "{ids:?}");
    // Under the threshold the graph is per workload, with replica counts.
    let plain = picture(&engine, &loading.inventory, 1_000);
    assert!(!plain.by_namespace);
    assert_eq!(plain.graph.nodes.len(), engine.endpoints.len() + 1);
    assert_eq!(picture(&engine, &loading.inventory, 60), grouped);
}

#[test]
fn report_findings_cover_every_area_with_locations() {
    use kubeplay_core::diagnostic::Area;
    use kubeplay_core::report::findings;
    let text = format!(
        "{}---\napiVersion: v1\nkind: Pod\nmetadata: {{name: web}}\nspec: {{containers: [{{name: c, image: nginx}}]}}\n",
        text()
    );
    let report = analyze(&[Input::new("m.yaml", &text)]);
    let all = findings(&report);
    let areas: std::collections::BTreeSet<Area> = all.iter().map(|f| f.area).collect();
    assert!(areas.contains(&Area::NetworkPolicy) && areas.contains(&Area::Security), "{areas:?}");
    // Every diagnostic is there once, with the area its analysis set; then the best-practice findings.
    assert_eq!(all.iter().filter(|f| f.area != Area::Security).count(), report.diagnostics.len());
    assert!(report.diagnostics.iter().all(|d| d.area != Area::Security));
    let pod = report.objects.iter().find(|o| o.kind == kubeplay_core::model::Kind::Pod && o.name == "web").unwrap();
    let unpinned = all
        .iter()
        .find(|f| f.code == "image-tag-unpinned" && f.location.doc == pod.location.doc)
        .expect("the pod's unpinned image");
    assert_eq!(unpinned.area, Area::Security);
    assert!(unpinned.fix.as_deref().is_some_and(|fix| fix.contains("image:")), "{:?}", unpinned.fix);
    // The pod is the last document: its findings point into it.
    let pod_line = text.lines().position(|l| l.starts_with("metadata: {name: web}")).unwrap() + 1;
    assert!(unpinned.location.span.line > pod_line, "{} after {pod_line}", unpinned.location.span.line);
    assert!(all.windows(2).all(|w| w[0].location.span.line <= w[1].location.span.line));
}

#[test]
fn node_kinds_print_as_the_graph_json_names_them_and_read_back() {
    use kubeplay_core::model::Kind;
    use kubeplay_core::netpol::graph::NodeKind;
    for (kind, name) in [
        (NodeKind::Object(Kind::Pod), "\"Pod\""),
        (NodeKind::Object(Kind::Deployment), "\"Deployment\""),
        (NodeKind::Namespace, "\"Namespace\""),
        (NodeKind::External, "\"External\""),
    ] {
        assert_eq!(serde_json::to_string(&kind).unwrap(), name);
        assert_eq!(serde_json::from_str::<NodeKind>(name).unwrap(), kind);
    }
    assert!(serde_json::from_str::<NodeKind>("\"Gadget\"").is_err());
}
