"""Shared fixtures of the Python tests."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def cs_binary() -> Path:
    """The `cs` binary, built (debug) if needed, so Python results can be checked against Rust."""
    subprocess.run(["cargo", "build", "--quiet", "-p", "cs-cli"], cwd=ROOT, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
    return (ROOT / target if not target.is_absolute() else target) / "debug" / "cs"
