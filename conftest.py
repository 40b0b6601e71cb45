"""Project-wide fixtures: the plan's data, one user per role, API clients."""

from __future__ import annotations

import pytest


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
