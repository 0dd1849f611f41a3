"""Statement PDFs: what a customer reads in them, the same bytes every time, and one file per statement."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PageObject, PdfReader
from sqlalchemy import func, select

from channels.cli.main import main
from core.documents.models import StoredFile
from core.kernel.config import BankRemit
from core.kernel.errors import Invalid
from core.kernel.money import Money
from core.ledger.models import Customer
from core.ledger.rules import BUCKETS, aging_bucket
from core.statements import pdf as statement_pdf
from core.statements.models import Statement, StatementRun
from core.statements.pdf import ensure_statement_pdf, render_statement_pdf, render_statements, statements_on
from core.statements.snapshots import (
    STATEMENT_TEMPLATE_VERSION,
    ActivityLine,
    CustomerInfo,
    SellerInfo,
    SnapshotItem,
    StatementSnapshot,
)
from tests.books import customer

DAY = dt.date(2026, 11, 30)
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
SELLER = SellerInfo(
    name="Northwind Supply Co.", address=("1200 Harbor Way", "Oakland, CA 94607"), phone="+1 510 555 0100",
    email="ar@northwind.example", remit_to=("Lockbox 7741", "PO Box 39000", "San Francisco, CA 94139"),
    color="#1f4e79", logo_sha256=None, telegram_bot="@NorthwindARBot",
)


def usd(minor: int) -> str:
    return Money.from_minor(minor, "USD").format("en_US")


def invoice(number: str, days_past_due: int, open_minor: int, amount_minor: int | None = None,
            kind: str = "invoice", po: str | None = None) -> SnapshotItem:
    due = DAY - dt.timedelta(days=days_past_due)
    return SnapshotItem(kind, number, due - dt.timedelta(days=30), due, po, amount_minor or open_minor, open_minor,
                        max(days_past_due, 0), aging_bucket(days_past_due))


PREVIOUS = dt.date(2026, 10, 31)


def snapshot(items: list[SnapshotItem], code: str = "ACME", credits: tuple[SnapshotItem, ...] = (),
             activity: tuple[ActivityLine, ...] = (), previous: dt.date | None = PREVIOUS,
             **fields: object) -> StatementSnapshot:
    """A balance-forward statement whose balance forward is what the activity makes it tick to."""
    aging = dict.fromkeys(BUCKETS, 0)
    for item in items:
        aging[item.bucket] += item.open_minor
    account = CustomerInfo(code, f"{code} Industrial Corporation", ("Attn: Accounts Payable", "100 Market Street",
                           "Springfield, IL 62701"), "STD", 30, ("email",), "ap@acme.example", None, None, "UTC")
    charges = tuple(i for i in items if i.kind == "finance_charge")
    balance = sum(i.open_minor for i in items) - sum(c.open_minor for c in credits)
    forward = balance - sum(a.amount_minor for a in activity)
    return StatementSnapshot(DAY, "USD", SELLER, account, tuple(items), credits, charges, aging, activity=activity,
                             previous_statement_date=previous, balance_forward_minor=forward,
                             balance_forward_on=previous or DAY - dt.timedelta(days=31), **fields)


def ago(days: int) -> dt.date:
    return DAY - dt.timedelta(days=days)


def one_of_each() -> StatementSnapshot:
    """An invoice in every aging bucket, a finance charge, a credit memo and unapplied cash, some activity."""
    items = [invoice("INV-90", 120, 1_250_000), invoice("INV-61", 75, 98_765, 150_000, po="PO-4471"),
             invoice("INV-31", 45, 42_000), invoice("INV-1", 12, 310_055), invoice("INV-0", -10, 7_500),
             invoice("FC-ACME-2026-11", -30, 2_113, kind="finance_charge")]
    credits = (SnapshotItem("credit", "CM-77", ago(9), None, None, 25_000, 25_000, 0, "credit"),
               SnapshotItem("payment", "CHK-1042", ago(3), None, None, 100_000, 3_550, 0, "credit"))
    activity = (ActivityLine(ago(20), "CHK-1001", "payment", -500_000),
                ActivityLine(ago(20), "INV-5", "discount", -1_020, "CHK-1001"),
                ActivityLine(ago(20), "INV-0", "invoice", 7_500, "PO-5150"),
                ActivityLine(ago(9), "CM-77", "credit", -25_000),
                ActivityLine(ago(3), "CHK-1042", "payment", -100_000),
                ActivityLine(DAY, "FC-ACME-2026-11", "finance_charge", 2_113))
    return snapshot(items, credits=credits, activity=activity)


def text_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


# -- what the document says -----------------------------------------------------------------------------------


def test_pdf_shows_every_open_item_the_aging_and_the_amount_due():
    statement = one_of_each()
    pages = text_of(render_statement_pdf(statement))
    text = "\n".join(pages)
    lines = text.splitlines()
    for expected in ("Northwind Supply Co.", "ACME Industrial Corporation", "100 Market Street",
                     "Springfield, IL 62701", "November 30, 2026", "Oct 31, 2026", "Net 30 days", "@NorthwindARBot",
                     "+1 510 555 0100", "Lockbox 7741", f"Page 1 of {len(pages)}"):
        assert expected in text, f"{expected!r} missing:\n{text}"
    assert re.search(r"Customer number\s+ACME", text)
    for item in statement.items:  # each on its own line, with its open amount
        assert any(line.startswith(item.number) and usd(item.open_minor) in line for line in lines), item.number
    for credit in statement.credits:
        assert any(line.startswith(credit.number) and usd(credit.open_minor) in line for line in lines), credit.number
    aging_figures = " ".join(usd(statement.aging_minor[b]) for b in BUCKETS)
    # current, 1-30, 31-60, 61-90, 90+, credits, balance: one row, in order, adding up to the balance
    assert f"{aging_figures} {usd(-statement.credits_minor)} {usd(statement.balance_minor)}" in text
    assert statement.amount_due_minor == 1_710_433 - 28_550
    due = re.escape(usd(statement.amount_due_minor))
    assert re.search(rf"AMOUNT DUE\s+{due}", text)  # the summary beside the address
    assert re.search(rf"\nAmount due\s+{due}", text)  # the remittance slip
    assert re.search(rf"Open invoices and charges\s+{re.escape(usd(statement.debits_minor))}", text)
    assert re.search(rf"Credits and unapplied payments\s+-{re.escape(usd(statement.credits_minor))}", text)
    assert re.search(rf"Of which past due\s+{re.escape(usd(statement.past_due_minor))}", text)
    assert re.search(r"Finance charge assessed this statement:\s+FC-ACME-2026-11 \$21\.13", text)
    assert "CHK-1001" in text and "Account activity since your statement of Oct 31, 2026" in text
    assert any(line.startswith("INV-90") and line.endswith("120 days") for line in lines)


def test_how_to_pay_gives_the_ach_and_wire_details_with_the_customers_reference():
    bank = BankRemit("First Harbor Bank", "Northwind Supply Co.", "121000358", "0012345678", "FHBKUS6S")
    text = " ".join(text_of(render_statement_pdf(replace(one_of_each(), seller=replace(SELLER, bank=bank)))))
    text = re.sub(r"\s+", " ", text)
    for expected in ("PAY BY ACH OR WIRE Northwind Supply Co. · First Harbor Bank Routing (ABA) 121000358 · Account"
                     " 0012345678 SWIFT FHBKUS6S (international) · Reference ACME",  # under the seller's address
                     "Mail: the slip below ACH/wire: see page 1, top"):  # in How to pay
        assert expected in text, f"{expected!r} missing:\n{text}"
    plain = " ".join(text_of(render_statement_pdf(one_of_each())))
    assert "ACH or wire" not in plain and "Mail:" in plain  # no bank configured: no half-filled line


def test_a_statement_frozen_before_bank_details_existed_still_reads():
    stored = one_of_each().seller.to_json()
    del stored["bank"]
    assert SellerInfo.from_json(stored).bank is None


def test_a_credit_balance_is_not_an_amount_due():
    credits = (SnapshotItem("payment", "DEP-1", DAY, None, None, 50_000, 50_000, 0, "credit"),)
    text = text_of(render_statement_pdf(snapshot([invoice("INV-5", 3, 12_000)], credits=credits)))[0]
    assert re.search(r"CREDIT BALANCE\s+\$380\.00", text)
    assert re.search(r"\nAmount due\s+\$0\.00", text)  # on the remittance slip: nothing to send


def test_long_statement_runs_onto_numbered_pages_with_the_header_repeated():
    items = [invoice(f"INV-{n:05d}", 100 - n, 10_000 + n * 137) for n in range(80)]
    pages = text_of(render_statement_pdf(snapshot(items)))
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
    with_items = [page for page in pages if "INV-" in page]
    assert len(with_items) >= 3 and all("NUMBER TYPE DATE" in page for page in with_items)
    lines = [line for page in pages for line in page.splitlines()]
    for item in items:
        assert sum(line.startswith(item.number) and usd(item.open_minor) in line for line in lines) == 1, item.number
    assert "ACME · November 30, 2026" in pages[1]  # the running head of the pages after the first
    assert [SLIP in page for page in pages] == [False] * (len(pages) - 1) + [True]


SLIP = "Please detach and return this portion with your payment"


def text_tops(page: PageObject) -> list[tuple[float, str]]:
    """Each run of text on the page, with how far down the page it starts (points from the top edge)."""
    runs: list[tuple[float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            runs.append((tm[5] * abs(cm[3]), text.strip()))

    page.extract_text(visitor_text=visit)
    return runs


def test_a_two_page_statement_ends_with_its_totals_then_the_slip_on_the_last_page():
    """Issue 14: the slip used to end page 1 while the activity and the amount due carried onto page 2."""
    items = [invoice(f"INV-{n:05d}", 70 - 3 * n, 10_000 + n * 137) for n in range(22)]
    activity = tuple(ActivityLine(ago(28 - n), f"CHK-{n:04d}", "payment", -5_000 - n) for n in range(10))
    statement = snapshot(items, activity=activity)
    pages = PdfReader(io.BytesIO(render_statement_pdf(statement))).pages
    texts = [page.extract_text() for page in pages]
    assert len(texts) == 2
    assert "Page 1 of 2" in texts[0] and "Page 2 of 2" in texts[1]
    assert SLIP not in texts[0] and "Amount enclosed" not in texts[0]
    assert f"Amount due (USD) {usd(statement.amount_due_minor)}" in texts[1]
    assert re.search(rf"\nAmount due\s+{re.escape(usd(statement.amount_due_minor))}", texts[1])  # on the slip

    runs = text_tops(pages[1])

    def top(text: str) -> float:
        return next(y for y, run in runs if run.startswith(text))

    assert top("Amount due (USD)") < top(SLIP) < top("Amount enclosed")  # the totals, then the slip below them
    assert top(SLIP) > float(pages[1].mediabox.height) * 0.6  # in the foot of the page, to tear off


def test_a_version_1_statement_renders_as_it_always_did():
    """Stored before balance-forward statements: its snapshot reads as version 1 and its own template renders it."""
    stored = one_of_each().to_json()
    for key in ("balance_forward_minor", "balance_forward_on"):
        del stored[key]
    stored["activity"] = [{"date": "2026-11-10", "reference": "CHK-1001", "kind": "payment", "amount_minor": 500_000},
                          {"date": "2026-11-12", "reference": "CM-70", "kind": "credit_applied", "amount_minor": 8_800}]
    stored["version"] = 1
    old = StatementSnapshot.from_json(stored)
    assert (old.version, old.balance_forward_minor, old.activity[0].detail) == (1, None, None)
    text = "\n".join(text_of(render_statement_pdf(old, template_version="statement-1")))
    assert "Activity since your statement of Oct 31, 2026" in text and "Credit applied $88.00" in text
    assert "TOTAL OPEN" in text and "Account activity" not in text
    with pytest.raises(Invalid, match="no balance forward"):
        render_statement_pdf(old)


def test_same_snapshot_same_bytes():
    first = render_statement_pdf(one_of_each())
    render_statement_pdf(snapshot([invoice("INV-X", 5, 100)], code="OTHER"))  # the shared caches in between
    assert render_statement_pdf(one_of_each()) == first
    metadata = PdfReader(io.BytesIO(first)).metadata
    assert metadata is not None
    assert (metadata["/CreationDate"], metadata["/ModDate"]) == ("D:20261130", "D:20261130")
    assert b"/ID" not in first  # no random file identifier


def test_unknown_template_version_is_refused():
    with pytest.raises(Invalid, match="statement-99.*cannot be rendered"):
        render_statement_pdf(one_of_each(), template_version="statement-99")


def png_logo() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), (31, 78, 121)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_logo_replaces_the_name_in_type():
    pdf = render_statement_pdf(one_of_each(), png_logo())
    assert b"/Subtype /Image" in pdf
    in_type = text_of(render_statement_pdf(one_of_each()))[0].count("Northwind Supply Co.")
    assert text_of(pdf)[0].count("Northwind Supply Co.") == in_type - 1  # the masthead shows the logo instead
    with pytest.raises(Invalid, match="PNG, JPEG or SVG"):
        render_statement_pdf(one_of_each(), b"GIF89a...")


def test_statement_looks_right_as_an_image():
    """Renders tests/artifacts/statement-N.png for a person to look at (needs poppler's pdftoppm)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    items = [invoice(f"INV-{100200 + n}", 118 - n * 4, 50_000 + (n * 7919) % 2_000_000,
                     po=f"PO-{4000 + n}" if n % 3 else None) for n in range(39)]
    items.append(invoice("FC-ACME-2026-11", -30, 4_312, kind="finance_charge"))
    base = one_of_each()
    statement = snapshot(items, credits=base.credits, activity=base.activity + (
        ActivityLine(ago(12), "CHK-0977", "payment_returned", 8_800),
        ActivityLine(ago(12), "INV-100233", "discount_reversed", 176, "CHK-0977"),
        ActivityLine(ago(11), "INV-100230", "settled_in_erp", -5_000),
        ActivityLine(DAY, "", "correction", 1_234)))
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob("statement-*.png"):
        old.unlink()
    pdf_path = ARTIFACTS / "statement.pdf"
    pdf_path.write_bytes(render_statement_pdf(statement))
    subprocess.run(["pdftoppm", "-png", "-r", "100", str(pdf_path), str(ARTIFACTS / "statement")], check=True)
    pictures = sorted(ARTIFACTS.glob("statement-*.png"))
    assert len(pictures) >= 2 and all(p.stat().st_size > 20_000 for p in pictures)


# -- the library ----------------------------------------------------------------------------------------------


def add_statement(db, code: str, statement: StatementSnapshot | None = None,
                  template_version: str = STATEMENT_TEMPLATE_VERSION) -> int:
    customer(db, code)
    statement = replace(statement or one_of_each(), customer=replace(one_of_each().customer, code=code))
    with db.uow() as uow:
        run = uow.session.scalar(select(StatementRun).where(StatementRun.statement_date == DAY))
        if run is None:
            run = StatementRun(statement_date=DAY, status="complete")
            uow.session.add(run)
            uow.session.flush()
        customer_id = uow.session.scalar(select(Customer.id).where(Customer.code == code))
        row = Statement(run_id=run.id, customer_id=customer_id, statement_date=DAY, currency="USD",
                        balance_minor=statement.balance_minor, snapshot=statement.to_json(),
                        template_version=template_version)
        uow.session.add(row)
        uow.commit()
        return row.id


def stored_files(db) -> list[StoredFile]:
    with db.uow() as uow:
        files = list(uow.session.scalars(select(StoredFile).order_by(StoredFile.id)))
        uow.session.expunge_all()  # readable after the unit of work rolls back
        return files


def file_of(db, statement_id: int) -> int | None:
    with db.uow() as uow:
        return uow.session.scalar(select(Statement.file_id).where(Statement.id == statement_id))


@pytest.mark.file_stores
def test_first_use_renders_and_keeps_one_file(services, monkeypatch):
    statement_id = add_statement(services.db, "ACME")
    info, pdf = ensure_statement_pdf(services.db, services.files, statement_id)
    assert pdf == render_statement_pdf(one_of_each())
    (stored,) = stored_files(services.db)
    assert (stored.kind, stored.source, stored.filename, stored.document_id) == (
        "statement", "generated", "statement-ACME-2026-11-30.pdf", None)
    assert (info.id, info.size, services.files.get(stored.storage_key)) == (stored.id, len(pdf), pdf)
    assert file_of(services.db, statement_id) == stored.id

    def no_rendering(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("rendered again")

    monkeypatch.setattr(statement_pdf, "render_statement_pdf", no_rendering)
    assert ensure_statement_pdf(services.db, services.files, statement_id) == (info, pdf)
    assert len(stored_files(services.db)) == 1


@pytest.mark.file_stores
def test_the_logo_comes_from_the_file_store(services):
    sha = services.files.put(png_logo())
    branded = replace(one_of_each(), seller=replace(SELLER, logo_sha256=sha))
    _, pdf = ensure_statement_pdf(services.db, services.files, add_statement(services.db, "ACME", branded))
    assert b"/Subtype /Image" in pdf and pdf == render_statement_pdf(branded, png_logo())


def test_two_first_uses_at_once_keep_one_file(services, monkeypatch):
    statement_id = add_statement(services.db, "ACME")
    both_rendered = threading.Barrier(2, timeout=60)
    render = statement_pdf.render_statement_pdf

    def render_then_wait(*args, **kwargs):  # type: ignore[no-untyped-def]
        pdf = render(*args, **kwargs)
        both_rendered.wait()  # neither stores before both have rendered
        return pdf

    monkeypatch.setattr(statement_pdf, "render_statement_pdf", render_then_wait)
    results: list[tuple] = []
    threads = [threading.Thread(target=lambda: results.append(
        ensure_statement_pdf(services.db, services.files, statement_id))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == 2 and results[0] == results[1]
    assert len(stored_files(services.db)) == 1


def test_render_statements_renders_the_pending_in_worker_processes(services):
    ids = [add_statement(services.db, code) for code in ("ACME", "BOLT", "CORE")]
    first, _ = ensure_statement_pdf(services.db, services.files, ids[0])
    assert statements_on(services.db) == (DAY, ids[1:])
    advanced: list[int] = []
    assert render_statements(services.db, services.files, ids, workers=2, progress=advanced.append) == 2
    assert sum(advanced) == 2
    files = stored_files(services.db)
    assert [f.filename for f in files] == [f"statement-{c}-2026-11-30.pdf" for c in ("ACME", "BOLT", "CORE")]
    assert [file_of(services.db, i) for i in ids] == [f.id for f in files] and files[0].id == first.id
    # rendered in another process, byte for byte what this one renders
    bolt = replace(one_of_each(), customer=replace(one_of_each().customer, code="BOLT"))
    assert services.files.get(files[1].storage_key) == render_statement_pdf(bolt)
    assert render_statements(services.db, services.files, ids, workers=2) == 0
    assert statements_on(services.db) == (DAY, [])


def test_a_template_this_code_cannot_render_is_refused(services):
    newer = add_statement(services.db, "ACME", template_version="statement-99")
    with pytest.raises(Invalid, match="statement-99"):
        ensure_statement_pdf(services.db, services.files, newer)
    with pytest.raises(Invalid, match="statement-99"):
        render_statements(services.db, services.files, [newer], workers=1)
    assert stored_files(services.db) == [] and file_of(services.db, newer) is None


def test_cli_renders_a_date_and_writes_one_pdf(services, tmp_path):
    ids = [add_statement(services.db, code) for code in ("ACME", "BOLT")]
    env = {"ARAGENT_DATABASE_URL": services.settings.resolved_database_url, "ARAGENT_DATA_DIR": str(tmp_path)}
    runner = CliRunner()
    result = runner.invoke(main, ["statements", "render", "--workers", "1"], env=env, catch_exceptions=False)
    assert result.exit_code == 0 and "rendered 2 statement PDFs for 2026-11-30" in result.output
    out = tmp_path / "acme.pdf"
    result = runner.invoke(main, ["statements", "pdf", str(ids[0]), "--out", str(out)], env=env)
    assert result.exit_code == 0 and "statement-ACME-2026-11-30.pdf" in result.output
    assert out.read_bytes() == services.files.get(stored_files(services.db)[0].storage_key)
    result = runner.invoke(main, ["statements", "pdf", "999999", "--out", str(out)], env=env)
    assert result.exit_code == 1 and "statement 999999 not found" in result.output
    with services.db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(StoredFile)) == 2


def test_cli_says_in_one_line_which_document_folder_cannot_be_written(services, tmp_path):
    statement = add_statement(services.db, "ACME")
    data = tmp_path / "data"
    data.mkdir()
    (data / "files").write_text("a file where the document folder should be")
    env = {"ARAGENT_DATABASE_URL": services.settings.resolved_database_url, "ARAGENT_DATA_DIR": str(data)}
    result = CliRunner().invoke(main, ["statements", "pdf", str(statement), "--out", str(tmp_path / "s.pdf")], env=env)
    assert result.exit_code == 1 and "Traceback" not in result.output
    [line] = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert f"Not a directory at {data / 'files'}" in line and "ARAGENT_DATA_DIR" in line
    assert stored_files(services.db) == [] and not (tmp_path / "s.pdf").exists()
