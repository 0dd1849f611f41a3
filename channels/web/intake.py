"""Webhook intake in batches: requests wait in a queue; a worker thread takes everything queued (up to
`max_batch`) to `core.payments.webhooks.receive_batch` — one transaction and a handful of round trips for the lot —
then answers each request. Under load batches grow and each event costs less; at a low rate a batch is
one event and nothing waits on a timer. The answer goes back only after the commit, so a 200 means stored.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable

import structlog

from core.kernel import UnitOfWork
from core.payments import Branding, Intake, WebhookRequest, receive_batch

log = structlog.get_logger("aragent.webhooks")

_Waiting = tuple[WebhookRequest, asyncio.Future[Intake], asyncio.AbstractEventLoop]


def _answer(future: asyncio.Future[Intake], intake: Intake | None, error: BaseException | None) -> None:
    if future.cancelled():
        return  # the client went away; the event is stored and applied all the same
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(intake)  # type: ignore[arg-type]


class WebhookIntake:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], branding: Branding, *, workers: int = 1,
                 max_batch: int = 64) -> None:
        self._uow, self._branding, self._max = uow_factory, branding, max_batch
        self._queue: queue.SimpleQueue[_Waiting | None] = queue.SimpleQueue()
        self._threads = [threading.Thread(target=self._run, name=f"webhook-intake-{n}", daemon=True)
                         for n in range(workers)]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join(timeout=10)

    async def submit(self, request: WebhookRequest) -> Intake:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Intake] = loop.create_future()
        self._queue.put((request, future, loop))
        return await future

    def _take(self) -> list[_Waiting] | None:
        first = self._queue.get()
        if first is None:
            return None
        batch = [first]
        while len(batch) < self._max:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is None:
                self._queue.put(None)  # the stop signal is for this thread too, after this batch
                break
            batch.append(item)
        return batch

    def _run(self) -> None:
        while (batch := self._take()) is not None:
            try:
                requests = [request for request, _, _ in batch]
                intakes: list[Intake | None] = list(receive_batch(self._uow(), requests, self._branding))
                error = None
            except BaseException as exc:  # e.g. the database is down: every request in the batch gets a 500
                log.error("webhook batch failed", error=str(exc), size=len(batch))
                intakes, error = [None] * len(batch), exc
            for (_, future, loop), intake in zip(batch, intakes, strict=True):
                loop.call_soon_threadsafe(_answer, future, intake, error)
