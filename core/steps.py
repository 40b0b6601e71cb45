"""What the steps of an order to a unit write — 签收 (acknowledged) and 落实到位 (in place), on the
fields of core/fields.py — once for the response's orders (plan §5.6), the ozone orders (§5.3.4) and
the SO2 tasks (§10). The caller's service keeps the rest of the one transition shape: it holds the
row lock, checks its guards, and writes the audit entry and the effects."""

from __future__ import annotations

import datetime as dt

from django.db import models

ACKNOWLEDGEMENT = ("acknowledged_at", "acknowledged_by")
IN_PLACE = ("in_place_at", "in_place_by", "in_place_note")


def stamp_acknowledged(item: models.Model, *, actor, now: dt.datetime) -> tuple[str, ...]:
    """签收 by ``actor`` at ``now``, unless the item is acknowledged already (a later step
    acknowledges an item not acknowledged yet); the fields to save."""
    if item.acknowledged_at is None:
        item.acknowledged_at, item.acknowledged_by = now, actor
    return ACKNOWLEDGEMENT


def acknowledge(item: models.Model, *, actor, now: dt.datetime) -> None:
    """签收: stamped, an issued item is acknowledged, saved."""
    fields = stamp_acknowledged(item, actor=actor, now=now)
    if item.status == item.Status.ISSUED:
        item.status = item.Status.ACKNOWLEDGED
    item.save(update_fields=[*fields, "status"])


def confirm_in_place(item: models.Model, *, actor, now: dt.datetime, note: str) -> None:
    """落实到位 with ``note``: an item not acknowledged yet is acknowledged too; saved."""
    fields = stamp_acknowledged(item, actor=actor, now=now)
    item.in_place_at, item.in_place_by, item.in_place_note = now, actor, note
    item.status = item.Status.IN_PLACE
    item.save(update_fields=[*fields, *IN_PLACE, "status"])
