"""Roster phones for SMS: Swedish mobile numbers in any usual notation become E.164."""

from __future__ import annotations

import pytest

from intake.people.phones import PhoneError, to_e164


@pytest.mark.parametrize(
    "raw",
    ["070-123 45 67", "0701234567", "+46 70 123 45 67", "+46(0)70-1234567", "0046 70 123 45 67",
     " 070.123.45.67 ", "070\u00a0123\u00a04567"],
)
def test_swedish_mobile_numbers_in_every_usual_notation(raw):
    assert to_e164(raw) == "+46701234567"


def test_a_foreign_number_in_international_form_is_kept():
    assert to_e164("+47 912 34 567") == "+4791234567"


@pytest.mark.parametrize(
    "raw", ["", "abc", "08-123 456 78", "+46 8 123 456 78", "070-12", "+0123", "070123456789012"]
)
def test_what_cannot_take_an_sms_is_refused_with_a_reason(raw):
    with pytest.raises(PhoneError, match="(not a phone number|not a Swedish mobile)"):
        to_e164(raw)
