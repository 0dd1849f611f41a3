"""The guard against guessing: growing waits per username, a lock after ten failures that an admin can lift, a
limit per address for one guess at many usernames; refused attempts never reach the password check."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

from core import staff
from core.bootstrap import Services
from core.kernel.audit import Actor
from core.kernel.models import AuditEvent
from core.staff import signing_in
from core.staff.sign_in_guard import GuardPolicy, delay

ADMIN = Actor("cli", "cli")
NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)
PASSWORD = "a long enough secret"
POLICY = staff.SignInPolicy()  # the defaults: waits after 3, lock after 10 in 15 min for 15 min, 20 per address


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password the sign-in actually checked (argon2 called)."""
    seen: list[str] = []
    real = signing_in.password_matches

    def counting(stored: str, password: str) -> bool:
        seen.append(password)
        return real(stored, password)

    monkeypatch.setattr(signing_in, "password_matches", counting)
    return seen


def attempt(services: Services, password: str, at: dt.datetime, name: str = "alice", address: str = "10.0.0.1",
            policy: staff.SignInPolicy = POLICY) -> staff.SignedIn | staff.SecondStep | staff.Refusal | None:
    return staff.sign_in(services.db.uow(), name, password, now=at, policy=policy, address=address)


def actions(services: Services) -> list[str]:
    with services.db.uow() as uow:
        return list(uow.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_the_waits_double_after_the_third_failure() -> None:
    policy = GuardPolicy()
    assert [delay(n, 3, policy).total_seconds() for n in range(1, 10)] == [0, 0, 1, 2, 4, 8, 16, 32, 64]
    assert delay(10_000, 3, policy) == policy.lock  # never past the lock's length, however many


def test_after_three_failures_an_attempt_too_soon_is_refused_without_checking_the_password(
        services: Services, checked: list[str]) -> None:
    staff.add_user(services.db.uow(), "alice", PASSWORD, "agent", ADMIN)
    for _ in range(3):
        assert attempt(services, "wrong guess!", NOW) is None
    refused = attempt(services, PASSWORD, NOW)  # the right one, too soon: not looked at
    assert isinstance(refused, staff.Refusal) and refused.seconds == 1 and not refused.locked
    assert checked == ["wrong guess!"] * 3
    assert attempt(services, "wrong again!", NOW + dt.timedelta(seconds=1)) is None  # waited: checked, wrong
    later = attempt(services, PASSWORD, NOW + dt.timedelta(seconds=2))
    assert isinstance(later, staff.Refusal) and later.seconds == 1  # the next wait is 2 s from the last failure
    assert isinstance(attempt(services, PASSWORD, NOW + dt.timedelta(seconds=3)), staff.SignedIn)
    assert len(checked) == 5
    # The success cleared the username's count: three free failures again.
    for _ in range(3):
        assert attempt(services, "wrong guess!", NOW + dt.timedelta(seconds=4)) is None
    assert isinstance(attempt(services, "wrong guess!", NOW + dt.timedelta(seconds=4)), staff.Refusal)
    with services.db.uow() as uow:
        throttled = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.sign_in_throttled")).all()
        assert len(throttled) == 3
        assert throttled[0].subject == "user:alice" and throttled[0].details["address"] == "10.0.0.1"


def test_ten_failures_lock_the_username_until_an_admin_unlocks_it(services: Services, checked: list[str]) -> None:
    staff.add_user(services.db.uow(), "alice", PASSWORD, "supervisor", ADMIN)
    moment = NOW
    for failure in range(1, 11):  # each one after its wait: checked, wrong
        assert attempt(services, f"guess number {failure}", moment) is None
        moment += delay(failure, 3, POLICY.guard)
    assert len(checked) == 10 and actions(services)[-2:] == ["user.sign_in_failed", "user.locked"]
    refused = attempt(services, PASSWORD, moment + dt.timedelta(minutes=5))
    assert isinstance(refused, staff.Refusal) and refused.locked and len(checked) == 10
    locked = staff.locked_users(services.db.uow(), moment)
    assert set(locked) == {"alice"} and locked["alice"] > moment
    assert staff.unlock(services.db.uow(), "alice", ADMIN, now=moment) is True
    assert actions(services)[-1] == "user.unlocked"
    assert isinstance(attempt(services, PASSWORD, moment + dt.timedelta(minutes=5)), staff.SignedIn)
    assert staff.unlock(services.db.uow(), "alice", ADMIN, now=moment) is False  # nothing to lift


def test_a_lock_runs_out_by_itself_and_the_count_starts_again(services: Services) -> None:
    staff.add_user(services.db.uow(), "alice", PASSWORD, "agent", ADMIN)
    moment = NOW
    for failure in range(1, 11):
        attempt(services, "wrong guess!", moment)
        moment += delay(failure, 3, POLICY.guard)
    # The tenth failure came 127 s after the first (1 + 2 + … + 64 s of waits): locked until 15 min after that.
    assert isinstance(attempt(services, PASSWORD, NOW + dt.timedelta(minutes=17)), staff.Refusal)
    over = NOW + dt.timedelta(minutes=17, seconds=8)
    assert staff.locked_users(services.db.uow(), over) == {}
    assert isinstance(attempt(services, PASSWORD, over), staff.SignedIn)


def test_unknown_usernames_are_counted_and_locked_like_real_ones(services: Services) -> None:
    moment = NOW
    for failure in range(1, 11):
        assert attempt(services, "wrong guess!", moment, name="nobody") is None
        moment += delay(failure, 3, POLICY.guard)
    refused = attempt(services, "wrong guess!", moment, name="nobody")
    assert isinstance(refused, staff.Refusal) and refused.locked  # the same answer a real user's lock gives


def test_one_address_guessing_at_many_usernames_is_slowed_but_not_others(services: Services,
                                                                         checked: list[str]) -> None:
    staff.add_user(services.db.uow(), "alice", PASSWORD, "agent", ADMIN)
    policy = staff.SignInPolicy(guard=GuardPolicy(address_delay_after=5))
    for n in range(5):  # one guess each at five usernames: no username reaches its own waits
        assert attempt(services, "Winter2026!", NOW, name=f"user{n}", address="203.0.113.9", policy=policy) is None
    sprayed = attempt(services, PASSWORD, NOW, address="203.0.113.9", policy=policy)
    assert isinstance(sprayed, staff.Refusal) and sprayed.reason == "address" and not sprayed.locked
    assert len(checked) == 5
    assert isinstance(attempt(services, PASSWORD, NOW, address="198.51.100.7", policy=policy), staff.SignedIn)
    # A right password from the busy address gives back its own attempt only: the address's count stays.
    assert isinstance(attempt(services, PASSWORD, NOW + dt.timedelta(seconds=1), address="203.0.113.9",
                              policy=policy), staff.SignedIn)
    assert isinstance(attempt(services, "Winter2026!", NOW + dt.timedelta(seconds=1), name="user9",
                              address="203.0.113.9", policy=policy), staff.Refusal)


def test_parallel_guesses_meet_the_same_waits_as_a_series(services: Services, checked: list[str]) -> None:
    """Eight wrong passwords at the same moment from eight threads: three are checked, five refused unseen."""
    staff.add_user(services.db.uow(), "alice", PASSWORD, "agent", ADMIN)
    start = threading.Barrier(8)
    answers: list[object] = []

    def guess(n: int) -> None:
        start.wait()
        answers.append(attempt(services, f"parallel guess {n}", NOW, address=f"10.0.0.{n}"))

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(type(a).__name__ for a in answers) == ["NoneType"] * 3 + ["Refusal"] * 5
    assert len(checked) == 3
