"""The Azure DocumentStore: Cosmos DB for NoSQL through the sync ``azure-cosmos`` client.

``azure.cosmos`` is imported on first use, not at import, to keep cold start short. In
Azure the credential is a managed identity (``DefaultAzureCredential``) and the Bicep
creates the database and containers; a key and ``create_containers=True`` are for local
servers only. SDK exceptions never leave this module: they become ``shared.errors``
without the server's headers, keys or tokens.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from shared.adapters.documents_common import (
    check_patch,
    document_id,
    partition_key_of,
    user_fields,
)
from shared.adapters.documents_cosmos_query import CosmosRenderer, pointer
from shared.errors import (
    BadRequest,
    Conflict,
    NotFound,
    PreconditionFailed,
    Unavailable,
)
from shared.ports import ContainerSpec, Document, Filter, PatchOp, Query

if TYPE_CHECKING:
    from azure.cosmos import ContainerProxy, CosmosClient, DatabaseProxy

_DROPPED = ("_rid", "_self", "_attachments")


def _clean(doc: Any) -> Document:
    return {key: value for key, value in dict(doc).items() if key not in _DROPPED}


@contextmanager
def _errors(what: str) -> Iterator[None]:
    """Translate SDK failures; messages name the operation and status, never a secret."""
    from azure.core.exceptions import (
        AzureError,
        ClientAuthenticationError,
        ServiceRequestError,
        ServiceResponseError,
    )
    from azure.cosmos import exceptions

    try:
        yield
    except exceptions.CosmosHttpResponseError as exc:
        status = exc.status_code or 0
        if status == 404:
            raise NotFound(f"{what}: not found") from None
        if status == 409:
            raise Conflict(f"{what}: already exists") from None
        if status == 412:
            raise PreconditionFailed(f"{what}: precondition failed") from None
        if status == 400:
            detail = str(getattr(exc, "message", "") or "").splitlines()
            reason = detail[0][:200] if detail else "bad request"
            raise BadRequest(f"{what}: rejected by Cosmos DB ({reason})") from None
        if status in (401, 403):
            raise Unavailable(f"{what}: Cosmos DB refused the credentials ({status})") from None
        raise Unavailable(f"{what}: Cosmos DB answered {status}") from None
    except (ServiceRequestError, ServiceResponseError) as exc:
        raise Unavailable(f"{what}: Cosmos DB unreachable ({type(exc).__name__})") from None
    except ClientAuthenticationError:
        raise Unavailable(f"{what}: no token for Cosmos DB (managed identity)") from None
    except AzureError as exc:
        raise Unavailable(f"{what}: Cosmos DB request failed ({type(exc).__name__})") from None


class CosmosDocumentStore:
    def __init__(
        self,
        endpoint: str,
        *,
        credential: Any,
        database: str,
        verify_tls: bool = True,
        create_containers: bool = False,
        timeout_seconds: float = 5.0,
    ) -> None:
        self._endpoint = endpoint
        self._credential = credential
        self._database_name = database
        self._verify_tls = verify_tls
        self._create = create_containers
        self._timeout = timeout_seconds
        self._lock = threading.Lock()
        self._client: CosmosClient | None = None
        self._database: DatabaseProxy | None = None
        self._containers: dict[str, CosmosContainer] = {}

    def _db(self) -> DatabaseProxy:
        if self._database is not None:
            return self._database
        with self._lock:
            if self._database is None:
                from azure.cosmos import CosmosClient

                if not self._verify_tls:
                    import urllib3

                    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
                with _errors("connect"):
                    client = CosmosClient(
                        self._endpoint,
                        credential=self._credential,
                        connection_verify=self._verify_tls,
                        connection_timeout=self._timeout,
                        read_timeout=self._timeout,
                    )
                    self._database = (
                        client.create_database_if_not_exists(self._database_name)
                        if self._create
                        else client.get_database_client(self._database_name)
                    )
                self._client = client
            return self._database

    def container(self, spec: ContainerSpec) -> CosmosContainer:
        known = self._containers.get(spec.name)
        if known is not None and known.spec == spec:
            return known
        database = self._db()
        with _errors(f"open container {spec.name}"):
            if self._create:
                from azure.cosmos import PartitionKey

                proxy = database.create_container_if_not_exists(
                    spec.name, partition_key=PartitionKey(path=spec.partition_key_path)
                )
            else:
                proxy = database.get_container_client(spec.name)
        container = CosmosContainer(proxy, spec)
        self._containers[spec.name] = container
        return container

    def check(self) -> str:
        with _errors("health check"):
            self._db().read()
        return "cosmos"

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
            self._client = None
            self._database = None
            self._containers.clear()


class CosmosContainer:
    def __init__(self, proxy: ContainerProxy, spec: ContainerSpec) -> None:
        self._proxy = proxy
        self._spec = spec

    @property
    def spec(self) -> ContainerSpec:
        return self._spec

    def _what(self, verb: str, id: str | None = None) -> str:
        target = self._spec.name if id is None else f"{self._spec.name}/{id}"
        return f"{verb} {target}"

    @staticmethod
    def _body(doc: Document, spec: ContainerSpec) -> Document:
        document_id(doc)
        partition_key_of(spec, doc)
        return user_fields(doc)

    @staticmethod
    def _condition(if_match: str | None) -> dict[str, Any]:
        if if_match is None:
            return {}
        from azure.core import MatchConditions

        return {"etag": if_match, "match_condition": MatchConditions.IfNotModified}

    def read(self, id: str, partition_key: Any) -> Document:
        with _errors(self._what("read", id)):
            return _clean(self._proxy.read_item(id, partition_key=partition_key))

    def read_many(self, keys: Sequence[tuple[str, Any]]) -> list[Document]:
        unique: dict[tuple[str, Any], Any] = {}
        for id, pk in keys:
            unique.setdefault((id, _hashable(pk)), pk)
        if not unique:
            return []
        with _errors(self._what("read many from")):
            found = self._proxy.read_items([(id, pk) for (id, _), pk in unique.items()])
        by_key = {
            (doc["id"], _hashable(partition_key_of(self._spec, doc))): doc
            for doc in map(_clean, found)
        }
        return [by_key[key] for key in unique if key in by_key]

    def create(self, doc: Document) -> Document:
        body = self._body(doc, self._spec)
        with _errors(self._what("create", body["id"])):
            return _clean(self._proxy.create_item(body))

    def upsert(self, doc: Document) -> Document:
        body = self._body(doc, self._spec)
        with _errors(self._what("upsert", body["id"])):
            return _clean(self._proxy.upsert_item(body))

    def replace(self, doc: Document, *, if_match: str | None = None) -> Document:
        body = self._body(doc, self._spec)
        with _errors(self._what("replace", body["id"])):
            return _clean(self._proxy.replace_item(body["id"], body, **self._condition(if_match)))

    def delete(self, id: str, partition_key: Any, *, if_match: str | None = None) -> None:
        with _errors(self._what("delete", id)):
            self._proxy.delete_item(id, partition_key=partition_key, **self._condition(if_match))

    def patch(
        self,
        id: str,
        partition_key: Any,
        ops: Sequence[PatchOp],
        *,
        condition: Sequence[Filter] = (),
        if_match: str | None = None,
    ) -> Document:
        check_patch(self._spec, ops)
        operations = [_operation(op) for op in ops]
        options = self._condition(if_match)
        if condition:
            # The partition key joins the predicate: servers that evaluate it as a query
            # over the container (the local test server does) then see only this document.
            scope = Filter(self._spec.partition_key_field, "=", partition_key)
            renderer = CosmosRenderer(inline=True)
            options["filter_predicate"] = f"FROM c WHERE {renderer.where((scope, *condition))}"
        with _errors(self._what("patch", id)):
            return _clean(self._proxy.patch_item(id, partition_key, operations, **options))

    def query(self, query: Query, *, partition_key: Any = None) -> list[Document]:
        if query.limit == 0:
            return []
        renderer = CosmosRenderer()
        sql = renderer.select(query, self._scope(partition_key))
        rows = self._run(sql, renderer, partition_key)
        return [_clean(row) for row in rows[query.offset :]]

    def count(self, query: Query, *, partition_key: Any = None) -> int:
        """Documents matching the filters; ``order_by``, ``limit`` and ``offset`` are ignored."""
        renderer = CosmosRenderer()
        rows = self._run(renderer.count(query, self._scope(partition_key)), renderer, partition_key)
        return int(sum(rows))

    def _scope(self, partition_key: Any) -> tuple[Filter, ...]:
        """Partition-scoped queries also filter on the key: the request header alone
        scopes a query in Cosmos DB, but the local test server ignores it."""
        if partition_key is None:
            return ()
        return (Filter(self._spec.partition_key_field, "=", partition_key),)

    def _run(self, sql: str, renderer: CosmosRenderer, partition_key: Any) -> list[Any]:
        scope: dict[str, Any] = (
            {"enable_cross_partition_query": True}
            if partition_key is None
            else {"partition_key": partition_key}
        )
        with _errors(self._what("query")):
            return list(self._proxy.query_items(sql, parameters=renderer.parameters, **scope))


def _operation(op: PatchOp) -> dict[str, Any]:
    if op.op == "remove":
        return {"op": "remove", "path": pointer(op.path)}
    return {"op": op.op, "path": pointer(op.path), "value": op.value}


def _hashable(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool | None) else repr(value)
