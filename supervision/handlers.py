"""Outbox handlers of supervision (core/outbox.py)."""

from __future__ import annotations

from django.core.files.storage import default_storage

from core.outbox import handles


@handles("supervision.photos.delete", stage="records")
def photos_delete(payload: dict) -> None:
    """Remove the photo files of a deleted inspection from storage; a file already gone is skipped.

    Payload {"names"}: the stored names; emitted in the transaction that deleted the record."""
    for name in payload["names"]:
        default_storage.delete(name)
