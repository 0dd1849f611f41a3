"""Messages written wholly in another language (bot/nlu_languages.py): read through the words of the trade said in
English, their dates day first, their numbers in words in their language; money moves on them only when the model
is sure, and a message in English reads as it did."""

from __future__ import annotations

import datetime as dt

import pytest

from bot import nlu_decide
from bot.nlu_languages import foreign, in_english
from bot.nlu_model import Guess
from bot.understanding import parse, to_json

THURSDAY = dt.date(2026, 12, 3)


def read(text: str, today: dt.date = THURSDAY) -> dict[str, object]:
    return to_json(parse(text, today=today))


@pytest.mark.parametrize(("text", "expected"), [
    ("Hallo, bitte die Rechnung Nr. 30388 über 1.234,50 € heute mit der hinterlegten Karte bezahlen. Danke, Jürgen",
     {"intent": "pay", "invoices": ["30388"], "amount": "1234.50", "date": "2026-12-03"}),
    ("Goedemiddag, wij hebben op 19/11 € 3.118,40 overgemaakt voor facturen 30590 en 30602. Met vriendelijke groet",
     {"intent": "promise", "invoices": ["30590", "30602"], "amount": "3118.40", "date": "2026-11-19"}),
    ("Bonjour, nous souhaitons verser un acompte de 5.000,00 € sur notre compte, pas sur une facture. Virement prévu "
     "le 10/12. Merci.", {"intent": "deposit", "amount": "5000.00", "date": "2026-12-10"}),
    ("Buongiorno, sulla fattura n. 30612 ci avete addebitato 36 pezzi ma ne abbiamo ricevuti 30. Non paghiamo i 6 "
     "pezzi mancanti, 540,00 €. Saluti", {"intent": "dispute", "invoices": ["30612"], "amount": "540.00",
                                          "reason": "Short shipment"}),
    ("Buongiorno, per favore annullate il pagamento programmato del 18/12 per la fattura 31146, abbiamo già pagato "
     "con bonifico. Grazie", {"intent": "cancel_scheduled", "invoices": ["31146"], "date": "2026-12-18"}),
    ("Bitte keine SMS mehr an diese Nummer. Danke.", {"intent": "stop"}),
    ("Hallo, können Sie uns einen Kontoauszug per 30/11/2026 schicken? Danke", {"intent": "statement",
                                                                                 "date": "2026-11-30"}),
])
def test_a_message_in_another_language_is_read_for_what_it_asks(text: str, expected: dict[str, object]) -> None:
    got = read(text)
    assert {key: got.get(key) for key in expected} == expected


def test_a_dotted_day_is_a_date_not_a_sum() -> None:
    assert in_english("bitte rechnung 66210 bezahlen, die lieferung vom 27.11. ist angekommen") == (
        "please invoice 66210 pay, the delivery from the 27 november is arrived")
    assert read("Die Rechnung 70531 haben wir bereits am 02.12. bezahlt, bitte keine Mahnungen mehr.")["amount"] is None


def test_a_reference_said_digit_by_digit_and_corrected_is_the_last_one() -> None:
    assert "73045" in in_english("die rechnung sieben drei null vier vier bezahlen nein moment sieben drei null vier "
                                 "fünf")
    assert read("sí quería pagar la factura cuatro cuatro uno cero no perdón la cuatro cuatro uno uno con la tarjeta "
                "ahora mismo")["invoices"] == ["4411"]


def test_kronor_with_a_space_for_thousands_are_a_sum() -> None:
    assert read("Vi vill sätta in 10 000 kr som förskott på vårt konto, inte på någon faktura.")["amount"] == "10000.00"


@pytest.mark.parametrize("text", [
    "please pay 1043 friday",
    "Can I have a Zahlungsbestätigung (receipt) for the 1.090,00 € we paid on 18/12?",  # one word: still English
    "the solder we ordered was the wrong gauge",  # a French verb that is also an English word
])
def test_a_message_in_english_reads_as_it_did(text: str) -> None:
    assert in_english(text.lower()) == text.lower() or not foreign(text.lower())


def test_money_waits_for_a_surer_reading_when_the_message_was_carried_over() -> None:
    guess = Guess("pay", 0.8, (("pay", 0.8), ("invoices", 0.15), ("unknown", 0.05)))
    assert nlu_decide.decide("unknown", "none", guess) == ("pay", pytest.approx(0.8), ())
    intent, _, clarify = nlu_decide.decide("unknown", "none", guess, carried=True)
    assert (intent, clarify) == ("pay", ("pay", "invoices"))
