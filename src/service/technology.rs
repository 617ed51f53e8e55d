//! Technology rules: disclosure, edits, the stage machine and inventor shares.

use chrono::{Datelike, NaiveDate, Utc};
use entity::{
    enums::{ClinicalStage, RegulatoryClass, TechnologyField, TechnologyStage, Visibility},
    person, technology, technology_inventor, technology_translation,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use crate::service::text;
use crate::{
    auth::{Principal, scope},
    error::{AppError, AppResult},
    policy,
    service::{audit, technology_reference, update_versioned},
};

/// The text a technology is found by: title, summary, keywords and translations, folded
/// (`entity::search::fold`: lower-case, without diacritics). Stored in
/// `technologies.search_text` and kept current by every write of those fields.
pub fn search_text<'a>(
    title: &str,
    summary: &str,
    keywords: &[String],
    translations: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> String {
    let keywords = keywords.join(" ");
    let mut parts = vec![title, summary, keywords.as_str()];
    for (t, s) in translations {
        parts.push(t);
        parts.push(s);
    }
    entity::search::text(parts)
}

/// A translation of title and summary.
#[derive(Debug, Clone)]
pub struct Translation {
    pub lang: String,
    pub title: String,
    pub summary: String,
}

/// A new disclosure.
#[derive(Debug, Clone)]
pub struct NewTechnology {
    pub owner: Option<Uuid>,
    /// In the owner's namespace (`SLUG-YEAR-NNN`); `None` to have the next one assigned.
    pub reference: Option<String>,
    pub title: String,
    pub summary: String,
    pub field: TechnologyField,
    pub trl: i32,
    pub visibility: Visibility,
    pub regulatory_class: Option<RegulatoryClass>,
    pub clinical_stage: ClinicalStage,
    pub keywords: Vec<String>,
    pub disclosed_on: Option<NaiveDate>,
    pub translations: Vec<Translation>,
}

/// Changes to a technology; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct TechnologyChanges {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub field: Option<TechnologyField>,
    pub trl: Option<i32>,
    pub visibility: Option<Visibility>,
    /// `Some(None)` clears the class.
    pub regulatory_class: Option<Option<RegulatoryClass>>,
    pub clinical_stage: Option<ClinicalStage>,
    pub keywords: Option<Vec<String>>,
    /// Replaces all translations when given.
    pub translations: Option<Vec<Translation>>,
}

fn check_trl(trl: i32) -> AppResult<()> {
    if (1..=9).contains(&trl) {
        Ok(())
    } else {
        Err(AppError::bad_input(
            "trl",
            "the technology readiness level is 1 to 9",
        ))
    }
}

/// References look like `SUMHS-2026-014`: upper-case letters, digits and dashes.
fn check_reference(reference: &str) -> AppResult<String> {
    let r = reference.trim().to_uppercase();
    let ok = (3..=48).contains(&r.len())
        && r.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
        && !r.starts_with('-')
        && !r.ends_with('-');
    if ok {
        Ok(r)
    } else {
        Err(AppError::bad_input(
            "reference",
            "use letters, digits and dashes, e.g. SUMHS-2026-014",
        ))
    }
}

fn check_keywords(keywords: &[String]) -> AppResult<Vec<String>> {
    if keywords.len() > 30 {
        return Err(AppError::bad_input("keywords", "at most 30 keywords"));
    }
    keywords
        .iter()
        .map(|k| text::required("keywords", k, 60))
        .collect()
}

fn check_translations(translations: &[Translation]) -> AppResult<Vec<Translation>> {
    let mut seen = std::collections::HashSet::new();
    translations
        .iter()
        .map(|t| {
            let lang = t.lang.trim().to_lowercase();
            let valid = (2..=8).contains(&lang.len())
                && lang.chars().all(|c| c.is_ascii_lowercase() || c == '-');
            if !valid || lang == "en" {
                return Err(AppError::bad_input(
                    "translations.lang",
                    format!("{:?} is not a language tag other than en", t.lang),
                ));
            }
            if !seen.insert(lang.clone()) {
                return Err(AppError::bad_input(
                    "translations.lang",
                    format!("{lang} is given twice"),
                ));
            }
            Ok(Translation {
                lang,
                title: text::required("translations.title", &t.title, 300)?,
                summary: text::required("translations.summary", &t.summary, 5000)?,
            })
        })
        .collect()
}

fn text_of(
    title: &str,
    summary: &str,
    keywords: &[String],
    translations: &[Translation],
) -> String {
    search_text(
        title,
        summary,
        keywords,
        translations
            .iter()
            .map(|t| (t.title.as_str(), t.summary.as_str())),
    )
}

async fn replace_translations(
    txn: &impl sea_orm::ConnectionTrait,
    technology_id: Uuid,
    translations: &[Translation],
) -> AppResult<()> {
    technology_translation::Entity::delete_many()
        .filter(technology_translation::Column::TechnologyId.eq(technology_id))
        .exec(txn)
        .await?;
    let now = Utc::now();
    for t in translations {
        technology_translation::ActiveModel {
            id: Set(Uuid::now_v7()),
            technology_id: Set(technology_id),
            lang: Set(t.lang.clone()),
            title: Set(t.title.clone()),
            summary: Set(t.summary.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// Records a new disclosure for the viewer's institution (or, for center admins, the one named).
pub async fn create(
    db: &DatabaseConnection,
    actor: &Principal,
    input: NewTechnology,
) -> AppResult<crate::service::txn::Written<entity::technology::Model>> {
    let owner = policy::owner_for_new(actor, input.owner, scope::TECHNOLOGY_WRITE, "ownerId")?;
    if let Some(r) = &input.reference {
        check_reference(r)?;
    }
    let title = text::required("title", &input.title, 300)?;
    let summary = text::required("summary", &input.summary, 5000)?;
    check_trl(input.trl)?;
    let keywords = check_keywords(&input.keywords)?;
    let translations = check_translations(&input.translations)?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    let disclosed_on = input.disclosed_on.unwrap_or_else(|| now.date_naive());
    let txn = crate::service::txn::begin_write(db).await?;
    let prefix = technology_reference::lock_namespace(&txn, owner).await?;
    let reference = match &input.reference {
        Some(given) => technology_reference::check_given(&prefix, given)?,
        None => technology_reference::next(&txn, owner, &prefix, disclosed_on.year()).await?,
    };
    technology::ActiveModel {
        id: Set(id),
        owner_id: Set(owner),
        reference: Set(reference.clone()),
        search_text: Set(text_of(&title, &summary, &keywords, &translations)),
        title: Set(title.clone()),
        summary: Set(summary),
        field: Set(input.field),
        trl: Set(input.trl),
        stage: Set(TechnologyStage::Disclosed),
        visibility: Set(input.visibility),
        regulatory_class: Set(input.regulatory_class),
        clinical_stage: Set(input.clinical_stage),
        keywords: Set(json!(keywords)),
        disclosed_on: Set(disclosed_on),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&txn)
    .await?;
    replace_translations(&txn, id, &translations).await?;
    audit::record(
        &txn,
        actor,
        Some(owner),
        "technology.create",
        "Technology",
        id,
        json!({ "reference": reference, "title": title, "field": input.field, "trl": input.trl, "visibility": input.visibility }),
    )
    .await?;
    crate::service::txn::commit_and_show::<entity::technology::Entity>(txn, actor, id).await
}

/// Edits a technology the viewer's institution owns.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
    changes: TechnologyChanges,
) -> AppResult<()> {
    let txn = crate::service::txn::begin_write(db).await?;
    let current = policy::find_visible::<technology::Entity>(&txn, actor, id, "technology").await?;
    policy::ensure_can_write(actor, current.owner_id, scope::TECHNOLOGY_WRITE)?;
    let mut am = <technology::ActiveModel as Default>::default();
    let mut log = serde_json::Map::new();
    let title = match &changes.title {
        Some(t) => Some(text::required("title", t, 300)?),
        None => None,
    };
    let summary = match &changes.summary {
        Some(s) => Some(text::required("summary", s, 5000)?),
        None => None,
    };
    let keywords = changes
        .keywords
        .as_deref()
        .map(check_keywords)
        .transpose()?;
    let translations = changes
        .translations
        .as_deref()
        .map(check_translations)
        .transpose()?;
    if let Some(t) = &title {
        am.title = Set(t.clone());
        log.insert("title".into(), json!(t));
    }
    if let Some(s) = &summary {
        am.summary = Set(s.clone());
        log.insert("summary".into(), json!(s));
    }
    if let Some(f) = changes.field {
        am.field = Set(f);
        log.insert("field".into(), json!(f));
    }
    if let Some(trl) = changes.trl {
        check_trl(trl)?;
        am.trl = Set(trl);
        log.insert("trl".into(), json!(trl));
    }
    if let Some(v) = changes.visibility {
        am.visibility = Set(v);
        log.insert("visibility".into(), json!(v));
    }
    if let Some(rc) = changes.regulatory_class {
        am.regulatory_class = Set(rc);
        log.insert("regulatoryClass".into(), json!(rc));
    }
    if let Some(cs) = changes.clinical_stage {
        am.clinical_stage = Set(cs);
        log.insert("clinicalStage".into(), json!(cs));
    }
    if let Some(k) = &keywords {
        am.keywords = Set(json!(k));
        log.insert("keywords".into(), json!(k));
    }
    if let Some(t) = &translations {
        replace_translations(&txn, id, t).await?;
        log.insert(
            "translations".into(),
            json!(t.iter().map(|t| &t.lang).collect::<Vec<_>>()),
        );
    }
    if title.is_some() || summary.is_some() || keywords.is_some() || translations.is_some() {
        let current_translations = match &translations {
            Some(t) => t.clone(),
            None => technology_translation::Entity::find()
                .filter(technology_translation::Column::TechnologyId.eq(id))
                .all(&txn)
                .await?
                .into_iter()
                .map(|t| Translation {
                    lang: t.lang,
                    title: t.title,
                    summary: t.summary,
                })
                .collect(),
        };
        let current_keywords = crate::graphql::scalars::string_list(&current.keywords);
        am.search_text = Set(text_of(
            title.as_deref().unwrap_or(&current.title),
            summary.as_deref().unwrap_or(&current.summary),
            keywords.as_deref().unwrap_or(&current_keywords),
            &current_translations,
        ));
    }
    update_versioned::<technology::Entity, _>(&txn, id, expected_version, am).await?;
    audit::record(
        &txn,
        actor,
        Some(current.owner_id),
        "technology.update",
        "Technology",
        id,
        log.into(),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Moves a technology along its stage machine.
pub async fn transition(
    db: &DatabaseConnection,
    actor: &Principal,
    id: Uuid,
    to: TechnologyStage,
    expected_version: i32,
) -> AppResult<()> {
    let txn = crate::service::txn::begin_write(db).await?;
    let current = policy::find_visible::<technology::Entity>(&txn, actor, id, "technology").await?;
    policy::ensure_can_write(actor, current.owner_id, scope::TECHNOLOGY_WRITE)?;
    check_stage_transition(current.stage, to)?;
    let am = technology::ActiveModel {
        stage: Set(to),
        ..<technology::ActiveModel as Default>::default()
    };
    update_versioned::<technology::Entity, _>(&txn, id, expected_version, am).await?;
    audit::record(
        &txn,
        actor,
        Some(current.owner_id),
        "technology.transition",
        "Technology",
        id,
        json!({ "from": current.stage, "to": to }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The stages a technology in `from` may move to.
pub fn next_stages(from: TechnologyStage) -> &'static [TechnologyStage] {
    use TechnologyStage::*;
    match from {
        Disclosed => &[Assessment, Archived],
        Assessment => &[Protection, Archived],
        Protection => &[Marketing, Archived],
        Marketing => &[Licensed, SpunOut, Archived],
        // A technology licensed to a startup that then spins out: the usual route.
        Licensed => &[SpunOut, Archived],
        SpunOut => &[Archived],
        Archived => &[Assessment],
    }
}

/// `from → to` must be an edge of the technology stage machine.
pub fn check_stage_transition(from: TechnologyStage, to: TechnologyStage) -> AppResult<()> {
    crate::service::check_transition("to", "a technology", from, to, next_stages(from))
}

/// One inventor's share of a technology.
#[derive(Debug, Clone, Copy)]
pub struct InventorShare {
    pub person_id: Uuid,
    pub share_bp: i32,
}

/// Shares must be positive, name each person once and add up to exactly 10000 basis points.
pub fn check_shares<K: Eq + std::hash::Hash + Copy>(
    field: &str,
    shares: impl IntoIterator<Item = (K, i32)>,
) -> AppResult<()> {
    let mut seen = std::collections::HashSet::new();
    let mut total: i64 = 0;
    let mut count = 0;
    for (key, bp) in shares {
        count += 1;
        if !(1..=10_000).contains(&bp) {
            return Err(AppError::bad_input(
                field,
                "each share is between 1 and 10000 basis points",
            ));
        }
        if !seen.insert(key) {
            return Err(AppError::bad_input(
                field,
                "each party may appear only once",
            ));
        }
        total += i64::from(bp);
    }
    if count == 0 {
        return Err(AppError::bad_input(field, "name at least one party"));
    }
    if total != 10_000 {
        return Err(AppError::bad_input(
            field,
            format!("shares add up to {total} basis points, not 10000"),
        ));
    }
    Ok(())
}

/// Replaces the inventors of a technology atomically.
pub async fn set_inventors(
    db: &DatabaseConnection,
    actor: &Principal,
    technology_id: Uuid,
    inventors: Vec<InventorShare>,
) -> AppResult<()> {
    check_shares(
        "inventors",
        inventors.iter().map(|i| (i.person_id, i.share_bp)),
    )?;
    let txn = crate::service::txn::begin_write(db).await?;
    let tech = policy::find_visible::<technology::Entity>(&txn, actor, technology_id, "technology")
        .await?;
    policy::ensure_can_write(actor, tech.owner_id, scope::TECHNOLOGY_WRITE)?;
    // Bumping the technology's version locks its row (PostgreSQL) for the rest of the
    // transaction, so two concurrent replacements cannot interleave their deletes and inserts;
    // the later one loses with CONFLICT.
    update_versioned::<technology::Entity, _>(
        &txn,
        technology_id,
        tech.version,
        <technology::ActiveModel as Default>::default(),
    )
    .await?;
    let ids: Vec<Uuid> = inventors.iter().map(|i| i.person_id).collect();
    let found = policy::visible::<person::Entity>(actor)
        .filter(person::Column::Id.is_in(ids.clone()))
        .all(&txn)
        .await?;
    if found.len() != ids.len() {
        return Err(AppError::bad_input(
            "inventors.personId",
            "a named person does not exist",
        ));
    }
    technology_inventor::Entity::delete_many()
        .filter(technology_inventor::Column::TechnologyId.eq(technology_id))
        .exec(&txn)
        .await?;
    let now = Utc::now();
    for i in &inventors {
        technology_inventor::ActiveModel {
            id: Set(Uuid::now_v7()),
            technology_id: Set(technology_id),
            person_id: Set(i.person_id),
            share_bp: Set(i.share_bp),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        }
        .insert(&txn)
        .await?;
    }
    audit::record(
        &txn,
        actor,
        Some(tech.owner_id),
        "technology.setInventors",
        "Technology",
        technology_id,
        json!({ "inventors": inventors.iter().map(|i| json!({ "personId": i.person_id, "shareBasisPoints": i.share_bp })).collect::<Vec<_>>() }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn technology_stage_machine() {
        use entity::enums::TechnologyStage::{self, *};
        use sea_orm::Iterable;
        let can = |from, to| super::next_stages(from).contains(&to);
        assert!(can(Disclosed, Assessment));
        assert!(can(Marketing, SpunOut));
        assert!(can(Licensed, Archived));
        assert!(can(Licensed, SpunOut));
        assert!(!can(SpunOut, Licensed));
        assert!(can(Archived, Assessment));
        assert!(!can(Disclosed, Marketing));
        assert!(!can(Archived, Archived));
        assert!(!can(Archived, Disclosed));
        for s in TechnologyStage::iter().filter(|s| *s != Archived) {
            assert!(can(s, Archived), "{s:?}");
        }
    }

    use super::*;

    #[test]
    fn search_text_holds_every_field_folded() {
        let text = search_text(
            "Rapid Sepsis Assay",
            "Point-of-care",
            &["Biomarker".into(), "Šarić".into()],
            [("快速脓毒症检测", "床旁"), ("Брзи тест", "Ćelije")],
        );
        for needle in [
            "rapid sepsis",
            "point-of-care",
            "biomarker",
            "saric",
            "脓毒症",
            "床旁",
            "brzi test",
            "celije",
        ] {
            assert!(text.contains(needle), "{needle}");
        }
    }

    #[test]
    fn shares_must_add_up_to_exactly_10000() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        assert!(check_shares("s", [(a, 7000), (b, 3000)]).is_ok());
        assert!(check_shares("s", [(a, 7000), (b, 2999)]).is_err());
        assert!(check_shares("s", [(a, 5000), (a, 5000)]).is_err());
        assert!(check_shares("s", [(a, 10_001), (b, -1)]).is_err());
        assert!(check_shares::<Uuid>("s", []).is_err());
    }

    #[test]
    fn stage_errors_name_the_allowed_targets() {
        use TechnologyStage::*;
        assert!(check_stage_transition(Disclosed, Assessment).is_ok());
        assert!(check_stage_transition(Archived, Assessment).is_ok());
        let err = check_stage_transition(Disclosed, Licensed).unwrap_err();
        match err {
            AppError::BadUserInput { field, message } => {
                assert_eq!(field, "to");
                assert!(
                    message.contains("ASSESSMENT") && message.contains("ARCHIVED"),
                    "{message}"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn references_are_normalised_and_checked() {
        assert_eq!(
            check_reference(" sumhs-2026-014 ").unwrap(),
            "SUMHS-2026-014"
        );
        assert!(check_reference("bad ref!").is_err());
        assert!(check_reference("-X-").is_err());
    }
}
