"""A real Celery worker (and beat) against the real Redis broker and the test database."""

from __future__ import annotations

import time
import uuid

import pytest
from django.conf import settings

from core.models import Heartbeat

# The `worker` fixture lives in tests/conftest.py (pytest provides it here; shared with the other worker tests).

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL: the real broker (CI sets it)"),
]


def test_task_round_trip_through_redis_to_a_worker(worker):
    from core.tasks import ping

    token = uuid.uuid4().hex
    result = ping.apply_async(args=[token], queue=worker["queue"]).get(timeout=60)
    assert result["token"] == token
    assert result["worker"]


def test_beat_schedule_fires_the_heartbeat_into_the_database(worker):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        beat = Heartbeat.objects.filter(name="heartbeat").first()
        if beat is not None and beat.count >= 2:
            break
        time.sleep(0.5)
    else:
        pytest.fail("no heartbeat within 60 s; worker log:\n" + worker["log"].read_text()[-3000:])
    assert beat.worker


def test_eager_mode_is_off_when_redis_is_configured():
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert settings.CELERY_TASK_ACKS_LATE is True
