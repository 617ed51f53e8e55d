//! Deals: transfer agreements between a provider institution and a recipient, and their
//! append-only stage history. Royalty reports and income: [`royalty`]; the root list and
//! its filters: [`query`]; mutations: [`mutation`].

pub mod mutation;
pub mod query;
pub mod reports;
pub mod royalty;
pub mod submitter;
pub mod terms;

use async_graphql::{Context, ID, Object, Result, SimpleObject, Union};
use entity::{
    deal, deal_event,
    enums::{DealKind, DealStage, Region},
    institution, technology,
};

use crate::graphql::{
    connection::{self, Page, PageArgs},
    deal::royalty::{Income, IncomesOf, ReportsOf, RoyaltyReport},
    ids,
    institution::Institution,
    money::Money,
    request,
    scalars::{Date, Timestamp},
    technology::Technology,
};
use crate::{error::AppError, has_many, service::deal as service};

has_many!(DealsOf, deal::Entity, deal::Column::TechnologyId);
has_many!(DealsProvidedBy, deal::Entity, deal::Column::ProviderId);
has_many!(
    DealsReceivedBy,
    deal::Entity,
    deal::Column::RecipientInstitutionId
);
has_many!(EventsOf, deal_event::Entity, deal_event::Column::DealId);

/// An organisation outside the center that takes rights under a deal, e.g. a company.
#[derive(SimpleObject)]
pub struct ExternalOrganization {
    /// The organisation's name.
    pub name: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// Derived from the country alone: Balkan countries are `BALKAN_PENINSULA`, `CN` counts as
    /// `YANGTZE_RIVER_DELTA` (provinces are not recorded), anything else `OTHER`.
    pub region: Region,
}

/// Who receives the rights under a deal: a partner institution, an external organisation, or
/// a venture of the incubator (shown as an external organisation to a viewer who may not see
/// the venture).
#[derive(Union)]
pub enum DealParty {
    Institution(Institution),
    ExternalOrganization(ExternalOrganization),
    Venture(crate::graphql::venture::Venture),
}

/// A deal row as a GraphQL object.
pub struct Deal(pub deal::Model);

impl From<deal::Model> for Deal {
    fn from(m: deal::Model) -> Self {
        Deal(m)
    }
}

async fn institution(ctx: &Context<'_>, id: uuid::Uuid) -> Result<Institution> {
    request(ctx)
        .loaders
        .one::<institution::Entity>(id)
        .await?
        .map(Institution)
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("institution {id} missing")).into())
}

impl Deal {
    async fn recipient_region(&self, ctx: &Context<'_>) -> Result<Region> {
        Ok(match self.0.recipient_institution_id {
            Some(id) => institution(ctx, id).await?.0.region,
            None => service::region_of_country(self.0.recipient_external_country.as_deref()),
        })
    }
}

/// A transfer agreement on a technology: licence, assignment, option, … Only its parties (and
/// center staff) see it.
#[Object]
impl Deal {
    /// Global id (`Node`).
    pub async fn id(&self) -> ID {
        ids::encode("Deal", self.0.id)
    }
    /// What kind of agreement this is.
    async fn kind(&self) -> DealKind {
        self.0.kind
    }
    /// Where the deal stands: `LEAD → NEGOTIATION → TERM_SHEET → SIGNED → ACTIVE → COMPLETED`,
    /// or `LOST` (before signing) / `TERMINATED` (after).
    async fn stage(&self) -> DealStage {
        self.0.stage
    }
    /// The technology the deal is about (null if the viewer may not see it, e.g. an API token
    /// without `technology:read`).
    async fn technology(&self, ctx: &Context<'_>) -> Result<Option<Technology>> {
        Ok(request(ctx)
            .loaders
            .one::<technology::Entity>(self.0.technology_id)
            .await?
            .map(Technology))
    }
    /// The institution granting the rights.
    async fn provider(&self, ctx: &Context<'_>) -> Result<Institution> {
        institution(ctx, self.0.provider_id).await
    }
    /// The recipient's licensee organisation, when the provider gave it accounts
    /// (`inviteLicensee`); null otherwise or if the viewer may not see it.
    async fn licensee(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::graphql::licensee::Licensee>> {
        let Some(id) = self.0.recipient_organization_id else {
            return Ok(None);
        };
        Ok(request(ctx)
            .loaders
            .one::<entity::external_organization::Entity>(id)
            .await?
            .map(crate::graphql::licensee::Licensee))
    }
    /// The institution or external organisation receiving the rights.
    async fn recipient(&self, ctx: &Context<'_>) -> Result<DealParty> {
        if let Some(id) = self.0.recipient_venture_id
            && let Some(v) = request(ctx)
                .loaders
                .one::<entity::venture::Entity>(id)
                .await?
        {
            return Ok(DealParty::Venture(crate::graphql::venture::Venture(v)));
        }
        Ok(match self.0.recipient_institution_id {
            Some(id) => DealParty::Institution(institution(ctx, id).await?),
            None => DealParty::ExternalOrganization(ExternalOrganization {
                name: self.0.recipient_external_name.clone().unwrap_or_default(),
                country: self.0.recipient_external_country.clone(),
                region: service::region_of_country(self.0.recipient_external_country.as_deref()),
            }),
        })
    }
    /// True when provider and recipient are in different regions (e.g. Yangtze River Delta →
    /// Balkan Peninsula). An external recipient's region derives from its country.
    async fn cross_border(&self, ctx: &Context<'_>) -> Result<bool> {
        let provider = institution(ctx, self.0.provider_id).await?.0.region;
        Ok(service::is_cross_border(
            provider,
            self.recipient_region(ctx).await?,
        ))
    }
    /// Whether the recipient is a venture of the incubator: a startup licence, counted
    /// separately in the surveys.
    async fn to_startup(&self) -> bool {
        self.0.recipient_venture_id.is_some()
    }
    /// Where the rights apply, e.g. `Western Balkans`.
    async fn territory(&self) -> Option<&str> {
        self.0.territory.as_deref()
    }
    /// The upfront fee, in the deal's currency.
    async fn upfront(&self) -> Option<Money> {
        self.0
            .upfront_amount
            .map(|minor| Money::new(minor, &self.0.currency))
    }
    /// The total amount agreed in the contract (China's annual report counts contract
    /// values), in the deal's currency.
    async fn contract_value(&self) -> Option<Money> {
        self.0
            .contract_value
            .map(|minor| Money::new(minor, &self.0.currency))
    }
    /// The running royalty on net sales, in basis points (350 = 3.5%).
    async fn royalty_basis_points(&self) -> Option<i32> {
        self.0.royalty_bp
    }
    /// ISO 4217 currency of every amount under the deal.
    async fn currency(&self) -> &str {
        &self.0.currency
    }
    /// When the agreement was signed.
    async fn signed_on(&self) -> Option<Date> {
        self.0.signed_on.map(Date)
    }
    /// The licence's terms: field of use, territories, exclusivity, term, annual minimum,
    /// royalty tiers, sublicensing, diligence and payment terms.
    async fn terms(&self) -> terms::LicenceTerms {
        terms::LicenceTerms(self.0.clone())
    }
    /// Payments the licence promises on events, in the order recorded.
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
    ) -> Result<Page<terms::DealMilestone>> {
        let args = PageArgs::new(first, after, last, before);
        Ok(connection::children_page::<terms::MilestonesOf, _>(ctx, self.0.id, args).await?)
    }
    /// Money the terms say is owed and not yet received: for each licence year ended whose
    /// royalties fell short of the annual minimum, the difference (ANNUAL_MINIMUM).
    async fn expected_incomes(&self, ctx: &Context<'_>) -> Result<Vec<terms::ExpectedIncome>> {
        terms::expected_incomes(ctx, &self.0).await
    }
    /// The stage history, oldest first.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn events(
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
    ) -> Result<Page<DealEvent>> {
        let args = PageArgs::new(first, after, last, before);
        Ok(connection::children_page::<EventsOf, _>(ctx, self.0.id, args).await?)
    }
    /// The licensee's royalty reports, oldest first.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn royalty_reports(
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
    ) -> Result<Page<RoyaltyReport>> {
        let args = PageArgs::new(first, after, last, before);
        Ok(connection::children_page::<ReportsOf, _>(ctx, self.0.id, args).await?)
    }
    /// Money received under the deal, oldest record first.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn incomes(
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
    ) -> Result<Page<Income>> {
        let args = PageArgs::new(first, after, last, before);
        Ok(connection::children_page::<IncomesOf, _>(ctx, self.0.id, args).await?)
    }
    /// When the deal was recorded.
    async fn created_at(&self) -> Timestamp {
        Timestamp(self.0.created_at)
    }
    /// When the deal last changed.
    async fn updated_at(&self) -> Timestamp {
        Timestamp(self.0.updated_at)
    }
    /// Optimistic-concurrency version; pass it back as `expectedVersion` when moving the deal.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A deal-history row as a GraphQL object.
pub struct DealEvent(pub deal_event::Model);

impl From<deal_event::Model> for DealEvent {
    fn from(m: deal_event::Model) -> Self {
        DealEvent(m)
    }
}

/// One step of a deal's history (append-only).
#[Object]
impl DealEvent {
    /// The stage before; null for the event that opened the deal.
    async fn from_stage(&self) -> Option<DealStage> {
        self.0.from_stage
    }
    /// The stage reached.
    async fn to_stage(&self) -> DealStage {
        self.0.to_stage
    }
    /// When it happened.
    async fn at(&self) -> Timestamp {
        Timestamp(self.0.at)
    }
    /// Who acted: a user's name, or a partner system's API-token name.
    async fn actor_label(&self) -> &str {
        &self.0.actor_label
    }
    /// Why, in the actor's words.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
}
