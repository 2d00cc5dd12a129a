//! One random edit of a random cluster (`netpol_random`), for the connectivity
//! diff's "before and after" property tests: a policy added, removed or
//! edited, or a pod's or namespace's labels changed. The result loads cleanly,
//! as the generator's clusters do.

use serde_json::{Value, json};

use crate::netpol_random::{Rng, random_cluster};

/// What [`mutate`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mutation {
    PolicyAdded,
    PolicyRemoved,
    PolicyEdited,
    PodLabelsChanged,
    NamespaceLabelsChanged,
    PodRemoved,
}

pub fn documents(yaml: &str) -> Vec<Value> {
    yaml.split("---\n").filter_map(|doc| serde_yaml::from_str::<Value>(doc).ok()).filter(|v| !v.is_null()).collect()
}

pub fn join(documents: &[Value]) -> String {
    documents.iter().map(|d| serde_yaml::to_string(d).unwrap_or_default()).collect::<Vec<_>>().join("---\n")
}

fn kind(doc: &Value) -> &str {
    doc["kind"].as_str().unwrap_or("")
}

fn positions(docs: &[Value], wanted: &[&str]) -> Vec<usize> {
    docs.iter().enumerate().filter(|(_, d)| wanted.contains(&kind(d))).map(|(i, _)| i).collect()
}

/// Policies of another random cluster, to add or to take a spec from.
fn donor_policy(rng: &mut Rng) -> Option<Value> {
    for _ in 0..20 {
        let docs = documents(&random_cluster(rng.next_u64()));
        let policies = positions(&docs, &["NetworkPolicy"]);
        if !policies.is_empty() {
            return Some(docs[*rng.pick(&policies)].clone());
        }
    }
    None
}

fn random_labels(rng: &mut Rng) -> Value {
    let mut labels = serde_json::Map::new();
    for _ in 0..rng.below(3) {
        labels.insert((*rng.pick(&["app", "tier", "env", "team"])).to_owned(), json!(*rng.pick(&["a", "b", "c"])));
    }
    Value::Object(labels)
}

/// Applies one random edit; `None` when the cluster has nothing of the drawn kind.
pub fn mutate(yaml: &str, seed: u64) -> Option<(String, Mutation)> {
    let mut rng = Rng::new(seed ^ 0xD1FF_0000_5EED);
    let mut docs = documents(yaml);
    let namespaces: Vec<String> = docs
        .iter()
        .filter_map(|d| d["metadata"]["namespace"].as_str().map(str::to_owned))
        .chain(
            docs.iter()
                .filter(|d| kind(d) == "Namespace")
                .filter_map(|d| d["metadata"]["name"].as_str().map(str::to_owned)),
        )
        .collect();
    let policies = positions(&docs, &["NetworkPolicy"]);
    let workloads = positions(&docs, &["Pod", "Deployment", "StatefulSet", "DaemonSet"]);
    let declared = positions(&docs, &["Namespace"]);
    let mutation = match rng.below(6) {
        0 => {
            let mut policy = donor_policy(&mut rng)?;
            policy["metadata"] = json!({"name": "added", "namespace": rng.pick(&namespaces)});
            docs.push(policy);
            Mutation::PolicyAdded
        }
        1 if !policies.is_empty() => {
            docs.remove(*rng.pick(&policies));
            Mutation::PolicyRemoved
        }
        2 if !policies.is_empty() => {
            let target = *rng.pick(&policies);
            docs[target]["spec"] = donor_policy(&mut rng)?["spec"].clone();
            Mutation::PolicyEdited
        }
        3 if !workloads.is_empty() => {
            let target = *rng.pick(&workloads);
            let labels = random_labels(&mut rng);
            if kind(&docs[target]) == "Pod" {
                docs[target]["metadata"]["labels"] = labels;
            } else {
                // Keep the workload's own selector label so it stays valid.
                let name = docs[target]["metadata"]["name"].clone();
                let mut labels = labels;
                labels["gen"] = name;
                docs[target]["spec"]["template"]["metadata"]["labels"] = labels;
            }
            Mutation::PodLabelsChanged
        }
        4 if !declared.is_empty() => {
            let target = *rng.pick(&declared);
            docs[target]["metadata"]["labels"] = random_labels(&mut rng);
            Mutation::NamespaceLabelsChanged
        }
        5 if workloads.len() > 2 => {
            docs.remove(*rng.pick(&workloads));
            Mutation::PodRemoved
        }
        _ => return None,
    };
    Some((join(&docs), mutation))
}

/// A copy of one of the cluster's policies under another name: redundant, so
/// nothing changes, though every pod it selects is touched by a policy that
/// exists on one side only. `None` when the cluster has no policy.
pub fn copy_policy(yaml: &str, seed: u64) -> Option<String> {
    let mut rng = Rng::new(seed ^ 0xC0FF_EE00_5EED);
    let mut docs = documents(yaml);
    let policies = positions(&docs, &["NetworkPolicy"]);
    if policies.is_empty() {
        return None;
    }
    let mut copy = docs[*rng.pick(&policies)].clone();
    copy["metadata"]["name"] = json!("copied");
    docs.push(copy);
    Some(join(&docs))
}
