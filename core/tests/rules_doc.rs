//! `docs/rules.md` is the rule reference `kubeplay rules --format md` prints,
//! regenerated here from the engine's tables and compared
//! (`UPDATE_EXPECT=1 cargo test -p kubeplay-core --test rules_doc` rewrites it).

use std::path::Path;

use kubeplay_core::render::rules::{markdown, rule_reference};

#[test]
fn docs_rules_md_matches_the_rule_tables() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules.md");
    let generated = markdown(&rule_reference());
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, &generated).expect("write docs/rules.md");
        return;
    }
    let written = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(written == generated, "docs/rules.md is stale: rerun with UPDATE_EXPECT=1");
}
