"""Every setting the code reads, in one class.

Read from the environment (Azure app settings, or ``local.settings.json`` ``Values``
loaded by the host). An absent backing-service setting selects the embedded adapter, so
the whole system runs with no servers. Invalid values fail at first use with a message
that names the setting.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic.config import JsonDict
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.errors import ConfigurationError

# Every field says whether an Azure deployment sets it; tests/infra checks infra/bicep
# against these markers, so a new setting cannot be forgotten in the deployment.
IN_AZURE: JsonDict = {"azure": "required"}
"""The Bicep app settings must set it (a name, endpoint or mode Azure needs)."""
AZURE_OPTIONAL: JsonDict = {"azure": "optional"}
"""The default suits Azure; the Bicep app settings may set it."""
LOCAL_ONLY: JsonDict = {"azure": "local-only"}
"""Keys, local paths and local switches: the Bicep app settings must not set it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        case_sensitive=False, extra="ignore", frozen=True, populate_by_name=True
    )

    # --- general -------------------------------------------------------------------
    service_id: str = Field(
        "commerce-functions", alias="SERVICE_ID", json_schema_extra=AZURE_OPTIONAL
    )
    local_data_dir: Path = Field(
        Path(".local"), alias="LOCAL_DATA_DIR", json_schema_extra=LOCAL_ONLY
    )
    azure_client_id: str | None = Field(None, alias="AZURE_CLIENT_ID", json_schema_extra=IN_AZURE)

    # --- SQL (confighub) -----------------------------------------------------------
    sql_url: str = Field(
        "sqlite:///.local/confighub.db", alias="SQL_URL", json_schema_extra=IN_AZURE
    )
    sql_auth: Literal["password", "entra"] = Field(
        "password", alias="SQL_AUTH", json_schema_extra=IN_AZURE
    )
    sql_pool_size: int = Field(
        5, ge=1, le=100, alias="SQL_POOL_SIZE", json_schema_extra=AZURE_OPTIONAL
    )

    # --- Cosmos DB -----------------------------------------------------------------
    cosmos_endpoint: str | None = Field(
        None,
        validation_alias=AliasChoices("COSMOS_ENDPOINT", "CosmosConnection__accountEndpoint"),
        json_schema_extra=IN_AZURE,
    )
    cosmos_key: str | None = Field(None, alias="COSMOS_KEY", json_schema_extra=LOCAL_ONLY)
    cosmos_database: str = Field("commerce", alias="COSMOS_DATABASE", json_schema_extra=IN_AZURE)
    cosmos_verify_tls: bool = Field(True, alias="COSMOS_VERIFY_TLS", json_schema_extra=LOCAL_ONLY)
    cosmos_create_containers: bool = Field(
        False, alias="COSMOS_CREATE_CONTAINERS", json_schema_extra=LOCAL_ONLY
    )
    documents_path: Path | None = Field(None, alias="DOCUMENTS_PATH", json_schema_extra=LOCAL_ONLY)
    cosmos_container_leases: str = Field(
        "leases", alias="COSMOS_CONTAINER_LEASES", json_schema_extra=IN_AZURE
    )
    cosmos_container_inventory: str = Field(
        "inventory", alias="COSMOS_CONTAINER_INVENTORY", json_schema_extra=IN_AZURE
    )
    cosmos_container_ship_nodes: str = Field(
        "ship_nodes", alias="COSMOS_CONTAINER_SHIP_NODES", json_schema_extra=IN_AZURE
    )
    cosmos_container_reservations: str = Field(
        "reservations", alias="COSMOS_CONTAINER_RESERVATIONS", json_schema_extra=IN_AZURE
    )
    cosmos_container_inventory_audit: str = Field(
        "inventory_audit", alias="COSMOS_CONTAINER_INVENTORY_AUDIT", json_schema_extra=IN_AZURE
    )
    cosmos_container_carrier_services: str = Field(
        "carrier_services", alias="COSMOS_CONTAINER_CARRIER_SERVICES", json_schema_extra=IN_AZURE
    )
    cosmos_container_sourcing_rules: str = Field(
        "sourcing_rules", alias="COSMOS_CONTAINER_SOURCING_RULES", json_schema_extra=IN_AZURE
    )
    cosmos_container_products: str = Field(
        "products", alias="COSMOS_CONTAINER_PRODUCTS", json_schema_extra=IN_AZURE
    )

    # --- Cache ---------------------------------------------------------------------
    redis_url: str | None = Field(None, alias="REDIS_URL", json_schema_extra=LOCAL_ONLY)
    redis_host: str | None = Field(None, alias="REDIS_HOST", json_schema_extra=IN_AZURE)
    redis_port: int = Field(6380, alias="REDIS_PORT", json_schema_extra=IN_AZURE)
    redis_key_prefix: str = Field("", alias="REDIS_KEY_PREFIX", json_schema_extra=AZURE_OPTIONAL)
    cache_max_entries: int = Field(
        50_000, ge=1, alias="CACHE_MAX_ENTRIES", json_schema_extra=AZURE_OPTIONAL
    )

    # --- Event Hubs ----------------------------------------------------------------
    eventhub_namespace: str | None = Field(
        None,
        validation_alias=AliasChoices(
            "EVENTHUB_NAMESPACE", "EventHubConnection__fullyQualifiedNamespace"
        ),
        json_schema_extra=IN_AZURE,
    )
    eventhub_connection_string: str | None = Field(
        None, alias="EVENTHUB_CONNECTION_STRING", json_schema_extra=LOCAL_ONLY
    )
    hub_config_updates: str = Field(
        "confighub-config-update", alias="HUB_CONFIG_UPDATES", json_schema_extra=IN_AZURE
    )
    hub_inventory_updates: str = Field(
        "inventory-updates", alias="HUB_INVENTORY_UPDATES", json_schema_extra=IN_AZURE
    )
    hub_catalog_updates: str = Field(
        "product-catalog-updates", alias="HUB_CATALOG_UPDATES", json_schema_extra=IN_AZURE
    )
    hub_sourcing_updates: str = Field(
        "sourcing-options-updates", alias="HUB_SOURCING_UPDATES", json_schema_extra=IN_AZURE
    )

    # --- Security ------------------------------------------------------------------
    auth_mode: Literal["local", "entra"] = Field(
        "local", alias="AUTH_MODE", json_schema_extra=IN_AZURE
    )
    auth_local_signing_key: str | None = Field(
        None, alias="AUTH_LOCAL_SIGNING_KEY", json_schema_extra=LOCAL_ONLY
    )
    auth_tenant_id: str | None = Field(None, alias="AUTH_TENANT_ID", json_schema_extra=IN_AZURE)
    auth_audience: str | None = Field(None, alias="AUTH_AUDIENCE", json_schema_extra=IN_AZURE)

    # --- context settings (each context adds its own below) ---------------------------
    # confighub: default Spring label, env cache TTL, outbox relay, secret names, consumer
    confighub_default_label: str = Field(
        "main", alias="CONFIGHUB_DEFAULT_LABEL", json_schema_extra=AZURE_OPTIONAL
    )
    confighub_cache_ttl_seconds: int = Field(
        300, ge=1, alias="CONFIGHUB_CACHE_TTL_SECONDS", json_schema_extra=AZURE_OPTIONAL
    )
    confighub_relay_batch_size: int = Field(
        100, ge=1, le=1000, alias="CONFIGHUB_RELAY_BATCH_SIZE", json_schema_extra=AZURE_OPTIONAL
    )
    confighub_relay_lease_seconds: float = Field(
        60.0, gt=0, alias="CONFIGHUB_RELAY_LEASE_SECONDS", json_schema_extra=AZURE_OPTIONAL
    )
    confighub_secret_pattern: str = Field(
        r"(?i)(password|passwd|secret|token|credential|api[-_.]?key|private[-_.]?key)",
        alias="CONFIGHUB_SECRET_PATTERN",
        json_schema_extra=AZURE_OPTIONAL,
    )
    confighub_consumer_group: str = Field(
        "$Default", alias="CONFIGHUB_CONSUMER_GROUP", json_schema_extra=IN_AZURE
    )
    # inventory: default enterprise, display cap, cache TTL, reservation TTLs, expiry timer
    inventory_default_enterprise: str = Field(
        "BEAUTY_US", alias="INVENTORY_DEFAULT_ENTERPRISE", json_schema_extra=AZURE_OPTIONAL
    )
    inventory_display_cap: int = Field(
        50, ge=1, alias="INVENTORY_DISPLAY_CAP", json_schema_extra=AZURE_OPTIONAL
    )
    inventory_cache_ttl_seconds: int = Field(
        60, ge=1, alias="INVENTORY_CACHE_TTL_SECONDS", json_schema_extra=AZURE_OPTIONAL
    )
    inventory_reservation_default_ttl: int = Field(
        900, ge=1, alias="INVENTORY_RESERVATION_DEFAULT_TTL", json_schema_extra=AZURE_OPTIONAL
    )
    inventory_reservation_max_ttl: int = Field(
        86_400, ge=1, alias="INVENTORY_RESERVATION_MAX_TTL", json_schema_extra=AZURE_OPTIONAL
    )
    inventory_pending_timeout_seconds: int = Field(
        30, ge=1, alias="INVENTORY_PENDING_TIMEOUT_SECONDS", json_schema_extra=AZURE_OPTIONAL
    )
    inventory_expiry_schedule: str = Field(
        "0 */1 * * * *", alias="INVENTORY_EXPIRY_SCHEDULE", json_schema_extra=IN_AZURE
    )
    # catalog: GraphQL limits, cache TTLs, demo size, GraphiQL, shopping-context defaults
    catalog_max_cost: int = Field(
        1000, ge=1, alias="CATALOG_MAX_COST", json_schema_extra=AZURE_OPTIONAL
    )
    catalog_max_depth: int = Field(
        10, ge=2, alias="CATALOG_MAX_DEPTH", json_schema_extra=AZURE_OPTIONAL
    )
    catalog_cache_ttl_seconds: int = Field(
        3600, ge=1, alias="CATALOG_CACHE_TTL_SECONDS", json_schema_extra=AZURE_OPTIONAL
    )
    catalog_availability_ttl_seconds: int = Field(
        30, ge=0, alias="CATALOG_AVAILABILITY_TTL_SECONDS", json_schema_extra=AZURE_OPTIONAL
    )
    catalog_persisted_query_ttl_seconds: int = Field(
        2_592_000,
        ge=1,
        alias="CATALOG_PERSISTED_QUERY_TTL_SECONDS",
        json_schema_extra=AZURE_OPTIONAL,
    )
    catalog_seed_products: int = Field(
        2000, ge=0, alias="CATALOG_SEED_PRODUCTS", json_schema_extra=AZURE_OPTIONAL
    )
    catalog_graphiql_enabled: bool = Field(
        True, alias="CATALOG_GRAPHIQL_ENABLED", json_schema_extra=AZURE_OPTIONAL
    )
    catalog_default_enterprise: str = Field(
        "BEAUTY_US", alias="CATALOG_DEFAULT_ENTERPRISE", json_schema_extra=AZURE_OPTIONAL
    )
    catalog_default_currency: str = Field(
        "USD", alias="CATALOG_DEFAULT_CURRENCY", json_schema_extra=AZURE_OPTIONAL
    )
    catalog_consumer_group: str = Field(
        "$Default", alias="CATALOG_CONSUMER_GROUP", json_schema_extra=IN_AZURE
    )
    # commercetools (catalog source when CTP_PROJECT_KEY is set; the secret is a Key Vault
    # reference in Azure)
    ctp_project_key: str | None = Field(
        None, alias="CTP_PROJECT_KEY", json_schema_extra=AZURE_OPTIONAL
    )
    ctp_client_id: str | None = Field(None, alias="CTP_CLIENT_ID", json_schema_extra=AZURE_OPTIONAL)
    ctp_client_secret: SecretStr | None = Field(
        None, alias="CTP_CLIENT_SECRET", json_schema_extra=AZURE_OPTIONAL
    )
    ctp_auth_url: str = Field(
        "https://auth.europe-west1.gcp.commercetools.com",
        alias="CTP_AUTH_URL",
        json_schema_extra=AZURE_OPTIONAL,
    )
    ctp_api_url: str = Field(
        "https://api.europe-west1.gcp.commercetools.com",
        alias="CTP_API_URL",
        json_schema_extra=AZURE_OPTIONAL,
    )
    ctp_scopes: str = Field("", alias="CTP_SCOPES", json_schema_extra=AZURE_OPTIONAL)
    ctp_locale: str = Field("en-US", alias="CTP_LOCALE", json_schema_extra=AZURE_OPTIONAL)
    ctp_timeout_seconds: float = Field(
        5.0, gt=0, alias="CTP_TIMEOUT_SECONDS", json_schema_extra=AZURE_OPTIONAL
    )

    @field_validator("sql_url")
    @classmethod
    def _sql_url_scheme(cls, v: str) -> str:
        if not (v.startswith("sqlite:///") or v.startswith("mysql+pymysql://")):
            raise ValueError("must start with sqlite:/// or mysql+pymysql://")
        return v

    @field_validator("cosmos_endpoint", "redis_url", "redis_host", "eventhub_namespace")
    @classmethod
    def _blank_is_absent(cls, v: str | None) -> str | None:
        return v or None

    @property
    def documents_file(self) -> Path:
        return self.documents_path or self.local_data_dir / "documents.db"


def load_settings() -> Settings:
    """Parse the environment; a bad value raises ``ConfigurationError`` naming it."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '?'}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigurationError(f"invalid settings: {problems}") from None


_lock = threading.Lock()
_settings: Settings | None = None


def get_settings() -> Settings:
    global _settings
    with _lock:
        if _settings is None:
            _settings = load_settings()
        return _settings


def reset_settings() -> None:
    """Forget the parsed settings (tests, and the devhost after loading local settings)."""
    global _settings
    with _lock:
        _settings = None
