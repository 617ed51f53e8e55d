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

/// Runs `biobridge` with `args` against `url` in production mode, feeding `stdin`.
fn production(url: &str, args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = biobridge()
        .env("DATABASE_URL", url)
        .env("BIOBRIDGE_ENV", "production")
        .env("BIOBRIDGE_JWT_SECRET", crate::support::SECRET)
        .env("BIOBRIDGE_LISTEN", "127.0.0.1:0")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start biobridge");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[tokio::test]
async fn production_refuses_demo_logins_until_they_are_disabled() {
    let db = TestDb::seeded().await;
    let out = production(&db.url, &["serve"], "");
    assert!(!out.status.success(), "served a database with demo logins");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("admin@center.example"), "{err}");
    assert!(
        err.contains("biobridge admin disable-demo-logins"),
        "says how to remove them: {err}"
    );

    let out = production(&db.url, &["admin", "disable-demo-logins"], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("disabled 7 demo login(s)"));

    // Now it starts (and is stopped once it listens).
    let mut child = biobridge()
        .env("DATABASE_URL", &db.url)
        .env("BIOBRIDGE_ENV", "production")
        .env("BIOBRIDGE_JWT_SECRET", crate::support::SECRET)
        .env("BIOBRIDGE_LISTEN", "127.0.0.1:0")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let listening = stderr
        .lines()
        .map_while(Result::ok)
        // Production serves no GraphiQL: the address line reads "GraphQL:" there.
        .any(|l| l.contains("GraphQL:") || l.contains("GraphiQL:"));
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let _ = child.wait();
    assert!(listening, "production serves once the demo logins are gone");
}

#[tokio::test]
async fn the_first_center_admin_is_made_with_the_admin_commands() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let db = TestDb::empty().await;
    let out = production(
        &db.url,
        &[
            "admin",
            "create-institution",
            "--slug",
            "center",
            "--name",
            "Yangtze–Balkan Innovation Center",
            "--country",
            "CN",
            "--region",
            "YANGTZE_RIVER_DELTA",
            "--kind",
            "AGENCY",
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let create_user = [
        "admin",
        "create-user",
        "--institution",
        "center",
        "--email",
        "chief@center.example",
        "--display-name",
        "Chief Officer",
        "--role",
        "CENTER_ADMIN",
    ];
    // No password on stdin: refused, nothing created.
    let out = production(&db.url, &create_user, "");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("password"));
    // A too-short one: the service's rule, named.
    let out = production(&db.url, &create_user, "short\n");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("password"));

    // The center has registered no e-mail domain yet: no users.
    let out = production(&db.url, &create_user, "correct horse battery staple\n");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("email") && stderr.contains("domains"),
        "{stderr}"
    );
    let out = production(
        &db.url,
        &[
            "admin",
            "set-email-domains",
            "--institution",
            "center",
            "--email-domain",
            "Center.example",
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("center.example"));

    let out = production(&db.url, &create_user, "correct horse battery staple\n");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Outside the center's domains: refused, naming the field.
    let mut elsewhere = create_user;
    elsewhere[5] = "chief@elsewhere.example";
    let out = production(&db.url, &elsewhere, "correct horse battery staple\n");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("center.example"));

    let conn = biobridge::db::connect(&db.url).await.unwrap();
    let user = entity::user::Entity::find()
        .filter(entity::user::Column::Email.eq("chief@center.example"))
        .one(&conn)
        .await
        .unwrap()
        .expect("the user exists");
    assert_eq!(user.role, entity::enums::Role::CenterAdmin);
    assert!(biobridge::auth::password::verify(
        "correct horse battery staple",
        &user.password_hash
    ));
    assert!(!biobridge::auth::password::verify(
        "short",
        &user.password_hash
    ));
    conn.close().await.unwrap();
}
