//! Browser end-to-end for the Resilience tab: the chaos-engineering and the
//! multi-region examples played back, their exercises solved by editing the
//! YAML (unsolved at the start, solved after), one fault from the palette
//! written into the `ChaosScenario` in the editor, the timeline played with its
//! frame times measured and printed (behaviour asserted, not time), and the view
//! mid-failover in light, dark and at phone width. Screenshots land in
//! target/screenshots/ (look at them).

use std::time::Duration;

use fantoccini::Locator;
use kubeplay_tests::browser::{
    Browser, StaticServer, assert_clean, browser_tests_enabled, dist_dir, goals, open, set_text, text_of,
};
use kubeplay_tests::solutions::solution;

const WAIT: Duration = Duration::from_secs(30);

async fn editor_text(browser: &Browser) -> String {
    let value = browser.client.execute("return document.querySelector('textarea.code').value;", vec![]).await;
    value.expect("editor text").as_str().unwrap_or_default().to_owned()
}

async fn click(browser: &Browser, css: &str) {
    browser.client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("{css}")).click().await.expect("click");
}

/// Opens an example's lesson, checks its goals at the start, applies the shared fix and waits until solved.
async fn solve(browser: &Browser, server: &StaticServer, id: &str, start: &[bool]) {
    open(browser, server, &format!("?example={id}&view=lesson")).await;
    assert!(browser.wait_until("document.querySelectorAll('.goals .goal').length > 0", WAIT).await, "{id}: goals");
    assert_eq!(goals(browser).await, start, "{id} as written");
    assert!(!browser.wait_until("document.querySelector('.solved')", Duration::from_millis(200)).await);
    set_text(browser, &solution(id).expect("a solution")).await;
    assert!(
        browser.wait_until("document.querySelector('.solved')", WAIT).await,
        "{id} solved live: {:?}",
        goals(browser).await
    );
}

/// Moves the timeline to the first instant at or after `t` (one instant per call, so the page redraws in between).
async fn seek(browser: &Browser, t: i64) {
    let last = browser
        .client
        .execute("return Number(document.querySelector('.scrubber').max);", vec![])
        .await
        .expect("instants")
        .as_i64()
        .unwrap_or(0);
    for i in 0..=last {
        let shown = browser
            .client
            .execute(
                "const s = document.querySelector('.scrubber'); s.value = String(arguments[0]);
                 s.dispatchEvent(new Event('input', {bubbles: true}));
                 return Number(document.querySelector('.resilience').dataset.t);",
                vec![serde_json::json!(i)],
            )
            .await
            .expect("seek");
        let _ = shown;
        let now = browser
            .client
            .execute("return Number(document.querySelector('.resilience').dataset.t);", vec![])
            .await
            .expect("t")
            .as_i64()
            .unwrap_or(i64::MIN);
        if now >= t {
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_resilience_lab_plays_the_material_and_its_exercises_are_solved_live() {
    if !browser_tests_enabled("the_resilience_lab_plays_the_material_and_its_exercises_are_solved_live") {
        return;
    }
    let server = StaticServer::start(dist_dir()).await;
    let browser = Browser::start(1440, 900).await;

    // Chaos engineering as written: the drain blocks on the budget, the console says why.
    open(&browser, &server, "?example=chaos-engineering&view=resilience").await;
    assert!(browser.wait_until("document.querySelector('.resilience-map .pod')", WAIT).await);
    browser.screenshot_to("resilience-chaos-at-rest").await;
    seek(&browser, 150).await;
    let console = text_of(&browser, ".console").await;
    assert!(console.contains("kubectl drain node-1 --ignore-daemonsets"), "{console}");
    assert!(console.contains("Cannot evict pod as it would violate the pod's disruption budget"), "{console}");
    seek(&browser, 200).await;
    let gauge = browser
        .client
        .execute("return document.querySelector('[data-pdb=\"shop/web-east\"]').dataset.allowed;", vec![])
        .await
        .expect("gauge");
    assert_eq!(gauge, serde_json::json!("0"), "minAvailable 3 of 3 allows no disruption");
    assert!(text_of(&browser, ".alerts").await.contains("never fires"));

    // The timeline played at 60× from rest to the end; frame times from requestAnimationFrame.
    browser
        .client
        .execute(
            "const s = document.querySelector('.speed'); s.value = '60'; s.dispatchEvent(new Event('change', {bubbles: true}));
             const r = document.querySelector('.scrubber'); r.value = '0'; r.dispatchEvent(new Event('input', {bubbles: true}));
             window.frameTimes = []; window.frameTs = [];
             let last = performance.now();
             const tick = (now) => { window.frameTimes.push(now - last); window.frameTs.push(Number(document.querySelector('.resilience').dataset.t)); last = now; if (window.frameTimes.length < 100000) requestAnimationFrame(tick); };
             requestAnimationFrame(tick);",
            vec![],
        )
        .await
        .expect("start measuring");
    click(&browser, "[data-action=play]").await;
    assert!(browser.wait_until("document.querySelector('.resilience').dataset.playing === 'true'", WAIT).await);
    assert!(
        browser
            .wait_until("document.querySelector('.resilience').dataset.playing === 'false'", Duration::from_secs(40))
            .await,
        "the run plays to its end"
    );
    // The last state and `playing = false` render together; the frame sampler
    // records it at the next animation frame, which the poll above can beat.
    assert!(
        browser
            .wait_until("window.frameTs.length > 0 && window.frameTs[window.frameTs.length - 1] === 600", WAIT)
            .await,
        "a frame shows the horizon"
    );
    let measured = browser
        .client
        .execute("const f = window.frameTimes.slice(2); window.frameTimes = [1e9]; return [f, window.frameTs];", vec![])
        .await
        .expect("frame times");
    let mut times: Vec<f64> = measured[0].as_array().expect("times").iter().filter_map(|v| v.as_f64()).collect();
    let seen: Vec<i64> = measured[1].as_array().expect("ts").iter().filter_map(|v| v.as_i64()).collect();
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "time only moves forward while playing");
    assert!(seen.first().is_some_and(|t| *t <= 0) && seen.last() == Some(&600), "from rest to the horizon: {seen:?}");
    times.sort_by(f64::total_cmp);
    let pick = |q: f64| times.get(((times.len() as f64 - 1.0) * q) as usize).copied().unwrap_or(f64::NAN);
    println!(
        "resilience playback (chaos-engineering, 60x, 600 s): {} frames, frame time median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        times.len(),
        pick(0.5),
        pick(0.95),
        pick(1.0)
    );
    assert!(times.len() > 30, "frames were drawn while playing");
    assert_eq!(text_of(&browser, ".clock").await, "t = 10m");

    // The fault palette writes a step into the ChaosScenario in the editor.
    seek(&browser, 30).await;
    let before = editor_text(&browser).await;
    click(&browser, "[data-fault=fail-node]").await;
    browser
        .client
        .execute(
            "const s = document.querySelector('.fault-target select'); s.value = 'node-3'; s.dispatchEvent(new Event('change', {bubbles: true}));",
            vec![],
        )
        .await
        .expect("choose node-3");
    click(&browser, "[data-action=add-fault]").await;
    assert!(browser.wait_until("document.querySelector('textarea.code').value.includes('NodeFailure')", WAIT).await);
    let after = editor_text(&browser).await;
    assert_ne!(before, after);
    assert_eq!(after.matches("kind: ChaosScenario").count(), 1, "the scenario is rewritten, not added");
    assert!(after.contains("  - {at: 30, action: NodeFailure, node: node-3}\n"), "{after}");
    assert!(
        after.contains(
            "  - {at: 30, action: KillPod, labelSelector: {matchLabels: {app: web}}, namespace: shop, seed: 1}\n"
        ),
        "{after}"
    );
    assert!(browser.wait_until("document.querySelector('.app[data-state=ready]')", WAIT).await);
    assert!(browser.wait_until("document.querySelector('[data-node=\"node-3\"]')", WAIT).await);
    seek(&browser, 30).await;
    assert!(
        browser.wait_until("document.querySelector('[data-node=\"node-3\"]').classList.contains('down')", WAIT).await,
        "the map shows the new fault"
    );
    assert_clean(&browser, &server, "resilience palette").await;

    // The exercises, solved by editing the text.
    solve(&browser, &server, "chaos-engineering", &[false, true, false, false]).await;
    solve(&browser, &server, "multi-region-proxy", &[false, false]).await;
    solve(&browser, &server, "multi-region-dns", &[false, true, true]).await;
    solve(&browser, &server, "multi-region-mesh", &[false, true]).await;
    assert_clean(&browser, &server, "resilience exercises").await;

    // The material's failover story mid-failover: west at 150 %, 5 endpoints needed.
    open(&browser, &server, "?example=multi-region-proxy&view=resilience").await;
    assert!(browser.wait_until("document.querySelector('.resilience-map .pod')", WAIT).await);
    let story = text_of(&browser, ".story").await;
    assert!(story.contains("east fails at 60s"), "{story}");
    assert!(story.contains("detected at 70s (+10s)"), "{story}");
    assert!(story.contains("survivor load 150 %"), "{story}");
    assert!(story.contains("west needs 5 endpoints"), "{story}");
    seek(&browser, 70).await;
    assert!(browser.wait_until("document.querySelector('[data-region=west].over')", WAIT).await, "west overloaded");
    let west = text_of(&browser, ".resilience-map [data-region=west] .region-load").await;
    assert_eq!(west, "450 / 300 rps · 150 %");
    browser
        .client
        .execute("document.querySelector('.resilience-head').scrollIntoView();", vec![])
        .await
        .expect("scroll");
    browser.screenshot_to("resilience-failover-light").await;
    click(&browser, "[data-testid=theme]").await;
    assert!(browser.wait_until("document.documentElement.dataset.theme === 'dark'", WAIT).await);
    browser.screenshot_to("resilience-failover-dark").await;
    browser
        .client
        .execute("document.querySelector('.resilience-panels').scrollIntoView();", vec![])
        .await
        .expect("scroll");
    browser.screenshot_to("resilience-panels-dark").await;
    assert_clean(&browser, &server, "resilience mid-failover").await;
    browser.client.clone().close().await.expect("close");

    let phone = Browser::start(390, 844).await;
    open(&phone, &server, "?example=chaos-engineering&view=resilience").await;
    assert!(phone.wait_until("document.querySelector('.resilience-map .pod')", WAIT).await);
    seek(&phone, 310).await;
    let fits = phone
        .client
        .execute("const r = document.querySelector('.resilience'); return r.scrollWidth <= r.clientWidth + 1;", vec![])
        .await
        .expect("width");
    assert_eq!(fits, serde_json::json!(true), "the view fits a phone's width");
    phone.client.execute("document.querySelector('.timeline').scrollIntoView();", vec![]).await.expect("scroll");
    phone.screenshot_to("resilience-failover-phone").await;
    assert_clean(&phone, &server, "resilience on a phone").await;
    phone.client.clone().close().await.expect("close");
}
