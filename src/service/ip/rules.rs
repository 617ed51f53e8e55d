//! Pure rules of IP assets: office codes, which kind may be sought where, PCT targets, the
//! dates each status needs and the order dates must come in, and the status machine.

use chrono::NaiveDate;
use entity::enums::{IpKind, IpStatus};

use crate::error::{AppError, AppResult};

/// Regional and international offices (WIPO ST.3): `WO` (WIPO: PCT, Hague, Madrid), `EP`
/// (European Patent Office), `EM` (EU Intellectual Property Office), `EA` (Eurasian Patent
/// Office), `AP` (ARIPO), `OA` (OAPI), `GC` (GCC Patent Office), `BX` (Benelux Office).
const REGIONAL_OFFICES: &[&str] = &["WO", "EP", "EM", "EA", "AP", "OA", "GC", "BX"];

/// An office code, upper-cased: a country (ISO 3166-1 alpha-2) or a regional office.
pub fn office(field: &str, code: &str) -> AppResult<String> {
    let code = code.trim().to_uppercase();
    let known = code.len() == 2
        && (REGIONAL_OFFICES.contains(&code.as_str()) || crate::service::text::is_country(&code));
    if known {
        Ok(code)
    } else {
        Err(AppError::bad_input(
            field,
            format!(
                "{code:?} is not an office: use a country code (ISO 3166-1 alpha-2, e.g. CN, BA) \
                 or WO, EP, EM, EA, AP, OA, GC, BX"
            ),
        ))
    }
}

/// Which kinds an office grants: a PCT application is filed under `WO`, which otherwise holds
/// only international designs (Hague) and marks (Madrid); the EPO grants invention patents only.
pub fn check_kind_at_office(kind: IpKind, office: &str) -> AppResult<()> {
    let ok = match (kind, office) {
        (IpKind::PctApplication, o) => o == "WO",
        (IpKind::Design | IpKind::Trademark, "WO") => true,
        (_, "WO") => false,
        (IpKind::InventionPatent, "EP") => true,
        (_, "EP") => false,
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(AppError::bad_input(
            "jurisdiction",
            format!(
                "a {} cannot be sought at {office}",
                sea_orm::ActiveEnum::to_value(&kind)
            ),
        ))
    }
}

/// The planned national/regional phases: only a PCT application has them; each a known office
/// other than `WO`, named once.
pub fn targets(kind: IpKind, targets: &[String]) -> AppResult<Vec<String>> {
    const FIELD: &str = "targetJurisdictions";
    if kind != IpKind::PctApplication {
        return if targets.is_empty() {
            Ok(Vec::new())
        } else {
            Err(AppError::bad_input(
                FIELD,
                "only a PCT application has target jurisdictions",
            ))
        };
    }
    let mut out: Vec<String> = Vec::with_capacity(targets.len());
    for t in targets {
        let code = office(FIELD, t)?;
        if code == "WO" {
            return Err(AppError::bad_input(
                FIELD,
                "WO is the PCT application itself, not a national phase",
            ));
        }
        if out.contains(&code) {
            return Err(AppError::bad_input(FIELD, format!("{code} is named twice")));
        }
        out.push(code);
    }
    Ok(out)
}

/// A date of an IP asset, by its GraphQL field name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateField {
    Priority,
    /// The international filing date of the PCT application a national/regional phase entered.
    InternationalFiling,
    Filing,
    Publication,
    Grant,
}

impl DateField {
    pub fn name(self) -> &'static str {
        match self {
            DateField::Priority => "priorityDate",
            DateField::InternationalFiling => "internationalFilingDate",
            DateField::Filing => "filingDate",
            DateField::Publication => "publicationDate",
            DateField::Grant => "grantDate",
        }
    }

    fn words(self) -> &'static str {
        match self {
            DateField::Priority => "a priority date",
            DateField::InternationalFiling => "an international filing date",
            DateField::Filing => "a filing date",
            DateField::Publication => "a publication date",
            DateField::Grant => "a grant date",
        }
    }
}

/// The dates of an IP asset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Dates {
    pub priority: Option<NaiveDate>,
    pub international_filing: Option<NaiveDate>,
    pub filing: Option<NaiveDate>,
    pub publication: Option<NaiveDate>,
    pub grant: Option<NaiveDate>,
}

impl Dates {
    pub fn get(&self, f: DateField) -> Option<NaiveDate> {
        match f {
            DateField::Priority => self.priority,
            DateField::InternationalFiling => self.international_filing,
            DateField::Filing => self.filing,
            DateField::Publication => self.publication,
            DateField::Grant => self.grant,
        }
    }

    pub fn set(&mut self, f: DateField, d: Option<NaiveDate>) {
        match f {
            DateField::Priority => self.priority = d,
            DateField::InternationalFiling => self.international_filing = d,
            DateField::Filing => self.filing = d,
            DateField::Publication => self.publication = d,
            DateField::Grant => self.grant = d,
        }
    }
}

/// Dates come in order: priority ≤ international filing ≤ filing ≤ publication, filing ≤ grant;
/// all within 1900–2199.
/// The error names the later date of a pair out of order.
pub fn check_date_order(d: &Dates) -> AppResult<()> {
    use DateField::*;
    let sane = NaiveDate::from_ymd_opt(1900, 1, 1)..NaiveDate::from_ymd_opt(2200, 1, 1);
    for f in [Priority, InternationalFiling, Filing, Publication, Grant] {
        if let Some(date) = d.get(f)
            && !(Some(date) >= sane.start && Some(date) < sane.end)
        {
            return Err(AppError::bad_input(
                f.name(),
                format!("{date} is not a plausible date"),
            ));
        }
    }
    for (early, late) in [
        (Priority, InternationalFiling),
        (InternationalFiling, Filing),
        (InternationalFiling, Grant),
        (Priority, Filing),
        (Priority, Publication),
        (Priority, Grant),
        (Filing, Publication),
        (Filing, Grant),
    ] {
        if let (Some(a), Some(b)) = (d.get(early), d.get(late))
            && b < a
        {
            return Err(AppError::bad_input(
                late.name(),
                format!(
                    "the {} ({b}) cannot be before the {} ({a})",
                    &late.words()[2..],
                    &early.words()[2..]
                ),
            ));
        }
    }
    Ok(())
}

/// The dates an asset in `status` must have: every status after DRAFTING was filed; PUBLISHED
/// and UNDER_EXAMINATION were published; GRANTED (and LAPSED or EXPIRED after it) was granted.
pub fn required_dates(status: IpStatus) -> &'static [DateField] {
    use DateField::*;
    use IpStatus::*;
    match status {
        Drafting => &[],
        Filed | Refused | Abandoned => &[Filing],
        Published | UnderExamination => &[Filing, Publication],
        Granted | Lapsed | Expired => &[Filing, Grant],
    }
}

/// Every date `status` needs is present; the error names the first missing one.
pub fn check_required_dates(status: IpStatus, d: &Dates) -> AppResult<()> {
    match required_dates(status).iter().find(|f| d.get(**f).is_none()) {
        None => Ok(()),
        Some(f) => Err(AppError::bad_input(
            f.name(),
            format!(
                "an asset in {} needs {}",
                sea_orm::ActiveEnum::to_value(&status),
                f.words()
            ),
        )),
    }
}

/// The date a transition records: filing for FILED, publication for PUBLISHED, grant for GRANTED.
pub fn date_recorded_by(to: IpStatus) -> Option<DateField> {
    match to {
        IpStatus::Filed => Some(DateField::Filing),
        IpStatus::Published => Some(DateField::Publication),
        IpStatus::Granted => Some(DateField::Grant),
        _ => None,
    }
}

/// The statuses an IP asset in `from` may move to.
pub fn next_statuses(from: IpStatus) -> &'static [IpStatus] {
    use IpStatus::*;
    match from {
        Drafting => &[Filed],
        Filed => &[Published, Abandoned],
        Published => &[UnderExamination, Abandoned],
        UnderExamination => &[Granted, Refused, Abandoned],
        Granted => &[Lapsed, Expired],
        Refused | Abandoned | Lapsed | Expired => &[],
    }
}

/// `from → to` must be an edge of the IP status machine; the error names the allowed targets.
pub fn check_transition(from: IpStatus, to: IpStatus) -> AppResult<()> {
    crate::service::check_transition("to", "an IP asset", from, to, next_statuses(from))
}

/// Optional free text: trimmed, empty means none, at most `max` characters, no control
/// characters.
pub fn optional_text(field: &str, value: Option<&str>, max: usize) -> AppResult<Option<String>> {
    let text = crate::service::text::optional(field, value, max)?;
    if text
        .as_deref()
        .is_some_and(|v| v.chars().any(char::is_control))
    {
        return Err(AppError::bad_input(
            field,
            format!("{field} contains control characters"),
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    #[test]
    fn ip_status_machine() {
        use entity::enums::IpStatus::*;
        let can = |from, to| super::next_statuses(from).contains(&to);
        assert!(can(Drafting, Filed));
        assert!(can(UnderExamination, Refused));
        assert!(can(Granted, Expired));
        assert!(!can(Drafting, Abandoned));
        assert!(!can(Granted, Abandoned));
        assert!(!can(Filed, Granted));
        for s in [Filed, Published, UnderExamination] {
            assert!(can(s, Abandoned));
        }
    }

    use super::*;

    fn field_of(r: AppResult<impl std::fmt::Debug>) -> String {
        match r {
            Err(AppError::BadUserInput { field, .. }) => field,
            other => panic!("expected BAD_USER_INPUT, got {other:?}"),
        }
    }

    fn d(s: &str) -> Option<NaiveDate> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn offices_are_countries_or_regional_offices() {
        assert_eq!(
            crate::service::text::COUNTRIES.split_whitespace().count(),
            250
        );
        for ok in ["CN", "ep", " wo ", "BA", "RS", "HR", "US", "XK", "EM"] {
            assert!(office("jurisdiction", ok).is_ok(), "{ok}");
        }
        assert_eq!(office("jurisdiction", " ba").unwrap(), "BA");
        for bad in ["XX", "ZZ", "EU", "CHN", "", "C"] {
            assert_eq!(
                field_of(office("jurisdiction", bad)),
                "jurisdiction",
                "{bad}"
            );
        }
    }

    #[test]
    fn kinds_are_sought_where_offices_grant_them() {
        use IpKind::*;
        assert!(check_kind_at_office(PctApplication, "WO").is_ok());
        assert!(check_kind_at_office(PctApplication, "CN").is_err());
        assert!(check_kind_at_office(InventionPatent, "WO").is_err());
        assert!(check_kind_at_office(Design, "WO").is_ok());
        assert!(check_kind_at_office(InventionPatent, "EP").is_ok());
        assert!(check_kind_at_office(UtilityModel, "EP").is_err());
        assert!(check_kind_at_office(UtilityModel, "CN").is_ok());
    }

    #[test]
    fn only_pct_applications_have_targets() {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            targets(IpKind::PctApplication, &v(&["cn", "EP", "us"])).unwrap(),
            v(&["CN", "EP", "US"])
        );
        assert!(targets(IpKind::InventionPatent, &[]).unwrap().is_empty());
        for (kind, bad) in [
            (IpKind::InventionPatent, v(&["CN"])),
            (IpKind::PctApplication, v(&["CN", "cn"])),
            (IpKind::PctApplication, v(&["WO"])),
            (IpKind::PctApplication, v(&["QQ"])),
        ] {
            assert_eq!(field_of(targets(kind, &bad)), "targetJurisdictions");
        }
    }

    #[test]
    fn dates_come_in_order() {
        let ok = Dates {
            priority: d("2025-03-15"),
            international_filing: None,
            filing: d("2026-03-13"),
            publication: d("2026-09-17"),
            grant: d("2027-01-05"),
        };
        assert!(check_date_order(&ok).is_ok());
        let early_grant = Dates {
            grant: d("2026-01-01"),
            ..ok
        };
        assert_eq!(field_of(check_date_order(&early_grant)), "grantDate");
        let late_priority = Dates {
            priority: d("2026-04-01"),
            ..ok
        };
        assert_eq!(field_of(check_date_order(&late_priority)), "filingDate");
        let early_publication = Dates {
            publication: d("2026-03-12"),
            ..ok
        };
        assert_eq!(
            field_of(check_date_order(&early_publication)),
            "publicationDate"
        );
        let ancient = Dates {
            priority: d("1066-10-14"),
            ..Dates::default()
        };
        assert_eq!(field_of(check_date_order(&ancient)), "priorityDate");
        // Only given dates are compared.
        assert!(
            check_date_order(&Dates {
                grant: d("2020-01-01"),
                priority: d("2019-01-01"),
                ..Dates::default()
            })
            .is_ok()
        );
    }

    #[test]
    fn each_status_needs_its_dates() {
        use IpStatus::*;
        let filed = Dates {
            filing: d("2026-01-01"),
            ..Dates::default()
        };
        assert!(check_required_dates(Drafting, &Dates::default()).is_ok());
        assert_eq!(
            field_of(check_required_dates(Filed, &Dates::default())),
            "filingDate"
        );
        assert!(check_required_dates(Filed, &filed).is_ok());
        assert!(check_required_dates(Abandoned, &filed).is_ok());
        assert_eq!(
            field_of(check_required_dates(Published, &filed)),
            "publicationDate"
        );
        assert_eq!(field_of(check_required_dates(Granted, &filed)), "grantDate");
        assert_eq!(field_of(check_required_dates(Lapsed, &filed)), "grantDate");
        assert_eq!(date_recorded_by(Granted), Some(DateField::Grant));
        assert_eq!(date_recorded_by(UnderExamination), None);
    }

    #[test]
    fn transition_errors_name_the_allowed_targets() {
        use IpStatus::*;
        assert!(check_transition(Drafting, Filed).is_ok());
        assert!(check_transition(UnderExamination, Granted).is_ok());
        let err = check_transition(Published, Granted).unwrap_err();
        match err {
            AppError::BadUserInput { field, message } => {
                assert_eq!(field, "to");
                assert!(
                    message.contains("UNDER_EXAMINATION") && message.contains("ABANDONED"),
                    "{message}"
                );
            }
            other => panic!("{other:?}"),
        }
        let err = check_transition(Expired, Granted).unwrap_err();
        assert!(err.message().contains("it is final"), "{}", err.message());
    }

    #[test]
    fn optional_text_is_trimmed_and_bounded() {
        assert_eq!(optional_text("title", Some("  "), 10).unwrap(), None);
        assert_eq!(
            optional_text("title", Some(" PCT/CN2026/1 "), 20).unwrap(),
            Some("PCT/CN2026/1".into())
        );
        assert_eq!(
            field_of(optional_text("title", Some("x".repeat(11).as_str()), 10)),
            "title"
        );
        assert!(optional_text("title", Some("a\u{0}b"), 10).is_err());
    }
}
