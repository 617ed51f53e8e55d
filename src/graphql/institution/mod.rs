//! Institutions: the partners of the center.

pub mod distribution;
pub mod mutation;

use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::{
    enums::{InstitutionKind, Membership, Region},
    institution, institution_email_domain,
};
use sea_orm::{ColumnTrait, Condition, QueryFilter};

use crate::graphql::{
    agreement::Agreement,
    connection::{self, OrderDirection, OrderField, Ordering, Page, PageArgs},
    deal::Deal,
    deal::query::DealOrder,
    ids,
    person::{PeopleOf, Person},
    request,
    scalars::{Date, Timestamp},
    technology::{Technology, TechnologyOrder},
    training::{ProgramsHostedBy, TrainingProgram},
    venture::{Venture, VenturesLedBy},
};
use crate::{has_many, policy};

has_many!(
    EmailDomainsOf,
    institution_email_domain::Entity,
    institution_email_domain::Column::InstitutionId
);

/// A partner of the center: a university, hospital, research institute, company or agency.
pub struct Institution(pub institution::Model);

impl From<institution::Model> for Institution {
    fn from(m: institution::Model) -> Self {
        Institution(m)
    }
}

/// A partner of the center: a university, hospital, research institute, company or agency.
#[Object]
impl Institution {
    /// Global id (`Node`).
    pub async fn id(&self) -> ID {
        ids::encode("Institution", self.0.id)
    }
    /// URL-friendly unique handle, e.g. `sumhs`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// Canonical (English) name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Name in the local language, e.g. 上海健康医学院 or Univerzitet u Banjoj Luci.
    async fn local_name(&self) -> Option<&str> {
        self.0.local_name.as_deref()
    }
    /// ISO 3166-1 alpha-2 country code.
    async fn country(&self) -> &str {
        &self.0.country
    }
    /// Yangtze River Delta, Balkan Peninsula or elsewhere.
    async fn region(&self) -> Region {
        self.0.region
    }
    /// University, hospital, research institute, company or agency.
    async fn kind(&self) -> InstitutionKind {
        self.0.kind
    }
    /// Standing in the center: applicant, member, observer or suspended.
    async fn membership(&self) -> Membership {
        self.0.membership
    }
    /// When the institution joined the center.
    async fn joined_on(&self) -> Option<Date> {
        self.0.joined_on.map(Date)
    }
    /// Home page.
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }
    /// ROR id (Research Organization Registry), e.g. `03vek6s52`: the institution's
    /// persistent identifier, resolvable as `https://ror.org/<rorId>`.
    async fn ror_id(&self) -> Option<&str> {
        self.0.ror_id.as_deref()
    }
    /// The inventors' part of licence income, in basis points (5000 = 50%).
    async fn inventor_share_basis_points(&self) -> i32 {
        self.0.inventor_share_bp
    }
    /// How the income of its technologies is distributed: gross or net of unreimbursed IP
    /// costs, and whether equity is distributed as shares.
    async fn distribution_policy(
        &self,
        ctx: &Context<'_>,
    ) -> Result<distribution::IncomeDistributionPolicy> {
        distribution::of(ctx, self.0.id).await
    }
    /// The e-mail domains the institution has registered (`unibl.example`); its users'
    /// addresses lie in them, and each belongs to this institution only. Shown to the
    /// institution's own users and to center admins; null for everyone else (and for API
    /// tokens).
    async fn email_domains(&self, ctx: &Context<'_>) -> Result<Option<Vec<String>>> {
        let req = request(ctx);
        if !policy::may_see_email_domains(&req.principal, self.0.id) {
            return Ok(None);
        }
        let mut domains: Vec<String> = req
            .loaders
            .children::<EmailDomainsOf>(self.0.id)
            .await?
            .into_iter()
            .map(|d| d.domain)
            .collect();
        domains.sort();
        Ok(Some(domains))
    }
    /// When the record was created.
    async fn created_at(&self) -> Timestamp {
        Timestamp(self.0.created_at)
    }
    /// When the record last changed.
    async fn updated_at(&self) -> Timestamp {
        Timestamp(self.0.updated_at)
    }
    /// Optimistic-concurrency version; pass it back as `expectedVersion` when updating.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// People of this institution that the viewer may see.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn people(
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
    ) -> Result<Page<Person>> {
        let args = PageArgs::new(first, after, last, before);
        Ok(connection::children_page::<PeopleOf, _>(ctx, self.0.id, args).await?)
    }
    /// Training programs this institution hosts that the viewer may see.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn programs(
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
    ) -> Result<Page<TrainingProgram>> {
        let args = PageArgs::new(first, after, last, before);
        Ok(connection::children_page::<ProgramsHostedBy, _>(ctx, self.0.id, args).await?)
    }
    /// Ventures this institution leads.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn ventures(
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
    ) -> Result<Page<Venture>> {
        let args = PageArgs::new(first, after, last, before);
        Ok(connection::children_page::<VenturesLedBy, _>(ctx, self.0.id, args).await?)
    }
    /// Cooperation agreements this institution is a party to that the viewer may see.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn agreements(
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
    ) -> Result<Page<Agreement>> {
        let args = PageArgs::new(first, after, last, before);
        Ok(crate::graphql::agreement::agreements_of(ctx, self.0.id, args).await?)
    }
    /// Deals this institution provides or receives that the viewer is a party to.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn deals(
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
        #[graphql(desc = "The order of the items; ties are broken by id.")] order_by: Option<
            DealOrder,
        >,
    ) -> Result<Page<Deal>> {
        let args = PageArgs::new(first, after, last, before);
        Ok(crate::graphql::deal::query::institution_deals(ctx, self.0.id, order_by, args).await?)
    }
    /// Technologies this institution owns that the viewer may see.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn technologies(
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
        #[graphql(desc = "The order of the items; ties are broken by id.")] order_by: Option<
            TechnologyOrder,
        >,
    ) -> Result<Page<Technology>> {
        let rows = request(ctx)
            .loaders
            .children::<crate::graphql::technology::TechnologiesOfOwner>(self.0.id)
            .await?;
        Ok(connection::paginate_loaded(
            rows,
            order_by.unwrap_or_default().ordering(),
            &PageArgs::new(first, after, last, before),
        )?)
    }
}

/// Filters for `institutions`; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct InstitutionFilter {
    /// Institutions in this region.
    pub region: Option<Region>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// Institutions of this kind.
    pub kind: Option<InstitutionKind>,
    /// Institutions with this standing.
    pub membership: Option<Membership>,
}

impl InstitutionFilter {
    fn condition(self) -> Condition {
        let mut c = Condition::all();
        if let Some(r) = self.region {
            c = c.add(institution::Column::Region.eq(r));
        }
        if let Some(country) = self.country {
            c = c.add(institution::Column::Country.eq(country.to_uppercase()));
        }
        if let Some(k) = self.kind {
            c = c.add(institution::Column::Kind.eq(k));
        }
        if let Some(m) = self.membership {
            c = c.add(institution::Column::Membership.eq(m));
        }
        c
    }
}

/// Fields `institutions` can be ordered by.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum InstitutionOrderField {
    /// By slug (the default).
    #[default]
    Slug,
    /// By canonical name.
    Name,
    /// By country code.
    Country,
    /// By region.
    Region,
    /// By creation time.
    CreatedAt,
}

impl OrderField<institution::Entity> for InstitutionOrderField {
    fn column(self) -> institution::Column {
        match self {
            Self::Slug => institution::Column::Slug,
            Self::Name => institution::Column::Name,
            Self::Country => institution::Column::Country,
            Self::Region => institution::Column::Region,
            Self::CreatedAt => institution::Column::CreatedAt,
        }
    }
}

/// Ordering of `institutions` (ties broken by id).
#[derive(InputObject, Default)]
pub struct InstitutionOrder {
    /// What to order by.
    #[graphql(default)]
    pub field: InstitutionOrderField,
    /// Ascending (default) or descending.
    #[graphql(default)]
    pub direction: OrderDirection,
}

#[derive(Default)]
pub struct InstitutionQuery;

#[Object]
impl InstitutionQuery {
    /// The institutions of the center (public directory).
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn institutions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items that meet every condition given.")] filter: Option<
            InstitutionFilter,
        >,
        #[graphql(desc = "The order of the items; ties are broken by id.")] order_by: Option<
            InstitutionOrder,
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
    ) -> Result<Page<Institution>> {
        let _req = request(ctx);
        let order = order_by.unwrap_or_default();
        Ok(connection::root_list::<institution::Entity, _>(
            ctx,
            filter.unwrap_or_default().condition(),
            Ordering::new(order.field, order.direction),
            PageArgs::new(first, after, last, before),
        )
        .await?)
    }

    /// One institution by its slug.
    async fn institution(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The institution's handle, e.g. `unibl`.")] slug: String,
    ) -> Result<Option<Institution>> {
        let req = request(ctx);
        let found = policy::visible::<institution::Entity>(&req.principal)
            .filter(institution::Column::Slug.eq(slug))
            .one(&req.db)
            .await
            .map_err(crate::error::AppError::from)?;
        Ok(found.map(Institution))
    }
}
