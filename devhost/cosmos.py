"""Cosmos DB triggers fed from the embedded store's change feed.

Each function keeps a lease (its change-feed continuation) in the embedded store's
lease container, so a restarted devhost carries on where it stopped. Delivery is
at-least-once: the lease moves only after the function returned; a batch that raised is
read again and retried with backoff, never skipped (the inventory outbox relies on it).
Without ``start_from_beginning`` a function's first lease starts at the current end of
the feed, as in Azure; earlier changes are not delivered.
"""

from __future__ import annotations

import logging

import azure.functions as func

from devhost.index import CosmosFunction, RetrySpec
from devhost.invoke import call_sync
from devhost.pump import Outcome, Pump
from shared.errors import NotFound
from shared.ports import ChangeFeedSource, ContainerSpec, DocumentContainer, DocumentStore

log = logging.getLogger("devhost.cosmos")

DEFAULT_BACKOFF = RetrySpec(max_retries=-1, first_delay=0.1, max_delay=10.0, exponential=True)


class LeaseStore:
    """Continuations by lease id, as documents of the lease container (``/id``)."""

    def __init__(self, store: DocumentStore, container: str) -> None:
        self._leases: DocumentContainer = store.container(ContainerSpec(container, "/id"))

    def load(self, lease_id: str) -> tuple[bool, str | None]:
        """Whether the lease exists, and its continuation (None: from the beginning)."""
        try:
            doc = self._leases.read(lease_id, lease_id)
        except NotFound:
            return False, None
        continuation = doc.get("continuation")
        return True, continuation if isinstance(continuation, str) else None

    def put(self, lease_id: str, container: str, continuation: str | None) -> None:
        doc = {"id": lease_id, "container": container, "continuation": continuation}
        self._leases.upsert(doc | {"owner": "devhost"})


class CosmosPump(Pump):
    def __init__(
        self,
        fn: CosmosFunction,
        feed: ChangeFeedSource,
        leases: LeaseStore,
        *,
        poll_interval: float,
    ) -> None:
        super().__init__(poll_interval)
        self.fn = fn
        self.name = fn.target.name
        self.feed = feed
        self.leases = leases
        self.lease_id = f"{fn.lease_prefix}{fn.container}.{fn.target.name}"
        self.continuation: str | None = None
        self.failures = 0

    def describe(self) -> str:
        start = ", from the beginning" if self.fn.start_from_beginning else ""
        return f"cosmos {self.name}: container {self.fn.container} (lease {self.lease_id}{start})"

    def prepare(self) -> None:
        exists, self.continuation = self.leases.load(self.lease_id)
        if exists:
            return
        continuation: str | None = None
        if not self.fn.start_from_beginning:
            while True:
                page = self.feed.read_change_feed(self.fn.container, continuation, 1000)
                continuation = page.continuation
                if not page.documents:
                    break
        self.continuation = continuation
        self.leases.put(self.lease_id, self.fn.container, continuation)

    def step(self) -> tuple[Outcome, float]:
        page = self.feed.read_change_feed(self.fn.container, self.continuation, self.fn.max_items)
        if not page.documents:
            return Outcome.IDLE, 0.0
        batch = func.DocumentList([func.Document.from_dict(d) for d in page.documents])
        try:
            call_sync(self.fn.target, batch)
        except Exception:
            self.failures += 1
            delay = self._backoff()
            log.exception(
                "%s: batch of %d raised (attempt %d); retrying in %.1fs, lease kept",
                self.name,
                len(batch),
                self.failures,
                delay,
            )
            return Outcome.FAILED, delay
        self.failures = 0
        self.leases.put(self.lease_id, self.fn.container, page.continuation)
        self.continuation = page.continuation
        return Outcome.DELIVERED, 0.0

    def _backoff(self) -> float:
        """The function's ``@app.retry`` delays, but never its limit: a change is never
        skipped here, whatever the policy says."""
        retry = self.fn.target.retry or DEFAULT_BACKOFF
        return retry.delay(self.failures)
