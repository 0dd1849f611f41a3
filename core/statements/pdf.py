"""Statement PDFs: rendered from the immutable snapshot, once, and kept in the customer's document library.

The PDF depends on nothing but the snapshot, the seller's logo (content-addressed) and the template version, and
its metadata dates are the statement date, so rendering it again gives the same bytes. WeasyPrint is slow to
start a document: each process parses the stylesheet and sets up its fonts once and reuses them for every
statement, and the stylesheet brings the few HTML defaults it needs instead of WeasyPrint's whole HTML
stylesheet. `render_statements` renders in worker processes, so rendering never holds the statement cycle.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_futures
from contextlib import ExitStack
from dataclasses import dataclass
from functools import cache
from itertools import islice
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.documents.files import FileInfo, FileStore
from core.documents.models import StoredFile
from core.documents.templates import TEMPLATES
from core.kernel.db import Database
from core.kernel.errors import NotFound
from core.statements.cycle import latest_statement_date
from core.statements.models import Statement
from core.statements.page import check_template_version, statement_html
from core.statements.snapshots import STATEMENT_TEMPLATE_VERSION, StatementSnapshot

STATEMENT_KIND = "statement"
STORE_BATCH = 25  # PDFs stored per transaction by render_statements: a few seconds of rendering


def statement_filename(customer_code: str, statement_date: dt.date) -> str:
    return f"statement-{customer_code}-{statement_date.isoformat()}.pdf"


# -- the PDF ---------------------------------------------------------------------------------------------------


@cache
def _fonts() -> Any:
    from weasyprint.text.fonts import FontConfiguration  # imported here: it loads Pango, which only rendering needs

    return FontConfiguration()


@cache
def _stylesheet(template_version: str) -> Any:
    from weasyprint import CSS

    _, stylesheet = check_template_version(template_version)
    return CSS(filename=str(TEMPLATES / stylesheet), font_config=_fonts())


@cache
def _page_class() -> Any:
    from weasyprint import HTML

    class StatementPage(HTML):  # type: ignore[misc]
        """A page whose stylesheet carries its own few HTML defaults.

        WeasyPrint otherwise matches its whole HTML stylesheet (some 250 rules, and ::marker and footnote
        styles for every element) against each statement: a fifth of the time a statement takes. Should a
        WeasyPrint release rename this hook, its stylesheet simply comes back: slower, not wrong.
        """

        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            return []

    return StatementPage


_images: dict[str, Any] = {}  # WeasyPrint's decoded images by URL: the logo is decoded once per process
# The shared fonts and caches are Pango's and WeasyPrint's, neither made for two threads at once (a web server's
# worker threads). Rendering holds the GIL nearly throughout, so taking turns costs next to nothing.
_rendering = threading.Lock()


def render_statement_pdf(snapshot: StatementSnapshot, logo: bytes | None = None, *,
                         template_version: str = STATEMENT_TEMPLATE_VERSION) -> bytes:
    """The statement's PDF. The same snapshot, logo and template version always give the same bytes."""
    html = statement_html(snapshot, logo, template_version=template_version)
    with _rendering:
        page = _page_class()(string=html, base_url=str(TEMPLATES))
        pdf = page.write_pdf(stylesheets=[_stylesheet(template_version)], font_config=_fonts(), cache=_images)
    assert pdf is not None  # write_pdf returns bytes when given no target
    return bytes(pdf)


def _render_job(job: tuple[int, dict[str, Any], str, bytes | None]) -> tuple[int, bytes]:
    """In a worker process: one stored snapshot to its PDF."""
    statement_id, snapshot, template_version, logo = job
    return statement_id, render_statement_pdf(StatementSnapshot.from_json(snapshot), logo,
                                              template_version=template_version)


def _warm_worker() -> None:
    _page_class()
    _stylesheet(STATEMENT_TEMPLATE_VERSION)


# -- the library -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Pending:
    """A statement to render, as stored: its snapshot is still the JSON a worker process is sent."""

    statement_id: int
    customer_id: int
    snapshot: dict[str, Any]
    template_version: str

    @property
    def filename(self) -> str:
        snapshot = self.snapshot
        return statement_filename(snapshot["customer"]["code"], dt.date.fromisoformat(snapshot["statement_date"]))

    def job(self, files: FileStore, logos: dict[str, bytes]) -> tuple[int, dict[str, Any], str, bytes | None]:
        sha = self.snapshot["seller"].get("logo_sha256")
        if sha and sha not in logos:
            logos[sha] = _logo(files, sha)
        return self.statement_id, self.snapshot, self.template_version, logos[sha] if sha else None


def _logo(files: FileStore, sha256: str) -> bytes:
    try:
        return files.get(sha256)  # the cycle stored it under its SHA-256
    except NotFound:
        raise NotFound("seller logo", f"{sha256} in the file store") from None


def _info(stored: StoredFile) -> FileInfo:
    return FileInfo(stored.id, stored.filename, stored.kind, stored.size, stored.sha256)


def ensure_statement_pdf(db: Database, files: FileStore, statement_id: int) -> tuple[FileInfo, bytes]:
    """The statement's PDF from the library, rendered and stored on first use."""
    with db.uow() as uow:
        statement = uow.session.get(Statement, statement_id)
        if statement is None:
            raise NotFound("statement", statement_id)
        if statement.file_id is not None:
            stored = uow.session.get(StoredFile, statement.file_id)
            assert stored is not None  # a foreign key, and files are never deleted
            return _info(stored), files.get(stored.storage_key)
        pending = _Pending(statement.id, statement.customer_id, statement.snapshot, statement.template_version)
    check_template_version(pending.template_version)
    _, pdf = _render_job(pending.job(files, {}))
    ((info, _),) = _store(db, files, [(pending, pdf)])
    if info.sha256 != hashlib.sha256(pdf).hexdigest():  # another process stored it first, and it differs
        return ensure_statement_pdf(db, files, statement_id)
    return info, pdf


def _store(db: Database, files: FileStore, rendered: list[tuple[_Pending, bytes]]) -> list[tuple[FileInfo, bool]]:
    """Keep each PDF and point its statement at it, unless another process did so first: then theirs stays.

    Each statement's file, and whether it is the one just kept.
    """
    with db.uow() as uow:
        kept = _store_in(uow.session, files, rendered)
        uow.commit()
        return kept


def _store_in(session: Session, files: FileStore, rendered: list[tuple[_Pending, bytes]]
              ) -> list[tuple[FileInfo, bool]]:
    # A concurrent first use waits on these row locks, then finds file_id set (SQLite: on the write lock).
    locked = session.scalars(
        select(Statement).where(Statement.id.in_([p.statement_id for p, _ in rendered]))
        .order_by(Statement.id).with_for_update()
    )
    statements = {statement.id: statement for statement in locked}
    kept = []
    for pending, pdf in rendered:
        statement = statements[pending.statement_id]
        theirs = statement.file_id is not None
        stored = session.get(StoredFile, statement.file_id) if theirs else _keep(session, files, pending, pdf)
        assert stored is not None
        statement.file_id = stored.id
        kept.append((_info(stored), not theirs))
    return kept


def _keep(session: Session, files: FileStore, pending: _Pending, pdf: bytes) -> StoredFile:
    stored = StoredFile(customer_id=pending.customer_id, document_id=None, kind=STATEMENT_KIND, source="generated",
                        filename=pending.filename, size=len(pdf), sha256=hashlib.sha256(pdf).hexdigest(),
                        storage_key=files.put(pdf))
    session.add(stored)
    session.flush()
    return stored


def render_statements(db: Database, files: FileStore, statement_ids: Iterable[int], *, workers: int = 2,
                      progress: Callable[[int], None] | None = None) -> int:
    """Render and store the PDFs of those statements that have none; returns how many this call rendered.

    Worker processes render (snapshot JSON in, PDF bytes out) while this process reads snapshots ahead of them
    and stores the finished files, a batch per transaction. On PostgreSQL, calls in several processes (on several
    machines) share the statements out and render none twice (`_render_claimed`).
    """
    pending = _unrendered(db, statement_ids)
    if not pending:
        return 0
    # forkserver: workers start from a clean process, so they inherit no database connections or threads.
    context = multiprocessing.get_context("forkserver")
    pool = ProcessPoolExecutor(max(1, workers), mp_context=context, initializer=_warm_worker)
    stored = 0
    try:
        if db.is_postgres:
            return _render_claimed(db, files, pool, pending, max(1, workers), progress)
        for batch in _batches(_rendered(db, files, pool, pending, window=max(1, workers) * 8), STORE_BATCH):
            stored += sum(ours for _, ours in _store(db, files, batch))
            if progress:
                progress(len(batch))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return stored


@dataclass
class _Claim:
    """A batch this process renders: its statements' rows stay locked, in `transaction`, until their PDFs are kept."""

    transaction: ExitStack
    session: Session
    renders: list[tuple[_Pending, Future[tuple[int, bytes]]]]
    held: list[int]  # of the batch, those another process held (or had rendered) when this one came to them


def _render_claimed(db: Database, files: FileStore, pool: ProcessPoolExecutor, ids: list[int], workers: int,
                    progress: Callable[[int], None] | None) -> int:
    """A batch at a time, each claimed by locking its rows FOR NO KEY UPDATE SKIP LOCKED: a batch another process
    holds is left to it, and the locks last until the batch's PDFs are stored, so no statement is rendered twice.
    The next batch is claimed only as the workers are about to run out of this one's: no process holds more than
    it is about to render, and the workers never wait while a batch is stored. What others held is come back to at
    the end and waited for (whatever they stored is then found rendered): a call that returns leaves none behind.
    """
    logos: dict[str, bytes] = {}
    size = max(STORE_BATCH, 4 * workers)
    claims: deque[_Claim] = deque()  # at most two: the one rendering, and the next one claimed behind it
    held: list[int] = []
    stored = 0
    try:
        for chunk in _batches(ids, size):
            if claims:
                _until_almost_rendered(claims[-1], workers)
            claims.append(_claim(db, files, pool, chunk, logos, wait=False))
            held += claims[-1].held
            if len(claims) == 2:
                stored += _finish(files, claims.popleft(), progress)
        while claims:
            stored += _finish(files, claims.popleft(), progress)
        for chunk in _batches(held, size):
            stored += _finish(files, _claim(db, files, pool, chunk, logos, wait=True), progress)
    finally:
        for claim in claims:  # rendering failed: roll back, and their statements are free for the next try
            claim.transaction.close()
    return stored


def _until_almost_rendered(claim: _Claim, workers: int) -> None:
    """Wait until no more of the batch's renders are left than there are workers to run them."""
    left = [future for _, future in claim.renders if not future.done()]
    while len(left) > workers:
        wait_futures(left, return_when=FIRST_COMPLETED)
        left = [future for future in left if not future.done()]


def _claim(db: Database, files: FileStore, pool: ProcessPoolExecutor, chunk: list[int], logos: dict[str, bytes],
           *, wait: bool) -> _Claim:
    transaction = ExitStack()
    try:
        session = transaction.enter_context(db.uow()).session
        rows = session.execute(
            select(Statement.id, Statement.customer_id, Statement.snapshot, Statement.template_version)
            .where(Statement.id.in_(chunk), Statement.file_id.is_(None)).order_by(Statement.id)
            .with_for_update(skip_locked=not wait, key_share=True)  # NO KEY UPDATE: deliveries may still name them
        ).all()
        renders = [(pending, pool.submit(_render_job, pending.job(files, logos)))
                   for pending in (_Pending(*row) for row in rows)]
    except BaseException:
        transaction.close()
        raise
    claimed = {pending.statement_id for pending, _ in renders}
    return _Claim(transaction, session, renders, [i for i in chunk if i not in claimed])


def _finish(files: FileStore, claim: _Claim, progress: Callable[[int], None] | None) -> int:
    with claim.transaction:
        rendered = [(pending, future.result()[1]) for pending, future in claim.renders]
        kept = _store_in(claim.session, files, rendered) if rendered else []
        claim.session.commit()
    if progress:
        progress(len(rendered))
    return sum(ours for _, ours in kept)


def _rendered(db: Database, files: FileStore, pool: ProcessPoolExecutor, ids: list[int],
              window: int) -> Iterator[tuple[_Pending, bytes]]:
    """The PDFs in statement order, with at most `window` renders in flight."""
    logos: dict[str, bytes] = {}
    in_flight: deque[tuple[_Pending, Future[tuple[int, bytes]]]] = deque()
    for pending in _snapshots(db, ids):
        in_flight.append((pending, pool.submit(_render_job, pending.job(files, logos))))
        if len(in_flight) >= window:
            done, future = in_flight.popleft()
            yield done, future.result()[1]
    for done, future in in_flight:
        yield done, future.result()[1]


def _unrendered(db: Database, statement_ids: Iterable[int]) -> list[int]:
    """Those of the statements without a PDF; refused whole if one needs a template this code lacks."""
    rows: list[tuple[int, str]] = []
    with db.uow() as uow:
        for chunk in _batches(sorted(set(statement_ids)), 1000):
            rows += uow.session.execute(
                select(Statement.id, Statement.template_version)
                .where(Statement.id.in_(chunk), Statement.file_id.is_(None))
            ).all()
    for version in {version for _, version in rows}:
        check_template_version(version)
    return sorted(statement_id for statement_id, _ in rows)


def _snapshots(db: Database, ids: list[int]) -> Iterator[_Pending]:
    for chunk in _batches(ids, 200):
        with db.uow() as uow:
            rows = uow.session.execute(
                select(Statement.id, Statement.customer_id, Statement.snapshot, Statement.template_version)
                .where(Statement.id.in_(chunk)).order_by(Statement.id)
            ).all()
        yield from (_Pending(*row) for row in rows)


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def statements_on(db: Database, statement_date: dt.date | None = None, *, unrendered: bool = True
                  ) -> tuple[dt.date | None, list[int]]:
    """The statements of a date (default: the latest), only those without a PDF unless told otherwise."""
    when = statement_date or latest_statement_date(db.uow())
    if when is None:
        return None, []
    with db.uow() as uow:
        query = select(Statement.id).where(Statement.statement_date == when).order_by(Statement.id)
        if unrendered:
            query = query.where(Statement.file_id.is_(None))
        return when, list(uow.session.scalars(query))
