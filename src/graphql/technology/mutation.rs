//! Technology mutations: disclose, edit, move along the stage machine, name inventors.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};
use entity::{
    enums::{ClinicalStage, RegulatoryClass, TechnologyField, TechnologyStage, Visibility},
    technology,
};

use crate::graphql::{ids, request, scalars::Date, technology::Technology};
use crate::{payload, service::technology as service};

/// A translation of a technology's title and summary.
#[derive(InputObject, Clone)]
pub struct TranslationInput {
    /// Language tag, e.g. `zh`, `sr`, `hr`, `bs`.
    pub lang: String,
    /// Title in that language.
    pub title: String,
    /// Summary in that language.
    pub summary: String,
}

impl From<TranslationInput> for service::Translation {
    fn from(t: TranslationInput) -> Self {
        service::Translation {
            lang: t.lang,
            title: t.title,
            summary: t.summary,
        }
    }
}

/// A new invention disclosure.
#[derive(InputObject)]
pub struct CreateTechnologyInput {
    /// The owner institution; only a center admin may name another than their own.
    pub owner_id: Option<ID>,
    /// The reference, in the owner's namespace: its slug upper-cased, the year and a number,
    /// e.g. `SUMHS-2026-014`. Leave it out to have the next free one assigned (`SLUG-YEAR-NNN`,
    /// the year of disclosure).
    pub reference: Option<String>,
    /// Canonical (English) title.
    pub title: String,
    /// Canonical (English) summary.
    pub summary: String,
    /// Field of application.
    pub field: TechnologyField,
    /// Technology readiness level, 1–9.
    pub trl: i32,
    /// Who may see it; new disclosures are confidential unless said otherwise.
    #[graphql(default_with = "Visibility::Confidential")]
    pub visibility: Visibility,
    /// Medical-device class, when it is a device.
    pub regulatory_class: Option<RegulatoryClass>,
    /// Clinical development stage (default NOT_APPLICABLE).
    #[graphql(default_with = "ClinicalStage::NotApplicable")]
    pub clinical_stage: ClinicalStage,
    /// Free keywords (at most 30).
    #[graphql(default)]
    pub keywords: Vec<String>,
    /// When the invention was disclosed (default: today).
    pub disclosed_on: Option<Date>,
    /// Title and summary in other languages.
    #[graphql(default)]
    pub translations: Vec<TranslationInput>,
}

/// Changes to a technology; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateTechnologyInput {
    /// The technology.
    pub id: ID,
    /// The `version` the changes are based on.
    pub expected_version: i32,
    /// New canonical title.
    pub title: Option<String>,
    /// New canonical summary.
    pub summary: Option<String>,
    /// New field of application.
    pub field: Option<TechnologyField>,
    /// New readiness level, 1–9.
    pub trl: Option<i32>,
    /// New visibility.
    pub visibility: Option<Visibility>,
    /// Null clears the class.
    pub regulatory_class: MaybeUndefined<RegulatoryClass>,
    /// New clinical stage.
    pub clinical_stage: Option<ClinicalStage>,
    /// Replaces all keywords.
    pub keywords: Option<Vec<String>>,
    /// Replaces all translations.
    pub translations: Option<Vec<TranslationInput>>,
}

/// Moves a technology to another stage.
#[derive(InputObject)]
pub struct TransitionTechnologyInput {
    /// The technology.
    pub id: ID,
    /// The stage to move to.
    pub to: TechnologyStage,
    /// The `version` the move is based on.
    pub expected_version: i32,
}

/// One inventor and their share.
#[derive(InputObject)]
pub struct InventorShareInput {
    /// The inventor (a `Person`).
    pub person_id: ID,
    /// Share in basis points (10000 = 100%).
    pub share_basis_points: i32,
}

/// The complete list of inventors; replaces the current one atomically.
#[derive(InputObject)]
pub struct SetTechnologyInventorsInput {
    /// The technology.
    pub technology_id: ID,
    /// Shares must add up to exactly 10000 basis points.
    pub inventors: Vec<InventorShareInput>,
}

payload!(
    /// Result of `createTechnology`.
    CreateTechnologyPayload, technology: Technology, technology::Entity
);
payload!(
    /// Result of `updateTechnology`.
    UpdateTechnologyPayload, technology: Technology, technology::Entity
);
payload!(
    /// Result of `transitionTechnology`.
    TransitionTechnologyPayload, technology: Technology, technology::Entity
);
payload!(
    /// Result of `setTechnologyInventors`.
    SetTechnologyInventorsPayload, technology: Technology, technology::Entity
);

#[derive(Default)]
pub struct TechnologyMutation;

#[Object]
impl TechnologyMutation {
    /// Records a new invention disclosure (stage DISCLOSED).
    async fn create_technology(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: CreateTechnologyInput,
    ) -> Result<CreateTechnologyPayload> {
        let req = request(ctx);
        let owner = input
            .owner_id
            .as_ref()
            .map(|id| ids::decode_as("ownerId", "Institution", id))
            .transpose()?;
        let written = service::create(
            &req.db,
            &req.principal,
            service::NewTechnology {
                owner,
                reference: input.reference,
                title: input.title,
                summary: input.summary,
                field: input.field,
                trl: input.trl,
                visibility: input.visibility,
                regulatory_class: input.regulatory_class,
                clinical_stage: input.clinical_stage,
                keywords: input.keywords,
                disclosed_on: input.disclosed_on.map(|d| d.0),
                translations: input.translations.into_iter().map(Into::into).collect(),
            },
        )
        .await?;
        Ok(CreateTechnologyPayload::from(written))
    }

    /// Edits a technology of the viewer's institution.
    async fn update_technology(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: UpdateTechnologyInput,
    ) -> Result<UpdateTechnologyPayload> {
        let req = request(ctx);
        let id = ids::decode_as("id", "Technology", &input.id)?;
        let regulatory_class = match input.regulatory_class {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(v) => Some(Some(v)),
        };
        let changes = service::TechnologyChanges {
            title: input.title,
            summary: input.summary,
            field: input.field,
            trl: input.trl,
            visibility: input.visibility,
            regulatory_class,
            clinical_stage: input.clinical_stage,
            keywords: input.keywords,
            translations: input
                .translations
                .map(|t| t.into_iter().map(Into::into).collect()),
        };
        service::update(&req.db, &req.principal, id, input.expected_version, changes).await?;
        Ok(UpdateTechnologyPayload::of(id))
    }

    /// Moves a technology along its stage machine:
    /// DISCLOSED → ASSESSMENT → PROTECTION → MARKETING → LICENSED | SPUN_OUT; any → ARCHIVED;
    /// ARCHIVED → ASSESSMENT.
    async fn transition_technology(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: TransitionTechnologyInput,
    ) -> Result<TransitionTechnologyPayload> {
        let req = request(ctx);
        let id = ids::decode_as("id", "Technology", &input.id)?;
        service::transition(
            &req.db,
            &req.principal,
            id,
            input.to,
            input.expected_version,
        )
        .await?;
        Ok(TransitionTechnologyPayload::of(id))
    }

    /// Replaces a technology's inventors; shares add up to 10000 basis points.
    async fn set_technology_inventors(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: SetTechnologyInventorsInput,
    ) -> Result<SetTechnologyInventorsPayload> {
        let req = request(ctx);
        let id = ids::decode_as("technologyId", "Technology", &input.technology_id)?;
        let inventors = input
            .inventors
            .iter()
            .map(|i| {
                Ok(service::InventorShare {
                    person_id: ids::decode_as("inventors.personId", "Person", &i.person_id)?,
                    share_bp: i.share_basis_points,
                })
            })
            .collect::<crate::error::AppResult<Vec<_>>>()?;
        service::set_inventors(&req.db, &req.principal, id, inventors).await?;
        Ok(SetTechnologyInventorsPayload::of(id))
    }
}
