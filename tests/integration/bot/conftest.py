"""The chat every dialogue test starts from: Acme's book (tests.integration.bot.test_dialogue.acme_book), a Visa on
file, the sandbox processor."""

from __future__ import annotations

from typing import Any

import pytest

from bot import nlu_decide
from core.bootstrap import Services
from tests.integration.bot.test_dialogue import Chat, acme_book, add_card, use_sandbox


@pytest.fixture
def chat(services: Services) -> Chat:
    """Acme: INV-1043 $250 and INV-1044 $400 overdue, INV-1042 $1,000 current (2% off within 10 days); a Visa."""
    use_sandbox(services)
    acme_book(services.db)
    add_card(services.db)
    return Chat(services)


@pytest.fixture
def unsure(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every message with words in it read as pay, schedule or dispute, too close to call (bot.nlu_decide): the
    dialogue's question, whatever the shipped model makes of the words."""
    real = nlu_decide.decide

    def decide(rule: str, source: str, guess: Any, vetoed: frozenset[str] = frozenset(), **kwargs: Any) -> Any:
        if source == "whole":
            return real(rule, source, guess, vetoed, **kwargs)
        return "pay", 0.41, ("pay", "schedule", "dispute")

    monkeypatch.setattr(nlu_decide, "decide", decide)
