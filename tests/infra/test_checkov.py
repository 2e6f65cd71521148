"""checkov's Bicep checks: zero parsing errors, zero failures, every suppression explained.

Two checkov runs in all (it is slow to start): the real tree (session fixture) and one
deliberately broken copy.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.infra.checkov_run import CheckovReport, run_checkov
from tests.infra.conftest import BICEP

# Files whose resources checkov has checks for; a file missing here was silently skipped.
CHECKED_FILES = {
    "main.bicep",
    "modules/cosmos.bicep",
    "modules/eventHubs.bicep",
    "modules/functionApp.bicep",
    "modules/keyVault.bicep",
    "modules/keyVaultSecret.bicep",
    "modules/mysql.bicep",
    "modules/network.bicep",
    "modules/redis.bicep",
    "modules/storage.bicep",
}


def test_checkov_parses_every_file(checkov_report: CheckovReport) -> None:
    assert checkov_report.parsing_errors == []
    assert checkov_report.summary["parsing_errors"] == 0
    assert checkov_report.files() == CHECKED_FILES


def test_checkov_fails_nothing(checkov_report: CheckovReport) -> None:
    assert checkov_report.failures() == []
    assert checkov_report.summary["failed"] == 0
    assert checkov_report.summary["passed"] >= 45


def test_every_suppression_is_in_a_resource_body_with_a_reason(
    checkov_report: CheckovReport,
) -> None:
    reasons = {
        (c["check_id"], c["file_path"].lstrip("/")): c["check_result"]["suppress_comment"].strip()
        for c in checkov_report.skipped
    }
    assert sorted(reasons) == [
        ("CKV_AZURE_17", "modules/functionApp.bicep"),
        ("CKV_AZURE_206", "modules/storage.bicep"),
        ("CKV_AZURE_212", "modules/functionApp.bicep"),
        ("CKV_AZURE_213", "modules/functionApp.bicep"),
        ("CKV_AZURE_222", "modules/functionApp.bicep"),
        ("CKV_AZURE_225", "modules/functionApp.bicep"),
        ("CKV_AZURE_94", "modules/mysql.bicep"),
        ("CKV_AZURE_96", "modules/mysql.bicep"),
    ]
    short = {key: why for key, why in reasons.items() if len(why) < 40}
    assert short == {}


def test_a_public_network_rule_and_an_unparsable_file_are_caught(
    broken_copy: Callable[[str, str, str], Path],
) -> None:
    root = broken_copy(
        "modules/cosmos.bicep",
        "    publicNetworkAccess: 'Disabled'\n",
        "    publicNetworkAccess: 'Enabled'\n",
    )
    (root / "modules" / "unparsable.bicep").write_text(
        "resource x 'Microsoft.Storage/storageAccounts@2023-05-01' = {\n  name: \n"
    )
    report = run_checkov(root)
    assert [Path(p).name for p in report.parsing_errors] == ["unparsable.bicep"]
    assert report.summary["parsing_errors"] == 1
    assert report.failures() == [
        "CKV_AZURE_101 Microsoft.DocumentDB/databaseAccounts.account (/modules/cosmos.bicep): "
        "Ensure that Azure Cosmos DB disables public network access"
    ]
    assert BICEP.joinpath("modules/cosmos.bicep").read_text().count("'Enabled'") == 0
