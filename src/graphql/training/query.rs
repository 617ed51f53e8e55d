//! The root `trainingPrograms` list: filters and ordering.

use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::{
    enums::{ProgramKind, TechnologyField, Visibility},
    training_program,
};
use sea_orm::{ColumnTrait, Condition};

use crate::graphql::{
    connection::{self, OrderDirection, OrderField, Ordering, Page, PageArgs},
    ids, request,
    scalars::Date,
    training::TrainingProgram,
};
use crate::{auth::scope, error::AppResult, service::search};

/// Filters for `trainingPrograms`; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct TrainingProgramFilter {
    /// The kind of program.
    pub kind: Option<ProgramKind>,
    /// The field the program trains in.
    pub field: Option<TechnologyField>,
    /// The host institution's global id.
    pub host: Option<ID>,
    /// Language of instruction, e.g. `en`.
    pub language: Option<String>,
    /// Who may see the program.
    pub visibility: Option<Visibility>,
    /// Programs starting on or after this date.
    pub starts_after: Option<Date>,
    /// Programs starting on or before this date.
    pub starts_before: Option<Date>,
    /// Words that must all occur in the title or description; case and diacritics do not
    /// matter.
    pub search: Option<String>,
}

impl TrainingProgramFilter {
    fn condition(self) -> AppResult<Condition> {
        use training_program::Column as C;
        let mut c = Condition::all();
        if let Some(k) = self.kind {
            c = c.add(C::Kind.eq(k));
        }
        if let Some(f) = self.field {
            c = c.add(C::Field.eq(f));
        }
        if let Some(host) = &self.host {
            c = c.add(C::HostInstitutionId.eq(ids::decode_as("host", "Institution", host)?));
        }
        if let Some(l) = self.language {
            c = c.add(C::Language.eq(l.trim().to_lowercase()));
        }
        if let Some(v) = self.visibility {
            c = c.add(C::Visibility.eq(v));
        }
        if let Some(d) = self.starts_after {
            c = c.add(C::StartsOn.gte(d.0));
        }
        if let Some(d) = self.starts_before {
            c = c.add(C::StartsOn.lte(d.0));
        }
        if let Some(query) = &self.search {
            c = c.add(search::condition(C::SearchText, query));
        }
        Ok(c)
    }
}

/// Fields `trainingPrograms` can be ordered by.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum TrainingProgramOrderField {
    /// The first day.
    #[default]
    StartsOn,
    /// The title.
    Title,
}

impl OrderField<training_program::Entity> for TrainingProgramOrderField {
    fn column(self) -> training_program::Column {
        match self {
            Self::StartsOn => training_program::Column::StartsOn,
            Self::Title => training_program::Column::Title,
        }
    }
}

/// Ordering of training programs (ties broken by id).
#[derive(InputObject, Default)]
pub struct TrainingProgramOrder {
    /// The field to order by.
    #[graphql(default)]
    pub field: TrainingProgramOrderField,
    /// Ascending (the default) or descending.
    #[graphql(default)]
    pub direction: OrderDirection,
}

#[derive(Default)]
pub struct TrainingQuery;

#[Object]
impl TrainingQuery {
    /// Training programs the viewer may see.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn training_programs(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items that meet every condition given.")] filter: Option<
            TrainingProgramFilter,
        >,
        #[graphql(desc = "The order of the items; ties are broken by id.")] order_by: Option<
            TrainingProgramOrder,
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
    ) -> Result<Page<TrainingProgram>> {
        let req = request(ctx);
        req.principal.require_scope(scope::TRAINING_READ)?;
        let order = order_by.unwrap_or_default();
        Ok(connection::root_list::<training_program::Entity, _>(
            ctx,
            filter.unwrap_or_default().condition()?,
            Ordering::new(order.field, order.direction),
            PageArgs::new(first, after, last, before),
        )
        .await?)
    }
}
