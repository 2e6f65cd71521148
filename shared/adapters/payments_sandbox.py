"""The sandbox PaymentGateway: behaves like a card gateway's test mode.

Its test cards follow Stripe's documented test numbers (any future expiry, any 3-digit
security code); any other number is refused, so a real card can never be sent here:

- 4242 4242 4242 4242 (Visa), 5555 5555 5555 4444 (Mastercard): authorized;
- 4000 0000 0000 0002: declined, ``CARD_DECLINED``;
- 4000 0000 0000 9995: declined, ``INSUFFICIENT_FUNDS``;
- 4000 0000 0000 0069: declined, ``EXPIRED_CARD``;
- 4000 0000 0000 0119: the first call times out *after* authorizing (the answer is
  lost, ``GatewayTimeout``); a repeat with the same key answers the authorization.

Every call is idempotent by key: a repeat answers the first outcome (a decline too), the
same key with other arguments is a 409 ``IDEMPOTENCY_KEY_REUSED``. The ledger lives in
process memory: the sandbox serves one process (the devhost, the tests), and a
production adapter is not part of this code base.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from dataclasses import dataclass
from decimal import Decimal

from shared.errors import Conflict, NotFound, RuleViolation
from shared.payments import (
    Authorization,
    CardDetails,
    GatewayTimeout,
    PaymentDeclined,
    PaymentKind,
    PaymentMethod,
    PaymentReceipt,
)
from shared.ports import Clock

TIMEOUT = "TIMEOUT"
TEST_CARDS: dict[str, tuple[str, str | None]] = {
    "4242424242424242": ("visa", None),
    "5555555555554444": ("mastercard", None),
    "4000000000000002": ("visa", "CARD_DECLINED"),
    "4000000000009995": ("visa", "INSUFFICIENT_FUNDS"),
    "4000000000000069": ("visa", "EXPIRED_CARD"),
    "4000000000000119": ("visa", TIMEOUT),
}
"""Card number -> (brand, outcome): ``None`` authorizes, else the decline code."""
DECLINES = {
    "CARD_DECLINED": "the card was declined",
    "INSUFFICIENT_FUNDS": "the card has insufficient funds",
    "EXPIRED_CARD": "the card has expired",
}


@dataclass
class _Authorization:
    auth: Authorization
    state: str = "AUTHORIZED"
    captured: Decimal = Decimal(0)
    refunded: Decimal = Decimal(0)


class SandboxGateway:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[str, tuple[str, str | None]] = {}
        self._answers: dict[str, tuple[str, Authorization | PaymentReceipt | PaymentDeclined]] = {}
        self._authorizations: dict[str, _Authorization] = {}

    def tokenize(self, card: CardDetails) -> PaymentMethod:
        number = "".join(card.number.split())
        if number not in TEST_CARDS:
            raise RuleViolation(
                "the sandbox takes only its test card numbers (docs/checkout.md)",
                code="UNKNOWN_TEST_CARD",
            )
        today = self._clock.now()
        if (card.exp_year, card.exp_month) < (today.year, today.month):
            raise RuleViolation("the card's expiry date has passed", code="INVALID_EXPIRY")
        token = f"tok_sandbox_{uuid.uuid4().hex}"
        brand, outcome = TEST_CARDS[number]
        with self._lock:
            self._tokens[token] = (brand, outcome)
        return PaymentMethod(token, brand, number[-4:], card.exp_month, card.exp_year)

    def authorize(self, key: str, token: str, amount: Decimal, currency: str) -> Authorization:
        call = _fingerprint("authorize", token, amount, currency)
        with self._lock:
            answer = self._repeat(key, call)
            lost = False
            if answer is None:
                card = self._tokens.get(token)
                if card is None:
                    raise NotFound("unknown payment token", code="UNKNOWN_PAYMENT_TOKEN")
                answer = self._first_authorize(card[1], amount, currency)
                self._answers[key] = (call, answer)
                lost = card[1] == TIMEOUT
        if isinstance(answer, PaymentDeclined):
            raise answer
        if lost:
            raise GatewayTimeout("the payment gateway did not answer in time; retry")
        assert isinstance(answer, Authorization)
        return answer

    def _first_authorize(
        self, outcome: str | None, amount: Decimal, currency: str
    ) -> Authorization | PaymentDeclined:
        """What the key answers from now on. The timeout card's first call authorizes
        and then loses its answer: the caller sees a timeout, a repeat the truth."""
        if outcome is not None and outcome != TIMEOUT:
            return PaymentDeclined(DECLINES[outcome], code=outcome)
        auth = Authorization(f"auth_{uuid.uuid4().hex[:24]}", amount, currency)
        self._authorizations[auth.authorization_id] = _Authorization(auth)
        return auth

    def capture(self, key: str, authorization_id: str, amount: Decimal) -> PaymentReceipt:
        return self._move(key, "capture", authorization_id, amount)

    def void(self, key: str, authorization_id: str) -> PaymentReceipt:
        return self._move(key, "void", authorization_id, None)

    def refund(self, key: str, authorization_id: str, amount: Decimal) -> PaymentReceipt:
        return self._move(key, "refund", authorization_id, amount)

    def _move(
        self, key: str, kind: PaymentKind, authorization_id: str, amount: Decimal | None
    ) -> PaymentReceipt:
        call = _fingerprint(kind, authorization_id, amount)
        with self._lock:
            answer = self._repeat(key, call)
            if answer is None:
                found = self._authorizations.get(authorization_id)
                if found is None:
                    raise NotFound("unknown authorization", code="UNKNOWN_AUTHORIZATION")
                moved = _apply(found, kind, amount)
                answer = PaymentReceipt(
                    f"{kind}_{uuid.uuid4().hex[:24]}",
                    authorization_id,
                    kind,
                    moved,
                    found.auth.currency,
                )
                self._answers[key] = (call, answer)
        assert isinstance(answer, PaymentReceipt)
        return answer

    def _repeat(
        self, key: str, call: str
    ) -> Authorization | PaymentReceipt | PaymentDeclined | None:
        """The first answer of ``key``, or ``None`` for a new key; 409 when the key was
        used for another call."""
        found = self._answers.get(key)
        if found is None:
            return None
        fingerprint, answer = found
        if fingerprint != call:
            raise Conflict(
                "this idempotency key was used for another payment call",
                code="IDEMPOTENCY_KEY_REUSED",
            )
        return answer

    def authorization_ids(self) -> list[str]:
        """Every authorization made, oldest first: what a sandbox dashboard lists (tests)."""
        with self._lock:
            return list(self._authorizations)

    def state(self, authorization_id: str) -> tuple[str, Decimal, Decimal]:
        """``(state, captured, refunded)``: what a sandbox dashboard shows (tests)."""
        with self._lock:
            found = self._authorizations[authorization_id]
            return found.state, found.captured, found.refunded

    def check(self) -> str:
        return "sandbox payment gateway"


def _apply(found: _Authorization, kind: PaymentKind, amount: Decimal | None) -> Decimal:
    """Moves the authorization; the amount moved, or a 409 naming what forbids it."""
    if kind == "void":
        if found.state != "AUTHORIZED":
            raise Conflict(
                f"an authorization {found.state.lower()} cannot be voided",
                code="PAYMENT_NOT_VOIDABLE",
            )
        found.state = "VOIDED"
        return found.auth.amount
    assert amount is not None
    if kind == "capture":
        if found.state != "AUTHORIZED" or amount > found.auth.amount:
            raise Conflict(
                "only an authorized amount can be captured", code="PAYMENT_NOT_CAPTURABLE"
            )
        found.state, found.captured = "CAPTURED", amount
        return amount
    if found.state not in ("CAPTURED", "REFUNDED") or found.refunded + amount > found.captured:
        raise Conflict("only a captured amount can be refunded", code="PAYMENT_NOT_REFUNDABLE")
    found.refunded += amount
    found.state = "REFUNDED" if found.refunded == found.captured else "CAPTURED"
    return amount


def _fingerprint(*call: object) -> str:
    return hashlib.sha256("|".join(map(str, call)).encode()).hexdigest()
