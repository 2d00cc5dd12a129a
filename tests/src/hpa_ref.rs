//! An independent, step-by-step HorizontalPodAutoscaler reference, written
//! from the text of `docs/semantics/hpa.md` (§2, §3.1, §3.3, §4) and the
//! simulation conventions of its §5 — it does not call kubeplay-core's `hpa`
//! module. It covers what the random profiles exercise: one Deployment whose
//! pods all request the same cpu, one cpu Utilization metric fed a `total`
//! load shared by every pod (all Ready, none missing), the legacy path or
//! `behavior` with any windows, policies and select policies; no quota.
//! [`random_case`] writes such a case as manifests for the engine.

/// A scaling policy: `Pods` or `Percent`, its value and period.
#[derive(Clone, Debug, PartialEq)]
pub struct RefPolicy {
    pub percent: bool,
    pub value: i32,
    pub period: i64,
}

/// One direction's rules as written; `None` fields take §4.1's defaults.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RefRules {
    pub window: Option<i64>,
    /// `Max`, `Min` or `Disabled`.
    pub select: Option<&'static str>,
    pub policies: Option<Vec<RefPolicy>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RefBehavior {
    pub scale_up: Option<RefRules>,
    pub scale_down: Option<RefRules>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RefCase {
    /// Each pod's cpu request, milli.
    pub request: i64,
    pub target_utilization: i32,
    pub min: i32,
    pub max: i32,
    pub initial: i32,
    pub behavior: Option<RefBehavior>,
    /// `--horizontal-pod-autoscaler-tolerance`, written with two decimals.
    pub tolerance_hundredths: i32,
    pub downscale_window: i64,
    pub sync: i64,
    pub duration: i64,
    /// `(at, total milli)`, strictly increasing, the first at 0.
    pub load: Vec<(i64, i64)>,
}

/// What the reference expects of one reconcile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefStep {
    pub t: i64,
    pub current: i32,
    /// `None` when the replica count was out of [min, max] and no metric ran.
    pub utilization: Option<i32>,
    pub metric_desired: Option<i32>,
    pub desired: i32,
}

struct Rules {
    window: i64,
    select: &'static str,
    policies: Vec<RefPolicy>,
}

fn up_rules(rules: Option<&RefRules>) -> Rules {
    let rules = rules.cloned().unwrap_or_default();
    Rules {
        window: rules.window.unwrap_or(0),
        select: rules.select.unwrap_or("Max"),
        policies: rules.policies.unwrap_or_else(|| {
            vec![
                RefPolicy { percent: false, value: 4, period: 15 },
                RefPolicy { percent: true, value: 100, period: 15 },
            ]
        }),
    }
}

fn down_rules(rules: Option<&RefRules>, flag: i64) -> Rules {
    let rules = rules.cloned().unwrap_or_default();
    Rules {
        window: rules.window.unwrap_or(flag),
        select: rules.select.unwrap_or("Max"),
        policies: rules.policies.unwrap_or_else(|| vec![RefPolicy { percent: true, value: 100, period: 15 }]),
    }
}

/// (change, time, outdated) of one direction.
type Events = Vec<(i32, i64, bool)>;

fn changed_within(events: &Events, period: i64, now: i64) -> i32 {
    events.iter().filter(|(_, at, _)| *at > now - period).map(|(change, _, _)| *change).sum()
}

/// §4.3's store: events older than the longest period of their direction are
/// outdated, and the last outdated one is reused.
fn store_event(events: &mut Events, longest: i64, change: i32, now: i64) {
    let mut reuse = None;
    for (i, event) in events.iter_mut().enumerate() {
        if event.1 < now - longest {
            event.2 = true;
        }
        if event.2 {
            reuse = Some(i);
        }
    }
    match reuse {
        Some(i) => events[i] = (change, now, false),
        None => events.push((change, now, false)),
    }
}

/// The reference timeline: one [`RefStep`] per reconcile.
pub fn ref_timeline(case: &RefCase) -> Vec<RefStep> {
    let tolerance = f64::from(case.tolerance_hundredths) / 100.0;
    let behavior = case
        .behavior
        .as_ref()
        .map(|b| (up_rules(b.scale_up.as_ref()), down_rules(b.scale_down.as_ref(), case.downscale_window)));
    let mut recommendations: Vec<(i32, i64)> = Vec::new();
    let mut ups: Events = Vec::new();
    let mut downs: Events = Vec::new();
    let mut current = case.initial;
    let mut steps = Vec::new();
    let mut t = 0;
    while t < case.duration {
        // §2 step 2: the seed recommendation.
        if t == 0 {
            recommendations.push((current, t));
        }
        let mut step = RefStep { t, current, utilization: None, metric_desired: None, desired: current };
        let desired = if current > case.max {
            case.max
        } else if current < case.min {
            case.min
        } else {
            // §3.1: every pod reports an equal share of the total; the shares add up to it.
            let total = case.load.iter().rev().find(|(at, _)| *at <= t).map_or(0, |(_, v)| *v);
            let utilization = (total * 100 / (i64::from(current) * case.request)) as i32;
            let ratio = f64::from(utilization) / f64::from(case.target_utilization);
            let proposal = if (1.0 - tolerance) <= ratio && ratio <= (1.0 + tolerance) {
                current
            } else {
                (ratio * f64::from(current)).ceil() as i32
            };
            step.utilization = Some(utilization);
            step.metric_desired = Some(proposal);
            match &behavior {
                None => {
                    // §4.1 legacy: the largest recommendation not older than the flag's window.
                    let cutoff = t - case.downscale_window;
                    let stabilized = recommendations
                        .iter()
                        .filter(|(_, at)| *at >= cutoff)
                        .map(|(r, _)| *r)
                        .fold(proposal, i32::max);
                    recommendations.push((proposal, t));
                    let cap = (2 * current).max(4).min(case.max);
                    if stabilized < case.min { case.min } else { stabilized.min(cap) }
                }
                Some((up, down)) => {
                    // §4.2.
                    let up_rec = recommendations
                        .iter()
                        .filter(|(_, at)| *at > t - up.window)
                        .map(|(r, _)| *r)
                        .fold(proposal, i32::min);
                    let down_rec = recommendations
                        .iter()
                        .filter(|(_, at)| *at > t - down.window)
                        .map(|(r, _)| *r)
                        .fold(proposal, i32::max);
                    let mut rec = current;
                    if rec < up_rec {
                        rec = up_rec;
                    }
                    if rec > down_rec {
                        rec = down_rec;
                    }
                    recommendations.push((proposal, t));
                    // §4.3.
                    let start = |p: &RefPolicy| {
                        current - changed_within(&ups, p.period, t) + changed_within(&downs, p.period, t)
                    };
                    if rec > current {
                        let limits = up.policies.iter().map(|p| {
                            let s = start(p);
                            if p.percent {
                                (f64::from(s) * (1.0 + f64::from(p.value) / 100.0)).ceil() as i32
                            } else {
                                s + p.value
                            }
                        });
                        let limit = match up.select {
                            "Disabled" => current,
                            "Min" => limits.min().unwrap_or(i32::MAX),
                            _ => limits.max().unwrap_or(i32::MIN),
                        };
                        rec.min(limit.max(current).min(case.max))
                    } else if rec < current {
                        let limits = down.policies.iter().map(|p| {
                            let s = start(p);
                            if p.percent {
                                (f64::from(s) * (1.0 - f64::from(p.value) / 100.0)) as i32
                            } else {
                                s - p.value
                            }
                        });
                        let limit = match down.select {
                            "Disabled" => current,
                            "Min" => limits.max().unwrap_or(i32::MIN),
                            _ => limits.min().unwrap_or(i32::MAX),
                        };
                        rec.max(limit.min(current).max(case.min))
                    } else {
                        rec
                    }
                }
            }
        };
        // §2 step 6: a change is a scale event (behavior path only).
        if desired != current
            && let Some((up, down)) = &behavior
        {
            if desired > current {
                let longest = up.policies.iter().map(|p| p.period).max().unwrap_or(0);
                store_event(&mut ups, longest, desired - current, t);
            } else {
                let longest = down.policies.iter().map(|p| p.period).max().unwrap_or(0);
                store_event(&mut downs, longest, current - desired, t);
            }
        }
        step.desired = desired;
        steps.push(step);
        current = desired;
        t += case.sync;
    }
    steps
}

fn rules_yaml(name: &str, rules: &RefRules) -> String {
    let mut out = format!("    {name}:\n");
    if let Some(window) = rules.window {
        out.push_str(&format!("      stabilizationWindowSeconds: {window}\n"));
    }
    if let Some(select) = rules.select {
        out.push_str(&format!("      selectPolicy: {select}\n"));
    }
    if let Some(policies) = &rules.policies {
        out.push_str("      policies:\n");
        for p in policies {
            let type_ = if p.percent { "Percent" } else { "Pods" };
            out.push_str(&format!("      - {{type: {type_}, value: {}, periodSeconds: {}}}\n", p.value, p.period));
        }
    }
    if rules == &RefRules::default() {
        out = format!("    {name}: {{}}\n");
    }
    out
}

/// The case as manifests: Deployment, HPA and HPASimulation.
pub fn case_yaml(case: &RefCase) -> String {
    let mut behavior = String::new();
    if let Some(b) = &case.behavior {
        behavior.push_str("  behavior:");
        if b.scale_up.is_none() && b.scale_down.is_none() {
            behavior.push_str(" {}\n");
        } else {
            behavior.push('\n');
            if let Some(up) = &b.scale_up {
                behavior.push_str(&rules_yaml("scaleUp", up));
            }
            if let Some(down) = &b.scale_down {
                behavior.push_str(&rules_yaml("scaleDown", down));
            }
        }
    }
    let load: Vec<String> = case.load.iter().map(|(at, v)| format!("{{at: {at}s, value: {v}m}}")).collect();
    let tolerance = format!("{}.{:02}", case.tolerance_hundredths / 100, case.tolerance_hundredths % 100);
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: app}}\nspec:\n  replicas: {initial}\n  selector: {{matchLabels: {{app: app}}}}\n  template:\n    metadata: {{labels: {{app: app}}}}\n    spec:\n      containers:\n      - {{name: app, image: app:1, resources: {{requests: {{cpu: {request}m}}}}}}\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {{name: app}}\nspec:\n  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: app}}\n  minReplicas: {min}\n  maxReplicas: {max}\n  metrics:\n  - type: Resource\n    resource: {{name: cpu, target: {{type: Utilization, averageUtilization: {target}}}}}\n{behavior}---\napiVersion: kubeplay.dev/v1alpha1\nkind: HPASimulation\nmetadata: {{name: random}}\nspec:\n  duration: {duration}s\n  flags:\n    horizontal-pod-autoscaler-sync-period: {sync}s\n    horizontal-pod-autoscaler-tolerance: \"{tolerance}\"\n    horizontal-pod-autoscaler-downscale-stabilization: {downscale}s\n  load:\n  - metric: cpu\n    total: [{load}]\n",
        initial = case.initial,
        request = case.request,
        min = case.min,
        max = case.max,
        target = case.target_utilization,
        duration = case.duration,
        sync = case.sync,
        downscale = case.downscale_window,
        load = load.join(", "),
    )
}
