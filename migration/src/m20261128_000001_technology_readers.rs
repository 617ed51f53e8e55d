//! `technology_readers`: for each technology, the institutions related to it: its owner, the
//! co-owners of its IP assets, the parties of its deals, and the institutions of its inventors.
//! Their confidential readers may see it whatever its visibility (DESIGN.md, "who sees what").
//!
//! The access policy used to work these relations out in every statement that reads
//! technologies: four subqueries over IP assets, ownerships, deals and inventors, evaluated for
//! every technology a page counts. They are now kept here, on write, by triggers on the tables
//! they come from, so that every write path keeps them — the service's, the seed's, a bulk
//! import's and an operator's `psql` alike — inside the writing transaction.
//!
//! The triggers recompute the rows of each technology a write touches from the tables
//! (delete, then insert), rather than adding and removing single rows: a row has several
//! possible reasons, and recomputing cannot drift. On PostgreSQL, a refresh first locks the
//! technology's row (`FOR NO KEY UPDATE`, which FK checks do not wait for), so two transactions
//! writing relations of one technology refresh it one after the other, the second with a fresh
//! snapshot that sees the first's commit; without it, the second could re-insert a relation the
//! first removed. SQLite has one writer at a time.
//!
//! A later migration that rebuilds one of these tables on SQLite (create, copy, drop, rename)
//! drops its triggers with it and must create them again: the API suite's consistency test
//! (`tests/api/technology_readers.rs`) fails if a relation stops being kept.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "technology_readers";

/// Statements that bring the rows of the technologies `ids` (a list of values or a subquery)
/// up to date. A technology that no longer exists (being deleted, its dependants cascading)
/// gets none.
fn refresh(ids: &str) -> String {
    format!(
        "DELETE FROM technology_readers WHERE technology_id IN ({ids});
INSERT INTO technology_readers (institution_id, technology_id)
SELECT r.institution_id, r.technology_id FROM (
  SELECT t.owner_id AS institution_id, t.id AS technology_id FROM technologies t
    WHERE t.id IN ({ids})
  UNION SELECT o.institution_id, a.technology_id FROM ip_assets a
    JOIN ip_ownerships o ON o.ip_asset_id = a.id WHERE a.technology_id IN ({ids})
  UNION SELECT d.provider_id, d.technology_id FROM deals d WHERE d.technology_id IN ({ids})
  UNION SELECT d.recipient_institution_id, d.technology_id FROM deals d
    WHERE d.technology_id IN ({ids}) AND d.recipient_institution_id IS NOT NULL
  UNION SELECT p.institution_id, i.technology_id FROM technology_inventors i
    JOIN people p ON p.id = i.person_id WHERE i.technology_id IN ({ids})
) r WHERE r.technology_id IN (SELECT id FROM technologies);"
    )
}

/// A table whose rows relate institutions to technologies, and how to find the technologies
/// a row of it concerns (`{row}` stands for `OLD` or `NEW`).
struct Source {
    table: &'static str,
    /// The columns whose change changes the relation (`UPDATE OF …`).
    columns: &'static str,
    /// The technologies the row `{row}` concerns, as a subquery or a value.
    technologies: &'static str,
    /// Whether inserting or deleting a row can change a relation (a person has none until
    /// named as an inventor; a deleted person's inventor rows cascade).
    insert_delete: bool,
}

const SOURCES: &[Source] = &[
    Source {
        table: "technologies",
        columns: "owner_id",
        technologies: "{row}.id",
        insert_delete: true,
    },
    Source {
        table: "ip_assets",
        columns: "technology_id",
        technologies: "{row}.technology_id",
        insert_delete: true,
    },
    Source {
        table: "ip_ownerships",
        columns: "ip_asset_id, institution_id",
        technologies: "SELECT technology_id FROM ip_assets WHERE id = {row}.ip_asset_id",
        insert_delete: true,
    },
    Source {
        table: "deals",
        columns: "technology_id, provider_id, recipient_institution_id",
        technologies: "{row}.technology_id",
        insert_delete: true,
    },
    Source {
        table: "technology_inventors",
        columns: "technology_id, person_id",
        technologies: "{row}.technology_id",
        insert_delete: true,
    },
    Source {
        table: "people",
        columns: "institution_id",
        technologies: "SELECT technology_id FROM technology_inventors WHERE person_id = {row}.id",
        insert_delete: false,
    },
];

fn of(row: &str, technologies: &str) -> String {
    technologies.replace("{row}", row)
}

/// SQLite: one trigger per table and operation, the refresh written out in each.
fn sqlite_triggers() -> Vec<String> {
    let mut out = Vec::new();
    for s in SOURCES {
        let (table, columns) = (s.table, s.columns);
        // A bare `OLD.x` is a value: select it, so that every form is a subquery.
        let subquery = |row: &str| {
            let t = of(row, s.technologies);
            if t.starts_with("SELECT") {
                t
            } else {
                format!("SELECT {t}")
            }
        };
        let (old, new) = (subquery("OLD"), subquery("NEW"));
        let mut ops = vec![(
            "update",
            format!("UPDATE OF {columns}"),
            format!("{old} UNION {new}"),
        )];
        if s.insert_delete {
            ops.push(("insert", "INSERT".into(), new.clone()));
            ops.push(("delete", "DELETE".into(), old.clone()));
        }
        for (name, event, ids) in ops {
            out.push(format!(
                "CREATE TRIGGER {TABLE}_{table}_{name} AFTER {event} ON {table} FOR EACH ROW \
                 BEGIN {} END",
                refresh(&ids)
            ));
        }
    }
    out
}

/// PostgreSQL: one refresh function, and per table a trigger function collecting the
/// technologies a row concerns.
fn postgres_statements() -> Vec<String> {
    let mut out = vec![format!(
        "CREATE FUNCTION {TABLE}_refresh(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM technologies WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
  {}
END $$",
        refresh("SELECT unnest(ids)")
    )];
    for s in SOURCES {
        let (table, columns) = (s.table, s.columns);
        let as_array = |row: &str| {
            let t = of(row, s.technologies);
            if t.starts_with("SELECT") {
                format!("ARRAY({t})")
            } else {
                format!("ARRAY[{t}]")
            }
        };
        out.push(format!(
            "CREATE FUNCTION {TABLE}_on_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ids uuid[] := '{{}}';
BEGIN
  IF TG_OP <> 'INSERT' THEN ids := ids || {}; END IF;
  IF TG_OP <> 'DELETE' THEN ids := ids || {}; END IF;
  PERFORM {TABLE}_refresh(ids);
  RETURN NULL;
END $$",
            as_array("OLD"),
            as_array("NEW"),
        ));
        let events = if s.insert_delete {
            format!("INSERT OR DELETE OR UPDATE OF {columns}")
        } else {
            format!("UPDATE OF {columns}")
        };
        out.push(format!(
            "CREATE TRIGGER {TABLE}_{table} AFTER {events} ON {table} \
             FOR EACH ROW EXECUTE FUNCTION {TABLE}_on_{table}()"
        ));
    }
    out
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TABLE)
                    .col(ColumnDef::new("institution_id").uuid().not_null())
                    .col(ColumnDef::new("technology_id").uuid().not_null())
                    .primary_key(
                        Index::create()
                            .name("pk_technology_readers")
                            .col("institution_id")
                            .col("technology_id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_technology_readers_institution_id")
                            .from(TABLE, "institution_id")
                            .to("institutions", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_technology_readers_technology_id")
                            .from(TABLE, "technology_id")
                            .to("technologies", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_technology_readers_technology_id")
                    .table(TABLE)
                    .col("technology_id")
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let statements = match manager.get_database_backend() {
            DbBackend::Postgres => postgres_statements(),
            _ => sqlite_triggers(),
        };
        for sql in statements {
            db.execute_unprepared(&sql).await?;
        }
        // The relations of the technologies already recorded.
        db.execute_unprepared(&refresh("SELECT id FROM technologies"))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                for s in SOURCES {
                    db.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS {TABLE}_{0} ON {0}; \
                         DROP FUNCTION IF EXISTS {TABLE}_on_{0}()",
                        s.table
                    ))
                    .await?;
                }
                db.execute_unprepared(&format!("DROP FUNCTION IF EXISTS {TABLE}_refresh(uuid[])"))
                    .await?;
            }
            _ => {
                for s in SOURCES {
                    for op in ["update", "insert", "delete"] {
                        db.execute_unprepared(&format!(
                            "DROP TRIGGER IF EXISTS {TABLE}_{}_{op}",
                            s.table
                        ))
                        .await?;
                    }
                }
            }
        }
        manager
            .drop_table(Table::drop().table(TABLE).to_owned())
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_has_its_triggers() {
        // Three per table on SQLite (two for people), and a function and a trigger per table
        // plus the refresh on PostgreSQL.
        assert_eq!(sqlite_triggers().len(), 3 * SOURCES.len() - 2);
        assert_eq!(postgres_statements().len(), 1 + 2 * SOURCES.len());
        let people = sqlite_triggers()
            .into_iter()
            .find(|t| t.contains("ON people"))
            .unwrap();
        assert!(people.contains("UPDATE OF institution_id"), "{people}");
        assert!(
            people.contains("WHERE person_id = OLD.id") && people.contains("person_id = NEW.id"),
            "{people}"
        );
    }
}
