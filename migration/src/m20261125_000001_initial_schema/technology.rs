//! Technologies, their translations and inventors.

use sea_orm_migration::schema::*;

use super::helpers::{
    Delete::{Cascade, Restrict},
    TableDef, between, tags,
};

pub(super) fn tables() -> Vec<TableDef> {
    vec![
        technologies(),
        technology_translations(),
        technology_inventors(),
    ]
}

fn technologies() -> TableDef {
    TableDef::new("technologies")
        .fk("owner_id", "institutions", Restrict)
        .col(string("reference"))
        .col(string("title"))
        .col(text("summary"))
        .enum_col(
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
        .col(integer("trl"))
        .check("trl", between("trl", 1, 9))
        .enum_col(
            "stage",
            &[
                "DISCLOSED",
                "ASSESSMENT",
                "PROTECTION",
                "MARKETING",
                "LICENSED",
                "SPUN_OUT",
                "ARCHIVED",
            ],
        )
        .enum_col("visibility", &["PUBLIC", "CONSORTIUM", "CONFIDENTIAL"])
        .enum_col_null(
            "regulatory_class",
            &[
                "NMPA_I",
                "NMPA_II",
                "NMPA_III",
                "EU_MDR_I",
                "EU_MDR_IIA",
                "EU_MDR_IIB",
                "EU_MDR_III",
            ],
        )
        .enum_col_default(
            "clinical_stage",
            &[
                "NOT_APPLICABLE",
                "PRECLINICAL",
                "PHASE_I",
                "PHASE_II",
                "PHASE_III",
                "APPROVED",
            ],
            "NOT_APPLICABLE",
        )
        .col(tags("keywords"))
        .col(text("search_text"))
        .col(date("disclosed_on"))
        .mutable()
        .unique(&["reference"])
        .index(&["field"])
        .index(&["trl"])
        .index(&["stage"])
        .index(&["visibility"])
}

fn technology_translations() -> TableDef {
    TableDef::new("technology_translations")
        .fk("technology_id", "technologies", Cascade)
        .col(string("lang"))
        .col(string("title"))
        .col(text("summary"))
        .mutable()
        .unique(&["technology_id", "lang"])
}

fn technology_inventors() -> TableDef {
    TableDef::new("technology_inventors")
        .fk("technology_id", "technologies", Cascade)
        .fk("person_id", "people", Restrict)
        .col(integer("share_bp"))
        .check("share_bp", between("share_bp", 1, 10000))
        .mutable()
        .unique(&["technology_id", "person_id"])
}
