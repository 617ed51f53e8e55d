//! Root IP queries: `ipAssets` and `upcomingDeadlines`.

use std::sync::Arc;

use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::{Duration, Utc};
use entity::{
    deadline_record,
    enums::{IpKind, IpStatus},
    ip_asset, ip_ownership,
};
use sea_orm::{ColumnTrait, Condition, QueryFilter, sea_query::Query};

use crate::graphql::{
    connection::{self, OrderDirection, OrderField, Ordering, Page, PageArgs},
    ids,
    ip::IpAsset,
    ip::deadline::{self, DeadlineKind, DeadlineStatus, IpDeadline},
    request,
};
use crate::{
    auth::scope,
    error::{AppError, AppResult},
    policy,
    service::{deadlines, ip::rules},
};

/// Filters for `ipAssets`; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct IpAssetFilter {
    /// The protected technology's global id.
    pub technology: Option<ID>,
    /// The kind of right.
    pub kind: Option<IpKind>,
    /// The prosecution status.
    pub status: Option<IpStatus>,
    /// The office, e.g. `CN`, `EP`, `WO`.
    pub jurisdiction: Option<String>,
    /// A (co-)owner institution's global id.
    pub owner: Option<ID>,
}

impl IpAssetFilter {
    fn condition(self) -> Result<Condition, AppError> {
        use ip_asset::Column as C;
        let mut c = Condition::all();
        if let Some(t) = &self.technology {
            c = c.add(C::TechnologyId.eq(ids::decode_as("technology", "Technology", t)?));
        }
        if let Some(k) = self.kind {
            c = c.add(C::Kind.eq(k));
        }
        if let Some(s) = self.status {
            c = c.add(C::Status.eq(s));
        }
        if let Some(j) = &self.jurisdiction {
            c = c.add(C::Jurisdiction.eq(rules::office("jurisdiction", j)?));
        }
        if let Some(owner) = &self.owner {
            c = c.add(C::Id.in_subquery(owned_by(ids::decode_as("owner", "Institution", owner)?)));
        }
        Ok(c)
    }
}

/// Ids of the assets `institution` (co-)owns. Used only inside an already visible selection.
fn owned_by(institution: uuid::Uuid) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(ip_ownership::Column::IpAssetId)
        .from(ip_ownership::Entity)
        .and_where(ip_ownership::Column::InstitutionId.eq(institution))
        .to_owned()
}

/// Fields `ipAssets` can be ordered by.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum IpAssetOrderField {
    /// Creation order.
    #[default]
    CreatedAt,
    /// Filing date; assets not filed yet come last ascending, first descending.
    FilingDate,
    /// Priority date; assets without one come last ascending, first descending.
    PriorityDate,
}

impl OrderField<ip_asset::Entity> for IpAssetOrderField {
    fn column(self) -> ip_asset::Column {
        match self {
            Self::CreatedAt => ip_asset::Column::CreatedAt,
            Self::FilingDate => ip_asset::Column::FilingDate,
            Self::PriorityDate => ip_asset::Column::PriorityDate,
        }
    }
}

/// Ordering of IP assets (ties broken by id).
#[derive(InputObject, Default)]
pub struct IpAssetOrder {
    /// What to order by.
    #[graphql(default)]
    pub field: IpAssetOrderField,
    /// Smallest or largest first.
    #[graphql(default)]
    pub direction: OrderDirection,
}

/// Filters for `upcomingDeadlines`; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct DeadlineFilter {
    /// Only deadlines of this kind.
    pub kind: Option<DeadlineKind>,
    /// Only deadlines at this office (for PCT national phases: the target office).
    pub jurisdiction: Option<String>,
    /// Only deadlines of these IP assets.
    pub ip_asset: Option<IpAssetFilter>,
    /// Only deadlines in these statuses; by default the OPEN ones (what is still to be done).
    pub status: Option<Vec<DeadlineStatus>>,
    /// true: only deadlines with a reminder due (`reminderDue` set); false: only those without.
    pub reminder_due: Option<bool>,
}

/// The longest window `upcomingDeadlines` looks ahead: ten years.
const MAX_WINDOW_DAYS: i32 = 3650;

#[derive(Default)]
pub struct IpQuery;

#[Object]
impl IpQuery {
    /// IP assets the viewer may see.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn ip_assets(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items that meet every condition given.")] filter: Option<
            IpAssetFilter,
        >,
        #[graphql(desc = "The order of the items; ties are broken by id.")] order_by: Option<
            IpAssetOrder,
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
    ) -> Result<Page<IpAsset>> {
        let req = request(ctx);
        req.principal.require_scope(scope::IP_READ)?;
        let select = policy::visible::<ip_asset::Entity>(&req.principal)
            .filter(filter.unwrap_or_default().condition()?);
        let order = order_by.unwrap_or_default();
        let args = PageArgs::new(first, after, last, before);
        let want_total = connection::wants_total(ctx);
        let page = connection::paginate(
            &req.db,
            select,
            Ordering::new(order.field, order.direction),
            &args,
            want_total,
        )
        .await?;
        Ok(page)
    }

    /// Open statutory deadlines due within `withinDays` days from today (UTC; 1–3650), across
    /// the IP assets the viewer may see, by due date — including those whose due date has passed
    /// but whose grace period has not (`inGrace`). Rights that are over (REFUSED, ABANDONED,
    /// LAPSED, EXPIRED) have none; deadlines done (marked done, or national phases entered) or
    /// waived are left out unless `filter.status` asks for them.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn upcoming_deadlines(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default = 90,
            desc = "How many days ahead to look, from today (1 to the maximum window)."
        )]
        within_days: i32,
        #[graphql(desc = "Only deadlines that meet every condition given.")] filter: Option<
            DeadlineFilter,
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
    ) -> Result<Page<IpDeadline>> {
        let req = request(ctx);
        req.principal.require_scope(scope::IP_READ)?;
        if !(1..=MAX_WINDOW_DAYS).contains(&within_days) {
            return Err(AppError::bad_input(
                "withinDays",
                format!("withinDays must be between 1 and {MAX_WINDOW_DAYS}"),
            )
            .into());
        }
        let filter = filter.unwrap_or_default();
        let office = filter
            .jurisdiction
            .as_deref()
            .map(|j| rules::office("jurisdiction", j))
            .transpose()?;
        let kind: Option<deadlines::DeadlineKind> = filter.kind.map(Into::into);
        // One query: the visible assets that can have deadlines at all; the rules run in memory.
        use ip_asset::Column as C;
        let candidates = policy::visible::<ip_asset::Entity>(&req.principal)
            .filter(C::Status.is_not_in(deadlines::ENDED))
            .filter(C::Kind.is_in(deadlines::KINDS_WITH_DEADLINES))
            .filter(
                Condition::any()
                    .add(C::PriorityDate.is_not_null())
                    .add(C::FilingDate.is_not_null()),
            )
            .filter(filter.ip_asset.unwrap_or_default().condition()?);
        let records = records_of(&req.db, candidates.clone()).await?;
        let assets = candidates.all(&req.db).await.map_err(AppError::from)?;
        let entered = entered_offices(&req.db, &req.principal, &assets).await?;
        let review_due =
            crate::service::security_review::pending_for_assets(&req.db, &req.principal, &assets)
                .await?;
        let statuses = filter
            .status
            .clone()
            .unwrap_or_else(|| vec![DeadlineStatus::Open]);
        let lead_days = deadline::lead_days(ctx);
        let today = Utc::now().date_naive();
        let until = today + Duration::days(within_days.into());
        let mut due = Vec::new();
        for asset in assets {
            let asset = Arc::new(asset);
            let mut facts = deadlines::AssetFacts::from(asset.as_ref());
            facts.entered_offices = entered.get(&asset.id).cloned().unwrap_or_default();
            facts.security_review_due = review_due.contains(&asset.technology_id);
            for d in deadlines::for_asset(&facts) {
                if d.last_day() >= today
                    && d.due_on <= until
                    && kind.is_none_or(|k| d.kind == k)
                    && office.as_deref().is_none_or(|o| d.jurisdiction == o)
                {
                    let record = records.get(&(asset.id, d.act())).cloned();
                    let deadline = IpDeadline::new(d, asset.clone(), record);
                    let reminding = deadline.reminder_due_on(lead_days, today).is_some();
                    if statuses.contains(&deadline.current_status())
                        && filter.reminder_due.is_none_or(|want| want == reminding)
                    {
                        due.push(deadline);
                    }
                }
            }
        }
        Ok(deadline::page(
            due,
            &PageArgs::new(first, after, last, before),
        )?)
    }
}

/// What was recorded about the deadlines of the `assets` (a visible selection), by asset and
/// act, in one statement.
async fn records_of(
    db: &sea_orm::DatabaseConnection,
    assets: sea_orm::Select<ip_asset::Entity>,
) -> AppResult<std::collections::HashMap<(uuid::Uuid, String), Arc<deadline_record::Model>>> {
    use sea_orm::{EntityTrait, QuerySelect, QueryTrait};
    let ids = assets
        .select_only()
        .column(ip_asset::Column::Id)
        .into_query();
    Ok(deadline_record::Entity::find()
        .filter(deadline_record::Column::IpAssetId.in_subquery(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|r| ((r.ip_asset_id, r.act.clone()), Arc::new(r)))
        .collect())
}

/// For the PCT applications among `assets`: the offices an asset of their family has entered
/// (as the viewer sees the family), in one statement.
async fn entered_offices(
    db: &sea_orm::DatabaseConnection,
    principal: &crate::auth::Principal,
    assets: &[ip_asset::Model],
) -> AppResult<std::collections::HashMap<uuid::Uuid, Vec<(String, uuid::Uuid)>>> {
    let pcts: Vec<uuid::Uuid> = assets
        .iter()
        .filter(|a| a.kind == IpKind::PctApplication)
        .map(|a| a.id)
        .collect();
    let mut entered: std::collections::HashMap<_, Vec<_>> = std::collections::HashMap::new();
    if pcts.is_empty() {
        return Ok(entered);
    }
    let children = policy::visible::<ip_asset::Entity>(principal)
        .filter(ip_asset::Column::FamilyParentId.is_in(pcts))
        .all(db)
        .await?;
    for child in children {
        if let Some(parent) = child.family_parent_id {
            entered
                .entry(parent)
                .or_default()
                .push((child.jurisdiction, child.id));
        }
    }
    Ok(entered)
}
