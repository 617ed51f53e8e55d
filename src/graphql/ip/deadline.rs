//! Computed IP deadlines (see `service::deadlines` for the rules) as GraphQL objects.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{Context, Enum, ID, Object, Result};
use chrono::{NaiveDate, Utc};
use entity::{
    deadline_record, deadline_reopening,
    enums::{DeadlineResolution, IpKind},
    ip_asset,
};
use uuid::Uuid;

use crate::graphql::{
    connection::{Page, PageArgs},
    ids,
    ip::{
        DeadlineRecordsOf, DeadlineReopeningsOf, FamilyChildrenOf, IpAsset, OwnershipsOf, paging,
        security_review,
    },
    money::Money,
    request,
    scalars::{Date, Timestamp},
};
use crate::{error::AppResult, policy, service::deadlines};

/// What kind of act a deadline calls for.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::service::deadlines::DeadlineKind")]
pub enum DeadlineKind {
    /// Last day to file elsewhere claiming the asset's priority (Paris Convention art. 4C).
    PriorityClaim,
    /// Last day to enter the national or regional phase of a PCT application.
    PctNationalPhase,
    /// An annual (CN) or maintenance (US) fee that keeps a granted right in force.
    Annuity,
    /// A renewal fee of a European patent (application), from the 3rd year.
    Renewal,
    /// The end of the right's maximum term.
    Expiry,
    /// CNIPA's security review of an invention made in China, due before its first filing
    /// abroad (Patent Law art. 19); recorded with `recordSecurityReview`, not marked done.
    SecurityReview,
}

/// The reminder lead times of this server (`BIOBRIDGE_REMINDER_LEAD_DAYS`), as request data.
pub struct ReminderLeadDays(pub Vec<u32>);

/// The lead times in force for this request (the defaults where none were given).
pub fn lead_days<'a>(ctx: &'a Context<'_>) -> &'a [u32] {
    ctx.data_opt::<ReminderLeadDays>()
        .map_or(&deadlines::reminders::DEFAULT_LEAD_DAYS[..], |l| &l.0[..])
}

/// Where a deadline stands.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum DeadlineStatus {
    /// Nothing recorded: still to be done (or missed, once its last day has passed).
    Open,
    /// Done: marked done (`markDeadlineDone`), or a national phase a family asset entered.
    Done,
    /// A decision not to act (`waiveDeadline`); for a fee, the right ends after its grace period.
    Waived,
}

/// A statutory deadline of an IP asset, computed from its dates, with the rule that made it.
pub struct IpDeadline {
    deadline: deadlines::Deadline,
    asset: Arc<ip_asset::Model>,
    /// What was recorded about it, if anything.
    record: Option<Arc<deadline_record::Model>>,
}

impl IpDeadline {
    pub fn new(
        deadline: deadlines::Deadline,
        asset: Arc<ip_asset::Model>,
        record: Option<Arc<deadline_record::Model>>,
    ) -> Self {
        IpDeadline {
            deadline,
            asset,
            record,
        }
    }

    pub fn current_status(&self) -> DeadlineStatus {
        match (&self.record, self.deadline.done_by) {
            (_, Some(_)) => DeadlineStatus::Done,
            (Some(r), None) if r.resolution == DeadlineResolution::Waived => DeadlineStatus::Waived,
            (Some(_), None) => DeadlineStatus::Done,
            (None, None) => DeadlineStatus::Open,
        }
    }

    /// The last day the act can be done at all.
    pub fn last_day(&self) -> NaiveDate {
        self.deadline.last_day()
    }

    /// The reminder that has come today while the deadline is open (see `reminderDue`).
    pub fn reminder_due_on(&self, lead_days: &[u32], today: NaiveDate) -> Option<NaiveDate> {
        if self.current_status() != DeadlineStatus::Open {
            return None;
        }
        deadlines::reminders::due(&self.deadline, lead_days, today)
    }

    /// The act the deadline calls for (its identity within the asset's schedule).
    pub fn act(&self) -> String {
        self.deadline.act()
    }

    /// The record's details (fee, note) if the viewer may read them: the asset's co-owners.
    async fn details(&self, ctx: &Context<'_>) -> Result<Option<&deadline_record::Model>> {
        let Some(record) = &self.record else {
            return Ok(None);
        };
        Ok(may_see_details(ctx, self.asset.id)
            .await?
            .then_some(record.as_ref()))
    }

    /// Orders deadlines by due date, then asset, kind and office; unique per deadline.
    fn sort_key(&self) -> (NaiveDate, Uuid, u8, String) {
        (
            self.deadline.due_on,
            self.asset.id,
            self.deadline.kind as u8,
            self.deadline.jurisdiction.clone(),
        )
    }
}

/// Whether the viewer may read the fees and notes of the docket of `asset`: its co-owners.
async fn may_see_details(ctx: &Context<'_>, asset: Uuid) -> Result<bool> {
    let req = request(ctx);
    let owners: Vec<uuid::Uuid> = req
        .loaders
        .children::<OwnershipsOf>(asset)
        .await?
        .into_iter()
        .map(|o| o.institution_id)
        .collect();
    Ok(policy::may_see_docket_details(&req.principal, &owners))
}

/// A record of a deadline (done or waived) that was reopened, kept as history.
pub struct DeadlineReopening(deadline_reopening::Model);

/// A record of a deadline (done or waived) that was reopened (`reopenDeadline`), kept as history.
#[Object]
impl DeadlineReopening {
    /// What had been recorded: DONE or WAIVED.
    async fn was(&self) -> DeadlineStatus {
        match self.0.resolution {
            DeadlineResolution::Done => DeadlineStatus::Done,
            DeadlineResolution::Waived => DeadlineStatus::Waived,
        }
    }
    /// The date that had been recorded (done on, or decided on).
    async fn acted_on(&self) -> Date {
        Date(self.0.acted_on)
    }
    /// The official fee that had been recorded. Co-owners and center admins only (null for
    /// others).
    async fn official_fee(&self, ctx: &Context<'_>) -> Result<Option<Money>> {
        if !may_see_details(ctx, self.0.ip_asset_id).await? {
            return Ok(None);
        }
        Ok(self
            .0
            .fee_amount
            .zip(self.0.fee_currency.as_deref())
            .map(|(amount, currency)| Money::new(amount, currency)))
    }
    /// The note that had been recorded. Co-owners and center admins only (null for others).
    async fn note(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(may_see_details(ctx, self.0.ip_asset_id)
            .await?
            .then(|| self.0.note.clone())
            .flatten())
    }
    /// Why it was reopened. Co-owners and center admins only (null for others).
    async fn reason(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(may_see_details(ctx, self.0.ip_asset_id)
            .await?
            .then(|| self.0.reason.clone()))
    }
    /// When it had been recorded.
    async fn recorded_at(&self) -> Timestamp {
        Timestamp(self.0.recorded_at)
    }
    /// When it was reopened.
    async fn reopened_at(&self) -> Timestamp {
        Timestamp(self.0.created_at)
    }
}

/// Pages deadlines by due date (ties: asset, kind, office), in memory: they are computed.
pub fn page(items: Vec<IpDeadline>, args: &PageArgs) -> AppResult<Page<IpDeadline>> {
    paging::page_in_memory(items, IpDeadline::sort_key, args)
}

/// The whole schedule of `asset` as the viewer sees it, each deadline with what was recorded
/// about it (batched through the loaders: the family members entering national phases, and the
/// records). A right that is over keeps, as history, the deadlines something was recorded about.
///
/// `with_records`: whether what was recorded about the deadlines (done, waived) is wanted. The
/// records of a live asset are read only then — a listing that shows none of their fields
/// (see [`RECORD_FIELDS`]) and filters on no status needs none, and saves the statement; an
/// asset that is no longer live lists only recorded deadlines, so its records are always read.
pub async fn schedule(
    ctx: &Context<'_>,
    asset: Arc<ip_asset::Model>,
    with_records: bool,
) -> Result<Vec<IpDeadline>> {
    let loaders = &request(ctx).loaders;
    let live = deadlines::is_live(asset.status);
    // Both at once, so that every asset of a list joins the same batches.
    let family = async {
        if asset.kind == IpKind::PctApplication {
            loaders.children::<FamilyChildrenOf>(asset.id).await
        } else {
            Ok(Vec::new())
        }
    };
    let records = async {
        if with_records || !live {
            loaders.children::<DeadlineRecordsOf>(asset.id).await
        } else {
            Ok(Vec::new())
        }
    };
    let review = async {
        if asset.jurisdiction == "CN"
            && matches!(asset.kind, IpKind::InventionPatent | IpKind::UtilityModel)
        {
            loaders
                .get::<security_review::SecurityReviewsDue>()
                .load_one(asset.technology_id)
                .await
                .map_err(|e| crate::error::AppError::from_shared(&e))
                .map(|due| due.unwrap_or(false))
        } else {
            Ok(false)
        }
    };
    let (family, records, review_due) =
        futures_util::future::try_join3(family, records, review).await?;
    let mut facts = deadlines::AssetFacts::from(asset.as_ref());
    facts.security_review_due = review_due;
    facts.entered_offices = family
        .into_iter()
        .map(|child| (child.jurisdiction, child.id))
        .collect();
    let records: HashMap<String, Arc<deadline_record::Model>> = records
        .into_iter()
        .map(|r| (r.act.clone(), Arc::new(r)))
        .collect();
    Ok(deadlines::as_last_live(&facts)
        .into_iter()
        .filter_map(|d| {
            let record = records.get(&d.act()).cloned();
            (live || record.is_some()).then(|| IpDeadline::new(d, asset.clone(), record))
        })
        .collect())
}

/// The fields of [`IpDeadline`] that read what was recorded about a deadline.
pub const RECORD_FIELDS: &[&str] = &[
    "status",
    "actedOn",
    "lapsesOn",
    "officialFee",
    "note",
    "reminderDue",
];

/// Whether a selection of deadlines (a connection's `edges { node }` or `nodes`) asks for a
/// field that reads the records.
pub fn selects_records(connection: &async_graphql::Lookahead<'_>) -> bool {
    [
        connection.field("edges").field("node"),
        connection.field("nodes"),
    ]
    .iter()
    .any(|node| RECORD_FIELDS.iter().any(|f| node.field(f).exists()))
}

/// A statutory deadline of an IP asset, computed from its dates, with the rule that made it.
#[Object]
impl IpDeadline {
    /// A stable id: the asset and the act (kind, office, fee year), not the date — so it survives
    /// a corrected date, and what was recorded about the deadline with it. Pass it to
    /// `markDeadlineDone`, `waiveDeadline` and `reopenDeadline`.
    async fn id(&self) -> ID {
        ids::encode_keyed("IpDeadline", self.asset.id, &self.deadline.act())
    }
    /// Open, done or waived. Visible to everyone who sees the asset; the fee and note only to
    /// its co-owners.
    async fn status(&self) -> DeadlineStatus {
        self.current_status()
    }
    /// When it was done (DONE) or the decision not to act was taken (WAIVED); null while open
    /// and for national phases entered by a family asset (see `enteredBy`).
    async fn acted_on(&self) -> Option<Date> {
        self.record.as_ref().map(|r| Date(r.acted_on))
    }
    /// For a waived fee: the first day the right is gone (the day after its grace period); the
    /// asset then moves to LAPSED (granted) or ABANDONED (pending).
    async fn lapses_on(&self) -> Option<Date> {
        self.record.as_ref().and_then(|r| r.lapses_on).map(Date)
    }
    /// The official fee paid, as recorded when it was marked done. Co-owners and center admins
    /// only (null for others).
    async fn official_fee(&self, ctx: &Context<'_>) -> Result<Option<Money>> {
        Ok(self
            .details(ctx)
            .await?
            .and_then(|r| Some(Money::new(r.fee_amount?, r.fee_currency.as_deref()?))))
    }
    /// The note recorded with it. Co-owners and center admins only (null for others).
    async fn note(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(self.details(ctx).await?.and_then(|r| r.note.clone()))
    }
    /// What had been recorded about the deadline and was reopened (`reopenDeadline`), oldest
    /// first: the docket's history of corrections.
    async fn reopenings(&self, ctx: &Context<'_>) -> Result<Vec<DeadlineReopening>> {
        let act = self.deadline.act();
        let mut rows: Vec<deadline_reopening::Model> = request(ctx)
            .loaders
            .children::<DeadlineReopeningsOf>(self.asset.id)
            .await?
            .into_iter()
            .filter(|r| r.act == act)
            .collect();
        rows.sort_by_key(|r| (r.created_at, r.id));
        Ok(rows.into_iter().map(DeadlineReopening).collect())
    }
    /// The days the deadline reminds its asset's responsible person on: each lead time before
    /// the due date (`BIOBRIDGE_REMINDER_LEAD_DAYS`, by default 90, 30 and 7 days) and the last
    /// day of the grace period, when there is one.
    async fn reminders(&self, ctx: &Context<'_>) -> Vec<Date> {
        deadlines::reminders::days(&self.deadline, lead_days(ctx))
            .into_iter()
            .map(Date)
            .collect()
    }
    /// While the deadline is open: the latest of its `reminders` that has come (today, UTC),
    /// until its last day; null before the first reminder and once it is done or waived.
    async fn reminder_due(&self, ctx: &Context<'_>) -> Option<Date> {
        self.reminder_due_on(lead_days(ctx), Utc::now().date_naive())
            .map(Date)
    }
    /// The last day to act (the statutory date: offices extend a period ending on a day they are
    /// closed to their next working day, which this date does not reflect).
    async fn due_on(&self) -> Date {
        Date(self.deadline.due_on)
    }
    /// What the deadline calls for.
    async fn kind(&self) -> DeadlineKind {
        self.deadline.kind.into()
    }
    /// The office the act is due at: the asset's own, or a PCT application's target.
    async fn jurisdiction(&self) -> &str {
        &self.deadline.jurisdiction
    }
    /// The rule that produced the deadline, e.g. "PCT art. 22/39: 30 months from priority (31
    /// for EP, EPC Rule 159)".
    async fn rule(&self) -> &str {
        self.deadline.rule
    }
    /// The date the period runs from: the priority, filing or grant date.
    async fn basis_date(&self) -> Date {
        Date(self.deadline.basis)
    }
    /// For fees: the year of the right the fee is for (CN and EP: the patent year; US: 4, 8
    /// or 12).
    async fn fee_year(&self) -> Option<u32> {
        self.deadline.fee_year
    }
    /// The first day the act may validly be done, where the law forbids acting earlier (EP
    /// renewal fees: 3 months before; US maintenance fees: 6 months before).
    async fn opens_on(&self) -> Option<Date> {
        self.deadline.opens_on.map(Date)
    }
    /// The last day the act can still be done late, with a surcharge or late-entry fee (EP
    /// renewals: 6 months with 50% extra, EPC Rule 51(2); US maintenance: 6 months with surcharge,
    /// 37 CFR 1.362(e); CN annual fees: 6 months; CN national phase: 32 months; CA: 42 months).
    async fn grace_ends_on(&self) -> Option<Date> {
        self.deadline.grace_ends_on.map(Date)
    }
    /// Past the due date but still within the grace period (today, UTC).
    async fn in_grace(&self) -> bool {
        let today = Utc::now().date_naive();
        today > self.deadline.due_on && today <= self.deadline.last_day()
    }
    /// What happens when the act is not done by the end of its (grace) period, e.g. "the right
    /// lapses at the end of the grace period".
    async fn consequence(&self) -> &str {
        self.deadline.consequence
    }
    /// For a PCT national phase already entered: the asset of the family that entered it (the
    /// deadline is then done). Null while open, or when the viewer may not see that asset.
    async fn entered_by(&self, ctx: &Context<'_>) -> Result<Option<IpAsset>> {
        let Some(id) = self.deadline.done_by else {
            return Ok(None);
        };
        Ok(request(ctx)
            .loaders
            .one::<ip_asset::Entity>(id)
            .await?
            .map(IpAsset))
    }
    /// Days from today (UTC) to the due date; negative once it has passed.
    async fn days_left(&self) -> i64 {
        (self.deadline.due_on - Utc::now().date_naive()).num_days()
    }
    /// The asset the deadline belongs to.
    async fn ip_asset(&self) -> IpAsset {
        IpAsset((*self.asset).clone())
    }
}
