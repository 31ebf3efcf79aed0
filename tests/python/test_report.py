"""`cs_core.report()`: the portfolio review as a Python object, the same numbers as `cs report`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import cs_core as cs

ROOT = Path(__file__).resolve().parents[2]


def test_report_of_the_sample_equals_the_command(cs_binary: Path, tmp_path: Path) -> None:
    """The in-memory sample's review: HTML page, JSON with the headline, same as `cs report`."""
    r = cs.report()
    assert isinstance(r, cs.Report)
    assert str(r.as_of) == "2026-06-30"
    assert r.html.startswith("<!DOCTYPE html>")
    assert r._repr_html_() == r.html
    assert "<script" not in r.html
    doc = json.loads(r.to_json())
    done = subprocess.run(
        [str(cs_binary), "report", "--json"], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert doc == json.loads(done.stdout)
    h = doc["headline"]
    assert h["accounts"] == 1661
    assert h["currency"] == "USD"
    assert doc["nps_interval"] == "adjusted_wald"
    assert "Portfolio review as of 2026-06-30" in r.summary()
    out = tmp_path / "review.html"
    r.write(out)
    assert out.read_text() == r.html


def test_report_of_a_folder_reads_the_files(tmp_path: Path) -> None:
    """`data=` reads the sample company's files; the numbers equal the in-memory sample's."""
    files = cs.report(data=ROOT / "examples" / "data" / "omnico", as_of="2026-06-30")
    memory = json.loads(cs.report().to_json())
    from_files = json.loads(files.to_json())
    memory["source"] = from_files["source"] = None
    assert from_files == memory


def test_results_show_as_html_in_notebooks() -> None:
    """NpsResult, HealthScore, KaplanMeier, Backtest and RiskEvaluation render an HTML fragment
    (Jupyter's `_repr_html_`) with their own numbers, through the report's templates."""
    import re

    import numpy as np

    nps = cs.nps([10, 10, 9])
    assert "+100.0" in nps._repr_html_() and "adjusted Wald" in nps._repr_html_()
    lo, hi = nps.confidence_interval(0.95, "adjusted_wald")
    assert f"{lo:+.1f} .. {hi:+.1f}" in nps._repr_html_()
    card = cs.Scorecard.default()
    accounts = cs.synthetic_portfolio(50, seed=3, as_of="2026-06-30", kind="pyarrow")
    row = {name: accounts.column(name)[0].as_py() for name in accounts.column_names}
    health = card.explain(row, as_of="2026-06-30")
    html = health._repr_html_()
    assert f"{health.score:.1f}" in html and all(m in html for m in card.measure_names)
    km = cs.kaplan_meier([1.0, 2.0, 3.0, 5.0], [True, False, True, True])
    assert "<svg" in km._repr_html_() and "4 customers, 3 churned" in km._repr_html_()
    rng = np.random.default_rng(1)
    scores = rng.random(200)
    churned = rng.random(200) < scores
    bt = cs.backtest(scores, churned)
    assert f"{bt.auc:.3f}" in bt._repr_html_()
    sep = {
        "health_score": [10.0, 20, 30, 60, 70, 80, 15, 75],
        "churned": [True] * 3 + [False] * 3 + [False, True],
    }
    ev = cs.RiskModel.fit(sep, drop_missing=True).evaluate(sep, drop_missing=True)
    assert f"{ev.auc:.3f}" in ev._repr_html_() and "Brier" in ev._repr_html_()
    assert re.search(r"-100\.0", cs.nps([0])._repr_html_())
