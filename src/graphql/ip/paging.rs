//! Paging for the IP lists that `connection` cannot page: lists ordered by a nullable date
//! (filing and priority dates are absent while an asset is drafted) and computed lists
//! (deadlines). Same arguments, limits, `pageInfo` and `totalCount` as every other connection;
//! cursors are opaque keyset positions here too.

use async_graphql::{
    OutputType,
    connection::{Connection, Edge},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::NaiveDate;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
    sea_query::{Expr, ExprTrait},
};
use serde::{Serialize, de::DeserializeOwned};
use uuid::Uuid;

use crate::graphql::connection::{
    ConnectionTotals, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, OrderDirection, Page, PageArgs,
};
use crate::{
    db::id_column,
    error::{AppError, AppResult},
};

/// A validated request for a page.
struct Window<K> {
    limit: usize,
    after: Option<K>,
    before: Option<K>,
    /// `last` was given: take the items nearest the end.
    from_end: bool,
}

impl<K: DeserializeOwned> Window<K> {
    fn from_args(args: &PageArgs) -> AppResult<Self> {
        let size = |name: &str, v: Option<i32>| match v {
            None => Ok(None),
            Some(n) if (0..=MAX_PAGE_SIZE as i32).contains(&n) => Ok(Some(n as usize)),
            Some(_) => Err(AppError::bad_input(
                name,
                format!("`{name}` must be between 0 and {MAX_PAGE_SIZE}"),
            )),
        };
        let (first, last) = (size("first", args.first)?, size("last", args.last)?);
        if first.is_some() && last.is_some() {
            return Err(AppError::bad_input(
                "last",
                "pass either `first` or `last`, not both",
            ));
        }
        Ok(Window {
            limit: first.or(last).unwrap_or(DEFAULT_PAGE_SIZE),
            after: args
                .after
                .as_deref()
                .map(|c| decode("after", c))
                .transpose()?,
            before: args
                .before
                .as_deref()
                .map(|c| decode("before", c))
                .transpose()?,
            from_end: last.is_some(),
        })
    }

    /// Relay: with `after` a previous page exists; with `before` a next one does.
    fn page_info(&self, more: bool) -> (bool, bool) {
        if self.from_end {
            (more, self.before.is_some())
        } else {
            (self.after.is_some(), more)
        }
    }
}

fn encode<K: Serialize>(key: &K) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(key).unwrap_or_default())
}

fn decode<K: DeserializeOwned>(field: &str, raw: &str) -> AppResult<K> {
    URL_SAFE_NO_PAD
        .decode(raw)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| AppError::bad_input(field, "not a cursor of this list"))
}

/// Pages a computed list in memory, ordered by `key` (which must be unique per item).
pub fn page_in_memory<T, K>(
    items: Vec<T>,
    key: impl Fn(&T) -> K,
    args: &PageArgs,
) -> AppResult<Page<T>>
where
    T: OutputType,
    K: Ord + Serialize + DeserializeOwned,
{
    let window = Window::<K>::from_args(args)?;
    let mut keyed: Vec<(K, T)> = items.into_iter().map(|t| (key(&t), t)).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    let total_count = keyed.len() as u64;
    keyed.retain(|(k, _)| {
        window.after.as_ref().is_none_or(|a| k > a) && window.before.as_ref().is_none_or(|b| k < b)
    });
    let more = keyed.len() > window.limit;
    let taken: Vec<(K, T)> = if window.from_end {
        keyed.split_off(keyed.len().saturating_sub(window.limit))
    } else {
        keyed.truncate(window.limit);
        keyed
    };
    let (has_previous, has_next) = window.page_info(more);
    let mut page = Connection::with_additional_fields(
        has_previous,
        has_next,
        ConnectionTotals { total_count },
    );
    page.edges.extend(
        taken
            .into_iter()
            .map(|(k, t)| Edge::new(encode(&k).into(), t)),
    );
    Ok(page)
}

/// A position in a list ordered by a nullable date: the date (absent ones sort last in either
/// direction) and the row id.
type DateKey = (Option<NaiveDate>, Uuid);

/// Rows strictly after (`after`) or before the cursor, in the list's forward order.
fn beyond<C: ColumnTrait>(col: C, id: C, asc: bool, key: &DateKey, after: bool) -> Condition {
    let (date, cid) = *key;
    // "Later" along the direction of the list.
    let later_date = |d: NaiveDate| if asc { col.gt(d) } else { col.lt(d) };
    let earlier_date = |d: NaiveDate| if asc { col.lt(d) } else { col.gt(d) };
    let later_id = if asc { id.gt(cid) } else { id.lt(cid) };
    let earlier_id = if asc { id.lt(cid) } else { id.gt(cid) };
    match (date, after) {
        (Some(d), true) => Condition::any()
            .add(later_date(d))
            .add(Condition::all().add(col.eq(d)).add(later_id))
            .add(col.is_null()),
        (None, true) => Condition::all().add(col.is_null()).add(later_id),
        (Some(d), false) => Condition::any()
            .add(earlier_date(d))
            .add(Condition::all().add(col.eq(d)).add(earlier_id)),
        (None, false) => Condition::any()
            .add(col.is_not_null())
            .add(Condition::all().add(col.is_null()).add(earlier_id)),
    }
}

/// Pages `select` (already restricted by the access policy) in the database, ordered by the
/// nullable date `column` (rows without one last), ties broken by id.
pub async fn paginate_by_nullable_date<E, N>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    column: E::Column,
    key_of: fn(&E::Model) -> (Option<NaiveDate>, Uuid),
    direction: OrderDirection,
    args: &PageArgs,
    want_total: bool,
) -> AppResult<Page<N>>
where
    E: EntityTrait,
    E::Model: Into<N> + Sync,
    N: OutputType,
{
    let window = Window::<DateKey>::from_args(args)?;
    let total_count = if want_total {
        select.clone().count(db).await?
    } else {
        0
    };
    let id = id_column::<E>();
    let asc = direction == OrderDirection::Asc;
    let mut query = select;
    if let Some(k) = &window.after {
        query = query.filter(beyond(column, id, asc, k, true));
    }
    if let Some(k) = &window.before {
        query = query.filter(beyond(column, id, asc, k, false));
    }
    let (nulls, dir) = match (window.from_end, asc) {
        (false, true) => (Order::Asc, Order::Asc),
        (false, false) => (Order::Asc, Order::Desc),
        (true, true) => (Order::Desc, Order::Desc),
        (true, false) => (Order::Desc, Order::Asc),
    };
    let mut rows = query
        .order_by(Expr::col(column).is_null(), nulls)
        .order_by(column, dir.clone())
        .order_by(id, dir)
        .limit(window.limit as u64 + 1)
        .all(db)
        .await?;
    let more = rows.len() > window.limit;
    rows.truncate(window.limit);
    if window.from_end {
        rows.reverse();
    }
    let (has_previous, has_next) = window.page_info(more);
    let mut page = Connection::with_additional_fields(
        has_previous,
        has_next,
        ConnectionTotals { total_count },
    );
    for row in rows {
        let cursor = encode(&key_of(&row)).into();
        page.edges.push(Edge::new(cursor, row.into()));
    }
    Ok(page)
}
