"""Fixtures of the infrastructure checks: the parsed template and one checkov run."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.infra.bicep_model import Template
from tests.infra.checkov_run import CheckovReport, run_checkov

REPO = Path(__file__).resolve().parents[2]
BICEP = REPO / "infra" / "bicep"


@pytest.fixture(scope="session")
def template() -> Template:
    return Template(BICEP / "main.bicep")


@pytest.fixture(scope="session")
def checkov_report() -> CheckovReport:
    """checkov is slow to start: one run on the real tree serves every test."""
    return run_checkov(BICEP)


@pytest.fixture
def broken_copy(tmp_path: Path) -> Callable[[str, str, str], Path]:
    """Copy infra/bicep to tmp_path and replace one exact snippet in one file."""
    root = tmp_path / "bicep"
    shutil.copytree(BICEP, root)

    def breaker(relative: str, old: str, new: str) -> Path:
        path = root / relative
        text = path.read_text()
        assert text.count(old) == 1, f"{relative}: the snippet to break is not there once: {old!r}"
        path.write_text(text.replace(old, new))
        return root

    return breaker
