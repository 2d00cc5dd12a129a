//! pkg/apis/batch/validation/validation.go: Job and CronJob specs.

use std::collections::BTreeSet;

use k8s_openapi::api::batch::v1::{
    CronJob, Job, JobSpec, PodFailurePolicy, PodFailurePolicyOnExitCodesRequirement,
    PodFailurePolicyOnPodConditionsPattern, PodFailurePolicyRule, SuccessPolicy, SuccessPolicyRule,
};

use super::apps::{strict_selector, template_matches};
use super::core::pod_template;
use super::field::{
    duplicate, invalid, invalid_omitting_value, json_string, nonnegative, not_supported, qualified_name_problems,
    quoted, required, too_long, too_many,
};
use super::{Found, Rule, rule};

// Feature gates assumed: the defaults of Kubernetes 1.34 and 1.35. Every Job
// feature validateJobSpec reads is on by then (JobPodFailurePolicy,
// JobBackoffLimitPerIndex, JobSuccessPolicy and JobPodReplacementPolicy are
// GA, JobManagedBy is on by default), so the Job strategy drops none of the
// fields before validation.

/// Indexed Jobs: `maxParallelismForIndexedJob` and `maxFailedIndexesForIndexedJob`.
const INDEXED_MAX: i32 = 100_000;
/// `completionsSoftLimit`: above it, backoffLimitPerIndex needs maxFailedIndexes.
const COMPLETIONS_SOFT_LIMIT: i32 = 100_000;
/// `parallelismLimitForHighCompletions` and `maxFailedIndexesLimitForHighCompletions`.
const HIGH_COMPLETIONS_MAX: i32 = 10_000;
/// `maxPodFailurePolicyRules`, `maxPodFailurePolicyOnExitCodesValues`,
/// `maxPodFailurePolicyOnPodConditionsPatterns`.
const MAX_FAILURE_RULES: usize = 20;
const MAX_EXIT_CODES: usize = 255;
const MAX_CONDITION_PATTERNS: usize = 20;
/// `maxManagedByLength`.
const MAX_MANAGED_BY: usize = 63;
/// `maxJobSuccessPolicySucceededIndexesLimit` and `maxSuccessPolicyRule`.
const MAX_SUCCEEDED_INDEXES: usize = 64 * 1024;
const MAX_SUCCESS_RULES: usize = 20;

/// The sets upstream lists with `sets.List` (sorted).
const ACTIONS: [&str; 4] = ["Count", "FailIndex", "FailJob", "Ignore"];
const OPERATORS: [&str; 2] = ["In", "NotIn"];
const CONDITION_STATUSES: [&str; 3] = ["False", "True", "Unknown"];
const REPLACEMENT_POLICIES: [&str; 2] = ["Failed", "TerminatingOrFailed"];

fn push(out: &mut Vec<Found>, rule: &'static Rule, path: String, message: String) {
    out.push(Found::new(rule, path, message));
}

fn nonnegative_field(path: String, value: Option<i64>, out: &mut Vec<Found>) {
    if let Some(message) = nonnegative(&path, value) {
        out.push(Found::new(rule::NEGATIVE, path, message));
    }
}

/// Go's `%q` of a string slice, as `fmt.Sprintf("valid values: %q", sets.List(...))` prints it.
fn go_quoted_list(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| quoted(v)).collect();
    format!("[{}]", quoted.join(" "))
}

/// `validateJobSpec` (pkg/apis/batch/validation/validation.go), under `base`
/// (`spec`, or `spec.jobTemplate.spec`), in upstream's order. `defaulted`: a
/// Job's spec went through `SetDefaults_Job` (completions 1 when neither it
/// nor parallelism is set, podReplacementPolicy set); a CronJob's job
/// template is not (only its nested types' own defaulters run).
fn job_spec(spec: &JobSpec, base: &str, defaulted: bool, out: &mut Vec<Found>) {
    let child = |name: &str| format!("{base}.{name}");
    nonnegative_field(child("parallelism"), spec.parallelism.map(i64::from), out);
    nonnegative_field(child("completions"), spec.completions.map(i64::from), out);
    nonnegative_field(child("activeDeadlineSeconds"), spec.active_deadline_seconds, out);
    nonnegative_field(child("backoffLimit"), spec.backoff_limit.map(i64::from), out);
    nonnegative_field(child("ttlSecondsAfterFinished"), spec.ttl_seconds_after_finished.map(i64::from), out);
    nonnegative_field(child("backoffLimitPerIndex"), spec.backoff_limit_per_index.map(i64::from), out);
    if let Some(max_failed) = spec.max_failed_indexes {
        nonnegative_field(child("maxFailedIndexes"), Some(i64::from(max_failed)), out);
        if spec.backoff_limit_per_index.is_none() {
            let at = child("backoffLimitPerIndex");
            push(out, rule::JOB_SPEC, at.clone(), required(&at, "when maxFailedIndexes is specified"));
        }
    }
    if let Some(managed_by) = spec.managed_by.as_deref() {
        managed_by_problems(&child("managedBy"), managed_by, out);
    }
    let completions = match spec.completions {
        None if defaulted && spec.parallelism.is_none() => Some(1),
        given => given,
    };
    indexed_limits(spec, base, completions, out);
    if let Some(policy) = &spec.pod_failure_policy {
        pod_failure_policy(spec, policy, &child("podFailurePolicy"), out);
    }
    if let Some(policy) = &spec.success_policy {
        let at = child("successPolicy");
        if spec.completion_mode.as_deref() != Some("Indexed") {
            push(
                out,
                rule::JOB_SPEC,
                at.clone(),
                invalid(&at, &success_policy_json(policy), "requires indexed completion mode"),
            );
        } else {
            success_policy(policy, &at, completions, out);
        }
    }
    // validatePodReplacementPolicy; SetDefaults_Job fills an absent value with
    // one that passes.
    if let Some(replacement) = spec.pod_replacement_policy.as_deref() {
        let at = child("podReplacementPolicy");
        if spec.pod_failure_policy.is_some() {
            if replacement != "Failed" {
                push(out, rule::JOB_SPEC, at.clone(), not_supported(&at, &quoted(replacement), &["Failed"]));
            }
        } else if !REPLACEMENT_POLICIES.contains(&replacement) {
            push(out, rule::JOB_SPEC, at.clone(), not_supported(&at, &quoted(replacement), &REPLACEMENT_POLICIES));
        }
    }
    let template_path = child("template");
    pod_template(&spec.template, &template_path, out);
    job_restart_policy(spec, &template_path, out);
}

/// validateJobSpec's restart policy check: the pod default (Always, also
/// written over an empty value by `SetDefaults_PodSpec`) is reported as a
/// missing value; a podFailurePolicy needs Never.
fn job_restart_policy(spec: &JobSpec, template_path: &str, out: &mut Vec<Found>) {
    let policy = spec.template.spec.as_ref().and_then(|s| s.restart_policy.as_deref()).unwrap_or_default();
    let at = format!("{template_path}.spec.restartPolicy");
    let message = match policy {
        "" | "Always" => required(&at, "valid values: \"OnFailure\", \"Never\""),
        "OnFailure" | "Never" => {
            if spec.pod_failure_policy.is_none() || policy == "Never" {
                return;
            }
            invalid(&at, &quoted(policy), "only \"Never\" is supported when podFailurePolicy is specified")
        }
        other => not_supported(&at, &quoted(other), &["OnFailure", "Never"]),
    };
    push(out, rule::RESTART_POLICY, at, message);
}

/// `apimachineryvalidation.IsDomainPrefixedPath` and the length limit on
/// `managedBy`: a DNS subdomain, `/`, and an HTTP path (RFC 3986 characters).
fn managed_by_problems(at: &str, value: &str, out: &mut Vec<Found>) {
    if value.is_empty() {
        push(out, rule::JOB_SPEC, at.to_owned(), required(at, ""));
    } else {
        match value.split_once('/') {
            Some((host, path)) if !host.is_empty() && !path.is_empty() => {
                for problem in crate::load::NameRule::Dns1123Subdomain.problems(host) {
                    push(out, rule::JOB_SPEC, at.to_owned(), invalid(at, &quoted(host), &problem));
                }
                let path_ok = path.bytes().all(|b| b.is_ascii_alphanumeric() || b"/-._~%!$&'()*+,;=:".contains(&b));
                if !path_ok {
                    push(
                        out,
                        rule::JOB_SPEC,
                        at.to_owned(),
                        invalid(
                            at,
                            &quoted(path),
                            "Invalid path (regex used for validation is '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')",
                        ),
                    );
                }
            }
            _ => push(
                out,
                rule::JOB_SPEC,
                at.to_owned(),
                invalid(at, &quoted(value), "must be a domain-prefixed path (such as \"acme.io/foo\")"),
            ),
        }
    }
    if value.len() > MAX_MANAGED_BY {
        push(out, rule::JOB_SPEC, at.to_owned(), too_long(at, MAX_MANAGED_BY));
    }
}

/// validateJobSpec's completionMode checks: the value, what Indexed needs and
/// its limits, and the per-index fields only with Indexed. `completions` is
/// the defaulted value.
fn indexed_limits(spec: &JobSpec, base: &str, completions: Option<i32>, out: &mut Vec<Found>) {
    let child = |name: &str| format!("{base}.{name}");
    let max_failed = spec.max_failed_indexes;
    let mode = spec.completion_mode.as_deref();
    if let Some(mode) = mode {
        if mode != "NonIndexed" && mode != "Indexed" {
            let at = child("completionMode");
            push(out, rule::JOB_SPEC, at.clone(), not_supported(&at, &quoted(mode), &["NonIndexed", "Indexed"]));
        }
        if mode == "Indexed" {
            if completions.is_none() {
                let at = child("completions");
                push(out, rule::JOB_SPEC, at.clone(), required(&at, "when completion mode is Indexed"));
            }
            if let Some(parallelism) = spec.parallelism.filter(|p| *p > INDEXED_MAX) {
                let at = child("parallelism");
                let detail = format!("must be less than or equal to {INDEXED_MAX} when completion mode is Indexed");
                push(out, rule::JOB_SPEC, at.clone(), invalid(&at, &parallelism.to_string(), &detail));
            }
            if let (Some(completions), Some(failed)) = (completions, max_failed)
                && failed > completions
            {
                let at = child("maxFailedIndexes");
                let message = invalid(&at, &failed.to_string(), "must be less than or equal to completions");
                push(out, rule::JOB_SPEC, at, message);
            }
            if let Some(failed) = max_failed.filter(|f| *f > INDEXED_MAX) {
                let at = child("maxFailedIndexes");
                let detail = format!("must be less than or equal to {INDEXED_MAX}");
                push(out, rule::JOB_SPEC, at.clone(), invalid(&at, &failed.to_string(), &detail));
            }
            if completions.is_some_and(|c| c > COMPLETIONS_SOFT_LIMIT) && spec.backoff_limit_per_index.is_some() {
                let high = format!(
                    "must be less than or equal to {HIGH_COMPLETIONS_MAX} when completions are above {COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index"
                );
                if max_failed.is_none() {
                    let at = child("maxFailedIndexes");
                    let detail = format!("must be specified when completions is above {COMPLETIONS_SOFT_LIMIT}");
                    push(out, rule::JOB_SPEC, at.clone(), required(&at, &detail));
                }
                if let Some(parallelism) = spec.parallelism.filter(|p| *p > HIGH_COMPLETIONS_MAX) {
                    let at = child("parallelism");
                    push(out, rule::JOB_SPEC, at.clone(), invalid(&at, &parallelism.to_string(), &high));
                }
                if let Some(failed) = max_failed.filter(|f| *f > HIGH_COMPLETIONS_MAX) {
                    let at = child("maxFailedIndexes");
                    push(out, rule::JOB_SPEC, at.clone(), invalid(&at, &failed.to_string(), &high));
                }
            }
        }
    }
    // An absent mode is NonIndexed (SetDefaults_Job); an empty one is neither.
    if matches!(mode, None | Some("NonIndexed")) {
        for (name, value) in [("backoffLimitPerIndex", spec.backoff_limit_per_index), ("maxFailedIndexes", max_failed)]
        {
            if let Some(value) = value {
                let at = child(name);
                push(
                    out,
                    rule::JOB_SPEC,
                    at.clone(),
                    invalid(&at, &value.to_string(), "requires indexed completion mode"),
                );
            }
        }
    }
}

/// `validatePodFailurePolicy`: the rule count, then each rule against the
/// template's container and init container names.
fn pod_failure_policy(spec: &JobSpec, policy: &PodFailurePolicy, at: &str, out: &mut Vec<Found>) {
    let rules_path = format!("{at}.rules");
    if policy.rules.len() > MAX_FAILURE_RULES {
        push(out, rule::JOB_SPEC, rules_path.clone(), too_many(&rules_path, policy.rules.len(), MAX_FAILURE_RULES));
    }
    let pod = spec.template.spec.as_ref();
    let names: BTreeSet<&str> = pod
        .iter()
        .flat_map(|p| p.containers.iter().chain(p.init_containers.iter().flatten()))
        .map(|c| c.name.as_str())
        .collect();
    for (i, failure_rule) in policy.rules.iter().enumerate() {
        pod_failure_rule(spec, failure_rule, &format!("{rules_path}[{i}]"), &names, out);
    }
}

/// `validatePodFailurePolicyRule`.
fn pod_failure_rule(
    spec: &JobSpec,
    failure_rule: &PodFailurePolicyRule,
    at: &str,
    names: &BTreeSet<&str>,
    out: &mut Vec<Found>,
) {
    let action_path = format!("{at}.action");
    match failure_rule.action.as_str() {
        "" => {
            let detail = format!("valid values: {}", go_quoted_list(&ACTIONS));
            push(out, rule::JOB_SPEC, action_path.clone(), required(&action_path, &detail));
        }
        "FailIndex" if spec.backoff_limit_per_index.is_none() => {
            let message = invalid(&action_path, &quoted("FailIndex"), "requires the backoffLimitPerIndex to be set");
            push(out, rule::JOB_SPEC, action_path, message);
        }
        "FailIndex" => {}
        action if !ACTIONS.contains(&action) => {
            push(out, rule::JOB_SPEC, action_path.clone(), not_supported(&action_path, &quoted(action), &ACTIONS));
        }
        _ => {}
    }
    let conditions = failure_rule.on_pod_conditions.as_deref().unwrap_or_default();
    if let Some(exit_codes) = &failure_rule.on_exit_codes {
        on_exit_codes(exit_codes, &format!("{at}.onExitCodes"), names, out);
    }
    if !conditions.is_empty() {
        on_pod_conditions(conditions, &format!("{at}.onPodConditions"), out);
    }
    match (failure_rule.on_exit_codes.is_some(), conditions.is_empty()) {
        (true, false) => push(
            out,
            rule::JOB_SPEC,
            at.to_owned(),
            invalid_omitting_value(at, "specifying both OnExitCodes and OnPodConditions is not supported"),
        ),
        (false, true) => push(
            out,
            rule::JOB_SPEC,
            at.to_owned(),
            invalid_omitting_value(at, "specifying one of OnExitCodes and OnPodConditions is required"),
        ),
        _ => {}
    }
}

/// `validatePodFailurePolicyRuleOnPodConditions`. An empty status was
/// defaulted to True (`SetDefaults_PodFailurePolicyOnPodConditionsPattern`,
/// a defaulter of the pattern type, so in a CronJob's job template too).
fn on_pod_conditions(patterns: &[PodFailurePolicyOnPodConditionsPattern], at: &str, out: &mut Vec<Found>) {
    if patterns.len() > MAX_CONDITION_PATTERNS {
        push(out, rule::JOB_SPEC, at.to_owned(), too_many(at, patterns.len(), MAX_CONDITION_PATTERNS));
    }
    for (j, pattern) in patterns.iter().enumerate() {
        let type_path = format!("{at}[{j}].type");
        for problem in qualified_name_problems(&pattern.type_) {
            push(out, rule::JOB_SPEC, type_path.clone(), invalid(&type_path, &quoted(&pattern.type_), &problem));
        }
        let status_path = format!("{at}[{j}].status");
        match pattern.status.as_deref().unwrap_or_default() {
            "" => {}
            status if !CONDITION_STATUSES.contains(&status) => push(
                out,
                rule::JOB_SPEC,
                status_path.clone(),
                not_supported(&status_path, &quoted(status), &CONDITION_STATUSES),
            ),
            _ => {}
        }
    }
}

/// `validatePodFailurePolicyRuleOnExitCodes`.
fn on_exit_codes(
    requirement: &PodFailurePolicyOnExitCodesRequirement,
    at: &str,
    names: &BTreeSet<&str>,
    out: &mut Vec<Found>,
) {
    let operator_path = format!("{at}.operator");
    match requirement.operator.as_str() {
        "" => {
            let detail = format!("valid values: {}", go_quoted_list(&OPERATORS));
            push(out, rule::JOB_SPEC, operator_path.clone(), required(&operator_path, &detail));
        }
        operator if !OPERATORS.contains(&operator) => push(
            out,
            rule::JOB_SPEC,
            operator_path.clone(),
            not_supported(&operator_path, &quoted(operator), &OPERATORS),
        ),
        _ => {}
    }
    if let Some(name) = requirement.container_name.as_deref()
        && !names.contains(name)
    {
        let name_path = format!("{at}.containerName");
        let message = invalid(
            &name_path,
            &quoted(name),
            "must be one of the container or initContainer names in the pod template",
        );
        push(out, rule::JOB_SPEC, name_path, message);
    }
    let values_path = format!("{at}.values");
    let values = &requirement.values;
    // An absent list and an empty one read the same here; upstream prints
    // `null` for the first and `[]` for the second.
    let values_json = format!("[{}]", values.iter().map(i32::to_string).collect::<Vec<_>>().join(","));
    if values.is_empty() {
        push(
            out,
            rule::JOB_SPEC,
            values_path.clone(),
            invalid(&values_path, &values_json, "at least one value is required"),
        );
    } else if values.len() > MAX_EXIT_CODES {
        push(out, rule::JOB_SPEC, values_path.clone(), too_many(&values_path, values.len(), MAX_EXIT_CODES));
    }
    let mut seen = BTreeSet::new();
    let mut ordered = true;
    let mut previous: Option<i32> = None;
    for (j, value) in values.iter().enumerate() {
        let value_path = format!("{values_path}[{j}]");
        if requirement.operator == "In" && *value == 0 {
            let message = invalid(&value_path, "0", "must not be 0 for the In operator");
            push(out, rule::JOB_SPEC, value_path.clone(), message);
        }
        if !seen.insert(*value) {
            push(out, rule::JOB_SPEC, value_path.clone(), duplicate(&value_path, &value.to_string()));
        }
        if previous.is_some_and(|p| p > *value) {
            ordered = false;
        }
        previous = Some(*value);
    }
    if !ordered {
        push(out, rule::JOB_SPEC, values_path.clone(), invalid(&values_path, &values_json, "must be ordered"));
    }
}

/// The internal `batch.SuccessPolicy` as a field error prints it (JSON with
/// Go's field names; an absent rule list reads as an empty one here).
fn success_policy_json(policy: &SuccessPolicy) -> String {
    let rules: Vec<String> = policy
        .rules
        .iter()
        .map(|r| {
            format!(
                "{{\"SucceededIndexes\":{},\"SucceededCount\":{}}}",
                r.succeeded_indexes.as_deref().map_or_else(|| "null".to_owned(), json_string),
                r.succeeded_count.map_or_else(|| "null".to_owned(), |c| c.to_string())
            )
        })
        .collect();
    format!("{{\"Rules\":[{}]}}", rules.join(","))
}

/// `validateSuccessPolicy`, for an Indexed Job. Upstream dereferences
/// completions for each rule; without them (only possible when the Required
/// error above was reported) the comparisons are skipped here.
fn success_policy(policy: &SuccessPolicy, at: &str, completions: Option<i32>, out: &mut Vec<Found>) {
    let rules_path = format!("{at}.rules");
    if policy.rules.is_empty() {
        let message = required(&rules_path, "at least one rules must be specified when the successPolicy is specified");
        push(out, rule::JOB_SPEC, rules_path.clone(), message);
    }
    if policy.rules.len() > MAX_SUCCESS_RULES {
        push(out, rule::JOB_SPEC, rules_path.clone(), too_many(&rules_path, policy.rules.len(), MAX_SUCCESS_RULES));
    }
    for (i, success_rule) in policy.rules.iter().enumerate() {
        success_rule_problems(success_rule, &format!("{rules_path}[{i}]"), completions, out);
    }
}

/// `validateSuccessPolicyRule`.
fn success_rule_problems(success_rule: &SuccessPolicyRule, at: &str, completions: Option<i32>, out: &mut Vec<Found>) {
    if success_rule.succeeded_count.is_none() && success_rule.succeeded_indexes.is_none() {
        let message = required(at, "at least one of succeededCount or succeededIndexes must be specified");
        push(out, rule::JOB_SPEC, at.to_owned(), message);
    }
    let Some(completions) = completions else { return };
    let mut total = 0;
    if let Some(indexes) = success_rule.succeeded_indexes.as_deref() {
        let indexes_path = format!("{at}.succeededIndexes");
        if indexes.len() > MAX_SUCCEEDED_INDEXES {
            push(out, rule::JOB_SPEC, indexes_path.clone(), too_long(&indexes_path, MAX_SUCCEEDED_INDEXES));
        }
        match indexes_total(indexes, completions) {
            Ok(count) => total = count,
            Err(problem) => {
                let detail = format!("error parsing succeededIndexes: {problem}");
                push(out, rule::JOB_SPEC, indexes_path.clone(), invalid(&indexes_path, &quoted(indexes), &detail));
            }
        }
    }
    if let Some(count) = success_rule.succeeded_count {
        let count_path = format!("{at}.succeededCount");
        nonnegative_field(count_path.clone(), Some(i64::from(count)), out);
        if count > completions {
            let detail = format!("must be less than or equal to {completions} (the number of specified completions)");
            push(out, rule::JOB_SPEC, count_path.clone(), invalid(&count_path, &count.to_string(), &detail));
        }
        if success_rule.succeeded_indexes.is_some() && i64::from(count) > total {
            let detail = format!(
                "must be less than or equal to {total} (the number of indexes in the specified succeededIndexes field)"
            );
            push(out, rule::JOB_SPEC, count_path.clone(), invalid(&count_path, &count.to_string(), &detail));
        }
    }
}

/// `validateIndexesFormat`: comma-separated indexes or `x-y` intervals, each
/// below completions, in increasing order; the number of indexes, or
/// upstream's error text.
fn indexes_total(indexes: &str, completions: i32) -> Result<i64, String> {
    if indexes.is_empty() {
        return Ok(0);
    }
    let mut last: Option<i64> = None;
    let mut total = 0;
    for interval in indexes.split(',') {
        let (x, y) = index_interval(interval, completions)?;
        if let Some(last) = last.filter(|l| *l >= x) {
            return Err(format!("non-increasing order, previous: {last}, current: {x}"));
        }
        total += y - x + 1;
        last = Some(y);
    }
    Ok(total)
}

/// `parseIndexInterval`: `x` or `x-y` with `x < y < completions` (`strconv.Atoi`
/// takes an optional sign, as Rust's parser does).
fn index_interval(interval: &str, completions: i32) -> Result<(i64, i64), String> {
    let limits: Vec<&str> = interval.split('-').collect();
    if limits.len() > 2 {
        return Err(format!(
            "the fragment {} violates the requirement that an index interval can have at most two parts separated by '-'",
            quoted(interval)
        ));
    }
    let parse = |text: &str| -> Result<i64, String> {
        let value =
            text.parse::<i64>().map_err(|_| format!("cannot convert string to integer for index: {}", quoted(text)))?;
        if value >= i64::from(completions) {
            return Err(format!("too large index: {}", quoted(text)));
        }
        Ok(value)
    };
    let first = limits.first().copied().unwrap_or_default();
    let x = parse(first)?;
    match limits.get(1) {
        Some(second) => {
            let y = parse(second)?;
            if x >= y {
                return Err(format!("non-increasing order, previous: {x}, current: {y}"));
            }
            Ok((x, y))
        }
        None => Ok((x, x)),
    }
}

/// `ValidateJob`: with `manualSelector: true` the selector is the user's own,
/// so it is required and must match the template; otherwise the API server
/// generates it (and labels the template to match).
pub fn job(job: &Job, out: &mut Vec<Found>) {
    let Some(spec) = &job.spec else { return };
    job_spec(spec, "spec", true, out);
    if spec.manual_selector == Some(true) {
        match &spec.selector {
            None => out.push(Found::new(rule::SELECTOR_EMPTY, "spec.selector".into(), required("spec.selector", ""))),
            Some(selector) => {
                if !strict_selector(selector, out) {
                    template_matches(selector, &spec.template, out);
                }
            }
        }
    }
}

/// `ValidateCronJobSpec` and `ValidateJobTemplateSpec`, in upstream's order:
/// schedule, startingDeadlineSeconds, timeZone, concurrencyPolicy, the job
/// template, then the history limits.
pub fn cron_job(cron_job: &CronJob, out: &mut Vec<Found>) {
    let spec = &cron_job.spec;
    schedule(&spec.schedule, out);
    nonnegative_field("spec.startingDeadlineSeconds".into(), spec.starting_deadline_seconds, out);
    if let Some(zone) = spec.time_zone.as_deref() {
        time_zone(zone, out);
    }
    if let Some(policy) = spec.concurrency_policy.as_deref() {
        let at = "spec.concurrencyPolicy";
        match policy {
            // SetDefaults_CronJob: an empty policy is Allow.
            "" | "Allow" | "Forbid" | "Replace" => {}
            other => out.push(Found::new(
                rule::CRONJOB_SCHEDULE,
                at.into(),
                not_supported(at, &quoted(other), &["Allow", "Forbid", "Replace"]),
            )),
        }
    }
    if let Some(job) = &spec.job_template.spec {
        job_spec(job, "spec.jobTemplate.spec", false, out);
        // The controller generates each Job's selector.
        if let Some(selector) = &job.selector {
            let at = "spec.jobTemplate.spec.selector";
            out.push(Found::new(
                rule::SELECTOR_EMPTY,
                at.into(),
                invalid(at, &super::field::label_selector(selector), "`selector` will be auto-generated"),
            ));
        }
        if job.manual_selector == Some(true) {
            let at = "spec.jobTemplate.spec.manualSelector";
            push(out, rule::JOB_SPEC, at.into(), not_supported(at, "true", &["nil", "false"]));
        }
    }
    nonnegative_field("spec.successfulJobsHistoryLimit".into(), spec.successful_jobs_history_limit.map(i64::from), out);
    nonnegative_field("spec.failedJobsHistoryLimit".into(), spec.failed_jobs_history_limit.map(i64::from), out);
}

/// `validateTimeZone` up to its last step: not empty, each `/`-separated
/// part 1-14 of `[A-Za-z.-_0-9+]` (not `.`, `..` or starting with `-`, the
/// IANA naming rules), and not `Local` in any case. Upstream then loads the
/// name from the time zone database (`time.LoadLocation`), which kubeplay
/// does not carry: a well-formed name that does not exist (`Europe/Atlantis`)
/// is not reported.
fn time_zone(zone: &str, out: &mut Vec<Found>) {
    let at = "spec.timeZone";
    let mut report = |detail: &str| push(out, rule::CRONJOB_SCHEDULE, at.into(), invalid(at, &quoted(zone), detail));
    if zone.is_empty() {
        report("timeZone must be nil or non-empty string");
        return;
    }
    let part_ok = |part: &str| {
        part != "."
            && part != ".."
            && !part.starts_with('-')
            && (1..=14).contains(&part.len())
            && part.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'+'))
    };
    if !zone.split('/').all(part_ok) {
        report(&format!("unknown time zone {zone}"));
        return;
    }
    if zone.eq_ignore_ascii_case("Local") {
        report("timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones");
    }
}

/// `validateScheduleFormat`, the part kubeplay reproduces: a schedule is
/// required, may not carry a time zone (the `timeZone` field does), and has
/// five fields unless it is a descriptor such as `@hourly` (robfig/cron's
/// `ParseStandard`). The values of the five fields are not parsed.
fn schedule(schedule: &str, out: &mut Vec<Found>) {
    let at = "spec.schedule";
    if schedule.is_empty() {
        out.push(Found::new(rule::CRONJOB_SCHEDULE, at.into(), required(at, "")));
    } else if schedule.contains("TZ") {
        out.push(Found::new(
            rule::CRONJOB_SCHEDULE,
            at.into(),
            invalid(at, &quoted(schedule), "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"),
        ));
    } else if schedule.trim().is_empty() {
        out.push(Found::new(rule::CRONJOB_SCHEDULE, at.into(), invalid(at, &quoted(schedule), "empty spec string")));
    } else if !schedule.trim_start().starts_with('@') {
        let fields: Vec<&str> = schedule.split_whitespace().collect();
        if fields.len() != 5 {
            out.push(Found::new(
                rule::CRONJOB_SCHEDULE,
                at.into(),
                invalid(
                    at,
                    &quoted(schedule),
                    &format!("expected exactly 5 fields, found {}: [{}]", fields.len(), fields.join(" ")),
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_are_counted_or_refused_as_validate_indexes_format_does() {
        assert_eq!(indexes_total("", 5), Ok(0));
        assert_eq!(indexes_total("1,3-5,7", 8), Ok(5));
        assert_eq!(indexes_total("1,", 5), Err("cannot convert string to integer for index: \"\"".to_owned()));
        assert_eq!(indexes_total("1-3,3", 5), Err("non-increasing order, previous: 3, current: 3".to_owned()));
        assert_eq!(indexes_total("0-5", 5), Err("too large index: \"5\"".to_owned()));
    }
}
