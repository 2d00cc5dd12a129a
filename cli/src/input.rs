//! Reading the named inputs: files, or `-` for standard input.

use std::io::Read;

/// A file's name (as given) and its bytes.
pub struct InputFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

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

pub fn as_core_inputs(files: &[InputFile]) -> Vec<kubeplay_core::Input<'_>> {
    files.iter().map(|f| kubeplay_core::Input { name: &f.name, bytes: &f.bytes }).collect()
}
