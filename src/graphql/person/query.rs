//! The root `people` list: filters, search and ordering.

use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::person;
use sea_orm::{
    ColumnTrait, Condition,
    sea_query::{Expr, ExprTrait, Func, LikeExpr},
};

use crate::error::AppResult;
use crate::graphql::{
    connection::{self, OrderDirection, OrderField, Ordering, Page, PageArgs},
    ids,
    person::Person,
    request,
};

/// Filters for `people`; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct PersonFilter {
    /// The institution's global id.
    pub institution: Option<ID>,
    /// Words that must all occur in the full name or the expertise tags (case-insensitive).
    pub search: Option<String>,
    /// Only people with (true) or without (false) an ORCID iD.
    pub has_orcid: Option<bool>,
}

impl PersonFilter {
    fn condition(self) -> AppResult<Condition> {
        let mut c = Condition::all();
        if let Some(inst) = &self.institution {
            let inst = ids::decode_as("institution", "Institution", inst)?;
            c = c.add(person::Column::InstitutionId.eq(inst));
        }
        for word in self.search.iter().flat_map(|s| s.split_whitespace()) {
            let pattern = contains(&word.to_lowercase());
            let lower = |e: Expr| Expr::expr(Func::lower(e));
            c = c.add(
                Condition::any()
                    .add(lower(Expr::col(person::Column::FullName)).like(pattern.clone()))
                    .add(lower(Expr::col(person::Column::Expertise).cast_as("text")).like(pattern)),
            );
        }
        match self.has_orcid {
            Some(true) => c = c.add(person::Column::Orcid.is_not_null()),
            Some(false) => c = c.add(person::Column::Orcid.is_null()),
            None => {}
        }
        Ok(c)
    }
}

/// `%word%` with LIKE's wildcards in `word` taken literally.
fn contains(word: &str) -> LikeExpr {
    let escaped = word
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

/// Fields `people` can be ordered by.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum PersonOrderField {
    /// Full name.
    #[default]
    Name,
    /// When the person was recorded.
    CreatedAt,
}

impl OrderField<person::Entity> for PersonOrderField {
    fn column(self) -> person::Column {
        match self {
            Self::Name => person::Column::FullName,
            Self::CreatedAt => person::Column::CreatedAt,
        }
    }
}

/// Ordering of people (ties broken by id).
#[derive(InputObject, Default)]
pub struct PersonOrder {
    /// The field to order by.
    #[graphql(default)]
    pub field: PersonOrderField,
    /// Ascending (the default) or descending.
    #[graphql(default)]
    pub direction: OrderDirection,
}

#[derive(Default)]
pub struct PersonQuery;

#[Object]
impl PersonQuery {
    /// People the viewer may see: member institutions see everyone's names and institutions;
    /// e-mail addresses only their own institution's.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn people(
        &self,
        ctx: &Context<'_>,
        filter: Option<PersonFilter>,
        order_by: Option<PersonOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Page<Person>> {
        let _req = request(ctx);
        let order = order_by.unwrap_or_default();
        Ok(connection::root_list::<person::Entity, _>(
            ctx,
            filter.unwrap_or_default().condition()?,
            Ordering::new(order.field, order.direction),
            PageArgs::new(first, after, last, before),
        )
        .await?)
    }
}
