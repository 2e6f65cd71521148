"""The PaymentGateway port on its one adapter, the sandbox: the documented test cards,
idempotency by key (a decline and a lost answer included), and what each state of an
authorization allows. A production adapter would run this suite against its sandbox."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from shared.adapters.clock import ManualClock
from shared.adapters.payments_sandbox import SandboxGateway
from shared.errors import Conflict, NotFound, RuleViolation
from shared.payments import CardDetails, GatewayTimeout, PaymentDeclined, PaymentGateway

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TEN = Decimal("10.00")


@pytest.fixture
def gateway() -> SandboxGateway:
    return SandboxGateway(ManualClock(NOW))


def card(number: str, month: int = 12, year: int = 2030) -> CardDetails:
    return CardDetails(number=number, exp_month=month, exp_year=year, cvc="123")


def test_the_sandbox_is_a_gateway(gateway: SandboxGateway) -> None:
    port: PaymentGateway = gateway
    assert port.check() == "sandbox payment gateway"


@pytest.mark.parametrize(
    ("number", "brand", "last4"),
    [("4242 4242 4242 4242", "visa", "4242"), ("5555555555554444", "mastercard", "4444")],
    ids=["visa", "mastercard"],
)
def test_a_good_card_authorizes_captures_and_refunds(
    gateway: SandboxGateway, number: str, brand: str, last4: str
) -> None:
    method = gateway.tokenize(card(number))
    assert (method.brand, method.last4, method.exp_month, method.exp_year) == (
        brand,
        last4,
        12,
        2030,
    )
    assert method.token.startswith("tok_sandbox_") and number not in repr(method)
    auth = gateway.authorize("k1", method.token, TEN, "USD")
    assert (auth.amount, auth.currency) == (TEN, "USD")
    assert gateway.state(auth.authorization_id) == ("AUTHORIZED", Decimal(0), Decimal(0))
    captured = gateway.capture("k2", auth.authorization_id, TEN)
    assert (captured.kind, captured.amount) == ("capture", TEN)
    gateway.refund("k3", auth.authorization_id, Decimal("4.00"))
    assert gateway.state(auth.authorization_id) == ("CAPTURED", TEN, Decimal("4.00"))
    gateway.refund("k4", auth.authorization_id, Decimal("6.00"))
    assert gateway.state(auth.authorization_id) == ("REFUNDED", TEN, TEN)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("4000000000000002", "CARD_DECLINED"),
        ("4000000000009995", "INSUFFICIENT_FUNDS"),
        ("4000000000000069", "EXPIRED_CARD"),
    ],
    ids=["declined", "insufficient-funds", "expired-card"],
)
def test_a_declining_card_declines_the_same_way_for_its_key(
    gateway: SandboxGateway, number: str, code: str
) -> None:
    token = gateway.tokenize(card(number)).token
    for _ in range(2):
        with pytest.raises(PaymentDeclined) as err:
            gateway.authorize("k1", token, TEN, "USD")
        assert err.value.code == code


def test_the_timeout_card_loses_its_first_answer_and_a_repeat_finds_it(
    gateway: SandboxGateway,
) -> None:
    token = gateway.tokenize(card("4000 0000 0000 0119")).token
    with pytest.raises(GatewayTimeout) as err:
        gateway.authorize("k1", token, TEN, "USD")
    assert err.value.code == "PAYMENT_GATEWAY_TIMEOUT"
    found = gateway.authorize("k1", token, TEN, "USD")
    assert gateway.authorize("k1", token, TEN, "USD") == found
    gateway.void("k2", found.authorization_id)
    assert gateway.state(found.authorization_id) == ("VOIDED", Decimal(0), Decimal(0))


def test_a_repeat_answers_the_first_call_and_moves_nothing_twice(gateway: SandboxGateway) -> None:
    token = gateway.tokenize(card("4242424242424242")).token
    auth = gateway.authorize("k1", token, TEN, "USD")
    assert gateway.authorize("k1", token, TEN, "USD") == auth
    capture = gateway.capture("k2", auth.authorization_id, TEN)
    assert gateway.capture("k2", auth.authorization_id, TEN) == capture
    refund = gateway.refund("k3", auth.authorization_id, TEN)
    assert gateway.refund("k3", auth.authorization_id, TEN) == refund
    assert gateway.state(auth.authorization_id) == ("REFUNDED", TEN, TEN)


def test_a_key_used_for_another_call_is_a_conflict(gateway: SandboxGateway) -> None:
    token = gateway.tokenize(card("4242424242424242")).token
    gateway.authorize("k1", token, TEN, "USD")
    with pytest.raises(Conflict) as err:
        gateway.authorize("k1", token, Decimal("11.00"), "USD")
    assert err.value.code == "IDEMPOTENCY_KEY_REUSED"


@pytest.mark.parametrize(
    ("steps", "then", "code"),
    [
        (("void",), "capture", "PAYMENT_NOT_CAPTURABLE"),
        (("capture",), "void", "PAYMENT_NOT_VOIDABLE"),
        ((), "refund", "PAYMENT_NOT_REFUNDABLE"),
        (("void",), "void", "PAYMENT_NOT_VOIDABLE"),
        (("capture", "refund"), "refund", "PAYMENT_NOT_REFUNDABLE"),
    ],
    ids=[
        "capture-voided",
        "void-captured",
        "refund-uncaptured",
        "void-twice",
        "refund-more-than-captured",
    ],
)
def test_what_each_state_allows(
    gateway: SandboxGateway, steps: tuple[str, ...], then: str, code: str
) -> None:
    token = gateway.tokenize(card("4242424242424242")).token
    auth_id = gateway.authorize("a", token, TEN, "USD").authorization_id

    def do(step: str, key: str) -> None:
        if step == "void":
            gateway.void(key, auth_id)
        else:
            getattr(gateway, step)(key, auth_id, TEN)

    for n, step in enumerate(steps):
        do(step, f"s{n}")
    with pytest.raises(Conflict) as err:
        do(then, "last")
    assert err.value.code == code


def test_capture_cannot_exceed_the_authorized_amount(gateway: SandboxGateway) -> None:
    token = gateway.tokenize(card("4242424242424242")).token
    auth_id = gateway.authorize("a", token, TEN, "USD").authorization_id
    with pytest.raises(Conflict) as err:
        gateway.capture("c", auth_id, Decimal("10.01"))
    assert err.value.code == "PAYMENT_NOT_CAPTURABLE"


@pytest.mark.parametrize(
    ("details", "code"),
    [
        (card("4111111111111111"), "UNKNOWN_TEST_CARD"),
        (card("4242424242424242", month=2, year=2026), "INVALID_EXPIRY"),
    ],
    ids=["real-looking-card", "past-expiry"],
)
def test_tokenize_refuses(gateway: SandboxGateway, details: CardDetails, code: str) -> None:
    with pytest.raises(RuleViolation) as err:
        gateway.tokenize(details)
    assert err.value.code == code


def test_this_month_is_still_valid(gateway: SandboxGateway) -> None:
    assert gateway.tokenize(card("4242424242424242", month=3, year=2026)).last4 == "4242"


def test_unknown_tokens_and_authorizations_are_not_found(gateway: SandboxGateway) -> None:
    with pytest.raises(NotFound) as err:
        gateway.authorize("k", "tok_sandbox_nope", TEN, "USD")
    assert err.value.code == "UNKNOWN_PAYMENT_TOKEN"
    with pytest.raises(NotFound) as err:
        gateway.capture("k2", "auth_nope", TEN)
    assert err.value.code == "UNKNOWN_AUTHORIZATION"


def test_card_details_never_print_the_number_or_code() -> None:
    shown = repr(card("4242424242424242"))
    assert "4242424242424242" not in shown and "123" not in shown
