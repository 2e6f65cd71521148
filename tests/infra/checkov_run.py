"""Runs checkov's Bicep checks offline and returns its JSON report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHECKOV = Path(sys.executable).with_name("checkov")


@dataclass(frozen=True)
class CheckovReport:
    summary: dict[str, Any]
    failed: list[dict[str, Any]]
    passed: list[dict[str, Any]]
    skipped: list[dict[str, Any]]
    parsing_errors: list[str]

    def failures(self) -> list[str]:
        return [
            f"{c['check_id']} {c['resource']} ({c['file_path']}): {c['check_name']}"
            for c in self.failed
        ]

    def files(self) -> set[str]:
        """Files that produced at least one check result (passed, failed or skipped)."""
        return {c["file_path"].lstrip("/") for c in [*self.failed, *self.passed, *self.skipped]}


def run_checkov(directory: Path) -> CheckovReport:
    """``checkov -d DIR --framework bicep -o json``, offline (no guideline download)."""
    env = {**os.environ, "LOG_LEVEL": "ERROR"}
    proc = subprocess.run(
        [
            str(CHECKOV),
            "-d",
            str(directory),
            "--framework",
            "bicep",
            "-o",
            "json",
            "--skip-download",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
        check=False,
    )
    if proc.returncode not in (0, 1):
        raise AssertionError(f"checkov crashed ({proc.returncode}): {proc.stderr[-2000:]}")
    data = json.loads(proc.stdout)
    if isinstance(data, list):
        (data,) = [d for d in data if d.get("check_type") == "bicep"]
    results = data.get("results", {})
    return CheckovReport(
        summary=data["summary"],
        failed=results.get("failed_checks", []),
        passed=results.get("passed_checks", []),
        skipped=results.get("skipped_checks", []),
        parsing_errors=list(results.get("parsing_errors", [])),
    )
