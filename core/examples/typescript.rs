//! Writes the npm package's `index.d.ts` (generated from the Rust types, see
//! `kubeplay_core::typescript`) to the path given, and prints the names of the
//! functions it declares, one a line, for the package's entry module.
//! Run by `scripts/build-npm.sh`:
//! `cargo run -p kubeplay-core --features ts --example typescript -- OUT.d.ts`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(out) = std::env::args_os().nth(1) else {
        eprintln!("usage: typescript OUT.d.ts");
        return ExitCode::FAILURE;
    };
    let declarations = match kubeplay_core::typescript::declarations() {
        Ok(declarations) => declarations,
        Err(e) => {
            eprintln!("typescript: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = std::fs::write(&out, declarations) {
        eprintln!("cannot write {}: {e}", out.to_string_lossy());
        return ExitCode::FAILURE;
    }
    for name in kubeplay_core::typescript::function_names() {
        println!("{name}");
    }
    ExitCode::SUCCESS
}
