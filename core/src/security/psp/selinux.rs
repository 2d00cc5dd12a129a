//! The SELinux strategy (`selinux/{mustrunas,runasany}.go`): MustRunAs sets the
//! policy's options on a pod that has none and requires them everywhere.

use k8s_openapi::api::core::v1::SELinuxOptions;

/// `Validate`: each of level, role, type and user must equal the policy's (an
/// unset one is ""); levels compare with their categories in any order.
pub(super) fn validate(path: &str, required: &SELinuxOptions, actual: Option<&SELinuxOptions>) -> Vec<String> {
    let Some(actual) = actual else {
        return vec![format!("{path}: Required value")];
    };
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut out = Vec::new();
    let fields = [
        ("level", text(&required.level), text(&actual.level)),
        ("role", text(&required.role), text(&actual.role)),
        ("type", text(&required.type_), text(&actual.type_)),
        ("user", text(&required.user), text(&actual.user)),
    ];
    for (field, wanted, found) in fields {
        let equal = if field == "level" { equal_levels(&wanted, &found) } else { wanted == found };
        if !equal {
            out.push(format!("{path}.{field}: Invalid value: {found:?}: must be {wanted}"));
        }
    }
    out
}

/// `equalLevels`: `s0:c6,c0` equals `s0:c0,c6`; otherwise the strings must be equal.
fn equal_levels(expected: &str, actual: &str) -> bool {
    if expected == actual {
        return true;
    }
    let (Some((expected_sensitivity, expected_categories)), Some((actual_sensitivity, actual_categories))) =
        (expected.split_once(':'), actual.split_once(':'))
    else {
        return false;
    };
    fn sorted(categories: &str) -> Vec<&str> {
        let mut v: Vec<&str> = categories.split(',').collect();
        crate::sort::sort(&mut v);
        v
    }
    expected_sensitivity == actual_sensitivity && sorted(expected_categories) == sorted(actual_categories)
}

/// The options as the mutation list shows them: `{"level":"s0:c1,c2"}`.
pub(super) fn options_text(options: &SELinuxOptions) -> String {
    serde_json::to_string(options).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selinux_levels_compare_categories_as_sets() {
        assert!(equal_levels("s0:c6,c0", "s0:c0,c6"));
        assert!(!equal_levels("s0:c6", "s1:c6"));
        assert!(!equal_levels("s0", "s0:c0"));
        assert!(equal_levels("", ""));
    }
}
