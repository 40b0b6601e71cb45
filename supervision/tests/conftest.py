from __future__ import annotations

import uuid

import pytest
from django.core.cache import cache
from django.test import Client


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings.MEDIA_ROOT


@pytest.fixture
def people_cast():
    """The root's ``people``: the office, the supervision group, a leader, a unit's and a county's user."""
    return ("office", "supervisor", "vice", "unit", "county")


@pytest.fixture
def public_client(db):
    """An anonymous browser from an address of its own (the rate limit counts per address; the
    cache may be a Redis shared with other test runs, so only this address's key is removed)."""
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"
    yield Client(REMOTE_ADDR=address)
    cache.delete(f"supervision:tipoff-rate:{address}")
