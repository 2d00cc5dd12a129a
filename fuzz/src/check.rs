//! What every target asserts about core's answers. A failed assertion is a crash:
//! libFuzzer saves the input under `fuzz/artifacts/<target>/`.

use kubeplay_core::{Diagnostic, Location};

/// One input text by name, as the target handed it to core.
pub struct Text<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// Lines a location may name in `bytes`: every line, plus the one after a final
/// newline. Lines as YAML counts them: LF, CRLF or a lone CR ends one.
fn line_count(bytes: &[u8]) -> usize {
    let lone_returns =
        bytes.windows(2).filter(|w| w[0] == b'\r' && w[1] != b'\n').count() + usize::from(bytes.last() == Some(&b'\r'));
    bytes.iter().filter(|b| **b == b'\n').count() + lone_returns + 1
}

/// A location points into one of the inputs: a known file, a line of it (1-based),
/// a column from 1, and an end that does not come before the start.
pub fn assert_located(location: &Location, texts: &[Text<'_>], what: &str) {
    let Some(text) = texts.iter().find(|t| t.name == location.file) else {
        panic!("{what}: located in {:?}, which is no input ({location:?})", location.file);
    };
    let span = location.span;
    let lines = line_count(text.bytes);
    assert!(
        span.line >= 1 && span.column >= 1 && span.line <= lines,
        "{what}: {location:?} is outside {} ({lines} lines)",
        text.name
    );
    assert!((span.end_line, span.end_column) >= (span.line, span.column), "{what}: {location:?} ends before it starts");
}

pub fn assert_diagnostics_located(diagnostics: &[Diagnostic], texts: &[Text<'_>]) {
    for d in diagnostics {
        assert!(!d.code.is_empty() && !d.message.is_empty(), "a diagnostic without code or message: {d:?}");
        assert_located(&d.location, texts, &format!("diagnostic {} ({})", d.code, d.message));
    }
}
