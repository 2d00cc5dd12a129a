//! Browser end-to-end: the built site in headless Chromium. Type a
//! manifest with an error; the located diagnostic appears; clicking it selects the
//! line; nothing is logged as an error; no request leaves the page's origin.

use std::time::Duration;

use fantoccini::Locator;
use kubeplay_tests::browser::{Browser, StaticServer, browser_tests_enabled, dist_dir};

const BROKEN: &str = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: three\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_a_broken_manifest_shows_its_located_diagnostic() {
    if !browser_tests_enabled("typing_a_broken_manifest_shows_its_located_diagnostic") {
        return;
    }
    let server = StaticServer::start(dist_dir()).await;
    let browser = Browser::start(1280, 800).await;
    let client = &browser.client;
    client.goto(&server.url("/")).await.expect("open the page");

    let editor = client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("textarea.code"))
        .await
        .expect("editor");
    assert!(
        browser.wait_until("document.querySelector('#tab-findings .count')", Duration::from_secs(10)).await,
        "the first analysis ran"
    );
    editor.clear().await.expect("clear");
    editor.send_keys(BROKEN).await.expect("type");
    client.find(Locator::Css("#tab-findings")).await.expect("findings tab").click().await.expect("open findings");

    // replicas: three is on line 12 of the typed text, in document 2.
    let found =
        browser.wait_until("document.querySelector('.diagnostic[data-line=\"12\"]')", Duration::from_secs(10)).await;
    assert!(found, "a diagnostic at line 12 appears");
    let item = client.find(Locator::Css(".diagnostic[data-line=\"12\"]")).await.expect("diagnostic");
    let text = item.text().await.expect("text");
    assert!(text.contains("line 12:3"), "{text}");
    assert!(text.contains("doc 2"), "{text}");
    assert!(text.contains("spec.replicas"), "{text}");
    assert!(text.to_lowercase().contains("error"), "{text}");
    let count = client.find(Locator::Css("#tab-findings .count")).await.expect("count").text().await.expect("text");
    assert_eq!(count, "1");

    // Clicking the finding puts the cursor on its line.
    item.click().await.expect("click");
    assert!(
        browser
            .wait_until("document.querySelector('.gutter-line.selected[data-line=\"12\"]')", Duration::from_secs(5))
            .await,
        "the gutter marks line 12 as selected"
    );
    let caret_line = client
        .execute("const t = document.querySelector('textarea.code'); return t.value.slice(0, t.selectionStart).split('\\n').length;", vec![])
        .await
        .expect("caret");
    assert_eq!(caret_line, serde_json::json!(12));
    // Typing grew the text line by line: every gutter number still sits beside its line.
    let aligned = client
        .execute(
            "const rows = [...document.querySelectorAll('.gutter-line')];
             const lines = [...document.querySelectorAll('.hl-line')];
             // 12 lines and the empty one after the final newline.
             return rows.length === 13 && lines.length === 13
               && rows.every((r, i) => r.offsetHeight === 20 && Math.abs(r.getBoundingClientRect().top - lines[i].getBoundingClientRect().top) < 1);",
            vec![],
        )
        .await
        .expect("alignment");
    assert_eq!(aligned, serde_json::json!(true), "gutter rows align with the text lines");

    let shot = browser.screenshot_to("foundation-diagnostics-1280x800").await;
    assert!(std::fs::metadata(&shot).map(|m| m.len() > 10_000).unwrap_or(false));

    // Phone width: still usable (the editor and the list are both on the page).
    client.set_window_size(390, 844).await.expect("resize");
    browser.screenshot_to("foundation-diagnostics-phone").await;

    let errors = browser.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    let origin = server.url("");
    let foreign: Vec<String> = browser.loaded_urls().await.into_iter().filter(|u| !u.starts_with(&origin)).collect();
    assert!(foreign.is_empty(), "requests to other origins: {foreign:?}");
    assert!(!server.requests.lock().expect("log").is_empty());
    browser.client.clone().close().await.expect("close");
}

/// Static hosting: the site works from a sub-path (relative asset URLs), ships
/// a strict Content-Security-Policy (a violation would be a console error), and
/// shows the kubeplay and Kubernetes versions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn works_from_a_sub_path_under_a_strict_content_security_policy() {
    if !browser_tests_enabled("works_from_a_sub_path_under_a_strict_content_security_policy") {
        return;
    }
    let server = StaticServer::start_at(dist_dir(), "/team/docs/kubeplay/").await;
    let browser = Browser::start(1280, 800).await;
    let client = &browser.client;
    client.goto(&server.url("/team/docs/kubeplay/?example=sidecars&view=security")).await.expect("open");
    assert!(
        browser.wait_until("document.querySelector('.workload')", Duration::from_secs(20)).await,
        "the app loads its assets relative to the sub-path"
    );
    // The analysis worker starts from the sub-path too, under the same policy.
    assert!(client.find(Locator::Css(".app[data-analysis='worker']")).await.is_ok(), "analysis runs in the worker");
    let policy = client
        .execute("return document.querySelector('meta[http-equiv=Content-Security-Policy]').content;", vec![])
        .await
        .expect("csp");
    let policy = policy.as_str().expect("a policy");
    assert!(policy.starts_with("default-src 'none'; script-src 'self' 'wasm-unsafe-eval' 'sha256-"), "{policy}");
    let version = client.find(Locator::Css(".version")).await.expect("version").text().await.expect("text");
    assert_eq!(version, format!("v{} · Kubernetes {}", kubeplay_core::VERSION, kubeplay_core::KUBERNETES_VERSION));
    let requests = server.requests.lock().expect("log").clone();
    assert!(requests.iter().all(|r| r.starts_with("/team/docs/kubeplay/")), "{requests:?}");
    assert!(requests.iter().any(|r| r == "/team/docs/kubeplay/worker.js"), "{requests:?}");
    // The worker reuses the page's compiled module: the wasm is fetched once.
    assert_eq!(requests.iter().filter(|r| r.ends_with(".wasm")).count(), 1, "{requests:?}");
    let errors = browser.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    browser.screenshot_to("sub-path-sidecars-security").await;
    browser.client.clone().close().await.expect("close");
}
