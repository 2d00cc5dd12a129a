//! `resource.Quantity` laws on any string: parsing never panics; what parses prints
//! a canonical form that parses back to the same value (or, upstream's one lossy
//! case, a DecimalSI value past the E suffix prints its bare mantissa); printing
//! the reparsed value gives the same text; the order is total and agrees with
//! subtraction; the integer views round up as upstream's do.

#![no_main]

use std::cmp::Ordering;

use kubeplay_core::quantity::{Format, Quantity};
use libfuzzer_sys::fuzz_target;

/// `printed` parses back to `q`, or `q` is DecimalSI at 10^21 or more and `printed`
/// is its mantissa without a suffix, 10^(3k) times smaller for some k ≥ 7 (the rule
/// of `core/tests/quantity_props.rs`, whose inputs stop at 10^60; here any k).
fn prints_back(q: &Quantity, printed: &str) -> bool {
    let Ok(again) = Quantity::parse(printed) else {
        return false;
    };
    if again == *q {
        return true;
    }
    let bare = printed.trim_start_matches('-').bytes().all(|b| b.is_ascii_digit());
    if q.format() != Format::DecimalSI || !bare || again.is_zero() {
        return false;
    }
    for k in 7.. {
        let Some(scaled) = Quantity::from_scaled(1, 3 * k, Format::DecimalSI).and_then(|s| again.checked_mul(&s))
        else {
            return false;
        };
        match scaled.abs_cmp(q) {
            Ordering::Equal => return scaled == *q,
            Ordering::Greater => return false,
            Ordering::Less => {}
        }
    }
    false
}

trait AbsCmp {
    fn abs_cmp(&self, other: &Self) -> Ordering;
}

impl AbsCmp for Quantity {
    /// Compares magnitudes of two values of the same sign.
    fn abs_cmp(&self, other: &Self) -> Ordering {
        if self.sign() < 0 { self.cmp(other).reverse() } else { self.cmp(other) }
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // Two quantities: the text up to the first space, and the rest.
    let (a, b) = text.split_once(' ').unwrap_or((&text, "1"));
    let Ok(x) = Quantity::parse(a) else { return };
    let printed = x.canonical();
    assert!(!printed.is_empty());
    assert!(prints_back(&x, &printed), "{a:?} printed {printed:?}, which does not parse back to it");
    let again = Quantity::parse(&printed).expect("canonical form parses");
    let reprinted = again.canonical();
    if reprinted != printed {
        // Upstream's binary SI prints an integer that is no multiple of 1024 bare, and
        // a bare number parses as decimal SI (docs/semantics/quantity.md §4.3): the
        // value is the same and the second form is a fixed point.
        assert!(
            x.format() == Format::BinarySI && printed.bytes().all(|b| b.is_ascii_digit() || b == b'-'),
            "{a:?}: the canonical form {printed:?} is not a fixed point ({reprinted:?})"
        );
        assert_eq!(Quantity::parse(&reprinted).ok().as_ref(), Some(&again), "{a:?}: {reprinted:?} changed the value");
        assert_eq!(Quantity::parse(&reprinted).map(|q| q.canonical()).ok(), Some(reprinted.clone()));
    }
    assert_eq!(x.cmp(&x), Ordering::Equal);
    if let (Some(value), Some(milli)) = (x.value(), x.milli_value()) {
        // ⌈v⌉ and ⌈1000·v⌉ (away from zero for negatives): milli / 1000 rounds to value.
        let from_milli = milli / 1000 + i64::from(milli % 1000 != 0) * milli.signum();
        assert_eq!(from_milli, value, "{a:?}: value {value} against milli_value {milli}");
    }
    let Ok(y) = Quantity::parse(b) else { return };
    let order = x.cmp(&y);
    assert_eq!(y.cmp(&x), order.reverse(), "{a:?} against {b:?}: the order is not antisymmetric");
    assert_eq!(x == y, order == Ordering::Equal);
    if let Some(difference) = x.checked_sub(&y) {
        assert_eq!(
            difference.sign(),
            match order {
                Ordering::Less => -1,
                Ordering::Equal => 0,
                Ordering::Greater => 1,
            },
            "{a:?} - {b:?} = {difference} disagrees with the order"
        );
        if let Some(back) = difference.checked_add(&y) {
            assert_eq!(back, x, "({a:?} - {b:?}) + {b:?} is not {a:?}");
        }
    }
    if let Some(sum) = x.checked_add(&y) {
        assert_eq!(y.checked_add(&x).as_ref(), Some(&sum), "addition does not commute");
        let _ = sum.canonical();
    }
    let _ = x.ratio_string(&y);
    let _ = x.div_floor(&y);
    let _ = x.checked_mul(&y).map(|p| p.canonical());
});
