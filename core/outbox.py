"""The transactional outbox: the one path for work after commit (STYLE.md "A transition", step 5).

A service calls :func:`outbox_emit` inside the transaction of its decision; the event row commits
or rolls back with the decision. After commit the event is handed to Celery
(``core.tasks.dispatch_outbox_event``); the beat sweep (``core.tasks.sweep_outbox``) hands out
again whatever is not done ``OUTBOX_RETRY_AFTER_SECONDS`` after it was due — a process that died
between commit and enqueue, a broker that was down, a handler that raised. So every handler runs
at least once and must be idempotent.

Each app declares its handlers in one place, ``<app>/handlers.py``, with :func:`handles`; core
imports no app: :class:`core.apps.CoreConfig` discovers the ``handlers`` modules at start-up.
The table of handlers is the map of how work flows (``manage.py architecture`` writes it to
docs/architecture.md).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from celery import current_app, shared_task
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import OutboxEvent

log = logging.getLogger(__name__)

#: The chapters work flows through, in order (the last two stand beside the flow); every handler
#: names the one whose work it does.
STAGES: dict[str, str] = {
    "file": "数据文件 — a forecast or monitoring file is stored",
    "evaluation": "研判 — the stored series is classified (warning-rules.md)",
    "consultation": "会商 — the office and the forecasters are asked for an opinion",
    "form": "审批表 — the approval form is drafted, submitted, decided",
    "publication": "发布 — the approved warning goes out (public page, CAP, SMS)",
    "orders": "指令 — the member units' orders start, change or end the response",
    "reports": "报送 — units and the office report back (deadlines, daily reports)",
    "drills": "回放 — a historical series fed step by step (drills, demos)",
    "records": "记录 — stored files follow their records",
}
#: A handler that raised is tried again by the sweep, at most this many times in all.
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Handler:
    topic: str
    stage: str
    func: Callable[[dict], object]

    @property
    def path(self) -> str:
        return f"{self.func.__module__}.{self.func.__qualname__}"

    @property
    def summary(self) -> str:
        doc = (self.func.__doc__ or "").strip()
        return " ".join(doc.split("\n\n", 1)[0].split())


_HANDLERS: dict[str, Handler] = {}


def handles(topic: str, *, stage: str) -> Callable:
    """Register the decorated function as the handler of ``topic`` (one handler per topic)."""
    if stage not in STAGES:
        raise ImproperlyConfigured(f"outbox topic {topic}: unknown stage {stage!r}")

    def register(func: Callable[[dict], object]) -> Callable[[dict], object]:
        known = _HANDLERS.get(topic)
        if known is not None and known.path != f"{func.__module__}.{func.__qualname__}":
            raise ImproperlyConfigured(f"outbox topic {topic} has two handlers: {known.path} and {func.__qualname__}")
        _HANDLERS[topic] = Handler(topic=topic, stage=stage, func=func)
        return func

    return register


def handler_table() -> list[Handler]:
    """Every registered handler, in the order of the stages; within a stage in the order the apps
    declare them (INSTALLED_APPS, then each handlers module from the top)."""
    stages, registered = list(STAGES), list(_HANDLERS)
    return sorted(_HANDLERS.values(), key=lambda h: (stages.index(h.stage), registered.index(h.topic)))


def outbox_emit(topic: str, payload: dict, *, countdown: float = 0) -> OutboxEvent:
    """Write the event in the caller's transaction; hand it to Celery once that commits (after
    ``countdown`` seconds, if given)."""
    if topic not in _HANDLERS:
        raise ValueError(f"unknown outbox topic {topic}")
    due_at = timezone.now() + dt.timedelta(seconds=max(countdown, 0))
    event = OutboxEvent.objects.create(topic=topic, payload=payload, due_at=due_at)
    transaction.on_commit(lambda: _enqueue(event.pk, countdown=countdown))
    return event


_eager = threading.local()


def _enqueue(event_id: int, *, countdown: float = 0) -> None:
    """Hand one event to Celery. A broker that is down only delays it: the sweep hands it out again.

    Without a broker (tasks eager, the embedded default) an event emitted by a running handler
    waits until that handler is done instead of running inside it: a chain of events (a replay's
    steps) then runs one after another, not nested ever deeper."""
    if current_app.conf.task_always_eager:
        queue = getattr(_eager, "queue", None)
        if queue is not None:
            queue.append(event_id)
            return
        _eager.queue = queue = deque([event_id])
        try:
            while queue:
                _send(queue.popleft(), 0)
        finally:
            _eager.queue = None
        return
    _send(event_id, countdown)


def _send(event_id: int, countdown: float) -> None:
    try:
        dispatch_outbox_event.apply_async((event_id,), ignore_result=True, countdown=countdown or None)
    except Exception:  # noqa: BLE001 - kombu and redis raise their own kinds; the sweep hands it out again
        if current_app.conf.task_always_eager:
            raise  # an eager run is the handler itself failing: the caller must see it
        log.warning("outbox event %s not enqueued; the sweep will pick it up", event_id, exc_info=True)


def outbox_handle(event_id: int) -> bool:
    """Run one event's handler; True when it is done (now or before)."""
    with transaction.atomic():
        event = OutboxEvent.objects.select_for_update(skip_locked=True).filter(pk=event_id).first()
        if event is None:
            return False  # another worker holds it
        if event.done_at is not None:
            return True
        OutboxEvent.objects.filter(pk=event.pk).update(attempts=F("attempts") + 1, dispatched_at=timezone.now())
    handler = _HANDLERS[event.topic]
    try:
        handler.func(event.payload)
    except Exception as exc:
        OutboxEvent.objects.filter(pk=event.pk).update(last_error=f"{exc.__class__.__name__}: {exc}"[:2000])
        raise
    OutboxEvent.objects.filter(pk=event.pk, done_at__isnull=True).update(done_at=timezone.now(), last_error="")
    return True


def outbox_pending(*, older_than: dt.timedelta | None = None):
    """Events not done ``OUTBOX_RETRY_AFTER_SECONDS`` (30 s) after they were due: their dispatch
    was lost (the process died between commit and enqueue, the broker was down, the worker was
    killed with the task reserved) or their handler failed."""
    if older_than is None:
        older_than = dt.timedelta(seconds=getattr(settings, "OUTBOX_RETRY_AFTER_SECONDS", 30))
    cutoff = timezone.now() - older_than
    return OutboxEvent.objects.filter(done_at__isnull=True, due_at__lte=cutoff, attempts__lt=MAX_ATTEMPTS)


@shared_task(name="core.tasks.dispatch_outbox_event", bind=True, max_retries=5, default_retry_delay=20, acks_late=True)
def dispatch_outbox_event(self, event_id: int) -> bool:
    try:
        return outbox_handle(event_id)
    except Exception as exc:  # noqa: BLE001 - bounded retries; the sweep picks up what remains
        raise self.retry(exc=exc) from exc


@shared_task(name="core.tasks.sweep_outbox")
def sweep_outbox() -> int:
    """Beat: hand out again the undone events whose dispatch was lost or whose handler failed."""
    count = 0
    for event_id in outbox_pending().order_by("pk").values_list("pk", flat=True)[:500]:
        _send(event_id, 0)
        count += 1
    return count
