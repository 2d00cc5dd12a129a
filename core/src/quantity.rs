//! Exact resource quantities, as `k8s.io/apimachinery/pkg/api/resource` parses,
//! compares, adds and prints them (`quantity.go`, `suffix.go`, `amount.go`).
//! See `docs/semantics/quantity.md`.
//!
//! No floats anywhere: a value is `mantissa × 10^exponent` with an `i128`
//! mantissa, normalised (no factor 10 left in the mantissa). Parsing goes
//! through a small unbounded integer so that long inputs round exactly as
//! upstream's `inf.Dec` path does; only values with more than 36 significant
//! digits after rounding to 1n are refused ([`QuantityError::OutOfRange`],
//! a kubeplay limit — upstream keeps them).

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The suffix family a quantity was written in; printing keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Format {
    /// `12e6`
    DecimalExponent,
    /// `12Mi` (2^20)
    BinarySI,
    /// `12M` (10^6), or no suffix
    DecimalSI,
}

/// Upstream's parse errors (`quantity.go`), plus kubeplay's own range limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuantityError {
    FormatWrong,
    Suffix,
    Numeric,
    /// Not an upstream error: the value needs more than 36 significant digits.
    OutOfRange,
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            QuantityError::FormatWrong => {
                "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
            }
            QuantityError::Suffix => "unable to parse quantity's suffix",
            QuantityError::Numeric => "unable to parse numeric part of quantity",
            QuantityError::OutOfRange => {
                "kubeplay cannot represent this quantity exactly (more than 36 significant digits)"
            }
        })
    }
}

impl std::error::Error for QuantityError {}

/// A parsed quantity. Equality and ordering compare exact values, whatever the format.
/// Serialised as its canonical text (`"500m"`, `"1Gi"`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
#[derive(Clone, Debug)]
pub struct Quantity {
    mantissa: i128,
    exponent: i32,
    format: Format,
    /// The input text, kept when upstream's parser keeps it (it already looked canonical).
    cached: Option<String>,
}

/// Normalised mantissas stay below this, so that ×100 (canonical form) cannot overflow.
const MANTISSA_LIMIT: i128 = 10i128.pow(36);
/// 2^63 − 1: BinarySI values are capped here at parse.
const MAX_INT64: i128 = i64::MAX as i128;
/// Nanos: the finest precision a quantity keeps.
const NANO_EXPONENT: i64 = -9;

impl Quantity {
    pub fn zero() -> Self {
        Quantity { mantissa: 0, exponent: 0, format: Format::DecimalSI, cached: None }
    }

    /// `value × 10^exponent` in the given format, normalised. `None` when out of range.
    pub fn from_scaled(value: i128, exponent: i32, format: Format) -> Option<Self> {
        let (mantissa, exponent) = normalise(value, i64::from(exponent))?;
        Some(Quantity { mantissa, exponent, format, cached: None })
    }

    /// A whole number of units, e.g. object counts (`pods=1`).
    pub fn from_int(value: i64) -> Self {
        Self::from_scaled(i128::from(value), 0, Format::DecimalSI).unwrap_or_else(Self::zero)
    }

    /// `ParseQuantity`: the upstream grammar, rounding and caching rules.
    pub fn parse(text: &str) -> Result<Self, QuantityError> {
        if text.is_empty() {
            return Err(QuantityError::FormatWrong);
        }
        if text == "0" {
            return Ok(Quantity { cached: Some("0".to_owned()), ..Self::zero() });
        }
        let scanned = scan(text)?;
        let (base_two, suffix_exponent, format) = interpret_suffix(scanned.suffix).ok_or(QuantityError::Suffix)?;
        let cached = cache_rule(text, &scanned, base_two, suffix_exponent);

        // value = digits × 10^scale × 2^binary_exponent
        let mut digits = Big::from_decimal(scanned.num.bytes().chain(scanned.denom.bytes()));
        let denom_len = i64::try_from(scanned.denom.len()).map_err(|_| QuantityError::OutOfRange)?;
        let (mut scale, binary_exponent) =
            if base_two { (-denom_len, suffix_exponent) } else { (i64::from(suffix_exponent) - denom_len, 0) };
        for _ in 0..binary_exponent / 10 {
            digits.mul_small(1024);
        }
        let mut format = format;
        if !digits.is_zero() && scale < NANO_EXPONENT {
            // Round up in magnitude to 1n: "if you want some resources, you should get some".
            let drop = NANO_EXPONENT - scale;
            if drop > i64::try_from(digits.decimal_len_bound()).unwrap_or(i64::MAX) {
                digits = Big::from_u64(1);
            } else {
                let mut inexact = false;
                for _ in 0..drop {
                    inexact |= digits.divrem_small(10) != 0;
                }
                if inexact {
                    digits.add_small(1);
                }
            }
            scale = NANO_EXPONENT;
        }
        if format == Format::BinarySI && binary_above_cap(&digits, scale) {
            digits = Big::from_u64(i64::MAX as u64);
            scale = 0;
        }
        // Strip factors of ten before converting, so long runs of zeros stay representable.
        while !digits.is_zero() && digits.rem_small(10) == 0 {
            digits.divrem_small(10);
            scale += 1;
        }
        let magnitude = digits.to_u128().ok_or(QuantityError::OutOfRange)?;
        let magnitude = i128::try_from(magnitude).map_err(|_| QuantityError::OutOfRange)?;
        let value = if scanned.positive { magnitude } else { -magnitude };
        let (mantissa, exponent) = normalise(value, scale).ok_or(QuantityError::OutOfRange)?;
        // A BinarySI value strictly between -1 and 1 (not 0) becomes DecimalSI at parse.
        if format == Format::BinarySI
            && mantissa != 0
            && i64::from(decimal_digits(mantissa.unsigned_abs())) + i64::from(exponent) <= 0
        {
            format = Format::DecimalSI;
        }
        Ok(Quantity { mantissa, exponent, format, cached })
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn is_zero(&self) -> bool {
        self.mantissa == 0
    }

    /// -1, 0 or 1.
    pub fn sign(&self) -> i32 {
        self.mantissa.signum() as i32
    }

    /// `ScaledValue(scale)`: the value in units of 10^scale, rounded up in magnitude
    /// (ceiling for positive values). `None` when it does not fit an i64 (upstream
    /// silently overflows there).
    pub fn scaled_value(&self, scale: i32) -> Option<i64> {
        let shift = i64::from(self.exponent) - i64::from(scale);
        let result = if shift >= 0 {
            let factor = pow10(u32::try_from(shift).ok()?)?;
            self.mantissa.checked_mul(factor)?
        } else {
            let divisor_exp = u32::try_from(-shift).ok()?;
            match pow10(divisor_exp) {
                Some(divisor) => {
                    let quotient = self.mantissa / divisor;
                    if self.mantissa % divisor == 0 { quotient } else { quotient + self.mantissa.signum() }
                }
                // Smaller than one unit of 10^scale: rounds to ±1.
                None => self.mantissa.signum(),
            }
        };
        i64::try_from(result).ok()
    }

    /// `Value()`: ⌈v⌉ (away from zero for negatives).
    pub fn value(&self) -> Option<i64> {
        self.scaled_value(0)
    }

    /// `MilliValue()`: ⌈1000·v⌉.
    pub fn milli_value(&self) -> Option<i64> {
        self.scaled_value(-3)
    }

    /// `Add`: exact; keeps the receiver's format unless the receiver is zero.
    /// `None` only when the sum leaves kubeplay's range.
    pub fn checked_add(&self, other: &Quantity) -> Option<Quantity> {
        // x + 0 and 0 + x are x, whatever the exponents: scaling x down to zero's
        // exponent could overflow the i128 for a value that is itself in range.
        if other.is_zero() {
            return Some(Quantity { cached: None, ..self.clone() });
        }
        if self.is_zero() {
            return Some(Quantity { cached: None, ..other.clone() });
        }
        let format = self.format;
        let exponent = self.exponent.min(other.exponent);
        let a = scale_up(self.mantissa, self.exponent, exponent)?;
        let b = scale_up(other.mantissa, other.exponent, exponent)?;
        let (mantissa, exponent) = normalise(a.checked_add(b)?, i64::from(exponent))?;
        Some(Quantity { mantissa, exponent, format, cached: None })
    }

    /// `Sub`: exact; keeps the receiver's format unless the receiver is zero.
    pub fn checked_sub(&self, other: &Quantity) -> Option<Quantity> {
        let negated = Quantity { mantissa: -other.mantissa, ..other.clone() };
        self.checked_add(&negated)
    }

    /// `self × factor`, exact, keeping the format.
    pub fn checked_mul_int(&self, factor: i64) -> Option<Quantity> {
        let (mantissa, exponent) = normalise(self.mantissa.checked_mul(i128::from(factor))?, i64::from(self.exponent))?;
        Some(Quantity { mantissa, exponent, format: self.format, cached: None })
    }

    /// `self × other`, exact, in `self`'s format. `None` when out of range.
    pub fn checked_mul(&self, other: &Quantity) -> Option<Quantity> {
        let exponent = i64::from(self.exponent) + i64::from(other.exponent);
        let (mantissa, exponent) = normalise(self.mantissa.checked_mul(other.mantissa)?, exponent)?;
        Some(Quantity { mantissa, exponent, format: self.format, cached: None })
    }

    /// ⌊self / other⌋ for non-negative values (how many `other` fit in `self`).
    /// `None` when `other` is not positive or the result leaves range.
    pub fn div_floor(&self, other: &Quantity) -> Option<i64> {
        if other.mantissa <= 0 {
            return None;
        }
        if self.mantissa <= 0 {
            return Some(0);
        }
        let exponent = self.exponent.min(other.exponent);
        let a = scale_up(self.mantissa, self.exponent, exponent)?;
        let b = scale_up(other.mantissa, other.exponent, exponent)?;
        i64::try_from(a / b).ok()
    }

    /// `String()`: the cached input if upstream would keep it, else the canonical form.
    pub fn canonical(&self) -> String {
        if let Some(cached) = &self.cached {
            return cached.clone();
        }
        if self.mantissa == 0 {
            return "0".to_owned();
        }
        let sign = if self.mantissa < 0 { "-" } else { "" };
        let magnitude = self.mantissa.unsigned_abs();
        if self.format == Format::BinarySI
            && let Some(text) = binary_canonical(magnitude, self.exponent)
        {
            return format!("{sign}{text}");
        }
        // Decimal: lower the exponent to a multiple of three.
        let mut mantissa = magnitude;
        let mut exponent = i64::from(self.exponent);
        while exponent.rem_euclid(3) != 0 {
            mantissa = mantissa.saturating_mul(10);
            exponent -= 1;
        }
        let suffix = match self.format {
            Format::DecimalExponent => exponent_suffix(exponent),
            // No DecimalSI suffix exists past E (10^18) or below n: upstream prints the
            // mantissa bare, so `1000E` prints `1` (quantity.go CanonicalizeBytes
            // ignores constructBytes' not-found answer). Lossy, as upstream is.
            _ => decimal_si_suffix(exponent).unwrap_or_default().to_owned(),
        };
        format!("{sign}{mantissa}{suffix}")
    }

    /// Exact ratio `self / other` printed with six decimals, rounded half up
    /// (Go's `%f` of the quotient). `None` when `other` is zero or out of range.
    pub fn ratio_string(&self, other: &Quantity) -> Option<String> {
        if other.is_zero() {
            return None;
        }
        let exponent = self.exponent.min(other.exponent);
        let a = scale_up(self.mantissa, self.exponent, exponent)?;
        let b = scale_up(other.mantissa, other.exponent, exponent)?;
        let scaled = a.checked_mul(2_000_000)?.checked_div(b)?;
        let rounded = (scaled + scaled.signum()) / 2;
        let sign = if rounded < 0 { "-" } else { "" };
        let magnitude = rounded.unsigned_abs();
        Some(format!("{sign}{}.{:06}", magnitude / 1_000_000, magnitude % 1_000_000))
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical())
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.canonical())
    }
}

impl<'de> Deserialize<'de> for Quantity {
    /// From its string form, like upstream's `UnmarshalJSON` (trimmed).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Quantity::parse(text.trim()).map_err(serde::de::Error::custom)
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Quantity {}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    /// `Cmp`: exact, whatever the formats.
    fn cmp(&self, other: &Self) -> Ordering {
        let by_sign = self.mantissa.signum().cmp(&other.mantissa.signum());
        if by_sign != Ordering::Equal || self.mantissa == 0 {
            return by_sign;
        }
        let magnitude = compare_magnitude(
            self.mantissa.unsigned_abs(),
            self.exponent,
            other.mantissa.unsigned_abs(),
            other.exponent,
        );
        if self.mantissa > 0 { magnitude } else { magnitude.reverse() }
    }
}

/// Compares `a × 10^ea` with `b × 10^eb` for positive normalised mantissas.
fn compare_magnitude(a: u128, ea: i32, b: u128, eb: i32) -> Ordering {
    let order_a = i64::from(decimal_digits(a)) + i64::from(ea);
    let order_b = i64::from(decimal_digits(b)) + i64::from(eb);
    if order_a != order_b {
        return order_a.cmp(&order_b);
    }
    // Same order of magnitude: the difference in exponents is below 40, and
    // scaling the shorter mantissa gives it the longer one's digit count.
    let (ea, eb) = (i64::from(ea), i64::from(eb));
    let shift = u32::try_from((ea - eb).abs()).unwrap_or(u32::MAX);
    let factor = 10u128.checked_pow(shift).unwrap_or(u128::MAX);
    if ea > eb { a.saturating_mul(factor).cmp(&b) } else { a.cmp(&b.saturating_mul(factor)) }
}

fn decimal_digits(mut value: u128) -> u32 {
    let mut digits = 0;
    while value > 0 {
        value /= 10;
        digits += 1;
    }
    digits
}

fn pow10(exponent: u32) -> Option<i128> {
    10i128.checked_pow(exponent)
}

/// `mantissa × 10^from` rewritten with the smaller exponent `to`.
fn scale_up(mantissa: i128, from: i32, to: i32) -> Option<i128> {
    let shift = u32::try_from(i64::from(from) - i64::from(to)).ok()?;
    if mantissa == 0 {
        return Some(0);
    }
    mantissa.checked_mul(pow10(shift)?)
}

/// Moves factors of ten into the exponent; rejects mantissas at or above 10^36.
fn normalise(mut mantissa: i128, mut exponent: i64) -> Option<(i128, i32)> {
    if mantissa == 0 {
        return Some((0, 0));
    }
    while mantissa % 10 == 0 {
        mantissa /= 10;
        exponent += 1;
    }
    if mantissa.unsigned_abs() >= MANTISSA_LIMIT.unsigned_abs() {
        return None;
    }
    Some((mantissa, i32::try_from(exponent).ok()?))
}

/// BinarySI printing (`CanonicalizeBytes`): values in (-1024, 1024) and
/// non-integers print as DecimalSI (`None` here); otherwise strip every factor
/// of 1024 (amount.go `AsCanonicalBase1024Bytes`). Past Ei (2^60) no suffix
/// exists and upstream prints the remaining number bare: 2^70 prints `1`.
fn binary_canonical(magnitude: u128, exponent: i32) -> Option<String> {
    if exponent < 0 {
        return None;
    }
    let mut value = magnitude.checked_mul(10u128.checked_pow(u32::try_from(exponent).ok()?)?)?;
    if value < 1024 {
        return None;
    }
    let mut power = 0;
    while value % 1024 == 0 {
        value /= 1024;
        power += 1;
    }
    let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"].get(power).copied().unwrap_or("");
    Some(format!("{value}{suffix}"))
}

fn decimal_si_suffix(exponent: i64) -> Option<&'static str> {
    Some(match exponent {
        -9 => "n",
        -6 => "u",
        -3 => "m",
        0 => "",
        3 => "k",
        6 => "M",
        9 => "G",
        12 => "T",
        15 => "P",
        18 => "E",
        _ => return None,
    })
}

fn exponent_suffix(exponent: i64) -> String {
    if exponent == 0 { String::new() } else { format!("e{exponent}") }
}

/// The scanner's result (`parseQuantityString`): sign, digits before and after
/// the point (leading zeros of `num` stripped; `"0"` when none), and the suffix.
struct Scanned<'a> {
    positive: bool,
    num: &'a str,
    denom: &'a str,
    suffix: &'a str,
}

/// `parseQuantityString`, state by state.
fn scan(text: &str) -> Result<Scanned<'_>, QuantityError> {
    let bytes = text.as_bytes();
    let end = bytes.len();
    let mut pos = 0;
    let mut positive = true;
    match bytes.first() {
        Some(b'-') => {
            positive = false;
            pos = 1;
        }
        Some(b'+') => pos = 1,
        _ => {}
    }
    while pos < end && bytes.get(pos) == Some(&b'0') {
        pos += 1;
    }
    if pos >= end {
        // All zeros (or nothing) after the sign: zero.
        return Ok(Scanned { positive, num: "0", denom: "", suffix: "" });
    }
    let num_start = pos;
    while pos < end && bytes.get(pos).is_some_and(u8::is_ascii_digit) {
        pos += 1;
    }
    let mut num = text.get(num_start..pos).unwrap_or("");
    if num.is_empty() {
        num = "0";
    }
    let mut denom = "";
    if bytes.get(pos) == Some(&b'.') {
        pos += 1;
        let denom_start = pos;
        while pos < end && bytes.get(pos).is_some_and(u8::is_ascii_digit) {
            pos += 1;
        }
        denom = text.get(denom_start..pos).unwrap_or("");
    }
    let suffix_start = pos;
    while pos < end && bytes.get(pos).is_some_and(|b| b"eEinumkKMGTP".contains(b)) {
        pos += 1;
    }
    if matches!(bytes.get(pos), Some(b'-' | b'+')) {
        pos += 1;
    }
    while pos < end && bytes.get(pos).is_some_and(u8::is_ascii_digit) {
        pos += 1;
    }
    if pos < end {
        return Err(QuantityError::FormatWrong);
    }
    let suffix = text.get(suffix_start..).ok_or(QuantityError::FormatWrong)?;
    Ok(Scanned { positive, num, denom, suffix })
}

/// `suffixHandler.interpret`: (base two?, exponent, format).
fn interpret_suffix(suffix: &str) -> Option<(bool, i32, Format)> {
    let decimal = match suffix {
        "n" => Some(-9),
        "u" => Some(-6),
        "m" => Some(-3),
        "" => Some(0),
        "k" => Some(3),
        "M" => Some(6),
        "G" => Some(9),
        "T" => Some(12),
        "P" => Some(15),
        "E" => Some(18),
        _ => None,
    };
    if let Some(exponent) = decimal {
        return Some((false, exponent, Format::DecimalSI));
    }
    let binary = match suffix {
        "Ki" => Some(10),
        "Mi" => Some(20),
        "Gi" => Some(30),
        "Ti" => Some(40),
        "Pi" => Some(50),
        "Ei" => Some(60),
        _ => None,
    };
    if let Some(exponent) = binary {
        return Some((true, exponent, Format::BinarySI));
    }
    let rest = suffix.strip_prefix(['e', 'E'])?;
    // strconv.ParseInt(rest, 10, 64), then truncated to int32 as upstream does.
    let parsed = parse_go_int64(rest)?;
    Some((false, parsed as i32, Format::DecimalExponent))
}

/// `strconv.ParseInt(s, 10, 64)`: optional sign, at least one digit, in range.
fn parse_go_int64(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<i64>().ok()
}

/// Upstream keeps the input text when the int64 fast path sees it is already canonical.
fn cache_rule(text: &str, scanned: &Scanned<'_>, base_two: bool, suffix_exponent: i32) -> Option<String> {
    let digit_count = scanned.num.len() + scanned.denom.len();
    if base_two {
        if !scanned.denom.is_empty() {
            return None;
        }
        // precision = 15 - len(num) - int(exponent*3/10) - 1
        let precision = 14 - i64::try_from(scanned.num.len()).ok()? - i64::from(suffix_exponent) * 3 / 10;
        if precision < 0 || suffix_exponent % 10 != 0 {
            return None;
        }
        let value: i64 = scanned.num.parse().ok()?;
        return (value & 7 != 0).then(|| text.to_owned());
    }
    if digit_count > 18 {
        return None;
    }
    let scale = i64::from(suffix_exponent) - i64::try_from(scanned.denom.len()).ok()?;
    let shifted = format!("{}{}", scanned.num, scanned.denom);
    let canonical_looking =
        scale >= NANO_EXPONENT && scale % 3 == 0 && !shifted.ends_with("000") && !shifted.starts_with('0');
    canonical_looking.then(|| text.to_owned())
}

/// Whether `digits × 10^scale` exceeds 2^63 − 1.
fn binary_above_cap(digits: &Big, scale: i64) -> bool {
    let Some(value) = digits.to_u128() else {
        return true;
    };
    if scale >= 0 {
        let Some(factor) = u32::try_from(scale).ok().and_then(|s| 10u128.checked_pow(s)) else {
            return value != 0;
        };
        return value.checked_mul(factor).is_none_or(|v| v > MAX_INT64 as u128);
    }
    let Some(factor) = u32::try_from(-scale).ok().and_then(|s| 10u128.checked_pow(s)) else {
        return false;
    };
    match (MAX_INT64 as u128).checked_mul(factor) {
        Some(limit) => value > limit,
        None => false,
    }
}

/// A minimal unbounded unsigned integer (little-endian base 2^32), used only
/// while parsing so that long digit strings round exactly.
struct Big(Vec<u32>);

impl Big {
    fn from_u64(value: u64) -> Self {
        let mut big = Big(vec![value as u32, (value >> 32) as u32]);
        big.trim();
        big
    }

    fn from_decimal(digits: impl Iterator<Item = u8>) -> Self {
        let mut big = Big(Vec::new());
        for digit in digits {
            big.mul_small(10);
            big.add_small(u32::from(digit.saturating_sub(b'0')));
        }
        big
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    fn mul_small(&mut self, factor: u32) {
        let mut carry = 0u64;
        for limb in &mut self.0 {
            let product = u64::from(*limb) * u64::from(factor) + carry;
            *limb = product as u32;
            carry = product >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
        self.trim();
    }

    fn add_small(&mut self, addend: u32) {
        let mut carry = u64::from(addend);
        for limb in &mut self.0 {
            if carry == 0 {
                break;
            }
            let sum = u64::from(*limb) + carry;
            *limb = sum as u32;
            carry = sum >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    /// Divides in place and returns the remainder.
    fn divrem_small(&mut self, divisor: u32) -> u32 {
        let mut remainder = 0u64;
        for limb in self.0.iter_mut().rev() {
            let current = (remainder << 32) | u64::from(*limb);
            *limb = (current / u64::from(divisor)) as u32;
            remainder = current % u64::from(divisor);
        }
        self.trim();
        remainder as u32
    }

    fn rem_small(&self, divisor: u32) -> u32 {
        let mut remainder = 0u64;
        for limb in self.0.iter().rev() {
            remainder = ((remainder << 32) | u64::from(*limb)) % u64::from(divisor);
        }
        remainder as u32
    }

    /// An upper bound on the number of decimal digits (10 per limb).
    fn decimal_len_bound(&self) -> usize {
        self.0.len().saturating_mul(10)
    }

    fn to_u128(&self) -> Option<u128> {
        if self.0.len() > 4 {
            return None;
        }
        Some(self.0.iter().rev().fold(0u128, |acc, limb| (acc << 32) | u128::from(*limb)))
    }
}

/// One line of `kubeplay quantity`: how upstream would read an input.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuantityReport {
    pub input: String,
    pub valid: bool,
    /// `String()` of the parsed quantity; `None` when invalid.
    pub canonical: Option<String>,
    /// `MilliValue()`; `None` when invalid or not an i64.
    pub milli_value: Option<i64>,
    /// `Value()`; `None` when invalid or not an i64.
    pub value: Option<i64>,
    /// The parse error; `None` when valid.
    pub error: Option<String>,
}

impl QuantityReport {
    /// Parses `input` exactly as given (`ParseQuantity`, no trimming).
    pub fn of(input: &str) -> Self {
        match Quantity::parse(input) {
            Ok(q) => QuantityReport {
                input: input.to_owned(),
                valid: true,
                canonical: Some(q.canonical()),
                milli_value: q.milli_value(),
                value: q.value(),
                error: None,
            },
            Err(error) => QuantityReport {
                input: input.to_owned(),
                valid: false,
                canonical: None,
                milli_value: None,
                value: None,
                error: Some(error.to_string()),
            },
        }
    }
}
