//! The JS API (feature `wasm`): a few functions that take text and return plain JS
//! objects of the same shape the CLI prints as JSON. Errors in the input are
//! diagnostics inside the result, never exceptions; an argument of the wrong
//! shape (not a string, not an array of `{name, text}`) gets `{error: "…"}`,
//! as the CLI answers what it cannot run on, rather than an empty report.

use wasm_bindgen::prelude::*;

use crate::load::Input;

fn to_js<T: serde::Serialize>(value: &T) -> JsValue {
    // serde_json then JSON.parse keeps one serializer (no serde-wasm-bindgen) and
    // gives exactly the CLI's JSON shape.
    match serde_json::to_string(value) {
        Ok(json) => js_sys::JSON::parse(&json).unwrap_or(JsValue::NULL),
        Err(_) => JsValue::NULL,
    }
}

fn error(message: String) -> JsValue {
    to_js(&serde_json::json!({ "error": message }))
}

/// `analyze(text)` → `{ kubeplay, objects: [...], diagnostics: [...] }`; `{error}`
/// when `text` is not a string.
#[wasm_bindgen]
pub fn analyze(text: JsValue) -> JsValue {
    match text.as_string() {
        Some(text) => to_js(&crate::analyze(&[Input::new("input.yaml", &text)])),
        None => error(format!("analyze expects a string, got {}", describe(&text))),
    }
}

/// `analyzeFiles([{name, text}, ...])` → the same report over several named texts;
/// `{error}` when the argument is not such an array.
#[wasm_bindgen(js_name = analyzeFiles)]
pub fn analyze_files(files: JsValue) -> JsValue {
    let json = js_sys::JSON::stringify(&files).ok().and_then(|s| s.as_string());
    match named_texts(json.as_deref()) {
        Ok(parsed) => {
            let inputs: Vec<Input<'_>> = parsed.iter().map(|f| Input::new(&f.name, &f.text)).collect();
            to_js(&crate::analyze(&inputs))
        }
        Err(message) => error(message),
    }
}

/// What a wrong argument was, for the error message.
fn describe(value: &JsValue) -> String {
    value.js_typeof().as_string().unwrap_or_else(|| "a value JSON cannot write".to_owned())
}

/// `analyzeFiles`' argument, as `JSON.stringify` wrote it (`None`: it could not).
fn named_texts(json: Option<&str>) -> Result<Vec<NamedText>, String> {
    const SHAPE: &str = "analyzeFiles expects an array of {name, text} objects (strings)";
    let json = json.ok_or_else(|| format!("{SHAPE}; got a value JSON cannot write"))?;
    serde_json::from_str(json).map_err(|e| format!("{SHAPE}: {e}"))
}

/// The kubeplay version and the Kubernetes version whose semantics it follows.
#[wasm_bindgen]
pub fn version() -> JsValue {
    to_js(&serde_json::json!({ "kubeplay": crate::VERSION, "kubernetes": crate::KUBERNETES_VERSION }))
}

#[derive(serde::Deserialize, Debug)]
struct NamedText {
    name: String,
    text: String,
}

#[cfg(test)]
mod tests {
    use super::named_texts;

    #[test]
    fn named_texts_read_the_documented_shape() {
        let parsed = named_texts(Some(r#"[{"name":"a.yaml","text":"kind: Pod"}]"#)).unwrap();
        assert_eq!((parsed[0].name.as_str(), parsed[0].text.as_str()), ("a.yaml", "kind: Pod"));
        assert!(named_texts(Some("[]")).unwrap().is_empty());
    }

    #[test]
    fn wrong_shapes_are_errors_that_say_what_was_expected() {
        for (json, says) in [
            (None, "got a value JSON cannot write"),
            (Some("null"), "invalid type: null, expected a sequence"),
            (Some(r#""apiVersion: v1""#), "invalid type: string"),
            (Some(r#"{"name":"a","text":"b"}"#), "invalid type: map, expected a sequence"),
            (Some(r#"[{"name":"a"}]"#), "missing field `text`"),
            (Some(r#"[{"name":"a","text":7}]"#), "invalid type: integer `7`, expected a string"),
        ] {
            let error = named_texts(json).unwrap_err();
            assert!(error.starts_with("analyzeFiles expects an array of {name, text} objects"), "{error}");
            assert!(error.contains(says), "{json:?}: {error}");
        }
    }
}
