//! Deal rules: opening a deal on a technology, the deal stage machine with its append-only
//! history, and where a deal's parties are (for `crossBorder`).
//!
//! Royalty reports and income live in [`super::royalty`].

use chrono::{Days, NaiveDate, Utc};
use entity::{
    api_token, deal, deal_event,
    enums::{DealKind, DealStage, Region},
    institution, technology, user,
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, Set};
use serde_json::json;
use uuid::Uuid;

use crate::service::text;
use crate::{
    auth::{Principal, scope},
    error::{AppError, AppResult},
    policy,
    service::{audit, money, update_versioned},
};

/// Countries of the Balkan Peninsula (ISO 3166-1 alpha-2; `XK` for Kosovo).
pub const BALKAN_COUNTRIES: &[&str] = &[
    "AL", "BA", "BG", "GR", "HR", "ME", "MK", "RO", "RS", "SI", "XK",
];

/// Countries counted as the Yangtze River Delta when only the country is known.
pub const YRD_COUNTRIES: &[&str] = &["CN"];

/// The region of an external organisation, from its country alone.
///
/// Institutions carry their region; an external recipient only has a country. Balkan countries
/// map to `BALKAN_PENINSULA`. `CN` maps to `YANGTZE_RIVER_DELTA`: we do not record provinces, so
/// a Chinese company counts as being on the Chinese side of the center, and a deal between a
/// delta university and a Chinese company is not cross-border. Anything else (or no country) is
/// `OTHER`.
pub fn region_of_country(country: Option<&str>) -> Region {
    match country {
        Some(c) if YRD_COUNTRIES.contains(&c) => Region::YangtzeRiverDelta,
        Some(c) if BALKAN_COUNTRIES.contains(&c) => Region::BalkanPeninsula,
        _ => Region::Other,
    }
}

/// Whether a deal crosses regions: the provider's region differs from the recipient's.
pub fn is_cross_border(provider: Region, recipient: Region) -> bool {
    provider != recipient
}

/// Who receives the rights.
#[derive(Debug, Clone)]
pub enum Recipient {
    /// A partner institution.
    Institution(Uuid),
    /// An external organisation: name and ISO 3166-1 alpha-2 country.
    External { name: String, country: String },
    /// A venture of the incubator (a startup licence).
    Venture(Uuid),
}

/// A new deal.
#[derive(Debug, Clone)]
pub struct NewDeal {
    pub technology_id: Uuid,
    pub kind: DealKind,
    /// The providing institution; must own the technology. Defaults to the technology's owner.
    pub provider: Option<Uuid>,
    pub recipient: Recipient,
    pub territory: Option<String>,
    /// Upfront amount: (minor units, currency) as parsed from the input.
    pub upfront: Option<(i64, String)>,
    pub royalty_bp: Option<i32>,
    /// The total agreed amount: (minor units, currency) as parsed from the input.
    pub contract_value: Option<(i64, String)>,
    pub currency: String,
    pub note: Option<String>,
    /// The licence's terms (see [`super::licence`]).
    pub terms: super::licence::Terms,
}

/// A money amount must be in the deal's currency.
pub fn check_currency(field: &str, given: &str, deal_currency: &str) -> AppResult<()> {
    if given == deal_currency {
        Ok(())
    } else {
        Err(AppError::bad_input(
            field,
            format!("the deal is in {deal_currency}; this amount is in {given}"),
        ))
    }
}

/// A date a user reports as past (signing, receipt) may be at most a day ahead of UTC's today:
/// Shanghai is eight hours ahead of it.
pub fn check_not_future(field: &str, date: NaiveDate) -> AppResult<()> {
    let latest = Utc::now().date_naive() + Days::new(1);
    if date > latest {
        Err(AppError::bad_input(
            field,
            format!("{date} is in the future"),
        ))
    } else {
        Ok(())
    }
}

/// How the actor appears in a deal's history: a user's name, an API token's name, or
/// `operator` for command-line tokens.
pub async fn actor_display(db: &impl ConnectionTrait, p: &Principal) -> AppResult<String> {
    if let Some(id) = p.user_id
        && let Some(u) = user::Entity::find_by_id(id).one(db).await?
    {
        return Ok(u.display_name);
    }
    if let Some(id) = p.api_token_id
        && let Some(t) = api_token::Entity::find_by_id(id).one(db).await?
    {
        return Ok(t.name);
    }
    Ok("operator".into())
}

/// Appends a stage change to a deal's history.
async fn append_event(
    txn: &impl ConnectionTrait,
    actor: &Principal,
    deal_id: Uuid,
    from: Option<DealStage>,
    to: DealStage,
    note: Option<String>,
) -> AppResult<()> {
    let now = Utc::now();
    deal_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        deal_id: Set(deal_id),
        from_stage: Set(from),
        to_stage: Set(to),
        at: Set(now),
        actor_user_id: Set(actor.user_id),
        actor_label: Set(actor_display(txn, actor).await?),
        note: Set(note),
        created_at: Set(now),
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Opens a deal (stage `LEAD`) on a technology the viewer's institution owns.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Principal,
    input: NewDeal,
) -> AppResult<crate::service::txn::Written<entity::deal::Model>> {
    policy::ensure_writer(actor, scope::DEAL_WRITE)?;
    money::minor_units(&input.currency, "currency")?;
    if let Some((_, currency)) = &input.contract_value {
        check_currency("contractValue", currency, &input.currency)?;
    }
    if let Some((_, currency)) = &input.upfront {
        check_currency("upfront", currency, &input.currency)?;
    }
    if input
        .royalty_bp
        .is_some_and(|bp| !(0..=10_000).contains(&bp))
    {
        return Err(AppError::bad_input(
            "royaltyBasisPoints",
            "a royalty is between 0 and 10000 basis points",
        ));
    }
    let territory = text::optional("territory", input.territory.as_deref(), 200)?;
    let note = text::optional("note", input.note.as_deref(), 2000)?;
    let (recipient_institution, mut external_name, mut external_country) = match &input.recipient {
        Recipient::Institution(id) => (Some(*id), None, None),
        Recipient::Venture(_) => (None, None, None),
        Recipient::External { name, country } => (
            None,
            Some(text::required("recipientExternal.name", name, 200)?),
            Some(text::country("recipientExternal.country", country)?),
        ),
    };

    let txn = crate::service::txn::begin_write(db).await?;
    let tech =
        policy::find_visible::<technology::Entity>(&txn, actor, input.technology_id, "technology")
            .await?;
    policy::ensure_can_write(actor, tech.owner_id, scope::DEAL_WRITE)?;
    let provider = match input.provider {
        Some(named) => {
            policy::owner_for_new(actor, Some(named), scope::DEAL_WRITE, "providerId")?;
            if named != tech.owner_id {
                return Err(AppError::bad_input(
                    "providerId",
                    "the provider must be the institution that owns the technology",
                ));
            }
            named
        }
        None => tech.owner_id,
    };
    if let Some(recipient) = recipient_institution {
        if recipient == provider {
            return Err(AppError::bad_input(
                "recipientInstitutionId",
                "an institution cannot make a deal with itself",
            ));
        }
        match policy::find_visible::<institution::Entity>(&txn, actor, recipient, "institution")
            .await
        {
            Err(AppError::NotFound(_)) => {
                return Err(AppError::bad_input(
                    "recipientInstitutionId",
                    "no such institution",
                ));
            }
            other => other?,
        };
    }
    let recipient_venture = match &input.recipient {
        Recipient::Venture(id) => {
            let (name, country) = super::venture_equity::as_recipient(&txn, actor, *id).await?;
            external_name = Some(name);
            external_country = Some(country);
            Some(*id)
        }
        _ => None,
    };
    let now = Utc::now();
    let id = Uuid::now_v7();
    let mut am = deal::ActiveModel {
        recipient_venture_id: Set(recipient_venture),
        id: Set(id),
        technology_id: Set(tech.id),
        kind: Set(input.kind),
        provider_id: Set(provider),
        recipient_institution_id: Set(recipient_institution),
        recipient_external_name: Set(external_name.clone()),
        recipient_external_country: Set(external_country.clone()),
        stage: Set(DealStage::Lead),
        territory: Set(territory.clone()),
        upfront_amount: Set(input.upfront.as_ref().map(|(minor, _)| *minor)),
        royalty_bp: Set(input.royalty_bp),
        currency: Set(input.currency.clone()),
        contract_value: Set(input.contract_value.as_ref().map(|(minor, _)| *minor)),
        signed_on: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    };
    super::licence::apply(input.kind, &input.currency, &input.terms, &mut am)?;
    am.insert(&txn).await?;
    super::licence::insert_milestones(&txn, id, &input.terms.milestones).await?;
    append_event(&txn, actor, id, None, DealStage::Lead, note).await?;
    audit::record(
        &txn,
        actor,
        Some(provider),
        "deal.create",
        "Deal",
        id,
        json!({
            "technologyId": tech.id,
            "kind": input.kind,
            "recipientInstitutionId": recipient_institution,
            "recipientExternal": external_name.map(|n| json!({ "name": n, "country": external_country })),
            "territory": territory,
            "upfrontAmount": input.upfront.map(|(minor, _)| minor),
            "contractValue": input.contract_value.map(|(minor, _)| minor),
            "royaltyBasisPoints": input.royalty_bp,
            "currency": input.currency,
        }),
    )
    .await?;
    crate::service::txn::commit_and_show::<entity::deal::Entity>(txn, actor, id).await
}

/// A move along the deal stage machine.
#[derive(Debug, Clone)]
pub struct Transition {
    pub to: DealStage,
    pub note: Option<String>,
    pub expected_version: i32,
    /// The signing date when moving to `SIGNED` (default: today).
    pub signed_on: Option<NaiveDate>,
}

/// Moves a deal along its stage machine and appends the change to its history.
pub async fn transition(
    db: &DatabaseConnection,
    actor: &Principal,
    id: Uuid,
    t: Transition,
) -> AppResult<()> {
    let note = text::optional("note", t.note.as_deref(), 2000)?;
    if let Some(on) = t.signed_on {
        if t.to != DealStage::Signed {
            return Err(AppError::bad_input(
                "signedOn",
                "a signing date is given only when moving to SIGNED",
            ));
        }
        check_not_future("signedOn", on)?;
    }
    let txn = crate::service::txn::begin_write(db).await?;
    let current = policy::find_visible::<deal::Entity>(&txn, actor, id, "deal").await?;
    policy::ensure_may_move_deal(actor, &current, t.to)?;
    check_stage_transition(current.stage, t.to)?;
    let signed_on =
        (t.to == DealStage::Signed).then(|| t.signed_on.unwrap_or_else(|| Utc::now().date_naive()));
    let am = deal::ActiveModel {
        stage: Set(t.to),
        signed_on: match signed_on {
            Some(on) => Set(Some(on)),
            None => sea_orm::ActiveValue::NotSet,
        },
        ..Default::default()
    };
    update_versioned::<deal::Entity, _>(&txn, id, t.expected_version, am).await?;
    if t.to == DealStage::Signed {
        let signed = deal::Model {
            stage: t.to,
            signed_on,
            ..current.clone()
        };
        super::licence::on_signing(&txn, actor, &signed).await?;
    }
    append_event(&txn, actor, id, Some(current.stage), t.to, note.clone()).await?;
    audit::record(
        &txn,
        actor,
        Some(current.provider_id),
        "deal.transition",
        "Deal",
        id,
        json!({ "from": current.stage, "to": t.to, "note": note, "signedOn": signed_on }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The stages a deal in `from` may move to.
pub fn next_stages(from: DealStage) -> &'static [DealStage] {
    use DealStage::*;
    match from {
        Lead => &[Negotiation, Lost],
        Negotiation => &[TermSheet, Lost],
        TermSheet => &[Signed, Lost],
        Signed => &[Active, Terminated],
        Active => &[Completed, Terminated],
        Completed | Lost | Terminated => &[],
    }
}

/// `from → to` must be an edge of the deal stage machine; the error names the allowed targets.
pub fn check_stage_transition(from: DealStage, to: DealStage) -> AppResult<()> {
    crate::service::check_transition("to", "a deal", from, to, next_stages(from))
}

#[cfg(test)]
mod tests {
    #[test]
    fn deal_stage_machine() {
        use entity::enums::DealStage::{self, *};
        use sea_orm::Iterable;
        let can = |from, to| super::next_stages(from).contains(&to);
        for s in DealStage::iter() {
            assert_eq!(s.is_open(), !super::next_stages(s).is_empty(), "{s:?}");
            assert_eq!(can(s, Lost), s.is_open() && !s.is_signed());
            assert_eq!(can(s, Terminated), s.is_open() && s.is_signed());
        }
        assert!(can(TermSheet, Signed));
        assert!(!can(Lead, Signed));
        assert!(!Completed.is_open());
    }

    use super::*;

    #[test]
    fn external_regions_come_from_the_country() {
        assert_eq!(region_of_country(Some("RS")), Region::BalkanPeninsula);
        assert_eq!(region_of_country(Some("XK")), Region::BalkanPeninsula);
        assert_eq!(region_of_country(Some("CN")), Region::YangtzeRiverDelta);
        assert_eq!(region_of_country(Some("DE")), Region::Other);
        assert_eq!(region_of_country(None), Region::Other);
        assert!(is_cross_border(
            Region::YangtzeRiverDelta,
            Region::BalkanPeninsula
        ));
        assert!(!is_cross_border(Region::Other, Region::Other));
    }

    #[test]
    fn stage_errors_name_the_allowed_targets() {
        use DealStage::*;
        assert!(check_stage_transition(Lead, Negotiation).is_ok());
        assert!(check_stage_transition(TermSheet, Lost).is_ok());
        assert!(check_stage_transition(Active, Terminated).is_ok());
        for (from, to, expected) in [
            (Lead, Signed, vec!["NEGOTIATION", "LOST"]),
            (Signed, Lost, vec!["ACTIVE", "TERMINATED"]),
        ] {
            match check_stage_transition(from, to).unwrap_err() {
                AppError::BadUserInput { field, message } => {
                    assert_eq!(field, "to");
                    for e in expected {
                        assert!(message.contains(e), "{message}");
                    }
                }
                other => panic!("{other:?}"),
            }
        }
        assert!(check_stage_transition(Completed, Active).is_err());
    }

    #[test]
    fn countries_are_checked() {
        assert_eq!(text::country("c", " rs ").unwrap(), "RS");
        assert!(text::country("c", "SRB").is_err());
        assert!(check_currency("upfront", "EUR", "EUR").is_ok());
        assert!(check_currency("upfront", "CNY", "EUR").is_err());
    }
}
