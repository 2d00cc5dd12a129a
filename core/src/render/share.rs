//! Share links: the playground's state (manifests, view, selection) compressed
//! into a URL fragment — `#k1.<base64url(deflate(json))>`, where `k1` is the
//! format version. The page writes and reads them, and the `<kube-play>` element
//! (through the JS API's `shareFragment`) writes them for "open in playground",
//! so the format lives here, once. Nothing goes to a server; the fragment never
//! leaves the browser.

use serde::{Deserialize, Serialize};

/// Bump when the shape changes; old links keep decoding while their version is known.
pub const FORMAT_PREFIX: &str = "k1.";

/// What a share link carries: the editor's text, the tab (`traffic`, `matrix`,
/// `findings`, …), the training example it came from and the selected line.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SharedState {
    pub text: String,
    pub tab: String,
    #[serde(default)]
    pub example: Option<String>,
    #[serde(default)]
    pub line: Option<usize>,
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let symbols = chunk.len() + 1;
        for i in 0..symbols {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        let value = ALPHABET.iter().position(|&a| a == c)? as u32;
        buffer = (buffer << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The fragment (without `#`) of a share link for `state`.
pub fn encode(state: &SharedState) -> String {
    let json = serde_json::to_vec(state).unwrap_or_default();
    let compressed = miniz_oxide::deflate::compress_to_vec(&json, 9);
    format!("{FORMAT_PREFIX}{}", base64url_encode(&compressed))
}

/// Decodes a fragment (without `#`); `None` for anything that is not a share link
/// of a known version, or that inflates past 8 MiB.
pub fn decode(fragment: &str) -> Option<SharedState> {
    let payload = fragment.strip_prefix(FORMAT_PREFIX)?;
    let compressed = base64url_decode(payload)?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&compressed, 8 << 20).ok()?;
    serde_json::from_slice(&json).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_compresses() {
        let state = SharedState {
            text: "apiVersion: v1\nkind: Pod\n".repeat(50),
            tab: "findings".into(),
            example: Some("sidecars".into()),
            line: Some(7),
        };
        let encoded = encode(&state);
        assert!(encoded.starts_with("k1."));
        assert!(encoded.len() < state.text.len() / 4);
        assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'));
        assert_eq!(decode(&encoded), Some(state));
    }

    #[test]
    fn base64_matches_known_vectors() {
        assert_eq!(base64url_encode(b"f"), "Zg");
        assert_eq!(base64url_encode(b"fo"), "Zm8");
        assert_eq!(base64url_encode(b"foo"), "Zm9v");
        assert_eq!(base64url_encode(&[0xfb, 0xff]), "-_8");
        assert_eq!(base64url_decode("-_8"), Some(vec![0xfb, 0xff]));
    }

    #[test]
    fn rejects_unknown_versions_and_garbage() {
        assert_eq!(decode("k0.abc"), None);
        assert_eq!(decode("k1.!!!"), None);
        assert_eq!(decode("k1.AAAA"), None);
    }
}
