"""What Azure receives: the deployed code's imports and requirements.txt match exactly, and
``.funcignore`` keeps the local host, tests and tools out of the package.

A library the app imports but only requirements-dev.txt names works on every developer
machine and fails in Azure at the first call that needs it; a tool in requirements.txt
is installed on every worker for nothing. Both directions are checked here.
"""

from __future__ import annotations

import ast
import importlib.metadata as md
import re
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOYED = ("function_app.py", "functions", "shared")

USED_WITHOUT_IMPORT = {
    "pymysql": "SQLAlchemy's MySQL driver, named by SQL_URL (mysql+pymysql://)",
    "azure-monitor-opentelemetry": (
        "the Python worker configures it when PYTHON_APPLICATIONINSIGHTS_ENABLE_TELEMETRY"
        " is true (host.json telemetryMode OpenTelemetry); our code never imports it, so"
        " importing function_app stays free of exporter threads and I/O"
    ),
}
"""Runtime requirements that the code reaches through another library, never by import."""


def _requirement_names(path: Path) -> set[str]:
    names = set()
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.add(_normalise(re.split(r"[\[<>=!~ ;]", line, maxsplit=1)[0]))
    return names


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _deployed_files() -> list[Path]:
    files: list[Path] = []
    for entry in DEPLOYED:
        path = ROOT / entry
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return files


def _third_party_imports() -> set[str]:
    modules: set[str] = set()
    for path in _deployed_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module)
    return {
        m
        for m in modules
        if m.split(".")[0] not in sys.stdlib_module_names
        and m.split(".")[0] not in {"shared", "functions"}
    }


@cache
def _module_owners() -> dict[str, str]:
    """Package (``azure.cosmos``, ``yaml``) -> the distribution that installs it; namespace
    packages such as ``azure`` are resolved one level down."""
    owners: dict[str, str] = {}
    for dist in md.distributions():
        for file in dist.files or ():
            parts = file.parts
            if parts[-1] == "__init__.py" and 1 < len(parts) <= 3:
                owners.setdefault(".".join(parts[:-1]), _normalise(dist.metadata["Name"]))
            elif len(parts) == 1 and parts[0].endswith(".py"):
                owners.setdefault(parts[0][:-3], _normalise(dist.metadata["Name"]))
    return owners


def _owner(module: str) -> str:
    parts = module.split(".")
    for size in range(len(parts), 0, -1):
        owner = _module_owners().get(".".join(parts[:size]))
        if owner is not None:
            return owner
    raise AssertionError(f"no installed distribution provides {module}")


def test_every_library_the_app_imports_is_a_runtime_requirement() -> None:
    runtime = _requirement_names(ROOT / "requirements.txt")
    missing = sorted(
        f"{module} ({_owner(module)})"
        for module in _third_party_imports()
        if _owner(module) not in runtime
    )
    assert missing == []


def test_every_runtime_requirement_is_used_by_the_app() -> None:
    imported = {_owner(module) for module in _third_party_imports()}
    unused = sorted(
        _requirement_names(ROOT / "requirements.txt") - imported - set(USED_WITHOUT_IMPORT)
    )
    assert unused == []


def test_dev_requirements_add_only_tools_on_top_of_the_runtime() -> None:
    dev = (ROOT / "requirements-dev.txt").read_text()
    assert dev.splitlines()[0] == "-r requirements.txt"
    runtime = _requirement_names(ROOT / "requirements.txt")
    assert sorted(_requirement_names(ROOT / "requirements-dev.txt") & runtime) == []


@pytest.mark.parametrize(
    "path",
    [
        "tests/",
        "devhost/",
        "bench/",
        "docs/",
        "infra/",
        "scripts/",
        "node_modules/",
        ".venv/",
        ".local/",
        "local.settings.json",
        "requirements-dev.txt",
    ],
)
def test_funcignore_leaves_out_what_is_not_the_app(path: str) -> None:
    ignored = (ROOT / ".funcignore").read_text().splitlines()
    assert path in ignored


@pytest.mark.parametrize(
    "path", ["function_app.py", "functions/", "shared/", "host.json", "requirements.txt"]
)
def test_funcignore_keeps_the_app(path: str) -> None:
    ignored = [line for line in (ROOT / ".funcignore").read_text().splitlines() if line]
    assert [line for line in ignored if path.startswith(line.rstrip("*"))] == []
