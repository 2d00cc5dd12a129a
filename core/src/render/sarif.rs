//! SARIF 2.1.0 (OASIS), for code-scanning tools: the PSS checks failing at
//! restricted and every best-practice finding of a [`SecuritySection`].

use crate::diagnostic::Severity;
use crate::security::{SecuritySection, pss};
use crate::source::{Location, Span};
use crate::version::{SARIF_SCHEMA, SARIF_VERSION};

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A file name as a SARIF `artifactLocation.uri`, which must be a URI reference
/// (RFC 3986): every byte but the unreserved ones and `/` is percent-encoded, so
/// spaces, `#`, `?`, non-ASCII and a colon that would read as a scheme
/// (`a:b.yaml`) survive, and `<stdin>` becomes `%3Cstdin%3E`.
pub fn artifact_uri(file: &str) -> String {
    let mut out = String::with_capacity(file.len());
    for byte in file.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn sarif_result(rule_id: &str, level: &str, message: &str, location: &Location) -> serde_json::Value {
    let Span { line, column, end_line, end_column } = location.span;
    serde_json::json!({
        "ruleId": rule_id,
        "level": level,
        "message": { "text": message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": artifact_uri(&location.file) },
                "region": {
                    "startLine": line.max(1),
                    "startColumn": column.max(1),
                    "endLine": end_line.max(line).max(1),
                    "endColumn": end_column.max(1),
                }
            }
        }]
    })
}

/// The SARIF log: PSS checks failing at restricted (`pss/<checkId>`; `error`
/// when the check is part of baseline, `warning` when only restricted requires
/// it) and every best-practice finding, each message prefixed with the Pod or
/// workload it is about.
pub fn log(section: &SecuritySection) -> serde_json::Value {
    let mut rules: Vec<serde_json::Value> = pss::all_checks()
        .iter()
        .map(|c| {
            serde_json::json!({
                "id": format!("pss/{}", c.id),
                "name": c.id,
                "shortDescription": { "text": format!("Pod Security Standards check {} ({})", c.id, c.level) },
                "helpUri": "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
                "properties": { "level": c.level.as_str(), "since": format!("v1.{}", c.since) }
            })
        })
        .collect();
    rules.extend(section.rules.iter().map(|r| {
        serde_json::json!({
            "id": r.id,
            "name": r.id,
            "shortDescription": { "text": r.title },
            "defaultConfiguration": { "level": sarif_level(r.severity) },
            "properties": { "equivalents": r.equivalents }
        })
    }));
    let mut results = Vec::new();
    for w in &section.workloads {
        for f in &w.restricted.failures {
            let in_baseline = w.baseline.failing.contains(&f.id);
            let level = if in_baseline { "error" } else { "warning" };
            let message = format!("{}: {} ({})", w.id, f.reason, f.detail);
            results.push(sarif_result(&format!("pss/{}", f.id), level, &message, &f.location));
        }
        for f in &w.findings {
            let message = format!("{}: {}", w.id, f.message);
            results.push(sarif_result(&f.code, sarif_level(f.severity), &message, &f.location));
        }
    }
    for o in &section.objects {
        for f in &o.findings {
            let message = format!("{}: {}", o.id, f.message);
            results.push(sarif_result(&f.code, sarif_level(f.severity), &message, &f.location));
        }
    }
    serde_json::json!({
        "version": SARIF_VERSION,
        "$schema": SARIF_SCHEMA,
        "runs": [{
            "tool": {
                "driver": {
                    "name": "kubeplay",
                    "version": crate::VERSION,
                    "informationUri": "https://example.invalid/kubeplay",
                    "rules": rules,
                }
            },
            "results": results,
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::artifact_uri;

    #[test]
    fn file_names_become_uri_references() {
        assert_eq!(artifact_uri("tests/cases/a-b_c.yaml"), "tests/cases/a-b_c.yaml");
        assert_eq!(
            artifact_uri("/tmp/dir with space/a:b #1 é.yaml"),
            "/tmp/dir%20with%20space/a%3Ab%20%231%20%C3%A9.yaml"
        );
        assert_eq!(artifact_uri("<stdin>"), "%3Cstdin%3E");
        assert_eq!(artifact_uri("C:\\k8s\\pod.yaml"), "C%3A%5Ck8s%5Cpod.yaml");
    }
}
