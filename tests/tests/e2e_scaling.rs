//! Browser end-to-end for the Scaling tab: the hpa example's simulation drawn as a
//! timeline, its exercise solved by editing the YAML, presets and sliders that
//! rewrite the `HPASimulation` in the editor (timed: a slider change to the
//! redrawn chart), in light, dark and at phone width. Screenshots land in
//! target/screenshots/ (look at them).

use std::time::Duration;

use fantoccini::Locator;
use kubeplay_tests::browser::{
    Browser, StaticServer, assert_clean, browser_tests_enabled, dist_dir, open, open_tab, retype, text_of,
};
use kubeplay_tests::solutions::solution;

const WAIT: Duration = Duration::from_secs(20);

async fn editor_text(browser: &Browser) -> String {
    let value = browser.client.execute("return document.querySelector('textarea.code').value;", vec![]).await;
    value.expect("editor text").as_str().unwrap_or_default().to_owned()
}

/// Moves the "peak load" slider to `arguments[0]` at the start of an animation frame, as
/// a dragged slider's input arrives (Chrome aligns pointer moves with frames), and resolves
/// with: the time from the input event to the chart's redraw in the DOM (a
/// MutationObserver sees the claims under it change), what it was drawn from (`preview` or
/// `analysis`), when the next frame's callbacks ran after the input's frame began (about one
/// frame interval when the redraw, style, layout and paint fitted in the input's frame;
/// later when frames were dropped), the time to the first frame drawn from the whole analysis of
/// the same text, the part of the redraw spent making the preview (loading and simulating;
/// `data-preview-ms`, NaN when the worker made it), and the frame interval.
const MOVE_THE_SLIDER_AND_TIME_THE_FRAMES: &str = "
    const [value, done] = arguments;
    const scaling = document.querySelector('.scaling');
    const before = document.querySelector('.claims').textContent;
    const slider = document.querySelector('.slider input[aria-label=\"peak load\"]');
    let start = null, frameStart = null, interval = null, redrawn = null, framed = null;
    const observer = new MutationObserver(() => {
      if (redrawn === null && document.querySelector('.claims')?.textContent !== before) {
        redrawn = [performance.now() - start, document.querySelector('.scaling').dataset.drawnFrom,
                   Number(document.querySelector('.app').dataset.previewMs ?? 'NaN')];
      }
    });
    observer.observe(scaling, { subtree: true, childList: true, characterData: true, attributes: true });
    // A frame's own timestamp is when it was due, not when it ran: the clock is read.
    const look = () => {
      if (redrawn !== null && framed === null) framed = performance.now() - frameStart;
      const fromAnalysis = document.querySelector('.scaling')?.dataset.drawnFrom === 'analysis';
      if (framed !== null && fromAnalysis && document.querySelector('.app[data-state=ready]')) {
        observer.disconnect();
        done([redrawn[0], redrawn[1], framed, performance.now() - start, redrawn[2], interval]);
      } else {
        requestAnimationFrame(look);
      }
    };
    requestAnimationFrame((previous) => requestAnimationFrame((frame) => {
      interval = frame - previous;
      frameStart = frame;
      start = performance.now();
      slider.value = value;
      slider.dispatchEvent(new Event('input', { bubbles: true }));
      requestAnimationFrame(look);
    }));";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hpa_timeline_is_drawn_and_its_exercise_is_solved_live() {
    if !browser_tests_enabled("the_hpa_timeline_is_drawn_and_its_exercise_is_solved_live") {
        return;
    }
    let server = StaticServer::start(dist_dir()).await;
    let browser = Browser::start(1440, 900).await;
    open(&browser, &server, "?example=hpa&view=scaling").await;
    assert!(browser.wait_until("document.querySelector('.hpa-chart path.series.replicas')", WAIT).await);

    // As written: 3 → 6 → 10 within 15 s of the spike (the legacy cap), and never back down,
    // because the memory metric cannot be computed.
    let head = text_of(&browser, ".scaling-head").await;
    assert!(head.contains("default/api-hpa → default/api[Deployment]"), "{head}");
    assert!(head.contains("no behavior: the legacy path"), "{head}");
    let claims = text_of(&browser, ".claims").await;
    assert!(claims.contains("HPA scales up 1–4 pods per minute"), "{claims}");
    assert!(claims.contains("Largest increase within one minute: +7 replicas."), "{claims}");
    assert!(claims.contains("no pod was removed before the run ended"), "{claims}");
    assert!(claims.contains("Reached maxReplicas (10) at 75s."), "{claims}");
    // The last reconcile's numbers, and the condition that held it: the invalid memory metric.
    let detail = text_of(&browser, ".step-detail").await;
    assert!(detail.contains("missing request for memory in container api"), "{detail}");
    assert!(detail.contains("FailedGetResourceMetric"), "{detail}");
    assert_eq!(
        browser.client.find_all(Locator::Css(".hpa-chart svg.metric")).await.expect("metric charts").len(),
        2,
        "one chart per metric"
    );
    browser.screenshot_to("scaling-hpa-as-written").await;
    assert_clean(&browser, &server, "scaling").await;

    // The exercise: a memory request, then the material's 4 pods per minute as a behavior.
    let solved = solution("hpa").expect("a solution");
    retype(&browser, &solved).await;
    assert!(
        browser
            .wait_until(
                "document.querySelector('.claims') && document.querySelector('.claims').textContent.includes('+4 replicas')",
                WAIT
            )
            .await,
        "the chart follows the edit"
    );
    let claims = text_of(&browser, ".claims").await;
    assert!(claims.contains("Reached maxReplicas (10) at 2m."), "{claims}");
    assert!(claims.contains("the first pod was removed at 10m45s"), "{claims}");
    let head = text_of(&browser, ".scaling-head").await;
    assert!(head.contains("scale up: stabilization window 0 s; Max of [4 pods per 60 s]"), "{head}");
    browser.screenshot_to("scaling-hpa-solved").await;
    open_tab(&browser, "lesson").await;
    assert!(browser.wait_until("document.querySelector('.solved')", WAIT).await, "the exercise is solved live");
    browser.screenshot_to("scaling-hpa-lesson-solved").await;

    // A preset rewrites the HPASimulation in the editor; the CLI would read the same text.
    open_tab(&browser, "scaling").await;
    assert!(browser.wait_until("document.querySelector('[data-preset=ramp]')", WAIT).await);
    browser.client.find(Locator::Css("[data-preset=ramp]")).await.expect("preset").click().await.expect("click");
    assert!(browser.wait_until("document.querySelector('textarea.code').value.includes('name: ramp')", WAIT).await);
    let text = editor_text(&browser).await;
    assert_eq!(text.matches("kind: HPASimulation").count(), 1, "the simulation is replaced, not added");
    assert!(text.contains("  - metric: cpu\n    total: [{at: 0s, value: \""), "{text}");
    assert!(browser.wait_until("document.querySelector('.app[data-state=ready]')", WAIT).await);

    // Slider changes, timed in the page from the input event to the chart redrawn in the DOM
    // and to the next frame (one frame interval when nothing was dropped), then to the frame
    // drawn from the whole analysis
    // of the same text (printed; not asserted: timing belongs to benchmarks, the figures go
    // into docs/performance.md). The first change runs code the page had not run yet.
    let before = text_of(&browser, ".claims").await;
    for (i, value) in ["5", "1.5", "4", "2"].into_iter().enumerate() {
        let answer = browser
            .client
            .execute_async(MOVE_THE_SLIDER_AND_TIME_THE_FRAMES, vec![serde_json::json!(value)])
            .await
            .expect("the slider redraws the chart");
        let number = |i: usize| answer[i].as_f64().expect("ms");
        println!(
            "slider change {}: chart redrawn {:.1} ms after the input (drawn from the {}, {} ms of it making the preview); \
             the next frame began {:.1} ms after the input's frame (frame interval {:.1} ms); the whole analysis drawn {:.1} ms",
            i + 1,
            number(0),
            answer[1].as_str().expect("drawn from"),
            answer[4].as_f64().map_or("?".to_owned(), |ms| format!("{ms:.1}")),
            number(2),
            number(5),
            number(3)
        );
        if i == 0 {
            let after = text_of(&browser, ".claims").await;
            assert_ne!(before, after, "a 5× peak changes the run");
        }
    }
    // The chart ends drawn from the analysis of the text the slider wrote.
    assert!(browser.wait_until("document.querySelector('.scaling[data-drawn-from=analysis]')", WAIT).await);
    assert!(editor_text(&browser).await.contains("name: ramp"), "the slider keeps the preset");

    // Dark theme and phone width.
    browser.client.find(Locator::Css("[data-testid=theme]")).await.expect("theme").click().await.expect("click");
    assert!(browser.wait_until("document.documentElement.dataset.theme === 'dark'", WAIT).await);
    browser.screenshot_to("scaling-hpa-dark").await;
    assert_clean(&browser, &server, "scaling after edits").await;
    browser.client.clone().close().await.expect("close");

    let phone = Browser::start(390, 844).await;
    open(&phone, &server, "?example=hpa&view=scaling").await;
    assert!(phone.wait_until("document.querySelector('.hpa-chart path.series.replicas')", WAIT).await);
    let overflow = phone
        .client
        .execute("return document.querySelector('.hpa-chart').scrollWidth <= document.querySelector('.hpa-chart').clientWidth + 1;", vec![])
        .await
        .expect("width");
    assert_eq!(overflow, serde_json::json!(true), "the chart fits a phone's width");
    phone.client.execute("document.querySelector('.hpa-chart').scrollIntoView();", vec![]).await.expect("scroll");
    phone.screenshot_to("scaling-hpa-phone").await;
    assert_clean(&phone, &server, "scaling on a phone").await;
    phone.client.clone().close().await.expect("close");
}

/// The vpa example's panel: the material's 45m / 180Mi of usage as a histogram with
/// the 63m / 250Mi target, the refused mode, the updater's verdicts; the lesson's
/// exercise solved by editing the VPA; light, dark and phone width.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_vpa_panel_shows_the_recommendation_and_its_exercise_is_solved_live() {
    if !browser_tests_enabled("the_vpa_panel_shows_the_recommendation_and_its_exercise_is_solved_live") {
        return;
    }
    let server = StaticServer::start(dist_dir()).await;
    let browser = Browser::start(1440, 900).await;
    open(&browser, &server, "?example=vpa&view=scaling").await;
    assert!(browser.wait_until("document.querySelector('.vpa-panel .usage-chart rect.bucket')", WAIT).await);
    let panel = text_of(&browser, ".vpa-panel").await;
    assert!(panel.contains("default/api-vpa → Deployment/api"), "{panel}");
    assert!(panel.contains("updateMode \"auto\" is refused by the CRD"), "{panel}");
    let cpu = text_of(&browser, ".vpa-bounds tr[data-resource=cpu]").await;
    assert!(cpu.contains("100m") && cpu.contains("63m"), "{cpu}");
    let memory = text_of(&browser, ".vpa-bounds tr[data-resource=memory]").await;
    assert!(memory.contains("256Mi") && memory.contains("250Mi"), "{memory}");
    let reading = text_of(&browser, ".vpa-reading").await;
    assert!(reading.contains("the target is 63m — below today's request of 100m: lower it"), "{reading}");
    assert_eq!(
        browser.client.find_all(Locator::Css(".vpa-panel .usage-chart")).await.expect("charts").len(),
        2,
        "a histogram for CPU and one for memory"
    );
    let pods = text_of(&browser, ".vpa-pods").await;
    assert!(pods.contains("api-0") && pods.contains("not one the CRD accepts"), "{pods}");
    // No HPASimulation in this example: the HPA part says so and offers one.
    assert!(browser.client.find(Locator::Css("[data-action=add-simulation]")).await.is_ok());
    browser.client.execute("document.querySelector('.vpa-panel').scrollIntoView();", vec![]).await.expect("scroll");
    browser.screenshot_to("scaling-vpa-as-written").await;
    assert_clean(&browser, &server, "vpa panel").await;

    // The exercise: a valid mode, and CPU left to the HPA (memory only).
    let solved = solution("vpa").expect("a solution");
    retype(&browser, &solved).await;
    assert!(
        browser
            .wait_until(
                "!document.querySelector('.vpa-panel .mode.invalid') && document.querySelector('.vpa-panel .mode')",
                WAIT
            )
            .await,
        "the panel follows the edit"
    );
    // Typing the whole text leaves the textarea scrolled to its end: the gutter and the
    // highlight layer follow it, so line numbers and underlines sit beside their lines.
    let aligned = browser
        .client
        .execute(
            "const a = document.querySelector('textarea.code');
             return [a.scrollTop > 0, document.querySelector('.gutter').scrollTop === a.scrollTop,
                     document.querySelector('pre.highlight').scrollTop === a.scrollTop];",
            vec![],
        )
        .await
        .expect("scroll positions");
    assert_eq!(aligned, serde_json::json!([true, true, true]), "gutter and layer follow the textarea");
    // Memory only: admission writes the 250Mi target and leaves the CPU request alone.
    let pods = text_of(&browser, ".vpa-pods").await;
    assert!(pods.contains("api: cpu 100m, memory 250Mi"), "{pods}");
    browser.screenshot_to("scaling-vpa-solved").await;
    open_tab(&browser, "lesson").await;
    assert!(browser.wait_until("document.querySelector('.solved')", WAIT).await, "the exercise is solved live");
    browser.screenshot_to("scaling-vpa-lesson-solved").await;

    open_tab(&browser, "scaling").await;
    browser.client.find(Locator::Css("[data-testid=theme]")).await.expect("theme").click().await.expect("click");
    assert!(browser.wait_until("document.documentElement.dataset.theme === 'dark'", WAIT).await);
    assert!(browser.wait_until("document.querySelector('.vpa-panel')", WAIT).await);
    browser.client.execute("document.querySelector('.vpa-panel').scrollIntoView();", vec![]).await.expect("scroll");
    browser.screenshot_to("scaling-vpa-dark").await;
    assert_clean(&browser, &server, "vpa after edits").await;
    browser.client.clone().close().await.expect("close");

    let phone = Browser::start(390, 844).await;
    open(&phone, &server, "?example=vpa&view=scaling").await;
    assert!(phone.wait_until("document.querySelector('.vpa-panel .usage-chart rect.bucket')", WAIT).await);
    let fits = phone
        .client
        .execute("const p = document.querySelector('.vpa-panel'); return p.scrollWidth <= p.clientWidth + 1;", vec![])
        .await
        .expect("width");
    assert_eq!(fits, serde_json::json!(true), "the panel fits a phone's width");
    phone.client.execute("document.querySelector('.vpa-panel').scrollIntoView();", vec![]).await.expect("scroll");
    phone.screenshot_to("scaling-vpa-phone").await;
    assert_clean(&phone, &server, "vpa on a phone").await;
    phone.client.clone().close().await.expect("close");
}
