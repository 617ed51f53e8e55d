//! `graphql-codegen` pointed at the server's URL (`schema: http://…/graphql`), as a frontend
//! team runs it, at the default depth and complexity limits: its introspection query must pass
//! and the generated TypeScript must cover the schema.
//!
//! CI installs the package (`npm ci` in tests/codegen, done by `.ci/run`), so there a missing
//! package fails the test; elsewhere it is skipped with a message saying how to enable it.

use crate::support::TestApp;

#[tokio::test]
async fn graphql_codegen_reads_the_schema_from_the_server_url_at_default_limits() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/codegen");
    if !dir.join("node_modules/@graphql-codegen/cli").exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install graphql-codegen: (cd tests/codegen && npm ci)"
        );
        eprintln!(
            "SKIPPED the graphql-codegen check: run `(cd tests/codegen && npm ci)` to enable it"
        );
        return;
    }
    // The default configuration: the limits are not relaxed for this test.
    let app = TestApp::new().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(axum::serve(listener, app.router.clone()).into_future());
    let out = tokio::process::Command::new("node")
        .arg(dir.join("codegen.mjs"))
        .arg(format!("http://{addr}/graphql"))
        .current_dir(&dir)
        .output()
        .await
        .expect("node runs");
    server.abort();
    assert!(
        out.status.success(),
        "graphql-codegen failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
