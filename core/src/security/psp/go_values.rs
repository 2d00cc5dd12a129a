//! Go's `%v` and `%#v` renderings of the values upstream's field errors print.

use crate::model::IdRange;

/// `%#v` of a `[]int64`: `[]int64{1000, 2000}`, `[]int64{}`, `[]int64(nil)`.
pub(super) fn go_int64_slice(values: Option<&[i64]>) -> String {
    match values {
        None => "[]int64(nil)".to_owned(),
        Some(v) => format!("[]int64{{{}}}", v.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")),
    }
}

/// `%v` of a `[]IDRange`: `[{2000 3000} {5000 5000}]`.
pub(super) fn go_ranges(ranges: &[IdRange]) -> String {
    format!("[{}]", ranges.iter().map(|r| format!("{{{} {}}}", r.min, r.max)).collect::<Vec<_>>().join(" "))
}

/// `%#v` of a `[]policy.IDRange`: `[]policy.IDRange{policy.IDRange{Min:1, Max:2}}`.
pub(super) fn go_id_range_slice(ranges: Option<&[IdRange]>) -> String {
    match ranges {
        None => "[]policy.IDRange(nil)".to_owned(),
        Some(rs) => format!(
            "[]policy.IDRange{{{}}}",
            rs.iter().map(|r| format!("policy.IDRange{{Min:{}, Max:{}}}", r.min, r.max)).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// `%#v` of a `[]core.Capability`: `[]core.Capability{"ALL", "NET_RAW"}`.
pub(super) fn go_capability_slice(items: &[String]) -> String {
    format!("[]core.Capability{{{}}}", items.iter().map(|i| format!("{i:?}")).collect::<Vec<_>>().join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_values_print_as_field_errors_show_them() {
        assert_eq!(go_int64_slice(None), "[]int64(nil)");
        assert_eq!(go_int64_slice(Some(&[])), "[]int64{}");
        assert_eq!(go_int64_slice(Some(&[5000, 7])), "[]int64{5000, 7}");
        assert_eq!(go_ranges(&[IdRange { min: 1, max: 2 }, IdRange { min: 5, max: 5 }]), "[{1 2} {5 5}]");
        assert_eq!(
            go_id_range_slice(Some(&[IdRange { min: 1, max: 2 }])),
            "[]policy.IDRange{policy.IDRange{Min:1, Max:2}}"
        );
        assert_eq!(go_capability_slice(&["ALL".to_owned()]), "[]core.Capability{\"ALL\"}");
    }
}
