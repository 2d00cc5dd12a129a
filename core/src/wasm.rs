//! The JS API (feature `wasm`): one function per CLI analysis, each a thin
//! shim over [`crate::api`]: it turns its JS arguments into JSON values,
//! calls the api function, and hands back the tagged answer
//! (`{ok: true, value, diagnostics}` or `{ok: false, error}`) as a plain JS
//! object. Nothing here decides anything, so nothing here throws.

use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::api::{self, Answer};

/// A JS argument as JSON (`JSON.stringify`, then serde_json): `undefined` is
/// `null`; a value JSON cannot write (a function, a BigInt) is an error.
fn json(value: &JsValue) -> Result<Value, String> {
    if value.is_undefined() {
        return Ok(Value::Null);
    }
    let text = js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| "a value JSON cannot write (a function, a BigInt, a cycle)".to_owned())?;
    serde_json::from_str(&text).map_err(|e| {
        // serde_json (rightly) refuses the escape; its message depends on where
        // the half pair sits, so say what is wrong with the argument instead.
        if has_lone_surrogate(&text) {
            "a string holds a lone UTF-16 surrogate (half of a surrogate pair), which is not Unicode text; \
             String.prototype.toWellFormed() replaces it with U+FFFD"
                .to_owned()
        } else {
            e.to_string()
        }
    })
}

/// Whether JSON written by `JSON.stringify` escapes a surrogate: it writes a
/// lone one as `\uD800`-style escape and a whole pair as the character itself.
fn has_lone_surrogate(json: &str) -> bool {
    let bytes = json.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        if bytes.get(i + 1) == Some(&b'u') {
            let hex = json.get(i + 2..i + 6).and_then(|h| u16::from_str_radix(h, 16).ok());
            if hex.is_some_and(|unit| (0xD800..=0xDFFF).contains(&unit)) {
                return true;
            }
        }
        // Skip the escaped character (an escaped backslash is not an escape).
        i += 2;
    }
    false
}

fn to_js(answer: &Answer) -> JsValue {
    // serde_json then JSON.parse keeps one serializer (no serde-wasm-bindgen),
    // so `value` is exactly the CLI's JSON.
    js_sys::JSON::parse(&answer.to_json()).unwrap_or(JsValue::NULL)
}

/// Converts the named arguments, then runs `function`; an argument that cannot
/// be converted is the answer's error, named as the api names it.
fn call<const N: usize>(
    name: &str,
    arguments: [(&str, &JsValue); N],
    function: impl FnOnce([Value; N]) -> Answer,
) -> JsValue {
    let mut values: [Value; N] = std::array::from_fn(|_| Value::Null);
    for (slot, (argument, value)) in values.iter_mut().zip(arguments) {
        match json(value) {
            Ok(json) => *slot = json,
            Err(message) => return to_js(&Answer::Err { error: format!("{name}: {argument}: {message}") }),
        }
    }
    to_js(&function(values))
}

/// `analyze(files)`: the report (`kubeplay analyze --format json`). `files`
/// is an array of `{name, text}` or one text.
#[wasm_bindgen]
pub fn analyze(files: JsValue) -> JsValue {
    call("analyze", [("files", &files)], |[files]| api::analyze(&files))
}

/// `analyzeFiles(files)`: the name the first API gave `analyze` over named texts.
#[wasm_bindgen(js_name = analyzeFiles)]
pub fn analyze_files(files: JsValue) -> JsValue {
    analyze(files)
}

/// `probe(files, {port, protocol, externals, ipblockIgnoresPodIps})`.
#[wasm_bindgen]
pub fn probe(files: JsValue, options: JsValue) -> JsValue {
    call("probe", [("files", &files), ("options", &options)], |[files, options]| api::probe(&files, &options))
}

/// `explain(files, {from, to, port, protocol, ipblockIgnoresPodIps})`.
#[wasm_bindgen]
pub fn explain(files: JsValue, options: JsValue) -> JsValue {
    call("explain", [("files", &files), ("options", &options)], |[files, options]| api::explain(&files, &options))
}

/// `graph(files, {group, blastRadius, whoCanReach, ipblockIgnoresPodIps})`.
#[wasm_bindgen]
pub fn graph(files: JsValue, options: JsValue) -> JsValue {
    call("graph", [("files", &files), ("options", &options)], |[files, options]| api::graph(&files, &options))
}

/// `check(files, {pssVersion, format})`.
#[wasm_bindgen]
pub fn check(files: JsValue, options: JsValue) -> JsValue {
    call("check", [("files", &files), ("options", &options)], |[files, options]| api::check(&files, &options))
}

/// `admit(files)`.
#[wasm_bindgen]
pub fn admit(files: JsValue) -> JsValue {
    call("admit", [("files", &files)], |[files]| api::admit(&files))
}

/// `quantity(quantities)`: an array of strings.
#[wasm_bindgen]
pub fn quantity(quantities: JsValue) -> JsValue {
    call("quantity", [("quantities", &quantities)], |[quantities]| api::quantity(&quantities))
}

/// `hpa(files)`.
#[wasm_bindgen]
pub fn hpa(files: JsValue) -> JsValue {
    call("hpa", [("files", &files)], |[files]| api::hpa(&files))
}

/// `vpa(files)`.
#[wasm_bindgen]
pub fn vpa(files: JsValue) -> JsValue {
    call("vpa", [("files", &files)], |[files]| api::vpa(&files))
}

/// `disrupt(files)`.
#[wasm_bindgen]
pub fn disrupt(files: JsValue) -> JsValue {
    call("disrupt", [("files", &files)], |[files]| api::disrupt(&files))
}

/// `failover(files)`.
#[wasm_bindgen]
pub fn failover(files: JsValue) -> JsValue {
    call("failover", [("files", &files)], |[files]| api::failover(&files))
}

/// `diff(before, after, {ipblockIgnoresPodIps})`.
#[wasm_bindgen]
pub fn diff(before: JsValue, after: JsValue, options: JsValue) -> JsValue {
    call("diff", [("before", &before), ("after", &after), ("options", &options)], |[before, after, options]| {
        api::diff(&before, &after, &options)
    })
}

/// `fix(files, {from, to, port, protocol, want, ipblockIgnoresPodIps})`.
#[wasm_bindgen]
pub fn fix(files: JsValue, options: JsValue) -> JsValue {
    call("fix", [("files", &files), ("options", &options)], |[files, options]| api::fix(&files, &options))
}

/// `generate(files, flows, {ipblockIgnoresPodIps})`: `flows` as the `--flows`
/// file's text or as an object.
#[wasm_bindgen]
pub fn generate(files: JsValue, flows: JsValue, options: JsValue) -> JsValue {
    call("generate", [("files", &files), ("flows", &flows), ("options", &options)], |[files, flows, options]| {
        api::generate(&files, &flows, &options)
    })
}

/// `shareFragment({text, tab, example, line})`: a playground share link's
/// fragment (`k1.…`) as the value.
#[wasm_bindgen(js_name = shareFragment)]
pub fn share_fragment(state: JsValue) -> JsValue {
    call("shareFragment", [("state", &state)], |[state]| api::share_fragment(&state))
}

/// `version()`: `{kubeplay, kubernetes}` as the value.
#[wasm_bindgen]
pub fn version() -> JsValue {
    to_js(&api::version())
}
