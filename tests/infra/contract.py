"""The settings contract between the code and the Bicep templates, as lists of problems.

Each function returns human-readable problems (empty when the contract holds), so a test
on the real tree asserts ``== []`` and shows every problem at once, and a test on a
deliberately broken copy asserts the exact problem it expects.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tests.infra import code_model
from tests.infra.bicep_model import Template, Unknown

MANAGED_IDENTITY = "managedidentity"

# Settings the Functions host and the Python worker read (not shared/settings.py).
# <Name>__* of a trigger connection is allowed separately.
HOST_SETTINGS = {
    "APPLICATIONINSIGHTS_CONNECTION_STRING",
    "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
    "PYTHON_APPLICATIONINSIGHTS_ENABLE_TELEMETRY",
    "AzureWebJobsStorage__accountName",
    "AzureWebJobsStorage__credential",
    "AzureWebJobsStorage__clientId",
}

# The Flex Consumption plan rejects these (runtime and content come from functionAppConfig),
# and a connection string or key in an app setting is exactly what the design forbids.
FORBIDDEN_SETTINGS = {
    "FUNCTIONS_WORKER_RUNTIME",
    "FUNCTIONS_EXTENSION_VERSION",
    "WEBSITE_RUN_FROM_PACKAGE",
    "WEBSITE_CONTENTSHARE",
    "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
    "AzureWebJobsStorage",
    "EventHubConnection",
    "CosmosConnection",
}

# The identity-based connection each trigger type needs: <connection>__<service key>.
SERVICE_KEY = {
    "eventHubTrigger": "fullyQualifiedNamespace",
    "cosmosDBTrigger": "accountEndpoint",
}


def resolve(value: Any, app_settings: Mapping[str, Any]) -> Any:
    """A binding value as the host sees it: ``%NAME%`` is the app setting NAME."""
    if isinstance(value, str) and value.startswith("%") and value.endswith("%"):
        return app_settings.get(value.strip("%"), Unknown(f"unset {value}"))
    return value


# --- settings.py markers -------------------------------------------------------------
def marker_problems() -> list[str]:
    allowed = {"required", "optional", "local-only"}
    return [
        f"shared/settings.py field {name} has no azure marker "
        f"(json_schema_extra=IN_AZURE, AZURE_OPTIONAL or LOCAL_ONLY); found {marker!r}"
        for name, info in code_model.fields().items()
        if (marker := code_model.azure_marker(info)) not in allowed
    ]


def settings_problems(template: Template) -> list[str]:
    app = template.app_settings()
    problems: list[str] = []
    known: set[str] = set()
    for name, info in code_model.fields().items():
        names = code_model.setting_names(info, name)
        known.update(names)
        marker = code_model.azure_marker(info)
        present = [n for n in names if n in app]
        if marker == "required" and not present:
            problems.append(f"{' or '.join(names)} (Settings.{name}) is not set by the Bicep")
        if marker == "local-only" and present:
            problems.append(f"{present[0]} (Settings.{name}) is local-only but the Bicep sets it")
        for n in present:
            value = app[n]
            if code_model.is_secret(info) and not str(value).startswith("@Microsoft.KeyVault("):
                problems.append(f"{n} is a secret but its value is not a Key Vault reference")
    connections = {
        str(b.values["connection"])
        for b in code_model.trigger_bindings()
        if "connection" in b.values
    }
    for n in app:
        if n in FORBIDDEN_SETTINGS:
            problems.append(f"app setting {n} must not be set (Flex Consumption or a secret)")
        elif n not in known and n not in HOST_SETTINGS and n.split("__")[0] not in connections:
            problems.append(f"app setting {n} is read by nothing (not in shared/settings.py)")
    return problems


# --- triggers ------------------------------------------------------------------------
def binding_problems(template: Template) -> list[str]:
    app = template.app_settings()
    client_id = app.get("AZURE_CLIENT_ID")
    problems: list[str] = []
    for b in code_model.trigger_bindings():
        for name in b.expressions():
            if name not in app:
                problems.append(f"{b.function}: %{name}% is not an app setting in the Bicep")
        connection = b.values.get("connection")
        if connection is None:
            continue
        key = SERVICE_KEY.get(b.type)
        if key is None:
            problems.append(f"{b.function}: no rule for the connection of a {b.type} binding")
            continue
        for suffix in (key, "credential", "clientId"):
            if f"{connection}__{suffix}" not in app:
                problems.append(
                    f"{b.function}: connection {connection} lacks {connection}__{suffix}"
                )
        if app.get(f"{connection}__credential", MANAGED_IDENTITY) != MANAGED_IDENTITY:
            problems.append(f"{b.function}: {connection}__credential is not {MANAGED_IDENTITY}")
        if f"{connection}__clientId" in app and app[f"{connection}__clientId"] != client_id:
            problems.append(f"{b.function}: {connection}__clientId is not the app identity")
    return problems


def event_hub_problems(template: Template) -> list[str]:
    app = template.app_settings()
    hubs = bicep_hubs(template)
    groups = bicep_consumer_groups(template)
    problems: list[str] = []
    readers: dict[tuple[str, str], str] = {}
    for b in code_model.trigger_bindings():
        if b.type != "eventHubTrigger":
            continue
        hub = resolve(b.values.get("eventHubName"), app)
        group = resolve(b.values.get("consumerGroup", "$Default"), app)
        if hub not in hubs:
            problems.append(f"{b.function}: event hub {hub} is not in the Bicep")
            continue
        if group != "$Default" and (hub, group) not in groups:
            problems.append(
                f"{b.function}: consumer group {group} of hub {hub} is not in the Bicep"
            )
        other = readers.setdefault((str(hub), str(group)), b.function)
        if other != b.function:
            problems.append(
                f"{b.function} and {other} both read hub {hub} through consumer group {group}"
            )
    for name, info in code_model.hub_fields().items():
        for setting in code_model.setting_names(info, name):
            value = app.get(setting)
            if value is not None and value not in hubs:
                problems.append(f"{setting} names hub {value}, which the Bicep does not create")
    return problems


def container_problems(template: Template) -> list[str]:
    app = template.app_settings()
    containers = bicep_containers(template)
    databases = bicep_databases(template)
    code_keys = code_model.code_partition_keys()
    problems = [
        f"ContainerSpec at {where}: cannot trace its settings field" for where in code_keys.untraced
    ]
    for name, info in code_model.container_fields().items():
        setting = code_model.setting_names(info, name)[0]
        container = app.get(setting)
        if container is None:
            continue  # settings_problems names the missing setting
        if name == "cosmos_container_leases":
            expected = {"/id"}  # the Functions runtime requires it of the lease container
        else:
            expected = code_keys.by_field.get(name, set())
        if len(expected) != 1:
            problems.append(
                f"{setting}: the code declares partition keys {sorted(expected)}; expected one "
                f"(declare CONTAINERS = {{'{name}': '/path'}} in the context)"
            )
            continue
        if container not in containers:
            problems.append(f"{setting}: container {container} is not in the Bicep")
        elif containers[container] != next(iter(expected)):
            problems.append(
                f"{setting}: container {container} has partition key {containers[container]} "
                f"in the Bicep, the code uses {next(iter(expected))}"
            )
    leases_seen: dict[tuple[Any, Any, Any], str] = {}
    for b in code_model.trigger_bindings():
        if b.type != "cosmosDBTrigger":
            continue
        database = resolve(b.values.get("databaseName"), app)
        if database not in databases:
            problems.append(f"{b.function}: database {database} is not in the Bicep")
        for key in ("containerName", "leaseContainerName"):
            container = resolve(b.values.get(key, "leases"), app)
            if container not in containers:
                problems.append(f"{b.function}: {key} {container} is not in the Bicep")
        lease = (
            resolve(b.values.get("containerName"), app),
            resolve(b.values.get("leaseContainerName", "leases"), app),
            b.values.get("leaseContainerPrefix", ""),
        )
        other = leases_seen.setdefault(lease, b.function)
        if other != b.function:
            problems.append(f"{b.function} and {other} share leases; give one a lease prefix")
    return problems


# --- what the Bicep provisions -------------------------------------------------------
CONTAINER_TYPE = "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers"


def bicep_containers(template: Template) -> dict[str, str]:
    """Container name -> partition key path."""
    out: dict[str, str] = {}
    for r in template.resources(CONTAINER_TYPE):
        resource = r.scope.eval(r.config["properties"]["resource"])
        paths = resource["partitionKey"]["paths"]
        out[str(resource["id"])] = paths[0] if len(paths) == 1 else ",".join(paths)
    return out


def bicep_databases(template: Template) -> set[str]:
    return {
        str(r.scope.eval(r.config["name"]))
        for r in template.resources("Microsoft.DocumentDB/databaseAccounts/sqlDatabases")
    }


def bicep_hubs(template: Template) -> set[str]:
    return {
        str(r.scope.eval(r.config["name"]))
        for r in template.resources("Microsoft.EventHub/namespaces/eventhubs")
    }


def bicep_consumer_groups(template: Template) -> set[tuple[str, str]]:
    """(hub, group) pairs; the resource name is namespace/hub/group."""
    out: set[tuple[str, str]] = set()
    for r in template.resources("Microsoft.EventHub/namespaces/eventhubs/consumergroups"):
        parts = str(r.scope.eval(r.config["name"])).split("/")
        out.add((parts[-2], parts[-1]))
    return out
