"""What clients send to change a cart: checked strictly (an unknown field is a 400)."""

from __future__ import annotations

from pydantic import ConfigDict, Field, SecretStr, field_validator

from shared.checkout.model import Address, Quantity, Sku
from shared.wire import RequestModel


class AddressInput(Address):
    """The destination step's body: checked strictly."""

    model_config = ConfigDict(extra="forbid")


class AddLine(RequestModel):
    sku: Sku
    quantity: Quantity


class SetQuantity(RequestModel):
    quantity: Quantity


class ChooseDelivery(RequestModel):
    option_id: str = Field(min_length=1, max_length=140)


class CardInput(RequestModel):
    """A card as typed. Number and code are secrets: never echoed, logged or stored."""

    number: SecretStr
    exp_month: int = Field(ge=1, le=12)
    exp_year: int = Field(ge=2000, le=2100)
    cvc: SecretStr

    @field_validator("number")
    @classmethod
    def _digits(cls, v: SecretStr) -> SecretStr:
        digits = "".join(v.get_secret_value().split())
        if not digits.isdigit() or not 12 <= len(digits) <= 19:
            raise ValueError("a card number is 12 to 19 digits")
        return v

    @field_validator("cvc")
    @classmethod
    def _code(cls, v: SecretStr) -> SecretStr:
        code = v.get_secret_value()
        if not code.isdigit() or len(code) not in (3, 4):
            raise ValueError("a security code is 3 or 4 digits")
        return v


class PayWith(RequestModel):
    card: CardInput
