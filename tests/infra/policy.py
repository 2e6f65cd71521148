"""The platform rules checkov does not state for Bicep: no public data path, no keys.

Each function returns problems (empty when the rule holds) for one ``Template``.
"""

from __future__ import annotations

from typing import Any

from tests.infra.bicep_model import ResourceInstance, Template

# Resource types whose public network access must be disabled (reached by private
# endpoints). The Function app itself is the public API and is exempt.
PRIVATE_TYPES = (
    "Microsoft.Storage/storageAccounts",
    "Microsoft.DocumentDB/databaseAccounts",
    "Microsoft.EventHub/namespaces",
    "Microsoft.Cache/redis",
    "Microsoft.KeyVault/vaults",
)

FIREWALL_RULE_TYPES = (
    "Microsoft.DBforMySQL/flexibleServers/firewallRules",
    "Microsoft.EventHub/namespaces/networkRuleSets",
    "Microsoft.Cache/redis/firewallRules",
)

# (resource type, property path, required value): keys off, Entra on, TLS only.
REQUIRED_PROPERTIES: tuple[tuple[str, str, Any], ...] = (
    ("Microsoft.Storage/storageAccounts", "properties.allowSharedKeyAccess", False),
    ("Microsoft.Storage/storageAccounts", "properties.allowBlobPublicAccess", False),
    ("Microsoft.Storage/storageAccounts", "properties.minimumTlsVersion", "TLS1_2"),
    ("Microsoft.DocumentDB/databaseAccounts", "properties.disableLocalAuth", True),
    ("Microsoft.DocumentDB/databaseAccounts", "properties.minimalTlsVersion", "Tls12"),
    ("Microsoft.EventHub/namespaces", "properties.disableLocalAuth", True),
    ("Microsoft.EventHub/namespaces", "properties.minimumTlsVersion", "1.2"),
    ("Microsoft.Cache/redis", "properties.enableNonSslPort", False),
    ("Microsoft.Cache/redis", "properties.disableAccessKeyAuthentication", True),
    ("Microsoft.Cache/redis", "properties.minimumTlsVersion", "1.2"),
    ("Microsoft.Cache/redis", "properties.redisConfiguration.aad-enabled", "true"),
    ("Microsoft.KeyVault/vaults", "properties.enableRbacAuthorization", True),
    ("Microsoft.KeyVault/vaults", "properties.enablePurgeProtection", True),
    ("Microsoft.DBforMySQL/flexibleServers", "properties.network.publicNetworkAccess", "Disabled"),
    ("Microsoft.Insights/components", "properties.DisableLocalAuth", True),
    ("Microsoft.Web/sites", "properties.httpsOnly", True),
    ("Microsoft.Web/sites", "identity.type", "UserAssigned"),
    ("Microsoft.Web/sites", "properties.functionAppConfig.runtime.name", "python"),
    ("Microsoft.Web/sites", "properties.functionAppConfig.runtime.version", "3.11"),
    (
        "Microsoft.Web/sites",
        "properties.functionAppConfig.deployment.storage.authentication.type",
        "UserAssignedIdentity",
    ),
    ("Microsoft.Web/serverfarms", "sku.tier", "FlexConsumption"),
    ("Microsoft.Web/serverfarms", "sku.name", "FC1"),
)

# MySQL server parameters that must be ON.
MYSQL_PARAMETERS = ("require_secure_transport", "aad_auth_only")

# Built-in roles the app identity needs, by resource it is scoped to.
ROLES = {
    "b7e6dc6d-f1e8-4753-8033-0f276bb0955b": "Storage Blob Data Owner",
    "974c5e8b-45b9-4653-ba55-5f855dd0fb88": "Storage Queue Data Contributor",
    "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3": "Storage Table Data Contributor",
    "2b629674-e913-4c01-ae53-ef4638d8f975": "Azure Event Hubs Data Sender",
    "a638d3c7-ab3a-418d-83e6-5f17a39d4fde": "Azure Event Hubs Data Receiver",
    "4633458b-17de-408a-b874-0445c86b69e6": "Key Vault Secrets User",
    "3913510d-42f4-4e42-8a64-420c390055eb": "Monitoring Metrics Publisher",
}


def _get(instance: ResourceInstance, path: str) -> Any:
    value: Any = instance.config
    for key in path.split("."):
        if isinstance(value, dict) and f"'{key}'" in value:
            key = f"'{key}'"  # noqa: PLW2901 - a quoted Bicep key
        if not isinstance(value, dict) or key not in value:
            return _Missing()
        value = value[key]
    return instance.scope.eval(value)


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


def _name(instance: ResourceInstance) -> str:
    return f"{instance.type} {instance.symbol}"


def network_problems(template: Template) -> list[str]:
    problems: list[str] = []
    for type_ in PRIVATE_TYPES:
        for r in template.resources(type_):
            access = _get(r, "properties.publicNetworkAccess")
            if access != "Disabled":
                problems.append(f"{_name(r)}: publicNetworkAccess is {access!r}, not 'Disabled'")
            acls = _get(r, "properties.networkAcls")
            if isinstance(acls, dict) and acls.get("defaultAction") != "Deny":
                problems.append(f"{_name(r)}: networkAcls.defaultAction is not 'Deny'")
            rules = _get(r, "properties.ipRules")
            if isinstance(rules, list) and rules:
                problems.append(f"{_name(r)}: has IP rules {rules!r}")
    for type_ in FIREWALL_RULE_TYPES:
        for r in template.resources(type_):
            start = _get(r, "properties.startIpAddress")
            end = _get(r, "properties.endIpAddress")
            problems.append(f"{_name(r)}: public firewall rule {start!r}-{end!r}")
    return problems


def private_endpoint_groups(template: Template) -> set[str]:
    groups: set[str] = set()
    for r in template.resources("Microsoft.Network/privateEndpoints"):
        for connection in _get(r, "properties.privateLinkServiceConnections"):
            groups.update(connection["properties"]["groupIds"])
    return groups


def property_problems(template: Template) -> list[str]:
    problems: list[str] = []
    for type_, path, expected in REQUIRED_PROPERTIES:
        instances = template.resources(type_)
        if not instances:
            problems.append(f"no {type_} in the template")
        for r in instances:
            actual = _get(r, path)
            if actual != expected:
                problems.append(f"{_name(r)}: {path} is {actual!r}, expected {expected!r}")
    configured = {
        str(r.scope.eval(r.config["name"])): _get(r, "properties.value")
        for r in template.resources("Microsoft.DBforMySQL/flexibleServers/configurations")
    }
    for parameter in MYSQL_PARAMETERS:
        if configured.get(parameter) != "ON":
            problems.append(f"MySQL server parameter {parameter} is {configured.get(parameter)!r}")
    return problems


def role_ids(template: Template) -> set[str]:
    ids: set[str] = set()
    for r in template.resources("Microsoft.Authorization/roleAssignments"):
        ids.add(str(_get(r, "properties.roleDefinitionId")).rsplit("/", 1)[-1])
    return ids
