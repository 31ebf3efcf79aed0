"""One definition: the `cs` command line (its --json) and Python give the same numbers on the
same file, because both go through cs-arrow and the cs-core pipeline."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

import cs_core as cs

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "examples" / "data"


def cli(binary: Path, *args: str) -> Any:
    out = subprocess.run([str(binary), *args, "--json"], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def generate(binary: Path, out: Path, *, rows: int, seed: int, as_of: str) -> None:
    """A seeded synthetic portfolio CSV written by `cs portfolio`."""
    args = ["portfolio", "--rows", str(rows), "--seed", str(seed), "--as-of", as_of, "-o", str(out)]
    subprocess.run([str(binary), *args], check=True, capture_output=True)


def risks_of(doc: Any) -> dict[str, tuple[float, str]]:
    return {a["account_id"]: (a["risk"], a["tier"]) for a in doc["accounts"]}


def python_risks(table: Any, as_of: str) -> dict[str, tuple[float, str]]:
    scored = pa.table(cs.RiskModel.default().score(table, as_of=as_of, drop_missing=True))
    ids = [str(x) for x in scored.column("account_id").to_pylist()]
    risk = scored.column("risk").to_pylist()
    tier = [str(t) for t in scored.column("tier").to_pylist()]
    return dict(zip(ids, zip(risk, tier, strict=True), strict=True))


def read_pandas(path: Path) -> pd.DataFrame:
    # pandas' default float parser can be 1 ulp off the correctly rounded value; round_trip
    # reads the same doubles as polars, pyarrow and the command line.
    return pd.read_csv(path, float_precision="round_trip")


def readers(path: Path) -> dict[str, Any]:
    return {
        "pandas": read_pandas(path),
        "polars": pl.read_csv(path, try_parse_dates=True),
        "pyarrow": pacsv.read_csv(path),
    }


@pytest.mark.parametrize("kind", ["pandas", "polars", "pyarrow"])
def test_risk_of_the_sample_portfolio_is_the_same_from_the_cli_and_python(cs_binary: Path, kind: str) -> None:
    path = DATA / "portfolio.csv"
    doc = cli(cs_binary, "risk", str(path), "--as-of", "2026-06-30")
    assert len(doc["accounts"]) == 500
    python = python_risks(readers(path)[kind], "2026-06-30")
    assert python == risks_of(doc)  # bit for bit


def test_risk_default_leaves_out_factors_without_input_as_the_cli_does(cs_binary: Path) -> None:
    # The reproduction: `RiskModel.default().score(table)` on the sample portfolio used
    # to raise "risk input column health_score is missing" where `cs risk` scored every account.
    # One default now (cs-core's MissingInputs::default): leave the factor out and say so.
    path = DATA / "portfolio.csv"
    doc = cli(cs_binary, "risk", str(path), "--as-of", "2026-06-30")
    table = read_pandas(path)
    with pytest.warns(
        UserWarning, match=r"risk factors left out.*: health_declining, nps_overestimated"
    ) as w:
        scored = pa.table(cs.RiskModel.default().score(table, as_of="2026-06-30"))
    assert doc["dropped_factors"][:2] == ["health_declining", "nps_overestimated"]
    assert ", ".join(doc["dropped_factors"]) in str(w[0].message)
    ids = [str(x) for x in scored.column("account_id").to_pylist()]
    pairs = zip(
        scored.column("risk").to_pylist(), [str(t) for t in scored.column("tier").to_pylist()], strict=True
    )
    assert dict(zip(ids, pairs, strict=True)) == risks_of(doc)
    with pytest.raises(cs.CsMissingError, match="risk input column health_delta is missing"):
        cs.RiskModel.default().score(table, as_of="2026-06-30", drop_missing=False)
    failed = subprocess.run(
        [str(cs_binary), "risk", str(path), "--as-of", "2026-06-30", "--require-all"],
        capture_output=True,
        text=True,
    )
    assert failed.returncode != 0 and "risk input column health_delta is missing" in failed.stderr


def test_risk_derives_inputs_in_python_as_the_cli_does(cs_binary: Path, tmp_path: Path) -> None:
    # The example: health, an NPS answer and a renewal date (derived inputs) plus
    # every other input given.
    path = tmp_path / "risk.csv"
    path.write_text(
        "account_id,arr,health_score,health_band,nps,renewal_date,utilisation,open_high_priority_cases,"
        "health_delta,nps_gap,under_delivery,first_impact_reached,ttfi_past_target,plan_reviewed,"
        "contact_confirmed,previous_arr\n"
        "a,100000,40,red,3,2026-03-01,0.5,2,-10,4,0.5,false,true,false,false,120000\n"
        "b,900000,80,green,10,2026-09-01,0.9,0,5,0,0,true,false,true,true,800000\n"
    )
    doc = cli(cs_binary, "risk", str(path), "--as-of", "2026-01-01")
    assert doc["dropped_factors"] == []
    assert doc["inputs"]["nps_category"] == "nps (0-10 answer)"
    for table in readers(path).values():
        assert python_risks(table, "2026-01-01") == risks_of(doc)
    # Without as_of Python cannot derive days to renewal and says so (no silent unknowns).
    with pytest.raises(cs.CsError, match="as_of"):
        cs.RiskModel.default().score(pd.read_csv(path))


def test_risk_of_a_generated_portfolio_csv_and_parquet(cs_binary: Path, tmp_path: Path) -> None:
    csv = tmp_path / "gen.csv"
    generate(cs_binary, csv, rows=3000, seed=11, as_of="2026-03-31")
    parquet = tmp_path / "gen.parquet"
    pq.write_table(pacsv.read_csv(csv), parquet)
    from_csv = risks_of(cli(cs_binary, "risk", str(csv), "--as-of", "2026-03-31", "--top", "1"))
    from_parquet = risks_of(cli(cs_binary, "risk", str(parquet), "--as-of", "2026-03-31"))
    assert from_parquet == from_csv
    assert python_risks(read_pandas(csv), "2026-03-31") == from_csv
    assert python_risks(pq.read_table(parquet), "2026-03-31") == from_csv


def cta_keys(rows: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [(str(r["account_id"]), str(r["rule_id"]), str(r["due"])[:10]) for r in rows]


@pytest.mark.parametrize("kind", ["pandas", "polars", "pyarrow"])
def test_ctas_of_the_sample_snapshot_are_the_same_from_the_cli_and_python(cs_binary: Path, kind: str) -> None:
    path = DATA / "snapshot_2026.csv"
    doc = cli(cs_binary, "ctas", str(path), "--as-of", "2026-01-15")
    assert len(doc) == 185
    table = readers(path)[kind]
    out = pa.table(cs.Playbook.default().evaluate(table, "2026-01-15"))
    assert cta_keys(out.to_pylist()) == cta_keys(doc)
    rules = {r["rule_id"] for r in doc}
    # The derived signals are there: detractors from the answer, risk tiers from the model.
    assert {"detractor_follow_up", "critical_risk"} <= rules


def test_ctas_of_a_generated_portfolio(cs_binary: Path, tmp_path: Path) -> None:
    csv = tmp_path / "gen.csv"
    generate(cs_binary, csv, rows=2000, seed=5, as_of="2026-06-30")
    doc = cli(cs_binary, "ctas", str(csv), "--as-of", "2026-06-30")
    assert len(doc) > 100
    out = pa.table(cs.Playbook.default().evaluate(read_pandas(csv), "2026-06-30"))
    assert cta_keys(out.to_pylist()) == cta_keys(doc)


def test_survival_is_the_same_from_the_cli_and_python(cs_binary: Path) -> None:
    path = DATA / "tenure.csv"
    doc = cli(cs_binary, "survival", str(path), "--by", "segment", "--at", "3,6,12,24")
    table = pd.read_csv(path)
    groups = [("all", table), *((g["group"], table[table.segment == g["group"]]) for g in doc["groups"])]
    cli_groups = {"all": doc["all"], **{g["group"]: g for g in doc["groups"]}}
    for name, rows in groups:
        km = cs.kaplan_meier(rows.tenure_months, rows.churned)
        want = cli_groups[name]
        assert (km.subjects, km.events) == (want["customers"], want["churned"])
        assert [km.survival_at(a["time"]) for a in want["at"]] == [a["survival"] for a in want["at"]]
        median = km.median()
        assert (None if median == float("inf") else median) == want["median"]
    test = cs.logrank(table.tenure_months, table.churned, table.segment)
    assert (test.statistic, test.degrees_of_freedom, test.p_value) == (
        doc["logrank"]["statistic"],
        doc["logrank"]["degrees_of_freedom"],
        doc["logrank"]["p_value"],
    )


def test_revenue_retention_is_the_same_from_the_cli_and_python(cs_binary: Path) -> None:
    start, end = DATA / "snapshot_2025.csv", DATA / "snapshot_2026.csv"
    doc = cli(cs_binary, "retention", str(start), str(end), "--by", "segment")
    for read in (pd.read_csv, pl.read_csv, pacsv.read_csv):
        r = cs.revenue_retention(read(start), read(end), segment="segment")
        assert r.overall == doc["overall"]
        assert {k: v for k, v in r.by_segment.items()} == {k: v for k, v in doc["by_segment"]}


@pytest.mark.parametrize("source", ["sample", "generated"])
def test_health_scores_and_rollups_are_the_same_from_the_cli_and_python(
    cs_binary: Path, tmp_path: Path, source: str
) -> None:
    path = DATA / "portfolio.csv"
    if source == "generated":
        path = tmp_path / "generated.csv"
        generate(cs_binary, path, rows=3000, seed=11, as_of="2026-06-30")
    scored = tmp_path / "scored.csv"
    doc = cli(cs_binary, "score", str(path), "--as-of", "2026-06-30", "--by", "segment", "-o", str(scored))
    cli_scores = pd.read_csv(scored, float_precision="round_trip")
    card = cs.Scorecard.default()
    for kind, table in readers(path).items():
        out = pa.table(card.score(table, as_of="2026-06-30"))
        assert out.column("score").to_pylist() == cli_scores["score"].tolist(), kind
        assert [str(b) for b in out.column("band").to_pylist()] == cli_scores["band"].tolist(), kind
        rollup = pa.table(cs.health_rollup(out, by="segment", arr="arr", bands=card)).to_pylist()
        assert [r["segment"] for r in rollup] == [g["key"] for g in doc["by"]["segment"]]
        for mine, theirs in zip(rollup, doc["by"]["segment"], strict=True):
            counts = ("accounts", "scored", "arr")
            assert [mine[k] for k in counts] == [theirs[k] for k in counts]
            assert mine["mean"] == theirs["mean"]
            assert mine["arr_weighted_mean"] == theirs["arr_weighted_mean"]
            assert {b: mine[f"{b}_share"] for b in doc["bands"]} == theirs["band_share"]
            assert {b: mine[f"{b}_arr_share"] for b in doc["bands"]} == theirs["arr_share"]


def test_nps_by_group_and_period_is_the_same_from_the_cli_and_python(cs_binary: Path) -> None:
    path = DATA / "survey.csv"
    doc = cli(cs_binary, "nps", str(path), "--by", "segment", "--period", "quarter")
    keys = ["responses", "promoters", "passives", "detractors", "nps", "standard_error", "ci_low", "ci_high"]
    for kind, table in readers(path).items():
        out = pa.table(cs.nps_by(table, by="segment", period="quarter")).to_pylist()
        assert len(out) == len(doc["groups"]), kind
        for mine, theirs in zip(out, doc["groups"], strict=True):
            assert (mine["segment"], mine["period"]) == (theirs["segment"], theirs["period"])
            assert {k: mine[k] for k in keys} == {k: theirs[k] for k in keys}, kind


def test_compliance_is_the_same_from_the_cli_and_python(cs_binary: Path, tmp_path: Path) -> None:
    contracts, delivered = DATA / "contracts.csv", DATA / "delivered.csv"
    doc = cli(cs_binary, "compliance", str(contracts), str(delivered), "--as-of", "2026-06-30")
    # Parquet through the same reader on the command line.
    pq_contracts, pq_delivered = tmp_path / "c.parquet", tmp_path / "d.parquet"
    pq.write_table(pacsv.read_csv(contracts), pq_contracts)
    pq.write_table(pacsv.read_csv(delivered), pq_delivered)
    assert cli(cs_binary, "compliance", str(pq_contracts), str(pq_delivered), "--as-of", "2026-06-30") == doc
    totals = ["delivered", "owed", "overdue", "ratio", "mean_account_ratio", "under_delivered_accounts"]
    per_account = ["account", "delivered", "due", "overdue", "upcoming", "owed", "ratio", "under_delivered"]
    for read in (read_pandas, pl.read_csv, pacsv.read_csv):
        p = cs.entitlement_compliance_batch(read(contracts), read(delivered), "2026-06-30")
        assert {k: getattr(p, k) for k in totals} == {k: doc["total"][k] for k in totals}
        rows = p.accounts.to_pylist()
        assert [{k: r[k] for k in per_account} for r in rows] == [
            {k: a[k] for k in per_account} for a in doc["accounts"]
        ]


def test_onboarding_is_the_same_from_the_cli_and_python(cs_binary: Path) -> None:
    path = DATA / "onboarding.csv"
    doc = cli(cs_binary, "onboarding", str(path), "--as-of", "2026-06-30", "--by", "segment")
    for kind, table in readers(path).items():
        out = pa.table(cs.ttfi_summary(table, by="segment", as_of="2026-06-30")).to_pylist()
        assert [r["segment"] for r in out] == [g["segment"] for g in doc["groups"]], kind
        for mine, theirs in zip(out, doc["groups"], strict=True):
            assert {k: mine[k] for k in theirs["summary"]} == theirs["summary"], kind
        still = pa.table(cs.still_onboarding(table, as_of="2026-06-30")).to_pylist()
        listed = doc["still_onboarding"]
        assert [r["account"] for r in still[: len(listed)]] == [a["account"] for a in listed], kind


MESSY_GROUPS = """account,seg,tier,score,date,tenure,churned,kickoff,first_impact
a1, ent,10,9,2026-01-05,3,1,2026-01-01,2026-02-01
a2,ent ,9,3,2026-02-05,12,0,2026-01-01,
a3,,10,10,2026-04-05,7,1,2026-02-01,2026-03-15
a4,smb,9,6,2026-05-05,1,1,2026-03-01,2026-03-20
a5,smb,10,8,2026-05-06,24,0,2026-03-01,
a6, ,9,10,2026-06-01,5,1,2026-04-01,2026-06-01
"""


def test_group_keys_follow_one_rule_in_the_cli_and_python(cs_binary: Path, tmp_path: Path) -> None:
    """Keys are grouped once, in cs-arrow: text trimmed, blank = its own (missing) group sorted
    first, integers by value (9 before 10); the command line and Python agree on the groups,
    their order and their numbers."""
    path = tmp_path / "messy.csv"
    path.write_text(MESSY_GROUPS)
    nps = cli(cs_binary, "nps", str(path), "--by", "seg", "--by", "tier")
    cli_keys = [(g["seg"], g["tier"]) for g in nps["groups"]]
    assert cli_keys == [("", "9"), ("", "10"), ("ent", "9"), ("ent", "10"), ("smb", "9"), ("smb", "10")]
    survival = cli(cs_binary, "survival", str(path), "--by", "tier", "--duration", "tenure")
    onboarding = cli(cs_binary, "onboarding", str(path), "--as-of", "2026-06-30", "--by", "seg")
    for kind, table in readers(path).items():
        out = pa.table(cs.nps_by(table, by=["seg", "tier"])).to_pylist()
        assert [(r["seg"] or "", str(r["tier"])) for r in out] == cli_keys, kind
        assert [r["nps"] for r in out] == [g["nps"] for g in nps["groups"]], kind
        curves = cs.kaplan_meier_by(table, duration="tenure", observed="churned", by="tier")
        assert [str(k) for k in curves] == [g["group"] for g in survival["groups"]] == ["9", "10"], kind
        for km, theirs in zip(curves.values(), survival["groups"], strict=True):
            want = (theirs["customers"], theirs["churned"], theirs["median"])
            assert (km.subjects, km.events, km.median()) == want, kind
        ttfi = pa.table(cs.ttfi_summary(table, by="seg", as_of="2026-06-30")).to_pylist()
        segments = [r["seg"] or "" for r in ttfi]
        assert segments == [g["seg"] for g in onboarding["groups"]] == ["", "ent", "smb"], kind
        for mine, theirs in zip(ttfi, onboarding["groups"], strict=True):
            assert {k: mine[k] for k in theirs["summary"]} == theirs["summary"], kind


@pytest.mark.parametrize("kind", ["pandas", "polars", "pyarrow", "parquet"])
def test_weight_fit_is_the_same_from_the_cli_and_python(cs_binary: Path, kind: str) -> None:
    path = DATA / "omnico" / "renewal_health.csv"
    expected = cli(cs_binary, "score", "fit", str(path), "--as-of", "2026-06-30", "--seed", "5")
    if kind == "parquet":
        table = pq.read_table(DATA / "omnico" / "renewal_health.parquet")
    else:
        table = readers(path)[kind]
    fit = cs.Scorecard.default().fit_weights(table, as_of="2026-06-30", seed=5)
    assert fit.to_dict() == expected
    assert fit.scorecard.to_dict() == expected["scorecard"]
    # Without a file the command line fits the same sample's renewals.
    assert cli(cs_binary, "score", "fit", "--seed", "5") == expected


@pytest.mark.parametrize("kind", ["pandas", "polars", "parquet"])
def test_health_history_is_the_same_from_the_cli_and_python(
    cs_binary: Path, kind: str, tmp_path: Path
) -> None:
    source = DATA / "omnico" / "health_history.parquet"
    expected = cli(cs_binary, "health-history", str(source))["history"]
    table = pq.read_table(source)
    if kind == "pandas":
        table = table.to_pandas()
    elif kind == "polars":
        table = pl.from_arrow(table)
    h = cs.Scorecard.default().health_history(table, arr="arr")
    assert h == expected
    assert len(h["mix"]) == 42 and len(h["transitions"]["steps"]) == 41
