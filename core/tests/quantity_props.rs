//! Properties of Quantity and admission on generated input: no panics, and what
//! is printed parses back to the same value, or (upstream's quirk) a DecimalSI
//! value past the last suffix prints its mantissa bare, 10^(3k) times smaller.

use kubeplay_core::admission::admit;
use kubeplay_core::quantity::{Format, Quantity};
use kubeplay_core::{Input, load};
use proptest::prelude::*;

/// `printed` parses back to `q`, or `q` is DecimalSI at 10^21 or more and
/// `printed` is its mantissa without a suffix (no suffix exists past E).
fn prints_back(q: &Quantity, printed: &str) -> bool {
    let Ok(again) = Quantity::parse(printed) else {
        return false;
    };
    if again == *q {
        return true;
    }
    let bare = printed.trim_start_matches('-').bytes().all(|b| b.is_ascii_digit());
    q.format() == Format::DecimalSI
        && bare
        && (7..=20).any(|k| {
            Quantity::from_scaled(1, 3 * k, Format::DecimalSI).and_then(|scale| again.checked_mul(&scale)).as_ref()
                == Some(q)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parse_never_panics_and_prints_round_trip(text in "[-+]?[0-9.]{0,25}[eEinumkKMGTP]{0,2}[-+]?[0-9]{0,4}") {
        if let Ok(q) = Quantity::parse(&text) {
            let printed = q.canonical();
            let again = Quantity::parse(&printed);
            prop_assert!(again.is_ok(), "{text} printed {printed}, which does not parse");
            prop_assert!(prints_back(&q, &printed), "{} printed {}", text, printed);
            let _ = (q.value(), q.milli_value());
        }
    }

    #[test]
    fn scaled_values_print_and_parse_back(value in any::<i64>(), exponent in -9i32..40, binary in any::<bool>()) {
        // BinarySI is capped at 2^63 - 1 when parsed (upstream), so larger ones cannot round-trip;
        // keep binary values within i64.
        let exponent = if binary { exponent.min(0) } else { exponent };
        let format = if binary { Format::BinarySI } else { Format::DecimalSI };
        let q = Quantity::from_scaled(i128::from(value), exponent, format).expect("in range");
        let printed = q.canonical();
        prop_assert!(prints_back(&q, &printed), "{}", printed);
    }

    #[test]
    fn addition_is_exact(a in any::<i32>(), b in any::<i32>(), ea in -9i32..10, eb in -9i32..10) {
        let (a, b) = (i64::from(a), i64::from(b));
        let x = Quantity::from_scaled(i128::from(a), ea, Format::DecimalSI).expect("in range");
        let y = Quantity::from_scaled(i128::from(b), eb, Format::DecimalSI).expect("in range");
        let sum = x.checked_add(&y).expect("in range");
        prop_assert_eq!(sum.checked_sub(&y), Some(x.clone()));
        prop_assert_eq!(x.cmp(&y), (i128::from(a) * 10i128.pow((ea + 9) as u32)).cmp(&(i128::from(b) * 10i128.pow((eb + 9) as u32))));
    }

}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn admission_never_panics(
        request in "[-+]?[0-9.]{0,6}[eEinumkKMGTP]{0,2}[0-9]{0,2}",
        limit in "[-+]?[0-9.]{0,6}[eEinumkKMGTP]{0,2}[0-9]{0,2}",
        hard in "[-+]?[0-9.]{0,6}[eEinumkKMGTP]{0,2}[0-9]{0,2}",
        replicas in -5i32..40,
    ) {
        let manifests = format!(
            r#"apiVersion: v1
kind: ResourceQuota
metadata: {{name: q, namespace: team}}
spec:
  hard: {{requests.cpu: "{hard}", limits.memory: "{hard}", pods: "{hard}"}}
---
apiVersion: v1
kind: LimitRange
metadata: {{name: l, namespace: team}}
spec:
  limits:
  - type: Container
    max: {{cpu: "{limit}"}}
    defaultRequest: {{memory: "{request}"}}
    maxLimitRequestRatio: {{cpu: "{request}"}}
  - type: Pod
    min: {{cpu: "{request}"}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: d, namespace: team}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{a: b}}}}
  template:
    metadata: {{labels: {{a: b}}}}
    spec:
      initContainers:
      - {{name: s, image: x, restartPolicy: Always, resources: {{requests: {{cpu: "{request}"}}}}}}
      containers:
      - {{name: c, image: x, resources: {{requests: {{cpu: "{request}"}}, limits: {{cpu: "{limit}", memory: "{limit}"}}}}}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: h, namespace: team}}
spec:
  scaleTargetRef: {{kind: Deployment, name: d}}
  maxReplicas: 50
"#
        );
        let loading = load(&[Input::new("gen.yaml", &manifests)]);
        let admitted = admit(&loading.inventory);
        prop_assert!(!admitted.admission.objects.is_empty());
    }
}
