"""Thin Celery tasks of outgoing messages: ids in, a service call, nothing else (STYLE.md)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="notifications.tasks.send_delivery", acks_late=True, ignore_result=True)
def send_delivery(delivery_id: int) -> str:
    """Send one delivery if it is still due (idempotent: a sent row is never sent again)."""
    from .delivery import delivery_send

    return delivery_send(delivery_id=delivery_id)


@shared_task(name="notifications.tasks.send_deliveries", acks_late=True, ignore_result=True)
def send_deliveries(delivery_ids: list[int]) -> dict:
    """Send a chunk of deliveries that are still due (idempotent: a sent row is never sent again;
    a chunk re-run after a worker died skips the rows already sent)."""
    import logging
    import time

    from .delivery import deliveries_send

    started = time.monotonic()
    outcomes = dict(deliveries_send(delivery_ids))
    logging.getLogger("notifications.sms").info("sent a chunk of %d deliveries in %.2f s: %s", len(delivery_ids),
                                                time.monotonic() - started, outcomes)
    return outcomes


@shared_task(name="notifications.tasks.retry_deliveries", ignore_result=True)
def retry_deliveries() -> int:
    """Beat: send the failed deliveries whose backoff has passed, and queued ones whose task was lost."""
    from .delivery import deliveries_due, enqueue_deliveries

    ids = deliveries_due()
    enqueue_deliveries(ids)
    return len(ids)
