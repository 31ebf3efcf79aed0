//! `cs_core.Scorecard`, `ScorecardSet`, `HealthScore`: health scoring of single accounts and of
//! whole tables (columns borrowed, GIL released), trends, rollups and the synthetic portfolio.

use chrono::NaiveDate;
use cs_core::document::Document;
use cs_core::health::{
    self as core_health, AccountMeasures, AttributeColumn, BatchScores, HealthScore, MeasureColumn,
    Observation, Override, Scorecard, ScorecardSet, TrendOptions, Value,
};
use cs_core::sample::SyntheticPortfolio;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyString};

use crate::error::{OrRaise, raise};
use crate::input::{Bool, Category, Dates, Float, document_text, ints};
use crate::output::to_python;

// ---------------------------------------------------------------------------------------------
// Conversions

fn json_error(e: impl std::fmt::Display) -> PyErr {
    raise(cs_core::Error::Parse {
        format: "JSON".into(),
        message: e.to_string(),
    })
}

/// A Python dict (or any JSON-like value; dates become ISO strings) as JSON text.
fn dumps(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    crate::input::document_json(obj)
}

/// A document from a Python dict, through its JSON form.
fn from_dict<D: Document>(obj: &Bound<'_, PyAny>) -> PyResult<D> {
    D::from_json(&dumps(obj)?).or_raise()
}

fn document_dict<'py, D: Document>(py: Python<'py>, doc: &D) -> PyResult<Bound<'py, PyAny>> {
    to_python(py, doc)
}

/// True for None, pandas.NA and pandas.NaT: "no value".
fn is_null(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    if obj.is_none() {
        return Ok(true);
    }
    let name = obj.get_type().name()?;
    Ok(matches!(name.to_str()?, "NAType" | "NaTType"))
}

/// A date argument read by the one date reader ([`crate::input::date_arg`]); None is today.
pub(crate) fn date_of(obj: Option<&Bound<'_, PyAny>>, field: &str) -> PyResult<NaiveDate> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        let py_today = |py: Python<'_>| -> PyResult<NaiveDate> {
            py.import(intern!(py, "datetime"))?
                .getattr(intern!(py, "date"))?
                .call_method0(intern!(py, "today"))?
                .extract()
        };
        return Python::attach(py_today);
    };
    crate::input::date_arg(obj, field)
}

/// A raw measure value from Python: bool, number, or category name.
fn value_of(obj: &Bound<'_, PyAny>, measure: &str) -> PyResult<Option<Value>> {
    if is_null(obj)? {
        return Ok(None);
    }
    let py = obj.py();
    if obj.is_instance_of::<PyBool>()
        || obj.is_instance(&py.import(intern!(py, "numpy"))?.getattr(intern!(py, "bool_"))?)?
    {
        return Ok(Some(Value::Bool(obj.is_truthy()?)));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Some(Value::Text(s.to_str()?.to_owned())));
    }
    obj.extract::<f64>().map(|x| Some(Value::Number(x))).map_err(|_| {
        raise(cs_core::Error::invalid(
            format!("measure {measure}"),
            obj.repr().map_or_else(|_| "?".to_owned(), |r| r.to_string()),
            "expected a number, a boolean or a category name",
        ))
    })
}

/// The measures of one account from a row or account dict: keys that are measures (a value,
/// or `{"value": ..., "observed": ...}`), with observation dates read from each measure's date
/// column when it has a validity period. Other keys (a table row's other columns) are ignored.
fn account_of(card: &Scorecard, row: &Bound<'_, PyAny>) -> PyResult<AccountMeasures> {
    let py = row.py();
    let mapping = row.cast::<pyo3::types::PyMapping>().map_err(|_| {
        raise(cs_core::Error::invalid(
            "account",
            row.get_type().to_string(),
            "expected a dict of measure values (a table row)",
        ))
    })?;
    let mut account = AccountMeasures::new();
    for m in card.all_measures() {
        if !mapping.contains(&m.name)? {
            continue;
        }
        let item = mapping.get_item(&m.name)?;
        let (value, mut observed) = if let Ok(d) = item.cast::<PyDict>() {
            let v = d.get_item(intern!(py, "value"))?;
            let o = d.get_item(intern!(py, "observed"))?;
            (
                v.map(|v| value_of(&v, &m.name)).transpose()?.flatten(),
                o.filter(|o| !is_null(o).unwrap_or(true))
                    .map(|o| date_of(Some(&o), &m.date_column_name()))
                    .transpose()?,
            )
        } else {
            (value_of(&item, &m.name)?, None)
        };
        let date_column = m.date_column_name();
        if observed.is_none() && m.validity_days.is_some() && mapping.contains(&date_column)? {
            let d = mapping.get_item(&date_column)?;
            if !is_null(&d)? {
                observed = Some(date_of(Some(&d), &date_column)?);
            }
        }
        account.0.insert(m.name.clone(), Observation { value, observed });
    }
    Ok(account)
}

/// One measure's input columns, owned or borrowed from Python, before the GIL is released.
enum Held<'py> {
    Number(Float<'py>),
    Bool(Bool<'py>),
    Category(Category),
}

struct HeldMeasure<'py> {
    name: String,
    data: Held<'py>,
    observed: Option<Dates>,
}

fn lookup<'py>(columns: &Bound<'py, PyDict>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    columns.get_item(name)?.ok_or_else(|| {
        let known: Vec<String> = columns
            .keys()
            .iter()
            .map(|k| k.str().map(|s| s.to_string()).unwrap_or_default())
            .collect();
        raise(cs_core::Error::unknown("column", name, known))
    })
}

/// Reads every measure column of `cards` (and the date columns of measures with a validity
/// period, when present) from a dict of columns.
fn hold_measures<'py>(cards: &[&Scorecard], columns: &Bound<'py, PyDict>) -> PyResult<Vec<HeldMeasure<'py>>> {
    let mut held: Vec<HeldMeasure<'py>> = Vec::new();
    for card in cards {
        for m in card.all_measures() {
            if held.iter().any(|h| h.name == m.name) {
                continue;
            }
            let obj = lookup(columns, &m.name)?;
            let data = match m.rule.value_kind() {
                core_health::ValueKind::Number => Held::Number(Float::extract_single(&obj, &m.name)?),
                core_health::ValueKind::Bool => Held::Bool(Bool::extract(&obj, &m.name)?),
                core_health::ValueKind::Category => Held::Category(Category::extract(&obj, &m.name)?),
            };
            let date_column = m.date_column_name();
            let observed = match (m.validity_days, columns.get_item(&date_column)?) {
                (Some(_), Some(d)) => Some(Dates::extract(&d, &date_column)?),
                _ => None,
            };
            held.push(HeldMeasure {
                name: m.name.clone(),
                data,
                observed,
            });
        }
    }
    Ok(held)
}

fn date_column_of(cards: &[&Scorecard], measure: &str) -> String {
    cards
        .iter()
        .flat_map(|c| c.all_measures())
        .find(|m| m.name == measure)
        .map_or_else(
            || format!("{measure}_date"),
            cs_core::health::Measure::date_column_name,
        )
}

fn borrow_measures<'a>(
    held: &'a [HeldMeasure<'_>],
    date_names: &'a [String],
) -> PyResult<Vec<MeasureColumn<'a>>> {
    held.iter()
        .zip(date_names)
        .map(|(h, date_name)| {
            let mut col = match &h.data {
                Held::Number(f) => MeasureColumn::number(&h.name, f.column(&h.name)?),
                Held::Bool(b) => MeasureColumn::boolean(&h.name, b.column(&h.name)?),
                Held::Category(c) => {
                    let (codes, dictionary) = c.column(&h.name)?;
                    MeasureColumn::category(&h.name, codes, dictionary)
                }
            };
            if let Some(d) = &h.observed {
                col = col.with_observed(d.column(date_name)?);
            }
            Ok(col)
        })
        .collect()
}

/// The result columns of a batch: score, band, coverage, driver (and scorecard for sets), by
/// the table layer (the kernel's buffers, no copy).
fn result_table<'py>(
    py: Python<'py>,
    out: BatchScores,
    with_card: Option<&[String]>,
) -> PyResult<Bound<'py, PyAny>> {
    let columns = cs_arrow::health::score_columns(out, with_card).or_raise()?;
    crate::output::to_pyarrow(py, columns)
}

/// The card as it scores a table: NaN in a float column is a missing value, as the cell
/// grammar says for every table (cs-arrow); numpy columns are borrowed as they are, so the
/// kernel applies the rule instead of a copy.
fn table_card(card: &Scorecard) -> Scorecard {
    let mut card = card.clone();
    card.nan_is_missing = true;
    card
}

fn card_repr(card: &Scorecard) -> String {
    format!(
        "Scorecard(name={:?}, measures={}, bands={})",
        card.name,
        card.all_measures().count(),
        card.band_names().join("/")
    )
}

/// Calls `cs_core._score_table(obj, table, as_of)`: the Python wrapper that reads the caller's
/// table kind, calls `obj._score` and returns the same kind with the result columns added.
fn score_table<'py>(
    obj: &Bound<'py, PyAny>,
    table: &Bound<'py, PyAny>,
    as_of: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = obj.py();
    py.import(intern!(py, "cs_core"))?
        .getattr(intern!(py, "_score_table"))?
        .call1((obj, table, as_of))
}

// ---------------------------------------------------------------------------------------------
// Scorecard

/// A health scorecard: measures (optionally in weighted groups), scoring rules, bands and the
/// missing-data policy. Read one with ``from_toml`` / ``from_json`` / ``from_dict``, or take the
/// built-in ``Scorecard.default()``; score tables with ``score`` and one account with ``explain``.
#[pyclass(name = "Scorecard", module = "cs_core", frozen, eq)]
#[derive(Clone, PartialEq)]
pub(crate) struct PyScorecard {
    pub(crate) inner: Scorecard,
}

#[pymethods]
impl PyScorecard {
    /// Reads and validates a scorecard written in TOML.
    #[staticmethod]
    fn from_toml(text: &str) -> PyResult<Self> {
        let text = document_text(text, "TOML")?;
        Ok(PyScorecard {
            inner: Scorecard::from_toml(text).or_raise()?,
        })
    }
    /// Reads and validates a scorecard written in JSON.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        let text = document_text(text, "JSON")?;
        Ok(PyScorecard {
            inner: Scorecard::from_json(text).or_raise()?,
        })
    }
    /// Reads and validates a scorecard from a dict (the JSON shape).
    #[staticmethod]
    fn from_dict(document: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PyScorecard {
            inner: from_dict(document)?,
        })
    }
    /// The built-in scorecard (adoption, support, sentiment, engagement), whose measure names
    /// are the columns of ``synthetic_portfolio``.
    #[staticmethod]
    fn default() -> Self {
        PyScorecard {
            inner: Scorecard::default_card(),
        }
    }
    /// The scorecard as a dict (the JSON shape).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        document_dict(py, &self.inner)
    }
    /// The scorecard as pretty JSON.
    fn to_json(&self) -> PyResult<String> {
        self.inner.to_json().or_raise()
    }
    /// The scorecard as TOML.
    fn to_toml(&self) -> PyResult<String> {
        self.inner.to_toml().or_raise()
    }
    /// The scorecard name.
    #[getter]
    fn name(&self) -> String {
        self.inner.name.clone()
    }
    /// The measure names in scoring order (the order of explanations).
    #[getter]
    fn measure_names(&self) -> Vec<String> {
        self.inner.measure_names()
    }
    /// The band names from the lowest up.
    #[getter]
    fn band_names(&self) -> Vec<String> {
        self.inner.band_names()
    }
    /// The columns ``score`` reads: every measure, then the date column of each measure with a
    /// validity period (optional: without it values count as current).
    #[getter]
    fn input_columns(&self) -> Vec<String> {
        input_columns(&[&self.inner])
    }
    /// The band holding an unrounded score.
    fn band_of(&self, score: f64) -> PyResult<String> {
        if !(score.is_finite() && (0.0..=100.0).contains(&score)) {
            return Err(raise(cs_core::Error::out_of_range("score", score, "0..=100")));
        }
        Ok(self.inner.band_names()[self.inner.band_of(score)].clone())
    }
    /// Scores every row of a table on ``as_of`` (default today).
    ///
    /// ``table``: a pandas or polars DataFrame, a pyarrow Table or RecordBatch, or a dict of
    /// columns (numpy arrays, lists, Series). Returns the same kind with the columns ``score``
    /// (null: insufficient data), ``band``, ``coverage`` and ``driver`` (the measure losing the
    /// most points) added. Float64 numpy and Arrow columns are borrowed, not copied; the GIL is
    /// released while scoring.
    #[pyo3(signature = (table, as_of = None))]
    fn score<'py>(
        slf: &Bound<'py, Self>,
        table: &Bound<'py, PyAny>,
        as_of: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        score_table(slf.as_any(), table, as_of)
    }
    /// Scores a dict of columns; returns a pyarrow Table of score, band, coverage, driver.
    #[pyo3(signature = (columns, as_of = None))]
    fn _score<'py>(
        &self,
        py: Python<'py>,
        columns: &Bound<'py, PyDict>,
        as_of: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let as_of = date_of(as_of, "as_of")?;
        let cards = [&self.inner];
        let held = hold_measures(&cards, columns)?;
        let dates: Vec<String> = held.iter().map(|h| date_column_of(&cards, &h.name)).collect();
        let cols = borrow_measures(&held, &dates)?;
        let card = table_card(&self.inner);
        let out = py.detach(|| card.score_batch(&cols, as_of)).or_raise()?;
        result_table(py, out, None)
    }
    /// The health of a portfolio over time from dated snapshots (``cs health-history``):
    /// every row of ``history`` (one per ``account_id`` and snapshot date in column ``date``,
    /// with the card's measures) scored on its own date. Returns a dict: ``bands`` (names,
    /// lowest first); ``mix``, per date in order, the band mix over all accounts (``key`` the
    /// date, ``band_counts``, ``band_share``, ``insufficient``, ``insufficient_share`` and, with
    /// ``arr`` the column of ARR in minor units, ``arr_by_band`` and ``arr_share_by_band``);
    /// ``transitions``: ``states`` (the bands, then "insufficient data"), ``steps`` (per pair
    /// of consecutive dates ``counts[from][to]``, row ``shares`` and ``from_totals``, ``stayed``, ``moved``,
    /// ``moved_share``, ``entered``, ``left``, ``entered_total``, ``left_total``) and ``total``.
    /// ``pandas.DataFrame(h["mix"])`` is the mix as a table.
    #[pyo3(signature = (history, *, date = "date", arr = None))]
    fn health_history<'py>(
        &self,
        py: Python<'py>,
        history: &Bound<'py, PyAny>,
        date: &str,
        arr: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        crate::health_history::health_history(py, &self.inner, history, date, arr)
    }
    /// Proposes group and measure weights that best rank past churners below past renewals,
    /// the rules, bands and policies kept (``cs score fit``).
    ///
    /// ``history``: one row per past renewal with the card's measures as they were some time
    /// before it (a pandas or polars DataFrame, a pyarrow Table or RecordBatch, or a dict of
    /// columns) and the ``outcome`` column (true: churned). Every row is scored on ``as_of``
    /// (default today). A seeded, stratified split holds out ``holdout`` of the churned and of
    /// the retained renewals; the weights are searched on the rest (each set of siblings
    /// non-negative and summing to 100, whole points; the training AUC never falls below the
    /// current card's) and both cards are compared on the held-out rows (DeLong interval at
    /// ``confidence``, paired DeLong test). The GIL is released during the fit.
    #[pyo3(signature = (history, outcome = "churned", *, as_of = None, holdout = 0.3, seed = 0,
        confidence = 0.95, max_evaluations = 2000))]
    #[allow(clippy::too_many_arguments)]
    fn fit_weights(
        &self,
        py: Python<'_>,
        history: &Bound<'_, PyAny>,
        outcome: &str,
        as_of: Option<&Bound<'_, PyAny>>,
        holdout: f64,
        #[pyo3(from_py_with = ints::seed)] seed: u64,
        confidence: f64,
        #[pyo3(from_py_with = ints::max_evaluations)] max_evaluations: u32,
    ) -> PyResult<crate::health_fit::PyWeightFit> {
        crate::health_fit::fit_weights(
            py,
            &self.inner,
            history,
            outcome,
            as_of,
            holdout,
            seed,
            confidence,
            max_evaluations,
        )
    }
    /// Scores one account (a dict of measure values, e.g. a table row) on ``as_of`` (default
    /// today) and explains the score: per measure the raw value, measure score, effective weight
    /// and points (the points sum to the score). A measure's date column (``nps_date``) in the
    /// dict is its observation date; keys that are not measures are ignored.
    #[pyo3(signature = (account, as_of = None))]
    fn explain(
        &self,
        account: &Bound<'_, PyAny>,
        as_of: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyHealthScore> {
        let as_of = date_of(as_of, "as_of")?;
        let measures = account_of(&self.inner, account)?;
        Ok(PyHealthScore {
            inner: self.inner.score_account(&measures, as_of).or_raise()?,
        })
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = slf.get_type().getattr("from_json")?;
        Ok((from_json, (slf.get().to_json()?,)))
    }
    fn __repr__(&self) -> String {
        card_repr(&self.inner)
    }
}

fn input_columns(cards: &[&Scorecard]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut dates: Vec<String> = Vec::new();
    for m in cards.iter().flat_map(|c| c.all_measures()) {
        if !names.contains(&m.name) {
            names.push(m.name.clone());
        }
        if m.validity_days.is_some() && !dates.contains(&m.date_column_name()) {
            dates.push(m.date_column_name());
        }
    }
    names.extend(dates);
    names
}

// ---------------------------------------------------------------------------------------------
// ScorecardSet

/// Several scorecards, each assigned to accounts by attribute criteria (segment, region, ...),
/// with a default. ``score`` picks each row's scorecard from its attribute columns.
#[pyclass(name = "ScorecardSet", module = "cs_core", frozen, eq)]
#[derive(Clone, PartialEq)]
pub(crate) struct PyScorecardSet {
    inner: ScorecardSet,
}

impl PyScorecardSet {
    fn attributes(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for a in &self.inner.assignments {
            for k in a.when.keys() {
                if !names.contains(k) {
                    names.push(k.clone());
                }
            }
        }
        names
    }

    fn card_of(&self, row: &Bound<'_, PyAny>) -> PyResult<&Scorecard> {
        let mapping = row.cast::<pyo3::types::PyMapping>().map_err(|_| {
            raise(cs_core::Error::invalid(
                "account",
                row.get_type().to_string(),
                "expected a dict of attribute and measure values (a table row)",
            ))
        })?;
        let mut values: Vec<(String, String)> = Vec::new();
        for name in self.attributes() {
            if mapping.contains(&name)? {
                let v = mapping.get_item(&name)?;
                if !is_null(&v)? {
                    values.push((name, v.str()?.to_string()));
                }
            }
        }
        Ok(self
            .inner
            .card_for(|name| values.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())))
    }
}

#[pymethods]
impl PyScorecardSet {
    /// Reads and validates a scorecard set written in TOML.
    #[staticmethod]
    fn from_toml(text: &str) -> PyResult<Self> {
        let text = document_text(text, "TOML")?;
        Ok(PyScorecardSet {
            inner: ScorecardSet::from_toml(text).or_raise()?,
        })
    }
    /// Reads and validates a scorecard set written in JSON.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        let text = document_text(text, "JSON")?;
        Ok(PyScorecardSet {
            inner: ScorecardSet::from_json(text).or_raise()?,
        })
    }
    /// Reads and validates a scorecard set from a dict (the JSON shape).
    #[staticmethod]
    fn from_dict(document: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PyScorecardSet {
            inner: from_dict(document)?,
        })
    }
    /// The set as a dict (the JSON shape).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        document_dict(py, &self.inner)
    }
    /// The set as pretty JSON.
    fn to_json(&self) -> PyResult<String> {
        self.inner.to_json().or_raise()
    }
    /// The set as TOML.
    fn to_toml(&self) -> PyResult<String> {
        self.inner.to_toml().or_raise()
    }
    /// The scorecards.
    #[getter]
    fn scorecards(&self) -> Vec<PyScorecard> {
        self.inner
            .scorecards
            .iter()
            .map(|c| PyScorecard { inner: c.clone() })
            .collect()
    }
    /// The name of the scorecard of accounts no assignment matches.
    #[getter]
    fn default(&self) -> String {
        self.inner.default.clone()
    }
    /// The attribute columns the assignments read, in first-use order.
    #[getter]
    fn attribute_names(&self) -> Vec<String> {
        self.attributes()
    }
    /// The columns ``score`` reads: attributes, measures of every scorecard, date columns.
    #[getter]
    fn input_columns(&self) -> Vec<String> {
        let cards: Vec<&Scorecard> = self.inner.scorecards.iter().collect();
        let mut names = self.attributes();
        names.extend(input_columns(&cards));
        names
    }
    /// The scorecard for an account with these attributes (a dict, e.g. a table row).
    fn card_for(&self, account: &Bound<'_, PyAny>) -> PyResult<PyScorecard> {
        Ok(PyScorecard {
            inner: self.card_of(account)?.clone(),
        })
    }
    /// Scores every row with its assigned scorecard; like ``Scorecard.score`` with one more
    /// column, ``scorecard``. Rows lacking an attribute column match no criterion on it.
    #[pyo3(signature = (table, as_of = None))]
    fn score<'py>(
        slf: &Bound<'py, Self>,
        table: &Bound<'py, PyAny>,
        as_of: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        score_table(slf.as_any(), table, as_of)
    }
    /// Scores a dict of columns; returns a pyarrow Table of score, band, coverage, driver,
    /// scorecard.
    #[pyo3(signature = (columns, as_of = None))]
    fn _score<'py>(
        &self,
        py: Python<'py>,
        columns: &Bound<'py, PyDict>,
        as_of: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let as_of = date_of(as_of, "as_of")?;
        let cards: Vec<&Scorecard> = self.inner.scorecards.iter().collect();
        let attribute_names = self.attributes();
        let mut held_attributes: Vec<(String, Category)> = Vec::new();
        for name in &attribute_names {
            if let Some(obj) = columns.get_item(name)? {
                held_attributes.push((name.clone(), Category::extract(&obj, name)?));
            }
        }
        let held = hold_measures(&cards, columns)?;
        let dates: Vec<String> = held.iter().map(|h| date_column_of(&cards, &h.name)).collect();
        let cols = borrow_measures(&held, &dates)?;
        let attributes = held_attributes
            .iter()
            .map(|(name, c)| {
                let (codes, dictionary) = c.column(name)?;
                Ok(AttributeColumn {
                    name,
                    codes,
                    dictionary,
                })
            })
            .collect::<PyResult<Vec<_>>>()?;
        let rows = cols.first().map_or(0, |c| c.data.len());
        let mut set = self.inner.clone();
        for card in &mut set.scorecards {
            *card = table_card(card);
        }
        let set = &set;
        let out = py
            .detach(|| {
                let assignment = set.assign_all(&attributes, rows)?;
                set.score_batch(&assignment, &cols, as_of)
            })
            .or_raise()?;
        let names: Vec<String> = set.scorecards.iter().map(|c| c.name.clone()).collect();
        result_table(py, out, Some(&names))
    }
    /// Scores one account with its assigned scorecard and explains the score.
    #[pyo3(signature = (account, as_of = None))]
    fn explain(
        &self,
        account: &Bound<'_, PyAny>,
        as_of: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyHealthScore> {
        let as_of = date_of(as_of, "as_of")?;
        let card = self.card_of(account)?;
        let measures = account_of(card, account)?;
        Ok(PyHealthScore {
            inner: card.score_account(&measures, as_of).or_raise()?,
        })
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = slf.get_type().getattr("from_json")?;
        Ok((from_json, (slf.get().to_json()?,)))
    }
    fn __repr__(&self) -> String {
        let names: Vec<&str> = self.inner.scorecards.iter().map(|c| c.name.as_str()).collect();
        format!(
            "ScorecardSet(scorecards=[{}], default={:?}, assignments={})",
            names.join(", "),
            self.inner.default,
            self.inner.assignments.len()
        )
    }
}

// ---------------------------------------------------------------------------------------------
// HealthScore

/// The health of one account: score, band, coverage, stale and missing measures, the driver,
/// and one contribution per measure (raw value, measure score, effective weight, points; the
/// points sum to the score).
#[pyclass(name = "HealthScore", module = "cs_core", frozen, eq)]
#[derive(Clone, PartialEq)]
pub(crate) struct PyHealthScore {
    inner: HealthScore,
}

#[pymethods]
impl PyHealthScore {
    /// The result as an HTML fragment (Jupyter shows it), drawn by the report's templates.
    fn _repr_html_(&self) -> String {
        cs_report::health_html(&self.inner)
    }
    /// The scorecard used.
    #[getter]
    fn scorecard(&self) -> String {
        self.inner.scorecard.clone()
    }
    /// The scoring date.
    #[getter]
    fn as_of(&self) -> NaiveDate {
        self.inner.as_of
    }
    /// The score, 0..=100; None is insufficient data.
    #[getter]
    fn score(&self) -> Option<f64> {
        self.inner.score
    }
    /// The score rounded for display (banding uses the unrounded score).
    #[getter]
    fn display_score(&self) -> Option<f64> {
        self.inner.display_score()
    }
    /// The band name; None with insufficient data.
    #[getter]
    fn band(&self) -> Option<String> {
        self.inner.band.clone()
    }
    /// The band index (0 = lowest).
    #[getter]
    fn band_index(&self) -> Option<usize> {
        self.inner.band_index
    }
    /// Share of nominal weight backed by fresh data, 0..=1.
    #[getter]
    fn coverage(&self) -> f64 {
        self.inner.coverage
    }
    /// Measures whose value was older than their validity period.
    #[getter]
    fn stale(&self) -> Vec<String> {
        self.inner.stale.clone()
    }
    /// Measures with no value.
    #[getter]
    fn missing(&self) -> Vec<String> {
        self.inner.missing.clone()
    }
    /// The measure losing the most points.
    #[getter]
    fn driver(&self) -> Option<String> {
        self.inner.driver.clone()
    }
    /// One dict per measure, in scorecard order: measure, group, raw, status, measure_score,
    /// nominal_weight, effective_weight, points.
    #[getter]
    fn contributions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.contributions)
    }
    /// The manual override considered (status applied / expired / not_lower), if any.
    #[getter]
    fn override_outcome<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner
            .override_outcome
            .as_ref()
            .map(|o| to_python(py, o))
            .transpose()
    }
    /// The points of a measure (0 when it is not in the explanation).
    fn points_of(&self, measure: &str) -> f64 {
        self.inner.points_of(measure)
    }
    /// Applies a manual override (a dict: score or band, reason, author, expires, lower_only)
    /// on this score's date; the outcome is kept in ``override_outcome``.
    fn with_override(&self, manual: &Bound<'_, PyAny>, scorecard: &PyScorecard) -> PyResult<PyHealthScore> {
        let text = dumps(manual)?;
        let manual: Override =
            serde_json::from_str(&text).map_err(|e| json_error(format!("override: {e}")))?;
        Ok(PyHealthScore {
            inner: self
                .inner
                .clone()
                .with_override(&manual, &scorecard.inner)
                .or_raise()?,
        })
    }
    /// The score as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner)
    }
    /// The score as JSON.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.inner).map_err(json_error)
    }
    /// Reads a score written by ``to_json``.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<PyHealthScore> {
        let text = document_text(text, "JSON")?;
        Ok(PyHealthScore {
            inner: serde_json::from_str(text).map_err(|e| json_error(format!("health score: {e}")))?,
        })
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = slf.get_type().getattr("from_json")?;
        Ok((from_json, (slf.get().to_json()?,)))
    }
    fn __repr__(&self) -> String {
        let h = &self.inner;
        format!(
            "HealthScore(score={}, band={}, coverage={:.2}, driver={}, as_of={})",
            h.score.map_or_else(|| "None".to_owned(), |s| format!("{s:.1}")),
            h.band
                .as_deref()
                .map_or_else(|| "None".to_owned(), |b| format!("{b:?}")),
            h.coverage,
            h.driver
                .as_deref()
                .map_or_else(|| "None".to_owned(), |d| format!("{d:?}")),
            h.as_of
        )
    }
}

/// Per measure, how many points it added to or took from the move from ``earlier`` to
/// ``later``, largest first (a list of dicts: measure, from_points, to_points, change).
#[pyfunction]
pub(crate) fn explain_change<'py>(
    py: Python<'py>,
    earlier: &PyHealthScore,
    later: &PyHealthScore,
) -> PyResult<Bound<'py, PyAny>> {
    to_python(py, &core_health::explain_change(&earlier.inner, &later.inner))
}

/// The trend of one account's scores (HealthScores in any order) over the last
/// ``window_days``: from / to dates and scores, delta, direction (up / down / flat within
/// ``flat_within`` points), band change and the per-measure change explanation.
#[pyfunction]
#[pyo3(signature = (history, window_days = 90, flat_within = 1.0))]
pub(crate) fn health_trend<'py>(
    py: Python<'py>,
    history: Vec<PyRef<'py, PyHealthScore>>,
    #[pyo3(from_py_with = ints::window_days)] window_days: u32,
    flat_within: f64,
) -> PyResult<Bound<'py, PyAny>> {
    let scores: Vec<HealthScore> = history.iter().map(|h| h.inner.clone()).collect();
    let trend = core_health::health_trend(
        &scores,
        TrendOptions {
            window_days,
            flat_within,
        },
    )
    .or_raise()?;
    to_python(py, &trend)
}

// ---------------------------------------------------------------------------------------------
// Rollups

/// Health rollups by key columns over a table with score and band columns; returns a pyarrow
/// Table (the Python wrapper converts it back to the caller's table type).
#[pyfunction]
#[pyo3(signature = (table, by, arr, score, band, band_names))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _health_rollup<'py>(
    py: Python<'py>,
    table: pyo3_arrow::input::AnyRecordBatch,
    by: Vec<String>,
    arr: Option<String>,
    score: &str,
    band: &str,
    band_names: Vec<String>,
) -> PyResult<Bound<'py, PyAny>> {
    let spec = RollupArgs {
        by,
        arr,
        score,
        band,
        band_names,
    };
    spec.run(py, table, |batch, columns| {
        cs_arrow::health::health_rollup(batch, columns).and_then(|r| r.to_batch())
    })
}

/// The rollup arguments of ``_health_rollup`` and ``_health_rollup_parts``.
struct RollupArgs<'s> {
    by: Vec<String>,
    arr: Option<String>,
    score: &'s str,
    band: &'s str,
    band_names: Vec<String>,
}

impl RollupArgs<'_> {
    /// `compute` on `table` with these columns, the GIL released; a pyarrow Table back.
    fn run<'py>(
        &self,
        py: Python<'py>,
        table: pyo3_arrow::input::AnyRecordBatch,
        compute: impl Fn(
            &arrow_array::RecordBatch,
            &cs_arrow::health::RollupColumns<'_>,
        ) -> cs_core::Result<arrow_array::RecordBatch>
        + Send
        + Sync,
    ) -> PyResult<Bound<'py, PyAny>> {
        let batch = crate::input::read_table(table)?;
        let columns = cs_arrow::health::RollupColumns {
            by: &self.by,
            arr: self.arr.as_deref(),
            score: self.score,
            band: self.band,
            band_names: &self.band_names,
        };
        let result = py.detach(|| compute(&batch, &columns)).or_raise()?;
        crate::output::batch_to_pyarrow(py, result)
    }
}

/// The mergeable rollup parts of a table (one row per group: the key columns and ``part``, JSON),
/// for ``cs_core.spark.health_rollup``.
#[pyfunction]
#[pyo3(signature = (table, by, arr, score, band, band_names))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _health_rollup_parts<'py>(
    py: Python<'py>,
    table: pyo3_arrow::input::AnyRecordBatch,
    by: Vec<String>,
    arr: Option<String>,
    score: &str,
    band: &str,
    band_names: Vec<String>,
) -> PyResult<Bound<'py, PyAny>> {
    let spec = RollupArgs {
        by,
        arr,
        score,
        band,
        band_names,
    };
    spec.run(py, table, cs_arrow::rollup::rollup_parts)
}

/// The rollup figures of each row of ``table``'s ``parts`` column (a list of rollup parts per
/// group), merged by the core: the columns after the keys of ``_health_rollup``.
#[pyfunction]
#[pyo3(signature = (table, band_names, arr))]
pub(crate) fn _health_rollup_finish(
    py: Python<'_>,
    table: pyo3_arrow::input::AnyRecordBatch,
    band_names: Vec<String>,
    arr: bool,
) -> PyResult<Bound<'_, PyAny>> {
    let batch = crate::input::read_table(table)?;
    let finished = py
        .detach(|| {
            let parts = cs_arrow::column(&batch, "parts")?;
            cs_arrow::rollup::finish_rollup_parts(parts, &band_names, arr)
        })
        .or_raise()?;
    crate::output::batch_to_pyarrow(py, finished)
}

// ---------------------------------------------------------------------------------------------
// Synthetic portfolio

/// A deterministic synthetic portfolio of ``n`` accounts as a pyarrow Table (the columns of
/// ``cs portfolio``).
#[pyfunction]
#[pyo3(signature = (n, seed, as_of))]
pub(crate) fn _synthetic_portfolio<'py>(
    py: Python<'py>,
    #[pyo3(from_py_with = ints::n)] n: usize,
    #[pyo3(from_py_with = ints::seed)] seed: u64,
    as_of: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let as_of = date_of(as_of, "as_of")?;
    let p = py
        .detach(|| SyntheticPortfolio::try_generate(n, seed, as_of))
        .or_raise()?;
    let batch = cs_arrow::sample::synthetic_batch(&p).or_raise()?;
    crate::output::batch_to_pyarrow(py, batch)
}
