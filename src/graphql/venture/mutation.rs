//! Incubation mutations: ventures, their stage, founders, funding and milestones.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};
use entity::{enums::VentureStage, venture, venture_milestone};

use crate::graphql::{
    ids,
    money::MoneyInput,
    request,
    scalars::Date,
    venture::{Venture, VentureMilestone},
};
use crate::{
    error::AppResult,
    payload,
    service::{venture as service, venture_milestone as milestones},
};

/// A founder and their role.
#[derive(InputObject)]
pub struct FounderInput {
    /// The founder, a person the viewer may see.
    pub person_id: ID,
    /// e.g. `CEO`, `CSO`.
    pub role: Option<String>,
}

fn founders(input: &[FounderInput]) -> AppResult<Vec<service::Founder>> {
    input
        .iter()
        .map(|f| {
            Ok(service::Founder {
                person_id: ids::decode_as("founders.personId", "Person", &f.person_id)?,
                role: f.role.clone(),
            })
        })
        .collect()
}

/// A new venture; it starts in APPLICATION.
#[derive(InputObject)]
pub struct CreateVentureInput {
    /// The lead institution; only a center admin may name another than their own.
    pub lead_institution_id: Option<ID>,
    /// The technology the venture builds on; the viewer must be able to see it.
    pub technology_id: Option<ID>,
    /// The venture's (company) name.
    pub name: String,
    /// Incubation cohort, e.g. `2026-spring`.
    pub cohort: Option<String>,
    /// What the venture does.
    pub description: Option<String>,
    /// Funding raised so far (default: nothing, in the lead institution's currency).
    pub funding_raised: Option<MoneyInput>,
    /// When the company was incorporated ("ventures formed" in the statistics counts by it).
    pub founded_on: Option<Date>,
    /// Founders; each person must be visible to the viewer.
    #[graphql(default)]
    pub founders: Vec<FounderInput>,
}

/// Changes to a venture; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateVentureInput {
    /// The record to change.
    pub id: ID,
    /// The `version` the changes are based on.
    pub expected_version: i32,
    /// The venture's name.
    pub name: Option<String>,
    /// Null clears the cohort.
    pub cohort: MaybeUndefined<String>,
    /// APPLICATION → INCUBATING | DISCONTINUED; INCUBATING → GRADUATED | DISCONTINUED.
    pub stage: Option<VentureStage>,
    /// Null clears the description.
    pub description: MaybeUndefined<String>,
    /// Funding raised so far.
    pub funding_raised: Option<MoneyInput>,
    /// Replaces all founders.
    pub founders: Option<Vec<FounderInput>>,
}

/// A new milestone of a venture.
#[derive(InputObject)]
pub struct AddVentureMilestoneInput {
    /// The venture.
    pub venture_id: ID,
    /// What is to be achieved.
    pub title: String,
    /// When it is due.
    pub due_on: Date,
}

/// Marks a milestone achieved.
#[derive(InputObject)]
pub struct CompleteVentureMilestoneInput {
    /// The milestone's id.
    pub id: ID,
    /// When it was achieved (default: today; not in the future).
    pub completed_on: Option<Date>,
}

payload!(
    /// Result of `createVenture`.
    CreateVenturePayload, venture: Venture, venture::Entity
);
payload!(
    /// Result of `updateVenture`.
    UpdateVenturePayload, venture: Venture, venture::Entity
);
payload!(
    /// Result of `addVentureMilestone`.
    AddVentureMilestonePayload, milestone: VentureMilestone, venture_milestone::Entity
);
payload!(
    /// Result of `completeVentureMilestone`.
    CompleteVentureMilestonePayload, milestone: VentureMilestone, venture_milestone::Entity
);

#[derive(Default)]
pub struct VentureMutation;

#[Object]
impl VentureMutation {
    /// Records a venture led by the viewer's institution (stage APPLICATION).
    async fn create_venture(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: CreateVentureInput,
    ) -> Result<CreateVenturePayload> {
        let req = request(ctx);
        let lead = input
            .lead_institution_id
            .as_ref()
            .map(|id| ids::decode_as("leadInstitutionId", "Institution", id))
            .transpose()?;
        let technology = input
            .technology_id
            .as_ref()
            .map(|id| ids::decode_as("technologyId", "Technology", id))
            .transpose()?;
        let funding = input
            .funding_raised
            .as_ref()
            .map(|m| m.parse("fundingRaised"))
            .transpose()?;
        let written = service::create(
            &req.db,
            &req.principal,
            service::NewVenture {
                lead,
                technology,
                name: input.name,
                cohort: input.cohort,
                description: input.description,
                funding,
                founded_on: input.founded_on.map(|d| d.0),
                founders: founders(&input.founders)?,
            },
        )
        .await?;
        Ok(CreateVenturePayload::from(written))
    }

    /// Edits a venture the viewer's institution leads, or moves it to another stage:
    /// APPLICATION → INCUBATING | DISCONTINUED; INCUBATING → GRADUATED | DISCONTINUED.
    async fn update_venture(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: UpdateVentureInput,
    ) -> Result<UpdateVenturePayload> {
        let req = request(ctx);
        let id = ids::decode_as("id", "Venture", &input.id)?;
        let changes = service::VentureChanges {
            name: input.name,
            cohort: input.cohort.into(),
            stage: input.stage,
            description: input.description.into(),
            funding: input
                .funding_raised
                .as_ref()
                .map(|m| m.parse("fundingRaised"))
                .transpose()?,
            founders: input.founders.as_deref().map(founders).transpose()?,
        };
        service::update(&req.db, &req.principal, id, input.expected_version, changes).await?;
        Ok(UpdateVenturePayload::of(id))
    }

    /// Adds a milestone to a venture the viewer's institution leads.
    async fn add_venture_milestone(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: AddVentureMilestoneInput,
    ) -> Result<AddVentureMilestonePayload> {
        let req = request(ctx);
        let id = ids::decode_as("ventureId", "Venture", &input.venture_id)?;
        let written =
            milestones::add(&req.db, &req.principal, id, &input.title, input.due_on.0).await?;
        Ok(AddVentureMilestonePayload::from(written))
    }

    /// Marks a milestone achieved. Completing it again on the same date changes nothing; on
    /// another date it is a CONFLICT.
    async fn complete_venture_milestone(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: CompleteVentureMilestoneInput,
    ) -> Result<CompleteVentureMilestonePayload> {
        let req = request(ctx);
        let id = ids::decode_as("id", "VentureMilestone", &input.id)?;
        milestones::complete(&req.db, &req.principal, id, input.completed_on.map(|d| d.0)).await?;
        Ok(CompleteVentureMilestonePayload::of(id))
    }
}
