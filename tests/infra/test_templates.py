"""Every Bicep file parses; parameter files, names, outputs and azure.yaml fit main.bicep."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.infra.bicep_model import Template, parse
from tests.infra.conftest import BICEP, REPO

BICEP_FILES = sorted(BICEP.rglob("*.bicep"))
PARAMETER_FILES = ["main.parameters.json", "main.parameters.dev.json", "main.parameters.prod.json"]


def test_the_template_has_every_module() -> None:
    names = sorted(p.relative_to(BICEP).as_posix() for p in BICEP_FILES)
    assert names == [
        "main.bicep",
        "modules/cosmos.bicep",
        "modules/eventHubs.bicep",
        "modules/functionApp.bicep",
        "modules/keyVault.bicep",
        "modules/keyVaultSecret.bicep",
        "modules/monitoring.bicep",
        "modules/mysql.bicep",
        "modules/network.bicep",
        "modules/privateEndpoint.bicep",
        "modules/redis.bicep",
        "modules/storage.bicep",
    ]


@pytest.mark.parametrize("path", BICEP_FILES, ids=lambda p: p.relative_to(BICEP).as_posix())
def test_bicep_file_parses(path: Path) -> None:
    data = parse(path)
    assert data.get("resources") or data.get("modules"), f"{path.name} declares nothing"


def test_an_unparsable_file_raises(tmp_path: Path) -> None:
    broken = tmp_path / "broken.bicep"
    broken.write_text("resource x 'Microsoft.Storage/storageAccounts@2023-05-01' = {\n  name: \n")
    with pytest.raises(Exception, match="Unexpected"):
        parse(broken)


def _main_parameters() -> dict[str, Any]:
    return dict(parse(BICEP / "main.bicep")["parameters"])


def _is_secure(param: dict[str, Any]) -> bool:
    return any(d["type"] == "secure" for d in param["decorators"])


@pytest.mark.parametrize("name", PARAMETER_FILES)
def test_parameter_file_names_only_declared_parameters(name: str) -> None:
    given = json.loads((BICEP / name).read_text())["parameters"]
    unknown = sorted(set(given) - set(_main_parameters()))
    assert unknown == []


@pytest.mark.parametrize("name", ["main.parameters.dev.json", "main.parameters.prod.json"])
def test_environment_file_sets_every_required_parameter_but_secrets(name: str) -> None:
    given = json.loads((BICEP / name).read_text())["parameters"]
    required = {
        n for n, p in _main_parameters().items() if p.get("default") is None and not _is_secure(p)
    }
    assert sorted(required - set(given)) == []
    assert not any(_is_secure(_main_parameters()[n]) for n in given), "secrets in a file"
    assert given["environmentName"]["value"] == name.split(".")[2]


def test_azd_parameter_file_sets_every_required_parameter() -> None:
    given = json.loads((BICEP / "main.parameters.json").read_text())["parameters"]
    required = {n for n, p in _main_parameters().items() if p.get("default") is None}
    assert sorted(required - set(given)) == []
    assert given["environmentName"]["value"] == "${AZURE_ENV_NAME}"


def test_names_come_from_prefix_and_unique_string(template: Template) -> None:
    names = template.root().lookup("names")
    token_expr = parse(BICEP / "main.bicep")["variables"]["token"]["value"]
    assert token_expr["function"]["type"] == "to_lower"
    inner = token_expr["function"]["parameters"]["string_to_change"]["function"]
    assert inner["type"] == "unique_string"
    seeds = [
        p["function"]["type"] if isinstance(p, dict) else p for p in inner["parameters"].values()
    ]
    assert seeds == ["subscription", "resource_group", "environmentName"]
    token = str(template.root().lookup("token"))
    assert {k: v.replace(token, "<u>") for k, v in names.items()} == {
        "identity": "id-commerce-<u>",
        "mysqlIdentity": "id-commerce-mysql-<u>",
        "vnet": "vnet-commerce-<u>",
        "logAnalytics": "log-commerce-<u>",
        "appInsights": "appi-commerce-<u>",
        "storage": "stcommerce<u>",
        "cosmos": "cosmos-commerce-<u>",
        "mysql": "mysql-commerce-<u>",
        "redis": "redis-commerce-<u>",
        "eventHubs": "evhns-commerce-<u>",
        "keyVault": "kvcommerce<u>",
        "plan": "plan-commerce-<u>",
        "functionApp": "func-commerce-<u>",
    }


def test_outputs_give_every_endpoint() -> None:
    outputs = parse(BICEP / "main.bicep")["outputs"]
    assert sorted(outputs) == [
        "API_APP_ROLES",
        "APPLICATIONINSIGHTS_NAME",
        "APP_IDENTITY_CLIENT_ID",
        "APP_IDENTITY_NAME",
        "AZURE_FUNCTION_APP_NAME",
        "COSMOS_ENDPOINT",
        "EVENTHUB_NAMESPACE",
        "FUNCTION_APP_URL",
        "KEY_VAULT_URI",
        "MYSQL_HOST",
        "MYSQL_IDENTITY_PRINCIPAL_ID",
        "MYSQL_SERVER_NAME",
        "REDIS_HOST",
    ]


def test_azure_yaml_deploys_main_bicep_to_the_function_app(template: Template) -> None:
    manifest = yaml.safe_load((REPO / "azure.yaml").read_text())
    infra = manifest["infra"]
    assert (REPO / infra["path"] / f"{infra['module']}.bicep") == BICEP / "main.bicep"
    assert manifest["services"] == {
        "api": {"project": ".", "language": "python", "host": "function"}
    }
    (site,) = template.resources("Microsoft.Web/sites")
    tags = site.scope.eval(site.config["tags"])
    assert tags["azd-service-name"] == "api"
