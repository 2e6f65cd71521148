"""Config groups through the registered triggers, on SQLite and MariaDB."""

from __future__ import annotations

from shared.bootstrap import Registry
from tests.functions.confighub_helpers import READER, create, hub, invoke

__all__ = ["hub"]


def new_group(name: str) -> int:
    result = invoke("create_config_group", "POST", body={"groupName": name})
    assert result.status == 201, result.body
    assert result.body["groupName"] == name
    return int(result.body["configGroupId"])


def test_group_lifecycle(hub: Registry) -> None:
    search = new_group("search")
    checkout = new_group("checkout")
    listed = invoke("list_config_groups", roles=(READER,))
    assert [(g["configGroupId"], g["groupName"]) for g in listed.body["items"]] == [
        (search, "search"),
        (checkout, "checkout"),
    ]
    renamed = invoke(
        "rename_config_group",
        "PUT",
        body={"groupName": "site-search"},
        route={"groupId": str(search)},
    )
    assert (renamed.status, renamed.body["groupName"]) == (200, "site-search")
    read = invoke("get_config_group", route={"groupId": str(search)}, roles=(READER,))
    assert read.body == renamed.body
    gone = invoke("delete_config_group", "DELETE", route={"groupId": str(checkout)})
    assert gone.status == 204
    missing = invoke("get_config_group", route={"groupId": str(checkout)})
    assert (missing.status, missing.body["error"]["code"]) == (404, "GROUP_NOT_FOUND")


def test_duplicate_name_is_a_conflict(hub: Registry) -> None:
    first = new_group("search")
    new_group("checkout")
    dup = invoke("create_config_group", "POST", body={"groupName": "search"})
    assert (dup.status, dup.body["error"]["code"]) == (409, "DUPLICATE")
    rename = invoke(
        "rename_config_group", "PUT", body={"groupName": "checkout"}, route={"groupId": str(first)}
    )
    assert (rename.status, rename.body["error"]["code"]) == (409, "DUPLICATE")


def test_group_holding_configs_cannot_be_deleted(hub: Registry) -> None:
    group = new_group("search")
    config = create(configGroupId=group).body
    assert config["configGroupId"] == group
    held = invoke("delete_config_group", "DELETE", route={"groupId": str(group)})
    assert (held.status, held.body["error"]["code"]) == (409, "GROUP_IN_USE")
    by_group = invoke("list_configs", params={"groupId": str(group)}).body["items"]
    assert [c["configId"] for c in by_group] == [config["configId"]]
    invoke(
        "delete_config",
        "DELETE",
        route={"configId": str(config["configId"])},
        headers={"If-Match": '"1"'},
    )
    assert invoke("delete_config_group", "DELETE", route={"groupId": str(group)}).status == 204


def test_group_errors(hub: Registry) -> None:
    blank = invoke("create_config_group", "POST", body={"groupName": " "})
    assert (blank.status, blank.body["error"]["code"]) == (400, "VALIDATION_FAILED")
    extra = invoke("create_config_group", "POST", body={"groupName": "a", "x": 1})
    assert extra.status == 400
    reader = invoke("create_config_group", "POST", body={"groupName": "a"}, roles=(READER,))
    assert reader.status == 403
    anonymous = invoke("list_config_groups", roles=None)
    assert anonymous.status == 401
    for name, method in (("rename_config_group", "PUT"), ("delete_config_group", "DELETE")):
        result = invoke(name, method, body={"groupName": "z"}, route={"groupId": "777"})
        assert (result.status, result.body["error"]["code"]) == (404, "GROUP_NOT_FOUND")
