//! What Go's `json.Unmarshal` answers for a document it cannot read, in its
//! words: the syntax check of encoding/json (`checkValid` with the state
//! machine of encoding/json/scanner.go), whose first error reads
//! `invalid character 'x' <context>` or `unexpected end of JSON input`. Only
//! validity is decided here: like Go, strings may hold any byte from 0x20 up
//! (UTF-8 is not checked), and nesting deeper than 10 000 is an error.

/// `maxNestingDepth` of encoding/json/scanner.go.
const MAX_NESTING_DEPTH: usize = 10_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    BeginValue,
    BeginValueOrEmpty,
    BeginStringOrEmpty,
    BeginString,
    EndValue,
    EndTop,
    InString,
    InStringEsc,
    /// Inside `\u`, with this many hex digits read.
    InStringEscU(u8),
    Neg,
    One,
    Zero,
    Dot,
    Dot0,
    E,
    ESign,
    E0,
    /// Inside a literal: the bytes still expected, and the literal's name.
    Literal(&'static [u8], &'static str),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Parse {
    ObjectKey,
    ObjectValue,
    ArrayValue,
}

/// `quoteChar`: a byte as Go's scanner errors quote it.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => "'\\''".to_owned(),
        b'"' => "'\"'".to_owned(),
        // strconv.Quote(string(c)) without its double quotes; a byte from
        // 0x80 up is the rune of that number.
        b'\x07' => "'\\a'".to_owned(),
        b'\x08' => "'\\b'".to_owned(),
        b'\x0c' => "'\\f'".to_owned(),
        b'\n' => "'\\n'".to_owned(),
        b'\r' => "'\\r'".to_owned(),
        b'\t' => "'\\t'".to_owned(),
        b'\x0b' => "'\\v'".to_owned(),
        b'\\' => "'\\\\'".to_owned(),
        c if c < 0x20 || c == 0x7f => format!("'\\x{c:02x}'"),
        c if (0x80..0xa0).contains(&c) => format!("'\\u{:04x}'", c),
        0xad => "'\\u00ad'".to_owned(),
        c => format!("'{}'", char::from(c)),
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// The scanner: its state and the stack of open objects and arrays.
struct Scanner {
    state: State,
    stack: Vec<Parse>,
}

fn error(c: u8, context: &str) -> Result<(), String> {
    Err(format!("invalid character {} {context}", quote_char(c)))
}

impl Scanner {
    /// The state after closing an object or array.
    fn closed(&mut self) -> State {
        self.stack.pop();
        if self.stack.is_empty() { State::EndTop } else { State::EndValue }
    }

    /// One byte through the state machine (`scanner.step`).
    fn step(&mut self, c: u8) -> Result<(), String> {
        // A byte may end a number or an empty container and be read again.
        let mut current = self.state;
        loop {
            let next = match current {
                State::BeginValue | State::BeginValueOrEmpty | State::BeginStringOrEmpty | State::BeginString
                    if is_space(c) =>
                {
                    current
                }
                State::BeginValueOrEmpty if c == b']' => self.closed(),
                State::BeginValueOrEmpty => {
                    current = State::BeginValue;
                    continue;
                }
                State::BeginStringOrEmpty if c == b'}' => self.closed(),
                State::BeginStringOrEmpty => {
                    current = State::BeginString;
                    continue;
                }
                State::BeginString if c == b'"' => State::InString,
                State::BeginString => return error(c, "looking for beginning of object key string"),
                State::BeginValue => match c {
                    b'{' | b'[' => {
                        self.stack.push(if c == b'{' { Parse::ObjectKey } else { Parse::ArrayValue });
                        if self.stack.len() > MAX_NESTING_DEPTH {
                            return error(c, "exceeded max depth");
                        }
                        if c == b'{' { State::BeginStringOrEmpty } else { State::BeginValueOrEmpty }
                    }
                    b'"' => State::InString,
                    b'-' => State::Neg,
                    b'0' => State::Zero,
                    b'1'..=b'9' => State::One,
                    b't' => State::Literal(b"rue", "true"),
                    b'f' => State::Literal(b"alse", "false"),
                    b'n' => State::Literal(b"ull", "null"),
                    _ => return error(c, "looking for beginning of value"),
                },
                State::EndTop if is_space(c) => State::EndTop,
                State::EndTop => return error(c, "after top-level value"),
                State::EndValue => {
                    let Some(top) = self.stack.last_mut() else {
                        current = State::EndTop;
                        continue;
                    };
                    match (*top, c) {
                        (_, c) if is_space(c) => State::EndValue,
                        (Parse::ObjectKey, b':') => {
                            *top = Parse::ObjectValue;
                            State::BeginValue
                        }
                        (Parse::ObjectKey, _) => return error(c, "after object key"),
                        (Parse::ObjectValue, b',') => {
                            *top = Parse::ObjectKey;
                            State::BeginString
                        }
                        (Parse::ArrayValue, b',') => State::BeginValue,
                        (Parse::ObjectValue, b'}') | (Parse::ArrayValue, b']') => self.closed(),
                        (Parse::ObjectValue, _) => return error(c, "after object key:value pair"),
                        (Parse::ArrayValue, _) => return error(c, "after array element"),
                    }
                }
                State::InString => match c {
                    b'"' => State::EndValue,
                    b'\\' => State::InStringEsc,
                    c if c < 0x20 => return error(c, "in string literal"),
                    _ => State::InString,
                },
                State::InStringEsc => match c {
                    b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' => State::InString,
                    b'u' => State::InStringEscU(0),
                    _ => return error(c, "in string escape code"),
                },
                State::InStringEscU(_) if !c.is_ascii_hexdigit() => {
                    return error(c, "in \\u hexadecimal character escape");
                }
                State::InStringEscU(3) => State::InString,
                State::InStringEscU(read) => State::InStringEscU(read + 1),
                State::Neg => match c {
                    b'0' => State::Zero,
                    b'1'..=b'9' => State::One,
                    _ => return error(c, "in numeric literal"),
                },
                State::One if c.is_ascii_digit() => State::One,
                State::One | State::Zero | State::Dot0 if c == b'e' || c == b'E' => State::E,
                State::One | State::Zero if c == b'.' => State::Dot,
                State::Dot | State::Dot0 if c.is_ascii_digit() => State::Dot0,
                State::Dot => return error(c, "after decimal point in numeric literal"),
                State::E if c == b'+' || c == b'-' => State::ESign,
                State::E | State::ESign | State::E0 if c.is_ascii_digit() => State::E0,
                State::E | State::ESign => return error(c, "in exponent of numeric literal"),
                State::One | State::Zero | State::Dot0 | State::E0 => {
                    current = State::EndValue;
                    continue;
                }
                State::Literal(rest, name) => {
                    if c != rest[0] {
                        return error(c, &format!("in literal {name} (expecting {})", quote_char(rest[0])));
                    }
                    if rest.len() == 1 { State::EndValue } else { State::Literal(&rest[1..], name) }
                }
            };
            self.state = next;
            return Ok(());
        }
    }
}

/// The error `json.Unmarshal` returns for `data` before decoding, if any
/// (`checkValid`, then `scanner.eof`, which steps one more space: a number
/// ends there, a cut literal or escape is an invalid space).
pub fn syntax_error(data: &[u8]) -> Option<String> {
    let mut scanner = Scanner { state: State::BeginValue, stack: Vec::new() };
    for &c in data.iter().chain(b" ") {
        if let Err(message) = scanner.step(c) {
            return Some(message);
        }
    }
    (scanner.state != State::EndTop).then(|| "unexpected end of JSON input".to_owned())
}

#[cfg(test)]
mod tests {
    use super::syntax_error;

    #[test]
    fn valid_documents_pass() {
        for text in [
            "{}",
            " {\"auths\": {\"r.example.com\": {\"auth\": \"dTpw\"}}} ",
            "[1, -0.5e+3, true, false, null, \"a\\u00e9\\n\"]",
            "0",
            "12",
            "null",
            "\"\u{7f}\"",
        ] {
            assert_eq!(syntax_error(text.as_bytes()), None, "{text}");
        }
    }

    #[test]
    fn errors_read_as_go_prints_them() {
        let cases: [(&[u8], &str); 14] = [
            (b"", "unexpected end of JSON input"),
            (b"{\"a\": 1", "unexpected end of JSON input"),
            (b"{a: 1}", "invalid character 'a' looking for beginning of object key string"),
            (b"{\"a\" 1}", "invalid character '1' after object key"),
            (b"{\"a\": 1 \"b\": 2}", "invalid character '\"' after object key:value pair"),
            (b"[1 2]", "invalid character '2' after array element"),
            (b"{} x", "invalid character 'x' after top-level value"),
            (b"nul", "invalid character ' ' in literal null (expecting 'l')"),
            (b"tru3", "invalid character '3' in literal true (expecting 'e')"),
            (b"01", "invalid character '1' after top-level value"),
            (b"1.", "invalid character ' ' after decimal point in numeric literal"),
            (b"1.x", "invalid character 'x' after decimal point in numeric literal"),
            (b"\"a\tb\"", "invalid character '\\t' in string literal"),
            (b"'a'", "invalid character '\\'' looking for beginning of value"),
        ];
        for (text, expected) in cases {
            assert_eq!(syntax_error(text).as_deref(), Some(expected), "{}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = "[".repeat(10_001);
        assert_eq!(syntax_error(deep.as_bytes()).as_deref(), Some("invalid character '[' exceeded max depth"));
        let ok = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(syntax_error(ok.as_bytes()), None);
    }
}
