"""One intent from two readers: the rules (nlu_intents) and the model (nlu_model), and when to ask instead.

- Whole-message answers decide alone: one-word keywords and answers ("STOP", "yes", "2"), and a message that is
  nothing but slots ("1042", "friday", "$500"), which the dialogue reads as the answer to its question.
- Otherwise the two are weighed: the rule's intent gets RULE_WEIGHT added to the model's probability for it (on
  fresh messages the rules are right 70–95 % of the time, depending on the rule: bench/nlu_crossval.py), and the
  intent with the most wins. Its share is the confidence.
- The bot does not guess about money. When the winner or the runner-up is a money intent (pay, schedule, deposit,
  a yes, canceling a scheduled payment) and the two are within MARGIN, or the winner is a money intent that only
  the model saw and it is not sure (MODEL_MONEY), it asks which the customer means (`clarify`, the likely
  intents as options). The same holds for a dispute or an opt-out only the model saw (LASTING): both are recorded.
- A few rules say money must not move (GUARDED: the customer's own payment told, a statement asked for, a dispute
  said in so many words, a scheduled payment to call off). When the model reads such a message as money, the bot
  asks which is meant rather than letting the model overrule the rule: on fresh messages it did so wrongly about
  once in twenty (bench/nlu_crossval.py).
- A winner below FLOOR is `unknown` (the bot says what it can do).
"""

from __future__ import annotations

from bot.nlu_model import Guess

MONEY = frozenset({"pay", "schedule", "deposit", "confirm", "cancel_scheduled", "plan"})
# Readings that leave something behind besides an answer: a dispute recorded and handed to staff, an opt-out.
LASTING = frozenset({"dispute", "stop"})
# Intents the bot can offer as a choice ("a thank you" is no answer to "which do you mean?").
OFFERABLE = frozenset({"balance", "statement", "invoices", "pay", "schedule", "cancel_scheduled", "deposit",
                       "methods", "add_method", "history", "receipt", "promise", "dispute", "agent", "remit_to",
                       "finance_charge", "stop", "start", "help", "link", "plan"})
RULE_WEIGHT = 0.3
# The rules that were right on fresh messages nearly always (≥ 94 %, bench/nlu_crossval.py) weigh more, and so do
# the everyday questions asked in so many words.
PRECISE = frozenset({"lead", "cancel_scheduled 0", "start 0", "who_are_you 0", "remit_to 0", "finance_charge 0",
                     "history 0", "methods 0", "link 0", "balance 0", "invoices 0"})
PRECISE_WEIGHT = 0.45
# Rules that say money must NOT move, which the model may not overrule with a money reading, only question: the
# customer's own payment told ("we pay 1043 on friday", "we'll pay these ourselves"), a request for a statement, a
# dispute said in so many words ("already paid", "we agreed $16"), a scheduled payment to call off.
# On fresh messages the model overruled them wrongly as often as rightly (bench/nlu_crossval.py).
GUARDED = frozenset({"promise 0", "statement 0", "dispute 0", "cancel_scheduled 0"})
MARGIN = 0.4  # a money intent this close to another: ask
RUNNER_UP = 0.08  # an option less likely than this is not offered
MODEL_MONEY = 0.75  # a money intent no rule saw needs this much from the model alone
MODEL_YES = 0.85  # and a yes more: "lmao ok", "ugh. whatever." are no consent
MODEL_OVERRULES = 0.9  # and a money intent against another intent a rule read
MODEL_OVERRULES_PROMISE = 0.95  # and a money request against the customer's own payment a rule read
MODEL_DOUBTS_YES = 0.5  # the model this sure of another intent than a leading yes: no yes
FLOOR = 0.35
# A message carried over from another language (bot.nlu_languages) is read through a word list: money moves on it
# only when the model is this sure, else the bot asks which is meant.
CARRIED_MONEY = 0.85
_MOVES = frozenset({"pay", "schedule", "deposit", "confirm"})


def decide(rule: str, source: str, guess: Guess, vetoed: frozenset[str] = frozenset(), *, carried: bool = False,
           ) -> tuple[str, float, tuple[str, ...]]:
    """(intent, confidence, the intents to offer when the bot should ask rather than act). `vetoed`: intents a
    rule says are not meant (nlu_intents.vetoed); `carried`: the message was written in another language."""
    if source == "whole":
        return rule, max(guess.probability(rule), 0.9), ()
    scores = {name: p for name, p in guess.ranked if name not in vetoed or name == rule}
    if rule != "unknown" and rule not in MONEY:
        # A vetoed intent is not meant: the model's belief in it goes to the rule's reading ("can I pay the rest
        # next month" is no payment now, so the model's sure "pay" is the rule's "promise"); never to money.
        scores[rule] = scores.get(rule, 0.0) + sum(p for name, p in guess.ranked if name in vetoed and name != rule)
    weight = PRECISE_WEIGHT if source in PRECISE else RULE_WEIGHT
    if rule != "unknown":
        scores[rule] = scores.get(rule, 0.0) + weight
    scores.setdefault("unknown", 0.0)
    total = 1.0 + (weight if rule != "unknown" else 0.0)  # the model's probabilities sum to 1
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    (top, best), (second, next_best) = ranked[0], ranked[1] if len(ranked) > 1 else ("unknown", 0.0)
    confidence = min(best / total, 1.0) if total else 0.0
    offered = [name for name in (top, second) if name in OFFERABLE]
    if rule == "confirm" and top == rule and guess.intent not in MONEY and guess.confidence >= MODEL_DOUBTS_YES:
        # "ok, we'll mail the check friday", "ok great, thanks a lot": a leading ok the model reads as something
        # else, surely, is no consent to move money; it is read as the model reads it (a yes is never offered),
        # unless that would leave something behind the model alone is not sure enough of (a dispute, an opt-out)
        lasting_guess = guess.intent in LASTING and guess.confidence < MODEL_MONEY
        return ("unknown" if lasting_guess else guess.intent), guess.confidence, ()
    own_payment = rule == "promise" and top in _MOVES and guess.probability(top) < MODEL_OVERRULES_PROMISE
    if ((source in GUARDED and top in MONEY) or own_payment) and top != rule:
        # "schedule it, or will you pay it yourselves?": the customer's own payment told is not moved by the model
        # unless it is all but certain ("please schedule it for the 30th, I'll make sure the funds are there")
        return top, confidence, tuple(dict.fromkeys((top, rule)))
    unsure_money = ((top in MONEY or second in MONEY) and best - next_best < MARGIN and next_best >= RUNNER_UP)
    guessed = top in MONEY | LASTING and top != rule and guess.probability(top) < (
        MODEL_YES if top == "confirm" else MODEL_MONEY)
    guessed = guessed or (carried and top in _MOVES and guess.probability(top) < CARRIED_MONEY)
    if (unsure_money or guessed) and len(offered) == 2:
        return top, confidence, tuple(offered)
    if guessed:
        return "unknown", confidence, ()  # a payment (or dispute) nobody but the model saw, and nothing to offer
    if (rule in OFFERABLE and rule not in MONEY and top in _MOVES and top != rule
            and guess.probability(top) < MODEL_OVERRULES):
        # a rule read something else ("can someone call me about the payment on the 15th"): the model alone does
        # not move money against it unless it is very sure; the bot asks which is meant
        return top, confidence, (top, rule)
    if best < FLOOR:
        return "unknown", confidence, ()
    return top, confidence, ()
