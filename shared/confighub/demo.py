"""Demo configuration: what the retailer's services read, for ``make run``.

Four applications (``application`` is shared by all), a base layer plus ``dev`` and
``prod`` overrides, on labels ``main`` and ``release``: a few hundred typed properties.
Seeding creates only the keys that are missing, so running it twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol, TypeVar

from shared.confighub.model import Actor, ConfigDraft, GroupDraft, ValType
from shared.confighub.service import ConfigHubService
from shared.errors import Conflict

T = TypeVar("T")
SEED_ACTOR = Actor(subject="demo-seed")
LABELS = ("main", "release")
GROUPS = ("platform", "catalog", "inventory", "sourcing", "storefront")

# (prop, type, base value, dev value or None, prod value or None, group, ui_consume)
Template = tuple[str, ValType, str, str | None, str | None, str, bool]

_S, _I, _D, _B, _J, _L, _T, _U = (
    ValType.STRING,
    ValType.INT,
    ValType.DECIMAL,
    ValType.BOOLEAN,
    ValType.JSON,
    ValType.LIST,
    ValType.DURATION,
    ValType.URL,
)

SHARED: list[Template] = [
    ("retailer.name", _S, "Maison Beauté", None, None, "platform", True),
    ("retailer.currency", _S, "USD", None, None, "platform", True),
    ("retailer.locales", _L, "en-US,fr-FR,es-US", "en-US", None, "storefront", True),
    ("logging.level.root", _S, "INFO", "DEBUG", "WARN", "platform", False),
    ("logging.level.com.retailer", _S, "INFO", "DEBUG", "INFO", "platform", False),
    ("management.endpoints.web.exposure.include", _L, "health,info", "*", None, "platform", False),
    ("server.shutdown", _S, "graceful", None, None, "platform", False),
    ("http.client.connect-timeout", _T, "PT2S", "PT5S", "PT1S", "platform", False),
    ("http.client.read-timeout", _T, "PT5S", "PT30S", "PT3S", "platform", False),
    ("http.client.max-connections", _I, "200", "20", "400", "platform", False),
    ("resilience.retry.max-attempts", _I, "3", "1", "3", "platform", False),
    ("resilience.circuit-breaker.failure-rate", _D, "50.0", None, "25.0", "platform", False),
    ("tracing.sampling.probability", _D, "0.1", "1.0", "0.05", "platform", False),
    (
        "feature.flags",
        _J,
        '{"newCheckout": false, "virtualTryOn": true}',
        '{"newCheckout": true, "virtualTryOn": true}',
        None,
        "storefront",
        True,
    ),
    (
        "storefront.base-url",
        _U,
        "https://www.maison-beaute.example",
        "https://dev.maison-beaute.example",
        None,
        "storefront",
        True,
    ),
    ("storefront.support-email", _S, "care@maison-beaute.example", None, None, "storefront", True),
]

OMNI_PRODUCT: list[Template] = [
    ("catalog.page-size", _I, "24", "12", "48", "catalog", True),
    ("catalog.max-page-size", _I, "200", None, None, "catalog", False),
    ("catalog.default-sort", _S, "bestselling", None, None, "catalog", True),
    ("catalog.facets", _L, "brand,category,skinType,finish,price", None, None, "catalog", True),
    ("catalog.cache.ttl", _T, "PT5M", "PT10S", "PT15M", "catalog", False),
    ("catalog.cache.enabled", _B, "true", "false", "true", "catalog", False),
    (
        "catalog.images.cdn-url",
        _U,
        "https://img.maison-beaute.example",
        "https://img-dev.maison-beaute.example",
        None,
        "catalog",
        True,
    ),
    ("catalog.images.sizes", _L, "96,320,640,1280", None, None, "catalog", True),
    ("catalog.search.fuzzy", _B, "true", None, None, "catalog", False),
    ("catalog.search.min-score", _D, "0.35", "0.1", "0.4", "catalog", False),
    ("catalog.reviews.enabled", _B, "true", None, None, "catalog", True),
    ("catalog.badges", _J, '{"new": 30, "bestseller": 500}', None, None, "catalog", True),
    ("commercetools.project-key", _S, "maison-beaute", "maison-beaute-dev", None, "catalog", False),
    (
        "commercetools.api-url",
        _U,
        "https://api.us-central1.gcp.commercetools.com",
        None,
        None,
        "catalog",
        False,
    ),
    ("commercetools.client-secret", _S, "change-me", "dev-secret", "vault-ref", "catalog", False),
    ("graphql.max-depth", _I, "12", None, "10", "catalog", False),
    ("graphql.max-complexity", _I, "2000", "10000", "1500", "catalog", False),
    ("graphql.introspection", _B, "false", "true", "false", "catalog", False),
]

INVENTORY: list[Template] = [
    ("inventory.safety-stock.default", _I, "2", "0", "3", "inventory", False),
    ("inventory.safety-stock.store", _I, "1", "0", "2", "inventory", False),
    ("inventory.low-stock-threshold", _I, "5", None, None, "inventory", True),
    ("inventory.reservation.ttl", _T, "PT15M", "PT2M", "PT20M", "inventory", False),
    ("inventory.reservation.max-lines", _I, "50", None, None, "inventory", False),
    ("inventory.expiry.sweep-batch", _I, "500", "50", "1000", "inventory", False),
    ("inventory.availability.cache.ttl", _T, "PT30S", "PT5S", "PT30S", "inventory", False),
    ("inventory.nodes.bopis-enabled", _B, "true", None, None, "inventory", True),
    ("inventory.nodes.ship-from-store", _B, "true", "true", "false", "inventory", False),
    ("inventory.events.batch-size", _I, "100", "10", "250", "inventory", False),
    ("inventory.audit.retention", _T, "P90D", "P7D", "P365D", "inventory", False),
    ("inventory.supply.types", _L, "ONHAND,INTRANSIT,PO", None, None, "inventory", False),
    (
        "inventory.dg.restricted-nodes",
        _J,
        '["STORE-0420", "STORE-0777"]',
        "[]",
        None,
        "inventory",
        False,
    ),
    ("cosmos.preferred-regions", _L, "East US 2,Central US", "East US 2", None, "inventory", False),
    ("cosmos.max-retry-wait", _T, "PT30S", None, None, "inventory", False),
    ("cosmos.account-key", _S, "unused-with-managed-identity", None, None, "inventory", False),
]

SOURCING: list[Template] = [
    ("sourcing.max-splits", _I, "2", "3", "2", "sourcing", False),
    ("sourcing.max-nodes-considered", _I, "25", "10", "40", "sourcing", False),
    ("sourcing.prefer-store-fulfilment", _B, "false", None, "true", "sourcing", False),
    ("sourcing.distance.unit", _S, "MILES", None, None, "sourcing", True),
    ("sourcing.distance.max", _D, "1500.0", None, None, "sourcing", False),
    ("sourcing.cutoff.default", _S, "14:00", None, None, "sourcing", True),
    ("sourcing.cutoff.timezone", _S, "America/New_York", None, None, "sourcing", False),
    (
        "sourcing.carriers.enabled",
        _L,
        "UPS_GROUND,UPS_2DAY,UPS_NDA",
        "UPS_GROUND",
        None,
        "sourcing",
        True,
    ),
    ("sourcing.promise.buffer", _T, "P1D", "PT0S", "P1D", "sourcing", False),
    ("sourcing.promise.show-range", _B, "true", None, None, "sourcing", True),
    (
        "sourcing.weights",
        _J,
        '{"distance": 0.6, "cost": 0.3, "capacity": 0.1}',
        None,
        '{"distance": 0.5, "cost": 0.4, "capacity": 0.1}',
        "sourcing",
        False,
    ),
    (
        "sourcing.rate-card.url",
        _U,
        "https://rates.carrier.example/v2",
        "https://sandbox.rates.carrier.example/v2",
        None,
        "sourcing",
        False,
    ),
    ("sourcing.rate-card.api-key", _S, "rk-demo", "rk-dev", None, "sourcing", False),
    ("sourcing.cache.ttl", _T, "PT1M", "PT5S", "PT2M", "sourcing", False),
    ("sourcing.free-shipping.STANDARD", _D, "35.00", None, None, "sourcing", True),
    ("sourcing.free-shipping.TWO_DAY", _D, "150.00", None, "200.00", "sourcing", True),
]

APPLICATIONS: dict[str, list[Template]] = {
    "application": SHARED,
    "omni-product": OMNI_PRODUCT,
    "inventory-availability": INVENTORY,
    "sourcing": SOURCING,
}


def demo_drafts(group_ids: dict[str, int]) -> Iterator[ConfigDraft]:
    """Every demo property; ``release`` carries the same keys as ``main``."""
    for label in LABELS:
        for application, templates in APPLICATIONS.items():
            for prop, val_type, base, dev, prod, group, ui in templates:
                for profile, val in ((None, base), ("dev", dev), ("prod", prod)):
                    if val is None:
                        continue
                    yield ConfigDraft(
                        application=application,
                        profile=profile,
                        label=label,
                        prop=prop,
                        val=val,
                        val_type=val_type,
                        config_group_id=group_ids[group],
                        ui_consume=ui,
                        description=f"demo: {group} setting",
                    )


class _Registry(Protocol):
    def confighub(self) -> ConfigHubService: ...


class _Progress(Protocol):
    def note(self, message: str) -> None: ...

    def track(
        self, items: Iterable[T], description: str, total: int | None = None
    ) -> Iterator[T]: ...


def _existing_keys(service: ConfigHubService) -> set[tuple[str, str | None, str, str]]:
    keys: set[tuple[str, str | None, str, str]] = set()
    token: str | None = None
    while True:
        page = service.list_configs({}, 500, token)
        keys.update((c.application, c.profile, c.label, c.prop) for c in page.items)
        token = page.continuation_token
        if token is None:
            return keys


def seed_confighub(registry: _Registry, progress: _Progress) -> None:
    service = registry.confighub()
    groups = {g.group_name: g.config_group_id for g in service.groups.list_groups()}
    for name in GROUPS:
        if name not in groups:
            try:
                groups[name] = service.groups.create_group(
                    GroupDraft(group_name=name)
                ).config_group_id
            except Conflict:
                groups = {g.group_name: g.config_group_id for g in service.groups.list_groups()}
    existing = _existing_keys(service)
    drafts = [
        d
        for d in demo_drafts(groups)
        if (d.application, d.profile, d.label or "", d.prop) not in existing
    ]
    for draft in progress.track(drafts, "confighub properties", total=len(drafts)):
        try:
            service.create_config(draft, SEED_ACTOR)
        except Conflict:
            continue
    progress.note(f"confighub: {len(drafts)} properties created, {len(existing)} already there")
