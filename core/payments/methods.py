"""Saved payment methods: a processor's token and what a person may be shown of it.

We never store a card or bank account number: the processor keeps those and gives us a token. So every
text we are handed is checked for something that looks like a full number before it reaches the database.
An ACH debit needs the customer's authorization (NACHA), so an ACH method is saved only with a record of it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass
from typing import Literal, get_args

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.db import UnitOfWork
from core.kernel.errors import Conflict, Invalid, NotFound
from core.ledger.posting import customer_by_code
from core.payments.models import PaymentMethod
from core.payments.notices import Branding, queue_ach_authorization_notice
from core.payments.processor import SavedMethod

AuthorizationKind = Literal["e_signature", "tel_recorded", "tel_notice", "written", "web"]
AGENT_AUTHORIZATION_KINDS = ("tel_recorded", "written", "web")

# Card numbers are 13-19 digits and bank account numbers up to 17; people write them with spaces or dashes.
_SEPARATORS = re.compile(r"[\s-]")
_LONG_DIGIT_RUN = 12  # in a token or a reference: longer runs look like a card or account number
_NAME_DIGIT_RUN = 8  # in a brand or holder name no real name has this many digits in a row
_BRAND_LABELS = {"visa": "Visa", "mastercard": "Mastercard", "amex": "Amex", "american_express": "Amex",
                 "discover": "Discover", "diners": "Diners", "jcb": "JCB", "unionpay": "UnionPay"}


@dataclass(frozen=True)
class AchAuthorization:
    """The customer's permission to debit their bank account.

    `e_signature`: the customer typed their name (`reference`) at `authorized_at` from `source` (an IP or channel).
    `tel_recorded` | `written` | `web`: an agent saves the method; `reference` points at the authorization on file.
    `tel_notice`: authorized on a phone call that was not recorded; saving the method emails the customer the
    written notice the rules ask for before the first debit settles, and `reference` becomes that notice.
    """

    kind: str
    reference: str
    authorized_at: dt.datetime | None = None
    source: str = ""


@dataclass(frozen=True)
class MethodView:
    id: int
    kind: str
    brand: str
    last4: str
    exp: str | None  # "MM/YYYY"
    holder: str
    active: bool
    label: str  # "Visa •4242"
    ach_authorization_kind: str | None

    @classmethod
    def of(cls, method: PaymentMethod) -> MethodView:
        exp = f"{method.exp_month:02d}/{method.exp_year}" if method.exp_month and method.exp_year else None
        return cls(method.id, method.kind, method.brand, method.last4, exp, method.holder, method.active,
                   _label(method), method.ach_authorization_kind)


def _label(method: PaymentMethod) -> str:
    fallback = "Card" if method.kind == "card" else "Bank account"
    name = _BRAND_LABELS.get(method.brand.lower(), method.brand) or fallback
    return f"{name} •{method.last4}" if method.last4 else name


def _longest_digit_run(text: str) -> int:
    runs = re.findall(r"\d+", _SEPARATORS.sub("", text))
    return max((len(run) for run in runs), default=0)


def _refuse_numbers(field: str, text: str, limit: int) -> None:
    if _longest_digit_run(text) >= limit:
        raise Invalid(f"{field}: looks like a card or account number; we never store those, send the "
                      "processor's token and only the last 4 digits", field)


def _check_saved(saved: SavedMethod) -> None:
    if saved.kind not in ("card", "ach"):
        raise Invalid(f"kind: {saved.kind!r} is not a payment method kind; use card or ach", "kind")
    if not saved.token.strip():
        raise Invalid("token: the processor's token is required", "token")
    _refuse_numbers("token", saved.token, _LONG_DIGIT_RUN)
    _refuse_numbers("brand", saved.brand, _NAME_DIGIT_RUN)
    _refuse_numbers("holder", saved.holder, _NAME_DIGIT_RUN)
    if not re.fullmatch(r"\d{4}", saved.last4):
        raise Invalid("last4: must be exactly the last 4 digits", "last4")
    _check_expiry(saved.exp_month, saved.exp_year)


def _check_expiry(month: int | None, year: int | None) -> None:
    if (month is None) != (year is None):
        raise Invalid("exp: give both the expiry month and year, or neither", "exp")
    if month is not None and not 1 <= month <= 12:
        raise Invalid(f"exp_month: {month} is not a month (1-12)", "exp_month")
    if year is not None and not 2000 <= year <= 2100:
        raise Invalid(f"exp_year: {year} is not a four-digit year", "exp_year")


def _checked_authorization(authorization: AchAuthorization | None, actor: Actor) -> AchAuthorization:
    """The authorization to store with an ACH method; refuses a missing or incomplete one."""
    if authorization is None:
        raise Invalid("authorization: a bank account (ACH) can be saved only with the customer's authorization: "
                      "their e-signature, or an agent's reference to a recorded call or written/web "
                      "authorization on file", "authorization")
    kind, reference = authorization.kind, authorization.reference.strip()
    if kind not in get_args(AuthorizationKind):
        raise Invalid(f"authorization.kind: {kind!r} is not one of {', '.join(get_args(AuthorizationKind))}",
                      "authorization.kind")
    _refuse_numbers("authorization.reference", reference, _LONG_DIGIT_RUN)
    _refuse_numbers("authorization.source", authorization.source, _LONG_DIGIT_RUN)
    if kind == "e_signature":
        return _checked_e_signature(authorization, reference)
    if kind == "tel_notice":  # the reference is the notice, written when the method is saved
        return AchAuthorization(kind, "", authorization.authorized_at or dt.datetime.now(dt.UTC),
                                authorization.source.strip() or actor.channel)
    if not reference:
        raise Invalid(f"authorization.reference: a {kind} authorization needs a reference to the authorization "
                      "on file (recording id, document or form reference)", "authorization.reference")
    # An agent records an authorization already given; when and where default to now and the agent's channel.
    return AchAuthorization(kind, reference, authorization.authorized_at or dt.datetime.now(dt.UTC),
                            authorization.source.strip() or actor.channel)


def _checked_e_signature(authorization: AchAuthorization, typed_name: str) -> AchAuthorization:
    if not typed_name:
        raise Invalid("authorization.reference: an e-signature needs the name the customer typed",
                      "authorization.reference")
    if authorization.authorized_at is None:
        raise Invalid("authorization.authorized_at: an e-signature needs the time it was given",
                      "authorization.authorized_at")
    if not authorization.source.strip():
        raise Invalid("authorization.source: an e-signature needs where it was given (IP address or channel)",
                      "authorization.source")
    return AchAuthorization("e_signature", typed_name, authorization.authorized_at, authorization.source.strip())


def _by_token(uow: UnitOfWork, processor: str, token: str) -> PaymentMethod | None:
    query = select(PaymentMethod).where(PaymentMethod.processor == processor, PaymentMethod.token == token)
    return uow.session.scalar(query)


def _existing(uow: UnitOfWork, customer_id: int, processor: str, token: str) -> MethodView | None:
    """The method already saved with this token; a token of another customer's is refused, not shown."""
    method = _by_token(uow, processor, token)
    if method is None:
        return None
    if method.customer_id != customer_id:
        raise Conflict("this payment method is already saved for another customer")
    return MethodView.of(method)


def _new_method(customer_id: int, saved: SavedMethod, processor: str, ach: AchAuthorization | None) -> PaymentMethod:
    method = PaymentMethod(
        customer_id=customer_id, processor=processor, token=saved.token.strip(), kind=saved.kind,
        brand=saved.brand.strip(), last4=saved.last4, exp_month=saved.exp_month, exp_year=saved.exp_year,
        holder=saved.holder.strip(), active=True,
    )
    if ach is not None:
        method.ach_authorization_kind = ach.kind
        method.ach_authorization_reference = ach.reference
        method.ach_authorized_at = ach.authorized_at
        method.ach_authorization_source = ach.source
    return method


def add_method(
    uow: UnitOfWork, *, customer_code: str, saved: SavedMethod, processor: str, actor: Actor,
    authorization: AchAuthorization | None, branding: Branding | None = None,
) -> MethodView:
    """Save a method for the customer; the same processor token twice gives back the method saved first.
    A `tel_notice` authorization queues its written notice in the same transaction, signed as `branding`."""
    if not processor.strip() or len(processor) > 20:
        raise Invalid("processor: the processor's name is required (at most 20 characters)", "processor")
    _check_saved(saved)
    ach = _checked_authorization(authorization, actor) if saved.kind == "ach" else None
    with uow:
        customer = customer_by_code(uow, customer_code)
        existing = _existing(uow, customer.id, processor, saved.token.strip())
        if existing is not None:
            return existing
        method = _new_method(customer.id, saved, processor, ach)
        uow.session.add(method)
        try:
            uow.session.flush()
        except IntegrityError:
            # Another request saved the same token between our read and our insert: theirs is the method.
            uow.rollback()
            found = _existing(uow, customer.id, processor, saved.token.strip())
            if found is None:
                raise
            return found
        view = MethodView.of(method)
        if ach is not None and ach.kind == "tel_notice":
            if branding is None:
                raise Invalid("authorization: a written notice needs the seller's branding to sign it", "authorization")
            ach = AchAuthorization(ach.kind, queue_ach_authorization_notice(uow.session, customer, view.label, actor,
                                                                            branding), ach.authorized_at, ach.source)
            method.ach_authorization_reference = ach.reference
        audit.record(uow.session, actor, "payment_method.added", customer_id=customer.id,
                     subject=f"payment_method:{method.id}", processor=processor, before=None, after=_shown(view),
                     authorization=_authorization_details(ach))
        uow.commit()
        return view


def _shown(view: MethodView) -> dict[str, object]:
    return {key: value for key, value in asdict(view).items() if key != "id"}


def _authorization_details(ach: AchAuthorization | None) -> dict[str, str] | None:
    if ach is None:
        return None
    when = ach.authorized_at.isoformat() if ach.authorized_at else ""
    return {"kind": ach.kind, "reference": ach.reference, "authorized_at": when, "source": ach.source}


def list_methods(uow: UnitOfWork, customer_code: str, include_inactive: bool = False) -> list[MethodView]:
    with uow:
        customer = customer_by_code(uow, customer_code)
        query = select(PaymentMethod).where(PaymentMethod.customer_id == customer.id).order_by(PaymentMethod.id)
        if not include_inactive:
            query = query.where(PaymentMethod.active.is_(True))
        return [MethodView.of(method) for method in uow.session.scalars(query)]


def deactivate_method(uow: UnitOfWork, customer_code: str, method_id: int, actor: Actor) -> MethodView:
    """Stop offering the method; it stays on file, because past payments refer to it."""
    return _set_active(uow, customer_code, method_id, actor, active=False)


def reactivate_method(uow: UnitOfWork, customer_code: str, method_id: int, actor: Actor) -> MethodView:
    return _set_active(uow, customer_code, method_id, actor, active=True)


def _set_active(uow: UnitOfWork, customer_code: str, method_id: int, actor: Actor, *, active: bool) -> MethodView:
    with uow:
        customer = customer_by_code(uow, customer_code)
        method = uow.session.get(PaymentMethod, method_id, with_for_update=True)
        if method is None or method.customer_id != customer.id:
            raise NotFound("payment method", method_id)  # another customer's method is not theirs to see
        if method.active == active:
            return MethodView.of(method)  # nothing changed, so nothing to audit
        before = MethodView.of(method)
        method.active = active
        after = MethodView.of(method)
        action = "payment_method.reactivated" if active else "payment_method.deactivated"
        audit.record(uow.session, actor, action, customer_id=customer.id, subject=f"payment_method:{method.id}",
                     before={"active": before.active}, after={"active": after.active}, label=after.label)
        uow.commit()
        return after
