//! A generator of Pod Security Standards conformance fixtures, derived from the
//! rules as upstream's fixture generators define them
//! (`k8s.io/pod-security-admission/test/fixtures*.go`, written here in our own
//! words): for every level, every policy version v1.0 … v1.37 and every check that
//! exists at that version, a minimal valid pod for the level and version, the
//! passing variants and the failing variants of that check.
//!
//! Like upstream's `TestFixtures`, restricted also runs the generators of every
//! baseline check (including baseline checks that a restricted twin overrides: the
//! failing variant must then fail on the twin).

use k8s_openapi::api::core::v1::{
    Capabilities, Container, ContainerPort, HTTPGetAction, Lifecycle, LifecycleHandler, Pod, PodOS, PodSecurityContext,
    PodSpec, Probe, SELinuxOptions, SeccompProfile, SecurityContext, Sysctl, TCPSocketAction, Volume,
    WindowsSecurityContextOptions,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kubeplay_core::security::pss::{Level, NEWEST_POLICY_MINOR, all_checks};

/// One generated case.
#[derive(Clone, Debug)]
pub struct Fixture {
    pub level: Level,
    pub minor: u32,
    /// The check the case exercises (`base`, `base_linux`, `base_windows` for the minimal pods).
    pub check: String,
    /// File-style name as upstream would write it, e.g. `restricted/v1.25/fail/privileged0`.
    pub name: String,
    pub pass: bool,
    /// For failing cases: text the violation message must contain.
    pub expect_substring: Option<String>,
    pub pod: Pod,
}

/// A generator for one check from a minimum version on.
struct Generator {
    check: &'static str,
    level: Level,
    since: u32,
    expect: Option<&'static str>,
    pass: fn(Pod, Level) -> Vec<Pod>,
    fail: fn(Pod) -> Vec<Pod>,
}

fn tweak(pod: &Pod, f: impl FnOnce(&mut Pod)) -> Pod {
    let mut copy = pod.clone();
    f(&mut copy);
    copy
}

fn spec(p: &mut Pod) -> &mut PodSpec {
    p.spec.get_or_insert_with(Default::default)
}

fn psc(p: &mut Pod) -> &mut PodSecurityContext {
    spec(p).security_context.get_or_insert_with(Default::default)
}

fn container(p: &mut Pod) -> &mut Container {
    let s = spec(p);
    if s.containers.is_empty() {
        s.containers.push(Container::default());
    }
    &mut s.containers[0]
}

fn init_container(p: &mut Pod) -> &mut Container {
    let list = spec(p).init_containers.get_or_insert_with(Vec::new);
    if list.is_empty() {
        list.push(Container::default());
    }
    &mut list[0]
}

fn sc(c: &mut Container) -> &mut SecurityContext {
    c.security_context.get_or_insert_with(Default::default)
}

fn caps(c: &mut Container) -> &mut Capabilities {
    sc(c).capabilities.get_or_insert_with(Default::default)
}

fn selinux(c: &mut Container) -> &mut SELinuxOptions {
    sc(c).se_linux_options.get_or_insert_with(Default::default)
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn annotate(p: &mut Pod, key: String, value: &str) {
    p.metadata.annotations.get_or_insert_with(Default::default).insert(key, value.to_owned());
}

fn container_name(p: &Pod) -> String {
    p.spec.as_ref().and_then(|s| s.containers.first()).map(|c| c.name.clone()).unwrap_or_default()
}

fn init_container_name(p: &Pod) -> String {
    p.spec
        .as_ref()
        .and_then(|s| s.init_containers.as_ref())
        .and_then(|l| l.first())
        .map(|c| c.name.clone())
        .unwrap_or_default()
}

/// upstream `ensureSecurityContext`: pod and both containers get a (possibly empty) context.
fn ensure_security_context(p: &Pod) -> Pod {
    tweak(p, |p| {
        psc(p);
        sc(container(p));
        sc(init_container(p));
    })
}

fn ensure_capabilities(p: &Pod) -> Pod {
    tweak(&ensure_security_context(p), |p| {
        caps(container(p));
        caps(init_container(p));
    })
}

fn ensure_selinux_options(p: &Pod) -> Pod {
    tweak(&ensure_security_context(p), |p| {
        psc(p).se_linux_options.get_or_insert_with(Default::default);
        selinux(container(p));
        selinux(init_container(p));
    })
}

fn pod_selinux(p: &mut Pod) -> &mut SELinuxOptions {
    psc(p).se_linux_options.get_or_insert_with(Default::default)
}

fn seccomp(type_: &str) -> Option<SeccompProfile> {
    let localhost_profile = (type_ == "Localhost").then(|| "testing".to_owned());
    Some(SeccompProfile { type_: type_.to_owned(), localhost_profile })
}

fn with_os(p: &Pod, os: &str) -> Pod {
    tweak(p, |p| spec(p).os = Some(PodOS { name: os.to_owned() }))
}

/// The minimal valid pods of upstream `fixtures.go`, keyed by the version that
/// introduced them: (os-neutral, linux, windows).
fn minimal_valid_pod(level: Level, minor: u32) -> (Pod, Option<Pod>, Option<Pod>) {
    let baseline = Pod {
        spec: Some(PodSpec {
            init_containers: Some(vec![Container {
                name: "initcontainer1".into(),
                image: Some("registry.k8s.io/pause".into()),
                ..Default::default()
            }]),
            containers: vec![Container {
                name: "container1".into(),
                image: Some("registry.k8s.io/pause".into()),
                ..Default::default()
            }],
            ..Default::default()
        }),
        ..Default::default()
    };
    if level == Level::Baseline {
        return (baseline, None, None);
    }
    let r1_0 = tweak(&baseline, |p| psc(p).run_as_non_root = Some(true));
    let r1_8 = tweak(&r1_0, |p| {
        sc(container(p)).allow_privilege_escalation = Some(false);
        sc(init_container(p)).allow_privilege_escalation = Some(false);
    });
    let r1_19 = tweak(&r1_8, |p| {
        p.metadata.annotations = None;
        psc(p).seccomp_profile = seccomp("RuntimeDefault").map(|s| SeccompProfile { localhost_profile: None, ..s });
    });
    let r1_22 = tweak(&r1_19, |p| {
        caps(container(p)).drop = Some(strings(&["ALL"]));
        caps(init_container(p)).drop = Some(strings(&["ALL"]));
    });
    let neutral = match minor {
        0..=7 => r1_0.clone(),
        8..=18 => r1_8,
        19..=21 => r1_19,
        _ => r1_22,
    };
    let linux = with_os(&neutral, "linux");
    // From v1.25 the Windows minimal pod drops what Windows pods are exempt from.
    let windows = if minor >= 25 { with_os(&r1_0, "windows") } else { with_os(&neutral, "windows") };
    (neutral, Some(linux), Some(windows))
}

/// Version from which upstream's harness also writes `base_linux` / `base_windows`
/// passes (`podOSBasedRestrictionEnabledVersion` in test/run.go; the Windows
/// relaxations themselves apply from v1.25).
const POD_OS_BASE_FIXTURES_SINCE: u32 = 29;

fn none_pass(_: Pod, _: Level) -> Vec<Pod> {
    Vec::new()
}

const ALL_DROPS: &[&str] = &[
    "SYS_TIME",
    "SYS_MODULE",
    "SYS_RAWIO",
    "SYS_PACCT",
    "SYS_ADMIN",
    "SYS_NICE",
    "SYS_RESOURCE",
    "SYS_TIME",
    "SYS_TTY_CONFIG",
    "MKNOD",
    "AUDIT_WRITE",
    "AUDIT_CONTROL",
    "MAC_OVERRIDE",
    "MAC_ADMIN",
    "NET_ADMIN",
    "SYSLOG",
    "CHOWN",
    "NET_RAW",
    "DAC_OVERRIDE",
    "FOWNER",
    "DAC_READ_SEARCH",
    "FSETID",
    "KILL",
    "SETGID",
    "SETUID",
    "LINUX_IMMUTABLE",
    "NET_BIND_SERVICE",
    "NET_BROADCAST",
    "IPC_LOCK",
    "IPC_OWNER",
    "SYS_CHROOT",
    "SYS_PTRACE",
    "SYS_BOOT",
    "LEASE",
    "SETFCAP",
    "WAKE_ALARM",
    "BLOCK_SUSPEND",
];

const DEFAULT_CAPS: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

fn volume(name: &str, f: impl FnOnce(&mut Volume)) -> Volume {
    let mut v = Volume { name: name.to_owned(), ..Default::default() };
    f(&mut v);
    v
}

fn sysctl_list(names: &[&str]) -> Option<Vec<Sysctl>> {
    Some(names.iter().map(|n| Sysctl { name: (*n).to_owned(), value: "0".to_owned() }).collect())
}

fn http_probe(host: Option<&str>) -> Option<Probe> {
    Some(Probe {
        http_get: Some(HTTPGetAction {
            host: host.map(str::to_owned),
            port: IntOrString::Int(8080),
            ..Default::default()
        }),
        ..Default::default()
    })
}

fn tcp_probe(host: Option<&str>) -> Option<Probe> {
    Some(Probe {
        tcp_socket: Some(TCPSocketAction { host: host.map(str::to_owned), port: IntOrString::Int(8080) }),
        ..Default::default()
    })
}

/// `sysctls` generators: each version's pass case sets the sysctls that version allows.
fn sysctl_generator(since: u32) -> Generator {
    Generator {
        check: "sysctls",
        level: Level::Baseline,
        since,
        expect: Some("forbidden sysctl"),
        pass: match since {
            0 => |p, _| sysctl_pass(p, SYSCTLS_1_0),
            27 => |p, _| sysctl_pass(p, SYSCTLS_1_27),
            29 => |p, _| sysctl_pass(p, SYSCTLS_1_29),
            32 => |p, _| sysctl_pass(p, SYSCTLS_1_32),
            _ => |p, _| sysctl_pass(p, SYSCTLS_1_37),
        },
        fail: |p| vec![tweak(&p, |p| psc(p).sysctls = sysctl_list(&["othersysctl"]))],
    }
}

const SYSCTLS_1_0: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
];
const SYSCTLS_1_27: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.ip_local_reserved_ports",
];
const SYSCTLS_1_29: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];
const SYSCTLS_1_32: &[&str] = &["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"];
const SYSCTLS_1_37: &[&str] = &["net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"];

fn sysctl_pass(p: Pod, names: &[&str]) -> Vec<Pod> {
    let p = tweak(&p, |p| {
        psc(p);
    });
    vec![tweak(&p, |p| psc(p).sysctls = None), tweak(&p, |p| psc(p).sysctls = sysctl_list(names))]
}

fn proc_mount(p: &mut Pod, init: bool, value: &str, host_users: bool) {
    let c = if init { init_container(p) } else { container(p) };
    sc(c).proc_mount = Some(value.to_owned());
    spec(p).host_users = Some(host_users);
}

fn generators() -> Vec<Generator> {
    vec![
        Generator {
            check: "allowPrivilegeEscalation",
            level: Level::Restricted,
            since: 8,
            expect: None,
            pass: none_pass,
            fail: |p| {
                if p.spec.as_ref().and_then(|s| s.os.as_ref()).is_some_and(|os| os.name == "windows") {
                    return Vec::new();
                }
                vec![
                    tweak(&p, |p| sc(container(p)).allow_privilege_escalation = Some(true)),
                    tweak(&p, |p| sc(init_container(p)).allow_privilege_escalation = Some(true)),
                    tweak(&p, |p| sc(container(p)).allow_privilege_escalation = None),
                    tweak(&p, |p| container(p).security_context = None),
                ]
            },
        },
        Generator {
            check: "appArmorProfile",
            level: Level::Baseline,
            since: 0,
            expect: Some("forbidden AppArmor profile"),
            pass: |p, _| {
                vec![tweak(&p, |p| {
                    let name = container_name(p);
                    annotate(p, format!("container.apparmor.security.beta.kubernetes.io/{name}"), "runtime/default");
                    // upstream uses the regular container's name again here
                    annotate(p, format!("container.apparmor.security.beta.kubernetes.io/{name}"), "localhost/foo");
                })]
            },
            fail: |p| {
                vec![
                    tweak(&p, |p| {
                        let name = container_name(p);
                        annotate(p, format!("container.apparmor.security.beta.kubernetes.io/{name}"), "unconfined");
                    }),
                    tweak(&p, |p| {
                        let name = init_container_name(p);
                        annotate(p, format!("container.apparmor.security.beta.kubernetes.io/{name}"), "unconfined");
                    }),
                ]
            },
        },
        Generator {
            check: "capabilities_baseline",
            level: Level::Baseline,
            since: 0,
            expect: Some("capabilities"),
            pass: |p, _| {
                let drops_all = p
                    .spec
                    .as_ref()
                    .and_then(|s| s.containers.first())
                    .and_then(|c| c.security_context.as_ref())
                    .and_then(|sc| sc.capabilities.as_ref())
                    .is_some_and(|c| c.drop.iter().flatten().any(|d| d == "ALL"));
                if drops_all {
                    return Vec::new();
                }
                let p = ensure_capabilities(&p);
                vec![tweak(&p, |p| {
                    caps(container(p)).add = Some(strings(DEFAULT_CAPS));
                    caps(init_container(p)).add = Some(strings(DEFAULT_CAPS));
                })]
            },
            fail: |p| {
                let p = ensure_capabilities(&p);
                vec![
                    tweak(&p, |p| caps(container(p)).add = Some(strings(&["NET_RAW"]))),
                    tweak(&p, |p| caps(init_container(p)).add = Some(strings(&["NET_RAW"]))),
                    tweak(&p, |p| caps(container(p)).add = Some(strings(&["chown"]))),
                    tweak(&p, |p| caps(container(p)).add = Some(strings(&["CAP_CHOWN"]))),
                ]
            },
        },
        Generator {
            check: "capabilities_restricted",
            level: Level::Restricted,
            since: 22,
            expect: Some("unrestricted capabilities"),
            pass: |p, _| {
                let p = ensure_capabilities(&p);
                vec![tweak(&p, |p| {
                    caps(container(p)).drop = Some(strings(&["ALL"]));
                    caps(init_container(p)).drop = Some(strings(&["ALL"]));
                    caps(container(p)).add = Some(strings(&["NET_BIND_SERVICE"]));
                    caps(init_container(p)).add = Some(strings(&["NET_BIND_SERVICE"]));
                })]
            },
            fail: |p| {
                let p = ensure_capabilities(&p);
                vec![
                    tweak(&p, |p| caps(container(p)).drop = Some(Vec::new())),
                    tweak(&p, |p| caps(init_container(p)).drop = Some(Vec::new())),
                    tweak(&p, |p| {
                        caps(container(p)).drop = Some(strings(ALL_DROPS));
                        caps(init_container(p)).drop = Some(strings(ALL_DROPS));
                    }),
                    tweak(&p, |p| {
                        caps(container(p)).drop = Some(strings(&["ALL"]));
                        caps(init_container(p)).drop = Some(strings(&["ALL"]));
                        caps(container(p)).add = Some(strings(DEFAULT_CAPS));
                        caps(init_container(p)).add = Some(strings(DEFAULT_CAPS));
                    }),
                ]
            },
        },
        Generator {
            check: "hostNamespaces",
            level: Level::Baseline,
            since: 0,
            expect: Some("host namespaces"),
            pass: none_pass,
            fail: |p| {
                vec![
                    tweak(&p, |p| spec(p).host_ipc = Some(true)),
                    tweak(&p, |p| spec(p).host_network = Some(true)),
                    tweak(&p, |p| spec(p).host_pid = Some(true)),
                ]
            },
        },
        Generator {
            check: "hostPathVolumes",
            level: Level::Baseline,
            since: 0,
            expect: Some("hostPath"),
            pass: none_pass,
            fail: |p| {
                let host_path = |name: &str, path: &str| {
                    let path = path.to_owned();
                    volume(name, |v| {
                        v.host_path = Some(k8s_openapi::api::core::v1::HostPathVolumeSource { path, type_: None })
                    })
                };
                vec![
                    tweak(&p, |p| {
                        spec(p).volumes = Some(vec![
                            volume("volume-emptydir", |v| v.empty_dir = Some(Default::default())),
                            host_path("volume-hostpath", "/a"),
                        ])
                    }),
                    tweak(&p, |p| {
                        spec(p).volumes =
                            Some(vec![host_path("volume-hostpath-a", "/a"), host_path("volume-hostpath-b", "/b")])
                    }),
                ]
            },
        },
        Generator {
            check: "hostPorts",
            level: Level::Baseline,
            since: 0,
            expect: Some("hostPort"),
            pass: |p, _| {
                vec![tweak(&p, |p| {
                    container(p).ports = Some(vec![ContainerPort { container_port: 12345, ..Default::default() }]);
                    init_container(p).ports = Some(vec![ContainerPort { container_port: 12346, ..Default::default() }]);
                })]
            },
            fail: |p| {
                let port = |container_port: i32, host_port: Option<i32>| ContainerPort {
                    container_port,
                    host_port,
                    ..Default::default()
                };
                vec![
                    tweak(&p, |p| container(p).ports = Some(vec![port(12345, Some(12345))])),
                    tweak(&p, |p| init_container(p).ports = Some(vec![port(12346, Some(12346))])),
                    tweak(&p, |p| {
                        container(p).ports = Some(vec![port(12345, Some(12345)), port(12347, None)]);
                        init_container(p).ports = Some(vec![port(12346, Some(12346)), port(12348, None)]);
                    }),
                ]
            },
        },
        Generator {
            check: "hostProbesAndHostLifecycle",
            level: Level::Baseline,
            since: 34,
            expect: Some("probe or lifecycle host"),
            pass: |p, _| {
                vec![
                    p.clone(),
                    tweak(&p, |p| container(p).liveness_probe = http_probe(None)),
                    tweak(&p, |p| container(p).readiness_probe = tcp_probe(None)),
                ]
            },
            fail: |p| {
                let lifecycle_http = |host: &str| Lifecycle {
                    post_start: Some(LifecycleHandler {
                        http_get: Some(HTTPGetAction {
                            host: Some(host.to_owned()),
                            port: IntOrString::Int(8080),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }),
                    ..Default::default()
                };
                vec![
                    tweak(&p, |p| container(p).liveness_probe = http_probe(Some("bad.host"))),
                    tweak(&p, |p| {
                        let c = init_container(p);
                        c.restart_policy = Some("Always".into());
                        c.readiness_probe = tcp_probe(Some("8.8.8.8"));
                    }),
                    tweak(&p, |p| container(p).lifecycle = Some(lifecycle_http("bad.host"))),
                    tweak(&p, |p| container(p).liveness_probe = http_probe(Some("127.0.0.1"))),
                    tweak(&p, |p| container(p).readiness_probe = tcp_probe(Some("::1"))),
                ]
            },
        },
        Generator {
            check: "privileged",
            level: Level::Baseline,
            since: 0,
            expect: None,
            pass: |p, _| {
                let p = ensure_security_context(&p);
                vec![tweak(&p, |p| {
                    sc(container(p)).privileged = Some(false);
                    sc(init_container(p)).privileged = Some(false);
                })]
            },
            fail: |p| {
                let p = ensure_security_context(&p);
                vec![
                    tweak(&p, |p| {
                        let s = sc(container(p));
                        s.privileged = Some(true);
                        s.allow_privilege_escalation = None;
                    }),
                    tweak(&p, |p| {
                        let s = sc(init_container(p));
                        s.privileged = Some(true);
                        s.allow_privilege_escalation = None;
                    }),
                ]
            },
        },
        Generator {
            check: "procMount",
            level: Level::Baseline,
            since: 0,
            expect: Some("procMount"),
            pass: |p, _| {
                let p = ensure_security_context(&p);
                vec![tweak(&p, |p| {
                    proc_mount(p, false, "Default", false);
                    proc_mount(p, true, "Default", false);
                })]
            },
            fail: |p| {
                let p = ensure_security_context(&p);
                vec![
                    tweak(&p, |p| proc_mount(p, false, "Unmasked", false)),
                    tweak(&p, |p| proc_mount(p, true, "Unmasked", false)),
                ]
            },
        },
        Generator {
            check: "procMount",
            level: Level::Baseline,
            since: 35,
            expect: Some("procMount"),
            pass: |p, level| {
                let p = ensure_security_context(&p);
                let mut out = vec![tweak(&p, |p| {
                    proc_mount(p, false, "Default", false);
                    proc_mount(p, true, "Default", false);
                })];
                // In a user namespace any procMount passes baseline (not restricted).
                if level != Level::Restricted {
                    out.push(tweak(&p, |p| {
                        proc_mount(p, false, "Unmasked", false);
                        proc_mount(p, true, "Unmasked", false);
                    }));
                }
                out
            },
            fail: |p| {
                let p = ensure_security_context(&p);
                vec![
                    tweak(&p, |p| proc_mount(p, false, "Unmasked", true)),
                    tweak(&p, |p| proc_mount(p, true, "Unmasked", true)),
                ]
            },
        },
        Generator {
            check: "procMount_restricted",
            level: Level::Restricted,
            since: 35,
            expect: Some("procMount"),
            pass: |p, _| {
                let p = ensure_security_context(&p);
                vec![tweak(&p, |p| {
                    proc_mount(p, false, "Default", false);
                    proc_mount(p, true, "Default", false);
                })]
            },
            fail: |p| {
                let p = ensure_security_context(&p);
                vec![
                    tweak(&p, |p| proc_mount(p, false, "Unmasked", false)),
                    tweak(&p, |p| proc_mount(p, true, "Unmasked", false)),
                ]
            },
        },
        Generator {
            check: "restrictedVolumes",
            level: Level::Restricted,
            since: 0,
            expect: Some("restricted volume types"),
            pass: |p, _| {
                use k8s_openapi::api::core::v1;
                vec![tweak(&p, |p| {
                    spec(p).volumes = Some(vec![
                        // no source: the API server defaults it to emptyDir
                        volume("volume0", |_| {}),
                        volume("volume1", |v| v.empty_dir = Some(Default::default())),
                        volume("volume2", |v| {
                            v.secret =
                                Some(v1::SecretVolumeSource { secret_name: Some("test".into()), ..Default::default() })
                        }),
                        volume("volume3", |v| {
                            v.persistent_volume_claim = Some(v1::PersistentVolumeClaimVolumeSource {
                                claim_name: "test".into(),
                                read_only: None,
                            })
                        }),
                        volume("volume4", |v| v.downward_api = Some(Default::default())),
                        volume("volume5", |v| {
                            v.config_map = Some(v1::ConfigMapVolumeSource { name: "test".into(), ..Default::default() })
                        }),
                        volume("volume6", |v| v.projected = Some(Default::default())),
                    ])
                })]
            },
            fail: |p| {
                use k8s_openapi::api::core::v1;
                let sources: Vec<fn(&mut Volume)> = vec![
                    |v| {
                        v.gce_persistent_disk =
                            Some(v1::GCEPersistentDiskVolumeSource { pd_name: "test".into(), ..Default::default() })
                    },
                    |v| {
                        v.aws_elastic_block_store = Some(v1::AWSElasticBlockStoreVolumeSource {
                            volume_id: "test".into(),
                            ..Default::default()
                        })
                    },
                    |v| {
                        v.git_repo = Some(v1::GitRepoVolumeSource {
                            repository: "github.com/kubernetes/kubernetes".into(),
                            ..Default::default()
                        })
                    },
                    |v| {
                        v.nfs =
                            Some(v1::NFSVolumeSource { server: "test".into(), path: "/test".into(), read_only: None })
                    },
                    |v| {
                        v.iscsi = Some(v1::ISCSIVolumeSource {
                            target_portal: "test".into(),
                            iqn: "iqn.2001-04.com.example:storage.kube.sys1.xyz".into(),
                            lun: 0,
                            ..Default::default()
                        })
                    },
                    |v| {
                        v.glusterfs = Some(v1::GlusterfsVolumeSource {
                            path: "test".into(),
                            endpoints: "test".into(),
                            read_only: None,
                        })
                    },
                    |v| {
                        v.rbd = Some(v1::RBDVolumeSource {
                            monitors: vec!["test".into()],
                            image: "test".into(),
                            ..Default::default()
                        })
                    },
                    |v| v.flex_volume = Some(v1::FlexVolumeSource { driver: "test".into(), ..Default::default() }),
                    |v| v.cinder = Some(v1::CinderVolumeSource { volume_id: "test".into(), ..Default::default() }),
                    |v| v.cephfs = Some(v1::CephFSVolumeSource { monitors: vec!["test".into()], ..Default::default() }),
                    |v| {
                        v.flocker =
                            Some(v1::FlockerVolumeSource { dataset_name: Some("test".into()), ..Default::default() })
                    },
                    |v| v.fc = Some(v1::FCVolumeSource { wwids: Some(vec!["test".into()]), ..Default::default() }),
                    |v| {
                        v.azure_file = Some(v1::AzureFileVolumeSource {
                            secret_name: "test".into(),
                            share_name: "test".into(),
                            read_only: None,
                        })
                    },
                    |v| {
                        v.vsphere_volume = Some(v1::VsphereVirtualDiskVolumeSource {
                            volume_path: "test".into(),
                            ..Default::default()
                        })
                    },
                    |v| {
                        v.quobyte = Some(v1::QuobyteVolumeSource {
                            registry: "localhost:1234".into(),
                            volume: "test".into(),
                            ..Default::default()
                        })
                    },
                    |v| {
                        v.azure_disk = Some(v1::AzureDiskVolumeSource {
                            disk_name: "test".into(),
                            disk_uri: "https://test.blob.core.windows.net/test/test.vhd".into(),
                            ..Default::default()
                        })
                    },
                    |v| {
                        v.portworx_volume = Some(v1::PortworxVolumeSource {
                            volume_id: "test".into(),
                            fs_type: Some("ext4".into()),
                            read_only: None,
                        })
                    },
                    |v| {
                        v.scale_io = Some(v1::ScaleIOVolumeSource {
                            volume_name: Some("test".into()),
                            gateway: "localhost".into(),
                            system: "test".into(),
                            ..Default::default()
                        })
                    },
                    |v| {
                        v.storageos =
                            Some(v1::StorageOSVolumeSource { volume_name: Some("test".into()), ..Default::default() })
                    },
                    |v| v.host_path = Some(v1::HostPathVolumeSource { path: "/dev/null".into(), type_: None }),
                ];
                sources
                    .into_iter()
                    .map(|source| tweak(&p, |p| spec(p).volumes = Some(vec![volume("volume1", source)])))
                    .collect()
            },
        },
        Generator {
            check: "runAsNonRoot",
            level: Level::Restricted,
            since: 0,
            expect: None,
            pass: |p, _| {
                let p = ensure_security_context(&p);
                vec![
                    tweak(&p, |p| {
                        psc(p).run_as_non_root = Some(true);
                        sc(container(p)).run_as_non_root = None;
                        sc(init_container(p)).run_as_non_root = None;
                    }),
                    tweak(&p, |p| {
                        psc(p).run_as_non_root = None;
                        sc(container(p)).run_as_non_root = Some(true);
                        sc(init_container(p)).run_as_non_root = Some(true);
                    }),
                ]
            },
            fail: |p| {
                let p = ensure_security_context(&p);
                vec![
                    tweak(&p, |p| {
                        psc(p).run_as_non_root = None;
                        sc(container(p)).run_as_non_root = None;
                        sc(init_container(p)).run_as_non_root = None;
                    }),
                    tweak(&p, |p| psc(p).run_as_non_root = Some(false)),
                    tweak(&p, |p| sc(container(p)).run_as_non_root = Some(false)),
                    tweak(&p, |p| sc(init_container(p)).run_as_non_root = Some(false)),
                ]
            },
        },
        Generator {
            check: "runAsUser",
            level: Level::Restricted,
            since: 23,
            expect: None,
            pass: |p, _| {
                let p = ensure_security_context(&p);
                vec![tweak(&p, |p| {
                    psc(p).run_as_user = Some(1000);
                    sc(container(p)).run_as_user = Some(1000);
                    sc(init_container(p)).run_as_user = Some(1000);
                })]
            },
            fail: |p| {
                let p = ensure_security_context(&p);
                vec![
                    tweak(&p, |p| psc(p).run_as_user = Some(0)),
                    tweak(&p, |p| sc(container(p)).run_as_user = Some(0)),
                    tweak(&p, |p| sc(init_container(p)).run_as_user = Some(0)),
                ]
            },
        },
        Generator {
            check: "seLinuxOptions",
            level: Level::Baseline,
            since: 0,
            expect: Some("seLinuxOptions"),
            pass: |p, _| {
                let p = ensure_selinux_options(&p);
                vec![
                    tweak(&p, |p| {
                        psc(p).se_linux_options = None;
                        sc(container(p)).se_linux_options = None;
                        sc(init_container(p)).se_linux_options = Some(Default::default());
                    }),
                    tweak(&p, |p| {
                        pod_selinux(p).type_ = Some("container_t".into());
                        selinux(container(p)).type_ = Some("container_init_t".into());
                        selinux(init_container(p)).type_ = Some("container_kvm_t".into());
                        selinux(container(p)).level = Some("somevalue".into());
                    }),
                ]
            },
            fail: |p| {
                let p = ensure_selinux_options(&p);
                vec![
                    tweak(&p, |p| pod_selinux(p).type_ = Some("somevalue".into())),
                    tweak(&p, |p| selinux(container(p)).type_ = Some("somevalue".into())),
                    tweak(&p, |p| selinux(init_container(p)).type_ = Some("somevalue".into())),
                    tweak(&p, |p| pod_selinux(p).user = Some("somevalue".into())),
                    tweak(&p, |p| pod_selinux(p).role = Some("somevalue".into())),
                ]
            },
        },
        Generator {
            check: "seccompProfile_baseline",
            level: Level::Baseline,
            since: 0,
            expect: Some("seccompProfile"),
            pass: |p, _| {
                let key = "seccomp.security.alpha.kubernetes.io/pod";
                if p.metadata.annotations.as_ref().and_then(|a| a.get(key)).is_some_and(|v| v == "runtime/default") {
                    return Vec::new();
                }
                vec![tweak(&p, |p| {
                    annotate(p, key.to_owned(), "runtime/default");
                    let name = container_name(p);
                    annotate(p, format!("container.seccomp.security.alpha.kubernetes.io/{name}"), "localhost/testing");
                })]
            },
            fail: |p| {
                vec![
                    tweak(&p, |p| annotate(p, "seccomp.security.alpha.kubernetes.io/pod".into(), "unconfined")),
                    tweak(&p, |p| {
                        let name = container_name(p);
                        annotate(p, format!("container.seccomp.security.alpha.kubernetes.io/{name}"), "unconfined");
                    }),
                    tweak(&p, |p| {
                        let name = init_container_name(p);
                        annotate(p, format!("container.seccomp.security.alpha.kubernetes.io/{name}"), "unconfined");
                    }),
                ]
            },
        },
        Generator {
            check: "seccompProfile_baseline",
            level: Level::Baseline,
            since: 19,
            expect: Some("seccompProfile"),
            pass: |p, _| {
                let pod_default = p
                    .spec
                    .as_ref()
                    .and_then(|s| s.security_context.as_ref())
                    .and_then(|sc| sc.seccomp_profile.as_ref())
                    .is_some_and(|s| s.type_ == "RuntimeDefault");
                if pod_default {
                    return Vec::new();
                }
                let p = ensure_security_context(&p);
                vec![tweak(&p, |p| {
                    psc(p).seccomp_profile = runtime_default();
                    sc(container(p)).seccomp_profile = runtime_default();
                })]
            },
            fail: |p| {
                let p = ensure_security_context(&p);
                vec![
                    tweak(&p, |p| psc(p).seccomp_profile = unconfined()),
                    tweak(&p, |p| sc(container(p)).seccomp_profile = unconfined()),
                    tweak(&p, |p| sc(init_container(p)).seccomp_profile = unconfined()),
                ]
            },
        },
        Generator {
            check: "seccompProfile_restricted",
            level: Level::Restricted,
            since: 19,
            expect: Some("seccompProfile"),
            pass: |p, _| {
                let p = ensure_security_context(&p);
                vec![
                    tweak(&p, |p| psc(p).seccomp_profile = runtime_default()),
                    tweak(&p, |p| psc(p).seccomp_profile = seccomp("Localhost")),
                    tweak(&p, |p| {
                        psc(p).seccomp_profile = None;
                        sc(container(p)).seccomp_profile = runtime_default();
                        sc(init_container(p)).seccomp_profile = seccomp("Localhost");
                    }),
                ]
            },
            fail: |p| {
                let p = ensure_security_context(&p);
                vec![
                    tweak(&p, |p| psc(p).seccomp_profile = None),
                    tweak(&p, |p| psc(p).seccomp_profile = unconfined()),
                    tweak(&p, |p| {
                        psc(p).seccomp_profile = None;
                        sc(container(p)).seccomp_profile = runtime_default();
                    }),
                    tweak(&p, |p| {
                        psc(p).seccomp_profile = None;
                        sc(init_container(p)).seccomp_profile = runtime_default();
                    }),
                    tweak(&p, |p| {
                        psc(p).seccomp_profile = None;
                        sc(container(p)).seccomp_profile = runtime_default();
                        sc(init_container(p)).seccomp_profile = unconfined();
                    }),
                ]
            },
        },
        sysctl_generator(0),
        sysctl_generator(27),
        sysctl_generator(29),
        sysctl_generator(32),
        sysctl_generator(37),
        Generator {
            check: "windowsHostProcess",
            level: Level::Baseline,
            since: 0,
            expect: Some("hostProcess"),
            pass: none_pass,
            fail: |p| {
                let p = ensure_security_context(&p);
                let host_process =
                    || Some(WindowsSecurityContextOptions { host_process: Some(true), ..Default::default() });
                vec![
                    tweak(&p, |p| {
                        spec(p).host_network = Some(true);
                        psc(p).windows_options = host_process();
                    }),
                    tweak(&p, |p| {
                        spec(p).host_network = Some(true);
                        sc(container(p)).windows_options = host_process();
                        sc(init_container(p)).windows_options = host_process();
                    }),
                ]
            },
        },
    ]
}

fn runtime_default() -> Option<SeccompProfile> {
    Some(SeccompProfile { type_: "RuntimeDefault".into(), localhost_profile: None })
}

fn unconfined() -> Option<SeccompProfile> {
    Some(SeccompProfile { type_: "Unconfined".into(), localhost_profile: None })
}

/// The newest generator for (check, level) at or below `minor`; baseline generators
/// also serve restricted, as upstream registers them for both.
fn generator_for<'g>(generators: &'g [Generator], check: &str, level: Level, minor: u32) -> Option<&'g Generator> {
    generators
        .iter()
        .filter(|g| g.check == check && g.since <= minor && (g.level == level || g.level == Level::Baseline))
        .max_by_key(|g| g.since)
}

/// Every fixture for every level and version v1.0 … v1.37.
pub fn all_fixtures() -> Vec<Fixture> {
    let generators = generators();
    let mut out = Vec::new();
    for level in [Level::Baseline, Level::Restricted] {
        for minor in 0..=NEWEST_POLICY_MINOR {
            let dir = format!("{}/v1.{minor}", level.as_str());
            let (neutral, linux, windows) = minimal_valid_pod(level, minor);
            let base = |check: &str, pod: Pod| Fixture {
                level,
                minor,
                check: check.to_owned(),
                name: format!("{dir}/pass/{check}"),
                pass: true,
                expect_substring: None,
                pod,
            };
            out.push(base("base", neutral.clone()));
            if level == Level::Restricted && minor >= POD_OS_BASE_FIXTURES_SINCE {
                if let Some(linux) = linux {
                    out.push(base("base_linux", linux));
                }
                if let Some(windows) = windows {
                    out.push(base("base_windows", windows));
                }
            }
            // Checks whose first version is ≤ minor; at restricted, baseline ones too.
            let checks = all_checks()
                .into_iter()
                .filter(|c| c.since <= minor && (c.level == level || level == Level::Restricted));
            for check in checks {
                let Some(generator) = generator_for(&generators, check.id, level, minor) else {
                    continue;
                };
                let lower = check.id.to_lowercase();
                for (i, pod) in (generator.pass)(neutral.clone(), level).into_iter().enumerate() {
                    out.push(Fixture {
                        level,
                        minor,
                        check: check.id.to_owned(),
                        name: format!("{dir}/pass/{lower}{i}"),
                        pass: true,
                        expect_substring: None,
                        pod,
                    });
                }
                for (i, pod) in (generator.fail)(neutral.clone()).into_iter().enumerate() {
                    out.push(Fixture {
                        level,
                        minor,
                        check: check.id.to_owned(),
                        name: format!("{dir}/fail/{lower}{i}"),
                        pass: false,
                        expect_substring: Some(generator.expect.unwrap_or(check.id).to_owned()),
                        pod,
                    });
                }
            }
        }
    }
    out
}
