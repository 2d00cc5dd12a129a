//! Browser end-to-end for the training material as lessons: every lesson opens
//! with `?lesson=<id>` and its example in the editor, shows the engine's evidence
//! for each "material says / Kubernetes does" note, starts with its exercise
//! unsolved and is solved live by the shared fixes, resets to the original and
//! leads to the next lesson; the interview mode lists every question and keeps
//! its progress in local storage across a reload until reset; the checklist says
//! what core says; `?lesson=…&embed` works without chrome. Screenshots of three
//! lessons and the interview mode in light, dark and at phone width land in
//! target/screenshots/ (look at them).

use std::time::Duration;

use fantoccini::Locator;
use kubeplay_core::lessons::LESSONS;
use kubeplay_core::lessons::interview::QUESTIONS;
use kubeplay_core::load::Input;
use kubeplay_tests::browser::{
    Browser, StaticServer, assert_clean, browser_tests_enabled, dist_dir, goals, open, set_text, text_of,
};
use kubeplay_tests::solutions::solution;

const WAIT: Duration = Duration::from_secs(20);

async fn editor_text(browser: &Browser) -> String {
    let value = browser.client.execute("return document.querySelector('textarea.code').value;", vec![]).await;
    value.expect("editor text").as_str().unwrap_or_default().to_owned()
}

async fn click(browser: &Browser, css: &str) {
    browser.client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("{css}")).click().await.expect("click");
}

async fn count(browser: &Browser, css: &str) -> usize {
    browser.client.find_all(Locator::Css(css)).await.map(|all| all.len()).unwrap_or(0)
}

async fn js(browser: &Browser, script: &str) -> serde_json::Value {
    browser.client.execute(script, vec![]).await.unwrap_or_else(|e| panic!("{script}: {e}"))
}

/// Scrolls the lesson's notes (or `css`) into view and takes a screenshot.
async fn shoot(browser: &Browser, css: &str, name: &str) {
    js(browser, &format!("document.querySelector({css:?}).scrollIntoView({{block: 'start'}}); return true;")).await;
    browser.screenshot_to(name).await;
}

async fn dark(browser: &Browser) {
    click(browser, "[data-testid=theme]").await;
    assert!(browser.wait_until("document.documentElement.dataset.theme === 'dark'", WAIT).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_lesson_opens_its_example_and_its_exercises_are_solved_live() {
    if !browser_tests_enabled("every_lesson_opens_its_example_and_its_exercises_are_solved_live") {
        return;
    }
    let server = StaticServer::start(dist_dir()).await;
    let browser = Browser::start(1440, 900).await;
    for (index, lesson) in LESSONS.iter().enumerate() {
        let id = lesson.id;
        open(&browser, &server, &format!("?lesson={id}")).await;
        assert!(
            browser.wait_until(&format!("document.querySelector('.lesson[data-lesson={id:?}]')"), WAIT).await,
            "{id}"
        );
        assert!(text_of(&browser, ".tab[aria-selected='true']").await.starts_with("Lesson"), "{id}");
        assert_eq!(text_of(&browser, ".lesson-head h2").await, lesson.section);
        let Some(example) = lesson.example else {
            // The interview and the checklist sections show their content inside the lesson.
            let inside = if id == "interview" { ".lesson [data-question]" } else { ".lesson .check-item" };
            assert!(browser.wait_until(&format!("document.querySelector('{inside}')"), WAIT).await, "{id}: {inside}");
            continue;
        };
        let yaml = kubeplay_core::examples::example(example).expect("example").yaml;
        assert_eq!(editor_text(&browser).await, yaml, "{id}: its example is in the editor");
        assert!(
            browser
                .wait_until(&format!("document.querySelector('.lesson-current[data-example={example:?}]')"), WAIT)
                .await
        );
        // Every note shows the engine's evidence, holding as shipped.
        assert_eq!(count(&browser, ".note-card").await, lesson.notes.len(), "{id}: notes");
        assert_eq!(
            count(&browser, ".note-card[data-holds=true] [data-testid=evidence]").await,
            lesson.notes.len(),
            "{id}: evidence"
        );
        // At least two exercise goals, not all met, and no "solved".
        assert!(browser.wait_until("document.querySelectorAll('.goals .goal').length >= 2", WAIT).await, "{id}: goals");
        let start = goals(&browser).await;
        assert!(start.iter().any(|met| !met), "{id} starts unsolved: {start:?}");
        assert!(browser.client.find(Locator::Css(".solved")).await.is_err(), "{id} starts unsolved");
        assert_eq!(
            js(&browser, "return document.querySelector('[data-testid=reset]').disabled;").await,
            serde_json::json!(true)
        );
        if ["pod-security", "hpa", "network-policies"].contains(&id) {
            shoot(&browser, ".lesson", &format!("lesson-{id}")).await;
            shoot(&browser, ".notes", &format!("lesson-{id}-notes")).await;
        }
        // The shared fix solves it live; reset brings the original (and the unsolved state) back.
        set_text(&browser, &solution(example).expect("a solution")).await;
        assert!(
            browser.wait_until("document.querySelector('.solved')", WAIT).await,
            "{id} solved live: {:?}",
            goals(&browser).await
        );
        assert!(goals(&browser).await.iter().all(|met| *met));
        click(&browser, "[data-testid=reset]").await;
        assert!(
            browser
                .wait_until(
                    "document.querySelector('.app[data-state=ready]') && !document.querySelector('.solved')",
                    WAIT
                )
                .await,
            "{id}: reset"
        );
        assert_eq!(editor_text(&browser).await, yaml, "{id}: reset restores the original");
        assert_eq!(goals(&browser).await, start, "{id}: reset restores the goals");
        // The next lesson is one click away, in place (the address follows).
        if let Some(next) = LESSONS.get(index + 1) {
            click(&browser, ".lesson-nav a .next").await;
            assert!(
                browser
                    .wait_until(&format!("document.querySelector('.lesson[data-lesson={:?}]')", next.id), WAIT)
                    .await,
                "{id} → {}",
                next.id
            );
            let address = js(&browser, "return location.search;").await;
            assert_eq!(address, serde_json::json!(format!("?lesson={}", next.id)));
        }
        assert_clean(&browser, &server, id).await;
    }

    // The lessons are reachable from the toolbar.
    open(&browser, &server, "?example=multi-tier-policy&view=findings").await;
    let picker = browser.client.find(Locator::Css("[data-testid=lesson-picker]")).await.expect("lesson picker");
    picker.select_by_value("vpa").await.expect("pick the VPA lesson");
    assert!(browser.wait_until("document.querySelector('.lesson[data-lesson=vpa]')", WAIT).await);
    assert_eq!(editor_text(&browser).await, kubeplay_core::examples::example("vpa").expect("vpa").yaml);
    // A variant of the multi-region lesson keeps the lesson open and the link names it.
    open(&browser, &server, "?lesson=multi-region").await;
    click(&browser, ".variants [data-example=multi-region-dns]").await;
    assert!(browser.wait_until("document.querySelector('.lesson-current[data-example=multi-region-dns]')", WAIT).await);
    assert_eq!(
        js(&browser, "return location.search;").await,
        serde_json::json!("?lesson=multi-region&example=multi-region-dns")
    );
    assert_clean(&browser, &server, "lesson picker").await;

    // Dark theme and phone width, for the three lessons.
    for id in ["pod-security", "hpa", "network-policies"] {
        open(&browser, &server, &format!("?lesson={id}")).await;
        if id == "pod-security" {
            dark(&browser).await;
        } else {
            js(&browser, "document.documentElement.dataset.theme = 'dark'; return true;").await;
        }
        shoot(&browser, ".notes", &format!("lesson-{id}-dark")).await;
    }
    browser.client.clone().close().await.expect("close");
    let phone = Browser::start(390, 844).await;
    for id in ["pod-security", "hpa", "network-policies"] {
        open(&phone, &server, &format!("?lesson={id}")).await;
        let fits = js(&phone, "return document.documentElement.scrollWidth <= window.innerWidth + 1;").await;
        assert_eq!(fits, serde_json::json!(true), "{id} fits a phone's width");
        shoot(&phone, ".lesson", &format!("lesson-{id}-phone")).await;
        shoot(&phone, ".lesson-current", &format!("lesson-{id}-phone-exercise")).await;
        assert_clean(&phone, &server, id).await;
    }
    phone.client.clone().close().await.expect("close");
}

/// `[data-question]` ids whose element says solved.
async fn solved_questions(browser: &Browser) -> Vec<String> {
    let value = js(
        browser,
        "return [...document.querySelectorAll('[data-question][data-solved=true]')].map(e => e.dataset.question);",
    )
    .await;
    value.as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_owned)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interview_mode_checks_tasks_live_and_keeps_progress_in_the_browser() {
    if !browser_tests_enabled("interview_mode_checks_tasks_live_and_keeps_progress_in_the_browser") {
        return;
    }
    let server = StaticServer::start(dist_dir()).await;
    let browser = Browser::start(1440, 900).await;
    open(&browser, &server, "?view=interview").await;
    assert!(browser.wait_until("document.querySelector('[data-testid=interview]')", WAIT).await);
    assert!(text_of(&browser, ".tab[aria-selected='true']").await.starts_with("Interview"));
    assert_eq!(count(&browser, "[data-question]").await, QUESTIONS.len());
    for question in QUESTIONS {
        let element = format!("[data-question={:?}]", question.id);
        assert_eq!(count(&browser, &element).await, 1, "{}", question.id);
        let href = js(
            &browser,
            &format!("return document.querySelector('{element} a[data-lesson-link]').getAttribute('href');"),
        )
        .await;
        assert_eq!(href, serde_json::json!(format!("?lesson={}", question.lesson)), "{}", question.id);
    }
    assert!(solved_questions(&browser).await.is_empty(), "a fresh browser has no progress");
    shoot(&browser, "[data-testid=interview]", "interview").await;

    // The model answer is revealed on demand.
    let answer = "[data-question=seccomp-annotation] details.answer";
    assert_eq!(
        js(&browser, &format!("return document.querySelector('{answer}').open;")).await,
        serde_json::json!(false)
    );
    click(&browser, &format!("{answer} summary")).await;
    assert!(browser.wait_until(&format!("document.querySelector('{answer}').open"), WAIT).await);

    // Open the live example from the question, solve its task by editing: solved live, and stored.
    click(&browser, "[data-question=seccomp-annotation] [data-testid=open-example]").await;
    assert!(browser.wait_until("document.querySelector('.app[data-state=ready]')", WAIT).await);
    assert_eq!(editor_text(&browser).await, kubeplay_core::examples::example("restricted-psp").expect("example").yaml);
    assert_eq!(
        text_of(&browser, "[data-question=seccomp-annotation] [data-testid=task-state]").await,
        "Not yet · the example is in the editor"
    );
    set_text(&browser, &solution("restricted-psp").expect("a solution")).await;
    let mut on_this_example: Vec<String> =
        QUESTIONS.iter().filter(|q| q.example == "restricted-psp").map(|q| q.id.to_owned()).collect();
    on_this_example.sort();
    assert!(
        browser
            .wait_until("document.querySelector('[data-question=seccomp-annotation][data-solved=true]')", WAIT)
            .await
    );
    let mut solved = solved_questions(&browser).await;
    solved.sort();
    assert_eq!(solved, on_this_example);
    assert_eq!(
        text_of(&browser, "[data-question=seccomp-annotation] [data-testid=task-state]").await,
        "Done on the live example"
    );
    assert_eq!(
        text_of(&browser, "[data-testid=interview-progress]").await,
        format!("{} of {} tasks solved", on_this_example.len(), QUESTIONS.len())
    );
    shoot(&browser, "[data-question=seccomp-annotation]", "interview-solved").await;

    // A reload (a new page, same browser) keeps the progress: it lives in local storage only.
    open(&browser, &server, "?view=interview").await;
    assert!(
        browser
            .wait_until("document.querySelector('[data-question=seccomp-annotation][data-solved=true]')", WAIT)
            .await
    );
    let mut solved = solved_questions(&browser).await;
    solved.sort();
    assert_eq!(solved, on_this_example, "progress survives a reload");
    let stored = js(&browser, "return localStorage.getItem('kubeplay.interview.solved');").await;
    assert!(stored.as_str().is_some_and(|s| s.contains("seccomp-annotation")), "{stored}");
    assert_eq!(text_of(&browser, "[data-question=seccomp-annotation] [data-testid=task-state]").await, "Solved");

    // Reset forgets it, also after another reload.
    click(&browser, "[data-testid=reset-progress]").await;
    assert!(browser.wait_until("!document.querySelector('[data-question][data-solved=true]')", WAIT).await);
    assert_eq!(
        js(&browser, "return localStorage.getItem('kubeplay.interview.solved');").await,
        serde_json::Value::Null
    );
    open(&browser, &server, "?view=interview").await;
    assert!(browser.wait_until("document.querySelectorAll('[data-question]').length > 0", WAIT).await);
    assert!(solved_questions(&browser).await.is_empty(), "reset survives a reload");
    assert_clean(&browser, &server, "interview").await;

    dark(&browser).await;
    shoot(&browser, "[data-testid=interview]", "interview-dark").await;
    browser.client.clone().close().await.expect("close");

    let phone = Browser::start(390, 844).await;
    open(&phone, &server, "?view=interview").await;
    assert!(phone.wait_until("document.querySelector('[data-question]')", WAIT).await);
    let fits = js(&phone, "return document.documentElement.scrollWidth <= window.innerWidth + 1;").await;
    assert_eq!(fits, serde_json::json!(true), "the interview fits a phone's width");
    click(&phone, "[data-question=ha-across-regions] details.answer summary").await;
    shoot(&phone, "[data-testid=interview]", "interview-phone").await;
    assert_clean(&phone, &server, "interview on a phone").await;
    phone.client.clone().close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_checklist_says_what_core_says_and_links_to_the_findings() {
    if !browser_tests_enabled("the_checklist_says_what_core_says_and_links_to_the_findings") {
        return;
    }
    let server = StaticServer::start(dist_dir()).await;
    let browser = Browser::start(1440, 900).await;
    for example in ["multi-tier-policy", "chaos-engineering", "restricted-psp"] {
        open(&browser, &server, &format!("?example={example}&view=checklist")).await;
        assert!(browser.wait_until("document.querySelector('[data-testid=checklist] .check-item')", WAIT).await);
        let yaml = kubeplay_core::examples::example(example).expect("example").yaml;
        let loading = kubeplay_core::load(&[Input::new("manifest.yaml", yaml)]);
        let analysis = kubeplay_core::report::analyze_keeping_engine(&loading);
        let verdicts = kubeplay_core::lessons::checklist::evaluate(&loading.inventory, &analysis);
        assert_eq!(count(&browser, ".check-item").await, verdicts.len());
        for verdict in &verdicts {
            let state = js(
                &browser,
                &format!("return document.querySelector('.check-item[data-item={:?}]').dataset.state;", verdict.id),
            )
            .await;
            let expected = serde_json::to_value(verdict.state).expect("state");
            assert_eq!(state, expected, "{example}: {}", verdict.id);
        }
        browser.screenshot_to(&format!("checklist-{example}")).await;
        assert_clean(&browser, &server, example).await;
    }
    // A finding under an item selects its lines in the editor.
    open(&browser, &server, "?example=multi-tier-policy&view=checklist").await;
    assert!(browser.wait_until("document.querySelector('.finding-link')", WAIT).await, "an item links to a finding");
    click(&browser, ".finding-link").await;
    assert!(
        browser.wait_until("document.querySelector('textarea.code').selectionEnd > document.querySelector('textarea.code').selectionStart", WAIT).await,
        "the finding's lines are selected"
    );
    browser.client.clone().close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lesson_works_embedded() {
    if !browser_tests_enabled("a_lesson_works_embedded") {
        return;
    }
    let server = StaticServer::start(dist_dir()).await;
    let browser = Browser::start(900, 700).await;
    open(&browser, &server, "?lesson=hpa&embed").await;
    assert!(browser.client.find(Locator::Css(".topbar")).await.is_err(), "no chrome when embedded");
    assert!(browser.wait_until("document.querySelector('.lesson[data-lesson=hpa]')", WAIT).await);
    assert_eq!(editor_text(&browser).await, kubeplay_core::examples::example("hpa").expect("hpa").yaml);
    assert!(browser.wait_until("document.querySelectorAll('.goals .goal').length >= 2", WAIT).await);
    // Lesson links keep the embedding, and the embedder's address is left alone.
    let href =
        js(&browser, "return document.querySelector('.lesson-nav a .next').parentElement.getAttribute('href');").await;
    assert_eq!(href, serde_json::json!("?lesson=vpa&embed"));
    click(&browser, ".lesson-nav a .next").await;
    assert!(browser.wait_until("document.querySelector('.lesson[data-lesson=vpa]')", WAIT).await);
    assert_eq!(js(&browser, "return location.search;").await, serde_json::json!("?lesson=hpa&embed"));
    shoot(&browser, ".lesson", "lesson-embedded").await;
    assert_clean(&browser, &server, "embedded lesson").await;
    browser.client.clone().close().await.expect("close");
}

/// The chips of each start (or stop) phase of one pod's anatomy, as `name:role`.
async fn phases(browser: &Browser, object: &str, which: usize) -> serde_json::Value {
    js(
        browser,
        &format!(
            "return [...document.querySelectorAll('.anatomy[data-object={object:?}] .phases')[{which}].querySelectorAll('li')]
               .map(li => [...li.querySelectorAll('.chip')].map(c => c.textContent + ':' + c.classList[1].replace('role-', '')));"
        ),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sidecars_lesson_shows_how_the_kubelet_runs_them_and_what_the_policies_block() {
    if !browser_tests_enabled("the_sidecars_lesson_shows_how_the_kubelet_runs_them_and_what_the_policies_block") {
        return;
    }
    let server = StaticServer::start(dist_dir()).await;
    let browser = Browser::start(1440, 900).await;
    open(&browser, &server, "?lesson=sidecars&view=resources").await;
    kubeplay_tests::browser::open_tab(&browser, "resources").await;
    let logging = "default/app-with-logging-sidecar";
    let envoy = "default/app-with-envoy";
    assert!(browser.wait_until(&format!("document.querySelector('.anatomy[data-object={envoy:?}]')"), WAIT).await);
    // As the material declares them: the helpers start and stop with the app.
    assert_eq!(phases(&browser, logging, 0).await, serde_json::json!([["app:app", "log-forwarder:app"]]));
    assert_eq!(phases(&browser, logging, 1).await, serde_json::json!([["app:app", "log-forwarder:app"]]));
    // The request sum with its numbers: the init check outweighs app + envoy.
    let cpu = format!(".anatomy[data-object={envoy:?}] .sum tr[data-resource=cpu]");
    assert_eq!(text_of(&browser, &format!("{cpu} .pod-total strong")).await, "500m");
    assert!(text_of(&browser, &cpu).await.contains("app 250m + envoy 100m = 350m"));
    assert!(text_of(&browser, &cpu).await.contains("max(running 350m, largest init footprint 500m) = 500m"));
    shoot(&browser, ".pods", "lesson-sidecars-containers").await;
    // What the policies block, each with a fix.
    kubeplay_tests::browser::open_tab(&browser, "findings").await;
    for code in ["netpol-scrape-blocked", "netpol-service-port-unreachable", "netpol-env-endpoint-blocked"] {
        let row = format!(".diagnostic[data-code={code:?}]");
        assert!(browser.wait_until(&format!("document.querySelector('{row} .finding-fix')"), WAIT).await, "{code}");
    }
    click(&browser, ".diagnostic[data-code=netpol-scrape-blocked] .finding-fix summary").await;
    let fix = text_of(&browser, ".diagnostic[data-code=netpol-scrape-blocked] .finding-fix pre").await;
    assert!(fix.contains("port: 9095") && fix.contains("\"kubernetes.io/metadata.name\": \"monitoring\""), "{fix}");
    shoot(&browser, ".diagnostic[data-code=netpol-scrape-blocked]", "lesson-sidecars-findings").await;

    // Solved: native sidecars start first and stop last; the sidecars' traffic flows.
    kubeplay_tests::browser::open_tab(&browser, "lesson").await;
    set_text(&browser, &solution("sidecars").expect("a solution")).await;
    assert!(browser.wait_until("document.querySelector('.solved')", WAIT).await, "{:?}", goals(&browser).await);
    kubeplay_tests::browser::open_tab(&browser, "findings").await;
    for code in ["netpol-scrape-blocked", "netpol-service-port-unreachable", "netpol-env-endpoint-blocked"] {
        assert_eq!(count(&browser, &format!(".diagnostic[data-code={code:?}]")).await, 0, "{code} after the fix");
    }
    kubeplay_tests::browser::open_tab(&browser, "resources").await;
    assert!(
        browser
            .wait_until(
                &format!("document.querySelector('.anatomy[data-object={logging:?}] .chip.role-sidecar')"),
                WAIT
            )
            .await
    );
    assert_eq!(phases(&browser, logging, 0).await, serde_json::json!([["log-forwarder:sidecar"], ["app:app"]]));
    assert_eq!(phases(&browser, logging, 1).await, serde_json::json!([["app:app"], ["log-forwarder:sidecar"]]));
    assert_eq!(
        phases(&browser, envoy, 1).await,
        serde_json::json!([["app:app"], ["envoy:sidecar"]]),
        "config-check has exited; envoy stops after the app"
    );
    js(&browser, "document.documentElement.dataset.theme = 'dark'; return true;").await;
    shoot(&browser, ".pods", "lesson-sidecars-containers-dark").await;
    assert_clean(&browser, &server, "sidecars").await;
    browser.client.clone().close().await.expect("close");
    let phone = Browser::start(390, 844).await;
    open(&phone, &server, "?lesson=sidecars&view=resources").await;
    kubeplay_tests::browser::open_tab(&phone, "resources").await;
    assert!(phone.wait_until(&format!("document.querySelector('.anatomy[data-object={envoy:?}]')"), WAIT).await);
    let fits = js(&phone, "return document.documentElement.scrollWidth <= window.innerWidth + 1;").await;
    assert_eq!(fits, serde_json::json!(true), "the containers fit a phone's width");
    shoot(&phone, ".pods", "lesson-sidecars-containers-phone").await;
    phone.client.clone().close().await.expect("close");
}
