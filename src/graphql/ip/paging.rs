//! Paging for computed IP lists (deadlines), which `connection` cannot page because they are
//! not rows. Same arguments, limits, `pageInfo` and `totalCount` as every other connection;
//! cursors are opaque keyset positions here too.

use async_graphql::{
    OutputType,
    connection::{Connection, Edge},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::{Serialize, de::DeserializeOwned};

use crate::error::{AppError, AppResult};
use crate::graphql::connection::{
    ConnectionTotals, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page, PageArgs,
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
    Ok(Page(page))
}
