//! Headless Chromium driven through chromedriver, against the built site served
//! from `dist/` on 127.0.0.1 by a tiny static server that records every request.
//!
//! chromedriver runs in its own process group and the whole group is killed on
//! drop, so a failing test leaves no Chromium behind.

use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Where the browser suite expects Chromium and chromedriver (Debian's packages,
/// installed by scripts/setup.sh).
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The browser suite is opt-in, so plain `cargo test` passes on a machine without
/// Chromium or Trunk: without `KUBEPLAY_BROWSER=1` a browser test says it is
/// skipped and returns. scripts/test.sh (the documented test command) sets it;
/// with it set, a missing Chromium or chromedriver fails the test.
pub fn browser_tests_enabled(test: &str) -> bool {
    if std::env::var_os("KUBEPLAY_BROWSER").is_none_or(|value| value != "1") {
        eprintln!("{test}: skipped: set KUBEPLAY_BROWSER=1 to run the browser tests (scripts/test.sh does)");
        return false;
    }
    for binary in [CHROMIUM, CHROMEDRIVER] {
        assert!(
            Path::new(binary).is_file(),
            "KUBEPLAY_BROWSER=1 but {binary} is missing (scripts/setup.sh installs it)"
        );
    }
    true
}

/// The built site: `$KUBEPLAY_DIST` (set by scripts/test.sh after `trunk build`),
/// or built here with Trunk into `target/e2e-dist` when run on its own.
pub fn dist_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("KUBEPLAY_DIST") {
        return PathBuf::from(dir);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf();
    let dist = root.join("target/e2e-dist");
    let status = Command::new("trunk")
        .args(["build", "index.html", "--release", "--dist"])
        .arg(&dist)
        .current_dir(&root)
        .status()
        .expect("trunk is installed (scripts/setup.sh)");
    assert!(status.success(), "trunk build failed");
    dist
}

/// The npm package (`scripts/build-npm.sh`'s `target/npm/kubeplay`): built
/// here when it is missing; `$KUBEPLAY_NPM` names another directory.
pub fn npm_package_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("KUBEPLAY_NPM") {
        return PathBuf::from(dir);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf();
    let package = root.join("target/npm/kubeplay");
    if !package.join("kube-play.js").is_file() {
        let status = Command::new("bash")
            .arg("scripts/build-npm.sh")
            .current_dir(&root)
            .status()
            .expect("bash runs scripts/build-npm.sh");
        assert!(status.success(), "scripts/build-npm.sh failed");
    }
    package
}

/// Extra response headers for a request path (e.g. a Content-Security-Policy).
pub type HeadersFor = Arc<dyn Fn(&str) -> Vec<(String, String)> + Send + Sync>;

/// Serves a directory over HTTP/1.1 on 127.0.0.1 and records requested paths.
pub struct StaticServer {
    pub addr: SocketAddr,
    pub requests: Arc<Mutex<Vec<String>>>,
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("yaml") => "application/yaml",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

impl StaticServer {
    pub async fn start(root: PathBuf) -> StaticServer {
        StaticServer::start_at(root, "/").await
    }

    /// Serves `root` under the URL path `prefix` (e.g. `/docs/kubeplay/`), as a
    /// static host serving the site from a sub-path would; other paths are 404.
    pub async fn start_at(root: PathBuf, prefix: &str) -> StaticServer {
        StaticServer::start_with(root, prefix, Arc::new(|_: &str| Vec::new())).await
    }

    /// Serves `root` under `prefix`, adding `headers(path)` to each response.
    pub async fn start_with(root: PathBuf, prefix: &str, headers: HeadersFor) -> StaticServer {
        let prefix = prefix.to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&requests);
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let root = root.clone();
                let prefix = prefix.clone();
                let headers = Arc::clone(&headers);
                let log = Arc::clone(&log);
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut buffer = [0u8; 4096];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65_536 {
                        match stream.read(&mut buffer).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buffer[..n]),
                        }
                    }
                    let head = String::from_utf8_lossy(&head);
                    let target = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
                    log.lock().expect("log").push(target.clone());
                    let path = target.split(['?', '#']).next().unwrap_or("/");
                    let Some(relative) = path.strip_prefix(prefix.as_str()) else {
                        let _ = stream
                            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                            .await;
                        return;
                    };
                    let relative = if relative.is_empty() || relative.ends_with('/') {
                        format!("{relative}index.html")
                    } else {
                        relative.to_owned()
                    };
                    let file = root.join(&relative);
                    let within_root = !relative.split('/').any(|part| part == "..");
                    let (status, body, kind) = match tokio::fs::read(&file).await {
                        Ok(body) if within_root => ("200 OK", body, content_type(&relative)),
                        _ => ("404 Not Found", b"not found".to_vec(), "text/plain"),
                    };
                    let extra: String =
                        headers(path).into_iter().map(|(name, value)| format!("{name}: {value}\r\n")).collect();
                    let header = format!(
                        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = stream.write_all(header.as_bytes()).await;
                    let _ = stream.write_all(&body).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        StaticServer { addr, requests }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

/// chromedriver in its own process group, killed with its Chromium on drop.
pub struct ChromeDriver {
    child: Child,
    pub port: u16,
    _profile: TempDir,
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-s", "KILL", "--", &group]).status();
        let _ = self.child.wait();
    }
}

/// A directory removed on drop (a fresh Chromium profile per browser).
pub struct TempDir(pub PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

pub struct Browser {
    pub client: Client,
    pub driver: ChromeDriver,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium with a fresh profile and the
    /// given window size. Flags for running as root (`--no-sandbox`) on a machine
    /// without network access (no QUIC, background networking, updates or sync).
    pub async fn start(width: u32, height: u32) -> Browser {
        let port = free_port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("chromedriver is installed (scripts/setup.sh)");
        let profile = std::env::temp_dir().join(format!("kubeplay-e2e-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&profile).expect("profile dir");
        let driver = ChromeDriver { child, port, _profile: TempDir(profile.clone()) };
        let capabilities = json!({
            "browserName": "chrome",
            "goog:loggingPrefs": { "browser": "ALL" },
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
                    format!("--window-size={width},{height}"),
                    format!("--user-data-dir={}", profile.display()),
                ]
            }
        });
        let Value::Object(capabilities) = capabilities else { unreachable!("a JSON object") };
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let mut last_error = None;
        for _ in 0..50 {
            match ClientBuilder::new(connector.clone())
                .capabilities(capabilities.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => return Browser { client, driver },
                Err(error) => {
                    last_error = Some(error);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        panic!("could not start a WebDriver session: {last_error:?}");
    }

    /// Console messages at level SEVERE (errors, uncaught exceptions, CSP
    /// violations, failed loads) since the last call.
    pub async fn console_errors(&self) -> Vec<String> {
        let logs = self.client.issue_cmd(BrowserLogs).await.expect("browser logs");
        logs.as_array()
            .into_iter()
            .flatten()
            .filter(|entry| entry["level"] == "SEVERE")
            .map(|entry| entry["message"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Every URL the page loaded (resources and the navigation itself), as the
    /// browser's Performance API saw them.
    pub async fn loaded_urls(&self) -> Vec<String> {
        let script = "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource')).map(e => e.name);";
        let value = self.client.execute(script, vec![]).await.expect("performance entries");
        value.as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_owned)).collect()
    }

    pub async fn screenshot_to(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("root").join("target/screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    /// Polls a JS expression until it returns true (at most `timeout`).
    pub async fn wait_until(&self, expression: &str, timeout: Duration) -> bool {
        let script = format!("return !!({expression});");
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if let Ok(Value::Bool(true)) = self.client.execute(&script, vec![]).await {
                return true;
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// chromedriver's log endpoint (`POST /session/{id}/se/log`, type `browser`),
/// which fantoccini does not wrap.
#[derive(Debug)]
struct BrowserLogs;

impl WebDriverCompatibleCommand for BrowserLogs {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/se/log", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(r#"{"type":"browser"}"#.to_owned()))
    }
}

/// How long a browser test waits for the page to reach a state.
pub const PAGE_WAIT: Duration = Duration::from_secs(20);

/// Opens the playground at `query` (e.g. `?example=hpa&view=scaling`) and waits until the app
/// has rendered and its analysis has finished.
pub async fn open(browser: &Browser, server: &StaticServer, query: &str) {
    browser.client.goto(&server.url(&format!("/{query}"))).await.expect("open");
    assert!(
        browser.wait_until("document.querySelector('.tabs .tab')", PAGE_WAIT).await,
        "the app rendered for {query}"
    );
    assert!(
        browser.wait_until("document.querySelector('.app[data-state=ready]')", PAGE_WAIT).await,
        "analysis finished for {query}"
    );
}

/// The text of the first element `css` selects (the test fails when there is none).
pub async fn text_of(browser: &Browser, css: &str) -> String {
    browser
        .client
        .find(fantoccini::Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("{css} is on the page"))
        .text()
        .await
        .expect("text")
}

/// No console errors, and no request left the server's origin.
pub async fn assert_clean(browser: &Browser, server: &StaticServer, what: &str) {
    let errors = browser.console_errors().await;
    assert!(errors.is_empty(), "{what}: console errors {errors:?}");
    let origin = server.url("");
    let foreign: Vec<String> = browser.loaded_urls().await.into_iter().filter(|u| !u.starts_with(&origin)).collect();
    assert!(foreign.is_empty(), "{what}: requests to other origins {foreign:?}");
}

/// Replaces the editor's text by typing `text`, as a learner pasting a fix would.
pub async fn retype(browser: &Browser, text: &str) {
    let editor = browser.client.find(fantoccini::Locator::Css("textarea.code")).await.expect("the editor");
    editor.clear().await.expect("clear the editor");
    editor.send_keys(text).await.expect("type into the editor");
}

/// Clicks the tab whose button has id `tab-<name>` (e.g. `lesson`, `scaling`).
pub async fn open_tab(browser: &Browser, name: &str) {
    let tab = browser.client.find(fantoccini::Locator::Css(&format!("#tab-{name}"))).await;
    tab.unwrap_or_else(|_| panic!("a {name} tab")).click().await.expect("click the tab");
}

/// Replaces the editor's text at once (one input event, as a paste would), and waits for its analysis.
pub async fn set_text(browser: &Browser, text: &str) {
    browser
        .client
        .execute(
            "const ta = document.querySelector('textarea.code');
             ta.value = arguments[0]; ta.dispatchEvent(new Event('input', {bubbles: true}));",
            vec![serde_json::json!(text)],
        )
        .await
        .expect("edit the text");
    assert!(browser.wait_until("document.querySelector('.app[data-state=ready]')", PAGE_WAIT).await, "analysed");
}

/// The exercise goals' ticks in the lesson view, in order.
pub async fn goals(browser: &Browser) -> Vec<bool> {
    let value = browser
        .client
        .execute("return [...document.querySelectorAll('.goals .goal')].map(g => g.classList.contains('met'));", vec![])
        .await
        .expect("goals");
    value.as_array().into_iter().flatten().map(|v| v.as_bool().unwrap_or(false)).collect()
}
