"""A real Celery worker (and beat) against the real Redis broker and the test database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from core.models import Heartbeat

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL: the real broker (CI sets it)"),
]

ROOT = Path(settings.BASE_DIR)


def _database_url_for_test_db() -> str:
    """The worker must write to the database this test run uses (test_<name>)."""
    url = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))


@pytest.fixture
def worker(transactional_db, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the worker shares the test database only on PostgreSQL")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for_test_db(),
        "CELERY_QUEUE": queue,
        "HEARTBEAT_SECONDS": "1",
    }
    log = tmp_path / "worker.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "yangquan_aqi", "worker", "-B", "--pool=solo",
         "--loglevel=INFO", "-Q", queue, "-n", f"{queue}@%h", "-s", str(tmp_path / "beat-schedule")],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    settings_queue = settings.CELERY_TASK_DEFAULT_QUEUE
    from yangquan_aqi.celery import app

    app.conf.task_default_queue = queue
    try:
        yield {"proc": proc, "log": log, "queue": queue}
    finally:
        app.conf.task_default_queue = settings_queue
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


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
