//! Talent training: programs and enrollments.

pub mod mutation;
pub mod query;

use std::{collections::HashMap, sync::Arc};

use async_graphql::{Context, ID, Object, Result, dataloader::Loader};
use entity::{
    enrollment,
    enums::{EnrollmentStatus, ProgramKind, TechnologyField, Visibility},
    institution, person, training_program,
};
use uuid::Uuid;

use crate::graphql::{
    connection::{self, Page, PageArgs},
    ids,
    institution::Institution,
    loaders::{LoaderContext, NewLoader},
    person::Person,
    request,
    scalars::{Date, Timestamp},
};
use crate::{has_many, service::training as service};

has_many!(
    ProgramsHostedBy,
    training_program::Entity,
    training_program::Column::HostInstitutionId
);
has_many!(
    EnrollmentsOfPerson,
    enrollment::Entity,
    enrollment::Column::PersonId
);
has_many!(
    EnrollmentsOfProgram,
    enrollment::Entity,
    enrollment::Column::ProgramId
);

/// Seats taken per program, batched. Counts all enrollments holding a seat: only asked for
/// programs the viewer may see (see the note in `policy`).
pub struct SeatsTaken(LoaderContext);

impl NewLoader for SeatsTaken {
    fn new(ctx: &LoaderContext) -> Self {
        SeatsTaken(ctx.clone())
    }
}

impl Loader<Uuid> for SeatsTaken {
    type Value = i64;
    type Error = Arc<sea_orm::DbErr>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, i64>, Self::Error> {
        service::seats_taken(&self.0.db, keys)
            .await
            .map_err(Arc::new)
    }
}

/// A training program: teacher training, student exchange, fellowship, course, …
pub struct TrainingProgram(pub training_program::Model);

impl From<training_program::Model> for TrainingProgram {
    fn from(m: training_program::Model) -> Self {
        TrainingProgram(m)
    }
}

/// A talent-training program hosted by an institution.
#[Object]
impl TrainingProgram {
    /// Global id (`Node`).
    pub async fn id(&self) -> ID {
        ids::encode("TrainingProgram", self.0.id)
    }
    /// The program's title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Teacher training, student exchange, fellowship, short course, joint degree or workshop.
    async fn kind(&self) -> ProgramKind {
        self.0.kind
    }
    /// The field the program trains in, if any.
    async fn field(&self) -> Option<TechnologyField> {
        self.0.field
    }
    /// Language of instruction, e.g. `en`, `zh`.
    async fn language(&self) -> &str {
        &self.0.language
    }
    /// First day.
    async fn starts_on(&self) -> Date {
        Date(self.0.starts_on)
    }
    /// Last day.
    async fn ends_on(&self) -> Date {
        Date(self.0.ends_on)
    }
    /// How many participants may be accepted.
    async fn capacity(&self) -> i32 {
        self.0.capacity
    }
    /// Seats still free: the capacity less the ACCEPTED and COMPLETED enrollments. Capacity use
    /// is public to whoever sees the program; who holds the seats is not.
    async fn seats_left(&self, ctx: &Context<'_>) -> Result<i32> {
        let taken = request(ctx)
            .loaders
            .get::<SeatsTaken>()
            .load_one(self.0.id)
            .await
            .map_err(crate::graphql::loaders::loader_error)?
            .unwrap_or(0);
        Ok((i64::from(self.0.capacity) - taken).max(0) as i32)
    }
    /// Who may see the program.
    async fn visibility(&self) -> Visibility {
        self.0.visibility
    }
    /// What the program offers.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// The host institution.
    async fn host(&self, ctx: &Context<'_>) -> Result<Option<Institution>> {
        Ok(request(ctx)
            .loaders
            .one::<institution::Entity>(self.0.host_institution_id)
            .await?
            .map(Institution))
    }
    /// Enrollments the viewer may see: the host sees all; another institution its own people's.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn enrollments(
        &self,
        ctx: &Context<'_>,
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
    ) -> Result<Page<Enrollment>> {
        let args = PageArgs::new(first, after, last, before);
        Ok(connection::children_page::<EnrollmentsOfProgram, _>(ctx, self.0.id, args).await?)
    }
    /// When the program was created.
    async fn created_at(&self) -> Timestamp {
        Timestamp(self.0.created_at)
    }
    /// When the program was last changed.
    async fn updated_at(&self) -> Timestamp {
        Timestamp(self.0.updated_at)
    }
    /// Optimistic-concurrency version; pass it back as `expectedVersion` when updating.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A person's application to, or place in, a training program.
pub struct Enrollment(pub enrollment::Model);

impl From<enrollment::Model> for Enrollment {
    fn from(m: enrollment::Model) -> Self {
        Enrollment(m)
    }
}

/// A person's application to, or place in, a training program. Seen by the person's
/// institution and the host only.
#[Object]
impl Enrollment {
    /// Global id (`Node`).
    pub async fn id(&self) -> ID {
        ids::encode("Enrollment", self.0.id)
    }
    /// The program (null if the viewer may not see it).
    async fn program(&self, ctx: &Context<'_>) -> Result<Option<TrainingProgram>> {
        Ok(request(ctx)
            .loaders
            .one::<training_program::Entity>(self.0.program_id)
            .await?
            .map(TrainingProgram))
    }
    /// The participant.
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        Ok(request(ctx)
            .loaders
            .one::<person::Entity>(self.0.person_id)
            .await?
            .map(Person))
    }
    /// APPLIED → ACCEPTED | WAITLISTED | REJECTED | WITHDRAWN; WAITLISTED → ACCEPTED | REJECTED
    /// | WITHDRAWN; ACCEPTED → COMPLETED | WITHDRAWN.
    async fn status(&self) -> EnrollmentStatus {
        self.0.status
    }
    /// When the status was last decided (null while APPLIED).
    async fn decided_at(&self) -> Option<Timestamp> {
        self.0.decided_at.map(Timestamp)
    }
    /// When the person applied.
    async fn created_at(&self) -> Timestamp {
        Timestamp(self.0.created_at)
    }
    /// When the enrollment last changed.
    async fn updated_at(&self) -> Timestamp {
        Timestamp(self.0.updated_at)
    }
    /// Optimistic-concurrency version; may be passed as `expectedVersion` when deciding.
    async fn version(&self) -> i32 {
        self.0.version
    }
}
