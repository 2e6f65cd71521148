"""The TokenVerifier port's local side: the signing key it shares with ``devhost token``.

(The Entra verifier needs the tenant's keys over the internet; it is covered by the
settings checks and by its use of PyJWT's JWKS client, not by a server here.)
"""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest

from shared.adapters.tokens import LocalTokenVerifier, local_signing_key, mint_local_token
from shared.errors import ConfigurationError, Unauthorized


def test_generated_key_is_owner_only_and_stable(tmp_path: Path) -> None:
    first = local_signing_key(None, tmp_path / "data")
    assert stat.S_IMODE((tmp_path / "data" / "signing.key").stat().st_mode) == 0o600
    assert local_signing_key(None, tmp_path / "data") == first
    assert len(first) == 64


def test_configured_key_wins_and_writes_nothing(tmp_path: Path) -> None:
    assert local_signing_key("configured-key", tmp_path) == "configured-key"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("callers", [pytest.param(2, id="two"), pytest.param(16, id="sixteen")])
def test_callers_racing_the_first_use_agree_on_one_key(tmp_path: Path, callers: int) -> None:
    start = threading.Barrier(callers)
    keys: list[str] = []

    def first_use() -> None:
        start.wait()
        keys.append(local_signing_key(None, tmp_path))

    threads = [threading.Thread(target=first_use) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == callers
    assert set(keys) == {(tmp_path / "signing.key").read_text().strip()}


def test_an_empty_key_file_names_the_way_out(tmp_path: Path) -> None:
    (tmp_path / "signing.key").write_text("")
    with pytest.raises(ConfigurationError) as info:
        local_signing_key(None, tmp_path)
    assert info.value.message == (
        f"{tmp_path / 'signing.key'} is empty: delete it, or set AUTH_LOCAL_SIGNING_KEY"
    )


@pytest.mark.parametrize(
    ("signed_with", "accepted"),
    [pytest.param("the-key", True, id="same-key"), pytest.param("other-key", False, id="other")],
)
def test_verifier_accepts_only_tokens_of_its_key(signed_with: str, accepted: bool) -> None:
    verifier = LocalTokenVerifier("the-key")
    token = mint_local_token(signed_with, subject="alice", roles=["ConfigHub.Reader"])
    if accepted:
        principal = verifier.verify(token)
        assert (principal.subject, principal.roles) == ("alice", frozenset({"ConfigHub.Reader"}))
    else:
        with pytest.raises(Unauthorized):
            verifier.verify(token)
