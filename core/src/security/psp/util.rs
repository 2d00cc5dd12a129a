//! `allowedHostPaths` matching (`util/util.go` `AllowsHostVolumePath`).

use crate::model::PodSecurityPolicySpec;

/// What `allowedHostPaths` grants a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum HostPathAccess {
    Denied,
    ReadOnly,
    Writable,
}

/// No list allows every path; a matching writable entry wins over read-only ones.
pub(super) fn host_path_allowed(psp: &PodSecurityPolicySpec, path: &str) -> HostPathAccess {
    let Some(allowed) = psp.allowed_host_paths.as_ref().filter(|a| !a.is_empty()) else {
        return HostPathAccess::Writable;
    };
    let mut access = HostPathAccess::Denied;
    for entry in allowed {
        if entry.path_prefix.as_deref().is_some_and(|p| path_has_prefix(path, p)) {
            if entry.read_only != Some(true) {
                return HostPathAccess::Writable;
            }
            access = HostPathAccess::ReadOnly;
        }
    }
    access
}

/// Prefix match on whole path components: `/foo` allows `/foo/bar`, not `/fool`.
fn path_has_prefix(path: &str, prefix: &str) -> bool {
    let clean = |p: &str| p.trim_end_matches('/').to_owned();
    let (path, prefix) = (clean(path), clean(prefix));
    if prefix.is_empty() {
        return true;
    }
    path == prefix || path.strip_prefix(&prefix).is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_path_prefixes_match_whole_components() {
        assert!(path_has_prefix("/foo/bar", "/foo"));
        assert!(path_has_prefix("/foo", "/foo/"));
        assert!(!path_has_prefix("/fool", "/foo"));
        assert!(path_has_prefix("/anything", "/"));
    }
}
