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

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
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
    # An empty value means "not set": local.settings.json lists every setting, most blank.
    model_config = SettingsConfigDict(
        case_sensitive=False,
        extra="ignore",
        frozen=True,
        populate_by_name=True,
        env_ignore_empty=True,
    )

    # --- general -------------------------------------------------------------------
    service_id: str = Field(
        "commerce-functions",
        description="`serviceId` stamped on every published event",
        json_schema_extra=AZURE_OPTIONAL,
    )
    local_data_dir: Path = Field(
        Path(".local"),
        description="where the embedded stores, the local signing key and leases live",
        json_schema_extra=LOCAL_ONLY,
    )
    azure_client_id: str | None = Field(
        None,
        description="client id of the app's user-assigned managed identity (Azure)",
        json_schema_extra=IN_AZURE,
    )

    # --- SQL (confighub) -----------------------------------------------------------
    sql_url: str | None = Field(
        None,
        description=(
            "ConfigHub database: `mysql+pymysql://user@host:3306/confighub?ssl_verify_cert=true` "
            "in Azure, or `sqlite:///...`; unset: `confighub.db` under `LOCAL_DATA_DIR` (embedded)"
        ),
        json_schema_extra=IN_AZURE,
    )
    sql_auth: Literal["password", "entra"] = Field(
        "password",
        description=(
            "`entra`: each MySQL connection uses a fresh Entra token of the managed identity as "
            "password; `password`: the URL's password (local servers only)"
        ),
        json_schema_extra=IN_AZURE,
    )
    sql_pool_size: int = Field(
        5,
        ge=1,
        le=100,
        description="SQLAlchemy connection pool size per worker",
        json_schema_extra=AZURE_OPTIONAL,
    )
    sql_connect_timeout_seconds: float = Field(
        5.0,
        gt=0,
        le=60,
        description=("how long opening a MySQL connection (or waiting for a pooled one) may take"),
        json_schema_extra=AZURE_OPTIONAL,
    )
    sql_read_timeout_seconds: float = Field(
        10.0,
        gt=0,
        le=300,
        description="how long one MySQL statement may wait for the server to answer or accept",
        json_schema_extra=AZURE_OPTIONAL,
    )

    # --- Cosmos DB -----------------------------------------------------------------
    cosmos_endpoint: str | None = Field(
        None,
        validation_alias=AliasChoices("COSMOS_ENDPOINT", "CosmosConnection__accountEndpoint"),
        description="Cosmos DB account endpoint; absent means the embedded document store",
        json_schema_extra=IN_AZURE,
    )
    cosmos_key: str | None = Field(
        None,
        description="account key, for local servers only (Azure uses the managed identity)",
        json_schema_extra=LOCAL_ONLY,
    )
    cosmos_database: str = Field(
        "commerce",
        description="Cosmos DB database name",
        json_schema_extra=IN_AZURE,
    )
    cosmos_verify_tls: bool = Field(
        True,
        description="`false` only for a local cosmosdb-server with its self-signed certificate",
        json_schema_extra=LOCAL_ONLY,
    )
    cosmos_timeout_seconds: float = Field(
        5.0,
        gt=0,
        le=120,
        description=(
            "how long one Cosmos DB request may wait to connect and for its answer "
            "(a slow local cosmosdb-server under load needs more)"
        ),
        json_schema_extra=AZURE_OPTIONAL,
    )
    cosmos_create_containers: bool = Field(
        False,
        description=(
            "create the database and containers on first use (local servers; in Azure the Bicep "
            "creates them)"
        ),
        json_schema_extra=LOCAL_ONLY,
    )
    documents_path: Path | None = Field(
        None,
        description="file of the embedded document store (default `LOCAL_DATA_DIR/documents.db`)",
        json_schema_extra=LOCAL_ONLY,
    )
    cosmos_container_leases: str = Field(
        "leases",
        description="lease container of the change-feed trigger (partition key `/id`)",
        json_schema_extra=IN_AZURE,
    )
    cosmos_container_inventory: str = Field(
        "inventory",
        description="stock per item and node (`/itemId`)",
        json_schema_extra=IN_AZURE,
    )
    cosmos_container_ship_nodes: str = Field(
        "ship_nodes",
        description="ship nodes (`/enterpriseCode`)",
        json_schema_extra=IN_AZURE,
    )
    cosmos_container_reservations: str = Field(
        "reservations",
        description="reservations (`/reservationId`)",
        json_schema_extra=IN_AZURE,
    )
    cosmos_container_inventory_audit: str = Field(
        "inventory_audit",
        description="inventory audit trail (`/referenceValue`)",
        json_schema_extra=IN_AZURE,
    )
    cosmos_container_carrier_services: str = Field(
        "carrier_services",
        description="carrier services and calendars (`/enterpriseCode`)",
        json_schema_extra=IN_AZURE,
    )
    cosmos_container_node_capacity: str = Field(
        "node_capacity",
        description="orders counted against each node's daily capacity (`/shipNode`)",
        json_schema_extra=AZURE_OPTIONAL,
    )
    cosmos_container_sourcing_rules: str = Field(
        "sourcing_rules",
        description="sourcing rules (`/enterpriseCode`)",
        json_schema_extra=IN_AZURE,
    )
    cosmos_container_carts: str = Field(
        "carts",
        description=(
            "shopping carts (`/cartId`; Cosmos TTL on, each cart's `ttl` from "
            "`CHECKOUT_CART_TTL_SECONDS`)"
        ),
        json_schema_extra=IN_AZURE,
    )
    cosmos_container_orders: str = Field(
        "orders",
        description="orders (`/orderId`); its change feed publishes the order events",
        json_schema_extra=IN_AZURE,
    )
    cosmos_container_products: str = Field(
        "products",
        description="local catalog source: products, categories, brands (`/pk`)",
        json_schema_extra=IN_AZURE,
    )

    # --- Cache ---------------------------------------------------------------------
    redis_url: str | None = Field(
        None,
        description=(
            "Redis URL with credentials, for local servers (`redis://127.0.0.1:6379/0`); absent "
            "with `REDIS_HOST` means the in-process cache"
        ),
        json_schema_extra=LOCAL_ONLY,
    )
    redis_host: str | None = Field(
        None,
        description=(
            "Azure Cache for Redis host name: TLS, Entra ID authentication with the managed "
            "identity"
        ),
        json_schema_extra=IN_AZURE,
    )
    redis_port: int = Field(
        6380, description="TLS port of `REDIS_HOST`", json_schema_extra=IN_AZURE
    )
    redis_key_prefix: str = Field(
        "",
        description="prefix of every cache key (to share one Redis between environments)",
        json_schema_extra=AZURE_OPTIONAL,
    )
    cache_max_entries: int = Field(
        50_000,
        ge=1,
        description="size bound of the in-process cache (LRU beyond it)",
        json_schema_extra=AZURE_OPTIONAL,
    )
    redis_timeout_seconds: float = Field(
        0.5,
        gt=0,
        le=10,
        description=(
            "how long one Redis command may wait to connect and for its answer; past it the "
            "call counts as a cache failure and the stores answer instead"
        ),
        json_schema_extra=AZURE_OPTIONAL,
    )
    cache_breaker_failures: int = Field(
        3,
        ge=1,
        description=(
            "consecutive Redis failures that open the cache's circuit: reads then go to the "
            "stores and writes skip the cache"
        ),
        json_schema_extra=AZURE_OPTIONAL,
    )
    cache_breaker_reset_seconds: float = Field(
        10.0,
        gt=0,
        description="how long an open cache circuit bypasses Redis before one call probes it",
        json_schema_extra=AZURE_OPTIONAL,
    )
    cache_write_around_max_keys: int = Field(
        10_000,
        ge=1,
        description=(
            "keys written around Redis during an outage that are remembered and repaired when "
            "it is back; past this many, every key under `REDIS_KEY_PREFIX` is dropped instead"
        ),
        json_schema_extra=AZURE_OPTIONAL,
    )

    # --- Event Hubs ----------------------------------------------------------------
    eventhub_namespace: str | None = Field(
        None,
        validation_alias=AliasChoices(
            "EVENTHUB_NAMESPACE", "EventHubConnection__fullyQualifiedNamespace"
        ),
        description=(
            "Event Hubs namespace (`<ns>.servicebus.windows.net`); absent means the local bus"
        ),
        json_schema_extra=IN_AZURE,
    )
    eventhub_connection_string: str | None = Field(
        None,
        description=(
            "connection string, for tooling outside Azure only (Azure uses the managed identity)"
        ),
        json_schema_extra=LOCAL_ONLY,
    )
    eventhub_send_timeout_seconds: float = Field(
        5.0,
        gt=0,
        le=120,
        description=(
            "longest one publish to Event Hubs may take (opening the link, retries, sends); the "
            "change feeds and the outbox timer retry what it could not send"
        ),
        json_schema_extra=AZURE_OPTIONAL,
    )
    events_inline_timeout_seconds: float = Field(
        1.0,
        gt=0,
        le=30,
        description=(
            "deadline of a publish made while a request waits (the after-commit outbox relay, "
            "sourcing's analytics event); the outbox timer sends what it leaves"
        ),
        json_schema_extra=AZURE_OPTIONAL,
    )
    eventhub_breaker_failures: int = Field(
        3,
        ge=1,
        description="consecutive failed publishes that open the Event Hubs circuit (fail fast)",
        json_schema_extra=AZURE_OPTIONAL,
    )
    eventhub_breaker_reset_seconds: float = Field(
        30.0,
        gt=0,
        description="how long an open Event Hubs circuit fails fast before one publish probes it",
        json_schema_extra=AZURE_OPTIONAL,
    )
    hub_config_updates: str = Field(
        "confighub-config-update",
        description="hub of ConfigHub change events",
        json_schema_extra=IN_AZURE,
    )
    hub_inventory_updates: str = Field(
        "inventory-updates",
        description="hub of inventory events",
        json_schema_extra=IN_AZURE,
    )
    hub_catalog_updates: str = Field(
        "product-catalog-updates",
        description="hub of catalog change events",
        json_schema_extra=IN_AZURE,
    )
    hub_sourcing_updates: str = Field(
        "sourcing-options-updates",
        description="hub of sourcing answers (no personal data)",
        json_schema_extra=IN_AZURE,
    )

    hub_order_updates: str = Field(
        "order-updates",
        description="hub of order events (`OrderPlaced`, `OrderCancelled`; no address or card)",
        json_schema_extra=IN_AZURE,
    )

    # --- Security ------------------------------------------------------------------
    auth_mode: Literal["local", "entra"] = Field(
        "local",
        description=(
            "`entra`: bearer tokens are Entra ID access tokens with app roles; `local`: tokens "
            "signed with the local key"
        ),
        json_schema_extra=IN_AZURE,
    )
    auth_local_signing_key: str | None = Field(
        None,
        description="local HS256 signing key (default: generated once under `LOCAL_DATA_DIR`)",
        json_schema_extra=LOCAL_ONLY,
    )
    auth_tenant_id: str | None = Field(
        None,
        description="Entra tenant whose keys sign the tokens (`AUTH_MODE=entra`)",
        json_schema_extra=IN_AZURE,
    )
    auth_audience: str | None = Field(
        None,
        description=(
            "expected token audience: the app registration's Application ID URI or client id"
        ),
        json_schema_extra=IN_AZURE,
    )

    # --- context settings (each context adds its own below) ---------------------------
    # confighub: default Spring label, env cache TTL, outbox relay, secret names, consumer
    confighub_default_label: str = Field(
        "main",
        description="label used when a request names none",
        json_schema_extra=AZURE_OPTIONAL,
    )
    confighub_cache_ttl_seconds: int = Field(
        300,
        ge=1,
        description="lifetime of cached Spring environments (writes and events invalidate sooner)",
        json_schema_extra=AZURE_OPTIONAL,
    )
    confighub_relay_batch_size: int = Field(
        100,
        ge=1,
        le=1000,
        description="outbox rows the relay publishes per pass",
        json_schema_extra=AZURE_OPTIONAL,
    )
    confighub_relay_lease_seconds: float = Field(
        60.0,
        gt=0,
        description="how long one relay holds the outbox before another may take over",
        json_schema_extra=AZURE_OPTIONAL,
    )
    confighub_secret_pattern: str = Field(
        r"(?i)(password|passwd|secret|token|credential|api[-_.]?key|private[-_.]?key)",
        description=(
            "property names matching this regular expression are secrets: masked in CRUD answers,"
            " audit and events"
        ),
        json_schema_extra=AZURE_OPTIONAL,
    )
    confighub_consumer_group: str = Field(
        "$Default",
        description="consumer group of the cache-invalidation trigger",
        json_schema_extra=IN_AZURE,
    )
    # sourcing: unit weight default, where the free-shipping thresholds are configured
    sourcing_default_weight_grams: int = Field(
        250,
        ge=1,
        le=100_000,
        description=(
            "parcel weight of one unit whose line and catalog variant name none (rate tables "
            "price by weight)"
        ),
        json_schema_extra=AZURE_OPTIONAL,
    )
    sourcing_max_candidates: int = Field(
        100,
        ge=1,
        le=10_000,
        description=(
            "beyond this many nodes a cart considers its nearest this many and every "
            "distribution centre (all nodes when they cannot cover it)"
        ),
        json_schema_extra=AZURE_OPTIONAL,
    )
    sourcing_config_application: str = Field(
        "sourcing",
        description=(
            "ConfigHub application whose `sourcing.free-shipping.<LEVEL>` properties set the "
            "free-shipping thresholds"
        ),
        json_schema_extra=AZURE_OPTIONAL,
    )
    sourcing_config_profile: str = Field(
        "default",
        description="ConfigHub profile sourcing reads its properties under (`prod` in Azure)",
        json_schema_extra=AZURE_OPTIONAL,
    )
    sourcing_consumer_group: str = Field(
        "$Default",
        description="consumer group of sourcing's capacity counter (order events)",
        json_schema_extra=IN_AZURE,
    )
    # inventory: default enterprise, display cap, cache TTL, reservation TTLs, expiry timer
    inventory_default_enterprise: str = Field(
        "BEAUTY_US",
        description="enterprise used when a request names none",
        json_schema_extra=AZURE_OPTIONAL,
    )
    inventory_display_cap: int = Field(
        50,
        ge=1,
        description="highest quantity the anonymous availability API shows",
        json_schema_extra=AZURE_OPTIONAL,
    )
    inventory_cache_ttl_seconds: int = Field(
        60,
        ge=1,
        description="lifetime of cached availability (the change feed refreshes sooner)",
        json_schema_extra=AZURE_OPTIONAL,
    )
    inventory_reservation_default_ttl: int = Field(
        900,
        ge=1,
        description="seconds a hold lasts when the request gives no `ttlSeconds`",
        json_schema_extra=AZURE_OPTIONAL,
    )
    inventory_reservation_max_ttl: int = Field(
        86_400,
        ge=1,
        description="longest hold a request may ask for",
        json_schema_extra=AZURE_OPTIONAL,
    )
    inventory_pending_timeout_seconds: int = Field(
        30,
        ge=1,
        description=(
            "after this, a reservation attempt that crashed midway is undone by the expiry timer"
        ),
        json_schema_extra=AZURE_OPTIONAL,
    )
    inventory_expiry_schedule: str = Field(
        "0 */1 * * * *",
        description="NCRONTAB schedule of the reservation expiry timer",
        json_schema_extra=IN_AZURE,
    )
    # catalog: GraphQL limits, cache TTLs, demo size, GraphiQL, shopping-context defaults
    catalog_max_cost: int = Field(
        1000,
        ge=1,
        description="highest GraphQL query cost accepted (variables taken into account)",
        json_schema_extra=AZURE_OPTIONAL,
    )
    catalog_max_depth: int = Field(
        10,
        ge=2,
        description="deepest GraphQL selection accepted",
        json_schema_extra=AZURE_OPTIONAL,
    )
    catalog_cache_ttl_seconds: int = Field(
        3600,
        ge=1,
        description="lifetime of cached products, categories and brands (events refresh sooner)",
        json_schema_extra=AZURE_OPTIONAL,
    )
    catalog_stale_if_error_seconds: int = Field(
        21_600,
        ge=0,
        description=(
            "how long past its lifetime a cached product is still served when the catalog "
            "source fails (stale-if-error; the GraphQL answer says so in `extensions`); 0: never"
        ),
        json_schema_extra=AZURE_OPTIONAL,
    )
    catalog_availability_ttl_seconds: int = Field(
        30,
        ge=0,
        description=(
            "lifetime of availability cached by the catalog (`InventoryChanged` refreshes sooner)"
        ),
        json_schema_extra=AZURE_OPTIONAL,
    )
    catalog_persisted_query_ttl_seconds: int = Field(
        2_592_000,
        ge=1,
        description="lifetime of registered persisted queries",
        json_schema_extra=AZURE_OPTIONAL,
    )
    catalog_seed_products: int = Field(
        2000,
        ge=0,
        description="products the demo seed generates",
        json_schema_extra=AZURE_OPTIONAL,
    )
    catalog_graphiql_enabled: bool = Field(
        True,
        description="serve the GraphiQL explorer on `GET /api/graphql` (off in Azure)",
        json_schema_extra=AZURE_OPTIONAL,
    )
    catalog_default_enterprise: str = Field(
        "BEAUTY_US",
        description="enterprise for availability and promises when a query gives no `@inContext`",
        json_schema_extra=AZURE_OPTIONAL,
    )
    catalog_default_currency: str = Field(
        "USD",
        description="currency of prices when a query gives no `@inContext`",
        json_schema_extra=AZURE_OPTIONAL,
    )
    catalog_consumer_group: str = Field(
        "$Default",
        description="consumer group of the catalog's cache triggers",
        json_schema_extra=IN_AZURE,
    )
    # checkout: what carts sell in, how long carts and holds last, the repair timer
    checkout_enterprise: str = Field(
        "BEAUTY_US",
        description="enterprise whose stock, holds and delivery options carts use",
        json_schema_extra=AZURE_OPTIONAL,
    )
    checkout_currency: str = Field(
        "USD",
        pattern=r"^[A-Z]{3}$",
        description="currency of cart prices (ISO 4217; the catalog's price in it)",
        json_schema_extra=AZURE_OPTIONAL,
    )
    checkout_cart_ttl_seconds: int = Field(
        2_592_000,
        ge=3600,
        description="seconds after its last write an abandoned cart is deleted (Cosmos TTL)",
        json_schema_extra=AZURE_OPTIONAL,
    )
    checkout_hold_seconds: int = Field(
        900,
        ge=60,
        description=(
            "how long a checkout's stock hold lasts after the shopper's last step (each step "
            "extends it)"
        ),
        json_schema_extra=AZURE_OPTIONAL,
    )
    checkout_hold_max_seconds: int = Field(
        3600,
        ge=60,
        description=(
            "longest a checkout keeps its hold however active the shopper (at least "
            "`CHECKOUT_HOLD_SECONDS`, at most `INVENTORY_RESERVATION_MAX_TTL`)"
        ),
        json_schema_extra=AZURE_OPTIONAL,
    )
    checkout_pending_timeout_seconds: int = Field(
        30,
        ge=1,
        description=(
            "after this, an order placement or cancellation that stopped midway is finished "
            "by the repair timer"
        ),
        json_schema_extra=AZURE_OPTIONAL,
    )
    checkout_repair_schedule: str = Field(
        "0 */1 * * * *",
        description="NCRONTAB schedule of the order repair timer",
        json_schema_extra=IN_AZURE,
    )
    # commercetools (catalog source when CTP_PROJECT_KEY is set; the secret is a Key Vault
    # reference in Azure)
    ctp_project_key: str | None = Field(
        None,
        description=(
            "commercetools project; when set (with the client), the catalog reads commercetools "
            "instead of the local source"
        ),
        json_schema_extra=AZURE_OPTIONAL,
    )
    ctp_client_id: str | None = Field(
        None,
        description="commercetools API client id",
        json_schema_extra=AZURE_OPTIONAL,
    )
    ctp_client_secret: SecretStr | None = Field(
        None,
        description="commercetools API client secret (a Key Vault reference in Azure)",
        json_schema_extra=AZURE_OPTIONAL,
    )
    ctp_auth_url: str = Field(
        "https://auth.europe-west1.gcp.commercetools.com",
        description="commercetools OAuth2 host of the project's region",
        json_schema_extra=AZURE_OPTIONAL,
    )
    ctp_api_url: str = Field(
        "https://api.europe-west1.gcp.commercetools.com",
        description="commercetools API host of the project's region",
        json_schema_extra=AZURE_OPTIONAL,
    )
    ctp_scopes: str = Field(
        "",
        description="OAuth2 scopes to ask for (default: the client's own)",
        json_schema_extra=AZURE_OPTIONAL,
    )
    ctp_locale: str = Field(
        "en-US",
        description="locale of names and descriptions read from commercetools",
        json_schema_extra=AZURE_OPTIONAL,
    )
    ctp_timeout_seconds: float = Field(
        5.0,
        gt=0,
        description=(
            "deadline of one commercetools read, retries included (each attempt gets what is "
            "left of it)"
        ),
        json_schema_extra=AZURE_OPTIONAL,
    )

    @field_validator("sql_url")
    @classmethod
    def _sql_url_scheme(cls, v: str | None) -> str | None:
        if v is not None and not (v.startswith("sqlite:///") or v.startswith("mysql+pymysql://")):
            raise ValueError("must start with sqlite:/// or mysql+pymysql://")
        return v

    @field_validator("checkout_hold_max_seconds")
    @classmethod
    def _hold_bounds(cls, v: int, info: ValidationInfo) -> int:
        """A checkout's hold is an inventory reservation: it must fit inventory's limit."""
        hold = info.data.get("checkout_hold_seconds", v)
        most = info.data.get("inventory_reservation_max_ttl", v)
        if not hold <= v <= most:
            raise ValueError(
                f"must be from CHECKOUT_HOLD_SECONDS ({hold}) to INVENTORY_RESERVATION_MAX_TTL "
                f"({most})"
            )
        return v

    @property
    def sql_database_url(self) -> str:
        """``SQL_URL``, or the embedded database beside the other embedded files."""
        return self.sql_url or f"sqlite:///{self.local_data_dir / 'confighub.db'}"

    @property
    def documents_file(self) -> Path:
        return self.documents_path or self.local_data_dir / "documents.db"


def setting_names(field_name: str) -> list[str]:
    """The environment names a field is read from: its upper-cased name, or each of its
    alias choices (Azure's identity-based connection names), the primary one first."""
    info = Settings.model_fields[field_name]
    if isinstance(info.validation_alias, AliasChoices):
        return [str(c) for c in info.validation_alias.choices]
    return [field_name.upper()]


def _setting_name(loc: tuple[int | str, ...]) -> str:
    """The environment name of an error's location: a field's upper-cased name, or the
    alias (a connection setting such as ``CosmosConnection__accountEndpoint``) as is."""
    path = ".".join(str(p) for p in loc) or "?"
    return path.upper() if loc and loc[0] in Settings.model_fields else path


def load_settings() -> Settings:
    """Parse the environment; a bad value raises ``ConfigurationError`` naming it."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(f"{_setting_name(err['loc'])}: {err['msg']}" for err in exc.errors())
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
