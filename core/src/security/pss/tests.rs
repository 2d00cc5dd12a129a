//! Behaviour across checks: versions, overrides, wording, visiting order.

use k8s_openapi::api::core::v1::Pod;

use super::*;

fn pod(json: serde_json::Value) -> Pod {
    serde_json::from_value(json).expect("pod")
}

fn failing(p: &Pod, level: Level, version: &str) -> Vec<String> {
    let version = PolicyVersion::parse(version).expect("version");
    evaluate(&p.metadata, p.spec.as_ref().expect("spec"), level, version).failing_ids()
}

/// A pod that passes restricted at every version.
fn restricted_pod(extra_spec: serde_json::Value) -> Pod {
    let mut spec = serde_json::json!({
        "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [{"name": "app", "image": "app:1", "securityContext": {
            "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}]
    });
    if let (Some(base), Some(extra)) = (spec.as_object_mut(), extra_spec.as_object()) {
        for (k, v) in extra {
            base.insert(k.clone(), v.clone());
        }
    }
    pod(serde_json::json!({"metadata": {"name": "p"}, "spec": spec}))
}

#[test]
fn version_labels_parse_as_upstream() {
    assert_eq!(PolicyVersion::parse("latest"), Some(PolicyVersion::Latest));
    assert_eq!(PolicyVersion::parse("v1.0"), Some(PolicyVersion::Minor(0)));
    assert_eq!(PolicyVersion::parse("v1.37"), Some(PolicyVersion::Minor(37)));
    for bad in ["1.25", "v1.025", "v2.0", "v1.", "V1.2", "v1.-1", "Latest", ""] {
        assert_eq!(PolicyVersion::parse(bad), None, "{bad}");
    }
    assert_eq!(PolicyVersion::Minor(99).effective_minor(), NEWEST_POLICY_MINOR);
}

#[test]
fn restricted_replaces_baseline_twins_only_from_their_versions() {
    assert!(check_ids_for(Level::Restricted, 18).contains(&"seccompProfile_baseline"));
    assert!(!check_ids_for(Level::Restricted, 19).contains(&"seccompProfile_baseline"));
    assert!(check_ids_for(Level::Restricted, 21).contains(&"capabilities_baseline"));
    assert!(!check_ids_for(Level::Restricted, 22).contains(&"capabilities_baseline"));
    assert!(!check_ids_for(Level::Restricted, 0).contains(&"hostPathVolumes"));
    assert!(check_ids_for(Level::Restricted, 34).contains(&"procMount"));
    assert!(!check_ids_for(Level::Restricted, 35).contains(&"procMount"));
    assert_eq!(check_ids_for(Level::Baseline, 37).len(), 12);
    assert_eq!(check_ids_for(Level::Restricted, 37).len(), 15);
    assert!(check_ids_for(Level::Privileged, 37).is_empty());
    assert_eq!(all_checks().len(), 19);
}

#[test]
fn windows_pods_are_exempt_from_three_restricted_checks_from_v1_25() {
    let windows = pod(serde_json::json!({"metadata": {"name": "w"}, "spec": {
        "os": {"name": "windows"},
        "securityContext": {"runAsNonRoot": true},
        "containers": [{"name": "app", "image": "app:1"}]}}));
    assert_eq!(
        failing(&windows, Level::Restricted, "v1.24"),
        ["allowPrivilegeEscalation", "capabilities_restricted", "seccompProfile_restricted"]
    );
    assert!(failing(&windows, Level::Restricted, "v1.25").is_empty());
    assert!(failing(&windows, Level::Restricted, "latest").is_empty());
}

#[test]
fn restricted_twins_exempt_windows_pods_from_their_baseline_checks_too() {
    // registry.go drops overridden baseline checks from restricted, and the
    // v1.25 twins allow every Windows pod: restricted passes what baseline forbids.
    let windows = pod(serde_json::json!({"metadata": {"name": "w"}, "spec": {
        "os": {"name": "windows"},
        "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "Unconfined"}},
        "containers": [{"name": "app", "image": "app:1", "securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}}}]}}));
    assert_eq!(failing(&windows, Level::Baseline, "latest"), ["capabilities_baseline", "seccompProfile_baseline"]);
    assert!(failing(&windows, Level::Restricted, "latest").is_empty());
    assert_eq!(
        failing(&windows, Level::Restricted, "v1.24"),
        ["allowPrivilegeEscalation", "capabilities_restricted", "seccompProfile_restricted"]
    );
}

#[test]
fn host_users_false_relaxes_user_checks_from_v1_35() {
    let userns = pod(serde_json::json!({"metadata": {"name": "u"}, "spec": {
        "hostUsers": false,
        "securityContext": {"runAsUser": 0, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [{"name": "app", "image": "app:1", "securityContext": {
            "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}, "procMount": "Unmasked"}}]}}));
    assert_eq!(failing(&userns, Level::Baseline, "v1.34"), ["procMount"]);
    assert!(failing(&userns, Level::Baseline, "v1.35").is_empty());
    assert_eq!(failing(&userns, Level::Restricted, "v1.34"), ["procMount", "runAsNonRoot", "runAsUser"]);
    // procMount_restricted has no user-namespace relaxation.
    assert_eq!(failing(&userns, Level::Restricted, "v1.35"), ["procMount_restricted"]);
}

#[test]
fn pod_level_false_run_as_non_root_fails_even_when_containers_override_it() {
    let p = restricted_pod(serde_json::json!({
        "securityContext": {"runAsNonRoot": false, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [{"name": "app", "image": "app:1", "securityContext": {
            "runAsNonRoot": true, "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}]
    }));
    let e = evaluate(&p.metadata, p.spec.as_ref().expect("spec"), Level::Restricted, PolicyVersion::Latest);
    assert_eq!(e.forbidden_detail(), "runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)");
}

#[test]
fn ephemeral_containers_and_native_sidecars_are_checked_in_visiting_order() {
    let p = restricted_pod(serde_json::json!({
        "initContainers": [{"name": "sidecar", "image": "s:1", "restartPolicy": "Always"}],
        "ephemeralContainers": [{"name": "debug", "image": "busybox:1", "securityContext": {"privileged": true}}]
    }));
    let e = evaluate(&p.metadata, p.spec.as_ref().expect("spec"), Level::Restricted, PolicyVersion::Latest);
    assert_eq!(
        e.violation_message().as_deref(),
        Some(
            "violates PodSecurity \"restricted:latest\": privileged (container \"debug\" must not set securityContext.privileged=true), \
allowPrivilegeEscalation != false (containers \"sidecar\", \"debug\" must set securityContext.allowPrivilegeEscalation=false), \
unrestricted capabilities (containers \"sidecar\", \"debug\" must set securityContext.capabilities.drop=[\"ALL\"])"
        )
    );
    assert_eq!(e.failures[0].paths, ["spec.ephemeralContainers[0].securityContext.privileged"]);
}

#[test]
fn wording_pluralises_and_sorts_as_upstream() {
    let p = restricted_pod(serde_json::json!({
        "hostPID": true, "hostNetwork": true,
        "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"},
            "sysctls": [{"name": "kernel.msgmax", "value": "1"}, {"name": "net.ipv4.tcp_rmem", "value": "1"}]},
        "containers": [
            {"name": "b", "image": "b:1", "ports": [{"containerPort": 80, "hostPort": 8080}, {"containerPort": 81, "hostPort": 443}],
             "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"], "add": ["chown", "NET_RAW"]}}},
            {"name": "a", "image": "a:1", "ports": [{"containerPort": 90, "hostPort": 9090}],
             "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}]
    }));
    let e = evaluate(&p.metadata, p.spec.as_ref().expect("spec"), Level::Baseline, PolicyVersion::Minor(31));
    assert_eq!(
        e.forbidden_detail(),
        "non-default capabilities (container \"b\" must not include \"NET_RAW\", \"chown\" in securityContext.capabilities.add), \
host namespaces (hostNetwork=true, hostPID=true), \
hostPort (containers \"b\", \"a\" use hostPorts 443, 8080, 9090), \
forbidden sysctls (kernel.msgmax, net.ipv4.tcp_rmem)"
    );
    // tcp_rmem became safe in v1.32.
    let e = evaluate(&p.metadata, p.spec.as_ref().expect("spec"), Level::Baseline, PolicyVersion::Minor(32));
    assert!(e.forbidden_detail().ends_with("forbidden sysctls (kernel.msgmax)"));
}

#[test]
fn annotations_are_quoted_like_go() {
    let p = pod(serde_json::json!({"metadata": {"name": "p", "annotations": {
        "seccomp.security.alpha.kubernetes.io/pod": "unconfined",
        "container.apparmor.security.beta.kubernetes.io/app": "un\"confined"}},
        "spec": {"containers": [{"name": "app", "image": "app:1"}]}}));
    let e = evaluate(&p.metadata, p.spec.as_ref().expect("spec"), Level::Baseline, PolicyVersion::Minor(18));
    assert_eq!(
        e.forbidden_detail(),
        "forbidden AppArmor profile (annotation must not set AppArmor profile type to \"container.apparmor.security.beta.kubernetes.io/app=\"un\\\"confined\"\"), \
seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod=\"unconfined\")"
    );
    // From v1.19 the seccomp annotation is no longer read.
    assert_eq!(failing(&p, Level::Baseline, "v1.19"), ["appArmorProfile"]);
}

#[test]
fn sourceless_volumes_are_defaulted_to_empty_dir() {
    let p = restricted_pod(serde_json::json!({"volumes": [{"name": "scratch"}]}));
    assert!(failing(&p, Level::Restricted, "latest").is_empty());
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    fn opt_bool() -> impl Strategy<Value = Option<bool>> {
        prop_oneof![Just(None), Just(Some(true)), Just(Some(false))]
    }

    fn container() -> impl Strategy<Value = serde_json::Value> {
        (
            opt_bool(),
            opt_bool(),
            opt_bool(),
            prop::option::of(prop::sample::select(vec![0i64, 1000])),
            prop::option::of(prop::sample::select(vec!["RuntimeDefault", "Unconfined", "Localhost"])),
            prop::option::of(prop::sample::select(vec!["ALL", "NET_RAW"])),
            prop::option::of(prop::sample::select(vec!["NET_BIND_SERVICE", "SYS_ADMIN", "CHOWN"])),
            prop::option::of(prop::sample::select(vec!["Default", "Unmasked"])),
        )
            .prop_map(|(privileged, escalation, non_root, user, seccomp, drop, add, proc_mount)| {
                let mut sc = serde_json::Map::new();
                if let Some(v) = privileged {
                    sc.insert("privileged".into(), v.into());
                }
                if let Some(v) = escalation {
                    sc.insert("allowPrivilegeEscalation".into(), v.into());
                }
                if let Some(v) = non_root {
                    sc.insert("runAsNonRoot".into(), v.into());
                }
                if let Some(v) = user {
                    sc.insert("runAsUser".into(), v.into());
                }
                if let Some(t) = seccomp {
                    sc.insert("seccompProfile".into(), serde_json::json!({"type": t, "localhostProfile": "p"}));
                }
                if drop.is_some() || add.is_some() {
                    sc.insert("capabilities".into(), serde_json::json!({"drop": drop.into_iter().collect::<Vec<_>>(), "add": add.into_iter().collect::<Vec<_>>()}));
                }
                if let Some(pm) = proc_mount {
                    sc.insert("procMount".into(), pm.into());
                }
                serde_json::json!({"name": "c", "image": "i:1", "securityContext": sc})
            })
    }

    proptest! {
        /// Restricted never allows what baseline forbids: every failing baseline
        /// check also fails at restricted, or its restricted twin does.
        #[test]
        fn restricted_is_at_least_as_strict_as_baseline(
            containers in prop::collection::vec(container(), 1..3),
            host_network in opt_bool(),
            host_users in opt_bool(),
            windows in any::<bool>(),
            pod_non_root in opt_bool(),
            minor in 0u32..40,
        ) {
            let mut spec = serde_json::json!({"containers": containers});
            if let Some(v) = host_network { spec["hostNetwork"] = v.into(); }
            if let Some(v) = host_users { spec["hostUsers"] = v.into(); }
            if windows { spec["os"] = serde_json::json!({"name": "windows"}); }
            if let Some(v) = pod_non_root { spec["securityContext"] = serde_json::json!({"runAsNonRoot": v}); }
            let p = pod(serde_json::json!({"metadata": {"name": "p"}, "spec": spec}));
            let spec = p.spec.clone().unwrap_or_default();
            let version = PolicyVersion::Minor(minor);
            let baseline = evaluate(&p.metadata, &spec, Level::Baseline, version).failing_ids();
            let restricted = evaluate(&p.metadata, &spec, Level::Restricted, version).failing_ids();
            let effective = version.effective_minor();
            for id in &baseline {
                // Upstream quirk: the restricted twins exempt Windows pods from v1.25,
                // so the baseline checks they override are not run for them at all.
                let windows_exempt = windows && effective >= 25
                    && (id == "capabilities_baseline" || id == "seccompProfile_baseline");
                if windows_exempt {
                    continue;
                }
                let twin = all_checks().into_iter().find(|c| c.overrides == Some(id.as_str()) && c.since <= effective);
                let covered = restricted.contains(id) || twin.is_some_and(|t| restricted.iter().any(|r| r == t.id));
                prop_assert!(covered, "baseline {id} not covered at restricted v1.{minor}: {restricted:?}");
            }
            prop_assert!(evaluate(&p.metadata, &spec, Level::Privileged, version).allowed());
        }
    }
}
