//! Browser end-to-end: every training example renders its key results,
//! exercises are checked live, share links restore the view in a fresh browser,
//! embed mode hides the chrome, the tabs work from the keyboard, and no page logs
//! an error or requests another origin. Screenshots of every example and view
//! land in target/screenshots/ (look at them).

use std::time::Duration;

use fantoccini::Locator;
use fantoccini::key::Key;
use kubeplay_tests::browser::{
    Browser, StaticServer, assert_clean, browser_tests_enabled, dist_dir, open, retype, set_text, text_of,
};

const WAIT: Duration = Duration::from_secs(15);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn examples_render_their_results_and_exercises_update_live() {
    if !browser_tests_enabled("examples_render_their_results_and_exercises_update_live") {
        return;
    }
    let server = StaticServer::start(dist_dir()).await;
    let browser = Browser::start(1440, 900).await;

    // Resources: defaults from the LimitRange, quota usage, partial deployment, max violation.
    open(&browser, &server, "?example=production-quota&view=resources").await;
    let usage = text_of(&browser, "tr[data-resource='requests.cpu'] .numbers").await;
    assert_eq!(usage, "97 / 100");
    let web = text_of(&browser, ".decision[data-name='web-0']").await;
    assert!(
        web.contains("cpu 250m")
            && web.contains("cpu 500m")
            && web.contains("memory 256Mi")
            && web.contains("memory 512Mi"),
        "{web}"
    );
    let rejected = text_of(&browser, ".decision.rejected[data-name='api-24']").await;
    assert!(rejected.contains("exceeded quota: production-quota, requested: requests.cpu=4, used: requests.cpu=97, limited: requests.cpu=100"), "{rejected}");
    let batch = text_of(&browser, ".decision.rejected[data-name='batch-job']").await;
    assert!(batch.contains("maximum cpu usage per Container is 4, but limit is 5"), "{batch}");
    assert!(browser.client.find(Locator::Css(".decision.admitted[data-name='api-23']")).await.is_ok());
    browser.screenshot_to("example-production-quota-resources").await;
    assert_clean(&browser, &server, "production-quota").await;

    // Security: the training pod fails restricted on exactly three checks; the PSP rejects it.
    open(&browser, &server, "?example=restricted-psp&view=security").await;
    let pod = ".workload[data-id='default/secure-app']";
    assert_eq!(text_of(&browser, &format!("{pod} .pss[data-level='baseline']")).await, "baseline: pass");
    assert_eq!(text_of(&browser, &format!("{pod} .pss[data-level='restricted']")).await, "restricted: fail");
    let message = text_of(&browser, &format!("{pod} .pss-message")).await;
    assert!(
        message.starts_with("violates PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false"),
        "{message}"
    );
    let failures = text_of(&browser, &format!("{pod} .failures")).await;
    for id in ["allowPrivilegeEscalation", "capabilities_restricted", "seccompProfile_restricted"] {
        assert!(failures.contains(id), "{failures}");
    }
    let psp = text_of(&browser, &format!("{pod} .psp")).await;
    assert!(psp.contains("seccomp may not be set"), "{psp}");
    browser.screenshot_to("example-restricted-psp-security").await;
    assert_clean(&browser, &server, "restricted-psp").await;

    // Lessons: every example opens with its exercise unsolved; fixing the VPA solves it live.
    for id in ["multi-tier-policy", "sidecars", "hpa", "vpa"] {
        open(&browser, &server, &format!("?example={id}&view=lesson")).await;
        assert!(
            browser.wait_until("document.querySelector('[data-testid=goals] .goal')", WAIT).await,
            "{id} has goals"
        );
        assert!(browser.client.find(Locator::Css(".solved")).await.is_err(), "{id} starts unsolved");
        browser.screenshot_to(&format!("example-{id}-lesson")).await;
        assert_clean(&browser, &server, id).await;
    }
    let fixed = kubeplay_tests::solutions::solution("vpa").expect("a solution");
    retype(&browser, &fixed).await;
    assert!(
        browser.wait_until("document.querySelector('.goal.met') && document.querySelector('.solved')", WAIT).await,
        "the VPA exercise is solved live"
    );
    browser.screenshot_to("example-vpa-solved").await;

    // Findings on the multi-tier example, clicked through to the editor.
    open(&browser, &server, "?example=multi-tier-policy&view=findings").await;
    browser.screenshot_to("example-multi-tier-policy-findings").await;
    // A finding's rule id opens its card from the rule reference (core's tables).
    browser
        .client
        .find(Locator::Css(".diagnostic[data-code='root-filesystem-writable'] .rule-link"))
        .await
        .expect("rule link")
        .click()
        .await
        .expect("click");
    assert!(
        browser
            .wait_until(
                "(() => { const c = document.querySelector('[data-testid=rule-card]'); return c && c.textContent.includes('kube-score: container-security-context-readonlyrootfilesystem') && c.textContent.includes('accepted by the API server, but unwise'); })()",
                WAIT
            )
            .await,
        "the rule card opens with what the rule checks and the other tools' ids"
    );
    browser
        .client
        .execute("document.querySelector('[data-testid=rule-card]').scrollIntoView({block: 'center'});", vec![])
        .await
        .expect("scroll to the card");
    browser.screenshot_to("example-multi-tier-policy-rule-card").await;
    // Findings come from every analysis; each area can be hidden.
    for area in ["network policy", "security"] {
        assert!(
            browser.client.find(Locator::Css(&format!(".diagnostic[data-area='{area}']"))).await.is_ok(),
            "findings from {area}"
        );
    }
    browser
        .client
        .find(Locator::Css(".filter.area[data-area='security']"))
        .await
        .expect("filter")
        .click()
        .await
        .expect("click");
    assert!(
        browser
            .wait_until(
                "!document.querySelector(\".diagnostic[data-area='security']\") && document.querySelector(\".diagnostic[data-area='network policy']\")",
                WAIT
            )
            .await,
        "hiding security findings keeps the others"
    );
    assert_clean(&browser, &server, "findings").await;
    browser.client.clone().close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn share_link_restores_the_view_in_a_fresh_browser() {
    if !browser_tests_enabled("share_link_restores_the_view_in_a_fresh_browser") {
        return;
    }
    let server = StaticServer::start(dist_dir()).await;
    let first = Browser::start(1280, 800).await;
    open(&first, &server, "?example=hpa&view=lesson").await;
    let editor = first.client.find(Locator::Css("textarea.code")).await.expect("editor");
    editor.send_keys("# shared from a test\n").await.expect("type");
    first.client.find(Locator::Css("#tab-resources")).await.expect("tab").click().await.expect("click");
    first.client.find(Locator::Css("[data-testid=share]")).await.expect("share").click().await.expect("click");
    assert!(first.wait_until("document.querySelector('[data-testid=share-link]')", WAIT).await);
    let link = first
        .client
        .execute("return document.querySelector('[data-testid=share-link]').value;", vec![])
        .await
        .expect("link")
        .as_str()
        .expect("a string")
        .to_owned();
    assert!(link.contains("#k1."), "{link}");
    let text =
        first.client.execute("return document.querySelector('textarea.code').value;", vec![]).await.expect("text");
    first.client.clone().close().await.expect("close");
    drop(first);

    let second = Browser::start(1280, 800).await;
    second.client.goto(&link).await.expect("open the link");
    assert!(second.wait_until("document.querySelector('.tabs .tab')", WAIT).await);
    let restored =
        second.client.execute("return document.querySelector('textarea.code').value;", vec![]).await.expect("text");
    assert_eq!(restored, text);
    assert!(restored.as_str().expect("string").contains("# shared from a test"));
    let selected = text_of(&second, ".tab[aria-selected='true']").await;
    assert!(selected.starts_with("Resources"), "{selected}");
    second.screenshot_to("share-link-restored").await;
    assert_clean(&second, &server, "share link").await;
    second.client.clone().close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embed_mode_and_keyboard_navigation() {
    if !browser_tests_enabled("embed_mode_and_keyboard_navigation") {
        return;
    }
    let server = StaticServer::start(dist_dir()).await;
    let browser = Browser::start(900, 600).await;
    open(&browser, &server, "?example=production-quota&embed&readonly&view=findings").await;
    assert!(browser.client.find(Locator::Css(".topbar")).await.is_err(), "no chrome when embedded");
    let read_only = browser
        .client
        .execute("return document.querySelector('textarea.code').readOnly;", vec![])
        .await
        .expect("readOnly");
    assert_eq!(read_only, serde_json::json!(true));
    assert!(text_of(&browser, ".tab[aria-selected='true']").await.starts_with("Findings"));
    browser.screenshot_to("embed-readonly-findings").await;

    // Keyboard: focus the selected tab and walk every view with the arrow keys.
    let tab = browser.client.find(Locator::Css(".tab[aria-selected='true']")).await.expect("tab");
    tab.send_keys(&String::from(char::from(Key::Right))).await.expect("arrow");
    assert!(browser.wait_until("document.querySelector('#tab-resources[aria-selected=true]')", WAIT).await);
    assert!(
        browser.wait_until("document.activeElement && document.activeElement.id === 'tab-resources'", WAIT).await,
        "focus follows the selected tab"
    );
    let focused = browser.client.active_element().await.expect("focus");
    focused.send_keys(&String::from(char::from(Key::Right))).await.expect("arrow");
    assert!(browser.wait_until("document.querySelector('#tab-security[aria-selected=true]')", WAIT).await);
    let focused = browser.client.active_element().await.expect("focus");
    focused.send_keys(&String::from(char::from(Key::Home))).await.expect("home");
    assert!(browser.wait_until("document.querySelector('#tab-lesson[aria-selected=true]')", WAIT).await);
    assert!(browser.client.find(Locator::Css("#panel-lesson .lesson")).await.is_ok());
    assert_clean(&browser, &server, "embed").await;
    browser.client.clone().close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traffic_graph_matrix_and_explain_for_the_multi_tier_policy() {
    if !browser_tests_enabled("traffic_graph_matrix_and_explain_for_the_multi_tier_policy") {
        return;
    }
    let server = StaticServer::start(dist_dir()).await;
    let browser = Browser::start(1440, 900).await;
    // A first visit opens the multi-tier example on the traffic graph.
    open(&browser, &server, "").await;
    assert!(text_of(&browser, ".tab[aria-selected='true']").await.starts_with("Traffic"));
    let edge = |from: &str, to: &str| format!("g.edge.allowed[data-from='{from}'][data-to='{to}']");
    let (frontend, api, database, prometheus, coredns) = (
        "default/frontend[Deployment]",
        "default/api[Deployment]",
        "default/database[StatefulSet]",
        "monitoring/prometheus[Deployment]",
        "kube-system/coredns[Deployment]",
    );
    for (from, to) in [(frontend, api), (api, database), (api, coredns), (prometheus, frontend), (database, frontend)] {
        assert!(browser.client.find(Locator::Css(&edge(from, to))).await.is_ok(), "edge {from} -> {to}");
    }
    for (from, to) in [(database, api), (prometheus, api), (coredns, api)] {
        assert!(browser.client.find(Locator::Css(&edge(from, to))).await.is_err(), "no edge {from} -> {to}");
    }
    // The api's egress allows TCP 53 to every pod (`namespaceSelector: {}`), frontend included.
    let api_to_frontend = browser
        .client
        .execute(&format!("return document.querySelector(\"{} title\").textContent;", edge(api, frontend)), vec![])
        .await
        .expect("title");
    assert_eq!(api_to_frontend, serde_json::json!(format!("{api} → {frontend}: TCP 53")));
    let api_node = text_of(&browser, &format!("g.node[data-id='{api}']")).await;
    assert!(api_node.contains("Deployment ×3") && api_node.contains("ingress+egress isolated"), "{api_node}");
    browser.screenshot_to("example-multi-tier-policy-traffic").await;

    // Denied flows on demand.
    browser.client.find(Locator::Css("[data-testid=show-denied]")).await.expect("toggle").click().await.expect("click");
    assert!(
        browser
            .wait_until(
                &format!("document.querySelector(\"g.edge.denied[data-from='{prometheus}'][data-to='{api}']\")"),
                WAIT
            )
            .await
    );
    browser.screenshot_to("example-multi-tier-policy-traffic-denied").await;

    // Blast radius of the database: it reaches everything that accepts it.
    browser
        .client
        .find(Locator::Css(&format!("g.node[data-id='{database}']")))
        .await
        .expect("node")
        .click()
        .await
        .expect("click");
    assert!(browser.wait_until(&format!("document.querySelector(\"g.node.focus[data-id='{database}']\")"), WAIT).await);
    browser.screenshot_to("example-multi-tier-policy-blast-radius").await;

    // Explain an edge, then jump to the rule's lines.
    // Clicked through the DOM: WebDriver aims at a path's bounding-box centre, which a curve need not cover.
    browser
        .client
        .execute(
            &format!(
                "document.querySelector(\"{}\").dispatchEvent(new MouseEvent('click', {{bubbles: true}}));",
                edge(frontend, api)
            ),
            vec![],
        )
        .await
        .expect("click the edge");
    assert!(browser.wait_until("document.querySelector('[data-testid=explain]')", WAIT).await, "explain opens");
    let explanation = text_of(&browser, "[data-testid=explain]").await;
    assert!(
        explanation.contains("default/frontend[Deployment] → default/api[Deployment] on 5000/TCP: allowed"),
        "{explanation}"
    );
    assert!(explanation.contains("multi-tier-policy"), "{explanation}");
    let rule = browser.client.find(Locator::Css("[data-testid=explain] .rule")).await.expect("a rule");
    let rule_line: usize = rule.attr("data-line").await.expect("attr").expect("line").parse().expect("number");
    rule.click().await.expect("select the rule");
    assert!(
        browser
            .wait_until(&format!("document.querySelector(\".gutter-line.selected[data-line='{rule_line}']\")"), WAIT)
            .await,
        "the rule's lines are selected in the editor"
    );
    browser.screenshot_to("example-multi-tier-policy-explain").await;

    // The matrix at 5000/TCP: monitoring cannot reach the api; explain from a cell.
    browser.client.find(Locator::Css("#tab-matrix")).await.expect("tab").click().await.expect("click");
    assert!(browser.wait_until("document.querySelector('[data-testid=matrix]')", WAIT).await);
    let port = browser
        .client
        .execute("return document.querySelector('[data-testid=matrix-port]').value;", vec![])
        .await
        .expect("port");
    assert_eq!(port, serde_json::json!("5000"));
    let cell = format!("td button[data-from='{prometheus}'][data-to='{api}']");
    assert_eq!(text_of(&browser, &cell).await, "X");
    assert_eq!(text_of(&browser, &format!("td button[data-from='{frontend}'][data-to='{api}']")).await, ".");
    browser.client.find(Locator::Css(&cell)).await.expect("cell").click().await.expect("click");
    assert!(browser.wait_until("document.querySelector('[data-testid=explain] .verdict-denied')", WAIT).await);
    let denied = text_of(&browser, "[data-testid=explain]").await;
    assert!(denied.contains("denied"), "{denied}");
    browser.screenshot_to("example-multi-tier-policy-matrix").await;

    // The dark theme, chosen from the toolbar (light is the headless default).
    browser.client.find(Locator::Css("#tab-traffic")).await.expect("tab").click().await.expect("click");
    browser.client.find(Locator::Css("[data-testid=theme]")).await.expect("theme").click().await.expect("click");
    assert!(browser.wait_until("document.documentElement.dataset.theme === 'dark'", WAIT).await);
    let background = browser
        .client
        .execute("return getComputedStyle(document.body).backgroundColor;", vec![])
        .await
        .expect("background");
    assert_eq!(background, serde_json::json!("rgb(18, 21, 28)"));
    browser.screenshot_to("example-multi-tier-policy-traffic-dark").await;
    assert_clean(&browser, &server, "traffic").await;
    browser.client.clone().close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn how_do_i_allow_this_applies_a_verified_fix_and_the_edge_turns_green() {
    if !browser_tests_enabled("how_do_i_allow_this_applies_a_verified_fix_and_the_edge_turns_green") {
        return;
    }
    let server = StaticServer::start(dist_dir()).await;
    let browser = Browser::start(1440, 900).await;
    open(&browser, &server, "?example=multi-tier-policy&view=matrix").await;
    let (prometheus, api) = ("monitoring/prometheus[Deployment]", "default/api[Deployment]");
    // The training example: Prometheus is refused on 5000 (`name: monitoring` matches no namespace).
    let cell = format!("td button[data-from='{prometheus}'][data-to='{api}']");
    assert!(browser.wait_until(&format!("document.querySelector(\"{cell}\")"), WAIT).await, "the matrix");
    assert_eq!(text_of(&browser, &cell).await, "X");
    browser.client.find(Locator::Css(&cell)).await.expect("cell").click().await.expect("click");
    assert!(browser.wait_until("document.querySelector('[data-testid=explain] .verdict-denied')", WAIT).await);
    let ask = browser.client.find(Locator::Css("[data-testid=explain] .ask-fix")).await.expect("the question");
    assert_eq!(ask.text().await.expect("text"), "How do I allow this?");
    ask.click().await.expect("ask");
    assert!(
        browser.wait_until("document.querySelector('[data-testid=explain] .fix-option')", WAIT).await,
        "fixes listed"
    );
    // Labelling the namespace comes first (no side effects, one operation), not a wide-open rule.
    let first = browser.client.find(Locator::Css("[data-testid=explain] .fix-option")).await.expect("first fix");
    assert_eq!(first.attr("data-fix-kind").await.expect("attr").as_deref(), Some("add-label"));
    let first_text = first.text().await.expect("text");
    assert!(first_text.contains("Add a label to monitoring[Namespace]"), "{first_text}");
    assert!(first_text.contains("name: monitoring") && first_text.contains("No other flow on this port changes"));
    browser.screenshot_to("fix-multi-tier-policy-proposed").await;

    // Apply: the editor gains exactly the label, the flow is allowed and the graph draws the edge.
    let before = browser.client.execute("return document.querySelector('textarea.code').value;", vec![]).await;
    let before = before.expect("text").as_str().expect("string").to_owned();
    first.find(Locator::Css(".apply")).await.expect("apply").click().await.expect("click");
    assert!(
        browser.wait_until("document.querySelector('[data-testid=explain] .verdict-allowed')", WAIT).await,
        "the explanation turns to allowed"
    );
    let after = browser.client.execute("return document.querySelector('textarea.code').value;", vec![]).await;
    let after = after.expect("text").as_str().expect("string").to_owned();
    let added = "  labels:\n    name: monitoring\n";
    assert_eq!(after.replacen(added, "", 1), before, "only the label was added");
    assert!(after.contains(&format!("metadata:\n  name: monitoring\n{added}")));
    assert_eq!(text_of(&browser, &cell).await, ".");
    browser.screenshot_to("fix-multi-tier-policy-applied").await;
    browser
        .client
        .find(Locator::Css("[data-testid=explain] .close"))
        .await
        .expect("close")
        .click()
        .await
        .expect("click");
    browser.client.find(Locator::Css("#tab-traffic")).await.expect("tab").click().await.expect("click");
    let edge = format!("g.edge.allowed[data-from='{prometheus}'][data-to='{api}']");
    assert!(browser.wait_until(&format!("document.querySelector(\"{edge}\")"), WAIT).await, "the edge is drawn");
    browser.screenshot_to("fix-multi-tier-policy-traffic").await;
    assert_clean(&browser, &server, "fix").await;
    browser.client.clone().close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compare_mode_colours_and_lists_what_an_edit_changed() {
    if !browser_tests_enabled("compare_mode_colours_and_lists_what_an_edit_changed") {
        return;
    }
    let server = StaticServer::start(dist_dir()).await;
    let browser = Browser::start(1440, 900).await;
    open(&browser, &server, "?example=multi-tier-policy&view=traffic").await;
    let before = kubeplay_core::examples::example("multi-tier-policy").expect("example").yaml;
    let (frontend, prometheus, api) =
        ("default/frontend[Deployment]", "monitoring/prometheus[Deployment]", "default/api[Deployment]");
    // Keep this text as "before": nothing differs yet.
    browser.client.find(Locator::Css("[data-testid=compare]")).await.expect("compare").click().await.expect("click");
    browser
        .client
        .find(Locator::Css("[data-testid=compare-current]"))
        .await
        .expect("menu")
        .click()
        .await
        .expect("click");
    assert!(browser.wait_until("document.querySelector('[data-testid=comparison]')", WAIT).await, "comparing");
    assert!(text_of(&browser, "[data-testid=comparison]").await.contains("No flow differs"));

    // Label the monitoring namespace (Prometheus may now scrape the api) and drop the
    // frontend's peer entry (the frontend may no longer call it).
    let after = before
        .replacen("metadata:\n  name: monitoring\n", "metadata:\n  name: monitoring\n  labels: {name: monitoring}\n", 1)
        .replacen("    - podSelector:\n        matchLabels:\n          tier: frontend\n", "", 1);
    assert_ne!(after, before);
    set_text(&browser, &after).await;
    let row = |from: &str, to: &str, kind: &str| {
        format!("document.querySelector(\"li.change[data-kind={kind}][data-from='{from}'][data-to='{to}']\")")
    };
    assert!(browser.wait_until(&row(prometheus, api, "added"), WAIT).await, "prometheus → api added");
    assert!(browser.wait_until(&row(frontend, api, "removed"), WAIT).await, "frontend → api removed");
    let summary = text_of(&browser, ".compare-summary").await;
    assert!(summary.contains("removed") && summary.contains("added"), "{summary}");
    // On the graph: the new flow in green, the lost one drawn dashed although it is denied now.
    for (class, from) in [("diff-added", prometheus), ("diff-removed", frontend)] {
        let edge = format!("document.querySelector(\"g.edge.{class}[data-from='{from}'][data-to='{api}']\")");
        assert!(browser.wait_until(&edge, WAIT).await, "{class} edge from {from}");
    }
    // A change explains itself now and in the baseline.
    browser
        .client
        .find(Locator::Css(&format!("li.change[data-from='{prometheus}'][data-to='{api}'] button")))
        .await
        .expect("row")
        .click()
        .await
        .expect("click");
    assert!(browser.wait_until("document.querySelector('[data-testid=explain-before]')", WAIT).await);
    let explained = text_of(&browser, "[data-testid=explain]").await;
    assert!(explained.contains(&format!("{prometheus} → {api} on 5000/TCP: allowed")), "{explained}");
    assert!(explained.contains("In the baseline: denied — this change flips it"), "{explained}");
    browser.screenshot_to("compare-multi-tier-policy").await;

    // Stop, then compare with a pasted "before": the same changes.
    browser.client.find(Locator::Css("[data-testid=compare-stop]")).await.expect("stop").click().await.expect("click");
    assert!(browser.wait_until("!document.querySelector('[data-testid=comparison]')", WAIT).await);
    assert!(browser.wait_until("!document.querySelector('[data-testid=explain-before]')", WAIT).await);
    browser.client.find(Locator::Css("[data-testid=compare]")).await.expect("compare").click().await.expect("click");
    browser
        .client
        .execute(
            "const ta = document.querySelector('[data-testid=compare-paste]');
             ta.value = arguments[0]; ta.dispatchEvent(new InputEvent('input', {bubbles: true}));",
            vec![serde_json::json!(before)],
        )
        .await
        .expect("paste");
    browser.screenshot_to("compare-menu").await;
    browser
        .client
        .find(Locator::Css("[data-testid=compare-pasted]"))
        .await
        .expect("button")
        .click()
        .await
        .expect("click");
    assert!(browser.wait_until(&row(prometheus, api, "added"), WAIT).await, "pasted baseline compared");
    assert!(browser.wait_until(&row(frontend, api, "removed"), WAIT).await);
    assert_clean(&browser, &server, "compare").await;
    browser.client.clone().close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn policies_generated_for_picked_matrix_cells_replace_the_editors_own() {
    if !browser_tests_enabled("policies_generated_for_picked_matrix_cells_replace_the_editors_own") {
        return;
    }
    let server = StaticServer::start(dist_dir()).await;
    let browser = Browser::start(1440, 900).await;
    open(&browser, &server, "?example=multi-tier-policy&view=matrix").await;
    let (frontend, database, prometheus, api) = (
        "default/frontend[Deployment]",
        "default/database[StatefulSet]",
        "monitoring/prometheus[Deployment]",
        "default/api[Deployment]",
    );
    let cell = |from: &str, to: &str| format!("td button[data-from='{from}'][data-to='{to}']");
    assert!(browser.wait_until(&format!("document.querySelector(\"{}\")", cell(frontend, api)), WAIT).await);
    browser.client.find(Locator::Css("[data-testid=pick-flows]")).await.expect("toggle").click().await.expect("click");
    for from in [frontend, prometheus] {
        browser.client.find(Locator::Css(&cell(from, api))).await.expect("cell").click().await.expect("pick");
    }
    assert!(browser.wait_until("document.querySelectorAll('td.picked').length === 2", WAIT).await, "two picked");
    assert!(text_of(&browser, "[data-testid=generate]").await.contains("2 flows picked"));
    assert!(
        browser.wait_until("!document.querySelector('[data-testid=explain]')", WAIT).await,
        "picking explains nothing"
    );
    browser
        .client
        .find(Locator::Css("[data-testid=generate-run]"))
        .await
        .expect("button")
        .click()
        .await
        .expect("click");
    assert!(browser.wait_until("document.querySelector('[data-testid=generate-use]')", WAIT).await, "generated");
    let generated = text_of(&browser, "[data-testid=generated]").await;
    assert!(generated.contains("replace the editor's 1 NetworkPolicy"), "{generated}");
    assert!(generated.contains("kind: NetworkPolicy"), "{generated}");
    browser.screenshot_to("generate-multi-tier-policy").await;

    browser.client.find(Locator::Css("[data-testid=generate-use]")).await.expect("use").click().await.expect("click");
    // The editor now holds the generated policies instead of the example's, and the table is exactly the picks.
    assert!(
        browser
            .wait_until(
                "!document.querySelector('textarea.code').value.includes('name: multi-tier-policy') \
                 && document.querySelector('.app[data-state=ready]') && !document.querySelector('td.picked')",
                WAIT
            )
            .await,
        "the policies replaced"
    );
    for (from, want) in [(frontend, "."), (prometheus, "."), (database, "X")] {
        let selector = cell(from, api);
        assert!(
            browser
                .wait_until(&format!("document.querySelector(\"{selector}\")?.textContent === '{want}'"), WAIT)
                .await,
            "{from} → {api} shows {want}: {}",
            text_of(&browser, "[data-testid=matrix]").await
        );
    }
    browser.screenshot_to("generate-multi-tier-policy-applied").await;
    assert_clean(&browser, &server, "generate").await;
    browser.client.clone().close().await.expect("close");
}

/// A shop of twelve services in one namespace (Deployment + Service each), as a
/// public demo app is pasted; `policies` adds a default deny and the calls the
/// frontend and checkout make.
fn twelve_service_shop(policies: bool) -> String {
    const SERVICES: [&str; 12] = [
        "frontend",
        "cart",
        "catalog",
        "currency",
        "payment",
        "shipping",
        "email",
        "checkout",
        "recommend",
        "ads",
        "redis",
        "loadgen",
    ];
    let mut docs = vec!["apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n".to_owned()];
    for name in SERVICES {
        docs.push(format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: shop\nspec:\n  \
             selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n    \
             spec:\n      containers:\n      - name: server\n        image: example/{name}:1.0\n        \
             ports:\n        - containerPort: 8080\n"
        ));
        docs.push(format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: shop\nspec:\n  \
             selector: {{app: {name}}}\n  ports:\n  - port: 80\n    targetPort: 8080\n"
        ));
    }
    if policies {
        docs.push("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n".to_owned());
        for (from, to) in [
            ("frontend", "cart"),
            ("frontend", "catalog"),
            ("frontend", "checkout"),
            ("frontend", "ads"),
            ("frontend", "recommend"),
            ("frontend", "currency"),
            ("checkout", "payment"),
            ("checkout", "shipping"),
            ("checkout", "email"),
            ("checkout", "cart"),
            ("cart", "redis"),
            ("loadgen", "frontend"),
        ] {
            docs.push(format!(
                "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {from}-to-{to}\n  namespace: shop\n\
                 spec:\n  podSelector:\n    matchLabels: {{app: {to}}}\n  ingress:\n  - from:\n    - podSelector:\n        \
                 matchLabels: {{app: {from}}}\n    ports:\n    - port: 8080\n"
            ));
        }
    }
    docs.join("---\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_twelve_service_app_draws_legibly_before_and_after_policies() {
    if !browser_tests_enabled("a_twelve_service_app_draws_legibly_before_and_after_policies") {
        return;
    }
    let server = StaticServer::start(dist_dir()).await;
    let browser = Browser::start(1440, 900).await;
    open(&browser, &server, "?view=traffic").await;
    // No policies: every service reaches every other on every port. One open box, no curves.
    set_text(&browser, &twelve_service_shop(false)).await;
    assert!(browser.wait_until("document.querySelector('g.ns.open[data-namespace=shop]')", WAIT).await, "open");
    let drawn = "return document.querySelectorAll('g.edge.allowed').length;";
    assert_eq!(browser.client.execute(drawn, vec![]).await.expect("count"), serde_json::json!(0));
    // Labels stay readable: the graph is not shrunk below 70 % (a 13px label stays at least 9px).
    let scale = "const svg = document.querySelector('svg.graph'); \
                 return svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;";
    let scale = browser.client.execute(scale, vec![]).await.expect("scale").as_f64().expect("number");
    browser.screenshot_to("traffic-twelve-services-open").await;
    assert!(scale >= 0.7, "the graph is drawn at {scale:.2} of its size");
    browser.screenshot_to("traffic-twelve-services-open").await;

    // With a default deny and the calls the app makes: twelve curves, the box no longer open.
    set_text(&browser, &twelve_service_shop(true)).await;
    assert!(browser.wait_until("!document.querySelector('g.ns.open[data-namespace=shop]')", WAIT).await);
    let edge = "document.querySelector(\"g.edge.allowed[data-from='shop/frontend[Deployment]'][data-to='shop/cart[Deployment]']\")";
    assert!(browser.wait_until(edge, WAIT).await, "frontend → cart drawn");
    assert_eq!(browser.client.execute(drawn, vec![]).await.expect("count"), serde_json::json!(12));
    browser.screenshot_to("traffic-twelve-services-policies").await;
    assert_clean(&browser, &server, "twelve services").await;
    browser.client.clone().close().await.expect("close");
}

/// Builds, inside the page, `pods` pods in 20 namespaces (five per app, with
/// requests and limits) and `policies` policies each selecting one app and
/// admitting one tier on the named port, and pastes them into the editor. The
/// text is made in the browser: sending 3.7 MB through WebDriver was flaky.
const PASTE_GENERATED_CLUSTER: &str = "
    const [pods, policies] = arguments;
    const docs = [];
    for (let ns = 0; ns < 20; ns++) {
      docs.push(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns${ns}\n  labels:\n    env: e${ns % 3}\n`);
    }
    for (let i = 0; i < pods; i++) {
      docs.push(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod${i}\n  namespace: ns${i % 20}\n  labels:\n    app: app${Math.floor(i / 5)}\n    tier: t${i % 4}\nspec:\n  containers:\n  - name: main\n    image: nginx:1.27\n    ports:\n    - containerPort: 8080\n      name: http\n    resources:\n      requests: {cpu: 100m, memory: 64Mi}\n      limits: {cpu: 200m, memory: 128Mi}\n`);
    }
    const apps = Math.max(1, Math.floor(pods / 5));
    for (let p = 0; p < policies; p++) {
      docs.push(`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: np${p}\n  namespace: ns${p % 20}\nspec:\n  podSelector:\n    matchLabels:\n      app: app${(p * 7) % apps}\n  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          tier: t${p % 4}\n    ports:\n    - port: http\n`);
    }
    const area = document.querySelector('textarea.code');
    area.value = docs.join(`---\n`);
    area.dispatchEvent(new InputEvent('input', { bubbles: true }));
    return area.value.length;";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ten_thousand_pod_paste_is_analysed_in_the_worker_while_the_page_stays_responsive() {
    if !browser_tests_enabled("a_ten_thousand_pod_paste_is_analysed_in_the_worker_while_the_page_stays_responsive") {
        return;
    }
    let server = StaticServer::start(dist_dir()).await;
    let browser = Browser::start(1440, 900).await;
    open(&browser, &server, "?view=traffic").await;
    assert!(
        browser.client.find(Locator::Css(".app[data-analysis='worker']")).await.is_ok(),
        "analyses run in the Web Worker"
    );

    let pasted = browser
        .client
        .execute(PASTE_GENERATED_CLUSTER, vec![serde_json::json!(10_000), serde_json::json!(1_000)])
        .await
        .expect("paste");
    assert!(pasted.as_u64().is_some_and(|n| n > 3_000_000), "{pasted}");
    // Progress shows while the worker reads and checks...
    assert!(browser.wait_until("document.querySelector('[data-testid=progress]')", WAIT).await, "progress is shown");
    // ...and meanwhile the page answers: a tab switch happens while the analysis is still running.
    browser.client.find(Locator::Css("#tab-findings")).await.expect("tab").click().await.expect("click");
    assert!(
        browser
            .wait_until(
                "document.querySelector('#tab-findings[aria-selected=true]') && document.querySelector('[data-testid=progress]')",
                WAIT
            )
            .await,
        "the page stayed responsive during the analysis"
    );
    // Once it has faded in (quick analyses never show it).
    assert!(
        browser
            .wait_until("getComputedStyle(document.querySelector('[data-testid=progress]')).opacity === '1'", WAIT)
            .await
    );
    browser.screenshot_to("large-paste-progress").await;
    // The editor draws a window of lines, not all of them.
    let drawn = browser
        .client
        .execute("return document.querySelectorAll('.gutter-line').length;", vec![])
        .await
        .expect("count");
    assert!(drawn.as_u64().is_some_and(|n| n > 20 && n < 300), "gutter lines drawn: {drawn}");

    assert!(
        browser.wait_until("document.querySelector('.app[data-state=ready]')", Duration::from_secs(180)).await,
        "the analysis finished"
    );
    let elapsed = browser
        .client
        .execute("return document.querySelector('.app').dataset.elapsedMs;", vec![])
        .await
        .expect("elapsed");
    println!("10 000 pods × 1 000 policies analysed in the worker in {elapsed} ms");
    let steps =
        browser.client.execute("return document.querySelector('.app').dataset.stepMs;", vec![]).await.expect("steps");
    println!("per step (reading, each analysis stage, building the views), ms: {steps}");
    assert!(text_of(&browser, "#tab-traffic .count").await == "10000");
    assert!(text_of(&browser, "#tab-security .count").await == "10000");
    // Policies whose app lives in other namespaces select nothing where they are.
    let note = text_of(&browser, ".findings .note").await;
    assert!(note.starts_with("Showing 2000 of "), "{note}");
    let findings = text_of(&browser, "[data-testid=findings]").await;
    assert!(findings.contains("netpol-selects-nothing"), "{}", &findings[..findings.len().min(2000)]);
    browser.screenshot_to("large-paste-findings").await;

    browser.client.find(Locator::Css("#tab-traffic")).await.expect("tab").click().await.expect("click");
    assert!(browser.wait_until("document.querySelector('g.node[data-id^=\"ns0/\"]')", WAIT).await, "per namespace");
    assert_eq!(text_of(&browser, ".traffic .note").await, "Large input: one node per namespace.");
    browser.screenshot_to("large-paste-traffic").await;

    browser.client.find(Locator::Css("#tab-matrix")).await.expect("tab").click().await.expect("click");
    assert!(browser.wait_until("document.querySelector('.matrix .note:not(:empty)')", WAIT).await);
    assert!(
        browser
            .wait_until("[...document.querySelectorAll('.matrix p.note')].some(p => p.textContent.startsWith('10000 endpoints: too many'))", WAIT)
            .await,
        "the matrix says it is too large to draw"
    );
    browser.client.find(Locator::Css("#tab-security")).await.expect("tab").click().await.expect("click");
    assert!(browser.wait_until("document.querySelectorAll('.workload').length === 200", WAIT).await);
    browser.screenshot_to("large-paste-security").await;
    assert_clean(&browser, &server, "large paste").await;
    browser.client.clone().close().await.expect("close");
}

/// Appends a bare pod to the editor (as typing would), then waits frame by
/// frame until the page shows an analysis that counts it; answers
/// `[milliseconds from the edit to that frame, the new count]`.
const EDIT_AND_TIME_THE_FRAME: &str = r"
    const [before, done] = arguments;
    const area = document.querySelector('textarea.code');
    area.value = area.value.replace(/\n*$/, '\n') + '---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: edit-probe\n  namespace: default\nspec:\n  containers:\n  - name: c\n    image: nginx\n';
    const start = performance.now();
    area.dispatchEvent(new InputEvent('input', { bubbles: true }));
    const count = () => Number(document.querySelector('#tab-security .count')?.textContent);
    const look = () => {
      if (document.querySelector('.app[data-state=ready]') && count() !== before) {
        done([performance.now() - start, count()]);
      } else {
        requestAnimationFrame(look);
      }
    };
    requestAnimationFrame(look);";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_is_analysed_and_drawn_at_once_on_every_training_example() {
    if !browser_tests_enabled("an_edit_is_analysed_and_drawn_at_once_on_every_training_example") {
        return;
    }
    let server = StaticServer::start(dist_dir()).await;
    let browser = Browser::start(1440, 900).await;
    let mut figures = Vec::new();
    for example in kubeplay_core::examples::EXAMPLES {
        open(&browser, &server, &format!("?example={}&view=security", example.id)).await;
        let before: u64 = text_of(&browser, "#tab-security .count").await.parse().expect("a count");
        let answer = browser
            .client
            .execute_async(EDIT_AND_TIME_THE_FRAME, vec![serde_json::json!(before)])
            .await
            .expect("the edit is analysed");
        let (ms, after) = (answer[0].as_f64().expect("ms"), answer[1].as_u64().expect("count"));
        // A pod with no security context fails restricted: the count reflects the edit.
        assert_eq!(after, before + 1, "{}", example.id);
        assert!(
            browser.client.find(Locator::Css(".workload[data-id='default/edit-probe']")).await.is_ok(),
            "{}: the edited pod is drawn",
            example.id
        );
        figures.push(format!("{} {ms:.0} ms", example.id));
    }
    println!("edit to frame: {}", figures.join(", "));
    assert_clean(&browser, &server, "edits").await;
    browser.client.clone().close().await.expect("close");
}
