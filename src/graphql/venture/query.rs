//! The root `ventures` list: filters and ordering.

use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::{enums::VentureStage, venture};
use sea_orm::{ColumnTrait, Condition};

use crate::graphql::{
    connection::{self, OrderDirection, OrderField, Ordering, Page, PageArgs},
    ids, request,
    venture::Venture,
};
use crate::{auth::scope, error::AppResult, service::search};

/// Filters for `ventures`; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct VentureFilter {
    /// The venture's stage.
    pub stage: Option<VentureStage>,
    /// Incubation cohort, e.g. `2025-autumn`.
    pub cohort: Option<String>,
    /// The lead institution's global id.
    pub lead_institution: Option<ID>,
    /// Words that must all occur in the name, cohort or description; case and diacritics do
    /// not matter.
    pub search: Option<String>,
}

impl VentureFilter {
    fn condition(self) -> AppResult<Condition> {
        let mut c = Condition::all();
        if let Some(s) = self.stage {
            c = c.add(venture::Column::Stage.eq(s));
        }
        if let Some(cohort) = self.cohort {
            c = c.add(venture::Column::Cohort.eq(cohort.trim()));
        }
        if let Some(lead) = &self.lead_institution {
            let lead = ids::decode_as("leadInstitution", "Institution", lead)?;
            c = c.add(venture::Column::LeadInstitutionId.eq(lead));
        }
        if let Some(query) = &self.search {
            c = c.add(search::condition(venture::Column::SearchText, query));
        }
        Ok(c)
    }
}

/// Fields `ventures` can be ordered by.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum VentureOrderField {
    /// The venture's name.
    #[default]
    Name,
    /// When the venture was recorded.
    CreatedAt,
}

impl OrderField<venture::Entity> for VentureOrderField {
    fn column(self) -> venture::Column {
        match self {
            Self::Name => venture::Column::Name,
            Self::CreatedAt => venture::Column::CreatedAt,
        }
    }
}

/// Ordering of ventures (ties broken by id).
#[derive(InputObject, Default)]
pub struct VentureOrder {
    /// The field to order by.
    #[graphql(default)]
    pub field: VentureOrderField,
    /// Ascending (the default) or descending.
    #[graphql(default)]
    pub direction: OrderDirection,
}

#[derive(Default)]
pub struct VentureQuery;

#[Object]
impl VentureQuery {
    /// Ventures in the incubator that the viewer may see.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn ventures(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items that meet every condition given.")] filter: Option<
            VentureFilter,
        >,
        #[graphql(desc = "The order of the items; ties are broken by id.")] order_by: Option<
            VentureOrder,
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
    ) -> Result<Page<Venture>> {
        let req = request(ctx);
        req.principal.require_scope(scope::VENTURE_READ)?;
        let order = order_by.unwrap_or_default();
        Ok(connection::root_list::<venture::Entity, _>(
            ctx,
            filter.unwrap_or_default().condition()?,
            Ordering::new(order.field, order.direction),
            PageArgs::new(first, after, last, before),
        )
        .await?)
    }
}
