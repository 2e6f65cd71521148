"""What a conditional write asks of the current version, in domain terms.

The HTTP edge (``functions/_http.py``) is the one place that reads ``If-Match`` and writes
``ETag``; every versioned resource's entity tag is its version, as a strong tag, so a
service only ever sees the versions a caller will accept. RFC 9110 compares ``If-Match``
strongly: a weak tag never satisfies it, so it contributes no version here.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.errors import PreconditionFailed


@dataclass(frozen=True)
class IfMatch:
    """The write applies only over one of ``versions``, or, with ``any_version``
    (``If-Match: *``), over whatever version exists. An ``IfMatch`` that names no version
    (only weak or foreign tags) holds for nothing."""

    versions: frozenset[int] = frozenset()
    any_version: bool = False

    @classmethod
    def version(cls, version: int) -> IfMatch:
        return cls(frozenset({version}))

    def holds(self, current: int | None) -> bool:
        if current is None:
            return False
        return self.any_version or current in self.versions

    def check(self, current: int | None, what: str) -> None:
        """``PreconditionFailed`` unless the write may go over ``current`` (``None``:
        the resource does not exist)."""
        if self.holds(current):
            return
        message = (
            f"{what} does not exist" if current is None else f"{what} changed since you read it"
        )
        raise PreconditionFailed(message, code="ETAG_MISMATCH", details={"currentVersion": current})


def check_if_match(if_match: IfMatch | None, current: int | None, what: str) -> None:
    """No precondition always holds; otherwise ``IfMatch.check``."""
    if if_match is not None:
        if_match.check(current, what)
