"""cs_core.portfolio_pipeline: one row per account with the numbers of the single-step calls."""

from __future__ import annotations

import datetime
import struct
import warnings
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import cs_core as cs

ROOT = Path(__file__).resolve().parents[2]
OMNICO = ROOT / "examples" / "data" / "omnico"
AS_OF = datetime.date(2026, 6, 30)


def _bits(values: list[Any]) -> list[Any]:
    return [struct.pack("<d", v) if isinstance(v, float) else v for v in values]


@pytest.fixture(scope="module", params=["omnico", "synthetic"])
def table(request: Any) -> pa.Table:
    if request.param == "omnico":
        return pq.read_table(OMNICO / "portfolio.parquet")
    return cs.synthetic_portfolio(500, seed=11, as_of=AS_OF, kind="pyarrow")


def test_columns_equal_the_single_step_results(table: pa.Table) -> None:
    out = cs.portfolio_pipeline(table, AS_OF, drop_missing=True)
    assert out.num_rows == table.num_rows
    assert out.column("account_id").to_pylist() == table.column("account_id").to_pylist()

    risk = cs.RiskModel.default().score(table, drop_missing=True, as_of=AS_OF)
    for name in ["risk", "log_odds", "reason_1", "reason_1_contribution"]:
        assert _bits(out.column(name).to_pylist()) == _bits(risk.column(name).to_pylist()), name
    assert out.column("risk_tier").to_pylist() == risk.column("tier").to_pylist()

    health = cs.Scorecard.default().score(table, AS_OF)
    for name in ["score", "band", "coverage", "driver"]:
        got = out.column(f"health_{name}").to_pylist()
        assert _bits(got) == _bits(health.column(name).to_pylist()), name

    loss = out.column("expected_loss").to_pylist()
    arr = table.column("arr").to_pylist()
    risks = out.column("risk").to_pylist()
    assert _bits(loss) == _bits([None if a is None else a * r for a, r in zip(arr, risks, strict=True)])

    ctas = cs.Playbook.default().evaluate(table, AS_OF)
    assert ctas.num_rows > 0
    by_account: dict[str, list[str]] = {}
    rows = zip(ctas.column("account_id").to_pylist(), ctas.column("rule_id").to_pylist(), strict=True)
    for account, rule in rows:
        by_account.setdefault(account, []).append(rule)
    ids = out.column("account_id").to_pylist()
    assert len(set(ids)) == len(ids)
    assert out.column("ctas").to_pylist() == [by_account.get(i, []) for i in ids]


def test_documents_are_the_ones_given(table: pa.Table) -> None:
    model = cs.RiskModel.from_dict({**cs.RiskModel.default().to_dict(), "intercept": 0.5})
    out = cs.portfolio_pipeline(table, AS_OF, model=model, drop_missing=True)
    expected = model.score(table, drop_missing=True, as_of=AS_OF)
    assert _bits(out.column("risk").to_pylist()) == _bits(expected.column("risk").to_pylist())
    rules = cs.Playbook.default().to_dict()
    rules["rules"] = rules["rules"][:1]
    playbook = cs.Playbook.from_dict(rules)
    out = cs.portfolio_pipeline(table, AS_OF, playbook=playbook, drop_missing=True)
    fired = {r for row in out.column("ctas").to_pylist() for r in row}
    assert fired <= {rules["rules"][0]["id"]}


def test_open_ctas_are_not_opened_again() -> None:
    table = pq.read_table(OMNICO / "portfolio.parquet")
    first = cs.portfolio_pipeline(table, AS_OF, drop_missing=True)
    before = sum(len(c) for c in first.column("ctas").to_pylist())
    open_ = cs.Playbook.default().evaluate(table, AS_OF)
    again = cs.portfolio_pipeline(table, AS_OF, open=open_, drop_missing=True)
    assert before > 0
    assert sum(len(c) for c in again.column("ctas").to_pylist()) == 0


def test_missing_inputs_warn_drop_or_raise() -> None:
    table = pa.table({"account_id": ["a", "b"], "nps": [3, 10], "arr": [100_00, None]})
    with pytest.warns(UserWarning, match="risk factors left out"):
        out = cs.portfolio_pipeline(table, AS_OF)
    assert out.column("expected_loss").to_pylist()[1] is None
    assert "health_score" not in out.column_names
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cs.portfolio_pipeline(table, AS_OF, drop_missing=True)
    with pytest.raises(cs.CsMissingError):
        cs.portfolio_pipeline(table, AS_OF, drop_missing=False)


def test_bad_input_names_the_column() -> None:
    table = pa.table({"account_id": ["a", " "], "nps": [3, 10]})
    with pytest.raises(cs.CsError, match="account_id"):
        cs.portfolio_pipeline(table, AS_OF, drop_missing=True)
    with pytest.raises(cs.CsUnknownError, match="customer"):
        cs.portfolio_pipeline(table, AS_OF, account_id="customer", drop_missing=True)


def test_pandas_in_pandas_out() -> None:
    pd = pytest.importorskip("pandas")
    table = pq.read_table(OMNICO / "portfolio.parquet")
    out = cs.portfolio_pipeline(table.to_pandas(), AS_OF, drop_missing=True)
    assert isinstance(out, pd.DataFrame)
    expected = cs.portfolio_pipeline(table, AS_OF, drop_missing=True)
    assert _bits(out["risk"].tolist()) == _bits(expected.column("risk").to_pylist())
