//! Talent training: programs and enrollments.

use sea_orm_migration::schema::*;

use super::helpers::{Delete::Restrict, TableDef, non_negative, not_before};

pub(super) fn tables() -> Vec<TableDef> {
    vec![training_programs(), enrollments()]
}

fn training_programs() -> TableDef {
    TableDef::new("training_programs")
        .fk("host_institution_id", "institutions", Restrict)
        .col(string("title"))
        .enum_col(
            "kind",
            &[
                "TEACHER_TRAINING",
                "STUDENT_EXCHANGE",
                "FELLOWSHIP",
                "SHORT_COURSE",
                "JOINT_DEGREE",
                "WORKSHOP",
            ],
        )
        .enum_col_null(
            "field",
            &[
                "THERAPEUTICS",
                "DIAGNOSTICS",
                "MEDICAL_DEVICE",
                "DIGITAL_HEALTH",
                "BIOMATERIALS",
                "RESEARCH_TOOL",
                "TRADITIONAL_MEDICINE",
                "OTHER",
            ],
        )
        .col(string("language"))
        .col(date("starts_on"))
        .col(date("ends_on"))
        .check("dates", not_before("ends_on", "starts_on"))
        .col(integer("capacity"))
        .check("capacity", non_negative("capacity"))
        .enum_col("visibility", &["PUBLIC", "CONSORTIUM", "CONFIDENTIAL"])
        .col(text_null("description"))
        .mutable()
        .index(&["kind"])
        .index(&["starts_on"])
        .index(&["visibility"])
}

fn enrollments() -> TableDef {
    TableDef::new("enrollments")
        .fk("program_id", "training_programs", Restrict)
        .fk("person_id", "people", Restrict)
        .enum_col(
            "status",
            &[
                "APPLIED",
                "ACCEPTED",
                "WAITLISTED",
                "REJECTED",
                "COMPLETED",
                "WITHDRAWN",
            ],
        )
        .col(timestamp_with_time_zone_null("decided_at"))
        .mutable()
        .index(&["status"])
        .unique(&["program_id", "person_id"])
}
