"""ACH/wire remit details are checked when the settings load: a mistyped routing number would send money astray."""

from __future__ import annotations

import pytest

from core.kernel.config import BankRemit, SettingsError, aba_routing_ok, load_settings

GOOD = {"remit_bank_name": "First Harbor Bank", "remit_bank_routing": "121000358",
        "remit_bank_account": "0012 3456-78", "remit_bank_swift": "fhbkus6s"}


def test_none_set_means_none_offered():
    assert load_settings(seller_name="Northwind Supply Co.").remit_bank is None


def test_the_details_as_printed():
    assert load_settings(seller_name="Northwind Supply Co.", **GOOD).remit_bank == BankRemit(
        "First Harbor Bank", "Northwind Supply Co.", "121000358", "0012345678", "FHBKUS6S")
    held_by = load_settings(**GOOD, remit_bank_account_name="Northwind Holdings LLC").remit_bank
    assert held_by is not None and held_by.account_name == "Northwind Holdings LLC"


@pytest.mark.parametrize(("change", "says"), [
    ({"remit_bank_routing": ""}, "need ARAGENT_REMIT_BANK_ROUTING"),
    ({"remit_bank_name": "", "remit_bank_account": ""}, "need ARAGENT_REMIT_BANK_NAME, ARAGENT_REMIT_BANK_ACCOUNT"),
    ({"remit_bank_routing": "121000359"}, "not a valid 9-digit ABA routing number"),  # one digit off
    ({"remit_bank_routing": "12100035"}, "not a valid 9-digit ABA routing number"),
    ({"remit_bank_account": "12"}, "4 to 17 digits"),
    ({"remit_bank_account": "0012-3456-AB"}, "4 to 17 digits"),
    ({"remit_bank_swift": "FHBK US"}, "not a SWIFT/BIC code"),
])
def test_a_half_set_or_mistyped_detail_stops_the_start(change, says):
    with pytest.raises(SettingsError, match=says):
        load_settings(**{**GOOD, **change})


def test_the_aba_check_digit():
    assert aba_routing_ok("011000015") and aba_routing_ok("121000358")
    assert not aba_routing_ok("011000016")
