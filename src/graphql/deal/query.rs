//! The `deals` root list and an institution's deals, with their filters and orderings.

use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::{
    deal,
    enums::{DealKind, DealStage, Region},
    institution,
};
use sea_orm::{
    ColumnTrait, Condition, QueryFilter,
    sea_query::{Query, SelectStatement},
};
use uuid::Uuid;

use crate::graphql::{
    connection::{self, OrderDirection, OrderField, Ordering, Page, PageArgs},
    deal::{Deal, DealsProvidedBy, DealsReceivedBy},
    ids, request,
};
use crate::{
    auth::scope,
    error::AppResult,
    policy,
    service::deal::{BALKAN_COUNTRIES, YRD_COUNTRIES},
};

/// Filters for `deals`; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct DealFilter {
    /// The technology's global id.
    pub technology: Option<ID>,
    /// Deals at this stage.
    pub stage: Option<DealStage>,
    /// Deals of this kind.
    pub kind: Option<DealKind>,
    /// The provider institution's global id.
    pub provider: Option<ID>,
    /// The recipient institution's global id.
    pub recipient: Option<ID>,
    /// Only deals whose provider and recipient are in different regions (true) or the same
    /// region (false).
    pub cross_border: Option<bool>,
}

impl DealFilter {
    fn condition(self) -> AppResult<Condition> {
        use deal::Column as C;
        let mut c = Condition::all();
        if let Some(t) = &self.technology {
            c = c.add(C::TechnologyId.eq(ids::decode_as("technology", "Technology", t)?));
        }
        if let Some(s) = self.stage {
            c = c.add(C::Stage.eq(s));
        }
        if let Some(k) = self.kind {
            c = c.add(C::Kind.eq(k));
        }
        if let Some(p) = &self.provider {
            c = c.add(C::ProviderId.eq(ids::decode_as("provider", "Institution", p)?));
        }
        if let Some(r) = &self.recipient {
            c = c.add(C::RecipientInstitutionId.eq(ids::decode_as("recipient", "Institution", r)?));
        }
        if let Some(cross) = self.cross_border {
            c = c.add(cross_border(cross));
        }
        Ok(c)
    }
}

const REGIONS: [Region; 3] = [
    Region::YangtzeRiverDelta,
    Region::BalkanPeninsula,
    Region::Other,
];

fn institutions_in(region: Region) -> SelectStatement {
    Query::select()
        .column(institution::Column::Id)
        .from(institution::Entity)
        .and_where(institution::Column::Region.eq(region))
        .to_owned()
}

/// Deals whose recipient is in `region`: a partner institution there, or an external
/// organisation whose country maps there (as `service::deal::region_of_country` does).
fn recipient_in(region: Region) -> Condition {
    use deal::Column as C;
    let known: Vec<&str> = YRD_COUNTRIES
        .iter()
        .chain(BALKAN_COUNTRIES)
        .copied()
        .collect();
    let by_country = match region {
        Region::YangtzeRiverDelta => {
            Condition::all().add(C::RecipientExternalCountry.is_in(YRD_COUNTRIES.iter().copied()))
        }
        Region::BalkanPeninsula => Condition::all()
            .add(C::RecipientExternalCountry.is_in(BALKAN_COUNTRIES.iter().copied())),
        Region::Other => Condition::any()
            .add(C::RecipientExternalCountry.is_null())
            .add(C::RecipientExternalCountry.is_not_in(known)),
    };
    Condition::any()
        .add(C::RecipientInstitutionId.in_subquery(institutions_in(region)))
        .add(
            Condition::all()
                .add(C::RecipientInstitutionId.is_null())
                .add(by_country),
        )
}

/// Deals that cross regions (`cross = true`) or stay within one, written without negation so
/// SQL's NULLs cannot flip the answer.
fn cross_border(cross: bool) -> Condition {
    let mut any = Condition::any();
    for p in REGIONS {
        for r in REGIONS {
            if (p != r) == cross {
                any = any.add(
                    Condition::all()
                        .add(deal::Column::ProviderId.in_subquery(institutions_in(p)))
                        .add(recipient_in(r)),
                );
            }
        }
    }
    any
}

/// Fields deals can be ordered by.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum DealOrderField {
    /// When the deal was recorded.
    #[default]
    CreatedAt,
    /// The signing date. Deals not signed yet have none: they come last ascending, first
    /// descending.
    SignedOn,
    /// The stage, by name (groups deals of a stage together).
    Stage,
}

impl OrderField<deal::Entity> for DealOrderField {
    fn column(self) -> deal::Column {
        match self {
            Self::CreatedAt => deal::Column::CreatedAt,
            Self::SignedOn => deal::Column::SignedOn,
            Self::Stage => deal::Column::Stage,
        }
    }
}

/// Ordering of deals (ties broken by id).
#[derive(InputObject, Default)]
pub struct DealOrder {
    /// What to order by.
    #[graphql(default)]
    pub field: DealOrderField,
    /// Ascending or descending.
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl DealOrder {
    fn ordering(&self) -> Ordering<deal::Entity> {
        Ordering::new(self.field, self.direction)
    }
}

/// The deals an institution provides or receives, as far as the viewer is a party to them:
/// both sides loaded by DataLoaders (two batched queries for all institutions of a request),
/// merged and paged in memory.
pub async fn institution_deals(
    ctx: &Context<'_>,
    institution: Uuid,
    order: Option<DealOrder>,
    args: PageArgs,
) -> AppResult<Page<Deal>> {
    let loaders = &request(ctx).loaders;
    let order = order.unwrap_or_default();
    let mut rows = loaders.children::<DealsProvidedBy>(institution).await?;
    rows.extend(loaders.children::<DealsReceivedBy>(institution).await?);
    connection::paginate_loaded(rows, order.ordering(), &args)
}

#[derive(Default)]
pub struct DealQuery;

#[Object]
impl DealQuery {
    /// Deals the viewer is a party to (center staff: all; analysts: none — they see deals only
    /// as statistics).
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn deals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items that meet every condition given.")] filter: Option<DealFilter>,
        #[graphql(desc = "The order of the items; ties are broken by id.")] order_by: Option<
            DealOrder,
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
    ) -> Result<Page<Deal>> {
        let req = request(ctx);
        req.principal.require_scope(scope::DEAL_READ)?;
        let order = order_by.unwrap_or_default();
        let select = policy::visible::<deal::Entity>(&req.principal)
            .filter(filter.unwrap_or_default().condition()?);
        Ok(connection::paginate(
            &req.db,
            select,
            order.ordering(),
            &PageArgs::new(first, after, last, before),
            connection::wants_total(ctx),
        )
        .await?)
    }
}
