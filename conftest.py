"""Project-wide fixtures: the plan's data, one user per role, API clients."""

from __future__ import annotations

import pytest

#: The parts ``people`` can make: name → (role, the user's unit by slug or area by code, other
#: fields). A name it lacks is a member unit's slug: a user of that unit.
CAST: dict[str, tuple[str, dict]] = {
    "office": ("office", {}),
    "office2": ("office", {}),
    "head": ("office", {"position": "应急指挥部办公室主任"}),
    "clerk": ("office", {"position": "科员"}),
    "vice": ("vice_commander", {}),
    "vice2": ("vice_commander", {}),
    "commander": ("commander", {}),
    "forecaster": ("forecaster", {}),
    "supervisor": ("supervisor", {}),
    "unit": ("unit", {}),  # of 市交通运输局, as make_user gives
    "jiaotong": ("unit", {"unit": "jiaotong"}),
    "shengtai": ("unit", {"unit": "shengtai"}),
    "jiaoyu": ("unit", {"unit": "jiaoyu"}),
    "retired": ("unit", {"unit": "weijian", "is_active": False}),
    "county": ("county", {}),  # of 平定县 (140321), as make_user gives
    "county2": ("county", {"area": "140322"}),  # 盂县
}


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Tests create many users; the production hasher's deliberate slowness is not under test
    here (login tests still check real passwords, only hashed faster, signers' re-entered
    passwords too)."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The cache may be the real Redis: what one test cached must not leak into the next."""
    from django.core.cache import cache

    client = getattr(getattr(cache, "_cache", None), "get_client", None)
    if client is None:
        cache.clear()  # local memory
    else:
        # Redis: delete only the cache's own keys; the Celery broker lives in the same database.
        redis = client(write=True)
        keys = list(redis.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
        if keys:
            redis.delete(*keys)
    yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the plan's command structure once into the test database."""
    from command.services import plan_load

    with django_db_blocker.unblock():
        plan_load()


@pytest.fixture
def plan(db):
    """The plan's command structure (reloaded if a transactional test flushed it)."""
    from command.models import MemberUnit
    from command.services import plan_load

    if not MemberUnit.objects.exists():
        plan_load()
    return MemberUnit.objects.all()


@pytest.fixture
def make_user(plan):
    from tests.factories import UserFactory

    def _make(role: str, **kwargs):
        return UserFactory.for_role(role, **kwargs)

    return _make


@pytest.fixture
def users_by_role(make_user):
    from accounts.roles import Role

    return {role: make_user(role) for role in Role.values}


@pytest.fixture
def people_cast() -> tuple[str, ...]:
    """Who ``people`` makes (names of CAST); a test module or an app's conftest overrides this
    fixture to name others."""
    return ("office", "vice", "commander")


@pytest.fixture
def people(people_cast, make_user) -> dict:
    """The users of ``people_cast`` by name, all made before the test runs."""
    from command.models import Area, MemberUnit

    made = {}
    for name in people_cast:
        role, fields = CAST.get(name, ("unit", {"unit": name}))
        fields = dict(fields)
        if "unit" in fields:
            fields["unit"] = MemberUnit.objects.get(slug=fields["unit"])
        if "area" in fields:
            fields["area"] = Area.objects.get(code=fields["area"])
        made[name] = make_user(role, **fields)
    return made


@pytest.fixture
def eager(settings):
    """Celery tasks, and so the outbox's events, run in-process as the worker would run them, their
    errors raised in the test (also when REDIS_URL points the tests at a real broker)."""
    from yangquan_aqi.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    before = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before
