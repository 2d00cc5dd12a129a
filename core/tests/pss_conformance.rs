//! Pod Security Standards conformance: every generated fixture (see
//! `pss_fixtures/mod.rs`) is judged as upstream's fixture harness expects.

use std::collections::BTreeMap;

use kubeplay_core::security::pss::{Level, PolicyVersion, all_checks, evaluate};
use pss_fixtures::{Fixture, all_fixtures};

mod pss_fixtures;

/// The restricted check that replaces `id` at this level and version, if any.
fn overriding_twin(id: &str, level: Level, minor: u32) -> Option<&'static str> {
    if level != Level::Restricted {
        return None;
    }
    all_checks().into_iter().find(|c| c.overrides == Some(id) && c.since <= minor).map(|c| c.id)
}

fn judge(fixture: &Fixture) -> Result<(), String> {
    let spec = fixture.pod.spec.clone().unwrap_or_default();
    let evaluation = evaluate(&fixture.pod.metadata, &spec, fixture.level, PolicyVersion::Minor(fixture.minor));
    if fixture.pass {
        return match evaluation.violation_message() {
            None => Ok(()),
            Some(message) => Err(format!("{}: expected to pass, got {message}", fixture.name)),
        };
    }
    let Some(message) = evaluation.violation_message() else {
        return Err(format!("{}: expected to fail, but passed", fixture.name));
    };
    let expected = fixture.expect_substring.as_deref().unwrap_or(&fixture.check);
    if !message.contains(expected) {
        return Err(format!("{}: message lacks {expected:?}: {message}", fixture.name));
    }
    let ids = evaluation.failing_ids();
    let twin = overriding_twin(&fixture.check, fixture.level, fixture.minor);
    if !ids.iter().any(|id| *id == fixture.check || Some(id.as_str()) == twin) {
        return Err(format!("{}: failing ids {ids:?} lack {} (or its twin {twin:?})", fixture.name, fixture.check));
    }
    Ok(())
}

#[test]
fn every_generated_fixture_is_judged_as_upstream_expects() {
    let fixtures = all_fixtures();
    let errors: Vec<String> = fixtures.iter().filter_map(|f| judge(f).err()).collect();
    assert!(errors.is_empty(), "{} of {} fixtures disagree:\n{}", errors.len(), fixtures.len(), errors.join("\n"));
}

#[test]
fn the_fixture_set_covers_every_check_level_and_version_at_upstream_scale() {
    let fixtures = all_fixtures();
    // Upstream's generated set (test/testdata) holds 4,537 files for v1.0 … v1.37.
    assert_eq!(fixtures.len(), 4537);
    let mut per_version: BTreeMap<(Level, u32), (usize, usize)> = BTreeMap::new();
    for f in &fixtures {
        let entry = per_version.entry((f.level, f.minor)).or_default();
        if f.pass { entry.0 += 1 } else { entry.1 += 1 }
    }
    assert_eq!(per_version.len(), 2 * 38, "both levels at v1.0 … v1.37");
    assert!(per_version.values().all(|&(pass, fail)| pass > 0 && fail > 0));
    // Every check has failing fixtures at every version where it exists.
    for check in all_checks() {
        for minor in check.since..=37 {
            let level = check.level;
            assert!(
                fixtures.iter().any(|f| !f.pass && f.check == check.id && f.minor == minor && f.level == level),
                "no failing fixture for {} at {level:?} v1.{minor}",
                check.id
            );
        }
    }
    // Names are unique, as upstream's file names are.
    let mut names: Vec<&str> = fixtures.iter().map(|f| f.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), fixtures.len());
}

/// The same fixtures through the whole pipeline: JSON text → loader → security
/// analysis at the fixture's version. Guards against the loader losing a field a
/// check reads (hostUsers, os, ephemeralContainers, annotations …).
#[test]
fn fixtures_loaded_from_text_get_the_same_verdicts() {
    use kubeplay_core::netpol::{Engine, NetpolOptions};
    use kubeplay_core::security::{Options, analyze};

    let mut problems = Vec::new();
    for fixture in all_fixtures() {
        let mut value = serde_json::to_value(&fixture.pod).expect("pod to JSON");
        value["apiVersion"] = "v1".into();
        value["kind"] = "Pod".into();
        value["metadata"]["name"] = "fixture".into();
        let text = value.to_string();
        let loading = kubeplay_core::load(&[kubeplay_core::Input { name: "fixture.json", bytes: text.as_bytes() }]);
        let engine = Engine::new(&loading.inventory, &NetpolOptions::default());
        let section =
            analyze(&loading.inventory, &engine, &Options { pss_version: PolicyVersion::Minor(fixture.minor) });
        let Some(workload) = section.workloads.first() else {
            problems.push(format!("{}: not loaded: {:?}", fixture.name, loading.diagnostics));
            continue;
        };
        let verdict = if fixture.level == Level::Baseline { &workload.baseline } else { &workload.restricted };
        let spec = fixture.pod.spec.clone().unwrap_or_default();
        let direct = evaluate(&fixture.pod.metadata, &spec, fixture.level, PolicyVersion::Minor(fixture.minor));
        if verdict.failing != direct.failing_ids() {
            problems.push(format!("{}: loaded {:?}, direct {:?}", fixture.name, verdict.failing, direct.failing_ids()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
