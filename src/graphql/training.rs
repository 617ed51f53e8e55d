//! Talent training: programs and enrollments.

use async_graphql::{ID, Object};
use entity::{
    enrollment,
    enums::{EnrollmentStatus, ProgramKind},
    training_program,
};

use super::ids;
use crate::has_many;

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

/// A training program: teacher training, student exchange, fellowship, course, …
pub struct TrainingProgram(pub training_program::Model);

impl From<training_program::Model> for TrainingProgram {
    fn from(m: training_program::Model) -> Self {
        TrainingProgram(m)
    }
}

#[Object]
impl TrainingProgram {
    /// Global id (`Node`).
    pub async fn id(&self) -> ID {
        ids::encode("TrainingProgram", self.0.id)
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn kind(&self) -> ProgramKind {
        self.0.kind
    }
}

/// A person's application to, or place in, a training program.
pub struct Enrollment(pub enrollment::Model);

impl From<enrollment::Model> for Enrollment {
    fn from(m: enrollment::Model) -> Self {
        Enrollment(m)
    }
}

#[Object]
impl Enrollment {
    /// Global id (`Node`).
    pub async fn id(&self) -> ID {
        ids::encode("Enrollment", self.0.id)
    }
    async fn status(&self) -> EnrollmentStatus {
        self.0.status
    }
}
