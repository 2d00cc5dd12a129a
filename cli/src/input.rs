//! The one way every subcommand gets its manifests: read the named files (or
//! `-` for standard input), load them with kubeplay-core, and report error
//! diagnostics; and the exit status that follows from them.

use std::io::Read;

use kubeplay_core::{Diagnostic, Loading};

use crate::{EXIT_FINDINGS, EXIT_OK};

/// A file's name (as given) and its bytes.
pub struct InputFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The named files' (or standard input's) bytes; `Err` only for I/O.
pub fn read_inputs(paths: &[String]) -> Result<Vec<InputFile>, String> {
    if paths.is_empty() {
        return Err("no input: give one or more files, or - for standard input".to_owned());
    }
    paths
        .iter()
        .map(|path| {
            let bytes = if path == "-" {
                let mut bytes = Vec::new();
                std::io::stdin().read_to_end(&mut bytes).map_err(|e| format!("cannot read standard input: {e}"))?;
                bytes
            } else {
                std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?
            };
            let name = if path == "-" { "<stdin>".to_owned() } else { path.clone() };
            Ok(InputFile { name, bytes })
        })
        .collect()
}

/// Reads and loads the named inputs. `Err` only for I/O (exit status 2); problems
/// in the manifests are diagnostics in the [`Loading`].
pub fn load(paths: &[String]) -> Result<Loading, String> {
    let files = read_inputs(paths)?;
    let inputs: Vec<kubeplay_core::Input<'_>> =
        files.iter().map(|f| kubeplay_core::Input { name: &f.name, bytes: &f.bytes }).collect();
    Ok(kubeplay_core::load(&inputs))
}

/// Prints the error diagnostics to stderr, for subcommands whose output has no
/// place for them; true when there were any.
pub fn report_errors(diagnostics: &[Diagnostic]) -> bool {
    let mut any = false;
    for d in diagnostics.iter().filter(|d| d.is_error()) {
        eprintln!("{}", d.to_text());
        any = true;
    }
    any
}

/// The documented exit status once the output is printed: 1 when the input has
/// an error diagnostic (or the subcommand's own finding), else 0.
pub fn exit_status(findings: bool) -> u8 {
    if findings { EXIT_FINDINGS } else { EXIT_OK }
}
