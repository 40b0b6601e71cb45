from __future__ import annotations

import uuid

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.roles import Role
from command.models import MemberUnit


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings.MEDIA_ROOT


@pytest.fixture
def people(make_user):
    return {
        "office": make_user(Role.OFFICE),
        "supervisor": make_user(Role.SUPERVISOR),
        "vice": make_user(Role.VICE_COMMANDER),
        "unit": make_user(Role.UNIT, unit=MemberUnit.objects.get(slug="jiaotong")),
        "county": make_user(Role.COUNTY),
    }


@pytest.fixture
def public_client(db):
    """An anonymous browser from an address of its own (the rate limit counts per address; the
    cache may be a Redis shared with other test runs, so only this address's key is removed)."""
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"
    yield Client(REMOTE_ADDR=address)
    cache.delete(f"supervision:tipoff-rate:{address}")
