"""Bearer-token verification: Entra ID (RS256, tenant keys) in Azure, HS256 locally."""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jwt

from shared.errors import ConfigurationError, Unauthorized
from shared.ports import Principal

LOCAL_ISSUER = "commerce-devhost"
LOCAL_AUDIENCE = "commerce-functions"


def _principal(claims: dict[str, Any]) -> Principal:
    roles = claims.get("roles") or []
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise Unauthorized("token roles claim is malformed")
    subject = claims.get("preferred_username") or claims.get("sub") or claims.get("oid")
    if not isinstance(subject, str) or not subject:
        raise Unauthorized("token has no subject")
    name = claims.get("name")
    return Principal(
        subject=subject, roles=frozenset(roles), name=name if isinstance(name, str) else None
    )


class LocalTokenVerifier:
    """Tokens signed with the local development key (``python -m devhost token``)."""

    def __init__(self, signing_key: str) -> None:
        self._key = signing_key

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=["HS256"],
                audience=LOCAL_AUDIENCE,
                issuer=LOCAL_ISSUER,
                options={"require": ["exp", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"invalid token: {exc}") from None
        return _principal(claims)


class EntraTokenVerifier:
    """Access tokens issued by Entra ID for this app; keys come from the tenant's JWKS."""

    def __init__(self, tenant_id: str, audience: str) -> None:
        self._issuer = f"https://login.microsoftonline.com/{tenant_id}/v2.0"
        self._audience = audience
        self._jwks = jwt.PyJWKClient(
            f"https://login.microsoftonline.com/{tenant_id}/discovery/v2.0/keys",
            cache_keys=True,
            lifespan=3600,
        )

    def verify(self, token: str) -> Principal:
        try:
            key = self._jwks.get_signing_key_from_jwt(token)
            claims = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                audience=self._audience,
                issuer=self._issuer,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"invalid token: {type(exc).__name__}") from None
        return _principal(claims)


def local_signing_key(configured: str | None, data_dir: Path) -> str:
    """The configured key, or one generated once and kept under the local data dir.

    The file is created exclusively and owner-only in one step, so ``seed``, ``serve`` and
    ``token`` started together agree on one key, and no other user can read it meanwhile.
    """
    if configured:
        return configured
    path = data_dir / "signing.key"
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48) + "\n")
    for _ in range(100):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.01)  # another process created the file and is writing it
    raise ConfigurationError(f"{path} is empty: delete it, or set AUTH_LOCAL_SIGNING_KEY")


def mint_local_token(
    signing_key: str,
    *,
    subject: str,
    roles: Iterable[str],
    ttl_seconds: int = 8 * 3600,
    name: str | None = None,
) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": LOCAL_ISSUER,
        "aud": LOCAL_AUDIENCE,
        "sub": subject,
        "roles": sorted(set(roles)),
        "iat": now,
        "exp": now + ttl_seconds,
    }
    if name:
        claims["name"] = name
    return jwt.encode(claims, signing_key, algorithm="HS256")
