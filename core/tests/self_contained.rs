//! The repository explains itself: no tracked file may point at research notes
//! outside it or at a path of the machine it was written on. Semantics are cited
//! from `docs/semantics/` or from the upstream file instead.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What must not appear. Built from pieces so this file does not match itself.
fn forbidden() -> Vec<String> {
    let shared = "shared";
    vec![format!("{shared}/spec"), format!("../{shared}"), format!("/{}/", "work"), format!("/{}/", "root")]
}

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Tracked files per `git ls-files`; without git (an exported tarball), every
/// file under the root except build output and version-control data.
fn tracked_files(root: &Path) -> Vec<PathBuf> {
    let listed = Command::new("git").arg("ls-files").arg("-z").current_dir(root).output();
    if let Ok(output) = listed
        && output.status.success()
        && !output.stdout.is_empty()
    {
        return output
            .stdout
            .split(|&b| b == 0)
            .filter(|name| !name.is_empty())
            .map(|name| root.join(String::from_utf8_lossy(name).as_ref()))
            .collect();
    }
    let mut files = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if path.is_dir() {
                if !matches!(name.as_ref(), "target" | ".git" | "dist" | "node_modules") {
                    pending.push(path);
                }
            } else {
                files.push(path);
            }
        }
    }
    files
}

#[test]
fn no_file_points_outside_the_repository() {
    let root = repository_root();
    let this_file = root.join("core/tests/self_contained.rs");
    let files = tracked_files(&root);
    assert!(files.len() > 50, "found only {} files under {}", files.len(), root.display());
    let patterns = forbidden();
    let mut offenders = Vec::new();
    for file in files {
        let relative = file.strip_prefix(&root).unwrap_or(&file);
        if file == this_file || relative.starts_with("target") || relative.starts_with(".git") {
            continue;
        }
        // Deleted but still tracked files, and binary files, are simply skipped.
        let Ok(bytes) = std::fs::read(&file) else { continue };
        let Ok(text) = String::from_utf8(bytes) else { continue };
        for (number, line) in text.lines().enumerate() {
            for pattern in &patterns {
                if line.contains(pattern.as_str()) {
                    offenders.push(format!("{}:{}: `{pattern}` in: {}", relative.display(), number + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "cite docs/semantics/<file>.md §N or the upstream file instead of:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_patterns_catch_what_they_should() {
    let patterns = forbidden();
    let hits = |line: &str| patterns.iter().any(|p| line.contains(p.as_str()));
    assert!(hits(&format!("see `../{}/spec/netpol-semantics.md`", "shared")));
    assert!(hits(&format!("See `/{}/shared/spec/quantity.md`.", "work")));
    assert!(hits(&format!("cargo home: /{}/.cargo/bin", "root")));
    assert!(!hits("See `docs/semantics/netpol.md` §28."));
    assert!(!hits("k8s.io/apimachinery/pkg/api/resource/quantity.go"));
}
