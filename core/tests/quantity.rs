//! Data-driven Quantity tests: `tests/cases/quantity.yaml` (transcribed upstream cases).

use kubeplay_core::quantity::{Format, Quantity, QuantityError};
use serde_yaml::Value;

fn cases() -> Value {
    serde_yaml::from_str(include_str!("cases/quantity.yaml")).expect("quantity.yaml is valid YAML")
}

fn text(value: &Value, key: &str) -> String {
    value[key].as_str().unwrap_or_else(|| panic!("{key} missing in {value:?}")).to_owned()
}

fn format_of(name: &str) -> Format {
    match name {
        "DecimalSI" => Format::DecimalSI,
        "BinarySI" => Format::BinarySI,
        "DecimalExponent" => Format::DecimalExponent,
        other => panic!("unknown format {other}"),
    }
}

fn parse(input: &str) -> Quantity {
    Quantity::parse(input).unwrap_or_else(|e| panic!("{input:?}: unexpected error {e}"))
}

/// `value`/`milli` keys: absent = not checked, null = does not fit an i64.
fn check_accessors(case: &Value, q: &Quantity, input: &str) {
    for (key, actual) in [("value", q.value()), ("milli", q.milli_value())] {
        if let Some(expected) = case.get(key) {
            assert_eq!(actual, expected.as_i64(), "{input}: {key}");
        }
    }
}

#[test]
fn parse_print_and_round() {
    let cases = cases();
    let parse_cases = cases["parse"].as_sequence().expect("parse list");
    assert!(parse_cases.len() > 150);
    for case in parse_cases {
        let input = text(case, "in");
        let out = text(case, "out");
        let format = format_of(&text(case, "format"));
        let q = parse(&input);
        assert_eq!(q.canonical(), out, "{input}: printed form");
        assert_eq!(q.format(), format, "{input}: format");
        check_accessors(case, &q, &input);
        // What it prints parses back to the same value, except where upstream
        // has no suffix for the magnitude and drops it (`lossy`).
        let lossy = case.get("lossy").and_then(Value::as_bool).unwrap_or(false);
        assert_eq!(parse(&out) == q, !lossy, "{input}: round trip through {out}");

        let negative = parse(&format!("-{input}"));
        assert_eq!(negative.format(), format, "-{input}: format");
        if q.is_zero() {
            assert!(negative.is_zero(), "-{input}");
            assert_eq!(negative.canonical(), "0", "-{input} never prints -0");
        } else {
            assert_eq!(negative.canonical(), format!("-{out}"), "-{input}: printed form");
            assert_eq!(negative.sign(), -1);
            assert_eq!(Quantity::zero().checked_sub(&q), Some(negative.clone()), "0 - {input}");
        }
        let positive = parse(&format!("+{input}"));
        assert_eq!(positive, q, "+{input}: value");
        assert_eq!(positive.format(), format, "+{input}: format");
    }
}

#[test]
fn signed_inputs() {
    for case in cases()["signed"].as_sequence().expect("signed list") {
        let input = text(case, "in");
        let q = parse(&input);
        assert_eq!(q.canonical(), text(case, "out"), "{input}");
        check_accessors(case, &q, &input);
    }
}

#[test]
fn invalid_inputs_report_upstream_error_kinds() {
    for case in cases()["invalid"].as_sequence().expect("invalid list") {
        let input = text(case, "in");
        let expected = match text(case, "error").as_str() {
            "FormatWrong" => QuantityError::FormatWrong,
            "Suffix" => QuantityError::Suffix,
            "Numeric" => QuantityError::Numeric,
            other => panic!("unknown error kind {other}"),
        };
        assert_eq!(Quantity::parse(&input).err(), Some(expected), "{input:?}");
    }
    assert_eq!(
        QuantityError::FormatWrong.to_string(),
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    );
    assert_eq!(QuantityError::Suffix.to_string(), "unable to parse quantity's suffix");
}

fn triples(key: &str) -> Vec<(String, String, Value)> {
    cases()[key]
        .as_sequence()
        .expect("list")
        .iter()
        .map(|row| {
            let a = row[0].as_str().expect("first operand").to_owned();
            let b = row[1].as_str().expect("second operand").to_owned();
            (a, b, row[2].clone())
        })
        .collect()
}

#[test]
fn comparison_is_exact_across_formats() {
    for (a, b, expected) in triples("compare") {
        let expected = expected.as_i64().expect("sign");
        let ordering = parse(&a).cmp(&parse(&b));
        assert_eq!(ordering as i64, expected, "{a} vs {b}");
        assert_eq!(parse(&b).cmp(&parse(&a)) as i64, -expected, "{b} vs {a}");
    }
}

#[test]
fn addition_and_subtraction_keep_upstream_formats() {
    for (a, b, sum) in triples("add") {
        let result = parse(&a).checked_add(&parse(&b)).expect("in range");
        assert_eq!(result.canonical(), sum.as_str().expect("sum"), "{a} + {b}");
    }
    for (a, b, difference) in triples("sub") {
        let result = parse(&a).checked_sub(&parse(&b)).expect("in range");
        assert_eq!(result.canonical(), difference.as_str().expect("difference"), "{a} - {b}");
    }
}

#[test]
fn scaled_constructors_print_canonically() {
    for case in cases()["scaled"].as_sequence().expect("scaled list") {
        let value = i128::from(case["value"].as_i64().expect("value"));
        let exponent = i32::try_from(case["exponent"].as_i64().expect("exponent")).expect("i32");
        let q = Quantity::from_scaled(value, exponent, format_of(&text(case, "format"))).expect("in range");
        assert_eq!(q.canonical(), text(case, "out"), "{value}e{exponent}");
    }
}

#[test]
fn ratio_prints_six_decimals() {
    assert_eq!(parse("1Gi").ratio_string(&parse("512Mi")).as_deref(), Some("2.000000"));
    assert_eq!(parse("1").ratio_string(&parse("300m")).as_deref(), Some("3.333333"));
    assert_eq!(parse("2").ratio_string(&parse("3")).as_deref(), Some("0.666667"));
    assert_eq!(parse("1").ratio_string(&parse("0")), None);
}

#[test]
fn long_inputs_round_exactly_or_are_refused() {
    // 40 digits after the point, below 1n: rounds up to 1n like upstream's inf.Dec path.
    assert_eq!(parse("0.0000000000000000000000000000000000000001").canonical(), "1n");
    assert_eq!(parse("1.0000000000000000000000000000000000000001").canonical(), "1000000001n");
    // Trailing zeros never count as significant digits.
    // (It prints `1`: DecimalSI has no suffix for 10^45.)
    let big = parse("1000000000000000000000000000000000000000000000");
    assert_eq!(big, parse("1e45"));
    assert_eq!(big.canonical(), "1");
    assert_eq!(Quantity::parse("1234567890123456789012345678901234567890").err(), Some(QuantityError::OutOfRange));
    assert_eq!(parse("99999999999999999999999999999999999999Ei").canonical(), "9223372036854775807");
}

/// Products past Ei: `AsCanonicalBase1024Bytes` strips every factor of 1024 and
/// no suffix exists past 2^60, so 2^70 prints `1` (upstream's quirk, like `1000E`).
#[test]
fn binary_values_past_ei_print_without_suffix() {
    let four_ei = parse("4Ei");
    assert_eq!(four_ei.checked_mul_int(4).map(|q| q.canonical()).as_deref(), Some("16Ei"));
    assert_eq!(four_ei.checked_mul_int(256).map(|q| q.canonical()).as_deref(), Some("1"));
    assert_eq!(four_ei.checked_mul_int(512).map(|q| q.canonical()).as_deref(), Some("2"));
    assert_eq!(four_ei.checked_mul_int(-256).map(|q| q.canonical()).as_deref(), Some("-1"));
}

/// Found by the `quantity` fuzz target: adding zero to (or subtracting it from) a
/// value past 10^38 returned `None` ("out of range"), because both operands were
/// first scaled to zero's exponent 0 in an i128. The sum is the value itself,
/// exact and in range; zero keeps the other operand's format (upstream's `Add`).
#[test]
fn adding_zero_to_a_large_value_is_exact() {
    for text in ["1e39", "-5960070000398600e24", "1E21", "123456789012345678901234567890123456e100"] {
        let large = parse(text);
        let zero = Quantity::zero();
        assert_eq!(zero.checked_add(&large).as_ref(), Some(&large), "0 + {text}");
        assert_eq!(large.checked_add(&zero).as_ref(), Some(&large), "{text} + 0");
        assert_eq!(large.checked_sub(&zero).as_ref(), Some(&large), "{text} - 0");
        let negated = zero.checked_sub(&large).expect("0 - x is in range");
        assert_eq!(negated.checked_add(&large), Some(Quantity::zero()), "0 - {text}");
        assert_eq!(zero.checked_add(&large).map(|q| q.format()), Some(large.format()));
        // A sum has no cached input text (upstream's Add clears it): it prints canonically.
        let printed = large.checked_add(&zero).map(|q| q.canonical()).expect("in range");
        assert_eq!(parse(&printed), large, "{text} + 0 printed {printed}");
    }
}

/// Found by the `quantity` fuzz target (a law of the target, not the code, was
/// wrong): a binary-SI integer that is no multiple of 1024 prints bare, as
/// upstream's `CanonicalizeBytes` does, and the bare number reads back as
/// decimal SI, which prints with a decimal suffix; that second form is stable.
#[test]
fn a_binary_integer_that_is_no_multiple_of_1024_prints_bare_then_decimal() {
    let binary = parse("305840937.50Ki");
    assert_eq!(binary.canonical(), "313181120000");
    let bare = parse(&binary.canonical());
    assert_eq!(bare, binary);
    assert_eq!(bare.canonical(), "313181120k");
    assert_eq!(parse("313181120k").canonical(), "313181120k");
    // A multiple of 1024 keeps its binary suffix, and a value under 1024 prints decimal.
    assert_eq!(parse("1.5Gi").canonical(), "1536Mi");
    assert_eq!(parse("0.5Ki").canonical(), "512");
}
