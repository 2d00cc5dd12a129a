//! Exact rationals for rates, shares and latencies (`multi-region.md`: no
//! floats in the model; numbers that are not integers print rounded to 6
//! decimals). Inputs are bounded at validation, so `i128` never overflows on
//! the sizes the lab accepts; arithmetic still saturates rather than panics.

use std::cmp::Ordering;
use std::fmt;
use std::ops::{Add, Div, Mul, Sub};

use serde::{Serialize, Serializer};

/// `num / den`, reduced, `den > 0`. Serialised as a JSON number (six decimals at most).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "number"))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ratio {
    num: i128,
    den: i128,
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.saturating_abs();
    b = b.saturating_abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Ratio {
    pub const ZERO: Ratio = Ratio { num: 0, den: 1 };
    pub const ONE: Ratio = Ratio { num: 1, den: 1 };

    pub fn new(num: i128, den: i128) -> Ratio {
        if den == 0 {
            return Ratio::ZERO;
        }
        let (num, den) = if den < 0 { (num.saturating_neg(), den.saturating_neg()) } else { (num, den) };
        let divisor = gcd(num, den).max(1);
        Ratio { num: num / divisor, den: den / divisor }
    }

    pub fn int(value: i64) -> Ratio {
        Ratio { num: i128::from(value), den: 1 }
    }

    /// A decimal as JSON and YAML write it (`0.8`, `100`, `1e2`), exactly; `None`
    /// for anything else or more than 9 decimals.
    pub fn parse_decimal(text: &str) -> Option<Ratio> {
        let (mantissa, exponent) = match text.split_once(['e', 'E']) {
            Some((m, e)) => (m, e.parse::<i32>().ok()?),
            None => (text, 0),
        };
        let (negative, digits) = match mantissa.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty() && fraction.is_empty() {
            return None;
        }
        if !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit()) || whole.len() + fraction.len() > 24 {
            return None;
        }
        let scale = i32::try_from(fraction.len()).ok()? - exponent;
        if !(-12..=9).contains(&scale) {
            return None;
        }
        let mut num: i128 = format!("{whole}{fraction}").parse().ok()?;
        if negative {
            num = -num;
        }
        Some(if scale >= 0 {
            Ratio::new(num, 10i128.pow(scale.unsigned_abs()))
        } else {
            Ratio::new(num.checked_mul(10i128.pow(scale.unsigned_abs()))?, 1)
        })
    }

    fn negated(self) -> Ratio {
        Ratio { num: self.num.saturating_neg(), den: self.den }
    }

    pub fn is_zero(self) -> bool {
        self.num == 0
    }

    pub fn is_negative(self) -> bool {
        self.num < 0
    }

    pub fn is_integer(self) -> bool {
        self.den == 1
    }

    pub fn min(self, other: Ratio) -> Ratio {
        if self <= other { self } else { other }
    }

    pub fn max(self, other: Ratio) -> Ratio {
        if self >= other { self } else { other }
    }

    /// The smallest integer not below the value.
    pub fn ceil(self) -> i128 {
        let floor = self.num.div_euclid(self.den);
        if self.num.rem_euclid(self.den) == 0 { floor } else { floor + 1 }
    }

    /// Rounded half away from zero to 6 decimals, as the JSON prints it.
    pub fn to_f64_6(self) -> f64 {
        let scaled = self.num.saturating_mul(1_000_000);
        let quotient = scaled / self.den;
        let remainder = scaled % self.den;
        let rounded = if remainder.saturating_abs().saturating_mul(2) >= self.den {
            quotient + scaled.signum()
        } else {
            quotient
        };
        rounded as f64 / 1_000_000.0
    }

    /// An integer value as `i64` (saturating), for output.
    fn as_i64(self) -> i64 {
        i64::try_from(self.num / self.den).unwrap_or(if self.num < 0 { i64::MIN } else { i64::MAX })
    }

    /// The JSON value: an integer when the value is one, else 6 decimals.
    pub fn to_json(self) -> serde_json::Value {
        if self.is_integer() {
            serde_json::Value::from(self.as_i64())
        } else {
            serde_json::Number::from_f64(self.to_f64_6()).map_or(serde_json::Value::Null, serde_json::Value::Number)
        }
    }
}

impl Default for Ratio {
    fn default() -> Self {
        Ratio::ZERO
    }
}

impl From<i64> for Ratio {
    fn from(value: i64) -> Self {
        Ratio::int(value)
    }
}

impl From<usize> for Ratio {
    fn from(value: usize) -> Self {
        Ratio::new(i128::try_from(value).unwrap_or(i128::MAX), 1)
    }
}

impl Add for Ratio {
    type Output = Ratio;
    fn add(self, other: Ratio) -> Ratio {
        self.plus(other)
    }
}

impl Ratio {
    fn plus(self, other: Ratio) -> Ratio {
        if self.den == other.den {
            return Ratio::new(self.num.saturating_add(other.num), self.den);
        }
        Ratio::new(
            self.num.saturating_mul(other.den).saturating_add(other.num.saturating_mul(self.den)),
            self.den.saturating_mul(other.den),
        )
    }
}

impl Sub for Ratio {
    type Output = Ratio;
    fn sub(self, other: Ratio) -> Ratio {
        self.plus(other.negated())
    }
}

impl Mul for Ratio {
    type Output = Ratio;
    fn mul(self, other: Ratio) -> Ratio {
        let a = gcd(self.num, other.den).max(1);
        let b = gcd(other.num, self.den).max(1);
        Ratio::new((self.num / a).saturating_mul(other.num / b), (self.den / b).saturating_mul(other.den / a))
    }
}

impl Div for Ratio {
    type Output = Ratio;
    /// Division by zero gives zero; callers check for it where it matters.
    fn div(self, other: Ratio) -> Ratio {
        if other.num == 0 {
            return Ratio::ZERO;
        }
        self * Ratio::new(other.den, other.num)
    }
}

impl std::iter::Sum for Ratio {
    fn sum<I: Iterator<Item = Ratio>>(iter: I) -> Ratio {
        iter.fold(Ratio::ZERO, Add::add)
    }
}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Ratio) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ratio {
    fn cmp(&self, other: &Ratio) -> Ordering {
        self.num.saturating_mul(other.den).cmp(&other.num.saturating_mul(self.den))
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_integer() { write!(f, "{}", self.as_i64()) } else { write!(f, "{}", self.to_f64_6()) }
    }
}

impl Serialize for Ratio {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_read_exactly_and_printed_to_six_places() {
        assert_eq!(Ratio::parse_decimal("0.8"), Some(Ratio::new(4, 5)));
        assert_eq!(Ratio::parse_decimal("1e2"), Some(Ratio::int(100)));
        assert_eq!(Ratio::parse_decimal("-2.50"), Some(Ratio::new(-5, 2)));
        assert_eq!(Ratio::parse_decimal("abc"), None);
        assert_eq!(Ratio::new(2, 3).to_json(), serde_json::json!(0.666667));
        assert_eq!(Ratio::new(3, 2).to_json(), serde_json::json!(1.5));
        assert_eq!(Ratio::int(450).to_json(), serde_json::json!(450));
        assert_eq!(Ratio::new(9, 2).ceil(), 5);
        assert_eq!(Ratio::int(4).ceil(), 4);
        assert_eq!(Ratio::ONE / Ratio::ZERO, Ratio::ZERO);
    }
}
