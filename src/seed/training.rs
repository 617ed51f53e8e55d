//! Talent training: programs and enrollments.

use chrono::NaiveDate;
use entity::enums::{EnrollmentStatus, ProgramKind, TechnologyField, Visibility};
use entity::{enrollment, training_program};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    EntityTrait,
};
use uuid::Uuid;

use super::{Ctx, at, date};

pub(super) struct ProgramRow {
    pub host: &'static str,
    pub title: &'static str,
    pub kind: ProgramKind,
    pub field: Option<TechnologyField>,
    pub language: &'static str,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub capacity: i32,
    pub visibility: Visibility,
    pub description: &'static str,
    /// (person key, status, decided on).
    pub enrollments: &'static [(&'static str, EnrollmentStatus, Option<NaiveDate>)],
}

use EnrollmentStatus::{Accepted, Applied, Waitlisted};

pub(super) const PROGRAMS: &[ProgramRow] = &[
    ProgramRow {
        host: "sumhs",
        title: "Train-the-Trainer: Clinical Laboratory Diagnostics and Point-of-Care Testing",
        kind: ProgramKind::TeacherTraining,
        field: Some(TechnologyField::Diagnostics),
        language: "en",
        starts_on: date(2026, 12, 7),
        ends_on: date(2026, 12, 18),
        capacity: 12,
        visibility: Visibility::Consortium,
        description: "Two weeks in Shanghai for lecturers of the Balkan partner universities: \
            quality management of point-of-care testing, validation of biomarker assays, and \
            simulation-based teaching in the SUMHS skills centre. Travel and accommodation are \
            covered by the center.",
        enrollments: &[
            ("natasa.bojanic", Accepted, Some(date(2026, 10, 20))),
            ("tamara.vujic", Accepted, Some(date(2026, 10, 20))),
            ("milana.saric", Applied, None),
            ("ognjen.radulovic", Waitlisted, Some(date(2026, 10, 20))),
            ("marko.nikolic", Applied, None),
        ],
    },
    ProgramRow {
        host: "unibl",
        title: "Balkan Medicinal Plants Summer Exchange",
        kind: ProgramKind::StudentExchange,
        field: Some(TechnologyField::TraditionalMedicine),
        language: "en",
        starts_on: date(2027, 7, 5),
        ends_on: date(2027, 7, 30),
        capacity: 16,
        visibility: Visibility::Public,
        description: "Four weeks in Banja Luka and on Mount Kozara for pharmacy and medicine \
            students of the Yangtze River Delta members: field botany, pharmacognosy and \
            supercritical extraction in the University of Banja Luka's laboratories.",
        enrollments: &[],
    },
];

pub(super) async fn load(ctx: &Ctx<'_>, rows: &[ProgramRow]) -> anyhow::Result<()> {
    let now = ctx.now;
    let (mut programs, mut enrollments) = (Vec::new(), Vec::new());
    for p in rows {
        let id = Uuid::now_v7();
        programs.push(training_program::ActiveModel {
            id: Set(id),
            host_institution_id: Set(ctx.institution(p.host)?),
            title: Set(p.title.to_owned()),
            kind: Set(p.kind),
            field: Set(p.field),
            language: Set(p.language.to_owned()),
            starts_on: Set(p.starts_on),
            ends_on: Set(p.ends_on),
            capacity: Set(p.capacity),
            visibility: Set(p.visibility),
            description: Set(Some(p.description.to_owned())),
            search_text: NotSet,
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        });
        for &(person, status, decided_on) in p.enrollments {
            enrollments.push(enrollment::ActiveModel {
                id: Set(Uuid::now_v7()),
                program_id: Set(id),
                person_id: Set(ctx.person(person)?),
                status: Set(status),
                decided_at: Set(decided_on.map(|on| at(on, 9))),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            });
        }
    }
    training_program::Entity::insert_many(programs)
        .exec_without_returning(ctx.txn)
        .await?;
    enrollment::Entity::insert_many(enrollments)
        .exec_without_returning(ctx.txn)
        .await?;
    Ok(())
}
