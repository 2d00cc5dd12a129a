//! Splitting a file into documents the way kubectl does: a line that starts with
//! `---` separates documents, and only a comment may follow it on that line
//! (`k8s.io/apimachinery/pkg/util/yaml/decoder.go`, `YAMLReader.Read`). Splitting
//! before parsing means one broken document never stops the others.

/// One document's raw bytes and where they start in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawDocument<'a> {
    pub bytes: &'a [u8],
    /// 1-based line of the document's first byte in the file.
    pub first_line: usize,
    /// Set when the separator line that opened this document carried content
    /// after `---` (kubectl rejects that); holds the offending text.
    pub bad_separator: Option<String>,
}

impl RawDocument<'_> {
    /// Blank documents (only whitespace and comments) are skipped, as by kubectl.
    pub fn is_blank(&self) -> bool {
        self.bytes.split(|&b| b == b'\n').all(|line| {
            let trimmed = line.trim_ascii();
            trimmed.is_empty() || trimmed.starts_with(b"#")
        })
    }
}

/// Returns the text after `---` when `line` is a separator line.
fn separator_rest(line: &[u8]) -> Option<&[u8]> {
    line.strip_prefix(b"---").map(|rest| rest.trim_ascii())
}

pub fn split_documents(bytes: &[u8]) -> Vec<RawDocument<'_>> {
    let mut documents = Vec::new();
    let mut start = 0usize;
    let mut first_line = 1usize;
    let mut bad_separator = None;
    let mut line_start = 0usize;
    let mut line_number = 1usize;
    while line_start < bytes.len() {
        let line_end = memchr_newline(&bytes[line_start..]).map_or(bytes.len(), |i| line_start + i + 1);
        let line = &bytes[line_start..line_end];
        if let Some(rest) = separator_rest(line) {
            documents.push(RawDocument {
                bytes: &bytes[start..line_start],
                first_line,
                bad_separator: bad_separator.take(),
            });
            if !rest.is_empty() && !rest.starts_with(b"#") {
                bad_separator = Some(String::from_utf8_lossy(rest).into_owned());
            }
            start = line_end;
            first_line = line_number + line_breaks(line);
        }
        line_start = line_end;
        line_number += line_breaks(line);
    }
    documents.push(RawDocument { bytes: &bytes[start..], first_line, bad_separator });
    documents
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}

/// Whether a line break ends at `bytes[i]`. Lines are counted as YAML counts
/// them (YAML 1.2 §5.4: LF, CRLF or a lone CR), as the parser's own positions
/// inside a document are, so a location is one line whichever part computed
/// it; documents are still separated by `---` lines ended by LF, as kubectl
/// reads them.
fn breaks_at(bytes: &[u8], i: usize) -> bool {
    match bytes.get(i) {
        Some(b'\n') => true,
        Some(b'\r') => bytes.get(i + 1) != Some(&b'\n'),
        _ => false,
    }
}

/// How many lines a line that `split_documents` cut (up to and including its
/// LF) advances the count by: one, plus a lone CR inside it for each.
fn line_breaks(line: &[u8]) -> usize {
    let lone_returns = (0..line.len()).filter(|&i| line.get(i) == Some(&b'\r') && breaks_at(line, i)).count();
    1 + lone_returns
}

/// 1-based line and column (in characters) of a byte offset in `bytes`.
pub fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let offset = offset.min(bytes.len());
    let line = (0..offset).filter(|&i| breaks_at(bytes, i)).count() + 1;
    let line_start = (0..offset).rev().find(|&i| breaks_at(bytes, i)).map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(bytes.get(line_start..offset).unwrap_or_default()).chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(text: &str) -> Vec<(String, usize)> {
        split_documents(text.as_bytes())
            .into_iter()
            .map(|d| (String::from_utf8(d.bytes.to_vec()).unwrap(), d.first_line))
            .collect()
    }

    #[test]
    fn splits_on_separator_lines_and_keeps_line_numbers() {
        assert_eq!(
            docs("a: 1\n---\nb: 2\n--- # comment\nc: 3\n"),
            vec![("a: 1\n".into(), 1), ("b: 2\n".into(), 3), ("c: 3\n".into(), 5)]
        );
    }

    #[test]
    fn leading_separator_gives_a_blank_first_document() {
        let split = split_documents(b"---\na: 1\n");
        assert!(split[0].is_blank());
        assert_eq!(split[1].first_line, 2);
    }

    #[test]
    fn separator_with_content_is_flagged() {
        let split = split_documents(b"a: 1\n--- b: 2\nc: 3\n");
        assert_eq!(split[1].bad_separator.as_deref(), Some("b: 2"));
    }

    #[test]
    fn dashes_inside_a_line_do_not_split() {
        assert_eq!(docs("a: ---\n  ---\n").len(), 1);
    }

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column("ab\ncé d".as_bytes(), 7), (2, 4));
    }

    #[test]
    fn a_lone_carriage_return_is_a_line_break_as_in_yaml() {
        // CRLF is one break; a lone CR is one; LF is one.
        assert_eq!(line_column(b"a\r\nb\rc\nd", 7), (4, 1));
        assert_eq!(line_column(b"a\r\nb\rcd", 7), (3, 3));
        // The offset may fall between the CR and the LF of one break.
        assert_eq!(line_column(b"a\r\nb", 2), (1, 3));
        assert_eq!(
            docs("a: 1\r\r\n---\r\n\r\rb: 2\n---\nc: 3\n").iter().map(|d| d.1).collect::<Vec<_>>(),
            vec![1, 4, 8]
        );
    }
}
