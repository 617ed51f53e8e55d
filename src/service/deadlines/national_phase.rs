//! How long a PCT application may wait before it enters each office's national or regional phase:
//! data, one row per office, each citing its source. [`for_office`] answers for any office code,
//! falling back to the treaty's 30 months for offices not in the table.
//!
//! The periods are the Chapter I / Chapter II time limits of WIPO's table "Time Limits for
//! Entering National/Regional Phase under PCT Chapters I and II" (in months from the priority
//! date); where an office grants a longer period on payment of a surcharge, the row says so.

/// The national/regional-phase period of one office.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NationalPhase {
    /// The office (ISO 3166-1 alpha-2, or `EP` for the European Patent Office).
    pub office: &'static str,
    /// Months from the (earliest) priority date.
    pub months: u32,
    /// A later limit the office accepts with a surcharge or a late-entry fee.
    pub extended_months: Option<u32>,
    /// Entry through another office (the national route is closed): the EPO for most EPC states.
    pub via: Option<&'static str>,
    /// Where the period comes from, citable.
    pub source: &'static str,
}

/// The table. Sorted by office code; `tests::table_is_sorted_and_unique` keeps it so.
pub const TABLE: &[NationalPhase] = &[
    row(
        "AL",
        31,
        None,
        None,
        "WIPO PCT time-limits table: AL (Albania) 31 months",
    ),
    row(
        "AU",
        31,
        None,
        None,
        "WIPO PCT time-limits table: AU (Australia) 31 months",
    ),
    row(
        "BA",
        34,
        None,
        None,
        "WIPO PCT time-limits table: BA (Bosnia and Herzegovina) 34 months",
    ),
    row(
        "BG",
        31,
        None,
        None,
        "WIPO PCT time-limits table: BG (Bulgaria) 31 months",
    ),
    row(
        "CA",
        30,
        Some(42),
        None,
        "WIPO PCT time-limits table: CA (Canada) 30 months, 42 with the late-entry fee \
         (Patent Rules s. 154(3))",
    ),
    row(
        "CN",
        30,
        Some(32),
        None,
        "WIPO PCT time-limits table: CN (China) 30 months, 32 with the surcharge for late entry \
         (Implementing Rules of the Patent Law, rule on international applications)",
    ),
    row(
        "EP",
        31,
        None,
        None,
        "WIPO PCT time-limits table: EP 31 months; EPC Rule 159(1)",
    ),
    row(
        "GB",
        31,
        None,
        None,
        "WIPO PCT time-limits table: GB (United Kingdom) 31 months",
    ),
    row(
        "GR",
        31,
        None,
        Some("EP"),
        "WIPO PCT time-limits table, note 11: the national route is closed; the EPO acts for GR \
         (31 months, EPC Rule 159(1))",
    ),
    row(
        "HR",
        31,
        None,
        None,
        "WIPO PCT time-limits table: HR (Croatia) 31 months",
    ),
    row(
        "IN",
        31,
        None,
        None,
        "WIPO PCT time-limits table: IN (India) 31 months",
    ),
    row(
        "JP",
        30,
        None,
        None,
        "WIPO PCT time-limits table: JP (Japan) 30 months",
    ),
    row(
        "KR",
        31,
        None,
        None,
        "WIPO PCT time-limits table: KR (Republic of Korea) 31 months",
    ),
    row(
        "ME",
        30,
        None,
        None,
        "PCT art. 22(1) / 39(1)(a): 30 months, the treaty period (Montenegro: confirm in the \
         national chapter of the PCT Applicant's Guide)",
    ),
    row(
        "MK",
        30,
        None,
        None,
        "PCT art. 22(1) / 39(1)(a): 30 months, the treaty period (North Macedonia: confirm in the \
         national chapter of the PCT Applicant's Guide)",
    ),
    row(
        "RO",
        30,
        None,
        None,
        "PCT art. 22(1) / 39(1)(a): 30 months, the treaty period (Romania: confirm in the \
         national chapter of the PCT Applicant's Guide)",
    ),
    row(
        "RS",
        30,
        None,
        None,
        "PCT art. 22(1) / 39(1)(a): 30 months, the treaty period (Serbia: confirm in the \
         national chapter of the PCT Applicant's Guide)",
    ),
    row(
        "SI",
        31,
        None,
        Some("EP"),
        "WIPO PCT time-limits table, note 11: the national route is closed; the EPO acts for SI \
         (31 months, EPC Rule 159(1))",
    ),
    row(
        "TR",
        30,
        None,
        None,
        "PCT art. 22(1) / 39(1)(a): 30 months, the treaty period (Türkiye: confirm in the \
         national chapter of the PCT Applicant's Guide)",
    ),
    row(
        "US",
        30,
        None,
        None,
        "35 U.S.C. 371(b), 37 CFR 1.495(b): 30 months from priority",
    ),
];

const fn row(
    office: &'static str,
    months: u32,
    extended_months: Option<u32>,
    via: Option<&'static str>,
    source: &'static str,
) -> NationalPhase {
    NationalPhase {
        office,
        months,
        extended_months,
        via,
        source,
    }
}

/// The period for entering `office`'s national or regional phase: the table's row, or the
/// treaty's 30 months (PCT art. 22(1)) for an office the table does not list.
pub fn for_office(office: &str) -> NationalPhase {
    TABLE
        .iter()
        .find(|r| r.office == office)
        .copied()
        .unwrap_or(NationalPhase {
            office: "",
            months: 30,
            extended_months: None,
            via: None,
            source: "PCT art. 22(1) / 39(1)(a): 30 months from priority (office not in the table)",
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        for pair in TABLE.windows(2) {
            assert!(pair[0].office < pair[1].office, "{:?}", pair[1].office);
        }
    }

    /// One case per row: the months the source gives, so a row cannot change silently.
    #[test]
    fn every_office_has_the_period_its_source_gives() {
        let expected: &[(&str, u32, Option<u32>, Option<&str>)] = &[
            ("AL", 31, None, None),
            ("AU", 31, None, None),
            ("BA", 34, None, None),
            ("BG", 31, None, None),
            ("CA", 30, Some(42), None),
            ("CN", 30, Some(32), None),
            ("EP", 31, None, None),
            ("GB", 31, None, None),
            ("GR", 31, None, Some("EP")),
            ("HR", 31, None, None),
            ("IN", 31, None, None),
            ("JP", 30, None, None),
            ("KR", 31, None, None),
            ("ME", 30, None, None),
            ("MK", 30, None, None),
            ("RO", 30, None, None),
            ("RS", 30, None, None),
            ("SI", 31, None, Some("EP")),
            ("TR", 30, None, None),
            ("US", 30, None, None),
        ];
        assert_eq!(TABLE.len(), expected.len());
        for (office, months, extended, via) in expected {
            let r = for_office(office);
            assert_eq!(
                (r.office, r.months, r.extended_months, r.via),
                (*office, *months, *extended, *via),
                "{office}"
            );
            assert!(!r.source.is_empty(), "{office} cites no source");
            assert!(
                r.source.contains(&format!("{months} months")) || r.source.contains("Rule 159"),
                "{office}: the source text must state the period"
            );
        }
    }

    #[test]
    fn unlisted_offices_get_the_treaty_period() {
        let r = for_office("ZZ");
        assert_eq!(r.months, 30);
        assert!(r.source.contains("not in the table"));
    }
}
