"""Success packages from Python: the catalog, hand-computed calendar dates (month ends, leap
days, package changes), the iCalendar export, compliance numbers, the portfolio batch agreeing
with the per-account function and with the `cs` CLI, and every bad input raising cs.CsError."""

from __future__ import annotations

import datetime as dt
import json
import pickle
import re
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

import cs_core as cs

D = dt.date
DATA = Path(__file__).resolve().parents[2] / "examples" / "data"

PREMIER = """
schema_version = 1
name = "premier"
touch_model = "high_touch"
description = "Quarterly reviews"

[[entitlements]]
activity = "kickoff"
channel = "on_site"
cadence = { kind = "at_start", offset_days = 10 }

[[entitlements]]
name = "qbr"
activity = "success_review"
channel = "virtual_meeting"
cadence = { kind = "every_months", months = 3 }
"""


def dates_of(table: pa.Table, entitlement: str) -> list[dt.date]:
    rows = table.to_pylist()
    return [r["date"] for r in rows if r["entitlement"] == entitlement]


# --- packages ---


def test_builtin_packages_and_accessors() -> None:
    p = cs.SuccessPackage.builtin("Enterprise")
    assert p.name == "enterprise"
    assert p.touch_model == "high_touch"
    review = next(e for e in p.entitlements if e["activity"] == "success_review")
    assert review["cadence"] == {"kind": "every_months", "months": 2}
    assert review["channel"] == "virtual_meeting"
    assert "000_6680eeaffff6ac1a.txt" in review["source"]
    names = [q.name for q in cs.SuccessPackage.catalog()]
    assert names == ["commerce", "enterprise", "community_segment", "enterprise_segment", "strategic_segment"]
    assert cs.SuccessPackage.builtin("strategic").name == "strategic_segment"
    assert repr(p) == "SuccessPackage(name='enterprise', touch_model='high_touch', entitlements=9)"


def test_catalog_table_has_readable_cadences() -> None:
    t = cs.package_catalog()
    assert t.column_names == [
        "package",
        "touch_model",
        "entitlement",
        "activity",
        "cadence",
        "channel",
        "source",
    ]
    rows = {(r["package"], r["entitlement"]): r for r in t.to_pylist()}
    assert rows[("commerce", "success_review")]["cadence"] == "every 6 months"
    assert rows[("enterprise", "success_review")]["cadence"] == "every 2 months"
    assert rows[("enterprise", "gap_analysis")]["cadence"] == "every 6 months, first at month 3"
    assert rows[("commerce", "internal_renewal_review")]["cadence"] == "3 months before each anniversary"
    assert rows[("enterprise", "kickoff")]["channel"] == "on_site_if_location_allows"
    assert sum(r["package"] == "commerce" for r in t.to_pylist()) == 9
    assert cs.SuccessPackage.builtin("commerce").describe().num_rows == 9


def test_custom_package_round_trips() -> None:
    p = cs.SuccessPackage.from_toml(PREMIER)
    assert (p.name, p.touch_model, p.description) == ("premier", "high_touch", "Quarterly reviews")
    assert cs.SuccessPackage.from_dict(p.to_dict()) == p
    assert cs.SuccessPackage.from_json(p.to_json()) == p
    assert cs.SuccessPackage.from_toml(p.to_toml()) == p
    assert pickle.loads(pickle.dumps(p)) == p
    assert hash(p) == hash(cs.SuccessPackage.from_dict(p.to_dict()))
    assert p != cs.SuccessPackage.builtin("enterprise")
    assert p.to_dict()["entitlements"][1] == {
        "name": "qbr",
        "activity": "success_review",
        "cadence": {"kind": "every_months", "months": 3},
        "channel": "virtual_meeting",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            PREMIER.replace("months = 3", "months = 0"),
            'entitlement "qbr" cadence every_months months 0 is outside 1..=120',
        ),
        (
            PREMIER.replace('name = "qbr"', 'name = "kickoff"'),
            'duplicate entitlement name in package "premier" "kickoff"',
        ),
        (PREMIER.replace("schema_version = 1", "schema_version = 2"), "schema_version"),
        (PREMIER.replace('description = "Quarterly reviews"', 'colour = "gold"'), "unknown field `colour`"),
        (PREMIER.replace('activity = "kickoff"', 'activity = "golf_day"'), "golf_day"),
    ],
)
def test_bad_package_documents(text: str, message: str) -> None:
    with pytest.raises(cs.CsError, match=re.escape(message)):
        cs.SuccessPackage.from_toml(text)


def test_unknown_builtin_names_the_value() -> None:
    with pytest.raises(cs.CsError, match=re.escape('unknown success package "platinum" (known: commerce,')):
        cs.SuccessPackage.builtin("platinum")


# --- contract term ---


def test_contract_term_dates_and_inputs() -> None:
    t = cs.ContractTerm("2024-02-29", term_months=24)
    assert t.renewal == D(2026, 2, 28)  # no 29 February in 2026
    assert t.anniversaries == [D(2025, 2, 28), D(2026, 2, 28)]
    assert t.contract_year("2025-02-28") == 2
    assert t.contract_year(D(2025, 2, 27)) == 1
    assert t.last_day == D(2026, 2, 27)
    assert t.term_months == 24
    assert not t.contains("2026-02-28")
    assert t.next() == cs.ContractTerm("2026-02-28", "2028-02-28")
    # 31 January + 1 month = 28 February; every date type gives the same term.
    one = cs.ContractTerm(D(2026, 1, 31), term_months=1)
    assert one.renewal == D(2026, 2, 28)
    for start in [
        "2026-01-31",
        np.datetime64("2026-01-31"),
        pa.scalar(D(2026, 1, 31)),
        pd.Timestamp("2026-01-31"),
    ]:
        assert cs.ContractTerm(start, term_months=1) == one
    assert cs.ContractTerm("2026-01-15") == cs.ContractTerm("2026-01-15", "2027-01-15")
    assert pickle.loads(pickle.dumps(one)) == one
    assert one.to_dict() == {"start": D(2026, 1, 31), "renewal": D(2026, 2, 28)}
    assert repr(one) == "ContractTerm(start=2026-01-31, renewal=2026-02-28)"


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (
            ("2026-01-15", "2025-01-15"),
            {},
            "renewal date 2025-01-15 is invalid: it must be after the contract start 2026-01-15",
        ),
        (("2026-01-15", "2026-01-15"), {}, "renewal date 2026-01-15 is invalid"),
        (("2026-01-15",), {"term_months": 0}, "contract term months 0 is outside 1..=120"),
        (
            ("2026-01-15", "2027-01-15"),
            {"term_months": 12},
            "contract term months 12 is invalid: give the renewal date 2027-01-15 or the term in months",
        ),
        (
            ("2026-13-01",),
            {},
            'contract start "2026-13-01" is invalid: expected a date (datetime.date',
        ),
        ((42,), {}, "contract start 42 is invalid: expected a date"),
    ],
)
def test_bad_contract_terms(args: tuple[object, ...], kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(cs.CsError, match=re.escape(message)):
        cs.ContractTerm(*args, **kwargs)


# --- engagement calendar ---


def test_month_end_start_clamps_without_drifting() -> None:
    t = cs.engagement_calendar("enterprise", "2026-01-31")
    assert t.column_names == [
        "date",
        "contract_year",
        "package",
        "entitlement",
        "activity",
        "channel",
        "title",
    ]
    # Monthly from 31 January: 28 February, 31 March, 30 April, ... (start + k months, not
    # repeated addition); 31 January 2027 is the renewal date, next term's.
    outreach = dates_of(t, "proactive_outreach")
    assert outreach[:4] == [D(2026, 2, 28), D(2026, 3, 31), D(2026, 4, 30), D(2026, 5, 31)]
    assert outreach[-1] == D(2026, 12, 31)
    assert len(outreach) == 11
    # Every 2 months from 31 January: 31 March, 31 May, 31 July, 30 September, 30 November.
    assert dates_of(t, "success_review") == [
        D(2026, 3, 31),
        D(2026, 5, 31),
        D(2026, 7, 31),
        D(2026, 9, 30),
        D(2026, 11, 30),
    ]
    assert dates_of(t, "gap_analysis") == [D(2026, 4, 30), D(2026, 10, 31)]  # months 3 and 9
    assert dates_of(t, "kickoff") == [D(2026, 2, 14)]  # start + 14 days
    assert dates_of(t, "success_plan") == [D(2026, 3, 2)]  # start + 30 days
    assert dates_of(t, "internal_renewal_review") == [D(2026, 10, 31)]  # renewal - 3 months
    assert dates_of(t, "nps_survey") == [D(2026, 11, 30)]  # renewal - 2 months
    assert t.num_rows == 34
    assert t.column("date").to_pylist() == sorted(t.column("date").to_pylist())
    first = t.to_pylist()[1]
    assert first["title"] == "Customer Success kickoff (on-site if location allows)"


def test_leap_day_two_year_term() -> None:
    t = cs.engagement_calendar("commerce", D(2024, 2, 29), term_months=24)
    # Every 6 months from 29 February 2024: 29 August, 28 February 2025 (clamped), 29 August;
    # 28 February 2026 is the renewal date and is dropped.
    assert dates_of(t, "success_review") == [D(2024, 8, 29), D(2025, 2, 28), D(2025, 8, 29)]
    # Anniversaries 28 February 2025 and 2026: reviews 3 months before, surveys 2 months before.
    assert dates_of(t, "internal_renewal_review") == [D(2024, 11, 28), D(2025, 11, 28)]
    assert dates_of(t, "nps_survey") == [D(2024, 12, 28), D(2025, 12, 28)]
    years = {r["date"]: r["contract_year"] for r in t.to_pylist()}
    assert years[D(2025, 2, 28)] == 2
    assert years[D(2024, 8, 29)] == 1
    assert all(D(2024, 2, 29) <= d < D(2026, 2, 28) for d in t.column("date").to_pylist())


def test_upgrade_mid_term_keeps_the_contract_grid() -> None:
    t = cs.engagement_calendar("commerce", "2026-01-15", changes=[("2026-05-01", "enterprise")])
    rows = t.to_pylist()
    assert {r["package"] for r in rows if r["date"] < D(2026, 5, 1)} == {"commerce"}
    assert {r["package"] for r in rows if r["date"] >= D(2026, 5, 1)} == {"enterprise"}
    # Enterprise reviews every 2 months counted from the contract start (15 March is before
    # the change); the commerce review at month 6 is gone.
    assert dates_of(t, "success_review") == [D(2026, 5, 15), D(2026, 7, 15), D(2026, 9, 15), D(2026, 11, 15)]
    # One-time entitlements the commerce package already had are not repeated.
    assert dates_of(t, "kickoff") == [D(2026, 1, 29)]
    assert dates_of(t, "success_plan") == [D(2026, 2, 14)]
    # Changes as a dict, and a downgrade, work the same way.
    down = cs.engagement_calendar("enterprise", "2026-01-15", changes={D(2026, 7, 1): "commerce"})
    assert dates_of(down, "success_review") == [D(2026, 3, 15), D(2026, 5, 15), D(2026, 7, 15)]


def test_date_range_and_table_kinds() -> None:
    cal = cs.EngagementCalendar("enterprise", "2026-01-15", from_="2026-03-01", to="2026-03-31")
    assert cal.window == (D(2026, 3, 1), D(2026, 3, 31))
    assert [r["entitlement"] for r in cal.to_table().to_pylist()] == [
        "success_review",
        "proactive_outreach",
        "feedback_monitoring",
    ]
    assert len(cal) == 3
    assert cal.term == cs.ContractTerm("2026-01-15")
    # A range outside the term is empty, with no window.
    outside = cs.EngagementCalendar("enterprise", "2026-01-15", from_="2028-01-01", to="2028-12-31")
    assert len(outside) == 0 and outside.window is None
    pdf = cs.engagement_calendar("enterprise", "2026-01-15", as_="pandas")
    assert isinstance(pdf, pd.DataFrame) and len(pdf) == 34
    plf = cs.engagement_calendar("enterprise", "2026-01-15", as_="polars")
    assert isinstance(plf, pl.DataFrame) and plf.height == 34
    term = cs.ContractTerm("2026-01-15")
    assert cs.EngagementCalendar("enterprise", term).to_table() == cs.engagement_calendar(
        "enterprise", "2026-01-15"
    )
    custom = cs.engagement_calendar(cs.SuccessPackage.from_toml(PREMIER), "2026-01-15")
    assert dates_of(custom, "qbr") == [D(2026, 4, 15), D(2026, 7, 15), D(2026, 10, 15)]
    assert (
        cs.EngagementCalendar("enterprise", "2026-01-15").to_dict()["items"][0]["activity"]
        == "csm_introduction"
    )


def test_ics_export_is_valid_rfc5545() -> None:
    cal = cs.EngagementCalendar("commerce", "2026-01-15")
    ics = cal.to_ics(account="Acme, Inc.")
    assert ics == cs.engagement_calendar_ics("commerce", "2026-01-15", account="Acme, Inc.")
    assert ics.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert ics.endswith("END:VCALENDAR\r\n")
    assert ics.count("BEGIN:VEVENT") == ics.count("END:VEVENT") == len(cal) == 29
    lines = ics.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    assert "\n" not in ics.replace("\r\n", "")
    # The kickoff on 29 January: an all-day event ending the next day, non-blocking.
    assert "DTSTART;VALUE=DATE:20260129\r\n" in ics
    assert "DTEND;VALUE=DATE:20260130\r\n" in ics
    assert "UID:20260129-acme-inc-commerce-kickoff@cs-core\r\n" in ics
    assert "SUMMARY:Acme\\, Inc.: Customer Success kickoff (virtual meeting)\r\n" in ics
    assert "DTSTAMP:20260115T000000Z\r\n" in ics
    uids = [line for line in lines if line.startswith("UID:")]
    assert len(set(uids)) == len(uids)
    named = cal.to_ics(
        calendar_name="Acme plan", uid_domain="example.com", stamp=dt.datetime(2026, 1, 2, 9, 30)
    )
    assert "X-WR-CALNAME:Acme plan\r\n" in named
    assert "DTSTAMP:20260102T093000Z\r\n" in named
    assert "@example.com\r\n" in named


def test_bad_calendar_arguments() -> None:
    with pytest.raises(
        cs.CsError, match=re.escape("package change date 2027-03-01 at position 0 is invalid")
    ):
        cs.engagement_calendar("enterprise", "2026-01-15", changes=[("2027-03-01", "commerce")])
    with pytest.raises(cs.CsError, match=re.escape("date range end 2026-04-01 is invalid")):
        cs.engagement_calendar("enterprise", "2026-01-15", from_="2026-05-01", to="2026-04-01")
    with pytest.raises(cs.CsError, match=re.escape("unknown table type 'excel'")):
        cs.engagement_calendar("enterprise", "2026-01-15", as_="excel")
    with pytest.raises(cs.CsError, match=re.escape("package change")):
        cs.engagement_calendar("enterprise", "2026-01-15", changes=["2026-03-01"])
    with pytest.raises(cs.CsError, match=re.escape('unknown success package "gold"')):
        cs.engagement_calendar("gold", "2026-01-15")


# --- compliance ---

LOG = {
    "date": [D(2026, 1, 15), D(2026, 2, 2), D(2026, 3, 16), D(2026, 2, 20)],
    "activity": ["csm_introduction", "kickoff", "success_review", "proactive_outreach"],
    "channel": ["virtual_meeting", "on_site", "virtual_meeting", "phone"],
    "minutes": [30, 120, 60, 15],
    "participants": [3, 6, 4, 1],
}


def test_compliance_hand_computed() -> None:
    r = cs.entitlement_compliance("enterprise", {"start": "2026-01-15"}, LOG, as_of="2026-03-31")
    # Due by 31 March: introduction 15 Jan (delivered), kickoff 29 Jan (delivered 2 Feb on
    # site: accepted for "on-site if location allows"), success plan 14 Feb (missing; grace
    # ended 16 Mar: overdue), outreach 15 Feb (delivered 20 Feb) and 15 Mar (missing, within
    # grace: due), feedback monitoring 15 Feb (overdue) and 15 Mar (due), review 15 Mar
    # (delivered 16 Mar). delivered 4, overdue 2, owed 6.
    assert (r.delivered, r.overdue, r.due, r.owed) == (4, 2, 2, 6)
    assert r.upcoming == 34 - 8
    assert r.ratio == pytest.approx(4 / 6, abs=1e-15)
    assert r.under_delivered and not r.over_delivered
    assert r.minutes_with_customer == 30 + 120 + 60 + 15
    assert r.ignored == 0
    ents = {e["entitlement"]: e for e in r.entitlements.to_pylist()}
    assert ents["success_plan"]["overdue"] == 1 and ents["success_plan"]["ratio"] == 0.0
    assert ents["proactive_outreach"]["in_term"] == 11
    assert (ents["proactive_outreach"]["delivered"], ents["proactive_outreach"]["due"]) == (1, 1)
    assert ents["gap_analysis"]["ratio"] is None  # nothing owed yet
    items = r.items.to_pylist()
    kickoff = next(i for i in items if i["entitlement"] == "kickoff")
    assert (kickoff["status"], kickoff["delivered_on"], kickoff["days_late"]) == (
        "delivered",
        D(2026, 2, 2),
        4,
    )
    assert r.term == cs.ContractTerm("2026-01-15")
    assert r.as_of == D(2026, 3, 31)


def test_over_delivery_and_rules() -> None:
    extra = {k: [*v] for k, v in LOG.items()}
    for day in (20, 25):  # two more reviews in March: only one review has opened to date
        extra["date"].append(D(2026, 3, day))
        extra["activity"].append("success_review")
        extra["channel"].append("virtual_meeting")
        extra["minutes"].append(45)
        extra["participants"].append(2)
    r = cs.entitlement_compliance("enterprise", cs.ContractTerm("2026-01-15"), extra, "2026-03-31")
    assert r.over_delivered
    reviews = next(a for a in r.activities.to_pylist() if a["activity"] == "success_review")
    assert (reviews["logged"], reviews["matched"], reviews["entitled_to_date"], reviews["extra"]) == (
        3,
        1,
        1,
        2,
    )
    # A grace period of 10 days: the 15 March outreach and monitoring are now overdue too.
    strict = cs.entitlement_compliance(
        "enterprise", {"start": "2026-01-15"}, LOG, "2026-03-31", rules=cs.MatchingRules(grace_days=10)
    )
    assert (strict.delivered, strict.overdue, strict.due) == (4, 4, 0)
    assert strict == cs.entitlement_compliance(
        "enterprise", {"start": "2026-01-15"}, LOG, "2026-03-31", rules={"grace_days": 10}
    )
    # Nothing delivered: everything owed is overdue.
    none = cs.entitlement_compliance(
        "enterprise", {"start": "2026-01-15", "term_months": 12}, None, "2026-03-31"
    )
    assert (none.delivered, none.ratio, none.minutes_with_customer) == (0, 0.0, 0)


def test_compliance_result_round_trips_and_every_table_type() -> None:
    r = cs.entitlement_compliance("enterprise", {"start": "2026-01-15"}, LOG, "2026-03-31")
    assert pickle.loads(pickle.dumps(r)) == r
    assert cs.AccountCompliance.from_json(r.to_json()) == r
    assert r.to_dict()["owed"] == 6
    assert repr(r).startswith("AccountCompliance(as_of=2026-03-31, ratio=0.667, delivered=4, overdue=2")
    for table in [
        pa.table(LOG),
        pd.DataFrame(LOG),
        pl.DataFrame(LOG),
        [dict(zip(LOG, row, strict=True)) for row in zip(*LOG.values(), strict=True)],
        pd.DataFrame({**LOG, "date": pd.to_datetime(LOG["date"])}),
        pa.table({**LOG, "minutes": pa.array(LOG["minutes"], pa.uint32())}),
        pa.table({**LOG, "activity": pa.array(LOG["activity"]).dictionary_encode()}),
    ]:
        assert cs.entitlement_compliance("enterprise", {"start": "2026-01-15"}, table, "2026-03-31") == r
    # Minutes and participants are optional; a null counts as 0.
    short = {k: LOG[k] for k in ("date", "activity", "channel")}
    r0 = cs.entitlement_compliance("enterprise", {"start": "2026-01-15"}, short, "2026-03-31")
    assert (r0.delivered, r0.minutes_with_customer) == (4, 0)
    nulls = pa.table({**LOG, "minutes": pa.array([30, None, 60, 15], pa.int64())})
    r1 = cs.entitlement_compliance("enterprise", {"start": "2026-01-15"}, nulls, "2026-03-31")
    assert r1.minutes_with_customer == 105


def _bad_log(**changes: object) -> dict[str, list[object]]:
    log: dict[str, list[object]] = {k: [v[0]] for k, v in LOG.items()}
    for k, v in changes.items():
        log[k] = [v]
    return log


@pytest.mark.parametrize(
    ("log", "message"),
    [
        (_bad_log(activity="golf_day"), 'unknown activity "golf_day" at position 0 (known: csm_intro'),
        (_bad_log(channel="pigeon"), 'unknown channel "pigeon" at position 0 (known: digital,'),
        (
            _bad_log(date=D(2026, 1, 2)),
            "delivered activity date 2026-01-02 at position 0 is invalid: it is before the contract start",
        ),
        (_bad_log(minutes=-5), "minutes -5 at position 0 is outside 0..=4294967295"),
        ({"day": [D(2026, 2, 1)], "activity": ["kickoff"], "channel": ["on_site"]}, 'unknown column "date"'),
        (
            {"date": [D(2026, 2, 1), None], "activity": ["kickoff"] * 2, "channel": ["on_site"] * 2},
            "date is missing at position 1",
        ),
        (
            {"date": [D(2026, 2, 1)] * 2, "activity": ["kickoff", None], "channel": ["on_site"] * 2},
            "activity is missing at position 1",
        ),
    ],
)
def test_bad_delivery_logs(log: dict[str, list[object]], message: str) -> None:
    with pytest.raises(cs.CsError, match=re.escape(message)):
        cs.entitlement_compliance("enterprise", {"start": "2026-01-15"}, log, "2026-03-31")


def test_bad_contract_and_rules_arguments() -> None:
    with pytest.raises(cs.CsError, match=re.escape('unknown contract key "begin"')):
        cs.entitlement_compliance("enterprise", {"begin": "2026-01-15"}, None, "2026-03-31")
    with pytest.raises(
        cs.CsError, match=re.escape("contract '2026-01-15' is invalid: expected a ContractTerm")
    ):
        cs.entitlement_compliance("enterprise", "2026-01-15", None, "2026-03-31")
    with pytest.raises(cs.CsError, match=re.escape("contract start is missing")):
        cs.entitlement_compliance("enterprise", {"renewal": "2027-01-15"}, None, "2026-03-31")
    with pytest.raises(cs.CsError, match=re.escape('as_of "31/03/2026" is invalid')):
        cs.entitlement_compliance("enterprise", {"start": "2026-01-15"}, None, "31/03/2026")
    with pytest.raises(cs.CsError, match=re.escape("matching rules grace_days 400 is outside 0..=366")):
        cs.MatchingRules(grace_days=400)
    with pytest.raises(cs.CsError, match=re.escape("unknown variant `pigeon`")):
        cs.MatchingRules(substitutions={"pigeon": ["email"]})


def test_matching_rules_defaults_and_documents() -> None:
    r = cs.MatchingRules()
    assert (r.grace_days, r.early_days) == (30, 30)
    assert r.accepts("virtual_meeting", "on_site")
    assert not r.accepts("on_site", "virtual_meeting")
    assert r.accepts("on-site if location allows", "virtual")
    assert r.substitutions["digital"] == ["email", "blog", "webinar"]
    custom = cs.MatchingRules.from_toml(
        'schema_version = 1\ngrace_days = 14\n[substitutions]\non_site = ["virtual_meeting"]\n'
    )
    assert custom.early_days == 30 and custom.accepts("on_site", "virtual_meeting")
    assert not custom.accepts("phone", "on_site")  # the default table was replaced
    for again in (
        cs.MatchingRules.from_json(custom.to_json()),
        cs.MatchingRules.from_toml(custom.to_toml()),
        cs.MatchingRules.from_dict(custom.to_dict()),
        pickle.loads(pickle.dumps(custom)),
    ):
        assert again == custom
    assert repr(r).startswith("MatchingRules(grace_days=30, early_days=30")


# --- portfolio ---


def example_tables() -> tuple[pa.Table, pa.Table]:
    return pacsv.read_csv(DATA / "contracts.csv"), pacsv.read_csv(DATA / "delivered.csv")


def test_batch_equals_per_account_results() -> None:
    contracts, delivered = example_tables()
    p = cs.entitlement_compliance_batch(contracts, delivered, "2026-06-30")
    assert len(p) == contracts.num_rows == 8
    log = delivered.to_pandas()
    total_delivered = total_owed = 0
    for row in contracts.to_pylist():
        mine = log[log.account == row["account"]]
        single = cs.entitlement_compliance(
            row["package"], {"start": row["start"], "renewal": row["renewal"]}, mine, "2026-06-30"
        )
        assert p.report(row["account"]) == single
        total_delivered += single.delivered
        total_owed += single.owed
    assert (p.delivered, p.owed) == (total_delivered, total_owed)
    assert p.ratio == pytest.approx(total_delivered / total_owed, abs=1e-15)
    accounts = p.accounts
    assert accounts.column_names[:4] == ["account", "package", "start", "renewal"]
    assert accounts.column("account").to_pylist() == contracts.column("account").to_pylist()
    assert sum(accounts.column("under_delivered").to_pylist()) == p.under_delivered_accounts
    assert sum(accounts.column("minutes_with_customer").to_pylist()) == p.minutes_with_customer
    # pandas and polars tables give the same portfolio.
    for c, d in [
        (contracts.to_pandas(), delivered.to_pandas()),
        (pl.from_arrow(contracts), pl.from_arrow(delivered)),
    ]:
        assert cs.entitlement_compliance_batch(c, d, "2026-06-30").to_dict() == p.to_dict()


def test_batch_agrees_with_the_cli(cs_binary: Path) -> None:
    contracts, delivered = example_tables()
    p = cs.entitlement_compliance_batch(contracts, delivered, D(2026, 6, 30))
    out = subprocess.run(
        [
            str(cs_binary),
            "compliance",
            str(DATA / "contracts.csv"),
            str(DATA / "delivered.csv"),
            "--as-of",
            "2026-06-30",
            "--json",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    doc = json.loads(out)
    assert doc["total"]["ratio"] == p.ratio
    assert doc["total"]["mean_account_ratio"] == p.mean_account_ratio
    assert doc["total"]["under_delivered_accounts"] == p.under_delivered_accounts
    for row, mine in zip(doc["accounts"], p.accounts.to_pylist(), strict=True):
        assert (row["account"], row["delivered"], row["overdue"], row["ratio"]) == (
            mine["account"],
            mine["delivered"],
            mine["overdue"],
            mine["ratio"],
        )


def test_batch_with_custom_packages_and_bad_rows() -> None:
    premier = cs.SuccessPackage.from_toml(PREMIER)
    contracts = {
        "account": [1, 2],
        "package": ["premier", "commerce"],
        "start": [D(2026, 1, 15), D(2026, 2, 1)],
        "renewal": [D(2027, 1, 15), D(2027, 2, 1)],
    }
    delivered = {
        "account": [1, 2],
        "date": [D(2026, 1, 25), D(2026, 2, 1)],
        "activity": ["kickoff", "csm_introduction"],
        "channel": ["on_site", "virtual_meeting"],
        "minutes": [90, 30],
    }
    p = cs.entitlement_compliance_batch(contracts, delivered, "2026-05-01", packages=premier)
    assert p.accounts.column("account").to_pylist() == [1, 2]  # keys keep their type
    assert p.report(1).delivered == 1 and p.report(1).overdue == 0
    assert p.minutes_with_customer == 120
    with pytest.raises(cs.CsError, match=re.escape('unknown success package "premier"')):
        cs.entitlement_compliance_batch(contracts, delivered, "2026-05-01")
    dup = {**contracts, "account": [1, 1]}
    with pytest.raises(cs.CsError, match=re.escape('duplicate account "1"')):
        cs.entitlement_compliance_batch(dup, delivered, "2026-05-01", packages=[premier])
    backwards = {**contracts, "renewal": [D(2027, 1, 15), D(2025, 1, 1)]}
    with pytest.raises(cs.CsError, match=re.escape("renewal date 2025-01-01 at position 1 is invalid")):
        cs.entitlement_compliance_batch(backwards, delivered, "2026-05-01", packages=[premier])
    stranger = {**delivered, "account": [1, 3]}
    with pytest.raises(cs.CsError, match=re.escape('delivery account "3" at position 1 is invalid')):
        cs.entitlement_compliance_batch(contracts, stranger, "2026-05-01", packages=[premier])


# --- time with the customer ---


def test_time_with_customer_per_month() -> None:
    log = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-01-20", "2026-03-02", "2026-03-09", "2026-03-10"]),
            "activity": ["kickoff", "check_in", "success_review", "feedback_monitoring"],
            "channel": ["on_site", "phone", "virtual_meeting", "internal"],
            "minutes": [90, 30, 45, 20],
            "participants": [4, 1, 2, 0],
        }
    )
    t = cs.time_with_customer(log)  # pandas in, pandas out
    assert isinstance(t, pd.DataFrame)
    assert t["period"].tolist() == ["2026-01", "2026-02", "2026-03"]
    # February had no contact (reported as 0); internal monitoring never counts.
    assert t["minutes"].tolist() == [90, 0, 75]
    assert t["touches"].tolist() == [1, 0, 2]
    assert t["participant_minutes"].tolist() == [360, 0, 30 + 90]
    q = cs.time_with_customer(pa.Table.from_pandas(log), "quarter", from_="2026-01-01", to="2026-06-30")
    assert q.column("minutes").to_pylist() == [165, 0]
    assert q.column("period_start").to_pylist() == [D(2026, 1, 1), D(2026, 4, 1)]
    with pytest.raises(cs.CsError, match=re.escape('unknown period "week"')):
        cs.time_with_customer(log, "week")
