"""ConfigHub models: what the service takes and returns, camelCase on the wire."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import ConfigDict, Field

from shared.wire import WireModel

MAX_PAGE = 500


class ValType(StrEnum):
    STRING = "STRING"
    INT = "INT"
    DECIMAL = "DECIMAL"
    BOOLEAN = "BOOLEAN"
    JSON = "JSON"
    LIST = "LIST"
    DURATION = "DURATION"
    URL = "URL"


class AuditOperation(StrEnum):
    CREATE = "CREATE"
    UPDATE = "UPDATE"
    DELETE = "DELETE"
    ROLLBACK = "ROLLBACK"


class _Model(WireModel):
    """ConfigHub data: the shared wire conventions."""


class _Command(_Model):
    """Request bodies: unknown fields are a 400, so a typo never silently does nothing."""

    model_config = ConfigDict(extra="forbid")


class ConfigDraft(_Command):
    """A new property. ``label`` defaults to the hub's default label (``main``)."""

    application: str = Field(min_length=1, max_length=128)
    profile: str | None = Field(None, max_length=128)
    label: str | None = Field(None, max_length=128)
    prop: str = Field(min_length=1, max_length=255)
    val: str = Field(max_length=1_000_000)
    val_type: ValType = ValType.STRING
    description: str | None = Field(None, max_length=1024)
    config_group_id: int | None = None
    ui_consume: bool = False
    reason: str | None = Field(None, max_length=1024)


class ConfigChange(_Command):
    """A change of the mutable part of a property; its key never changes. A field left
    out keeps its stored value (``valType`` too, so a value edit cannot retype a
    property); an explicit ``null`` clears ``description`` or ``configGroupId``."""

    val: str = Field(max_length=1_000_000)
    val_type: ValType | None = None
    description: str | None = Field(None, max_length=1024)
    config_group_id: int | None = None
    ui_consume: bool = False
    reason: str | None = Field(None, max_length=1024)


class RollbackRequest(_Command):
    audit_id: int
    reason: str | None = Field(None, max_length=1024)


class GroupDraft(_Command):
    group_name: str = Field(min_length=1, max_length=128, pattern=r"^\S(.*\S)?$")


class Config(_Model):
    config_id: int
    application: str
    profile: str | None
    label: str
    prop: str
    val: str
    val_type: ValType
    description: str | None
    config_group_id: int | None
    ui_consume: bool
    secret: bool = False
    version: int
    updated_by: str
    create_dttm: datetime
    update_dttm: datetime


class ConfigPage(_Model):
    items: list[Config]
    continuation_token: str | None = None


class ConfigQuery(_Model):
    application: str | None = None
    profile: str | None = None
    label: str | None = None
    group_id: int | None = None
    prop: str | None = None
    limit: int = 100
    after_id: int = 0


class AuditEntry(_Model):
    config_audit_id: int
    config_id: int
    prop: str | None = None
    operation: AuditOperation
    old_val: str | None
    new_val: str | None
    old_version: int | None
    new_version: int | None
    updated_by: str
    reason: str | None
    request_id: str | None
    create_dttm: datetime


class ConfigGroup(_Model):
    config_group_id: int
    group_name: str
    create_dttm: datetime
    update_dttm: datetime


class PropertySource(_Model):
    name: str
    source: dict[str, str]


class Environment(_Model):
    """Spring Cloud Config's Environment document, field for field."""

    name: str
    profiles: list[str]
    label: str | None
    version: str | None = None
    state: str | None = None
    property_sources: list[PropertySource]


class Actor(_Model):
    """Who asks for a write, recorded in ``updated_by`` and the audit row."""

    subject: str
    request_id: str | None = None
