"""One balance turn, in process: how long it takes and where the time goes (cProfile).

    .venv/bin/python -m bench.balance_turn                   # SQLite and PostgreSQL, 300 turns each
    .venv/bin/python -m bench.balance_turn --backend sqlite --turns 600 --profile 25

A fresh database (a temporary SQLite file, or `aragent_bench_turn_<pid>` on PostgreSQL, dropped afterwards) gets
the demo book (60 customers, each with a billing contact's phone). Each turn is a signed inbound SMS "balance?"
from one of those phones, posted to /webhooks/twilio/sms through Litestar's TestClient: verification, the bot
(receive, identity, the balance read, reply) and the TwiML answer. One sender asks at most a dozen times a
minute (under the bot's rate limit). Prints ms per turn (median, p95, mean) and the `--profile` functions with
the most cumulative time in the bot's worker thread (the route hands the turn to one, and cProfile follows one
thread). Unlike bench.conversations it runs no server and no concurrency: it finds waste.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import statistics
import tempfile
import time

from litestar.testing import TestClient
from sqlalchemy import select
from twilio.request_validator import RequestValidator

import channels.twilio_sms
from bench.aging import scratch_database
from channels.logs import configure_logging
from channels.web.app import create_app
from core.bootstrap import bootstrap
from core.demo import load_demo_book
from core.kernel.config import load_settings
from core.kernel.migrate import upgrade
from core.ledger.models import Contact

TWILIO_TOKEN, OUR_NUMBER, PUBLIC_URL = "bench-twilio-auth-token", "+15005550006", "https://ar.bench.invalid"




def run(backend: str, turns: int, top: int) -> None:
    configure_logging("warning")
    with scratch_database(backend, "turn") as url, tempfile.TemporaryDirectory(prefix="aragent_turn_data_") as data:
        upgrade(url)
        services = bootstrap(load_settings(
            database_url=url, data_dir=data, public_url=PUBLIC_URL, twilio_auth_token=TWILIO_TOKEN,
            twilio_account_sid="AC" + "0" * 32, twilio_from=OUR_NUMBER, log_level="warning"))
        load_demo_book(services.db.uow, dt.date.today(), services.settings.short_pay_reasons)
        with services.db.uow() as uow:
            phones = sorted({p for p in uow.session.scalars(select(Contact.phone)) if p})
        validator = RequestValidator(TWILIO_TOKEN)
        with TestClient(create_app(services)) as client:
            def turn(n: int) -> float:
                form = {"MessageSid": f"SM{backend[:2]}{n:030d}", "From": phones[n % len(phones)],
                        "To": OUR_NUMBER, "Body": "balance?", "AccountSid": "AC" + "0" * 32}
                signature = validator.compute_signature(PUBLIC_URL + "/webhooks/twilio/sms", form)
                started = time.perf_counter()
                response = client.post("/webhooks/twilio/sms", data=form, headers={"X-Twilio-Signature": signature})
                elapsed = time.perf_counter() - started
                assert response.status_code == 200 and "balance" in response.text.lower(), response.text
                return elapsed * 1000

            for n in range(len(phones)):  # warm-up: links every conversation, compiles every statement
                turn(n)
            times = [turn(len(phones) + n) for n in range(turns)]
            profiler, bot = cProfile.Profile(), channels.twilio_sms.handle
            channels.twilio_sms.handle = lambda *args: profiler.runcall(bot, *args)  # type: ignore[assignment]
            try:
                for n in range(turns):
                    turn(len(phones) + turns + n)
            finally:
                channels.twilio_sms.handle = bot
        services.close()
    times.sort()
    print(f"{backend}: {turns} balance turns, ms per turn: median {statistics.median(times):.2f}, "
          f"p95 {times[int(len(times) * 0.95)]:.2f}, mean {statistics.fmean(times):.2f}")
    if top:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--profile", type=int, default=0, help="print this many functions by cumulative time")
    args = parser.parse_args()
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        run(backend, args.turns, args.profile)


if __name__ == "__main__":
    main()
