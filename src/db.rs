//! Database connection and schema migrations.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, EntityTrait, Iterable, PrimaryKeyToColumn,
};

/// A pooled connection idle for longer than this is pinged before it is used again.
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(2);

/// Connects with the default acquire timeout (see [`connect_with_timeout`]).
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    connect_with_timeout(url, crate::config::Config::default().db_acquire_timeout()).await
}

/// SQLite's own allocations (its statements, cursors, pages: some four thousand per nested
/// request of the benchmark) go to mimalloc, the server's allocator, instead of the C
/// library's `malloc`, whose `_int_malloc`/`_int_free`/`malloc_consolidate` were about a tenth
/// of the server's instructions on SQLite (callgrind). This is SQLite's documented way to
/// choose its allocator (`SQLITE_CONFIG_MALLOC`, see sqlite.org/malloc.html); nothing else in
/// the process changes allocator. It takes effect only before SQLite's first use in the process
/// (SQLite refuses it afterwards, with `SQLITE_MISUSE`, and keeps its default), so it runs at
/// the start of `main` and, once, before the first SQLite pool connects.
///
/// Returns whether SQLite took mimalloc (false only when SQLite was used before the first call).
pub fn use_mimalloc_for_sqlite() -> bool {
    static INSTALLED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *INSTALLED.get_or_init(|| {
        let methods = sqlite_mimalloc::methods();
        // SAFETY: called once, before any SQLite connection of this process exists (see
        // above); SQLite copies the methods, and every function given is thread-safe.
        let status = unsafe {
            libsqlite3_sys::sqlite3_config(
                libsqlite3_sys::SQLITE_CONFIG_MALLOC,
                &methods as *const libsqlite3_sys::sqlite3_mem_methods,
            )
        };
        if status != libsqlite3_sys::SQLITE_OK {
            tracing::debug!(
                status,
                "SQLite was already in use: it keeps its own allocator"
            );
        }
        status == libsqlite3_sys::SQLITE_OK
    })
}

/// mimalloc behind SQLite's `sqlite3_mem_methods`.
mod sqlite_mimalloc {
    use std::ffi::{c_int, c_void};

    use libmimalloc_sys as mi;
    use libsqlite3_sys::{SQLITE_OK, sqlite3_mem_methods};

    pub fn methods() -> sqlite3_mem_methods {
        sqlite3_mem_methods {
            xMalloc: Some(malloc),
            xFree: Some(free),
            xRealloc: Some(realloc),
            xSize: Some(size),
            xRoundup: Some(roundup),
            xInit: Some(init),
            xShutdown: Some(shutdown),
            pAppData: std::ptr::null_mut(),
        }
    }

    // SQLite never asks for a negative or zero size (it handles those before calling); a
    // negative one would be a bug, answered with no memory.
    fn bytes(n: c_int) -> Option<usize> {
        usize::try_from(n).ok()
    }

    unsafe extern "C" fn malloc(n: c_int) -> *mut c_void {
        match bytes(n) {
            // SAFETY: mimalloc's malloc; its blocks are aligned to 8 bytes at least, as SQLite
            // requires.
            Some(n) => unsafe { mi::mi_malloc(n) },
            None => std::ptr::null_mut(),
        }
    }

    unsafe extern "C" fn free(p: *mut c_void) {
        // SAFETY: `p` came from `malloc` or `realloc` above (or is null).
        unsafe { mi::mi_free(p) }
    }

    unsafe extern "C" fn realloc(p: *mut c_void, n: c_int) -> *mut c_void {
        match bytes(n) {
            // SAFETY: `p` came from `malloc` or `realloc` above.
            Some(n) => unsafe { mi::mi_realloc(p, n) },
            None => std::ptr::null_mut(),
        }
    }

    unsafe extern "C" fn size(p: *mut c_void) -> c_int {
        // SAFETY: `p` came from `malloc` or `realloc` above (or is null: 0).
        let n = unsafe { mi::mi_usable_size(p) };
        c_int::try_from(n).unwrap_or(c_int::MAX)
    }

    unsafe extern "C" fn roundup(n: c_int) -> c_int {
        match bytes(n) {
            // SAFETY: a pure function of the size.
            Some(n) => c_int::try_from(unsafe { mi::mi_good_size(n) }).unwrap_or(c_int::MAX),
            None => n,
        }
    }

    unsafe extern "C" fn init(_: *mut c_void) -> c_int {
        SQLITE_OK
    }

    unsafe extern "C" fn shutdown(_: *mut c_void) {}

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn sqlite_allocates_from_mimalloc() {
            // Every SQLite use of this test process goes through `db::connect`, which installs
            // the methods first.
            assert!(crate::db::use_mimalloc_for_sqlite());
            unsafe {
                let p = libsqlite3_sys::sqlite3_malloc(64);
                assert!(!p.is_null());
                assert!(mi::mi_is_in_heap_region(p), "SQLite's block is mimalloc's");
                libsqlite3_sys::sqlite3_free(p);
            }
        }

        #[test]
        fn the_methods_allocate_resize_and_measure() {
            let methods = methods();
            unsafe {
                let p = (methods.xMalloc.unwrap())(100);
                assert!(!p.is_null());
                assert_eq!(p as usize % 8, 0, "SQLite needs 8-byte alignment");
                assert!((methods.xSize.unwrap())(p) >= 100);
                std::ptr::write_bytes(p.cast::<u8>(), 7, 100);
                let q = (methods.xRealloc.unwrap())(p, 5000);
                assert!(!q.is_null());
                assert_eq!(*q.cast::<u8>().add(99), 7, "realloc keeps the contents");
                assert!((methods.xSize.unwrap())(q) >= 5000);
                (methods.xFree.unwrap())(q);
                assert!((methods.xRoundup.unwrap())(100) >= 100);
                assert!((methods.xMalloc.unwrap())(-1).is_null());
            }
        }
    }
}

/// Connects a pool whose requests give up after `acquire_timeout` when no connection can be had
/// — PostgreSQL down, unreachable or every connection busy —, so that an outage answers a fast
/// `UNAVAILABLE` instead of hanging (sqlx's default is 30 s). Connecting is part of acquiring:
/// the pool retries refused connections until this deadline, so it bounds both. Idle
/// connections are checked before use, so a restarted server is picked up by itself.
pub async fn connect_with_timeout(
    url: &str,
    acquire_timeout: Duration,
) -> anyhow::Result<DatabaseConnection> {
    if url.starts_with("sqlite:") {
        use_mimalloc_for_sqlite();
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(acquire_timeout)
        .acquire_timeout(acquire_timeout)
        .max_connections(if url.starts_with("sqlite:") { 8 } else { 16 })
        // sqlx pings every connection it hands out, a round trip per statement; and it pings
        // each one again when it comes back. A connection back within the last seconds was
        // alive then: ping only those idle longer (a restarted server is still picked up —
        // at worst one statement per connection fails fast with `UNAVAILABLE`).
        .test_before_acquire_if_idle_for(PING_IF_IDLE_FOR);
    // sqlx turns SQLite foreign keys on and waits on busy locks; WAL lets readers run beside
    // the one writer.
    options.map_sqlx_sqlite_opts(|o| o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal));
    // No JIT compilation: PostgreSQL compiles a statement whose estimated cost passes
    // `jit_above_cost` (100,000), which the access policy's correlated subqueries reach on a
    // thousand technologies — 73 ms of compiling for a statement that runs in 3 ms. An API's
    // statements are short; JIT pays only for long analytical scans.
    options.map_sqlx_postgres_opts(|o| o.options([("jit", "off")]));
    let db = Database::connect(options)
        .await
        .map_err(|e| anyhow::anyhow!("cannot connect to the database at {}: {e}", redact(url)))?;
    Ok(db)
}

pub async fn migrate_up(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await?;
    Ok(())
}

/// The primary-key column of an entity (every table has a single UUID `id`).
pub fn id_column<E: EntityTrait>() -> E::Column {
    E::PrimaryKey::iter()
        .next()
        .map(PrimaryKeyToColumn::into_column)
        .expect("every entity has a primary key")
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            super::redact("postgres://bb:secret@db:5432/bb"),
            "postgres://bb:***@db:5432/bb"
        );
        assert_eq!(
            super::redact("sqlite://biobridge.db?mode=rwc"),
            "sqlite://biobridge.db?mode=rwc"
        );
    }
}
