//! Raw bytes → `load`, with the default limits and with small ones (so that every
//! limit is within the fuzzer's reach). Asserts: no panic; every diagnostic points
//! into the input; a limit refuses the whole document it names (nothing of it
//! loads); the input-size and document-count limits fire exactly when exceeded.

#![no_main]

use kubeplay_core::load::split_documents;
use kubeplay_core::{Input, Limits, load_with_limits};
use kubeplay_fuzz::check::{Text, assert_diagnostics_located};
use libfuzzer_sys::fuzz_target;

const LIMIT_CODES: &[&str] = &["limit-depth", "limit-scalar-size", "limit-alias-expansion", "invalid-utf8"];

fn check(data: &[u8], limits: &Limits) {
    let loading = load_with_limits(&[Input { name: "fuzz.yaml", bytes: data }], limits);
    assert_diagnostics_located(&loading.diagnostics, &[Text { name: "fuzz.yaml", bytes: data }]);
    let has = |code: &str| loading.diagnostics.iter().filter(|d| d.code == code).count();
    if data.len() > limits.max_total_bytes {
        assert_eq!(has("limit-input-size"), 1);
        assert!(loading.inventory.objects.is_empty(), "a file over the size limit loaded objects");
        return;
    }
    assert_eq!(has("limit-input-size"), 0);
    let documents = split_documents(data).iter().filter(|d| !d.is_blank()).count();
    assert_eq!(has("limit-documents"), usize::from(documents > limits.max_documents), "{documents} documents");
    for d in &loading.diagnostics {
        if LIMIT_CODES.contains(&d.code.as_str()) {
            let leaked = loading.inventory.objects.iter().find(|o| o.origin.location.doc == d.location.doc);
            assert!(
                leaked.is_none(),
                "document {} was refused ({}) yet {:?} loaded",
                d.location.doc,
                d.code,
                leaked.map(|o| o.id())
            );
        }
    }
    for object in &loading.inventory.objects {
        assert!(object.origin.location.doc >= 1 && object.origin.location.doc <= limits.max_documents.min(documents));
    }
}

fuzz_target!(|data: &[u8]| {
    check(data, &Limits::default());
    let small = Limits {
        max_total_bytes: 16 * 1024,
        max_documents: 4,
        max_depth: 6,
        max_scalar_bytes: 48,
        max_alias_expansion: 40,
    };
    check(data, &small);
});
