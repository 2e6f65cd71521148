"""The PaymentGateway port: authorize, capture, void and refund, shaped after the card
gateways (Stripe, Adyen, Braintree), and the card a payment step turns into a token.

Every call that moves money takes an idempotency key, as those gateways do: a repeat
with the same key answers what the first call did (a decline included), so a saga that
crashed after a call may simply make it again; the same key with other arguments is a
409. The card number and security code exist only in ``CardDetails``, which never prints
them; what is kept is the ``PaymentMethod`` (a token, the brand, the last four digits).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, Protocol

from shared.errors import PaymentRequired, Unavailable


@dataclass(frozen=True)
class CardDetails:
    """A card as the shopper typed it: passed to ``tokenize`` and dropped."""

    number: str = field(repr=False)
    exp_month: int
    exp_year: int
    cvc: str = field(repr=False)


@dataclass(frozen=True)
class PaymentMethod:
    """What may be stored and shown: the gateway's token and what identifies the card."""

    token: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int


@dataclass(frozen=True)
class Authorization:
    """An amount the card's issuer holds for us until it is captured or voided."""

    authorization_id: str
    amount: Decimal
    currency: str


PaymentKind = Literal["capture", "void", "refund"]


@dataclass(frozen=True)
class PaymentReceipt:
    """A capture, void or refund of an authorization."""

    receipt_id: str
    authorization_id: str
    kind: PaymentKind
    amount: Decimal
    currency: str


class PaymentDeclined(PaymentRequired):
    """The issuer refused (``CARD_DECLINED``, ``INSUFFICIENT_FUNDS``, ``EXPIRED_CARD``):
    a final answer for this card, repeated for its key."""

    code = "CARD_DECLINED"


class GatewayTimeout(Unavailable):
    """The gateway did not answer in time: the call may or may not have happened, so the
    caller repeats it with the same key to learn which."""

    code = "PAYMENT_GATEWAY_TIMEOUT"


class PaymentGateway(Protocol):
    def tokenize(self, card: CardDetails) -> PaymentMethod:
        """``RuleViolation`` for a card the gateway will not take (a bad number or
        expiry)."""
        ...

    def authorize(self, key: str, token: str, amount: Decimal, currency: str) -> Authorization:
        """``PaymentDeclined`` or ``GatewayTimeout``; idempotent by ``key``."""
        ...

    def capture(self, key: str, authorization_id: str, amount: Decimal) -> PaymentReceipt: ...

    def void(self, key: str, authorization_id: str) -> PaymentReceipt: ...

    def refund(self, key: str, authorization_id: str, amount: Decimal) -> PaymentReceipt: ...

    def check(self) -> str: ...
