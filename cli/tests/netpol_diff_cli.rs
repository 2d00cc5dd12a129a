//! `kubeplay diff`, run as a user runs it: the JSON contract field by field,
//! the text, Markdown and CSV rows, and the exit statuses.

use std::process::Command;

fn kubeplay(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_kubeplay"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/diff"))
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

const FORWARD: [&str; 5] = ["diff", "--before", "before.yaml", "--after", "after.yaml"];

#[test]
fn json_contract_field_by_field() {
    let (code, stdout, stderr) = kubeplay(&FORWARD);
    assert_eq!(code, 0, "{stderr}");
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    // Key order as the contract writes it.
    assert!(stdout.starts_with(r#"{"changes":[{"type":"#), "{stdout}");
    assert!(stdout.trim_end().ends_with(r#""endpoints":{"added":["x/new"],"removed":["x/old"]}}"#), "{stdout}");
    let changes = value["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 30);
    // Each row's keys in the written order (serde_json's Value sorts them, so read the text).
    let rows: Vec<&str> = stdout.split(r#"{"type":"#).skip(1).collect();
    assert_eq!(rows.len(), changes.len());
    for row in rows {
        let at: Vec<usize> =
            [r#","source":"#, r#","destination":"#, r#","before":"#, r#","after":"#, r#","endpoint":"#]
                .iter()
                .map(|key| row.find(key).unwrap_or_else(|| panic!("{key} missing in {row}")))
                .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{row}");
    }
    let row = |source: &str, destination: &str| {
        changes
            .iter()
            .find(|c| c["source"] == source && c["destination"] == destination)
            .cloned()
            .unwrap_or_else(|| panic!("no row {source} → {destination}"))
    };
    // The named port resolved, 9000-9001 and 9002 merged, sorted by protocol then port.
    assert_eq!(
        row("x/db", "x/web"),
        serde_json::json!({
            "type": "changed", "source": "x/db", "destination": "x/web",
            "before": {"all": true, "ports": []},
            "after": {"all": false, "ports": [
                {"protocol": "TCP", "from": 8080, "to": 8080},
                {"protocol": "TCP", "from": 9000, "to": 9002},
                {"protocol": "UDP", "from": 53, "to": 53}
            ]},
            "endpoint": null
        })
    );
    assert_eq!(row("x/db", "external:11.0.0.0-255.255.255.255")["type"], "removed");
    // 10.0.0.0/8 stays allowed for x/db: no row.
    assert!(!changes.iter().any(|c| c["source"] == "x/db" && c["destination"] == "external:10.0.0.0-10.255.255.255"));
    let added = row("x/new", "x/db");
    assert_eq!((added["type"].as_str(), added["endpoint"].as_str()), (Some("added"), Some("added")));
    assert_eq!(added["before"], serde_json::json!({"all": false, "ports": []}));
    let removed = row("x/web", "x/old");
    assert_eq!((removed["type"].as_str(), removed["endpoint"].as_str()), (Some("removed"), Some("removed")));
    // Sorted by source, then destination, as byte strings.
    let keys: Vec<(String, String)> = changes
        .iter()
        .map(|c| (c["source"].as_str().unwrap().to_owned(), c["destination"].as_str().unwrap().to_owned()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn text_md_and_csv_print_the_same_rows() {
    let with = |format: &str| {
        let mut args = FORWARD.to_vec();
        args.extend(["--format", format]);
        let (code, stdout, stderr) = kubeplay(&args);
        assert_eq!(code, 0, "{stderr}");
        stdout
    };
    let text = with("text");
    assert!(text.contains(
        "diff-type: changed, source: x/db, destination: x/web, before: All Connections, after: TCP 8080,TCP 9000-9002,UDP 53\n"
    ));
    assert!(text.contains(
        "diff-type: added, source: x/new, destination: x/db, before: No Connections, after: All Connections, endpoint: added\n"
    ));
    assert!(text.ends_with("endpoint added: x/new\nendpoint removed: x/old\n"));
    let md = with("md");
    assert!(
        md.starts_with("| diff-type | source | destination | before | after | endpoint |\n|---|---|---|---|---|---|\n")
    );
    assert!(md.contains("| changed | x/db | x/web | All Connections | TCP 8080,TCP 9000-9002,UDP 53 |  |\n"));
    let csv = with("csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "diff-type,source,destination,before,after,endpoint");
    assert_eq!(lines.len(), 31);
    assert!(lines.contains(&r#"changed,x/db,x/web,All Connections,"TCP 8080,TCP 9000-9002,UDP 53","#));
    assert!(lines.contains(&"removed,x/old,x/web,All Connections,No Connections,removed"));
}

#[test]
fn exit_statuses() {
    let mut gated = FORWARD.to_vec();
    gated.push("--exit-code");
    assert_eq!(kubeplay(&gated).0, 3);
    let (code, stdout, _) = kubeplay(&["diff", "--before", "after.yaml", "--after", "after.yaml", "--exit-code"]);
    assert_eq!((code, stdout.as_str()), (0, "{\"changes\":[],\"endpoints\":{\"added\":[],\"removed\":[]}}\n"));
    let (code, _, stderr) = kubeplay(&["diff", "--before", "before.yaml", "--after", "missing.yaml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read missing.yaml"), "{stderr}");
    let (code, _, stderr) = kubeplay(&["diff", "--before", "before.yaml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--after"), "{stderr}");
    // A load error: what loaded is still diffed, and the status is 1 even with --exit-code.
    let (code, stdout, stderr) =
        kubeplay(&["diff", "--before", "before.yaml", "--after", "after.yaml", "broken.yaml", "--exit-code"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("broken.yaml"), "{stderr}");
    assert!(stdout.contains(r#""source":"x/db","destination":"x/web""#));
}
