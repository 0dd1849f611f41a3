"""A bare webhook endpoint for bench/webhooks.py: the floor under which full webhook processing cannot go.

It does what every webhook must — verify the Sandbox-Signature and insert one row — and nothing else, on
the same server, app, middleware and database as the real one, so the ratio between the two is the cost
of our own processing. Served only when ARAGENT_BENCH_ENDPOINTS=1 (or when the bench registers it).
"""

from __future__ import annotations

from litestar import Request, Response, post
from litestar.datastructures import State

from core.bootstrap import Services
from core.kernel import ARError
from core.payments import SIGNATURE_HEADER, record_bare, sandbox_secrets
from core.payments import verify_signature as verify


def _secrets(state: State) -> list[str]:
    # Read once: with no configured secret, sandbox_secrets reads a file, which is no part of the floor.
    if "bench_secrets" not in state:
        state["bench_secrets"] = sandbox_secrets(state.services.settings)
    return state["bench_secrets"]  # type: ignore[no-any-return]


@post("/bench/bare-webhook", status_code=200, include_in_schema=False)
async def bare_webhook(request: Request, state: State) -> Response:
    """Verify, then one INSERT, in the event loop: measured fastest for one async worker (no thread hop)."""
    body = await request.body()
    try:
        verify(body, request.headers.get(SIGNATURE_HEADER), _secrets(state))
    except ARError as refused:
        return Response({"accepted": False, "outcome": str(refused)}, status_code=400)
    services: Services = state.services
    record_bare(services.db, "bench", body)
    return Response({"accepted": True}, status_code=200)


BENCH_HANDLERS = [bare_webhook]
