"""Webhook signatures: Stripe's t=…,v1=… scheme, replay window both ways, secret rotation."""

import pytest

from core.payments.signatures import SignatureError, compute, sign, verify

BODY = b'{"id":"evt_1","type":"payment.succeeded"}'
NOW = 1_800_000_000


def test_a_fresh_signature_verifies_and_returns_its_timestamp():
    assert verify(BODY, sign(BODY, "whsec_a", NOW), ["whsec_a"], now=NOW) == NOW


@pytest.mark.parametrize("age, ok", [(299, True), (300, True), (301, False), (-299, True), (-301, False),
                                     (-600, False), (3600, False)])
def test_timestamps_older_or_further_ahead_than_300_seconds_are_refused(age, ok):
    header = sign(BODY, "whsec_a", NOW - age)
    if ok:
        verify(BODY, header, ["whsec_a"], now=NOW)
    else:
        with pytest.raises(SignatureError, match="more than 300 s"):
            verify(BODY, header, ["whsec_a"], now=NOW)


def test_an_altered_body_or_wrong_secret_is_refused():
    header = sign(BODY, "whsec_a", NOW)
    with pytest.raises(SignatureError, match="does not match"):
        verify(BODY.replace(b"succeeded", b"failed"), header, ["whsec_a"], now=NOW)
    with pytest.raises(SignatureError, match="does not match"):
        verify(BODY, header, ["whsec_b"], now=NOW)


def test_rotation_accepts_any_current_secret_and_any_v1_value():
    old_and_new = f"t={NOW},v1={compute(BODY, 'whsec_old', NOW)},v1={compute(BODY, 'whsec_new', NOW)}"
    assert verify(BODY, old_and_new, ["whsec_new"], now=NOW) == NOW
    assert verify(BODY, sign(BODY, "whsec_old", NOW), ["whsec_new", "whsec_old"], now=NOW) == NOW


@pytest.mark.parametrize("header", [None, "", "garbage", "t=abc,v1=00", f"t={NOW}", "v1=deadbeef"])
def test_missing_or_malformed_headers_are_refused(header):
    with pytest.raises(SignatureError):
        verify(BODY, header, ["whsec_a"], now=NOW)
