"""The chat every dialogue test starts from: Acme's book (tests.integration.bot.test_dialogue.acme_book), a Visa on
file, the sandbox processor."""

from __future__ import annotations

import pytest

from core.bootstrap import Services
from tests.integration.bot.test_dialogue import Chat, acme_book, add_card, use_sandbox


@pytest.fixture
def chat(services: Services) -> Chat:
    """Acme: INV-1043 $250 and INV-1044 $400 overdue, INV-1042 $1,000 current (2% off within 10 days); a Visa."""
    use_sandbox(services)
    acme_book(services.db)
    add_card(services.db)
    return Chat(services)
