use chrono::{Days, NaiveDateTime, TimeZone, Utc};
use icalendar::{Calendar, Component, Event, EventLike, Property};
use serde::{Deserialize, Serialize};

use super::EngagementCalendar;
use crate::{Error, Result};

/// Options of the iCalendar export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IcalOptions {
    /// The calendar name shown by calendar apps (`NAME` / `X-WR-CALNAME`).
    pub calendar_name: String,
    /// The account, prefixed to every event summary and part of every UID.
    pub account: Option<String>,
    /// The right-hand side of every UID (`...@domain`).
    pub uid_domain: String,
    /// The `DTSTAMP` of every event (UTC); `None` = midnight of the contract start, which keeps
    /// the export byte-for-byte reproducible.
    pub stamp: Option<NaiveDateTime>,
}

impl Default for IcalOptions {
    fn default() -> Self {
        IcalOptions {
            calendar_name: "Customer Success engagement calendar".to_owned(),
            account: None,
            uid_domain: "cs-core".to_owned(),
            stamp: None,
        }
    }
}

impl EngagementCalendar {
    /// The calendar as an iCalendar (RFC 5545) document, written with the `icalendar` crate.
    ///
    /// Each item is an all-day `VEVENT` (`DTSTART;VALUE=DATE` on its date, `DTEND` the next
    /// day, as RFC 5545 section 3.6.1 requires for a one-day event), marked `TRANSPARENT` so it
    /// does not block time, with the activity as summary and category, and a UID built from
    /// the date, account, package and entitlement: importing the same calendar twice updates
    /// the events rather than duplicating them. Lines are CRLF-terminated and folded at 75
    /// octets.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use cs_core::package::{engagement_calendar, ContractTerm, IcalOptions, SuccessPackage};
    /// let term = ContractTerm::one_year(NaiveDate::from_ymd_opt(2026, 1, 15).unwrap())?;
    /// let cal = engagement_calendar(&SuccessPackage::builtin("enterprise")?, &term)?;
    /// let ics = cal.to_ical(&IcalOptions::default());
    /// assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    /// assert_eq!(ics.matches("BEGIN:VEVENT").count(), cal.len());
    /// assert!(ics.contains("DTSTART;VALUE=DATE:20260315\r\n"));
    /// # Ok::<(), cs_core::Error>(())
    /// ```
    ///
    /// User text (calendar name, account, UID domain, package and entitlement labels) is
    /// written as RFC 5545 TEXT: a line break in it becomes the two characters `\n` and any
    /// other control character a space, so no text can end a line and start a forged
    /// property or event. [`EngagementCalendar::try_to_ical`] rejects such text instead.
    pub fn to_ical(&self, options: &IcalOptions) -> String {
        let options = IcalOptions {
            calendar_name: plain_text(&options.calendar_name).into_owned(),
            account: options.account.as_deref().map(|a| plain_text(a).into_owned()),
            uid_domain: plain_text(&options.uid_domain).into_owned(),
            stamp: options.stamp,
        };
        self.write_ical(&options)
    }

    /// [`EngagementCalendar::to_ical`], but a control character (a line break, a tab aside) in
    /// the calendar name, account, UID domain or an item's package or entitlement label is
    /// [`Error::Invalid`] naming the field.
    pub fn try_to_ical(&self, options: &IcalOptions) -> Result<String> {
        check_text("calendar name", &options.calendar_name, None)?;
        if let Some(a) = &options.account {
            check_text("account", a, None)?;
        }
        check_text("uid domain", &options.uid_domain, None)?;
        for (i, item) in self.items.iter().enumerate() {
            check_text("calendar item package", &item.package, Some(i))?;
            check_text("calendar item entitlement", &item.entitlement, Some(i))?;
        }
        Ok(self.to_ical(options))
    }

    /// The export; the options' text is already free of control characters but LF.
    fn write_ical(&self, options: &IcalOptions) -> String {
        let stamp = options
            .stamp
            .unwrap_or_else(|| self.term.start().and_time(chrono::NaiveTime::MIN));
        let stamp = Utc.from_utc_datetime(&stamp);
        let mut calendar = Calendar::empty();
        calendar
            .append_property(Property::new("VERSION", "2.0"))
            .append_property(Property::new("PRODID", "-//cs-core//engagement calendar//EN"))
            .append_property(Property::new("CALSCALE", "GREGORIAN"))
            // `icalendar` escapes X-WR-CALNAME as TEXT but writes NAME as is: escape it here.
            .append_property(Property::new("NAME", escape_text(&options.calendar_name)))
            .append_property(Property::new("X-WR-CALNAME", &options.calendar_name));
        for item in &self.items {
            let summary = match &options.account {
                Some(a) => format!("{a}: {} ({})", item.activity.title(), item.channel.title()),
                None => format!("{} ({})", item.activity.title(), item.channel.title()),
            };
            let description = format!(
                "Entitlement {} of the {} success package, contract year {}.",
                plain_text(&item.entitlement),
                plain_text(&item.package),
                item.contract_year
            );
            let account = options
                .account
                .as_deref()
                .map(slug)
                .map(|s| format!("{s}-"))
                .unwrap_or_default();
            let uid = format!(
                "{}-{account}{}-{}@{}",
                item.date.format("%Y%m%d"),
                slug(&item.package),
                slug(&item.entitlement),
                options.uid_domain
            );
            let end = item.date.checked_add_days(Days::new(1)).unwrap_or(item.date);
            let event = Event::new()
                .uid(&uid)
                .timestamp(stamp)
                .summary(&summary)
                .description(&description)
                .starts(item.date)
                .ends(end)
                .categories([item.activity.name()])
                .add_property("TRANSP", "TRANSPARENT")
                .done();
            calendar.push(event);
        }
        calendar.done().to_string()
    }
}

/// A control character RFC 5545 TEXT may not hold (HTAB is allowed).
fn is_forbidden(c: char) -> bool {
    c.is_control() && c != '\t'
}

/// `text` with every line break (CRLF, CR, LF) as one LF and any other control character as a
/// space: for the properties the `icalendar` crate escapes as TEXT (it writes LF as `\n` but
/// leaves CR alone).
fn plain_text(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_forbidden) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\n' => out.push('\n'),
            c if is_forbidden(c) => out.push(' '),
            c => out.push(c),
        }
    }
    out.into()
}

/// `text` escaped as RFC 5545 TEXT (section 3.3.11: `\\`, `\;`, `\,`, `\n`), for the
/// calendar's NAME, which the `icalendar` crate writes as is.
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in plain_text(text).chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

fn check_text(field: &str, text: &str, position: Option<usize>) -> Result<()> {
    match text.chars().find(|&c| is_forbidden(c)) {
        None => Ok(()),
        Some(c) => Err(Error::Invalid {
            field: field.to_owned(),
            value: format!("{text:?}"),
            reason: format!(
                "contains the control character {c:?}; calendar text may not hold line breaks or control characters"
            ),
            position,
        }),
    }
}

/// Lower-case ASCII letters, digits and hyphens only (UIDs must survive every client).
fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::package::{ContractTerm, SuccessPackage, engagement_calendar};

    fn calendar() -> EngagementCalendar {
        let term = ContractTerm::one_year(NaiveDate::from_ymd_opt(2026, 1, 15).unwrap()).unwrap();
        engagement_calendar(&SuccessPackage::builtin("commerce").unwrap(), &term).unwrap()
    }

    #[test]
    fn export_is_rfc5545_shaped_and_reproducible() {
        let cal = calendar();
        let opts = IcalOptions {
            account: Some("Acme, Inc.".into()),
            ..IcalOptions::default()
        };
        let ics = cal.to_ical(&opts);
        assert_eq!(ics, cal.to_ical(&opts));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(ics.contains("PRODID:-//cs-core//engagement calendar//EN\r\n"));
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 29);
        assert_eq!(ics.matches("END:VEVENT").count(), 29);
        // The kickoff on 29 January 2026: one all-day event ending the next day.
        assert!(ics.contains("UID:20260129-acme-inc-commerce-kickoff@cs-core\r\n"));
        assert!(
            ics.contains("DTSTART;VALUE=DATE:20260129\r\nDTEND;VALUE=DATE:20260130\r\n") || {
                ics.contains("DTSTART;VALUE=DATE:20260129\r\n")
                    && ics.contains("DTEND;VALUE=DATE:20260130\r\n")
            }
        );
        assert!(ics.contains("DTSTAMP:20260115T000000Z\r\n"));
        // Commas in text values are escaped.
        assert!(ics.contains("SUMMARY:Acme\\, Inc.: Customer Success kickoff (virtual meeting)\r\n"));
        // Every line is CRLF-terminated and at most 75 octets.
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
            assert!(!line.contains('\n'));
        }
    }

    #[test]
    fn slugs_keep_only_safe_characters() {
        assert_eq!(slug("Acme, Inc."), "acme-inc");
        assert_eq!(slug("success_review"), "success-review");
    }
}
