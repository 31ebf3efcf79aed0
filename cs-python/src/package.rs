//! `cs_core.SuccessPackage`, `ContractTerm`, `MatchingRules`, the engagement calendar and
//! delivered-vs-entitled compliance (one account and a portfolio).

use std::sync::Arc;

use arrow_array::types::Date32Type;
use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, StringArray, UInt32Array, UInt64Array,
};
use arrow_schema::{DataType, Field};
use chrono::{NaiveDate, NaiveDateTime};
use cs_core::document::Document;
use cs_core::package::{
    self as core, AccountCompliance, ContractTerm, DateRange, DeliveredActivity, EngagementCalendar,
    IcalOptions, MatchingRules, PackageTimeline, PortfolioCompliance, SuccessPackage,
};
use cs_core::portfolio::Granularity;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use pyo3_arrow::input::AnyRecordBatch;

use crate::error::{OrRaise, raise};
use crate::input::{column, date_arg, from_python, ints, optional_date, read_table};
use crate::output::{to_pyarrow, to_python};

// ---------------------------------------------------------------------------------------------
// Conversions of arguments

/// A package argument: a `SuccessPackage`, the name of a built-in package, or a dict.
fn package_of(obj: &Bound<'_, PyAny>) -> PyResult<SuccessPackage> {
    if let Ok(p) = obj.cast::<PySuccessPackage>() {
        return Ok(p.get().inner.clone());
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return SuccessPackage::builtin(s.to_str()?).or_raise();
    }
    SuccessPackage::from_json_value(from_python(obj, "success package")?).or_raise()
}

/// A contract argument: a `ContractTerm` or a dict with `start` and `renewal` or `term_months`.
fn term_of(obj: &Bound<'_, PyAny>) -> PyResult<ContractTerm> {
    if let Ok(t) = obj.cast::<PyContractTerm>() {
        return Ok(t.get().inner);
    }
    let Ok(d) = obj.cast::<PyDict>() else {
        return Err(raise(cs_core::Error::invalid(
            "contract",
            obj.repr()?.to_string(),
            "expected a ContractTerm or a dict with start and renewal (or term_months)",
        )));
    };
    for key in d.keys() {
        let key: String = key.extract()?;
        if !["start", "renewal", "term_months"].contains(&key.as_str()) {
            return Err(raise(cs_core::Error::unknown(
                "contract key",
                key,
                ["start", "renewal", "term_months"],
            )));
        }
    }
    let start = d
        .get_item("start")?
        .ok_or_else(|| raise(cs_core::Error::missing("contract start")))?;
    let renewal = d.get_item("renewal")?;
    let months = d
        .get_item("term_months")?
        .map(|m| ints::term_months(&m))
        .transpose()?
        .flatten();
    make_term(&start, renewal.as_ref(), months)
}

fn make_term(
    start: &Bound<'_, PyAny>,
    renewal: Option<&Bound<'_, PyAny>>,
    term_months: Option<u32>,
) -> PyResult<ContractTerm> {
    let start = date_arg(start, "contract start")?;
    match (optional_date(renewal, "renewal date")?, term_months) {
        (Some(r), None) => ContractTerm::new(start, r).or_raise(),
        (None, months) => ContractTerm::with_term_months(start, months.unwrap_or(12)).or_raise(),
        (Some(r), Some(m)) => Err(raise(cs_core::Error::invalid(
            "contract term months",
            m,
            format!("give the renewal date {r} or the term in months, not both"),
        ))),
    }
}

/// A rules argument: `MatchingRules`, a dict, or `None` for the defaults.
fn rules_of(obj: Option<&Bound<'_, PyAny>>) -> PyResult<MatchingRules> {
    match obj {
        None => Ok(MatchingRules::default()),
        Some(o) if o.is_none() => Ok(MatchingRules::default()),
        Some(o) => {
            if let Ok(r) = o.cast::<PyMatchingRules>() {
                return Ok(r.get().inner.clone());
            }
            MatchingRules::from_json_value(from_python(o, "matching rules")?).or_raise()
        }
    }
}

/// A timeline: the package and its changes, `[(date, package), ...]` or `{date: package}`.
fn timeline_of(package: &Bound<'_, PyAny>, changes: Option<&Bound<'_, PyAny>>) -> PyResult<PackageTimeline> {
    let mut timeline = PackageTimeline::new(package_of(package)?);
    let Some(changes) = changes.filter(|c| !c.is_none()) else {
        return Ok(timeline);
    };
    let pairs = if let Ok(d) = changes.cast::<PyDict>() {
        d.items().into_any()
    } else {
        changes.clone()
    };
    for pair in pairs.try_iter()? {
        let pair = pair?;
        let (date, package): (Bound<'_, PyAny>, Bound<'_, PyAny>) = pair.extract().map_err(|_| {
            raise(cs_core::Error::invalid(
                "package change",
                pair.repr().map(|r| r.to_string()).unwrap_or_default(),
                "expected a (date, package) pair",
            ))
        })?;
        timeline = timeline.with_change(date_arg(&date, "package change date")?, package_of(&package)?);
    }
    Ok(timeline)
}

fn json_text(value: &impl serde::Serialize) -> PyResult<String> {
    serde_json::to_string(value).map_err(|e| {
        raise(cs_core::Error::Parse {
            format: "JSON".into(),
            message: e.to_string(),
        })
    })
}

fn date32(d: NaiveDate) -> i32 {
    Date32Type::from_naive_date(d)
}

/// Named output columns, built one at a time.
#[derive(Default)]
struct Columns(Vec<(Field, ArrayRef)>);

impl Columns {
    fn push(&mut self, name: &str, nullable: bool, array: ArrayRef) -> &mut Self {
        self.0
            .push((Field::new(name, array.data_type().clone(), nullable), array));
        self
    }
    fn text<'a>(&mut self, name: &str, values: impl Iterator<Item = &'a str>) -> &mut Self {
        self.push(name, false, Arc::new(values.map(Some).collect::<StringArray>()))
    }
    fn date(&mut self, name: &str, values: impl Iterator<Item = NaiveDate>) -> &mut Self {
        self.push(
            name,
            false,
            Arc::new(Date32Array::from_iter_values(values.map(date32))),
        )
    }
    fn u32(&mut self, name: &str, values: impl Iterator<Item = u32>) -> &mut Self {
        self.push(name, false, Arc::new(UInt32Array::from_iter_values(values)))
    }
    fn u64(&mut self, name: &str, values: impl Iterator<Item = u64>) -> &mut Self {
        self.push(name, false, Arc::new(UInt64Array::from_iter_values(values)))
    }
    fn ratio(&mut self, name: &str, values: impl Iterator<Item = Option<f64>>) -> &mut Self {
        self.push(name, true, Arc::new(values.collect::<Float64Array>()))
    }
    fn flag(&mut self, name: &str, values: impl Iterator<Item = bool>) -> &mut Self {
        self.push(name, false, Arc::new(values.map(Some).collect::<BooleanArray>()))
    }
    fn table(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        to_pyarrow(py, self.0)
    }
}

// ---------------------------------------------------------------------------------------------
// SuccessPackage

/// A success package: what a customer bought from Customer Success. A touch model and a list
/// of entitlements (activity x cadence x channel).
///
/// Built-in packages come from ``SuccessPackage.builtin(name)`` (``commerce``, ``enterprise``,
/// ``community_segment``, ``enterprise_segment``, ``strategic_segment``); custom ones from a
/// TOML / JSON document or a dict (``schema_version = 1``, unknown keys rejected, errors
/// naming the entitlement).
#[pyclass(name = "SuccessPackage", module = "cs_core", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct PySuccessPackage {
    pub(crate) inner: SuccessPackage,
}

#[pymethods]
impl PySuccessPackage {
    /// A built-in package by name (case-insensitive).
    #[staticmethod]
    fn builtin(name: &str) -> PyResult<PySuccessPackage> {
        Ok(PySuccessPackage {
            inner: SuccessPackage::builtin(name).or_raise()?,
        })
    }
    /// Every built-in package, in catalog order.
    #[staticmethod]
    fn catalog() -> Vec<PySuccessPackage> {
        core::catalog()
            .into_iter()
            .map(|inner| PySuccessPackage { inner })
            .collect()
    }
    /// Reads and validates a TOML package document.
    #[staticmethod]
    fn from_toml(text: &str) -> PyResult<PySuccessPackage> {
        Ok(PySuccessPackage {
            inner: SuccessPackage::from_toml(text).or_raise()?,
        })
    }
    /// Reads and validates a JSON package document.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<PySuccessPackage> {
        Ok(PySuccessPackage {
            inner: SuccessPackage::from_json(text).or_raise()?,
        })
    }
    /// Reads and validates a package from a dict (the shape of ``to_dict``).
    #[staticmethod]
    fn from_dict(data: &Bound<'_, PyAny>) -> PyResult<PySuccessPackage> {
        Ok(PySuccessPackage {
            inner: SuccessPackage::from_json_value(from_python(data, "success package")?).or_raise()?,
        })
    }
    /// The package as a dict (the document shape).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner)
    }
    /// The package as a JSON document.
    fn to_json(&self) -> PyResult<String> {
        self.inner.to_json().or_raise()
    }
    /// The package as a TOML document.
    fn to_toml(&self) -> PyResult<String> {
        self.inner.to_toml().or_raise()
    }
    /// The package name.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }
    /// The touch model: ``"digital"``, ``"high_touch"`` or ``"personal"``.
    #[getter]
    fn touch_model(&self) -> &'static str {
        self.inner.touch_model.name()
    }
    /// A one-line description, if any.
    #[getter]
    fn description(&self) -> Option<&str> {
        self.inner.description.as_deref()
    }
    /// Where the package definition comes from, if known.
    #[getter]
    fn source(&self) -> Option<&str> {
        self.inner.source.as_deref()
    }
    /// The entitlements as dicts (activity, cadence, channel, optional name and source).
    #[getter]
    fn entitlements<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.entitlements)
    }
    /// The entitlements as a pyarrow Table: entitlement, activity, cadence (readable), channel,
    /// source.
    fn describe<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        describe(py, std::slice::from_ref(&self.inner), false)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = slf.get_type().getattr("from_json")?;
        Ok((from_json, (slf.get().to_json()?,)))
    }
    fn __repr__(&self) -> String {
        format!(
            "SuccessPackage(name='{}', touch_model='{}', entitlements={})",
            self.inner.name,
            self.inner.touch_model.name(),
            self.inner.entitlements.len()
        )
    }
}

fn describe<'py>(
    py: Python<'py>,
    packages: &[SuccessPackage],
    with_package: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let rows: Vec<(&SuccessPackage, &core::Entitlement)> = packages
        .iter()
        .flat_map(|p| p.entitlements.iter().map(move |e| (p, e)))
        .collect();
    let mut cols = Columns::default();
    if with_package {
        cols.text("package", rows.iter().map(|(p, _)| p.name.as_str()));
        cols.text("touch_model", rows.iter().map(|(p, _)| p.touch_model.name()));
    }
    cols.text("entitlement", rows.iter().map(|(_, e)| e.label()));
    cols.text("activity", rows.iter().map(|(_, e)| e.activity.name()));
    let cadences: Vec<String> = rows.iter().map(|(_, e)| e.cadence.to_string()).collect();
    cols.text("cadence", cadences.iter().map(String::as_str));
    cols.text("channel", rows.iter().map(|(_, e)| e.channel.name()));
    let sources: StringArray = rows.iter().map(|(_, e)| e.source.as_deref()).collect();
    cols.push("source", true, Arc::new(sources));
    cols.table(py)
}

/// The built-in catalog as a pyarrow Table: one row per entitlement of every built-in
/// package (package, touch_model, entitlement, activity, cadence, channel, source).
#[pyfunction]
pub(crate) fn package_catalog(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    describe(py, &core::catalog(), true)
}

// ---------------------------------------------------------------------------------------------
// ContractTerm

/// The dates of one contract term: start and renewal (the first day of the next term).
///
/// ``ContractTerm(start, renewal)`` or ``ContractTerm(start, term_months=24)`` (default 12
/// months; month ends clamp: 31 January + 1 month renews on 28/29 February). The term is
/// half-open, ``[start, renewal)``.
#[pyclass(name = "ContractTerm", module = "cs_core", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct PyContractTerm {
    inner: ContractTerm,
}

#[pymethods]
impl PyContractTerm {
    #[new]
    #[pyo3(signature = (start, renewal = None, *, term_months = None))]
    fn new(
        start: &Bound<'_, PyAny>,
        renewal: Option<&Bound<'_, PyAny>>,
        #[pyo3(from_py_with = ints::term_months)] term_months: Option<u32>,
    ) -> PyResult<PyContractTerm> {
        Ok(PyContractTerm {
            inner: make_term(start, renewal, term_months)?,
        })
    }
    /// The first day of the term.
    #[getter]
    fn start(&self) -> NaiveDate {
        self.inner.start()
    }
    /// The renewal (anniversary) date: the first day after the term.
    #[getter]
    fn renewal(&self) -> NaiveDate {
        self.inner.renewal()
    }
    /// The last day of the term (the day before renewal).
    #[getter]
    fn last_day(&self) -> NaiveDate {
        self.inner.last_day()
    }
    /// Whole months from start to renewal.
    #[getter]
    fn term_months(&self) -> u32 {
        self.inner.term_months()
    }
    /// The anniversaries after the start, ascending; the last one is the renewal date.
    #[getter]
    fn anniversaries(&self) -> Vec<NaiveDate> {
        self.inner.anniversaries()
    }
    /// The contract year (1-based) that a date falls in.
    fn contract_year(&self, date: &Bound<'_, PyAny>) -> PyResult<u32> {
        self.inner.contract_year(date_arg(date, "date")?).or_raise()
    }
    /// Whether start <= date < renewal.
    fn contains(&self, date: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(self.inner.contains(date_arg(date, "date")?))
    }
    /// The next term of the same length, starting on the renewal date.
    fn next(&self) -> PyResult<PyContractTerm> {
        Ok(PyContractTerm {
            inner: self.inner.next().or_raise()?,
        })
    }
    /// ``{"start": date, "renewal": date}``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("start", self.inner.start())?;
        d.set_item("renewal", self.inner.renewal())?;
        Ok(d)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (NaiveDate, NaiveDate))> {
        let t = slf.get().inner;
        Ok((slf.get_type().into_any(), (t.start(), t.renewal())))
    }
    fn __repr__(&self) -> String {
        format!(
            "ContractTerm(start={}, renewal={})",
            self.inner.start(),
            self.inner.renewal()
        )
    }
}

// ---------------------------------------------------------------------------------------------
// MatchingRules

/// How delivered activities are matched to calendar items.
///
/// An item due on ``d`` is fulfilled by a delivery of the same activity dated in
/// ``[d - early_days, d + grace_days]`` through the entitled channel or one the substitution
/// table accepts for it. Defaults: 30 days each way and the documented substitution table
/// (a richer channel stands in for a leaner one; "on-site if location allows" falls back to a
/// virtual meeting). ``substitutions`` replaces the default table entirely.
#[pyclass(name = "MatchingRules", module = "cs_core", frozen, eq)]
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct PyMatchingRules {
    inner: MatchingRules,
}

#[pymethods]
impl PyMatchingRules {
    #[new]
    #[pyo3(signature = (*, grace_days = 30, early_days = 30, substitutions = None))]
    fn new(
        py: Python<'_>,
        #[pyo3(from_py_with = ints::grace_days)] grace_days: u32,
        #[pyo3(from_py_with = ints::early_days)] early_days: u32,
        substitutions: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyMatchingRules> {
        let d = PyDict::new(py);
        d.set_item("schema_version", 1)?;
        d.set_item("grace_days", grace_days)?;
        d.set_item("early_days", early_days)?;
        if let Some(s) = substitutions.filter(|s| !s.is_none()) {
            d.set_item("substitutions", s)?;
        }
        Ok(PyMatchingRules {
            inner: MatchingRules::from_json_value(from_python(&d, "matching rules")?).or_raise()?,
        })
    }
    /// Days after its due date a delivery still counts.
    #[getter]
    fn grace_days(&self) -> u32 {
        self.inner.grace_days
    }
    /// Days before its due date a delivery already counts.
    #[getter]
    fn early_days(&self) -> u32 {
        self.inner.early_days
    }
    /// For each entitled channel, the channels accepted in its place.
    #[getter]
    fn substitutions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.substitutions)
    }
    /// Whether a delivery through ``delivered`` counts for an item entitled through ``entitled``.
    fn accepts(&self, entitled: &str, delivered: &str) -> PyResult<bool> {
        Ok(self.inner.accepts(
            core::Channel::parse(entitled).or_raise()?,
            core::Channel::parse(delivered).or_raise()?,
        ))
    }
    /// Reads and validates a TOML rules document (every key optional).
    #[staticmethod]
    fn from_toml(text: &str) -> PyResult<PyMatchingRules> {
        Ok(PyMatchingRules {
            inner: MatchingRules::from_toml(text).or_raise()?,
        })
    }
    /// Reads and validates a JSON rules document.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<PyMatchingRules> {
        Ok(PyMatchingRules {
            inner: MatchingRules::from_json(text).or_raise()?,
        })
    }
    /// Reads and validates rules from a dict.
    #[staticmethod]
    fn from_dict(data: &Bound<'_, PyAny>) -> PyResult<PyMatchingRules> {
        Ok(PyMatchingRules {
            inner: MatchingRules::from_json_value(from_python(data, "matching rules")?).or_raise()?,
        })
    }
    /// The rules as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner)
    }
    /// The rules as a JSON document.
    fn to_json(&self) -> PyResult<String> {
        self.inner.to_json().or_raise()
    }
    /// The rules as a TOML document.
    fn to_toml(&self) -> PyResult<String> {
        self.inner.to_toml().or_raise()
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = slf.get_type().getattr("from_json")?;
        Ok((from_json, (slf.get().to_json()?,)))
    }
    fn __repr__(&self) -> String {
        format!(
            "MatchingRules(grace_days={}, early_days={}, substitutions={})",
            self.inner.grace_days,
            self.inner.early_days,
            self.inner.substitutions.len()
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Engagement calendar

/// The dated schedule of every entitled activity of a contract term (or of ``from_..to``).
///
/// ``EngagementCalendar(package, start, renewal=None, *, term_months=12, from_=None, to=None,
/// changes=None)``: ``package`` is a ``SuccessPackage``, a built-in name or a dict; ``changes``
/// lists upgrades / downgrades as ``[(date, package), ...]``. Items land in ``[start,
/// renewal)``; recurring cadences count from the start in whole months or weeks, so month ends
/// clamp without drifting (31 January + 1 month = 28/29 February).
#[pyclass(name = "EngagementCalendar", module = "cs_core", frozen)]
pub(crate) struct PyEngagementCalendar {
    inner: EngagementCalendar,
}

#[pymethods]
impl PyEngagementCalendar {
    #[new]
    #[pyo3(signature = (package, start, renewal = None, *, term_months = None, from_ = None, to = None, changes = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        package: &Bound<'_, PyAny>,
        start: &Bound<'_, PyAny>,
        renewal: Option<&Bound<'_, PyAny>>,
        #[pyo3(from_py_with = ints::term_months)] term_months: Option<u32>,
        from_: Option<&Bound<'_, PyAny>>,
        to: Option<&Bound<'_, PyAny>>,
        changes: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyEngagementCalendar> {
        let term = if let Ok(t) = start.cast::<PyContractTerm>() {
            t.get().inner
        } else {
            make_term(start, renewal, term_months)?
        };
        let timeline = timeline_of(package, changes)?;
        let range = match (optional_date(from_, "from")?, optional_date(to, "to")?) {
            (None, None) => None,
            (from, to) => {
                Some(DateRange::new(from.unwrap_or(term.start()), to.unwrap_or(term.last_day())).or_raise()?)
            }
        };
        let inner = py
            .detach(|| EngagementCalendar::build(&timeline, &term, range))
            .or_raise()?;
        Ok(PyEngagementCalendar { inner })
    }
    /// The contract term.
    #[getter]
    fn term(&self) -> PyContractTerm {
        PyContractTerm {
            inner: self.inner.term,
        }
    }
    /// The dates covered, ``(from, to)`` inclusive, or None when the range misses the term.
    #[getter]
    fn window(&self) -> Option<(NaiveDate, NaiveDate)> {
        self.inner.window.map(|w| (w.from(), w.to()))
    }
    /// The items as a pyarrow Table: date, contract_year, package, entitlement, activity,
    /// channel, title (a readable summary), sorted by date.
    fn to_table<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let items = &self.inner.items;
        let mut cols = Columns::default();
        cols.date("date", items.iter().map(|i| i.date))
            .u32("contract_year", items.iter().map(|i| i.contract_year))
            .text("package", items.iter().map(|i| i.package.as_str()))
            .text("entitlement", items.iter().map(|i| i.entitlement.as_str()))
            .text("activity", items.iter().map(|i| i.activity.name()))
            .text("channel", items.iter().map(|i| i.channel.name()));
        let titles: Vec<String> = items
            .iter()
            .map(|i| format!("{} ({})", i.activity.title(), i.channel.title()))
            .collect();
        cols.text("title", titles.iter().map(String::as_str));
        cols.table(py)
    }
    /// The calendar as an iCalendar (RFC 5545) document: one all-day, non-blocking event per
    /// item, with stable UIDs so a re-import updates rather than duplicates. ``stamp`` (the
    /// DTSTAMP, UTC) defaults to midnight of the contract start, keeping the output
    /// reproducible.
    #[pyo3(signature = (*, calendar_name = None, account = None, uid_domain = None, stamp = None))]
    fn to_ics(
        &self,
        calendar_name: Option<String>,
        account: Option<String>,
        uid_domain: Option<String>,
        stamp: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let defaults = IcalOptions::default();
        let stamp = match stamp.filter(|s| !s.is_none()) {
            None => None,
            Some(s) => Some(if let Ok(dt) = s.extract::<NaiveDateTime>() {
                dt
            } else {
                date_arg(s, "stamp")?.and_time(chrono::NaiveTime::MIN)
            }),
        };
        let options = IcalOptions {
            calendar_name: calendar_name.unwrap_or(defaults.calendar_name),
            account,
            uid_domain: uid_domain.unwrap_or(defaults.uid_domain),
            stamp,
        };
        Ok(self.inner.to_ical(&options))
    }
    /// The calendar as a dict (term, window, items).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner)
    }
    fn __len__(&self) -> usize {
        self.inner.len()
    }
    fn __repr__(&self) -> String {
        format!(
            "EngagementCalendar(start={}, renewal={}, items={})",
            self.inner.term.start(),
            self.inner.term.renewal(),
            self.inner.len()
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Delivered activities

/// The delivery log of a table (cs-arrow's reader: date, activity, channel and optional minutes
/// and participants) as the core's deliveries; `None` when no table is given.
fn delivery_log(py: Python<'_>, table: Option<AnyRecordBatch>) -> PyResult<Option<Vec<DeliveredActivity>>> {
    let Some(table) = table else { return Ok(None) };
    let batch = read_table(table)?;
    let log = cs_arrow::compliance::Deliveries::read(&batch, false).or_raise()?;
    let c = log.columns();
    py.detach(|| core::delivered_from_columns(c.date, c.activity, c.channel, c.minutes, c.participants))
        .or_raise()
        .map(Some)
}

/// Time spent with the customer per period (customer-facing deliveries only); the wrapper
/// returns the caller's table type.
#[pyfunction]
#[pyo3(signature = (delivered, period, from_, to))]
pub(crate) fn _time_with_customer<'py>(
    py: Python<'py>,
    delivered: AnyRecordBatch,
    period: &str,
    from_: Option<&Bound<'_, PyAny>>,
    to: Option<&Bound<'_, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let granularity = Granularity::parse(period).or_raise()?;
    let range = match (optional_date(from_, "from")?, optional_date(to, "to")?) {
        (Some(f), Some(t)) => Some(DateRange::new(f, t).or_raise()?),
        (None, None) => None,
        _ => {
            return Err(raise(cs_core::Error::invalid(
                "date range",
                "one bound",
                "give both from_ and to, or neither",
            )));
        }
    };
    let log = delivery_log(py, Some(delivered))?.ok_or_else(|| raise(cs_core::Error::empty("delivered")))?;
    let periods = py.detach(|| core::time_with_customer(&log, granularity, range));
    let labels: Vec<String> = periods.iter().map(|p| p.period.to_string()).collect();
    let mut cols = Columns::default();
    cols.text("period", labels.iter().map(String::as_str));
    let starts: Date32Array = periods.iter().map(|p| p.period.start().map(date32)).collect();
    cols.push("period_start", true, Arc::new(starts))
        .u32("touches", periods.iter().map(|p| p.touches))
        .u64("minutes", periods.iter().map(|p| p.minutes))
        .u64(
            "participant_minutes",
            periods.iter().map(|p| p.participant_minutes),
        );
    cols.table(py)
}

// ---------------------------------------------------------------------------------------------
// Compliance

/// Delivered-vs-entitled compliance of one account as of a date.
///
/// An item is delivered (matched by the rules), upcoming (due after ``as_of``), due (within the
/// grace period) or overdue. owed = delivered + overdue; ``ratio`` = delivered / owed (None
/// when nothing is owed yet). ``under_delivered``: some item is overdue (a risk);
/// ``over_delivered``: more customer-facing deliveries than entitled to date, or a richer
/// channel than entitled (margin and value erosion).
#[pyclass(name = "AccountCompliance", module = "cs_core", frozen, eq)]
#[derive(Clone, PartialEq)]
pub(crate) struct PyAccountCompliance {
    inner: AccountCompliance,
}

#[pymethods]
impl PyAccountCompliance {
    /// The as-of date.
    #[getter]
    fn as_of(&self) -> NaiveDate {
        self.inner.as_of
    }
    /// The contract term.
    #[getter]
    fn term(&self) -> PyContractTerm {
        PyContractTerm {
            inner: self.inner.term,
        }
    }
    /// Items delivered.
    #[getter]
    fn delivered(&self) -> u32 {
        self.inner.delivered
    }
    /// Items due, within the grace period.
    #[getter]
    fn due(&self) -> u32 {
        self.inner.due
    }
    /// Items overdue: promised service missing.
    #[getter]
    fn overdue(&self) -> u32 {
        self.inner.overdue
    }
    /// Items not due yet.
    #[getter]
    fn upcoming(&self) -> u32 {
        self.inner.upcoming
    }
    /// Delivered + overdue.
    #[getter]
    fn owed(&self) -> u32 {
        self.inner.owed
    }
    /// Delivered / owed; None when nothing is owed yet.
    #[getter]
    fn ratio(&self) -> Option<f64> {
        self.inner.ratio
    }
    /// Some item is overdue.
    #[getter]
    fn under_delivered(&self) -> bool {
        self.inner.under_delivered
    }
    /// Some activity has deliveries beyond what is entitled, or a channel upgrade.
    #[getter]
    fn over_delivered(&self) -> bool {
        self.inner.over_delivered
    }
    /// Minutes of customer-facing deliveries counted.
    #[getter]
    fn minutes_with_customer(&self) -> u64 {
        self.inner.minutes_with_customer
    }
    /// Deliveries ignored: after ``as_of`` or on/after the renewal date.
    #[getter]
    fn ignored(&self) -> u32 {
        self.inner.ignored
    }
    /// Per entitlement, a pyarrow Table: package, entitlement, activity, channel, in_term,
    /// delivered, due, overdue, upcoming, ratio, under_delivered.
    #[getter]
    fn entitlements<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let rows = &self.inner.entitlements;
        let mut cols = Columns::default();
        cols.text("package", rows.iter().map(|r| r.package.as_str()))
            .text("entitlement", rows.iter().map(|r| r.entitlement.as_str()))
            .text("activity", rows.iter().map(|r| r.activity.name()))
            .text("channel", rows.iter().map(|r| r.channel.name()))
            .u32("in_term", rows.iter().map(|r| r.in_term))
            .u32("delivered", rows.iter().map(|r| r.delivered))
            .u32("due", rows.iter().map(|r| r.due))
            .u32("overdue", rows.iter().map(|r| r.overdue))
            .u32("upcoming", rows.iter().map(|r| r.upcoming))
            .ratio("ratio", rows.iter().map(|r| r.ratio))
            .flag("under_delivered", rows.iter().map(|r| r.under_delivered));
        cols.table(py)
    }
    /// Every calendar item with its status, a pyarrow Table: date, contract_year, package,
    /// entitlement, activity, channel, status, delivered_on, days_late, channel_upgrade.
    #[getter]
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let rows = &self.inner.items;
        let mut cols = Columns::default();
        cols.date("date", rows.iter().map(|r| r.item.date))
            .u32("contract_year", rows.iter().map(|r| r.item.contract_year))
            .text("package", rows.iter().map(|r| r.item.package.as_str()))
            .text("entitlement", rows.iter().map(|r| r.item.entitlement.as_str()))
            .text("activity", rows.iter().map(|r| r.item.activity.name()))
            .text("channel", rows.iter().map(|r| r.item.channel.name()))
            .text("status", rows.iter().map(|r| status_name(r.status)));
        let on: Date32Array = rows.iter().map(|r| r.delivered_on.map(date32)).collect();
        let late: Int64Array = rows.iter().map(|r| r.days_late).collect();
        cols.push("delivered_on", true, Arc::new(on))
            .push("days_late", true, Arc::new(late))
            .flag("channel_upgrade", rows.iter().map(|r| r.channel_upgrade));
        cols.table(py)
    }
    /// Per activity entitled or delivered, a pyarrow Table: activity, logged, matched,
    /// upgraded, entitled_to_date, downgraded, extra (over-delivery).
    #[getter]
    fn activities<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let rows = &self.inner.activities;
        let mut cols = Columns::default();
        cols.text("activity", rows.iter().map(|r| r.activity.name()))
            .u32("logged", rows.iter().map(|r| r.logged))
            .u32("matched", rows.iter().map(|r| r.matched))
            .u32("upgraded", rows.iter().map(|r| r.upgraded))
            .u32("entitled_to_date", rows.iter().map(|r| r.entitled_to_date))
            .u32("downgraded", rows.iter().map(|r| r.downgraded))
            .u32("extra", rows.iter().map(|r| r.extra));
        cols.table(py)
    }
    /// The full report as a dict (the serialised Rust value).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner)
    }
    /// The full report as JSON.
    fn to_json(&self) -> PyResult<String> {
        json_text(&self.inner)
    }
    /// Reads a report written by ``to_json``.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<PyAccountCompliance> {
        let inner = serde_json::from_str(text).map_err(|e| {
            raise(cs_core::Error::Parse {
                format: "JSON".into(),
                message: format!("account compliance: {e}"),
            })
        })?;
        Ok(PyAccountCompliance { inner })
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = slf.get_type().getattr("from_json")?;
        Ok((from_json, (slf.get().to_json()?,)))
    }
    fn __repr__(&self) -> String {
        let r = &self.inner;
        format!(
            "AccountCompliance(as_of={}, ratio={}, delivered={}, overdue={}, due={}, upcoming={}, under_delivered={}, over_delivered={})",
            r.as_of,
            ratio_text(r.ratio),
            r.delivered,
            r.overdue,
            r.due,
            r.upcoming,
            py_bool(r.under_delivered),
            py_bool(r.over_delivered)
        )
    }
}

fn status_name(s: core::ItemStatus) -> &'static str {
    match s {
        core::ItemStatus::Delivered => "delivered",
        core::ItemStatus::Due => "due",
        core::ItemStatus::Overdue => "overdue",
        core::ItemStatus::Upcoming => "upcoming",
    }
}

fn ratio_text(r: Option<f64>) -> String {
    r.map_or_else(|| "None".to_owned(), |r| format!("{r:.3}"))
}

fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// Compliance of one account; the wrapper converts the delivered table.
#[pyfunction]
#[pyo3(signature = (package, contract, delivered, as_of, rules = None, changes = None))]
pub(crate) fn _entitlement_compliance(
    py: Python<'_>,
    package: &Bound<'_, PyAny>,
    contract: &Bound<'_, PyAny>,
    delivered: Option<AnyRecordBatch>,
    as_of: &Bound<'_, PyAny>,
    rules: Option<&Bound<'_, PyAny>>,
    changes: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyAccountCompliance> {
    let timeline = timeline_of(package, changes)?;
    let term = term_of(contract)?;
    let as_of = date_arg(as_of, "as_of")?;
    let rules = rules_of(rules)?;
    let log: Vec<DeliveredActivity> = delivery_log(py, delivered)?.unwrap_or_default();
    let inner = py
        .detach(|| core::timeline_compliance(&timeline, &term, &log, as_of, &rules))
        .or_raise()?;
    Ok(PyAccountCompliance { inner })
}

/// Entitlement compliance of a portfolio: one report per contract row and the totals.
///
/// ``ratio`` pools items over accounts (delivered / owed); ``mean_account_ratio`` averages the
/// account ratios of accounts that owe something.
#[pyclass(name = "PortfolioCompliance", module = "cs_core", frozen)]
pub(crate) struct PyPortfolioCompliance {
    inner: PortfolioCompliance,
    /// The contract columns account, package, start, renewal as given.
    contracts: Vec<(Field, ArrayRef)>,
}

#[pymethods]
impl PyPortfolioCompliance {
    /// The as-of date.
    #[getter]
    fn as_of(&self) -> NaiveDate {
        self.inner.as_of
    }
    /// Items delivered, all accounts.
    #[getter]
    fn delivered(&self) -> u64 {
        self.inner.delivered
    }
    /// Items owed (delivered + overdue), all accounts.
    #[getter]
    fn owed(&self) -> u64 {
        self.inner.owed
    }
    /// Items overdue, all accounts.
    #[getter]
    fn overdue(&self) -> u64 {
        self.inner.overdue
    }
    /// Pooled delivered / owed; None when nothing is owed.
    #[getter]
    fn ratio(&self) -> Option<f64> {
        self.inner.ratio
    }
    /// Mean of the account ratios over accounts that owe something.
    #[getter]
    fn mean_account_ratio(&self) -> Option<f64> {
        self.inner.mean_account_ratio
    }
    /// Accounts with some overdue item.
    #[getter]
    fn under_delivered_accounts(&self) -> u32 {
        self.inner.under_delivered_accounts
    }
    /// Accounts with some over-delivery.
    #[getter]
    fn over_delivered_accounts(&self) -> u32 {
        self.inner.over_delivered_accounts
    }
    /// Minutes with customers, all accounts.
    #[getter]
    fn minutes_with_customer(&self) -> u64 {
        self.inner.minutes_with_customer
    }
    /// One row per account, in contract order, a pyarrow Table: account, package, start,
    /// renewal (as given), delivered, due, overdue, upcoming, owed, ratio, under_delivered,
    /// over_delivered, minutes_with_customer, ignored.
    #[getter]
    fn accounts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let r = &self.inner.reports;
        let mut cols = Columns(self.contracts.clone());
        cols.u32("delivered", r.iter().map(|a| a.delivered))
            .u32("due", r.iter().map(|a| a.due))
            .u32("overdue", r.iter().map(|a| a.overdue))
            .u32("upcoming", r.iter().map(|a| a.upcoming))
            .u32("owed", r.iter().map(|a| a.owed))
            .ratio("ratio", r.iter().map(|a| a.ratio))
            .flag("under_delivered", r.iter().map(|a| a.under_delivered))
            .flag("over_delivered", r.iter().map(|a| a.over_delivered))
            .u64("minutes_with_customer", r.iter().map(|a| a.minutes_with_customer))
            .u32("ignored", r.iter().map(|a| a.ignored));
        cols.table(py)
    }
    /// The report of one account.
    fn report(&self, account: &Bound<'_, PyAny>) -> PyResult<PyAccountCompliance> {
        let key = account.str()?.to_string();
        let i = self
            .inner
            .accounts
            .iter()
            .position(|a| *a == key)
            .ok_or_else(|| raise(cs_core::Error::unknown("account", key, Vec::<String>::new())))?;
        Ok(PyAccountCompliance {
            inner: self.inner.reports[i].clone(),
        })
    }
    /// The totals and every account report as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner)
    }
    fn __len__(&self) -> usize {
        self.inner.accounts.len()
    }
    fn __repr__(&self) -> String {
        let p = &self.inner;
        format!(
            "PortfolioCompliance(as_of={}, accounts={}, ratio={}, delivered={}, owed={}, under_delivered_accounts={}, over_delivered_accounts={})",
            p.as_of,
            p.accounts.len(),
            ratio_text(p.ratio),
            p.delivered,
            p.owed,
            p.under_delivered_accounts,
            p.over_delivered_accounts
        )
    }
}

/// Compliance of a portfolio; the wrapper converts the tables.
#[pyfunction]
#[pyo3(signature = (contracts, delivered, as_of, packages = None, rules = None))]
pub(crate) fn _entitlement_compliance_batch(
    py: Python<'_>,
    contracts: AnyRecordBatch,
    delivered: AnyRecordBatch,
    as_of: &Bound<'_, PyAny>,
    packages: Option<&Bound<'_, PyAny>>,
    rules: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyPortfolioCompliance> {
    let as_of = date_arg(as_of, "as_of")?;
    let rules = rules_of(rules)?;
    let mut custom = Vec::new();
    if let Some(p) = packages.filter(|p| !p.is_none()) {
        let list = if p.is_instance_of::<PyList>() || p.is_instance_of::<PyTuple>() {
            p.clone()
        } else {
            PyList::new(p.py(), [p])?.into_any()
        };
        for item in list.try_iter()? {
            custom.push(package_of(&item?)?);
        }
    }
    let batch = read_table(contracts)?;
    let log = read_table(delivered)?;
    let (book, inner) = py
        .detach(|| cs_arrow::compliance::portfolio(&batch, &log, &custom, as_of, &rules))
        .map_err(|(_, e)| raise(e))?;
    let (start, renewal) = (book.start, book.renewal);
    let mut contract_out = Vec::with_capacity(4);
    for name in ["account", "package", "start", "renewal"] {
        let a = column(&batch, name)?;
        contract_out.push((Field::new(name, a.data_type().clone(), true), a.clone()));
    }
    if contract_out[2].0.data_type() != &DataType::Date32 {
        let starts = Date32Array::from_iter_values(start.iter().map(|d| date32(*d)));
        contract_out[2] = (Field::new("start", DataType::Date32, false), Arc::new(starts));
    }
    if contract_out[3].0.data_type() != &DataType::Date32 {
        let renewals = Date32Array::from_iter_values(renewal.iter().map(|d| date32(*d)));
        contract_out[3] = (Field::new("renewal", DataType::Date32, false), Arc::new(renewals));
    }
    Ok(PyPortfolioCompliance {
        inner,
        contracts: contract_out,
    })
}

/// The compliance totals of a per-account table (``PortfolioCompliance.accounts`` or a part of
/// its rows), as a mergeable JSON document, for ``cs_core.spark.compliance_totals``.
#[pyfunction]
pub(crate) fn _compliance_totals_part(py: Python<'_>, accounts: AnyRecordBatch) -> PyResult<String> {
    let batch = read_table(accounts)?;
    py.detach(|| {
        let totals = cs_arrow::compliance::totals_of_accounts(&batch)?;
        Ok(totals.to_json_value()?.to_string())
    })
    .or_raise()
}

/// The totals of the parts ``parts`` (JSON documents of ``_compliance_totals_part``) merged by
/// the core: a dict of the totals ``PortfolioCompliance`` has.
#[pyfunction]
pub(crate) fn _compliance_totals(py: Python<'_>, parts: Vec<String>) -> PyResult<Bound<'_, PyDict>> {
    let totals = py
        .detach(|| {
            let mut totals = core::ComplianceTotals::new();
            for part in &parts {
                totals.merge(&core::ComplianceTotals::from_json(part)?)?;
            }
            Ok::<_, cs_core::Error>(totals)
        })
        .or_raise()?;
    let out = PyDict::new(py);
    out.set_item("accounts", totals.accounts())?;
    out.set_item("delivered", totals.delivered())?;
    out.set_item("owed", totals.owed())?;
    out.set_item("overdue", totals.overdue())?;
    out.set_item("ratio", totals.ratio())?;
    out.set_item("mean_account_ratio", totals.mean_account_ratio())?;
    out.set_item("under_delivered_accounts", totals.under_delivered_accounts())?;
    out.set_item("over_delivered_accounts", totals.over_delivered_accounts())?;
    out.set_item("minutes_with_customer", totals.minutes_with_customer())?;
    Ok(out)
}
