"""While the app serves, the sandbox processor posts its due events to our own webhook endpoint,
over HTTP and signed, exactly as a real processor would. A failed post is retried on the next round."""

from __future__ import annotations

import threading

import httpx
import structlog

from core.payments import SandboxProcessor

log = structlog.get_logger("aragent.sandbox")


class SandboxDelivery:
    def __init__(self, sandbox: SandboxProcessor, webhook_url: str, interval: float = 1.0) -> None:
        self.sandbox, self.url, self.interval = sandbox, webhook_url, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sandbox-delivery", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _post(self, body: bytes, headers: dict[str, str]) -> int:
        return httpx.post(self.url, content=body, headers=headers, timeout=10).status_code

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                delivered = self.sandbox.deliver_due(self._post)
                if delivered:
                    log.info("sandbox events delivered", count=delivered)
            except Exception as exc:  # the loop must outlive a bad round; the events stay due
                log.warning("sandbox delivery failed; will retry", error=str(exc))
            self._stop.wait(self.interval)
