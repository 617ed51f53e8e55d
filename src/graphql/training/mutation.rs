//! Training mutations: programs, applications and the host's decisions.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};
use entity::{
    enrollment,
    enums::{EnrollmentStatus, ProgramKind, TechnologyField, Visibility},
    training_program,
};
use uuid::Uuid;

use crate::graphql::{
    ids, request,
    scalars::Date,
    training::{Enrollment, TrainingProgram},
};
use crate::{
    payload,
    service::{enrollment as enrollments, training as service},
};

/// A new training program.
#[derive(InputObject)]
pub struct CreateTrainingProgramInput {
    /// The host institution; only a center admin may name another than their own.
    pub host_id: Option<ID>,
    /// The program's title.
    pub title: String,
    /// The kind of program.
    pub kind: ProgramKind,
    /// The field the program trains in.
    pub field: Option<TechnologyField>,
    /// Language of instruction, e.g. `en`, `zh`.
    pub language: String,
    /// First day.
    pub starts_on: Date,
    /// Last day; not before `startsOn`.
    pub ends_on: Date,
    /// How many participants may be accepted (0–10000).
    pub capacity: i32,
    /// Who may see the program; consortium members unless said otherwise.
    #[graphql(default_with = "Visibility::Consortium")]
    pub visibility: Visibility,
    /// What the program offers.
    pub description: Option<String>,
}

/// Changes to a training program; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateTrainingProgramInput {
    /// The record to change.
    pub id: ID,
    /// The `version` the changes are based on.
    pub expected_version: i32,
    /// The program's title.
    pub title: Option<String>,
    /// The kind of program.
    pub kind: Option<ProgramKind>,
    /// Null clears the field.
    pub field: MaybeUndefined<TechnologyField>,
    /// Language of instruction.
    pub language: Option<String>,
    /// First day.
    pub starts_on: Option<Date>,
    /// Last day; not before the first.
    pub ends_on: Option<Date>,
    /// Not below the seats already taken (ACCEPTED and COMPLETED enrollments).
    pub capacity: Option<i32>,
    /// Who may see the program.
    pub visibility: Option<Visibility>,
    /// Null clears the description.
    pub description: MaybeUndefined<String>,
}

/// An application of a person of the viewer's institution to a program.
#[derive(InputObject)]
pub struct ApplyToProgramInput {
    /// A program the viewer may see.
    pub program_id: ID,
    /// A person of the viewer's institution.
    pub person_id: ID,
}

/// A decision on an enrollment.
#[derive(InputObject)]
pub struct DecideEnrollmentInput {
    /// The enrollment.
    pub id: ID,
    /// ACCEPTED, WAITLISTED, REJECTED, COMPLETED or WITHDRAWN, along the status machine.
    pub status: EnrollmentStatus,
    /// The `version` the decision is based on (optional).
    pub expected_version: Option<i32>,
}

payload!(
    /// Result of `createTrainingProgram`.
    CreateTrainingProgramPayload, program: TrainingProgram, training_program::Entity
);
payload!(
    /// Result of `updateTrainingProgram`.
    UpdateTrainingProgramPayload, program: TrainingProgram, training_program::Entity
);
payload!(
    /// Result of `applyToProgram`.
    ApplyToProgramPayload, enrollment: Enrollment, enrollment::Entity
);

/// Result of `decideEnrollment`.
pub struct DecideEnrollmentPayload {
    id: Uuid,
    capacity_reached: bool,
}

/// The decision's outcome.
#[Object]
impl DecideEnrollmentPayload {
    /// The enrollment as the viewer sees it after the decision.
    async fn enrollment(&self, ctx: &Context<'_>) -> Result<Option<Enrollment>> {
        Ok(request(ctx)
            .loaders
            .one::<enrollment::Entity>(self.id)
            .await?
            .map(Enrollment))
    }
    /// True when ACCEPTED was asked for but no seat was left: the enrollment is WAITLISTED.
    async fn capacity_reached(&self) -> bool {
        self.capacity_reached
    }
}

#[derive(Default)]
pub struct TrainingMutation;

#[Object]
impl TrainingMutation {
    /// Creates a training program hosted by the viewer's institution.
    async fn create_training_program(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: CreateTrainingProgramInput,
    ) -> Result<CreateTrainingProgramPayload> {
        let req = request(ctx);
        let host = input
            .host_id
            .as_ref()
            .map(|id| ids::decode_as("hostId", "Institution", id))
            .transpose()?;
        let written = service::create_program(
            &req.db,
            &req.principal,
            service::NewProgram {
                host,
                title: input.title,
                kind: input.kind,
                field: input.field,
                language: input.language,
                starts_on: input.starts_on.0,
                ends_on: input.ends_on.0,
                capacity: input.capacity,
                visibility: input.visibility,
                description: input.description,
            },
        )
        .await?;
        Ok(CreateTrainingProgramPayload::from(written))
    }

    /// Edits a program the viewer's institution hosts.
    async fn update_training_program(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: UpdateTrainingProgramInput,
    ) -> Result<UpdateTrainingProgramPayload> {
        let req = request(ctx);
        let id = ids::decode_as("id", "TrainingProgram", &input.id)?;
        let changes = service::ProgramChanges {
            title: input.title,
            kind: input.kind,
            field: input.field.into(),
            language: input.language,
            starts_on: input.starts_on.map(|d| d.0),
            ends_on: input.ends_on.map(|d| d.0),
            capacity: input.capacity,
            visibility: input.visibility,
            description: input.description.into(),
        };
        service::update_program(&req.db, &req.principal, id, input.expected_version, changes)
            .await?;
        Ok(UpdateTrainingProgramPayload::of(id))
    }

    /// Applies for a person of the viewer's institution to a program the viewer may see.
    /// Applying twice is a CONFLICT.
    async fn apply_to_program(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: ApplyToProgramInput,
    ) -> Result<ApplyToProgramPayload> {
        let req = request(ctx);
        let program = ids::decode_as("programId", "TrainingProgram", &input.program_id)?;
        let person = ids::decode_as("personId", "Person", &input.person_id)?;
        let written = enrollments::apply(&req.db, &req.principal, program, person).await?;
        Ok(ApplyToProgramPayload::from(written))
    }

    /// Decides an enrollment (the host; the participant's institution may only withdraw).
    /// Accepted enrollments never exceed the program's capacity: accepting when no seat is
    /// left puts the enrollment on the waiting list (`capacityReached`).
    async fn decide_enrollment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: DecideEnrollmentInput,
    ) -> Result<DecideEnrollmentPayload> {
        let req = request(ctx);
        let id = ids::decode_as("id", "Enrollment", &input.id)?;
        let decision = enrollments::decide(
            &req.db,
            &req.principal,
            id,
            input.status,
            input.expected_version,
        )
        .await?;
        Ok(DecideEnrollmentPayload {
            id,
            capacity_reached: decision.capacity_reached,
        })
    }
}
