pub mod diagnostics;
pub mod editor;
