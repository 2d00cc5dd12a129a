//! Times as the API server reads them. `metav1.Time` is parsed with Go's
//! `time.Parse(time.RFC3339, …)` and `metav1.MicroTime` with
//! `time.Parse("2006-01-02T15:04:05.000000Z07:00", …)` (k8s.io/apimachinery
//! `pkg/apis/meta/v1/time.go` and `micro_time.go`); an object with a time
//! Go cannot parse is refused at decoding. k8s-openapi reads both with jiff,
//! which accepts forms Go refuses (`2024-01-01 00:00:00Z`, a `[UTC]`
//! annotation, a time without seconds, lower-case `t` and `z`) and refuses
//! some that Go accepts (a one-digit hour, a comma before the fraction, an
//! offset of `+23:60`). So the loader checks the text with Go's grammar and
//! hands jiff the same instant written canonically
//! (`docs/semantics/yaml.md` §11).
//!
//! Go's grammar is the union of `parseRFC3339`, the fast path `time.Parse`
//! tries for the RFC 3339 layout, and the general parser it falls back to
//! (`time/format.go`): the general parser accepts everything the fast path
//! does and more, so it alone decides.

/// The layout a newtype's text is parsed with, by the newtype's name.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Layout {
    /// `metav1.Time`: `time.RFC3339`.
    Rfc3339,
    /// `metav1.MicroTime`: `metav1.RFC3339Micro`.
    Rfc3339Micro,
}

impl Layout {
    /// The layout of k8s-openapi's newtype of this name (the name it gives
    /// `deserialize_newtype_struct`), if it is a time.
    pub(crate) fn of(newtype: &str) -> Option<Layout> {
        match newtype {
            "Time" => Some(Layout::Rfc3339),
            "MicroTime" => Some(Layout::Rfc3339Micro),
            _ => None,
        }
    }

    fn go(self) -> &'static str {
        match self {
            Layout::Rfc3339 => "2006-01-02T15:04:05Z07:00",
            Layout::Rfc3339Micro => "2006-01-02T15:04:05.000000Z07:00",
        }
    }
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The instant `text` names, written as `YYYY-MM-DDTHH:MM:SS.nnnnnnnnn` and
/// `Z` or `±HH:MM` (which jiff reads), or the API server's objection.
pub(crate) fn canonical(layout: Layout, text: &str) -> Result<String, String> {
    read(layout, text.as_bytes()).ok_or_else(|| {
        let form = match layout {
            Layout::Rfc3339 => "a date, `T`, the time with seconds, an optional fraction of a second, then `Z` or an offset such as `+01:00`",
            Layout::Rfc3339Micro => "a date, `T`, the time with seconds and exactly six digits of fraction, then `Z` or an offset such as `+01:00`",
        };
        format!(
            "parsing time {text:?} as \"{}\": not a valid time in that layout, the only one the API server reads ({form})",
            layout.go()
        )
    })
}

/// `n` ASCII digits at `at` (Go's `getnum` with `fixed`, or stdLongYear's four).
fn digits(text: &[u8], at: &mut usize, n: usize) -> Option<u32> {
    let found = text.get(*at..*at + n)?;
    *at += n;
    found.iter().try_fold(0, |value, &c| c.is_ascii_digit().then(|| value * 10 + u32::from(c - b'0')))
}

fn literal(text: &[u8], at: &mut usize, c: u8) -> Option<()> {
    let found = text.get(*at) == Some(&c);
    *at += 1;
    found.then_some(())
}

fn read(layout: Layout, text: &[u8]) -> Option<String> {
    let mut at = 0;
    let year = digits(text, &mut at, 4)?;
    literal(text, &mut at, b'-')?;
    let month = digits(text, &mut at, 2)?;
    literal(text, &mut at, b'-')?;
    let day = digits(text, &mut at, 2)?;
    literal(text, &mut at, b'T')?;
    // stdHour: one digit or two (getnum, not fixed).
    let hour_digits = if text.get(at + 1).is_some_and(u8::is_ascii_digit) { 2 } else { 1 };
    let hour = digits(text, &mut at, hour_digits)?;
    literal(text, &mut at, b':')?;
    let minute = digits(text, &mut at, 2)?;
    literal(text, &mut at, b':')?;
    let second = digits(text, &mut at, 2)?;
    if !(1..=12).contains(&month) || hour >= 24 || minute >= 60 || second >= 60 {
        return None;
    }
    // The fraction: `.` or `,` and digits, of which the first nine count.
    let separator = matches!(text.get(at), Some(b'.' | b','));
    let mut fraction = String::new();
    match layout {
        Layout::Rfc3339 if separator && text.get(at + 1).is_some_and(u8::is_ascii_digit) => {
            at += 1;
            while let Some(&c) = text.get(at).filter(|c| c.is_ascii_digit()) {
                fraction.push(char::from(c));
                at += 1;
            }
        }
        Layout::Rfc3339 => {}
        // stdFracSecond0: exactly six characters after the separator, read
        // with atoi, so a leading `+` is a sign (a `-`, a negative, is refused).
        Layout::Rfc3339Micro => {
            let six = text.get(at + 1..at + 7).filter(|_| separator)?;
            let (first, rest) = six.split_first()?;
            if !(first.is_ascii_digit() || *first == b'+') || !rest.iter().all(u8::is_ascii_digit) {
                return None;
            }
            fraction.push(if *first == b'+' { '0' } else { char::from(*first) });
            fraction.extend(rest.iter().map(|&c| char::from(c)));
            at += 7;
        }
    }
    fraction.truncate(9);
    while fraction.len() < 9 {
        fraction.push('0');
    }
    // `Z`, or a sign, two digits, `:` and two digits, up to 24 and 60 (Go:
    // "some people do write offsets of 24 hours or 60 minutes").
    let offset = match text.get(at..)? {
        b"Z" => "Z".to_owned(),
        [sign @ (b'+' | b'-'), ..] if text.len() == at + 6 => {
            let sign = char::from(*sign);
            at += 1;
            let hours = digits(text, &mut at, 2)?;
            literal(text, &mut at, b':')?;
            let minutes = digits(text, &mut at, 2)?;
            if hours > 24 || minutes > 60 {
                return None;
            }
            let total = hours * 60 + minutes;
            format!("{sign}{:02}:{:02}", total / 60, total % 60)
        }
        _ => return None,
    };
    if day < 1 || day > days_in(month, year) {
        return None;
    }
    Some(format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{fraction}{offset}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(text: &str) -> Option<String> {
        canonical(Layout::Rfc3339, text).ok()
    }

    #[test]
    fn what_go_reads_as_rfc3339_is_written_for_jiff() {
        assert_eq!(time("2024-01-31T23:59:59Z").as_deref(), Some("2024-01-31T23:59:59.000000000Z"));
        assert_eq!(time("2024-02-29T00:00:00.5+01:00").as_deref(), Some("2024-02-29T00:00:00.500000000+01:00"));
        // A one-digit hour, a comma, more than nine digits (cut), 24 and 60 in an offset.
        assert_eq!(time("2024-01-01T7:00:00,1234567891Z").as_deref(), Some("2024-01-01T07:00:00.123456789Z"));
        assert_eq!(time("2024-01-01T00:00:00-23:60").as_deref(), Some("2024-01-01T00:00:00.000000000-24:00"));
        assert_eq!(time("2000-02-29T00:00:00+24:00").as_deref(), Some("2000-02-29T00:00:00.000000000+24:00"));
    }

    #[test]
    fn what_go_refuses_is_refused() {
        for text in [
            "2024-01-01 00:00:00Z",
            "2024-01-01t00:00:00z",
            "2024-01-01T00:00:00Z[UTC]",
            "2024-01-01T00:00Z",
            "2024-01-01T00:00:00+0100",
            "2024-01-01T00:00:00",
            "2024-01-01T24:00:00Z",
            "2024-01-01T00:60:00Z",
            "2024-01-01T00:00:60Z",
            "2024-13-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2024-04-31T00:00:00Z",
            "2024-01-00T00:00:00Z",
            "2024-1-01T00:00:00Z",
            "24-01-01T00:00:00Z",
            "+2024-01-01T00:00:00Z",
            "2024-01-01T00:00:00.Z",
            "2024-01-01T00:00:00+25:00",
            "2024-01-01T00:00:00+01:61",
            "2024-01-01T00:00:00Z ",
            "",
            "2024-01-01T１:00:00Z",
        ] {
            assert_eq!(time(text), None, "{text}");
        }
        let refused = canonical(Layout::Rfc3339, "2024-01-01 00:00:00Z").unwrap_err();
        assert!(
            refused.starts_with(r#"parsing time "2024-01-01 00:00:00Z" as "2006-01-02T15:04:05Z07:00": "#),
            "{refused}"
        );
    }

    #[test]
    fn micro_time_has_exactly_six_digits() {
        let micro = |text: &str| canonical(Layout::Rfc3339Micro, text).ok();
        assert_eq!(micro("2024-01-01T00:00:00.123456Z").as_deref(), Some("2024-01-01T00:00:00.123456000Z"));
        assert_eq!(micro("2024-01-01T00:00:00,000001+02:00").as_deref(), Some("2024-01-01T00:00:00.000001000+02:00"));
        // atoi reads a leading `+` as a sign: five digits in six places.
        assert_eq!(micro("2024-01-01T00:00:00.+12345Z").as_deref(), Some("2024-01-01T00:00:00.012345000Z"));
        for text in [
            "2024-01-01T00:00:00Z",
            "2024-01-01T00:00:00.12345Z",
            "2024-01-01T00:00:00.1234567Z",
            "2024-01-01T00:00:00.-12345Z",
        ] {
            assert_eq!(micro(text), None, "{text}");
        }
    }
}
