"""Settings: embedded defaults, fail-fast validation naming the setting, and docs in step."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from shared.errors import ConfigurationError
from shared.settings import Settings, load_settings, setting_names

ROOT = Path(__file__).resolve().parents[2]


def all_setting_names() -> list[str]:
    return [n for field in Settings.model_fields for n in setting_names(field)]


def primary_names() -> list[str]:
    """The first name of each setting (the others are Azure's connection aliases)."""
    return [setting_names(field)[0] for field in Settings.model_fields]


def test_empty_environment_selects_every_embedded_adapter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in all_setting_names():
        monkeypatch.delenv(name, raising=False)
    s = load_settings()
    assert (s.sql_url, s.sql_database_url) == (None, "sqlite:///.local/confighub.db")
    assert s.cosmos_endpoint is None
    assert s.redis_url is None and s.redis_host is None
    assert s.eventhub_namespace is None and s.eventhub_connection_string is None
    assert s.documents_file == Path(".local/documents.db")


def test_every_embedded_file_follows_local_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in all_setting_names():
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LOCAL_DATA_DIR", str(tmp_path / "data"))
    s = load_settings()
    assert s.sql_database_url == f"sqlite:///{tmp_path / 'data' / 'confighub.db'}"
    assert s.documents_file == tmp_path / "data" / "documents.db"
    monkeypatch.setenv("SQL_URL", "mysql+pymysql://root@127.0.0.1:3306/confighub")
    assert load_settings().sql_database_url == "mysql+pymysql://root@127.0.0.1:3306/confighub"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        pytest.param(
            "SQL_URL", "postgres://x", "SQL_URL: Value error, must start with", id="sql-scheme"
        ),
        pytest.param("SQL_POOL_SIZE", "lots", "SQL_POOL_SIZE: Input should be", id="int"),
        pytest.param(
            "AUTH_MODE", "ldap", "AUTH_MODE: Input should be 'local' or 'entra'", id="enum"
        ),
        pytest.param(
            "COSMOS_VERIFY_TLS", "perhaps", "COSMOS_VERIFY_TLS: Input should be", id="bool"
        ),
    ],
)
def test_invalid_setting_fails_fast_naming_it(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError) as info:
        load_settings()
    assert message in info.value.message


def test_identity_based_connection_names_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CosmosConnection__accountEndpoint", "https://acct.documents.azure.com:443/")
    monkeypatch.setenv("EventHubConnection__fullyQualifiedNamespace", "ns.servicebus.windows.net")
    s = load_settings()
    assert s.cosmos_endpoint == "https://acct.documents.azure.com:443/"
    assert s.eventhub_namespace == "ns.servicebus.windows.net"


def settings_doc(what: str) -> str:
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts/settings_doc.py"), what],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


def test_readme_table_is_the_one_the_code_generates() -> None:
    readme = (ROOT / "README.md").read_text()
    table = settings_doc("table").strip()
    assert table in readme
    assert [n for n in all_setting_names() if f"`{n}`" not in table] == []


def test_sample_settings_are_the_ones_the_code_generates() -> None:
    sample = (ROOT / "local.settings.sample.json").read_text()
    assert sample == settings_doc("sample")
    values = json.loads(sample)["Values"]
    assert [n for n in primary_names() if n not in values] == []


def test_sample_settings_select_the_embedded_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample's blank values mean "not set", so copying it changes nothing."""
    for name in all_setting_names():
        monkeypatch.delenv(name, raising=False)
    defaults = load_settings()
    for name, value in json.loads(settings_doc("sample"))["Values"].items():
        monkeypatch.setenv(name, value)
    assert load_settings() == defaults
