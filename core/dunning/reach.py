"""Where a dunning notice goes: the stage's first channel the customer opted in to and has an address for.

The address, and whether its contact opted out, is the outbox's rule (`core.outbox.recipients`). Dunning adds
one of its own: a notice is never mailed, because the print batch mails statements, not letters.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.outbox import Reach, address_for


def pick_channel(channels: Sequence[str], opted_in: Sequence[str], reach: Reach) -> tuple[str, str] | str:
    """The stage's first channel the customer opted in to and has an address for: (channel, address), or
    why there is none."""
    wanted = [c for c in channels if c in opted_in]
    if not wanted:
        return f"no opt-in for {' or '.join(channels)}"
    reasons = []
    for channel in wanted:
        if channel == "print":
            reasons.append("dunning does not go by print")
            continue
        address, why = address_for(channel, reach)
        if address:
            return channel, address
        reasons.append(why)
    return "; ".join(reasons)
