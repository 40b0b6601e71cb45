"""The transactional outbox: `outbox_emit` inside the decision's transaction; after commit the
event is handed to Celery; a beat sweep re-dispatches anything left behind (a process that died
between commit and enqueue, a broker that was down). Handlers must be idempotent."""

from __future__ import annotations

import datetime as dt
import importlib
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import OutboxEvent

log = logging.getLogger(__name__)

#: topic → "module.function" taking the payload dict. Registered here, in code, once.
HANDLERS: dict[str, str] = {
    "alerts.form.submitted": "alerts.handlers.form_submitted",
    "alerts.form.decided": "alerts.handlers.form_decided",
    "alerts.warning.publish": "alerts.publication.publish_form",
    # A published decision starts, changes or ends the response: member units' orders (§5.2, §5.6, §5.7).
    "response.orders": "response.handlers.orders_for_form",
}
MAX_ATTEMPTS = 8


def outbox_emit(topic: str, payload: dict) -> OutboxEvent:
    if topic not in HANDLERS:
        raise ValueError(f"unknown outbox topic {topic}")
    event = OutboxEvent.objects.create(topic=topic, payload=payload)
    transaction.on_commit(lambda: _enqueue(event.pk))
    return event


def _enqueue(event_id: int) -> None:
    from .tasks import dispatch_outbox_event

    try:
        dispatch_outbox_event.apply_async((event_id,), ignore_result=True)
    except Exception:  # noqa: BLE001 - the broker may be down; the beat sweep will retry
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
    module_name, func_name = HANDLERS[event.topic].rsplit(".", 1)
    handler = getattr(importlib.import_module(module_name), func_name)
    try:
        handler(event.payload)
    except Exception as exc:
        OutboxEvent.objects.filter(pk=event.pk).update(last_error=f"{exc.__class__.__name__}: {exc}"[:2000])
        raise
    OutboxEvent.objects.filter(pk=event.pk, done_at__isnull=True).update(done_at=timezone.now(), last_error="")
    return True


def outbox_pending(*, older_than: dt.timedelta | None = None):
    """Events not done ``OUTBOX_RETRY_AFTER_SECONDS`` (30 s) after they were written: their dispatch
    was lost (the process died between commit and enqueue, the broker was down, the worker was
    killed with the task reserved) or their handler failed."""
    if older_than is None:
        older_than = dt.timedelta(seconds=getattr(settings, "OUTBOX_RETRY_AFTER_SECONDS", 30))
    cutoff = timezone.now() - older_than
    return OutboxEvent.objects.filter(done_at__isnull=True, created_at__lte=cutoff, attempts__lt=MAX_ATTEMPTS)
