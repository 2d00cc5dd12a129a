//! The HPA engine against the independent reference of `src/hpa_ref.rs` on
//! random HPAs (bounds, behavior rules, tolerance, windows) and load profiles:
//! every reconcile's utilization, metric proposal and desired count, and the
//! pods the target has after it.

use kubeplay_core::render::hpa::json;
use kubeplay_core::scaling::hpa::simulation::simulate;
use kubeplay_core::{Input, load};
use kubeplay_tests::hpa_ref::{RefBehavior, RefCase, RefPolicy, RefRules, case_yaml, ref_timeline};
use proptest::prelude::*;

fn policy() -> impl Strategy<Value = RefPolicy> {
    (any::<bool>(), 1..=10i32, 1..=200i32, prop::sample::select(vec![15i64, 30, 60, 120])).prop_map(
        |(percent, pods, percentage, period)| RefPolicy {
            percent,
            value: if percent { percentage } else { pods },
            period,
        },
    )
}

fn rules() -> impl Strategy<Value = RefRules> {
    (
        prop::option::of(prop::sample::select(vec![0i64, 15, 30, 60, 120, 300])),
        prop::option::of(prop::sample::select(vec!["Max", "Min", "Disabled"])),
        prop::option::of(prop::collection::vec(policy(), 1..=3)),
    )
        .prop_map(|(window, select, policies)| RefRules { window, select, policies })
}

fn behavior() -> impl Strategy<Value = Option<RefBehavior>> {
    prop::option::of(
        (prop::option::of(rules()), prop::option::of(rules()))
            .prop_map(|(scale_up, scale_down)| RefBehavior { scale_up, scale_down }),
    )
}

fn case() -> impl Strategy<Value = RefCase> {
    (
        prop::sample::select(vec![100i64, 250, 500, 1000]),
        10..=150i32,
        1..=5i32,
        0..=20i32,
        behavior(),
        prop::sample::select(vec![5i32, 10, 20]),
        prop::sample::select(vec![0i64, 60, 300]),
        prop::sample::select(vec![15i64, 30]),
        15..=900i64,
        prop::collection::vec((1..=8i64, 0..=100i64), 1..=5),
        0..=28i32,
    )
        .prop_map(
            |(request, target, min, spread, behavior, tolerance, downscale, sync, duration, steps, initial_offset)| {
                let max = min + spread;
                // Step times in sync periods; totals up to 3 × max pods at 100 %.
                let mut at = 0;
                let load = steps
                    .iter()
                    .enumerate()
                    .map(|(i, (gap, share))| {
                        if i > 0 {
                            at += gap * sync;
                        }
                        (at, request * i64::from(max) * 3 * share / 100)
                    })
                    .collect();
                RefCase {
                    request,
                    target_utilization: target,
                    min,
                    max,
                    // Sometimes above max or below min (§2 step 4).
                    initial: 1 + initial_offset % (max + 3),
                    behavior,
                    tolerance_hundredths: tolerance,
                    downscale_window: downscale,
                    sync,
                    duration,
                    load,
                }
            },
        )
}

/// Scale-downs that the rate limits shape: high load, then a drop, with a
/// short scale-down window and random scale-down policies.
fn scale_down_case() -> impl Strategy<Value = RefCase> {
    (case(), prop::collection::vec(policy(), 1..=3), prop::sample::select(vec!["Max", "Min"]), 1..=8i64, 0..=30i64)
        .prop_map(|(mut case, policies, select, drop_after, low)| {
            let scale_down = RefRules { window: Some(0), select: Some(select), policies: Some(policies) };
            let scale_up = case.behavior.as_ref().and_then(|b| b.scale_up.clone());
            case.behavior = Some(RefBehavior { scale_up, scale_down: Some(scale_down) });
            let high = case.request * i64::from(case.max) * 2;
            case.load = vec![(0, high), (drop_after * case.sync, high * low / 100)];
            case.duration = case.duration.max(drop_after * case.sync + 20 * case.sync);
            case
        })
}

fn agree(case: &RefCase) -> Result<(), TestCaseError> {
    let yaml = case_yaml(case);
    let loading = load(&[Input::new("random.yaml", &yaml)]);
    prop_assert!(loading.diagnostics.is_empty(), "{:?}\n{yaml}", loading.diagnostics);
    let run = simulate(&loading.inventory);
    prop_assert!(run.diagnostics.is_empty(), "{:?}\n{yaml}", run.diagnostics);
    let contract = serde_json::to_value(json(run.timeline.as_ref())).expect("contract");
    let steps = contract["steps"].as_array().expect("steps");
    let expected = ref_timeline(case);
    prop_assert_eq!(steps.len(), expected.len(), "{}", yaml);
    for (got, want) in steps.iter().zip(&expected) {
        let context = format!("t = {}\n{yaml}", want.t);
        prop_assert_eq!(got["t"].as_i64(), Some(want.t), "{}", context);
        prop_assert_eq!(got["currentReplicas"].as_i64(), Some(i64::from(want.current)), "{}", context);
        prop_assert_eq!(got["metricDesired"].as_i64(), want.metric_desired.map(i64::from), "{}", context);
        let utilization = got["metrics"].get(0).and_then(|m| m["utilization"].as_i64());
        prop_assert_eq!(utilization, want.utilization.map(i64::from), "{}", context);
        prop_assert_eq!(got["desiredReplicas"].as_i64(), Some(i64::from(want.desired)), "{}", context);
        // No quota: the target has exactly the pods asked for.
        prop_assert_eq!(got["replicas"].as_i64(), Some(i64::from(want.desired)), "{}", context);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_engine_agrees_with_the_reference_on_scale_downs(case in scale_down_case()) {
        agree(&case)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_engine_agrees_with_the_reference(case in case()) {
        agree(&case)?;
    }
}

/// The reference reproduces hpa.md §4.4's worked timeline on its own.
#[test]
fn the_reference_walks_the_worked_example() {
    let policy = |value, period| RefPolicy { percent: false, value, period };
    let case = RefCase {
        request: 500,
        target_utilization: 70,
        min: 3,
        max: 10,
        initial: 3,
        behavior: Some(RefBehavior {
            scale_up: Some(RefRules { policies: Some(vec![policy(4, 60)]), ..RefRules::default() }),
            scale_down: Some(RefRules { window: Some(60), policies: Some(vec![policy(1, 60)]), ..RefRules::default() }),
        }),
        tolerance_hundredths: 10,
        downscale_window: 300,
        sync: 15,
        duration: 600,
        load: vec![(0, 3500), (120, 1050)],
    };
    let replicas: Vec<(i64, i32)> = ref_timeline(&case).iter().map(|s| (s.t, s.desired)).collect();
    let at = |t: i64| replicas.iter().find(|(at, _)| *at == t).map(|(_, r)| *r);
    assert_eq!(
        (at(0), at(45), at(60), at(150), at(165), at(225), at(510), at(525)),
        (Some(7), Some(7), Some(10), Some(10), Some(9), Some(8), Some(4), Some(3))
    );
}
