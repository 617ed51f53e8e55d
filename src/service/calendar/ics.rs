//! iCalendar (RFC 5545) rendering of all-day events, as the calendar feeds publish them. Pure.
//!
//! - Lines end in CRLF and are folded at 75 octets (RFC 5545 §3.1): a longer content line
//!   continues on the next line after a space, never inside a UTF-8 character.
//! - Text values escape backslash, semicolon, comma and newlines (§3.3.11).
//! - Events are all-day: `DTSTART;VALUE=DATE` and an exclusive `DTEND;VALUE=DATE` (§3.6.1).
//! - Alarms (`VALARM`, §3.6.6) are `DISPLAY` alarms triggered a number of days before (or
//!   after) the event's start.

use chrono::{DateTime, NaiveDate, Utc};

/// The product that made the calendar (`PRODID`).
pub const PRODID: &str = "-//BioBridge//Calendar feeds//EN";
/// How often a calendar app should fetch the feed again (`REFRESH-INTERVAL`, RFC 7986).
pub const REFRESH: &str = "PT1H";

/// A calendar: its name and its events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// The calendar's name as apps show it (`NAME`, `X-WR-CALNAME`).
    pub name: String,
    pub events: Vec<Event>,
}

/// One all-day event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Stable across fetches, so that apps update the event instead of adding another.
    pub uid: String,
    pub summary: String,
    pub description: Option<String>,
    pub location: Option<String>,
    pub categories: Vec<String>,
    /// The first day.
    pub start: NaiveDate,
    /// The last day (inclusive; the rendering writes the exclusive `DTEND`).
    pub last: NaiveDate,
    pub alarms: Vec<Alarm>,
}

/// A reminder: `days_before` the event's start (negative: after it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alarm {
    pub days_before: i64,
    pub description: String,
}

/// Escapes a TEXT value: `\` `;` `,` and newlines (CR LF, LF or CR become `\n`).
pub fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            // Other control characters are not allowed in TEXT (§3.3.11).
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds one content line into CRLF-terminated physical lines of at most 75 octets each (the
/// continuation's leading space included), splitting only between UTF-8 characters. Where it
/// can (a few characters back), it splits between two non-blank characters: some readers trim
/// the white space at the end of a physical line or after the fold's space, and would glue two
/// words together.
pub fn fold(line: &str) -> String {
    const MAX: usize = 75;
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let (mut start, mut width, mut i) = (0, 0, 0);
    while i < chars.len() {
        let len = chars[i].len_utf8();
        if width + len > MAX {
            // Move the cut back a few characters until it falls between two non-blanks; within
            // a long run of blanks, cut where the line is full.
            let floor = i.saturating_sub(8).max(start + 1);
            let blank_at = |k: usize| chars[k].is_whitespace() || chars[k - 1].is_whitespace();
            let mut cut = i;
            while cut > floor && blank_at(cut) {
                cut -= 1;
            }
            if blank_at(cut) {
                cut = i;
            }
            out.extend(&chars[start..cut]);
            out.push_str("\r\n ");
            start = cut;
            width = 1 + chars[cut..i].iter().map(|c| c.len_utf8()).sum::<usize>();
            continue;
        }
        width += len;
        i += 1;
    }
    out.extend(&chars[start..]);
    out.push_str("\r\n");
    out
}

fn date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// A `DURATION` of whole days, relative to the start: `-P7D` before, `P3D` after.
fn trigger(days_before: i64) -> String {
    if days_before > 0 {
        format!("-P{days_before}D")
    } else {
        format!("P{}D", -days_before)
    }
}

/// The calendar as an iCalendar object; `stamp` is the `DTSTAMP` of every event (when the feed
/// was made).
pub fn render(calendar: &Calendar, stamp: DateTime<Utc>) -> String {
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        format!("PRODID:{PRODID}"),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        format!("NAME:{}", escape_text(&calendar.name)),
        format!("X-WR-CALNAME:{}", escape_text(&calendar.name)),
        format!("REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}"),
        format!("X-PUBLISHED-TTL:{REFRESH}"),
    ];
    let stamp = stamp.format("%Y%m%dT%H%M%SZ").to_string();
    for e in &calendar.events {
        lines.push("BEGIN:VEVENT".into());
        lines.push(format!("UID:{}", escape_text(&e.uid)));
        lines.push(format!("DTSTAMP:{stamp}"));
        lines.push(format!("DTSTART;VALUE=DATE:{}", date(e.start)));
        let end = e.last.succ_opt().unwrap_or(e.last);
        lines.push(format!("DTEND;VALUE=DATE:{}", date(end)));
        lines.push(format!("SUMMARY:{}", escape_text(&e.summary)));
        if let Some(d) = &e.description {
            lines.push(format!("DESCRIPTION:{}", escape_text(d)));
        }
        if let Some(l) = &e.location {
            lines.push(format!("LOCATION:{}", escape_text(l)));
        }
        if !e.categories.is_empty() {
            let list: Vec<String> = e.categories.iter().map(|c| escape_text(c)).collect();
            lines.push(format!("CATEGORIES:{}", list.join(",")));
        }
        // An all-day deadline blocks no time.
        lines.push("TRANSP:TRANSPARENT".into());
        for a in &e.alarms {
            lines.push("BEGIN:VALARM".into());
            lines.push("ACTION:DISPLAY".into());
            lines.push(format!("TRIGGER:{}", trigger(a.days_before)));
            lines.push(format!("DESCRIPTION:{}", escape_text(&a.description)));
            lines.push("END:VALARM".into());
        }
        lines.push("END:VEVENT".into());
    }
    lines.push("END:VCALENDAR".into());
    lines.iter().map(|l| fold(l)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn text_escapes_the_four_specials() {
        assert_eq!(escape_text(r"a\b"), r"a\\b");
        assert_eq!(escape_text("CN; EP, US"), r"CN\; EP\, US");
        assert_eq!(
            escape_text("one\r\ntwo\nthree\rfour"),
            r"one\ntwo\nthree\nfour"
        );
        assert_eq!(escape_text("bell\u{7}less"), "bellless");
        assert_eq!(escape_text("上海健康医学院"), "上海健康医学院");
    }

    #[test]
    fn lines_fold_at_75_octets_between_characters() {
        assert_eq!(fold("SUMMARY:short"), "SUMMARY:short\r\n");
        let ascii = format!("DESCRIPTION:{}", "x".repeat(200));
        let folded = fold(&ascii);
        for physical in folded.split_terminator("\r\n") {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        // Unfolding (drop CRLF + one space) gives the line back.
        assert_eq!(folded.replace("\r\n ", "").trim_end(), ascii);
        assert_eq!(folded.split_terminator("\r\n").next().unwrap().len(), 75);

        // Three-octet characters: no line is cut inside one.
        let cjk = format!("SUMMARY:{}", "专利年费".repeat(30));
        let folded = fold(&cjk);
        for physical in folded.split_terminator("\r\n") {
            assert!(physical.len() <= 75, "{} octets", physical.len());
            assert!(std::str::from_utf8(physical.as_bytes()).is_ok());
        }
        assert_eq!(folded.replace("\r\n ", "").trim_end(), cjk);
        // "SUMMARY:" is 8 octets, then 22 characters of 3 = 74; the 23rd would make 77.
        assert_eq!(folded.split_terminator("\r\n").next().unwrap().len(), 74);

        // A line is not cut next to a space (where it would fall first or last in a line)…
        for a in [62, 63, 64] {
            let spaced = format!("DESCRIPTION:{} {}", "a".repeat(a), "b".repeat(100));
            let folded = fold(&spaced);
            let lines: Vec<&str> = folded.split_terminator("\r\n").collect();
            for (n, physical) in lines.iter().enumerate() {
                assert!(physical.len() <= 75);
                let value = if n == 0 {
                    physical
                } else {
                    physical.strip_prefix(' ').expect("a continuation")
                };
                assert!(!value.starts_with(char::is_whitespace), "{physical:?}");
                assert!(!value.ends_with(char::is_whitespace), "{physical:?}");
            }
            assert_eq!(folded.replace("\r\n ", "").trim_end(), spaced);
        }
        // A long run of blanks is cut where it must be (and still unfolds to itself).
        let blanks = format!("X:{}", " ".repeat(200));
        let folded = fold(&blanks);
        assert_eq!(folded.replace("\r\n ", "").trim_end_matches("\r\n"), blanks);
        assert!(
            folded
                .split_terminator("\r\n")
                .all(|l| l.len() == 75 || l.len() < 60)
        );
    }

    #[test]
    fn renders_all_day_events_with_alarms() {
        let cal = Calendar {
            name: "BioBridge, deadlines".into(),
            events: vec![Event {
                uid: "ip-deadline-1@biobridge".into(),
                summary: "CN annual fee, year 9".into(),
                description: Some("Rule: CNIPA; pay by 2027-03-04".into()),
                location: Some("CN".into()),
                categories: vec!["ANNUITY".into(), "CN".into()],
                start: d("2027-03-04"),
                last: d("2027-03-04"),
                alarms: vec![
                    Alarm {
                        days_before: 30,
                        description: "due in 30 days".into(),
                    },
                    Alarm {
                        days_before: -184,
                        description: "last day of grace".into(),
                    },
                ],
            }],
        };
        let stamp = DateTime::parse_from_rfc3339("2026-11-27T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let text = render(&cal, stamp);
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(!text.replace("\r\n", "").contains('\n'), "bare LF");
        for needle in [
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n",
            "X-WR-CALNAME:BioBridge\\, deadlines\r\n",
            "UID:ip-deadline-1@biobridge\r\n",
            "DTSTAMP:20261127T100000Z\r\n",
            "DTSTART;VALUE=DATE:20270304\r\n",
            "DTEND;VALUE=DATE:20270305\r\n",
            "DESCRIPTION:Rule: CNIPA\\; pay by 2027-03-04\r\n",
            "CATEGORIES:ANNUITY,CN\r\n",
            "TRIGGER:-P30D\r\n",
            "TRIGGER:P184D\r\n",
        ] {
            assert!(text.contains(needle), "{needle:?} in\n{text}");
        }
        assert_eq!(text.matches("BEGIN:VALARM").count(), 2);
        assert_eq!(text.matches("END:VEVENT").count(), 1);
    }
}
