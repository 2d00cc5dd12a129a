//! The share-link decoder the page opens links with (core's `render::share`) on any fragment: no panic,
//! inflation bounded (8 MiB), and whatever decodes encodes back to a link that
//! decodes to the same state.

#![no_main]

use kubeplay_fuzz::share::{FORMAT_PREFIX, decode, encode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // Half the inputs get the known prefix, so the fuzzer works on the payload.
    let fragment = if data.first().is_some_and(|b| b % 2 == 1) {
        format!("{FORMAT_PREFIX}{}", text.chars().skip(1).collect::<String>())
    } else {
        text.into_owned()
    };
    let Some(state) = decode(&fragment) else { return };
    assert!(state.text.len() <= 8 << 20, "a share link inflated past its bound");
    let link = encode(&state);
    assert_eq!(decode(&link).as_ref(), Some(&state), "{fragment:?} decoded, but its re-encoding does not");
});
