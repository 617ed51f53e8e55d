//! Licensee accounts: an external organisation that licenses a technology (and is not a member
//! of the consortium) gets users and API tokens of its own, scoped to the deals it receives.
//!
//! - `external_organizations`: the licensee (name, country, optional identifier such as a
//!   company-register number), registered by the providing institution whose admins manage it,
//!   and suspended or not.
//! - `licensee_invitations`: one-time invitations (only the token's hash is stored).
//! - `deals.recipient_organization_id`: the deal's recipient as such an organisation (no foreign
//!   key: SQLite cannot add one to an existing table; organisations are never deleted).
//! - `users` and `api_tokens` belong to an institution **or** to an organisation:
//!   `institution_id` becomes nullable, `organization_id` is added, and a CHECK keeps exactly one
//!   of them (users of an organisation have the role `LICENSEE`, and only they).
//!
//! PostgreSQL alters the two tables in place. SQLite cannot drop a NOT NULL or change a CHECK,
//! so it rebuilds them as its documented procedure says (the deal-kind migration does the same):
//! with foreign keys off on one connection, create the new table from the old one's definition,
//! copy, drop, rename, recreate the indexes, check the foreign keys.

use sea_orm_migration::{
    prelude::*,
    schema::*,
    sea_orm::{ConnectionTrait, DbBackend, Statement},
};

#[derive(DeriveMigrationName)]
pub struct Migration;

const OLD_ROLES: &str = "'CENTER_ADMIN', 'INSTITUTION_ADMIN', 'MEMBER', 'ANALYST'";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("external_organizations")
                    .col(pk_uuid("id"))
                    .col(string("name"))
                    .col(string("country"))
                    .col(string_null("identifier"))
                    .col(uuid("registered_by"))
                    .col(timestamp_with_time_zone_null("suspended_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(integer("version").default(1).take())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_external_organizations_registered_by")
                            .from("external_organizations", "registered_by")
                            .to("institutions", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .check((
                        "ck_external_organizations_country",
                        Expr::expr(Func::char_length(Expr::col("country"))).eq(2),
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "external_organizations", "registered_by", false).await?;
        manager
            .create_table(
                Table::create()
                    .table("licensee_invitations")
                    .col(pk_uuid("id"))
                    .col(uuid("organization_id"))
                    .col(string("email"))
                    .col(string("display_name"))
                    .col(string("token_hash"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("accepted_at"))
                    .col(uuid_null("invited_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_licensee_invitations_organization_id")
                            .from("licensee_invitations", "organization_id")
                            .to("external_organizations", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, "licensee_invitations", "organization_id", false).await?;
        index(manager, "licensee_invitations", "token_hash", true).await?;
        manager
            .alter_table(
                Table::alter()
                    .table("deals")
                    .add_column(uuid_null("recipient_organization_id"))
                    .to_owned(),
            )
            .await?;
        index(manager, "deals", "recipient_organization_id", false).await?;

        let db = manager.get_connection();
        match db.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(&format!(
                    "ALTER TABLE users ALTER COLUMN institution_id DROP NOT NULL,
                       ADD COLUMN organization_id uuid NULL
                         CONSTRAINT fk_users_organization_id REFERENCES external_organizations (id),
                       DROP CONSTRAINT ck_users_role,
                       ADD CONSTRAINT ck_users_role CHECK (role IN ({OLD_ROLES}, 'LICENSEE')),
                       ADD {USERS_TENANT}"
                ))
                .await?;
                db.execute_unprepared(&format!(
                    "ALTER TABLE api_tokens ALTER COLUMN institution_id DROP NOT NULL,
                       ADD COLUMN organization_id uuid NULL
                         CONSTRAINT fk_api_tokens_organization_id REFERENCES external_organizations (id),
                       ADD {TOKENS_TENANT}"
                ))
                .await?;
            }
            DbBackend::Sqlite => {
                rebuild_sqlite(db, "users", |sql| {
                    let sql = add_organization(sql, "users")?;
                    let sql = replace_once(
                        &sql,
                        OLD_ROLES,
                        &format!("{OLD_ROLES}, 'LICENSEE'"),
                        "ck_users_role",
                    )?;
                    Ok(append_constraint(&sql, USERS_TENANT))
                })
                .await?;
                rebuild_sqlite(db, "api_tokens", |sql| {
                    let sql = add_organization(sql, "api_tokens")?;
                    Ok(append_constraint(&sql, TOKENS_TENANT))
                })
                .await?;
            }
            other => return Err(unsupported(other)),
        }
        index(manager, "users", "organization_id", false).await?;
        index(manager, "api_tokens", "organization_id", false).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // The licensees' accounts go with the schema that allowed them.
        db.execute_unprepared("DELETE FROM api_tokens WHERE organization_id IS NOT NULL")
            .await?;
        db.execute_unprepared(
            "UPDATE royalty_reports SET submitted_by = NULL WHERE submitted_by IN \
             (SELECT id FROM users WHERE organization_id IS NOT NULL)",
        )
        .await?;
        db.execute_unprepared("DELETE FROM users WHERE organization_id IS NOT NULL")
            .await?;
        for table in ["users", "api_tokens"] {
            manager
                .drop_index(
                    Index::drop()
                        .name(format!("idx_{table}_organization_id"))
                        .table(table)
                        .to_owned(),
                )
                .await?;
        }
        match db.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(&format!(
                    "ALTER TABLE users DROP CONSTRAINT ck_users_tenant,
                       DROP COLUMN organization_id,
                       ALTER COLUMN institution_id SET NOT NULL,
                       DROP CONSTRAINT ck_users_role,
                       ADD CONSTRAINT ck_users_role CHECK (role IN ({OLD_ROLES}))"
                ))
                .await?;
                db.execute_unprepared(
                    "ALTER TABLE api_tokens DROP CONSTRAINT ck_api_tokens_tenant,
                       DROP COLUMN organization_id,
                       ALTER COLUMN institution_id SET NOT NULL",
                )
                .await?;
            }
            DbBackend::Sqlite => {
                rebuild_sqlite(db, "users", |sql| {
                    let sql = remove_constraint(sql, USERS_TENANT)?;
                    let sql = replace_once(
                        &sql,
                        &format!("{OLD_ROLES}, 'LICENSEE'"),
                        OLD_ROLES,
                        "ck_users_role",
                    )?;
                    remove_organization(&sql, "users")
                })
                .await?;
                rebuild_sqlite(db, "api_tokens", |sql| {
                    let sql = remove_constraint(sql, TOKENS_TENANT)?;
                    remove_organization(&sql, "api_tokens")
                })
                .await?;
            }
            other => return Err(unsupported(other)),
        }
        manager
            .drop_index(
                Index::drop()
                    .name("idx_deals_recipient_organization_id")
                    .table("deals")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("deals")
                    .drop_column("recipient_organization_id")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table("licensee_invitations").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("external_organizations").to_owned())
            .await
    }
}

/// Exactly one tenant; the LICENSEE role exactly for an organisation's users.
const USERS_TENANT: &str = "CONSTRAINT ck_users_tenant CHECK (\
     (role = 'LICENSEE' AND institution_id IS NULL AND organization_id IS NOT NULL) OR \
     (role <> 'LICENSEE' AND institution_id IS NOT NULL AND organization_id IS NULL))";
/// Exactly one tenant.
const TOKENS_TENANT: &str = "CONSTRAINT ck_api_tokens_tenant CHECK (\
     (institution_id IS NULL AND organization_id IS NOT NULL) OR \
     (institution_id IS NOT NULL AND organization_id IS NULL))";

fn unsupported(backend: DbBackend) -> DbErr {
    DbErr::Migration(format!("unsupported database backend {backend:?}"))
}

async fn index(
    manager: &SchemaManager<'_>,
    table: &str,
    column: &str,
    unique: bool,
) -> Result<(), DbErr> {
    let prefix = if unique { "uq" } else { "idx" };
    let mut index = Index::create();
    index
        .name(format!("{prefix}_{table}_{column}"))
        .table(table.to_owned())
        .col(column.to_owned());
    if unique {
        index.unique();
    }
    manager.create_index(index).await
}

fn fail(msg: String) -> DbErr {
    DbErr::Migration(msg)
}

fn replace_once(sql: &str, from: &str, to: &str, what: &str) -> Result<String, DbErr> {
    if sql.matches(from).count() != 1 {
        return Err(fail(format!("cannot find {what} in {sql}")));
    }
    Ok(sql.replacen(from, to, 1))
}

/// The text of the `institution_id` column's definition (up to the next comma).
fn institution_column(sql: &str, table: &str) -> Result<(usize, usize), DbErr> {
    let start = sql
        .find("\"institution_id\"")
        .ok_or_else(|| fail(format!("{table}.institution_id not found")))?;
    let end = sql[start..]
        .find(',')
        .map(|i| start + i)
        .ok_or_else(|| fail(format!("{table}.institution_id is the last column")))?;
    Ok((start, end))
}

/// `institution_id` loses its NOT NULL; `organization_id` follows it.
fn add_organization(sql: &str, table: &str) -> Result<String, DbErr> {
    let (start, end) = institution_column(sql, table)?;
    let def = &sql[start..end];
    if !def.contains(" NOT NULL") {
        return Err(fail(format!("{table}.institution_id is already nullable")));
    }
    let ty = def
        .trim_start_matches("\"institution_id\"")
        .replace(" NOT NULL", "");
    let new_def = format!(
        "{nullable}, \"organization_id\"{ty} CONSTRAINT \"fk_{table}_organization_id\" \
         REFERENCES \"external_organizations\" (\"id\")",
        nullable = def.replace(" NOT NULL", ""),
    );
    Ok(format!("{}{new_def}{}", &sql[..start], &sql[end..]))
}

/// Undoes [`add_organization`].
fn remove_organization(sql: &str, table: &str) -> Result<String, DbErr> {
    let (start, end) = institution_column(sql, table)?;
    let org_end = sql[end + 1..]
        .find(',')
        .map(|i| end + 1 + i)
        .ok_or_else(|| fail(format!("{table}.organization_id is the last column")))?;
    if !sql[end..org_end].contains("\"organization_id\"") {
        return Err(fail(format!("{table}.organization_id not found")));
    }
    let def = format!("{} NOT NULL", &sql[start..end]);
    Ok(format!("{}{def}{}", &sql[..start], &sql[org_end..]))
}

/// A table constraint before the closing parenthesis.
fn append_constraint(sql: &str, constraint: &str) -> String {
    let close = sql.rfind(')').unwrap_or(sql.len());
    format!("{}, {constraint}{}", &sql[..close], &sql[close..])
}

fn remove_constraint(sql: &str, constraint: &str) -> Result<String, DbErr> {
    replace_once(sql, &format!(", {constraint}"), "", "the tenant check")
}

/// Rebuilds `table` with the definition `patch` makes of its current one, keeping its rows (the
/// columns both definitions share), its indexes and every reference to it.
async fn rebuild_sqlite(
    db: &SchemaManagerConnection<'_>,
    table: &str,
    patch: impl FnOnce(&str) -> Result<String, DbErr>,
) -> Result<(), DbErr> {
    let create = query_strings(
        db,
        &format!("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '{table}'"),
    )
    .await?
    .into_iter()
    .next()
    .ok_or_else(|| fail(format!("table {table} not found")))?;
    let indexes = query_strings(
        db,
        &format!(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = '{table}' AND sql IS NOT NULL"
        ),
    )
    .await?;
    let old_columns = query_strings(
        db,
        &format!("SELECT name FROM pragma_table_info('{table}')"),
    )
    .await?;
    let rebuilt = format!("{table}_rebuilt");
    let new_create =
        patch(&create)?.replacen(&format!("\"{table}\""), &format!("\"{rebuilt}\""), 1);
    if !new_create.starts_with(&format!("CREATE TABLE \"{rebuilt}\"")) {
        return Err(fail(format!("unexpected CREATE TABLE of {table}")));
    }
    let new_columns: Vec<String> = {
        // The new table's columns are known once it exists; copy the ones both have.
        let probe = new_create.replacen(&rebuilt, &format!("{table}_probe"), 1);
        db.execute_unprepared(&probe).await?;
        let cols = query_strings(
            db,
            &format!("SELECT name FROM pragma_table_info('{table}_probe')"),
        )
        .await;
        db.execute_unprepared(&format!("DROP TABLE \"{table}_probe\""))
            .await?;
        cols?
    };
    let shared: Vec<String> = old_columns
        .iter()
        .filter(|c| new_columns.contains(c))
        .map(|c| format!("\"{c}\""))
        .collect();
    let shared = shared.join(", ");
    // One string: sqlx runs it on one connection, so the pragmas hold for the whole rebuild.
    let script = format!(
        "PRAGMA foreign_keys = OFF;
         BEGIN;
         {new_create};
         INSERT INTO \"{rebuilt}\" ({shared}) SELECT {shared} FROM \"{table}\";
         DROP TABLE \"{table}\";
         ALTER TABLE \"{rebuilt}\" RENAME TO \"{table}\";
         {indexes};
         COMMIT;
         PRAGMA foreign_keys = ON;",
        indexes = indexes.join(";\n")
    );
    if let Err(e) = db.execute_unprepared(&script).await {
        // Leave the connection as it was found: no open transaction, foreign keys on.
        let _ = db.execute_unprepared("ROLLBACK").await;
        let _ = db.execute_unprepared("PRAGMA foreign_keys = ON").await;
        return Err(e);
    }
    let violations = query_strings(db, "SELECT \"table\" FROM pragma_foreign_key_check").await?;
    if violations.is_empty() {
        Ok(())
    } else {
        Err(fail(format!(
            "foreign keys broken by the rebuild of {table}"
        )))
    }
}

async fn query_strings(db: &SchemaManagerConnection<'_>, sql: &str) -> Result<Vec<String>, DbErr> {
    let rows = db
        .query_all_raw(Statement::from_string(DbBackend::Sqlite, sql.to_owned()))
        .await?;
    rows.iter()
        .map(|r| r.try_get_by_index::<String>(0))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const USERS: &str = "CREATE TABLE \"users\" ( \"id\" uuid_text NOT NULL PRIMARY KEY, \"institution_id\" uuid_text NOT NULL, \"email\" varchar NOT NULL, CONSTRAINT \"ck_users_role\" CHECK (\"role\" IN ('CENTER_ADMIN', 'INSTITUTION_ADMIN', 'MEMBER', 'ANALYST')) )";

    #[test]
    fn the_sqlite_patches_undo_each_other() {
        let up = add_organization(USERS, "users").unwrap();
        let up = append_constraint(&up, USERS_TENANT);
        assert!(
            up.contains("\"institution_id\" uuid_text, \"organization_id\" uuid_text CONSTRAINT")
        );
        assert!(up.ends_with(&format!(", {USERS_TENANT} )")) || up.contains(USERS_TENANT));
        let down = remove_constraint(&up, USERS_TENANT).unwrap();
        let down = remove_organization(&down, "users").unwrap();
        assert_eq!(down, USERS);
    }
}
