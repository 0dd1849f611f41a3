"""Everyday questions (issue 15, item 9) are understood in so many words, and only then: who the assistant is,
thanks, the finance charge, where to send a check or a wire, a copy of an invoice."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.understanding import parse

SUNDAY = dt.date(2026, 11, 22)


def intent(text: str) -> str:
    return parse(text, today=SUNDAY).intent


@pytest.mark.parametrize("text", [
    "r u a bot?", "are you a robot", "is this a real person?", "am I talking to a human", "who is this?", "who dis",
    "who am i chatting with", "is this automated", "are u even a real person lol",
])
def test_who_the_assistant_is(text: str) -> None:
    assert intent(text) == "who_are_you"


@pytest.mark.parametrize("text", [
    "thx", "thanks!", "Thank you!!", "ty", "thank u so much", "many thanks", "cheers", "thanks, have a good day",
    "much appreciated",
])
def test_thanks(text: str) -> None:
    assert intent(text) == "thanks"


@pytest.mark.parametrize("text", [
    "why do I have a finance charge?", "why was I charged interest", "what is this finance charge",
    "how are finance charges calculated", "what's your interest rate", "why is there a finance charge on 104108?",
    "finance charge?", "can you explain the service charge",
])
def test_a_question_about_the_finance_charge(text: str) -> None:
    assert intent(text) == "finance_charge"


@pytest.mark.parametrize("text", [
    "where do I mail a check?", "where should we send payment", "what's your remit to address",
    "what's your address for mailing checks", "who do I make the check out to", "wire instructions pls",
    "what are your bank details", "routing number?", "where can I wire the money",
])
def test_where_to_send_a_check_or_a_wire(text: str) -> None:
    assert intent(text) == "remit_to"


@pytest.mark.parametrize(("text", "expected"), [
    ("i need a person not a bot", "agent"), ("talk to a human", "agent"), ("can i talk to a real human pls", "agent"),
    ("ok thanks bye", "thanks"), ("no thanks", "deny"), ("no thx", "deny"), ("pay 104518 thx", "pay"),
    ("why am i being charged a late fee? i paid on time", "dispute"),
    ("why do I have a finance charge? I already paid", "dispute"),
    ("can you change our mailing address", "unknown"), ("our bank details changed", "add_method"),
    ("check is in the mail", "promise"), ("do you accept wire transfers?", "methods"),
    ("who is this invoice from", "invoices"), ("pay the finance charge", "pay"),
])
def test_nearby_messages_keep_their_own_meaning(text: str, expected: str) -> None:
    assert intent(text) == expected


def test_asking_to_take_a_finance_charge_off_is_not_a_question_about_it() -> None:
    assert intent("please waive the finance charge") != "finance_charge"
    assert intent("the finance charge is wrong, remove it") == "dispute"


@pytest.mark.parametrize("text", [
    "send me a copy of invoice 104108", "pls send copy of inv 104402", "can I get a copy of inv 1043",
    "email me invoice 104108", "resend invoice 104108",
])
def test_a_copy_of_a_named_invoice_is_asked_for_as_invoices_with_the_number(text: str) -> None:
    parsed = parse(text, today=SUNDAY)
    assert parsed.intent == "invoices" and parsed.invoices
