//! IP rules: filing an asset for a technology, editing it, the status machine with the dates
//! each status needs, and co-ownership shares (in `ownership`). The pure checks live in
//! [`rules`]; the deadlines an asset's dates imply in [`super::deadlines`].
//!
//! Who writes: an asset is created by the technology's owner (who then owns 100% of it); after
//! that any co-owner — or a center admin — edits it, moves it along its status machine and
//! changes its ownership ([`policy::ensure_co_owner`]).

pub mod consent;
mod ownership;
pub mod responsible;
pub mod rules;

pub use consent::{ChangeWritten, approve, propose_abandonment, propose_ownership, reject};
pub use ownership::{OwnerShare, set_ownership};

use chrono::{NaiveDate, Utc};
use entity::{
    enums::{IpKind, IpStatus},
    ip_asset, ip_ownership, technology,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use serde_json::json;
use uuid::Uuid;

use self::rules::{DateField, Dates};
use crate::{
    auth::{Principal, scope},
    error::{AppError, AppResult},
    policy,
    service::{audit, update_versioned},
};

/// A new IP asset; it starts in DRAFTING.
#[derive(Debug, Clone)]
pub struct NewIpAsset {
    pub technology_id: Uuid,
    pub kind: IpKind,
    pub jurisdiction: String,
    pub application_number: Option<String>,
    pub title: Option<String>,
    pub dates: Dates,
    pub target_jurisdictions: Vec<String>,
    pub family_parent_id: Option<Uuid>,
}

/// Changes to an IP asset; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct IpAssetChanges {
    pub kind: Option<IpKind>,
    pub jurisdiction: Option<String>,
    pub application_number: Option<Option<String>>,
    pub title: Option<Option<String>>,
    pub priority_date: Option<Option<NaiveDate>>,
    pub international_filing_date: Option<Option<NaiveDate>>,
    pub filing_date: Option<Option<NaiveDate>>,
    pub publication_date: Option<Option<NaiveDate>>,
    pub grant_date: Option<Option<NaiveDate>>,
    pub target_jurisdictions: Option<Vec<String>>,
    pub family_parent_id: Option<Option<Uuid>>,
}

const APPLICATION_NUMBER_MAX: usize = 60;
const TITLE_MAX: usize = 500;

/// Kind, office and PCT targets, checked together and normalised.
fn check_kind_office_targets(
    kind: IpKind,
    jurisdiction: &str,
    targets: &[String],
) -> AppResult<(String, Vec<String>)> {
    let office = rules::office("jurisdiction", jurisdiction)?;
    rules::check_kind_at_office(kind, &office)?;
    let targets = rules::targets(kind, targets)?;
    Ok((office, targets))
}

fn dates_of(m: &ip_asset::Model) -> Dates {
    Dates {
        priority: m.priority_date,
        international_filing: m.international_filing_date,
        filing: m.filing_date,
        publication: m.publication_date,
        grant: m.grant_date,
    }
}

/// The institutions owning `asset` and the principal one (largest share), whose admins see the
/// audit trail of the asset.
pub(crate) async fn owners_of(
    db: &impl ConnectionTrait,
    asset: Uuid,
) -> AppResult<(Vec<Uuid>, Option<Uuid>)> {
    let rows = ip_ownership::Entity::find()
        .filter(ip_ownership::Column::IpAssetId.eq(asset))
        .all(db)
        .await?;
    let principal = rows
        .iter()
        .max_by_key(|r| (r.share_bp, std::cmp::Reverse(r.id)))
        .map(|r| r.institution_id);
    Ok((
        rows.into_iter().map(|r| r.institution_id).collect(),
        principal,
    ))
}

/// A family parent must be an asset the viewer sees, of the same technology, and must not
/// descend from `child` (no cycles).
async fn check_family_parent(
    db: &impl ConnectionTrait,
    actor: &Principal,
    technology_id: Uuid,
    child: Option<Uuid>,
    parent: Uuid,
) -> AppResult<()> {
    const FIELD: &str = "familyParentId";
    let found = policy::find_visible::<ip_asset::Entity>(db, actor, parent, "IP asset")
        .await
        .map_err(|_| AppError::bad_input(FIELD, "no such IP asset"))?;
    if found.technology_id != technology_id {
        return Err(AppError::bad_input(
            FIELD,
            "a family parent protects the same technology",
        ));
    }
    let Some(child) = child else {
        return Ok(());
    };
    // Walk up from the new parent; meeting `child` would close a loop. Families are shallow.
    let mut at = Some(found);
    for _ in 0..64 {
        let Some(a) = at else {
            return Ok(());
        };
        if a.id == child {
            return Err(AppError::bad_input(
                FIELD,
                "an asset cannot descend from itself",
            ));
        }
        at = match a.family_parent_id {
            Some(p) => ip_asset::Entity::find_by_id(p).one(db).await?,
            None => None,
        };
    }
    Err(AppError::bad_input(FIELD, "the family is too deep"))
}

/// Records a new IP asset (DRAFTING) for a technology the viewer's institution owns; that
/// institution owns 100% of it.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Principal,
    input: NewIpAsset,
) -> AppResult<crate::service::txn::Written<entity::ip_asset::Model>> {
    policy::ensure_writer(actor, scope::IP_WRITE)?;
    let (office, targets) =
        check_kind_office_targets(input.kind, &input.jurisdiction, &input.target_jurisdictions)?;
    let application_number = rules::optional_text(
        "applicationNumber",
        input.application_number.as_deref(),
        APPLICATION_NUMBER_MAX,
    )?;
    let title = rules::optional_text("title", input.title.as_deref(), TITLE_MAX)?;
    rules::check_date_order(&input.dates)?;
    let txn = super::txn::begin_write(db).await?;
    let tech =
        policy::find_visible::<technology::Entity>(&txn, actor, input.technology_id, "technology")
            .await?;
    policy::ensure_can_write(actor, tech.owner_id, scope::IP_WRITE)?;
    super::security_review::check_filing(&txn, tech.id, input.kind, &office).await?;
    if let Some(parent) = input.family_parent_id {
        check_family_parent(&txn, actor, tech.id, None, parent).await?;
    }
    let now = Utc::now();
    let id = Uuid::now_v7();
    ip_asset::ActiveModel {
        id: Set(id),
        technology_id: Set(tech.id),
        kind: Set(input.kind),
        jurisdiction: Set(office.clone()),
        application_number: Set(application_number.clone()),
        title: Set(title),
        priority_date: Set(input.dates.priority),
        international_filing_date: Set(input.dates.international_filing),
        filing_date: Set(input.dates.filing),
        publication_date: Set(input.dates.publication),
        grant_date: Set(input.dates.grant),
        status: Set(IpStatus::Drafting),
        family_parent_id: Set(input.family_parent_id),
        target_jurisdictions: Set(json!(targets)),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&txn)
    .await?;
    ip_ownership::ActiveModel {
        id: Set(Uuid::now_v7()),
        ip_asset_id: Set(id),
        institution_id: Set(tech.owner_id),
        share_bp: Set(10_000),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Some(tech.owner_id),
        "ipAsset.create",
        "IpAsset",
        id,
        json!({
            "technologyId": tech.id, "kind": input.kind, "jurisdiction": office,
            "applicationNumber": application_number, "targetJurisdictions": targets,
            "familyParentId": input.family_parent_id,
        }),
    )
    .await?;
    crate::service::txn::commit_and_show::<entity::ip_asset::Entity>(txn, actor, id).await
}

/// Edits an IP asset the viewer's institution co-owns.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
    changes: IpAssetChanges,
) -> AppResult<()> {
    policy::ensure_writer(actor, scope::IP_WRITE)?;
    let txn = super::txn::begin_write(db).await?;
    let current = policy::find_visible::<ip_asset::Entity>(&txn, actor, id, "IP asset").await?;
    let (owners, principal) = owners_of(&txn, id).await?;
    policy::ensure_co_owner(actor, &owners, scope::IP_WRITE)?;

    let kind = changes.kind.unwrap_or(current.kind);
    let jurisdiction = changes
        .jurisdiction
        .clone()
        .unwrap_or_else(|| current.jurisdiction.clone());
    let current_targets = crate::graphql::scalars::string_list(&current.target_jurisdictions);
    // Changing the kind away from PCT drops the targets unless new ones are given.
    let targets = match &changes.target_jurisdictions {
        Some(t) => t.clone(),
        None if kind != IpKind::PctApplication => Vec::new(),
        None => current_targets.clone(),
    };
    let (office, targets) = check_kind_office_targets(kind, &jurisdiction, &targets)?;
    // Turning a CN filing into a foreign one is filing abroad too.
    if !super::security_review::is_foreign_filing(current.kind, &current.jurisdiction) {
        super::security_review::check_filing(&txn, current.technology_id, kind, &office).await?;
    }
    let mut dates = dates_of(&current);
    for (field, change) in [
        (DateField::Priority, changes.priority_date),
        (
            DateField::InternationalFiling,
            changes.international_filing_date,
        ),
        (DateField::Filing, changes.filing_date),
        (DateField::Publication, changes.publication_date),
        (DateField::Grant, changes.grant_date),
    ] {
        if let Some(value) = change {
            dates.set(field, value);
        }
    }
    rules::check_date_order(&dates)?;
    rules::check_required_dates(current.status, &dates)?;

    let mut am = <ip_asset::ActiveModel as Default>::default();
    let mut log = serde_json::Map::new();
    if kind != current.kind {
        am.kind = Set(kind);
        log.insert("kind".into(), json!(kind));
    }
    if office != current.jurisdiction {
        log.insert("jurisdiction".into(), json!(office));
        am.jurisdiction = Set(office);
    }
    if targets != current_targets {
        am.target_jurisdictions = Set(json!(targets));
        log.insert("targetJurisdictions".into(), json!(targets));
    }
    if let Some(n) = &changes.application_number {
        let n = rules::optional_text("applicationNumber", n.as_deref(), APPLICATION_NUMBER_MAX)?;
        log.insert("applicationNumber".into(), json!(n));
        am.application_number = Set(n);
    }
    if let Some(t) = &changes.title {
        let t = rules::optional_text("title", t.as_deref(), TITLE_MAX)?;
        log.insert("title".into(), json!(t));
        am.title = Set(t);
    }
    let before = dates_of(&current);
    for field in [
        DateField::Priority,
        DateField::InternationalFiling,
        DateField::Filing,
        DateField::Publication,
        DateField::Grant,
    ] {
        if dates.get(field) != before.get(field) {
            log.insert(field.name().into(), json!(dates.get(field)));
        }
    }
    am.priority_date = Set(dates.priority);
    am.international_filing_date = Set(dates.international_filing);
    am.filing_date = Set(dates.filing);
    am.publication_date = Set(dates.publication);
    am.grant_date = Set(dates.grant);
    if let Some(parent) = changes.family_parent_id {
        if let Some(p) = parent {
            check_family_parent(&txn, actor, current.technology_id, Some(id), p).await?;
        }
        am.family_parent_id = Set(parent);
        log.insert("familyParentId".into(), json!(parent));
    }
    update_versioned::<ip_asset::Entity, _>(&txn, id, expected_version, am).await?;
    audit::record(
        &txn,
        actor,
        principal,
        "ipAsset.update",
        "IpAsset",
        id,
        log.into(),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Moves an IP asset along its status machine. FILED, PUBLISHED and GRANTED record a date:
/// `date`, or the one the asset already has. Abandoning an asset that others co-own needs their
/// consent: it is proposed instead ([`consent::propose_abandonment`]).
pub async fn transition(
    db: &DatabaseConnection,
    actor: &Principal,
    id: Uuid,
    to: IpStatus,
    expected_version: i32,
    date: Option<NaiveDate>,
) -> AppResult<()> {
    policy::ensure_writer(actor, scope::IP_WRITE)?;
    let txn = super::txn::begin_write(db).await?;
    let current = policy::find_visible::<ip_asset::Entity>(&txn, actor, id, "IP asset").await?;
    let (owners, _) = owners_of(&txn, id).await?;
    policy::ensure_co_owner(actor, &owners, scope::IP_WRITE)?;
    rules::check_transition(current.status, to)?;
    if to == IpStatus::Abandoned {
        let shares = ownership::shares_of(&txn, id).await?;
        if !consent::needed_for_abandonment(actor, &shares).is_empty() {
            return Err(AppError::Forbidden(
                "co-owners abandon a jointly owned asset together: propose it with \
                 proposeIpAbandonment"
                    .into(),
            ));
        }
    }
    // Based on the version the client read: a change in between is a CONFLICT.
    let current = ip_asset::Model {
        version: expected_version,
        ..current
    };
    apply_transition(&txn, actor, &current, to, date, None).await?;
    txn.commit().await?;
    Ok(())
}

/// Moves `current` to `to` inside `txn` (checked against the status machine and the dates each
/// status needs), based on `current.version`; supersedes the abandonments pending on it and
/// records the change (`proposal`: the consented change it carries out, if any).
async fn apply_transition(
    txn: &impl ConnectionTrait,
    actor: &Principal,
    current: &ip_asset::Model,
    to: IpStatus,
    date: Option<NaiveDate>,
    proposal: Option<Uuid>,
) -> AppResult<()> {
    rules::check_transition(current.status, to)?;
    let mut dates = dates_of(current);
    let recorded = rules::date_recorded_by(to);
    if let Some(field) = recorded {
        if date.is_some() {
            dates.set(field, date);
        }
        if dates.get(field).is_none() {
            return Err(AppError::bad_input(
                "date",
                format!(
                    "moving to {} needs the {}: pass `date`",
                    sea_orm::ActiveEnum::to_value(&to),
                    field.name()
                ),
            ));
        }
    }
    // A date given here is reported as `date`, whichever column it lands in.
    let as_input = |err: AppError| match (err, recorded, date) {
        (AppError::BadUserInput { field, message }, Some(f), Some(_)) if field == f.name() => {
            AppError::bad_input("date", message)
        }
        (err, ..) => err,
    };
    rules::check_date_order(&dates).map_err(as_input)?;
    rules::check_required_dates(to, &dates)?;
    let am = ip_asset::ActiveModel {
        status: Set(to),
        filing_date: Set(dates.filing),
        publication_date: Set(dates.publication),
        grant_date: Set(dates.grant),
        ..<ip_asset::ActiveModel as Default>::default()
    };
    update_versioned::<ip_asset::Entity, _>(txn, current.id, current.version, am).await?;
    // A pending abandonment concerned the asset in its former status.
    let superseded = consent::supersede_pending(
        txn,
        current.id,
        Some(entity::enums::IpChangeKind::Abandonment),
        proposal,
    )
    .await?;
    let (_, principal) = owners_of(txn, current.id).await?;
    audit::record(
        txn,
        actor,
        principal,
        "ipAsset.transition",
        "IpAsset",
        current.id,
        json!({
            "from": current.status, "to": to, "date": date,
            "proposalId": proposal, "supersededProposals": superseded,
        }),
    )
    .await
}
