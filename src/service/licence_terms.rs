//! The terms of a licence as pure rules, no I/O: territories (country codes and regions),
//! when two licences overlap (field of use, territory, term) and whether they may coexist
//! (exclusivity), tiered royalties, and the annual minimum that falls due when royalties fall
//! short of it.

use std::collections::BTreeSet;

use chrono::{Days, Months, NaiveDate};
use entity::enums::{DealKind, Exclusivity};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};
use crate::service::{deal::BALKAN_COUNTRIES, text};

/// Every country.
pub const WORLDWIDE: &str = "WORLDWIDE";

/// The European Union's member states.
const EU: &[&str] = &[
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

/// The Western Balkans (the EU's term: the countries of the peninsula outside it).
const WESTERN_BALKANS: &[&str] = &["AL", "BA", "ME", "MK", "RS", "XK"];

/// Region codes a territory may name besides countries, and the countries each stands for.
/// (The Yangtze River Delta is part of China; a licence's territory is at least a country.)
pub fn region_countries(code: &str) -> Option<&'static [&'static str]> {
    match code {
        "EU" => Some(EU),
        "BALKAN_PENINSULA" => Some(BALKAN_COUNTRIES),
        "WESTERN_BALKANS" => Some(WESTERN_BALKANS),
        _ => None,
    }
}

/// Checks and normalises a territory: ISO 3166-1 alpha-2 codes and the region codes
/// `WORLDWIDE`, `EU`, `BALKAN_PENINSULA`, `WESTERN_BALKANS`; upper-cased, each once, in the
/// order given.
pub fn territories(field: &str, given: &[String]) -> AppResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for code in given {
        let c = code.trim().to_ascii_uppercase();
        let c = if c == WORLDWIDE || region_countries(&c).is_some() {
            c
        } else {
            text::country(field, &c).map_err(|_| {
                AppError::bad_input(
                    field,
                    format!(
                        "`{code}` is neither an ISO 3166-1 alpha-2 country code nor a region \
                         (WORLDWIDE, EU, BALKAN_PENINSULA, WESTERN_BALKANS)"
                    ),
                )
            })?
        };
        if !out.contains(&c) {
            out.push(c);
        }
    }
    Ok(out)
}

/// The countries a territory covers; `None` for the whole world (also when none is recorded).
fn countries(territory: &[String]) -> Option<BTreeSet<&str>> {
    if territory.is_empty() || territory.iter().any(|c| c == WORLDWIDE) {
        return None;
    }
    let mut set = BTreeSet::new();
    for c in territory {
        match region_countries(c) {
            Some(list) => set.extend(list.iter().copied()),
            None => {
                set.insert(c.as_str());
            }
        }
    }
    Some(set)
}

/// Whether two territories share a country.
pub fn territories_overlap(a: &[String], b: &[String]) -> bool {
    match (countries(a), countries(b)) {
        (Some(a), Some(b)) => !a.is_disjoint(&b),
        _ => true,
    }
}

/// Whether two fields of use overlap: a licence without one covers every field; two named
/// fields overlap when they are the same words (case and spacing aside) — distinct fields
/// (`in-vitro diagnostics` and `veterinary use`) are how a technology is licensed twice.
pub fn fields_overlap(a: Option<&str>, b: Option<&str>) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    match (a, b) {
        (Some(a), Some(b)) => norm(a) == norm(b),
        _ => true,
    }
}

/// Whether two terms (first day, last day; open ends unbounded) share a day.
pub fn terms_overlap(
    a: (Option<NaiveDate>, Option<NaiveDate>),
    b: (Option<NaiveDate>, Option<NaiveDate>),
) -> bool {
    let starts_before_end = |start: Option<NaiveDate>, end: Option<NaiveDate>| match (start, end) {
        (Some(s), Some(e)) => s <= e,
        _ => true,
    };
    starts_before_end(a.0, b.1) && starts_before_end(b.0, a.1)
}

/// A licence's exclusivity: as recorded, or as its kind says; `None` for deals that grant no
/// licence (assignments, options, research services, …).
pub fn exclusivity_of(kind: DealKind, recorded: Option<Exclusivity>) -> Option<Exclusivity> {
    match kind {
        DealKind::ExclusiveLicense => Some(recorded.unwrap_or(Exclusivity::Exclusive)),
        DealKind::NonExclusiveLicense => Some(Exclusivity::NonExclusive),
        _ => None,
    }
}

/// What of a licence decides whether another may be signed beside it.
#[derive(Debug, Clone)]
pub struct Scope {
    pub exclusivity: Exclusivity,
    pub field_of_use: Option<String>,
    pub territories: Vec<String>,
    pub term: (Option<NaiveDate>, Option<NaiveDate>),
}

/// Two licences of one technology conflict when they overlap in field of use, territory and
/// term and either is EXCLUSIVE or SOLE: an exclusive (or sole) licensee has been promised that
/// no other licensee works in its field, territory and term. Non-exclusive licences coexist.
pub fn conflict(a: &Scope, b: &Scope) -> bool {
    let exclusive = |s: &Scope| s.exclusivity != Exclusivity::NonExclusive;
    (exclusive(a) || exclusive(b))
        && fields_overlap(a.field_of_use.as_deref(), b.field_of_use.as_deref())
        && territories_overlap(&a.territories, &b.territories)
        && terms_overlap(a.term, b.term)
}

/// A band of a tiered royalty: `rate_bp` applies to the net sales of a period above `from`
/// (minor units) up to the next tier's `from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoyaltyTier {
    pub from: i64,
    pub rate_bp: i32,
}

/// Tiers start at zero, rise strictly, and each rate is 0–10000 basis points.
pub fn check_tiers(field: &str, tiers: &[RoyaltyTier]) -> AppResult<()> {
    if tiers.len() > 20 {
        return Err(AppError::bad_input(field, "at most 20 royalty tiers"));
    }
    if tiers.first().is_some_and(|t| t.from != 0) {
        return Err(AppError::bad_input(
            field,
            "the first tier starts at zero net sales",
        ));
    }
    if tiers.windows(2).any(|w| w[1].from <= w[0].from) {
        return Err(AppError::bad_input(
            field,
            "tiers rise strictly by net sales",
        ));
    }
    if tiers.iter().any(|t| !(0..=10_000).contains(&t.rate_bp)) {
        return Err(AppError::bad_input(
            field,
            "a rate is between 0 and 10000 basis points",
        ));
    }
    Ok(())
}

/// The royalty on `net_sales` (minor units) for one reporting period: each band of the sales at
/// its tier's rate (marginal, like tax brackets), or the flat rate when there are no tiers;
/// rounded half up to the minor unit once, at the end. `None` when the deal sets no royalty.
pub fn royalty_due(net_sales: i64, tiers: &[RoyaltyTier], flat_bp: Option<i32>) -> Option<i64> {
    let sales = i128::from(net_sales.max(0));
    let scaled: i128 = if tiers.is_empty() {
        sales * i128::from(flat_bp?)
    } else {
        tiers
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let upper = tiers
                    .get(i + 1)
                    .map_or(sales, |n| sales.min(i128::from(n.from)));
                (upper - i128::from(t.from)).max(0) * i128::from(t.rate_bp)
            })
            .sum()
    };
    i64::try_from((scaled + 5_000) / 10_000).ok()
}

/// How far a reported royalty may stray from the terms' figure before it is flagged: one minor
/// unit, the licensee's rounding (half up, down, per band) may differ from ours by that much.
pub const ROYALTY_ROUNDING_TOLERANCE: i64 = 1;

/// A reported royalty that disagrees with the terms: `reported - expected`, when that is more
/// than [`ROYALTY_ROUNDING_TOLERANCE`] either way; `None` when they agree or the terms set no
/// royalty (`expected` is `None`).
pub fn royalty_discrepancy(reported: i64, expected: Option<i64>) -> Option<i64> {
    let difference = reported.checked_sub(expected?)?;
    (difference.abs() > ROYALTY_ROUNDING_TOLERANCE).then_some(difference)
}

/// A licence year whose royalties fell short of the annual minimum: the difference is expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortfall {
    pub year_start: NaiveDate,
    pub year_end: NaiveDate,
    /// Royalties earned in the year (reported) plus annual-minimum payments made for it.
    pub covered: i64,
    /// What is still owed for the year.
    pub expected: i64,
    pub due_on: NaiveDate,
}

/// The licence years from `start` that ended before `today` (and began before `expires_on`),
/// whose royalties — `royalties` as (period end, amount), each counted in the year its period
/// ends — and annual-minimum payments — `payments` as (received on, amount), each counted for
/// the last year ended before it — fall short of `minimum`. The shortfall is due `payment_days`
/// after the year ends.
pub fn annual_minimum_shortfalls(
    start: NaiveDate,
    expires_on: Option<NaiveDate>,
    today: NaiveDate,
    minimum: i64,
    payment_days: u32,
    royalties: &[(NaiveDate, i64)],
    payments: &[(NaiveDate, i64)],
) -> Vec<Shortfall> {
    let mut out = Vec::new();
    for k in 0..200u32 {
        let (Some(year_start), Some(next)) = (
            start.checked_add_months(Months::new(12 * k)),
            start.checked_add_months(Months::new(12 * (k + 1))),
        ) else {
            break;
        };
        let Some(year_end) = next.pred_opt() else {
            break;
        };
        if year_end >= today || expires_on.is_some_and(|e| year_start > e) {
            break;
        }
        let earned: i64 = royalties
            .iter()
            .filter(|(on, _)| (year_start..=year_end).contains(on))
            .map(|(_, a)| a)
            .sum();
        let paid: i64 = payments
            .iter()
            .filter(|(on, _)| {
                *on > year_end && Some(*on) < next.checked_add_months(Months::new(12))
            })
            .map(|(_, a)| a)
            .sum();
        let covered = earned + paid;
        if covered < minimum {
            out.push(Shortfall {
                year_start,
                year_end,
                covered,
                expected: minimum - covered,
                due_on: year_end + Days::new(u64::from(payment_days)),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn codes(c: &[&str]) -> Vec<String> {
        c.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn territories_are_countries_or_regions() {
        assert_eq!(
            territories("t", &codes(&[" rs", "BA", "eu", "RS"])).unwrap(),
            codes(&["RS", "BA", "EU"])
        );
        assert!(territories("t", &codes(&["Western Balkans"])).is_err());
        assert!(territories("t", &codes(&["SRB"])).is_err());
    }

    #[test]
    fn territories_overlap_through_their_regions() {
        assert!(territories_overlap(&codes(&["HR"]), &codes(&["EU"])));
        assert!(territories_overlap(
            &codes(&["RS"]),
            &codes(&["WESTERN_BALKANS"])
        ));
        assert!(!territories_overlap(&codes(&["RS"]), &codes(&["EU"])));
        assert!(!territories_overlap(
            &codes(&["CN"]),
            &codes(&["BALKAN_PENINSULA"])
        ));
        assert!(territories_overlap(&codes(&[]), &codes(&["CN"])));
        assert!(territories_overlap(&codes(&["WORLDWIDE"]), &codes(&["CN"])));
    }

    #[test]
    fn terms_and_fields_overlap() {
        let t = |a: Option<NaiveDate>, b: Option<NaiveDate>| (a, b);
        assert!(terms_overlap(
            t(Some(day(2026, 1, 1)), Some(day(2030, 12, 31))),
            t(Some(day(2030, 12, 31)), None)
        ));
        assert!(!terms_overlap(
            t(Some(day(2026, 1, 1)), Some(day(2030, 12, 31))),
            t(Some(day(2031, 1, 1)), None)
        ));
        assert!(terms_overlap(t(None, None), t(Some(day(2031, 1, 1)), None)));
        assert!(fields_overlap(
            Some("In-vitro  diagnostics"),
            Some("in-vitro diagnostics")
        ));
        assert!(!fields_overlap(
            Some("in-vitro diagnostics"),
            Some("veterinary use")
        ));
        assert!(fields_overlap(None, Some("veterinary use")));
    }

    #[test]
    fn exclusive_and_sole_licences_exclude_overlapping_ones() {
        use Exclusivity::*;
        let scope = |e, field: Option<&str>, t: &[&str]| Scope {
            exclusivity: e,
            field_of_use: field.map(str::to_owned),
            territories: codes(t),
            term: (Some(day(2026, 1, 1)), Some(day(2035, 12, 31))),
        };
        let rs = scope(Exclusive, None, &["RS"]);
        assert!(conflict(&rs, &scope(Exclusive, None, &["WESTERN_BALKANS"])));
        assert!(conflict(&rs, &scope(NonExclusive, None, &["RS"])));
        assert!(conflict(
            &scope(Sole, None, &["RS"]),
            &scope(NonExclusive, None, &["RS"])
        ));
        assert!(!conflict(&rs, &scope(Exclusive, None, &["HR"])));
        assert!(!conflict(
            &scope(Exclusive, Some("diagnostics"), &["RS"]),
            &scope(Exclusive, Some("veterinary use"), &["RS"])
        ));
        assert!(!conflict(
            &scope(NonExclusive, None, &["RS"]),
            &scope(NonExclusive, None, &["RS"])
        ));
        assert_eq!(
            exclusivity_of(DealKind::ExclusiveLicense, Some(Sole)),
            Some(Sole)
        );
        assert_eq!(
            exclusivity_of(DealKind::ExclusiveLicense, None),
            Some(Exclusive)
        );
        assert_eq!(exclusivity_of(DealKind::Option, Some(Exclusive)), None);
    }

    #[test]
    fn tiers_apply_to_their_band_of_sales() {
        let tiers = [
            RoyaltyTier {
                from: 0,
                rate_bp: 500,
            },
            RoyaltyTier {
                from: 10_000_000,
                rate_bp: 300,
            },
        ];
        // 100 000.00 at 5% + 50 000.00 at 3% = 5 000.00 + 1 500.00.
        assert_eq!(royalty_due(15_000_000, &tiers, None), Some(650_000));
        assert_eq!(royalty_due(4_000_000, &tiers, None), Some(200_000));
        // Flat rate, rounded half up once: 3.5% of 1.00 = 0.035 → 0.04.
        assert_eq!(royalty_due(100, &[], Some(350)), Some(4));
        assert_eq!(royalty_due(100, &[], None), None);
        assert!(check_tiers("t", &tiers).is_ok());
        assert!(
            check_tiers(
                "t",
                &[RoyaltyTier {
                    from: 5,
                    rate_bp: 1
                }]
            )
            .is_err()
        );
        assert!(check_tiers("t", &[tiers[0], tiers[0]]).is_err());
    }

    #[test]
    fn a_royalty_off_by_more_than_a_rounding_unit_is_a_discrepancy() {
        assert_eq!(royalty_discrepancy(350_000, Some(350_000)), None);
        // Rounding: one minor unit either way is not a discrepancy.
        assert_eq!(royalty_discrepancy(350_001, Some(350_000)), None);
        assert_eq!(royalty_discrepancy(349_999, Some(350_000)), None);
        assert_eq!(royalty_discrepancy(350_002, Some(350_000)), Some(2));
        assert_eq!(royalty_discrepancy(300_000, Some(350_000)), Some(-50_000));
        // No royalty in the terms: nothing to disagree with.
        assert_eq!(royalty_discrepancy(300_000, None), None);
        assert_eq!(royalty_discrepancy(i64::MIN, Some(1)), None);
    }

    #[test]
    fn a_short_year_owes_the_rest_of_its_minimum() {
        let start = day(2024, 3, 1);
        let today = day(2026, 11, 27);
        // Year 1 (2024-03-01..2025-02-28): royalties 300 of 1000; year 2: 1200.
        let royalties = [(day(2024, 12, 31), 300), (day(2025, 12, 31), 1200)];
        let got = annual_minimum_shortfalls(start, None, today, 1000, 30, &royalties, &[]);
        assert_eq!(
            got,
            vec![Shortfall {
                year_start: start,
                year_end: day(2025, 2, 28),
                covered: 300,
                expected: 700,
                due_on: day(2025, 3, 30),
            }]
        );
        // Paid after the year ended: nothing is expected any more.
        let paid = [(day(2025, 3, 20), 700)];
        assert!(
            annual_minimum_shortfalls(start, None, today, 1000, 30, &royalties, &paid).is_empty()
        );
        // The year running (ends 2027-02-28) is not yet due.
        assert!(
            annual_minimum_shortfalls(day(2026, 3, 1), None, today, 1000, 0, &[], &[]).is_empty()
        );
    }
}
