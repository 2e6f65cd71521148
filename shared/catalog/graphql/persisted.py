"""Automatic persisted queries: a known sha256 hash stands in for the query text.

The protocol Apollo clients speak: a client sends only the hash; a hash this catalog does
not know is answered ``PersistedQueryNotFound``, and the client sends the hash again with
the text, which is checked against the hash and kept for ``ttl`` seconds. A GET of a
known hash is then a short, URL-addressable request.
"""

from __future__ import annotations

import hashlib

from shared.catalog.graphql.messages import (
    GraphQLRequest,
    GraphQLResult,
    Outcome,
    error_body,
    refused,
)
from shared.ports import Cache

PREFIX = "catalog:pq:"


def persisted_query_hash(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


class PersistedQueries:
    def __init__(self, cache: Cache, ttl: int) -> None:
        self.cache = cache
        self.ttl = ttl

    def query_text(self, request: GraphQLRequest) -> str | GraphQLResult:
        """The text to run, or the answer when there is none to run."""
        persisted = (request.extensions or {}).get("persistedQuery")
        if persisted is None:
            if not request.query:
                return refused("a query is required", "QUERY_REQUIRED")
            return request.query
        digest = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
        if not isinstance(digest, str) or persisted.get("version", 1) != 1:
            return refused(
                "persistedQuery needs version 1 and a sha256Hash", "PERSISTED_QUERY_INVALID"
            )
        key = PREFIX + digest.lower()
        if request.query:
            if persisted_query_hash(request.query) != digest.lower():
                return refused(
                    "provided sha256Hash does not match query", "PERSISTED_QUERY_HASH_MISMATCH"
                )
            self.cache.set(key, request.query, self.ttl)
            return request.query
        stored = self.cache.get(key)
        if not isinstance(stored, str):
            return GraphQLResult(
                Outcome.PERSISTED_QUERY_NOT_FOUND,
                error_body("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND"),
            )
        return stored
