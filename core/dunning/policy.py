"""The dunning policy in force for each customer class.

A class's own `DunningStage` rows, else the default policy's (rows with no class), else the seed's default
(`core.dunning.rules.SEED_STAGES`), which is built in rather than written on first use: a run never has to
write policy rows, and a fresh database reads the same as one where nobody changed the policy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import ColumnElement, CursorResult, delete, select
from sqlalchemy.orm import Session

from core.dunning.models import DunningStage
from core.dunning.rules import SEED_STAGES, StagePolicy
from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.db import UnitOfWork
from core.kernel.errors import Invalid, NotFound
from core.ledger.models import DELIVERY_METHODS, CustomerClass
from core.outbox.messages import has_template

# Every channel a notice can go by; a letter is for statements (print batches), not for reminders.
DUNNING_CHANNELS = tuple(c for c in DELIVERY_METHODS if c != "print")
SEED_NAMES = {s.stage: s.name for s in SEED_STAGES}  # a stage staff set without a name keeps the seed's


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


# -- staff set a class's stages ------------------------------------------------------------------------------


def check_stages(stages: Sequence[StagePolicy]) -> None:
    """Refuse a policy a run could not follow: stages numbered 1, 2, … with thresholds that rise (only stage 1
    may say "any balance"), channels known and each with its message texts, a cadence of a day or more."""
    if not stages:
        raise Invalid("a dunning policy needs at least one stage (to stop dunning a class, reset it instead)",
                      "stages")
    if [s.stage for s in stages] != list(range(1, len(stages) + 1)):
        raise Invalid(f"stages must be numbered 1 to {len(stages)} in order, not {[s.stage for s in stages]}",
                      "stage")
    previous: int | None = None
    for s in stages:
        if s.days_over_terms_above is None:
            if s.stage != 1:
                raise Invalid(f"stage {s.stage}: only stage 1 may apply to any balance; give days over terms",
                              "days_over_terms_above")
        elif s.days_over_terms_above < 0 or (previous is not None and s.days_over_terms_above <= previous):
            raise Invalid(f"stage {s.stage}: days over terms must rise from stage to stage "
                          f"({s.days_over_terms_above} after {previous})", "days_over_terms_above")
        else:
            previous = s.days_over_terms_above
        _check_channels(s)
        if s.cadence_days < 1:
            raise Invalid(f"stage {s.stage}: the cadence is at least one day", "cadence_days")
        if len(s.name) > 80:
            raise Invalid(f"stage {s.stage}: the name is at most 80 characters", "name")


def _check_channels(s: StagePolicy) -> None:
    if not s.channels:
        raise Invalid(f"stage {s.stage}: name at least one channel", "channels")
    if len(set(s.channels)) != len(s.channels):
        raise Invalid(f"stage {s.stage}: a channel is named twice in {', '.join(s.channels)}", "channels")
    for channel in s.channels:
        if channel not in DUNNING_CHANNELS:
            raise Invalid(f"stage {s.stage}: dunning does not go by {channel!r}; use {', '.join(DUNNING_CHANNELS)}",
                          "channels")
        texts = [f"{s.template}.{channel}.txt"] + ([f"{s.template}.email.subject.txt"] if channel == "email" else [])
        if missing := [name for name in texts if not has_template(name)]:
            raise Invalid(f"stage {s.stage}: no message text {', '.join(missing)} in templates/messages", "template")


def set_stages(uow: UnitOfWork, class_code: str | None, stages: Sequence[StagePolicy], actor: Actor) -> PolicyInForce:
    """Replace the class's stages (no class: the default policy) with `stages`, checked; the next run uses them."""
    stages = sorted(stages, key=lambda s: s.stage)
    check_stages(stages)
    with uow:
        class_id = _class_id(uow, class_code)
        uow.session.execute(delete(DunningStage).where(_of_class(class_id)))
        uow.session.flush()
        uow.session.add_all(DunningStage(
            class_id=class_id, stage=s.stage, name=s.name or SEED_NAMES.get(s.stage, ""),
            days_over_terms_above=s.days_over_terms_above, template=s.template, channels=";".join(s.channels),
            auto_approve=s.auto_approve, cadence_days=s.cadence_days) for s in stages)
        audit.record(uow.session, actor, "dunning.stages_set", customer_id=None,
                     subject=f"class:{class_code}" if class_code else "default policy",
                     stages=[f"{s.stage}: >{s.days_over_terms_above} days by {'/'.join(s.channels)}"
                             f"{' auto' if s.auto_approve else ''} every {s.cadence_days} days" for s in stages])
        uow.commit()
    return policy_in_force(uow, class_code)


def reset_stages(uow: UnitOfWork, class_code: str | None, actor: Actor) -> bool:
    """Drop the class's own stages (it follows the default policy again; the default falls back to the seed's)."""
    with uow:
        class_id = _class_id(uow, class_code)
        dropped = cast(CursorResult, uow.session.execute(delete(DunningStage).where(_of_class(class_id)))).rowcount
        if dropped:
            audit.record(uow.session, actor, "dunning.stages_reset", customer_id=None,
                         subject=f"class:{class_code}" if class_code else "default policy")
        uow.commit()
        return bool(dropped)


def _class_id(uow: UnitOfWork, class_code: str | None) -> int | None:
    if class_code is None:
        return None
    class_id = uow.session.scalar(select(CustomerClass.id).where(CustomerClass.code == class_code))
    if class_id is None:
        raise NotFound("customer class", class_code)
    return class_id


def _of_class(class_id: int | None) -> ColumnElement[bool]:
    return DunningStage.class_id.is_(None) if class_id is None else DunningStage.class_id == class_id


def dunned_classes(uow: UnitOfWork) -> list[tuple[str, str, bool]]:
    """Every customer class: code, name, and whether it has stages of its own."""
    with uow:
        own = set(uow.session.scalars(select(DunningStage.class_id).where(DunningStage.class_id.is_not(None))))
        return [(code, name, class_id in own) for class_id, code, name in uow.session.execute(
            select(CustomerClass.id, CustomerClass.code, CustomerClass.name).order_by(CustomerClass.code))]
