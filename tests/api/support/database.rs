//! One database per test: SQLite files copied from a seeded template, or PostgreSQL databases
//! created from a seeded template database (`CREATE DATABASE … TEMPLATE …`), dropped afterwards.

use std::path::PathBuf;

use sea_orm::{ConnectionTrait, Database};
use tokio::sync::{Mutex, OnceCell};

pub struct TestDb {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Postgres { admin_url: String, name: String },
}

static TEMPLATE: OnceCell<String> = OnceCell::const_new();
static CREATE_LOCK: Mutex<()> = Mutex::const_new(());

fn postgres_admin_url() -> Option<String> {
    std::env::var("TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

fn with_database(admin_url: &str, name: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (admin_url, None),
    };
    let base = match base.rfind('/') {
        Some(i) if i > base.find("://").map_or(0, |s| s + 2) => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

async fn migrate_and_seed(url: &str) {
    let db = biobridge::db::connect(url)
        .await
        .expect("connect to the template database");
    biobridge::db::migrate_up(&db)
        .await
        .expect("migrate the template");
    assert!(
        biobridge::seed::seed_demo_if_empty(&db)
            .await
            .expect("seed the template")
    );
    db.close().await.expect("close the template");
}

/// Templates of test runs whose process is gone (a template outlives its run by design).
async fn drop_stale_templates(conn: &sea_orm::DatabaseConnection) {
    use sea_orm::{FromQueryResult, Statement};
    #[derive(FromQueryResult)]
    struct Name {
        datname: String,
    }
    let rows = Name::find_by_statement(Statement::from_string(
        conn.get_database_backend(),
        "SELECT datname FROM pg_database WHERE datname LIKE 'bb_tpl_%'",
    ))
    .all(conn)
    .await
    .unwrap_or_default();
    for Name { datname } in rows {
        let alive = datname
            .strip_prefix("bb_tpl_")
            .is_some_and(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists());
        if !alive {
            let _ = conn
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {datname} WITH (FORCE)"))
                .await;
        }
    }
}

impl TestDb {
    /// A new database holding the migrated schema and the demo data.
    pub async fn seeded() -> TestDb {
        let template = TEMPLATE
            .get_or_init(|| async {
                match postgres_admin_url() {
                    Some(admin) => {
                        let name = format!("bb_tpl_{}", std::process::id());
                        let conn = Database::connect(&admin)
                            .await
                            .expect("TEST_POSTGRES_URL must reach PostgreSQL");
                        drop_stale_templates(&conn).await;
                        conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
                            .await
                            .unwrap();
                        conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
                            .await
                            .unwrap();
                        conn.close().await.unwrap();
                        migrate_and_seed(&with_database(&admin, &name)).await;
                        name
                    }
                    None => {
                        let dir = std::env::temp_dir()
                            .join(format!("biobridge-tests-{}", std::process::id()));
                        std::fs::create_dir_all(&dir).unwrap();
                        let path = dir.join("template.db");
                        let _ = std::fs::remove_file(&path);
                        migrate_and_seed(&format!("sqlite://{}?mode=rwc", path.display())).await;
                        path.display().to_string()
                    }
                }
            })
            .await;
        let id = uuid::Uuid::now_v7().simple().to_string();
        match postgres_admin_url() {
            Some(admin) => {
                let name = format!("bb_t_{id}");
                {
                    let _guard = CREATE_LOCK.lock().await;
                    let conn = Database::connect(&admin).await.unwrap();
                    conn.execute_unprepared(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
                        .await
                        .expect("create a test database from the template");
                    conn.close().await.unwrap();
                }
                TestDb {
                    url: with_database(&admin, &name),
                    cleanup: Cleanup::Postgres {
                        admin_url: admin,
                        name,
                    },
                }
            }
            None => {
                let path = PathBuf::from(template).with_file_name(format!("{id}.db"));
                std::fs::copy(template, &path).expect("copy the template database");
                TestDb {
                    url: format!("sqlite://{}?mode=rwc", path.display()),
                    cleanup: Cleanup::File(path),
                }
            }
        }
    }

    /// A new, empty database (no schema).
    pub async fn empty() -> TestDb {
        let id = uuid::Uuid::now_v7().simple().to_string();
        match postgres_admin_url() {
            Some(admin) => {
                let name = format!("bb_t_{id}");
                let conn = Database::connect(&admin).await.unwrap();
                conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .unwrap();
                conn.close().await.unwrap();
                TestDb {
                    url: with_database(&admin, &name),
                    cleanup: Cleanup::Postgres {
                        admin_url: admin,
                        name,
                    },
                }
            }
            None => {
                let path = std::env::temp_dir().join(format!("biobridge-test-{id}.db"));
                TestDb {
                    url: format!("sqlite://{}?mode=rwc", path.display()),
                    cleanup: Cleanup::File(path),
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs inside the test's runtime; use a thread with its own.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    rt.block_on(async {
                        if let Ok(conn) = Database::connect(&admin_url).await {
                            let _ = conn
                                .execute_unprepared(&format!(
                                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                                ))
                                .await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

#[test]
fn database_names_replace_the_admin_database() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(
        with_database("postgres://u@h/db?sslmode=disable", "x"),
        "postgres://u@h/x?sslmode=disable"
    );
}
