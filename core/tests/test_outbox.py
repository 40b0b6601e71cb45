"""The outbox (core/outbox.py) is the one path for work after commit: its events commit or roll back
with the decision, a failing handler is handed out again by the sweep, the sources hold no other
after-commit path, and docs/architecture.md is the handler table as it is."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from celery.exceptions import Retry
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import outbox
from core.architecture import DOC, emissions, render, source_files
from core.models import OutboxEvent

ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def probe(monkeypatch):
    """A topic of this test only; its handler fails while ``failing`` is true."""
    state = {"calls": [], "failing": False}

    def handler(payload: dict) -> None:
        state["calls"].append(payload)
        if state["failing"]:
            raise ConnectionError("下游暂时不可用")

    monkeypatch.setitem(outbox._HANDLERS, "test.probe", outbox.Handler("test.probe", "records", handler))
    return state


# --------------------------------------------------------------------------- the table


def test_every_emitted_topic_has_a_handler_and_every_handler_is_emitted_somewhere():
    emitted = {e.topic for e in emissions()}
    registered = {h.topic for h in outbox.handler_table()}
    assert emitted - registered == set(), "outbox_emit of a topic nobody handles"
    assert registered - emitted == set(), "a handler no code emits for"


def test_each_handler_says_what_it_does_and_where_its_payload_comes_from():
    for handler in outbox.handler_table():
        assert handler.summary, handler.path
        assert "Payload" in (handler.func.__doc__ or ""), f"{handler.path}: name the payload and who emits it"


def test_architecture_doc_is_the_handler_table():
    assert DOC.is_file(), "docs/architecture.md is missing: run `python manage.py architecture`"
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/architecture.md and the handler table disagree: run `python manage.py architecture`"
    )


def test_the_doc_follows_the_work_from_the_file_to_the_orders():
    text = render()
    order = [
        "forecasts.import.evaluate",
        "forecasts.consultation.opened",
        "alerts.form.draft",
        "alerts.form.submitted",
        "alerts.form.decided",
        "alerts.warning.publish",
        "notifications.sms.queued",
        "response.orders",
        "response.orders.notify",
    ]
    positions = [text.index(f"| `{topic}` |") for topic in order]
    assert positions == sorted(positions)


def test_a_topic_has_one_handler(probe):
    def other(payload):
        return None

    with pytest.raises(Exception, match="two handlers"):
        outbox.handles("test.probe", stage="records")(other)


# --------------------------------------------------------------------------- one path after commit

#: The places that may still hand work to Celery or run code after commit, each with its reason.
JUSTIFIED = {
    ("core/outbox.py", "on_commit("): "the outbox itself: the event, written in the transaction, is "
    "handed to Celery once it commits",
    ("core/outbox.py", "apply_async("): "the outbox's dispatch (and the sweep's)",
    ("core/views.py", ".delay("): "the system page's health probe: a synchronous round trip to a worker "
    "(ping(...).get(timeout=3)); nothing is committed, nothing to keep",
    ("notifications/tasks.py", ".delay("): "enqueue_deliveries, called by the outbox handler "
    "notifications.sms.queued and by the SMS beat sweep, never on "
    "commit: the Delivery rows are their own durable record, and a "
    "chunk not enqueued stays queued for the sweep",
}
PATTERNS = ("on_commit(", ".delay(", "apply_async(", "delay_on_commit(")


def _sources() -> list[Path]:
    """The product's non-test Python sources: every app and the project package."""
    project = sorted((ROOT / "yangquan_aqi").rglob("*.py"))
    return sorted(set(source_files()) | set(project))


def test_no_effect_after_commit_outside_the_outbox():
    found: dict[tuple[str, str], int] = {}
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        code = "\n".join(line.split("#", 1)[0] for line in text.splitlines())  # comments may name them
        for pattern in PATTERNS:
            count = code.count(pattern)
            if count:
                found[(str(path.relative_to(ROOT)), pattern)] = count
    unexpected = {site: n for site, n in found.items() if site not in JUSTIFIED}
    assert not unexpected, (
        "work after commit goes through core.outbox.outbox_emit (or add the site to JUSTIFIED with its "
        f"reason): {unexpected}"
    )
    assert set(JUSTIFIED) <= set(found), f"JUSTIFIED names sites that are gone: {set(JUSTIFIED) - set(found)}"


def test_the_scan_sees_the_sources():
    names = {str(p.relative_to(ROOT)) for p in _sources()}
    assert {"core/outbox.py", "forecasts/imports.py", "response/services.py", "yangquan_aqi/celery.py"} <= names
    assert not [n for n in names if re.search(r"(^|/)(tests|migrations)/", n)]


# --------------------------------------------------------------------------- behaviour


def test_an_unknown_topic_is_refused(db):
    with pytest.raises(ValueError, match="unknown outbox topic"):
        outbox.outbox_emit("nobody.handles.this", {})
    assert not OutboxEvent.objects.exists()


def test_an_event_rolls_back_with_its_transaction(db, probe, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                outbox.outbox_emit("test.probe", {"n": 1})
                raise RuntimeError("the decision fails")
    assert not OutboxEvent.objects.exists()
    assert callbacks == [] and probe["calls"] == []


def test_a_failing_handler_is_recorded_and_handed_out_again_by_the_sweep(
    db, probe, eager, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_RETRY_AFTER_SECONDS = 0
    probe["failing"] = True
    with pytest.raises(Retry), django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            event = outbox.outbox_emit("test.probe", {"n": 1})
    event.refresh_from_db()
    # The task asked Celery for a retry (raised here, eagerly); the event waits, undone, with its error.
    assert event.done_at is None and event.attempts == 1 and event.last_error == "ConnectionError: 下游暂时不可用"
    assert list(outbox.outbox_pending()) == [event]

    probe["failing"] = False
    assert outbox.sweep_outbox() == 1
    event.refresh_from_db()
    assert event.done_at is not None and event.last_error == "" and event.attempts == 2
    assert outbox.sweep_outbox() == 0  # done: nothing handed out again
    assert outbox.outbox_handle(event.pk) is True and len(probe["calls"]) == 2  # a late duplicate runs nothing


def test_the_sweep_gives_up_after_the_last_attempt(db, probe):
    event = OutboxEvent.objects.create(
        topic="test.probe", payload={}, attempts=outbox.MAX_ATTEMPTS, due_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert event not in outbox.outbox_pending()


def test_an_event_with_a_countdown_is_not_swept_before_it_is_due(db, probe, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        later = outbox.outbox_emit("test.probe", {}, countdown=600)
        now = outbox.outbox_emit("test.probe", {})
    OutboxEvent.objects.filter(pk=now.pk).update(due_at=timezone.now() - dt.timedelta(minutes=5))
    assert list(outbox.outbox_pending()) == [now]
    assert later.due_at > timezone.now() + dt.timedelta(seconds=590)


def test_eager_events_emitted_by_a_handler_run_after_it_not_inside_it(transactional_db, eager, monkeypatch):
    """Without a broker a chain of events (a replay's steps) runs one after another, not nested: each
    handler's commit is real here, so its event would otherwise run inside it."""
    depth: list[int] = []
    active = {"n": 0}

    def chain(payload: dict) -> None:
        active["n"] += 1
        depth.append(active["n"])
        if payload["left"]:
            outbox.outbox_emit("test.chain", {"left": payload["left"] - 1})
        active["n"] -= 1

    monkeypatch.setitem(outbox._HANDLERS, "test.chain", outbox.Handler("test.chain", "records", chain))
    with transaction.atomic():
        outbox.outbox_emit("test.chain", {"left": 50})
    assert len(depth) == 51 and set(depth) == {1}
    assert OutboxEvent.objects.filter(topic="test.chain", done_at__isnull=True).count() == 0
