"""Customers chatting over SMS and Telegram with the product's server on PostgreSQL: time to reply.

    .venv/bin/python -m bench.conversations                      # 100 SMS + 100 Telegram chats, ~10 s apart
    .venv/bin/python -m bench.conversations --think 2            # the same chats typing five times as fast
    .venv/bin/python -m bench.conversations --sms 200 --telegram 0 --messages 5

A fresh PostgreSQL database (`aragent_bench_conv_<pid>`, dropped afterwards) is migrated and given one
customer per conversation: a billing contact whose phone (SMS) or Telegram user (Telegram) is the sender, and
a few open invoices. The server is bench.webhooks' subprocess: uvicorn, one worker, create_app() with
Twilio's and Telegram's settings in its environment; a stand-in for Telegram's Bot API runs in this process.

Each conversation first links itself the way a customer does (an SMS number known as a contact's; a shared
Telegram contact), then asks for its balance `--messages` times, waiting `--think` seconds (uniform from half
to one and a half times the mean) between one reply and the next message, like a person reading it and
typing again: once all have started, 200 conversations at the default 10 s send about 20 messages a second (replies/s
in the table averages over the whole run, ramp-up and tail included). (The bot answers at
most 20 messages a minute per sender: a run sending more than that would measure its rate limit.) Time to reply:

- **SMS**: the signed webhook posted until its TwiML answer (with the bot's reply in it) is back;
- **Telegram**: the update posted until the Bot API stand-in receives the bot's sendMessage for that chat.

Every reply is checked to carry the customer's balance. Exit status 1 when a p95 is 100 ms or more, or a
conversation did not get its answers.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import httpx
import uvicorn
from rich.console import Console
from rich.table import Table
from twilio.request_validator import RequestValidator

from bench.aging import postgres_database
from bench.webhooks import _free_port, server
from core.kernel.db import Database
from core.kernel.migrate import upgrade
from core.ledger.models import Contact, Customer, CustomerClass, Document

P95_TARGET_MS = 100.0
PUBLIC_URL = "https://ar.bench.invalid"  # what Twilio would call; the signatures are computed over it
TWILIO_TOKEN, OUR_NUMBER = "bench-twilio-auth-token", "+15005550006"
TELEGRAM_TOKEN, TELEGRAM_SECRET = "987654:bench-token", "bench-webhook-secret"
TODAY = dt.date.today()
console = Console(width=None if sys.stdout.isatty() else 130)


# -- the book -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chatter:
    """One conversation: its customer, and who writes in it."""

    code: str
    channel: str  # sms | telegram
    sender: str  # E.164 number, or the Telegram chat (= user) id
    phone: str


def load_book(url: str, sms: int, telegram: int) -> list[Chatter]:
    """Rows written directly in one transaction: the book is the setting, not what is measured."""
    people = [Chatter(f"S{i:05d}", "sms", f"+1510555{i:04d}", f"+1510555{i:04d}") for i in range(sms)]
    people += [Chatter(f"T{i:05d}", "telegram", str(7_000_000 + i), f"+1415555{i:04d}") for i in range(telegram)]
    db = Database(url)
    try:
        with db.uow() as uow:
            klass = CustomerClass(code="BENCH", name="Bench")
            uow.session.add(klass)
            uow.session.flush()
            for n, person in enumerate(people):
                customer = Customer(code=person.code, name=f"Bench customer {person.code}", class_id=klass.id,
                                    currency="USD", delivery=person.channel)
                uow.session.add(customer)
                uow.session.flush()
                uow.session.add(Contact(customer_id=customer.id, name="AP", phone=person.phone, is_primary=True))
                for k in range(3):
                    minor = 10_000 + 1_000 * k + n
                    uow.session.add(Document(
                        customer_id=customer.id, kind="invoice", number=f"{person.code}-{k}",
                        doc_date=TODAY - dt.timedelta(days=20 * k), due_date=TODAY + dt.timedelta(days=30 - 20 * k),
                        currency="USD", amount_minor=minor, open_minor=minor))
            uow.commit()
    finally:
        db.dispose()
    return people


# -- Telegram's Bot API, as far as the bot uses it ------------------------------------------------------


class BotApi:
    """An ASGI app answering as the Bot API does; a sendMessage resolves the waiter for its chat, if any."""

    def __init__(self) -> None:
        self.waiting: dict[str, tuple[asyncio.AbstractEventLoop, asyncio.Future[tuple[float, str]]]] = {}
        self.ids = iter(range(1, 10**9))

    def expect(self, chat: str) -> asyncio.Future[tuple[float, str]]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[tuple[float, str]] = loop.create_future()
        self.waiting[chat] = (loop, future)
        return future

    def _arrived(self, chat: str, text: str) -> None:
        if (waiter := self.waiting.pop(chat, None)) is not None:
            loop, future = waiter
            moment = time.perf_counter()
            loop.call_soon_threadsafe(_resolve, future, (moment, text))

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        method = scope["path"].rsplit("/", 1)[-1]
        fields = _fields(dict(scope["headers"]).get(b"content-type", b"").decode(), body)
        result: Any = True
        if method == "getMe":
            result = {"id": 987654, "is_bot": True, "first_name": "Bench AR", "username": "bench_ar_bot"}
        elif method in ("sendMessage", "sendDocument"):
            self._arrived(str(fields.get("chat_id")), str(fields.get("text", "")))
            result = {"message_id": next(self.ids), "date": int(time.time()),
                      "chat": {"id": int(fields.get("chat_id", 0)), "type": "private"}, "text": fields.get("text")}
        payload = json.dumps({"ok": True, "result": result}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": payload})


def _resolve(future: asyncio.Future[tuple[float, str]], value: tuple[float, str]) -> None:
    if not future.done():  # not given up on meanwhile
        future.set_result(value)


def _fields(kind: str, body: bytes) -> dict[str, Any]:
    if kind.startswith("application/json"):
        return json.loads(body or b"{}")  # type: ignore[no-any-return]
    return {k: v[0] for k, v in parse_qs(body.decode()).items()}


@contextmanager
def bot_api() -> Iterator[tuple[BotApi, str]]:
    """The stand-in, served by uvicorn in a thread of this process."""
    app, port = BotApi(), _free_port()
    stand_in = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=stand_in.run, daemon=True)
    thread.start()
    while not stand_in.started:
        time.sleep(0.01)
    try:
        yield app, f"http://127.0.0.1:{port}"
    finally:
        stand_in.should_exit = True
        thread.join(5)


# -- conversations --------------------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"sms": [], "telegram": []})
    errors: dict[str, int] = field(default_factory=lambda: {"sms": 0, "telegram": 0})
    wrong: dict[str, int] = field(default_factory=lambda: {"sms": 0, "telegram": 0})
    why: Counter[str] = field(default_factory=Counter)  # what the errors were


class Driver:
    def __init__(self, client: httpx.AsyncClient, api: BotApi, timeout: float) -> None:
        self.client, self.api, self.timeout = client, api, timeout
        self.sids = iter(range(1, 10**9))
        self.update_ids = iter(range(1, 10**9))
        self.validator = RequestValidator(TWILIO_TOKEN)

    async def sms(self, person: Chatter, text: str) -> tuple[float, str]:
        sid = f"SM{next(self.sids):032d}"
        form = {"MessageSid": sid, "SmsSid": sid, "AccountSid": "AC" + "0" * 32, "From": person.sender,
                "To": OUR_NUMBER, "Body": text, "NumMedia": "0", "NumSegments": "1", "ApiVersion": "2010-04-01"}
        headers = {"X-Twilio-Signature": self.validator.compute_signature(f"{PUBLIC_URL}/webhooks/twilio/sms", form)}
        started = time.perf_counter()
        response = await self.client.post("/webhooks/twilio/sms", data=form, headers=headers)
        elapsed = time.perf_counter() - started
        response.raise_for_status()
        return elapsed, response.text

    async def telegram(self, person: Chatter, text: str | None, contact: str | None = None) -> tuple[float, str]:
        chat = int(person.sender)
        message: dict[str, Any] = {"message_id": next(self.update_ids), "date": int(time.time()),
                                   "from": {"id": chat, "is_bot": False, "first_name": "AP"},
                                   "chat": {"id": chat, "type": "private", "first_name": "AP"}}
        if contact is not None:
            message["contact"] = {"phone_number": contact, "first_name": "AP", "user_id": chat}
        else:
            message["text"] = text
        reply = self.api.expect(person.sender)
        started = time.perf_counter()
        response = await self.client.post("/webhooks/telegram", json={"update_id": next(self.update_ids),
                                                                      "message": message},
                                          headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
        response.raise_for_status()
        arrived, said = await asyncio.wait_for(reply, self.timeout)
        return arrived - started, said

    async def say(self, person: Chatter, text: str) -> tuple[float, str]:
        if person.channel == "sms":
            return await self.sms(person, text)
        return await self.telegram(person, text)

    async def link(self, person: Chatter) -> None:
        if person.channel == "sms":
            await self.sms(person, "hi")  # a contact's number links at once
        else:
            await self.telegram(person, None, contact=person.phone)

    async def conversation(self, person: Chatter, messages: int, think: float, tally: Tally) -> None:
        await asyncio.sleep(random.uniform(0, 2 * think))  # conversations start spread out, as people do
        for _ in range(messages):
            try:
                elapsed, said = await self.say(person, "balance")
            except (httpx.HTTPError, TimeoutError) as error:
                tally.errors[person.channel] += 1
                tally.why[f"{person.channel}: {type(error).__name__} {error}"[:160]] += 1
            else:
                tally.latencies[person.channel].append(elapsed)
                tally.wrong[person.channel] += "$" not in said
            await asyncio.sleep(random.uniform(0.5 * think, 1.5 * think))


async def drive(base: str, api: BotApi, people: list[Chatter], args: argparse.Namespace) -> tuple[Tally, float]:
    limits = httpx.Limits(max_connections=len(people) + 8, max_keepalive_connections=len(people) + 8)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=args.timeout) as client:
        driver, tally = Driver(client, api, args.timeout), Tally()
        # Linking every conversation at once is the warm-up: connections open, code paths loaded. Not counted.
        await asyncio.gather(*(driver.link(p) for p in people))
        started = time.perf_counter()
        await asyncio.gather(*(driver.conversation(p, args.messages, args.think, tally) for p in people))
        return tally, time.perf_counter() - started


# -- report ---------------------------------------------------------------------------------------------


def pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def report(tally: Tally, seconds: float, people: list[Chatter], args: argparse.Namespace) -> bool:
    table = Table(title=f"Time to reply, {len(people)} concurrent conversations, PostgreSQL, {dt.date.today()}")
    for name in ("channel", "conversations", "replies", "replies/s", "p50 ms", "p95 ms", "p99 ms", "max ms",
                 "errors", "wrong"):
        table.add_column(name, justify="left" if name == "channel" else "right")
    ok = True
    for channel in ("sms", "telegram"):
        values, count = tally.latencies[channel], sum(p.channel == channel for p in people)
        if not count:
            continue
        table.add_row(channel, str(count), str(len(values)), f"{len(values) / seconds:.1f}", f"{pct(values, 50):.1f}",
                      f"{pct(values, 95):.1f}", f"{pct(values, 99):.1f}", f"{max(values) * 1000:.1f}",
                      str(tally.errors[channel]), str(tally.wrong[channel]))
        held = pct(values, 95) < P95_TARGET_MS and not tally.errors[channel] and not tally.wrong[channel]
        held &= len(values) == count * args.messages
        ok &= held
        verdict = "[green]holds[/green]" if held else "[red]MISSED[/red]"
        console.print(f"{channel}: {verdict}  p95 {pct(values, 95):.1f} ms < {P95_TARGET_MS:g} ms, every reply "
                      "carries the balance")
    console.print(table)
    for why, count in tally.why.most_common(5):
        console.print(f"[red]{count} ×[/red] {why}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sms", type=int, default=100, help="SMS conversations")
    parser.add_argument("--telegram", type=int, default=100, help="Telegram conversations")
    parser.add_argument("--messages", type=int, default=6, help="'balance' messages per conversation")
    parser.add_argument("--think", type=float, default=10.0,
                        help="mean seconds between a reply and the next message (the bot allows 20 a minute)")
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds a reply may take before it counts as lost")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    with postgres_database(args.pg_url, prefix="aragent_bench_conv") as url, bot_api() as (api, api_url):
        upgrade(url)
        people = load_book(url, args.sms, args.telegram)
        random.shuffle(people)
        os.environ.update({
            "ARAGENT_PUBLIC_URL": PUBLIC_URL, "ARAGENT_TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
            "ARAGENT_TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "ARAGENT_TWILIO_FROM": OUR_NUMBER,
            "ARAGENT_TELEGRAM_TOKEN": TELEGRAM_TOKEN, "ARAGENT_TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
            "ARAGENT_TELEGRAM_API_BASE": f"{api_url}/bot",
        })
        console.print(f"{len(people)} customers loaded; {args.messages} 'balance' each, ~{args.think:g} s apart")
        with server(url) as base:
            tally, seconds = asyncio.run(drive(base, api, people, args))
    sys.exit(0 if report(tally, seconds, people, args) else 1)


if __name__ == "__main__":
    main()
