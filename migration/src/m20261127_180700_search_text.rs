//! Search ignores case and diacritics on both databases: people, training programs, ventures
//! and agreements get a `search_text` column like the technologies', and every `search_text`
//! holds its row's searchable fields folded by `entity::search::fold` (lower-case, without
//! diacritics, Serbian Cyrillic spelled in Latin). The service layer keeps them current; this
//! migration fills them for the rows already there.

use entity::search;
use sea_orm_migration::{
    prelude::*,
    schema::text,
    sea_orm::{ConnectionTrait, QueryResult, prelude::Uuid},
};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables that gain the column, and the columns their search text is made of.
const NEW: &[(&str, &[&str])] = &[
    ("people", &["full_name", "title", "expertise"]),
    ("training_programs", &["title", "description"]),
    ("ventures", &["name", "cohort", "description"]),
    ("agreements", &["title", "summary"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, columns) in NEW {
            manager
                .alter_table(
                    Table::alter()
                        .table(*table)
                        .add_column(text("search_text").default(""))
                        .to_owned(),
                )
                .await?;
            backfill(manager, table, columns).await?;
        }
        // Technologies kept their text lower-cased only; folding the lower-cased text gives the
        // folded text of the fields (folding lower-cases first).
        backfill(manager, "technologies", &["search_text"]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, _) in NEW {
            manager
                .alter_table(
                    Table::alter()
                        .table(*table)
                        .drop_column("search_text")
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

/// Sets `search_text` of every row of `table` to the folded text of `columns` (a JSON array
/// column contributes its strings).
async fn backfill(
    manager: &SchemaManager<'_>,
    table: &'static str,
    columns: &'static [&'static str],
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let select = Query::select()
        .column("id")
        .columns(columns.iter().copied())
        .from(table)
        .to_owned();
    let rows = db.query_all(&select).await?;
    for row in rows {
        let id: Uuid = row.try_get("", "id")?;
        let mut parts = Vec::new();
        for column in columns {
            parts.extend(texts_of(&row, column)?);
        }
        let update = Query::update()
            .table(table)
            .value(
                "search_text",
                search::text(parts.iter().map(String::as_str)),
            )
            .and_where(Expr::col("id").eq(id))
            .to_owned();
        manager.exec_stmt(update).await?;
    }
    Ok(())
}

/// The text in `column` of `row`: a nullable text, or the strings of a JSON array.
fn texts_of(row: &QueryResult, column: &str) -> Result<Vec<String>, DbErr> {
    if column == "expertise" {
        let tags: Option<serde_json::Value> = row.try_get("", column)?;
        return Ok(tags
            .as_ref()
            .and_then(|t| t.as_array())
            .map(|items| {
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default());
    }
    let text: Option<String> = row.try_get("", column)?;
    Ok(text.into_iter().collect())
}
