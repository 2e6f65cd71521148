"""ConfigHub use cases: short transaction scripts over a unit of work.

Side effects that must not happen for a rolled-back change (cache invalidation, event
publishing) run only after commit; the outbox row makes the event durable before that.
A change applies only over the version the caller's ``IfMatch`` accepts, and the UPDATE
or DELETE is itself conditional on the version read, so a stale write never wins a race.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from shared.confighub import spring
from shared.confighub.changes import audit_values, change_event
from shared.confighub.common import decode_token, sql_time
from shared.confighub.envcache import EnvironmentCache
from shared.confighub.groups import GroupService
from shared.confighub.model import (
    MAX_PAGE,
    Actor,
    AuditEntry,
    AuditOperation,
    Config,
    ConfigChange,
    ConfigDraft,
    ConfigPage,
    ConfigQuery,
    RollbackRequest,
)
from shared.confighub.outbox import OutboxRelay
from shared.confighub.paths import EnvironmentPath, FilePath, UiPath
from shared.confighub.paths import parse as parse_spring_path
from shared.confighub.serving import ConfigHubOptions, ConfigServing
from shared.confighub.values import validate_key, validate_value
from shared.errors import BadRequest, NotFound, PreconditionFailed, RuleViolation
from shared.ports import Clock
from shared.preconditions import IfMatch, check_if_match

if TYPE_CHECKING:
    from shared.confighub.repository import ConfigStore, UnitOfWork

__all__ = [
    "ConfigHubOptions",
    "ConfigHubService",
    "EnvironmentPath",
    "FilePath",
    "GroupService",
    "UiPath",
    "parse_spring_path",
    "render_environment",
]

render_environment = spring.render

log = logging.getLogger("confighub.service")
WHAT = "the configuration"
"""How a precondition failure names the resource."""


class ConfigHubService(ConfigServing):
    """Property CRUD with audit and events, on top of the read side it serves."""

    def __init__(
        self,
        store: ConfigStore,
        relay: OutboxRelay,
        environments: EnvironmentCache,
        options: ConfigHubOptions,
        clock: Clock,
    ) -> None:
        super().__init__(store, environments, options)
        self._relay = relay
        self._clock = clock
        self.groups = GroupService(store, clock)

    # --- reads -------------------------------------------------------------------
    def get_config(self, config_id: int) -> Config:
        config = self._store.get_config(config_id)
        if config is None:
            raise NotFound(f"config {config_id} not found", code="CONFIG_NOT_FOUND")
        return self.secrets.mask(config)

    def list_configs(
        self, filters: Mapping[str, Any], limit: int, continuation_token: str | None
    ) -> ConfigPage:
        if not 1 <= limit <= MAX_PAGE:
            raise BadRequest(f"limit must be between 1 and {MAX_PAGE}", code="INVALID_LIMIT")
        after = decode_token(continuation_token) if continuation_token else 0
        query = ConfigQuery(**filters, limit=limit, after_id=after)
        items, token = self._store.list_configs(query)
        return ConfigPage(items=[self.secrets.mask(c) for c in items], continuation_token=token)

    def list_audit(self, config_id: int) -> list[AuditEntry]:
        entries = self._store.list_audit(config_id)
        if not entries:
            raise NotFound(f"config {config_id} has no history", code="CONFIG_NOT_FOUND")
        if any(self.secrets.is_secret(e.prop or "") for e in entries):
            masked = {"old_val": None, "new_val": None}
            return [e.model_copy(update=masked) for e in entries]
        return entries

    # --- writes ------------------------------------------------------------------
    def create_config(self, draft: ConfigDraft, actor: Actor, *, dry_run: bool = False) -> Config:
        label = draft.label or self.options.default_label
        validate_key(draft.application, draft.profile, label, draft.prop)
        validate_value(draft.prop, draft.val_type, draft.val)
        now = sql_time(self._clock.now())
        values = {
            "application": draft.application,
            "profile": draft.profile,
            "label": label,
            "prop": draft.prop,
            "val": draft.val,
            "val_type": draft.val_type.value,
            "description": draft.description,
            "config_group_id": draft.config_group_id,
            "ui_consume": draft.ui_consume,
            "version": 1,
            "updated_by": actor.subject,
            "create_dttm": now,
            "update_dttm": now,
        }
        with self._store.unit_of_work() as uow:
            self._check_group(uow, draft.config_group_id)
            config_id = uow.insert_config(values) if not dry_run else 0
            created = Config.model_validate({**values, "config_id": config_id})
            if dry_run:
                return self.secrets.mask(created)
            self._record(
                uow,
                AuditOperation.CREATE,
                before=None,
                after=created,
                actor=actor,
                reason=draft.reason,
            )
            uow.commit()
        self._after_commit([created.application])
        return self.secrets.mask(created)

    def update_config(
        self,
        config_id: int,
        change: ConfigChange,
        actor: Actor,
        *,
        if_match: IfMatch | None,
        dry_run: bool = False,
    ) -> Config:
        # Only what the caller sent: a field left out keeps its stored value, so an
        # edit of the value alone cannot unpublish it from the UI or drop its group.
        fields = change.model_dump(exclude={"reason"}, exclude_unset=True)
        if fields.get("val_type", "kept") is None:
            del fields["val_type"]
        return self._change(
            config_id,
            fields,
            actor=actor,
            if_match=if_match,
            operation=AuditOperation.UPDATE,
            reason=change.reason,
            dry_run=dry_run,
        )

    def rollback_config(
        self, config_id: int, request: RollbackRequest, actor: Actor, *, if_match: IfMatch | None
    ) -> Config:
        with self._store.unit_of_work() as uow:
            entry = uow.get_audit(request.audit_id)
        if entry is None or entry.config_id != config_id:
            raise NotFound(
                f"audit entry {request.audit_id} of config {config_id} not found",
                code="AUDIT_NOT_FOUND",
            )
        if entry.new_val is None:
            raise RuleViolation("a deletion has no value to restore", code="NOTHING_TO_RESTORE")
        return self._change(
            config_id,
            {"val": entry.new_val},
            actor=actor,
            if_match=if_match,
            operation=AuditOperation.ROLLBACK,
            reason=request.reason or f"rollback to version {entry.new_version}",
            dry_run=False,
        )

    def _change(
        self,
        config_id: int,
        fields: dict[str, Any],
        *,
        actor: Actor,
        if_match: IfMatch | None,
        operation: AuditOperation,
        reason: str | None,
        dry_run: bool,
    ) -> Config:
        with self._store.unit_of_work() as uow:
            current = uow.get_config(config_id)
            if current is None:
                raise NotFound(f"config {config_id} not found", code="CONFIG_NOT_FOUND")
            check_if_match(if_match, current.version, WHAT)
            changed = current.model_copy(
                update={
                    **fields,
                    "version": current.version + 1,
                    "updated_by": actor.subject,
                    "update_dttm": sql_time(self._clock.now()),
                }
            )
            changed = Config.model_validate(changed.model_dump())
            validate_value(changed.prop, changed.val_type, changed.val)
            if changed.config_group_id != current.config_group_id:
                self._check_group(uow, changed.config_group_id)
            if dry_run:
                return self.secrets.mask(changed)
            stored = changed.model_dump(
                include={
                    "val",
                    "val_type",
                    "description",
                    "config_group_id",
                    "ui_consume",
                    "version",
                    "updated_by",
                    "update_dttm",
                }
            )
            stored["val_type"] = changed.val_type.value
            if not uow.update_config(config_id, current.version, stored):
                raise PreconditionFailed(f"{WHAT} changed since you read it", code="ETAG_MISMATCH")
            self._record(uow, operation, before=current, after=changed, actor=actor, reason=reason)
            uow.commit()
        self._after_commit([changed.application])
        return self.secrets.mask(changed)

    def delete_config(self, config_id: int, actor: Actor, *, if_match: IfMatch | None) -> None:
        with self._store.unit_of_work() as uow:
            current = uow.get_config(config_id)
            if current is None:
                raise NotFound(f"config {config_id} not found", code="CONFIG_NOT_FOUND")
            check_if_match(if_match, current.version, WHAT)
            if not uow.delete_config(config_id, current.version):
                raise PreconditionFailed(f"{WHAT} changed since you read it", code="ETAG_MISMATCH")
            self._record(
                uow, AuditOperation.DELETE, before=current, after=None, actor=actor, reason=None
            )
            uow.commit()
        self._after_commit([current.application])

    def _check_group(self, uow: UnitOfWork, group_id: int | None) -> None:
        if group_id is not None and uow.get_group(group_id) is None:
            raise RuleViolation(
                f"config group {group_id} does not exist",
                code="UNKNOWN_GROUP",
                details={"configGroupId": group_id},
            )

    def _record(
        self,
        uow: UnitOfWork,
        operation: AuditOperation,
        *,
        before: Config | None,
        after: Config | None,
        actor: Actor,
        reason: str | None,
    ) -> None:
        subject = after or before
        assert subject is not None
        now = self._clock.now()
        uow.add_audit(
            audit_values(
                operation, before=before, after=after, actor=actor, reason=reason, now=sql_time(now)
            )
        )
        version = after.version if after else (before.version + 1 if before else 1)
        event_type, body = change_event(
            operation,
            subject,
            version,
            service_id=self.options.service_id,
            secrets=self.secrets,
            timestamp=now,
        )
        uow.add_outbox(self.options.hub, subject.application, event_type, body, sql_time(now))

    def _after_commit(self, applications: Sequence[str]) -> None:
        self._envs.invalidate(applications)
        try:
            self._relay.relay_after_commit()
        except Exception as exc:  # noqa: BLE001 - the timer relays what is left
            log.warning("outbox relay after commit failed (%s)", type(exc).__name__)

    def relay_outbox(self) -> int:
        return self._relay.relay_pending()
