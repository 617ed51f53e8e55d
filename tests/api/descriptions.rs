//! The schema documents itself: every argument of every field says what it does, and so do
//! the connection types (`…Connection`, `…Edge`, `PageInfo`) and each of their fields — found
//! by walking introspection, so a new argument without a description fails here.

use serde_json::Value;

use crate::support::TestApp;

const TYPES: &str = "{ __schema { types { kind name description
  fields(includeDeprecated: true) { name description args { name description } } } } }";

fn described(v: &Value) -> bool {
    v.as_str().is_some_and(|d| !d.trim().is_empty())
}

#[tokio::test]
async fn every_argument_and_connection_type_has_a_description() {
    let app = TestApp::new().await;
    let r = app.anon(TYPES).await;
    let mut missing = Vec::new();
    let mut arguments = 0;
    let mut connections = 0;
    for t in r.data()["__schema"]["types"].as_array().unwrap() {
        let name = t["name"].as_str().unwrap();
        if name.starts_with("__") {
            continue;
        }
        let is_connection =
            name.ends_with("Connection") || name.ends_with("Edge") || name == "PageInfo";
        if is_connection {
            connections += 1;
            if !described(&t["description"]) {
                missing.push(format!("type {name}"));
            }
        }
        for f in t["fields"].as_array().into_iter().flatten() {
            let field = f["name"].as_str().unwrap();
            if is_connection && !described(&f["description"]) {
                missing.push(format!("{name}.{field}"));
            }
            for a in f["args"].as_array().into_iter().flatten() {
                arguments += 1;
                if !described(&a["description"]) {
                    missing.push(format!("{name}.{field}({})", a["name"].as_str().unwrap()));
                }
            }
        }
    }
    // The walk saw the schema, not an empty answer.
    assert!(
        arguments > 200 && connections > 30,
        "{arguments} arguments, {connections} types"
    );
    assert!(
        missing.is_empty(),
        "{} without a description:\n{}",
        missing.len(),
        missing.join("\n")
    );
}
