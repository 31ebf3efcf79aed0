use chrono::{Days, NaiveDateTime, TimeZone, Utc};
use icalendar::{Calendar, Component, Event, EventLike, Property};
use serde::{Deserialize, Serialize};

use super::EngagementCalendar;

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
    pub fn to_ical(&self, options: &IcalOptions) -> String {
        let stamp = options
            .stamp
            .unwrap_or_else(|| self.term.start().and_time(chrono::NaiveTime::MIN));
        let stamp = Utc.from_utc_datetime(&stamp);
        let mut calendar = Calendar::empty();
        calendar
            .append_property(Property::new("VERSION", "2.0"))
            .append_property(Property::new("PRODID", "-//cs-core//engagement calendar//EN"))
            .append_property(Property::new("CALSCALE", "GREGORIAN"))
            .name(&options.calendar_name);
        for item in &self.items {
            let summary = match &options.account {
                Some(a) => format!("{a}: {} ({})", item.activity.title(), item.channel.title()),
                None => format!("{} ({})", item.activity.title(), item.channel.title()),
            };
            let description = format!(
                "Entitlement {} of the {} success package, contract year {}.",
                item.entitlement, item.package, item.contract_year
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
