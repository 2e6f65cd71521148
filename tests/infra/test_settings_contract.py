"""The settings contract: the Bicep provides what shared/settings.py and the triggers read.

Reads the code, not a copy: the markers on ``shared.settings.Settings`` fields, the
bindings of ``function_app.app``, and the partition keys of the contexts' ContainerSpecs.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

from shared.security import ALL_ROLES
from tests.infra import code_model, contract
from tests.infra.bicep_model import Template, Unknown


def test_every_setting_says_whether_azure_needs_it() -> None:
    assert contract.marker_problems() == []


def test_the_bicep_sets_every_setting_azure_needs_and_no_local_one(template: Template) -> None:
    assert contract.settings_problems(template) == []


def test_every_trigger_connection_and_binding_expression_is_provisioned(
    template: Template,
) -> None:
    assert contract.binding_problems(template) == []


def test_every_hub_and_consumer_group_exists(template: Template) -> None:
    assert contract.event_hub_problems(template) == []


def test_every_container_exists_with_the_code_partition_key(template: Template) -> None:
    assert contract.container_problems(template) == []


def test_the_app_roles_are_the_ones_the_code_checks(template: Template) -> None:
    roles = template.root().lookup("apiAppRoles")
    assert (sorted(roles), len(roles)) == (sorted(ALL_ROLES), len(set(roles)))


def test_only_carts_expire_and_by_their_own_ttl(template: Template) -> None:
    """A cart carries its own ``ttl`` (CHECKOUT_CART_TTL_SECONDS): Cosmos honours it only
    in a container with TTL on; -1 means no default, so nothing else ever expires."""
    ttls = {
        str(resource["id"]): resource.get("defaultTtl")
        for r in template.resources(contract.CONTAINER_TYPE)
        if (resource := r.scope.eval(r.config["properties"]["resource"]))
    }
    assert {name: ttl for name, ttl in ttls.items() if ttl is not None} == {"carts": -1}


def test_the_code_partition_keys_are_found() -> None:
    keys = code_model.code_partition_keys()
    assert keys.untraced == []
    assert set(keys.by_field) == set(code_model.container_fields()) - {"cosmos_container_leases"}


def test_identity_based_connections_use_the_app_identity(template: Template) -> None:
    app = template.app_settings()
    identity = Unknown("appIdentity.properties.clientId")
    assert {k: v for k, v in app.items() if k.endswith(("__clientId", "__credential"))} == {
        "AzureWebJobsStorage__clientId": identity,
        "AzureWebJobsStorage__credential": "managedidentity",
        "CosmosConnection__clientId": identity,
        "CosmosConnection__credential": "managedidentity",
        "EventHubConnection__clientId": identity,
        "EventHubConnection__credential": "managedidentity",
    }
    assert app["AZURE_CLIENT_ID"] == identity
    assert app["CosmosConnection__accountEndpoint"] == Unknown(
        "account.properties.documentEndpoint"
    )
    assert str(app["EventHubConnection__fullyQualifiedNamespace"]).endswith(
        ".servicebus.windows.net"
    )
    assert app["SQL_AUTH"] == "entra"
    # The MySQL user docs/deploy.md creates is the identity's name, and SQL_URL logs in as it.
    identity_name = template.root().lookup("names")["identity"]
    fqdn = Unknown("server.properties.fullyQualifiedDomainName")
    assert app["SQL_URL"] == f"mysql+pymysql://{identity_name}@{fqdn}:3306/confighub"
    assert app["AUTH_MODE"] == "entra"
    assert str(app["CTP_CLIENT_SECRET"]).startswith("@Microsoft.KeyVault(VaultName=")


def test_a_missing_container_is_caught(broken_copy: Callable[[str, str, str], Path]) -> None:
    root = broken_copy(
        "modules/cosmos.bicep",
        """  {
    setting: 'COSMOS_CONTAINER_RESERVATIONS'
    name: 'reservations'
    partitionKey: '/reservationId'
  }
""",
        "",
    )
    broken = Template(root / "main.bicep")
    assert contract.settings_problems(broken) == [
        "COSMOS_CONTAINER_RESERVATIONS (Settings.cosmos_container_reservations) is not set by "
        "the Bicep"
    ]


def test_a_wrong_partition_key_is_caught(broken_copy: Callable[[str, str, str], Path]) -> None:
    root = broken_copy("modules/cosmos.bicep", "partitionKey: '/itemId'", "partitionKey: '/id'")
    assert contract.container_problems(Template(root / "main.bicep")) == [
        "COSMOS_CONTAINER_INVENTORY: container inventory has partition key /id in the Bicep, "
        "the code uses /itemId"
    ]


def test_a_missing_consumer_group_is_caught(broken_copy: Callable[[str, str, str], Path]) -> None:
    root = broken_copy(
        "modules/eventHubs.bicep",
        """  {
    hub: 'confighub-config-update'
    name: 'confighub'
  }
""",
        "",
    )
    assert contract.event_hub_problems(Template(root / "main.bicep")) == [
        "invalidate_confighub_cache: consumer group confighub of hub confighub-config-update "
        "is not in the Bicep"
    ]


def test_a_declared_containers_mapping_is_authoritative() -> None:
    tree = ast.parse('PK = "/sku"\nCONTAINERS = {"cosmos_container_products": PK}\n')
    constants = code_model._module_constants(tree)
    assert code_model._declared_containers(tree, constants) == {"cosmos_container_products": "/sku"}
