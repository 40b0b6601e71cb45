"""Fixtures of the cross-app tests in tests/: a real Celery worker (and beat) against the real
Redis broker and the PostgreSQL test database."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def _database_url_for_test_db() -> str:
    """The worker must write to the database this test run uses (test_<name>)."""
    url = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))


@pytest.fixture
def worker(transactional_db, tmp_path):
    """A worker process with beat on a queue of its own; the test's tasks are sent to that queue.
    Its writes are real commits, hence `transactional_db`; PostgreSQL only (SQLite's test
    database is not shared with another process). The worker's log is ``worker["log"]``."""
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL: the real broker (CI sets it)")
    if connection.vendor != "postgresql":
        pytest.skip("the worker shares the test database only on PostgreSQL")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for_test_db(),
        "CELERY_QUEUE": queue,
        "HEARTBEAT_SECONDS": "1",
        # The worker's beat scans the forecast inbox and sends SMS: keep both inside this test.
        "FORECAST_INBOX_DIR": str(tmp_path / "inbox"),
        "SMS_BACKEND": "file",
        "SMS_FILE_DIR": str(tmp_path / "sms"),
    }
    log = tmp_path / "worker.log"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "yangquan_aqi",
            "worker",
            "-B",
            "--pool=solo",
            "--loglevel=INFO",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "-s",
            str(tmp_path / "beat-schedule"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    settings_queue = settings.CELERY_TASK_DEFAULT_QUEUE
    from yangquan_aqi.celery import app

    # Tasks must reach the worker, not run here: an earlier test's eager fixture may have been the
    # first to read the app's configuration (with its overridden settings), leaving eager on.
    eager_before = app.conf.task_always_eager
    app.conf.task_default_queue = queue
    app.conf.task_always_eager = False
    try:
        yield {"proc": proc, "log": log, "queue": queue, "sms_dir": tmp_path / "sms"}
    finally:
        app.conf.task_default_queue = settings_queue
        app.conf.task_always_eager = eager_before
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
