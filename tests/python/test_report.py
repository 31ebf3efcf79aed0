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
