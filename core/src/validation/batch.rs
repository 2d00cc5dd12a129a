//! pkg/apis/batch/validation/validation.go: Job and CronJob specs.

use k8s_openapi::api::batch::v1::{CronJob, Job, JobSpec};

use super::apps::{strict_selector, template_matches};
use super::core::workload_template;
use super::field::{invalid, nonnegative, not_supported, quoted, required};
use super::{Found, rule};

/// Jobs run to completion: the template's restartPolicy must be OnFailure or
/// Never (the pod default, Always, is refused).
const JOB_RESTART_POLICIES: [&str; 2] = ["OnFailure", "Never"];

fn nonnegative_field(path: String, value: Option<i64>, out: &mut Vec<Found>) {
    if let Some(message) = nonnegative(&path, value) {
        out.push(Found::new(rule::NEGATIVE, path, message));
    }
}

/// `validateJobSpec`, under `base` (`spec`, or `spec.jobTemplate.spec`).
fn job_spec(spec: &JobSpec, base: &str, out: &mut Vec<Found>) {
    nonnegative_field(format!("{base}.parallelism"), spec.parallelism.map(i64::from), out);
    nonnegative_field(format!("{base}.completions"), spec.completions.map(i64::from), out);
    nonnegative_field(format!("{base}.backoffLimit"), spec.backoff_limit.map(i64::from), out);
    nonnegative_field(format!("{base}.ttlSecondsAfterFinished"), spec.ttl_seconds_after_finished.map(i64::from), out);
    workload_template(&spec.template, &format!("{base}.template"), &JOB_RESTART_POLICIES, out);
}

/// `ValidateJob`: with `manualSelector: true` the selector is the user's own,
/// so it is required and must match the template; otherwise the API server
/// generates it (and labels the template to match).
pub fn job(job: &Job, out: &mut Vec<Found>) {
    let Some(spec) = &job.spec else { return };
    job_spec(spec, "spec", out);
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

/// `ValidateCronJobSpec` and `ValidateJobTemplateSpec`.
pub fn cron_job(cron_job: &CronJob, out: &mut Vec<Found>) {
    let spec = &cron_job.spec;
    schedule(&spec.schedule, out);
    nonnegative_field("spec.startingDeadlineSeconds".into(), spec.starting_deadline_seconds, out);
    if let Some(policy) = spec.concurrency_policy.as_deref() {
        let at = "spec.concurrencyPolicy";
        match policy {
            "Allow" | "Forbid" | "Replace" => {}
            "" => out.push(Found::new(rule::CRONJOB_SCHEDULE, at.into(), required(at, ""))),
            other => out.push(Found::new(
                rule::CRONJOB_SCHEDULE,
                at.into(),
                not_supported(at, &quoted(other), &["Allow", "Forbid", "Replace"]),
            )),
        }
    }
    nonnegative_field("spec.successfulJobsHistoryLimit".into(), spec.successful_jobs_history_limit.map(i64::from), out);
    nonnegative_field("spec.failedJobsHistoryLimit".into(), spec.failed_jobs_history_limit.map(i64::from), out);
    if let Some(job) = &spec.job_template.spec {
        job_spec(job, "spec.jobTemplate.spec", out);
        // The controller generates each Job's selector.
        if let Some(selector) = &job.selector {
            let at = "spec.jobTemplate.spec.selector";
            out.push(Found::new(
                rule::SELECTOR_EMPTY,
                at.into(),
                invalid(at, &super::field::label_selector(selector), "`selector` will be auto-generated"),
            ));
        }
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
