"""``local.settings.json`` and ``host.json`` as the devhost reads them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devhost.config import HostConfig, apply_local_settings, load_host_config
from devhost.index import RetrySpec
from shared.errors import ConfigurationError


def test_local_settings_fill_the_environment_but_the_environment_wins(tmp_path: Path) -> None:
    path = tmp_path / "local.settings.json"
    path.write_text(
        json.dumps(
            {
                "IsEncrypted": False,
                "Values": {"A": "from-file", "B": "from-file", "C": None},
                "Host": {"LocalHttpPort": 7072, "CORS": "http://a.test, http://b.test"},
            }
        )
    )
    env = {"B": "from-env"}
    loaded = apply_local_settings(path, env)
    assert env == {"A": "from-file", "B": "from-env", "C": ""}
    assert (loaded.applied, loaded.kept, loaded.port, loaded.cors) == (
        ("A", "C"),
        ("B",),
        7072,
        ("http://a.test", "http://b.test"),
    )


def test_missing_local_settings_change_nothing(tmp_path: Path) -> None:
    env: dict[str, str] = {}
    loaded = apply_local_settings(tmp_path / "absent.json", env)
    assert (env, loaded.applied, loaded.port) == ({}, (), None)


def test_bad_local_settings_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "local.settings.json"
    path.write_text("{not json")
    with pytest.raises(ConfigurationError, match=r"local\.settings\.json is not valid JSON"):
        apply_local_settings(path, {})


def test_project_host_json() -> None:
    config = load_host_config(Path(__file__).resolve().parents[2] / "host.json")
    assert config == HostConfig(
        route_prefix="api",
        max_event_batch_size=100,
        retry=RetrySpec(max_retries=3, first_delay=1.0, max_delay=15.0, exponential=True),
    )


@pytest.mark.parametrize(
    ("spec", "delays", "allows"),
    [
        (
            {
                "strategy": "exponentialBackoff",
                "maxRetryCount": 3,
                "minimumInterval": "00:00:01",
                "maximumInterval": "00:00:03",
            },
            [1.0, 2.0, 3.0],
            [True, True, True, False],
        ),
        (
            {"strategy": "fixed_delay", "max_retry_count": "2", "delay_interval": "00:00:05"},
            [5.0, 5.0, 5.0],
            [True, True, False, False],
        ),
        (
            {
                "strategy": "exponential_backoff",
                "max_retry_count": "-1",
                "minimum_interval": "00:00:00.5",
                "maximum_interval": "00:01:00",
            },
            [0.5, 1.0, 2.0],
            [True, True, True, True],
        ),
    ],
    ids=["host-json", "decorator-fixed", "forever"],
)
def test_retry_policies(spec: dict[str, object], delays: list[float], allows: list[bool]) -> None:
    retry = RetrySpec.from_dict(spec)
    assert [retry.delay(n) for n in (1, 2, 3)] == delays
    assert [retry.allows(n) for n in (1, 2, 3, 4)] == allows
