"""Rendering one period from several processes at once (PostgreSQL): each statement is rendered by one of them.

`render_statements` claims its batches by locking their rows (SKIP LOCKED) until the PDFs are kept. Here the
renders are counted where they are asked for: the worker pool is swapped for threads that note each statement
they are given. tests/e2e/test_processes.py runs the same with two `aragent statements render` processes.
SQLite is one machine's store and takes one writer at a time: there a second call finds the first one's PDFs.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, select

from core.bootstrap import Services
from core.documents.models import StoredFile
from core.statements import pdf as statement_pdf
from core.statements.models import Statement
from core.statements.pdf import render_statements
from tests.integration.statements.test_statement_pdf import add_statement


@pytest.fixture
def renders(services: Services, monkeypatch: pytest.MonkeyPatch) -> Counter[int]:
    """How often each statement was handed to a renderer, by any call."""
    if not services.db.is_postgres:
        pytest.skip("several processes render one period on PostgreSQL; SQLite is one machine's store")
    counted: Counter[int] = Counter()
    lock = threading.Lock()

    class CountingPool(ThreadPoolExecutor):
        def __init__(self, workers: int, **_: Any) -> None:
            super().__init__(workers)

        def submit(self, fn: Any, job: Any, /) -> Future[Any]:  # type: ignore[override]
            with lock:
                counted[job[0]] += 1
            return super().submit(fn, job)

    monkeypatch.setattr(statement_pdf, "ProcessPoolExecutor", CountingPool)
    monkeypatch.setattr(statement_pdf, "STORE_BATCH", 3)  # small batches: the two calls interleave
    return counted


def unrendered(services: Services) -> int:
    with services.db.uow() as uow:
        return uow.session.scalar(select(func.count()).where(Statement.file_id.is_(None))) or 0


def stored_statements(services: Services) -> int:
    with services.db.uow() as uow:
        return uow.session.scalar(select(func.count()).where(StoredFile.kind == "statement")) or 0


def test_two_calls_at_once_render_each_statement_once(services: Services, renders: Counter[int]) -> None:
    ids = [add_statement(services.db, f"C{n:03}") for n in range(14)]
    start, rendered = threading.Barrier(2, timeout=30), [0, 0]

    def render(slot: int) -> None:
        start.wait()
        rendered[slot] = render_statements(services.db, services.files, ids, workers=1)

    threads = [threading.Thread(target=render, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(renders) == ids and set(renders.values()) == {1}, renders
    assert sum(rendered) == len(ids) == stored_statements(services) and unrendered(services) == 0
    assert min(rendered) > 0, rendered  # both took a share


def test_statements_another_process_holds_are_waited_for_and_none_is_left_behind(
        services: Services, renders: Counter[int]) -> None:
    ids = [add_statement(services.db, f"C{n:03}") for n in range(5)]
    with services.db.uow() as other:  # another process, mid-render: the first two statements' rows locked
        other.session.execute(select(Statement.id).where(Statement.id.in_(ids[:2])).with_for_update())
        result: list[int] = []
        caller = threading.Thread(target=lambda: result.append(
            render_statements(services.db, services.files, ids, workers=1)))
        caller.start()
        deadline = time.monotonic() + 30
        while sorted(renders) != ids[2:] and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        assert caller.is_alive() and sorted(renders) == ids[2:]  # the rest rendered; it waits for the held two
        other.rollback()  # that process died: its statements are this call's to render
    caller.join(timeout=60)
    assert result == [5] and sorted(renders) == ids and unrendered(services) == 0
