"""An import while the broker is unreachable: the file is stored and the API answers 201; its
evaluation waits in the outbox, undone; once the broker is back, a real worker's beat sweep hands
it out and the evaluation is stored. Before the outbox, the same import answered with an error and
its evaluation (and the auto-drafted form) was lost."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from accounts.roles import Role
from core.models import OutboxEvent
from forecasts.models import Evaluation, ForecastImport

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL: the real broker (CI sets it)"),
]

SAMPLES = Path(settings.BASE_DIR).parent / "shared" / "samples"
CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens there: connections are refused at once
WAIT_SECONDS = 60


def _use_broker(app, url: str) -> None:
    """Point this process's Celery app at ``url``; the pools are built again on the next send."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    from yangquan_aqi.celery import app

    before = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.task_always_eager = False
    _use_broker(app, CLOSED_PORT)
    yield lambda: _use_broker(app, before[0])
    _use_broker(app, before[0])
    app.conf.task_always_eager = before[1]


@pytest.fixture
def fast_sweep(monkeypatch):
    """The worker started later sweeps every second and re-dispatches events undone for a second."""
    monkeypatch.setenv("SWEEP_SECONDS", "1")
    monkeypatch.setenv("OUTBOX_RETRY_AFTER_SECONDS", "1")


def test_an_import_with_the_broker_down_answers_201_and_is_evaluated_when_it_is_back(
    transactional_db, client, make_user, broker_down, fast_sweep, request, caplog
):
    if connection.vendor != "postgresql":
        pytest.skip("the worker shares the test database only on PostgreSQL")
    client.force_login(make_user(Role.FORECASTER))
    upload = SimpleUploadedFile("hourly-aqi.csv", (SAMPLES / "hourly-aqi.csv").read_bytes())
    with caplog.at_level("WARNING", logger="core.outbox"):
        response = client.post("/api/v1/forecasts/imports/", {"file": upload})
    assert response.status_code == 201, response.content
    record = ForecastImport.objects.get(pk=response.json()["id"])
    assert "not enqueued; the sweep will pick it up" in caplog.text

    event = OutboxEvent.objects.get(topic="forecasts.import.evaluate", payload={"import_id": record.pk})
    assert (event.done_at, event.attempts, event.dispatched_at) == (None, 0, None)
    assert not Evaluation.objects.filter(source_import=record).exists()

    broker_down()  # the broker is back (for this process too)
    worker = request.getfixturevalue("worker")  # a real worker with its beat: the sweep runs every second
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        event.refresh_from_db()
        if event.done_at is not None and Evaluation.objects.filter(source_import=record).exists():
            break
        time.sleep(0.5)
    else:
        pytest.fail(
            f"not evaluated within {WAIT_SECONDS} s: {event.__dict__}; worker log:\n"
            + worker["log"].read_text()[-4000:]
        )
    assert Evaluation.objects.filter(source_import=record).count() == 1
    assert event.attempts == 1 and event.last_error == ""
    log = worker["log"].read_text()
    assert "core.tasks.sweep_outbox" in log and "Task core.tasks.dispatch_outbox_event[" in log
