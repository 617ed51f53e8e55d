//! Keeps the `search_text` columns current: every write of a searchable row (people, training
//! programs, ventures, agreements) refreshes it from the stored row, in the write's own
//! transaction; technologies build theirs with their translations (`technology::search_text`).
//! What goes into the text and how it is folded is `entity::search`'s.

use std::str::FromStr;

use entity::search::Searchable;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, ModelTrait, PrimaryKeyTrait, QueryFilter,
    sea_query::{Expr, LikeExpr},
};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// Rewrites row `id`'s `search_text` from its stored fields (nothing if there is no such row).
pub async fn refresh<E>(db: &impl ConnectionTrait, id: Uuid) -> AppResult<()>
where
    E: EntityTrait,
    E::Model: Searchable,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<Uuid>,
{
    if let Some(row) = E::find_by_id(id).one(db).await? {
        write::<E>(db, id, row.search_text()).await?;
    }
    Ok(())
}

/// Rewrites every row's `search_text` of `E` (after a bulk load such as the demo data).
pub async fn refresh_all<E>(db: &impl ConnectionTrait) -> AppResult<()>
where
    E: EntityTrait,
    E::Model: Searchable,
{
    let id = column::<E>("id")?;
    for row in E::find().all(db).await? {
        let row_id = row.get(id);
        let text = row.search_text();
        E::update_many()
            .col_expr(column::<E>("search_text")?, Expr::value(text))
            .filter(id.eq(row_id))
            .exec(db)
            .await?;
    }
    Ok(())
}

async fn write<E: EntityTrait>(db: &impl ConnectionTrait, id: Uuid, text: String) -> AppResult<()> {
    E::update_many()
        .col_expr(column::<E>("search_text")?, Expr::value(text))
        .filter(column::<E>("id")?.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

fn column<E: EntityTrait>(name: &str) -> AppResult<E::Column> {
    E::Column::from_str(name)
        .map_err(|_| AppError::internal(anyhow::anyhow!("{name} column missing")))
}

/// Rows whose search text (`column`) contains every word of `query`, folded as the text is:
/// case and diacritics do not matter, and LIKE's wildcards in a word are taken literally. A
/// blank query matches every row.
pub fn condition(column: impl ColumnTrait, query: &str) -> Condition {
    entity::search::words(query)
        .iter()
        .fold(Condition::all(), |c, word| {
            c.add(column.like(contains(word)))
        })
}

/// `%word%` with LIKE's wildcards in `word` taken literally.
fn contains(word: &str) -> LikeExpr {
    let escaped = word
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    LikeExpr::new(format!("%{escaped}%")).escape('\\')
}
