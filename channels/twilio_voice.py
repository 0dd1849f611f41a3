"""The phone line: an IVR in TwiML, one step per Twilio callback, the call's state in the callback's URL.

    incoming ─ caller's number is one customer's contact ─────────────────────────────▶ menu
        └─ otherwise ▶ account ▶ zip ─ both match one customer ───────────────────────▶ menu
                                   └─ no match: ask again; the third miss goes to an agent (or says goodbye)
    menu ─ 1 ▶ balance ─────────────────────────────────────────────────────────────────▶ menu
         ─ 2 ▶ offer: "to pay exactly $X with Visa ending 4242, press 1" ─ 1 ▶ pay ──────▶ menu
                ├─ 2 (another card), or several on file and no sure default ▶ method: "for …, press N" ▶ offer
                └─ no saved method ▶ new-card: Twilio <Pay> takes the card ▶ card-saved ▶ offer
         ─ 3 / 4 ▶ statement by text / email (queued in the outbox) ─────────────────────▶ menu
         ─ 0 ▶ <Dial> an agent ─ its outcome (DialCallStatus) ▶ agent-done ▶ menu
                    └─ the agent's leg (<Number> statusCallback) ▶ agent-leg: ringing, answered, ended

Each call is recorded (core.conversations.calls) for the console's screen pop: when it arrives, when the caller is
identified, when it is put through to an agent (ringing), when and by whom it is answered (the agent's leg
reports that on its own callback, naming the caller's call as ParentCallSid) and how that transfer ended.

Twilio signs each callback's full URL, query string included (checked by `channels.web.twilio`), so the
state we put there (`c`: the customer, once identified; `amount`, `currency`, `method`: what was read back)
comes back as we wrote it. Card numbers are never gathered as digits here: only Twilio's <Pay> takes them.
Each step runs in a worker thread: it reads and writes the database through `core`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from urllib.parse import urlencode

from twilio.twiml.voice_response import Gather, Say, VoiceResponse

from channels.twilio_settings import TwilioSettings
from channels.twilio_voice_account import (
    balance_sentence,
    customer_by_phone,
    offered_method,
    past_due_quote,
    pay_exactly,
    save_card,
    send_statement,
    spoken_card,
    verify_account,
)
from core import conversations
from core.bootstrap import Services
from core.kernel import Money

VOICE_PATH = "/webhooks/twilio/voice"
AGENT_LEG_STEP = "agent-leg"
AGENT_LEG_EVENTS = "initiated ringing answered completed"
LANGUAGE = "en-US"
MAX_TRIES = 3
MAX_METHODS_SPOKEN = 8  # keys 1-8; 9 goes back
MENU = ("For your balance, press 1. To pay your past-due amount, press 2. To have your statement sent by text "
        "message, press 3, or by email, press 4. To speak with an agent, press 0.")
MENU_WORDS = (("balance", "1"), ("owe", "1"), ("pay", "2"), ("text", "3"), ("sms", "3"), ("email", "4"),
              ("e-mail", "4"), ("agent", "0"), ("representative", "0"), ("person", "0"), ("operator", "0"))


@dataclass(frozen=True)
class Call:
    services: Services
    settings: TwilioSettings
    params: Mapping[str, str]  # what Twilio posted
    state: Mapping[str, str]  # our query string

    @property
    def caller(self) -> str:
        return self.params.get("From", "")

    @property
    def entered(self) -> str:
        return (self.params.get("Digits") or self.params.get("SpeechResult") or "").strip()

    @property
    def code(self) -> str:
        return self.state.get("c", "")

    def url(self, step: str, **state: str | int) -> str:
        query = urlencode({k: v for k, v in state.items() if v != ""})
        return f"{self.services.settings.public_url}{VOICE_PATH}/{step}" + (f"?{query}" if query else "")

    def gather(self, response: VoiceResponse, step: str, text: str, *, speech: bool = True, digits: int | None = 1,
               **state: str | int) -> Gather:
        gather = response.gather(input="dtmf speech" if speech else "dtmf", action=self.url(step, **state),
                                 method="POST", num_digits=digits, timeout=6, speech_timeout="auto",
                                 language=LANGUAGE, finish_on_key="#" if digits is None else None)
        gather.say(text, language=LANGUAGE)
        return gather


def say(response: VoiceResponse, text: str) -> VoiceResponse:
    response.say(text, language=LANGUAGE)
    return response


# ── Who is calling ────────────────────────────────────────────────────────────────────────────────────


def incoming(call: Call) -> VoiceResponse:
    seller = call.services.settings.seller_name
    code = customer_by_phone(call.services, call.caller)
    _record(call, code)
    if code is not None:
        return menu(call, code, greeting=f"Welcome to {seller} accounts receivable.")
    return ask_account(call, 0, greeting=f"Welcome to {seller} accounts receivable.")


def ask_account(call: Call, tries: int, greeting: str = "") -> VoiceResponse:
    response = say(VoiceResponse(), greeting) if greeting else VoiceResponse()
    call.gather(response, "account", "Please enter or say your account number, then press the pound key.",
                digits=None, tries=tries)
    response.redirect(call.url("again", tries=tries), method="POST")  # no answer: a try spent
    return response


def account(call: Call) -> VoiceResponse:
    tries = int(call.state.get("tries", "0"))
    if not call.entered:
        return again(call)
    response = VoiceResponse()
    call.gather(response, "zip", "Now enter or say the ZIP code of your billing address.", digits=None,
                account=call.entered, tries=tries)
    response.redirect(call.url("again", tries=tries), method="POST")
    return response


def zip_code(call: Call) -> VoiceResponse:
    code = verify_account(call.services, call.state.get("account", ""), call.entered)
    if code is not None:
        _record(call, code)
        return menu(call, code, greeting="Thank you.")
    return again(call, "Sorry, we could not verify that account.")


def again(call: Call, sorry: str = "Sorry, we did not get that.") -> VoiceResponse:
    tries = int(call.state.get("tries", "0")) + 1
    if tries < MAX_TRIES:
        return ask_account(call, tries, greeting=sorry)
    if call.settings.agent_phone:
        return agent(call, greeting=f"{sorry} Let us put you through to an agent.")
    response = say(VoiceResponse(), f"{sorry} Please call again, or contact us by email. Goodbye.")
    response.hangup()
    return response


# ── The menu ──────────────────────────────────────────────────────────────────────────────────────────


def menu(call: Call, code: str | None = None, greeting: str = "") -> VoiceResponse:
    code = code or call.code
    rounds = int(call.state.get("rounds", "0"))
    response = say(VoiceResponse(), greeting) if greeting else VoiceResponse()
    if rounds >= 2:
        return say(response, "Thank you for calling. Goodbye.")
    call.gather(response, "choice", MENU, c=code)
    response.redirect(call.url("menu", c=code, rounds=rounds + 1), method="POST")
    return response


def choice(call: Call) -> VoiceResponse:
    entered = call.entered.lower()
    key = entered[:1] if entered[:1].isdigit() else next((k for word, k in MENU_WORDS if word in entered), "")
    steps: dict[str, Callable[[Call], VoiceResponse]] = {"1": balance, "2": offer, "3": statement_by_text,
                                                         "4": statement_by_email, "0": agent}
    step = steps.get(key)
    return step(call) if step else menu(call, greeting="Sorry, we did not get that.")


def balance(call: Call) -> VoiceResponse:
    return menu(call, greeting=balance_sentence(call.services, call.code, dt.date.today()))


def offer(call: Call) -> VoiceResponse:
    quote = past_due_quote(call.services, call.code, dt.date.today())
    if quote is None:
        return menu(call, greeting="You have nothing past due that is not already being paid.")
    amount = quote.total.format()
    picked = call.state.get("picked", "")
    method, on_file = offered_method(call.services, call.code, int(picked) if picked.isdigit() else None)
    response = VoiceResponse()
    if not on_file:
        call.gather(response, "new-card", f"Your past-due amount is {amount}. We have no saved payment method for "
                    "your account. To enter a card with our secure payment system, press 1. To go back, press 9.",
                    speech=False, c=call.code)
    elif method is None:  # several on file and no sure default: the caller chooses, as a chat customer would
        return choose_method(call, lead=f"Your past-due amount is {amount}.")
    else:
        another = " To use another card, press 2." if len(on_file) > 1 else ""
        call.gather(response, "pay", f"Your past-due amount is {amount}. To pay exactly {amount} now with your "
                    f"{spoken_card(method)}, press 1.{another} To go back to the menu, press 9.", speech=False,
                    c=call.code, amount=str(quote.total.amount), currency=quote.total.currency, method=method.id)
    response.redirect(call.url("menu", c=call.code), method="POST")
    return response


def choose_method(call: Call, lead: str = "") -> VoiceResponse:
    """The methods on file by number, in the order the chat lists them (its "card 2" is the second here too)."""
    _, on_file = offered_method(call.services, call.code)
    listed = on_file[:MAX_METHODS_SPOKEN]
    choices = " ".join(f"For your {spoken_card(m)}, press {n}." for n, m in enumerate(listed, start=1))
    response = VoiceResponse()
    call.gather(response, "method", f"{lead} Which card should we use? {choices} To go back to the menu, press 9."
                .strip(), speech=False, c=call.code)
    response.redirect(call.url("menu", c=call.code), method="POST")
    return response


def method_picked(call: Call) -> VoiceResponse:
    _, on_file = offered_method(call.services, call.code)
    listed = on_file[:MAX_METHODS_SPOKEN]
    if not call.entered.isdigit() or not 1 <= int(call.entered) <= len(listed):
        return menu(call)
    return offer(replace(call, state={"c": call.code, "picked": str(listed[int(call.entered) - 1].id)}))


def pay(call: Call) -> VoiceResponse:
    if call.entered == "2":
        return choose_method(call)
    if call.entered != "1":
        return menu(call)
    heard = Money.of(call.state.get("amount", "0"), call.state.get("currency", ""))
    outcome = pay_exactly(call.services, call.code, heard, int(call.state.get("method", "0")),
                          caller=call.caller, call_sid=call.params.get("CallSid", ""), today=dt.date.today())
    if outcome is None:
        return _prefixed(offer(call), "The amount due has just changed.")
    return menu(call, greeting=outcome)


def new_card(call: Call) -> VoiceResponse:
    if call.entered != "1":
        return menu(call)
    response = say(VoiceResponse(), "Please enter your card when prompted.")
    response.pay(input="dtmf", payment_connector=call.settings.pay_connector, token_type="reusable",
                 charge_amount="0", payment_method="credit-card", action=call.url("card-saved", c=call.code),
                 description="Save a card for your account")
    return response


def card_saved(call: Call) -> VoiceResponse:
    if call.params.get("Result") != "success" or not call.params.get("PaymentToken"):
        return menu(call, greeting="Your card could not be saved.")
    card = save_card(call.services, call.code, call.params, caller=call.caller)
    if card is None:
        return menu(call, greeting="Your card could not be saved.")
    return _prefixed(offer(call), f"Your {card} is saved.")


def _prefixed(response: VoiceResponse, text: str) -> VoiceResponse:
    response.verbs.insert(0, Say(text, language=LANGUAGE))
    return response


def statement_by_text(call: Call) -> VoiceResponse:
    sentence = send_statement(call.services, call.code, "sms", caller=call.caller,
                              call_sid=call.params.get("CallSid", ""))
    return menu(call, greeting=sentence)


def statement_by_email(call: Call) -> VoiceResponse:
    sentence = send_statement(call.services, call.code, "email", caller=call.caller,
                              call_sid=call.params.get("CallSid", ""))
    return menu(call, greeting=sentence)


def agent(call: Call, greeting: str = "Please hold while we transfer you to an agent.") -> VoiceResponse:
    if not call.settings.agent_phone:
        _record(call, wants_agent=True)
        return menu(call, greeting="No agent can take your call right now. Please try again later.")
    _record(call, status="ringing", wants_agent=True)
    response = say(VoiceResponse(), greeting)
    dial = response.dial(timeout=30, action=call.url("agent-done", c=call.code))
    dial.number(call.settings.agent_phone, status_callback=call.url(AGENT_LEG_STEP),
                status_callback_event=AGENT_LEG_EVENTS, status_callback_method="POST")
    return response


DIAL_OUTCOMES = {"completed": "completed", "answered": "completed", "busy": "busy", "no-answer": "no-answer",
                 "failed": "failed", "canceled": "canceled"}


def agent_done(call: Call) -> VoiceResponse:
    """The <Dial>'s action: how the transfer ended; an identified caller goes back to the menu."""
    _record(call, status=DIAL_OUTCOMES.get(call.params.get("DialCallStatus", ""), "completed"))
    if call.code:
        return menu(call)
    response = say(VoiceResponse(), "Thank you for calling. Goodbye.")
    response.hangup()
    return response


# What the agent's leg reports (its CallStatus), as the caller's call's status; "initiated" tells nothing new.
LEG_STATUSES = {"ringing": "ringing", "in-progress": "in-progress", "answered": "in-progress",
                "completed": "completed", "busy": "busy", "no-answer": "no-answer", "failed": "failed",
                "canceled": "canceled"}


def agent_leg(services: Services, params: Mapping[str, str]) -> str | None:
    """The agent's leg's status callback, told on the caller's call (ParentCallSid); its status afterwards."""
    status, parent = LEG_STATUSES.get(params.get("CallStatus", "")), params.get("ParentCallSid", "")
    if status is None or not parent:
        return None
    return conversations.record_call(services.db.uow(), parent, status=status,
                                     answered_by=params.get("To") or params.get("Called"),
                        answered_at=_timestamp(params.get("Timestamp", "")))


def _timestamp(value: str) -> dt.datetime | None:
    """Twilio's Timestamp (RFC 2822: `Mon, 02 Mar 2026 15:00:07 +0000`), or None when absent or unreadable."""
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _record(call: Call, code: str | None = None, *, status: str | None = None, wants_agent: bool = False) -> None:
    if sid := call.params.get("CallSid", ""):
        conversations.record_call(call.services.db.uow(), sid, from_number=call.caller,
                                  customer_code=code or call.code or None,
                     status=status, wants_agent=wants_agent)


STEPS: dict[str, Callable[[Call], VoiceResponse]] = {
    "account": account, "zip": zip_code, "again": again, "menu": menu, "choice": choice, "pay": pay,
    "new-card": new_card, "card-saved": card_saved, "agent-done": agent_done, "method": method_picked,
}
IDENTIFIED_ONLY = {"menu", "choice", "pay", "new-card", "card-saved", "method"}


def step(call: Call, name: str | None) -> VoiceResponse:
    """The TwiML for one callback; a step that needs a caller not yet identified starts over."""
    if name is None:
        return incoming(call)
    if name not in STEPS or (name in IDENTIFIED_ONLY and not call.code):
        return incoming(call)
    return STEPS[name](call)
