"""Platform rules on the evaluated template: private data services, no keys, Entra only."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.infra import policy
from tests.infra.bicep_model import Template


def test_no_data_service_is_reachable_from_the_internet(template: Template) -> None:
    assert policy.network_problems(template) == []


def test_every_data_service_has_a_private_endpoint(template: Template) -> None:
    assert policy.private_endpoint_groups(template) == {
        "blob",
        "queue",
        "table",
        "Sql",
        "mysqlServer",
        "redisCache",
        "namespace",
        "vault",
    }


def test_keys_are_off_tls_is_on_and_the_runtime_is_python_311(template: Template) -> None:
    assert policy.property_problems(template) == []


def test_the_app_identity_holds_every_data_role(template: Template) -> None:
    assert policy.role_ids(template) == set(policy.ROLES)
    (cosmos_role,) = template.resources("Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments")
    role = str(cosmos_role.scope.eval(cosmos_role.config["properties"]["roleDefinitionId"]))
    assert role.endswith("/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002")
    (redis_access,) = template.resources("Microsoft.Cache/redis/accessPolicyAssignments")
    assert redis_access.scope.eval(redis_access.config["properties"]["accessPolicyName"]) == (
        "Data Contributor"
    )
    (admin,) = template.resources("Microsoft.DBforMySQL/flexibleServers/administrators")
    assert admin.scope.eval(admin.config["properties"]["administratorType"]) == "ActiveDirectory"


def test_a_public_firewall_rule_is_caught(broken_copy: Callable[[str, str, str], Path]) -> None:
    rule = """
resource anyone 'Microsoft.DBforMySQL/flexibleServers/firewallRules@2023-12-30' = {
  parent: server
  name: 'anyone'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '255.255.255.255'
  }
}

module endpoint"""
    root = broken_copy("modules/mysql.bicep", "\nmodule endpoint", rule)
    assert policy.network_problems(Template(root / "main.bicep")) == [
        "Microsoft.DBforMySQL/flexibleServers/firewallRules anyone: "
        "public firewall rule '0.0.0.0'-'255.255.255.255'"
    ]


def test_a_storage_key_is_caught(broken_copy: Callable[[str, str, str], Path]) -> None:
    root = broken_copy(
        "modules/storage.bicep", "allowSharedKeyAccess: false", "allowSharedKeyAccess: true"
    )
    assert policy.property_problems(Template(root / "main.bicep")) == [
        "Microsoft.Storage/storageAccounts account: properties.allowSharedKeyAccess is True, "
        "expected False"
    ]


def test_telemetry_goes_out_as_opentelemetry_with_the_identity(template: Template) -> None:
    """Issue 7: Application Insights on OpenTelemetry. The host switches with host.json,
    the Python worker with its app setting and the distro in requirements.txt, and
    ingestion authenticates with the managed identity (local auth is off)."""
    root = Path(__file__).resolve().parents[2]
    host = json.loads((root / "host.json").read_text())
    settings = template.app_settings()
    assert host["telemetryMode"] == "OpenTelemetry"
    assert settings["PYTHON_APPLICATIONINSIGHTS_ENABLE_TELEMETRY"] == "true"
    assert "azure-monitor-opentelemetry" in (root / "requirements.txt").read_text()
    assert str(settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]).endswith("Authorization=AAD")
