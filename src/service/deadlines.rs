//! Statutory IP deadlines, computed from an asset's kind, jurisdiction, status and dates.
//!
//! Pure functions, no I/O: [`for_asset`] turns the [`AssetFacts`] of one IP asset into its full
//! schedule of [`Deadline`]s (past and future), each naming the rule that produced it. Callers
//! decide which part of the schedule matters (`IpAsset.deadlines` shows what is still ahead,
//! `upcomingDeadlines` a window from today).
//!
//! # Which rules apply
//!
//! | rule | applies to | due on |
//! |---|---|---|
//! | Paris priority ([`DeadlineKind::PriorityClaim`]) | invention patents, utility models and PCT applications (12 months); designs and trademarks (6 months); any live status | earliest priority date (the filing date when no priority is claimed) + 12 / 6 months |
//! | PCT national phase ([`DeadlineKind::PctNationalPhase`]) | PCT applications once filed, one per target jurisdiction | priority date + 30 months (31 for `EP`) |
//! | CN annual fees ([`DeadlineKind::Annuity`]) | `CN` invention patents, utility models and designs, once `GRANTED` | each filing anniversary on or after the grant date, through the term |
//! | EP renewal fees ([`DeadlineKind::Renewal`]) | `EP` invention patents once filed (pending or granted) | last day of the month holding the filing anniversary, for the 3rd to the 20th year |
//! | US maintenance fees ([`DeadlineKind::Annuity`]) | `US` invention patents, once `GRANTED` | grant date + 3.5, 7.5 and 11.5 years |
//! | term ([`DeadlineKind::Expiry`]) | invention patents (20 years), `CN` utility models (10), `CN` designs (15; 10 if filed before 2021-06-01), once filed | filing date + the term |
//!
//! - Rights that are over — `REFUSED`, `ABANDONED`, `LAPSED`, `EXPIRED` — have no deadlines.
//! - An asset still in `DRAFTING` has only its priority deadline (the date it must be filed by
//!   to keep a claimed priority); everything else runs from a filing.
//! - Software copyrights and trade secrets have no statutory deadlines; trademarks only the
//!   Paris priority (their 10-year renewals are not among DESIGN.md's rules).
//! - Other offices' fees (BA, RS, HR, … annuities) are not computed: DESIGN.md names none.
//! - Dates are the statutory ones: no extension to the next working day, no grace periods, no
//!   patent-term adjustments. After an EP grant the fees go to the validation states (EPC art.
//!   141), which mostly keep the EPO's due dates; the rule text says so.
//!
//! Calendar arithmetic clamps to the end of the month ([`add_months`]): 31 August + 6 months is
//! 28 February (29 in a leap year), as PCT Rule 80.5 and EPC Rule 131(4) count periods.

use chrono::{Datelike, Months, NaiveDate};
use entity::{
    enums::{IpKind, IpStatus},
    ip_asset,
};

/// What kind of act a deadline calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DeadlineKind {
    /// Last day to file elsewhere claiming this asset's priority (Paris Convention).
    PriorityClaim,
    /// Last day to enter the national or regional phase of a PCT application.
    PctNationalPhase,
    /// An annual or maintenance fee that keeps a granted right in force.
    Annuity,
    /// A renewal fee of a (pending or granted) European patent.
    Renewal,
    /// The end of the right's maximum term.
    Expiry,
}

/// One computed deadline of an IP asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub due_on: NaiveDate,
    pub kind: DeadlineKind,
    /// The office the act is due at: the asset's own, or a PCT target's.
    pub jurisdiction: String,
    /// The rule that produced the deadline, citable.
    pub rule: &'static str,
    /// The date the period runs from (priority, filing or grant date).
    pub basis: NaiveDate,
    /// For fees: the year of the right the fee is for (CN, EP: the patent year; US: 4, 8, 12).
    pub fee_year: Option<u32>,
}

/// The facts of an IP asset that its deadlines depend on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetFacts {
    pub kind: IpKind,
    pub jurisdiction: String,
    pub status: IpStatus,
    pub priority_date: Option<NaiveDate>,
    pub filing_date: Option<NaiveDate>,
    pub grant_date: Option<NaiveDate>,
    /// For PCT applications: the planned national/regional phases.
    pub target_jurisdictions: Vec<String>,
}

impl From<&ip_asset::Model> for AssetFacts {
    fn from(m: &ip_asset::Model) -> Self {
        AssetFacts {
            kind: m.kind,
            jurisdiction: m.jurisdiction.clone(),
            status: m.status,
            priority_date: m.priority_date,
            filing_date: m.filing_date,
            grant_date: m.grant_date,
            target_jurisdictions: m
                .target_jurisdictions
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

pub const PARIS_PATENT: &str =
    "Paris Convention art. 4C: 12 months from the earliest priority date (patents, utility models)";
pub const PARIS_DESIGN: &str =
    "Paris Convention art. 4C: 6 months from the earliest priority date (designs, trademarks)";
pub const PCT_NATIONAL_PHASE: &str =
    "PCT art. 22/39: 30 months from priority (31 for EP, EPC Rule 159)";
pub const CN_ANNUAL_FEE: &str = "CN Patent Law art. 43 / Implementing Rules: annual fee on each \
     filing anniversary once granted";
pub const EP_RENEWAL: &str = "EPC art. 86 / Rule 51: renewal fee due on the last day of the month \
     of the filing anniversary, from year 3";
pub const EP_RENEWAL_NATIONAL: &str = "EPC art. 141: after grant, renewal fees go to each \
     validation state, mostly due on the last day of the month of the filing anniversary";
pub const US_MAINTENANCE: &str =
    "US 35 U.S.C. 41(b): maintenance fees 3.5, 7.5, 11.5 years after grant";
pub const TERM_INVENTION: &str = "term: 20 years from filing (invention patents)";
pub const TERM_CN_UTILITY_MODEL: &str = "term: 10 years from filing (CN utility models)";
pub const TERM_CN_DESIGN: &str =
    "term: 15 years from filing (CN designs; 10 if filed before 2021-06-01)";

/// Statuses whose rights are over: they have no deadlines.
pub const ENDED: [IpStatus; 4] = [
    IpStatus::Refused,
    IpStatus::Abandoned,
    IpStatus::Lapsed,
    IpStatus::Expired,
];

/// Kinds some rule applies to (a coarse prefilter for queries).
pub const KINDS_WITH_DEADLINES: [IpKind; 5] = [
    IpKind::InventionPatent,
    IpKind::UtilityModel,
    IpKind::Design,
    IpKind::PctApplication,
    IpKind::Trademark,
];

/// `date` plus `months` calendar months, clamped to the last day of the target month
/// (chrono's `checked_add_months` clamps); `None` beyond chrono's calendar.
pub fn add_months(date: NaiveDate, months: u32) -> Option<NaiveDate> {
    date.checked_add_months(Months::new(months))
}

/// `date` plus `years` years; 29 February becomes 28 February in common years.
pub fn add_years(date: NaiveDate, years: u32) -> Option<NaiveDate> {
    add_months(date, years.checked_mul(12)?)
}

/// The last day of `date`'s month.
pub fn end_of_month(date: NaiveDate) -> NaiveDate {
    let first = date.with_day(1).unwrap_or(date);
    add_months(first, 1)
        .and_then(|next| next.pred_opt())
        .unwrap_or(NaiveDate::MAX)
}

/// The statutory term in years, if DESIGN.md gives one for this kind and office.
pub fn term_years(
    kind: IpKind,
    jurisdiction: &str,
    filing: NaiveDate,
) -> Option<(u32, &'static str)> {
    match (kind, jurisdiction) {
        (IpKind::InventionPatent, _) => Some((20, TERM_INVENTION)),
        (IpKind::UtilityModel, "CN") => Some((10, TERM_CN_UTILITY_MODEL)),
        (IpKind::Design, "CN") => {
            // The 2020 amendment (in force 2021-06-01) lengthened design terms from 10 years.
            let amended = NaiveDate::from_ymd_opt(2021, 6, 1).unwrap_or(NaiveDate::MIN);
            Some((if filing >= amended { 15 } else { 10 }, TERM_CN_DESIGN))
        }
        _ => None,
    }
}

/// Whether rights in `status` still have deadlines.
pub fn is_live(status: IpStatus) -> bool {
    !ENDED.contains(&status)
}

/// The full schedule of an asset, sorted by due date (then kind, then jurisdiction).
pub fn for_asset(f: &AssetFacts) -> Vec<Deadline> {
    if !is_live(f.status) {
        return Vec::new();
    }
    let mut out = Vec::new();
    priority_claim(f, &mut out);
    if f.status != IpStatus::Drafting {
        pct_national_phase(f, &mut out);
        cn_annual_fees(f, &mut out);
        ep_renewal_fees(f, &mut out);
        us_maintenance_fees(f, &mut out);
        term_expiry(f, &mut out);
    }
    out.sort_by(|a, b| {
        (a.due_on, a.kind, &a.jurisdiction).cmp(&(b.due_on, b.kind, &b.jurisdiction))
    });
    out
}

/// The earliest priority date: the claimed one, or the filing itself when none is claimed.
fn priority_basis(f: &AssetFacts) -> Option<NaiveDate> {
    f.priority_date.or(f.filing_date)
}

fn priority_claim(f: &AssetFacts, out: &mut Vec<Deadline>) {
    let (months, rule) = match f.kind {
        IpKind::InventionPatent | IpKind::UtilityModel | IpKind::PctApplication => {
            (12, PARIS_PATENT)
        }
        IpKind::Design | IpKind::Trademark => (6, PARIS_DESIGN),
        IpKind::SoftwareCopyright | IpKind::TradeSecret => return,
    };
    let Some(basis) = priority_basis(f) else {
        return;
    };
    if let Some(due_on) = add_months(basis, months) {
        out.push(Deadline {
            due_on,
            kind: DeadlineKind::PriorityClaim,
            jurisdiction: f.jurisdiction.clone(),
            rule,
            basis,
            fee_year: None,
        });
    }
}

fn pct_national_phase(f: &AssetFacts, out: &mut Vec<Deadline>) {
    if f.kind != IpKind::PctApplication {
        return;
    }
    let Some(basis) = priority_basis(f) else {
        return;
    };
    let mut seen = Vec::new();
    for target in &f.target_jurisdictions {
        let target = target.trim().to_uppercase();
        if target == "WO" || target.is_empty() || seen.contains(&target) {
            continue;
        }
        let months = if target == "EP" { 31 } else { 30 };
        if let Some(due_on) = add_months(basis, months) {
            out.push(Deadline {
                due_on,
                kind: DeadlineKind::PctNationalPhase,
                jurisdiction: target.clone(),
                rule: PCT_NATIONAL_PHASE,
                basis,
                fee_year: None,
            });
        }
        seen.push(target);
    }
}

fn cn_annual_fees(f: &AssetFacts, out: &mut Vec<Deadline>) {
    let patent_kind = matches!(
        f.kind,
        IpKind::InventionPatent | IpKind::UtilityModel | IpKind::Design
    );
    if f.jurisdiction != "CN" || !patent_kind || f.status != IpStatus::Granted {
        return;
    }
    let (Some(filing), Some(grant)) = (f.filing_date, f.grant_date) else {
        return;
    };
    let Some((term, _)) = term_years(f.kind, &f.jurisdiction, filing) else {
        return;
    };
    // The fee for the year of grant is paid with the registration formalities; each later year's
    // fee falls due on the anniversary that starts it.
    for year in 1..term {
        let Some(due_on) = add_years(filing, year) else {
            break;
        };
        if due_on >= grant {
            out.push(Deadline {
                due_on,
                kind: DeadlineKind::Annuity,
                jurisdiction: f.jurisdiction.clone(),
                rule: CN_ANNUAL_FEE,
                basis: filing,
                fee_year: Some(year + 1),
            });
        }
    }
}

fn ep_renewal_fees(f: &AssetFacts, out: &mut Vec<Deadline>) {
    if f.jurisdiction != "EP" || f.kind != IpKind::InventionPatent {
        return;
    }
    let Some(filing) = f.filing_date else {
        return;
    };
    let granted = f.grant_date.filter(|_| f.status == IpStatus::Granted);
    // The fee for year n falls due at the end of the month of the (n-1)th anniversary.
    for year in 3..=20 {
        let Some(anniversary) = add_years(filing, year - 1) else {
            break;
        };
        let due_on = end_of_month(anniversary);
        let rule = match granted {
            Some(grant) if grant <= due_on => EP_RENEWAL_NATIONAL,
            _ => EP_RENEWAL,
        };
        out.push(Deadline {
            due_on,
            kind: DeadlineKind::Renewal,
            jurisdiction: f.jurisdiction.clone(),
            rule,
            basis: filing,
            fee_year: Some(year),
        });
    }
}

fn us_maintenance_fees(f: &AssetFacts, out: &mut Vec<Deadline>) {
    if f.jurisdiction != "US" || f.kind != IpKind::InventionPatent || f.status != IpStatus::Granted
    {
        return;
    }
    let Some(grant) = f.grant_date else {
        return;
    };
    for (months, fee_year) in [(42, 4), (90, 8), (138, 12)] {
        if let Some(due_on) = add_months(grant, months) {
            out.push(Deadline {
                due_on,
                kind: DeadlineKind::Annuity,
                jurisdiction: f.jurisdiction.clone(),
                rule: US_MAINTENANCE,
                basis: grant,
                fee_year: Some(fee_year),
            });
        }
    }
}

fn term_expiry(f: &AssetFacts, out: &mut Vec<Deadline>) {
    let Some(filing) = f.filing_date else {
        return;
    };
    let Some((years, rule)) = term_years(f.kind, &f.jurisdiction, filing) else {
        return;
    };
    if let Some(due_on) = add_years(filing, years) {
        out.push(Deadline {
            due_on,
            kind: DeadlineKind::Expiry,
            jurisdiction: f.jurisdiction.clone(),
            rule,
            basis: filing,
            fee_year: None,
        });
    }
}

#[cfg(test)]
mod tests;
