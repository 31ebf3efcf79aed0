use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{ContractTerm, SuccessPackage};
use crate::document::Document;
use crate::{Error, Result};

/// A package change (upgrade or downgrade) taking effect on a date inside the term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageChange {
    /// The first day the new package applies.
    pub effective: NaiveDate,
    /// The package from that day on.
    pub package: SuccessPackage,
}

/// The package in force over a term: the initial package and any changes, in date order.
///
/// On a change, recurring entitlements of the new package keep the contract's grid (they are
/// counted from the contract start and the anniversaries, not from the change date), so an
/// upgrade from Commerce to Enterprise turns the 6-monthly reviews into 2-monthly ones on the
/// same cycle. One-time (`at_start`) entitlements of the new package are scheduled from the
/// change date, unless the package in force before the change also entitled that activity
/// (an upgrade does not repeat the CSM introduction).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageTimeline {
    /// The package at the start of the term.
    pub initial: SuccessPackage,
    /// Changes, strictly increasing by `effective` date.
    #[serde(default)]
    pub changes: Vec<PackageChange>,
}

/// One stretch of the term under one package.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Segment<'a> {
    pub(crate) start: NaiveDate,
    /// Exclusive end.
    pub(crate) end: NaiveDate,
    pub(crate) package: &'a SuccessPackage,
    pub(crate) previous: Option<&'a SuccessPackage>,
}

impl PackageTimeline {
    /// One package for the whole term.
    pub fn new(initial: SuccessPackage) -> PackageTimeline {
        PackageTimeline {
            initial,
            changes: Vec::new(),
        }
    }

    /// Adds a change taking effect on `effective`.
    #[must_use]
    pub fn with_change(mut self, effective: NaiveDate, package: SuccessPackage) -> PackageTimeline {
        self.changes.push(PackageChange { effective, package });
        self
    }

    /// Validates every package, and that change dates are strictly increasing and strictly
    /// inside the term (`start < effective < renewal`).
    pub fn validate(&self, term: &ContractTerm) -> Result<()> {
        self.initial.validate()?;
        let mut previous = term.start();
        for (i, change) in self.changes.iter().enumerate() {
            change.package.validate()?;
            if change.effective <= previous || change.effective >= term.renewal() {
                let reason = if change.effective >= term.renewal() {
                    format!("it must be before the renewal date {}", term.renewal())
                } else {
                    format!("it must be after {previous} (the contract start or the previous change)")
                };
                return Err(Error::invalid("package change date", change.effective, reason).at(i));
            }
            previous = change.effective;
        }
        Ok(())
    }

    /// The package in force on `date`.
    pub fn package_on(&self, date: NaiveDate) -> &SuccessPackage {
        self.changes
            .iter()
            .rev()
            .find(|c| c.effective <= date)
            .map_or(&self.initial, |c| &c.package)
    }

    /// The segments of the term, in order (call [`PackageTimeline::validate`] first).
    pub(crate) fn segments(&self, term: ContractTerm) -> Vec<Segment<'_>> {
        let mut out = Vec::with_capacity(self.changes.len() + 1);
        let mut start = term.start();
        let mut package = &self.initial;
        let mut previous = None;
        for change in &self.changes {
            out.push(Segment {
                start,
                end: change.effective,
                package,
                previous,
            });
            previous = Some(package);
            start = change.effective;
            package = &change.package;
        }
        out.push(Segment {
            start,
            end: term.renewal(),
            package,
            previous,
        });
        out
    }
}

impl From<SuccessPackage> for PackageTimeline {
    fn from(package: SuccessPackage) -> Self {
        PackageTimeline::new(package)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn change_dates_must_be_inside_the_term_and_increasing() {
        let term = ContractTerm::one_year(d(2026, 1, 15)).unwrap();
        let c = SuccessPackage::builtin("commerce").unwrap();
        let e = SuccessPackage::builtin("enterprise").unwrap();
        let ok = PackageTimeline::new(c.clone()).with_change(d(2026, 5, 1), e.clone());
        ok.validate(&term).unwrap();
        assert_eq!(ok.package_on(d(2026, 4, 30)).name, "commerce");
        assert_eq!(ok.package_on(d(2026, 5, 1)).name, "enterprise");

        let late = PackageTimeline::new(c.clone()).with_change(d(2027, 1, 15), e.clone());
        assert_eq!(
            late.validate(&term).unwrap_err().to_string(),
            "package change date 2027-01-15 at position 0 is invalid: it must be before the renewal date 2027-01-15"
        );
        let unordered = PackageTimeline::new(c.clone())
            .with_change(d(2026, 6, 1), e.clone())
            .with_change(d(2026, 5, 1), c);
        assert!(
            unordered
                .validate(&term)
                .unwrap_err()
                .to_string()
                .contains("at position 1")
        );
    }
}
