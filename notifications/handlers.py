"""Outbox handlers of outgoing messages (core/outbox.py). Each is idempotent: a delivery row is
sent once whoever hands it out, and the office is told of a failed subject once an hour."""

from __future__ import annotations

from core.outbox import handles

from .delivery import deliveries_failed_notify, deliveries_queued_ids
from .tasks import enqueue_deliveries


@handles("notifications.sms.queued", stage="publication")
def sms_queued(payload: dict) -> None:
    """Hand the new SMS rows to the senders, one task per chunk of ``SMS_TASK_CHUNK`` rows.

    Payload {"key", "first", "last"}: the subject and the id range of the rows created (or queued
    again by the office's "retry failed"); emitted in the transaction that wrote them."""
    enqueue_deliveries(
        deliveries_queued_ids(key=payload.get("key") or "", first=int(payload["first"]), last=int(payload["last"]))
    )


@handles("notifications.delivery.failed", stage="publication")
def delivery_failed(payload: dict) -> None:
    """Tell the office in-app that messages of a subject failed for good (once an hour per subject).

    Payload {"key"}; emitted by the sender in the transaction that recorded the failure."""
    deliveries_failed_notify(key=payload["key"])
