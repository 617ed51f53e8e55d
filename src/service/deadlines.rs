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

pub mod national_phase;
pub mod reminders;

use chrono::{Datelike, Months, NaiveDate};
use entity::{
    enums::{IpKind, IpStatus},
    ip_asset,
};
use uuid::Uuid;

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
    /// CNIPA's security review of an invention made in China, due before its first filing
    /// abroad (Patent Law art. 19).
    SecurityReview,
}

impl DeadlineKind {
    /// The kind's name as the API spells it, used in act keys.
    pub fn code(self) -> &'static str {
        match self {
            DeadlineKind::PriorityClaim => "PRIORITY_CLAIM",
            DeadlineKind::PctNationalPhase => "PCT_NATIONAL_PHASE",
            DeadlineKind::Annuity => "ANNUITY",
            DeadlineKind::Renewal => "RENEWAL",
            DeadlineKind::Expiry => "EXPIRY",
            DeadlineKind::SecurityReview => "SECURITY_REVIEW",
        }
    }
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
    /// The first day the act may validly be done (fees cannot be paid earlier), when the law sets one.
    pub opens_on: Option<NaiveDate>,
    /// The last day the act can still be done late, with a surcharge or late fee.
    pub grace_ends_on: Option<NaiveDate>,
    /// What happens when the act is not done by the end of its (grace) period.
    pub consequence: &'static str,
    /// Done already: the asset of the family that entered this office's national phase.
    pub done_by: Option<Uuid>,
}

impl Deadline {
    fn new(
        kind: DeadlineKind,
        jurisdiction: &str,
        due_on: NaiveDate,
        rule: &'static str,
        basis: NaiveDate,
        consequence: &'static str,
    ) -> Self {
        Deadline {
            due_on,
            kind,
            jurisdiction: jurisdiction.to_owned(),
            rule,
            basis,
            fee_year: None,
            opens_on: None,
            grace_ends_on: None,
            consequence,
            done_by: None,
        }
    }

    fn for_year(mut self, year: u32) -> Self {
        self.fee_year = Some(year);
        self
    }

    /// The payment window: open `before` months ahead of the due date (if the law limits early
    /// payment) and late payment with a surcharge for `grace` months after it.
    fn window(mut self, before: Option<u32>, grace: Option<u32>) -> Self {
        self.opens_on = before.and_then(|m| sub_months(self.due_on, m));
        self.grace_ends_on = grace.and_then(|m| add_months(self.due_on, m));
        self
    }

    /// The last day the act can be done at all: the end of the grace period, else the due date.
    pub fn last_day(&self) -> NaiveDate {
        self.grace_ends_on.unwrap_or(self.due_on)
    }

    /// The act the deadline calls for — kind, office and (for fees) the year of the right —, which
    /// identifies it within its asset's schedule independently of its dates: `ANNUITY.CN.5`,
    /// `PCT_NATIONAL_PHASE.BA`. A corrected filing date moves the 5th-year fee but it stays the
    /// same act, so what was recorded about it still applies.
    pub fn act(&self) -> String {
        match self.fee_year {
            Some(year) => format!("{}.{}.{year}", self.kind.code(), self.jurisdiction),
            None => format!("{}.{}", self.kind.code(), self.jurisdiction),
        }
    }

    /// Whether someone can act on it (mark it done or waive it): everything but the end of the
    /// term, which no act changes, and the security review, which is recorded on the technology
    /// (`recordSecurityReview`) and leaves the docket once it is.
    pub fn is_actionable(&self) -> bool {
        !matches!(
            self.kind,
            DeadlineKind::Expiry | DeadlineKind::SecurityReview
        )
    }

    /// Whether leaving it undone ends the right itself (fees), not just an option (a priority
    /// claim, one office's national phase).
    pub fn keeps_right_alive(&self) -> bool {
        matches!(self.kind, DeadlineKind::Annuity | DeadlineKind::Renewal)
    }
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
    /// For a national/regional-phase entry of a PCT application: the international filing date.
    pub international_filing_date: Option<NaiveDate>,
    /// For PCT applications: the offices whose phase has been entered, each with the asset of
    /// the family that entered it, so their entry deadline is done.
    pub entered_offices: Vec<(String, Uuid)>,
    /// The asset's technology was made in China, has no recorded security review and no filing
    /// abroad yet (`service::security_review::pending`): its CN filings show the review as due.
    pub security_review_due: bool,
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
            international_filing_date: m.international_filing_date,
            entered_offices: Vec::new(),
            security_review_due: false,
        }
    }
}

pub const PARIS_PATENT: &str =
    "Paris Convention art. 4C: 12 months from the earliest priority date (patents, utility models)";
pub const PARIS_DESIGN: &str =
    "Paris Convention art. 4C: 6 months from the earliest priority date (designs, trademarks)";
pub const CN_ANNUAL_FEE: &str = "CN Patent Law art. 43 / Implementing Rules: annual fee on each \
     filing anniversary once granted (the grant year's fee is paid with registration); 6 months' \
     late payment with a surcharge";

pub const LOST_PRIORITY: &str = "the right to claim this priority is lost";
pub const WITHDRAWN_FOR_OFFICE: &str =
    "the international application is withdrawn for this office (PCT art. 24(1)(iii))";
pub const EP_DEEMED_WITHDRAWN: &str =
    "the application is deemed withdrawn (EPC art. 86(1)) at the end of the grace period";
pub const LAPSE_AT_GRACE_END: &str = "the right lapses at the end of the grace period";
pub const US_EXPIRES: &str = "the patent expires at the end of the grace period (35 U.S.C. 41(b))";
pub const TERM_ENDS: &str = "the right ends: no renewal is possible";
pub const EP_RENEWAL: &str = "EPC art. 86 / Rule 51: renewal fee due on the last day of the month \
     of the filing anniversary, from year 3; payable from 3 months before (Rule 51(1)), or within 6 \
     months after with a 50% additional fee (Rule 51(2))";
pub const EP_RENEWAL_EURO_PCT: &str = "EPC art. 86 / Rules 51 and 159(1)(g): Euro-PCT renewal fees \
     count from the international filing date; the 3rd-year fee falls due no earlier than the \
     31-month entry date; 6 months' grace with a 50% additional fee (Rule 51(2))";
pub const EP_RENEWAL_NATIONAL: &str = "EPC art. 141: after grant, renewal fees go to each \
     validation state, mostly due on the last day of the month of the filing anniversary";
pub const US_MAINTENANCE: &str = "US 35 U.S.C. 41(b), 37 CFR 1.362: maintenance fees 3.5, 7.5, \
     11.5 years after grant; payable from 6 months before, or in the 6 months after with a \
     surcharge (1.362(d), (e))";
pub const TERM_US_DESIGN: &str = "term: 15 years from grant (US designs, 35 U.S.C. 173)";
pub const TERM_FROM_INTERNATIONAL_FILING: &str =
    "term: 20 years from the international filing date (national-phase patents, PCT art. 11(3))";
pub const TERM_INVENTION: &str = "term: 20 years from filing (invention patents)";
pub const TERM_CN_UTILITY_MODEL: &str = "term: 10 years from filing (CN utility models)";
pub const CN_SECURITY_REVIEW: &str = "CN Patent Law art. 19 / Implementing Rules art. 8-9: an \
     invention or utility model made in China is filed abroad (or as a PCT application) only \
     after CNIPA's confidentiality examination; due before the first foreign filing, at the \
     latest when the 12-month priority year ends";
pub const NO_CN_PATENT: &str = "filed abroad without the review, the invention is refused a \
     Chinese patent (art. 19, 4th paragraph); after the priority year a foreign filing can no \
     longer claim this priority";
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
        security_review(f, &mut out);
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

/// The schedule an asset whose right is over had while it was live, so that what was recorded
/// about its deadlines stays visible as history: a lapsed or expired right as granted, a refused
/// or abandoned application as under examination.
pub fn as_last_live(f: &AssetFacts) -> Vec<Deadline> {
    if is_live(f.status) {
        return for_asset(f);
    }
    let mut live = f.clone();
    live.status = match f.status {
        IpStatus::Lapsed | IpStatus::Expired => IpStatus::Granted,
        _ => IpStatus::UnderExamination,
    };
    for_asset(&live)
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
        out.push(Deadline::new(
            DeadlineKind::PriorityClaim,
            &f.jurisdiction,
            due_on,
            rule,
            basis,
            LOST_PRIORITY,
        ));
    }
}

/// The security review, on the CN patent or utility model of a technology whose review is due.
fn security_review(f: &AssetFacts, out: &mut Vec<Deadline>) {
    let kind_covered = matches!(f.kind, IpKind::InventionPatent | IpKind::UtilityModel);
    if !f.security_review_due || !kind_covered || f.jurisdiction != "CN" {
        return;
    }
    let Some(basis) = priority_basis(f) else {
        return;
    };
    if let Some(due_on) = add_months(basis, 12) {
        out.push(Deadline::new(
            DeadlineKind::SecurityReview,
            "CN",
            due_on,
            CN_SECURITY_REVIEW,
            basis,
            NO_CN_PATENT,
        ));
    }
}

/// One deadline per target office, with the office's own period (see [`national_phase`]);
/// offices already entered are left out (the entering asset carries the schedule from then on).
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
        seen.push(target.clone());
        let period = national_phase::for_office(&target);
        // Entered directly, or through the office that acts for it (the EPO for SI, GR).
        let entered = f
            .entered_offices
            .iter()
            .find(|(o, _)| *o == target || Some(o.as_str()) == period.via)
            .map(|(_, asset)| *asset);
        if let Some(due_on) = add_months(basis, period.months) {
            let mut d = Deadline::new(
                DeadlineKind::PctNationalPhase,
                &target,
                due_on,
                period.source,
                basis,
                WITHDRAWN_FOR_OFFICE,
            );
            d.grace_ends_on = period.extended_months.and_then(|m| add_months(basis, m));
            d.done_by = entered;
            out.push(d);
        }
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
    // The fee for the year of grant is paid with the registration formalities — also when the
    // grant falls on the anniversary that starts that year —; each later year's fee falls due on
    // the anniversary that starts it.
    for year in 1..term {
        let Some(due_on) = add_years(filing, year) else {
            break;
        };
        if due_on > grant {
            out.push(
                Deadline::new(
                    DeadlineKind::Annuity,
                    &f.jurisdiction,
                    due_on,
                    CN_ANNUAL_FEE,
                    filing,
                    LAPSE_AT_GRACE_END,
                )
                .for_year(year + 1)
                .window(None, Some(6)),
            );
        }
    }
}

fn ep_renewal_fees(f: &AssetFacts, out: &mut Vec<Deadline>) {
    if f.jurisdiction != "EP" || f.kind != IpKind::InventionPatent {
        return;
    }
    // A Euro-PCT application counts its years from the international filing date.
    let (filing, euro_pct) = match (f.international_filing_date, f.filing_date) {
        (Some(international), _) => (international, true),
        (None, Some(filing)) => (filing, false),
        (None, None) => return,
    };
    // Rule 159(1)(g): the 3rd-year fee is due no earlier than the 31-month entry date.
    let entry = euro_pct
        .then(|| add_months(priority_basis(f).unwrap_or(filing).min(filing), 31))
        .flatten();
    let granted = f.grant_date.filter(|_| f.status == IpStatus::Granted);
    // The fee for year n falls due at the end of the month of the (n-1)th anniversary.
    for year in 3..=20 {
        let Some(anniversary) = add_years(filing, year - 1) else {
            break;
        };
        let mut due_on = end_of_month(anniversary);
        if let Some(entry) = entry
            && due_on < entry
        {
            due_on = entry;
        }
        let (rule, consequence) = match granted {
            Some(grant) if grant <= due_on => (EP_RENEWAL_NATIONAL, LAPSE_AT_GRACE_END),
            _ if euro_pct => (EP_RENEWAL_EURO_PCT, EP_DEEMED_WITHDRAWN),
            _ => (EP_RENEWAL, EP_DEEMED_WITHDRAWN),
        };
        out.push(
            Deadline::new(
                DeadlineKind::Renewal,
                &f.jurisdiction,
                due_on,
                rule,
                filing,
                consequence,
            )
            .for_year(year)
            .window(Some(3), Some(6)),
        );
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
            out.push(
                Deadline::new(
                    DeadlineKind::Annuity,
                    &f.jurisdiction,
                    due_on,
                    US_MAINTENANCE,
                    grant,
                    US_EXPIRES,
                )
                .for_year(fee_year)
                .window(Some(6), Some(6)),
            );
        }
    }
}

fn term_expiry(f: &AssetFacts, out: &mut Vec<Deadline>) {
    let Some((basis, years, rule)) = term_basis(f) else {
        return;
    };
    if let Some(due_on) = add_years(basis, years) {
        out.push(Deadline::new(
            DeadlineKind::Expiry,
            &f.jurisdiction,
            due_on,
            rule,
            basis,
            TERM_ENDS,
        ));
    }
}

/// What the term runs from, how long it is and the rule: the grant for US designs, the
/// international filing date for a national-phase invention patent, the filing date otherwise.
fn term_basis(f: &AssetFacts) -> Option<(NaiveDate, u32, &'static str)> {
    if f.kind == IpKind::Design && f.jurisdiction == "US" {
        return f.grant_date.map(|grant| (grant, 15, TERM_US_DESIGN));
    }
    let filing = f.filing_date?;
    let (years, rule) = term_years(f.kind, &f.jurisdiction, filing)?;
    match f.international_filing_date {
        Some(international) if f.kind == IpKind::InventionPatent => {
            Some((international, years, TERM_FROM_INTERNATIONAL_FILING))
        }
        _ => Some((filing, years, rule)),
    }
}

/// `date` minus `months` calendar months, clamped like [`add_months`].
fn sub_months(date: NaiveDate, months: u32) -> Option<NaiveDate> {
    date.checked_sub_months(Months::new(months))
}

#[cfg(test)]
mod tests;
