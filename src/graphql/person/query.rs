//! The root `people` list: filters, search and ordering.

use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::person;
use sea_orm::{ColumnTrait, Condition};

use crate::graphql::{
    connection::{self, OrderDirection, OrderField, Ordering, Page, PageArgs},
    ids,
    person::Person,
    request,
};
use crate::{error::AppResult, service::search};

/// Filters for `people`; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct PersonFilter {
    /// The institution's global id.
    pub institution: Option<ID>,
    /// Words that must all occur in the full name, title or expertise tags; case and diacritics
    /// do not matter (`saric` finds `Šarić`).
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
        if let Some(query) = &self.search {
            c = c.add(search::condition(person::Column::SearchText, query));
        }
        match self.has_orcid {
            Some(true) => c = c.add(person::Column::Orcid.is_not_null()),
            Some(false) => c = c.add(person::Column::Orcid.is_null()),
            None => {}
        }
        Ok(c)
    }
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
        #[graphql(desc = "Only items that meet every condition given.")] filter: Option<
            PersonFilter,
        >,
        #[graphql(desc = "The order of the items; ties are broken by id.")] order_by: Option<
            PersonOrder,
        >,
        #[graphql(
            desc = "Return at most this many items from the start (after `after`); at most 100, 20 when neither `first` nor `last` is given."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the items after this cursor (an edge's `cursor` or `pageInfo.endCursor`)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Return at most this many items from the end (before `before`); at most 100."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Return the items before this cursor (an edge's `cursor` or `pageInfo.startCursor`)."
        )]
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
