"""Stage 1 reaches customers with nothing past due yet: its texts must not call that a reminder of a debt."""

from __future__ import annotations

import pytest

from core.dunning.texts import sample_contexts
from core.kernel.config import Settings
from core.outbox.messages import render

PARTS = ("email.subject.txt", "email.txt", "email.html", "sms.txt", "telegram.txt", "fax.txt")


@pytest.mark.parametrize("part", PARTS)
def test_with_nothing_past_due_stage_1_is_a_courtesy_note(part: str) -> None:
    overdue, coming, _ = sample_contexts(Settings())
    assert not coming["overdue_total"]  # the sample with nothing past due

    text = render(f"dunning.stage1.{part}", **coming).lower()

    saying_nothing_is = text.replace("nothing is past due", "").replace("nothing past due", "")
    assert "past due" not in saying_nothing_is and "reminder" not in text
    assert "overdue" not in text and "already paid" not in text


@pytest.mark.parametrize("part", PARTS)
def test_with_something_past_due_stage_1_says_how_much(part: str) -> None:
    overdue, _, _ = sample_contexts(Settings())

    text = render(f"dunning.stage1.{part}", **overdue)

    assert overdue["overdue_total"] in text
