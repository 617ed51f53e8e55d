//! Incubation: ventures, their founders and funding, and the venture stage machine
//! (milestones: [`super::venture_milestone`]).
//!
//! Stages: `APPLICATION → INCUBATING → {GRADUATED, DISCONTINUED}` and
//! `APPLICATION → DISCONTINUED`; GRADUATED and DISCONTINUED are final. New ventures start in
//! APPLICATION.

use chrono::Utc;
use entity::{enums::VentureStage, institution, person, technology, venture, venture_founder};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, NotSet,
    QueryFilter, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    auth::{Principal, scope},
    error::{AppError, AppResult},
    policy,
    service::{audit, money, search, text, txn, update_versioned},
};

/// A founder of a venture and their role (`CEO`, `CSO`, …).
#[derive(Debug, Clone)]
pub struct Founder {
    pub person_id: Uuid,
    pub role: Option<String>,
}

/// A new venture (it starts in APPLICATION).
#[derive(Debug, Clone, Default)]
pub struct NewVenture {
    /// The lead institution; the viewer's own unless a center admin names another.
    pub lead: Option<Uuid>,
    pub technology: Option<Uuid>,
    pub name: String,
    pub cohort: Option<String>,
    pub description: Option<String>,
    /// Minor units and currency; nothing raised yet when absent.
    pub funding: Option<(i64, String)>,
    /// When the company was incorporated.
    pub founded_on: Option<chrono::NaiveDate>,
    pub founders: Vec<Founder>,
}

/// Changes to a venture; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct VentureChanges {
    pub name: Option<String>,
    pub cohort: Option<Option<String>>,
    pub stage: Option<VentureStage>,
    pub description: Option<Option<String>>,
    pub funding: Option<(i64, String)>,
    /// Replaces all founders when given.
    pub founders: Option<Vec<Founder>>,
}

/// The stages a venture in `from` may move to.
pub fn next_stages(from: VentureStage) -> &'static [VentureStage] {
    use VentureStage::*;
    match from {
        Application => &[Incubating, Discontinued],
        Incubating => &[Graduated, Discontinued],
        Graduated | Discontinued => &[],
    }
}

/// `from → to` must be an edge of the venture stage machine.
pub fn check_stage_transition(from: VentureStage, to: VentureStage) -> AppResult<()> {
    crate::service::check_transition("stage", "a venture", from, to, next_stages(from))
}

/// The currency a venture's funding is counted in before any is recorded.
fn home_currency(country: &str) -> &'static str {
    match country {
        "CN" => "CNY",
        "BA" => "BAM",
        "RS" => "RSD",
        "US" => "USD",
        _ => "EUR",
    }
}

fn check_funding(funding: &(i64, String)) -> AppResult<()> {
    money::minor_units(&funding.1, "fundingRaised.currency")?;
    if funding.0 < 0 {
        return Err(AppError::bad_input(
            "fundingRaised.amount",
            "funding cannot be negative",
        ));
    }
    Ok(())
}

fn check_founders(founders: &[Founder]) -> AppResult<Vec<Founder>> {
    let mut seen = std::collections::HashSet::new();
    founders
        .iter()
        .map(|f| {
            if !seen.insert(f.person_id) {
                return Err(AppError::bad_input(
                    "founders.personId",
                    "a person is named twice",
                ));
            }
            Ok(Founder {
                person_id: f.person_id,
                role: text::optional("founders.role", f.role.as_deref(), 60)?,
            })
        })
        .collect()
}

/// Replaces the founders of `venture_id`; every person must be visible to the viewer.
async fn replace_founders(
    txn: &impl ConnectionTrait,
    actor: &Principal,
    venture_id: Uuid,
    founders: &[Founder],
) -> AppResult<()> {
    let ids: Vec<Uuid> = founders.iter().map(|f| f.person_id).collect();
    let found = policy::visible::<person::Entity>(actor)
        .filter(person::Column::Id.is_in(ids.clone()))
        .all(txn)
        .await?;
    if found.len() != ids.len() {
        return Err(AppError::bad_input(
            "founders.personId",
            "a named person does not exist",
        ));
    }
    venture_founder::Entity::delete_many()
        .filter(venture_founder::Column::VentureId.eq(venture_id))
        .exec(txn)
        .await?;
    let now = Utc::now();
    for f in founders {
        venture_founder::ActiveModel {
            id: Set(Uuid::now_v7()),
            venture_id: Set(venture_id),
            person_id: Set(f.person_id),
            role: Set(f.role.clone()),
            created_at: Set(now),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

fn founders_log(founders: &[Founder]) -> serde_json::Value {
    json!(
        founders
            .iter()
            .map(|f| json!({ "personId": f.person_id, "role": f.role }))
            .collect::<Vec<_>>()
    )
}

/// Records a venture led by the viewer's institution (or, for center admins, the one named).
pub async fn create(
    db: &DatabaseConnection,
    actor: &Principal,
    input: NewVenture,
) -> AppResult<crate::service::txn::Written<entity::venture::Model>> {
    let lead = policy::owner_for_new(actor, input.lead, scope::VENTURE_WRITE, "leadInstitutionId")?;
    let name = text::required("name", &input.name, 200)?;
    let cohort = text::optional("cohort", input.cohort.as_deref(), 40)?;
    let description = text::optional("description", input.description.as_deref(), 5000)?;
    if let Some(f) = &input.funding {
        check_funding(f)?;
    }
    let founders = check_founders(&input.founders)?;
    let txn = txn::begin_write(db).await?;
    if let Some(t) = input.technology {
        let visible = policy::visible::<technology::Entity>(actor)
            .filter(technology::Column::Id.eq(t))
            .one(&txn)
            .await?;
        if visible.is_none() {
            return Err(AppError::bad_input(
                "technologyId",
                "no technology with this id",
            ));
        }
    }
    let (funding, currency) = match input.funding {
        Some(f) => f,
        None => {
            let country = institution::Entity::find_by_id(lead)
                .one(&txn)
                .await?
                .map(|i| i.country)
                .ok_or_else(|| AppError::bad_input("leadInstitutionId", "no such institution"))?;
            (0, home_currency(&country).to_owned())
        }
    };
    let now = Utc::now();
    let id = Uuid::now_v7();
    venture::ActiveModel {
        id: Set(id),
        lead_institution_id: Set(lead),
        technology_id: Set(input.technology),
        name: Set(name.clone()),
        cohort: Set(cohort.clone()),
        stage: Set(VentureStage::Application),
        funding_raised: Set(funding),
        funding_currency: Set(currency.clone()),
        description: Set(description),
        founded_on: Set(input.founded_on),
        legal_form: Set(None),
        // Written from the stored row by `search::refresh` below.
        search_text: NotSet,
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&txn)
    .await?;
    search::refresh::<venture::Entity>(&txn, id).await?;
    replace_founders(&txn, actor, id, &founders).await?;
    audit::record(
        &txn,
        actor,
        Some(lead),
        "venture.create",
        "Venture",
        id,
        json!({
            "name": name, "cohort": cohort, "technologyId": input.technology,
            "fundingRaised": { "amount": money::format(funding, &currency), "currency": currency },
            "founders": founders_log(&founders),
        }),
    )
    .await?;
    crate::service::txn::commit_and_show::<entity::venture::Entity>(txn, actor, id).await
}

/// Edits a venture the viewer's institution leads.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
    changes: VentureChanges,
) -> AppResult<()> {
    policy::ensure_writer(actor, scope::VENTURE_WRITE)?;
    let mut am = <venture::ActiveModel as Default>::default();
    let mut log = serde_json::Map::new();
    if let Some(n) = &changes.name {
        let n = text::required("name", n, 200)?;
        log.insert("name".into(), json!(n));
        am.name = Set(n);
    }
    if let Some(c) = &changes.cohort {
        let c = text::optional("cohort", c.as_deref(), 40)?;
        log.insert("cohort".into(), json!(c));
        am.cohort = Set(c);
    }
    if let Some(d) = &changes.description {
        let d = text::optional("description", d.as_deref(), 5000)?;
        log.insert("description".into(), json!(d));
        am.description = Set(d);
    }
    if let Some(f) = &changes.funding {
        check_funding(f)?;
        log.insert(
            "fundingRaised".into(),
            json!({ "amount": money::format(f.0, &f.1), "currency": f.1 }),
        );
        am.funding_raised = Set(f.0);
        am.funding_currency = Set(f.1.clone());
    }
    let founders = changes
        .founders
        .as_deref()
        .map(check_founders)
        .transpose()?;
    let txn = txn::begin_write(db).await?;
    let current = policy::find_visible::<venture::Entity>(&txn, actor, id, "venture").await?;
    policy::ensure_can_write(actor, current.lead_institution_id, scope::VENTURE_WRITE)?;
    if let Some(to) = changes.stage.filter(|s| *s != current.stage) {
        check_stage_transition(current.stage, to)?;
        log.insert("stage".into(), json!({ "from": current.stage, "to": to }));
        am.stage = Set(to);
    }
    update_versioned::<venture::Entity, _>(&txn, id, expected_version, am).await?;
    search::refresh::<venture::Entity>(&txn, id).await?;
    if let Some(f) = &founders {
        replace_founders(&txn, actor, id, f).await?;
        log.insert("founders".into(), founders_log(f));
    }
    audit::record(
        &txn,
        actor,
        Some(current.lead_institution_id),
        "venture.update",
        "Venture",
        id,
        log.into(),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use VentureStage::*;

    #[test]
    fn the_venture_stage_machine() {
        for (from, to) in [
            (Application, Incubating),
            (Application, Discontinued),
            (Incubating, Graduated),
            (Incubating, Discontinued),
        ] {
            assert!(
                check_stage_transition(from, to).is_ok(),
                "{from:?} → {to:?}"
            );
        }
        for (from, to) in [
            (Application, Graduated),
            (Incubating, Application),
            (Graduated, Incubating),
            (Discontinued, Application),
            (Graduated, Discontinued),
        ] {
            assert!(
                check_stage_transition(from, to).is_err(),
                "{from:?} → {to:?}"
            );
        }
        match check_stage_transition(Application, Graduated).unwrap_err() {
            AppError::BadUserInput { field, message } => {
                assert_eq!(field, "stage");
                assert!(message.contains("INCUBATING, DISCONTINUED"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn founders_are_named_once() {
        let p = Uuid::now_v7();
        let twice = [
            Founder {
                person_id: p,
                role: Some("CEO".into()),
            },
            Founder {
                person_id: p,
                role: None,
            },
        ];
        assert!(check_founders(&twice).is_err());
        let blank_role = check_founders(&[Founder {
            person_id: p,
            role: Some(" ".into()),
        }]);
        assert_eq!(blank_role.unwrap()[0].role, None);
    }

    #[test]
    fn funding_defaults_to_the_lead_institutions_currency() {
        assert_eq!(home_currency("CN"), "CNY");
        assert_eq!(home_currency("BA"), "BAM");
        assert_eq!(home_currency("HR"), "EUR");
    }
}
