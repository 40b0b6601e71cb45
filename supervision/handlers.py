"""Outbox handlers of supervision (core/outbox.py)."""

from __future__ import annotations

from django.core.files.storage import default_storage

from core.outbox import handles

from . import services


@handles("supervision.photos.delete", stage="records")
def photos_delete(payload: dict) -> None:
    """Remove the photo files of a deleted inspection from storage; a file already gone is skipped.

    Payload {"names"}: the stored names; emitted in the transaction that deleted the record."""
    for name in payload["names"]:
        default_storage.delete(name)


@handles("supervision.tipoff.routed", stage="orders")
def tipoff_routed(payload: dict) -> None:
    """The unit a tip-off was routed to hears of it (in-app notice; idempotent per person).

    Payload {"tipoff_id"}; emitted when a tip-off is received with a unit, or routed by hand."""
    services.tipoff_notify_routed(tipoff_id=int(payload["tipoff_id"]))
