//! Browser end-to-end: `examples/docs-page.html`, a documentation page with ten
//! `<kube-play>` elements (light and dark), served under a strict
//! Content-Security-Policy as a docs host would. Every element shows what the
//! engine answers for its manifests; the ten share one worker and one wasm
//! download; editing an element's YAML re-analyses it; "Open in playground"
//! opens the playground on the same text; nothing is logged as an error and no
//! request leaves the origin. Prints how long after load all ten had rendered.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use kubeplay_core::api;
use kubeplay_tests::browser::{Browser, StaticServer, TempDir, browser_tests_enabled, dist_dir, npm_package_dir};
use serde_json::{Value, json};

/// What a docs host would send with every page, script and file of its own
/// (the playground under /dist/ brings its own policy).
const POLICY: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
                      worker-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'";

const WAIT: Duration = Duration::from_secs(30);

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

/// The site as the page's relative links expect it: the repository's examples,
/// training manifests and favicon, the npm package under target/npm/kubeplay,
/// the playground under dist/ (each a symlink).
fn site() -> TempDir {
    let dir = std::env::temp_dir().join(format!("kubeplay-docs-site-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("target/npm")).expect("site dir");
    let link = |from: &Path, to: &str| std::os::unix::fs::symlink(from, dir.join(to)).expect("symlink");
    link(&root().join("examples"), "examples");
    link(&root().join("core"), "core");
    link(&root().join("web"), "web");
    link(&npm_package_dir(), "target/npm/kubeplay");
    link(&dist_dir(), "dist");
    TempDir(dir)
}

async fn js(browser: &Browser, script: &str) -> Value {
    browser.client.execute(script, vec![]).await.unwrap_or_else(|e| panic!("{script}: {e}"))
}

/// Prints how long after the load event the last of the page's elements first
/// drew (and the load event's time, after navigation start).
async fn print_render_time(browser: &Browser, visit: &str) {
    let timing = js(
        browser,
        "const load = performance.getEntriesByType('navigation')[0].loadEventEnd;
         const last = Math.max(...[...document.querySelectorAll('kube-play')].map(e => e.renderedAt));
         return [load, last];",
    )
    .await;
    let (load, last) = (timing[0].as_f64().unwrap_or(0.0), timing[1].as_f64().unwrap_or(0.0));
    println!(
        "docs page, {visit}: all ten <kube-play> rendered {:.0} ms after the load event ({last:.0} ms after navigation start, load at {load:.0} ms)",
        last - load
    );
}

/// The visible text of the `index`th element's view.
async fn view_text(browser: &Browser, index: usize) -> String {
    let script = format!(
        "return document.querySelectorAll('kube-play')[{index}].shadowRoot.querySelector('.view').textContent;"
    );
    js(browser, &script).await.as_str().unwrap_or_default().to_owned()
}

fn file(name: &str) -> Value {
    let path = root().join("core/src/examples").join(name);
    let text = std::fs::read_to_string(&path).expect("training example");
    json!([{ "name": format!("../core/src/examples/{name}"), "text": text }])
}

/// 80 pods in four namespaces (a label each, so each is its own endpoint), the
/// first namespace isolated by a default-deny policy.
fn big_cluster() -> String {
    let mut text = String::new();
    for n in 0..4 {
        text.push_str(&format!("apiVersion: v1\nkind: Namespace\nmetadata: {{name: team-{n}}}\n---\n"));
        for p in 0..20 {
            text.push_str(&format!(
                "apiVersion: v1\nkind: Pod\nmetadata: {{name: pod-{p}, namespace: team-{n}, labels: {{app: app-{p}}}}}\nspec: {{containers: [{{name: c, image: nginx}}]}}\n---\n"
            ));
        }
    }
    text.push_str("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: team-0}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n");
    text
}

/// The engine's answer, natively, for what an element must show.
fn value(answer: api::Answer) -> Value {
    serde_json::from_str(answer.value().expect("an ok answer")).expect("JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_docs_page_with_ten_elements() {
    if !browser_tests_enabled("a_docs_page_with_ten_elements") {
        return;
    }
    let site = site();
    // Cacheable for ten minutes, as docs hosts serve their files (GitHub
    // Pages does): a reader's next page takes them from the browser's cache.
    let headers = Arc::new(|path: &str| {
        if path.starts_with("/dist/") {
            Vec::new()
        } else {
            vec![
                ("Content-Security-Policy".to_owned(), POLICY.to_owned()),
                ("Cache-Control".to_owned(), "max-age=600".to_owned()),
            ]
        }
    });
    let server = StaticServer::start_with(site.0.clone(), "/", headers).await;
    let browser = Browser::start(1200, 900).await;
    browser.client.goto(&server.url("/examples/docs-page.html")).await.expect("open the docs page");
    let all_rendered = "document.querySelectorAll('kube-play').length === 10 && \
                        [...document.querySelectorAll('kube-play')].every(e => e.renderedAt !== null) && \
                        performance.getEntriesByType('navigation')[0].loadEventEnd > 0";
    assert!(browser.wait_until(all_rendered, WAIT).await, "all ten elements rendered");

    // How long the ten took: after the load event, and from navigation start.
    print_render_time(&browser, "first visit").await;

    let states = js(
        &browser,
        "return [...document.querySelectorAll('kube-play')].map(e => [e.getAttribute('view'), e.dataset.state]);",
    )
    .await;
    for state in states.as_array().expect("states") {
        assert_eq!(state[1], "ready", "{state}");
    }

    // 0 explain: the inline manifests, the engine's verdict and the rule's line.
    let explain = view_text(&browser, 0).await;
    assert!(explain.contains("ALLOWED shop/frontend → shop/api on 5000/TCP"), "{explain}");
    assert!(explain.contains("ingress rule 0, peer 0") && explain.contains("line 19"), "{explain}");

    // 1 matrix: one cell per ordered pair, as the engine's graph has them.
    let graph = value(api::graph(&file("multi-tier-policy.yaml"), &Value::Null));
    let nodes = graph["nodes"].as_array().expect("nodes").len();
    let edges = graph["edges"].as_array().expect("edges").len();
    let cells = js(
        &browser,
        "const r = document.querySelectorAll('kube-play')[1].shadowRoot;
         return [r.querySelectorAll('td.allow, td.some').length, r.querySelectorAll('td.deny').length, r.querySelectorAll('td.self').length];",
    )
    .await;
    assert_eq!(cells, json!([edges, nodes * nodes - nodes - edges, nodes]), "matrix cells against the engine's graph");

    // 2 traffic: an arrow per edge, a box per node.
    let drawn = js(
        &browser,
        "const r = document.querySelectorAll('kube-play')[2].shadowRoot;
         return [r.querySelectorAll('path.flow').length, r.querySelectorAll('g.node').length];",
    )
    .await;
    assert_eq!(drawn, json!([edges, nodes]));

    // 3 findings: the count the engine reports.
    let report = value(api::analyze(&file("sidecars.yaml")));
    let warnings =
        report["diagnostics"].as_array().into_iter().flatten().filter(|d| d["severity"] == "warning").count()
            + report["security"]["workloads"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|w| w["findings"].as_array().into_iter().flatten())
                .filter(|f| f["severity"] == "warning")
                .count();
    let findings = view_text(&browser, 3).await;
    assert!(findings.starts_with(&format!("{warnings} warnings")), "{warnings} warnings: {findings}");

    // 4 security, 5 resources, 6 scaling, 7 vpa, 8 resilience, 9 failover.
    let security = view_text(&browser, 4).await;
    assert!(security.contains("default/secure-app") && security.contains("allowPrivilegeEscalation"), "{security}");
    let admission = value(api::admit(&file("production-quota.yaml")));
    let refused =
        admission["objects"].as_array().expect("objects").iter().filter(|o| o["result"] != "admitted").count();
    let resources = view_text(&browser, 5).await;
    assert!(resources.contains(&format!("{refused} refused")), "{refused} refused: {resources}");
    assert!(resources.contains("exceeded quota: production-quota"), "{resources}");
    let hpa = value(api::hpa(&file("hpa.yaml")));
    let scaling = view_text(&browser, 6).await;
    assert!(scaling.contains(&format!("peak {} replicas", hpa["summary"]["peakReplicas"])), "{scaling}");
    let vpa = view_text(&browser, 7).await;
    assert!(vpa.contains("cpu 63m, memory 250Mi"), "{vpa}");
    let resilience = view_text(&browser, 8).await;
    assert!(resilience.contains("node-1") && resilience.contains("blocked"), "{resilience}");
    let failover = view_text(&browser, 9).await;
    assert!(failover.contains("east fails at t=60s") && failover.contains("150 rps unserved"), "{failover}");

    // Light and dark: the frames' backgrounds as the theme attribute says.
    let backgrounds = js(
        &browser,
        "return [0, 9].map(i => getComputedStyle(document.querySelectorAll('kube-play')[i].shadowRoot.querySelector('.frame')).backgroundColor);",
    )
    .await;
    assert_eq!(backgrounds, json!(["rgb(255, 255, 255)", "rgb(22, 26, 34)"]));

    // One engine for ten elements: one worker script, one wasm download.
    let requests = server.requests.lock().expect("requests").clone();
    let count = |suffix: &str| requests.iter().filter(|r| r.ends_with(suffix)).count();
    assert_eq!((count("/kube-play-worker.js"), count("/kubeplay_core_bg.wasm")), (1, 1), "{requests:?}");

    let path = browser.screenshot_to("docs-page-top").await;
    println!("screenshot: {}", path.display());
    browser.client.set_window_size(1200, 8000).await.expect("resize");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let path = browser.screenshot_to("docs-page-whole").await;
    println!("screenshot: {}", path.display());

    // Editing the YAML re-analyses: port 5000 → 5001 in the policy denies it.
    js(
        &browser,
        "const e = document.querySelectorAll('kube-play')[0];
         const details = e.shadowRoot.querySelector('details.source'); details.open = true;
         const editor = details.querySelector('textarea');
         window.typedInto = editor; editor.focus();
         editor.value = editor.value.replace('{port: 5000, protocol: TCP}', '{port: 5001, protocol: TCP}');
         editor.dispatchEvent(new Event('input'));",
    )
    .await;
    let denied = "document.querySelectorAll('kube-play')[0].shadowRoot.querySelector('.verdict.deny')";
    assert!(browser.wait_until(denied, WAIT).await, "the edited policy denies the connection");
    // The view was redrawn around the editor: the same textarea, still focused,
    // with the reader's text (what is typed during an analysis is never lost).
    let kept = js(
        &browser,
        "const root = document.querySelectorAll('kube-play')[0].shadowRoot;
         const editor = root.querySelector('textarea');
         return [editor === window.typedInto, root.activeElement === editor, editor.value.includes('port: 5001')];",
    )
    .await;
    assert_eq!(kept, json!([true, true, true]), "the editor survives the redraw with its focus and text");

    // Past 60 endpoints the graph and the matrix are drawn per namespace, as
    // the engine groups them: 80 pods in four namespaces, one of them isolated.
    let big = big_cluster();
    let namespaces = value(api::graph(&json!(big), &json!({"group": "namespace"})));
    let endpoints = value(api::graph(&json!(big), &Value::Null))["nodes"].as_array().expect("nodes").len();
    assert!(endpoints > 60, "{endpoints} endpoints");
    let groups = namespaces["nodes"].as_array().expect("nodes").len();
    browser
        .client
        .execute(
            "for (const view of ['traffic', 'matrix']) {
               const e = document.createElement('kube-play');
               e.id = `big-${view}`; e.setAttribute('view', view); e.setAttribute('readonly', '');
               e.textContent = arguments[0]; document.body.append(e);
             }",
            vec![json!(big)],
        )
        .await
        .expect("add two elements");
    let drawn = "['big-traffic', 'big-matrix'].every(id => document.getElementById(id)?.dataset.state === 'ready')";
    assert!(browser.wait_until(drawn, WAIT).await, "the large elements rendered");
    let grouped = browser
        .client
        .execute(
            "const t = document.getElementById('big-traffic').shadowRoot, m = document.getElementById('big-matrix').shadowRoot;
             return [t.querySelectorAll('g.node').length, m.querySelectorAll('td').length,
                     t.querySelector('.view').textContent.includes(`${arguments[0]} endpoints, too many to draw one by one`),
                     m.querySelector('caption').textContent.startsWith(`${arguments[0]} endpoints, drawn per namespace`)];",
            vec![json!(endpoints)],
        )
        .await
        .expect("the grouped views");
    assert_eq!(grouped, json!([groups, groups * groups, true, true]), "{groups} namespace nodes");

    // Attributes a view needs are named when missing or wrong, in the element.
    let refused = browser
        .client
        .execute(
            "for (const [id, attributes] of [['no-port', {view: 'explain', from: 'shop/a', to: 'shop/b'}],
                                             ['bad-port', {view: 'matrix', port: 'http'}],
                                             ['no-view', {view: 'pie'}]]) {
               const e = document.createElement('kube-play');
               e.id = id; for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, v);
               e.textContent = 'kind: Namespace\\napiVersion: v1\\nmetadata: {name: shop}\\n'; document.body.append(e);
             }",
            vec![],
        )
        .await;
    refused.expect("add three elements");
    let shown =
        "['no-port', 'bad-port', 'no-view'].every(id => document.getElementById(id)?.dataset.state === 'error')";
    assert!(browser.wait_until(shown, WAIT).await, "the three elements say what is wrong");
    let messages = js(
        &browser,
        "return ['no-port', 'bad-port', 'no-view'].map(id => document.getElementById(id).shadowRoot.querySelector('.error').textContent);",
    )
    .await;
    assert_eq!(
        messages,
        json!([
            "view=\"explain\" needs the attribute port (for example from=\"shop/web\" to=\"shop/db\" port=\"5432\")",
            "port=\"http\": expected a port number from 1 to 65535",
            "view=\"pie\": expected one of matrix, traffic, explain, findings, security, resources, scaling, vpa, resilience, failover",
        ])
    );

    let errors = browser.console_errors().await;
    assert!(errors.is_empty(), "console errors {errors:?}");
    let origin = server.url("");
    let foreign: Vec<String> = browser.loaded_urls().await.into_iter().filter(|u| !u.starts_with(&origin)).collect();
    assert!(foreign.is_empty(), "requests to other origins {foreign:?}");

    // "Open in playground": the playground opens on the element's text and view.
    let link =
        js(&browser, "return document.querySelectorAll('kube-play')[1].shadowRoot.querySelector('a.open').href;").await;
    let link = link.as_str().expect("a link").to_owned();
    assert!(link.starts_with(&server.url("/dist/#k1.")), "{link}");
    browser.client.goto(&link).await.expect("open the playground");
    let opened = "document.querySelector('.app[data-state=ready]') && \
                  document.querySelector('textarea.code').value.includes('name: multi-tier-policy') && \
                  document.querySelector('#tab-matrix[aria-selected=true]')";
    assert!(browser.wait_until(opened, WAIT).await, "the playground opened on the matrix of the same text");

    // A reader's next page of the same site, in the same browser: the files
    // come from its cache. Printed beside the first visit's figure, which is
    // the one held against the 300 ms target (docs/performance.md).
    browser.client.goto(&server.url("/examples/docs-page.html?again")).await.expect("open the docs page again");
    assert!(browser.wait_until(all_rendered, WAIT).await, "all ten elements rendered again");
    print_render_time(&browser, "next visit").await;
    let states = js(&browser, "return [...document.querySelectorAll('kube-play')].map(e => e.dataset.state);").await;
    assert_eq!(states, json!(vec!["ready"; 10]));
}
