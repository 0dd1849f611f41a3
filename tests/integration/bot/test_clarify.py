"""A message read with doubt gets one short question with the likely requests, never a guess about money."""

from __future__ import annotations

from tests.integration.bot.test_dialogue import Chat, open_minor, payments


def test_the_question_names_the_invoice_and_pays_nothing(chat: Chat, unsure: None) -> None:
    asked = chat.say("1043 sort it out")
    assert "Do you want to:" in asked
    assert "1) pay invoice 1043 now" in asked and "2) schedule invoice 1043" in asked
    assert "3) tell us it's wrong" in asked
    assert chat.state() == "ask_intent"
    assert [b.payload for r in chat.last for b in r.buttons] == ["pick:1", "pick:2", "pick:3"]
    assert payments(chat.services.db) == []


def test_picking_pay_gives_the_exact_quote_for_the_invoice_named(chat: Chat, unsure: None) -> None:
    chat.say("1043 sort it out")
    quote = chat.say("1")
    assert "Please confirm this payment" in quote and "INV-1043: $250.00" in quote
    assert "on its way" in chat.say("YES")
    assert payments(chat.services.db) == [(25000, "pending", "sms")]


def test_picking_by_button_or_by_word_works_too(chat: Chat, unsure: None) -> None:
    chat.say("1043 sort it out")
    answer = chat.press("3.")
    assert "INV-1043" in answer and chat.state() != "ask_intent"
    assert payments(chat.services.db) == [] and open_minor(chat.services.db, "INV-1043") == 25000
    chat.say("1043 sort it out")
    chat.say("schedule")
    assert chat.state() == "ask_date"  # scheduling INV-1043: on which day?


def test_something_else_instead_of_an_answer_is_read_as_a_new_message(chat: Chat, unsure: None) -> None:
    chat.say("1043 sort it out")
    assert "OK" in chat.say("no") and chat.state() == "idle"
    assert payments(chat.services.db) == []
