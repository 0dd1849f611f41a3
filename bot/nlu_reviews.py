"""Learning from real traffic: which messages the bot keeps for staff to review, and retraining on their labels.

The bot keeps a message for review (core.conversations, the console's "Messages to review") when it answered it
- "corrected": the customer corrected the quote waiting for YES ("no, I meant 1043"), so the reading that made
  the quote was wrong;
- "asked which": it was unsure between intents and offered them (`Parsed.clarify`);
- "not understood": a typed message with words that it read as `unknown`. Not a button, not a lone slot ("1042",
  "friday": an answer to the question asked), not the free-text comment a short pay asks for, and not what the
  customer writes to a person who has the chat: those are understood as what they are.

Staff label the message with what it meant; `aragent nlu retrain` (and the scheduler's job, off by default)
trains on the training files and the labels, and installs the model only when it reads the check batch at least
as well as the one in use (bot.nlu_training).
"""

from __future__ import annotations

from pathlib import Path

from bot import nlu_training, understanding
from bot.dialogue_core import Step, Turn
from bot.nlu_training import Retrained
from core import conversations
from core.bootstrap import Services
from core.conversations import ForReview

# States whose answer is the customer's own words, whatever they say.
FREE_TEXT_STATES = frozenset({"agent", "ask_comment"})


def for_review(turn: Turn, step: Step) -> ForReview | None:
    """Why the answer to this turn sends its message to review, if it does."""
    parsed = turn.parsed
    if step.corrected:
        reason = "corrected"
    elif turn.payload is not None or turn.conversation.state in FREE_TEXT_STATES:
        return None  # a button says exactly what it means; free words are taken as they are
    elif parsed.clarify:
        reason = "asked which"
    elif parsed.intent == "unknown" and not understanding.only_slots(understanding.masked(turn.inbound.text)):
        reason = "not understood"
    else:
        return None
    return ForReview(reason, parsed.intent, parsed.confidence, turn.today, parsed.clarify)


def retrain(services: Services, data_dir: Path | None = None) -> Retrained:
    """Retrain with every labelled message; the model goes to the data folder (or `data_dir`) if it is no worse."""
    labelled = conversations.labelled_reviews(services.db.uow())
    return nlu_training.retrain(data_dir or services.settings.data_dir, labelled)


def report(result: Retrained) -> list[str]:
    """What `aragent nlu retrain` prints, and the scheduler's job records."""
    before, after = result.before, result.after
    return [
        f"trained on {result.examples} examples, {result.labelled} of them labelled in the console",
        f"held-out accuracy before: {before.accuracy:.1%} ({before.right}/{before.of}), "
        f"after: {after.accuracy:.1%} ({after.right}/{after.of})",
        f"installed {result.path}" if result.installed else
        "not installed: the new model reads the check batch worse",
    ]
