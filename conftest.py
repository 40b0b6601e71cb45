"""Project-wide fixtures: the plan's data, one user per role, API clients."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Tests create many users; the production hasher's deliberate slowness is not under test
    here (login tests still check real passwords, only hashed faster)."""
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
