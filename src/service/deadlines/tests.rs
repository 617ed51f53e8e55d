use chrono::{Datelike, NaiveDate};
use entity::enums::{IpKind, IpStatus};
use proptest::prelude::*;

use super::*;
use uuid::Uuid;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn facts(kind: IpKind, jurisdiction: &str, status: IpStatus) -> AssetFacts {
    AssetFacts {
        kind,
        jurisdiction: jurisdiction.into(),
        status,
        priority_date: None,
        filing_date: None,
        grant_date: None,
        target_jurisdictions: Vec::new(),
        international_filing_date: None,
        entered_offices: Vec::new(),
        security_review_due: false,
    }
}

/// `(kind, jurisdiction, due on)` of each deadline, in order.
fn summary(f: &AssetFacts) -> Vec<(DeadlineKind, String, NaiveDate)> {
    for_asset(f)
        .into_iter()
        .map(|x| (x.kind, x.jurisdiction, x.due_on))
        .collect()
}

fn of_kind(f: &AssetFacts, kind: DeadlineKind) -> Vec<Deadline> {
    for_asset(f)
        .into_iter()
        .filter(|x| x.kind == kind)
        .collect()
}

fn demo_pct() -> AssetFacts {
    AssetFacts {
        priority_date: Some(d("2025-03-15")),
        filing_date: Some(d("2026-03-13")),
        target_jurisdictions: vec!["CN".into(), "EP".into(), "US".into()],
        ..facts(IpKind::PctApplication, "WO", IpStatus::Published)
    }
}

#[test]
fn month_arithmetic_clamps_to_the_end_of_the_month() {
    assert_eq!(add_months(d("2025-08-31"), 6), Some(d("2026-02-28")));
    assert_eq!(add_months(d("2027-08-31"), 6), Some(d("2028-02-29")));
    assert_eq!(add_months(d("2025-01-31"), 1), Some(d("2025-02-28")));
    assert_eq!(add_months(d("2025-03-31"), 1), Some(d("2025-04-30")));
    assert_eq!(add_months(d("2025-03-15"), 30), Some(d("2027-09-15")));
    assert_eq!(add_months(d("2025-03-15"), 0), Some(d("2025-03-15")));
    assert_eq!(add_years(d("2024-02-29"), 1), Some(d("2025-02-28")));
    assert_eq!(add_years(d("2024-02-29"), 4), Some(d("2028-02-29")));
    assert_eq!(add_months(NaiveDate::MAX, 1), None);
    assert_eq!(add_years(d("2025-01-01"), u32::MAX), None);
}

#[test]
fn end_of_month_knows_leap_years() {
    assert_eq!(end_of_month(d("2027-12-10")), d("2027-12-31"));
    assert_eq!(end_of_month(d("2028-02-05")), d("2028-02-29"));
    assert_eq!(end_of_month(d("2027-02-01")), d("2027-02-28"));
    assert_eq!(end_of_month(d("2026-04-30")), d("2026-04-30"));
}

#[test]
fn the_demo_pct_application_enters_national_phases_at_30_and_31_months() {
    use DeadlineKind::*;
    assert_eq!(
        summary(&demo_pct()),
        vec![
            (PriorityClaim, "WO".into(), d("2026-03-15")),
            (PctNationalPhase, "CN".into(), d("2027-09-15")),
            (PctNationalPhase, "US".into(), d("2027-09-15")),
            (PctNationalPhase, "EP".into(), d("2027-10-15")),
        ]
    );
    let ep = &of_kind(&demo_pct(), PctNationalPhase)[2];
    assert_eq!(ep.rule, national_phase::for_office("EP").source);
    assert_eq!(ep.basis, d("2025-03-15"));
}

#[test]
fn pct_targets_are_normalised_and_deduplicated() {
    let f = AssetFacts {
        target_jurisdictions: vec!["cn".into(), "CN".into(), "WO".into(), " ".into()],
        ..demo_pct()
    };
    let phases = of_kind(&f, DeadlineKind::PctNationalPhase);
    assert_eq!(phases.len(), 1);
    assert_eq!(phases[0].jurisdiction, "CN");
}

#[test]
fn a_pct_application_without_priority_counts_from_its_filing_date() {
    let f = AssetFacts {
        filing_date: Some(d("2026-01-31")),
        target_jurisdictions: vec!["EP".into()],
        ..facts(IpKind::PctApplication, "WO", IpStatus::Filed)
    };
    // 31 months from 31 January 2026 is 31 August 2028.
    assert_eq!(
        of_kind(&f, DeadlineKind::PctNationalPhase)[0].due_on,
        d("2028-08-31")
    );
}

#[test]
fn paris_priority_is_12_months_for_patents_and_6_for_designs_and_marks() {
    let with_priority = |kind| AssetFacts {
        priority_date: Some(d("2025-08-31")),
        filing_date: Some(d("2025-09-10")),
        ..facts(kind, "CN", IpStatus::Filed)
    };
    for (kind, due, rule) in [
        (IpKind::InventionPatent, "2026-08-31", PARIS_PATENT),
        (IpKind::UtilityModel, "2026-08-31", PARIS_PATENT),
        (IpKind::Design, "2026-02-28", PARIS_DESIGN),
        (IpKind::Trademark, "2026-02-28", PARIS_DESIGN),
    ] {
        let p = of_kind(&with_priority(kind), DeadlineKind::PriorityClaim);
        assert_eq!(p.len(), 1, "{kind:?}");
        assert_eq!((p[0].due_on, p[0].rule), (d(due), rule), "{kind:?}");
        assert_eq!(p[0].basis, d("2025-08-31"));
    }
    // A first filing is its own priority.
    let first = AssetFacts {
        filing_date: Some(d("2025-02-18")),
        ..facts(IpKind::InventionPatent, "CN", IpStatus::Filed)
    };
    assert_eq!(
        of_kind(&first, DeadlineKind::PriorityClaim)[0].due_on,
        d("2026-02-18")
    );
}

#[test]
fn a_draft_has_only_its_priority_deadline() {
    let bare = facts(IpKind::UtilityModel, "CN", IpStatus::Drafting);
    assert!(for_asset(&bare).is_empty());
    let claiming = AssetFacts {
        priority_date: Some(d("2026-05-20")),
        target_jurisdictions: vec!["EP".into()],
        ..facts(IpKind::PctApplication, "WO", IpStatus::Drafting)
    };
    assert_eq!(
        summary(&claiming),
        vec![(DeadlineKind::PriorityClaim, "WO".into(), d("2027-05-20"))]
    );
}

#[test]
fn cn_annual_fees_fall_on_each_filing_anniversary_after_grant() {
    // ZJU's bone scaffold: filed 2025-01-10, granted 2026-01-23.
    let granted = AssetFacts {
        priority_date: Some(d("2025-01-10")),
        filing_date: Some(d("2025-01-10")),
        grant_date: Some(d("2026-01-23")),
        ..facts(IpKind::InventionPatent, "CN", IpStatus::Granted)
    };
    let fees = of_kind(&granted, DeadlineKind::Annuity);
    // The 2026-01-10 anniversary precedes the grant: years 3 to 20 remain.
    assert_eq!(fees.len(), 18);
    assert_eq!(
        (fees[0].due_on, fees[0].fee_year),
        (d("2027-01-10"), Some(3))
    );
    assert_eq!(
        (fees[17].due_on, fees[17].fee_year),
        (d("2044-01-10"), Some(20))
    );
    assert!(
        fees.iter()
            .all(|f| f.rule == CN_ANNUAL_FEE && f.basis == d("2025-01-10"))
    );
    assert_eq!(
        of_kind(&granted, DeadlineKind::Expiry)[0].due_on,
        d("2045-01-10")
    );
    // Not granted yet: no annual fees, the term still runs.
    let pending = AssetFacts {
        status: IpStatus::UnderExamination,
        grant_date: None,
        ..granted.clone()
    };
    assert!(of_kind(&pending, DeadlineKind::Annuity).is_empty());
    assert_eq!(of_kind(&pending, DeadlineKind::Expiry).len(), 1);
    // A grant date without the GRANTED status does not make fees due either.
    let inconsistent = AssetFacts {
        status: IpStatus::UnderExamination,
        ..granted
    };
    assert!(of_kind(&inconsistent, DeadlineKind::Annuity).is_empty());
}

#[test]
fn cn_utility_models_and_designs_have_shorter_terms() {
    let um = AssetFacts {
        filing_date: Some(d("2025-04-08")),
        grant_date: Some(d("2025-10-24")),
        ..facts(IpKind::UtilityModel, "CN", IpStatus::Granted)
    };
    let fees = of_kind(&um, DeadlineKind::Annuity);
    assert_eq!(fees.len(), 9);
    assert_eq!(
        (fees[0].due_on, fees[8].due_on),
        (d("2026-04-08"), d("2034-04-08"))
    );
    let expiry = &of_kind(&um, DeadlineKind::Expiry)[0];
    assert_eq!(
        (expiry.due_on, expiry.rule),
        (d("2035-04-08"), TERM_CN_UTILITY_MODEL)
    );
    let design = |filed: &str| AssetFacts {
        filing_date: Some(d(filed)),
        ..facts(IpKind::Design, "CN", IpStatus::Filed)
    };
    assert_eq!(
        of_kind(&design("2021-06-01"), DeadlineKind::Expiry)[0].due_on,
        d("2036-06-01")
    );
    assert_eq!(
        of_kind(&design("2021-05-31"), DeadlineKind::Expiry)[0].due_on,
        d("2031-05-31")
    );
    // Utility models elsewhere: DESIGN.md gives no term.
    let elsewhere = AssetFacts {
        jurisdiction: "BA".into(),
        ..um
    };
    assert_eq!(
        summary(&elsewhere),
        vec![(DeadlineKind::PriorityClaim, "BA".into(), d("2026-04-08"))]
    );
}

#[test]
fn ep_renewal_fees_fall_at_the_end_of_the_anniversary_month_from_year_3() {
    let ep = AssetFacts {
        priority_date: Some(d("2025-12-10")),
        filing_date: Some(d("2025-12-10")),
        ..facts(IpKind::InventionPatent, "EP", IpStatus::Filed)
    };
    let fees = of_kind(&ep, DeadlineKind::Renewal);
    assert_eq!(fees.len(), 18);
    assert_eq!(
        (fees[0].due_on, fees[0].fee_year, fees[0].rule),
        (d("2027-12-31"), Some(3), EP_RENEWAL)
    );
    assert_eq!(
        (fees[17].due_on, fees[17].fee_year),
        (d("2044-12-31"), Some(20))
    );
    // Filed on 29 February: the anniversary month still ends on its last day.
    let leap = AssetFacts {
        filing_date: Some(d("2024-02-29")),
        ..ep.clone()
    };
    let fees = of_kind(&leap, DeadlineKind::Renewal);
    assert_eq!(
        (fees[0].due_on, fees[2].due_on),
        (d("2026-02-28"), d("2028-02-29"))
    );
    // After grant the fees go to the validation states.
    let granted = AssetFacts {
        status: IpStatus::Granted,
        grant_date: Some(d("2029-03-01")),
        ..ep
    };
    let fees = of_kind(&granted, DeadlineKind::Renewal);
    assert_eq!(
        (fees[1].due_on, fees[1].rule),
        (d("2028-12-31"), EP_RENEWAL)
    );
    assert_eq!(
        (fees[2].due_on, fees[2].rule),
        (d("2029-12-31"), EP_RENEWAL_NATIONAL)
    );
    assert!(of_kind(&granted, DeadlineKind::Annuity).is_empty());
}

#[test]
fn us_maintenance_fees_fall_3_5_7_5_and_11_5_years_after_grant() {
    let us = AssetFacts {
        filing_date: Some(d("2024-05-02")),
        grant_date: Some(d("2026-08-31")),
        ..facts(IpKind::InventionPatent, "US", IpStatus::Granted)
    };
    let fees = of_kind(&us, DeadlineKind::Annuity);
    let got: Vec<_> = fees.iter().map(|f| (f.due_on, f.fee_year)).collect();
    assert_eq!(
        got,
        vec![
            (d("2030-02-28"), Some(4)),
            (d("2034-02-28"), Some(8)),
            (d("2038-02-28"), Some(12)),
        ]
    );
    assert!(
        fees.iter()
            .all(|f| f.rule == US_MAINTENANCE && f.basis == d("2026-08-31"))
    );
    assert_eq!(
        of_kind(&us, DeadlineKind::Expiry)[0].due_on,
        d("2044-05-02")
    );
    let pending = AssetFacts {
        status: IpStatus::Published,
        grant_date: None,
        ..us
    };
    assert!(of_kind(&pending, DeadlineKind::Annuity).is_empty());
}

#[test]
fn ended_rights_have_no_deadlines() {
    for status in ENDED {
        let f = AssetFacts {
            status,
            grant_date: Some(d("2026-09-01")),
            ..demo_pct()
        };
        assert!(for_asset(&f).is_empty(), "{status:?}");
        let cn = AssetFacts {
            kind: IpKind::InventionPatent,
            jurisdiction: "CN".into(),
            ..f
        };
        assert!(for_asset(&cn).is_empty(), "{status:?}");
    }
}

#[test]
fn copyrights_and_trade_secrets_have_no_deadlines() {
    for kind in [IpKind::SoftwareCopyright, IpKind::TradeSecret] {
        let f = AssetFacts {
            priority_date: Some(d("2025-02-20")),
            filing_date: Some(d("2025-02-20")),
            grant_date: Some(d("2025-03-28")),
            ..facts(kind, "CN", IpStatus::Granted)
        };
        assert!(for_asset(&f).is_empty(), "{kind:?}");
    }
    // Trademarks: the Paris priority only.
    let mark = AssetFacts {
        filing_date: Some(d("2025-02-20")),
        grant_date: Some(d("2025-12-01")),
        ..facts(IpKind::Trademark, "CN", IpStatus::Granted)
    };
    assert_eq!(
        summary(&mark),
        vec![(DeadlineKind::PriorityClaim, "CN".into(), d("2025-08-20"))]
    );
}

#[test]
fn the_schedule_is_sorted() {
    let f = AssetFacts {
        priority_date: Some(d("2025-01-10")),
        filing_date: Some(d("2025-01-10")),
        grant_date: Some(d("2026-01-23")),
        ..facts(IpKind::InventionPatent, "CN", IpStatus::Granted)
    };
    let all = for_asset(&f);
    assert!(all.windows(2).all(|w| w[0].due_on <= w[1].due_on));
    assert_eq!(
        all.first().map(|x| x.kind),
        Some(DeadlineKind::PriorityClaim)
    );
    assert_eq!(all.last().map(|x| x.kind), Some(DeadlineKind::Expiry));
}

// ---- Properties ----------------------------------------------------------------------------

fn any_date() -> impl Strategy<Value = NaiveDate> {
    let max = NaiveDate::MAX.num_days_from_ce();
    prop_oneof![
        // Mostly realistic dates, with leap days and month ends well represented…
        (1950i32..2100, 1u32..=12, 1u32..=31).prop_map(|(y, m, day)| {
            (0..4)
                .find_map(|back| NaiveDate::from_ymd_opt(y, m, day - back.min(day - 1)))
                .unwrap_or(NaiveDate::MIN)
        }),
        // …and anything chrono can represent, up to its last day.
        (1i32..=max).prop_map(|n| NaiveDate::from_num_days_from_ce_opt(n).unwrap()),
    ]
}

fn any_kind() -> impl Strategy<Value = IpKind> {
    prop::sample::select(vec![
        IpKind::InventionPatent,
        IpKind::UtilityModel,
        IpKind::Design,
        IpKind::PctApplication,
        IpKind::Trademark,
        IpKind::SoftwareCopyright,
        IpKind::TradeSecret,
    ])
}

fn any_status() -> impl Strategy<Value = IpStatus> {
    prop::sample::select(vec![
        IpStatus::Drafting,
        IpStatus::Filed,
        IpStatus::Published,
        IpStatus::UnderExamination,
        IpStatus::Granted,
        IpStatus::Refused,
        IpStatus::Abandoned,
        IpStatus::Lapsed,
        IpStatus::Expired,
    ])
}

fn any_office() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["CN", "EP", "US", "WO", "BA", "RS", "HR", "cn", ""])
        .prop_map(str::to_owned)
}

fn any_facts() -> impl Strategy<Value = AssetFacts> {
    (
        any_kind(),
        any_office(),
        any_status(),
        prop::option::of(any_date()),
        prop::option::of(any_date()),
        prop::option::of(any_date()),
        prop::collection::vec(any_office(), 0..5),
    )
        .prop_map(
            |(kind, jurisdiction, status, priority_date, filing_date, grant_date, targets)| {
                AssetFacts {
                    kind,
                    jurisdiction,
                    status,
                    priority_date,
                    filing_date,
                    grant_date,
                    target_jurisdictions: targets,
                    international_filing_date: None,
                    entered_offices: Vec::new(),
                    // Every rule in play, the security review's included.
                    security_review_due: true,
                }
            },
        )
}

proptest! {
    #[test]
    fn add_months_never_panics_and_clamps(date in any_date(), months in any::<u32>()) {
        if let Some(r) = add_months(date, months) {
            let span = (r.year() - date.year()) * 12 + r.month() as i32 - date.month() as i32;
            prop_assert_eq!(i64::from(span), i64::from(months));
            prop_assert!(r.day() <= date.day());
            // The day is kept, or the target month is too short for it.
            prop_assert!(r.day() == date.day() || r == end_of_month(r));
            prop_assert!(r >= date);
        }
    }

    #[test]
    fn end_of_month_is_the_last_day_of_the_same_month(date in any_date()) {
        let end = end_of_month(date);
        prop_assert!(end >= date);
        prop_assert_eq!((end.year(), end.month()), (date.year(), date.month()));
        prop_assert!(end.succ_opt().is_none_or(|next| next.day() == 1));
    }

    #[test]
    fn deadlines_never_precede_their_basis(f in any_facts()) {
        let all = for_asset(&f);
        let bases = [f.priority_date, f.filing_date, f.grant_date];
        for x in &all {
            prop_assert!(x.due_on >= x.basis, "{x:?}");
            prop_assert!(bases.contains(&Some(x.basis)), "{x:?}");
            prop_assert!(!x.rule.is_empty());
        }
        prop_assert!(all.windows(2).all(|w| w[0].due_on <= w[1].due_on));
    }

    #[test]
    fn only_live_rights_of_the_right_kind_have_deadlines(f in any_facts()) {
        let all = for_asset(&f);
        if !is_live(f.status) || matches!(f.kind, IpKind::SoftwareCopyright | IpKind::TradeSecret) {
            prop_assert!(all.is_empty());
        }
        for x in &all {
            match x.kind {
                DeadlineKind::Annuity => prop_assert_eq!(f.status, IpStatus::Granted),
                DeadlineKind::PctNationalPhase => {
                    prop_assert_eq!(f.kind, IpKind::PctApplication);
                    prop_assert!(x.jurisdiction != "WO");
                }
                DeadlineKind::Renewal => prop_assert_eq!(f.jurisdiction.as_str(), "EP"),
                DeadlineKind::PriorityClaim => {}
                DeadlineKind::Expiry => prop_assert!(f.status != IpStatus::Drafting),
                DeadlineKind::SecurityReview => {
                    prop_assert_eq!(f.jurisdiction.as_str(), "CN");
                    prop_assert!(matches!(f.kind, IpKind::InventionPatent | IpKind::UtilityModel));
                    prop_assert!(f.security_review_due);
                }
            }
            if f.status == IpStatus::Drafting {
                prop_assert_eq!(x.kind, DeadlineKind::PriorityClaim);
            }
        }
    }
}

// --- The docket rules: per-office national phases, grace windows, Euro-PCT, terms. ---

/// A PCT application with priority 2026-01-10 aimed at `targets`.
fn pct_2026(targets: &[&str]) -> AssetFacts {
    AssetFacts {
        priority_date: Some(d("2026-01-10")),
        filing_date: Some(d("2027-01-08")),
        target_jurisdictions: targets.iter().map(|t| (*t).to_owned()).collect(),
        ..facts(IpKind::PctApplication, "WO", IpStatus::Filed)
    }
}

fn phase(f: &AssetFacts, office: &str) -> Deadline {
    of_kind(f, DeadlineKind::PctNationalPhase)
        .into_iter()
        .find(|x| x.jurisdiction == office)
        .unwrap_or_else(|| panic!("no national phase for {office}"))
}

/// Source: WIPO's PCT time-limits table (BA 34, HR 31, EP 31, CN 30 (32), CA 30 (42)).
#[test]
fn national_phase_periods_come_from_each_offices_row() {
    let f = pct_2026(&["BA", "HR", "EP", "CN", "CA", "US", "RS", "KR", "GB"]);
    let due = |o: &str| phase(&f, o).due_on;
    assert_eq!(due("BA"), d("2028-11-10")); // 34 months, not 30
    assert_eq!(due("HR"), d("2028-08-10"));
    assert_eq!(due("EP"), d("2028-08-10"));
    assert_eq!(due("KR"), d("2028-08-10"));
    assert_eq!(due("GB"), d("2028-08-10"));
    assert_eq!(due("CN"), d("2028-07-10"));
    assert_eq!(due("US"), d("2028-07-10"));
    assert_eq!(due("RS"), d("2028-07-10"));
    // CN accepts 32 months with a surcharge, CA 42 with the late-entry fee.
    assert_eq!(phase(&f, "CN").grace_ends_on, Some(d("2028-09-10")));
    assert_eq!(phase(&f, "CA").grace_ends_on, Some(d("2029-07-10")));
    assert_eq!(phase(&f, "BA").grace_ends_on, None);
    for o in ["BA", "HR", "EP", "CN", "CA", "US"] {
        assert_eq!(phase(&f, o).rule, national_phase::for_office(o).source);
        assert_eq!(phase(&f, o).consequence, WITHDRAWN_FOR_OFFICE);
    }
}

#[test]
fn an_entered_office_is_done_and_names_the_entering_asset() {
    let cn_entry = Uuid::now_v7();
    let ep_entry = Uuid::now_v7();
    let f = AssetFacts {
        entered_offices: vec![("CN".into(), cn_entry), ("EP".into(), ep_entry)],
        ..pct_2026(&["CN", "US", "EP", "SI"])
    };
    assert_eq!(phase(&f, "CN").done_by, Some(cn_entry));
    assert_eq!(phase(&f, "US").done_by, None);
    assert_eq!(phase(&f, "EP").done_by, Some(ep_entry));
    // Slovenia's national route is closed: entering the EPO covers it.
    assert_eq!(phase(&f, "SI").done_by, Some(ep_entry));
}

/// EPC Rule 51(1) and (2): payable from 3 months before the due date, and within 6 months after
/// it with a 50% additional fee.
#[test]
fn ep_renewal_fees_carry_their_payment_window() {
    let f = AssetFacts {
        filing_date: Some(d("2024-03-20")),
        ..facts(IpKind::InventionPatent, "EP", IpStatus::UnderExamination)
    };
    let third = &of_kind(&f, DeadlineKind::Renewal)[0];
    assert_eq!(third.fee_year, Some(3));
    assert_eq!(third.due_on, d("2026-03-31"));
    assert_eq!(third.opens_on, Some(d("2025-12-31")));
    assert_eq!(third.grace_ends_on, Some(d("2026-09-30")));
    assert_eq!(third.consequence, EP_DEEMED_WITHDRAWN);
}

/// 37 CFR 1.362(d), (e): the window opens 6 months before 3.5/7.5/11.5 years; a 6-month grace
/// with surcharge follows, and the patent expires at its end.
#[test]
fn us_maintenance_fees_open_six_months_early_and_expire_after_grace() {
    let f = AssetFacts {
        filing_date: Some(d("2022-05-02")),
        grant_date: Some(d("2024-08-13")),
        ..facts(IpKind::InventionPatent, "US", IpStatus::Granted)
    };
    let fees = of_kind(&f, DeadlineKind::Annuity);
    assert_eq!(fees[0].opens_on, Some(d("2027-08-13")));
    assert_eq!(fees[0].due_on, d("2028-02-13"));
    assert_eq!(fees[0].grace_ends_on, Some(d("2028-08-13")));
    assert_eq!(fees[0].consequence, US_EXPIRES);
}

#[test]
fn cn_annual_fees_have_a_six_month_late_payment_period() {
    let f = AssetFacts {
        filing_date: Some(d("2025-01-10")),
        grant_date: Some(d("2026-01-23")),
        ..facts(IpKind::InventionPatent, "CN", IpStatus::Granted)
    };
    let first = &of_kind(&f, DeadlineKind::Annuity)[0];
    assert_eq!(first.grace_ends_on, Some(d("2027-07-10")));
    assert_eq!(first.consequence, LAPSE_AT_GRACE_END);
}

/// The grant year's fee is paid with registration: a grant on an anniversary does not list that
/// year's fee a second time.
#[test]
fn a_cn_grant_on_an_anniversary_lists_that_years_fee_once() {
    let f = AssetFacts {
        filing_date: Some(d("2024-06-01")),
        grant_date: Some(d("2026-06-01")),
        ..facts(IpKind::InventionPatent, "CN", IpStatus::Granted)
    };
    let fees = of_kind(&f, DeadlineKind::Annuity);
    // 2026-06-01 starts year 3, the grant year: its fee went with registration.
    assert_eq!(
        (fees[0].due_on, fees[0].fee_year),
        (d("2027-06-01"), Some(4))
    );
    let years: Vec<_> = fees.iter().map(|x| x.fee_year).collect();
    let mut unique = years.clone();
    unique.dedup();
    assert_eq!(years, unique);
}

/// EPC Rule 159(1)(g): a Euro-PCT application's renewal years count from the international
/// filing date, and the 3rd-year fee is due no earlier than the 31-month entry date.
#[test]
fn euro_pct_renewals_count_from_the_international_filing_date() {
    let f = AssetFacts {
        priority_date: Some(d("2025-03-15")),
        international_filing_date: Some(d("2026-03-13")),
        filing_date: Some(d("2027-10-15")),
        ..facts(IpKind::InventionPatent, "EP", IpStatus::Filed)
    };
    let fees = of_kind(&f, DeadlineKind::Renewal);
    // Year 3 would fall due on 2028-03-31; entry is due 2027-10-15, so that date stands.
    assert_eq!(
        (fees[0].fee_year, fees[0].due_on),
        (Some(3), d("2028-03-31"))
    );
    assert_eq!(fees[0].basis, d("2026-03-13"));
    assert_eq!(fees[0].rule, EP_RENEWAL_EURO_PCT);
    // An early international filing: the 3rd-year date precedes the 31-month entry.
    let early = AssetFacts {
        priority_date: Some(d("2025-03-15")),
        international_filing_date: Some(d("2025-03-15")),
        ..f.clone()
    };
    let fees = of_kind(&early, DeadlineKind::Renewal);
    assert_eq!(
        (fees[0].fee_year, fees[0].due_on),
        (Some(3), d("2027-10-15"))
    );
    // The term runs from the international filing date too.
    assert_eq!(of_kind(&f, DeadlineKind::Expiry)[0].due_on, d("2046-03-13"));
    assert_eq!(
        of_kind(&f, DeadlineKind::Expiry)[0].rule,
        TERM_FROM_INTERNATIONAL_FILING
    );
}

/// 35 U.S.C. 173: a US design patent lasts 15 years from grant.
#[test]
fn us_designs_last_fifteen_years_from_grant() {
    let f = AssetFacts {
        filing_date: Some(d("2023-02-01")),
        grant_date: Some(d("2025-07-15")),
        ..facts(IpKind::Design, "US", IpStatus::Granted)
    };
    let expiry = &of_kind(&f, DeadlineKind::Expiry)[0];
    assert_eq!(expiry.due_on, d("2040-07-15"));
    assert_eq!(expiry.rule, TERM_US_DESIGN);
}

proptest! {
    /// No computed date falls outside its window: opens ≤ due ≤ grace end, for every rule.
    #[test]
    fn every_deadline_lies_inside_its_window(
        kind in prop::sample::select(vec![IpKind::InventionPatent, IpKind::UtilityModel,
            IpKind::Design, IpKind::PctApplication]),
        office in prop::sample::select(vec!["CN", "EP", "US", "WO", "BA"]),
        status in prop::sample::select(vec![IpStatus::Filed, IpStatus::Published,
            IpStatus::UnderExamination, IpStatus::Granted]),
        filing_days in 0i64..20_000,
        grant_after in 0i64..3_000,
        priority_before in 0i64..365,
        international in proptest::bool::ANY,
        targets in prop::sample::subsequence(vec!["CN", "EP", "US", "BA", "HR", "CA", "SI", "ZZ"], 0..8),
    ) {
        let filing = d("1960-01-01") + chrono::Duration::days(filing_days);
        let f = AssetFacts {
            kind,
            jurisdiction: office.into(),
            status,
            priority_date: Some(filing - chrono::Duration::days(priority_before)),
            filing_date: Some(filing),
            grant_date: (status == IpStatus::Granted).then(|| filing + chrono::Duration::days(grant_after)),
            target_jurisdictions: targets.iter().map(|t| (*t).to_owned()).collect(),
            international_filing_date: international.then_some(filing - chrono::Duration::days(priority_before / 2)),
            entered_offices: Vec::new(),
            security_review_due: true,
        };
        for x in for_asset(&f) {
            if let Some(opens) = x.opens_on {
                prop_assert!(opens <= x.due_on, "{x:?}");
            }
            if let Some(grace) = x.grace_ends_on {
                prop_assert!(x.due_on <= grace, "{x:?}");
            }
            prop_assert!(x.basis <= x.due_on, "{x:?}");
            prop_assert!(!x.rule.is_empty() && !x.consequence.is_empty());
        }
    }
}

// ---- Acts: the stable identity of a deadline ---------------------------------------------------

proptest! {
    /// Within one schedule every act is named once, so a record about an act applies to exactly
    /// one deadline.
    #[test]
    fn acts_are_unique_within_a_schedule(f in any_facts()) {
        let schedule = for_asset(&f);
        let mut acts: Vec<String> = schedule.iter().map(Deadline::act).collect();
        acts.sort();
        let before = acts.len();
        acts.dedup();
        prop_assert_eq!(before, acts.len());
    }

    /// Correcting a granted CN patent's filing date moves its fees, but each year's fee is the
    /// same act — the record of its payment keeps applying.
    #[test]
    fn a_corrected_filing_date_keeps_each_fees_act(shift in 1i64..100) {
        let mut f = facts(IpKind::InventionPatent, "CN", IpStatus::Granted);
        f.filing_date = Some(d("2019-03-04"));
        f.grant_date = Some(d("2022-09-30"));
        let acts = |f: &AssetFacts| -> Vec<(String, NaiveDate)> {
            of_kind(f, DeadlineKind::Annuity).into_iter().map(|x| (x.act(), x.due_on)).collect()
        };
        let before = acts(&f);
        f.filing_date = Some(d("2019-03-04") - chrono::Duration::days(shift));
        let after = acts(&f);
        let year5 = |list: &[(String, NaiveDate)]| list.iter().find(|(a, _)| a == "ANNUITY.CN.5").cloned();
        let (b, a) = (year5(&before), year5(&after));
        prop_assert!(b.is_some() && a.is_some());
        prop_assert_ne!(b.map(|x| x.1), a.map(|x| x.1));
    }
}

#[test]
fn acts_name_kind_office_and_fee_year() {
    let mut pct = facts(IpKind::PctApplication, "WO", IpStatus::Filed);
    pct.priority_date = Some(d("2026-01-10"));
    pct.target_jurisdictions = vec!["ba".into(), "CN".into()];
    let acts: Vec<String> = for_asset(&pct).iter().map(Deadline::act).collect();
    assert_eq!(
        acts,
        [
            "PRIORITY_CLAIM.WO",
            "PCT_NATIONAL_PHASE.CN",
            "PCT_NATIONAL_PHASE.BA"
        ]
    );
    let mut us = facts(IpKind::InventionPatent, "US", IpStatus::Granted);
    us.filing_date = Some(d("2020-05-01"));
    us.grant_date = Some(d("2023-02-14"));
    let fees: Vec<String> = of_kind(&us, DeadlineKind::Annuity)
        .iter()
        .map(Deadline::act)
        .collect();
    assert_eq!(fees, ["ANNUITY.US.4", "ANNUITY.US.8", "ANNUITY.US.12"]);
    let expiry = &of_kind(&us, DeadlineKind::Expiry)[0];
    assert_eq!(expiry.act(), "EXPIRY.US");
    assert!(!expiry.is_actionable());
    assert!(of_kind(&us, DeadlineKind::Annuity)[0].keeps_right_alive());
    assert!(!for_asset(&pct)[1].keeps_right_alive());
}

#[test]
fn an_ended_right_keeps_the_schedule_it_had_as_history() {
    let mut f = facts(IpKind::InventionPatent, "CN", IpStatus::Lapsed);
    f.filing_date = Some(d("2019-03-04"));
    f.grant_date = Some(d("2022-09-30"));
    assert!(for_asset(&f).is_empty());
    let mut granted = f.clone();
    granted.status = IpStatus::Granted;
    assert_eq!(as_last_live(&f), for_asset(&granted));
    let mut ep = facts(IpKind::InventionPatent, "EP", IpStatus::Abandoned);
    ep.filing_date = Some(d("2021-06-01"));
    assert!(
        as_last_live(&ep)
            .iter()
            .any(|x| x.kind == DeadlineKind::Renewal)
    );
}

#[test]
fn the_security_review_is_due_with_the_priority_year_of_a_cn_first_filing() {
    let cn = AssetFacts {
        filing_date: Some(d("2025-02-18")),
        security_review_due: true,
        ..facts(IpKind::InventionPatent, "CN", IpStatus::Filed)
    };
    let review = of_kind(&cn, DeadlineKind::SecurityReview);
    assert_eq!(review.len(), 1);
    assert_eq!(review[0].due_on, d("2026-02-18"));
    assert_eq!(review[0].act(), "SECURITY_REVIEW.CN");
    assert_eq!(review[0].rule, CN_SECURITY_REVIEW);
    assert!(!review[0].is_actionable());
    // Not without the flag, not abroad, not on designs, not while drafting.
    for f in [
        AssetFacts {
            security_review_due: false,
            ..cn.clone()
        },
        AssetFacts {
            jurisdiction: "BA".into(),
            ..cn.clone()
        },
        AssetFacts {
            kind: IpKind::Design,
            ..cn.clone()
        },
        AssetFacts {
            status: IpStatus::Drafting,
            ..cn.clone()
        },
    ] {
        assert!(
            of_kind(&f, DeadlineKind::SecurityReview).is_empty(),
            "{f:?}"
        );
    }
}
