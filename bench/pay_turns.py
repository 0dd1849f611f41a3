"""How many database transactions "pay 1042" and then "YES" take over SMS, through the bot.

    .venv/bin/python -m bench.pay_turns                      # SQLite and PostgreSQL
    .venv/bin/python -m bench.pay_turns --backend sqlite

A fresh database (a temporary SQLite file, or `aragent_bench_pay_<pid>` on PostgreSQL, dropped afterwards) gets
the demo book plus Acme (tests/integration/bot/test_dialogue.py's `acme_book`: INV-1042 $1,000 current with 2%/10
days, INV-1043 and INV-1044 overdue), its billing phone and a sandbox Visa saved like the demo's. One "balance"
text links the conversation (not counted), then `bot.engine.handle` answers "pay 1042" and "YES" as the SMS
route hands them over. Counted on the engine: every transaction begun (`begin` event) and every COMMIT, per
turn; the sandbox processor's own (it keeps its charges in the same database) are shown apart, since a real
processor's are not ours.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import threading
from collections import Counter
from collections.abc import Callable

from sqlalchemy import event

from bench.aging import scratch_database
from bot.engine import handle
from bot.turns import Inbound
from channels.logs import configure_logging
from core.bootstrap import Services, bootstrap
from core.demo import ACTOR, DEMO_CARDS, load_demo_book
from core.kernel.config import load_settings
from core.kernel.migrate import upgrade
from core.ledger.erp import run_import
from core.payments import SandboxProcessor, add_method

PHONE = "+15105550123"




def acme(services: Services, today: dt.date) -> None:
    """Acme as the dialogue tests know it, dated from `today`, with a sandbox Visa on file."""
    def day(days_ago: int) -> str:
        return str(today - dt.timedelta(days=days_ago))

    rows = {"customers": [{"code": "ACME", "name": "Acme Corp", "phone": PHONE, "email": "ap@acme.example",
                           "class": "KEY", "delivery": "sms;email"}],
            "invoices": [{"number": "INV-1042", "customer": "ACME", "date": day(7), "amount": "1000.00",
                          "discount_percent": "2", "discount_days": "10"},
                         {"number": "INV-1043", "customer": "ACME", "date": day(82), "amount": "250.00"},
                         {"number": "INV-1044", "customer": "ACME", "date": day(52), "amount": "400.00"}]}
    for kind, found in rows.items():
        report = run_import(services.db.uow(), kind, enumerate(found, start=2), ACTOR, source="bench")
        assert not report.rejected, report.rejected
    sandbox = services.processors["sandbox"]
    assert isinstance(sandbox, SandboxProcessor)
    token = sandbox.tokenize_card(DEMO_CARDS["visa"], 12, today.year + 3, "123", "Acme Corp")
    add_method(services.db.uow(), customer_code="ACME", saved=sandbox.save_method(token, "ACME"),
               processor="sandbox", actor=ACTOR, authorization=None)


class Transactions:
    """Transactions begun and COMMITs on the engine, while `counting`; the processor's own apart."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.counting = False
        self._in_processor = threading.local()

    def listen(self, services: Services) -> None:
        event.listen(services.db.engine, "begin", lambda _conn: self._count("transactions"))
        event.listen(services.db.engine, "commit", lambda _conn: self._count("commits"))
        sandbox = services.processors["sandbox"]
        charge = sandbox.charge

        def counted_charge(request):  # type: ignore[no-untyped-def]
            self._in_processor.on = True
            try:
                return charge(request)
            finally:
                self._in_processor.on = False

        sandbox.charge = counted_charge  # type: ignore[method-assign]

    def _count(self, what: str) -> None:
        if self.counting:
            self.counts[f"processor {what}" if getattr(self._in_processor, "on", False) else what] += 1

    def during(self, step: Callable[[], str]) -> tuple[str, Counter[str]]:
        self.counts, self.counting = Counter(), True
        try:
            return step(), self.counts
        finally:
            self.counting = False


def run(backend: str) -> None:
    configure_logging("warning")
    today = dt.date.today()
    with scratch_database(backend, "pay") as url, tempfile.TemporaryDirectory(prefix="aragent_pay_data_") as data:
        upgrade(url)
        services = bootstrap(load_settings(database_url=url, data_dir=data, log_level="warning"))
        load_demo_book(services.db.uow, today, services.settings.short_pay_reasons)
        acme(services, today)
        sent = iter(range(1, 100))

        def text(body: str) -> str:
            replies = handle(services, Inbound("sms", PHONE, body, f"SM-bench-{next(sent)}"))
            return "\n".join(reply.text for reply in replies)

        counter = Transactions()
        counter.listen(services)
        assert "balance" in text("balance").lower()  # links the conversation by its phone: not counted
        quote, paying = counter.during(lambda: text("pay 1042"))
        assert "Total: $980.00" in quote, quote
        paid, confirming = counter.during(lambda: text("YES"))
        assert "on its way" in paid or "Thank you" in paid, paid
        services.close()
    total = paying + confirming
    print(f"{backend}: pay 1042: {_figures(paying)}; YES: {_figures(confirming)}; both turns: {_figures(total)}")


def _figures(counts: Counter[str]) -> str:
    ours = f"{counts['transactions']} transactions ({counts['commits']} COMMITs)"
    theirs = counts["processor transactions"]
    return ours + (f" + the sandbox processor's {theirs} ({counts['processor commits']} COMMITs)" if theirs else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        run(backend)


if __name__ == "__main__":
    main()
