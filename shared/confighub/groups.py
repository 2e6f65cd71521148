"""Config groups: named folders for properties; a group in use cannot be deleted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.confighub.common import sql_time
from shared.confighub.model import ConfigGroup, GroupDraft
from shared.errors import Conflict, NotFound
from shared.ports import Clock

if TYPE_CHECKING:
    from shared.confighub.repository import ConfigStore


def _not_found(group_id: int) -> NotFound:
    return NotFound(f"config group {group_id} not found", code="GROUP_NOT_FOUND")


class GroupService:
    def __init__(self, store: ConfigStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def list_groups(self) -> list[ConfigGroup]:
        return self._store.list_groups()

    def get_group(self, group_id: int) -> ConfigGroup:
        group = self._store.get_group(group_id)
        if group is None:
            raise _not_found(group_id)
        return group

    def create_group(self, draft: GroupDraft) -> ConfigGroup:
        now = sql_time(self._clock.now())
        with self._store.unit_of_work() as uow:
            group_id = uow.insert_group(draft.group_name, now)
            uow.commit()
        return ConfigGroup(
            config_group_id=group_id, group_name=draft.group_name, create_dttm=now, update_dttm=now
        )

    def rename_group(self, group_id: int, draft: GroupDraft) -> ConfigGroup:
        with self._store.unit_of_work() as uow:
            if not uow.rename_group(group_id, draft.group_name, sql_time(self._clock.now())):
                raise _not_found(group_id)
            group = uow.get_group(group_id)
            uow.commit()
        assert group is not None
        return group

    def delete_group(self, group_id: int) -> None:
        with self._store.unit_of_work() as uow:
            if uow.get_group(group_id) is None:
                raise _not_found(group_id)
            if uow.group_in_use(group_id):
                raise Conflict(
                    f"config group {group_id} still holds configs",
                    code="GROUP_IN_USE",
                    details={"configGroupId": group_id},
                )
            uow.delete_group(group_id)
            uow.commit()
