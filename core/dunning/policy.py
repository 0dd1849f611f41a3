"""The dunning policy in force for each customer class.

A class's own `DunningStage` rows, else the default policy's (rows with no class), else the seed's default
(`core.dunning.rules.SEED_STAGES`), which is built in rather than written on first use: a run never has to
write policy rows, and a fresh database reads the same as one where nobody changed the policy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.dunning.models import DunningStage
from core.dunning.rules import SEED_STAGES, StagePolicy
from core.kernel.db import UnitOfWork
from core.kernel.errors import Invalid, NotFound
from core.ledger.models import DELIVERY_METHODS, CustomerClass


@dataclass(frozen=True)
class PolicyInForce:
    stages: tuple[StagePolicy, ...]
    source: str  # "class ABC" | "default policy" | "built-in seed default"

    @property
    def channels(self) -> tuple[str, ...]:
        """Every channel any stage may use, in first-mentioned order."""
        return tuple(dict.fromkeys(c for stage in self.stages for c in stage.channels))


def stage_policy(row: DunningStage) -> StagePolicy:
    channels = tuple(c.strip() for c in row.channels.split(";") if c.strip())
    if unknown := [c for c in channels if c not in DELIVERY_METHODS]:
        raise Invalid(f"dunning stage {row.stage} names unknown channel(s) {', '.join(unknown)}; "
                      f"use {', '.join(DELIVERY_METHODS)}", "channels")
    return StagePolicy(stage=row.stage, days_over_terms_above=row.days_over_terms_above, template=row.template,
                       channels=channels or ("email",), auto_approve=row.auto_approve,
                       cadence_days=row.cadence_days, name=row.name)


class PolicyBook:
    """Every class's stages, read once per run."""

    def __init__(self, rows: Iterable[DunningStage], class_codes: dict[int, str]) -> None:
        by_class: dict[int | None, list[StagePolicy]] = defaultdict(list)
        for row in rows:
            by_class[row.class_id].append(stage_policy(row))
        self._codes = class_codes
        self._in_force: dict[int, PolicyInForce] = {}
        self._by_class = {key: tuple(sorted(stages, key=lambda s: s.stage)) for key, stages in by_class.items()}
        default = self._by_class.get(None)
        self.default = PolicyInForce(default, "default policy") if default else PolicyInForce(
            SEED_STAGES, "built-in seed default")

    def for_class(self, class_id: int) -> PolicyInForce:
        if class_id not in self._in_force:  # asked once per customer: made once per class
            own, code = self._by_class.get(class_id), self._codes.get(class_id, class_id)
            self._in_force[class_id] = PolicyInForce(own, f"class {code}") if own else self.default
        return self._in_force[class_id]


def load_policies(session: Session) -> PolicyBook:
    rows = session.scalars(select(DunningStage).order_by(DunningStage.class_id, DunningStage.stage))
    codes = dict(session.execute(select(CustomerClass.id, CustomerClass.code)).all())
    return PolicyBook(rows, codes)


def policy_in_force(uow: UnitOfWork, class_code: str | None = None) -> PolicyInForce:
    """The stages a class's customers are dunned by (no class: the default policy)."""
    with uow:
        book = load_policies(uow.session)
        if class_code is None:
            return book.default
        class_id = uow.session.scalar(select(CustomerClass.id).where(CustomerClass.code == class_code))
        if class_id is None:
            raise NotFound("customer class", class_code)
        return book.for_class(class_id)
