//! The binary itself: a fresh database is migrated and seeded and served; production refuses to
//! start without a proper secret.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::Duration,
};

use crate::support::TestDb;

fn biobridge() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_biobridge"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .current_dir(std::env::temp_dir());
    cmd
}

#[tokio::test]
async fn serve_migrates_seeds_and_answers_on_a_fresh_database() {
    let db = TestDb::empty().await;
    let secret_file = std::env::temp_dir().join(format!("bb-secret-{}", uuid::Uuid::now_v7()));
    let mut child = biobridge()
        .env("DATABASE_URL", &db.url)
        .env("BIOBRIDGE_LISTEN", "127.0.0.1:0")
        .env("BIOBRIDGE_DEV_SECRET_FILE", &secret_file)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start biobridge");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut url = None;
    let mut logins = false;
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(120)) {
        if let Some(u) = line.trim().strip_prefix("GraphiQL:") {
            url = Some(u.trim().to_owned());
        }
        if line.contains("member@unibl.example") {
            logins = true;
            break;
        }
    }
    let url = url.expect("the GraphiQL URL is printed");
    assert!(logins, "the demo logins are printed");
    assert!(secret_file.exists(), "dev mode keeps its generated secret");

    let (host, path) = url.trim_start_matches("http://").split_once('/').unwrap();
    let body = r#"{"query":"{ institutions(first: 10) { totalCount } }"}"#;
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let req = format!(
        "POST /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut res = String::new();
    stream.read_to_string(&mut res).await.unwrap();
    // Graceful shutdown on SIGTERM.
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let status = child.wait().unwrap();
    let _ = std::fs::remove_file(&secret_file);
    assert!(res.contains(r#""totalCount":8"#), "{res}");
    assert!(
        status.success(),
        "SIGTERM ends the server cleanly: {status:?}"
    );
}

#[test]
fn production_refuses_a_missing_or_short_secret() {
    for secret in [None, Some("too-short")] {
        let mut cmd = biobridge();
        cmd.env("BIOBRIDGE_ENV", "production")
            .env("DATABASE_URL", "sqlite::memory:");
        if let Some(s) = secret {
            cmd.env("BIOBRIDGE_JWT_SECRET", s);
        }
        let out = cmd.output().unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("BIOBRIDGE_JWT_SECRET"), "{err}");
    }
}

#[test]
fn invalid_settings_are_explained() {
    let out = biobridge()
        .env("BIOBRIDGE_LISTEN", "nowhere")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("BIOBRIDGE_LISTEN"));
}

#[tokio::test]
async fn cli_token_works_against_the_server() {
    let app = crate::support::TestApp::new().await;
    let out = biobridge()
        .env("DATABASE_URL", &app.config.database_url)
        .env("BIOBRIDGE_JWT_SECRET", crate::support::SECRET)
        .args([
            "token",
            "--institution",
            "unibl",
            "--role",
            "MEMBER",
            "--ttl",
            "10m",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let r = app
        .gql(
            Some(&token),
            r#"{ me { institution { slug } role } technology(reference: "UNIBL-2025-001") { reference } }"#,
            serde_json::json!({}),
        )
        .await;
    assert_eq!(r.data()["me"]["institution"]["slug"], "unibl");
    assert_eq!(r.data()["technology"]["reference"], "UNIBL-2025-001");

    let out = biobridge()
        .env("DATABASE_URL", &app.config.database_url)
        .env("BIOBRIDGE_JWT_SECRET", crate::support::SECRET)
        .args(["token", "--institution", "nowhere", "--role", "MEMBER"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nowhere"));
}
