"""Which customers a person means by what they typed: a code, a name (misspelt too), a contact's email or phone.

Two passes, one rule for every screen that finds a company. First the text itself: any part of the code, the name
or a contact's email, or a contact's phone by its digits; exact and leading matches rank first. Then names that
read like it: "harbour" finds "Harbor Supply", "accme" finds "Acme". Every word typed must be close to a word of
the name (rapidfuzz's ratio, or a typo of its start: "sterlin elec" finds "Sterling Electric"), so a whole name
typed out does not bring its neighbours along (WRatio rates "Maple HVAC Ltd." 86 for "Maple Restoration Ltd.").
The customers are read once per search (id, code, name and whether and how the text matches each); at most
`SIMILAR_LIMIT` similar names are given.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils
from sqlalchemy import ColumnElement, case, exists, func, or_, select, union
from sqlalchemy.orm import Session

from core.kernel.db import like_pattern
from core.ledger.models import Contact, Customer
from core.ledger.phone_keys import phone_starts_or_ends_with

SIMILAR_CUTOFF = 80  # rapidfuzz score (0-100) every typed word must reach against a word of the name
SIMILAR_LIMIT = 50
SIMILAR_MIN_LETTERS = 4  # shorter text matches too many names to be useful; the first pass still answers it
_FILLER = frozenset({"and", "the", "of"})  # "Smith and Sons" is "Smith & Sons"


PHONE_DIGITS = 7  # a text of only digits and dialling marks, this long, is a phone number and nothing else


def text_matches(q: str) -> ColumnElement[bool]:
    """Code, name or a contact's email (any part, any case); a contact's phone by its digits alone. A phone
    number alone ("(617) 555-1042") is looked for by the indexed phone keys and the exact code only, so it costs
    the same on any book size."""
    digits = re.sub(r"\D", "", q)
    phone = phone_starts_or_ends_with(Contact.phone_national, Contact.phone_tail, digits)
    if len(digits) >= PHONE_DIGITS and re.fullmatch(r"[\d\s+().\-]+", q):
        # One id list from two indexes (the code's, the phone keys'): both backends look customers up by key.
        return Customer.id.in_(union(select(Customer.id).where(Customer.code == q.strip()),
                                     select(Contact.customer_id).where(phone)))
    pattern = like_pattern(q)
    contact: list[ColumnElement[bool]] = [func.lower(Contact.email).like(pattern, escape="\\")]
    if len(digits) >= 3:  # "510-555" finds +1 510 555…, "555-0100" finds …555 0100: by index (phone_keys)
        contact.append(phone)
    return or_(func.lower(Customer.code).like(pattern, escape="\\"),
               func.lower(Customer.name).like(pattern, escape="\\"),
               exists().where(Contact.customer_id == Customer.id, or_(*contact)))


def _rank(q: str) -> ColumnElement[int]:
    """0: the code or name is the text; 1: it starts with it; 2: it holds it somewhere (or a contact does)."""
    text = q.strip().lower()
    leading = like_pattern(q)[1:]  # "text%"
    code, name = func.lower(Customer.code), func.lower(Customer.name)
    return case((or_(code == text, name == text), 0),
                (or_(code.like(leading, escape="\\"), name.like(leading, escape="\\")), 1), else_=2)


@dataclass(frozen=True)
class CustomerSearch:
    matching: tuple[int, ...]  # customer ids the text matches, best first
    similar: tuple[int, ...]  # customer ids whose name reads like the text (and the text does not match), best first

    @property
    def ranked(self) -> tuple[int, ...]:
        return self.matching + self.similar


def search_customers(session: Session, q: str) -> CustomerSearch:
    """The customers `q` names: those it matches, then up to SIMILAR_LIMIT whose names read like it (none when
    `q` is a customer's code or name exactly: that is who is meant). One query: the match and its rank come
    with every name when similar names are looked for, only with the matches when not."""
    if not q.strip():
        return CustomerSearch((), ())
    looks_for_names = _may_be_a_name(q)
    query = select(Customer.id, Customer.code, Customer.name, case((text_matches(q), _rank(q)), else_=None))
    rows = session.execute(query if looks_for_names else query.where(text_matches(q))).all()
    matches = sorted((rank, name, code, customer_id) for customer_id, code, name, rank in rows if rank is not None)
    matching = tuple(customer_id for *_, customer_id in matches)
    if not looks_for_names or (matches and matches[0][0] == 0):
        return CustomerSearch(matching, ())
    others = [(customer_id, name) for customer_id, _, name, rank in rows if rank is None]
    return CustomerSearch(matching, tuple(customer_id for customer_id, _ in rank_similar(q, others)[:SIMILAR_LIMIT]))


def _may_be_a_name(q: str) -> bool:
    """Phone numbers and text too short to tell one name from another are answered by what they hold alone."""
    return sum(len(word) for word in _words(q)) >= SIMILAR_MIN_LETTERS and bool(re.search(r"[^\W\d_]", q))


def rank_similar(q: str, names: Sequence[tuple[int, str]]) -> list[tuple[int, float]]:
    """(id, score) of the names every word of `q` is close to a word of, best first (then by name)."""
    wanted = _words(q)
    if not wanted:
        return []
    holders: dict[str, set[int]] = defaultdict(set)  # a word of the names → the customers whose name has it
    for customer_id, name in names:
        for word in _words(name):
            holders[word].add(customer_id)
    vocabulary = list(holders)
    best: list[dict[int, float]] = []  # per typed word: customer → how close the nearest word of their name is
    for word in wanted:
        nearest: dict[int, float] = {}
        for other, score in _close_words(word, vocabulary).items():
            for customer_id in holders[other]:
                nearest[customer_id] = max(nearest.get(customer_id, 0.0), score)
        best.append(nearest)
    everywhere = set(best[0]).intersection(*best[1:])
    name_of = dict(names)
    ranked = sorted(everywhere, key=lambda cid: (-sum(n[cid] for n in best), name_of[cid].lower(), cid))
    return [(cid, sum(n[cid] for n in best) / len(best)) for cid in ranked]


def _words(text: str) -> list[str]:
    return [word for word in utils.default_process(text).split() if word not in _FILLER]


def _close_words(word: str, vocabulary: list[str]) -> dict[str, float]:
    """The words of the names `word` is close to, with how close: as a whole, or as the start of a longer word."""
    close = {hit: score for hit, score, _ in
             process.extract(word, vocabulary, scorer=fuzz.ratio, score_cutoff=SIMILAR_CUTOFF, limit=None)}
    if len(word) >= 3:
        starts = {other: other[:len(word)] for other in vocabulary if len(other) > len(word)}
        for _start, score, other in process.extract(word, starts, scorer=fuzz.ratio, score_cutoff=SIMILAR_CUTOFF,
                                                    limit=None):
            close[other] = max(close.get(other, 0.0), score)
    return close
