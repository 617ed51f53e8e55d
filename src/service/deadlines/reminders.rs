//! When a deadline reminds its responsible person: a number of days before the due date (the
//! lead times, by default 90, 30 and 7 — `BIOBRIDGE_REMINDER_LEAD_DAYS`), and on the last day
//! of its grace period, when it has one (the last chance to save the right). Pure.

use chrono::{Duration, NaiveDate};

use super::Deadline;

/// The default lead times, in days before the due date.
pub const DEFAULT_LEAD_DAYS: [u32; 3] = [90, 30, 7];

/// The longest lead time accepted: ten years.
pub const MAX_LEAD_DAYS: u32 = 3650;

/// Every day `d` reminds on, ascending and distinct: the due date minus each lead time, and the
/// last day of the grace period (after the due date) when there is one.
pub fn days(d: &Deadline, lead_days: &[u32]) -> Vec<NaiveDate> {
    let mut out: Vec<NaiveDate> = lead_days
        .iter()
        .filter_map(|lead| {
            d.due_on
                .checked_sub_signed(Duration::days(i64::from(*lead)))
        })
        .collect();
    if let Some(grace) = d.grace_ends_on.filter(|g| *g > d.due_on) {
        out.push(grace);
    }
    out.sort();
    out.dedup();
    out
}

/// The latest reminder that has come on `today` while the act can still be done: the day of
/// the reminder now due, or `None` before the first one and after the last day.
pub fn due(d: &Deadline, lead_days: &[u32], today: NaiveDate) -> Option<NaiveDate> {
    if today > d.last_day() {
        return None;
    }
    days(d, lead_days).into_iter().rfind(|day| *day <= today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::deadlines::{DeadlineKind, LAPSE_AT_GRACE_END};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn fee(due: &str, grace: Option<&str>) -> Deadline {
        Deadline {
            due_on: d(due),
            kind: DeadlineKind::Annuity,
            jurisdiction: "CN".into(),
            rule: "test",
            basis: d("2019-03-04"),
            fee_year: Some(9),
            opens_on: None,
            grace_ends_on: grace.map(d),
            consequence: LAPSE_AT_GRACE_END,
            done_by: None,
        }
    }

    #[test]
    fn reminds_at_each_lead_time_and_on_the_last_day_of_grace() {
        let f = fee("2027-03-04", Some("2027-09-04"));
        assert_eq!(
            days(&f, &DEFAULT_LEAD_DAYS),
            [
                d("2026-12-04"),
                d("2027-02-02"),
                d("2027-02-25"),
                d("2027-09-04")
            ]
        );
        // No grace period: the due date is the last day, no extra reminder.
        let f = fee("2027-03-04", None);
        assert_eq!(days(&f, &[7, 7, 30]), [d("2027-02-02"), d("2027-02-25")]);
    }

    #[test]
    fn the_reminder_due_is_the_latest_one_until_the_last_day() {
        let f = fee("2027-03-04", Some("2027-09-04"));
        let due = |today: &str| due(&f, &DEFAULT_LEAD_DAYS, d(today));
        assert_eq!(due("2026-12-03"), None);
        assert_eq!(due("2026-12-04"), Some(d("2026-12-04")));
        assert_eq!(due("2027-02-24"), Some(d("2027-02-02")));
        assert_eq!(due("2027-06-01"), Some(d("2027-02-25")));
        assert_eq!(due("2027-09-04"), Some(d("2027-09-04")));
        assert_eq!(due("2027-09-05"), None);
    }
}
