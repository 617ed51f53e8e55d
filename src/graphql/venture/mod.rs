//! Ventures: research findings incubated into companies, with founders and milestones.

pub mod equity;
pub mod mutation;
pub mod query;

use async_graphql::{Context, ID, Object, Result};
use chrono::Utc;
use entity::{
    enums::VentureStage, institution, person, technology, venture, venture_founder,
    venture_milestone,
};

use crate::graphql::{
    connection::{self, OrderDirection, OrderField, Ordering, Page, PageArgs},
    ids,
    institution::Institution,
    money::Money,
    person::Person,
    request,
    scalars::{Date, Timestamp},
    technology::Technology,
};
use crate::has_many;

has_many!(VenturesOf, venture::Entity, venture::Column::TechnologyId);
has_many!(
    VenturesLedBy,
    venture::Entity,
    venture::Column::LeadInstitutionId
);
has_many!(
    FoundersOf,
    venture_founder::Entity,
    venture_founder::Column::VentureId
);
has_many!(
    FoundedBy,
    venture_founder::Entity,
    venture_founder::Column::PersonId
);
has_many!(
    MilestonesOf,
    venture_milestone::Entity,
    venture_milestone::Column::VentureId
);

/// A venture in the center's incubator.
pub struct Venture(pub venture::Model);

impl From<venture::Model> for Venture {
    fn from(m: venture::Model) -> Self {
        Venture(m)
    }
}

/// A venture in the center's incubator, led by one institution.
#[Object]
impl Venture {
    /// Global id (`Node`).
    pub async fn id(&self) -> ID {
        ids::encode("Venture", self.0.id)
    }
    /// The venture's (company) name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Incubation cohort, e.g. `2026-spring`.
    async fn cohort(&self) -> Option<&str> {
        self.0.cohort.as_deref()
    }
    /// Where the venture stands: APPLICATION → INCUBATING → GRADUATED | DISCONTINUED.
    async fn stage(&self) -> VentureStage {
        self.0.stage
    }
    /// What the venture does.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// The institution leading the venture.
    async fn lead_institution(&self, ctx: &Context<'_>) -> Result<Option<Institution>> {
        Ok(request(ctx)
            .loaders
            .one::<institution::Entity>(self.0.lead_institution_id)
            .await?
            .map(Institution))
    }
    /// The technology the venture builds on (null when none, or when the viewer may not see it).
    async fn technology(&self, ctx: &Context<'_>) -> Result<Option<Technology>> {
        let Some(id) = self.0.technology_id else {
            return Ok(None);
        };
        Ok(request(ctx)
            .loaders
            .one::<technology::Entity>(id)
            .await?
            .map(Technology))
    }
    /// When the company was incorporated, if it is.
    async fn founded_on(&self) -> Option<crate::graphql::scalars::Date> {
        self.0.founded_on.map(Into::into)
    }
    /// The company's legal form, e.g. `d.o.o.` or `LLC`.
    async fn legal_form(&self) -> Option<&str> {
        self.0.legal_form.as_deref()
    }
    /// The lead institution's current equity stake in basis points (the latest change; null
    /// when none is recorded).
    async fn equity_basis_points(&self, ctx: &Context<'_>) -> Result<Option<i32>> {
        Ok(equity::changes(ctx, self.0.id)
            .await?
            .last()
            .map(|c| c.equity_basis_points))
    }
    /// How the lead institution's stake changed over rounds, oldest first.
    async fn equity_changes(&self, ctx: &Context<'_>) -> Result<Vec<equity::VentureEquityChange>> {
        equity::changes(ctx, self.0.id).await
    }
    /// Funding raised so far.
    async fn funding_raised(&self) -> Money {
        Money::new(self.0.funding_raised, &self.0.funding_currency)
    }
    /// The founders and their roles.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn founders(
        &self,
        ctx: &Context<'_>,
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
    ) -> Result<Page<VentureFounder>> {
        let args = PageArgs::new(first, after, last, before);
        Ok(connection::children_page::<FoundersOf, _>(ctx, self.0.id, args).await?)
    }
    /// The venture's milestones, by due date.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn milestones(
        &self,
        ctx: &Context<'_>,
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
    ) -> Result<Page<VentureMilestone>> {
        let rows = request(ctx)
            .loaders
            .children::<MilestonesOf>(self.0.id)
            .await?;
        let order = Ordering::new(MilestoneOrder::DueOn, OrderDirection::Asc);
        Ok(connection::paginate_loaded(
            rows,
            order,
            &PageArgs::new(first, after, last, before),
        )?)
    }
    /// When the venture was recorded.
    async fn created_at(&self) -> Timestamp {
        Timestamp(self.0.created_at)
    }
    /// When the venture was last changed.
    async fn updated_at(&self) -> Timestamp {
        Timestamp(self.0.updated_at)
    }
    /// Optimistic-concurrency version; pass it back as `expectedVersion` when updating.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// Milestones are listed by due date.
#[derive(Clone, Copy)]
enum MilestoneOrder {
    DueOn,
}

impl OrderField<venture_milestone::Entity> for MilestoneOrder {
    fn column(self) -> venture_milestone::Column {
        match self {
            Self::DueOn => venture_milestone::Column::DueOn,
        }
    }
}

/// A founder of a venture.
pub struct VentureFounder(pub venture_founder::Model);

impl From<venture_founder::Model> for VentureFounder {
    fn from(m: venture_founder::Model) -> Self {
        VentureFounder(m)
    }
}

/// A founder of a venture and their role.
#[Object]
impl VentureFounder {
    /// The founder (null if the viewer may not see people of that institution).
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        Ok(request(ctx)
            .loaders
            .one::<person::Entity>(self.0.person_id)
            .await?
            .map(Person))
    }
    /// The venture.
    async fn venture(&self, ctx: &Context<'_>) -> Result<Option<Venture>> {
        Ok(request(ctx)
            .loaders
            .one::<venture::Entity>(self.0.venture_id)
            .await?
            .map(Venture))
    }
    /// The founder's role, e.g. `CEO`, `CSO`.
    async fn role(&self) -> Option<&str> {
        self.0.role.as_deref()
    }
}

/// A milestone of a venture.
pub struct VentureMilestone(pub venture_milestone::Model);

impl From<venture_milestone::Model> for VentureMilestone {
    fn from(m: venture_milestone::Model) -> Self {
        VentureMilestone(m)
    }
}

/// A milestone of a venture: due on a date, completed once.
#[Object]
impl VentureMilestone {
    /// Global id; pass it to `completeVentureMilestone`.
    async fn id(&self) -> ID {
        ids::encode("VentureMilestone", self.0.id)
    }
    /// What is to be achieved.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The venture.
    async fn venture(&self, ctx: &Context<'_>) -> Result<Option<Venture>> {
        Ok(request(ctx)
            .loaders
            .one::<venture::Entity>(self.0.venture_id)
            .await?
            .map(Venture))
    }
    /// When it is due.
    async fn due_on(&self) -> Date {
        Date(self.0.due_on)
    }
    /// When it was achieved (null while open).
    async fn completed_on(&self) -> Option<Date> {
        self.0.completed_on.map(Date)
    }
    /// Open and past its due date (as of today, UTC).
    async fn overdue(&self) -> bool {
        self.0.completed_on.is_none() && self.0.due_on < Utc::now().date_naive()
    }
    /// Optimistic-concurrency version.
    async fn version(&self) -> i32 {
        self.0.version
    }
}
