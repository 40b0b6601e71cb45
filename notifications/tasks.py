"""Thin Celery tasks of outgoing messages: ids in, a service call, nothing else (STYLE.md); and the
one place that hands delivery rows to them (enqueue_deliveries)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from celery import shared_task
from django.conf import settings

from .delivery import chunks, deliveries_due, deliveries_send, delivery_send

log = logging.getLogger("notifications.sms")


@shared_task(name="notifications.tasks.send_delivery", acks_late=True, ignore_result=True)
def send_delivery(delivery_id: int) -> str:
    """Send one delivery if it is still due (idempotent: a sent row is never sent again)."""
    return delivery_send(delivery_id=delivery_id)


@shared_task(name="notifications.tasks.send_deliveries", acks_late=True, ignore_result=True)
def send_deliveries(delivery_ids: list[int]) -> dict:
    """Send a chunk of deliveries that are still due (idempotent: a sent row is never sent again;
    a chunk re-run after a worker died skips the rows already sent)."""
    started = time.monotonic()
    outcomes = dict(deliveries_send(delivery_ids))
    log.info("sent a chunk of %d deliveries in %.2f s: %s", len(delivery_ids), time.monotonic() - started, outcomes)
    return outcomes


@shared_task(name="notifications.tasks.retry_deliveries", ignore_result=True)
def retry_deliveries() -> int:
    """Beat: send the failed deliveries whose backoff has passed, and queued ones whose task was lost."""
    ids = deliveries_due()
    enqueue_deliveries(ids)
    return len(ids)


def enqueue_deliveries(ids: Iterable[int]) -> None:
    """Hand rows to Celery in chunks of ``SMS_TASK_CHUNK`` (one task each, which the worker's
    processes run side by side); a broker that is down only delays them (the beat sweep sends them).
    Called by the outbox handler notifications.sms.queued and by the beat sweep above, never on
    commit: the Delivery rows are their own durable record."""
    ids = sorted(ids)
    for chunk in chunks(ids, max(settings.SMS_TASK_CHUNK, 1)):
        try:
            send_deliveries.delay(chunk)
        except Exception:  # noqa: BLE001 - broker or result store down (kombu and redis raise their own kinds)
            log.warning(
                "%d deliveries not enqueued (from %s); the sweep will send them", len(chunk), chunk[0], exc_info=True
            )
