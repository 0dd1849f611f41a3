"""Staff set each class's dunning stages (thresholds, channels in order, approval, cadence), checked before saving."""

from __future__ import annotations

import pytest

from core.bootstrap import Services
from core.dunning import StagePolicy, policy_in_force, reset_stages, set_stages
from core.kernel.errors import Invalid, NotFound
from tests.books import TEST_ACTOR, load
from tests.integration.dunning.test_dunning import STAGE_1, STAGE_3, day, dun, messages, owing


@pytest.fixture(autouse=True)
def auto_class(services: Services) -> None:
    assert not load(services.db, "classes", [{"code": "AUTO", "allow_auto_statement": "true"}]).rejected


def stage(number: int, above: int | None, *channels: str, **options: object) -> StagePolicy:
    return StagePolicy(number, above, f"dunning.stage{number}", channels, **options)  # type: ignore[arg-type]


def test_a_class_dunned_by_sms_and_telegram_reaches_a_customer_with_no_email(services: Services) -> None:
    db = services.db
    owing(db, "TEXTS", ("80.00", STAGE_3), delivery="sms", email="", phone="+15105550177")
    assert dun(services)["TEXTS"].reason == "no opt-in for email"  # the seed's stages are email only

    policy = set_stages(db.uow(), "AUTO", [stage(1, None, "email", "sms"), stage(2, 15, "sms", "email"),
                                            stage(3, 30, "sms", "telegram", auto_approve=True, cadence_days=3)],
                        TEST_ACTOR)

    assert policy.source == "class AUTO" and [s.name for s in policy.stages] == ["Reminder", "Second notice",
                                                                               "Final notice"]
    result = dun(services, day(1))  # the next run
    assert (result["TEXTS"].status, result["TEXTS"].stage) == ("queued", 3)
    (sent,) = messages(db, "TEXTS")
    assert (sent.channel, sent.recipient, sent.status) == ("sms", "+15105550177", "approved")


@pytest.mark.parametrize(("stages", "says"), [
    ([], "at least one stage"),
    ([stage(1, None, "email"), stage(3, 30, "email")], "numbered 1 to 2"),
    ([stage(1, None, "email"), stage(2, None, "email")], "only stage 1 may apply to any balance"),
    ([stage(1, 20, "email"), stage(2, 20, "email")], "must rise"),
    ([stage(1, None, "email", "print")], "dunning does not go by 'print'"),
    ([stage(1, None, "pigeon")], "dunning does not go by 'pigeon'"),
    ([stage(1, None, "email", "email")], "named twice"),
    ([stage(1, None)], "at least one channel"),
    ([stage(1, None, "email", cadence_days=0)], "at least one day"),
    ([stage(1, None, "email"), stage(2, 10, "email"), stage(3, 20, "email"), stage(4, 40, "email")],
     "no message text dunning.stage4.email.txt"),
])
def test_a_policy_a_run_could_not_follow_is_refused_and_nothing_changes(services: Services, stages: list[StagePolicy],
                                                                         says: str) -> None:
    with pytest.raises(Invalid, match=says):
        set_stages(services.db.uow(), "AUTO", stages, TEST_ACTOR)
    assert policy_in_force(services.db.uow(), "AUTO").source == "built-in seed default"


def test_reset_falls_back_to_the_default_policy_then_the_seed(services: Services) -> None:
    db = services.db
    set_stages(db.uow(), None, [stage(1, None, "email", "sms")], TEST_ACTOR)
    set_stages(db.uow(), "AUTO", [stage(1, 5, "telegram")], TEST_ACTOR)
    assert policy_in_force(db.uow(), "AUTO").stages[0].channels == ("telegram",)

    assert reset_stages(db.uow(), "AUTO", TEST_ACTOR) is True
    assert policy_in_force(db.uow(), "AUTO").source == "default policy"
    assert reset_stages(db.uow(), None, TEST_ACTOR) is True
    assert policy_in_force(db.uow(), "AUTO").source == "built-in seed default"
    assert reset_stages(db.uow(), None, TEST_ACTOR) is False
    with pytest.raises(NotFound):
        set_stages(db.uow(), "NOSUCH", [stage(1, None, "email")], TEST_ACTOR)
    owing(db, "STILL", ("10.00", STAGE_1))
    assert dun(services)["STILL"].status == "queued"
